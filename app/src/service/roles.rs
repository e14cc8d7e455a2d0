//! Roles and the permission catalog, as data for clients.

use super::org_access;
use super::principal::Principal;
use crate::domain::permission::{CATALOG, CatalogEntry, Permission};
use crate::domain::role::{BuiltinRole, RoleInfo};
use crate::error::AppError;
use crate::store::{self, Db};

/// The permission catalog. Needs a signed-in user.
pub fn catalog(principal: &Principal) -> Result<Vec<CatalogEntry>, AppError> {
    principal.user()?;
    Ok(CATALOG.iter().map(CatalogEntry::from).collect())
}

/// The organization's roles with how many members hold each. Needs `roles.read`.
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
            holders: u32::try_from(
                store::memberships::count_with_role(db, &access.org.id, role.name()).await?,
            )
            .unwrap_or(0),
        });
    }
    Ok(roles)
}
