//! The second step of a page sign-in when two-factor is on.
//!
//! Invariants:
//! - A challenge is opened only after the right password for an active account; it lives
//!   five minutes, its secret travels only in an HttpOnly cookie, and only its SHA-256 is
//!   stored.
//! - Five wrong codes end a challenge, and each wrong code also counts against the account's
//!   and the address's throttle.
//! - A challenge opens at most one session: completing it deletes it, and only the request
//!   whose delete removed it signs in.

use super::accounts::{self, LoginOutcome};
use super::principal::ClientInfo;
use super::{secret, throttle, two_factor};
use crate::domain::ids::UserId;
use crate::error::{AppError, ErrorCode};
use crate::store::login_challenges::ChallengeSso;
use crate::store::users::UserRow;
use crate::store::{self, Db};
use chrono::{DateTime, Duration, Utc};

/// How long the code may take to arrive after the password.
pub const LIFETIME_MINUTES: i64 = 5;
const MAX_WRONG_CODES: i64 = 5;

fn expired() -> AppError {
    AppError::new(
        ErrorCode::InvalidCredentials,
        "Your sign-in expired. Enter your username and password again.",
    )
}

/// Opens a challenge for a user whose password was just accepted (or whose provider just
/// vouched for them: `sso`); returns its secret.
pub async fn open(
    db: &Db,
    user_id: &UserId,
    sso: Option<&ChallengeSso>,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let secret = secret::random_secret()?;
    let expires_at = now + Duration::minutes(LIFETIME_MINUTES);
    store::login_challenges::create(db, &secret::sha256_hex(&secret), user_id, sso, expires_at)
        .await?;
    Ok(secret)
}

/// A live challenge and its user (active, with a second factor), read from its secret.
pub(crate) struct Live {
    hash: String,
    challenge: store::login_challenges::Challenge,
    pub user: UserRow,
}

/// Reads the live challenge behind `secret`; an unknown or expired one is refused.
pub(crate) async fn live(db: &Db, secret: &str, now: DateTime<Utc>) -> Result<Live, AppError> {
    let hash = secret::sha256_hex(secret);
    let Some(challenge) = store::login_challenges::resolve(db, &hash, now).await? else {
        return Err(expired());
    };
    let Some(user) = store::users::by_id(db, &challenge.user)
        .await?
        .filter(|u| u.active && u.two_factor_enabled)
    else {
        store::login_challenges::complete(db, &hash).await?;
        return Err(expired());
    };
    Ok(Live {
        hash,
        challenge,
        user,
    })
}

impl Live {
    /// The SHA-256 of the challenge's secret (what a passkey ceremony is bound to).
    pub fn hash(&self) -> &str {
        &self.hash
    }

    /// Counts a wrong second factor against the challenge (five end it).
    pub async fn failed(&self, db: &Db) -> Result<(), AppError> {
        store::login_challenges::failed(db, &self.hash, MAX_WRONG_CODES).await?;
        Ok(())
    }

    /// The second factor was right: the challenge is used up and the session opens (the
    /// provider's, when a provider vouched for the first step).
    pub async fn finish(
        self,
        db: &Db,
        client: &ClientInfo,
        now: DateTime<Utc>,
    ) -> Result<LoginOutcome, AppError> {
        if !store::login_challenges::complete(db, &self.hash).await? {
            return Err(expired());
        }
        match &self.challenge.sso {
            Some(sso) => super::sso_accounts::after_code(db, &self.user, sso, client, now).await,
            None => accounts::finish_sign_in(db, &self.user, client, now).await,
        }
    }
}

/// Completes a challenge with a TOTP or recovery code. No permission: the challenge secret is
/// the proof of the password.
pub async fn complete(
    db: &Db,
    secret: &str,
    code: &str,
    client: &ClientInfo,
    now: DateTime<Utc>,
) -> Result<LoginOutcome, AppError> {
    let live = live(db, secret, now).await?;
    let user = &live.user;
    let account = throttle::account_part(Some(&user.id), &user.username);
    let attempt = throttle::attempt(
        db,
        throttle::code_guessing(&client.ip, &account),
        &client.ip,
        now,
    )
    .await?;
    if !two_factor::consume_code(db, &user.id, code, now).await? {
        live.failed(db).await?;
        super::accounts::sign_in_failed(db, &user.username, client, "two_factor_code", now).await?;
        return Err(two_factor::invalid_code());
    }
    attempt.succeeded(db).await?;
    live.finish(db, client, now).await
}
