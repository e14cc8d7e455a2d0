//! `/api/v1/account`: the caller's own account.

use super::ApiJson;
use super::caller::Caller;
use app::domain::user::User;
use app::error::AppError;
use app::service::accounts;
use app::state::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Response};

/// The signed-in user's account. Needs a signed-in user.
#[utoipa::path(
    get,
    path = "/api/v1/account",
    tag = "account",
    responses(
        (status = 200, description = "The caller", body = User),
        (status = 401, description = "Not signed in", body = app::error::ErrorBody)
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
