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
//! - A message leaves the `pending` state only after the SMTP server accepted it (`sent`) or
//!   after its last attempt failed (`failed`, with the error kept); a crash in between leaves
//!   it `pending`, so it is retried, never lost.

use crate::error::AppError;
use crate::store::{self, Db, outbox::NewMessage};
use chrono::{DateTime, Duration, Utc};

/// The kinds of message, as stored.
pub mod kind {
    pub const EMAIL_VERIFICATION: &str = "email_verification";
    pub const EMAIL_CHANGED: &str = "email_changed";
    pub const TOKEN_EXPIRING: &str = "token_expiring";
    pub const PASSWORD_RESET: &str = "password_reset";
    pub const PASSWORD_CHANGED: &str = "password_changed";
    pub const PASSKEY_ADDED: &str = "passkey_added";
    pub const SSO_LINK: &str = "sso_link";
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

/// Delays before the 2nd, 3rd, … attempt; after the last one a message is `failed`.
const RETRY_AFTER_MINUTES: [i64; 4] = [1, 5, 30, 120];
/// How many messages one round of the worker takes.
const BATCH: i64 = 20;

/// A message on its way out, as the mail worker hands it to the SMTP server.
#[derive(Debug, Clone, Copy)]
pub struct Letter<'a> {
    pub id: &'a str,
    pub kind: &'a str,
    pub recipient: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
}

/// What hands a letter to the SMTP server (the server's mail worker).
pub trait Postman: Sync {
    /// Sends `letter`; the error says why the SMTP server refused it.
    fn send(&self, letter: Letter<'_>) -> impl Future<Output = Result<(), String>> + Send;
}

/// Delivers every message due at `now` once through `postman`, recording each outcome;
/// returns how many were sent.
pub async fn deliver_due(
    db: &Db,
    now: DateTime<Utc>,
    postman: &impl Postman,
) -> Result<usize, AppError> {
    let mut sent = 0;
    for message in store::outbox::due(db, now, BATCH).await? {
        let letter = Letter {
            id: &message.id,
            kind: &message.kind,
            recipient: &message.recipient,
            subject: &message.subject,
            body: &message.body,
        };
        match postman.send(letter).await {
            Ok(()) => {
                store::outbox::mark_sent(db, &message.id, &redact_links(&message.body), now)
                    .await?;
                sent += 1;
            }
            Err(error) => {
                let retry_at = usize::try_from(message.attempts)
                    .ok()
                    .and_then(|n| RETRY_AFTER_MINUTES.get(n))
                    .map(|minutes| now + Duration::minutes(*minutes));
                tracing::warn!(
                    message = %message.id,
                    kind = %message.kind,
                    attempt = message.attempts + 1,
                    will_retry = retry_at.is_some(),
                    error = %error,
                    "could not send an email"
                );
                store::outbox::mark_attempt_failed(db, &message.id, &error, retry_at).await?;
            }
        }
    }
    Ok(sent)
}

/// What replaces a link in a sent message's stored body, and in any message the outbox shows.
pub const LINK_REMOVED: &str = "[link hidden: it works once, for the recipient only]";

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
