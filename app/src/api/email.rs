//! Email verification for the pages.

use crate::error::AppError;
use leptos::prelude::*;

/// The address a verification link would verify, for the confirmation page. No permission.
#[server(endpoint = "email/verification/peek")]
pub async fn peek_email_verification(token: String) -> Result<String, AppError> {
    let result = async {
        let state = super::state()?;
        crate::service::email_verification::peek(&state.db, &token, chrono::Utc::now()).await
    }
    .await;
    super::respond(result)
}

/// Uses a verification link. No permission (the link is the proof).
#[server(endpoint = "email/verification/confirm")]
pub async fn verify_email(token: String) -> Result<(), AppError> {
    let result = async {
        let state = super::state()?;
        crate::service::email_verification::verify(
            &state.db,
            &token,
            &super::client(),
            chrono::Utc::now(),
        )
        .await?;
        super::redirect("/verify-email?verified=1");
        Ok(())
    }
    .await;
    super::respond(result)
}

/// Sends a new verification link to the caller's unverified address. Needs a signed-in user.
#[server(endpoint = "email/verification/resend")]
pub async fn resend_verification() -> Result<(), AppError> {
    super::run(move |state, principal| async move {
        crate::service::email_verification::resend(
            &state.db,
            &principal,
            &super::base_url(&state),
            chrono::Utc::now(),
        )
        .await?;
        super::redirect("/settings/profile?sent=1");
        Ok(())
    })
    .await
}
