//! `/api/v1/permissions`, `/api/v1/organizations/{org}/roles` and the permission explainer.

use super::ApiJson;
use super::caller::Caller;
use app::domain::explain::Explanation;
use app::domain::organization::Page;
use app::domain::permission::CatalogEntry;
use app::domain::role::RoleInfo;
use app::error::AppError;
use app::service::{members, roles};
use app::state::AppState;
use axum::extract::{Path, State};

/// The permission catalog: id, scope, area, title, description, risk and implied permissions.
/// Needs a signed-in user.
#[utoipa::path(
    get,
    path = "/api/v1/permissions",
    tag = "roles",
    responses(
        (status = 200, description = "Every permission", body = Page<CatalogEntry>),
        (status = 401, description = "Not signed in", body = app::error::ErrorBody)
    )
)]
pub async fn catalog(Caller(principal): Caller) -> Result<ApiJson<Page<CatalogEntry>>, AppError> {
    Ok(ApiJson(Page::all(roles::catalog(&principal)?)))
}

/// The organization's roles. Needs `roles.read`.
#[utoipa::path(
    get,
    path = "/api/v1/organizations/{org}/roles",
    tag = "roles",
    params(("org" = String, Path, description = "Organization name")),
    responses(
        (status = 200, description = "Built-in (and custom) roles", body = Page<RoleInfo>),
        (status = 403, description = "Missing `roles.read`", body = app::error::ErrorBody),
        (status = 404, description = "No such organization, or not a member", body = app::error::ErrorBody)
    )
)]
pub async fn list(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(org): Path<String>,
) -> Result<ApiJson<Page<RoleInfo>>, AppError> {
    Ok(ApiJson(Page::all(
        roles::list(&state.db, &principal, &org).await?,
    )))
}

/// A member's effective permissions, each with every source that grants it. Needs
/// `members.read`.
#[utoipa::path(
    get,
    path = "/api/v1/organizations/{org}/members/{username}/permissions",
    tag = "roles",
    params(("org" = String, Path, description = "Organization name"), ("username" = String, Path, description = "Member")),
    responses(
        (status = 200, description = "Permissions and their sources", body = Explanation),
        (status = 403, description = "Missing `members.read`", body = app::error::ErrorBody),
        (status = 404, description = "No such organization or member", body = app::error::ErrorBody)
    )
)]
pub async fn explain(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path((org, username)): Path<(String, String)>,
) -> Result<ApiJson<Explanation>, AppError> {
    Ok(ApiJson(
        members::explain(&state.db, &principal, &org, &username).await?,
    ))
}
