//! The mail worker: delivers the outbox over SMTP (`lettre`) when `GATEHOUSE_SMTP_URL` is set.
//! What is due, retries and what is kept of a sent message are `app::service::mail`'s.
//!
//! Invariants:
//! - The SMTP URL can hold a password: it is never logged, only the host is.

use app::error::AppError;
use app::service::mail::{self, Letter};
use app::store::{Db, SharedDb};
use chrono::{DateTime, Utc};
use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

const POLL_EVERY: std::time::Duration = std::time::Duration::from_secs(2);

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

    /// Delivers every due message once; returns how many were sent.
    pub async fn deliver_due(&self, db: &Db, now: DateTime<Utc>) -> Result<usize, AppError> {
        mail::deliver_due(db, now, self).await
    }
}

impl mail::Postman for Mailer {
    async fn send(&self, letter: Letter<'_>) -> Result<(), String> {
        let to = letter
            .recipient
            .parse::<Mailbox>()
            .map_err(|e| format!("bad recipient: {e}"))?;
        let email = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(letter.subject)
            .header(ContentType::TEXT_PLAIN)
            .body(letter.body.to_string())
            .map_err(|e| format!("could not build the message: {e}"))?;
        self.transport
            .send(email)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

/// Runs the worker until the process ends.
pub fn spawn(db: SharedDb, mailer: Mailer) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            if let Err(err) = mailer.deliver_due(&db, Utc::now()).await {
                tracing::error!(error = %err.message, "the mail worker could not read the outbox");
            }
            tokio::time::sleep(POLL_EVERY).await;
        }
    })
}
