//! Groups and their members. Their tables are `team`, `team_member` and `team_name`, since
//! `group` is a SurrealQL keyword; the SurrealQL text (and the names it binds) keeps `team`,
//! everything in Rust calls them groups.
//!
//! Invariants:
//! - A group's name is claimed by `team_name:[org key, name]`, in the transaction that
//!   creates or renames the group, so names are unique inside an organization.
//! - Only members of the organization are put in its groups (checked in the writing
//!   transaction); leaving the organization removes them from its groups.
//! - Deleting a group deletes its project grants and its tokens with it.
//! - Every write that gives or takes rights (a role, a member, deleting) runs the rights guard
//!   (`store::rights`) in its transaction.

use super::checked::checked;
use super::rights::{RIGHTS_GUARD, RightsSeen};
use super::{Db, StoreError};
use super::{Guard, Write};
use crate::domain::ids::{GroupId, OrgId, UserId};
use chrono::{DateTime, Utc};
use surrealdb::types::SurrealValue;

#[derive(Debug, Clone, SurrealValue)]
pub struct GroupRow {
    pub id: GroupId,
    pub name: String,
    pub description: String,
    pub role: Option<String>,
    pub members_count: i64,
}

/// A group row from the `team` record `$t`, for `.map()`. (Counting through a subquery
/// correlated by `$parent` would scan the whole `team_member` table in SurrealDB 3; a
/// closure's parameter lets the planner use the index. See `store/mod.rs`.)
const GROUP_ROW: &str = "|$t| {
     id: record::id($t.id), name: $t.name, description: $t.description, role: $t.role,
     members_count: count(SELECT VALUE id FROM team_member WHERE team = $t.id)
 }";

/// A new group and its role.
pub struct NewGroup<'a> {
    pub name: &'a str,
    pub description: &'a str,
    pub role: Option<&'a str>,
    /// The members' user keys.
    pub members: &'a [UserId],
}

/// Creates a group with its first members (each must be a member of the organization), after
/// the creator's rights check (`rights`) is confirmed, with `audits`, in one transaction.
pub async fn create(
    db: &Db,
    org_id: &OrgId,
    group: &NewGroup<'_>,
    rights: &RightsSeen,
    now: DateTime<Utc>,
    audits: &[super::audit::Audit],
) -> Result<(), Guard> {
    let NewGroup {
        name,
        description,
        role,
        members,
    } = *group;
    let query = format!(
        "BEGIN TRANSACTION;
         IF record::exists(type::record('team_name', [$org, $name])) {{ THROW 'group_name_taken' }};
         {RIGHTS_GUARD}
         LET $team = CREATE ONLY team CONTENT {{
             org: type::record('organization', $org), name: $name,
             description: $description, role: $role, created_at: $now
         }};
         CREATE type::record('team_name', [$org, $name]) CONTENT {{ team: $team.id }};
         FOR $user IN $members {{
             IF !record::exists(type::record('membership', [$org, $user])) {{ THROW 'joiner_not_member' }};
             UPSERT type::record('team_member', [record::id($team.id), $user]) CONTENT {{
                 team: $team.id, org: type::record('organization', $org),
                 user: type::record('user', $user), added_at: $now
             }};
         }};
         FOR $audit IN $audits {{ {APPEND} }};
         COMMIT TRANSACTION;",
        APPEND = super::audit::APPEND,
    );
    Write::new(db, &query)
        .bind("org", org_id.to_string())
        .bind("name", name.to_string())
        .bind("description", description.to_string())
        .bind("role", role.map(str::to_string))
        .bind(
            "members",
            members.iter().map(ToString::to_string).collect::<Vec<_>>(),
        )
        .bind("rights", rights.clone())
        .bind("audits", audits.to_vec())
        .bind("now", now)
        .run()
        .await
}

pub async fn list(db: &Db, org_id: &OrgId) -> Result<Vec<GroupRow>, StoreError> {
    let mut response = checked(
        db.query(format!(
            "(SELECT * FROM team WHERE org = type::record('organization', $org) ORDER BY name)
                 .map({GROUP_ROW})"
        ))
        .bind(("org", org_id.to_string()))
        .await?,
    )?;
    Ok(response.take(0)?)
}

pub async fn get(db: &Db, org_id: &OrgId, name: &str) -> Result<Option<GroupRow>, StoreError> {
    let mut response = checked(
        db.query(format!(
            "LET $id = type::record('team_name', [$org, $name]).team;
             IF $id = NONE {{ [] }} ELSE {{ (SELECT * FROM $id).map({GROUP_ROW}) }};"
        ))
        .bind(("org", org_id.to_string()))
        .bind(("name", name.to_string()))
        .await?,
    )?;
    let rows: Vec<GroupRow> = response.take(1)?;
    Ok(rows.into_iter().next())
}

/// A change to a group; `role: Some(None)` removes its role.
#[derive(Default)]
pub struct GroupChange<'a> {
    pub name: Option<&'a str>,
    pub description: Option<&'a str>,
    pub role: Option<Option<&'a str>>,
}

pub async fn update(
    db: &Db,
    org_id: &OrgId,
    group_id: &GroupId,
    change: &GroupChange<'_>,
    rights: &RightsSeen,
    audit: &super::audit::Audit,
) -> Result<(), Guard> {
    let query = format!(
        "BEGIN TRANSACTION;
         {RIGHTS_GUARD}
         LET $team = type::record('team', $id);
         LET $old = (SELECT VALUE name FROM ONLY $team);
         IF $name != NONE AND $name != $old {{
             IF record::exists(type::record('team_name', [$org, $name])) {{ THROW 'group_name_taken' }};
             DELETE type::record('team_name', [$org, $old]);
             CREATE type::record('team_name', [$org, $name]) CONTENT {{ team: $team }};
             UPDATE $team SET name = $name;
         }};
         IF $description != NONE {{ UPDATE $team SET description = $description }};
         IF $set_role {{ UPDATE $team SET role = $role }};
         COMMIT TRANSACTION;"
    );
    Write::audited(db, &query, audit)
        .bind("org", org_id.to_string())
        .bind("id", group_id.to_string())
        .bind("name", change.name.map(str::to_string))
        .bind("description", change.description.map(str::to_string))
        .bind("set_role", change.role.is_some())
        .bind("role", change.role.flatten().map(str::to_string))
        .bind("rights", rights.clone())
        .run()
        .await
}

pub async fn delete(
    db: &Db,
    org_id: &OrgId,
    group_id: &GroupId,
    rights: &RightsSeen,
    audit: &super::audit::Audit,
) -> Result<(), Guard> {
    let query = format!(
        "BEGIN TRANSACTION;
         {RIGHTS_GUARD}
         LET $team = type::record('team', $id);
         DELETE type::record('team_name', [$org, (SELECT VALUE name FROM ONLY $team)]);
         DELETE team_member WHERE team = $team;
         DELETE project_access WHERE team = $team;
         DELETE api_token WHERE team = $team;
         DELETE $team;
         COMMIT TRANSACTION;"
    );
    Write::audited(db, &query, audit)
        .bind("org", org_id.to_string())
        .bind("id", group_id.to_string())
        .bind("rights", rights.clone())
        .run()
        .await
}

/// The group's members: (user id, username, display name), by username.
pub async fn members(db: &Db, group_id: &GroupId) -> Result<Vec<GroupMemberRow>, StoreError> {
    let mut response = checked(
        db.query(
            "SELECT record::id(user) AS user_id, user.username AS username,
                    user.email AS email, user.display_name AS display_name
             FROM team_member WHERE team = type::record('team', $id) ORDER BY username",
        )
        .bind(("id", group_id.to_string()))
        .await?,
    )?;
    Ok(response.take(0)?)
}

#[derive(Debug, Clone, SurrealValue)]
pub struct GroupMemberRow {
    pub user_id: UserId,
    pub username: String,
    pub email: String,
    pub display_name: String,
}

/// Puts a member of the organization in the group (idempotent).
/// Whether the user is in the group.
pub async fn has_member(db: &Db, group_id: &GroupId, user_id: &UserId) -> Result<bool, StoreError> {
    let mut response = checked(
        db.query("RETURN record::exists(type::record('team_member', [$team, $user]))")
            .bind(("team", group_id.to_string()))
            .bind(("user", user_id.to_string()))
            .await?,
    )?;
    Ok(response.take::<Option<bool>>(0)?.unwrap_or(false))
}

pub async fn add_member(
    db: &Db,
    org_id: &OrgId,
    group_id: &GroupId,
    user_id: &UserId,
    rights: &RightsSeen,
    now: DateTime<Utc>,
    audit: &super::audit::Audit,
) -> Result<(), Guard> {
    let query = format!(
        "BEGIN TRANSACTION;
         IF !record::exists(type::record('membership', [$org, $user])) {{ THROW 'joiner_not_member' }};
         {RIGHTS_GUARD}
         UPSERT type::record('team_member', [$team, $user]) CONTENT {{
             team: type::record('team', $team), org: type::record('organization', $org),
             user: type::record('user', $user), added_at: $now
         }};
         COMMIT TRANSACTION;"
    );
    Write::audited(db, &query, audit)
        .bind("rights", rights.clone())
        .bind("org", org_id.to_string())
        .bind("team", group_id.to_string())
        .bind("user", user_id.to_string())
        .bind("now", now)
        .run()
        .await
}

pub async fn remove_member(
    db: &Db,
    group_id: &GroupId,
    user_id: &UserId,
    rights: &RightsSeen,
    audit: &super::audit::Audit,
) -> Result<(), Guard> {
    let query = format!(
        "BEGIN TRANSACTION;
         {RIGHTS_GUARD}
         LET $gone = (DELETE type::record('team_member', [$team, $user]) RETURN BEFORE);
         IF array::len($gone) = 0 {{ THROW 'absent' }};
         COMMIT TRANSACTION;"
    );
    Write::audited(db, &query, audit)
        .bind("team", group_id.to_string())
        .bind("user", user_id.to_string())
        .bind("rights", rights.clone())
        .run()
        .await
}
