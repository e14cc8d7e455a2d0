//! `/api/v1/account/tokens`: the caller's API tokens.

use super::ApiJson;
use super::auth::no_store;
use super::caller::Caller;
use super::paths::TokenPath;
use super::refusals::{Conflict, Forbidden, Invalid, Malformed, NotAuthenticated, NotFound};
use app::domain::token::{CreatedToken, NewUserToken, RotateToken, TokenInfo};
use app::error::AppError;
use app::service::tokens;
use app::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// Create a user token; the secret is in `token`, returned this once. Needs a signed-in user.
/// With `organization` (and optionally `role`) the token acts only in that organization, with
/// what both the user and that role level hold; 404 anywhere else there, 403 elsewhere.
///
/// Refusals: 403: A token cannot create tokens (needs a session); the admin scope needs a site
/// admin; 422: Bad description or lifetime, an organization you are not a member of, a role
/// it does not have (or Owner), a role without an organization, a limit with the admin scope.
#[utoipa::path(
    post,
    path = "/account/tokens",
    tag = "account",
    request_body = NewUserToken,
    responses(
        (status = 201, description = "Created; `token` is shown only now", body = CreatedToken),
        Malformed, NotAuthenticated, Forbidden, Invalid
    )
)]
pub async fn create(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiJson(input): ApiJson<NewUserToken>,
) -> Result<Response, AppError> {
    let created =
        tokens::create_user_token(&state.db, &principal, &input, chrono::Utc::now()).await?;
    let mut response = (StatusCode::CREATED, ApiJson(created)).into_response();
    no_store(&mut response);
    Ok(response)
}

/// The caller's tokens. Needs a signed-in user.
#[utoipa::path(
    get,
    path = "/account/tokens",
    tag = "account",
    responses(
        (status = 200, description = "Live tokens, newest first", body = app::domain::organization::Page<TokenInfo>),
        NotAuthenticated
    )
)]
pub async fn list(
    State(state): State<AppState>,
    Caller(principal): Caller,
) -> Result<Response, AppError> {
    let list = tokens::list_user_tokens(&state.db, &principal).await?;
    let mut response = ApiJson(app::domain::organization::Page::all(list)).into_response();
    no_store(&mut response);
    Ok(response)
}

/// Revoke one of the caller's tokens. Needs a signed-in user; others' tokens are 404.
#[utoipa::path(
    delete,
    path = "/account/tokens/{id}",
    tag = "account",
    params(TokenPath),
    responses(
        (status = 204, description = "Revoked"),
        NotAuthenticated, NotFound
    )
)]
pub async fn revoke(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(TokenPath { id }): Path<TokenPath>,
) -> Result<StatusCode, AppError> {
    tokens::revoke_user_token(&state.db, &principal, &id, chrono::Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Rotate one of your tokens: a new secret (`token`, shown this once) with the same
/// description, limit, admin scope and expiry; the old one stops at once, or after
/// `grace_minutes` (60 or 1440). Needs a session.
///
/// Refusals: 403: A token cannot rotate tokens; 404: Not your live token; 409: Already
/// rotated; 422: Another grace period.
#[utoipa::path(
    post,
    path = "/account/tokens/{id}/rotate",
    tag = "account",
    params(TokenPath),
    request_body = RotateToken,
    responses(
        (status = 201, description = "The successor; `token` is shown only now", body = CreatedToken),
        Malformed, NotAuthenticated, Forbidden, NotFound, Conflict, Invalid
    )
)]
pub async fn rotate(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(TokenPath { id }): Path<TokenPath>,
    ApiJson(input): ApiJson<RotateToken>,
) -> Result<Response, AppError> {
    let created = app::service::token_hygiene::rotate_user_token(
        &state.db,
        &principal,
        &id,
        input.grace_minutes,
        chrono::Utc::now(),
    )
    .await?;
    let mut response = (StatusCode::CREATED, ApiJson(created)).into_response();
    no_store(&mut response);
    Ok(response)
}
