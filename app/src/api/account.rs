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
        if new_password != new_password_again {
            return Err(AppError::validation(
                "new_password_again",
                "The two new passwords differ.",
            ));
        }
        let state = super::state()?;
        let principal = super::principal(&state).await?;
        crate::service::account_security::change_password(
            &state.db,
            &principal,
            &Password::new(current_password),
            &Password::new(new_password),
            chrono::Utc::now(),
        )
        .await?;
        leptos_axum::redirect("/settings/password?changed=1");
        Ok(())
    }
    .await;
    super::respond(result)
}

/// The caller's sessions. Needs a signed-in user.
#[server(endpoint = "account/sessions")]
pub async fn list_sessions() -> Result<Vec<SessionInfo>, AppError> {
    let result = async {
        let state = super::state()?;
        let principal = super::principal(&state).await?;
        crate::service::account_security::list_sessions(&state.db, &principal).await
    }
    .await;
    super::respond(result)
}

/// Ends one of the caller's sessions. Needs a signed-in user.
#[server(endpoint = "account/sessions/revoke")]
pub async fn revoke_session(id: String) -> Result<(), AppError> {
    let result = async {
        let state = super::state()?;
        let principal = super::principal(&state).await?;
        crate::service::account_security::revoke_session(&state.db, &principal, &id).await?;
        leptos_axum::redirect("/settings/sessions");
        Ok(())
    }
    .await;
    super::respond(result)
}
