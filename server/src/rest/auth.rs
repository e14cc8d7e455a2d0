//! `/api/v1/auth/...`: sign-up, sign-in, sign-out.

use super::ApiJson;
use super::caller::{Caller, Client};
use super::refusals::{Forbidden, Invalid, Malformed, NotAuthenticated, NotFound, Throttled};
use app::domain::user::User;
use app::domain::user::{LoginInput, SignupInput};
use app::error::{AppError, ErrorCode};
use app::service::accounts::{self, LoginOutcome};
use app::state::AppState;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// Create an account. No permission; only while the sign-up mode is `open` (else 403).
///
/// Refusals: 403: Sign-up is not open; 422: Invalid username, email or password; 429: Too many
/// sign-ups with addresses already in use from this client.
#[utoipa::path(
    post,
    path = "/auth/signup",
    tag = "authentication",
    request_body = SignupInput,
    responses(
        (status = 201, description = "The new account", body = User),
        Malformed, Forbidden, Invalid, Throttled
    )
)]
pub async fn signup(
    State(state): State<AppState>,
    Client(client): Client,
    ApiJson(input): ApiJson<SignupInput>,
) -> Result<(StatusCode, ApiJson<User>), AppError> {
    let base_url = state.base_url();
    let user = accounts::signup(&state.db, &input, &client, &base_url, chrono::Utc::now()).await?;
    Ok((StatusCode::CREATED, ApiJson(user)))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct LoginResponse {
    pub user: User,
}

/// Sign in with username or email and password; sets the session cookie. No permission.
///
/// Refusals: 401: `invalid_credentials`, `two_factor_required`, or `password_change_required`
/// (with a cookie that only allows changing the password); 429: Too many attempts.
#[utoipa::path(
    post,
    path = "/auth/login",
    tag = "authentication",
    request_body = LoginInput,
    responses(
        (status = 200, description = "Signed in; the session cookie is set", body = LoginResponse),
        Malformed, NotAuthenticated, Throttled
    )
)]
pub async fn login(
    State(state): State<AppState>,
    Client(client): Client,
    ApiJson(input): ApiJson<LoginInput>,
) -> Result<Response, AppError> {
    match accounts::login(&state.db, &input, &client, chrono::Utc::now()).await? {
        LoginOutcome::SignedIn { user, session } => {
            let mut response = ApiJson(LoginResponse { user: *user }).into_response();
            response.headers_mut().insert(
                header::SET_COOKIE,
                app::cookies::set(&state, &session.secret),
            );
            no_store(&mut response);
            Ok(response)
        }
        LoginOutcome::PasswordChangeRequired { session } => {
            let mut response = AppError::new(
                ErrorCode::PasswordChangeRequired,
                "Your password is a temporary one. Choose a new password to continue.",
            )
            .into_response();
            response.headers_mut().insert(
                header::SET_COOKIE,
                app::cookies::set(&state, &session.secret),
            );
            Ok(response)
        }
        LoginOutcome::TwoFactorRequired { .. } => Err(AppError {
            field: Some("code".into()),
            ..AppError::new(
                ErrorCode::TwoFactorRequired,
                "Two-factor authentication is on for this account: send the current code from the authenticator app, or a recovery code, as `code`.",
            )
        }),
    }
}

/// End the current session and clear its cookie. No permission (a no-op when signed out).
#[utoipa::path(
    post,
    path = "/auth/logout",
    tag = "authentication",
    responses((status = 204, description = "Signed out"))
)]
pub async fn logout(
    State(state): State<AppState>,
    Caller(principal): Caller,
) -> Result<Response, AppError> {
    drop(accounts::logout(&state.db, &principal, chrono::Utc::now()).await?);
    let mut response = StatusCode::NO_CONTENT.into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, app::cookies::clear(&state));
    Ok(response)
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyEmail {
    /// The `token` of the link sent to the address.
    pub token: String,
}

/// Use an email verification link: the address it was sent to becomes verified. No
/// permission (the link is the proof).
#[utoipa::path(
    post,
    path = "/auth/verify-email",
    tag = "authentication",
    request_body = VerifyEmail,
    responses(
        (status = 204, description = "The address is verified"),
        Malformed, NotFound
    )
)]
pub async fn verify_email(
    State(state): State<AppState>,
    Client(client): Client,
    ApiJson(input): ApiJson<VerifyEmail>,
) -> Result<StatusCode, AppError> {
    app::service::email_verification::verify(&state.db, &input.token, &client, chrono::Utc::now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub fn no_store(response: &mut Response) {
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
}
