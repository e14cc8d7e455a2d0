//! Members: list, change role, remove, leave.
//!
//! Invariants:
//! - The last-owner and owner-only rules are checked by the store in the transaction that
//!   writes (see `store::memberships`), on every path.
//! - Changing a member's role gives the new role and takes the old one away; removing a
//!   member takes their role and their groups' roles away: each asks the rulebook
//!   (`service::rulebook`), whose findings the writing transaction confirms.

use super::audit_entry::entry;
use super::org_access::{self, OrgAccess};
use super::principal::Principal;
use super::rulebook::{self, Rights};
use crate::domain::explain::ProjectPermissions;
use crate::domain::organization::RoleChange;
use crate::domain::organization::{Member, MemberUser, Page, page_limit};
use crate::domain::permission::Permission;
use crate::error::AppError;
use crate::store::memberships::MemberOrder;
use crate::store::memberships::MemberRow;
use crate::store::{self, Db};
use chrono::{DateTime, Utc};
use serde_json::json;

pub fn to_dto(row: MemberRow) -> Member {
    Member {
        user: MemberUser {
            id: row.user_id,
            username: row.username,
            email: row.email,
            display_name: row.display_name,
        },
        role: row.role,
        groups: row.groups,
        owns_projects: row.owns_projects,
        two_factor_enabled: row.two_factor_enabled,
        joined_at: super::rfc3339(row.joined_at),
        last_active_at: row.last_active_at.map(super::rfc3339),
    }
}

/// One page of members, by username or (`sort` = `last_active`) most recently active first;
/// `query` searches names and emails. Needs `members.read`.
pub async fn list(
    db: &Db,
    principal: &Principal,
    org: &str,
    query: Option<&str>,
    cursor: Option<&str>,
    sort: Option<&str>,
    limit: Option<usize>,
) -> Result<Page<Member>, AppError> {
    let order = match sort.map(str::trim) {
        None | Some("") | Some("username") => MemberOrder::Username,
        Some("last_active") => {
            // Its cursor is `rank:username` (what the previous page handed out).
            if let Some(c) = cursor.filter(|c| !c.is_empty())
                && c.split_once(':')
                    .is_none_or(|(rank, _)| rank.parse::<i64>().is_err())
            {
                return Err(AppError::validation("cursor", "That cursor is not valid."));
            }
            MemberOrder::Activity
        }
        Some(_) => {
            return Err(AppError::validation(
                "sort",
                "Sort by username or last_active.",
            ));
        }
    };
    let access = org_access::resolve(db, principal, org).await?;
    access.require(Permission::MembersRead)?;
    let limit = page_limit(limit);
    let query = query.map(str::trim).filter(|q| !q.is_empty());
    let mut rows = store::memberships::list(
        db,
        &access.org.id,
        query,
        cursor.filter(|c| !c.is_empty()),
        order,
        i64::try_from(limit + 1).unwrap_or(i64::MAX),
    )
    .await?;
    let next_cursor = if rows.len() > limit {
        rows.truncate(limit);
        rows.last().map(|r| match order {
            MemberOrder::Username => r.username.clone(),
            MemberOrder::Activity => format!("{}:{}", r.active_rank, r.username),
        })
    } else {
        None
    };
    Ok(Page {
        items: rows.into_iter().map(to_dto).collect(),
        next_cursor,
    })
}

async fn member(db: &Db, access: &OrgAccess, username: &str) -> Result<MemberRow, AppError> {
    store::memberships::get(db, &access.org.id, &username.trim().to_lowercase())
        .await?
        .ok_or_else(AppError::not_found)
}

/// Every organization permission `username` holds and where each comes from, computed by
/// the function that decides (`org_access::explain`). Needs `members.read`.
pub async fn explain(
    db: &Db,
    principal: &Principal,
    org: &str,
    username: &str,
) -> Result<crate::domain::explain::Explanation, AppError> {
    let access = org_access::resolve(db, principal, org).await?;
    access.require(Permission::MembersRead)?;
    let target = member(db, &access, username).await?;
    let row = store::organizations::access(db, &access.org.name, &target.user_id)
        .await?
        .ok_or_else(AppError::not_found)?;
    let role = row.role.ok_or_else(AppError::not_found)?;
    let permissions = org_access::explain(&role, &row.group_roles, &row.custom_roles);
    let subject = store::projects::Subject {
        user_id: Some(&target.user_id),
        group_id: None,
    };
    let projects = store::projects::standings(db, &access.org.id, &subject)
        .await?
        .into_iter()
        .map(|standing| ProjectPermissions {
            permissions: org_access::explain_project(
                &permissions,
                &standing.project.name,
                standing.project.owner_id == target.user_id,
                &standing.grants,
            ),
            project: standing.project.name,
        })
        .collect();
    Ok(crate::domain::explain::Explanation {
        username: target.username,
        permissions,
        projects,
        role,
    })
}

/// Changes a member's role. Needs `members.update_role` and every permission of the old and
/// the new role; only owners grant or take away Owner; the last owner keeps it (409
/// `last_owner`).
pub async fn change_role(
    db: &Db,
    principal: &Principal,
    org: &str,
    username: &str,
    change: &RoleChange,
    now: DateTime<Utc>,
) -> Result<Member, AppError> {
    let access = org_access::resolve(db, principal, org).await?;
    access.require(Permission::MembersUpdateRole)?;
    let role = rulebook::known_role(&access, &change.role, "role")?;
    let target = member(db, &access, username).await?;
    let mut rights = Rights::of(&access);
    rights
        .give(&role)?
        .take(&target.role)?
        .member(&target.user_id, &target.role);
    if access.member_id() == Some(&target.user_id) {
        rights.give_self(&role)?;
    }
    store::memberships::change_role(
        db,
        &access.org.id,
        &target.user_id,
        &role,
        &rights.seen(),
        &entry(
            principal,
            "member.role_changed",
            format!("user:{}", target.username),
            Some(&access.org.id),
            json!({ "from": target.role, "to": role }),
            now,
        ),
    )
    .await?;
    Ok(to_dto(member(db, &access, username).await?))
}

/// Removes a member. Needs `members.remove` and every permission the member holds through
/// their role and groups (only owners remove owners), or nothing for oneself (leaving); the
/// last owner can neither be removed nor leave (409 `last_owner`).
pub async fn remove(
    db: &Db,
    principal: &Principal,
    org: &str,
    username: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let access = org_access::resolve(db, principal, org).await?;
    let target = member(db, &access, username).await?;
    let leaving = access.member_id() == Some(&target.user_id);
    if leaving && access.ceiling.is_some() {
        return Err(AppError::forbidden(
            "A token limited to a role level cannot make its user leave the organization.",
        ));
    }
    let mut rights = Rights::of(&access);
    if !leaving {
        access.require(Permission::MembersRemove)?;
        rights
            .take(&target.role)?
            .member_in(&target.user_id, &target.role, &target.groups);
        for group in store::groups::list(db, &access.org.id)
            .await?
            .iter()
            .filter(|t| target.groups.contains(&t.name))
        {
            rights.leave_group(group)?;
            rulebook::group_projects(db, &access, group).await?;
        }
    }
    let audit = entry(
        principal,
        if leaving {
            "member.left"
        } else {
            "member.removed"
        },
        format!("user:{}", target.username),
        Some(&access.org.id),
        json!({ "role": target.role }),
        now,
    );
    store::memberships::remove(db, &access.org.id, &target.user_id, &rights.seen(), &audit)
        .await
        .map_err(AppError::from)
}
