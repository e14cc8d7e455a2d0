//! Two-factor over the REST API: enrol, confirm, sign in with a code (once), recovery codes,
//! regenerate, turn off.

use crate::http::{PASSWORD, TestServer};
use serde_json::json;
use totp_rs::{Builder, Secret};

pub fn code_at(secret: &str, offset_secs: i64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    Builder::new()
        .with_secret(Secret::try_from_base32(secret).unwrap())
        .build()
        .unwrap()
        .generate((now + offset_secs) as u64)
        .to_string()
}

async fn login(server: &TestServer, code: Option<&str>) -> crate::http::Response {
    let mut body = json!({"login": "ada", "password": PASSWORD});
    if let Some(code) = code {
        body["code"] = json!(code);
    }
    server.json("POST", "/api/v1/auth/login", None, &body).await
}

#[tokio::test]
async fn enrol_sign_in_with_codes_and_turn_off() {
    let server = TestServer::start().await;
    let session = server.signed_in("ada").await;

    // Without a session: 401.
    let res = server
        .json("POST", "/api/v1/account/two-factor", None, &json!({}))
        .await;
    assert_eq!(res.status, 401);

    let res = server
        .json(
            "POST",
            "/api/v1/account/two-factor",
            Some(&session),
            &json!({}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.header("cache-control"), Some("no-store"));
    let enrolment = res.json();
    let secret = enrolment["secret"].as_str().unwrap().to_string();
    assert!(enrolment["otpauth_url"].as_str().unwrap().contains(&secret));
    assert!(enrolment["qr_svg"].as_str().unwrap().starts_with("<svg"));

    // Pending: the password alone still signs in, and the account says "off".
    assert_eq!(login(&server, None).await.status, 200);

    let wrong = server
        .json(
            "POST",
            "/api/v1/account/two-factor/confirm",
            Some(&session),
            &json!({"code": "000000"}),
        )
        .await;
    assert_eq!(wrong.status, 422, "{}", wrong.text());
    assert_eq!(wrong.json()["error"]["field"], "code");
    let res = server
        .json(
            "POST",
            "/api/v1/account/two-factor/confirm",
            Some(&session),
            &json!({"code": code_at(&secret, 0)}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    // Enrolling replaces the session: the old id is dead, the new cookie works.
    let old_session = session;
    let session = res.session_cookie().expect("a fresh session");
    assert_eq!(
        server.get_as(&old_session, "/api/v1/account").await.status,
        401
    );
    let recovery: Vec<String> =
        serde_json::from_value(res.json()["recovery_codes"].clone()).unwrap();
    assert_eq!(recovery.len(), 10);
    // Only hashes are stored.
    let mut stored = server
        .db
        .query("SELECT VALUE recovery_hashes FROM two_factor")
        .await
        .unwrap();
    let mut hashes: Vec<Vec<String>> = stored.take(0).unwrap();
    let hashes = hashes.pop().unwrap();
    assert_eq!(hashes.len(), 10);
    assert!(
        hashes
            .iter()
            .all(|h| h.len() == 64 && !recovery.contains(h))
    );
    let cookie = format!("gatehouse_session={session}");
    let res = server
        .request("GET", "/api/v1/account", &[("Cookie", &cookie)], None)
        .await;
    assert_eq!(res.json()["two_factor_enabled"], true);

    // Sign-in now needs a code.
    let res = login(&server, None).await;
    assert_eq!(res.status, 401);
    assert_eq!(res.json()["error"]["code"], "two_factor_required");
    assert!(res.session_cookie().is_none());
    // The code used to confirm is spent.
    let res = login(&server, Some(&code_at(&secret, 0))).await;
    assert_eq!(res.status, 401);
    assert_eq!(res.json()["error"]["code"], "invalid_credentials");

    // The next step's code, sent by several clients at once, signs in exactly one of them.
    let next = code_at(&secret, 30);
    let (a, b, c, d, e, f) = tokio::join!(
        login(&server, Some(&next)),
        login(&server, Some(&next)),
        login(&server, Some(&next)),
        login(&server, Some(&next)),
        login(&server, Some(&next)),
        login(&server, Some(&next)),
    );
    let statuses = [a, b, c, d, e, f].map(|r| r.status);
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    // The rest fail, or are throttled: every attempt is reserved before its check.
    assert!(
        statuses.iter().all(|s| [200, 401, 429].contains(s)),
        "{statuses:?}"
    );

    // A recovery code works once.
    assert_eq!(login(&server, Some(&recovery[0])).await.status, 200);
    assert_eq!(login(&server, Some(&recovery[0])).await.status, 401);

    // Regenerating (with a recovery code) kills the old ones.
    let res = server
        .json(
            "POST",
            "/api/v1/account/two-factor/recovery-codes",
            Some(&session),
            &json!({"code": recovery[1]}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let fresh: Vec<String> = serde_json::from_value(res.json()["recovery_codes"].clone()).unwrap();
    assert_eq!(login(&server, Some(&recovery[2])).await.status, 401);
    assert_eq!(login(&server, Some(&fresh[0])).await.status, 200);

    // Turning it off: wrong password 422, unknown field 400, right password 204.
    let res = server
        .json(
            "DELETE",
            "/api/v1/account/two-factor",
            Some(&session),
            &json!({"password": "not it at all"}),
        )
        .await;
    assert_eq!(res.status, 422, "{}", res.text());
    let res = server
        .json(
            "DELETE",
            "/api/v1/account/two-factor",
            Some(&session),
            &json!({"pin": "1"}),
        )
        .await;
    assert_eq!(res.status, 400, "{}", res.text());
    // While an organization of hers requires it: 403 naming it, unless she accepts.
    let res = server
        .json(
            "POST",
            "/api/v1/organizations",
            Some(&session),
            &json!({"name": "acme"}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let res = server
        .json(
            "PATCH",
            "/api/v1/organizations/acme",
            Some(&session),
            &json!({"require_two_factor": true}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let res = server
        .json(
            "DELETE",
            "/api/v1/account/two-factor",
            Some(&session),
            &json!({"password": PASSWORD}),
        )
        .await;
    assert_eq!(res.status, 403, "{}", res.text());
    let body = res.json();
    assert_eq!(body["error"]["code"], "two_factor_policy");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("acme requires two-factor"),
        "{body}"
    );
    let res = server
        .json(
            "DELETE",
            "/api/v1/account/two-factor",
            Some(&session),
            &json!({"password": PASSWORD, "accept_blocked": true}),
        )
        .await;
    assert_eq!(res.status, 204, "{}", res.text());
    assert_eq!(login(&server, None).await.status, 200);
    let res = server
        .json(
            "DELETE",
            "/api/v1/account/two-factor",
            Some(&session),
            &json!({"password": PASSWORD}),
        )
        .await;
    assert_eq!(res.status, 409);
}
