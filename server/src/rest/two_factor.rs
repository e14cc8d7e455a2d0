//! `/api/v1/account/two-factor`: the caller's TOTP enrolment and recovery codes.

use super::ApiJson;
use super::caller::Caller;
use super::refusals::{Conflict, Forbidden, Invalid, Malformed, NotAuthenticated, Throttled};
use app::domain::two_factor::DisableTwoFactor;
use app::domain::two_factor::{Enrolment, RecoveryCodes};
use app::error::AppError;
use app::service::two_factor;
use app::state::AppState;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CodeInput {
    /// A TOTP code (or, to regenerate recovery codes, an unused recovery code).
    pub code: String,
}

fn no_store(body: impl IntoResponse) -> Response {
    let mut response = body.into_response();
    super::auth::no_store(&mut response);
    response
}

/// Start enrolment: a new TOTP secret, pending until confirmed. Needs a signed-in user
/// without two-factor.
///
/// Refusals: 409: Two-factor is already on.
#[utoipa::path(
    post,
    path = "/account/two-factor",
    tag = "account",
    responses(
        (status = 200, description = "The secret, its otpauth URL and a QR code (SVG)", body = Enrolment),
        NotAuthenticated, Conflict
    )
)]
pub async fn begin(
    State(state): State<AppState>,
    Caller(principal): Caller,
) -> Result<Response, AppError> {
    let enrolment = two_factor::begin(&state.db, &principal, chrono::Utc::now()).await?;
    Ok(no_store(ApiJson(enrolment)))
}

/// Confirm enrolment with a code: two-factor is on, and the 10 recovery codes are returned
/// (this once). Needs a signed-in user with a pending enrolment.
///
/// Refusals: 409: No pending enrolment; 422: Wrong code; 429: Too many wrong codes.
#[utoipa::path(
    post,
    path = "/account/two-factor/confirm",
    tag = "account",
    request_body = CodeInput,
    responses(
        (status = 200, description = "Two-factor is on; a session cookie is replaced by a fresh one (`Set-Cookie`)", body = RecoveryCodes),
        Malformed, NotAuthenticated, Conflict, Invalid, Throttled
    )
)]
pub async fn confirm(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiJson(input): ApiJson<CodeInput>,
) -> Result<Response, AppError> {
    let (codes, fresh) =
        two_factor::confirm(&state.db, &principal, &input.code, chrono::Utc::now()).await?;
    let mut response = no_store(ApiJson(codes));
    if let Some(session) = fresh {
        response.headers_mut().append(
            header::SET_COOKIE,
            app::cookies::set(&state, &session.secret),
        );
    }
    Ok(response)
}

/// Replace the recovery codes; needs a current code. Needs a signed-in user with two-factor.
///
/// Refusals: 401: Not signed in, or `invalid_credentials` for a wrong or used code; 409: Two-
/// factor is not on; 429: Too many wrong codes.
#[utoipa::path(
    post,
    path = "/account/two-factor/recovery-codes",
    tag = "account",
    request_body = CodeInput,
    responses(
        (status = 200, description = "New recovery codes; the old ones no longer work", body = RecoveryCodes),
        Malformed, NotAuthenticated, Conflict, Throttled
    )
)]
pub async fn regenerate(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiJson(input): ApiJson<CodeInput>,
) -> Result<Response, AppError> {
    let codes = two_factor::regenerate_recovery_codes(
        &state.db,
        &principal,
        &input.code,
        chrono::Utc::now(),
    )
    .await?;
    Ok(no_store(ApiJson(codes)))
}

/// Turn two-factor off (or cancel a pending enrolment) with `password` or `code`. Needs a
/// signed-in user; 403 `two_factor_policy` while the instance requires two-factor, or while
/// organizations the caller belongs to require it and `accept_blocked` is not `true` (the
/// message names them; with it, two-factor is turned off and the caller is blocked there).
///
/// Refusals: 401: Not signed in, or `invalid_credentials` for a wrong code; 403:
/// `two_factor_policy`: required by the instance, or by the caller's organizations without
/// `accept_blocked`; 409: Two-factor is not on; 422: Wrong or
/// missing password; 429: Too many wrong attempts.
#[utoipa::path(
    delete,
    path = "/account/two-factor",
    tag = "account",
    request_body = DisableTwoFactor,
    responses(
        (status = 204, description = "Two-factor is off"),
        Malformed, NotAuthenticated, Forbidden, Conflict, Invalid, Throttled
    )
)]
pub async fn disable(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiJson(input): ApiJson<DisableTwoFactor>,
) -> Result<StatusCode, AppError> {
    two_factor::disable(&state.db, &principal, &input, chrono::Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}
