//! Groups: create, rename, give a role, delete; add and remove members.
//!
//! Invariants:
//! - Joining a group gives its role; leaving it, changing its role or deleting the group takes
//!   the role away: each asks the rulebook (`service::rulebook`), so nobody gives or takes what
//!   they do not hold, and only owners change an Owner-role group. The writing transaction
//!   confirms what the check saw.
//! - Only members of the organization join its groups (checked by the store in the writing
//!   transaction).

use super::audit_entry::entry;
use super::org_access::{self, OrgAccess};
use super::principal::Principal;
use super::rulebook::{self, Rights};
use crate::domain::group::{Group, GroupDetail};
use crate::domain::group::{GroupUpdate, NewGroup};
use crate::domain::organization::MemberUser;
use crate::domain::permission::Permission;
use crate::domain::slug::Slug;
use crate::error::AppError;
use crate::store::Guard;
use crate::store::groups::{GroupChange, GroupRow};
use crate::store::{self, Db};
use chrono::{DateTime, Utc};
use serde_json::json;

fn to_dto(row: GroupRow) -> Group {
    Group {
        name: row.name,
        description: row.description,
        role: row.role,
        members_count: u32::try_from(row.members_count).unwrap_or(0),
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

/// An empty role (a form's "no role") means none.
fn optional_role(access: &OrgAccess, role: Option<&str>) -> Result<Option<String>, AppError> {
    match role.map(str::trim).filter(|r| !r.is_empty()) {
        Some(role) => rulebook::known_role(access, role, "role").map(Some),
        None => Ok(None),
    }
}

async fn find_group(db: &Db, access: &OrgAccess, name: &str) -> Result<GroupRow, AppError> {
    store::groups::get(db, &access.org.id, &name.trim().to_lowercase())
        .await?
        .ok_or_else(AppError::not_found)
}

/// The organization's groups. Needs `groups.read`.
pub async fn list(db: &Db, principal: &Principal, org: &str) -> Result<Vec<Group>, AppError> {
    let access = org_access::resolve(db, principal, org).await?;
    access.require(Permission::GroupsRead)?;
    Ok(store::groups::list(db, &access.org.id)
        .await?
        .into_iter()
        .map(to_dto)
        .collect())
}

/// Creates a group, with its first members (members of the organization) when given. Needs
/// `groups.manage` and the group's role within the caller's rights (joining a new group gives
/// only its role: it has no project grants yet).
pub async fn create(
    db: &Db,
    principal: &Principal,
    org: &str,
    input: &NewGroup,
    now: DateTime<Utc>,
) -> Result<Group, AppError> {
    let access = org_access::resolve(db, principal, org).await?;
    access.require(Permission::GroupsManage)?;
    let name = Slug::parse(&input.name, "name")?;
    let role = optional_role(&access, input.role.as_deref())?;
    let text = description(input.description.as_deref())?.unwrap_or("");
    let mut rights = Rights::of(&access);
    if let Some(role) = role.as_deref() {
        rights.give(role)?;
    }
    if input.members.len() > 200 {
        return Err(AppError::validation(
            "members",
            "Add at most 200 members at once.",
        ));
    }
    let mut members: Vec<store::memberships::MemberRow> = Vec::new();
    for username in input.members.iter().map(|u| u.trim().to_lowercase()) {
        if username.is_empty() || members.iter().any(|m| m.username == username) {
            continue;
        }
        let member = store::memberships::get(db, &access.org.id, &username)
            .await?
            .ok_or_else(|| {
                AppError::validation(
                    "members",
                    format!("{username} is not a member of this organization."),
                )
            })?;
        members.push(member);
    }
    let mut audits = vec![entry(
        principal,
        "group.created",
        format!("group:{}", name.as_str()),
        Some(&access.org.id),
        json!({ "role": role, "members": members.iter().map(|m| &m.username).collect::<Vec<_>>() }),
        now,
    )];
    audits.extend(members.iter().map(|m| {
        entry(
            principal,
            "group.member_added",
            format!("group:{}", name.as_str()),
            Some(&access.org.id),
            json!({ "username": m.username }),
            now,
        )
    }));
    let member_ids: Vec<_> = members.iter().map(|m| m.user_id.clone()).collect();
    store::groups::create(
        db,
        &access.org.id,
        &store::groups::NewGroup {
            name: name.as_str(),
            description: text,
            role: role.as_deref(),
            members: &member_ids,
        },
        &rights.seen(),
        now,
        &audits,
    )
    .await?;
    Ok(to_dto(find_group(db, &access, name.as_str()).await?))
}

/// A group and its members. Needs `groups.read`.
pub async fn get(
    db: &Db,
    principal: &Principal,
    org: &str,
    group: &str,
) -> Result<GroupDetail, AppError> {
    let access = org_access::resolve(db, principal, org).await?;
    access.require(Permission::GroupsRead)?;
    let row = find_group(db, &access, group).await?;
    let members = store::groups::members(db, &row.id)
        .await?
        .into_iter()
        .map(|m| MemberUser {
            id: m.user_id,
            username: m.username,
            email: m.email,
            display_name: m.display_name,
        })
        .collect();
    Ok(GroupDetail {
        group: to_dto(row),
        members,
    })
}

/// Renames a group, changes its description or role. Needs `groups.manage`.
pub async fn update(
    db: &Db,
    principal: &Principal,
    org: &str,
    group: &str,
    change: &GroupUpdate,
    now: DateTime<Utc>,
) -> Result<Group, AppError> {
    let access = org_access::resolve(db, principal, org).await?;
    access.require(Permission::GroupsManage)?;
    let row = find_group(db, &access, group).await?;
    let name = change
        .name
        .as_deref()
        .map(|n| Slug::parse(n, "name"))
        .transpose()?;
    let role = match &change.role {
        Some(role) => Some(optional_role(&access, role.as_deref())?),
        None => None,
    };
    let mut rights = Rights::of(&access);
    rights.touch_group(&row)?;
    if let Some(new_role) = &role
        && *new_role != row.role
    {
        rights.leave_group(&row)?;
        if let Some(new_role) = new_role.as_deref() {
            rights.give(new_role)?;
        }
    }
    store::groups::update(
        db,
        &access.org.id,
        &row.id,
        &GroupChange {
            name: name.as_ref().map(Slug::as_str),
            description: description(change.description.as_deref())?,
            role: role.as_ref().map(|r| r.as_deref()),
        },
        &rights.seen(),
        &entry(
            principal,
            "group.updated",
            format!("group:{}", row.name),
            Some(&access.org.id),
            json!({ "name": name.as_ref().map(Slug::as_str), "role": role }),
            now,
        ),
    )
    .await?;
    let now_named = name.as_ref().map_or(row.name.as_str(), Slug::as_str);
    Ok(to_dto(find_group(db, &access, now_named).await?))
}

/// Deletes a group; its members stay in the organization. Needs `groups.manage` and every
/// permission of the group's role (which its members lose); only owners delete an Owner-role
/// group.
pub async fn delete(
    db: &Db,
    principal: &Principal,
    org: &str,
    group: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let access = org_access::resolve(db, principal, org).await?;
    access.require(Permission::GroupsManage)?;
    let row = find_group(db, &access, group).await?;
    let audit = entry(
        principal,
        "group.deleted",
        format!("group:{}", row.name),
        Some(&access.org.id),
        json!({ "members": row.members_count }),
        now,
    );
    let mut rights = Rights::of(&access);
    rights.leave_group(&row)?;
    rulebook::group_projects(db, &access, &row).await?;
    store::groups::delete(db, &access.org.id, &row.id, &rights.seen(), &audit)
        .await
        .map_err(AppError::from)
}

/// Puts a member in a group, which gives them the group's role. Needs `groups.manage` and
/// every permission of the group's role; only owners add to an Owner-role group.
pub async fn add_member(
    db: &Db,
    principal: &Principal,
    org: &str,
    group: &str,
    username: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    add_member_via(db, principal, org, group, username, None, now).await
}

/// [`add_member`], with `via` (what made the change on the caller's behalf, e.g. a single
/// sign-on group mapping) recorded in the audit entry.
pub async fn add_member_via(
    db: &Db,
    principal: &Principal,
    org: &str,
    group: &str,
    username: &str,
    via: Option<serde_json::Value>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let access = org_access::resolve(db, principal, org).await?;
    access.require(Permission::GroupsManage)?;
    let row = find_group(db, &access, group).await?;
    let mut rights = Rights::of(&access);
    rights.join_group(&row)?;
    rulebook::group_projects(db, &access, &row).await?;
    let member = store::memberships::get(db, &access.org.id, &username.trim().to_lowercase())
        .await?
        .ok_or(Guard::JoinerNotMember)?;
    let mut detail = json!({ "username": member.username });
    if let (Some(via), Some(detail)) = (via, detail.as_object_mut()) {
        detail.insert("via".into(), via);
    }
    let audit = entry(
        principal,
        "group.member_added",
        format!("group:{}", row.name),
        Some(&access.org.id),
        detail,
        now,
    );
    store::groups::add_member(
        db,
        &access.org.id,
        &row.id,
        &member.user_id,
        &rights.seen(),
        now,
        &audit,
    )
    .await
    .map_err(AppError::from)
}

/// Whether `principal` may put members into `org`'s `group` and take them out (the checks of
/// [`add_member`] and [`remove_member`] before their write); the group's role. For standing
/// rules that will act as the caller later (single sign-on group mappings).
pub async fn may_manage_members(
    db: &Db,
    principal: &Principal,
    org: &str,
    group: &str,
) -> Result<Option<String>, AppError> {
    let access = org_access::resolve(db, principal, org).await?;
    access.require(Permission::GroupsManage)?;
    let row = find_group(db, &access, group).await?;
    let mut rights = Rights::of(&access);
    rights.join_group(&row)?.leave_group(&row)?;
    rulebook::group_projects(db, &access, &row).await?;
    Ok(row.role)
}

/// Takes a member out of a group, which takes the group's role from them. Needs
/// `groups.manage` and every permission of the group's role; only owners change an Owner-role
/// group.
pub async fn remove_member(
    db: &Db,
    principal: &Principal,
    org: &str,
    group: &str,
    username: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    remove_member_via(db, principal, org, group, username, None, now).await
}

/// [`remove_member`], with `via` recorded in the audit entry (see [`add_member_via`]).
pub async fn remove_member_via(
    db: &Db,
    principal: &Principal,
    org: &str,
    group: &str,
    username: &str,
    via: Option<serde_json::Value>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let access = org_access::resolve(db, principal, org).await?;
    access.require(Permission::GroupsManage)?;
    let row = find_group(db, &access, group).await?;
    let mut rights = Rights::of(&access);
    rights.leave_group(&row)?;
    rulebook::group_projects(db, &access, &row).await?;
    let member = store::memberships::get(db, &access.org.id, &username.trim().to_lowercase())
        .await?
        .ok_or_else(AppError::not_found)?;
    let mut detail = json!({ "username": member.username });
    if let (Some(via), Some(detail)) = (via, detail.as_object_mut()) {
        detail.insert("via".into(), via);
    }
    let audit = entry(
        principal,
        "group.member_removed",
        format!("group:{}", row.name),
        Some(&access.org.id),
        detail,
        now,
    );
    store::groups::remove_member(db, &row.id, &member.user_id, &rights.seen(), &audit)
        .await
        .map_err(AppError::from)
}
