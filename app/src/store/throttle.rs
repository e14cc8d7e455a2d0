//! Failure counters for sign-in throttling, keyed by what is being throttled.

use super::checked::checked;
use super::{Db, StoreError};
use super::{Guard, Write};
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

/// Writes `next` for `key` if the row is still `expected` (compared by failures and window
/// start; `None`: absent): one atomic compare-and-set, so parallel attempts cannot lose
/// counts. `false` when someone else wrote first (read again and retry).
pub async fn swap(
    db: &Db,
    key: &str,
    expected: Option<&ThrottleRow>,
    next: &ThrottleRow,
) -> Result<bool, Guard> {
    let result = Write::new(db, "BEGIN TRANSACTION;
                 LET $row = (SELECT failures, window_start FROM ONLY type::record('throttle', $key));
                 IF ($row = NONE AND $expect_failures != NONE)
                     OR ($row != NONE AND ($expect_failures = NONE
                         OR $row.failures != $expect_failures
                         OR $row.window_start != $expect_start)) {
                     THROW 'raced'
                 };
                 UPSERT type::record('throttle', $key) CONTENT {
                     failures: $failures, window_start: $window_start, locked_until: $locked_until
                 };
                 COMMIT TRANSACTION;",)
        .bind("key", key.to_string())
        .bind("expect_failures", expected.map(|r| r.failures))
        .bind("expect_start", expected.map(|r| r.window_start))
        .bind("failures", next.failures)
        .bind("window_start", next.window_start)
        .bind("locked_until", next.locked_until)
        .run_unless(Guard::Raced)
        .await;
    match result {
        // Still conflicting after every retry: as good as raced (the caller reads again).
        Err(err) if err.is_conflict() => Ok(false),
        other => other,
    }
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

/// Forgets `key`'s count, retried while parallel attempts on the same key conflict with it.
pub async fn clear(db: &Db, key: &str) -> Result<(), Guard> {
    Write::new(db, "DELETE type::record('throttle', $key)")
        .bind("key", key.to_string())
        .run()
        .await?;
    Ok(())
}
