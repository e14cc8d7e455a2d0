//! Two-factor settings for the pages. Recovery codes reach a page posted without JavaScript
//! through a one-time cookie (the redirect after the post cannot carry them otherwise, and
//! they must never be stored in clear on the server or put in a URL).

use crate::domain::two_factor::{Enrolment, RecoveryCodes, TwoFactorStatus};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
const REVEAL_COOKIE: &str = "gatehouse_recovery_reveal";
#[cfg(feature = "ssr")]
const PAGE: &str = "/settings/two-factor";

/// Hands fresh codes to the page: returned to the hydrated app, or through the one-time
/// cookie and a redirect for a plain form post.
#[cfg(feature = "ssr")]
fn deliver(state: &crate::state::AppState, codes: RecoveryCodes) -> RecoveryCodes {
    if super::plain_form_post() {
        super::set_once_cookie(state, REVEAL_COOKIE, &codes.recovery_codes.join("."), PAGE);
        super::redirect(PAGE);
    }
    codes
}

/// The caller's two-factor state. Needs a signed-in user.
#[server(endpoint = "account/two-factor")]
pub async fn get_two_factor() -> Result<TwoFactorStatus, AppError> {
    super::run(move |state, principal| async move {
        crate::service::two_factor::status(&state.db, &principal).await
    })
    .await
}

/// Starts enrolment (a new secret). Needs a signed-in user without two-factor.
#[server(endpoint = "account/two-factor/begin")]
pub async fn begin_two_factor() -> Result<Enrolment, AppError> {
    super::run(move |state, principal| async move {
        let enrolment =
            crate::service::two_factor::begin(&state.db, &principal, chrono::Utc::now()).await?;
        if super::plain_form_post() {
            super::redirect(PAGE);
        }
        Ok(enrolment)
    })
    .await
}

/// Confirms enrolment with a code; returns the recovery codes once. Needs a signed-in user
/// with a pending enrolment.
#[server(endpoint = "account/two-factor/confirm")]
pub async fn confirm_two_factor(code: String) -> Result<RecoveryCodes, AppError> {
    super::run(move |state, principal| async move {
        let (codes, fresh) =
            crate::service::two_factor::confirm(&state.db, &principal, &code, chrono::Utc::now())
                .await?;
        if let Some(session) = fresh {
            super::set_cookie(crate::cookies::set(&state, &session.secret));
        }
        Ok(deliver(&state, codes))
    })
    .await
}

/// Replaces the recovery codes (needs a current code). Needs a signed-in user with two-factor.
#[server(endpoint = "account/two-factor/recovery-codes")]
pub async fn regenerate_recovery_codes(code: String) -> Result<RecoveryCodes, AppError> {
    super::run(move |state, principal| async move {
        let codes = crate::service::two_factor::regenerate_recovery_codes(
            &state.db,
            &principal,
            &code,
            chrono::Utc::now(),
        )
        .await?;
        Ok(deliver(&state, codes))
    })
    .await
}

/// Turns two-factor off with the password or a code, or cancels a pending enrolment. Needs a
/// signed-in user.
#[server(endpoint = "account/two-factor/disable")]
pub async fn disable_two_factor(
    password: String,
    code: String,
    #[server(default)] accept_blocked: Option<String>,
) -> Result<(), AppError> {
    use crate::domain::password::Password;
    use crate::domain::two_factor::DisableTwoFactor;
    use crate::service::two_factor;
    super::run(move |state, principal| async move {
        let proof = DisableTwoFactor {
            password: (!password.is_empty()).then(|| Password::new(password)),
            code: (!code.trim().is_empty()).then_some(code),
            // A checkbox: sent (as "on") only when ticked.
            accept_blocked: accept_blocked.as_deref() == Some("on"),
        };
        two_factor::disable(&state.db, &principal, &proof, chrono::Utc::now()).await?;
        super::redirect(PAGE);
        Ok(())
    })
    .await
}

/// Recovery codes just issued by a plain form post, taken (and cleared) from their one-time
/// cookie. Needs nothing: it only returns what the caller's own browser holds.
#[server(endpoint = "account/two-factor/reveal")]
pub async fn take_recovery_reveal() -> Result<Option<Vec<String>>, AppError> {
    let headers = use_context::<http::request::Parts>()
        .map(|parts| parts.headers)
        .unwrap_or_default();
    let Some(value) = crate::cookies::read(&headers, REVEAL_COOKIE) else {
        return Ok(None);
    };
    let state = super::state()?;
    super::set_cookie(crate::cookies::short_lived(
        &state,
        REVEAL_COOKIE,
        "",
        PAGE,
        0,
    ));
    let codes: Vec<String> = value
        .split('.')
        .filter(|c| {
            c.len() == 11
                && c.bytes()
                    .all(|b| b.is_ascii_lowercase() || (b'2'..=b'7').contains(&b) || b == b'-')
        })
        .map(str::to_string)
        .collect();
    Ok((!codes.is_empty()).then_some(codes))
}
