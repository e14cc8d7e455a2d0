//! Sign-in challenges: the step between an accepted password and an accepted second factor.
//!
//! Invariants:
//! - The record id is the SHA-256 of the challenge secret; the secret lives only in the
//!   client's cookie.
//! - A challenge is completed at most once: completion deletes it, and only the caller whose
//!   delete removed it may open a session.

use super::checked::checked;
use super::{Db, StoreError};
use crate::domain::ids::UserId;
use chrono::{DateTime, Utc};
use surrealdb::types::SurrealValue;

/// The sign-in through a provider a challenge follows: the session it opens is that
/// provider's, and the provider's groups claim is applied then.
#[derive(Debug, Clone, PartialEq, Eq, SurrealValue)]
pub struct ChallengeSso {
    pub provider: String,
    pub groups: Vec<String>,
    pub groups_known: bool,
    /// The pending link (SHA-256 of its secret) to make once the second factor is given: an
    /// account whose only second factor is a passkey proves itself on the link page with its
    /// password, and the identity is linked only after the passkey.
    pub link: Option<String>,
}

pub async fn create(
    db: &Db,
    hash: &str,
    user_id: &UserId,
    sso: Option<&ChallengeSso>,
    expires_at: DateTime<Utc>,
) -> Result<(), StoreError> {
    checked(
        db.query(
            "CREATE type::record('login_challenge', $hash) CONTENT {
                 user: type::record('user', $user), expires_at: $expires_at, attempts: 0,
                 sso: $sso
             }",
        )
        .bind(("hash", hash.to_string()))
        .bind(("user", user_id.to_string()))
        .bind(("sso", sso.cloned()))
        .bind(("expires_at", expires_at))
        .await?,
    )?;
    Ok(())
}

/// A live challenge: whose, and the provider sign-in it follows (if any).
#[derive(Debug, Clone, SurrealValue)]
pub struct Challenge {
    pub user: UserId,
    pub sso: Option<ChallengeSso>,
}

/// The user a live challenge belongs to; an expired one is deleted on the way.
pub async fn resolve(
    db: &Db,
    hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<Challenge>, StoreError> {
    let mut response = checked(
        db.query(
            "DELETE type::record('login_challenge', $hash) WHERE expires_at <= $now;
             SELECT <string> record::id(user) AS user, sso
                 FROM ONLY type::record('login_challenge', $hash);",
        )
        .bind(("hash", hash.to_string()))
        .bind(("now", now))
        .await?,
    )?;
    Ok(response.take(1)?)
}

/// Counts a wrong code; the challenge is deleted once `max` wrong codes were given.
pub async fn failed(db: &Db, hash: &str, max: i64) -> Result<(), StoreError> {
    checked(
        db.query(
            "UPDATE type::record('login_challenge', $hash) SET attempts += 1;
             DELETE type::record('login_challenge', $hash) WHERE attempts >= $max;",
        )
        .bind(("hash", hash.to_string()))
        .bind(("max", max))
        .await?,
    )?;
    Ok(())
}

/// Deletes the challenge; true for exactly one caller.
pub async fn complete(db: &Db, hash: &str) -> Result<bool, StoreError> {
    let mut response = checked(
        db.query("DELETE type::record('login_challenge', $hash) RETURN BEFORE")
            .bind(("hash", hash.to_string()))
            .await?,
    )?;
    let deleted: Vec<surrealdb::types::Value> = response.take(0)?;
    Ok(!deleted.is_empty())
}
