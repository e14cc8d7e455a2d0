//! Outgoing email: every message is written to the outbox in the request that causes it; the
//! server's mail worker delivers it over SMTP when one is configured.
//!
//! Invariants:
//! - Writing to the outbox is the only way to send mail, so a message is never lost between
//!   the request and the SMTP server, and without SMTP every message stays readable by site
//!   admins.
//! - Once a message is sent, the outbox keeps no live secret: every link in its stored body is
//!   replaced ([`redact_links`]), so the outbox never shows a working invitation, verification
//!   or other link of a message that has gone out.

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

/// What replaces a link in a sent message's stored body.
pub const LINK_REMOVED: &str = "[link removed once sent]";

/// `body` with every `http://` or `https://` link (up to the next whitespace) replaced by
/// [`LINK_REMOVED`].
pub fn redact_links(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    loop {
        let next = ["https://", "http://"]
            .iter()
            .filter_map(|scheme| rest.find(scheme))
            .min();
        let Some(at) = next else {
            out.push_str(rest);
            return out;
        };
        out.push_str(&rest[..at]);
        out.push_str(LINK_REMOVED);
        let end = rest[at..]
            .find(char::is_whitespace)
            .map_or(rest.len(), |len| at + len);
        rest = &rest[end..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_removed_and_the_rest_stays() {
        let body = "Accept here:\n\nhttps://gh.example/invitations/abc123\n\nor http://x/verify-email?token=t.";
        let redacted = redact_links(body);
        assert!(!redacted.contains("abc123") && !redacted.contains("token=t"));
        assert_eq!(
            redacted,
            format!("Accept here:\n\n{LINK_REMOVED}\n\nor {LINK_REMOVED}")
        );
        assert_eq!(redact_links("no links"), "no links");
    }
}
