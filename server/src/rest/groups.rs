//! `/api/v1/organizations/{org}/groups`: groups and their members.

use super::ApiJson;
use super::caller::Caller;
use super::paths::{GroupMemberPath, GroupPath, OrgPath};
use super::refusals::{Forbidden, Invalid, Malformed, NotAuthenticated, NotFound};
use app::domain::group::Group;
use app::domain::group::{GroupUpdate, NewGroup};
use app::domain::organization::{MemberUser, Page};
use app::error::AppError;
use app::service::groups;
use app::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;

/// The organization's groups. Needs `groups.read`.
#[utoipa::path(
    get,
    path = "/organizations/{org}/groups",
    tag = "groups",
    params(OrgPath),
    responses(
        (status = 200, description = "Every group, by name", body = Page<Group>),
        NotAuthenticated, Forbidden, NotFound
    )
)]
pub async fn list(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(OrgPath { org }): Path<OrgPath>,
) -> Result<ApiJson<Page<Group>>, AppError> {
    Ok(ApiJson(Page::all(
        groups::list(&state.db, &principal, &org).await?,
    )))
}

/// Create a group. Needs `groups.manage`; its role must be within your own rights.
///
/// Refusals: 403: Missing `groups.manage`, or a role beyond your own; 422: Invalid or taken
/// name, unknown role.
#[utoipa::path(
    post,
    path = "/organizations/{org}/groups",
    tag = "groups",
    params(OrgPath),
    request_body = NewGroup,
    responses(
        (status = 201, description = "Created", body = Group),
        Malformed, NotAuthenticated, Forbidden, NotFound, Invalid
    )
)]
pub async fn create(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(OrgPath { org }): Path<OrgPath>,
    ApiJson(input): ApiJson<NewGroup>,
) -> Result<(StatusCode, ApiJson<Group>), AppError> {
    let group = groups::create(&state.db, &principal, &org, &input, chrono::Utc::now()).await?;
    Ok((StatusCode::CREATED, ApiJson(group)))
}

/// A group. Needs `groups.read`.
#[utoipa::path(
    get,
    path = "/organizations/{org}/groups/{group}",
    tag = "groups",
    params(GroupPath),
    responses(
        (status = 200, description = "The group", body = Group),
        NotAuthenticated, NotFound
    )
)]
pub async fn get(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(GroupPath { org, group }): Path<GroupPath>,
) -> Result<ApiJson<Group>, AppError> {
    Ok(ApiJson(
        groups::get(&state.db, &principal, &org, &group)
            .await?
            .group,
    ))
}

/// Rename a group, change its description or role (`role: null` removes it). Needs
/// `groups.manage`.
///
/// Refusals: 403: Missing `groups.manage`, or a role beyond your own; 422: Invalid or taken
/// name, unknown role.
#[utoipa::path(
    patch,
    path = "/organizations/{org}/groups/{group}",
    tag = "groups",
    params(GroupPath),
    request_body = GroupUpdate,
    responses(
        (status = 200, description = "The group", body = Group),
        Malformed, NotAuthenticated, Forbidden, NotFound, Invalid
    )
)]
pub async fn update(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(GroupPath { org, group }): Path<GroupPath>,
    ApiJson(change): ApiJson<GroupUpdate>,
) -> Result<ApiJson<Group>, AppError> {
    Ok(ApiJson(
        groups::update(
            &state.db,
            &principal,
            &org,
            &group,
            &change,
            chrono::Utc::now(),
        )
        .await?,
    ))
}

/// Delete a group (its members stay in the organization). Needs `groups.manage`.
#[utoipa::path(
    delete,
    path = "/organizations/{org}/groups/{group}",
    tag = "groups",
    params(GroupPath),
    responses(
        (status = 204, description = "Deleted"),
        NotAuthenticated, Forbidden, NotFound
    )
)]
pub async fn delete(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(GroupPath { org, group }): Path<GroupPath>,
) -> Result<StatusCode, AppError> {
    groups::delete(&state.db, &principal, &org, &group, chrono::Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The group's members. Needs `groups.read`.
#[utoipa::path(
    get,
    path = "/organizations/{org}/groups/{group}/members",
    tag = "groups",
    params(GroupPath),
    responses(
        (status = 200, description = "Members, by username", body = Page<MemberUser>),
        NotAuthenticated, NotFound
    )
)]
pub async fn members(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(GroupPath { org, group }): Path<GroupPath>,
) -> Result<ApiJson<Page<MemberUser>>, AppError> {
    let detail = groups::get(&state.db, &principal, &org, &group).await?;
    Ok(ApiJson(Page::all(detail.members)))
}

/// Put a member of the organization in the group. Needs `groups.manage`.
///
/// Refusals: 422: Not a member of the organization.
#[utoipa::path(
    put,
    path = "/organizations/{org}/groups/{group}/members/{username}",
    tag = "groups",
    params(GroupMemberPath),
    responses(
        (status = 204, description = "In the group"),
        NotAuthenticated, Forbidden, NotFound, Invalid
    )
)]
pub async fn add_member(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(GroupMemberPath {
        org,
        group,
        username,
    }): Path<GroupMemberPath>,
) -> Result<StatusCode, AppError> {
    groups::add_member(
        &state.db,
        &principal,
        &org,
        &group,
        &username,
        chrono::Utc::now(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Take a member out of the group. Needs `groups.manage`.
#[utoipa::path(
    delete,
    path = "/organizations/{org}/groups/{group}/members/{username}",
    tag = "groups",
    params(GroupMemberPath),
    responses(
        (status = 204, description = "Out of the group"),
        NotAuthenticated, Forbidden, NotFound
    )
)]
pub async fn remove_member(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(GroupMemberPath {
        org,
        group,
        username,
    }): Path<GroupMemberPath>,
) -> Result<StatusCode, AppError> {
    groups::remove_member(
        &state.db,
        &principal,
        &org,
        &group,
        &username,
        chrono::Utc::now(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
