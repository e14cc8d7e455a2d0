//! Where a successful sign-in lands, whatever proved it (a password, a provider, a link): the
//! cookies to set and the page to go to. One function for the page sign-in and the single
//! sign-on callback, so the temporary-password, two-factor and two-factor-setup rules are
//! applied once.

use crate::error::AppError;
use crate::service::accounts::LoginOutcome;
use crate::service::login_challenge;
use crate::state::AppState;
use chrono::{DateTime, Utc};
use http::HeaderValue;

/// The cookies to set and the local path to go to.
pub struct Landing {
    pub cookies: Vec<HeaderValue>,
    pub location: String,
}

/// Turns a sign-in outcome into cookies and a redirect to `next` (a local path).
pub async fn landing(
    state: &AppState,
    outcome: LoginOutcome,
    next: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Landing, AppError> {
    let next = crate::domain::redirect::local_path(next);
    let landing = match outcome {
        LoginOutcome::SignedIn { session, user } => {
            let cookies = vec![crate::cookies::set(state, &session.secret)];
            let location = if crate::service::sessions::two_factor_setup_required(
                &state.db,
                user.two_factor_enabled,
            )
            .await?
            {
                // Everything but setting up two-factor is refused until it is on.
                "/settings/two-factor".to_string()
            } else {
                next
            };
            Landing { cookies, location }
        }
        // A temporary password: nothing else works until it is replaced.
        LoginOutcome::PasswordChangeRequired { session } => Landing {
            cookies: vec![crate::cookies::set(state, &session.secret)],
            location: "/settings/password?required=1".to_string(),
        },
        LoginOutcome::TwoFactorRequired { user_id, sso } => {
            let secret = login_challenge::open(&state.db, &user_id, sso.as_ref(), now).await?;
            let mut location = String::from("/login/two-factor");
            if next != "/" {
                location.push_str("?next=");
                location.push_str(&crate::domain::percent::encode(&next));
            }
            Landing {
                cookies: vec![crate::cookies::short_lived(
                    state,
                    crate::cookies::CHALLENGE,
                    &secret,
                    "/",
                    login_challenge::LIFETIME_MINUTES * 60,
                )],
                location,
            }
        }
    };
    Ok(landing)
}
