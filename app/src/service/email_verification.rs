//! Email verification: a link sent to an address proves the user controls it.
//!
//! Invariants:
//! - The link carries 256 random bits; only their SHA-256 is stored.
//! - A link works once, for 48 hours, and only while the user's address is still the one it
//!   was sent to (the store checks all three in the transaction that marks it verified).
//! - A new link (resend, another email change) replaces the user's earlier ones.
//! - Using a link is audited (`email.verified`) in the same transaction.

use super::audit_entry::{Who, entry_as};
use super::mail::{self, kind};
use super::principal::ClientInfo;
use super::principal::Principal;
use super::secret;
use crate::domain::ids::UserId;
use crate::error::{AppError, ErrorCode};
use crate::store::{self, Db};
use chrono::{DateTime, Duration, Utc};

pub const LIFETIME_HOURS: i64 = 48;

fn dead_link() -> AppError {
    AppError::new(
        ErrorCode::NotFound,
        "This verification link is invalid, was already used, or has expired. Request a new one from your profile settings.",
    )
}

/// Sends a verification link for `email` to that address.
pub async fn send_link(
    db: &Db,
    user_id: &UserId,
    email: &str,
    base_url: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let token = secret::random_secret()?;
    let expires_at = now + Duration::hours(LIFETIME_HOURS);
    store::email_verifications::create(db, &secret::sha256_hex(&token), user_id, email, expires_at)
        .await?;
    let body = format!(
        "Confirm that this is your email address for Gatehouse by opening this link:\n\n\
         {base_url}/verify-email?token={token}\n\n\
         The link works once and expires in {LIFETIME_HOURS} hours. If you did not ask for this, \
         you can ignore this message."
    );
    mail::send(
        db,
        email,
        "Confirm your email address",
        &body,
        kind::EMAIL_VERIFICATION,
        now,
    )
    .await
}

/// Tells the old address that the account's email changed (in case it was not its owner).
pub async fn notify_change(
    db: &Db,
    old_email: &str,
    new_email: &str,
    username: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let body = format!(
        "The email address of the Gatehouse account \"{username}\" was changed from {old_email} \
         to {new_email}.\n\nIf you made this change, there is nothing to do. If you did not, \
         sign in and change your password, or ask your administrator for help."
    );
    mail::send(
        db,
        old_email,
        "Your email address was changed",
        &body,
        kind::EMAIL_CHANGED,
        now,
    )
    .await
}

/// The address a link would verify (for the confirmation page). No permission.
pub async fn peek(db: &Db, token: &str, now: DateTime<Utc>) -> Result<String, AppError> {
    store::email_verifications::peek(db, &secret::sha256_hex(token.trim()), now)
        .await?
        .ok_or_else(dead_link)
}

/// Uses a link (audited as `email.verified` by the link's user). No permission: the link is
/// the proof.
pub async fn verify(
    db: &Db,
    token: &str,
    client: &ClientInfo,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let token = token.trim();
    if token.is_empty() || token.len() > 100 {
        return Err(dead_link());
    }
    // Actor, target and detail are the link's user's, filled in by the store.
    let audit = entry_as(
        Who {
            name: "",
            id: "",
            ip: &client.ip,
        },
        "email.verified",
        "",
        None,
        serde_json::Value::Null,
        now,
    );
    if store::email_verifications::consume(db, &secret::sha256_hex(token), now, &audit).await? {
        Ok(())
    } else {
        Err(dead_link())
    }
}

/// Sends a new link to the caller's unverified address. Needs a signed-in user; at most 5 an
/// hour per account and 20 per address (429 beyond).
pub async fn resend(
    db: &Db,
    principal: &Principal,
    base_url: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let caller = principal.user()?;
    let user = store::users::by_id(db, &caller.user_id)
        .await?
        .ok_or_else(AppError::unauthenticated)?;
    if user.email_verified {
        return Err(AppError::conflict(
            ErrorCode::Conflict,
            "Your email address is already verified.",
        ));
    }
    super::throttle::limit(
        db,
        super::throttle::messages(
            "verification",
            principal.ip(),
            &super::throttle::account_part(Some(&user.id), ""),
        ),
        principal.ip(),
        now,
    )
    .await?;
    send_link(db, &user.id, &user.email, base_url, now).await
}
