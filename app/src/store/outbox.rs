//! The outbox: every email, written before it is delivered.
//!
//! Invariants:
//! - A message is only ever moved forward (`pending` → `sent` or `failed`); none is deleted
//!   by delivery, so a failed send stays readable with its error.

use super::checked::checked;
use super::{Db, StoreError};
use chrono::{DateTime, Utc};
use surrealdb::types::SurrealValue;

/// What the instance wants to send.
pub struct NewMessage<'a> {
    pub recipient: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    /// `email_verification`, `email_changed`, `invitation`, `password_reset`…
    pub kind: &'a str,
}

#[derive(Debug, Clone, SurrealValue)]
pub struct MessageRow {
    pub id: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub kind: String,
    pub status: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

const FIELDS: &str = "record::id(id) AS id, recipient, subject, body, kind, status, attempts, \
     last_error, created_at, sent_at";

/// Writes the message `$recipient`, `$subject`, `$body`, `$kind` to the outbox, due at `$now`.
pub const ENQUEUE: &str = "CREATE outbox CONTENT {
     recipient: $recipient, subject: $subject, body: $body, kind: $kind,
     status: 'pending', attempts: 0, last_error: NONE, created_at: $now,
     next_attempt_at: $now, sent_at: NONE
 };";

pub async fn enqueue(
    db: &Db,
    message: &NewMessage<'_>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    checked(
        db.query(ENQUEUE)
            .bind(("recipient", message.recipient.to_string()))
            .bind(("subject", message.subject.to_string()))
            .bind(("body", message.body.to_string()))
            .bind(("kind", message.kind.to_string()))
            .bind(("now", now))
            .await?,
    )?;
    Ok(())
}

/// Messages waiting for delivery whose next attempt is due, oldest first.
pub async fn due(db: &Db, now: DateTime<Utc>, limit: i64) -> Result<Vec<MessageRow>, StoreError> {
    let mut response = checked(
        db.query(format!(
            "SELECT {FIELDS} FROM outbox WHERE status = 'pending' AND next_attempt_at <= $now
             ORDER BY created_at LIMIT $limit"
        ))
        .bind(("now", now))
        .bind(("limit", limit))
        .await?,
    )?;
    Ok(response.take(0)?)
}

/// Marks a message sent, replacing its body with `body` (the sent body without its links).
pub async fn mark_sent(
    db: &Db,
    id: &str,
    body: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    checked(
        db.query(
            "UPDATE type::record('outbox', $id) SET status = 'sent', sent_at = $now,
                 attempts += 1, last_error = NONE, body = $body",
        )
        .bind(("id", id.to_string()))
        .bind(("body", body.to_string()))
        .bind(("now", now))
        .await?,
    )?;
    Ok(())
}

/// Records a failed attempt: retried at `retry_at`, or `failed` for good when `None`.
pub async fn mark_attempt_failed(
    db: &Db,
    id: &str,
    error: &str,
    retry_at: Option<DateTime<Utc>>,
) -> Result<(), StoreError> {
    checked(
        db.query(
            "UPDATE type::record('outbox', $id) SET attempts += 1, last_error = $error,
                 status = IF $retry_at = NONE { 'failed' } ELSE { 'pending' },
                 next_attempt_at = $retry_at ?? next_attempt_at",
        )
        .bind(("id", id.to_string()))
        .bind(("error", error.to_string()))
        .bind(("retry_at", retry_at))
        .await?,
    )?;
    Ok(())
}

/// The newest messages first, from before `before` (a cursor: the `created_at` of the last
/// message of the previous page).
pub async fn newest(
    db: &Db,
    before: Option<DateTime<Utc>>,
    limit: i64,
) -> Result<Vec<MessageRow>, StoreError> {
    let mut response = checked(
        db.query(format!(
            "SELECT {FIELDS} FROM outbox WHERE $before = NONE OR created_at < $before
             ORDER BY created_at DESC LIMIT $limit"
        ))
        .bind(("before", before))
        .bind(("limit", limit))
        .await?,
    )?;
    Ok(response.take(0)?)
}
