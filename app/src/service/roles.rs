//! Roles: the permission catalog, built-in roles, and custom roles (create, view, edit with a
//! preview of who gains or loses what, delete).
//!
//! Invariants:
//! - Built-in roles cannot be changed or deleted (409), and their names cannot be taken.
//! - Escalation guard: nobody creates or edits a role carrying a permission they do not hold
//!   (both the role's old and new permissions must be within the caller's).
//! - Unknown permission ids are refused (422), never stored.
//! - An edit applies only to the permissions the editor saw (the store checks them in the
//!   writing transaction).

use super::audit_entry::entry;
use super::org_access::{self, OrgAccess};
use super::principal::Principal;
use super::rulebook::Rights;
use crate::domain::permission::{CATALOG, CatalogEntry, Permission, PermissionSet};
use crate::domain::role::{BuiltinRole, MemberChange, Preview, RoleInfo};
use crate::domain::role::{NewRole, PreviewInput, RoleUpdate};
use crate::domain::slug::Slug;
use crate::error::{AppError, ErrorCode};
use crate::store::organizations::CustomRole;
use crate::store::roles::RoleRow;
use crate::store::{self, Db};
use chrono::{DateTime, Utc};
use serde_json::json;

/// The permission catalog. Needs a signed-in user.
pub fn catalog(principal: &Principal) -> Result<Vec<CatalogEntry>, AppError> {
    principal.user()?;
    Ok(CATALOG.iter().map(CatalogEntry::from).collect())
}

fn parse_permissions(ids: &[String]) -> Result<Vec<String>, AppError> {
    crate::domain::permission::parse_ids::<Permission>(ids)
}

fn set_of(ids: &[String]) -> PermissionSet {
    PermissionSet::of(ids.iter().filter_map(|p| Permission::parse(p)))
}

fn guard_escalation(access: &OrgAccess, set: PermissionSet) -> Result<(), AppError> {
    if access.permissions.covers(set) {
        Ok(())
    } else {
        Err(AppError::forbidden(
            "A role cannot carry permissions you do not hold yourself.",
        ))
    }
}

fn text(input: Option<&str>, field: &str, max: usize) -> Result<String, AppError> {
    let value = input.map(str::trim).unwrap_or_default();
    if value.chars().count() > max {
        return Err(AppError::validation(
            field,
            format!("Use at most {max} characters."),
        ));
    }
    Ok(value.to_string())
}

fn builtin_conflict() -> AppError {
    AppError::conflict(
        ErrorCode::Conflict,
        "Built-in roles cannot be changed or deleted. Create a custom role instead.",
    )
}

fn info(role: &RoleRow, (holders, groups): (u32, u32)) -> RoleInfo {
    RoleInfo {
        name: role.name.clone(),
        title: if role.title.is_empty() {
            role.name.clone()
        } else {
            role.title.clone()
        },
        description: role.description.clone(),
        builtin: false,
        permissions: set_of(&role.permissions)
            .iter()
            .map(|p| p.id().to_string())
            .collect(),
        holders,
        groups,
    }
}

/// The organization's roles (built-in, then custom) with how many members hold each,
/// directly or through a group, and how many groups carry it. Needs `roles.read`.
pub async fn list(db: &Db, principal: &Principal, org: &str) -> Result<Vec<RoleInfo>, AppError> {
    let access = org_access::resolve(db, principal, org).await?;
    access.require(Permission::RolesRead)?;
    let mut roles = Vec::new();
    for role in BuiltinRole::ALL {
        roles.push(RoleInfo {
            name: role.name().to_string(),
            title: role.title().to_string(),
            description: role.description().to_string(),
            builtin: true,
            permissions: role
                .permissions()
                .iter()
                .map(|p| p.id().to_string())
                .collect(),
            holders: 0,
            groups: 0,
        });
        let (holders, groups) = usage(db, &access, role.name()).await?;
        if let Some(last) = roles.last_mut() {
            last.holders = holders;
            last.groups = groups;
        }
    }
    for role in store::roles::list(db, &access.org.id).await? {
        let counts = usage(db, &access, &role.name).await?;
        roles.push(info(&role, counts));
    }
    Ok(roles)
}

/// Members holding `role` (directly or through a group) and groups carrying it.
async fn usage(db: &Db, access: &OrgAccess, role: &str) -> Result<(u32, u32), AppError> {
    let (holders, groups) = store::roles::usage(db, &access.org.id, role).await?;
    Ok((
        u32::try_from(holders).unwrap_or(0),
        u32::try_from(groups).unwrap_or(0),
    ))
}

/// One role. Needs `roles.read`.
pub async fn get(
    db: &Db,
    principal: &Principal,
    org: &str,
    name: &str,
) -> Result<RoleInfo, AppError> {
    let list = list(db, principal, org).await?;
    let name = name.trim().to_lowercase();
    list.into_iter()
        .find(|r| r.name == name)
        .ok_or_else(AppError::not_found)
}

/// Creates a custom role. Needs `roles.manage`; 403 if it carries a permission the caller
/// lacks; 422 for an unknown permission; 409 for a taken or built-in name.
pub async fn create(
    db: &Db,
    principal: &Principal,
    org: &str,
    input: &NewRole,
    now: DateTime<Utc>,
) -> Result<RoleInfo, AppError> {
    let access = org_access::resolve(db, principal, org).await?;
    access.require(Permission::RolesManage)?;
    let name = Slug::parse(&input.name, "name")?;
    if BuiltinRole::parse(name.as_str()).is_some() {
        return Err(AppError::conflict(
            ErrorCode::Conflict,
            "That is the name of a built-in role.",
        ));
    }
    if name.as_str() == "new" {
        // `/orgs/{org}/roles/new` is the page that creates a role.
        return Err(AppError::validation(
            "name",
            "\"new\" is reserved; choose another name.",
        ));
    }
    let permissions = parse_permissions(&input.permissions)?;
    guard_escalation(&access, set_of(&permissions))?;
    let row = RoleRow {
        name: name.as_str().to_string(),
        title: text(input.title.as_deref(), "title", 100)?,
        description: text(input.description.as_deref(), "description", 500)?,
        permissions,
    };
    let audit = entry(
        principal,
        "role.created",
        format!("role:{}", row.name),
        Some(&access.org.id),
        json!({ "permissions": row.permissions }),
        now,
    );
    store::roles::create(db, &access.org.id, &row, now, &audit).await?;
    Ok(info(&row, (0, 0)))
}

async fn custom(db: &Db, access: &OrgAccess, name: &str) -> Result<RoleRow, AppError> {
    let name = name.trim().to_lowercase();
    if BuiltinRole::parse(&name).is_some() {
        return Err(builtin_conflict());
    }
    store::roles::get(db, &access.org.id, &name)
        .await?
        .ok_or_else(AppError::not_found)
}

/// Edits a custom role. Needs `roles.manage` and every permission of the role, before and
/// after; built-ins: 409.
pub async fn update(
    db: &Db,
    principal: &Principal,
    org: &str,
    name: &str,
    change: &RoleUpdate,
    now: DateTime<Utc>,
) -> Result<RoleInfo, AppError> {
    let access = org_access::resolve(db, principal, org).await?;
    access.require(Permission::RolesManage)?;
    let current = custom(db, &access, name).await?;
    guard_escalation(&access, set_of(&current.permissions))?;
    // Editing a role gives (or takes) its permissions to everyone who holds it; the write
    // confirms the editor's standing.
    let mut rights = Rights::of(&access);
    rights.take(&current.name)?;
    let permissions = match &change.permissions {
        Some(ids) => parse_permissions(ids)?,
        None => current.permissions.clone(),
    };
    guard_escalation(&access, set_of(&permissions))?;
    let row = RoleRow {
        name: current.name.clone(),
        title: match &change.title {
            Some(t) => text(Some(t), "title", 100)?,
            None => current.title.clone(),
        },
        description: match &change.description {
            Some(d) => text(Some(d), "description", 500)?,
            None => current.description.clone(),
        },
        permissions,
    };
    let audit = entry(
        principal,
        "role.updated",
        format!("role:{}", row.name),
        Some(&access.org.id),
        json!({ "from": current.permissions, "to": row.permissions }),
        now,
    );
    store::roles::update(
        db,
        &access.org.id,
        &row,
        &current.permissions,
        &rights.seen(),
        now,
        &audit,
    )
    .await?;
    let counts = usage(db, &access, &row.name).await?;
    Ok(info(&row, counts))
}

/// Deletes a custom role; its holders (members, groups, invitations, organization tokens)
/// fall back to no role. Needs `roles.manage` and the role's permissions (taking it away);
/// built-ins: 409.
pub async fn delete(
    db: &Db,
    principal: &Principal,
    org: &str,
    name: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let access = org_access::resolve(db, principal, org).await?;
    access.require(Permission::RolesManage)?;
    let current = custom(db, &access, name).await?;
    let mut rights = Rights::of(&access);
    rights.take(&current.name)?;
    let audit = entry(
        principal,
        "role.deleted",
        format!("role:{}", current.name),
        Some(&access.org.id),
        json!({ "permissions": current.permissions }),
        now,
    );
    store::roles::delete(db, &access.org.id, &current.name, &rights.seen(), &audit).await?;
    Ok(())
}

/// Who holds a role: members directly or through a group, then organization tokens
/// (`token gto_…: description`). Needs `roles.read`; 404 for a role the organization does not
/// have.
pub async fn role_holders(
    db: &Db,
    principal: &Principal,
    org: &str,
    name: &str,
) -> Result<Vec<String>, AppError> {
    let access = org_access::resolve(db, principal, org).await?;
    access.require(Permission::RolesRead)?;
    let name = name.trim().to_lowercase();
    if BuiltinRole::parse(&name).is_none() && !access.custom_roles.iter().any(|r| r.name == name) {
        return Err(AppError::not_found());
    }
    let mut holders = store::roles::holders(db, &access.org.id, &name).await?;
    holders.extend(
        store::roles::token_holders(db, &access.org.id, &name)
            .await?
            .iter()
            .map(|(prefix, description)| token_label(prefix, description)),
    );
    Ok(holders)
}

/// Who would gain or lose which permissions if the role carried `permissions`, computed with
/// the same function that decides. Needs `roles.manage`.
pub async fn preview(
    db: &Db,
    principal: &Principal,
    org: &str,
    name: &str,
    input: &PreviewInput,
) -> Result<Preview, AppError> {
    let access = org_access::resolve(db, principal, org).await?;
    access.require(Permission::RolesManage)?;
    let current = custom(db, &access, name).await?;
    let proposed = parse_permissions(&input.permissions)?;
    let mut after_roles = access.custom_roles.clone();
    for role in after_roles.iter_mut().filter(|r| r.name == current.name) {
        role.permissions = proposed.clone();
    }
    let before_roles: Vec<CustomRole> = access.custom_roles.clone();
    let mut preview = Preview {
        gains: Vec::new(),
        losses: Vec::new(),
    };
    for username in store::roles::holders(db, &access.org.id, &current.name).await? {
        let Some(member) = store::memberships::get(db, &access.org.id, &username).await? else {
            continue;
        };
        let Some(row) = store::organizations::access(db, &access.org.name, &member.user_id).await?
        else {
            continue;
        };
        let role = row.role.unwrap_or_default();
        let set = |customs: &[CustomRole]| {
            PermissionSet::of(
                org_access::explain(&role, &row.group_roles, customs)
                    .iter()
                    .map(|g| g.id),
            )
        };
        let (before, after) = (set(&before_roles), set(&after_roles));
        let gained: Vec<String> = after
            .iter()
            .filter(|p| !before.contains(*p))
            .map(|p| p.id().to_string())
            .collect();
        let lost: Vec<String> = before
            .iter()
            .filter(|p| !after.contains(*p))
            .map(|p| p.id().to_string())
            .collect();
        if !gained.is_empty() {
            preview.gains.push(MemberChange {
                username: username.clone(),
                permissions: gained,
            });
        }
        if !lost.is_empty() {
            preview.losses.push(MemberChange {
                username,
                permissions: lost,
            });
        }
    }
    for (prefix, description) in
        store::roles::token_holders(db, &access.org.id, &current.name).await?
    {
        let (before, after) = (
            org_access::role_permissions(&current.name, &before_roles),
            org_access::role_permissions(&current.name, &after_roles),
        );
        let changes = |from: PermissionSet, to: PermissionSet| -> Vec<String> {
            to.iter()
                .filter(|p| !from.contains(*p))
                .map(|p| p.id().to_string())
                .collect()
        };
        let (gained, lost) = (changes(before, after), changes(after, before));
        let username = token_label(&prefix, &description);
        if !gained.is_empty() {
            preview.gains.push(MemberChange {
                username: username.clone(),
                permissions: gained,
            });
        }
        if !lost.is_empty() {
            preview.losses.push(MemberChange {
                username,
                permissions: lost,
            });
        }
    }
    Ok(preview)
}

/// How an organization token appears among a role's holders.
fn token_label(prefix: &str, description: &str) -> String {
    format!("token {prefix}…: {description}")
}
