//! `/api/v1/auth/password-reset`: "forgot password?" by email.

use super::ApiJson;
use super::caller::Client;
use super::refusals::{Invalid, Malformed, NotFound, Throttled};
use app::domain::password::Password;
use app::error::AppError;
use app::service::password_reset;
use app::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetRequest {
    /// A username or an email address.
    pub login: String,
}

/// Ask for a link to choose a new password. No permission. The answer is 202 whatever the
/// login names (no enumeration); only an active account with a verified address is sent a
/// link, valid for an hour, once.
///
/// Refusals: 422: An empty login; 429: Too many requests from this client or for this login.
#[utoipa::path(
    post,
    path = "/auth/password-reset",
    tag = "authentication",
    request_body = ResetRequest,
    responses(
        (status = 202, description = "If the account exists and has a verified address, a link is on its way"),
        Malformed, Invalid, Throttled
    )
)]
pub async fn request(
    State(state): State<AppState>,
    Client(client): Client,
    ApiJson(input): ApiJson<ResetRequest>,
) -> Result<StatusCode, AppError> {
    // The link goes out on its own; the answer does not wait for it.
    drop(
        password_reset::request(
            &state.db,
            &input.login,
            &client,
            &state.base_url(),
            chrono::Utc::now(),
        )
        .await?,
    );
    Ok(StatusCode::ACCEPTED)
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
pub struct ResetPath {
    /// The `token` of the link sent by email.
    pub token: String,
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPassword {
    #[schema(value_type = String, format = Password)]
    pub new_password: Password,
}

/// Use a link: the new password replaces the old one (the password policy applies), every
/// session of the account ends and its owner is told by email. No permission (the link is the
/// proof); sign in afterwards.
///
/// Refusals: 404: The link is unknown, used or expired; 422: The password is too weak.
#[utoipa::path(
    post,
    path = "/auth/password-reset/{token}",
    tag = "authentication",
    params(ResetPath),
    request_body = NewPassword,
    responses(
        (status = 204, description = "The password is changed"),
        Malformed, NotFound, Invalid
    )
)]
pub async fn complete(
    State(state): State<AppState>,
    Client(client): Client,
    Path(ResetPath { token }): Path<ResetPath>,
    ApiJson(input): ApiJson<NewPassword>,
) -> Result<StatusCode, AppError> {
    password_reset::complete(
        &state.db,
        &token,
        &input.new_password,
        &client,
        chrono::Utc::now(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
