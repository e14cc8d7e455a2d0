//! Retrying transactions that lost a write conflict.
//!
//! SurrealDB runs transactions optimistically: when two touch the same key, one commit fails
//! with a transaction conflict and may simply be run again. Invariant checks rely on this (the
//! loser re-reads the state the winner left and decides again), so every multi-statement write
//! goes through [`retry_on_conflict`].

use std::future::Future;
use std::time::Duration;
use surrealdb::types::QueryError;

/// How often a conflicting transaction is tried in all.
pub const MAX_ATTEMPTS: u32 = 8;

/// Whether `err` is a write conflict that a retry may resolve.
pub fn is_conflict(err: &surrealdb::Error) -> bool {
    matches!(err.query_details(), Some(QueryError::TransactionConflict))
}

/// Runs `op` until it succeeds, fails with anything but a conflict, or has been tried
/// [`MAX_ATTEMPTS`] times, sleeping a little longer (with jitter) after each conflict.
pub async fn retry_on_conflict<T, F, Fut>(mut op: F) -> Result<T, surrealdb::Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, surrealdb::Error>>,
{
    let mut attempt = 0;
    loop {
        attempt += 1;
        match op().await {
            Err(err) if is_conflict(&err) && attempt < MAX_ATTEMPTS => {
                tokio::time::sleep(backoff(attempt)).await;
            }
            other => return other,
        }
    }
}

fn backoff(attempt: u32) -> Duration {
    // 10, 20, 40 … ms (capped at 640), plus up to as much again of jitter taken from the
    // clock, so two losers do not collide again in lockstep.
    let base = 5u64 << attempt.min(7);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::from(d.subsec_nanos()))
        .unwrap_or(0);
    Duration::from_millis(base + nanos % (base + 1))
}
