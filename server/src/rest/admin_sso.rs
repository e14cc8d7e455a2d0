//! `/api/v1/admin/sso/providers`: OpenID Connect providers. Each needs the Site
//! admin role.

use super::ApiJson;
use super::caller::Caller;
use super::paths::SsoProviderPath;
use super::refusals::{Invalid, Malformed, NoInstancePermission, NotAuthenticated, NotFound};
use app::domain::sso::{SsoProvider, SsoProviderInput};
use app::error::AppError;
use app::service::sso_providers;
use app::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;

/// Every provider, with the redirect URL to register at each. Needs the
/// Site admin role.
#[utoipa::path(
    get,
    path = "/admin/sso/providers",
    tag = "admin",
    responses(
        (status = 200, description = "Providers (never their client secrets)", body = Vec<SsoProvider>),
        NotAuthenticated, NoInstancePermission
    )
)]
pub async fn list(
    State(state): State<AppState>,
    Caller(principal): Caller,
) -> Result<ApiJson<Vec<SsoProvider>>, AppError> {
    Ok(ApiJson(
        sso_providers::list(&state.db, &principal, &state.base_url()).await?,
    ))
}

/// Add a provider: `name`, `issuer`, `client_id` and `client_secret` are required; `scopes`
/// default to `email profile`, `username_claim` to `preferred_username`. Needs the
/// Site admin role.
///
/// Refusals: 422: A missing or invalid field (the issuer must be https, or http to localhost;
/// a mapping must name an existing organization group).
#[utoipa::path(
    post,
    path = "/admin/sso/providers",
    tag = "admin",
    request_body = SsoProviderInput,
    responses(
        (status = 201, description = "The new provider", body = SsoProvider),
        Malformed, NotAuthenticated, NoInstancePermission, Invalid
    )
)]
pub async fn create(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiJson(input): ApiJson<SsoProviderInput>,
) -> Result<(StatusCode, ApiJson<SsoProvider>), AppError> {
    let created = sso_providers::create(
        &state.db,
        &principal,
        &input,
        &state.base_url(),
        chrono::Utc::now(),
    )
    .await?;
    Ok((StatusCode::CREATED, ApiJson(created)))
}

/// One provider. Needs the Site admin role.
#[utoipa::path(
    get,
    path = "/admin/sso/providers/{id}",
    tag = "admin",
    params(SsoProviderPath),
    responses(
        (status = 200, description = "The provider", body = SsoProvider),
        NotAuthenticated, NoInstancePermission, NotFound
    )
)]
pub async fn get(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(SsoProviderPath { id }): Path<SsoProviderPath>,
) -> Result<ApiJson<SsoProvider>, AppError> {
    Ok(ApiJson(
        sso_providers::get(&state.db, &principal, &id, &state.base_url()).await?,
    ))
}

/// Change a provider: absent fields stay; an empty or absent `client_secret` keeps the stored
/// one. Needs the Site admin role.
#[utoipa::path(
    patch,
    path = "/admin/sso/providers/{id}",
    tag = "admin",
    params(SsoProviderPath),
    request_body = SsoProviderInput,
    responses(
        (status = 200, description = "The provider", body = SsoProvider),
        Malformed, NotAuthenticated, NoInstancePermission, NotFound, Invalid
    )
)]
pub async fn update(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(SsoProviderPath { id }): Path<SsoProviderPath>,
    ApiJson(input): ApiJson<SsoProviderInput>,
) -> Result<ApiJson<SsoProvider>, AppError> {
    Ok(ApiJson(
        sso_providers::update(
            &state.db,
            &principal,
            &id,
            &input,
            &state.base_url(),
            chrono::Utc::now(),
        )
        .await?,
    ))
}

/// Remove a provider; every identity linked through it is unlinked. Needs the
/// Site admin role.
#[utoipa::path(
    delete,
    path = "/admin/sso/providers/{id}",
    tag = "admin",
    params(SsoProviderPath),
    responses(
        (status = 204, description = "Removed"),
        NotAuthenticated, NoInstancePermission, NotFound
    )
)]
pub async fn delete(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(SsoProviderPath { id }): Path<SsoProviderPath>,
) -> Result<StatusCode, AppError> {
    sso_providers::delete(&state.db, &principal, &id, chrono::Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}
