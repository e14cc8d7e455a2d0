//! Failure counters for sign-in throttling, keyed by what is being throttled.

use super::checked::checked;
use super::{Db, StoreError};
use chrono::{DateTime, Utc};
use surrealdb::types::SurrealValue;

#[derive(Debug, Clone, PartialEq, Eq, SurrealValue)]
pub struct ThrottleRow {
    pub failures: i64,
    pub window_start: DateTime<Utc>,
    pub locked_until: Option<DateTime<Utc>>,
}

pub async fn get(db: &Db, key: &str) -> Result<Option<ThrottleRow>, StoreError> {
    let mut response = checked(
        db.query(
            "SELECT failures, window_start, locked_until FROM ONLY type::record('throttle', $key)",
        )
        .bind(("key", key.to_string()))
        .await?,
    )?;
    Ok(response.take(0)?)
}

pub async fn put(db: &Db, key: &str, row: &ThrottleRow) -> Result<(), StoreError> {
    checked(
        db.query(
            "UPSERT type::record('throttle', $key) CONTENT {
                 failures: $failures, window_start: $window_start, locked_until: $locked_until
             }",
        )
        .bind(("key", key.to_string()))
        .bind(("failures", row.failures))
        .bind(("window_start", row.window_start))
        .bind(("locked_until", row.locked_until))
        .await?,
    )?;
    Ok(())
}

pub async fn clear(db: &Db, key: &str) -> Result<(), StoreError> {
    checked(
        db.query("DELETE type::record('throttle', $key)")
            .bind(("key", key.to_string()))
            .await?,
    )?;
    Ok(())
}
