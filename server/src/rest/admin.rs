//! `/api/v1/admin/...`: site administration. Each operation needs its instance permission
//! (held through the caller's instance role); everyone else gets 403.

use super::ApiJson;
use super::auth::no_store;
use super::caller::Caller;
use super::json::ApiQuery;
use super::paths::{OrgPath, UserCredentialPath, UserPath};
use super::refusals::{
    Conflict, Invalid, Malformed, NoInstancePermission, NotAuthenticated, NotFound,
};
use app::domain::admin::SettingsUpdate;
use app::domain::admin::{
    AdminOrganization, AdminUser, AdminUserDetail, CreatedUser, InstanceSettings, OutboxMessage,
    TemporaryPassword,
};
use app::domain::admin::{AdminUserUpdate, BatchInput, BatchResult, NewUserInput, UserQuery};
use app::domain::organization::Page;
use app::domain::session::SessionInfo;
use app::domain::token::TokenInfo;
use app::domain::user::User;
use app::error::AppError;
use app::service::admin_credentials;
use app::service::admin_instance;
use app::service::admin_users;
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

/// Users by username; search and filters.
///
/// Refusals: 422: Bad filter.
#[utoipa::path(
    get, path = "/admin/users", tag = "admin", params(UserQuery),
    responses(
        (status = 200, description = "One page of users", body = Page<AdminUser>),
        NotAuthenticated, NoInstancePermission, Invalid
    )
)]
pub async fn users(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiQuery(query): ApiQuery<UserQuery>,
) -> Result<ApiJson<Page<AdminUser>>, AppError> {
    Ok(ApiJson(
        admin_users::list(&state.db, &principal, &query).await?,
    ))
}

/// Create a user: names (the display name defaults to "First Last"), email, username
/// (inferred when left out), status, instance role, places in organizations and groups, and a
/// typed or generated password (returned once), to be replaced at the first sign-in unless
/// `require_password_change` is false. Everything is created together or nothing is. Needs
/// `users.create` (and `users.update` to give an instance role within yours; `members.invite`
/// and the role's permissions in each organization).
///
/// Refusals: 403: A permission or a role beyond yours; 409: Your standing or an organization's
/// changed meanwhile; 422: Bad or taken email or username, a weak password, an unknown role,
/// organization or group.
#[utoipa::path(
    post, path = "/admin/users", tag = "admin", request_body = NewUserInput,
    responses(
        (status = 201, description = "Created", body = CreatedUser),
        Malformed, NotAuthenticated, NoInstancePermission, Conflict, Invalid
    )
)]
pub async fn create_user(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiJson(input): ApiJson<NewUserInput>,
) -> Result<Response, AppError> {
    let created = admin_users::create(&state.db, &principal, &input, chrono::Utc::now()).await?;
    Ok(private((StatusCode::CREATED, ApiJson(created))))
}

/// Create several accounts at once: one per entry (`email`, optional `username`), all with the
/// same options, each with a generated temporary password (returned once). Each entry is
/// created whole or not at all; a refused entry is listed with its error and does not stop
/// the others. Needs `users.create`; at most 100 entries.
///
/// Refusals: 422: No entry, or more than 100.
#[utoipa::path(
    post, path = "/admin/users/batch", tag = "admin", request_body = BatchInput,
    responses(
        (status = 201, description = "Each account created and each entry refused", body = BatchResult),
        Malformed, NotAuthenticated, NoInstancePermission, Invalid
    )
)]
pub async fn create_batch(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiJson(input): ApiJson<BatchInput>,
) -> Result<Response, AppError> {
    let result =
        admin_users::create_batch(&state.db, &principal, &input, chrono::Utc::now()).await?;
    Ok(private((StatusCode::CREATED, ApiJson(result))))
}

/// Activate/deactivate (`users.deactivate`), give or take an instance role (`instance_role`,
/// or the compatibility flag `site_admin`), set the names and the email address
/// (`users.update`: a new address is unverified until the user opens the link sent to it,
/// and the old address is told), turn API access on or off (`users.manage_credentials`).
///
/// Refusals: 403: Missing the permission, a user whose instance role carries more than
/// yours, or a role carrying more than yours; 409: `self_action` or `last_site_admin`;
/// 422: No such instance role, an address that is invalid or in use.
#[utoipa::path(
    patch, path = "/admin/users/{username}", tag = "admin",
    params(UserPath), request_body = AdminUserUpdate,
    responses(
        (status = 200, description = "Updated", body = User),
        Malformed, NotAuthenticated, NoInstancePermission, NotFound, Conflict, Invalid
    )
)]
pub async fn update_user(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(UserPath { username }): Path<UserPath>,
    ApiJson(change): ApiJson<AdminUserUpdate>,
) -> Result<ApiJson<User>, AppError> {
    Ok(ApiJson(
        admin_users::update(
            &state.db,
            &principal,
            &username,
            &change,
            &state.base_url(),
            chrono::Utc::now(),
        )
        .await?,
    ))
}

/// A new temporary password; the user's sessions end. Needs `users.reset_password`, and an
/// instance role carrying everything the user's does.
///
/// Refusals: 409: `self_action`, or your role or theirs changed meanwhile.
#[utoipa::path(
    post, path = "/admin/users/{username}/reset-password", tag = "admin",
    params(UserPath),
    responses(
        (status = 200, description = "The temporary password (shown once)", body = TemporaryPassword),
        NotAuthenticated, NoInstancePermission, NotFound, Conflict
    )
)]
pub async fn reset_password(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(UserPath { username }): Path<UserPath>,
) -> Result<Response, AppError> {
    let reset =
        admin_users::reset_password(&state.db, &principal, &username, chrono::Utc::now()).await?;
    Ok(private(ApiJson(reset)))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct Reason {
    /// Why (recorded in the audit log).
    pub reason: Option<String>,
}

/// Turn a locked-out user's two-factor off (`?reason=` is recorded in the audit log).
///
/// Refusals: 409: Two-factor is not on; 422: No reason given.
#[utoipa::path(
    delete, path = "/admin/users/{username}/two-factor", tag = "admin",
    params(UserPath, Reason),
    responses(
        (status = 204, description = "Two-factor is off"),
        NotAuthenticated, NoInstancePermission, NotFound, Conflict, Invalid
    )
)]
pub async fn disable_two_factor(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(UserPath { username }): Path<UserPath>,
    ApiQuery(query): ApiQuery<Reason>,
) -> Result<StatusCode, AppError> {
    admin_users::disable_two_factor(
        &state.db,
        &principal,
        &username,
        query.reason.as_deref().unwrap_or(""),
        chrono::Utc::now(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Delete a user.
///
/// Refusals: 409: `last_owner`, `owns_projects`, `self_action` or `last_site_admin`.
#[utoipa::path(
    delete, path = "/admin/users/{username}", tag = "admin",
    params(UserPath),
    responses(
        (status = 204, description = "Deleted"),
        NotAuthenticated, NoInstancePermission, NotFound, Conflict
    )
)]
pub async fn delete_user(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(UserPath { username }): Path<UserPath>,
) -> Result<StatusCode, AppError> {
    admin_users::delete(&state.db, &principal, &username, chrono::Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Every organization with its member count and owners.
#[utoipa::path(
    get, path = "/admin/organizations", tag = "admin",
    responses(
        (status = 200, description = "Organizations by name", body = Page<AdminOrganization>),
        NotAuthenticated, NoInstancePermission
    )
)]
pub async fn organizations(
    State(state): State<AppState>,
    Caller(principal): Caller,
) -> Result<ApiJson<Page<AdminOrganization>>, AppError> {
    Ok(ApiJson(Page::all(
        admin_instance::organizations(&state.db, &principal).await?,
    )))
}

/// The instance settings.
#[utoipa::path(
    get, path = "/admin/settings", tag = "admin",
    responses(
        (status = 200, description = "The settings", body = InstanceSettings),
        NotAuthenticated, NoInstancePermission
    )
)]
pub async fn settings(
    State(state): State<AppState>,
    Caller(principal): Caller,
) -> Result<ApiJson<InstanceSettings>, AppError> {
    Ok(ApiJson(
        admin_instance::settings(&state.db, &principal).await?,
    ))
}

/// Change the instance settings (applied at once).
///
/// Refusals: 422: A value out of range.
#[utoipa::path(
    patch, path = "/admin/settings", tag = "admin", request_body = SettingsUpdate,
    responses(
        (status = 200, description = "The settings now", body = InstanceSettings),
        Malformed, NotAuthenticated, NoInstancePermission, Invalid
    )
)]
pub async fn update_settings(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiJson(change): ApiJson<SettingsUpdate>,
) -> Result<ApiJson<InstanceSettings>, AppError> {
    Ok(ApiJson(
        admin_instance::update_settings(&state.db, &principal, &change, chrono::Utc::now()).await?,
    ))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct OutboxQuery {
    pub cursor: Option<String>,
    pub limit: Option<usize>,
}

/// The emails the instance sent or keeps, newest first.
#[utoipa::path(
    get, path = "/admin/outbox", tag = "admin", params(OutboxQuery),
    responses(
        (status = 200, description = "Messages, newest first", body = Page<OutboxMessage>),
        NotAuthenticated, NoInstancePermission
    )
)]
pub async fn outbox(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiQuery(query): ApiQuery<OutboxQuery>,
) -> Result<Response, AppError> {
    let page =
        admin_instance::outbox(&state.db, &principal, query.cursor.as_deref(), query.limit).await?;
    Ok(private(ApiJson(page)))
}

/// An organization's members (first 200 by username), members or not.
#[utoipa::path(
    get, path = "/admin/organizations/{org}/members", tag = "admin",
    params(OrgPath),
    responses(
        (status = 200, description = "Members by username", body = Page<app::domain::organization::Member>),
        NotAuthenticated, NoInstancePermission, NotFound
    )
)]
pub async fn org_members(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(OrgPath { org }): Path<OrgPath>,
) -> Result<ApiJson<Page<app::domain::organization::Member>>, AppError> {
    Ok(ApiJson(Page::all(
        admin_instance::org_members(&state.db, &principal, &org).await?,
    )))
}

/// Make a user an owner of an organization (for an ownerless or abandoned one); audited.
///
/// Refusals: 422: No such active user.
#[utoipa::path(
    post, path = "/admin/organizations/{org}/owners", tag = "admin",
    params(OrgPath),
    request_body = app::domain::admin::NewOwner,
    responses(
        (status = 204, description = "They are an owner now"),
        Malformed, NotAuthenticated, NoInstancePermission, NotFound, Invalid
    )
)]
pub async fn add_owner(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(OrgPath { org }): Path<OrgPath>,
    ApiJson(input): ApiJson<app::domain::admin::NewOwner>,
) -> Result<StatusCode, AppError> {
    admin_instance::add_owner(&state.db, &principal, &org, &input, chrono::Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// One user: everything `/admin/users/{username}` shows.
#[utoipa::path(
    get, path = "/admin/users/{username}", tag = "admin", params(UserPath),
    responses(
        (status = 200, description = "The user", body = AdminUserDetail),
        NotAuthenticated, NoInstancePermission, NotFound
    )
)]
pub async fn user(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(UserPath { username }): Path<UserPath>,
) -> Result<Response, AppError> {
    let user = admin_users::get(&state.db, &principal, &username).await?;
    Ok(private(ApiJson(user)))
}

/// Who requiring two-factor for everyone would lock out: the usernames of active users
/// without it (the preview `/admin/settings` shows before the policy is turned on).
#[utoipa::path(
    get, path = "/admin/settings/two-factor-lockout", tag = "admin",
    responses(
        (status = 200, description = "Usernames", body = Page<String>),
        NotAuthenticated, NoInstancePermission
    )
)]
pub async fn two_factor_lockout(
    State(state): State<AppState>,
    Caller(principal): Caller,
) -> Result<Response, AppError> {
    let usernames = admin_instance::two_factor_lockout(&state.db, &principal).await?;
    Ok(private(ApiJson(Page::all(usernames))))
}

/// The user's live API tokens (never their secrets). Needs `users.manage_credentials`.
#[utoipa::path(
    get, path = "/admin/users/{username}/tokens", tag = "admin", params(UserPath),
    responses(
        (status = 200, description = "Tokens, newest first", body = Page<TokenInfo>),
        NotAuthenticated, NoInstancePermission, NotFound
    )
)]
pub async fn user_tokens(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(UserPath { username }): Path<UserPath>,
) -> Result<ApiJson<Page<TokenInfo>>, AppError> {
    Ok(ApiJson(Page::all(
        admin_credentials::tokens(&state.db, &principal, &username).await?,
    )))
}

/// Revoke one of the user's tokens. Needs `users.manage_credentials` and a role carrying
/// everything theirs does.
///
/// Refusals: 409: `self_action`, or your role or theirs changed meanwhile.
#[utoipa::path(
    delete, path = "/admin/users/{username}/tokens/{id}", tag = "admin", params(UserCredentialPath),
    responses(
        (status = 204, description = "Revoked"),
        NotAuthenticated, NoInstancePermission, NotFound, Conflict
    )
)]
pub async fn revoke_user_token(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(UserCredentialPath { username, id }): Path<UserCredentialPath>,
) -> Result<StatusCode, AppError> {
    admin_credentials::revoke_token(&state.db, &principal, &username, &id, chrono::Utc::now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The user's sessions, most recently used first. Needs `users.manage_credentials`.
#[utoipa::path(
    get, path = "/admin/users/{username}/sessions", tag = "admin", params(UserPath),
    responses(
        (status = 200, description = "Sessions", body = Page<SessionInfo>),
        NotAuthenticated, NoInstancePermission, NotFound
    )
)]
pub async fn user_sessions(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(UserPath { username }): Path<UserPath>,
) -> Result<ApiJson<Page<SessionInfo>>, AppError> {
    Ok(ApiJson(Page::all(
        admin_credentials::sessions(&state.db, &principal, &username).await?,
    )))
}

/// End every session of the user (they are signed out everywhere). Needs
/// `users.manage_credentials` and a role carrying everything theirs does.
///
/// Refusals: 409: `self_action`, or your role or theirs changed meanwhile.
#[utoipa::path(
    delete, path = "/admin/users/{username}/sessions", tag = "admin", params(UserPath),
    responses(
        (status = 204, description = "Ended"),
        NotAuthenticated, NoInstancePermission, NotFound, Conflict
    )
)]
pub async fn end_user_sessions(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(UserPath { username }): Path<UserPath>,
) -> Result<StatusCode, AppError> {
    admin_credentials::end_sessions(&state.db, &principal, &username, None, chrono::Utc::now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// End one session of the user. Needs `users.manage_credentials` and a role carrying
/// everything theirs does.
///
/// Refusals: 409: `self_action`, or your role or theirs changed meanwhile.
#[utoipa::path(
    delete, path = "/admin/users/{username}/sessions/{id}", tag = "admin", params(UserCredentialPath),
    responses(
        (status = 204, description = "Ended"),
        NotAuthenticated, NoInstancePermission, NotFound, Conflict
    )
)]
pub async fn end_user_session(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(UserCredentialPath { username, id }): Path<UserCredentialPath>,
) -> Result<StatusCode, AppError> {
    let now = chrono::Utc::now();
    admin_credentials::end_sessions(&state.db, &principal, &username, Some(&id), now).await?;
    Ok(StatusCode::NO_CONTENT)
}
