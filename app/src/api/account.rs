//! The caller's own account for the settings pages: password and sessions.

use crate::domain::session::SessionInfo;
use crate::error::AppError;
use leptos::prelude::*;

/// Needs a signed-in user. Ends the caller's other sessions; redirects to the page with
/// `?changed=1` so the confirmation shows with and without JavaScript.
#[server(endpoint = "account/password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
    new_password_again: String,
) -> Result<(), AppError> {
    use crate::domain::password::Password;
    let result = async {
        let new_password = Password::typed_twice(new_password, &new_password_again)?;
        let state = super::state()?;
        let principal = super::principal(&state).await?;
        let fresh = crate::service::account_security::change_password(
            &state.db,
            &principal,
            &Password::new(current_password),
            &new_password,
            chrono::Utc::now(),
        )
        .await?;
        if let Some(session) = fresh {
            super::set_cookie(crate::cookies::set(&state, &session.secret));
        }
        super::redirect("/settings/password?changed=1");
        Ok(())
    }
    .await;
    super::respond(result)
}

/// The caller's sessions. Needs a signed-in user.
#[server(endpoint = "account/sessions")]
pub async fn list_sessions() -> Result<Vec<SessionInfo>, AppError> {
    super::run(move |state, principal| async move {
        crate::service::account_security::list_sessions(&state.db, &principal).await
    })
    .await
}

/// Ends one of the caller's sessions. Needs a signed-in user.
#[server(endpoint = "account/sessions/revoke")]
pub async fn revoke_session(id: String) -> Result<(), AppError> {
    super::run(move |state, principal| async move {
        crate::service::account_security::revoke_session(
            &state.db,
            &principal,
            &id,
            chrono::Utc::now(),
        )
        .await?;
        super::redirect("/settings/sessions");
        Ok(())
    })
    .await
}

/// The caller's API tokens. Needs a signed-in user.
#[server(endpoint = "account/tokens")]
pub async fn list_tokens() -> Result<Vec<crate::domain::token::TokenInfo>, AppError> {
    super::run(move |state, principal| async move {
        crate::service::tokens::list_user_tokens(&state.db, &principal).await
    })
    .await
}

/// The cookie that carries a new token's secret to the page, once, after a plain form post
/// (JavaScript off): the redirect that follows the post cannot carry it otherwise, and the
/// secret must never be stored on the server or put in a URL.
#[cfg(feature = "ssr")]
const REVEAL_COOKIE: &str = "gatehouse_token_reveal";
#[cfg(feature = "ssr")]
const TOKENS_PAGE: &str = "/settings/tokens";

/// Creates a token for the caller. Needs a signed-in user. `expires_in_days` is "7", "30",
/// "90", "365" or "never".
#[server(endpoint = "account/tokens/create")]
pub async fn create_token(
    description: String,
    expires_in_days: String,
    /// The admin scope checkbox ("on" when ticked; site admins only).
    #[server(default)]
    admin: Option<String>,
    /// The limit: empty for none, `org` (the user's rights there) or `org/role`.
    #[server(default)]
    scope: Option<String>,
) -> Result<crate::domain::token::CreatedToken, AppError> {
    let result = async {
        let days = match expires_in_days.as_str() {
            "never" | "" => None,
            other => Some(other.parse::<i64>().map_err(|_| {
                AppError::validation("expires_in_days", "Choose one of the offered lifetimes.")
            })?),
        };
        let state = super::state()?;
        let principal = super::principal(&state).await?;
        let (organization, role) = match scope.as_deref().map(str::trim).unwrap_or_default() {
            "" => (None, None),
            limit => match limit.split_once('/') {
                Some((org, role)) => (Some(org.to_string()), Some(role.to_string())),
                None => (Some(limit.to_string()), None),
            },
        };
        let new = crate::domain::token::NewUserToken {
            description,
            expires_in_days: days,
            admin: admin.is_some_and(|v| !v.is_empty()),
            organization,
            role,
        };
        let created = crate::service::tokens::create_user_token(
            &state.db,
            &principal,
            &new,
            chrono::Utc::now(),
        )
        .await?;
        if super::plain_form_post() {
            super::set_once_cookie(&state, REVEAL_COOKIE, &created.token, TOKENS_PAGE);
            super::redirect(TOKENS_PAGE);
        }
        Ok(created)
    }
    .await;
    super::respond(result)
}

/// The organizations (with their role levels) a new token of the caller's may be limited to.
#[server(endpoint = "account/tokens/scopes")]
pub async fn token_scope_choices() -> Result<Vec<crate::domain::token::ScopeChoice>, AppError> {
    super::run(move |state, principal| async move {
        crate::service::token_scope::choices(&state.db, &principal).await
    })
    .await
}

/// Rotates one of the caller's tokens: a new secret now, the old one stopping at once or
/// after `grace_minutes` ("0", "60" or "1440"). Needs the person in a session.
#[server(endpoint = "account/tokens/rotate")]
pub async fn rotate_token(
    id: String,
    grace_minutes: String,
) -> Result<crate::domain::token::CreatedToken, AppError> {
    let result = async {
        let grace = grace_minutes.trim().parse::<i64>().map_err(|_| {
            AppError::validation("grace_minutes", "Choose one of the offered grace periods.")
        })?;
        let state = super::state()?;
        let principal = super::principal(&state).await?;
        let created = crate::service::token_hygiene::rotate_user_token(
            &state.db,
            &principal,
            &id,
            Some(grace),
            chrono::Utc::now(),
        )
        .await?;
        if super::plain_form_post() {
            super::set_once_cookie(&state, REVEAL_COOKIE, &created.token, TOKENS_PAGE);
            super::redirect(TOKENS_PAGE);
        }
        Ok(created)
    }
    .await;
    super::respond(result)
}

/// The secret of a token just created by a plain form post, taken (and cleared) from its
/// one-time cookie. Needs nothing: it only returns what the caller's own browser holds.
#[server(endpoint = "account/tokens/reveal")]
pub async fn take_token_reveal() -> Result<Option<String>, AppError> {
    let state = super::state()?;
    let token = super::take_once_cookie(&state, REVEAL_COOKIE, TOKENS_PAGE);
    Ok(token.filter(|t| t.starts_with("gtu_")))
}

/// Revokes one of the caller's tokens. Needs a signed-in user.
#[server(endpoint = "account/tokens/revoke")]
pub async fn revoke_token(id: String) -> Result<(), AppError> {
    super::run(move |state, principal| async move {
        crate::service::tokens::revoke_user_token(&state.db, &principal, &id, chrono::Utc::now())
            .await?;
        if super::plain_form_post() {
            super::redirect("/settings/tokens");
        }
        Ok(())
    })
    .await
}

/// Changes the caller's username, display name or email (the email needs the current
/// password). Needs a signed-in user.
#[server(endpoint = "account/profile")]
pub async fn update_profile(
    username: String,
    display_name: String,
    email: String,
    current_password: String,
) -> Result<(), AppError> {
    use crate::domain::password::Password;
    use crate::domain::user::ProfileUpdate;
    use crate::service::accounts;
    super::run(move |state, principal| async move {
        let update = ProfileUpdate {
            username: Some(username),
            display_name: Some(display_name),
            email: Some(email),
            current_password: (!current_password.is_empty())
                .then(|| Password::new(current_password)),
        };
        accounts::update_profile(
            &state.db,
            &principal,
            &update,
            &super::base_url(&state),
            chrono::Utc::now(),
        )
        .await?;
        super::redirect("/settings/profile?saved=1");
        Ok(())
    })
    .await
}

/// The longest a new token may live on this instance (none: no limit), so that forms offer
/// only allowed lifetimes. Needs a signed-in user.
#[server(endpoint = "account/tokens/limit")]
pub async fn token_max_days() -> Result<Option<i64>, AppError> {
    super::run(move |_state, principal| async move {
        crate::service::tokens::lifetime_limit(&principal)
    })
    .await
}
