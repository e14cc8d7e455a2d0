//! A caller's standing in an organization, resolved once per request and asked by every
//! organization service function.
//!
//! Invariants:
//! - A caller who is not a member gets 404, exactly like a missing organization: existence is
//!   never revealed.
//! - Permissions are the union of the member's own role and their groups' roles, closed under
//!   implication; this one function computes them for every decision.
//! - While the organization requires two-factor, a member without it gets 403
//!   `two_factor_policy` from every organization endpoint.

use super::principal::Principal;
use crate::domain::explain::{GrantedBy, PermissionGrant};
use crate::domain::organization::Organization;
use crate::domain::permission::{Permission, PermissionSet};
use crate::domain::role::BuiltinRole;
use crate::error::{AppError, ErrorCode};
use crate::store::organizations::{CustomRole, OrgRow, TeamRole};
use crate::store::{self, Db};

/// What a signed-in member may do in one organization.
#[derive(Debug, Clone)]
pub struct OrgAccess {
    pub org: OrgRow,
    pub user_id: String,
    pub username: String,
    pub role: String,
    pub permissions: PermissionSet,
    /// The organization's custom roles, read with the rest.
    pub custom_roles: Vec<CustomRole>,
}

impl OrgAccess {
    pub fn is_owner(&self) -> bool {
        self.role == BuiltinRole::Owner.name()
    }

    /// Refuses (403 `forbidden`) unless the caller holds `permission`.
    pub fn require(&self, permission: Permission) -> Result<(), AppError> {
        if self.permissions.contains(permission) {
            Ok(())
        } else {
            Err(AppError::forbidden(format!(
                "You do not have the \"{}\" permission in this organization.",
                permission.info().title
            )))
        }
    }

    pub fn organization(&self) -> Organization {
        to_dto(&self.org)
    }
}

pub fn to_dto(row: &OrgRow) -> Organization {
    Organization {
        id: row.id.clone(),
        name: row.name.clone(),
        display_name: row.display_name.clone(),
        require_two_factor: row.require_two_factor,
        created_at: super::rfc3339(row.created_at),
    }
}

/// The permissions a role name carries: a built-in role, else one of the organization's
/// custom roles (its ticked permissions and what they imply); unknown or empty names (a
/// deleted role's former holders) carry none.
pub fn role_permissions(role: &str, custom: &[CustomRole]) -> PermissionSet {
    if let Some(builtin) = BuiltinRole::parse(role) {
        return builtin.permissions();
    }
    custom
        .iter()
        .find(|c| c.name == role)
        .map_or(PermissionSet::EMPTY, |c| {
            PermissionSet::of(c.permissions.iter().filter_map(|p| Permission::parse(p)))
        })
}

/// Every permission a member holds, with every source that grants it: the member's own role,
/// then each group's role. This is the one computation behind both the decisions
/// ([`resolve`]) and the explainer, so the two cannot disagree.
pub fn explain(role: &str, team_roles: &[TeamRole], custom: &[CustomRole]) -> Vec<PermissionGrant> {
    let mut team_roles: Vec<&TeamRole> = team_roles.iter().collect();
    team_roles.sort_by(|a, b| a.team.cmp(&b.team));
    let mut sources: Vec<(GrantedBy, PermissionSet)> = vec![(
        GrantedBy {
            kind: "role".into(),
            name: role.to_string(),
            role: role.to_string(),
        },
        role_permissions(role, custom),
    )];
    for team in team_roles {
        sources.push((
            GrantedBy {
                kind: "group".into(),
                name: team.team.clone(),
                role: team.role.clone(),
            },
            role_permissions(&team.role, custom),
        ));
    }
    Permission::ALL
        .into_iter()
        .filter_map(|permission| {
            let granted_by: Vec<GrantedBy> = sources
                .iter()
                .filter(|(_, set)| set.contains(permission))
                .map(|(source, _)| source.clone())
                .collect();
            (!granted_by.is_empty()).then_some(PermissionGrant {
                id: permission,
                granted_by,
            })
        })
        .collect()
}

/// Resolves the caller in organization `name`.
pub async fn resolve(db: &Db, principal: &Principal, name: &str) -> Result<OrgAccess, AppError> {
    let caller = principal.user()?;
    let name = name.trim().to_lowercase();
    if name.is_empty() || name.len() > 39 {
        return Err(AppError::not_found());
    }
    let row = store::organizations::access(db, &name, &caller.user_id)
        .await?
        .ok_or_else(AppError::not_found)?;
    let Some(role) = row.role else {
        return Err(AppError::not_found());
    };
    if row.org.require_two_factor && !row.two_factor {
        return Err(AppError::new(
            ErrorCode::TwoFactorPolicy,
            "This organization requires two-factor authentication. Turn it on at /settings/two-factor to continue.",
        ));
    }
    let permissions = PermissionSet::of(
        explain(&role, &row.team_roles, &row.custom_roles)
            .iter()
            .map(|g| g.id),
    );
    Ok(OrgAccess {
        org: row.org,
        user_id: caller.user_id.clone(),
        username: caller.username.clone(),
        role,
        permissions,
        custom_roles: row.custom_roles,
    })
}
