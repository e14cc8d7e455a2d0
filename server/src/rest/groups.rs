//! `/api/v1/organizations/{org}/groups`: groups and their members.

use super::ApiJson;
use super::caller::Caller;
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
    params(("org" = String, Path, description = "Organization name")),
    responses(
        (status = 200, description = "Every group, by name", body = Page<Group>),
        (status = 403, description = "Missing `groups.read`", body = app::error::ErrorBody),
        (status = 404, description = "No such organization, or not a member", body = app::error::ErrorBody)
    )
)]
pub async fn list(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(org): Path<String>,
) -> Result<ApiJson<Page<Group>>, AppError> {
    Ok(ApiJson(Page::all(
        groups::list(&state.db, &principal, &org).await?,
    )))
}

/// Create a group. Needs `groups.manage`; its role must be within your own rights.
#[utoipa::path(
    post,
    path = "/organizations/{org}/groups",
    tag = "groups",
    params(("org" = String, Path, description = "Organization name")),
    request_body = NewGroup,
    responses(
        (status = 201, description = "Created", body = Group),
        (status = 403, description = "Missing `groups.manage`, or a role beyond your own", body = app::error::ErrorBody),
        (status = 404, description = "No such organization, or not a member", body = app::error::ErrorBody),
        (status = 422, description = "Invalid or taken name, unknown role", body = app::error::ErrorBody)
    )
)]
pub async fn create(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(org): Path<String>,
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
    params(("org" = String, Path, description = "Organization name"), ("group" = String, Path, description = "Group name")),
    responses(
        (status = 200, description = "The group", body = Group),
        (status = 404, description = "No such organization or group", body = app::error::ErrorBody)
    )
)]
pub async fn get(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path((org, group)): Path<(String, String)>,
) -> Result<ApiJson<Group>, AppError> {
    Ok(ApiJson(
        groups::get(&state.db, &principal, &org, &group)
            .await?
            .group,
    ))
}

/// Rename a group, change its description or role (`role: null` removes it). Needs
/// `groups.manage`.
#[utoipa::path(
    patch,
    path = "/organizations/{org}/groups/{group}",
    tag = "groups",
    params(("org" = String, Path, description = "Organization name"), ("group" = String, Path, description = "Group name")),
    request_body = GroupUpdate,
    responses(
        (status = 200, description = "The group", body = Group),
        (status = 403, description = "Missing `groups.manage`, or a role beyond your own", body = app::error::ErrorBody),
        (status = 404, description = "No such organization or group", body = app::error::ErrorBody),
        (status = 422, description = "Invalid or taken name, unknown role", body = app::error::ErrorBody)
    )
)]
pub async fn update(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path((org, group)): Path<(String, String)>,
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
    params(("org" = String, Path, description = "Organization name"), ("group" = String, Path, description = "Group name")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Missing `groups.manage`", body = app::error::ErrorBody),
        (status = 404, description = "No such organization or group", body = app::error::ErrorBody)
    )
)]
pub async fn delete(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path((org, group)): Path<(String, String)>,
) -> Result<StatusCode, AppError> {
    groups::delete(&state.db, &principal, &org, &group, chrono::Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The group's members. Needs `groups.read`.
#[utoipa::path(
    get,
    path = "/organizations/{org}/groups/{group}/members",
    tag = "groups",
    params(("org" = String, Path, description = "Organization name"), ("group" = String, Path, description = "Group name")),
    responses(
        (status = 200, description = "Members, by username", body = Page<MemberUser>),
        (status = 404, description = "No such organization or group", body = app::error::ErrorBody)
    )
)]
pub async fn members(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path((org, group)): Path<(String, String)>,
) -> Result<ApiJson<Page<MemberUser>>, AppError> {
    let detail = groups::get(&state.db, &principal, &org, &group).await?;
    Ok(ApiJson(Page::all(detail.members)))
}

/// Put a member of the organization in the group. Needs `groups.manage`.
#[utoipa::path(
    put,
    path = "/organizations/{org}/groups/{group}/members/{username}",
    tag = "groups",
    params(("org" = String, Path, description = "Organization name"), ("group" = String, Path, description = "Group name"), ("username" = String, Path, description = "Member")),
    responses(
        (status = 204, description = "In the group"),
        (status = 403, description = "Missing `groups.manage`", body = app::error::ErrorBody),
        (status = 404, description = "No such organization or group", body = app::error::ErrorBody),
        (status = 422, description = "Not a member of the organization", body = app::error::ErrorBody)
    )
)]
pub async fn add_member(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path((org, group, username)): Path<(String, String, String)>,
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
    params(("org" = String, Path, description = "Organization name"), ("group" = String, Path, description = "Group name"), ("username" = String, Path, description = "Member")),
    responses(
        (status = 204, description = "Out of the group"),
        (status = 403, description = "Missing `groups.manage`", body = app::error::ErrorBody),
        (status = 404, description = "No such organization, group, or member in it", body = app::error::ErrorBody)
    )
)]
pub async fn remove_member(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path((org, group, username)): Path<(String, String, String)>,
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
