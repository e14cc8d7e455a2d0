//! Invitations for the pages: the inviter's side, the link's page, and the invited person's
//! own list.

use crate::domain::invitation::{Invitation, PendingInvitation, PublicInvitation};
use crate::error::AppError;
use leptos::prelude::*;

/// Pending invitations. Needs `members.invite`.
#[server(endpoint = "orgs/invitations")]
pub async fn list_invitations(org: String) -> Result<Vec<Invitation>, AppError> {
    super::run(move |state, principal| async move {
        crate::service::invitations::list(&state.db, &principal, &org, chrono::Utc::now()).await
    })
    .await
}

/// The one-time cookie that shows a new link to an inviter whose browser posted without
/// JavaScript (the link must not travel in a URL).
#[cfg(feature = "ssr")]
const REVEAL_COOKIE: &str = "gatehouse_invitation_link";

#[cfg(feature = "ssr")]
fn deliver(state: &crate::state::AppState, org: &str, invitation: &Invitation) {
    if super::plain_form_post() {
        let token = invitation
            .accept_url
            .as_deref()
            .and_then(|url| url.rsplit('/').next())
            .unwrap_or_default();
        super::set_once_cookie(state, REVEAL_COOKIE, token, &format!("/orgs/{org}/people"));
        super::redirect(&format!("/orgs/{org}/people?tab=invitations"));
    }
}

/// Invites an address (`groups`: group names, comma-separated). Needs `members.invite`.
#[server(endpoint = "orgs/invitations/create")]
pub async fn invite(
    org: String,
    email: String,
    role: String,
    #[server(default)] groups: Vec<String>,
) -> Result<Invitation, AppError> {
    use crate::domain::invitation::NewInvitationInput;
    use crate::service::invitations;
    super::run(move |state, principal| async move {
        let invitation = invitations::invite(
            &state.db,
            &principal,
            &org,
            &NewInvitationInput {
                email,
                role,
                groups: Some(groups),
            },
            &super::base_url(&state),
            chrono::Utc::now(),
        )
        .await?;
        deliver(&state, &org, &invitation);
        Ok(invitation)
    })
    .await
}

/// A new link for an invitation. Needs `members.invite`.
#[server(endpoint = "orgs/invitations/resend")]
pub async fn resend_invitation(org: String, id: String) -> Result<Invitation, AppError> {
    super::run(move |state, principal| async move {
        let invitation = crate::service::invitations::resend(
            &state.db,
            &principal,
            &org,
            &id,
            &super::base_url(&state),
            chrono::Utc::now(),
        )
        .await?;
        deliver(&state, &org, &invitation);
        Ok(invitation)
    })
    .await
}

/// Revokes an invitation. Needs `members.invite`.
#[server(endpoint = "orgs/invitations/revoke")]
pub async fn revoke_invitation(org: String, id: String) -> Result<(), AppError> {
    super::run(move |state, principal| async move {
        crate::service::invitations::revoke(&state.db, &principal, &org, &id, chrono::Utc::now())
            .await?;
        if super::plain_form_post() {
            super::redirect(&format!("/orgs/{org}/people?tab=invitations"));
        }
        Ok(())
    })
    .await
}

/// The link just created by a plain form post, from its one-time cookie (cleared).
#[server(endpoint = "orgs/invitations/reveal")]
pub async fn take_invitation_link(org: String) -> Result<Option<String>, AppError> {
    let state = super::state()?;
    let Some(token) =
        super::take_once_cookie(&state, REVEAL_COOKIE, &format!("/orgs/{org}/people"))
    else {
        return Ok(None);
    };
    let valid = !token.is_empty()
        && token.len() <= 64
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    Ok(valid.then(|| format!("{}/invitations/{token}", super::base_url(&state))))
}

/// What an invitation link offers. No permission.
#[server(endpoint = "invitations/view")]
pub async fn view_invitation(token: String) -> Result<PublicInvitation, AppError> {
    let result = async {
        let state = super::state()?;
        crate::service::invitations::view(&state.db, &token, chrono::Utc::now()).await
    }
    .await;
    super::respond(result)
}

/// Accepts as the signed-in caller and opens the organization.
#[server(endpoint = "invitations/accept")]
pub async fn accept_invitation(token: String) -> Result<(), AppError> {
    super::run(move |state, principal| async move {
        let org =
            crate::service::invitations::accept(&state.db, &principal, &token, chrono::Utc::now())
                .await?;
        super::redirect(&format!("/orgs/{org}?joined=1"));
        Ok(())
    })
    .await
}

/// Declines the invitation. No permission.
#[server(endpoint = "invitations/decline")]
pub async fn decline_invitation(token: String) -> Result<(), AppError> {
    let result = async {
        let state = super::state()?;
        crate::service::invitations::decline(
            &state.db,
            &token,
            &super::client().ip,
            chrono::Utc::now(),
        )
        .await?;
        super::redirect("/invitations/declined");
        Ok(())
    }
    .await;
    super::respond(result)
}

/// Creates an account through the link, signs it in and opens the organization.
#[server(endpoint = "invitations/sign-up")]
pub async fn sign_up_with_invitation(
    token: String,
    username: String,
    password: String,
) -> Result<(), AppError> {
    use crate::domain::invitation::InvitationSignup;
    use crate::domain::password::Password;
    use crate::domain::user::LoginInput;
    use crate::service::accounts::{self, LoginOutcome};
    use crate::service::invitations;
    let result = async {
        let state = super::state()?;
        let now = chrono::Utc::now();
        let org = invitations::view(&state.db, &token, now)
            .await?
            .organization;
        let password = Password::new(password);
        let user = invitations::sign_up(
            &state.db,
            &token,
            &InvitationSignup {
                username,
                password: password.clone(),
            },
            &super::client().ip,
            now,
        )
        .await?;
        let input = LoginInput {
            login: user.username,
            password,
            code: None,
        };
        if let LoginOutcome::SignedIn { session, .. } =
            accounts::login(&state.db, &input, &super::client(), now).await?
        {
            super::set_cookie(crate::cookies::set(&state, &session.secret));
        }
        super::redirect(&format!("/orgs/{org}?joined=1"));
        Ok(())
    }
    .await;
    super::respond(result)
}

/// The live invitations addressed to the caller's verified email (none when signed out).
#[server(endpoint = "account/invitations")]
pub async fn my_invitations() -> Result<Vec<PendingInvitation>, AppError> {
    super::run(move |state, principal| async move {
        // Someone signed out has none (and the home page, which asks, is not refused).
        if matches!(principal, crate::service::principal::Principal::Anonymous) {
            return Ok(Vec::new());
        }
        crate::service::invitations::mine(&state.db, &principal, chrono::Utc::now()).await
    })
    .await
}

/// Accepts one of the caller's invitations in place and opens the organization.
#[server(endpoint = "account/invitations/accept")]
pub async fn accept_my_invitation(id: String) -> Result<(), AppError> {
    super::run(move |state, principal| async move {
        let org = crate::service::invitations::accept_mine(
            &state.db,
            &principal,
            &id,
            chrono::Utc::now(),
        )
        .await?;
        super::redirect(&format!("/orgs/{org}?joined=1"));
        Ok(())
    })
    .await
}

/// Declines one of the caller's invitations in place; `back` is where to go afterwards.
#[server(endpoint = "account/invitations/decline")]
pub async fn decline_my_invitation(id: String, back: String) -> Result<(), AppError> {
    super::run(move |state, principal| async move {
        crate::service::invitations::decline_mine(&state.db, &principal, &id, chrono::Utc::now())
            .await?;
        if super::plain_form_post() {
            super::redirect(&super::auth::safe_next(Some(&back)));
        }
        Ok(())
    })
    .await
}
