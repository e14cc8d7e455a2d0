//! Projects, their owners and their access grants.
//!
//! Invariants:
//! - A project's name is claimed by `project_name:[org key, name]` in the transaction that
//!   creates or renames it, so names are unique inside an organization.
//! - A project's owner is always a member of its organization: create and transfer check it in
//!   the writing transaction and bump the organization's `guard`, as member removal does (which
//!   refuses while the member owns projects), so the two never interleave.
//! - A grant names a member or a group of the same organization, checked when written;
//!   removing the member or deleting the group removes their grants.

use super::checked::checked;
use super::{Db, StoreError};
use super::{Guard, Write};
use crate::domain::ids::{GroupId, OrgId, UserId};
use chrono::{DateTime, Utc};
use surrealdb::types::SurrealValue;

#[derive(Debug, Clone, PartialEq, Eq, SurrealValue)]
pub struct ProjectRow {
    pub id: String,
    pub name: String,
    pub description: String,
    pub owner_id: UserId,
    pub owner: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const FIELDS: &str = "record::id(id) AS id, name, description, record::id(owner) AS owner_id, \
     owner.username AS owner, created_at, updated_at";

/// A project role given to a member (`group` none) or to one of their groups.
#[derive(Debug, Clone, PartialEq, Eq, SurrealValue)]
pub struct GrantRow {
    pub role: String,
    pub group: Option<String>,
}

/// One project as one caller stands in it: the project, whether the caller owns it, and the
/// grants that reach the caller.
#[derive(Debug, Clone, SurrealValue)]
pub struct StandingRow {
    pub project: ProjectRow,
    pub grants: Vec<GrantRow>,
}

/// A grant as the project's access list shows it.
#[derive(Debug, Clone, PartialEq, Eq, SurrealValue)]
pub struct AccessRow {
    pub kind: String,
    pub name: String,
    pub role: String,
}

/// Creates a project owned by `owner_id`, who must be a member.
pub async fn create(
    db: &Db,
    org_id: &OrgId,
    name: &str,
    description: &str,
    owner_id: &UserId,
    now: DateTime<Utc>,
    audit: &super::audit::Audit,
) -> Result<ProjectRow, Guard> {
    let query = format!(
        "BEGIN TRANSACTION;
         LET $org = type::record('organization', $org_key);
         IF !record::exists(type::record('membership', [$org_key, $owner])) {{ THROW 'grantee_not_member' }};
         IF record::exists(type::record('project_name', [$org_key, $name])) {{ THROW 'project_name_taken' }};
         LET $p = CREATE ONLY project CONTENT {{
             org: $org, name: $name, description: $description,
             owner: type::record('user', $owner), created_at: $now, updated_at: $now
         }};
         CREATE type::record('project_name', [$org_key, $name]) CONTENT {{ project: $p.id }};
         UPDATE $org SET guard += 1;
         COMMIT TRANSACTION;
         SELECT {FIELDS} FROM ONLY type::record('project_name', [$org_key, $name]).project;"
    );
    let result = Write::audited(db, &query, audit)
        .bind("org_key", org_id.to_string())
        .bind("name", name.to_string())
        .bind("description", description.to_string())
        .bind("owner", owner_id.to_string())
        .bind("now", now)
        .returning::<Option<ProjectRow>>()
        .await;
    result?.ok_or_else(|| {
        Guard::Store(surrealdb::Error::internal("project not created".into()).into())
    })
}

/// Every project of the organization, by name.
pub async fn list(db: &Db, org_id: &OrgId) -> Result<Vec<ProjectRow>, StoreError> {
    let mut response = checked(
        db.query(format!(
            "SELECT {FIELDS} FROM project WHERE org = type::record('organization', $org)
             ORDER BY name"
        ))
        .bind(("org", org_id.to_string()))
        .await?,
    )?;
    Ok(response.take(0)?)
}

/// The names of the projects `user_id` owns in the organization.
pub async fn owned_by(
    db: &Db,
    org_id: &OrgId,
    user_id: &UserId,
) -> Result<Vec<String>, StoreError> {
    let mut response = checked(
        db.query(
            "SELECT VALUE name FROM project
             WHERE org = type::record('organization', $org) AND owner = type::record('user', $user)
             ORDER BY name",
        )
        .bind(("org", org_id.to_string()))
        .bind(("user", user_id.to_string()))
        .await?,
    )?;
    Ok(response.take(0)?)
}

/// The grants that reach a caller on `$p` (a project record id in the query): those to the
/// member `$user` and to the groups `$teams` (record ids).
const GRANTS: &str = "(SELECT role, IF team != NONE { team.name } ELSE { NONE } AS group
     FROM project_access
     WHERE project = $p AND ((user != NONE AND user = $user) OR (team != NONE AND team IN $teams))
     ORDER BY group)";

/// The caller's groups as record ids: a member's groups, or a group token's one group.
const GROUPS: &str = "LET $teams = IF $team != NONE { [type::record('team', $team)] }
     ELSE IF $user != NONE { (SELECT VALUE team FROM team_member WHERE org = $org AND user = $user) }
     ELSE { [] };";

/// Who is asking about projects: a member, or a group (a group token), or neither (an
/// organization token).
#[derive(Debug, Clone, Default)]
pub struct Subject<'a> {
    pub user_id: Option<&'a UserId>,
    pub group_id: Option<&'a GroupId>,
}

/// The project called `name` with the grants that reach `subject`.
pub async fn standing(
    db: &Db,
    org_id: &OrgId,
    name: &str,
    subject: &Subject<'_>,
) -> Result<Option<StandingRow>, StoreError> {
    let mut response = checked(
        db.query(format!(
            "LET $org = type::record('organization', $org_key);
             LET $user = IF $user_key != NONE {{ type::record('user', $user_key) }} ELSE {{ NONE }};
             {GROUPS}
             LET $p = (SELECT VALUE project FROM ONLY type::record('project_name', [$org_key, $name]));
             RETURN IF $p = NONE {{ NONE }} ELSE {{ RETURN {{
                 project: (SELECT {FIELDS} FROM ONLY $p),
                 grants: {GRANTS}
             }} }};"
        ))
        .bind(("org_key", org_id.to_string()))
        .bind(("name", name.to_string()))
        .bind(("user_key", subject.user_id.cloned()))
        .bind(("team", subject.group_id.cloned()))
        .await?,
    )?;
    let last = response.num_statements().saturating_sub(1);
    Ok(response.take(last)?)
}

/// Every project `subject` owns or has a grant on, by name, with those grants.
pub async fn standings(
    db: &Db,
    org_id: &OrgId,
    subject: &Subject<'_>,
) -> Result<Vec<StandingRow>, StoreError> {
    let mut response = checked(
        db.query(format!(
            "LET $org = type::record('organization', $org_key);
             LET $user = IF $user_key != NONE {{ type::record('user', $user_key) }} ELSE {{ NONE }};
             {GROUPS}
             LET $owned = IF $user != NONE {{ (SELECT VALUE id FROM project WHERE org = $org AND owner = $user) }} ELSE {{ [] }};
             LET $granted = (SELECT VALUE project FROM project_access
                 WHERE org = $org AND ((user != NONE AND user = $user) OR (team != NONE AND team IN $teams)));
             LET $projects = (SELECT VALUE id FROM array::distinct(array::concat($owned, $granted)));
             $projects.map(|$p| {{
                 project: (SELECT {FIELDS} FROM ONLY $p),
                 grants: (SELECT role, IF team != NONE {{ team.name }} ELSE {{ NONE }} AS group
                     FROM project_access
                     WHERE project = $p
                       AND ((user != NONE AND user = $user) OR (team != NONE AND team IN $teams))
                     ORDER BY group)
             }});"
        ))
        .bind(("org_key", org_id.to_string()))
        .bind(("user_key", subject.user_id.cloned()))
        .bind(("team", subject.group_id.cloned()))
        .await?,
    )?;
    let last = response.num_statements().saturating_sub(1);
    let mut rows: Vec<StandingRow> = response.take(last)?;
    rows.sort_by(|a, b| a.project.name.cmp(&b.project.name));
    Ok(rows)
}

/// A change to a project; `None` leaves a field as it is.
#[derive(Default)]
pub struct ProjectChange<'a> {
    pub name: Option<&'a str>,
    pub description: Option<&'a str>,
}

pub async fn update(
    db: &Db,
    org_id: &OrgId,
    project_id: &str,
    change: &ProjectChange<'_>,
    now: DateTime<Utc>,
    audit: &super::audit::Audit,
) -> Result<ProjectRow, Guard> {
    let query = format!(
        "BEGIN TRANSACTION;
         LET $p = type::record('project', $id);
         LET $old = (SELECT VALUE name FROM ONLY $p);
         IF $name != NONE AND $name != $old {{
             IF record::exists(type::record('project_name', [$org_key, $name])) {{ THROW 'project_name_taken' }};
             DELETE type::record('project_name', [$org_key, $old]);
             CREATE type::record('project_name', [$org_key, $name]) CONTENT {{ project: $p }};
             UPDATE $p SET name = $name;
         }};
         IF $description != NONE {{ UPDATE $p SET description = $description }};
         UPDATE $p SET updated_at = $now;
         COMMIT TRANSACTION;
         SELECT {FIELDS} FROM ONLY type::record('project', $id);"
    );
    let result = Write::audited(db, &query, audit)
        .bind("org_key", org_id.to_string())
        .bind("id", project_id.to_string())
        .bind("name", change.name.map(str::to_string))
        .bind("description", change.description.map(str::to_string))
        .bind("now", now)
        .returning::<Option<ProjectRow>>()
        .await;
    result?
        .ok_or_else(|| Guard::Store(surrealdb::Error::internal("project vanished".into()).into()))
}

/// Deletes a project with its grants and name claim.
pub async fn delete(
    db: &Db,
    org_id: &OrgId,
    project_id: &str,
    audit: &super::audit::Audit,
) -> Result<(), Guard> {
    Write::audited(
        db,
        "BEGIN TRANSACTION;
                 LET $p = type::record('project', $id);
                 DELETE type::record('project_name', [$org_key, (SELECT VALUE name FROM ONLY $p)]);
                 DELETE project_access WHERE project = $p;
                 DELETE $p;
                 COMMIT TRANSACTION;",
        audit,
    )
    .bind("org_key", org_id.to_string())
    .bind("id", project_id.to_string())
    .run()
    .await?;
    Ok(())
}

/// Makes the member `new_owner_id` the project's owner.
pub async fn transfer(
    db: &Db,
    org_id: &OrgId,
    project_id: &str,
    new_owner_id: &UserId,
    now: DateTime<Utc>,
    audit: &super::audit::Audit,
) -> Result<(), Guard> {
    Write::audited(db, "BEGIN TRANSACTION;
                 LET $org = type::record('organization', $org_key);
                 IF !record::exists(type::record('membership', [$org_key, $owner])) { THROW 'grantee_not_member' };
                 UPDATE type::record('project', $id) SET owner = type::record('user', $owner), updated_at = $now;
                 UPDATE $org SET guard += 1;
                 COMMIT TRANSACTION;", audit)
        .bind("org_key", org_id.to_string())
        .bind("id", project_id.to_string())
        .bind("owner", new_owner_id.to_string())
        .bind("now", now)
        .run()
        .await
}

/// Who a grant is for: a member (by user id) or a group (by group id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Grantee {
    User(UserId),
    Group(GroupId),
}

impl Grantee {
    /// `user` or `group`, as the API names the kind.
    pub fn kind(&self) -> &'static str {
        match self {
            Grantee::User(_) => "user",
            Grantee::Group(_) => "group",
        }
    }

    fn key(&self) -> String {
        match self {
            Grantee::User(key) => key.to_string(),
            Grantee::Group(key) => key.to_string(),
        }
    }
}

/// Gives `grantee` `role` on the project (replacing an earlier grant).
pub async fn grant(
    db: &Db,
    org_id: &OrgId,
    project_id: &str,
    grantee: &Grantee,
    role: &str,
    audit: &super::audit::Audit,
) -> Result<(), Guard> {
    Write::audited(db, "BEGIN TRANSACTION;
                 LET $org = type::record('organization', $org_key);
                 IF $kind = 'user' AND !record::exists(type::record('membership', [$org_key, $key])) { THROW 'grantee_not_member' };
                 IF $kind = 'group' AND (SELECT VALUE org FROM ONLY type::record('team', $key)) != $org { THROW 'no_such_group' };
                 UPSERT type::record('project_access', [$id, $kind, $key]) CONTENT {
                     org: $org, project: type::record('project', $id), kind: $kind,
                     user: IF $kind = 'user' { type::record('user', $key) } ELSE { NONE },
                     team: IF $kind = 'group' { type::record('team', $key) } ELSE { NONE },
                     role: $role
                 };
                 COMMIT TRANSACTION;", audit)
        .bind("org_key", org_id.to_string())
        .bind("id", project_id.to_string())
        .bind("kind", grantee.kind())
        .bind("key", grantee.key())
        .bind("role", role.to_string())
        .run()
        .await
}

/// Takes `grantee`'s grant away; `false` if there was none.
pub async fn revoke(
    db: &Db,
    project_id: &str,
    grantee: &Grantee,
    audit: &super::audit::Audit,
) -> Result<bool, Guard> {
    Write::audited(db, "BEGIN TRANSACTION;
                 LET $gone = (DELETE type::record('project_access', [$id, $kind, $key]) RETURN BEFORE);
                 IF array::len($gone) = 0 { THROW 'absent' };
                 COMMIT TRANSACTION;", audit)
        .bind("id", project_id.to_string())
        .bind("kind", grantee.kind())
        .bind("key", grantee.key())
        .run_unless(Guard::Absent)
        .await
}

/// The project's grants: members first by username, then groups by name.
pub async fn access_list(db: &Db, project_id: &str) -> Result<Vec<AccessRow>, StoreError> {
    let mut response = checked(
        db.query(
            "SELECT kind, IF kind = 'user' { user.username } ELSE { team.name } AS name, role
             FROM project_access WHERE project = type::record('project', $id)
             ORDER BY kind DESC, name",
        )
        .bind(("id", project_id.to_string()))
        .await?,
    )?;
    Ok(response.take(0)?)
}
