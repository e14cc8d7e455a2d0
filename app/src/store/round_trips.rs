//! Counting the database round trips a piece of work makes (tests and the benchmark use it to
//! keep "one round trip per authenticated request" true).
//!
//! Every response goes through `checked`, which notes it here; outside [`counted`] noting
//! costs one failed task-local lookup.

use std::cell::Cell;
use std::future::Future;

tokio::task_local! {
    static ROUND_TRIPS: Cell<u32>;
}

/// Notes one round trip of the current task, if it is being counted.
pub(super) fn note() {
    let _ = ROUND_TRIPS.try_with(|count| count.set(count.get().saturating_add(1)));
}

/// Runs `work` and returns its output with the number of database round trips it made in
/// this task (work spawned onto other tasks is not counted).
pub async fn counted<F: Future>(work: F) -> (F::Output, u32) {
    ROUND_TRIPS
        .scope(Cell::new(0), async {
            let output = work.await;
            let trips = ROUND_TRIPS.try_with(Cell::get).unwrap_or(0);
            (output, trips)
        })
        .await
}
