//! Projects and organization/group tokens over the REST API: every endpoint with its codes.

use crate::http::{Response, TestServer};
use serde_json::{Value, json};

async fn call(server: &TestServer, method: &str, path: &str, who: &str, body: Value) -> Response {
    server.json(method, path, Some(who), &body).await
}

async fn bearer(server: &TestServer, method: &str, path: &str, token: &str) -> Response {
    let auth = format!("Bearer {token}");
    server
        .request(method, path, &[("Authorization", &auth)], None)
        .await
}

#[tokio::test]
async fn projects_over_rest() {
    let server = TestServer::start().await;
    let ada = server.signed_in("ada").await;
    let bob = server.verified("bob").await;
    let res = call(
        &server,
        "POST",
        "/api/v1/organizations",
        &ada,
        json!({"name": "acme"}),
    )
    .await;
    assert_eq!(res.status, 201);
    let base = "/api/v1/organizations/acme";
    // bob joins as an Editor (the invitation is to his address).
    let res = call(
        &server,
        "POST",
        &format!("{base}/invitations"),
        &ada,
        json!({"email": "bob@example.org", "role": "editor"}),
    )
    .await;
    let url = res.json()["accept_url"].as_str().unwrap().to_string();
    let token = url.rsplit('/').next().unwrap().to_string();
    let res = call(
        &server,
        "POST",
        &format!("/api/v1/invitations/{token}/accept"),
        &bob,
        json!({}),
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text());

    // Create: 201 with the caller as owner; bad names 422; unknown fields 400.
    let res = call(
        &server,
        "POST",
        &format!("{base}/projects"),
        &bob,
        json!({"name": "web", "description": "The site"}),
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text());
    assert_eq!(res.json()["owner"], "bob");
    let res = call(
        &server,
        "POST",
        &format!("{base}/projects"),
        &bob,
        json!({"name": "Not A Slug!"}),
    )
    .await;
    assert_eq!(
        (res.status, res.json()["error"]["field"].clone()),
        (422, json!("name"))
    );
    let res = call(
        &server,
        "POST",
        &format!("{base}/projects"),
        &bob,
        json!({"name": "x", "owner": "ada"}),
    )
    .await;
    assert_eq!(res.status, 400);

    // List and get.
    let res = call(
        &server,
        "GET",
        &format!("{base}/projects"),
        &ada,
        json!(null),
    )
    .await;
    assert_eq!(res.status, 200);
    assert_eq!(res.json()["items"][0]["name"], "web");
    let res = call(
        &server,
        "GET",
        &format!("{base}/projects/web"),
        &ada,
        json!(null),
    )
    .await;
    assert_eq!(res.status, 200);
    assert_eq!(res.json()["manage"], true);
    let res = call(
        &server,
        "GET",
        &format!("{base}/projects/nope"),
        &ada,
        json!(null),
    )
    .await;
    assert_eq!(res.status, 404);

    // Access grants, the explainer, the owns-projects guard and the transfer.
    let res = call(
        &server,
        "POST",
        &format!("{base}/groups"),
        &ada,
        json!({"name": "devs"}),
    )
    .await;
    assert_eq!(res.status, 201);
    let res = call(
        &server,
        "PUT",
        &format!("{base}/projects/web/access/group/devs"),
        &bob,
        json!({"role": "contributor"}),
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let res = call(
        &server,
        "PUT",
        &format!("{base}/projects/web/access/user/ada"),
        &bob,
        json!({"role": "overlord"}),
    )
    .await;
    assert_eq!(res.status, 400, "an unknown enum value");
    let res = call(
        &server,
        "PUT",
        &format!("{base}/projects/web/access/team/devs"),
        &bob,
        json!({"role": "reader"}),
    )
    .await;
    assert_eq!(res.status, 404);
    let res = call(
        &server,
        "GET",
        &format!("{base}/members/bob/permissions"),
        &ada,
        json!(null),
    )
    .await;
    assert_eq!(res.status, 200);
    let projects = res.json()["projects"].clone();
    assert_eq!(projects[0]["project"], "web");
    assert!(
        projects[0]["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["id"] == "project.manage_access"
                && p["granted_by"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|g| g["kind"] == "owner"))
    );
    let res = call(
        &server,
        "DELETE",
        &format!("{base}/members/bob"),
        &ada,
        json!(null),
    )
    .await;
    assert_eq!(res.status, 409);
    assert_eq!(res.json()["error"]["code"], "owns_projects");
    let res = call(
        &server,
        "GET",
        &format!("{base}/members"),
        &ada,
        json!(null),
    )
    .await;
    let items = res.json()["items"].clone();
    assert!(
        items
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["user"]["username"] == "bob" && m["owns_projects"] == true)
    );
    let res = call(
        &server,
        "POST",
        &format!("{base}/projects/web/transfer"),
        &bob,
        json!({"new_owner": "ghost"}),
    )
    .await;
    assert_eq!(
        (res.status, res.json()["error"]["field"].clone()),
        (422, json!("new_owner"))
    );
    let res = call(
        &server,
        "POST",
        &format!("{base}/projects/web/transfer"),
        &bob,
        json!({"new_owner": "ada"}),
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["owner"], "ada");
    // bob (an Editor, no longer owner) cannot rename or delete it any more.
    let res = call(
        &server,
        "PATCH",
        &format!("{base}/projects/web"),
        &bob,
        json!({"name": "site"}),
    )
    .await;
    assert_eq!(res.status, 403);
    let res = call(
        &server,
        "PATCH",
        &format!("{base}/projects/web"),
        &ada,
        json!({"name": "site", "description": "Renamed"}),
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["name"], "site");
    let res = call(
        &server,
        "DELETE",
        &format!("{base}/projects/site/access/group/devs"),
        &ada,
        json!(null),
    )
    .await;
    assert_eq!(res.status, 204);
    let res = call(
        &server,
        "DELETE",
        &format!("{base}/projects/site/access/group/devs"),
        &ada,
        json!(null),
    )
    .await;
    assert_eq!(res.status, 404);
    let res = call(
        &server,
        "DELETE",
        &format!("{base}/members/bob"),
        &ada,
        json!(null),
    )
    .await;
    assert_eq!(res.status, 204, "{}", res.text());
    let res = call(
        &server,
        "DELETE",
        &format!("{base}/projects/site"),
        &ada,
        json!(null),
    )
    .await;
    assert_eq!(res.status, 204);
}

#[tokio::test]
async fn organization_and_group_tokens_over_rest() {
    let server = TestServer::start().await;
    let ada = server.signed_in("ada").await;
    let zed = server.signed_in("zed").await;
    call(
        &server,
        "POST",
        "/api/v1/organizations",
        &ada,
        json!({"name": "acme"}),
    )
    .await;
    call(
        &server,
        "POST",
        "/api/v1/organizations",
        &zed,
        json!({"name": "other"}),
    )
    .await;
    let base = "/api/v1/organizations/acme";

    let res = call(
        &server,
        "POST",
        &format!("{base}/tokens"),
        &ada,
        json!({"description": "CI", "role": "viewer", "expires_in_days": 30}),
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text());
    assert_eq!(res.header("cache-control"), Some("no-store"));
    let created = res.json();
    let token = created["token"].as_str().unwrap().to_string();
    assert!(token.starts_with("gto_"));
    assert_eq!(created["role"], "viewer");
    let res = call(
        &server,
        "POST",
        &format!("{base}/tokens"),
        &ada,
        json!({"description": "CI", "role": "owner"}),
    )
    .await;
    assert_eq!(
        (res.status, res.json()["error"]["field"].clone()),
        (422, json!("role"))
    );
    let res = call(
        &server,
        "POST",
        &format!("{base}/tokens"),
        &ada,
        json!({"description": "", "role": "viewer"}),
    )
    .await;
    assert_eq!(res.status, 422);
    let res = call(&server, "GET", &format!("{base}/tokens"), &ada, json!(null)).await;
    assert_eq!(res.status, 200);
    let listed = res.json()["items"][0].clone();
    assert_eq!(listed["created_by"], "ada");
    assert!(listed.get("token").is_none());
    let res = call(&server, "GET", &format!("{base}/tokens"), &zed, json!(null)).await;
    assert_eq!(res.status, 404);

    // The token reads its organization, is refused elsewhere and outside organizations.
    assert_eq!(
        bearer(&server, "GET", &format!("{base}/members"), &token)
            .await
            .status,
        200
    );
    assert_eq!(
        bearer(
            &server,
            "GET",
            "/api/v1/organizations/other/members",
            &token
        )
        .await
        .status,
        404
    );
    assert_eq!(
        bearer(&server, "GET", &format!("{base}/tokens"), &token)
            .await
            .status,
        403
    );
    assert_eq!(
        bearer(&server, "GET", "/api/v1/account", &token)
            .await
            .status,
        403
    );
    let tokens_path = format!("{base}/tokens");
    let res = crate::http::eventually(
        || call(&server, "GET", &tokens_path, &ada, json!(null)),
        |res| res.json()["items"][0]["last_used_at"].is_string(),
    )
    .await;
    assert!(res.json()["items"][0]["last_used_at"].is_string());

    // Group tokens.
    call(
        &server,
        "POST",
        &format!("{base}/groups"),
        &ada,
        json!({"name": "ops", "role": "viewer"}),
    )
    .await;
    let res = call(
        &server,
        "POST",
        &format!("{base}/groups/ops/tokens"),
        &ada,
        json!({"description": "deploys"}),
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let group_token = res.json()["token"].as_str().unwrap().to_string();
    let group_token_id = res.json()["id"].as_str().unwrap().to_string();
    assert!(group_token.starts_with("gtg_"));
    assert_eq!(
        bearer(&server, "GET", &format!("{base}/groups"), &group_token)
            .await
            .status,
        200
    );
    let res = call(
        &server,
        "GET",
        &format!("{base}/groups/ops/tokens"),
        &ada,
        json!(null),
    )
    .await;
    assert_eq!(res.json()["items"].as_array().unwrap().len(), 1);
    let res = call(
        &server,
        "GET",
        &format!("{base}/groups/nope/tokens"),
        &ada,
        json!(null),
    )
    .await;
    assert_eq!(res.status, 404);
    let res = call(
        &server,
        "DELETE",
        &format!("{base}/groups/ops/tokens/{group_token_id}"),
        &ada,
        json!(null),
    )
    .await;
    assert_eq!(res.status, 204);
    assert_eq!(
        bearer(&server, "GET", &format!("{base}/groups"), &group_token)
            .await
            .status,
        401
    );

    // Revoke the organization token: 401 from then on; deleting the organization ends the rest.
    let id = created["id"].as_str().unwrap();
    let res = call(
        &server,
        "DELETE",
        &format!("{base}/tokens/{id}"),
        &ada,
        json!(null),
    )
    .await;
    assert_eq!(res.status, 204);
    let res = call(
        &server,
        "DELETE",
        &format!("{base}/tokens/{id}"),
        &ada,
        json!(null),
    )
    .await;
    assert_eq!(res.status, 404);
    assert_eq!(
        bearer(&server, "GET", &format!("{base}/members"), &token)
            .await
            .status,
        401
    );
    let res = call(
        &server,
        "POST",
        &format!("{base}/tokens"),
        &ada,
        json!({"description": "CI 2", "role": "admin"}),
    )
    .await;
    let second = res.json()["token"].as_str().unwrap().to_string();
    assert_eq!(
        bearer(&server, "GET", &format!("{base}/tokens"), &second)
            .await
            .status,
        200
    );
    let res = call(&server, "DELETE", base, &ada, json!(null)).await;
    assert!(res.status == 204 || res.status == 200, "{}", res.text());
    assert_eq!(
        bearer(&server, "GET", &format!("{base}/members"), &second)
            .await
            .status,
        401
    );
}
