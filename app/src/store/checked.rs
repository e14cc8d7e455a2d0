//! Checking every statement of a query response.
//!
//! SurrealDB answers a multi-statement query with one result per statement, inside an `Ok`.
//! When a transaction fails, the statement that failed carries the cause (a `THROW`, a
//! conflict, a schema violation) and the others only report that they were not executed; this
//! returns the cause.

use surrealdb::IndexedResults;
use surrealdb::types::QueryError;

pub fn checked(mut response: IndexedResults) -> Result<IndexedResults, surrealdb::Error> {
    super::round_trips::note();
    let mut errors: Vec<(usize, surrealdb::Error)> = response.take_errors().into_iter().collect();
    if errors.is_empty() {
        return Ok(response);
    }
    errors.sort_by_key(|(index, _)| *index);
    let cause = errors
        .iter()
        .position(|(_, e)| e.is_thrown())
        .or_else(|| {
            errors
                .iter()
                .position(|(_, e)| !matches!(e.query_details(), Some(QueryError::NotExecuted)))
        })
        .unwrap_or(0);
    Err(errors.swap_remove(cause).1)
}
