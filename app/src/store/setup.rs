//! The one-time setup code (its hash only).

use super::checked::checked;
use super::{Db, StoreError};
use chrono::{DateTime, Utc};

/// Replaces any previous code with this one.
pub async fn put(db: &Db, hash: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
    checked(
        db.query("UPSERT setup_code:current CONTENT { hash: $hash, created_at: $now }")
            .bind(("hash", hash.to_string()))
            .bind(("now", now))
            .await?,
    )?;
    Ok(())
}

/// The stored hash, if a code is waiting to be used.
pub async fn get(db: &Db) -> Result<Option<String>, StoreError> {
    let mut response = checked(
        db.query("SELECT VALUE hash FROM ONLY setup_code:current")
            .await?,
    )?;
    Ok(response.take(0)?)
}

/// Deletes the code if it still has `hash`; true for exactly one caller.
pub async fn consume(db: &Db, hash: &str) -> Result<bool, StoreError> {
    let mut response = checked(
        db.query("DELETE setup_code:current WHERE hash = $hash RETURN BEFORE")
            .bind(("hash", hash.to_string()))
            .await?,
    )?;
    let deleted: Vec<surrealdb::types::Value> = response.take(0)?;
    Ok(!deleted.is_empty())
}
