//! Custom roles.
//!
//! Invariants:
//! - A custom role's name is unique in its organization (the record id) and never a built-in
//!   name (checked by the service).
//! - An edit applies only if the role still has the permissions the editor saw (`expected`):
//!   a concurrent edit makes the later one fail instead of silently widening what was checked.
//! - Deleting a role and moving its holders (members, groups, invitations, organization
//!   tokens) to no role happen in one transaction, which confirms the rights check's findings:
//!   a token never regains rights from a later role of the same name.

use super::checked::checked;
use super::rights::{RIGHTS_GUARD, RightsSeen};
use super::{Db, StoreError};
use super::{Guard, Write};
use crate::domain::ids::{OrgId, UserId};
use chrono::{DateTime, Utc};
use surrealdb::types::SurrealValue;

#[derive(Debug, Clone, SurrealValue)]
pub struct RoleRow {
    pub name: String,
    pub title: String,
    pub description: String,
    pub permissions: Vec<String>,
}

pub async fn list(db: &Db, org_id: &OrgId) -> Result<Vec<RoleRow>, StoreError> {
    let mut response = checked(
        db.query(
            "SELECT name, title, description, permissions FROM role
             WHERE org = type::record('organization', $org) ORDER BY name",
        )
        .bind(("org", org_id.to_string()))
        .await?,
    )?;
    Ok(response.take(0)?)
}

pub async fn get(db: &Db, org_id: &OrgId, name: &str) -> Result<Option<RoleRow>, StoreError> {
    let mut response = checked(
        db.query(
            "SELECT name, title, description, permissions FROM ONLY type::record('role', [$org, $name])",
        )
        .bind(("org", org_id.to_string()))
        .bind(("name", name.to_string()))
        .await?,
    )?;
    Ok(response.take(0)?)
}

pub async fn create(
    db: &Db,
    org_id: &OrgId,
    role: &RoleRow,
    now: DateTime<Utc>,
    audit: &super::audit::Audit,
) -> Result<(), Guard> {
    Write::audited(
        db,
        "BEGIN TRANSACTION;
                 IF record::exists(type::record('role', [$org, $name])) { THROW 'role_exists' };
                 CREATE type::record('role', [$org, $name]) CONTENT {
                     org: type::record('organization', $org), name: $name, title: $title,
                     description: $description, permissions: $permissions,
                     created_at: $now, updated_at: $now
                 };
                 COMMIT TRANSACTION;",
        audit,
    )
    .bind("org", org_id.to_string())
    .bind("name", role.name.clone())
    .bind("title", role.title.clone())
    .bind("description", role.description.clone())
    .bind("permissions", role.permissions.clone())
    .bind("now", now)
    .run()
    .await
}

/// Replaces title, description and permissions, if the permissions are still `expected` and
/// the editor's rights check (`rights`) still holds.
pub async fn update(
    db: &Db,
    org_id: &OrgId,
    role: &RoleRow,
    expected: &[String],
    rights: &RightsSeen,
    now: DateTime<Utc>,
    audit: &super::audit::Audit,
) -> Result<(), Guard> {
    let query = format!(
        "BEGIN TRANSACTION;
         LET $r = type::record('role', [$org, $name]);
         IF (SELECT VALUE permissions FROM ONLY $r) != $expected {{ THROW 'role_edited' }};
         {RIGHTS_GUARD}
         UPDATE $r SET title = $title, description = $description,
             permissions = $permissions, updated_at = $now;
         COMMIT TRANSACTION;"
    );
    Write::audited(db, &query, audit)
        .bind("rights", rights.clone())
        .bind("org", org_id.to_string())
        .bind("name", role.name.clone())
        .bind("title", role.title.clone())
        .bind("description", role.description.clone())
        .bind("permissions", role.permissions.clone())
        .bind("expected", expected.to_vec())
        .bind("now", now)
        .run()
        .await
}

/// Deletes the role; its holders (members, groups, pending invitations, organization tokens)
/// fall back to no role.
pub async fn delete(
    db: &Db,
    org_id: &OrgId,
    name: &str,
    rights: &RightsSeen,
    audit: &super::audit::Audit,
) -> Result<(), Guard> {
    let query = format!(
        "BEGIN TRANSACTION;
         {RIGHTS_GUARD}
         LET $org_id = type::record('organization', $org);
         UPDATE membership SET role = '' WHERE org = $org_id AND role = $name;
         UPDATE team SET role = NONE WHERE org = $org_id AND role = $name;
         UPDATE invitation SET role = '' WHERE org = $org_id AND role = $name;
         UPDATE api_token SET role = '' WHERE org = $org_id AND kind IN ['organization', 'user'] AND role = $name;
         DELETE type::record('role', [$org, $name]);
         UPDATE $org_id SET guard += 1;
         COMMIT TRANSACTION;"
    );
    Write::audited(db, &query, audit)
        .bind("org", org_id.to_string())
        .bind("name", name.to_string())
        .bind("rights", rights.clone())
        .run()
        .await
}

/// Organization tokens that carry `name`: (prefix, description), by prefix.
pub async fn token_holders(
    db: &Db,
    org_id: &OrgId,
    name: &str,
) -> Result<Vec<(String, String)>, StoreError> {
    #[derive(SurrealValue)]
    struct Holder {
        prefix: String,
        description: String,
    }
    let mut response = checked(
        db.query(
            "SELECT prefix, description FROM api_token
                 WHERE org = type::record('organization', $org) AND kind = 'organization'
                 AND role = $name AND revoked_at = NONE
                 ORDER BY prefix;",
        )
        .bind(("org", org_id.to_string()))
        .bind(("name", name.to_string()))
        .await?,
    )?;
    let rows: Vec<Holder> = response.take(0)?;
    Ok(rows
        .into_iter()
        .map(|h| (h.prefix, h.description))
        .collect())
}

/// Usernames of the members who hold `name` directly or through a group, sorted.
pub async fn holders(db: &Db, org_id: &OrgId, name: &str) -> Result<Vec<String>, StoreError> {
    let mut response = checked(
        db.query(
            "SELECT VALUE username FROM membership
                 WHERE org = type::record('organization', $org) AND role = $name;
             SELECT VALUE user.username FROM team_member
                 WHERE org = type::record('organization', $org) AND team.role = $name;",
        )
        .bind(("org", org_id.to_string()))
        .bind(("name", name.to_string()))
        .await?,
    )?;
    let mut names: Vec<String> = response.take(0)?;
    let through_groups: Vec<String> = response.take(1)?;
    names.extend(through_groups);
    names.sort();
    names.dedup();
    Ok(names)
}

/// How many members hold `name` directly or through a group (each counted once), and how many
/// groups carry it.
pub async fn usage(db: &Db, org_id: &OrgId, name: &str) -> Result<(i64, i64), StoreError> {
    let mut response = checked(
        db.query(
            "LET $org = type::record('organization', $org_key);
             LET $teams = (SELECT VALUE id FROM team WHERE org = $org AND role = $name);
             LET $direct = (SELECT VALUE user FROM membership WHERE org = $org AND role = $name);
             LET $through = (SELECT VALUE user FROM team_member WHERE org = $org AND team IN $teams);
             RETURN count(array::distinct(array::concat($direct, $through)));
             RETURN count($teams);",
        )
        .bind(("org_key", org_id.to_string()))
        .bind(("name", name.to_string()))
        .await?,
    )?;
    let last = response.num_statements().saturating_sub(1);
    let groups = response.take::<Option<i64>>(last)?.unwrap_or(0);
    let holders = response
        .take::<Option<i64>>(last.saturating_sub(1))?
        .unwrap_or(0);
    Ok((holders, groups))
}

/// A custom role of one of a member's organizations.
#[derive(Debug, Clone, SurrealValue)]
pub struct MemberOrgRole {
    /// The organization's name.
    pub org: String,
    pub name: String,
    pub title: String,
}

/// The organizations of `user_id` (as [`super::organizations::of_user`]) and the custom roles
/// of each (two reads, the second through the `role_org` index).
pub async fn custom_of_member(
    db: &Db,
    user_id: &UserId,
) -> Result<
    (
        Vec<(super::organizations::OrgRow, String)>,
        Vec<MemberOrgRole>,
    ),
    StoreError,
> {
    let orgs = super::organizations::of_user(db, user_id).await?;
    let ids: Vec<String> = orgs.iter().map(|(o, _)| o.id.to_string()).collect();
    let mut response = checked(
        db.query(
            "SELECT org.name AS org, name, title FROM role
             WHERE org IN $orgs.map(|$o| type::record('organization', $o)) ORDER BY org, name",
        )
        .bind(("orgs", ids))
        .await?,
    )?;
    Ok((orgs, response.take(0)?))
}
