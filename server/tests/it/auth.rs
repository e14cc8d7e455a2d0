//! Sign-up, sign-in, sessions and the CSRF rule over the REST API.

use crate::http::TestServer;
use serde_json::json;

const GOOD: &str = crate::http::PASSWORD;

async fn signup(server: &TestServer, username: &str, email: &str) -> crate::http::Response {
    server
        .json(
            "POST",
            "/api/v1/auth/signup",
            None,
            &json!({"username": username, "email": email, "password": GOOD}),
        )
        .await
}

async fn login(server: &TestServer, login: &str, password: &str) -> crate::http::Response {
    server
        .json(
            "POST",
            "/api/v1/auth/login",
            None,
            &json!({"login": login, "password": password}),
        )
        .await
}

#[tokio::test]
async fn signup_creates_an_account_with_normalised_names() {
    let server = TestServer::start().await;
    let res = signup(&server, "Ada", "Ada@Example.org").await;
    assert_eq!(res.status, 201, "{}", res.text());
    let user = res.json();
    assert_eq!(user["username"], "ada");
    assert_eq!(user["email"], "Ada@Example.org");
    assert_eq!(user["email_verified"], false);
    assert_eq!(user["site_admin"], false);
    assert_eq!(user["active"], true);
    assert!(user["created_at"].as_str().unwrap().ends_with('Z'));
    assert!(user.get("password_hash").is_none());
}

#[tokio::test]
async fn signup_refuses_bad_input_with_field_errors() {
    let server = TestServer::start().await;
    assert_eq!(signup(&server, "ada", "ada@example.org").await.status, 201);
    let cases = [
        (
            json!({"username": "ADA", "email": "new@example.org", "password": GOOD}),
            "username",
        ),
        (
            json!({"username": "ada2", "email": "ADA@EXAMPLE.ORG", "password": GOOD}),
            "email",
        ),
        (
            json!({"username": "-bad", "email": "b@example.org", "password": GOOD}),
            "username",
        ),
        (
            json!({"username": "bob", "email": "not-an-email", "password": GOOD}),
            "email",
        ),
        (
            json!({"username": "bob", "email": "b@example.org", "password": "short"}),
            "password",
        ),
        (
            json!({"username": "bob", "email": "b@example.org", "password": "password1234"}),
            "password",
        ),
        (
            json!({"username": "bobbybobby", "email": "b@example.org", "password": "bobbybobby"}),
            "password",
        ),
        (
            json!({"username": "bob", "email": "b@example.org", "password": "x".repeat(257)}),
            "password",
        ),
    ];
    for (body, field) in cases {
        let res = server
            .json("POST", "/api/v1/auth/signup", None, &body)
            .await;
        assert_eq!(res.status, 422, "{body}: {}", res.text());
        assert_eq!(res.json()["error"]["code"], "validation");
        assert_eq!(res.json()["error"]["field"], field, "{body}");
    }
    let res = server
        .json(
            "POST",
            "/api/v1/auth/signup",
            None,
            &json!({"username": "bob"}),
        )
        .await;
    assert_eq!(res.status, 400, "missing fields: {}", res.text());
}

#[tokio::test]
async fn signup_obeys_the_signup_mode() {
    let server = TestServer::start().await;
    for mode in ["invite_only", "closed"] {
        server
            .db
            .query("UPDATE setting:instance SET signup_mode = $mode")
            .bind(("mode", mode))
            .await
            .unwrap()
            .check()
            .unwrap();
        let res = signup(&server, "ada", "ada@example.org").await;
        assert_eq!(res.status, 403, "{mode}: {}", res.text());
        assert_eq!(res.json()["error"]["code"], "forbidden");
    }
}

#[tokio::test]
async fn twenty_concurrent_signups_with_one_name_make_one_account() {
    let server = std::sync::Arc::new(TestServer::start().await);
    let mut tasks = Vec::new();
    for i in 0..20 {
        let server = server.clone();
        tasks.push(tokio::spawn(async move {
            signup(&server, "racer", &format!("racer{i}@example.org"))
                .await
                .status
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 201 || *s == 422),
        "{statuses:?}"
    );
    let mut r = server
        .db
        .query("RETURN count(SELECT VALUE id FROM user WHERE username = 'racer')")
        .await
        .unwrap();
    let count: Option<i64> = r.take(0).unwrap();
    assert_eq!(count, Some(1));
}

#[tokio::test]
async fn login_sets_a_session_cookie_and_failures_are_generic() {
    let server = TestServer::start().await;
    signup(&server, "ada", "ada@example.org").await;

    let wrong = login(&server, "ada", "not the password at all").await;
    let unknown = login(&server, "nobody", "not the password at all").await;
    for res in [&wrong, &unknown] {
        assert_eq!(res.status, 401);
        assert_eq!(res.json()["error"]["code"], "invalid_credentials");
        assert_eq!(
            res.json()["error"]["message"],
            "Invalid username or password."
        );
        assert!(res.session_cookie().is_none());
    }

    let by_email = login(&server, "ADA@example.org", GOOD).await;
    assert_eq!(by_email.status, 200, "{}", by_email.text());
    assert_eq!(by_email.json()["user"]["username"], "ada");
    let cookie_header = by_email.header("set-cookie").unwrap().to_string();
    assert!(cookie_header.contains("HttpOnly"), "{cookie_header}");
    assert!(cookie_header.contains("SameSite=Lax"), "{cookie_header}");
    assert_eq!(by_email.header("cache-control"), Some("no-store"));

    // Every sign-in gets a fresh session id.
    let again = login(&server, "ada", GOOD).await;
    assert_ne!(again.session_cookie(), by_email.session_cookie());

    let secret = by_email.session_cookie().unwrap();
    let me = server
        .request(
            "GET",
            "/api/v1/account",
            &[("Cookie", &format!("gatehouse_session={secret}"))],
            None,
        )
        .await;
    assert_eq!(me.status, 200, "{}", me.text());
    assert_eq!(me.json()["username"], "ada");
    assert_eq!(me.header("cache-control"), Some("no-store"));

    // Only the hash of the session id is stored.
    let mut r = server
        .db
        .query("SELECT VALUE record::id(id) FROM session")
        .await
        .unwrap();
    let ids: Vec<String> = r.take(0).unwrap();
    assert_eq!(ids.len(), 2);
    assert!(!ids.contains(&secret));
    assert!(ids.iter().all(|id| id.len() == 64));
}

#[tokio::test]
async fn logout_ends_the_session() {
    let server = TestServer::start().await;
    signup(&server, "ada", "ada@example.org").await;
    let secret = login(&server, "ada", GOOD).await.session_cookie().unwrap();
    let out = server
        .json("POST", "/api/v1/auth/logout", Some(&secret), &json!({}))
        .await;
    assert_eq!(out.status, 204, "{}", out.text());
    assert!(out.header("set-cookie").unwrap().contains("Max-Age=0"));
    let me = server
        .request(
            "GET",
            "/api/v1/account",
            &[("Cookie", &format!("gatehouse_session={secret}"))],
            None,
        )
        .await;
    assert_eq!(me.status, 401);
    assert_eq!(me.json()["error"]["code"], "unauthenticated");
}

#[tokio::test]
async fn sessions_expire_when_idle_and_a_deactivated_user_is_signed_out() {
    let server = TestServer::start().await;
    signup(&server, "ada", "ada@example.org").await;
    let secret = login(&server, "ada", GOOD).await.session_cookie().unwrap();
    let cookie = format!("gatehouse_session={secret}");
    server
        .exec("UPDATE session SET last_seen_at = time::now() - 13h")
        .await;
    let me = server
        .request("GET", "/api/v1/account", &[("Cookie", &cookie)], None)
        .await;
    assert_eq!(me.status, 401, "idle for 13 h with a 12 h limit");

    let secret = login(&server, "ada", GOOD).await.session_cookie().unwrap();
    let cookie = format!("gatehouse_session={secret}");
    server.exec("UPDATE user SET active = false").await;
    let me = server
        .request("GET", "/api/v1/account", &[("Cookie", &cookie)], None)
        .await;
    assert_eq!(me.status, 401, "deactivated");
    assert_eq!(login(&server, "ada", GOOD).await.status, 401);
}

#[tokio::test]
async fn state_changes_need_a_same_origin() {
    let server = TestServer::start().await;
    signup(&server, "ada", "ada@example.org").await;
    let secret = login(&server, "ada", GOOD).await.session_cookie().unwrap();
    let cookie = format!("gatehouse_session={secret}");
    let refused: [Vec<(&str, &str)>; 4] = [
        vec![("Cookie", &cookie)],
        vec![("Cookie", &cookie), ("Origin", "http://evil.example")],
        vec![("Cookie", &cookie), ("Referer", "http://evil.example/page")],
        vec![("Sec-Fetch-Site", "cross-site")],
    ];
    for headers in refused {
        let res = server
            .request("POST", "/api/v1/auth/logout", &headers, None)
            .await;
        assert_eq!(res.status, 403, "{headers:?}");
        assert_eq!(res.json()["error"]["code"], "csrf");
    }
    // A cross-site sign-in attempt is refused too.
    let res = server
        .request(
            "POST",
            "/api/v1/auth/login",
            &[
                ("Content-Type", "application/json"),
                ("Origin", "http://evil.example"),
            ],
            Some(format!("{{\"login\":\"ada\",\"password\":\"{GOOD}\"}}").as_bytes()),
        )
        .await;
    assert_eq!(res.status, 403);
    // The session survived all of that.
    let me = server
        .request("GET", "/api/v1/account", &[("Cookie", &cookie)], None)
        .await;
    assert_eq!(me.status, 200);
    // Same origin via Referer works.
    let referer = format!("{}/settings", server.origin());
    let res = server
        .request(
            "POST",
            "/api/v1/auth/logout",
            &[("Cookie", &cookie), ("Referer", &referer)],
            None,
        )
        .await;
    assert_eq!(res.status, 204);
}

#[tokio::test]
async fn repeated_failures_are_throttled_with_retry_after() {
    let server = TestServer::start().await;
    signup(&server, "ada", "ada@example.org").await;
    signup(&server, "bob", "bob@example.org").await;
    for i in 1..=5 {
        let res = login(&server, "ada", "wrong password, try again").await;
        assert_eq!(res.status, 401, "failure {i} is answered normally");
    }
    let res = login(&server, "ada", "wrong password, try again").await;
    assert_eq!(
        res.status, 401,
        "the sixth failure is counted and starts the lock"
    );
    let locked = login(&server, "ADA", GOOD).await;
    assert_eq!(locked.status, 429, "{}", locked.text());
    assert_eq!(locked.json()["error"]["code"], "rate_limited");
    let retry: u64 = locked.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=61).contains(&retry), "{retry}");
    // Another account from the same address is not affected.
    assert_eq!(login(&server, "bob", GOOD).await.status, 200);
    // The same applies to names that do not exist: the throttle reveals nothing.
    for _ in 0..6 {
        login(&server, "ghost", "wrong password, try again").await;
    }
    assert_eq!(login(&server, "ghost", "x").await.status, 429);
    // Once the lock has passed, the right password works and clears the count.
    server
        .exec("UPDATE throttle SET locked_until = time::now() - 1s")
        .await;
    assert_eq!(login(&server, "ada", GOOD).await.status, 200);
}

#[tokio::test]
async fn hostile_bodies_get_the_error_shape_never_a_5xx() {
    let server = TestServer::start().await;
    let huge = "x".repeat(1_000_000);
    let cases = [
        (
            "/api/v1/auth/signup",
            json!({"username": "ada", "email": "a@example.org", "password": GOOD, "admin": true}),
            400,
        ),
        (
            "/api/v1/auth/signup",
            json!({"username": 7, "email": "a@example.org", "password": GOOD}),
            400,
        ),
        (
            "/api/v1/auth/signup",
            json!({"username": huge, "email": "a@example.org", "password": GOOD}),
            422,
        ),
        (
            "/api/v1/auth/signup",
            json!({"username": "ada", "email": huge, "password": GOOD}),
            422,
        ),
        (
            "/api/v1/auth/signup",
            json!({"username": "ada", "email": "a@example.org", "password": huge}),
            422,
        ),
        (
            "/api/v1/auth/login",
            json!({"login": huge, "password": huge}),
            401,
        ),
        ("/api/v1/auth/login", json!({"login": "ada"}), 400),
        ("/api/v1/auth/login", json!([1, 2, 3]), 400),
        ("/api/v1/auth/login", json!(null), 400),
    ];
    for (path, body, status) in cases {
        let res = server.json("POST", path, None, &body).await;
        assert_eq!(
            res.status,
            status,
            "{path}: {}",
            res.text().chars().take(300).collect::<String>()
        );
        let error = res.json()["error"].clone();
        assert!(
            error["code"].is_string() && error["message"].is_string(),
            "{error}"
        );
    }
}

#[tokio::test]
async fn probing_for_taken_email_addresses_is_throttled() {
    let server = TestServer::start().await;
    server.signed_in("ada").await;
    let mut statuses = Vec::new();
    for i in 0..32 {
        let body = serde_json::json!({
            "username": format!("probe-{i}"), "email": "ada@example.org", "password": crate::http::PASSWORD
        });
        statuses.push(
            server
                .json("POST", "/api/v1/auth/signup", None, &body)
                .await
                .status,
        );
    }
    assert!(statuses[..30].iter().all(|s| *s == 422), "{statuses:?}");
    assert_eq!(statuses[31], 429, "{statuses:?}");
}

/// A taken username is a probe too (and each one costs the server a password hash).
#[tokio::test]
async fn probing_for_taken_usernames_is_throttled() {
    let server = TestServer::start().await;
    server.signed_in("ada").await;
    let mut statuses = Vec::new();
    for i in 0..32 {
        let body = serde_json::json!({
            "username": "ada", "email": format!("probe-{i}@example.org"), "password": crate::http::PASSWORD
        });
        statuses.push(
            server
                .json("POST", "/api/v1/auth/signup", None, &body)
                .await
                .status,
        );
    }
    assert!(statuses[..30].iter().all(|s| *s == 422), "{statuses:?}");
    assert_eq!(statuses[31], 429, "{statuses:?}");
}

async fn from(server: &TestServer, xff: &str, login: &str, password: &str) -> u16 {
    let body = serde_json::to_vec(&json!({"login": login, "password": password})).unwrap();
    let origin = server.origin();
    server
        .request(
            "POST",
            "/api/v1/auth/login",
            &[
                ("Content-Type", "application/json"),
                ("Origin", origin.as_str()),
                ("X-Forwarded-For", xff),
            ],
            Some(&body),
        )
        .await
        .status
}

/// Behind a trusted proxy each client is throttled on its own address (from
/// `X-Forwarded-For`), and the pair (address, account) locks hard while the account itself
/// still opens for someone else; from an untrusted peer the header is ignored, so rotating it
/// does not escape the lock. A lock is audited.
#[tokio::test]
async fn behind_a_trusted_proxy_each_client_has_its_own_budget() {
    let proxied = TestServer::start_configured(axum::Router::new(), None, "127.0.0.1/32").await;
    signup(&proxied, "ada", "ada@example.org").await;
    for _ in 0..6 {
        assert_eq!(
            from(&proxied, "203.0.113.1", "ada", "wrong password, again").await,
            401
        );
    }
    assert_eq!(from(&proxied, "203.0.113.1", "ada", GOOD).await, 429);
    // Someone else behind the same proxy: their own budget, and ada's account still opens.
    assert_eq!(from(&proxied, "203.0.113.2", "ada", GOOD).await, 200);
    // The email spelling shares the account's pair budget with the username.
    assert_eq!(
        from(&proxied, "203.0.113.1", "ada@example.org", GOOD).await,
        429
    );
    let mut locks = proxied
        .db
        .query("SELECT VALUE target FROM audit_event WHERE action = 'auth.locked'")
        .await
        .unwrap();
    let locks: Vec<String> = locks.take(0).unwrap();
    assert!(locks.iter().any(|t| t.contains("203.0.113.1")), "{locks:?}");

    // Without trusted proxies the header is the client's own claim: ignored.
    let direct = TestServer::start().await;
    signup(&direct, "bob", "bob@example.org").await;
    let spoofs = [
        "198.51.100.1",
        "198.51.100.2",
        "198.51.100.3",
        "198.51.100.4",
        "198.51.100.5",
        "198.51.100.6",
    ];
    for xff in spoofs {
        assert_eq!(
            from(&direct, xff, "bob", "wrong password, again").await,
            401
        );
    }
    assert_eq!(from(&direct, "198.51.100.7", "bob", GOOD).await, 429);
}

/// A burst of parallel guesses is reserved before any hash runs: at most the free attempts
/// (and the one that starts the lock) are checked, the rest get 429. The current-password
/// check of a signed-in user spends the same budget.
#[tokio::test]
async fn a_parallel_burst_cannot_outrun_the_throttle() {
    let server = TestServer::start().await;
    signup(&server, "ada", "ada@example.org").await;
    let guess = || from(&server, "", "ada", "a wrong guess, quickly");
    let (a, b, c, d, e, f, g, h) = tokio::join!(
        guess(),
        guess(),
        guess(),
        guess(),
        guess(),
        guess(),
        guess(),
        guess()
    );
    let statuses = [a, b, c, d, e, f, g, h];
    assert!(
        statuses.iter().filter(|s| **s == 401).count() <= 6,
        "{statuses:?}"
    );
    assert!(statuses.contains(&429), "{statuses:?}");

    let bob = server.signed_in("bob").await;
    let mut last = 0;
    for _ in 0..7 {
        last = server
            .json(
                "POST",
                "/api/v1/account/password",
                Some(&bob),
                &json!({"current_password": "not the password", "new_password": "a brand new pass phrase"}),
            )
            .await
            .status;
    }
    assert_eq!(last, 429, "guessing the current password is throttled too");
}
