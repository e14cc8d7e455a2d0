//! A place in an organization for an account that exists or is being created (an
//! administrator creating users with their organizations, an owner adding existing accounts
//! directly): a role and groups, decided by the organization's rulebook as for an invitation.
//!
//! Invariants:
//! - Placing someone needs `members.invite` in that organization and every permission the
//!   role and each group's role carry (and the groups' project grants); the writing
//!   transaction confirms what the check saw (`RightsSeen`).
//! - Unknown groups are refused (422), never skipped.

use super::org_access::{self, OrgAccess};
use super::principal::Principal;
use super::rulebook::{self, Rights};
use crate::domain::admin::Placement;
use crate::domain::ids::OrgId;
use crate::domain::permission::Permission;
use crate::error::{AppError, ErrorCode};
use crate::store::groups::GroupRow;
use crate::store::rights::RightsSeen;
use crate::store::{self, Db};

/// A placement the caller may make, with what the write must confirm.
#[derive(Debug, Clone)]
pub struct CheckedPlacement {
    pub org_id: OrgId,
    pub org_name: String,
    pub role: String,
    pub groups: Vec<GroupRow>,
    pub rights: RightsSeen,
}

/// Checks `placement` for `principal`. An organization the caller cannot add people to is a
/// 422 on `field` (the caller is creating an account, not reading the organization).
pub async fn check(
    db: &Db,
    principal: &Principal,
    placement: &Placement,
    field: &str,
) -> Result<CheckedPlacement, AppError> {
    let org = placement.name.trim().to_lowercase();
    let access = org_access::resolve(db, principal, &org)
        .await
        .map_err(|err| match err.code {
            ErrorCode::NotFound => AppError::validation(
                field,
                format!("You are not a member of an organization called \"{org}\"."),
            ),
            _ => err,
        })?;
    access.require(Permission::MembersInvite)?;
    let role = rulebook::known_role(&access, &placement.role, "role")?;
    let all = store::groups::list(db, &access.org.id).await?;
    let groups = pick_groups(&all, placement.groups.iter().map(String::as_str))?;
    let rights = grants(db, &access, &role, &groups).await?;
    Ok(CheckedPlacement {
        org_id: access.org.id.clone(),
        org_name: access.org.name.clone(),
        role,
        groups,
        rights,
    })
}

/// The groups called `names` among `all` (trimmed, lower-cased, each once); 422 for a name
/// that is not a group.
pub fn pick_groups<'a>(
    all: &[GroupRow],
    names: impl IntoIterator<Item = &'a str>,
) -> Result<Vec<GroupRow>, AppError> {
    let mut groups: Vec<GroupRow> = Vec::new();
    for name in names {
        let name = name.trim().to_lowercase();
        if name.is_empty() || groups.iter().any(|t| t.name == name) {
            continue;
        }
        let group = all.iter().find(|t| t.name == name).ok_or_else(|| {
            AppError::validation("groups", format!("There is no group \"{name}\"."))
        })?;
        groups.push(group.clone());
    }
    Ok(groups)
}

/// Whether `access` may give `role` and a place in each of `groups` (the rulebook, with the
/// groups' project grants), and what the writing transaction must confirm.
pub async fn grants(
    db: &Db,
    access: &OrgAccess,
    role: &str,
    groups: &[GroupRow],
) -> Result<RightsSeen, AppError> {
    let mut rights = Rights::of(access);
    rights.give(role)?;
    for group in groups {
        rights.join_group(group)?;
        rulebook::group_projects(db, access, group).await?;
    }
    Ok(rights.seen())
}
