//! Memberships and the ownership guards.
//!
//! Invariants (checked inside the transaction that writes, which also bumps the
//! organization's `guard` so that two concurrent guarded writes conflict and one is retried
//! against the other's result):
//! - An organization always keeps at least one owner: the last owner cannot be demoted,
//!   removed, or leave.
//! - Every change of rights runs the rights guard (`store::rights`) first: only an owner
//!   grants or takes away the Owner role (removing an owner included), and the roles the
//!   caller's check saw are still the roles.
//! - Removing a member also removes them from the organization's groups and their project
//!   grants; a member who owns projects cannot be removed (or leave) until they are
//!   transferred.

use super::checked::checked;
use super::instance_rights::{INSTANCE_GUARD, InstanceSeen};
use super::organizations::MEMBER_COPY;
use super::rights::{RIGHTS_GUARD, RightsSeen};
use super::{Db, StoreError};
use super::{Guard, Write};
use crate::domain::ids::{GroupId, OrgId, UserId};
use chrono::{DateTime, Utc};
use surrealdb::types::SurrealValue;

#[derive(Debug, Clone, SurrealValue)]
pub struct MemberRow {
    pub user_id: UserId,
    pub username: String,
    pub email: String,
    pub display_name: String,
    pub two_factor_enabled: bool,
    pub role: String,
    pub groups: Vec<String>,
    pub owns_projects: bool,
    pub joined_at: DateTime<Utc>,
    pub last_active_at: Option<DateTime<Utc>>,
    /// The activity order's key (see migration 24), for a page's cursor.
    pub active_rank: i64,
}

/// The member rows of `$page` (membership ids of organization `$org_id`), by username, as
/// two results: the rows (each with its groups, the copy migration 18 keeps on the
/// membership) and the organization's project owners. [`assemble`] joins them in Rust:
/// matching inside SurrealQL closures cost 280 ms per page of 50 in a debug build, and a
/// `$parent`-correlated subquery is a table scan per row (see `store/mod.rs`).
const MEMBER_ROWS: &str = "
     SELECT record::id(user) AS user_id, username, user.email AS email,
            user.display_name AS display_name, user.two_factor_enabled AS two_factor_enabled,
            role, joined_at, groups.name AS groups, last_active_at, active_rank
     FROM $page ORDER BY username;
     array::distinct(SELECT VALUE record::id(owner) FROM project WHERE org = $org_id);";

/// [`MEMBER_ROWS`] in order of activity (most recent first, then by username).
const MEMBER_ROWS_BY_ACTIVITY: &str = "
     SELECT record::id(user) AS user_id, username, user.email AS email,
            user.display_name AS display_name, user.two_factor_enabled AS two_factor_enabled,
            role, joined_at, groups.name AS groups, last_active_at, active_rank
     FROM $page ORDER BY active_rank, username;
     array::distinct(SELECT VALUE record::id(owner) FROM project WHERE org = $org_id);";

/// The order of a page of members.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberOrder {
    /// By username; the cursor is the last username.
    Username,
    /// Most recently active first (never active last), then by username; the cursor is the
    /// last row's `active_rank` and username.
    Activity,
}

#[derive(SurrealValue)]
struct BaseRow {
    user_id: UserId,
    username: String,
    email: String,
    display_name: String,
    two_factor_enabled: bool,
    role: String,
    joined_at: DateTime<Utc>,
    /// `NONE` for a link to a group that is gone (never left by the event; tolerated).
    groups: Vec<Option<String>>,
    last_active_at: Option<DateTime<Utc>>,
    active_rank: Option<i64>,
}

/// Joins the two results of [`MEMBER_ROWS`], which end the response.
fn assemble(response: &mut surrealdb::IndexedResults) -> Result<Vec<MemberRow>, StoreError> {
    let n = response.num_statements();
    let rows: Vec<BaseRow> = response.take(n.saturating_sub(2))?;
    let owners: Vec<UserId> = response.take(n.saturating_sub(1))?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let mut groups: Vec<String> = r.groups.into_iter().flatten().collect();
            groups.sort();
            MemberRow {
                owns_projects: owners.contains(&r.user_id),
                groups,
                user_id: r.user_id,
                username: r.username,
                email: r.email,
                display_name: r.display_name,
                two_factor_enabled: r.two_factor_enabled,
                role: r.role,
                joined_at: r.joined_at,
                last_active_at: r.last_active_at,
                active_rank: r.active_rank.unwrap_or(i64::MAX),
            }
        })
        .collect())
}

/// One page of members by username, after `after`; `query` filters on name and email.
///
/// Two steps: the page's ids first (the filter and order touch only indexed, copied fields),
/// then the details of those few rows, so a 10,000-member organization does not compute
/// every member's groups for one page.
pub async fn list(
    db: &Db,
    org_id: &OrgId,
    query: Option<&str>,
    after: Option<&str>,
    order: MemberOrder,
    limit: i64,
) -> Result<Vec<MemberRow>, StoreError> {
    // Conditions are left out rather than written `$x = NONE OR …`, so the planner can walk
    // the (org, username) or (org, active_rank, username) index from the cursor.
    let (after, rank) = match (order, after) {
        (MemberOrder::Activity, Some(cursor)) => match cursor.split_once(':') {
            Some((rank, name)) => (Some(name), rank.parse::<i64>().ok()),
            None => (None, None),
        },
        (_, after) => (after, None),
    };
    let after_clause = match (order, after) {
        (_, None) => "",
        (MemberOrder::Username, Some(_)) => "AND username > $after",
        (MemberOrder::Activity, Some(_)) => {
            "AND (active_rank > $rank OR (active_rank = $rank AND username > $after))"
        }
    };
    let (order_by, rows) = match order {
        MemberOrder::Username => ("username", MEMBER_ROWS),
        MemberOrder::Activity => ("active_rank, username", MEMBER_ROWS_BY_ACTIVITY),
    };
    let query_clause = if query.is_some() {
        // Through the full-text index `membership_search` (migration 17).
        "AND search @@ $query"
    } else {
        ""
    };
    let mut response = checked(
        db.query(format!(
            "LET $org_id = type::record('organization', $org);
             LET $page = (SELECT VALUE id FROM membership
                 WHERE org = $org_id {after_clause} {query_clause}
                 ORDER BY {order_by} LIMIT $limit);
             {rows}"
        ))
        .bind(("org", org_id.to_string()))
        .bind(("after", after.map(str::to_string)))
        .bind(("rank", rank.unwrap_or(i64::MAX)))
        .bind(("query", query.map(str::to_lowercase)))
        .bind(("limit", limit))
        .await?,
    )?;
    assemble(&mut response)
}

/// One member by username.
pub async fn get(db: &Db, org_id: &OrgId, username: &str) -> Result<Option<MemberRow>, StoreError> {
    let mut response = checked(
        db.query(format!(
            "LET $org_id = type::record('organization', $org);
             LET $page = (SELECT VALUE id FROM membership
                 WHERE org = $org_id AND username = $username LIMIT 1);
             {MEMBER_ROWS}"
        ))
        .bind(("org", org_id.to_string()))
        .bind(("username", username.to_string()))
        .await?,
    )?;
    let rows = assemble(&mut response)?;
    Ok(rows.into_iter().next())
}

/// Adds existing accounts (`users`: their keys) with `role` and puts them in `teams` (group
/// keys), after the adder's rights check (`rights`) is confirmed, with `audits` — in one
/// transaction: all of them join, or none does (`already_member` when one already is).
pub async fn add_people(
    db: &Db,
    users: &[UserId],
    role: &str,
    teams: &[String],
    rights: &RightsSeen,
    audits: &[super::audit::Audit],
    now: DateTime<Utc>,
) -> Result<(), Guard> {
    let query = format!(
        "BEGIN TRANSACTION;
         {RIGHTS_GUARD}
         LET $org = type::record('organization', $rights.org);
         FOR $user_key IN $users {{
             LET $user = type::record('user', $user_key);
             LET $account = (SELECT active, email_verified FROM ONLY $user);
             IF $account.active != true OR $account.email_verified != true {{ THROW 'unverified' }};
             IF record::exists(type::record('membership', [$rights.org, $user_key])) {{
                 THROW 'already_member'
             }};
             CREATE type::record('membership', [$rights.org, $user_key]) CONTENT {{
                 org: $org, user: $user, role: $role, {MEMBER_COPY}, joined_at: $now
             }};
             FOR $team IN $teams {{
                 LET $t = type::record('team', $team);
                 IF (SELECT VALUE org FROM ONLY $t) != $org {{ THROW 'no_such_group' }};
                 UPSERT type::record('team_member', [$team, $user_key]) CONTENT {{
                     team: $t, org: $org, user: $user, added_at: $now
                 }};
             }};
         }};
         UPDATE $org SET guard += 1;
         FOR $audit IN $audits {{ {APPEND} }};
         COMMIT TRANSACTION;",
        APPEND = super::audit::APPEND,
    );
    Write::new(db, &query)
        .bind("rights", rights.clone())
        .bind(
            "users",
            users.iter().map(ToString::to_string).collect::<Vec<_>>(),
        )
        .bind("role", role.to_string())
        .bind("teams", teams.to_vec())
        .bind("audits", audits.to_vec())
        .bind("now", now)
        .run()
        .await
}

/// Records that `user_id` used `org_id` at `at` (never moving it back).
pub async fn touch(
    db: &Db,
    org_id: &OrgId,
    user_id: &UserId,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    checked(
        db.query(
            "UPDATE type::record('membership', [$org, $user])
                 SET last_active_at = $at, active_rank = -time::unix($at)
                 WHERE last_active_at = NONE OR last_active_at < $at",
        )
        .bind(("org", org_id.to_string()))
        .bind(("user", user_id.to_string()))
        .bind(("at", at))
        .await?,
    )?;
    Ok(())
}

/// Of `users` (keys), those who are members of `org_id`.
pub async fn members_among(
    db: &Db,
    org_id: &OrgId,
    users: &[UserId],
) -> Result<Vec<UserId>, StoreError> {
    let mut response = checked(
        db.query(
            "RETURN $users.filter(|$u| record::exists(type::record('membership', [$org, $u])))",
        )
        .bind(("org", org_id.to_string()))
        .bind((
            "users",
            users.iter().map(ToString::to_string).collect::<Vec<_>>(),
        ))
        .await?,
    )?;
    let keys: Vec<String> = response.take(0)?;
    Ok(keys.into_iter().map(UserId::from).collect())
}

/// Adds `user_id` with `role` and puts them in `group_ids`.
pub async fn add(
    db: &Db,
    org_id: &OrgId,
    user_id: &UserId,
    role: &str,
    group_ids: &[GroupId],
    now: DateTime<Utc>,
) -> Result<(), Guard> {
    let query = format!(
        "BEGIN TRANSACTION;
         LET $org = type::record('organization', $org_key);
         LET $user = type::record('user', $user_key);
         IF record::exists(type::record('membership', [$org_key, $user_key])) {{ THROW 'already_member' }};
         CREATE type::record('membership', [$org_key, $user_key]) CONTENT {{
             org: $org, user: $user, role: $role, {MEMBER_COPY}, joined_at: $now
         }};
         FOR $team IN $teams {{
             LET $t = type::record('team', $team);
             IF (SELECT VALUE org FROM ONLY $t) = $org {{
                 UPSERT type::record('team_member', [$team, $user_key]) CONTENT {{
                     team: $t, org: $org, user: $user, added_at: $now
                 }};
             }};
         }};
         COMMIT TRANSACTION;"
    );
    Write::new(db, &query)
        .bind("org_key", org_id.to_string())
        .bind("user_key", user_id.to_string())
        .bind("role", role.to_string())
        .bind("teams", group_ids.to_vec())
        .bind("now", now)
        .run()
        .await
}

/// Sets a member's role, after the rights guard confirms what the caller's check saw
/// (`rights`: the caller, the old and new role, owner-only when either is Owner).
pub async fn change_role(
    db: &Db,
    org_id: &OrgId,
    user_id: &UserId,
    role: &str,
    rights: &RightsSeen,
    audit: &super::audit::Audit,
) -> Result<(), Guard> {
    let query = format!(
        "BEGIN TRANSACTION;
         LET $org = type::record('organization', $org_key);
         LET $current = (SELECT VALUE role FROM ONLY type::record('membership', [$org_key, $user_key]));
         IF $current = NONE {{ THROW 'not_member' }};
         {RIGHTS_GUARD}
         IF $current = 'owner' AND $role != 'owner'
            AND count(SELECT VALUE id FROM membership WHERE org = $org AND role = 'owner') <= 1 {{
             THROW 'last_owner'
         }};
         UPDATE type::record('membership', [$org_key, $user_key]) SET role = $role;
         UPDATE $org SET guard += 1;
         COMMIT TRANSACTION;"
    );
    Write::audited(db, &query, audit)
        .bind("org_key", org_id.to_string())
        .bind("user_key", user_id.to_string())
        .bind("rights", rights.clone())
        .bind("role", role.to_string())
        .run()
        .await
}

/// Removes a member (and their group memberships), after the rights guard confirms what the
/// caller's check saw (a member leaving checks nothing but the last-owner rule).
pub async fn remove(
    db: &Db,
    org_id: &OrgId,
    user_id: &UserId,
    rights: &RightsSeen,
    audit: &super::audit::Audit,
) -> Result<(), Guard> {
    let query = format!(
        "BEGIN TRANSACTION;
         LET $org = type::record('organization', $org_key);
         LET $user = type::record('user', $user_key);
         LET $current = (SELECT VALUE role FROM ONLY type::record('membership', [$org_key, $user_key]));
         IF $current = NONE {{ THROW 'not_member' }};
         {RIGHTS_GUARD}
         IF $current = 'owner'
            AND count(SELECT VALUE id FROM membership WHERE org = $org AND role = 'owner') <= 1 {{
             THROW 'last_owner'
         }};
         IF count(SELECT VALUE id FROM project WHERE org = $org AND owner = $user) > 0 {{
             THROW 'owns_projects'
         }};
         DELETE team_member WHERE org = $org AND user = $user;
         DELETE project_access WHERE org = $org AND user = $user;
         DELETE type::record('membership', [$org_key, $user_key]);
         UPDATE $org SET guard += 1;
         COMMIT TRANSACTION;"
    );
    Write::audited(db, &query, audit)
        .bind("org_key", org_id.to_string())
        .bind("user_key", user_id.to_string())
        .bind("rights", rights.clone())
        .run()
        .await
}

/// How many members hold `role`.
pub async fn count_with_role(db: &Db, org_id: &OrgId, role: &str) -> Result<i64, StoreError> {
    let mut response = checked(
        db.query(
            "RETURN count(SELECT VALUE id FROM membership
                          WHERE org = type::record('organization', $org) AND role = $role)",
        )
        .bind(("org", org_id.to_string()))
        .bind(("role", role.to_string()))
        .await?,
    )?;
    Ok(response.take::<Option<i64>>(0)?.unwrap_or(0))
}

/// Members who have not turned two-factor on (who a two-factor policy would lock out).
pub async fn without_two_factor(db: &Db, org_id: &OrgId) -> Result<Vec<String>, StoreError> {
    let mut response = checked(
        db.query(
            "SELECT VALUE username FROM membership
             WHERE org = type::record('organization', $org) AND user.two_factor_enabled != true
             ORDER BY username",
        )
        .bind(("org", org_id.to_string()))
        .await?,
    )?;
    Ok(response.take(0)?)
}

/// Makes `user_id` an owner of the organization (adding them as a member if they are not one):
/// a site admin's (`admin_id`) remedy for an organization with no active owner, never for
/// themselves while it has (inactive) owners. Audited. Returns the addresses of the
/// organization's owners before the change, to tell them.
pub async fn make_owner(
    db: &Db,
    org_id: &OrgId,
    user_id: &UserId,
    admin_id: &UserId,
    seen: &InstanceSeen,
    now: DateTime<Utc>,
    audit: &super::audit::Audit,
) -> Result<Vec<String>, Guard> {
    let query = format!(
        "BEGIN TRANSACTION;
         {INSTANCE_GUARD}
         LET $org = type::record('organization', $org_key);
         LET $user = type::record('user', $user_key);
         LET $owners = (SELECT VALUE user FROM membership WHERE org = $org AND role = 'owner');
         IF array::len(array::filter($owners, |$o| $o.active = true)) > 0 {{ THROW 'has_active_owner' }};
         IF array::len($owners) > 0 AND $user_key = $admin_key {{ THROW 'self_owner' }};
         LET $m = type::record('membership', [$org_key, $user_key]);
         IF record::exists($m) {{
             UPDATE $m SET role = 'owner';
         }} ELSE {{
             CREATE $m CONTENT {{ org: $org, user: $user, role: 'owner', {MEMBER_COPY}, joined_at: $now }};
         }};
         UPDATE $org SET guard += 1;
         COMMIT TRANSACTION;
         RETURN array::map($owners, |$o| $o.email);"
    );
    Write::audited(db, &query, audit)
        .bind("org_key", org_id.to_string())
        .bind("user_key", user_id.to_string())
        .bind("admin_key", admin_id.to_string())
        .bind("instance", seen.clone())
        .bind("now", now)
        .returning::<Vec<String>>()
        .await
}
