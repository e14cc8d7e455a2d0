//! Organizations, members, groups and invitations over the REST API.

use crate::http::TestServer;
use serde_json::{Value, json};

#[tokio::test]
async fn an_organization_from_creation_to_invitation_to_leaving() {
    let server = TestServer::start().await;
    let ada = server.signed_in("ada").await;
    let bob = server.signed_in("bob").await;
    let eve = server.signed_in("eve").await;

    let res = server
        .json(
            "POST",
            "/api/v1/organizations",
            Some(&ada),
            &json!({"name": "Acme", "display_name": "Acme Inc."}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    assert_eq!(res.json()["name"], "acme");
    assert_eq!(res.json()["require_two_factor"], false);
    let res = server
        .json(
            "POST",
            "/api/v1/organizations",
            Some(&bob),
            &json!({"name": "acme"}),
        )
        .await;
    assert_eq!(res.status, 422);
    assert_eq!(res.json()["error"]["field"], "name");

    // Outsiders: 404 whether it exists or not.
    for path in [
        "/api/v1/organizations/acme",
        "/api/v1/organizations/nope",
        "/api/v1/organizations/acme/members",
    ] {
        let res = server.get_as(&eve, path).await;
        assert_eq!(res.status, 404, "{path}");
        assert_eq!(res.json()["error"]["code"], "not_found");
    }

    // Invite bob as viewer; the link is returned and kept in the outbox.
    let res = server
        .json(
            "POST",
            "/api/v1/organizations/acme/invitations",
            Some(&ada),
            &json!({"email": "bob@example.org", "role": "viewer"}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let url = res.json()["accept_url"].as_str().unwrap().to_string();
    let token = url.rsplit('/').next().unwrap().to_string();
    let res = server
        .json(
            "POST",
            "/api/v1/organizations/acme/invitations",
            Some(&ada),
            &json!({"email": "bob@example.org", "role": "viewer"}),
        )
        .await;
    assert_eq!(res.status, 409);
    assert_eq!(res.json()["error"]["code"], "conflict");
    let res = server
        .json(
            "POST",
            "/api/v1/organizations/acme/invitations",
            Some(&ada),
            &json!({"email": "ada@example.org", "role": "viewer"}),
        )
        .await;
    assert_eq!(res.status, 409);
    assert_eq!(res.json()["error"]["code"], "already_member");
    let pending = server
        .get_as(&ada, "/api/v1/organizations/acme/invitations")
        .await
        .json();
    assert_eq!(pending["items"].as_array().unwrap().len(), 1);
    assert_eq!(pending["items"][0]["accept_url"], Value::Null);

    let res = server.get(&format!("/api/v1/invitations/{token}")).await;
    assert_eq!(res.status, 200);
    assert_eq!(res.json()["organization"], "acme");
    assert_eq!(res.json()["invited_by"], "ada");
    let res = server
        .json(
            "POST",
            &format!("/api/v1/invitations/{token}/accept"),
            Some(&eve),
            &json!({}),
        )
        .await;
    assert_eq!(res.status, 403, "{}", res.text());
    // bob's address is not verified yet: he cannot inherit the invitation.
    let res = server
        .json(
            "POST",
            &format!("/api/v1/invitations/{token}/accept"),
            Some(&bob),
            &json!({}),
        )
        .await;
    assert_eq!(res.status, 403, "{}", res.text());
    assert!(
        res.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Verify")
    );
    server
        .exec("UPDATE user SET email_verified = true WHERE username = 'bob'")
        .await;
    let res = server
        .json(
            "POST",
            &format!("/api/v1/invitations/{token}/accept"),
            Some(&bob),
            &json!({}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["organization"], "acme");
    let res = server
        .json(
            "POST",
            &format!("/api/v1/invitations/{token}/accept"),
            Some(&bob),
            &json!({}),
        )
        .await;
    assert_eq!(res.status, 404);

    let mine = server
        .get_as(&bob, "/api/v1/account/organizations")
        .await
        .json();
    assert_eq!(mine["items"][0]["organization"]["name"], "acme");
    assert_eq!(mine["items"][0]["role"], "viewer");
    assert_eq!(mine["items"][0]["owner"], false);

    let members = server
        .get_as(&bob, "/api/v1/organizations/acme/members?limit=1")
        .await;
    assert_eq!(members.status, 200, "{}", members.text());
    let page = members.json();
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert_eq!(page["items"][0]["user"]["username"], "ada");
    let next = page["next_cursor"].as_str().unwrap().to_string();
    let page2 = server
        .get_as(
            &bob,
            &format!("/api/v1/organizations/acme/members?limit=1&cursor={next}"),
        )
        .await
        .json();
    assert_eq!(page2["items"][0]["user"]["username"], "bob");
    assert_eq!(page2["next_cursor"], Value::Null);
    let bad = server
        .get_as(&bob, "/api/v1/organizations/acme/members?limit=lots")
        .await;
    assert_eq!(bad.status, 400);
    assert_eq!(bad.json()["error"]["code"], "bad_request");

    // A viewer may not rename; the owner may make bob an admin, who may then rename.
    let res = server
        .json(
            "PATCH",
            "/api/v1/organizations/acme",
            Some(&bob),
            &json!({"display_name": "Bob's"}),
        )
        .await;
    assert_eq!(res.status, 403);
    let res = server
        .json(
            "PATCH",
            "/api/v1/organizations/acme/members/bob",
            Some(&ada),
            &json!({"role": "admin"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["role"], "admin");
    let res = server
        .json(
            "PATCH",
            "/api/v1/organizations/acme/members/ada",
            Some(&bob),
            &json!({"role": "viewer"}),
        )
        .await;
    assert_eq!(res.status, 403, "an admin cannot demote an owner");

    // Groups.
    let res = server
        .json(
            "POST",
            "/api/v1/organizations/acme/groups",
            Some(&bob),
            &json!({"name": "devs", "role": "editor"}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let res = server
        .json(
            "PUT",
            "/api/v1/organizations/acme/groups/devs/members/ada",
            Some(&bob),
            &json!({}),
        )
        .await;
    assert_eq!(res.status, 204, "{}", res.text());
    let res = server
        .json(
            "PUT",
            "/api/v1/organizations/acme/groups/devs/members/eve",
            Some(&bob),
            &json!({}),
        )
        .await;
    assert_eq!(res.status, 422);
    let groups = server
        .get_as(&bob, "/api/v1/organizations/acme/groups")
        .await
        .json();
    assert_eq!(groups["items"][0]["members_count"], 1);
    let members = server
        .get_as(&bob, "/api/v1/organizations/acme/groups/devs/members")
        .await
        .json();
    assert_eq!(members["items"][0]["username"], "ada");

    // The last owner cannot leave; bob can.
    let res = server
        .json(
            "DELETE",
            "/api/v1/organizations/acme/members/ada",
            Some(&ada),
            &json!({}),
        )
        .await;
    assert_eq!(res.status, 409);
    assert_eq!(res.json()["error"]["code"], "last_owner");
    let res = server
        .json(
            "DELETE",
            "/api/v1/organizations/acme/members/bob",
            Some(&bob),
            &json!({}),
        )
        .await;
    assert_eq!(res.status, 204);
    assert_eq!(
        server
            .get_as(&bob, "/api/v1/organizations/acme")
            .await
            .status,
        404
    );

    // Deleting takes everything with it.
    let res = server
        .json(
            "DELETE",
            "/api/v1/organizations/acme",
            Some(&ada),
            &json!({}),
        )
        .await;
    assert_eq!(res.status, 204);
    assert_eq!(
        server
            .get_as(&ada, "/api/v1/organizations/acme")
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn the_catalog_roles_and_the_explainer() {
    let server = TestServer::start().await;
    let ada = server.signed_in("ada").await;
    let bob = server.verified("bob").await;
    assert_eq!(server.get("/api/v1/permissions").await.status, 401);
    let catalog = server.get_as(&bob, "/api/v1/permissions").await.json();
    let items = catalog["items"].as_array().unwrap();
    assert_eq!(items.len(), 19);
    let manage = items.iter().find(|p| p["id"] == "groups.manage").unwrap();
    assert_eq!(manage["scope"], "organization");
    assert!(
        manage["implies"]
            .as_array()
            .unwrap()
            .contains(&json!("groups.read"))
    );

    server
        .json(
            "POST",
            "/api/v1/organizations",
            Some(&ada),
            &json!({"name": "acme"}),
        )
        .await;
    let res = server
        .json(
            "POST",
            "/api/v1/organizations/acme/invitations",
            Some(&ada),
            &json!({"email": "bob@example.org", "role": "viewer"}),
        )
        .await;
    let token = res.json()["accept_url"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    server
        .json(
            "POST",
            &format!("/api/v1/invitations/{token}/accept"),
            Some(&bob),
            &json!({}),
        )
        .await;
    server
        .json(
            "POST",
            "/api/v1/organizations/acme/groups",
            Some(&ada),
            &json!({"name": "devs", "role": "editor"}),
        )
        .await;
    server
        .json(
            "PUT",
            "/api/v1/organizations/acme/groups/devs/members/bob",
            Some(&ada),
            &json!({}),
        )
        .await;

    let roles = server
        .get_as(&bob, "/api/v1/organizations/acme/roles")
        .await;
    assert_eq!(roles.status, 200, "{}", roles.text());
    let roles = roles.json();
    let owner = roles["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "owner")
        .unwrap()
        .clone();
    assert_eq!(owner["builtin"], true);
    assert_eq!(owner["holders"], 1);

    let res = server
        .get_as(&ada, "/api/v1/organizations/acme/members/bob/permissions")
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let explained = res.json();
    let perms = explained["permissions"].as_array().unwrap();
    let find = |id: &str| perms.iter().find(|p| p["id"] == id).cloned();
    // Read access from both the viewer role and the group's editor role.
    let read = find("members.read").unwrap();
    let kinds: Vec<&str> = read["granted_by"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, vec!["role", "group"]);
    // Creating projects only through the group.
    let create = find("projects.create").unwrap();
    assert_eq!(create["granted_by"][0]["kind"], "group");
    assert_eq!(create["granted_by"][0]["name"], "devs");
    assert!(find("members.invite").is_none());
    // The explainer and the decision agree: bob cannot invite.
    let res = server
        .json(
            "POST",
            "/api/v1/organizations/acme/invitations",
            Some(&bob),
            &json!({"email": "x@example.org", "role": "viewer"}),
        )
        .await;
    assert_eq!(res.status, 403);
}

/// The invited person lists the invitations addressed to their verified email and answers
/// them in place, without the link.
#[tokio::test]
async fn an_invited_person_answers_in_place() {
    let server = TestServer::start().await;
    let ada = server.signed_in("ada").await;
    let bob = server.signed_in("bob").await;
    let eve = server.verified("eve").await;
    for org in ["acme", "beta"] {
        let res = server
            .json(
                "POST",
                "/api/v1/organizations",
                Some(&ada),
                &json!({"name": org}),
            )
            .await;
        assert_eq!(res.status, 201, "{}", res.text());
        let res = server
            .json(
                "POST",
                &format!("/api/v1/organizations/{org}/invitations"),
                Some(&ada),
                &json!({"email": "bob@example.org", "role": "viewer"}),
            )
            .await;
        assert_eq!(res.status, 201, "{}", res.text());
    }
    // Not verified yet: nothing listed.
    let res = server.get_as(&bob, "/api/v1/account/invitations").await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["items"], json!([]));
    server
        .exec("UPDATE user SET email_verified = true WHERE username = 'bob'")
        .await;
    let res = server.get_as(&bob, "/api/v1/account/invitations").await;
    let items = res.json()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 2, "{items:?}");
    let id_of = |org: &str| -> String {
        items.iter().find(|i| i["organization"] == org).unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let (acme, beta) = (id_of("acme"), id_of("beta"));
    assert_eq!(items[0]["invited_by"], "ada");

    // Not eve's to answer; a signed-out caller is refused.
    let path = |id: &str, what: &str| format!("/api/v1/account/invitations/{id}/{what}");
    let res = server
        .json("POST", &path(&acme, "accept"), Some(&eve), &json!({}))
        .await;
    assert_eq!(res.status, 404, "{}", res.text());
    let res = server
        .json("POST", &path(&acme, "accept"), None, &json!({}))
        .await;
    assert_eq!(res.status, 401, "{}", res.text());

    let res = server
        .json("POST", &path(&acme, "accept"), Some(&bob), &json!({}))
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["organization"], "acme");
    let res = server.get_as(&bob, "/api/v1/organizations/acme").await;
    assert_eq!(res.status, 200, "{}", res.text());
    let res = server
        .json("POST", &path(&beta, "decline"), Some(&bob), &json!({}))
        .await;
    assert_eq!(res.status, 204, "{}", res.text());
    let res = server
        .json("POST", &path(&beta, "decline"), Some(&bob), &json!({}))
        .await;
    assert_eq!(res.status, 404, "{}", res.text());
    let res = server.get_as(&bob, "/api/v1/account/invitations").await;
    assert_eq!(res.json()["items"], json!([]));
    assert_eq!(
        server
            .get_as(&bob, "/api/v1/organizations/beta")
            .await
            .status,
        404
    );
}

/// Adding existing accounts directly over REST (issue 16.6).
#[tokio::test]
async fn owners_add_existing_accounts_directly_where_allowed() {
    let server = TestServer::start().await;
    let ada = server.signed_in("ada").await;
    server.verified("bob").await;
    server.verified("cy").await;
    server.signed_in("unverified").await;
    let res = server
        .json(
            "POST",
            "/api/v1/organizations",
            Some(&ada),
            &json!({"name": "acme"}),
        )
        .await;
    assert_eq!(res.status, 201);
    assert_eq!(res.json()["allow_direct_adding"], false);
    let add = json!({"users": ["bob@example.org", "cy@example.org"], "role": "editor"});
    let res = server
        .json(
            "POST",
            "/api/v1/organizations/acme/members",
            Some(&ada),
            &add,
        )
        .await;
    assert_eq!(res.status, 403, "{}", res.text());
    assert_eq!(res.json()["error"]["code"], "forbidden");
    let res = server
        .json(
            "PATCH",
            "/api/v1/organizations/acme",
            Some(&ada),
            &json!({"allow_direct_adding": true}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["allow_direct_adding"], true);
    let res = server
        .get_as(&ada, "/api/v1/organizations/acme/candidates?query=bob")
        .await;
    assert_eq!(res.status, 200);
    assert_eq!(
        res.json()["items"],
        json!([]),
        "a partial name reveals nobody"
    );
    let res = server
        .get_as(
            &ada,
            "/api/v1/organizations/acme/candidates?query=bob@example.org",
        )
        .await;
    assert_eq!(res.json()["items"][0]["username"], "bob", "{}", res.text());
    // An address nobody has proved is never offered (it may be an impostor's claim).
    let res = server
        .get_as(
            &ada,
            "/api/v1/organizations/acme/candidates?query=unverified@example.org",
        )
        .await;
    assert_eq!(res.json()["items"], json!([]));
    let res = server
        .json(
            "POST",
            "/api/v1/organizations/acme/members",
            Some(&ada),
            &json!({"users": ["unverified@example.org"], "role": "viewer"}),
        )
        .await;
    assert_eq!(res.status, 422, "{}", res.text());
    let res = server
        .json(
            "POST",
            "/api/v1/organizations/acme/members",
            Some(&ada),
            &add,
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let added: Vec<Value> = res.json()["items"].as_array().unwrap().clone();
    assert_eq!(added.len(), 2);
    assert!(added.iter().all(|m| m["role"] == "editor"));
    let res = server
        .json(
            "POST",
            "/api/v1/organizations/acme/members",
            Some(&ada),
            &add,
        )
        .await;
    assert_eq!(
        (res.status, res.json()["error"]["code"].clone()),
        (409, json!("already_member"))
    );
    let res = server
        .json(
            "POST",
            "/api/v1/organizations/acme/members",
            Some(&ada),
            &json!({"users": ["ghost@example.org"], "role": "viewer"}),
        )
        .await;
    assert_eq!(
        (res.status, res.json()["error"]["field"].clone()),
        (422, json!("users"))
    );
    let res = server
        .json(
            "POST",
            "/api/v1/organizations/acme/members",
            Some(&ada),
            &json!({"users": "bob", "role": "viewer"}),
        )
        .await;
    assert_eq!(res.status, 400);

    // A group with its members in one request (issue 16.7).
    let res = server
        .json(
            "POST",
            "/api/v1/organizations/acme/groups",
            Some(&ada),
            &json!({"name": "devs", "role": "editor", "members": ["bob", "cy"]}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    assert_eq!(res.json()["members_count"], 2);
    let res = server
        .json(
            "POST",
            "/api/v1/organizations/acme/groups",
            Some(&ada),
            &json!({"name": "ops", "members": ["nobody"]}),
        )
        .await;
    assert_eq!(
        (res.status, res.json()["error"]["field"].clone()),
        (422, json!("members"))
    );
}
