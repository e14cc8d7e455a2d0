//! `/api/v1/account/identities`: the caller's linked single sign-on identities.

use super::ApiJson;
use super::caller::Caller;
use super::paths::IdentityPath;
use super::refusals::{Conflict, Forbidden, NotAuthenticated, NotFound};
use app::domain::sso::LinkedIdentity;
use app::error::AppError;
use app::service::identities;
use app::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;

/// The caller's linked identities. Needs a session (a token gets 403).
#[utoipa::path(
    get,
    path = "/account/identities",
    tag = "account",
    responses(
        (status = 200, description = "Linked identities", body = Vec<LinkedIdentity>),
        NotAuthenticated, Forbidden
    )
)]
pub async fn list(
    State(state): State<AppState>,
    Caller(principal): Caller,
) -> Result<ApiJson<Vec<LinkedIdentity>>, AppError> {
    Ok(ApiJson(identities::mine(&state.db, &principal).await?))
}

/// Unlink one of the caller's identities. Needs a session (a token gets 403).
///
/// Refusals: 404: Not one of the caller's; 409 `conflict`: It is the last way to sign in.
#[utoipa::path(
    delete,
    path = "/account/identities/{id}",
    tag = "account",
    params(IdentityPath),
    responses(
        (status = 204, description = "Unlinked"),
        NotAuthenticated, Forbidden, NotFound, Conflict
    )
)]
pub async fn unlink(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(IdentityPath { id }): Path<IdentityPath>,
) -> Result<StatusCode, AppError> {
    identities::unlink(&state.db, &principal, &id, chrono::Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}
