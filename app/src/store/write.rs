//! One audited write: the transaction, its retry on conflict, the check of every statement,
//! the audit entry appended inside it, and the refusal of its guards — once, for every write.
//!
//! Invariants:
//! - The audit entry is appended inside the write's own transaction, just before its commit:
//!   the change and its entry are kept or lost together.
//! - A transaction that lost a write conflict runs again from the start (with the same bound
//!   values), so its guards decide again on what the winner left.
//! - A guard's `THROW` comes back as its [`Guard`]; anything else that failed as
//!   `Guard::Store`.

use super::audit::{APPEND, Audit};
use super::guard::Guard;
use super::retry::retry_on_conflict;
use super::{Db, checked};
use surrealdb::types::{SurrealValue, Value};

/// A write about to run. Made by [`Write::audited`] or [`Write::new`].
#[must_use = "a write does nothing until it is run"]
pub struct Write<'a> {
    db: &'a Db,
    query: String,
    vars: Vec<(&'static str, Value)>,
}

impl<'a> Write<'a> {
    /// `transaction` (`BEGIN TRANSACTION; … COMMIT TRANSACTION;`, possibly followed by reads)
    /// with `audit` appended just before its commit. A transaction that creates the
    /// organization the entry belongs to sets `$audit_org` to its id first.
    pub fn audited(db: &'a Db, transaction: &str, audit: &Audit) -> Self {
        Self::new(db, transaction).audit(Some(audit))
    }

    /// `transaction` with no audit entry (counters, caches, and writes that record nothing).
    pub fn new(db: &'a Db, transaction: &str) -> Self {
        Self {
            db,
            query: transaction.to_string(),
            vars: Vec::new(),
        }
    }

    /// Appends `audit`, if any, just before the commit.
    pub fn audit(mut self, audit: Option<&Audit>) -> Self {
        if let Some(audit) = audit {
            self.query = match self.query.rfind("COMMIT TRANSACTION;") {
                Some(at) => format!(
                    "{}{APPEND}\n{}",
                    self.query.get(..at).unwrap_or_default(),
                    self.query.get(at..).unwrap_or_default()
                ),
                None => format!(
                    "BEGIN TRANSACTION;\n{}\n{APPEND}\nCOMMIT TRANSACTION;",
                    self.query
                ),
            };
            self = self.bind("audit", audit.clone());
        }
        self
    }

    /// Binds `$name` to `value`.
    pub fn bind(mut self, name: &'static str, value: impl SurrealValue) -> Self {
        self.vars.push((name, value.into_value()));
        self
    }

    /// Runs the write.
    pub async fn run(self) -> Result<(), Guard> {
        self.response().await.map(|_| ())
    }

    /// Runs the write: `Ok(false)` when a guard refused it with `expected` (a row already
    /// gone, a link already used, a counter changed meanwhile), `Ok(true)` when it ran.
    pub async fn run_unless(self, expected: Guard) -> Result<bool, Guard> {
        match self.run().await {
            Ok(()) => Ok(true),
            Err(err) if std::mem::discriminant(&err) == std::mem::discriminant(&expected) => {
                Ok(false)
            }
            Err(err) => Err(err),
        }
    }

    /// Runs the write and reads the value of its last statement (a read after the commit).
    pub async fn returning<T>(self) -> Result<T, Guard>
    where
        T: SurrealValue,
        usize: surrealdb::opt::QueryResult<T>,
    {
        let mut response = self.response().await?;
        let last = response.num_statements().saturating_sub(1);
        response.take(last).map_err(Guard::from)
    }

    async fn response(&self) -> Result<surrealdb::IndexedResults, Guard> {
        let result = retry_on_conflict(|| async {
            let mut query = self.db.query(self.query.as_str());
            for (name, value) in &self.vars {
                query = query.bind((*name, value.clone()));
            }
            checked(query.await?)
        })
        .await;
        Ok(result?)
    }
}
