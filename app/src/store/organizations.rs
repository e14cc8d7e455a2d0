//! Organizations and their names.
//!
//! Invariants:
//! - An organization exists only together with `org_name:⟨name⟩` pointing at it and at least
//!   one `owner` membership, all written in one transaction.
//! - Deleting an organization removes its memberships, groups, group members, invitations,
//!   projects, project grants, organization and group tokens and name claim in the same
//!   transaction.

use super::checked::checked;
use super::{Db, StoreError};
use super::{Guard, Write};
use crate::domain::ids::{GroupId, OrgId, UserId};
use chrono::{DateTime, Utc};
use std::sync::LazyLock;
use surrealdb::types::SurrealValue;

#[derive(Debug, Clone, PartialEq, Eq, SurrealValue)]
pub struct OrgRow {
    pub id: OrgId,
    pub name: String,
    pub display_name: String,
    pub require_two_factor: bool,
    pub allow_direct_adding: bool,
    /// The provider members must have signed in through (their sessions), if any.
    pub require_sso_provider: Option<String>,
    pub created_at: DateTime<Utc>,
}

pub const ORG_FIELDS: &str = "record::id(id) AS id, name, display_name, require_two_factor, \
     allow_direct_adding, require_sso_provider, created_at";

/// A caller's standing in an organization, read in one round trip.
#[derive(Debug, Clone, SurrealValue)]
pub struct AccessRow {
    pub org: OrgRow,
    /// The member's own role; `None` for a non-member.
    pub role: Option<String>,
    /// When the member last used the organization (recorded at most once a minute).
    pub last_active_at: Option<DateTime<Utc>>,
    /// The member's groups that carry a role.
    pub group_roles: Vec<GroupRole>,
    /// Whether the caller has two-factor on (for the organization's policy).
    pub two_factor: bool,
    /// The organization's custom roles (name and ticked permissions).
    pub custom_roles: Vec<CustomRole>,
}

/// A custom role's name and ticked permission ids.
#[derive(Debug, Clone, SurrealValue)]
pub struct CustomRole {
    pub name: String,
    pub title: String,
    pub permissions: Vec<String>,
}

/// A group of the member's and the role it gives.
#[derive(Debug, Clone, SurrealValue)]
pub struct GroupRole {
    pub group: String,
    pub role: String,
}

/// The membership fields copied from the user `$user` (a record id in the query), so the
/// people page pages and searches through one index (see the migration).
pub const MEMBER_COPY: &str = "username: $user.username, \
     search: string::lowercase(string::join(' ', $user.username, $user.email, $user.display_name))";

/// Creates an organization with `owner` as its first owner.
pub async fn create(
    db: &Db,
    name: &str,
    display_name: &str,
    owner_id: &UserId,
    now: DateTime<Utc>,
    audit: &super::audit::Audit,
) -> Result<OrgRow, Guard> {
    let query = format!(
        "BEGIN TRANSACTION;
         IF record::exists(type::record('org_name', $name)) {{ THROW 'org_name_taken' }};
         LET $org = CREATE ONLY organization CONTENT {{
             name: $name, display_name: $display_name, require_two_factor: false,
             created_at: $now, updated_at: $now, guard: 0
         }};
         CREATE type::record('org_name', $name) CONTENT {{ org: $org.id }};
         LET $user = type::record('user', $owner);
         CREATE type::record('membership', [record::id($org.id), $owner]) CONTENT {{
             org: $org.id, user: $user, role: 'owner', {MEMBER_COPY}, joined_at: $now
         }};
         LET $audit_org = record::id($org.id);
         COMMIT TRANSACTION;
         SELECT {ORG_FIELDS} FROM ONLY type::record('org_name', $name).org;"
    );
    let result = Write::audited(db, &query, audit)
        .bind("name", name.to_string())
        .bind("display_name", display_name.to_string())
        .bind("owner", owner_id.to_string())
        .bind("now", now)
        .returning::<Option<OrgRow>>()
        .await;
    result?.ok_or_else(|| {
        Guard::Store(surrealdb::Error::internal("organization not created".into()).into())
    })
}

/// The organization `$name` and the standing in it of the user whose key is `$standing_user`,
/// as one SurrealQL block (an [`AccessRow`], or `NONE` without such an organization), for
/// [`access`] and for a caller's resolution that reads it with the caller.
pub(super) static MEMBER_STANDING: LazyLock<String> = LazyLock::new(|| {
    format!(
        "{{
     LET $org = (SELECT VALUE org FROM ONLY type::record('org_name', $name));
     LET $standing_member = IF $org = NONE {{ NONE }} ELSE {{
         (SELECT role, last_active_at FROM ONLY type::record('membership', [record::id($org), $standing_user]))
     }};
     IF $org = NONE {{ NONE }} ELSE {{ ({{
         org: (SELECT {ORG_FIELDS} FROM ONLY $org),
         role: $standing_member.role,
         last_active_at: $standing_member.last_active_at,
         group_roles: (SELECT team.name AS group, team.role AS role FROM team_member
                      WHERE org = $org AND user = type::record('user', $standing_user)
                      AND team.role != NONE),
         two_factor: (SELECT VALUE two_factor_enabled FROM ONLY type::record('user', $standing_user)) = true,
         custom_roles: (SELECT name, title, permissions FROM role WHERE org = $org ORDER BY name)
     }}) }}
 }}"
    )
});

/// The organization called `name` and the standing of `user_id` in it.
pub async fn access(
    db: &Db,
    name: &str,
    user_id: &UserId,
) -> Result<Option<AccessRow>, StoreError> {
    let mut response = checked(
        db.query(format!("RETURN {};", *MEMBER_STANDING))
            .bind(("name", name.to_string()))
            .bind(("standing_user", user_id.to_string()))
            .await?,
    )?;
    Ok(response.take(0)?)
}

/// What an organization or group token stands on, read in one round trip.
#[derive(Debug, Clone, SurrealValue)]
pub struct TokenAccessRow {
    pub org: OrgRow,
    /// A group token's group, if it still exists in this organization.
    pub group: Option<String>,
    /// That group's role, if it has one.
    pub group_roles: Vec<GroupRole>,
    pub custom_roles: Vec<CustomRole>,
}

/// The organization `$name`, with the group whose key is `$group_key` (a group token's) if it
/// is one of the organization's groups, as one SurrealQL block (a [`TokenAccessRow`], or
/// `NONE` without such an organization).
pub(super) static TOKEN_STANDING: LazyLock<String> = LazyLock::new(|| {
    format!(
        "{{
     LET $org = (SELECT VALUE org FROM ONLY type::record('org_name', $name));
     LET $found_team = IF $group_key = NONE {{ NONE }} ELSE {{
         (SELECT name, role, org FROM ONLY type::record('team', $group_key))
     }};
     LET $team = IF $found_team != NONE AND $found_team.org = $org {{ $found_team }} ELSE {{ NONE }};
     IF $org = NONE {{ NONE }} ELSE {{ ({{
         org: (SELECT {ORG_FIELDS} FROM ONLY $org),
         group: $team.name,
         group_roles: IF $team.role != NONE {{ [{{ group: $team.name, role: $team.role }}] }} ELSE {{ [] }},
         custom_roles: (SELECT name, title, permissions FROM role WHERE org = $org ORDER BY name)
     }}) }}
 }}"
    )
});

/// The organization called `name`, with the group `group_id` (a group token's) if it is one
/// of the organization's groups.
pub async fn token_access(
    db: &Db,
    name: &str,
    group_id: Option<&GroupId>,
) -> Result<Option<TokenAccessRow>, StoreError> {
    let mut response = checked(
        db.query(format!("RETURN {};", *TOKEN_STANDING))
            .bind(("name", name.to_string()))
            .bind(("group_key", group_id.cloned()))
            .await?,
    )?;
    Ok(response.take(0)?)
}

/// A change to an organization; `None` leaves a field as it is.
#[derive(Default)]
pub struct OrgChange<'a> {
    pub name: Option<&'a str>,
    pub display_name: Option<&'a str>,
    pub require_two_factor: Option<bool>,
    pub allow_direct_adding: Option<bool>,
    /// `Some(None)` lifts the requirement.
    pub require_sso_provider: Option<Option<&'a str>>,
}

pub async fn update(
    db: &Db,
    org_id: &OrgId,
    change: &OrgChange<'_>,
    now: DateTime<Utc>,
    audit: &super::audit::Audit,
) -> Result<OrgRow, Guard> {
    let query = format!(
        "BEGIN TRANSACTION;
         LET $org = type::record('organization', $id);
         LET $old = (SELECT VALUE name FROM ONLY $org);
         IF $name != NONE AND $name != $old {{
             IF record::exists(type::record('org_name', $name)) {{ THROW 'org_name_taken' }};
             DELETE type::record('org_name', $old);
             CREATE type::record('org_name', $name) CONTENT {{ org: $org }};
             UPDATE $org SET name = $name;
         }};
         IF $display_name != NONE {{ UPDATE $org SET display_name = $display_name }};
         IF $require_two_factor != NONE {{ UPDATE $org SET require_two_factor = $require_two_factor }};
         IF $allow_direct_adding != NONE {{ UPDATE $org SET allow_direct_adding = $allow_direct_adding }};
         IF $set_sso_provider {{
             IF $require_sso_provider != NONE
                 AND !record::exists(type::record('sso_provider', $require_sso_provider)) {{
                 THROW 'not_found'
             }};
             UPDATE $org SET require_sso_provider = $require_sso_provider;
         }};
         UPDATE $org SET updated_at = $now;
         COMMIT TRANSACTION;
         SELECT {ORG_FIELDS} FROM ONLY type::record('organization', $id);"
    );
    let result = Write::audited(db, &query, audit)
        .bind("id", org_id.to_string())
        .bind("name", change.name.map(str::to_string))
        .bind("display_name", change.display_name.map(str::to_string))
        .bind("require_two_factor", change.require_two_factor)
        .bind("allow_direct_adding", change.allow_direct_adding)
        .bind("set_sso_provider", change.require_sso_provider.is_some())
        .bind(
            "require_sso_provider",
            change.require_sso_provider.flatten().map(str::to_string),
        )
        .bind("now", now)
        .returning::<Option<OrgRow>>()
        .await;
    result?.ok_or_else(|| {
        Guard::Store(surrealdb::Error::internal("organization vanished".into()).into())
    })
}

/// Deletes an organization and everything that belongs to it.
pub async fn delete(db: &Db, org_id: &OrgId, audit: &super::audit::Audit) -> Result<(), Guard> {
    Write::audited(
        db,
        "BEGIN TRANSACTION;
                 LET $org = type::record('organization', $id);
                 DELETE type::record('org_name', (SELECT VALUE name FROM ONLY $org));
                 DELETE team_name WHERE team.org = $org;
                 DELETE team_member WHERE org = $org;
                 DELETE team WHERE org = $org;
                 DELETE invitation WHERE org = $org;
                 DELETE api_token WHERE org = $org;
                 DELETE project_access WHERE org = $org;
                 DELETE project_name WHERE project.org = $org;
                 DELETE project WHERE org = $org;
                 DELETE membership WHERE org = $org;
                 DELETE $org;
                 COMMIT TRANSACTION;",
        audit,
    )
    .bind("id", org_id.to_string())
    .run()
    .await?;
    Ok(())
}

/// The organizations of the user whose key is `$user`, with their role, by name.
static OF_USER: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT (SELECT {ORG_FIELDS} FROM ONLY $parent.org) AS org, role, org.name AS name
         FROM membership WHERE user = type::record('user', $user) ORDER BY name"
    )
});

/// One row of [`OF_USER`].
#[derive(SurrealValue)]
struct OfUserRow {
    org: OrgRow,
    role: String,
}

fn of_user_rows(rows: Vec<OfUserRow>) -> Vec<(OrgRow, String)> {
    rows.into_iter().map(|r| (r.org, r.role)).collect()
}

/// The organizations `user_id` belongs to, with their role, by name.
pub async fn of_user(db: &Db, user_id: &UserId) -> Result<Vec<(OrgRow, String)>, StoreError> {
    let mut response = checked(
        db.query(OF_USER.as_str())
            .bind(("user", user_id.to_string()))
            .await?,
    )?;
    Ok(of_user_rows(response.take(0)?))
}

/// [`of_user`] and, with `email` (a verified address, lower-cased), how many live invitations
/// are addressed to it, in one round trip (the header's organization menu).
pub async fn menu(
    db: &Db,
    user_id: &UserId,
    email: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(Vec<(OrgRow, String)>, i64), StoreError> {
    let mut response = checked(
        db.query(format!(
            "{of_user};
             IF $email = NONE {{ 0 }} ELSE {{
                 count(SELECT VALUE id FROM invitation WHERE email = $email AND expires_at > $now)
             }};",
            of_user = *OF_USER
        ))
        .bind(("user", user_id.to_string()))
        .bind(("email", email.map(str::to_string)))
        .bind(("now", now))
        .await?,
    )?;
    let rows: Vec<OfUserRow> = response.take(0)?;
    let invitations: Option<i64> = response.take(1)?;
    Ok((of_user_rows(rows), invitations.unwrap_or(0)))
}

/// Every organization by name, with its member count and owners (site administration).
pub async fn all(db: &Db) -> Result<Vec<(OrgRow, i64, Vec<String>)>, StoreError> {
    #[derive(SurrealValue)]
    struct Row {
        org: OrgRow,
        members: i64,
        owners: Vec<String>,
    }
    let mut response = checked(
        db.query(format!(
            "(SELECT id, name FROM organization ORDER BY name).map(|$o| {{
                 org: (SELECT {ORG_FIELDS} FROM ONLY $o.id),
                 members: count(SELECT VALUE id FROM membership WHERE org = $o.id),
                 owners: (SELECT VALUE username FROM membership
                          WHERE org = $o.id AND role = 'owner' ORDER BY username)
             }})"
        ))
        .await?,
    )?;
    let rows: Vec<Row> = response.take(0)?;
    Ok(rows
        .into_iter()
        .map(|r| (r.org, r.members, r.owners))
        .collect())
}

/// The organization called `name`.
pub async fn by_name(db: &Db, name: &str) -> Result<Option<OrgRow>, StoreError> {
    let mut response = checked(
        db.query(format!(
            "LET $org = (SELECT VALUE org FROM ONLY type::record('org_name', $name));
             RETURN IF $org = NONE {{ NONE }} ELSE {{ (SELECT {ORG_FIELDS} FROM ONLY $org) }};"
        ))
        .bind(("name", name.to_string()))
        .await?,
    )?;
    let last = response.num_statements().saturating_sub(1);
    Ok(response.take(last)?)
}
