//! `/api/v1/admin/tokens`: every live token of the instance with its flags (token hygiene).

use super::ApiJson;
use super::auth::no_store;
use super::caller::Caller;
use super::json::ApiQuery;
use super::refusals::{Invalid, NoInstancePermission, NotAuthenticated};
use app::domain::organization::Page;
use app::domain::token::TokenInfo;
use app::error::AppError;
use app::service::token_hygiene;
use app::state::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct TokenQuery {
    /// Only tokens with this flag: `expiring` (within 7 days), `never_used` or `orphaned`.
    pub flag: Option<String>,
    pub cursor: Option<String>,
    /// Default 50, at most 200.
    pub limit: Option<usize>,
}

/// Every live token of the instance (user, organization and group), by key, each with its
/// `kind`, owner (`created_by`), `organization`, `group` and `flags`; never a secret. Needs
/// `users.manage_credentials`.
///
/// Refusals: 422: An unknown flag or a bad cursor.
#[utoipa::path(
    get, path = "/admin/tokens", tag = "admin", params(TokenQuery),
    responses(
        (status = 200, description = "One page of tokens", body = Page<TokenInfo>),
        NotAuthenticated, NoInstancePermission, Invalid
    )
)]
pub async fn tokens(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiQuery(q): ApiQuery<TokenQuery>,
) -> Result<Response, AppError> {
    let page = token_hygiene::of_instance(
        &state.db,
        &principal,
        q.flag.as_deref(),
        q.cursor.as_deref(),
        q.limit,
        chrono::Utc::now(),
    )
    .await?;
    let mut response = ApiJson(page).into_response();
    no_store(&mut response);
    Ok(response)
}
