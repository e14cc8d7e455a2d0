//! "Forgot password?": a single-use link by email, then a new password chosen by the user.
//!
//! Invariants:
//! - Asking never tells whether an account exists: the answer is the same for every login,
//!   as fast (the link is written and queued after the answer, on a task of its own), and the
//!   throttle (per address and per login) spends the same either way.
//! - Only an active account with a verified address gets a link: 256 random bits, only their
//!   SHA-256 stored, valid for an hour, once; a new request replaces the earlier link.
//! - Using it sets a password under the same policy as every other, ends every session and
//!   pending sign-in of the user, tells them by email, and signs them in (two-factor is still
//!   asked when it is on). Audited: `password.reset_requested`, `password.reset`.

use super::accounts::{LoginOutcome, finish_sign_in};
use super::audit_entry::{Who, entry_as};
use super::mail::{self, kind};
use super::principal::ClientInfo;
use super::{passwords, secret, throttle};
use crate::domain::password::Password;
use crate::error::{AppError, ErrorCode};
use crate::store::users::UserRow;
use crate::store::{self, Db};
use chrono::{DateTime, Duration, Utc};

/// How long a link works.
pub const LIFETIME_MINUTES: i64 = 60;

fn dead_link() -> AppError {
    AppError::new(
        ErrorCode::NotFound,
        "This link is invalid, was already used, or has expired. Ask for a new one from the sign-in page.",
    )
}

/// A request's link on its way (or nothing to send): the caller answers at once, so an existing
/// account takes no longer to answer than an unknown login; tests wait for it.
#[derive(Debug)]
#[must_use = "drop it to let the link go out on its own, or await `sent`"]
pub struct Requested(Option<tokio::task::JoinHandle<Result<(), AppError>>>);

impl Requested {
    /// Waits until the link is written and its message queued (nothing, when none is sent).
    pub async fn sent(self) -> Result<(), AppError> {
        match self.0 {
            None => Ok(()),
            Some(task) => task
                .await
                .map_err(|_| AppError::internal("the reset link's task stopped"))?,
        }
    }
}

/// Sends a link to the account `login` names (username or email) if it is active and its
/// address verified; otherwise does nothing, answering the same, as fast. No permission;
/// throttled per address and per login (429).
pub async fn request(
    db: &Db,
    login: &str,
    client: &ClientInfo,
    base_url: &str,
    now: DateTime<Utc>,
) -> Result<Requested, AppError> {
    let login = login.trim();
    if login.is_empty() || login.len() > 320 {
        return Err(AppError::validation(
            "login",
            "Enter your username or email address.",
        ));
    }
    // The refusal (429) counts per address and per login as typed, whether or not it names
    // an account, so it tells nothing about accounts.
    throttle::limit(
        db,
        throttle::messages(
            "password_reset",
            &client.ip,
            &throttle::account_part(None, login),
        ),
        &client.ip,
        now,
    )
    .await?;
    let user = store::users::by_login(db, login).await?;
    let settings = store::settings::get(db).await?;
    let Some(user) = user.filter(|u| {
        u.active && u.email_verified && super::sso_policy::password_allowed(settings.sso_only, u)
    }) else {
        return Ok(Requested(None));
    };
    let (db, ip, base_url) = (db.clone(), client.ip.clone(), base_url.to_string());
    let task = tokio::spawn(async move {
        let sent = send_link(&db, &user, &ip, &base_url, now).await;
        if let Err(error) = &sent {
            tracing::warn!(error = %error.message, "could not send a password reset link");
        }
        sent
    });
    Ok(Requested(Some(task)))
}

/// Writes a new link for `user` (replacing their earlier ones) and queues its message, unless
/// the account had its share of links this hour (silently: the asker learns nothing).
async fn send_link(
    db: &Db,
    user: &UserRow,
    ip: &str,
    base_url: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let per_account = throttle::messages(
        "password_reset_sent",
        ip,
        &throttle::account_part(Some(&user.id), &user.username),
    )
    .split_off(1);
    if throttle::limit(db, per_account, ip, now).await.is_err() {
        return Ok(());
    }
    let token = secret::random_secret()?;
    let audit = entry_as(
        // Whoever asked is not known: anyone may ask for anyone.
        Who {
            name: "anonymous",
            id: "",
            ip,
        },
        "password.reset_requested",
        format!("user:{}", user.username),
        None,
        serde_json::json!({}),
        now,
    );
    store::password_resets::create(
        db,
        &secret::sha256_hex(&token),
        &user.id,
        &user.email,
        now + Duration::minutes(LIFETIME_MINUTES),
        &audit,
    )
    .await?;
    let body = format!(
        "Someone (hopefully you) asked to choose a new password for the Gatehouse account \
         \"{username}\". Open this link to do it:\n\n{base_url}/reset-password?token={token}\n\n\
         The link works once and expires in {LIFETIME_MINUTES} minutes. If you did not ask for \
         this, ignore this message: your password stays as it is.",
        username = user.username,
    );
    mail::send(
        db,
        &user.email,
        "Choose a new password",
        &body,
        kind::PASSWORD_RESET,
        now,
    )
    .await
}

/// The username a live link is for (for its page). No permission: the link is the proof.
pub async fn peek(db: &Db, token: &str, now: DateTime<Utc>) -> Result<String, AppError> {
    let token = token.trim();
    if token.is_empty() || token.len() > 100 {
        return Err(dead_link());
    }
    store::password_resets::peek(db, &secret::sha256_hex(token), now)
        .await?
        .map(|owner| owner.username)
        .ok_or_else(dead_link)
}

/// Uses a link: the new password (the policy applies), every session and pending sign-in
/// ended, the user told; returns the user ([`sign_in`] signs them in on the page). No
/// permission: the link is the proof.
pub async fn complete(
    db: &Db,
    token: &str,
    new_password: &Password,
    client: &ClientInfo,
    now: DateTime<Utc>,
) -> Result<UserRow, AppError> {
    let token = token.trim();
    if token.is_empty() || token.len() > 100 {
        return Err(dead_link());
    }
    let hash = secret::sha256_hex(token);
    let owner = store::password_resets::peek(db, &hash, now)
        .await?
        .ok_or_else(dead_link)?;
    let settings = store::settings::get(db).await?;
    if settings.sso_only
        && !store::users::by_login(db, &owner.username)
            .await?
            .is_some_and(|u| super::sso_policy::password_allowed(settings.sso_only, &u))
    {
        return Err(super::sso_policy::refusal());
    }
    passwords::check_new(new_password, "new_password", &owner.username, &owner.email)?;
    let password_hash = passwords::hash(new_password).await?;
    // Actor and target are the link's user's, filled in by the store.
    let audit = entry_as(
        Who {
            name: "",
            id: "",
            ip: &client.ip,
        },
        "password.reset",
        "",
        None,
        serde_json::json!({}),
        now,
    );
    let user = store::password_resets::consume(db, &hash, &password_hash, now, &audit)
        .await?
        .ok_or_else(dead_link)?;
    let notice = format!(
        "The password of the Gatehouse account \"{}\" was changed with a link sent to this \
         address, and every session of the account was ended. Its API tokens still work: \
         review them in the settings (API tokens).\n\nIf you did not do this, ask for a new \
         link from the sign-in page at once, or ask your administrator for help.",
        user.username
    );
    if let Err(error) = mail::send(
        db,
        &user.email,
        "Your password was changed",
        &notice,
        kind::PASSWORD_CHANGED,
        now,
    )
    .await
    {
        tracing::warn!(error = %error.message, "could not queue the password-changed notice");
    }
    Ok(user)
}

/// Signs in the user who just chose a new password with a link (the link proved the address,
/// as the password proves the account): the two-factor code is still asked when it is on.
pub async fn sign_in(
    db: &Db,
    user: &UserRow,
    client: &ClientInfo,
    now: DateTime<Utc>,
) -> Result<LoginOutcome, AppError> {
    if user.two_factor_enabled {
        return Ok(LoginOutcome::TwoFactorRequired {
            user_id: user.id.clone(),
            sso: None,
        });
    }
    finish_sign_in(db, user, client, now).await
}
