//! `/api/v1/admin/permissions` and `/api/v1/admin/roles`: the instance permission
//! catalog and the instance roles (built-in and custom).

use super::ApiJson;
use super::caller::Caller;
use super::paths::InstanceRolePath;
use super::refusals::{
    Conflict, Forbidden, Invalid, Malformed, NoInstancePermission, NotAuthenticated, NotFound,
};
use app::domain::organization::Page;
use app::domain::permission::CatalogEntry;
use app::domain::role::{NewRole, Preview, PreviewInput, RoleInfo, RoleUpdate};
use app::error::AppError;
use app::service::instance_roles;
use app::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;

/// The instance permission catalog: what instance roles carry (scope `instance`). Needs a
/// signed-in user.
#[utoipa::path(
    get,
    path = "/admin/permissions",
    tag = "admin",
    responses(
        (status = 200, description = "Every instance permission", body = Page<CatalogEntry>),
        NotAuthenticated, Forbidden
    )
)]
pub async fn catalog(Caller(principal): Caller) -> Result<ApiJson<Page<CatalogEntry>>, AppError> {
    Ok(ApiJson(Page::all(instance_roles::catalog(&principal)?)))
}

/// The instance roles: built-in (`site_admin`, `help_desk`, `auditor`), then custom ones,
/// each with its permissions and how many users hold it. Needs `users.read`.
#[utoipa::path(
    get,
    path = "/admin/roles",
    tag = "admin",
    responses(
        (status = 200, description = "Instance roles", body = Page<RoleInfo>),
        NotAuthenticated, NoInstancePermission
    )
)]
pub async fn list(
    State(state): State<AppState>,
    Caller(principal): Caller,
) -> Result<ApiJson<Page<RoleInfo>>, AppError> {
    Ok(ApiJson(Page::all(
        instance_roles::list(&state.db, &principal).await?,
    )))
}

/// Create a custom instance role. Needs `instance.roles.manage` and every permission the role
/// carries.
///
/// Refusals: 403: Missing `instance.roles.manage`, or a permission beyond your own; 409: Name
/// taken or built-in; 422: Invalid name or unknown permission.
#[utoipa::path(
    post,
    path = "/admin/roles",
    tag = "admin",
    request_body = NewRole,
    responses(
        (status = 201, description = "Created", body = RoleInfo),
        Malformed, NotAuthenticated, NoInstancePermission, Conflict, Invalid
    )
)]
pub async fn create(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiJson(input): ApiJson<NewRole>,
) -> Result<(StatusCode, ApiJson<RoleInfo>), AppError> {
    let role = instance_roles::create(&state.db, &principal, &input, chrono::Utc::now()).await?;
    Ok((StatusCode::CREATED, ApiJson(role)))
}

/// One instance role, built-in or custom. Needs `users.read`.
#[utoipa::path(
    get,
    path = "/admin/roles/{role}",
    tag = "admin",
    params(InstanceRolePath),
    responses(
        (status = 200, description = "The role", body = RoleInfo),
        NotAuthenticated, NoInstancePermission, NotFound
    )
)]
pub async fn get(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(InstanceRolePath { role }): Path<InstanceRolePath>,
) -> Result<ApiJson<RoleInfo>, AppError> {
    Ok(ApiJson(
        instance_roles::get(&state.db, &principal, &role).await?,
    ))
}

/// Edit a custom instance role. Needs `instance.roles.manage` and every permission of the
/// role before and after.
///
/// Refusals: 403: Missing `instance.roles.manage`, or a permission beyond your own; 409: A
/// built-in role, or changed meanwhile; 422: Unknown permission.
#[utoipa::path(
    patch,
    path = "/admin/roles/{role}",
    tag = "admin",
    params(InstanceRolePath),
    request_body = RoleUpdate,
    responses(
        (status = 200, description = "The role", body = RoleInfo),
        Malformed, NotAuthenticated, NoInstancePermission, NotFound, Conflict, Invalid
    )
)]
pub async fn update(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(InstanceRolePath { role }): Path<InstanceRolePath>,
    ApiJson(change): ApiJson<RoleUpdate>,
) -> Result<ApiJson<RoleInfo>, AppError> {
    let now = chrono::Utc::now();
    Ok(ApiJson(
        instance_roles::update(&state.db, &principal, &role, &change, now).await?,
    ))
}

/// Delete a custom instance role; its holders keep their accounts and hold no instance role.
/// Needs `instance.roles.manage` and every permission of the role.
///
/// Refusals: 403: Missing `instance.roles.manage`, or a permission beyond your own; 409: A
/// built-in role.
#[utoipa::path(
    delete,
    path = "/admin/roles/{role}",
    tag = "admin",
    params(InstanceRolePath),
    responses(
        (status = 204, description = "Deleted"),
        NotAuthenticated, NoInstancePermission, NotFound, Conflict
    )
)]
pub async fn delete(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(InstanceRolePath { role }): Path<InstanceRolePath>,
) -> Result<StatusCode, AppError> {
    instance_roles::delete(&state.db, &principal, &role, chrono::Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The users who hold an instance role, by username. Needs `users.read`.
#[utoipa::path(
    get,
    path = "/admin/roles/{role}/holders",
    tag = "admin",
    params(InstanceRolePath),
    responses(
        (status = 200, description = "Usernames", body = Page<String>),
        NotAuthenticated, NoInstancePermission, NotFound
    )
)]
pub async fn holders(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(InstanceRolePath { role }): Path<InstanceRolePath>,
) -> Result<ApiJson<Page<String>>, AppError> {
    Ok(ApiJson(Page::all(
        instance_roles::holders(&state.db, &principal, &role).await?,
    )))
}

/// Who would gain or lose which permissions if the custom role carried `permissions`. Needs
/// `instance.roles.manage`.
///
/// Refusals: 409: A built-in role; 422: Unknown permission.
#[utoipa::path(
    post,
    path = "/admin/roles/{role}/preview",
    tag = "admin",
    params(InstanceRolePath),
    request_body = PreviewInput,
    responses(
        (status = 200, description = "Gains and losses per holder", body = Preview),
        Malformed, NotAuthenticated, NoInstancePermission, NotFound, Conflict, Invalid
    )
)]
pub async fn preview(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(InstanceRolePath { role }): Path<InstanceRolePath>,
    ApiJson(input): ApiJson<PreviewInput>,
) -> Result<ApiJson<Preview>, AppError> {
    Ok(ApiJson(
        instance_roles::preview(&state.db, &principal, &role, &input).await?,
    ))
}
