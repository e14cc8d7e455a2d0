//! Projects: create, view, edit, delete, transfer, and project access for members and groups.
//!
//! Invariants:
//! - A caller sees a project only with `project.read` on it (organization-wide through
//!   `projects.read`, or by a grant or ownership); otherwise it is 404.
//! - Renaming, deleting and transferring need ownership or `projects.manage`; changing the
//!   description needs `project.write`; granting needs `project.manage_access`.
//! - Escalation guard: nobody grants a project role carrying a project permission they do not
//!   hold on that project.
//! - Decisions use `org_access::explain_project`, the function the explainer shows.

use super::audit_entry::entry;
use super::org_access::{self, OrgAccess};
use super::principal::Principal;
use crate::domain::permission::{Permission, PermissionSet, Scope};
use crate::domain::project::{AccessGrant, NewProject, ProjectUpdate, Transfer};
use crate::domain::project::{Project, ProjectDetail, ProjectGrant};
use crate::domain::role::ProjectRole;
use crate::domain::slug::Slug;
use crate::error::{AppError, ErrorCode};
use crate::store::projects::{Grantee, ProjectChange, ProjectRow, StandingRow, Subject};
use crate::store::{self, Db};
use chrono::{DateTime, Utc};
use serde_json::json;

/// The caller's standing on one project.
struct Standing {
    row: ProjectRow,
    permissions: PermissionSet,
    /// Owner or `projects.manage`.
    manage: bool,
}

fn standing(access: &OrgAccess, row: StandingRow) -> Standing {
    let owner = access.member_id() == Some(&row.project.owner_id);
    let grants = org_access::explain_project(&access.grants, &row.project.name, owner, &row.grants);
    // A limited token manages its user's own project only at a level that manages projects.
    let owner_manages = owner
        && access
            .on_project(PermissionSet::of([Permission::ProjectManageAccess]))
            .contains(Permission::ProjectManageAccess);
    Standing {
        permissions: access.on_project(org_access::permission_set(&grants)),
        manage: owner_manages || access.permissions.contains(Permission::ProjectsManage),
        row: row.project,
    }
}

/// Whether `access` holds, on each project `group` has grants on, what those grants give there
/// (the rulebook's project half of joining or leaving a group: `rulebook::group_projects`).
pub(super) async fn covers_group_grants(
    db: &Db,
    access: &OrgAccess,
    group: &store::groups::GroupRow,
) -> Result<(), AppError> {
    let subject = Subject {
        user_id: None,
        group_id: Some(&group.id),
    };
    let theirs = store::projects::standings(db, &access.org.id, &subject).await?;
    if theirs.is_empty() {
        return Ok(());
    }
    let mine = store::projects::standings(db, &access.org.id, &access.subject()).await?;
    for row in theirs {
        let needed = row
            .grants
            .iter()
            .filter_map(|g| ProjectRole::parse(&g.role))
            .fold(PermissionSet::EMPTY, |set, role| {
                set.union(role.permissions())
            });
        let held = match mine.iter().find(|m| m.project.id == row.project.id) {
            Some(m) => standing(access, m.clone()).permissions,
            None => {
                standing(
                    access,
                    StandingRow {
                        project: row.project.clone(),
                        grants: Vec::new(),
                    },
                )
                .permissions
            }
        };
        if !held.covers(needed) {
            return Err(AppError::forbidden(format!(
                "You cannot change who is in \"{}\": it has access to the project \"{}\" beyond your own there.",
                group.name, row.project.name
            )));
        }
    }
    Ok(())
}

fn to_dto(standing: &Standing) -> Project {
    let row = &standing.row;
    Project {
        name: row.name.clone(),
        description: row.description.clone(),
        owner: row.owner.clone(),
        created_at: super::rfc3339(row.created_at),
        updated_at: super::rfc3339(row.updated_at),
        permissions: standing
            .permissions
            .iter()
            .filter(|p| p.info().scope == Scope::Project)
            .map(|p| p.id().to_string())
            .collect(),
    }
}

fn description(input: Option<&str>) -> Result<Option<&str>, AppError> {
    let text = input.map(str::trim);
    if text.is_some_and(|t| t.chars().count() > 500) {
        return Err(AppError::validation(
            "description",
            "Use at most 500 characters.",
        ));
    }
    Ok(text)
}

/// The project called `name` as the caller stands on it; 404 unless they may read it.
async fn load(db: &Db, access: &OrgAccess, name: &str) -> Result<Standing, AppError> {
    let name = name.trim().to_lowercase();
    if name.is_empty() || name.len() > 39 {
        return Err(AppError::not_found());
    }
    let row = store::projects::standing(db, &access.org.id, &name, &access.subject())
        .await?
        .ok_or_else(AppError::not_found)?;
    let standing = standing(access, row);
    if !standing.permissions.contains(Permission::ProjectRead) {
        return Err(AppError::not_found());
    }
    Ok(standing)
}

fn require(standing: &Standing, permission: Permission) -> Result<(), AppError> {
    if standing.permissions.contains(permission) {
        Ok(())
    } else {
        Err(AppError::forbidden(format!(
            "You do not have the \"{}\" permission on this project.",
            permission.info().title
        )))
    }
}

fn require_manage(standing: &Standing) -> Result<(), AppError> {
    if standing.manage {
        Ok(())
    } else {
        Err(AppError::forbidden(
            "Only the project's owner or someone who manages every project can do this.",
        ))
    }
}

/// The projects the caller may read, by name: every project with `projects.read`, else those
/// they own or were granted.
pub async fn list(db: &Db, principal: &Principal, org: &str) -> Result<Vec<Project>, AppError> {
    let access = org_access::resolve(db, principal, org).await?;
    let mine = store::projects::standings(db, &access.org.id, &access.subject()).await?;
    let standings: Vec<Standing> = if access.permissions.contains(Permission::ProjectsRead) {
        let mut grants: std::collections::HashMap<String, StandingRow> = mine
            .into_iter()
            .map(|s| (s.project.id.clone(), s))
            .collect();
        store::projects::list(db, &access.org.id)
            .await?
            .into_iter()
            .map(|project| {
                let row = grants.remove(&project.id).unwrap_or(StandingRow {
                    project,
                    grants: Vec::new(),
                });
                standing(&access, row)
            })
            .collect()
    } else {
        mine.into_iter().map(|row| standing(&access, row)).collect()
    };
    Ok(standings
        .iter()
        .filter(|s| s.permissions.contains(Permission::ProjectRead))
        .map(to_dto)
        .collect())
}

/// Creates a project owned by the caller. Needs `projects.create` and a person.
pub async fn create(
    db: &Db,
    principal: &Principal,
    org: &str,
    input: &NewProject,
    now: DateTime<Utc>,
) -> Result<Project, AppError> {
    let access = org_access::resolve(db, principal, org).await?;
    access.require(Permission::ProjectsCreate)?;
    let (user_id, _) = access.person()?;
    let name = Slug::parse(&input.name, "name")?;
    let text = description(input.description.as_deref())?.unwrap_or("");
    let audit = entry(
        principal,
        "project.created",
        format!("project:{}", name.as_str()),
        Some(&access.org.id),
        json!({}),
        now,
    );
    let row = store::projects::create(
        db,
        &access.org.id,
        name.as_str(),
        text,
        user_id,
        now,
        &audit,
    )
    .await?;
    let row = StandingRow {
        project: row,
        grants: Vec::new(),
    };
    Ok(to_dto(&standing(&access, row)))
}

/// A project with its access list. Needs `project.read` on it.
pub async fn get(
    db: &Db,
    principal: &Principal,
    org: &str,
    name: &str,
) -> Result<ProjectDetail, AppError> {
    let access = org_access::resolve(db, principal, org).await?;
    let standing = load(db, &access, name).await?;
    let grants = store::projects::access_list(db, &standing.row.id).await?;
    Ok(ProjectDetail {
        project: to_dto(&standing),
        access: grants
            .into_iter()
            .map(|g| ProjectGrant {
                kind: g.kind,
                name: g.name,
                role: g.role,
            })
            .collect(),
        manage: standing.manage,
    })
}

/// Renames a project (owner or `projects.manage`) or changes its description
/// (`project.write`).
pub async fn update(
    db: &Db,
    principal: &Principal,
    org: &str,
    name: &str,
    change: &ProjectUpdate,
    now: DateTime<Utc>,
) -> Result<Project, AppError> {
    let access = org_access::resolve(db, principal, org).await?;
    let standing = load(db, &access, name).await?;
    let new_name = change
        .name
        .as_deref()
        .map(|n| Slug::parse(n, "name"))
        .transpose()?;
    let text = description(change.description.as_deref())?;
    if new_name
        .as_ref()
        .is_some_and(|n| n.as_str() != standing.row.name)
    {
        require_manage(&standing)?;
    }
    if text.is_some() {
        require(&standing, Permission::ProjectWrite)?;
    }
    let row = store::projects::update(
        db,
        &access.org.id,
        &standing.row.id,
        &ProjectChange {
            name: new_name.as_ref().map(|n| n.as_str()),
            description: text,
        },
        now,
        &entry(
            principal,
            "project.updated",
            format!("project:{}", standing.row.name),
            Some(&access.org.id),
            json!({ "name": new_name.as_ref().map(|n| n.as_str()) }),
            now,
        ),
    )
    .await?;
    Ok(to_dto(&Standing { row, ..standing }))
}

/// Deletes a project with its grants. Owner or `projects.manage`.
pub async fn delete(
    db: &Db,
    principal: &Principal,
    org: &str,
    name: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let access = org_access::resolve(db, principal, org).await?;
    let standing = load(db, &access, name).await?;
    require_manage(&standing)?;
    let audit = entry(
        principal,
        "project.deleted",
        format!("project:{}", standing.row.name),
        Some(&access.org.id),
        json!({ "owner": standing.row.owner }),
        now,
    );
    store::projects::delete(db, &access.org.id, &standing.row.id, &audit).await?;
    Ok(())
}

/// Hands a project to another member. Owner or `projects.manage`.
pub async fn transfer(
    db: &Db,
    principal: &Principal,
    org: &str,
    name: &str,
    input: &Transfer,
    now: DateTime<Utc>,
) -> Result<Project, AppError> {
    let access = org_access::resolve(db, principal, org).await?;
    let standing = load(db, &access, name).await?;
    require_manage(&standing)?;
    let username = input.new_owner.trim().to_lowercase();
    let target = store::memberships::get(db, &access.org.id, &username)
        .await?
        .ok_or_else(|| AppError::validation("new_owner", "Choose a member of the organization."))?;
    let audit = entry(
        principal,
        "project.transferred",
        format!("project:{}", standing.row.name),
        Some(&access.org.id),
        json!({ "from": standing.row.owner, "to": target.username }),
        now,
    );
    store::projects::transfer(
        db,
        &access.org.id,
        &standing.row.id,
        &target.user_id,
        now,
        &audit,
    )
    .await?;
    // Read back as the caller stands now (an owner who gave it away may see less; the
    // answer still shows them the new owner).
    let row = store::projects::standing(db, &access.org.id, &standing.row.name, &access.subject())
        .await?
        .ok_or_else(AppError::not_found)?;
    Ok(to_dto(&self::standing(&access, row)))
}

/// Resolves `kind`/`name` from a path to a grantee of the organization.
async fn grantee(db: &Db, access: &OrgAccess, kind: &str, name: &str) -> Result<Grantee, AppError> {
    let name = name.trim().to_lowercase();
    match kind {
        "user" => {
            let member = store::memberships::get(db, &access.org.id, &name)
                .await?
                .ok_or_else(AppError::not_found)?;
            Ok(Grantee::User(member.user_id))
        }
        "group" => {
            let group = store::groups::get(db, &access.org.id, &name)
                .await?
                .ok_or_else(AppError::not_found)?;
            Ok(Grantee::Group(group.id))
        }
        _ => Err(AppError::not_found()),
    }
}

/// Gives a member or a group a project role. Needs `project.manage_access` on the project and
/// every permission the role carries (the escalation guard).
#[allow(clippy::too_many_arguments)] // the REST path's four segments, the body and the time
pub async fn set_access(
    db: &Db,
    principal: &Principal,
    org: &str,
    name: &str,
    kind: &str,
    subject: &str,
    input: &AccessGrant,
    now: DateTime<Utc>,
) -> Result<ProjectGrant, AppError> {
    let access = org_access::resolve(db, principal, org).await?;
    let standing = load(db, &access, name).await?;
    require(&standing, Permission::ProjectManageAccess)?;
    let role = ProjectRole::parse(input.role.trim()).ok_or_else(|| {
        AppError::validation("role", "Choose reader, contributor or admin.")
            .with_code(ErrorCode::BadRequest)
    })?;
    if !standing.permissions.covers(role.permissions()) {
        return Err(AppError::forbidden(
            "You cannot grant a project role with permissions you do not hold on this project.",
        ));
    }
    let grantee = grantee(db, &access, kind, subject).await?;
    let kind = grantee.kind();
    store::projects::grant(
        db,
        &access.org.id,
        &standing.row.id,
        &grantee,
        role.name(),
        &entry(
            principal,
            "project.access_granted",
            format!("project:{}", standing.row.name),
            Some(&access.org.id),
            json!({ "kind": kind, "name": subject.trim().to_lowercase(), "role": role.name() }),
            now,
        ),
    )
    .await?;
    Ok(ProjectGrant {
        kind: kind.to_string(),
        name: subject.trim().to_lowercase(),
        role: role.name().into(),
    })
}

/// Takes a member's or group's project role away. Needs `project.manage_access`.
pub async fn remove_access(
    db: &Db,
    principal: &Principal,
    org: &str,
    name: &str,
    kind: &str,
    subject: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let access = org_access::resolve(db, principal, org).await?;
    let standing = load(db, &access, name).await?;
    require(&standing, Permission::ProjectManageAccess)?;
    let grantee = grantee(db, &access, kind, subject).await?;
    let kind = grantee.kind();
    let audit = entry(
        principal,
        "project.access_revoked",
        format!("project:{}", standing.row.name),
        Some(&access.org.id),
        json!({ "kind": kind, "name": subject.trim().to_lowercase() }),
        now,
    );
    if store::projects::revoke(db, &standing.row.id, &grantee, &audit).await? {
        Ok(())
    } else {
        Err(AppError::not_found())
    }
}

/// The projects `username` owns (for the removal dialog). Needs `members.read`; without
/// `projects.read`, only those the caller may read are named.
pub async fn owned_by(
    db: &Db,
    principal: &Principal,
    org: &str,
    username: &str,
) -> Result<Vec<String>, AppError> {
    let access = org_access::resolve(db, principal, org).await?;
    access.require(Permission::MembersRead)?;
    let member = store::memberships::get(db, &access.org.id, &username.trim().to_lowercase())
        .await?
        .ok_or_else(AppError::not_found)?;
    let owned = store::projects::owned_by(db, &access.org.id, &member.user_id).await?;
    if access.permissions.contains(Permission::ProjectsRead) {
        return Ok(owned);
    }
    // Without `projects.read`, only the projects the caller may read are named (as in [`list`]).
    let readable: Vec<String> = store::projects::standings(db, &access.org.id, &access.subject())
        .await?
        .into_iter()
        .map(|row| standing(&access, row))
        .filter(|s| s.permissions.contains(Permission::ProjectRead))
        .map(|s| s.row.name.clone())
        .collect();
    Ok(owned
        .into_iter()
        .filter(|name| readable.contains(name))
        .collect())
}
