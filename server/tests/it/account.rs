//! The caller's own password and sessions over the REST API.

use crate::http::TestServer;
use serde_json::json;

const GOOD: &str = crate::http::PASSWORD;
const NEWER: &str = "amber kettle sings at dawn";

async fn account_with_sessions(server: &TestServer, name: &str, n: usize) -> Vec<String> {
    let mut secrets = vec![server.signed_in(name).await];
    for _ in 1..n {
        secrets.push(server.sign_in(name).await);
    }
    secrets
}

fn cookie(secret: &str) -> String {
    format!("gatehouse_session={secret}")
}

#[tokio::test]
async fn changing_the_password_ends_the_other_sessions() {
    let server = TestServer::start().await;
    let s = account_with_sessions(&server, "ada", 3).await;
    let wrong = server
        .json(
            "POST",
            "/api/v1/account/password",
            Some(&s[0]),
            &json!({"current_password": "not it at all", "new_password": NEWER}),
        )
        .await;
    assert_eq!(wrong.status, 422);
    assert_eq!(wrong.json()["error"]["field"], "current_password");
    let weak = server
        .json(
            "POST",
            "/api/v1/account/password",
            Some(&s[0]),
            &json!({"current_password": GOOD, "new_password": "password1234"}),
        )
        .await;
    assert_eq!(weak.status, 422);
    assert_eq!(weak.json()["error"]["field"], "new_password");

    let ok = server
        .json(
            "POST",
            "/api/v1/account/password",
            Some(&s[0]),
            &json!({"current_password": GOOD, "new_password": NEWER}),
        )
        .await;
    assert_eq!(ok.status, 204, "{}", ok.text());
    let fresh = ok
        .session_cookie()
        .expect("the session is replaced by a fresh one");
    let me = |secret: String| {
        let server = &server;
        async move {
            server
                .request(
                    "GET",
                    "/api/v1/account",
                    &[("Cookie", &cookie(&secret))],
                    None,
                )
                .await
                .status
        }
    };
    assert_eq!(
        me(fresh).await,
        200,
        "the session that changed it goes on, under a fresh id"
    );
    assert_eq!(me(s[0].clone()).await, 401, "its old id is dead");
    assert_eq!(me(s[1].clone()).await, 401, "the others end");
    assert_eq!(me(s[2].clone()).await, 401);
    let old = server
        .json(
            "POST",
            "/api/v1/auth/login",
            None,
            &json!({"login": "ada", "password": GOOD}),
        )
        .await;
    assert_eq!(old.status, 401);
    let new = server
        .json(
            "POST",
            "/api/v1/auth/login",
            None,
            &json!({"login": "ada", "password": NEWER}),
        )
        .await;
    assert_eq!(new.status, 200);
}

#[tokio::test]
async fn sessions_are_listed_and_revoked_by_their_owner_only() {
    let server = TestServer::start().await;
    let ada = account_with_sessions(&server, "ada", 2).await;
    let bob = account_with_sessions(&server, "bob", 1).await;
    let list = server
        .request(
            "GET",
            "/api/v1/account/sessions",
            &[("Cookie", &cookie(&ada[0]))],
            None,
        )
        .await;
    assert_eq!(list.status, 200);
    let body = list.json();
    assert_eq!(body["next_cursor"], serde_json::Value::Null);
    let items = body["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items.iter().filter(|s| s["current"] == true).count(), 1);
    for key in ["id", "user_agent", "ip", "created_at", "last_seen_at"] {
        assert!(items[0].get(key).is_some(), "{key}");
    }
    let other = items.iter().find(|s| s["current"] == false).unwrap();
    let other_id = other["id"].as_str().unwrap().to_string();

    // Bob cannot end Ada's session: it does not exist for him.
    let res = server
        .json(
            "DELETE",
            &format!("/api/v1/account/sessions/{other_id}"),
            Some(&bob[0]),
            &json!({}),
        )
        .await;
    assert_eq!(res.status, 404);
    let res = server
        .json(
            "DELETE",
            "/api/v1/account/sessions/not-a-session",
            Some(&ada[0]),
            &json!({}),
        )
        .await;
    assert_eq!(res.status, 404);

    let res = server
        .json(
            "DELETE",
            &format!("/api/v1/account/sessions/{other_id}"),
            Some(&ada[0]),
            &json!({}),
        )
        .await;
    assert_eq!(res.status, 204);
    let gone = server
        .request(
            "GET",
            "/api/v1/account",
            &[("Cookie", &cookie(&ada[1]))],
            None,
        )
        .await;
    assert_eq!(gone.status, 401);
}

#[tokio::test]
async fn a_temporary_password_must_be_changed_before_anything_else() {
    let server = TestServer::start().await;
    account_with_sessions(&server, "ada", 1).await;
    server.exec("UPDATE user SET password_change_required = true, password_expires_at = time::now() + 7d").await;
    let res = server
        .json(
            "POST",
            "/api/v1/auth/login",
            None,
            &json!({"login": "ada", "password": GOOD}),
        )
        .await;
    assert_eq!(res.status, 401);
    assert_eq!(res.json()["error"]["code"], "password_change_required");
    let secret = res.session_cookie().expect("a restricted session cookie");
    let me = server
        .request(
            "GET",
            "/api/v1/account",
            &[("Cookie", &cookie(&secret))],
            None,
        )
        .await;
    assert_eq!(me.status, 401);
    assert_eq!(me.json()["error"]["code"], "password_change_required");
    let same = server
        .json(
            "POST",
            "/api/v1/account/password",
            Some(&secret),
            &json!({"current_password": GOOD, "new_password": GOOD}),
        )
        .await;
    assert_eq!(same.status, 422, "the temporary password cannot be kept");
    let changed = server
        .json(
            "POST",
            "/api/v1/account/password",
            Some(&secret),
            &json!({"current_password": GOOD, "new_password": NEWER}),
        )
        .await;
    assert_eq!(changed.status, 204, "{}", changed.text());
    let fresh = changed.session_cookie().expect("a fresh session");
    let me = server
        .request(
            "GET",
            "/api/v1/account",
            &[("Cookie", &cookie(&fresh))],
            None,
        )
        .await;
    assert_eq!(me.status, 200, "the session, renewed, now works fully");
    let old = server
        .request(
            "GET",
            "/api/v1/account",
            &[("Cookie", &cookie(&secret))],
            None,
        )
        .await;
    assert_eq!(old.status, 401, "the temporary session's id is dead");

    // An expired temporary password does not sign in at all.
    server.exec("UPDATE user SET password_change_required = true, password_expires_at = time::now() - 1m").await;
    let res = server
        .json(
            "POST",
            "/api/v1/auth/login",
            None,
            &json!({"login": "ada", "password": NEWER}),
        )
        .await;
    assert_eq!(res.status, 401);
    assert_eq!(res.json()["error"]["code"], "invalid_credentials");
}

#[tokio::test]
async fn the_profile_can_be_changed_and_claims_follow() {
    let server = TestServer::start().await;
    let ada = server.signed_in("ada").await;
    let bob = server.signed_in("bob").await;
    let patch = |secret: String, body: serde_json::Value| {
        let server = &server;
        async move {
            server
                .json("PATCH", "/api/v1/account", Some(&secret), &body)
                .await
        }
    };

    let res = patch(ada.clone(), json!({"display_name": "  Ada Lovelace  "})).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["display_name"], "Ada Lovelace");

    let res = patch(ada.clone(), json!({"username": "BOB"})).await;
    assert_eq!(res.status, 422);
    assert_eq!(res.json()["error"]["field"], "username");

    let res = patch(ada.clone(), json!({"username": "countess"})).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["username"], "countess");
    // The old name is free again, the new one is taken, and sign-in follows the rename.
    assert_eq!(server.sign_in("countess").await.len(), 43);
    let res = patch(bob.clone(), json!({"username": "ada"})).await;
    assert_eq!(res.status, 200, "the old name was released: {}", res.text());
    let res = patch(bob.clone(), json!({"username": "countess"})).await;
    assert_eq!(res.status, 422);

    // Email changes need the current password and reset verification.
    let res = patch(ada.clone(), json!({"email": "ada@lovelace.example"})).await;
    assert_eq!(res.status, 422);
    assert_eq!(res.json()["error"]["field"], "current_password");
    let res = patch(
        ada.clone(),
        json!({"email": "ada@lovelace.example", "current_password": "wrong wrong wrong"}),
    )
    .await;
    assert_eq!(res.status, 422);
    let res = patch(
        ada.clone(),
        json!({"email": "bob@example.org", "current_password": crate::http::PASSWORD}),
    )
    .await;
    assert_eq!(res.status, 422, "taken by bob");
    assert_eq!(res.json()["error"]["field"], "email");
    let res = patch(
        ada.clone(),
        json!({"email": "Ada@Lovelace.example", "current_password": crate::http::PASSWORD}),
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["email"], "Ada@Lovelace.example");
    assert_eq!(res.json()["email_verified"], false);
    let by_email = server
        .json(
            "POST",
            "/api/v1/auth/login",
            None,
            &json!({"login": "ada@lovelace.example", "password": crate::http::PASSWORD}),
        )
        .await;
    assert_eq!(by_email.status, 200);
    assert_eq!(by_email.json()["user"]["username"], "countess");

    let res = patch(ada.clone(), json!({"display_name": "x".repeat(101)})).await;
    assert_eq!(res.status, 422);
    let res = patch(ada, json!({"role": "owner"})).await;
    assert_eq!(res.status, 400, "unknown fields are refused");
}
