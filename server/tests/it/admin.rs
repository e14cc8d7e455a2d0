//! Site administration over the REST API.

use crate::http::TestServer;
use serde_json::json;

#[tokio::test]
async fn site_administration_over_rest() {
    let server = TestServer::start().await;
    let root = server.signed_in("root").await;
    let eve = server.signed_in("eve").await;
    server
        .exec("UPDATE user SET site_admin = true, instance_role = 'site_admin' WHERE username = 'root'")
        .await;

    // Others: 403 everywhere under /admin.
    for path in [
        "/api/v1/admin/users",
        "/api/v1/admin/settings",
        "/api/v1/admin/organizations",
        "/api/v1/admin/outbox",
        "/api/v1/admin/audit-events",
    ] {
        assert_eq!(server.get_as(&eve, path).await.status, 403, "{path}");
        assert_eq!(server.get_as(&root, path).await.status, 200, "{path}");
    }

    // Create a user: the temporary password is shown once and must be replaced first.
    let res = server
        .json(
            "POST",
            "/api/v1/admin/users",
            Some(&root),
            &json!({"email": "new.person@example.org", "display_name": "New Person"}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    assert_eq!(res.header("cache-control"), Some("no-store"));
    let created = res.json();
    assert_eq!(created["user"]["username"], "new-person");
    let temporary = created["temporary_password"].as_str().unwrap().to_string();
    let res = server
        .json(
            "POST",
            "/api/v1/auth/login",
            None,
            &json!({"login": "new-person", "password": temporary}),
        )
        .await;
    assert_eq!(res.status, 401);
    assert_eq!(res.json()["error"]["code"], "password_change_required");
    let restricted = res.session_cookie().unwrap();
    assert_eq!(
        server.get_as(&restricted, "/api/v1/account").await.status,
        401
    );

    // Deactivating eve ends her open session at once; reactivating lets her sign in again.
    assert_eq!(server.get_as(&eve, "/api/v1/account").await.status, 200);
    let res = server
        .json(
            "PATCH",
            "/api/v1/admin/users/eve",
            Some(&root),
            &json!({"active": false}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["active"], false);
    assert_eq!(server.get_as(&eve, "/api/v1/account").await.status, 401);
    let res = server
        .json(
            "PATCH",
            "/api/v1/admin/users/eve",
            Some(&root),
            &json!({"active": true}),
        )
        .await;
    assert_eq!(res.status, 200);
    server.sign_in("eve").await;

    // Guards.
    let res = server
        .json(
            "PATCH",
            "/api/v1/admin/users/root",
            Some(&root),
            &json!({"site_admin": false}),
        )
        .await;
    assert_eq!(
        (res.status, res.json()["error"]["code"].clone()),
        (409, json!("self_action"))
    );
    let res = server
        .json(
            "DELETE",
            "/api/v1/admin/users/root",
            Some(&root),
            &json!(null),
        )
        .await;
    assert_eq!(res.json()["error"]["code"], "self_action");
    let res = server
        .json(
            "PATCH",
            "/api/v1/admin/users/ghost",
            Some(&root),
            &json!({"active": false}),
        )
        .await;
    assert_eq!(res.status, 404);
    let res = server
        .json(
            "PATCH",
            "/api/v1/admin/users/eve",
            Some(&root),
            &json!({"active": "no"}),
        )
        .await;
    assert_eq!(res.status, 400);

    // One's own credentials change in the settings: 409 `self_action`.
    for (method, path) in [
        ("POST", "/api/v1/admin/users/root/reset-password"),
        ("DELETE", "/api/v1/admin/users/root/two-factor?reason=mine"),
    ] {
        let res = server.json(method, path, Some(&root), &json!(null)).await;
        assert_eq!(res.status, 409, "{path}: {}", res.text());
        assert_eq!(res.json()["error"]["code"], "self_action");
    }

    // Reset password, two-factor (not on: 409; no reason: 422), delete.
    let res = server
        .json(
            "POST",
            "/api/v1/admin/users/eve/reset-password",
            Some(&root),
            &json!(null),
        )
        .await;
    assert_eq!(res.status, 200);
    assert!(res.json()["temporary_password"].as_str().unwrap().len() >= 16);
    let res = server
        .json(
            "DELETE",
            "/api/v1/admin/users/eve/two-factor?reason=lost%20phone",
            Some(&root),
            &json!(null),
        )
        .await;
    assert_eq!(res.status, 409);
    let res = server
        .json(
            "DELETE",
            "/api/v1/admin/users/eve",
            Some(&root),
            &json!(null),
        )
        .await;
    assert_eq!(res.status, 204);

    // Settings.
    let res = server
        .json(
            "PATCH",
            "/api/v1/admin/settings",
            Some(&root),
            &json!({"signup_mode": "invite_only", "token_max_days": 90}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["token_max_days"], 90);
    let res = server
        .json(
            "PATCH",
            "/api/v1/admin/settings",
            Some(&root),
            &json!({"signup_mode": "sometimes"}),
        )
        .await;
    assert_eq!(
        (res.status, res.json()["error"]["field"].clone()),
        (400, json!("signup_mode"))
    );
    let res = server
        .json(
            "POST",
            "/api/v1/auth/signup",
            None,
            &json!({"username": "late", "email": "late@example.org", "password": "violet tractor quietly hums"}),
        )
        .await;
    assert_eq!(res.status, 403);

    // The users list, the outbox (the sign-up verification mails), the audit trail.
    let res = server
        .get_as(&root, "/api/v1/admin/users?query=new&status=active")
        .await;
    let items = res.json()["items"].clone();
    assert_eq!(items.as_array().unwrap().len(), 1);
    assert_eq!(items[0]["username"], "new-person");
    assert_eq!(items[0]["organizations"], 0);
    let res = server.get_as(&root, "/api/v1/admin/outbox").await;
    let items = res.json()["items"].clone();
    assert!(!items.as_array().unwrap().is_empty());
    // Links carry single-use secrets: only a site admin sees them (an auditor's view is in
    // instance_roles.rs).
    assert!(
        items
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["body"].as_str().unwrap().contains("token="))
    );

    let res = server
        .get_as(&root, "/api/v1/admin/audit-events?action=admin")
        .await;
    let actions: Vec<String> = res.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect();
    assert!(
        actions.contains(&"admin.user_created".to_string()),
        "{actions:?}"
    );
    assert!(
        actions.contains(&"admin.user_deleted".to_string()),
        "{actions:?}"
    );
    assert!(
        actions.contains(&"admin.settings_changed".to_string()),
        "{actions:?}"
    );
}
