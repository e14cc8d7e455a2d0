//! Sealed one-time results (see `service::sealed`): ciphertext only, read once by its owner
//! within its lifetime, then deleted; expired ones are swept by each new seal.

use super::checked::checked;
use super::{Db, StoreError};
use crate::domain::ids::UserId;
use chrono::{DateTime, Utc};

pub async fn put(
    db: &Db,
    id: &str,
    owner: &UserId,
    sealed: &str,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    checked(
        db.query(
            "DELETE sealed_result WHERE expires_at <= $now;
             CREATE type::record('sealed_result', $id) CONTENT {
                 owner: type::record('user', $owner), sealed: $sealed, expires_at: $expires_at
             };",
        )
        .bind(("id", id.to_string()))
        .bind(("owner", owner.to_string()))
        .bind(("sealed", sealed.to_string()))
        .bind(("expires_at", expires_at))
        .bind(("now", now))
        .await?,
    )?;
    Ok(())
}

/// The ciphertext of `id` if `owner` sealed it and it has not expired; deleted either way.
pub async fn take(
    db: &Db,
    id: &str,
    owner: &UserId,
    now: DateTime<Utc>,
) -> Result<Option<String>, StoreError> {
    let mut response = checked(
        db.query(
            "LET $gone = (DELETE type::record('sealed_result', $id) RETURN BEFORE)[0];
             RETURN IF $gone != NONE AND $gone.owner = type::record('user', $owner)
                 AND $gone.expires_at > $now { $gone.sealed } ELSE { NONE };",
        )
        .bind(("id", id.to_string()))
        .bind(("owner", owner.to_string()))
        .bind(("now", now))
        .await?,
    )?;
    let last = response.num_statements().saturating_sub(1);
    Ok(response.take(last)?)
}
