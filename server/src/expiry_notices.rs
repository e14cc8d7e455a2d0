//! The round that tells each token's creator, once, that it expires within a week (through
//! the outbox): one shortly after start, then one an hour. With several servers each runs
//! it; the per-token claim in the store makes every notice go out once.

use app::store::SharedDb;
use chrono::Utc;
use std::time::Duration;

/// How often the round runs.
const EVERY: Duration = Duration::from_secs(60 * 60);
/// The first round waits this long after start (the server answers first).
const FIRST_AFTER: Duration = Duration::from_secs(30);

/// Runs the rounds until the process ends; links in the notices start with `base_url`.
pub fn spawn(db: SharedDb, base_url: String) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        tokio::time::sleep(FIRST_AFTER).await;
        loop {
            match app::service::token_hygiene::notify_expiring(&db, &base_url, Utc::now()).await {
                Ok(0) => {}
                Ok(told) => tracing::info!(told, "told token creators of coming expiries"),
                Err(err) => {
                    tracing::error!(error = %err.message, "the token expiry round failed");
                }
            }
            tokio::time::sleep(EVERY).await;
        }
    })
}
