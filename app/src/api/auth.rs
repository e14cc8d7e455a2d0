//! Sign-in, sign-up and sign-out for the pages. Plain form posts work without JavaScript:
//! success redirects, failure returns to the form with the error in the URL.

use crate::domain::user::User;
use crate::error::AppError;
use leptos::prelude::*;

/// Only same-site paths are followed after sign-in (see `domain::redirect`).
pub fn safe_next(next: Option<&str>) -> String {
    crate::domain::redirect::local_path(next)
}

/// Signs in an account created a moment ago by this same request (sign-up, setup), setting the
/// session cookie.
#[cfg(feature = "ssr")]
async fn sign_in_new_account(
    state: &crate::state::AppState,
    username: String,
    password: crate::domain::password::Password,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), AppError> {
    use crate::domain::user::LoginInput;
    use crate::service::accounts::{self, LoginOutcome};
    let input = LoginInput {
        login: username,
        password,
        code: None,
    };
    if let LoginOutcome::SignedIn { session, .. } =
        accounts::login(&state.db, &input, &super::client(), now).await?
    {
        super::set_cookie(crate::cookies::set(state, &session.secret));
    }
    Ok(())
}

/// No permission. Sets the session cookie and redirects to `next` (or home); when two-factor
/// is on, sets the challenge cookie instead and redirects to the code page.
#[server(endpoint = "auth/sign-in")]
pub async fn sign_in(
    login: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    use crate::domain::password::Password;
    use crate::domain::user::LoginInput;
    use crate::service::accounts;
    let result = async {
        let state = super::state()?;
        let input = LoginInput {
            login,
            password: Password::new(password),
            code: None,
        };
        let now = chrono::Utc::now();
        let outcome = accounts::login(&state.db, &input, &super::client(), now).await?;
        signed_in(&state, outcome, next.as_deref(), now).await
    }
    .await;
    super::respond(result)
}

/// Completes a sign-in that needs a two-factor code: reads the challenge cookie set by
/// [`sign_in`]. No permission (the challenge is the proof of the password).
#[server(endpoint = "auth/sign-in/code")]
pub async fn sign_in_code(code: String, next: Option<String>) -> Result<(), AppError> {
    use crate::service::login_challenge;
    let result = async {
        let state = super::state()?;
        let headers = use_context::<http::request::Parts>()
            .map(|parts| parts.headers)
            .unwrap_or_default();
        let Some(secret) = crate::cookies::read(&headers, crate::cookies::CHALLENGE) else {
            return Err(AppError::new(
                crate::error::ErrorCode::InvalidCredentials,
                "Your sign-in expired. Enter your username and password again.",
            ));
        };
        let now = chrono::Utc::now();
        let outcome =
            login_challenge::complete(&state.db, &secret, &code, &super::client(), now).await?;
        super::set_cookie(crate::cookies::short_lived(
            &state,
            crate::cookies::CHALLENGE,
            "",
            "/",
            0,
        ));
        signed_in(&state, outcome, next.as_deref(), now).await
    }
    .await;
    super::respond(result)
}

/// Turns a sign-in outcome into cookies and a redirect (see `api::landing`).
#[cfg(feature = "ssr")]
async fn signed_in(
    state: &crate::state::AppState,
    outcome: crate::service::accounts::LoginOutcome,
    next: Option<&str>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), AppError> {
    let landing = super::landing::landing(state, outcome, next, now).await?;
    for cookie in landing.cookies {
        super::set_cookie(cookie);
    }
    super::redirect(&landing.location);
    Ok(())
}

/// No permission; only while sign-up is open. Creates the account and signs it in.
#[server(endpoint = "auth/sign-up")]
pub async fn sign_up(username: String, email: String, password: String) -> Result<(), AppError> {
    use crate::domain::password::Password;
    use crate::domain::user::SignupInput;
    use crate::service::accounts;
    let result = async {
        let state = super::state()?;
        let now = chrono::Utc::now();
        let password = Password::new(password);
        let user = accounts::signup(
            &state.db,
            &SignupInput {
                username,
                email,
                password: password.clone(),
            },
            &super::client(),
            &super::base_url(&state),
            now,
        )
        .await?;
        sign_in_new_account(&state, user.username, password, now).await?;
        super::redirect("/");
        Ok(())
    }
    .await;
    super::respond(result)
}

/// Ends the caller's session. No permission (a no-op when signed out).
#[server(endpoint = "auth/sign-out")]
pub async fn sign_out() -> Result<(), AppError> {
    super::run(move |state, principal| async move {
        let provider =
            crate::service::accounts::logout(&state.db, &principal, chrono::Utc::now()).await?;
        super::set_cookie(crate::cookies::clear(&state));
        match provider {
            // Signed in through a provider: its own sign-out is offered.
            Some(id) => super::redirect(&format!(
                "/signed-out?provider={}",
                crate::domain::percent::encode(&id)
            )),
            None => super::redirect("/"),
        }
        Ok(())
    })
    .await
}

/// The signed-in user, or `None`. No permission.
#[server(endpoint = "auth/me")]
pub async fn current_user() -> Result<Option<User>, AppError> {
    super::run(move |state, principal| async move {
        match crate::service::accounts::me(&state.db, &principal).await {
            Ok(user) => Ok(Some(user)),
            Err(err) if err.status() == 401 => Ok(None),
            Err(err) => Err(err),
        }
    })
    .await
}

/// Whether the instance still needs its first administrator. No permission.
#[server(endpoint = "setup/needed")]
pub async fn setup_needed() -> Result<bool, AppError> {
    let result = async {
        let state = super::state()?;
        crate::service::setup::needed(&state.db).await
    }
    .await;
    super::respond(result)
}

/// Creates the first site administrator with the one-time setup code from the server log,
/// then signs them in. No permission: the code is the credential.
#[server(endpoint = "setup/complete")]
pub async fn complete_setup(
    code: String,
    username: String,
    email: String,
    password: String,
) -> Result<(), AppError> {
    use crate::domain::password::Password;
    let result = async {
        let state = super::state()?;
        let now = chrono::Utc::now();
        let password = Password::new(password);
        let user = crate::service::setup::complete(
            &state.db,
            &crate::service::setup::SetupInput {
                code: &code,
                username: &username,
                email: &email,
                password: &password,
            },
            now,
        )
        .await?;
        sign_in_new_account(&state, user.username, password, now).await?;
        super::redirect("/");
        Ok(())
    }
    .await;
    super::respond(result)
}

/// Asks for a "forgot password?" link. No permission; the same answer whatever `login` names.
/// After a plain form post, shows the page again with its answer.
#[server(endpoint = "auth/password-reset")]
pub async fn request_password_reset(login: String) -> Result<(), AppError> {
    let result = async {
        let state = super::state()?;
        // The link goes out on its own; the answer does not wait for it.
        drop(
            crate::service::password_reset::request(
                &state.db,
                &login,
                &super::client(),
                &super::base_url(&state),
                chrono::Utc::now(),
            )
            .await?,
        );
        if super::plain_form_post() {
            super::redirect("/forgot-password?sent=1");
        }
        Ok(())
    }
    .await;
    super::respond(result)
}

/// The username a "forgot password?" link is for (its page). No permission.
#[server(endpoint = "auth/password-reset/peek")]
pub async fn peek_password_reset(token: String) -> Result<String, AppError> {
    let result = async {
        let state = super::state()?;
        crate::service::password_reset::peek(&state.db, &token, chrono::Utc::now()).await
    }
    .await;
    super::respond(result)
}

/// Uses a "forgot password?" link: the new password (typed twice), then signed in as after a
/// sign-in (the two-factor code page when it is on). No permission: the link is the proof.
#[server(endpoint = "auth/password-reset/complete")]
pub async fn complete_password_reset(
    token: String,
    new_password: String,
    new_password_again: String,
) -> Result<(), AppError> {
    use crate::domain::password::Password;
    use crate::service::password_reset;
    let result = async {
        let new_password = Password::typed_twice(new_password, &new_password_again)?;
        let state = super::state()?;
        let now = chrono::Utc::now();
        let client = super::client();
        let user = password_reset::complete(&state.db, &token, &new_password, &client, now).await?;
        let outcome = password_reset::sign_in(&state.db, &user, &client, now).await?;
        signed_in(&state, outcome, None, now).await
    }
    .await;
    super::respond(result)
}
