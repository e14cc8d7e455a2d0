//! Session rotation and the audit trail of sessions and revoked tokens.

use crate::http::{PASSWORD, TestServer};
use serde_json::json;

async fn actions(server: &TestServer, action: &str) -> usize {
    let mut response = server
        .db
        .query("SELECT VALUE action FROM audit_event WHERE action = $action")
        .bind(("action", action.to_string()))
        .await
        .unwrap();
    let found: Vec<String> = response.take(0).unwrap();
    found.len()
}

/// After a password change and after enrolling two-factor, the session is replaced: a new
/// cookie comes back and the old id no longer works.
#[tokio::test]
async fn the_session_is_replaced_after_a_password_change_and_two_factor() {
    let server = TestServer::start().await;
    let old = server.signed_in("ada").await;
    let res = server
        .json(
            "POST",
            "/api/v1/account/password",
            Some(&old),
            &json!({"current_password": PASSWORD, "new_password": "a brand new pass phrase"}),
        )
        .await;
    assert_eq!(res.status, 204, "{}", res.text());
    let fresh = res.session_cookie().expect("a fresh session cookie");
    assert_ne!(fresh, old);
    assert_eq!(server.get_as(&old, "/api/v1/account").await.status, 401);
    assert_eq!(server.get_as(&fresh, "/api/v1/account").await.status, 200);
    assert_eq!(actions(&server, "auth.session_renewed").await, 1);

    // Enrolling two-factor: the same.
    let res = server
        .json(
            "POST",
            "/api/v1/account/two-factor",
            Some(&fresh),
            &json!({}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let secret = res.json()["secret"].as_str().unwrap().to_string();
    let code = crate::two_factor::code_at(&secret, 0);
    let res = server
        .json(
            "POST",
            "/api/v1/account/two-factor/confirm",
            Some(&fresh),
            &json!({"code": code}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let third = res.session_cookie().expect("a fresh session cookie");
    assert_eq!(server.get_as(&fresh, "/api/v1/account").await.status, 401);
    assert_eq!(server.get_as(&third, "/api/v1/account").await.status, 200);
}

/// Signing out and revoking a session are audited; a revoked token's use at most once a
/// minute however often it is tried.
#[tokio::test]
async fn sign_out_session_revocation_and_dead_tokens_are_audited() {
    let server = TestServer::start().await;
    let first = server.signed_in("ada").await;
    let second = server.sign_in("ada").await;
    let sessions = server
        .get_as(&first, "/api/v1/account/sessions")
        .await
        .json();
    let other = sessions["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["current"] == false)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let res = server
        .json(
            "DELETE",
            &format!("/api/v1/account/sessions/{other}"),
            Some(&first),
            &json!(null),
        )
        .await;
    assert_eq!(res.status, 204, "{}", res.text());
    assert_eq!(server.get_as(&second, "/api/v1/account").await.status, 401);
    assert_eq!(actions(&server, "session.revoked").await, 1);
    let res = server
        .json("POST", "/api/v1/auth/logout", Some(&first), &json!(null))
        .await;
    assert!(res.status < 300, "{}", res.text());
    assert_eq!(actions(&server, "auth.signed_out").await, 1);

    let again = server.sign_in("ada").await;
    let res = server
        .json(
            "POST",
            "/api/v1/account/tokens",
            Some(&again),
            &json!({"description": "dead soon"}),
        )
        .await;
    let created = res.json();
    let token = created["token"].as_str().unwrap().to_string();
    let id = created["id"].as_str().unwrap().to_string();
    let res = server
        .json(
            "DELETE",
            &format!("/api/v1/account/tokens/{id}"),
            Some(&again),
            &json!(null),
        )
        .await;
    assert_eq!(res.status, 204);
    let auth = format!("Bearer {token}");
    let headers = [("Authorization", auth.as_str())];
    let attempt = || server.request("GET", "/api/v1/account", &headers, None);
    // A burst in parallel, then more one by one.
    let (a, b, c) = tokio::join!(attempt(), attempt(), attempt());
    for res in [a, b, c, attempt().await, attempt().await] {
        assert_eq!(res.status, 401);
    }
    assert_eq!(actions(&server, "token.revoked_used").await, 1);
}
