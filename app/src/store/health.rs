use super::checked::checked;
use super::{Db, StoreError};

/// Succeeds once the database answers a query (not merely once the connection exists).
pub async fn ping(db: &Db) -> Result<(), StoreError> {
    let mut response = checked(db.query("RETURN 1").await?)?;
    let answer: Option<i64> = response.take(0)?;
    match answer {
        Some(1) => Ok(()),
        other => {
            Err(surrealdb::Error::internal(format!("unexpected health answer {other:?}")).into())
        }
    }
}
