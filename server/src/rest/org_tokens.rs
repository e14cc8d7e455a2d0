//! `/api/v1/organizations/{org}/tokens` and `…/groups/{group}/tokens`: tokens that act as the
//! organization (with a role) or as a group (with the group's role).

use super::auth::no_store;
use super::caller::Caller;
use super::paths::{GroupPath, GroupTokenPath, OrgPath, OrgTokenPath};
use super::refusals::{Forbidden, Invalid, Malformed, NotAuthenticated, NotFound};
use super::{ApiJson, ApiQuery};
use app::domain::organization::Page;
use app::domain::token::{CreatedToken, TokenInfo};
use app::domain::token::{NewGroupToken, NewOrganizationToken};
use app::error::AppError;
use app::service::{org_tokens, token_hygiene};
use app::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

fn private(body: impl IntoResponse) -> Response {
    let mut response = body.into_response();
    no_store(&mut response);
    response
}

/// `?flag=` of the token hygiene lists.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct FlagQuery {
    /// Only tokens with this flag: `expiring` (within 7 days), `never_used` or `orphaned`
    /// (the creator left the organization).
    pub flag: Option<String>,
}

/// The organization's live organization and group tokens, newest first, each with its
/// `kind`, `group` and `flags`. Needs `tokens.manage` (an Owner-role group's tokens are
/// listed to owners only).
///
/// Refusals: 422: An unknown flag.
#[utoipa::path(
    get,
    path = "/organizations/{org}/tokens",
    tag = "tokens",
    params(OrgPath, FlagQuery),
    responses(
        (status = 200, description = "Live organization and group tokens, newest first", body = Page<TokenInfo>),
        NotAuthenticated, Forbidden, NotFound, Invalid
    )
)]
pub async fn list(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(OrgPath { org }): Path<OrgPath>,
    ApiQuery(q): ApiQuery<FlagQuery>,
) -> Result<Response, AppError> {
    let list = token_hygiene::of_org(
        &state.db,
        &principal,
        &org,
        q.flag.as_deref(),
        chrono::Utc::now(),
    )
    .await?;
    Ok(private(ApiJson(Page::all(list))))
}

/// Create an organization token acting with `role` (shown once). Needs `tokens.manage` and
/// every permission of the role.
///
/// Refusals: 403: Missing `tokens.manage`, or a role beyond your own; 422: Bad description,
/// role or lifetime.
#[utoipa::path(
    post,
    path = "/organizations/{org}/tokens",
    tag = "tokens",
    params(OrgPath),
    request_body = NewOrganizationToken,
    responses(
        (status = 201, description = "Created; `token` is shown this once", body = CreatedToken),
        Malformed, NotAuthenticated, Forbidden, NotFound, Invalid
    )
)]
pub async fn create(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(OrgPath { org }): Path<OrgPath>,
    ApiJson(input): ApiJson<NewOrganizationToken>,
) -> Result<Response, AppError> {
    let created =
        org_tokens::create(&state.db, &principal, &org, &input, chrono::Utc::now()).await?;
    Ok(private((StatusCode::CREATED, ApiJson(created))))
}

/// Revoke an organization token. Needs `tokens.manage`.
#[utoipa::path(
    delete,
    path = "/organizations/{org}/tokens/{id}",
    tag = "tokens",
    params(OrgTokenPath),
    responses(
        (status = 204, description = "Revoked"),
        NotAuthenticated, Forbidden, NotFound
    )
)]
pub async fn revoke(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(OrgTokenPath { org, id }): Path<OrgTokenPath>,
) -> Result<StatusCode, AppError> {
    org_tokens::revoke(&state.db, &principal, &org, &id, chrono::Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A group's tokens. Needs `tokens.manage`.
#[utoipa::path(
    get,
    path = "/organizations/{org}/groups/{group}/tokens",
    tag = "tokens",
    params(GroupPath),
    responses(
        (status = 200, description = "Live group tokens, newest first", body = Page<TokenInfo>),
        NotAuthenticated, Forbidden, NotFound
    )
)]
pub async fn list_group(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(GroupPath { org, group }): Path<GroupPath>,
) -> Result<Response, AppError> {
    let list = org_tokens::list_group(&state.db, &principal, &org, &group).await?;
    Ok(private(ApiJson(Page::all(list))))
}

/// Create a token acting with the group's role (shown once). Needs `tokens.manage` and every
/// permission of the group's role.
///
/// Refusals: 403: Missing `tokens.manage`, or a group role beyond your own; 422: Bad
/// description or lifetime.
#[utoipa::path(
    post,
    path = "/organizations/{org}/groups/{group}/tokens",
    tag = "tokens",
    params(GroupPath),
    request_body = NewGroupToken,
    responses(
        (status = 201, description = "Created; `token` is shown this once", body = CreatedToken),
        Malformed, NotAuthenticated, Forbidden, NotFound, Invalid
    )
)]
pub async fn create_group(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(GroupPath { org, group }): Path<GroupPath>,
    ApiJson(input): ApiJson<NewGroupToken>,
) -> Result<Response, AppError> {
    let created = org_tokens::create_group(
        &state.db,
        &principal,
        &org,
        &group,
        &input,
        chrono::Utc::now(),
    )
    .await?;
    Ok(private((StatusCode::CREATED, ApiJson(created))))
}

/// Revoke a group token. Needs `tokens.manage`.
#[utoipa::path(
    delete,
    path = "/organizations/{org}/groups/{group}/tokens/{id}",
    tag = "tokens",
    params(GroupTokenPath),
    responses(
        (status = 204, description = "Revoked"),
        NotAuthenticated, Forbidden, NotFound
    )
)]
pub async fn revoke_group(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(GroupTokenPath { org, group, id }): Path<GroupTokenPath>,
) -> Result<StatusCode, AppError> {
    org_tokens::revoke_group(&state.db, &principal, &org, &group, &id, chrono::Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}
