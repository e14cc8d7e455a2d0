//! Proving an account by email before an identity at a provider is linked to it (issue 17.4),
//! for people who would rather not (or cannot: an account without a password) type a
//! password on the link page.
//!
//! Invariants:
//! - The emailed link proves the address, like a "forgot password?" link (whoever holds the
//!   inbox, or a forwarded message, can use it); it works only together with the pending
//!   link's cookie, in the browser that came back from the provider, and only while the
//!   pending link lives.
//! - Only an account whose address is verified is proved this way: otherwise someone could put
//!   another person's address on their own account and have that person's identity linked
//!   into it.
//! - Only the SHA-256 of the emailed token is stored; a new email replaces it; it is used at
//!   most once (the pending link is deleted when the identity is linked).
//! - Sending is throttled per account and per address.
//! - The account's second factor is still asked when it has one, and the identity is linked
//!   only once it is given.

use super::accounts::LoginOutcome;
use super::mail;
use super::principal::ClientInfo;
use super::secret::{random_secret, same, sha256_hex};
use super::throttle;
use crate::error::AppError;
use crate::store::{self, Db, Guard};
use crate::store::{sso_flows::LinkView, users::UserRow};
use chrono::{DateTime, Utc};

fn dead() -> AppError {
    AppError::from(Guard::LinkDead)
}

/// The pending link behind the cookie `secret`, and its (active) user.
async fn pending(
    db: &Db,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<(String, LinkView, UserRow), AppError> {
    let hash = sha256_hex(secret);
    let view = store::sso_flows::pending(db, &hash, now)
        .await?
        .ok_or_else(dead)?;
    let user = store::users::by_id(db, &view.user)
        .await?
        .filter(|u| u.active)
        .ok_or_else(dead)?;
    if !user.email_verified {
        return Err(AppError::forbidden(
            "This account's email address is not verified, so a link sent to it proves nothing: enter the account's password instead.",
        ));
    }
    Ok((hash, view, user))
}

/// Emails the account the pending link names a link that proves it. No permission (the
/// pending link's cookie, `secret`, is the caller's standing).
pub async fn send(
    db: &Db,
    secret: &str,
    base_url: &str,
    client: &ClientInfo,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let (hash, view, user) = pending(db, secret, now).await?;
    let account = throttle::account_part(Some(&user.id), &user.username);
    throttle::limit(
        db,
        throttle::messages("sso_link_sent", &client.ip, &account),
        &client.ip,
        now,
    )
    .await?;
    let token = random_secret()?;
    if !store::sso_flows::set_email_token(db, &hash, &sha256_hex(&token), now).await? {
        return Err(dead());
    }
    let body = format!(
        "Someone, presumably you, signed in to Gatehouse through {provider} and asked to link it \
         to the account \"{username}\". To link it, open this address in the same browser, \
         within {minutes} minutes of that sign-in:\n\n{base_url}/login/link?token={token}\n\n\
         Do not forward this message: whoever opens the link with that sign-in links it. If \
         this was not you, ignore this message: nothing is linked without it.",
        provider = view.provider_name,
        username = user.username,
        minutes = super::sso_accounts::LINK_MINUTES,
    );
    mail::send(
        db,
        &user.email,
        "Link your sign-in to your Gatehouse account",
        &body,
        mail::kind::SSO_LINK,
        now,
    )
    .await
}

/// Links the pending identity with the emailed `token` as the proof of the account, and signs
/// in through the provider (or asks for the account's second factor first). No permission
/// beyond the cookie and the token. Returns where to go next, too.
pub async fn complete(
    db: &Db,
    secret: &str,
    token: &str,
    client: &ClientInfo,
    now: DateTime<Utc>,
) -> Result<(LoginOutcome, String), AppError> {
    let (hash, view, user) = pending(db, secret, now).await?;
    let token_hash = sha256_hex(token.trim());
    let emailed = view
        .email_token
        .as_deref()
        .is_some_and(|stored| same(stored, &token_hash));
    if !emailed {
        super::accounts::sign_in_failed(db, &user.username, client, "sso_link_email", now).await?;
        return Err(dead());
    }
    let outcome = super::sso_accounts::link_and_sign_in(
        db,
        &user,
        &hash,
        &view,
        Some(&token_hash),
        user.two_factor_enabled,
        client,
        now,
    )
    .await?;
    Ok((outcome, view.next))
}
