//! The REST reads of what the pages show: a user as an administrator sees them, the
//! two-factor lock-out previews (instance and organization), a role's holders and the
//! projects a member owns.

use crate::http::TestServer;
use serde_json::{Value, json};

fn items(body: &Value) -> Vec<&str> {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn what_the_pages_show_is_readable_over_rest() {
    let server = TestServer::start().await;
    let root = server.signed_in("root").await;
    let ada = server.signed_in("ada").await;
    let eve = server.signed_in("eve").await;
    let bob = server.signed_in("bob").await;
    server
        .exec("UPDATE user SET site_admin = true, instance_role = 'site_admin' WHERE username = 'root'")
        .await;

    // A user, as an administrator sees them: site admins only, never cached.
    let res = server.get_as(&root, "/api/v1/admin/users/Eve").await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.header("cache-control"), Some("no-store"));
    assert_eq!(res.json()["username"], "eve");
    assert_eq!(
        server.get_as(&eve, "/api/v1/admin/users/eve").await.status,
        403
    );
    assert_eq!(
        server
            .get_as(&root, "/api/v1/admin/users/nobody")
            .await
            .status,
        404
    );

    // The instance preview: everyone active without two-factor.
    let res = server
        .get_as(&root, "/api/v1/admin/settings/two-factor-lockout")
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(items(&res.json()), vec!["ada", "bob", "eve", "root"]);
    let refused = server
        .get_as(&eve, "/api/v1/admin/settings/two-factor-lockout")
        .await;
    assert_eq!(refused.status, 403);

    // An organization of ada's, with eve as a viewer and a project of ada's.
    let res = server
        .json(
            "POST",
            "/api/v1/organizations",
            Some(&ada),
            &json!({"name": "acme"}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    server
        .exec(
            "LET $o = (SELECT VALUE org FROM ONLY org_name:acme);
             LET $u = (SELECT VALUE id FROM ONLY user WHERE username = 'eve' LIMIT 1);
             CREATE type::record('membership', [record::id($o), record::id($u)]) CONTENT {
                 org: $o, user: $u, role: 'viewer', username: 'eve', search: 'eve',
                 joined_at: time::now()
             };",
        )
        .await;
    let res = server
        .json(
            "POST",
            "/api/v1/organizations/acme/projects",
            Some(&ada),
            &json!({"name": "site"}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());

    // The organization's preview: its members without two-factor; `org.update` only.
    let lockout = "/api/v1/organizations/acme/two-factor-lockout";
    let res = server.get_as(&ada, lockout).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(items(&res.json()), vec!["ada", "eve"]);
    assert_eq!(server.get_as(&eve, lockout).await.status, 403);
    assert_eq!(server.get_as(&bob, lockout).await.status, 404);

    // A role's holders.
    let holders = |role: &str| format!("/api/v1/organizations/acme/roles/{role}/holders");
    let res = server.get_as(&ada, &holders("viewer")).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(items(&res.json()), vec!["eve"]);
    let res = server.get_as(&eve, &holders("owner")).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(items(&res.json()), vec!["ada"]);
    assert_eq!(server.get_as(&ada, &holders("nope")).await.status, 404);
    assert_eq!(server.get_as(&bob, &holders("owner")).await.status, 404);

    // The projects a member owns.
    let owned = |who: &str| format!("/api/v1/organizations/acme/members/{who}/projects");
    let res = server.get_as(&eve, &owned("ada")).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(items(&res.json()), vec!["site"]);
    let res = server.get_as(&ada, &owned("eve")).await;
    assert_eq!(items(&res.json()), Vec::<&str>::new());
    assert_eq!(server.get_as(&ada, &owned("bob")).await.status, 404);
    assert_eq!(server.get_as(&bob, &owned("ada")).await.status, 404);

    // The admin's read of a user names their organizations with their role and groups.
    let res = server.get_as(&root, "/api/v1/admin/users/ada").await;
    assert_eq!(
        res.json()["organizations"],
        json!([{"name": "acme", "display_name": "", "role": "owner", "groups": []}])
    );
}

/// An administrator changes a user's address over REST: the user is told at the old one,
/// the new one is unverified; an address in use is a 422 on `email`.
#[tokio::test]
async fn an_admin_changes_an_address_over_rest() {
    let server = TestServer::start().await;
    let root = server.signed_in("root").await;
    server
        .exec("UPDATE user SET site_admin = true, instance_role = 'site_admin' WHERE username = 'root'")
        .await;
    server.signed_in("bob").await;
    let res = server
        .json(
            "PATCH",
            "/api/v1/admin/users/bob",
            Some(&root),
            &json!({"email": "robert@example.net"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["email"], "robert@example.net");
    assert_eq!(res.json()["email_verified"], false);
    let outbox = server.get_as(&root, "/api/v1/admin/outbox").await.json();
    let told = outbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["recipient"] == "bob@example.org" && m["kind"] == "email_changed");
    assert!(told, "{outbox}");
    let res = server
        .json(
            "PATCH",
            "/api/v1/admin/users/bob",
            Some(&root),
            &json!({"email": "root@example.org"}),
        )
        .await;
    assert_eq!(
        (res.status, res.json()["error"]["field"].clone()),
        (422, json!("email"))
    );
}
