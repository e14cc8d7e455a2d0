//! Groups for the pages.

use crate::domain::group::{Group, GroupDetail};
use crate::error::AppError;
use leptos::prelude::*;

/// The organization's groups. Needs `groups.read`.
#[server(endpoint = "orgs/groups")]
pub async fn list_groups(org: String) -> Result<Vec<Group>, AppError> {
    super::run(move |state, principal| async move {
        crate::service::groups::list(&state.db, &principal, &org).await
    })
    .await
}

/// A group and its members. Needs `groups.read`.
#[server(endpoint = "orgs/groups/get")]
pub async fn get_group(org: String, group: String) -> Result<GroupDetail, AppError> {
    super::run(move |state, principal| async move {
        crate::service::groups::get(&state.db, &principal, &org, &group).await
    })
    .await
}

/// Creates a group. Needs `groups.manage`.
#[server(endpoint = "orgs/groups/create")]
pub async fn create_group(
    org: String,
    name: String,
    #[server(default)] description: Option<String>,
    #[server(default)] role: Option<String>,
    #[server(default)] members: String,
) -> Result<Group, AppError> {
    super::run(move |state, principal| async move {
        let input = crate::domain::group::NewGroup {
            name,
            description,
            role,
            members: members
                .split([',', ' ', '\n'])
                .map(str::trim)
                .filter(|m| !m.is_empty())
                .map(str::to_string)
                .collect(),
        };
        let group =
            crate::service::groups::create(&state.db, &principal, &org, &input, chrono::Utc::now())
                .await?;
        super::redirect(&format!("/orgs/{org}/groups/{}", group.name));
        Ok(group)
    })
    .await
}

/// Renames a group or changes its description and role. Needs `groups.manage`.
#[server(endpoint = "orgs/groups/update")]
pub async fn update_group(
    org: String,
    group: String,
    name: String,
    description: String,
    role: String,
) -> Result<Group, AppError> {
    use crate::domain::group::GroupUpdate;
    use crate::service::groups;
    super::run(move |state, principal| async move {
        let updated = groups::update(
            &state.db,
            &principal,
            &org,
            &group,
            &GroupUpdate {
                name: Some(name),
                description: Some(description),
                role: Some(Some(role)),
            },
            chrono::Utc::now(),
        )
        .await?;
        super::redirect(&format!("/orgs/{org}/groups/{}?saved=1", updated.name));
        Ok(updated)
    })
    .await
}

/// Deletes a group. Needs `groups.manage`.
#[server(endpoint = "orgs/groups/delete")]
pub async fn delete_group(org: String, group: String) -> Result<(), AppError> {
    super::run(move |state, principal| async move {
        crate::service::groups::delete(&state.db, &principal, &org, &group, chrono::Utc::now())
            .await?;
        super::redirect(&format!("/orgs/{org}/people?tab=groups"));
        Ok(())
    })
    .await
}

/// Puts a member in a group. Needs `groups.manage`.
#[server(endpoint = "orgs/groups/add")]
pub async fn add_group_member(
    org: String,
    group: String,
    username: String,
) -> Result<(), AppError> {
    super::run(move |state, principal| async move {
        crate::service::groups::add_member(
            &state.db,
            &principal,
            &org,
            &group,
            &username,
            chrono::Utc::now(),
        )
        .await?;
        if super::plain_form_post() {
            super::redirect(&format!("/orgs/{org}/groups/{group}"));
        }
        Ok(())
    })
    .await
}

/// Takes a member out of a group. Needs `groups.manage`.
#[server(endpoint = "orgs/groups/remove")]
pub async fn remove_group_member(
    org: String,
    group: String,
    username: String,
) -> Result<(), AppError> {
    super::run(move |state, principal| async move {
        crate::service::groups::remove_member(
            &state.db,
            &principal,
            &org,
            &group,
            &username,
            chrono::Utc::now(),
        )
        .await?;
        if super::plain_form_post() {
            super::redirect(&format!("/orgs/{org}/groups/{group}"));
        }
        Ok(())
    })
    .await
}
