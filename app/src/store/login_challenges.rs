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

pub async fn create(
    db: &Db,
    hash: &str,
    user_id: &UserId,
    expires_at: DateTime<Utc>,
) -> Result<(), StoreError> {
    checked(
        db.query(
            "CREATE type::record('login_challenge', $hash) CONTENT {
                 user: type::record('user', $user), expires_at: $expires_at, attempts: 0
             }",
        )
        .bind(("hash", hash.to_string()))
        .bind(("user", user_id.to_string()))
        .bind(("expires_at", expires_at))
        .await?,
    )?;
    Ok(())
}

/// The user a live challenge belongs to; an expired one is deleted on the way.
pub async fn resolve(
    db: &Db,
    hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<UserId>, StoreError> {
    let mut response = checked(
        db.query(
            "DELETE type::record('login_challenge', $hash) WHERE expires_at <= $now;
             SELECT VALUE record::id(user) FROM ONLY type::record('login_challenge', $hash);",
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
