//! Failure counters for sign-in throttling, keyed by what is being throttled.
//!
//! Invariants:
//! - An attempt's budgets are read in one round trip ([`get_all`]) and written in one
//!   transaction ([`swap_all`]): every counter moves from what was read, or none does.
//! - Refunds (clearing counters, giving one attempt back) are one transaction ([`refund`]).

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

/// The counters of `keys`, in their order (none where a key has none), in one read.
pub async fn get_all(db: &Db, keys: &[String]) -> Result<Vec<Option<ThrottleRow>>, StoreError> {
    let mut response = checked(
        db.query(
            "RETURN $keys.map(|$key| (SELECT failures, window_start, locked_until
                                       FROM ONLY type::record('throttle', $key)))",
        )
        .bind(("keys", keys.to_vec()))
        .await?,
    )?;
    Ok(response.take(0)?)
}

/// One counter's move: from `expected` (`None`: absent) to `next`.
pub struct Swap<'a> {
    pub key: &'a str,
    pub expected: Option<&'a ThrottleRow>,
    pub next: &'a ThrottleRow,
}

#[derive(SurrealValue)]
struct SwapValue {
    key: String,
    expect_failures: Option<i64>,
    expect_start: Option<DateTime<Utc>>,
    failures: i64,
    window_start: DateTime<Utc>,
    locked_until: Option<DateTime<Utc>>,
}

/// Writes every `next` if each counter is still its `expected` (compared by failures and
/// window start): one atomic compare-and-set over all of them, so parallel attempts cannot
/// lose counts. `false` when someone else wrote first (read again and retry). The keys must
/// differ.
pub async fn swap_all(db: &Db, swaps: &[Swap<'_>]) -> Result<bool, Guard> {
    let values: Vec<SwapValue> = swaps
        .iter()
        .map(|swap| SwapValue {
            key: swap.key.to_string(),
            expect_failures: swap.expected.map(|r| r.failures),
            expect_start: swap.expected.map(|r| r.window_start),
            failures: swap.next.failures,
            window_start: swap.next.window_start,
            locked_until: swap.next.locked_until,
        })
        .collect();
    let result = Write::new(
        db,
        "BEGIN TRANSACTION;
         FOR $swap IN $swaps {
             LET $row = (SELECT failures, window_start FROM ONLY type::record('throttle', $swap.key));
             IF ($row = NONE AND $swap.expect_failures != NONE)
                 OR ($row != NONE AND ($swap.expect_failures = NONE
                     OR $row.failures != $swap.expect_failures
                     OR $row.window_start != $swap.expect_start)) {
                 THROW 'raced'
             };
             UPSERT type::record('throttle', $swap.key) CONTENT {
                 failures: $swap.failures, window_start: $swap.window_start,
                 locked_until: $swap.locked_until
             };
         };
         COMMIT TRANSACTION;",
    )
    .bind("swaps", values)
    .run_unless(Guard::Raced)
    .await;
    match result {
        // Still conflicting after every retry: as good as raced (the caller reads again).
        Err(err) if err.is_conflict() => Ok(false),
        other => other,
    }
}

/// Forgets the counts of `clear` and takes one attempt off each of `give_back` (a lock
/// stays), in one transaction, retried while parallel attempts conflict with it.
pub async fn refund(db: &Db, clear: &[String], give_back: &[String]) -> Result<(), Guard> {
    Write::new(
        db,
        "BEGIN TRANSACTION;
         FOR $key IN $clear { DELETE type::record('throttle', $key) };
         FOR $key IN $give_back {
             UPDATE type::record('throttle', $key) SET failures = math::max([failures - 1, 0])
         };
         COMMIT TRANSACTION;",
    )
    .bind("clear", clear.to_vec())
    .bind("give_back", give_back.to_vec())
    .run()
    .await
}
