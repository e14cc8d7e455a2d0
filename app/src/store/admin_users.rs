//! Site administration of users: the paged list, flags, temporary passwords, deletion.
//!
//! Invariants (checked inside the writing transaction):
//! - The instance keeps at least one active holder of the Site admin role: every write that
//!   deactivates, demotes or deletes one rewrites `admin_guard:main`, so two such writes conflict and the
//!   retried one sees the other's result (`last_site_admin`).
//! - A user who is the last owner of an organization, or owns projects, is not deleted.
//! - Deactivating a user ends their sessions (a reactivated user signs in again; their
//!   tokens work again).
//! - Deleting a user deletes their sessions, tokens, memberships, group memberships, project
//!   grants, two-factor record and name claims with them.

use super::checked::checked;
use super::guard::Guard;
use super::instance_rights::{INSTANCE_GUARD, InstanceSeen};
use super::organizations::MEMBER_COPY;
use super::rights::{RIGHTS_GUARD, RightsSeen};
use super::users::{COPY_TO_MEMBERSHIPS, NewUser, SET_EMAIL, USER_FIELDS, UserRow};
use super::write::Write;
use super::{Db, StoreError};
use crate::domain::ids::UserId;
use chrono::{DateTime, Utc};
use surrealdb::types::SurrealValue;

/// A user as the admin list shows them.
#[derive(Debug, Clone, SurrealValue)]
pub struct AdminUserRow {
    pub user: UserRow,
    pub organizations: i64,
    pub last_sign_in_at: Option<DateTime<Utc>>,
}

/// A list row from `$u` (`{ id, last_sign_in_at }`), for `.map()`: the organizations are
/// counted through the `membership_user` index (a `$parent`-correlated subquery would scan
/// every membership for every row; see `store/mod.rs`).
fn admin_row() -> String {
    format!(
        "|$u| {{
             user: (SELECT {USER_FIELDS} FROM ONLY $u.id),
             organizations: count(SELECT VALUE id FROM membership WHERE user = $u.id),
             last_sign_in_at: $u.last_sign_in_at
         }}"
    )
}

/// Filters of the users list.
#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    /// Text searched in username, email and display name: every word of it must begin a
    /// word of theirs.
    pub query: Option<String>,
    pub active: Option<bool>,
    pub site_admin: Option<bool>,
    /// Holders of this instance role ("none": users without one).
    pub instance_role: Option<String>,
}

/// One page of users by username, after `after`.
pub async fn page(
    db: &Db,
    filter: &UserFilter,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<AdminUserRow>, StoreError> {
    // Conditions are left out rather than written `$x = NONE OR …`, so the planner can walk
    // an index in username order from the cursor: `user_username`, or with a status or
    // site-admin filter `user_active_username` / `user_admin_username` (migration 13).
    let mut conditions: Vec<&str> = Vec::new();
    if after.is_some() {
        conditions.push("username > $after");
    }
    if filter.active.is_some() {
        conditions.push("active = $active");
    }
    if filter.site_admin.is_some() {
        conditions.push("site_admin = $admin");
    }
    match filter.instance_role.as_deref() {
        None => {}
        // `user_instance_role` (migration 20).
        Some("none") => conditions.push("instance_role = NONE"),
        Some(_) => conditions.push("instance_role = $role"),
    }
    if filter.query.is_some() {
        // Through the full-text index `user_search` (migration 17).
        conditions.push("search @@ $q");
    }
    let clause = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    let row = admin_row();
    let mut response = checked(
        db.query(format!(
            "LET $ids = (SELECT VALUE id FROM user {clause} ORDER BY username LIMIT $limit);
             (SELECT id, last_sign_in_at FROM $ids ORDER BY username).map({row});"
        ))
        .bind(("after", after.map(str::to_string)))
        .bind(("active", filter.active))
        .bind(("admin", filter.site_admin))
        .bind(("role", filter.instance_role.clone()))
        .bind(("q", filter.query.clone()))
        .bind(("limit", limit))
        .await?,
    )?;
    let last = response.num_statements().saturating_sub(1);
    Ok(response.take(last)?)
}

/// One of a user's memberships as the admin user page shows it.
#[derive(Debug, Clone, SurrealValue)]
pub struct UserPlaceRow {
    pub name: String,
    pub display_name: String,
    pub role: String,
    /// Names of the user's groups there (`NONE` for a link to a group that is gone).
    pub groups: Vec<Option<String>>,
}

/// One user with their list details and their memberships (by organization name), in one
/// round trip.
pub async fn one(
    db: &Db,
    user_id: &UserId,
) -> Result<Option<(AdminUserRow, Vec<UserPlaceRow>)>, StoreError> {
    let row = admin_row();
    let mut response = checked(
        db.query(format!(
            "(SELECT id, last_sign_in_at FROM type::record('user', $id)).map({row});
             SELECT org.name AS name, org.display_name AS display_name, role,
                    groups.name AS groups
             FROM membership WHERE user = type::record('user', $id) ORDER BY name;"
        ))
        .bind(("id", user_id.to_string()))
        .await?,
    )?;
    let rows: Vec<AdminUserRow> = response.take(0)?;
    let places: Vec<UserPlaceRow> = response.take(1)?;
    Ok(rows.into_iter().next().map(|row| (row, places)))
}

/// Refuses (inside a transaction) when `$u` (read as `$target`) is an active holder of the
/// Site admin role and no other active holder exists; rewrites the guard record either way.
const LAST_ADMIN_GUARD: &str = "
    UPSERT admin_guard:main SET n += 1;
    IF $target.instance_role = 'site_admin' AND $target.active
       AND count(SELECT VALUE id FROM user WHERE instance_role = 'site_admin' AND active = true AND id != $u) = 0 {
        THROW 'last_site_admin'
    };";

/// A place in an organization for a new account, checked by the organization's rulebook.
#[derive(Debug, Clone, SurrealValue)]
pub struct PlacementWrite {
    /// What the check saw (its organization is where the account goes).
    pub rights: RightsSeen,
    pub role: String,
    /// The groups' keys.
    pub teams: Vec<String>,
}

/// A new account as an administrator makes it: the user, their names and status.
pub struct NewAccount<'a> {
    pub user: NewUser<'a>,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub active: bool,
}

/// Creates an account as an administrator does: the user with their claims, their status
/// and instance role, and their places in organizations and groups, with `audits` — all in
/// one transaction, after the administrator's check (`seen`) and each organization's rights
/// check (`placements[].rights`) are confirmed. Nothing is created when any of it is refused.
pub async fn create_account(
    db: &Db,
    account: &NewAccount<'_>,
    placements: &[PlacementWrite],
    seen: &InstanceSeen,
    audits: &[super::audit::Audit],
    now: DateTime<Utc>,
) -> Result<UserRow, Guard> {
    let query = format!(
        "BEGIN TRANSACTION;
         {INSTANCE_GUARD}
         IF record::exists(type::record('username_claim', $username)) {{ THROW 'username_taken' }};
         IF record::exists(type::record('email_claim', $email_key)) {{ THROW 'email_taken' }};
         LET $user = CREATE ONLY user CONTENT {{
             username: $username, email: $email, email_verified: $email_verified,
             display_name: $display_name, first_name: $first_name, last_name: $last_name,
             password_hash: $password_hash, password_change_required: $password_change_required,
             password_expires_at: $password_expires_at, instance_role: $instance_role,
             site_admin: $instance_role = 'site_admin', active: $active,
             api_access: (SELECT VALUE api_access_default FROM ONLY setting:instance) ?? true,
             created_at: $now, updated_at: $now
         }};
         CREATE type::record('username_claim', $username) CONTENT {{ user: $user.id }};
         CREATE type::record('email_claim', $email_key) CONTENT {{ user: $user.id }};
         LET $user_key = record::id($user.id);
         FOR $place IN $placements {{
             LET $rights = $place.rights;
             {RIGHTS_GUARD}
             LET $org = type::record('organization', $rights.org);
             CREATE type::record('membership', [$rights.org, $user_key]) CONTENT {{
                 org: $org, user: $user.id, role: $place.role, {MEMBER_COPY}, joined_at: $now
             }};
             FOR $team IN $place.teams {{
                 LET $t = type::record('team', $team);
                 IF (SELECT VALUE org FROM ONLY $t) != $org {{ THROW 'no_such_group' }};
                 UPSERT type::record('team_member', [$team, $user_key]) CONTENT {{
                     team: $t, org: $org, user: $user.id, added_at: $now
                 }};
             }};
             UPDATE $org SET guard += 1;
         }};
         FOR $audit IN $audits {{ {APPEND} }};
         COMMIT TRANSACTION;
         SELECT {USER_FIELDS} FROM ONLY type::record('username_claim', $username).user;",
        APPEND = super::audit::APPEND,
    );
    let new = &account.user;
    Write::new(db, &query)
        .bind("instance", seen.clone())
        .bind("username", new.username.to_string())
        .bind("email", new.email.to_string())
        .bind("email_key", new.email_key.to_string())
        .bind("email_verified", new.email_verified)
        .bind("display_name", new.display_name.to_string())
        .bind("first_name", account.first_name.to_string())
        .bind("last_name", account.last_name.to_string())
        .bind("password_hash", new.password_hash.to_string())
        .bind("password_change_required", new.password_change_required)
        .bind("password_expires_at", new.password_expires_at)
        .bind("instance_role", new.instance_role.map(str::to_string))
        .bind("active", account.active)
        .bind("placements", placements.to_vec())
        .bind("audits", audits.to_vec())
        .bind("now", now)
        .returning::<Option<UserRow>>()
        .await?
        .ok_or(Guard::NotFound)
}

/// What an administrator changes about a user; `None` leaves a value as it is.
#[derive(Debug, Clone, Default)]
pub struct UserChange {
    pub active: Option<bool>,
    /// The instance role to hold (`Some(None)`: none).
    pub instance_role: Option<Option<String>>,
    pub display_name: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub api_access: Option<bool>,
    /// A new address and its lower-cased key.
    pub email: Option<(String, String)>,
}

/// Changes a user's status, instance role and display name, if the administrator's check
/// (`seen`) still holds; the instance keeps an active Site admin.
pub async fn set_flags(
    db: &Db,
    user_id: &UserId,
    change: &UserChange,
    seen: &InstanceSeen,
    now: DateTime<Utc>,
    audit: &super::audit::Audit,
) -> Result<UserRow, Guard> {
    let query = format!(
        "BEGIN TRANSACTION;
         {INSTANCE_GUARD}
         LET $u = type::record('user', $id);
         LET $target = (SELECT instance_role, active FROM ONLY $u);
         IF $target = NONE {{ THROW 'not_found' }};
         IF $active = false OR ($set_role AND $role != 'site_admin') {{ {LAST_ADMIN_GUARD} }};
         IF $active != NONE {{ UPDATE $u SET active = $active }};
         IF $active = false {{
             DELETE session WHERE user = $u;
             DELETE password_reset WHERE user = $u;
         }};
         IF $set_role {{ UPDATE $u SET instance_role = $role, site_admin = ($role = 'site_admin') }};
         IF $display_name != NONE {{ UPDATE $u SET display_name = $display_name }};
         IF $first_name != NONE {{ UPDATE $u SET first_name = $first_name }};
         IF $last_name != NONE {{ UPDATE $u SET last_name = $last_name }};
         IF $api_access != NONE {{ UPDATE $u SET api_access = $api_access }};
         LET $old = SELECT email FROM ONLY $u;
         {SET_EMAIL}
         UPDATE $u SET updated_at = $now;
         IF $display_name != NONE OR $email != NONE {{ {COPY_TO_MEMBERSHIPS} }};
         COMMIT TRANSACTION;
         SELECT {USER_FIELDS} FROM ONLY type::record('user', $id);",
        COPY_TO_MEMBERSHIPS = *COPY_TO_MEMBERSHIPS
    );
    Write::audited(db, &query, audit)
        .bind("instance", seen.clone())
        .bind("id", user_id.to_string())
        .bind("active", change.active)
        .bind("set_role", change.instance_role.is_some())
        .bind("role", change.instance_role.clone().flatten())
        .bind("display_name", change.display_name.clone())
        .bind("first_name", change.first_name.clone())
        .bind("last_name", change.last_name.clone())
        .bind("api_access", change.api_access)
        .bind("email", change.email.as_ref().map(|(e, _)| e.clone()))
        .bind("email_key", change.email.as_ref().map(|(_, k)| k.clone()))
        .bind("now", now)
        .returning::<Option<UserRow>>()
        .await?
        .ok_or(Guard::NotFound)
}

/// Turns a user's two-factor off (an administrator's unlock: the authenticator app and every
/// passkey), if the check (`seen`) still holds.
pub async fn disable_two_factor(
    db: &Db,
    user_id: &UserId,
    seen: &InstanceSeen,
    now: DateTime<Utc>,
    audit: &super::audit::Audit,
) -> Result<(), Guard> {
    let query = format!(
        "BEGIN TRANSACTION;
         {INSTANCE_GUARD}
         LET $u = type::record('user', $id);
         IF ($u.password_hash ?? '') = '' AND count(SELECT id FROM identity WHERE user = $u) = 0
             AND count(SELECT id FROM passkey WHERE user = $u) > 0 {{
             THROW 'user_last_sign_in'
         }};
         DELETE type::record('two_factor', $id);
         DELETE passkey WHERE user = $u;
         UPDATE type::record('user', $id) SET two_factor_enabled = false, updated_at = $now;
         COMMIT TRANSACTION;"
    );
    Write::audited(db, &query, audit)
        .bind("instance", seen.clone())
        .bind("id", user_id.to_string())
        .bind("now", now)
        .run()
        .await
}

/// Revokes the user token `token` of `user_id`, if the administrator's check (`seen`) still
/// holds; `not_found` when it is not theirs or already revoked.
pub async fn revoke_user_token(
    db: &Db,
    user_id: &UserId,
    token: &str,
    seen: &InstanceSeen,
    now: DateTime<Utc>,
    audit: &super::audit::Audit,
) -> Result<(), Guard> {
    let query = format!(
        "BEGIN TRANSACTION;
         {INSTANCE_GUARD}
         LET $t = (SELECT user, kind, revoked_at FROM ONLY type::record('api_token', $token_key));
         IF $t = NONE OR $t.kind != 'user' OR $t.user != type::record('user', $id)
             OR $t.revoked_at != NONE {{ THROW 'not_found' }};
         UPDATE type::record('api_token', $token_key) SET revoked_at = $now;
         COMMIT TRANSACTION;"
    );
    Write::audited(db, &query, audit)
        .bind("instance", seen.clone())
        .bind("id", user_id.to_string())
        .bind("token_key", token.to_string())
        .bind("now", now)
        .run()
        .await
}

/// Ends the user's session `session` (its hash), or all of them; `not_found` when there is
/// no such session of theirs. Confirms the administrator's check (`seen`).
pub async fn end_user_sessions(
    db: &Db,
    user_id: &UserId,
    session: Option<&str>,
    seen: &InstanceSeen,
    audit: &super::audit::Audit,
) -> Result<(), Guard> {
    let query = format!(
        "BEGIN TRANSACTION;
         {INSTANCE_GUARD}
         LET $u = type::record('user', $id);
         IF $session_key != NONE {{
             LET $s = type::record('session', $session_key);
             IF (SELECT VALUE user FROM ONLY $s) != $u {{ THROW 'not_found' }};
             DELETE $s;
         }} ELSE {{
             DELETE session WHERE user = $u;
         }};
         COMMIT TRANSACTION;"
    );
    Write::audited(db, &query, audit)
        .bind("instance", seen.clone())
        .bind("id", user_id.to_string())
        .bind("session_key", session.map(str::to_string))
        .run()
        .await
}

/// Gives a user a temporary password (to be changed at the next sign-in, expiring at
/// `expires_at`) and ends all their sessions.
pub async fn set_temporary_password(
    db: &Db,
    user_id: &UserId,
    password_hash: &str,
    expires_at: DateTime<Utc>,
    seen: &InstanceSeen,
    now: DateTime<Utc>,
    audit: &super::audit::Audit,
) -> Result<(), Guard> {
    let query = format!(
        "BEGIN TRANSACTION;
         {INSTANCE_GUARD}
         LET $u = type::record('user', $id);
         IF !record::exists($u) {{ THROW 'not_found' }};
         UPDATE $u SET password_hash = $hash, password_change_required = true,
             password_expires_at = $expires_at, updated_at = $now;
         DELETE session WHERE user = $u;
         DELETE password_reset WHERE user = $u;
         COMMIT TRANSACTION;"
    );
    Write::audited(db, &query, audit)
        .bind("instance", seen.clone())
        .bind("id", user_id.to_string())
        .bind("hash", password_hash.to_string())
        .bind("expires_at", expires_at)
        .bind("now", now)
        .run()
        .await
}

/// Deletes a user and everything that is theirs alone.
pub async fn delete(
    db: &Db,
    user_id: &UserId,
    seen: &InstanceSeen,
    audit: &super::audit::Audit,
) -> Result<(), Guard> {
    let query = format!(
        "BEGIN TRANSACTION;
         {INSTANCE_GUARD}
         LET $u = type::record('user', $id);
         LET $target = (SELECT instance_role, active, username, email FROM ONLY $u);
         IF $target = NONE {{ THROW 'not_found' }};
         {LAST_ADMIN_GUARD}
         IF count(SELECT VALUE id FROM project WHERE owner = $u) > 0 {{ THROW 'user_owns_projects' }};
         FOR $m IN (SELECT org FROM membership WHERE user = $u AND role = 'owner') {{
             IF count(SELECT VALUE id FROM membership WHERE org = $m.org AND role = 'owner') <= 1 {{
                 THROW 'user_last_owner'
             }};
             UPDATE $m.org SET guard += 1;
         }};
         DELETE session WHERE user = $u;
         DELETE api_token WHERE user = $u;
         DELETE identity WHERE user = $u;
         DELETE passkey WHERE user = $u;
         DELETE passkey_ceremony WHERE user = $u;
         DELETE sso_link WHERE user = $u;
         DELETE team_member WHERE user = $u;
         DELETE project_access WHERE user = $u;
         DELETE membership WHERE user = $u;
         DELETE type::record('two_factor', $id);
         DELETE type::record('username_claim', $target.username);
         DELETE type::record('email_claim', string::lowercase($target.email));
         DELETE $u;
         COMMIT TRANSACTION;"
    );
    Write::audited(db, &query, audit)
        .bind("instance", seen.clone())
        .bind("id", user_id.to_string())
        .run()
        .await
}
