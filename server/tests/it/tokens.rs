//! User API tokens over the REST API: created once, listed, used as bearer, revoked.

use crate::http::TestServer;
use serde_json::json;

async fn bearer_get(server: &TestServer, token: &str, path: &str) -> crate::http::Response {
    let auth = format!("Bearer {token}");
    server
        .request("GET", path, &[("Authorization", &auth)], None)
        .await
}

#[tokio::test]
async fn a_token_is_shown_once_and_acts_as_its_user() {
    let server = TestServer::start().await;
    let session = server.signed_in("ada").await;
    let res = server
        .json(
            "POST",
            "/api/v1/account/tokens",
            Some(&session),
            &json!({"description": "CI deploys", "expires_in_days": 30}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let created = res.json();
    let token = created["token"].as_str().unwrap().to_string();
    assert!(token.starts_with("gtu_") && token.len() == 40, "{token}");
    assert_eq!(created["prefix"], &token[..8]);
    assert_eq!(created["description"], "CI deploys");
    assert!(created["expires_at"].is_string());
    assert_eq!(created["last_used_at"], serde_json::Value::Null);

    // Only the hash is stored.
    let mut r = server
        .db
        .query("SELECT VALUE hash FROM api_token")
        .await
        .unwrap();
    let hashes: Vec<String> = r.take(0).unwrap();
    assert_eq!(hashes.len(), 1);
    assert_ne!(hashes[0], token);
    assert!(!hashes[0].contains(&token[4..]));

    // The token authenticates REST calls as Ada, without any Origin (scripts send none).
    let me = bearer_get(&server, &token, "/api/v1/account").await;
    assert_eq!(me.status, 200, "{}", me.text());
    assert_eq!(me.json()["username"], "ada");

    // The use is recorded off the request's path, so it shows up shortly after.
    let list = crate::http::eventually(
        || server.get_as(&session, "/api/v1/account/tokens"),
        |list| list.json()["items"][0]["last_used_at"].is_string(),
    )
    .await;
    assert_eq!(list.status, 200);
    let items = list.json()["items"].clone();
    assert_eq!(items.as_array().unwrap().len(), 1);
    assert!(
        items[0].get("token").is_none(),
        "the secret is never listed"
    );
    assert!(items[0]["last_used_at"].is_string(), "use was recorded");
    assert_eq!(items[0]["created_by"], "ada");

    // Revoked: 401 from then on.
    let id = items[0]["id"].as_str().unwrap().to_string();
    let res = server
        .json(
            "DELETE",
            &format!("/api/v1/account/tokens/{id}"),
            Some(&session),
            &json!({}),
        )
        .await;
    assert_eq!(res.status, 204);
    let me = bearer_get(&server, &token, "/api/v1/account").await;
    assert_eq!(me.status, 401);
    assert_eq!(me.json()["error"]["code"], "unauthenticated");
}

#[tokio::test]
async fn bad_expired_and_foreign_tokens_are_refused() {
    let server = TestServer::start().await;
    let ada = server.signed_in("ada").await;
    let bob = server.signed_in("bob").await;
    for body in [
        json!({"description": "", "expires_in_days": 7}),
        json!({"description": "x".repeat(101)}),
        json!({"description": "odd lifetime", "expires_in_days": 12}),
    ] {
        let res = server
            .json("POST", "/api/v1/account/tokens", Some(&ada), &body)
            .await;
        assert_eq!(res.status, 422, "{body}");
    }
    let res = server
        .json(
            "POST",
            "/api/v1/account/tokens",
            Some(&ada),
            &json!({"description": "short-lived", "expires_in_days": 7}),
        )
        .await;
    let token = res.json()["token"].as_str().unwrap().to_string();
    let id = res.json()["id"].as_str().unwrap().to_string();

    // Bob cannot revoke Ada's token.
    let res = server
        .json(
            "DELETE",
            &format!("/api/v1/account/tokens/{id}"),
            Some(&bob),
            &json!({}),
        )
        .await;
    assert_eq!(res.status, 404);

    // Malformed and mistyped tokens get 401 without a lookup. (The mistyped one changes the
    // 40th character to one it is not.)
    let typo = if token[39..40] == *"x" { "y" } else { "x" };
    for bad in [
        "nonsense",
        "gtu_",
        &token[..39],
        &format!("{}{typo}", &token[..39]),
    ] {
        let res = bearer_get(&server, bad, "/api/v1/account").await;
        assert_eq!(res.status, 401, "{bad}");
    }

    // Expired.
    server
        .exec("UPDATE api_token SET expires_at = time::now() - 1s")
        .await;
    assert_eq!(
        bearer_get(&server, &token, "/api/v1/account").await.status,
        401
    );

    // A deactivated user's token stops working at once.
    let res = server
        .json(
            "POST",
            "/api/v1/account/tokens",
            Some(&ada),
            &json!({"description": "forever"}),
        )
        .await;
    let token = res.json()["token"].as_str().unwrap().to_string();
    assert_eq!(
        bearer_get(&server, &token, "/api/v1/account").await.status,
        200
    );
    server
        .exec("UPDATE user SET active = false WHERE username = 'ada'")
        .await;
    assert_eq!(
        bearer_get(&server, &token, "/api/v1/account").await.status,
        401
    );
}

#[tokio::test]
async fn the_instance_maximum_lifetime_applies() {
    let server = TestServer::start().await;
    let ada = server.signed_in("ada").await;
    server
        .exec("UPDATE setting:instance SET token_max_days = 30")
        .await;
    for body in [
        json!({"description": "forever"}),
        json!({"description": "a year", "expires_in_days": 365}),
    ] {
        let res = server
            .json("POST", "/api/v1/account/tokens", Some(&ada), &body)
            .await;
        assert_eq!(res.status, 422, "{body}");
        assert_eq!(res.json()["error"]["field"], "expires_in_days");
    }
    let res = server
        .json(
            "POST",
            "/api/v1/account/tokens",
            Some(&ada),
            &json!({"description": "a month", "expires_in_days": 30}),
        )
        .await;
    assert_eq!(res.status, 201);
}

/// A user token limited to one organization at the Viewer level (issue 16.11): reads there,
/// 403 on a write above the level, 404 in another organization of the user's, 403 outside
/// organizations; the list shows the limit; a bad limit is a 422 naming its field.
#[tokio::test]
async fn a_limited_token_reads_its_organization_and_nothing_else() {
    let server = TestServer::start().await;
    let ada = server.signed_in("ada").await;
    for name in ["acme", "beta"] {
        let res = server
            .json(
                "POST",
                "/api/v1/organizations",
                Some(&ada),
                &json!({"name": name}),
            )
            .await;
        assert_eq!(res.status, 201, "{}", res.text());
    }
    let res = server
        .json(
            "POST",
            "/api/v1/account/tokens",
            Some(&ada),
            &json!({"description": "dashboard", "organization": "acme", "role": "viewer"}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let created = res.json();
    assert_eq!(
        (created["organization"].clone(), created["role"].clone()),
        (json!("acme"), json!("viewer"))
    );
    let token = created["token"].as_str().unwrap().to_string();
    let auth = format!("Bearer {token}");

    assert_eq!(
        bearer_get(&server, &token, "/api/v1/organizations/acme")
            .await
            .status,
        200
    );
    assert_eq!(
        bearer_get(&server, &token, "/api/v1/organizations/acme/members")
            .await
            .status,
        200
    );
    let res = server
        .request(
            "PATCH",
            "/api/v1/organizations/acme",
            &[
                ("Authorization", &auth),
                ("Content-Type", "application/json"),
            ],
            Some(br#"{"display_name": "Acme Inc"}"#),
        )
        .await;
    assert_eq!(res.status, 403, "{}", res.text());
    assert!(
        res.text().contains("permission in this organization"),
        "{}",
        res.text()
    );
    assert_eq!(
        bearer_get(&server, &token, "/api/v1/organizations/beta")
            .await
            .status,
        404
    );
    assert_eq!(
        bearer_get(&server, &token, "/api/v1/account").await.status,
        200
    );
    assert_eq!(
        bearer_get(&server, &token, "/api/v1/account/organizations")
            .await
            .status,
        403
    );

    let listed = server.get_as(&ada, "/api/v1/account/tokens").await.json();
    assert_eq!(listed["items"][0]["organization"], "acme");
    assert_eq!(listed["items"][0]["role"], "viewer");
    let res = server
        .json(
            "POST",
            "/api/v1/account/tokens",
            Some(&ada),
            &json!({"description": "x", "organization": "acme", "role": "owner"}),
        )
        .await;
    assert_eq!(
        (res.status, res.json()["error"]["field"].clone()),
        (422, json!("role"))
    );
    let res = server
        .json(
            "POST",
            "/api/v1/account/tokens",
            Some(&ada),
            &json!({"description": "x", "organization": "nowhere"}),
        )
        .await;
    assert_eq!(
        (res.status, res.json()["error"]["field"].clone()),
        (422, json!("organization"))
    );
}

/// Token hygiene over REST (issue 16.12): rotation (201 with the new secret, the old one in
/// its grace period, 409 the second time, 422 for another grace), the organization's list
/// with its flags and filter, the instance's list for administrators only.
#[tokio::test]
async fn rotation_and_the_flagged_lists_over_rest() {
    let server = TestServer::start().await;
    let root = server.signed_in("root").await;
    server
        .exec("UPDATE user SET site_admin = true, instance_role = 'site_admin' WHERE username = 'root'")
        .await;
    let ada = server.signed_in("ada").await;
    let res = server
        .json(
            "POST",
            "/api/v1/account/tokens",
            Some(&ada),
            &json!({"description": "deploys", "expires_in_days": 7}),
        )
        .await;
    let old = res.json();
    let rotate = format!(
        "/api/v1/account/tokens/{}/rotate",
        old["id"].as_str().unwrap()
    );
    let res = server
        .json("POST", &rotate, Some(&ada), &json!({"grace_minutes": 5}))
        .await;
    assert_eq!(
        (res.status, res.json()["error"]["field"].clone()),
        (422, json!("grace_minutes"))
    );
    let res = server
        .json("POST", &rotate, Some(&ada), &json!({"grace_minutes": 60}))
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    assert_eq!(res.header("cache-control"), Some("no-store"));
    let new = res.json();
    assert_eq!(new["description"], "deploys");
    assert_eq!(new["expires_at"], old["expires_at"]);
    for token in [&old["token"], &new["token"]] {
        let token = token.as_str().unwrap();
        assert_eq!(
            bearer_get(&server, token, "/api/v1/account").await.status,
            200
        );
    }
    let res = server.json("POST", &rotate, Some(&ada), &json!({})).await;
    assert_eq!(res.status, 409, "{}", res.text());
    let listed = server.get_as(&ada, "/api/v1/account/tokens").await.json();
    assert!(
        listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["rotated_at"].is_string())
    );

    // The organization's list, with flags and a filter.
    let res = server
        .json(
            "POST",
            "/api/v1/organizations",
            Some(&ada),
            &json!({"name": "acme"}),
        )
        .await;
    assert_eq!(res.status, 201);
    let res = server
        .json(
            "POST",
            "/api/v1/organizations/acme/tokens",
            Some(&ada),
            &json!({"description": "bot", "role": "viewer", "expires_in_days": 7}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let list = server
        .get_as(&ada, "/api/v1/organizations/acme/tokens?flag=expiring")
        .await;
    assert_eq!(list.status, 200, "{}", list.text());
    let items = list.json()["items"].clone();
    assert_eq!(items[0]["description"], "bot");
    assert_eq!(items[0]["kind"], "organization");
    assert_eq!(items[0]["flags"], json!(["expiring", "never_used"]));
    let bad = server
        .get_as(&ada, "/api/v1/organizations/acme/tokens?flag=old")
        .await;
    assert_eq!(bad.status, 422);

    // The instance's list: administrators with users.manage_credentials only.
    let all = server
        .get_as(&root, "/api/v1/admin/tokens?flag=expiring")
        .await;
    assert_eq!(all.status, 200, "{}", all.text());
    assert_eq!(all.json()["items"].as_array().unwrap().len(), 3);
    assert_eq!(
        server.get_as(&ada, "/api/v1/admin/tokens").await.status,
        403
    );
}
