//! `/api/v1/account`: the caller's own account.

use super::ApiJson;
use super::caller::Caller;
use super::paths::SessionPath;
use super::refusals::{Conflict, Invalid, Malformed, NotAuthenticated, NotFound};
use app::domain::session::SessionInfo;
use app::domain::user::User;
use app::error::AppError;
use app::service::{account_security, accounts};
use app::state::AppState;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

/// The signed-in user's account. Needs a signed-in user.
#[utoipa::path(
    get,
    path = "/account",
    tag = "account",
    responses(
        (status = 200, description = "The caller", body = User),
        NotAuthenticated
    )
)]
pub async fn get(
    State(state): State<AppState>,
    Caller(principal): Caller,
) -> Result<Response, AppError> {
    let user = accounts::me(&state.db, &principal).await?;
    let mut response = ApiJson(user).into_response();
    super::auth::no_store(&mut response);
    Ok(response)
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePassword {
    #[schema(value_type = String, format = Password)]
    pub current_password: app::domain::password::Password,
    #[schema(value_type = String, format = Password)]
    pub new_password: app::domain::password::Password,
}

/// Change the caller's password; ends their other sessions. Needs a signed-in user (a session
/// opened with a temporary password may call only this).
///
/// Refusals: 422: Wrong current password or a weak new one.
#[utoipa::path(
    post,
    path = "/account/password",
    tag = "account",
    request_body = ChangePassword,
    responses(
        (status = 204, description = "Changed; other sessions ended, and a session cookie is replaced by a fresh one (`Set-Cookie`)"),
        Malformed, NotAuthenticated, Invalid
    )
)]
pub async fn change_password(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiJson(input): ApiJson<ChangePassword>,
) -> Result<Response, AppError> {
    let fresh = account_security::change_password(
        &state.db,
        &principal,
        &input.current_password,
        &input.new_password,
        chrono::Utc::now(),
    )
    .await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    if let Some(session) = fresh {
        response.headers_mut().append(
            header::SET_COOKIE,
            app::cookies::set(&state, &session.secret),
        );
    }
    Ok(response)
}

/// The caller's sessions. Needs a signed-in user.
#[utoipa::path(
    get,
    path = "/account/sessions",
    tag = "account",
    responses(
        (status = 200, description = "Sessions, most recently used first", body = app::domain::organization::Page<SessionInfo>),
        NotAuthenticated
    )
)]
pub async fn sessions(
    State(state): State<AppState>,
    Caller(principal): Caller,
) -> Result<Response, AppError> {
    let list = account_security::list_sessions(&state.db, &principal).await?;
    let mut response = ApiJson(app::domain::organization::Page::all(list)).into_response();
    super::auth::no_store(&mut response);
    Ok(response)
}

/// End one of the caller's sessions. Needs a signed-in user; others' sessions are 404.
#[utoipa::path(
    delete,
    path = "/account/sessions/{id}",
    tag = "account",
    params(SessionPath),
    responses(
        (status = 204, description = "Ended"),
        NotAuthenticated, NotFound
    )
)]
pub async fn revoke_session(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(SessionPath { id }): Path<SessionPath>,
) -> Result<StatusCode, AppError> {
    account_security::revoke_session(&state.db, &principal, &id, chrono::Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Change the caller's username, display name or email (email needs `current_password`).
/// Needs a signed-in user.
///
/// Refusals: 422: Invalid or taken value, or wrong current password.
#[utoipa::path(
    patch,
    path = "/account",
    tag = "account",
    request_body = app::domain::user::ProfileUpdate,
    responses(
        (status = 200, description = "The updated account", body = User),
        Malformed, NotAuthenticated, Invalid
    )
)]
pub async fn update(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiJson(input): ApiJson<app::domain::user::ProfileUpdate>,
) -> Result<Response, AppError> {
    let base_url = state.base_url();
    let user =
        accounts::update_profile(&state.db, &principal, &input, &base_url, chrono::Utc::now())
            .await?;
    let mut response = ApiJson(user).into_response();
    super::auth::no_store(&mut response);
    Ok(response)
}

/// Send a new verification link to the caller's unverified email address. Needs a signed-in
/// user.
///
/// Refusals: 409: The address is already verified.
#[utoipa::path(
    post,
    path = "/account/email/verification",
    tag = "account",
    responses(
        (status = 204, description = "A new link was sent (the earlier ones no longer work)"),
        NotAuthenticated, Conflict
    )
)]
pub async fn resend_verification(
    State(state): State<AppState>,
    Caller(principal): Caller,
) -> Result<StatusCode, AppError> {
    let base_url = state.base_url();
    app::service::email_verification::resend(&state.db, &principal, &base_url, chrono::Utc::now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
