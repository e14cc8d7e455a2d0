//! Passkeys: `/api/v1/account/passkeys` (the caller's, managed in a session) and
//! `/api/v1/auth/passkey` (signing in with one). The options are WebAuthn's JSON
//! (`publicKey` …), binary fields in base64url, for `navigator.credentials.create()` / `get()`.

use super::ApiJson;
use super::auth::no_store;
use super::caller::{Caller, Client};
use super::paths::PasskeyPath;
use super::refusals::{
    Conflict, Forbidden, Invalid, Malformed, NotAuthenticated, NotFound, Throttled,
};
use app::domain::passkey::{
    NewPasskey, Passkey, PasskeyAssertion, PasskeyOptionsInput, PasskeyRename,
};
use app::domain::user::User;
use app::error::{AppError, ErrorCode};
use app::service::accounts::LoginOutcome;
use app::service::{passkey_sign_in, passkeys};
use app::state::AppState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// The caller's passkeys. Needs a session (a token gets 403).
#[utoipa::path(
    get,
    path = "/account/passkeys",
    tag = "account",
    responses(
        (status = 200, description = "The caller's passkeys, oldest first", body = Vec<Passkey>),
        NotAuthenticated, Forbidden
    )
)]
pub async fn list(
    State(state): State<AppState>,
    Caller(principal): Caller,
) -> Result<ApiJson<Vec<Passkey>>, AppError> {
    Ok(ApiJson(passkeys::mine(&state.db, &principal).await?))
}

/// Start registering a passkey: WebAuthn creation options for `navigator.credentials.create()`,
/// valid five minutes. Needs a session (a token gets 403).
///
/// Refusals: 409 `conflict`: The instance is not reached by a host name (passkeys need one).
#[utoipa::path(
    post,
    path = "/account/passkeys/registration",
    tag = "account",
    responses(
        (status = 200, description = "Creation options (`publicKey`)", body = Object),
        NotAuthenticated, Forbidden, Conflict
    )
)]
pub async fn registration(
    State(state): State<AppState>,
    Caller(principal): Caller,
) -> Result<Response, AppError> {
    let options = passkeys::registration_options(
        &state.db,
        &principal,
        &state.base_url(),
        chrono::Utc::now(),
    )
    .await?;
    let mut response = ApiJson(options).into_response();
    no_store(&mut response);
    Ok(response)
}

/// Register a passkey: the browser's answer to the registration options, and a name. Needs a
/// session (a token gets 403); the passkey also becomes a second factor.
///
/// Refusals: 409 `conflict`: This passkey is registered already; 422: An empty or long name, or
/// an answer that is not from this ceremony or does not verify.
#[utoipa::path(
    post,
    path = "/account/passkeys",
    tag = "account",
    request_body = NewPasskey,
    responses(
        (status = 201, description = "The new passkey", body = Passkey),
        Malformed, NotAuthenticated, Forbidden, Conflict, Invalid
    )
)]
pub async fn create(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiJson(input): ApiJson<NewPasskey>,
) -> Result<Response, AppError> {
    let (passkey, session) = passkeys::register(
        &state.db,
        &principal,
        &state.base_url(),
        &input,
        chrono::Utc::now(),
    )
    .await?;
    let mut response = (StatusCode::CREATED, ApiJson(passkey)).into_response();
    // The session was renewed: a new way in was added to the account.
    if let Some(session) = session {
        response.headers_mut().insert(
            header::SET_COOKIE,
            app::cookies::set(&state, &session.secret),
        );
    }
    Ok(response)
}

/// Rename one of the caller's passkeys. Needs a session (a token gets 403).
///
/// Refusals: 404: Not one of the caller's; 422: An empty or long name.
#[utoipa::path(
    patch,
    path = "/account/passkeys/{id}",
    tag = "account",
    params(PasskeyPath),
    request_body = PasskeyRename,
    responses(
        (status = 204, description = "Renamed"),
        Malformed, NotAuthenticated, Forbidden, NotFound, Invalid
    )
)]
pub async fn rename(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(PasskeyPath { id }): Path<PasskeyPath>,
    ApiJson(input): ApiJson<PasskeyRename>,
) -> Result<StatusCode, AppError> {
    passkeys::rename(&state.db, &principal, &id, &input.name, chrono::Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Delete one of the caller's passkeys. Needs a session (a token gets 403).
///
/// Refusals: 404: Not one of the caller's; 409 `conflict`: It is the last way to sign in.
#[utoipa::path(
    delete,
    path = "/account/passkeys/{id}",
    tag = "account",
    params(PasskeyPath),
    responses(
        (status = 204, description = "Deleted"),
        NotAuthenticated, Forbidden, NotFound, Conflict
    )
)]
pub async fn delete(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(PasskeyPath { id }): Path<PasskeyPath>,
) -> Result<StatusCode, AppError> {
    passkeys::delete(&state.db, &principal, &id, chrono::Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Start signing in with a passkey: WebAuthn request options for `navigator.credentials.get()`,
/// valid five minutes. No permission. No body (or `purpose: sign_in`) asks for a passwordless
/// sign-in; `purpose: second_factor` for the second step of a password sign-in on the pages
/// (it needs the two-factor page's cookie).
///
/// Refusals: 401: The password sign-in this second step belongs to expired; 409 `conflict`: No
/// passkey to ask for, or the instance is not reached by a host name.
#[utoipa::path(
    post,
    path = "/auth/passkey/options",
    tag = "authentication",
    request_body(content = Option<PasskeyOptionsInput>, description = "Optional"),
    responses(
        (status = 200, description = "Request options (`publicKey`)", body = Object),
        Malformed, NotAuthenticated, Conflict, Throttled
    )
)]
pub async fn options(
    State(state): State<AppState>,
    Client(client): Client,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let input: PasskeyOptionsInput = if body.iter().all(u8::is_ascii_whitespace) {
        PasskeyOptionsInput::default()
    } else {
        serde_json::from_slice(&body).map_err(|err| {
            AppError::bad_request(format!("The request body does not match: {err}"))
        })?
    };
    let challenge = app::cookies::read(&headers, app::cookies::CHALLENGE);
    let options = passkey_sign_in::options(
        &state.db,
        &state.base_url(),
        input.purpose,
        challenge.as_deref(),
        &client,
        chrono::Utc::now(),
    )
    .await?;
    let mut response = ApiJson(options).into_response();
    no_store(&mut response);
    Ok(response)
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct PasskeySignedIn {
    pub user: app::domain::user::User,
    /// Where the pages go next (a local path): `next`, or the two-factor setup the instance
    /// still requires.
    pub location: String,
}

/// Sign in with a passkey: the browser's answer to the request options; sets the session
/// cookie. No permission (the passkey is the proof, both factors at once).
///
/// Refusals: 401 `invalid_credentials` (the passkey was not accepted, or the ceremony expired),
/// or `password_change_required` (with a cookie that only allows changing the password); 403:
/// "SSO only" is on; 422: Not a passkey answer.
#[utoipa::path(
    post,
    path = "/auth/passkey",
    tag = "authentication",
    request_body = PasskeyAssertion,
    responses(
        (status = 200, description = "Signed in; the session cookie is set", body = PasskeySignedIn),
        Malformed, NotAuthenticated, Forbidden, Invalid, Throttled
    )
)]
pub async fn sign_in(
    State(state): State<AppState>,
    Client(client): Client,
    headers: HeaderMap,
    ApiJson(input): ApiJson<PasskeyAssertion>,
) -> Result<Response, AppError> {
    let now = chrono::Utc::now();
    let challenge = app::cookies::read(&headers, app::cookies::CHALLENGE);
    let outcome = passkey_sign_in::sign_in(
        &state.db,
        &state.base_url(),
        &input.credential,
        challenge.as_deref(),
        &client,
        now,
    )
    .await?;
    let user = match &outcome {
        LoginOutcome::SignedIn { user, .. } => Some(User::clone(user)),
        LoginOutcome::PasswordChangeRequired { .. } => None,
        // A passkey proves both factors: no second step follows it.
        LoginOutcome::TwoFactorRequired { .. } => {
            return Err(AppError::internal(
                "a passkey sign-in asked for a second step",
            ));
        }
    };
    let landing = app::api::landing::landing(&state, outcome, input.next.as_deref(), now).await?;
    let mut response = match user {
        Some(user) => ApiJson(PasskeySignedIn {
            user,
            location: landing.location,
        })
        .into_response(),
        None => AppError::new(
            ErrorCode::PasswordChangeRequired,
            "Your password is a temporary one. Choose a new password to continue.",
        )
        .into_response(),
    };
    let headers = response.headers_mut();
    for cookie in landing.cookies {
        headers.append(header::SET_COOKIE, cookie);
    }
    if challenge.is_some() {
        headers.append(
            header::SET_COOKIE,
            app::cookies::short_lived(&state, app::cookies::CHALLENGE, "", "/", 0),
        );
    }
    no_store(&mut response);
    Ok(response)
}
