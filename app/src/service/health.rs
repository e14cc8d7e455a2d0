use crate::error::AppError;
use crate::store::{self, Db};

/// Whether the instance can serve requests: true once the database answers a query.
pub async fn check(db: &Db) -> Result<(), AppError> {
    store::health::ping(db).await.map_err(|err| {
        tracing::warn!(error = %err, "health check: database did not answer");
        AppError::unavailable("The database is not answering.")
    })
}
