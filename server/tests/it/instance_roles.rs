//! Instance roles over the REST API (issue 16.1): the catalog, built-in and custom roles, the
//! role given to a user, and what a help desk's session and admin-scoped token may and may
//! not do.

use crate::http::TestServer;
use serde_json::{Value, json};

async fn call(
    server: &TestServer,
    method: &str,
    path: &str,
    session: &str,
    body: Value,
) -> (u16, Value) {
    let res = server.json(method, path, Some(session), &body).await;
    let status = res.status;
    let body = if res.text().is_empty() {
        Value::Null
    } else {
        res.json()
    };
    (status, body)
}

#[tokio::test]
async fn instance_roles_over_rest() {
    let server = TestServer::start().await;
    let root = server.signed_in("root").await;
    server
        .exec("UPDATE user SET site_admin = true, instance_role = 'site_admin' WHERE username = 'root'")
        .await;
    let desk = server.verified("desk").await;
    server.signed_in("bob").await;

    // The catalog and the built-in roles.
    let (status, catalog) = call(
        &server,
        "GET",
        "/api/v1/admin/permissions",
        &desk,
        json!(null),
    )
    .await;
    assert_eq!(status, 200);
    let ids: Vec<&str> = catalog["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    for id in [
        "users.read",
        "users.create",
        "users.update",
        "users.reset_password",
        "users.deactivate",
        "users.delete",
        "users.manage_credentials",
        "instance.roles.manage",
        "instance.settings.update",
        "organizations.read",
        "organizations.manage",
        "audit.read",
        "outbox.read",
    ] {
        assert!(ids.contains(&id), "{id}");
    }
    assert_eq!(catalog["items"][0]["scope"], "instance");
    let (status, roles) = call(&server, "GET", "/api/v1/admin/roles", &root, json!(null)).await;
    assert_eq!(status, 200);
    let names: Vec<&str> = roles["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["site_admin", "help_desk", "auditor"]);
    assert_eq!(roles["items"][0]["holders"], 1);
    assert_eq!(
        roles["items"][1]["permissions"],
        json!(["users.read", "users.reset_password", "users.deactivate"])
    );

    // Giving a role; the account shows it.
    let (status, user) = call(
        &server,
        "PATCH",
        "/api/v1/admin/users/desk",
        &root,
        json!({"instance_role": "help_desk"}),
    )
    .await;
    assert_eq!(status, 200, "{user}");
    assert_eq!(user["instance_role"], "help_desk");
    assert_eq!(user["site_admin"], false);
    let (_, account) = call(&server, "GET", "/api/v1/account", &desk, json!(null)).await;
    assert_eq!(account["instance_role"], "help_desk");
    assert_eq!(
        account["instance_permissions"],
        json!(["users.read", "users.reset_password", "users.deactivate"])
    );
    let (status, holders) = call(
        &server,
        "GET",
        "/api/v1/admin/roles/help_desk/holders",
        &root,
        json!(null),
    )
    .await;
    assert_eq!((status, holders["items"].clone()), (200, json!(["desk"])));
    let (status, page) = call(
        &server,
        "GET",
        "/api/v1/admin/users?instance_role=help_desk",
        &root,
        json!(null),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    let (_, page) = call(
        &server,
        "GET",
        "/api/v1/admin/users?instance_role=none",
        &root,
        json!(null),
    )
    .await;
    let names: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["bob"]);

    // An auditor reads the outbox with its links hidden (each is a single-use secret that acts
    // as its recipient); a site admin sees them.
    let (status, _) = call(
        &server,
        "PATCH",
        "/api/v1/admin/users/bob",
        &root,
        json!({"instance_role": "auditor"}),
    )
    .await;
    assert_eq!(status, 200);
    let bob = server.sign_in("bob").await;
    let (status, outbox) = call(&server, "GET", "/api/v1/admin/outbox", &bob, json!(null)).await;
    assert_eq!(status, 200, "{outbox}");
    let bodies: Vec<&str> = outbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["body"].as_str().unwrap())
        .collect();
    assert!(!bodies.is_empty());
    assert!(
        bodies
            .iter()
            .all(|b| !b.contains("token=") && !b.contains("http")),
        "{bodies:?}"
    );
    let (_, outbox) = call(&server, "GET", "/api/v1/admin/outbox", &root, json!(null)).await;
    assert!(
        outbox["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["body"].as_str().unwrap().contains("token="))
    );
    let (status, _) = call(
        &server,
        "PATCH",
        "/api/v1/admin/users/bob",
        &root,
        json!({"instance_role": null}),
    )
    .await;
    assert_eq!(status, 200);

    // The help desk: resets a password, never grants a role, never reaches settings.
    let (status, body) = call(
        &server,
        "POST",
        "/api/v1/admin/users/bob/reset-password",
        &desk,
        json!(null),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(body["temporary_password"].as_str().unwrap().len() >= 20);
    for change in [
        json!({"instance_role": "auditor"}),
        json!({"site_admin": true}),
        json!({"display_name": "B"}),
    ] {
        let (status, body) = call(
            &server,
            "PATCH",
            "/api/v1/admin/users/bob",
            &desk,
            change.clone(),
        )
        .await;
        assert_eq!(
            (status, body["error"]["code"].clone()),
            (403, json!("forbidden")),
            "{change}"
        );
    }
    for path in [
        "/api/v1/admin/settings",
        "/api/v1/admin/outbox",
        "/api/v1/admin/audit-events",
        "/api/v1/admin/organizations",
    ] {
        let (status, _) = call(&server, "GET", path, &desk, json!(null)).await;
        assert_eq!(status, 403, "{path}");
    }
    let (status, body) = call(
        &server,
        "POST",
        "/api/v1/admin/users/root/reset-password",
        &desk,
        json!(null),
    )
    .await;
    assert_eq!(status, 403, "{body}");
    let (status, _) = call(
        &server,
        "POST",
        "/api/v1/admin/roles",
        &desk,
        json!({"name": "mine", "permissions": []}),
    )
    .await;
    assert_eq!(status, 403);

    // Its admin-scoped token acts with the same role, no more.
    let (status, token) = call(
        &server,
        "POST",
        "/api/v1/account/tokens",
        &desk,
        json!({"description": "desk script", "admin": true}),
    )
    .await;
    assert_eq!(status, 201, "{token}");
    let auth = format!("Bearer {}", token["token"].as_str().unwrap());
    let headers = [
        ("Authorization", auth.as_str()),
        ("Content-Type", "application/json"),
    ];
    let res = server
        .request("GET", "/api/v1/admin/users", &headers, None)
        .await;
    assert_eq!(res.status, 200);
    let res = server
        .request("GET", "/api/v1/admin/settings", &headers, None)
        .await;
    assert_eq!(res.status, 403);
    let body = serde_json::to_vec(&json!({"instance_role": "help_desk"})).unwrap();
    let res = server
        .request("PATCH", "/api/v1/admin/users/bob", &headers, Some(&body))
        .await;
    assert_eq!(res.status, 403);

    // Custom roles: create, read, edit, preview, delete; bad input gets clear errors.
    let (status, role) = call(&server, "POST", "/api/v1/admin/roles", &root,
        json!({"name": "support-lead", "title": "Support lead", "permissions": ["users.deactivate", "users.update"]})).await;
    assert_eq!(status, 201, "{role}");
    assert_eq!(
        role["permissions"],
        json!(["users.read", "users.update", "users.deactivate"])
    );
    assert_eq!(role["builtin"], false);
    let (status, body) = call(
        &server,
        "POST",
        "/api/v1/admin/roles",
        &root,
        json!({"name": "odd", "permissions": ["org.read"]}),
    )
    .await;
    assert_eq!(
        (status, body["error"]["field"].clone()),
        (422, json!("permissions"))
    );
    let (status, body) = call(
        &server,
        "POST",
        "/api/v1/admin/roles",
        &root,
        json!({"name": "support-lead", "permissions": []}),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].clone()),
        (409, json!("conflict"))
    );
    let (status, body) = call(
        &server,
        "POST",
        "/api/v1/admin/roles",
        &root,
        json!({"name": 7}),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    let (status, _) = call(
        &server,
        "GET",
        "/api/v1/admin/roles/nope",
        &root,
        json!(null),
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = call(
        &server,
        "DELETE",
        "/api/v1/admin/roles/site_admin",
        &root,
        json!(null),
    )
    .await;
    assert_eq!(status, 409);
    let (status, _) = call(
        &server,
        "PATCH",
        "/api/v1/admin/roles/auditor",
        &root,
        json!({"title": "x"}),
    )
    .await;
    assert_eq!(status, 409);
    let (status, body) = call(
        &server,
        "PATCH",
        "/api/v1/admin/users/bob",
        &root,
        json!({"instance_role": "ghost"}),
    )
    .await;
    assert_eq!(
        (status, body["error"]["field"].clone()),
        (422, json!("instance_role"))
    );
    let (status, _) = call(
        &server,
        "PATCH",
        "/api/v1/admin/users/bob",
        &root,
        json!({"instance_role": "support-lead"}),
    )
    .await;
    assert_eq!(status, 200);
    let (status, preview) = call(
        &server,
        "POST",
        "/api/v1/admin/roles/support-lead/preview",
        &root,
        json!({"permissions": ["users.update"]}),
    )
    .await;
    assert_eq!(status, 200, "{preview}");
    assert_eq!(
        preview["losses"],
        json!([{"username": "bob", "permissions": ["users.deactivate"]}])
    );
    let (status, role) = call(
        &server,
        "PATCH",
        "/api/v1/admin/roles/support-lead",
        &root,
        json!({"permissions": ["users.update"]}),
    )
    .await;
    assert_eq!(
        (status, role["permissions"].clone()),
        (200, json!(["users.read", "users.update"]))
    );
    let (status, role) = call(
        &server,
        "GET",
        "/api/v1/admin/roles/support-lead",
        &root,
        json!(null),
    )
    .await;
    assert_eq!((status, role["holders"].clone()), (200, json!(1)));
    let (status, _) = call(
        &server,
        "DELETE",
        "/api/v1/admin/roles/support-lead",
        &root,
        json!(null),
    )
    .await;
    assert_eq!(status, 204);
    let (_, bob) = call(
        &server,
        "GET",
        "/api/v1/admin/users/bob",
        &root,
        json!(null),
    )
    .await;
    assert_eq!(bob["instance_role"], Value::Null);

    // The audit log records each change.
    let (_, events) = call(
        &server,
        "GET",
        "/api/v1/admin/audit-events?limit=100",
        &root,
        json!(null),
    )
    .await;
    let actions: Vec<&str> = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for action in [
        "admin.instance_role_created",
        "admin.instance_role_updated",
        "admin.instance_role_deleted",
        "admin.user_updated",
    ] {
        assert!(actions.contains(&action), "{action}: {actions:?}");
    }
}

/// Creating accounts over REST: one with everything at once, then a batch (issue 16.2, 16.3).
#[tokio::test]
async fn accounts_are_created_whole_one_or_several_at_a_time() {
    let server = TestServer::start().await;
    let root = server.signed_in("root").await;
    server
        .exec("UPDATE user SET site_admin = true, instance_role = 'site_admin' WHERE username = 'root'")
        .await;
    let (status, _) = call(
        &server,
        "POST",
        "/api/v1/organizations",
        &root,
        json!({"name": "acme"}),
    )
    .await;
    assert_eq!(status, 201);
    let (status, created) = call(
        &server,
        "POST",
        "/api/v1/admin/users",
        &root,
        json!({
            "email": "grace@example.org", "first_name": "Grace", "last_name": "Hopper",
            "instance_role": "help_desk", "active": true,
            "organizations": [{"name": "acme", "role": "editor"}],
            "password": "compiler cobol nanosecond wire", "require_password_change": false
        }),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["user"]["display_name"], "Grace Hopper");
    assert_eq!(created["user"]["instance_role"], "help_desk");
    let res = server
        .json(
            "POST",
            "/api/v1/auth/login",
            None,
            &json!({"login": "grace", "password": "compiler cobol nanosecond wire"}),
        )
        .await;
    assert_eq!(res.status, 200, "no change required: {}", res.text());
    let grace = res.session_cookie().unwrap();
    let (_, members) = call(
        &server,
        "GET",
        "/api/v1/organizations/acme/members",
        &root,
        json!(null),
    )
    .await;
    assert!(
        members["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["user"]["username"] == "grace" && m["role"] == "editor")
    );
    // Refusals in the error shape; nothing created.
    let (status, body) = call(&server, "POST", "/api/v1/admin/users", &root,
        json!({"email": "x@example.org", "organizations": [{"name": "acme", "role": "viewer", "groups": ["nope"]}]})).await;
    assert_eq!(
        (status, body["error"]["field"].clone()),
        (422, json!("groups"))
    );
    let (status, _) = call(&server, "GET", "/api/v1/admin/users/x", &root, json!(null)).await;
    assert_eq!(status, 404);
    let (status, body) = call(
        &server,
        "POST",
        "/api/v1/admin/users",
        &root,
        json!({"email": "y@example.org", "shoe_size": 9}),
    )
    .await;
    assert_eq!(status, 400, "{body}");

    // A batch of five, one refused line.
    let (status, result) = call(
        &server,
        "POST",
        "/api/v1/admin/users/batch",
        &root,
        json!({
            "entries": [
                {"email": "b1@example.org"}, {"email": "b2@example.org", "username": "bee-two"},
                {"email": "nonsense"}, {"email": "b3@example.org"}, {"email": "b4@example.org"},
                {"email": "b5@example.org"}
            ],
            "organizations": [{"name": "acme", "role": "viewer"}]
        }),
    )
    .await;
    assert_eq!(status, 201, "{result}");
    assert_eq!(result["created"].as_array().unwrap().len(), 5);
    assert_eq!(result["created"][1]["user"]["username"], "bee-two");
    assert_eq!(result["failed"][0]["line"], 3);
    assert_eq!(result["failed"][0]["email"], "nonsense");
    assert_eq!(result["failed"][0]["error"]["code"], "validation");
    assert_eq!(result["failed"][0]["error"]["field"], "email");
    let (status, body) = call(
        &server,
        "POST",
        "/api/v1/admin/users/batch",
        &root,
        json!({"entries": []}),
    )
    .await;
    assert_eq!(
        (status, body["error"]["field"].clone()),
        (422, json!("entries"))
    );
    // A help desk creates nobody.
    let (status, _) = call(
        &server,
        "POST",
        "/api/v1/admin/users",
        &grace,
        json!({"email": "z@example.org"}),
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = call(
        &server,
        "POST",
        "/api/v1/admin/users/batch",
        &grace,
        json!({"entries": [{"email": "z@example.org"}]}),
    )
    .await;
    assert_eq!(status, 403);
}

/// A user's credentials in the administrator's hands (issue 16.4): their tokens and sessions
/// listed and revoked, API access turned off (tokens stop at once, no new ones), the instance
/// defaults for API access and renaming.
#[tokio::test]
async fn an_administrator_manages_a_users_tokens_sessions_and_api_access() {
    let server = TestServer::start().await;
    let root = server.signed_in("root").await;
    server
        .exec("UPDATE user SET site_admin = true, instance_role = 'site_admin' WHERE username = 'root'")
        .await;
    let bob = server.verified("bob").await;
    let (status, created) = call(
        &server,
        "POST",
        "/api/v1/account/tokens",
        &bob,
        json!({"description": "ci"}),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let token = created["token"].as_str().unwrap().to_string();
    let token_id = created["id"].as_str().unwrap().to_string();
    let auth = format!("Bearer {token}");
    let bearer = [("Authorization", auth.as_str())];
    assert_eq!(
        server
            .request("GET", "/api/v1/account", &bearer, None)
            .await
            .status,
        200
    );

    // Listed for the administrator, never with the secret.
    let (status, list) = call(
        &server,
        "GET",
        "/api/v1/admin/users/bob/tokens",
        &root,
        json!(null),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(list["items"][0]["id"], token_id);
    assert!(!list.to_string().contains(&token));
    let (_, sessions) = call(
        &server,
        "GET",
        "/api/v1/admin/users/bob/sessions",
        &root,
        json!(null),
    )
    .await;
    assert_eq!(sessions["items"].as_array().unwrap().len(), 1);

    // API access off: the token stops at once, and no new one can be made.
    let (status, user) = call(
        &server,
        "PATCH",
        "/api/v1/admin/users/bob",
        &root,
        json!({"api_access": false}),
    )
    .await;
    assert_eq!((status, user["api_access"].clone()), (200, json!(false)));
    let res = server
        .request("GET", "/api/v1/account", &bearer, None)
        .await;
    assert_eq!(res.status, 403, "{}", res.text());
    assert!(res.text().contains("API access is turned off"));
    let (status, _) = call(
        &server,
        "POST",
        "/api/v1/account/tokens",
        &bob,
        json!({"description": "again"}),
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = call(
        &server,
        "PATCH",
        "/api/v1/admin/users/bob",
        &root,
        json!({"api_access": true}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        server
            .request("GET", "/api/v1/account", &bearer, None)
            .await
            .status,
        200
    );

    // Revoking a token and ending sessions; a help desk may do neither.
    server.verified("desk").await;
    let (status, _) = call(
        &server,
        "PATCH",
        "/api/v1/admin/users/desk",
        &root,
        json!({"instance_role": "help_desk"}),
    )
    .await;
    assert_eq!(status, 200);
    let desk = server.sign_in("desk").await;
    let (status, _) = call(
        &server,
        "GET",
        "/api/v1/admin/users/bob/tokens",
        &desk,
        json!(null),
    )
    .await;
    assert_eq!(status, 403);
    let path = format!("/api/v1/admin/users/bob/tokens/{token_id}");
    let (status, _) = call(&server, "DELETE", &path, &desk, json!(null)).await;
    assert_eq!(status, 403);
    let (status, _) = call(&server, "DELETE", &path, &root, json!(null)).await;
    assert_eq!(status, 204);
    assert_eq!(
        server
            .request("GET", "/api/v1/account", &bearer, None)
            .await
            .status,
        401
    );
    let (status, _) = call(&server, "DELETE", &path, &root, json!(null)).await;
    assert_eq!(status, 404, "already revoked");
    let (status, _) = call(
        &server,
        "DELETE",
        "/api/v1/admin/users/bob/sessions/zz",
        &root,
        json!(null),
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = call(
        &server,
        "DELETE",
        "/api/v1/admin/users/bob/sessions",
        &root,
        json!(null),
    )
    .await;
    assert_eq!(status, 204);
    assert_eq!(
        server.get_as(&bob, "/api/v1/account").await.status,
        401,
        "signed out everywhere"
    );
    let (status, body) = call(
        &server,
        "DELETE",
        "/api/v1/admin/users/root/sessions",
        &root,
        json!(null),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].clone()),
        (409, json!("self_action"))
    );

    // Instance defaults: new accounts without API access; nobody renames themselves.
    let (status, _) = call(
        &server,
        "PATCH",
        "/api/v1/admin/settings",
        &root,
        json!({"api_access_default": false, "allow_rename": false}),
    )
    .await;
    assert_eq!(status, 200);
    let (status, created) = call(
        &server,
        "POST",
        "/api/v1/admin/users",
        &root,
        json!({"email": "late@example.org"}),
    )
    .await;
    assert_eq!(
        (status, created["user"]["api_access"].clone()),
        (201, json!(false))
    );
    let bob = server.sign_in("bob").await;
    let (status, body) = call(
        &server,
        "PATCH",
        "/api/v1/account",
        &bob,
        json!({"username": "robert"}),
    )
    .await;
    assert_eq!(status, 403, "{body}");
    let (status, _) = call(
        &server,
        "PATCH",
        "/api/v1/account",
        &bob,
        json!({"display_name": "Bob"}),
    )
    .await;
    assert_eq!(status, 200);
}
