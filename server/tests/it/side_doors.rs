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
