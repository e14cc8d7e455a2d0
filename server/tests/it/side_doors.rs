//! The escalation guard's side doors over REST: the status codes and the error shape.

use crate::http::{Response, TestServer};
use serde_json::{Value, json};

fn refused(res: &Response, status: u16, code: &str) {
    assert_eq!(res.status, status, "{}", res.text());
    let body: Value = res.json();
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty())
    );
}

/// Invites `name` into acme as `role` (by ada) and accepts; returns their session.
async fn join(server: &TestServer, ada: &str, name: &str, role: &str) -> String {
    let session = server.verified(name).await;
    let res = server
        .json(
            "POST",
            "/api/v1/organizations/acme/invitations",
            Some(ada),
            &json!({"email": format!("{name}@example.org"), "role": role}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let url = res.json()["accept_url"].as_str().unwrap().to_string();
    let token = url.rsplit('/').next().unwrap();
    let res = server
        .json(
            "POST",
            &format!("/api/v1/invitations/{token}/accept"),
            Some(&session),
            &json!({}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    session
}

async fn post(server: &TestServer, who: &str, path: &str, body: Value) -> Response {
    server.json("POST", path, Some(who), &body).await
}

#[tokio::test]
async fn side_doors_answer_403_and_409_in_the_error_shape() {
    let server = TestServer::start().await;
    let ada = server.verified("ada").await;
    let res = post(
        &server,
        &ada,
        "/api/v1/organizations",
        json!({"name": "acme"}),
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let res = post(
        &server,
        &ada,
        "/api/v1/organizations/acme/roles",
        json!({"name": "gm", "permissions": ["groups.manage", "members.invite"]}),
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text());
    for (name, role) in [("admins", "admin"), ("owners", "owner"), ("ops", "viewer")] {
        let res = post(
            &server,
            &ada,
            "/api/v1/organizations/acme/groups",
            json!({"name": name, "role": role}),
        )
        .await;
        assert_eq!(res.status, 201, "{}", res.text());
    }
    let gil = join(&server, &ada, "gil", "gm").await;
    let adam = join(&server, &ada, "adam", "admin").await;

    // Joining a group is a grant.
    let put = |who: String, path: &'static str| {
        let server = &server;
        async move { server.json("PUT", path, Some(&who), &json!({})).await }
    };
    refused(
        &put(
            gil.clone(),
            "/api/v1/organizations/acme/groups/admins/members/gil",
        )
        .await,
        403,
        "forbidden",
    );
    refused(
        &put(
            adam.clone(),
            "/api/v1/organizations/acme/groups/owners/members/adam",
        )
        .await,
        403,
        "forbidden",
    );
    // Invitation presets are grants; Owner only by owners.
    refused(
        &post(
            &server,
            &gil,
            "/api/v1/organizations/acme/invitations",
            json!({"email": "me@evil.example", "role": "viewer", "groups": ["admins"]}),
        )
        .await,
        403,
        "forbidden",
    );
    refused(
        &post(
            &server,
            &adam,
            "/api/v1/organizations/acme/groups",
            json!({"name": "bosses", "role": "owner"}),
        )
        .await,
        403,
        "forbidden",
    );
    // Resending an Owner invitation needs an owner.
    let res = post(
        &server,
        &ada,
        "/api/v1/organizations/acme/invitations",
        json!({"email": "boss@example.org", "role": "owner"}),
    )
    .await;
    let id = res.json()["id"].as_str().unwrap().to_string();
    refused(
        &post(
            &server,
            &adam,
            &format!("/api/v1/organizations/acme/invitations/{id}/resend"),
            json!({}),
        )
        .await,
        403,
        "forbidden",
    );
    // Accepting after the preset group's role rose beyond the inviter: 409.
    let res = post(
        &server,
        &adam,
        "/api/v1/organizations/acme/invitations",
        json!({"email": "newbie@example.org", "role": "viewer", "groups": ["ops"]}),
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let url = res.json()["accept_url"].as_str().unwrap().to_string();
    let token = url.rsplit('/').next().unwrap().to_string();
    let res = server
        .json(
            "PATCH",
            "/api/v1/organizations/acme/groups/ops",
            Some(&ada),
            &json!({"role": "owner"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let newbie = server.verified("newbie").await;
    refused(
        &post(
            &server,
            &newbie,
            &format!("/api/v1/invitations/{token}/accept"),
            json!({}),
        )
        .await,
        409,
        "conflict",
    );
    // Signing up through the link is refused the same way, and creates no account.
    refused(
        &server
            .json(
                "POST",
                &format!("/api/v1/invitations/{token}/signup"),
                None,
                &json!({"username": "newbie2", "password": crate::http::PASSWORD}),
            )
            .await,
        409,
        "conflict",
    );
    let res = server
        .json(
            "POST",
            "/api/v1/auth/login",
            None,
            &json!({"login": "newbie2", "password": crate::http::PASSWORD}),
        )
        .await;
    assert_eq!(res.status, 401, "{}", res.text());
}

/// A request with a bearer token (no cookie, no origin: a script).
async fn bearer(
    server: &TestServer,
    method: &str,
    path: &str,
    token: &str,
    body: Value,
) -> Response {
    let auth = format!("Bearer {token}");
    let body = serde_json::to_vec(&body).unwrap();
    server
        .request(
            method,
            path,
            &[
                ("Authorization", auth.as_str()),
                ("Content-Type", "application/json"),
            ],
            Some(&body),
        )
        .await
}

/// Credentials need a person: a user token acts as its user for the API, but changes no
/// credential, token or session; a site admin's token reaches /admin only with the scope.
#[tokio::test]
async fn credentials_need_a_person_and_admin_needs_the_scope() {
    let server = TestServer::start().await;
    let root = server.verified("root").await;
    server
        .exec("UPDATE user SET site_admin = true, instance_role = 'site_admin' WHERE username = 'root'")
        .await;
    let eve = server.verified("eve").await;
    let make = |session: String, admin: bool| {
        let server = &server;
        async move {
            let res = post(
                server,
                &session,
                "/api/v1/account/tokens",
                json!({"description": "script", "admin": admin}),
            )
            .await;
            (res.status, res.json())
        }
    };
    // The admin scope is for site admins only.
    let (status, body) = make(eve.clone(), true).await;
    assert_eq!(status, 403, "{body}");
    let (status, plain) = make(root.clone(), false).await;
    assert_eq!(status, 201, "{plain}");
    assert_eq!(plain["admin"], false);
    let (_, scoped) = make(root.clone(), true).await;
    assert_eq!(scoped["admin"], true);
    let plain = plain["token"].as_str().unwrap().to_string();
    let scoped = scoped["token"].as_str().unwrap().to_string();

    // The token acts as root for the API...
    let res = bearer(&server, "GET", "/api/v1/account", &plain, json!(null)).await;
    assert_eq!(res.status, 200, "{}", res.text());
    let res = bearer(
        &server,
        "PATCH",
        "/api/v1/account",
        &plain,
        json!({"display_name": "Root"}),
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text());
    // ...but credentials, tokens and sessions need a person.
    let sessions = server
        .get_as(&root, "/api/v1/account/sessions")
        .await
        .json();
    let session_id = sessions["items"][0]["id"].as_str().unwrap().to_string();
    for (method, path, body) in [
        (
            "POST",
            "/api/v1/account/tokens".to_string(),
            json!({"description": "child"}),
        ),
        (
            "POST",
            "/api/v1/account/password".to_string(),
            json!({"current_password": crate::http::PASSWORD, "new_password": "another long pass phrase"}),
        ),
        (
            "PATCH",
            "/api/v1/account".to_string(),
            json!({"username": "rooty"}),
        ),
        (
            "PATCH",
            "/api/v1/account".to_string(),
            json!({"email": "x@example.org", "current_password": crate::http::PASSWORD}),
        ),
        ("POST", "/api/v1/account/two-factor".to_string(), json!({})),
        (
            "DELETE",
            format!("/api/v1/account/sessions/{session_id}"),
            json!(null),
        ),
    ] {
        let res = bearer(&server, method, &path, &plain, body).await;
        refused(&res, 403, "forbidden");
    }
    // The session still works, and the password did not change.
    assert_eq!(server.get_as(&root, "/api/v1/account").await.status, 200);
    server.sign_in("root").await;

    // /admin: only the scoped token.
    let res = bearer(&server, "GET", "/api/v1/admin/users", &plain, json!(null)).await;
    refused(&res, 403, "forbidden");
    let res = bearer(&server, "GET", "/api/v1/admin/users", &scoped, json!(null)).await;
    assert_eq!(res.status, 200, "{}", res.text());
    let listed = server.get_as(&root, "/api/v1/account/tokens").await.json();
    assert_eq!(
        listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["admin"] == true)
            .count(),
        1
    );

    // An organization token cannot create tokens either.
    let res = post(
        &server,
        &root,
        "/api/v1/organizations",
        json!({"name": "acme"}),
    )
    .await;
    assert_eq!(res.status, 201);
    let res = post(
        &server,
        &root,
        "/api/v1/organizations/acme/tokens",
        json!({"description": "ci", "role": "admin"}),
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let org_token = res.json()["token"].as_str().unwrap().to_string();
    let res = bearer(
        &server,
        "POST",
        "/api/v1/organizations/acme/tokens",
        &org_token,
        json!({"description": "child", "role": "viewer"}),
    )
    .await;
    refused(&res, 403, "forbidden");
    // Nor can a user token mint organization tokens.
    let res = bearer(
        &server,
        "POST",
        "/api/v1/organizations/acme/tokens",
        &plain,
        json!({"description": "child", "role": "viewer"}),
    )
    .await;
    refused(&res, 403, "forbidden");
}
