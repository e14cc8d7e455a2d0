//! "Forgot password?" over REST (issue 17.1): 202 whatever the login names, the emailed link
//! sets a new password once (204, then 404), every session ends, the new password signs in.

use crate::http::TestServer;
use serde_json::json;

/// The bodies of the reset messages in the outbox, once there is one (waits up to 5 s).
async fn reset_mails(server: &TestServer) -> Vec<String> {
    for _ in 0..50 {
        let mut r = server
            .db
            .query("SELECT VALUE body FROM outbox WHERE kind = 'password_reset'")
            .await
            .unwrap();
        let bodies: Vec<String> = r.take(0).unwrap();
        if !bodies.is_empty() {
            return bodies;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    Vec::new()
}

#[tokio::test]
async fn a_forgotten_password_is_replaced_over_rest() {
    let server = TestServer::start().await;
    let session = server.verified("ada").await;
    for login in ["ada", "nobody@example.org"] {
        let res = server
            .json(
                "POST",
                "/api/v1/auth/password-reset",
                None,
                &json!({"login": login}),
            )
            .await;
        assert_eq!(res.status, 202, "{}", res.text());
    }
    let res = server
        .json(
            "POST",
            "/api/v1/auth/password-reset",
            None,
            &json!({"login": ""}),
        )
        .await;
    assert_eq!(res.status, 422);

    // The answer does not wait for the link: it is queued a moment later.
    let bodies = reset_mails(&server).await;
    assert_eq!(bodies.len(), 1, "only ada is sent a link");
    let at = bodies[0].find("token=").unwrap() + "token=".len();
    let token = bodies[0][at..]
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    let path = format!("/api/v1/auth/password-reset/{token}");
    let res = server
        .json("POST", &path, None, &json!({"new_password": "short"}))
        .await;
    assert_eq!(
        (res.status, res.json()["error"]["field"].clone()),
        (422, json!("new_password"))
    );
    let res = server
        .json(
            "POST",
            &path,
            None,
            &json!({"new_password": "amber lantern slowly drifts"}),
        )
        .await;
    assert_eq!(res.status, 204, "{}", res.text());
    let res = server
        .json(
            "POST",
            &path,
            None,
            &json!({"new_password": "amber lantern slowly drifts"}),
        )
        .await;
    assert_eq!(res.status, 404);
    assert_eq!(server.get_as(&session, "/api/v1/account").await.status, 401);
    let res = server
        .json(
            "POST",
            "/api/v1/auth/login",
            None,
            &json!({"login": "ada", "password": "amber lantern slowly drifts"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());

    // The link's page sends only this origin as referrer (its address holds the secret).
    let page = server.get("/reset-password?token=abc").await;
    assert_eq!(page.header("referrer-policy"), Some("strict-origin"));
}

/// The reset link through a real SMTP server (aiosmtpd from PyPI, storing what it receives in
/// a Maildir): the mail worker delivers the message, the link in the delivered mail sets the
/// new password. Needs `GATEHOUSE_PYTHON` (the test command's virtual environment), hence
/// ignored in a plain `cargo test`; `scripts/test.sh` runs it.
#[tokio::test]
#[ignore = "needs aiosmtpd: scripts/test.sh runs it with GATEHOUSE_PYTHON"]
async fn the_link_arrives_through_a_real_smtp_server() {
    let python = std::env::var("GATEHOUSE_PYTHON")
        .expect("GATEHOUSE_PYTHON names a Python with aiosmtpd (scripts/setup.sh installs it)");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = std::env::temp_dir().join(format!("gatehouse-maildir-{}-{port}", std::process::id()));
    let mut sink = tokio::process::Command::new(&python)
        .args(["-m", "aiosmtpd", "-n", "-l"])
        .arg(format!("127.0.0.1:{port}"))
        .args(["-c", "aiosmtpd.handlers.Mailbox"])
        .arg(&dir)
        .kill_on_drop(true)
        .spawn()
        .expect("aiosmtpd starts");
    let mut ready = false;
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            ready = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(ready, "aiosmtpd listens on {port}");

    let server = TestServer::start().await;
    server.verified("ada").await;
    let res = server
        .json(
            "POST",
            "/api/v1/auth/password-reset",
            None,
            &json!({"login": "ada@example.org"}),
        )
        .await;
    assert_eq!(res.status, 202);
    assert_eq!(reset_mails(&server).await.len(), 1);
    let mailer = gatehouse_server::mailer::Mailer::new(
        &format!("smtp://127.0.0.1:{port}"),
        "Gatehouse <gatehouse@example.org>",
    )
    .unwrap();
    assert!(
        mailer
            .deliver_due(&server.db, chrono::Utc::now())
            .await
            .unwrap()
            >= 1
    );

    // The delivered message (quoted-printable soft breaks undone), with its link.
    let mut token = None;
    for entry in std::fs::read_dir(dir.join("new")).unwrap() {
        let raw = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        let text = raw
            .replace("=\r\n", "")
            .replace("=\n", "")
            .replace("=3D", "=");
        if text.contains("X-RcptTo: ada@example.org") && text.contains("/reset-password?token=") {
            let at = text.find("token=").unwrap() + "token=".len();
            token = text[at..].split_whitespace().next().map(str::to_string);
        }
    }
    let token = token.expect("the reset mail reached the SMTP server");
    let res = server
        .json(
            "POST",
            &format!("/api/v1/auth/password-reset/{token}"),
            None,
            &json!({"new_password": "amber lantern slowly drifts"}),
        )
        .await;
    assert_eq!(res.status, 204, "{}", res.text());
    sink.kill().await.unwrap();
    std::fs::remove_dir_all(&dir).ok();
}
