//! `/api/v1/organizations/{org}` and its members; `/api/v1/account/organizations`.

use super::caller::Caller;
use super::paths::{MemberPath, OrgPath};
use super::refusals::{Conflict, Forbidden, Invalid, Malformed, NotAuthenticated, NotFound};
use super::{ApiJson, ApiQuery};
use app::domain::organization::RoleChange;
use app::domain::organization::{AddMembersInput, Candidate};
use app::domain::organization::{Member, MyOrganization, Organization, Page};
use app::domain::organization::{NewOrganization, OrganizationUpdate};
use app::error::AppError;
use app::service::direct_add;
use app::service::members;
use app::service::organizations;
use app::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;

/// Create an organization; the caller becomes its owner. Needs a signed-in user.
///
/// Refusals: 422: Invalid or taken name.
#[utoipa::path(
    post,
    path = "/organizations",
    tag = "organizations",
    request_body = NewOrganization,
    responses(
        (status = 201, description = "Created; the caller is its owner", body = Organization),
        Malformed, NotAuthenticated, Invalid
    )
)]
pub async fn create(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiJson(input): ApiJson<NewOrganization>,
) -> Result<(StatusCode, ApiJson<Organization>), AppError> {
    let org = organizations::create(&state.db, &principal, &input, chrono::Utc::now()).await?;
    Ok((StatusCode::CREATED, ApiJson(org)))
}

/// An organization. Needs membership (`org.read`); others get 404.
///
/// Refusals: 403: `two_factor_policy`.
#[utoipa::path(
    get,
    path = "/organizations/{org}",
    tag = "organizations",
    params(OrgPath),
    responses(
        (status = 200, description = "The organization", body = Organization),
        NotAuthenticated, Forbidden, NotFound
    )
)]
pub async fn get(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(OrgPath { org }): Path<OrgPath>,
) -> Result<ApiJson<Organization>, AppError> {
    let access = organizations::get(&state.db, &principal, &org).await?;
    Ok(ApiJson(access.organization()))
}

/// Rename the organization or change its settings. Needs `org.update`.
///
/// Refusals: 422: Invalid or taken name; two-factor policy without two-factor yourself.
#[utoipa::path(
    patch,
    path = "/organizations/{org}",
    tag = "organizations",
    params(OrgPath),
    request_body = OrganizationUpdate,
    responses(
        (status = 200, description = "The updated organization", body = Organization),
        Malformed, NotAuthenticated, Forbidden, NotFound, Invalid
    )
)]
pub async fn update(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(OrgPath { org }): Path<OrgPath>,
    ApiJson(change): ApiJson<OrganizationUpdate>,
) -> Result<ApiJson<Organization>, AppError> {
    let org =
        organizations::update(&state.db, &principal, &org, &change, chrono::Utc::now()).await?;
    Ok(ApiJson(org))
}

/// Delete the organization with its members, groups, invitations and tokens. Needs
/// `org.delete`.
#[utoipa::path(
    delete,
    path = "/organizations/{org}",
    tag = "organizations",
    params(OrgPath),
    responses(
        (status = 204, description = "Deleted"),
        NotAuthenticated, Forbidden, NotFound
    )
)]
pub async fn delete(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(OrgPath { org }): Path<OrgPath>,
) -> Result<StatusCode, AppError> {
    organizations::delete(&state.db, &principal, &org, None, chrono::Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// Searches username, email and display name.
    pub query: Option<String>,
    pub cursor: Option<String>,
    /// `username` (the default) or `last_active` (most recently active first, never last).
    pub sort: Option<String>,
    /// Default 50, at most 200.
    pub limit: Option<usize>,
}

/// Members, by username or most recently active first (`sort=last_active`), each with when
/// they last used the organization (`last_active_at`). Needs `members.read`.
#[utoipa::path(
    get,
    path = "/organizations/{org}/members",
    tag = "organizations",
    params(OrgPath, ListQuery),
    responses(
        (status = 200, description = "One page of members", body = Page<Member>),
        NotAuthenticated, Forbidden, NotFound
    )
)]
pub async fn members(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(OrgPath { org }): Path<OrgPath>,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<ApiJson<Page<Member>>, AppError> {
    let page = members::list(
        &state.db,
        &principal,
        &org,
        q.query.as_deref(),
        q.cursor.as_deref(),
        q.sort.as_deref(),
        q.limit,
    )
    .await?;
    Ok(ApiJson(page))
}

/// Add people who already have an account, directly (where the organization allows it and
/// the instance does not forbid it): `users` are email addresses, or usernames for holders of
/// the instance permission `users.read`. All join with `role` and `groups`, or none does; each
/// is told by email. Needs `members.invite` and what the role and groups carry.
///
/// Refusals: 403: Direct adding not allowed here, missing `members.invite`, or a role or
/// group beyond yours; 409: `already_member`; 422: No such active account, role or group.
#[utoipa::path(
    post,
    path = "/organizations/{org}/members",
    tag = "organizations",
    params(OrgPath),
    request_body = AddMembersInput,
    responses(
        (status = 201, description = "The new members", body = Page<Member>),
        Malformed, NotAuthenticated, Forbidden, NotFound, Conflict, Invalid
    )
)]
pub async fn add_members(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(OrgPath { org }): Path<OrgPath>,
    ApiJson(input): ApiJson<AddMembersInput>,
) -> Result<(StatusCode, ApiJson<Page<Member>>), AppError> {
    let base = state.base_url();
    let added = direct_add::add(
        &state.db,
        &principal,
        &org,
        &input,
        &base,
        chrono::Utc::now(),
    )
    .await?;
    Ok((StatusCode::CREATED, ApiJson(Page::all(added))))
}

/// Existing accounts to add directly: for holders of the instance permission `users.read`,
/// up to 8 whose username, email or name begins with `query`; for anyone else, only the
/// account whose email address is exactly `query`. Needs `members.invite` where direct adding
/// is allowed.
#[utoipa::path(
    get,
    path = "/organizations/{org}/candidates",
    tag = "organizations",
    params(OrgPath, CandidateQuery),
    responses(
        (status = 200, description = "Matching accounts, each saying whether it is a member", body = Page<Candidate>),
        NotAuthenticated, Forbidden, NotFound
    )
)]
pub async fn candidates(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(OrgPath { org }): Path<OrgPath>,
    ApiQuery(q): ApiQuery<CandidateQuery>,
) -> Result<ApiJson<Page<Candidate>>, AppError> {
    let query = q.query.unwrap_or_default();
    Ok(ApiJson(Page::all(
        direct_add::candidates(&state.db, &principal, &org, &query, chrono::Utc::now()).await?,
    )))
}

/// `?query=` of the candidates.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct CandidateQuery {
    /// What was typed: an email address, or the start of a name for holders of `users.read`.
    pub query: Option<String>,
}

/// Change a member's role. Needs `members.update_role`; only owners grant or take away Owner;
/// 409 `last_owner` for the last owner.
///
/// Refusals: 403: Missing `members.update_role`, Owner by a non-owner, or a role beyond your
/// own; 409: `last_owner`; 422: Unknown role.
#[utoipa::path(
    patch,
    path = "/organizations/{org}/members/{username}",
    tag = "organizations",
    params(MemberPath),
    request_body = RoleChange,
    responses(
        (status = 200, description = "The member", body = Member),
        Malformed, NotAuthenticated, Forbidden, NotFound, Conflict, Invalid
    )
)]
pub async fn change_role(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(MemberPath { org, username }): Path<MemberPath>,
    ApiJson(change): ApiJson<RoleChange>,
) -> Result<ApiJson<Member>, AppError> {
    let member = members::change_role(
        &state.db,
        &principal,
        &org,
        &username,
        &change,
        chrono::Utc::now(),
    )
    .await?;
    Ok(ApiJson(member))
}

/// Remove a member, or leave (yourself). Needs `members.remove` unless leaving; 409
/// `last_owner` for the last owner.
///
/// Refusals: 403: Missing `members.remove`, or an owner removed by a non-owner; 409: `last_owner`.
#[utoipa::path(
    delete,
    path = "/organizations/{org}/members/{username}",
    tag = "organizations",
    params(MemberPath),
    responses(
        (status = 204, description = "Removed"),
        NotAuthenticated, Forbidden, NotFound, Conflict
    )
)]
pub async fn remove_member(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(MemberPath { org, username }): Path<MemberPath>,
) -> Result<StatusCode, AppError> {
    members::remove(&state.db, &principal, &org, &username, chrono::Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The caller's organizations with their role. Needs a signed-in user.
#[utoipa::path(
    get,
    path = "/account/organizations",
    tag = "account",
    responses(
        (status = 200, description = "Every organization the caller belongs to", body = Page<MyOrganization>),
        NotAuthenticated
    )
)]
pub async fn mine(
    State(state): State<AppState>,
    Caller(principal): Caller,
) -> Result<ApiJson<Page<MyOrganization>>, AppError> {
    Ok(ApiJson(Page::all(
        organizations::mine(&state.db, &principal).await?,
    )))
}

/// Who requiring two-factor in the organization would lock out: the usernames of members
/// without it (the preview its settings page shows). Needs `org.update`.
#[utoipa::path(
    get,
    path = "/organizations/{org}/two-factor-lockout",
    tag = "organizations",
    params(OrgPath),
    responses(
        (status = 200, description = "Usernames", body = Page<String>),
        NotAuthenticated, Forbidden, NotFound
    )
)]
pub async fn two_factor_lockout(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(OrgPath { org }): Path<OrgPath>,
) -> Result<ApiJson<Page<String>>, AppError> {
    Ok(ApiJson(Page::all(
        organizations::two_factor_lockout(&state.db, &principal, &org).await?,
    )))
}
