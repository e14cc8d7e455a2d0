//! The mail worker: delivers the outbox over SMTP (`lettre`) when `GATEHOUSE_SMTP_URL` is set.
//!
//! Invariants:
//! - A message leaves the `pending` state only after the SMTP server accepted it (`sent`) or
//!   after its last attempt failed (`failed`, with the error kept); a crash in between leaves
//!   it `pending`, so it is retried, never lost.
//! - The SMTP URL can hold a password: it is never logged, only the host is.

use app::store::{self, Db, outbox::MessageRow};
use chrono::{DateTime, Duration, Utc};
use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// Delays before the 2nd, 3rd, … attempt; after the last one a message is `failed`.
const RETRY_AFTER_MINUTES: [i64; 4] = [1, 5, 30, 120];
const POLL_EVERY: std::time::Duration = std::time::Duration::from_secs(2);
const BATCH: i64 = 20;

pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    host: String,
}

impl Mailer {
    /// Reads the SMTP URL and sender; the error is a sentence for the operator.
    pub fn new(smtp_url: &str, from: &str) -> Result<Self, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
            .map_err(|e| format!("GATEHOUSE_SMTP_URL is not a usable SMTP URL: {e}"))?
            .build();
        let from = from
            .parse::<Mailbox>()
            .map_err(|e| format!("GATEHOUSE_MAIL_FROM is not an email address: {e}"))?;
        let host = smtp_url
            .split_once("://")
            .map(|(_, rest)| rest)
            .unwrap_or(smtp_url)
            .rsplit('@')
            .next()
            .unwrap_or_default()
            .split(['/', '?'])
            .next()
            .unwrap_or_default()
            .to_string();
        Ok(Self {
            transport,
            from,
            host,
        })
    }

    pub fn host(&self) -> &str {
        &self.host
    }

    async fn send(&self, message: &MessageRow) -> Result<(), String> {
        let to = message
            .recipient
            .parse::<Mailbox>()
            .map_err(|e| format!("bad recipient: {e}"))?;
        let email = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(message.subject.as_str())
            .header(ContentType::TEXT_PLAIN)
            .body(message.body.clone())
            .map_err(|e| format!("could not build the message: {e}"))?;
        self.transport
            .send(email)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    /// Delivers every due message once; returns how many were sent.
    pub async fn deliver_due(
        &self,
        db: &Db,
        now: DateTime<Utc>,
    ) -> Result<usize, store::StoreError> {
        let mut sent = 0;
        for message in store::outbox::due(db, now, BATCH).await? {
            match self.send(&message).await {
                Ok(()) => {
                    // The outbox keeps no live secret once the message is out.
                    let kept = app::service::mail::redact_links(&message.body);
                    store::outbox::mark_sent(db, &message.id, &kept, Utc::now()).await?;
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
}

/// Runs the worker until the process ends.
pub fn spawn(db: Db, mailer: Mailer) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            if let Err(err) = mailer.deliver_due(&db, Utc::now()).await {
                tracing::error!(error = %err, "the mail worker could not read the outbox");
            }
            tokio::time::sleep(POLL_EVERY).await;
        }
    })
}
