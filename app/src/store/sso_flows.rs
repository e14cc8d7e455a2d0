//! Sign-ins through a provider under way, and identities waiting to be linked.
//!
//! Invariants:
//! - A flow's key is the SHA-256 of the `state` sent to the provider, and it records the
//!   SHA-256 of the cookie of the browser that started it; [`take`] deletes it, so a flow is
//!   finished at most once, and only before it expires.
//! - A pending link's key is the SHA-256 of the secret in its cookie; it links its identity
//!   only to the user it names, once, before it expires, in the transaction that deletes it.

use super::checked::checked;
use super::identities::NewIdentity;
use super::{Db, StoreError};
use super::{Guard, Write};
use crate::domain::ids::UserId;
use chrono::{DateTime, Utc};
use surrealdb::types::SurrealValue;

/// A sign-in under way.
#[derive(Debug, Clone, SurrealValue)]
pub struct FlowRow {
    pub provider: String,
    pub browser: String,
    pub verifier: String,
    pub nonce: String,
    pub next: String,
    pub expires_at: DateTime<Utc>,
}

/// Records a flow (and clears expired ones).
pub async fn start(
    db: &Db,
    state_hash: &str,
    flow: &FlowRow,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    checked(
        db.query(
            "DELETE sso_flow WHERE expires_at <= $now;
             CREATE type::record('sso_flow', $hash) CONTENT {
                 provider: type::record('sso_provider', $provider), browser: $browser,
                 verifier: $verifier, nonce: $nonce, next: $next, expires_at: $expires_at
             };",
        )
        .bind(("now", now))
        .bind(("hash", state_hash.to_string()))
        .bind(("provider", flow.provider.clone()))
        .bind(("browser", flow.browser.clone()))
        .bind(("verifier", flow.verifier.clone()))
        .bind(("nonce", flow.nonce.clone()))
        .bind(("next", flow.next.clone()))
        .bind(("expires_at", flow.expires_at))
        .await?,
    )?;
    Ok(())
}

/// Removes a flow and returns it, if it was there (expired or not: the caller judges). Two
/// concurrent takes of one flow conflict; the retried one finds it gone.
pub async fn take(db: &Db, state_hash: &str) -> Result<Option<FlowRow>, Guard> {
    Write::new(
        db,
        "BEGIN TRANSACTION;
         LET $flow = (SELECT <string> record::id(provider) AS provider, browser, verifier, nonce,
                 next, expires_at
             FROM ONLY type::record('sso_flow', $hash));
         DELETE type::record('sso_flow', $hash);
         COMMIT TRANSACTION;
         RETURN $flow;",
    )
    .bind("hash", state_hash.to_string())
    .returning::<Option<FlowRow>>()
    .await
}

/// An identity waiting for its person to prove the account it will be linked to.
#[derive(Debug, Clone)]
pub struct PendingLink<'a> {
    pub identity: NewIdentity<'a>,
    pub user: &'a UserId,
    pub groups: Vec<String>,
    /// Whether the identity came with its groups claim at all.
    pub groups_known: bool,
    pub next: &'a str,
    pub expires_at: DateTime<Utc>,
}

/// Records a pending link, replacing the user's earlier ones.
pub async fn pend(db: &Db, hash: &str, link: &PendingLink<'_>) -> Result<(), StoreError> {
    checked(
        db.query(
            "BEGIN TRANSACTION;
             DELETE sso_link WHERE user = type::record('user', $user);
             CREATE type::record('sso_link', $hash) CONTENT {
                 provider: type::record('sso_provider', $provider), subject: $subject,
                 user: type::record('user', $user), email: $email, groups: $groups,
                 groups_known: $groups_known, next: $next, expires_at: $expires_at
             };
             COMMIT TRANSACTION;",
        )
        .bind(("hash", hash.to_string()))
        .bind(("provider", link.identity.provider.to_string()))
        .bind(("subject", link.identity.subject.to_string()))
        .bind(("user", link.user.to_string()))
        .bind(("email", link.identity.email.to_string()))
        .bind(("groups", link.groups.clone()))
        .bind(("groups_known", link.groups_known))
        .bind(("next", link.next.to_string()))
        .bind(("expires_at", link.expires_at))
        .await?,
    )?;
    Ok(())
}

/// A live pending link, as its page shows it.
#[derive(Debug, Clone, SurrealValue)]
pub struct LinkView {
    pub provider: String,
    pub provider_name: String,
    pub subject: String,
    pub user: UserId,
    pub username: String,
    pub email: String,
    pub groups: Vec<String>,
    pub groups_known: bool,
    pub next: String,
    /// The SHA-256 of the token of the link last emailed to prove the account, if any.
    pub email_token: Option<String>,
}

/// A live pending link.
pub async fn pending(
    db: &Db,
    hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<LinkView>, StoreError> {
    let mut response = checked(
        db.query(
            "SELECT <string> record::id(provider) AS provider, provider.name AS provider_name,
                 subject, <string> record::id(user) AS user, user.username AS username, email,
                 groups, groups_known, next, email_token
             FROM ONLY type::record('sso_link', $hash)
             WHERE expires_at > $now AND user.active = true",
        )
        .bind(("hash", hash.to_string()))
        .bind(("now", now))
        .await?,
    )?;
    Ok(response.take(0)?)
}

/// Gives a live pending link an emailed proof: the SHA-256 of the token sent to the account's
/// address (replacing an earlier one). `false` when the link is gone or expired.
pub async fn set_email_token(
    db: &Db,
    hash: &str,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<bool, Guard> {
    Write::new(
        db,
        "BEGIN TRANSACTION;
         LET $set = (UPDATE type::record('sso_link', $hash) SET email_token = $token_hash
             WHERE expires_at > $now RETURN VALUE id);
         COMMIT TRANSACTION;
         RETURN count($set) > 0;",
    )
    .bind("hash", hash.to_string())
    .bind("token_hash", token_hash.to_string())
    .bind("now", now)
    .returning::<Option<bool>>()
    .await
    .map(|set| set.unwrap_or(false))
}

/// Uses a pending link: links its identity to `user_id` (who just proved the account) and
/// deletes it. `link_dead` when it is gone, expired or names another user, or, when the proof
/// is the emailed link (`email_token`, its SHA-256), when that is not the link's.
pub async fn complete(
    db: &Db,
    hash: &str,
    user_id: &UserId,
    identity_key: &str,
    email_token: Option<&str>,
    now: DateTime<Utc>,
    audit: &super::audit::Audit,
) -> Result<(), Guard> {
    Write::audited(
        db,
        "BEGIN TRANSACTION;
         LET $link = (SELECT * FROM ONLY type::record('sso_link', $hash));
         IF $link = NONE OR $link.expires_at <= $now OR $link.user != type::record('user', $user_id)
             OR $link.user.active != true
             OR ($email_token != NONE AND $link.email_token != $email_token) {
             THROW 'link_dead'
         };
         DELETE type::record('sso_link', $hash);
         IF record::exists(type::record('identity', $identity_key)) { THROW 'identity_linked' };
         CREATE type::record('identity', $identity_key) CONTENT {
             provider: $link.provider, subject: $link.subject, user: $link.user,
             email: $link.email, created_at: $now, last_used_at: $now
         };
         COMMIT TRANSACTION;",
        audit,
    )
    .bind("hash", hash.to_string())
    .bind("user_id", user_id.to_string())
    .bind("identity_key", identity_key.to_string())
    .bind("email_token", email_token.map(str::to_string))
    .bind("now", now)
    .run()
    .await
}
