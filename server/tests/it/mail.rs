//! The mail worker against a tiny SMTP server on a local port: delivery, and a refused
//! message kept with its error and retried on a schedule.

use app::store::{self, outbox::NewMessage};
use chrono::{Duration, Utc};
use gatehouse_server::mailer::Mailer;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// Accepts SMTP sessions; refuses recipients at `refused.example`; records every DATA body.
async fn smtp_server() -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let received = Arc::new(Mutex::new(Vec::new()));
    let store = received.clone();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let store = store.clone();
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut lines = BufReader::new(read).lines();
                write.write_all(b"220 test ESMTP\r\n").await.unwrap();
                let mut data: Option<String> = None;
                while let Ok(Some(line)) = lines.next_line().await {
                    if let Some(body) = data.as_mut() {
                        if line == "." {
                            store.lock().unwrap().push(data.take().unwrap());
                            write.write_all(b"250 queued\r\n").await.unwrap();
                        } else {
                            body.push_str(&line);
                            body.push('\n');
                        }
                        continue;
                    }
                    let upper = line.to_ascii_uppercase();
                    let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                        b"250 test\r\n"
                    } else if upper.starts_with("RCPT") && upper.contains("REFUSED.EXAMPLE") {
                        b"550 no such mailbox\r\n"
                    } else if upper.starts_with("DATA") {
                        data = Some(String::new());
                        b"354 go ahead\r\n"
                    } else if upper.starts_with("QUIT") {
                        write.write_all(b"221 bye\r\n").await.unwrap();
                        return;
                    } else {
                        b"250 ok\r\n"
                    };
                    write.write_all(reply).await.unwrap();
                }
            });
        }
    });
    (port, received)
}

#[tokio::test]
async fn the_outbox_is_delivered_and_failures_are_kept_with_their_error() {
    let (db, _) = store::open("mem://", None).await.unwrap();
    store::migrations::migrate(&db, store::migrations::MIGRATIONS, Utc::now())
        .await
        .unwrap();
    let (port, received) = smtp_server().await;
    let mailer = Mailer::new(
        &format!("smtp://127.0.0.1:{port}"),
        "Gatehouse <gatehouse@example.org>",
    )
    .unwrap();
    assert_eq!(mailer.host(), format!("127.0.0.1:{port}"));
    let t0 = Utc::now();
    for recipient in ["ada@example.org", "nobody@refused.example"] {
        store::outbox::enqueue(
            &db,
            &NewMessage {
                recipient,
                subject: "Hello",
                body: "Line one.\nhttps://gatehouse.example/verify-email?token=abc",
                kind: "email_verification",
            },
            t0,
        )
        .await
        .unwrap();
    }

    assert_eq!(mailer.deliver_due(&db, t0).await.unwrap(), 1);
    let bodies = received.lock().unwrap().clone();
    assert_eq!(bodies.len(), 1);
    assert!(bodies[0].contains("To: ada@example.org"), "{}", bodies[0]);
    assert!(bodies[0].contains("Subject: Hello"));

    let messages = store::outbox::newest(&db, None, 10).await.unwrap();
    let sent = messages
        .iter()
        .find(|m| m.recipient == "ada@example.org")
        .unwrap();
    assert_eq!(sent.status, "sent");
    assert!(sent.sent_at.is_some());
    // Sent: the outbox no longer holds the link.
    assert!(!sent.body.contains("token=abc"), "{}", sent.body);
    assert!(sent.body.contains(app::service::mail::LINK_REMOVED));
    assert!(sent.body.contains("Line one."));
    let refused = messages
        .iter()
        .find(|m| m.recipient != "ada@example.org")
        .unwrap();
    assert_eq!(refused.status, "pending");
    assert!(
        refused
            .last_error
            .as_deref()
            .unwrap()
            .contains("no such mailbox")
    );

    // Not retried before its time; four more attempts on the schedule, then `failed`, kept.
    assert_eq!(mailer.deliver_due(&db, t0).await.unwrap(), 0);
    assert_eq!(store::outbox::due(&db, t0, 10).await.unwrap().len(), 0);
    let mut now = t0;
    for _ in 0..4 {
        now += Duration::hours(3);
        assert_eq!(store::outbox::due(&db, now, 10).await.unwrap().len(), 1);
        mailer.deliver_due(&db, now).await.unwrap();
    }
    let messages = store::outbox::newest(&db, None, 10).await.unwrap();
    let refused = messages
        .iter()
        .find(|m| m.recipient != "ada@example.org")
        .unwrap();
    assert_eq!(refused.status, "failed");
    assert_eq!(refused.attempts, 5);
    assert!(
        store::outbox::due(&db, now + Duration::days(1), 10)
            .await
            .unwrap()
            .is_empty()
    );
}
