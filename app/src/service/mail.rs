//! Outgoing email: every message is written to the outbox in the request that causes it; the
//! server's mail worker delivers it over SMTP when one is configured.
//!
//! Invariants:
//! - Writing to the outbox is the only way to send mail, so a message is never lost between
//!   the request and the SMTP server, and without SMTP every message stays readable by site
//!   admins.

use crate::error::AppError;
use crate::store::{self, Db, outbox::NewMessage};
use chrono::{DateTime, Utc};

/// The kinds of message, as stored.
pub mod kind {
    pub const EMAIL_VERIFICATION: &str = "email_verification";
    pub const EMAIL_CHANGED: &str = "email_changed";
}

pub async fn send(
    db: &Db,
    recipient: &str,
    subject: &str,
    body: &str,
    kind: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    store::outbox::enqueue(
        db,
        &NewMessage {
            recipient,
            subject,
            body,
            kind,
        },
        now,
    )
    .await?;
    Ok(())
}
