//! `/api/v1/permissions`, `/api/v1/organizations/{org}/roles` and the permission explainer.

use super::ApiJson;
use super::caller::Caller;
use super::paths::{MemberPath, OrgPath, RolePath};
use super::refusals::{Conflict, Forbidden, Invalid, Malformed, NotAuthenticated, NotFound};
use app::domain::explain::Explanation;
use app::domain::organization::Page;
use app::domain::permission::CatalogEntry;
use app::domain::role::Preview;
use app::domain::role::RoleInfo;
use app::domain::role::{NewRole, PreviewInput, RoleUpdate};
use app::error::AppError;
use app::service::{members, roles};
use app::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;

/// The permission catalog: id, scope, area, title, description, risk and implied permissions.
/// Needs a signed-in user.
#[utoipa::path(
    get,
    path = "/permissions",
    tag = "roles",
    responses(
        (status = 200, description = "Every permission", body = Page<CatalogEntry>),
        NotAuthenticated
    )
)]
pub async fn catalog(Caller(principal): Caller) -> Result<ApiJson<Page<CatalogEntry>>, AppError> {
    Ok(ApiJson(Page::all(roles::catalog(&principal)?)))
}

/// The organization's roles. Needs `roles.read`.
#[utoipa::path(
    get,
    path = "/organizations/{org}/roles",
    tag = "roles",
    params(OrgPath),
    responses(
        (status = 200, description = "Built-in (and custom) roles", body = Page<RoleInfo>),
        NotAuthenticated, Forbidden, NotFound
    )
)]
pub async fn list(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(OrgPath { org }): Path<OrgPath>,
) -> Result<ApiJson<Page<RoleInfo>>, AppError> {
    Ok(ApiJson(Page::all(
        roles::list(&state.db, &principal, &org).await?,
    )))
}

/// A member's effective permissions, each with every source that grants it. Needs
/// `members.read`.
#[utoipa::path(
    get,
    path = "/organizations/{org}/members/{username}/permissions",
    tag = "roles",
    params(MemberPath),
    responses(
        (status = 200, description = "Permissions and their sources", body = Explanation),
        NotAuthenticated, Forbidden, NotFound
    )
)]
pub async fn explain(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(MemberPath { org, username }): Path<MemberPath>,
) -> Result<ApiJson<Explanation>, AppError> {
    Ok(ApiJson(
        members::explain(&state.db, &principal, &org, &username).await?,
    ))
}

/// Create a custom role. Needs `roles.manage`; 403 if it carries a permission you lack; 422
/// for an unknown permission; 409 for a taken or built-in name.
///
/// Refusals: 403: Missing `roles.manage`, or a permission beyond your own; 409: Name taken or
/// built-in; 422: Invalid name or unknown permission.
#[utoipa::path(
    post,
    path = "/organizations/{org}/roles",
    tag = "roles",
    params(OrgPath),
    request_body = NewRole,
    responses(
        (status = 201, description = "Created", body = RoleInfo),
        Malformed, NotAuthenticated, Forbidden, NotFound, Conflict, Invalid
    )
)]
pub async fn create(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(OrgPath { org }): Path<OrgPath>,
    ApiJson(input): ApiJson<NewRole>,
) -> Result<(StatusCode, ApiJson<RoleInfo>), AppError> {
    let role = roles::create(&state.db, &principal, &org, &input, chrono::Utc::now()).await?;
    Ok((StatusCode::CREATED, ApiJson(role)))
}

/// One role, built-in or custom. Needs `roles.read`.
#[utoipa::path(
    get,
    path = "/organizations/{org}/roles/{role}",
    tag = "roles",
    params(RolePath),
    responses(
        (status = 200, description = "The role", body = RoleInfo),
        NotAuthenticated, NotFound
    )
)]
pub async fn get(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(RolePath { org, role }): Path<RolePath>,
) -> Result<ApiJson<RoleInfo>, AppError> {
    Ok(ApiJson(
        roles::get(&state.db, &principal, &org, &role).await?,
    ))
}

/// Edit a custom role. Needs `roles.manage` and every permission of the role before and
/// after; built-in roles: 409.
///
/// Refusals: 403: Missing `roles.manage`, or a permission beyond your own; 409: A built-in
/// role, or changed meanwhile; 422: Unknown permission.
#[utoipa::path(
    patch,
    path = "/organizations/{org}/roles/{role}",
    tag = "roles",
    params(RolePath),
    request_body = RoleUpdate,
    responses(
        (status = 200, description = "The role", body = RoleInfo),
        Malformed, NotAuthenticated, Forbidden, NotFound, Conflict, Invalid
    )
)]
pub async fn update(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(RolePath { org, role }): Path<RolePath>,
    ApiJson(change): ApiJson<RoleUpdate>,
) -> Result<ApiJson<RoleInfo>, AppError> {
    Ok(ApiJson(
        roles::update(
            &state.db,
            &principal,
            &org,
            &role,
            &change,
            chrono::Utc::now(),
        )
        .await?,
    ))
}

/// Delete a custom role; its holders fall back to no role. Needs `roles.manage`; built-in
/// roles: 409.
///
/// Refusals: 403: Missing `roles.manage`, or a permission beyond your own; 409: A built-in role.
#[utoipa::path(
    delete,
    path = "/organizations/{org}/roles/{role}",
    tag = "roles",
    params(RolePath),
    responses(
        (status = 204, description = "Deleted"),
        NotAuthenticated, Forbidden, NotFound, Conflict
    )
)]
pub async fn delete(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(RolePath { org, role }): Path<RolePath>,
) -> Result<StatusCode, AppError> {
    roles::delete(&state.db, &principal, &org, &role, chrono::Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Who would gain or lose which permissions if the role carried `permissions`. Needs
/// `roles.manage`.
///
/// Refusals: 409: A built-in role; 422: Unknown permission.
#[utoipa::path(
    post,
    path = "/organizations/{org}/roles/{role}/preview",
    tag = "roles",
    params(RolePath),
    request_body = PreviewInput,
    responses(
        (status = 200, description = "Gains and losses per member", body = Preview),
        Malformed, NotAuthenticated, NotFound, Conflict, Invalid
    )
)]
pub async fn preview(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(RolePath { org, role }): Path<RolePath>,
    ApiJson(input): ApiJson<PreviewInput>,
) -> Result<ApiJson<Preview>, AppError> {
    Ok(ApiJson(
        roles::preview(&state.db, &principal, &org, &role, &input).await?,
    ))
}

/// Who holds a role: the usernames of members who hold it directly or through a group, then
/// the organization tokens that carry it (`token gto_…: description`). Needs `roles.read`.
#[utoipa::path(
    get,
    path = "/organizations/{org}/roles/{role}/holders",
    tag = "roles",
    params(RolePath),
    responses(
        (status = 200, description = "Usernames", body = Page<String>),
        NotAuthenticated, Forbidden, NotFound
    )
)]
pub async fn holders(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(RolePath { org, role }): Path<RolePath>,
) -> Result<ApiJson<Page<String>>, AppError> {
    Ok(ApiJson(Page::all(
        roles::role_holders(&state.db, &principal, &org, &role).await?,
    )))
}
