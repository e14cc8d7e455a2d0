//! Email verification over the REST API and through the page that the emailed link opens.

use crate::http::TestServer;
use serde_json::json;

async fn newest_link_token(server: &TestServer) -> String {
    let mut r = server
        .db
        .query("SELECT VALUE body FROM outbox WHERE kind = 'email_verification' ORDER BY created_at DESC LIMIT 1")
        .await
        .unwrap();
    let bodies: Vec<String> = r.take(0).unwrap();
    let body = &bodies[0];
    let at = body.find("token=").unwrap() + "token=".len();
    body[at..].split_whitespace().next().unwrap().to_string()
}

#[tokio::test]
async fn a_verification_link_works_once_over_rest() {
    let server = TestServer::start().await;
    let session = server.signed_in("ada").await;
    let token = newest_link_token(&server).await;
    // The link points at the address the instance listens on (never the request's `Host`).
    let mut r = server
        .db
        .query("SELECT VALUE body FROM outbox")
        .await
        .unwrap();
    let bodies: Vec<String> = r.take(0).unwrap();
    assert!(bodies[0].contains(&format!(
        "http://localhost:{}/verify-email?token=",
        server.addr.port()
    )));

    let res = server
        .json(
            "POST",
            "/api/v1/auth/verify-email",
            None,
            &json!({"token": "nope"}),
        )
        .await;
    assert_eq!(res.status, 404, "{}", res.text());
    let res = server
        .json(
            "POST",
            "/api/v1/auth/verify-email",
            None,
            &json!({"token": token}),
        )
        .await;
    assert_eq!(res.status, 204, "{}", res.text());
    let res = server
        .json(
            "POST",
            "/api/v1/auth/verify-email",
            None,
            &json!({"token": token}),
        )
        .await;
    assert_eq!(res.status, 404);
    let cookie = format!("gatehouse_session={session}");
    let me = server
        .request("GET", "/api/v1/account", &[("Cookie", &cookie)], None)
        .await;
    assert_eq!(me.json()["email_verified"], true);
    let res = server
        .json(
            "POST",
            "/api/v1/account/email/verification",
            Some(&session),
            &json!({}),
        )
        .await;
    assert_eq!(res.status, 409, "{}", res.text());
}

#[tokio::test]
async fn the_link_page_asks_before_it_verifies_and_works_without_javascript() {
    let server = TestServer::start().await;
    let session = server.signed_in("ada").await;
    // A resend replaces the first link.
    let first = newest_link_token(&server).await;
    let res = server
        .json(
            "POST",
            "/api/v1/account/email/verification",
            Some(&session),
            &json!({}),
        )
        .await;
    assert_eq!(res.status, 204, "{}", res.text());
    let token = newest_link_token(&server).await;
    assert_ne!(first, token);

    // Opening the link (a GET, as a mail scanner would) changes nothing.
    let page = server.get(&format!("/verify-email?token={first}")).await;
    assert!(
        page.text()
            .contains("invalid, was already used, or has expired"),
        "{} {}",
        page.status,
        page.text()
    );
    let page = server.get(&format!("/verify-email?token={token}")).await;
    assert_eq!(page.status, 200);
    assert!(page.text().contains("ada@example.org"), "{}", page.text());
    assert!(page.text().contains("Confirm my email address"));
    let mut r = server
        .db
        .query("SELECT VALUE email_verified FROM user")
        .await
        .unwrap();
    assert_eq!(r.take::<Vec<bool>>(0).unwrap(), vec![false]);

    // The form posts the token (a plain HTML form post, JavaScript off).
    let origin = server.origin();
    let body = format!("token={token}");
    let res = server
        .request(
            "POST",
            "/api/email/verification/confirm",
            &[
                ("Content-Type", "application/x-www-form-urlencoded"),
                ("Accept", "text/html"),
                ("Origin", &origin),
            ],
            Some(body.as_bytes()),
        )
        .await;
    assert!(
        res.status == 302 || res.status == 303,
        "{} {}",
        res.status,
        res.text()
    );
    assert_eq!(res.header("location"), Some("/verify-email?verified=1"));
    let mut r = server
        .db
        .query("SELECT VALUE email_verified FROM user")
        .await
        .unwrap();
    assert_eq!(r.take::<Vec<bool>>(0).unwrap(), vec![true]);
}
