//! Invitations: `/api/v1/organizations/{org}/invitations` for the inviters,
//! `/api/v1/invitations/{token}` for whoever holds the link, and `/api/v1/account/invitations`
//! for the invited person (their own, accepted or declined in place).

use super::ApiJson;
use super::caller::{Caller, Client};
use super::paths::{InvitationPath, LinkPath, MyInvitationPath, OrgPath};
use super::refusals::{Conflict, Forbidden, Invalid, Malformed, NotAuthenticated, NotFound};
use app::domain::invitation::{Invitation, PendingInvitation, PublicInvitation};
use app::domain::invitation::{InvitationSignup, NewInvitationInput};
use app::domain::organization::Page;
use app::domain::user::User;
use app::error::AppError;
use app::service::invitations;
use app::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Serialize;

/// Invite someone by email; the link is emailed and returned in `accept_url`. Needs
/// `members.invite`.
///
/// Refusals: 403: Missing `members.invite`, or a role beyond your own; 409: `already_member`,
/// or `conflict` for a pending invitation; 422: Invalid email, unknown role or group.
#[utoipa::path(
    post,
    path = "/organizations/{org}/invitations",
    tag = "invitations",
    params(OrgPath),
    request_body = NewInvitationInput,
    responses(
        (status = 201, description = "Invited", body = Invitation),
        Malformed, NotAuthenticated, Forbidden, NotFound, Conflict, Invalid
    )
)]
pub async fn create(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(OrgPath { org }): Path<OrgPath>,
    ApiJson(input): ApiJson<NewInvitationInput>,
) -> Result<(StatusCode, ApiJson<Invitation>), AppError> {
    let base = state.base_url();
    let invitation = invitations::invite(
        &state.db,
        &principal,
        &org,
        &input,
        &base,
        chrono::Utc::now(),
    )
    .await?;
    Ok((StatusCode::CREATED, ApiJson(invitation)))
}

/// Pending invitations, newest first. Needs `members.invite`.
#[utoipa::path(
    get,
    path = "/organizations/{org}/invitations",
    tag = "invitations",
    params(OrgPath),
    responses(
        (status = 200, description = "Pending invitations", body = Page<Invitation>),
        NotAuthenticated, Forbidden, NotFound
    )
)]
pub async fn list(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(OrgPath { org }): Path<OrgPath>,
) -> Result<ApiJson<Page<Invitation>>, AppError> {
    let list = invitations::list(&state.db, &principal, &org, chrono::Utc::now()).await?;
    Ok(ApiJson(Page::all(list)))
}

/// Send a new link (the old one stops working). Needs `members.invite`.
///
/// Refusals: 403: Without `members.invite`, or the rights to give the invitation's role and groups.
#[utoipa::path(
    post,
    path = "/organizations/{org}/invitations/{id}/resend",
    tag = "invitations",
    params(InvitationPath),
    responses(
        (status = 200, description = "The invitation with its new link", body = Invitation),
        NotAuthenticated, Forbidden, NotFound
    )
)]
pub async fn resend(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(InvitationPath { org, id }): Path<InvitationPath>,
) -> Result<ApiJson<Invitation>, AppError> {
    let base = state.base_url();
    let invitation =
        invitations::resend(&state.db, &principal, &org, &id, &base, chrono::Utc::now()).await?;
    Ok(ApiJson(invitation))
}

/// Revoke a pending invitation. Needs `members.invite`.
#[utoipa::path(
    delete,
    path = "/organizations/{org}/invitations/{id}",
    tag = "invitations",
    params(InvitationPath),
    responses(
        (status = 204, description = "Revoked"),
        NotAuthenticated, NotFound
    )
)]
pub async fn revoke(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(InvitationPath { org, id }): Path<InvitationPath>,
) -> Result<StatusCode, AppError> {
    invitations::revoke(&state.db, &principal, &org, &id, chrono::Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// What an invitation link offers. No authentication: the link is the credential.
#[utoipa::path(
    get,
    path = "/invitations/{token}",
    tag = "invitations",
    params(LinkPath),
    responses(
        (status = 200, description = "The invitation", body = PublicInvitation),
        NotFound
    )
)]
pub async fn view(
    State(state): State<AppState>,
    Path(LinkPath { token }): Path<LinkPath>,
) -> Result<ApiJson<PublicInvitation>, AppError> {
    Ok(ApiJson(
        invitations::view(&state.db, &token, chrono::Utc::now()).await?,
    ))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Accepted {
    /// The organization joined.
    pub organization: String,
}

/// Accept as the signed-in user, whose email must be the invited one.
///
/// Refusals: 403: The invitation is for another email address, or the address is not verified
/// yet; 409: `already_member`; `conflict` when whoever sent it may no longer grant its role or
/// groups.
#[utoipa::path(
    post,
    path = "/invitations/{token}/accept",
    tag = "invitations",
    params(LinkPath),
    responses(
        (status = 200, description = "Joined", body = Accepted),
        NotAuthenticated, Forbidden, NotFound, Conflict
    )
)]
pub async fn accept(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(LinkPath { token }): Path<LinkPath>,
) -> Result<ApiJson<Accepted>, AppError> {
    let organization =
        invitations::accept(&state.db, &principal, &token, chrono::Utc::now()).await?;
    Ok(ApiJson(Accepted { organization }))
}

/// Decline: the link stops working. No authentication.
#[utoipa::path(
    post,
    path = "/invitations/{token}/decline",
    tag = "invitations",
    params(LinkPath),
    responses(
        (status = 204, description = "Declined"),
        NotFound
    )
)]
pub async fn decline(
    State(state): State<AppState>,
    Client(client): Client,
    Path(LinkPath { token }): Path<LinkPath>,
) -> Result<StatusCode, AppError> {
    invitations::decline(&state.db, &token, &client.ip, chrono::Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Create an account for the invited address (verified; allowed in every sign-up mode) and
/// join. No authentication: the link is the credential.
///
/// Refusals: 409: Whoever sent it may no longer grant its role or groups; 422: Invalid or taken
/// username, weak password, or the address already has an account.
#[utoipa::path(
    post,
    path = "/invitations/{token}/signup",
    tag = "invitations",
    params(LinkPath),
    request_body = InvitationSignup,
    responses(
        (status = 201, description = "The new account, a member now", body = User),
        Malformed, NotFound, Conflict, Invalid
    )
)]
pub async fn signup(
    State(state): State<AppState>,
    Client(client): Client,
    Path(LinkPath { token }): Path<LinkPath>,
    ApiJson(input): ApiJson<InvitationSignup>,
) -> Result<(StatusCode, ApiJson<User>), AppError> {
    let user =
        invitations::sign_up(&state.db, &token, &input, &client.ip, chrono::Utc::now()).await?;
    Ok((StatusCode::CREATED, ApiJson(user)))
}

/// The live invitations addressed to your email, once it is verified (an empty list before).
/// Needs a signed-in user.
#[utoipa::path(
    get,
    path = "/account/invitations",
    tag = "invitations",
    responses(
        (status = 200, description = "Your pending invitations", body = Page<PendingInvitation>),
        NotAuthenticated
    )
)]
pub async fn mine(
    State(state): State<AppState>,
    Caller(principal): Caller,
) -> Result<ApiJson<Page<PendingInvitation>>, AppError> {
    Ok(ApiJson(Page::all(
        invitations::mine(&state.db, &principal, chrono::Utc::now()).await?,
    )))
}

/// Accept one of your invitations in place (as `POST /invitations/{token}/accept`, without
/// the link).
///
/// Refusals: 404: Not one of your live invitations (or your email is not verified); 409:
/// `already_member`; `conflict` when whoever sent it may no longer grant its role or groups.
#[utoipa::path(
    post,
    path = "/account/invitations/{id}/accept",
    tag = "invitations",
    params(MyInvitationPath),
    responses(
        (status = 200, description = "Joined", body = Accepted),
        NotAuthenticated, NotFound, Conflict
    )
)]
pub async fn accept_mine(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(MyInvitationPath { id }): Path<MyInvitationPath>,
) -> Result<ApiJson<Accepted>, AppError> {
    let organization =
        invitations::accept_mine(&state.db, &principal, &id, chrono::Utc::now()).await?;
    Ok(ApiJson(Accepted { organization }))
}

/// Decline one of your invitations in place: it stops working.
///
/// Refusals: 404: Not one of your live invitations (or your email is not verified).
#[utoipa::path(
    post,
    path = "/account/invitations/{id}/decline",
    tag = "invitations",
    params(MyInvitationPath),
    responses(
        (status = 204, description = "Declined"),
        NotAuthenticated, NotFound
    )
)]
pub async fn decline_mine(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(MyInvitationPath { id }): Path<MyInvitationPath>,
) -> Result<StatusCode, AppError> {
    invitations::decline_mine(&state.db, &principal, &id, chrono::Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}
