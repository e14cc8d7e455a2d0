//! Instance roles: the instance permission catalog, the built-in roles (Site admin, Help desk,
//! Auditor) and custom ones (create, view, edit with a preview of who gains or loses what,
//! delete).
//!
//! Invariants:
//! - Reading roles needs `users.read`; making, editing and deleting custom ones needs
//!   `instance.roles.manage`.
//! - Built-in roles cannot be changed or deleted (409), and their names cannot be taken.
//! - Escalation guard: nobody makes or edits a role carrying a permission they do not hold
//!   (the role's old and new permissions must both be within the caller's), nor deletes one
//!   carrying more than theirs; the write confirms the caller's standing.
//! - Unknown permission ids are refused (422), never stored.
//! - Deleting a role leaves its holders with no instance role.

use super::audit_entry::entry;
use super::instance_rulebook::InstanceCheck;
use super::principal::Principal;
use crate::domain::instance_permission::{
    BuiltinInstanceRole, INSTANCE_CATALOG, InstancePermission, InstancePermissionSet,
};
use crate::domain::permission::CatalogEntry;
use crate::domain::role::{MemberChange, NewRole, Preview, PreviewInput, RoleInfo, RoleUpdate};
use crate::domain::slug::Slug;
use crate::error::{AppError, ErrorCode};
use crate::store::instance_roles::InstanceRoleRow;
use crate::store::{self, Db};
use chrono::{DateTime, Utc};
use serde_json::json;

/// The instance permission catalog. Needs a signed-in user.
pub fn catalog(principal: &Principal) -> Result<Vec<CatalogEntry>, AppError> {
    principal.user()?;
    Ok(INSTANCE_CATALOG.iter().map(CatalogEntry::from).collect())
}

/// The caller's instance permissions; 403 when they hold none (the admin pages' frame).
pub fn mine(principal: &Principal) -> Result<Vec<String>, AppError> {
    Ok(principal.instance_holder()?.standing().permissions.ids())
}

fn parse_permissions(ids: &[String]) -> Result<Vec<String>, AppError> {
    crate::domain::permission::parse_ids::<InstancePermission>(ids)
}

/// A custom role's title: at most 100 characters, and never a built-in role's title (it would
/// pass for that role in the role picker and the audit log).
fn title(input: Option<&str>) -> Result<String, AppError> {
    let value = text(input, "title", 100)?;
    if BuiltinInstanceRole::ALL
        .iter()
        .any(|r| r.title().eq_ignore_ascii_case(&value))
    {
        return Err(AppError::validation(
            "title",
            "That is the title of a built-in role; choose another.",
        ));
    }
    Ok(value)
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

fn builtin_info(role: BuiltinInstanceRole, holders: u32) -> RoleInfo {
    RoleInfo {
        name: role.name().to_string(),
        title: role.title().to_string(),
        description: role.description().to_string(),
        builtin: true,
        permissions: role.permissions().ids(),
        holders,
        groups: 0,
    }
}

fn custom_info(role: &InstanceRoleRow, holders: u32) -> RoleInfo {
    RoleInfo {
        name: role.name.clone(),
        title: if role.title.is_empty() {
            role.name.clone()
        } else {
            role.title.clone()
        },
        description: role.description.clone(),
        builtin: false,
        permissions: InstancePermissionSet::of_ids(&role.permissions).ids(),
        holders,
        groups: 0,
    }
}

/// Every instance role (built-in, then custom by name) with how many users hold it. Needs
/// `users.read`.
pub async fn list(db: &Db, principal: &Principal) -> Result<Vec<RoleInfo>, AppError> {
    principal.instance(InstancePermission::UsersRead)?;
    let mut roles = Vec::new();
    for role in BuiltinInstanceRole::ALL {
        let holders = store::instance_roles::holder_count(db, role.name()).await?;
        roles.push(builtin_info(role, holders));
    }
    for role in store::instance_roles::list(db).await? {
        let holders = store::instance_roles::holder_count(db, &role.name).await?;
        roles.push(custom_info(&role, holders));
    }
    Ok(roles)
}

/// One instance role; 404 when there is none. Needs `users.read`.
pub async fn get(db: &Db, principal: &Principal, name: &str) -> Result<RoleInfo, AppError> {
    principal.instance(InstancePermission::UsersRead)?;
    let name = name.trim().to_lowercase();
    if let Some(role) = BuiltinInstanceRole::parse(&name) {
        let holders = store::instance_roles::holder_count(db, role.name()).await?;
        return Ok(builtin_info(role, holders));
    }
    let role = custom(db, &name).await?;
    let holders = store::instance_roles::holder_count(db, &role.name).await?;
    Ok(custom_info(&role, holders))
}

/// The users who hold an instance role, by username; 404 for a role that does not exist.
/// Needs `users.read`.
pub async fn holders(db: &Db, principal: &Principal, name: &str) -> Result<Vec<String>, AppError> {
    principal.instance(InstancePermission::UsersRead)?;
    let name = name.trim().to_lowercase();
    if BuiltinInstanceRole::parse(&name).is_none() {
        custom(db, &name).await?;
    }
    Ok(store::instance_roles::holders(db, &name).await?)
}

/// A custom role by name: 409 for a built-in one, 404 when there is none.
async fn custom(db: &Db, name: &str) -> Result<InstanceRoleRow, AppError> {
    let name = name.trim().to_lowercase();
    if BuiltinInstanceRole::parse(&name).is_some() {
        return Err(AppError::conflict(
            ErrorCode::Conflict,
            "Built-in instance roles cannot be changed or deleted. Create a custom role instead.",
        ));
    }
    if name.is_empty() || name.len() > 39 {
        return Err(AppError::not_found());
    }
    store::instance_roles::get(db, &name)
        .await?
        .ok_or_else(AppError::not_found)
}

/// Creates a custom instance role. Needs `instance.roles.manage`; 403 if it carries a
/// permission the caller lacks; 422 for an unknown permission; 409 for a taken or built-in
/// name.
pub async fn create(
    db: &Db,
    principal: &Principal,
    input: &NewRole,
    now: DateTime<Utc>,
) -> Result<RoleInfo, AppError> {
    let check = InstanceCheck::of(principal.instance(InstancePermission::InstanceRolesManage)?);
    let name = Slug::parse(&input.name, "name")?;
    // `site-admin` would pass for `site_admin` in a list.
    if BuiltinInstanceRole::parse(&name.as_str().replace('-', "_")).is_some() {
        return Err(AppError::conflict(
            ErrorCode::Conflict,
            "That is the name of a built-in instance role.",
        ));
    }
    if ["new", "none"].contains(&name.as_str()) {
        // `/admin/roles/new` creates a role; `none` filters the users list.
        return Err(AppError::validation(
            "name",
            format!("\"{}\" is reserved; choose another name.", name.as_str()),
        ));
    }
    let permissions = parse_permissions(&input.permissions)?;
    check.within(InstancePermissionSet::of_ids(&permissions))?;
    let row = InstanceRoleRow {
        name: name.as_str().to_string(),
        title: title(input.title.as_deref())?,
        description: text(input.description.as_deref(), "description", 500)?,
        permissions,
    };
    let audit = entry(
        principal,
        "admin.instance_role_created",
        format!("instance_role:{}", row.name),
        None,
        json!({ "permissions": row.permissions }),
        now,
    );
    store::instance_roles::create(db, &row, &check.seen(), now, &audit).await?;
    Ok(custom_info(&row, 0))
}

/// Edits a custom instance role. Needs `instance.roles.manage` and every permission of the
/// role, before and after; built-ins: 409.
pub async fn update(
    db: &Db,
    principal: &Principal,
    name: &str,
    change: &RoleUpdate,
    now: DateTime<Utc>,
) -> Result<RoleInfo, AppError> {
    let mut check = InstanceCheck::of(principal.instance(InstancePermission::InstanceRolesManage)?);
    let current = custom(db, name).await?;
    check.within(InstancePermissionSet::of_ids(&current.permissions))?;
    check.saw_role(&current.name, &current.permissions);
    let permissions = match &change.permissions {
        Some(ids) => parse_permissions(ids)?,
        None => current.permissions.clone(),
    };
    check.within(InstancePermissionSet::of_ids(&permissions))?;
    let row = InstanceRoleRow {
        name: current.name.clone(),
        title: match &change.title {
            Some(t) => title(Some(t))?,
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
        "admin.instance_role_updated",
        format!("instance_role:{}", row.name),
        None,
        json!({
            "from": { "title": current.title, "description": current.description, "permissions": current.permissions },
            "to": { "title": row.title, "description": row.description, "permissions": row.permissions },
        }),
        now,
    );
    store::instance_roles::update(db, &row, &current.permissions, &check.seen(), now, &audit)
        .await?;
    let holders = store::instance_roles::holder_count(db, &row.name).await?;
    Ok(custom_info(&row, holders))
}

/// Deletes a custom instance role; its holders fall back to no instance role. Needs
/// `instance.roles.manage` and the role's permissions; built-ins: 409.
pub async fn delete(
    db: &Db,
    principal: &Principal,
    name: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut check = InstanceCheck::of(principal.instance(InstancePermission::InstanceRolesManage)?);
    let current = custom(db, name).await?;
    check.within(InstancePermissionSet::of_ids(&current.permissions))?;
    check.saw_role(&current.name, &current.permissions);
    let holders = store::instance_roles::holders(db, &current.name).await?;
    let audit = entry(
        principal,
        "admin.instance_role_deleted",
        format!("instance_role:{}", current.name),
        None,
        json!({ "permissions": current.permissions, "holders": holders }),
        now,
    );
    store::instance_roles::delete(db, &current.name, &check.seen(), now, &audit).await?;
    Ok(())
}

/// Who would gain or lose which permissions if the custom role carried `permissions`. Needs
/// `instance.roles.manage`.
pub async fn preview(
    db: &Db,
    principal: &Principal,
    name: &str,
    input: &PreviewInput,
) -> Result<Preview, AppError> {
    principal.instance(InstancePermission::InstanceRolesManage)?;
    let current = custom(db, name).await?;
    let before = InstancePermissionSet::of_ids(&current.permissions);
    let after = InstancePermissionSet::of_ids(&parse_permissions(&input.permissions)?);
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
    let mut preview = Preview {
        gains: Vec::new(),
        losses: Vec::new(),
    };
    for username in store::instance_roles::holders(db, &current.name).await? {
        if !gained.is_empty() {
            preview.gains.push(MemberChange {
                username: username.clone(),
                permissions: gained.clone(),
            });
        }
        if !lost.is_empty() {
            preview.losses.push(MemberChange {
                username,
                permissions: lost.clone(),
            });
        }
    }
    Ok(preview)
}
