//! The audit log over the REST API (list, filters, export) and `gatehouse audit verify`.

use crate::http::TestServer;
use serde_json::json;

#[tokio::test]
async fn audit_events_list_filter_and_export() {
    let server = TestServer::start().await;
    let ada = server.signed_in("ada").await;
    let bob = server.signed_in("bob").await;
    let res = server
        .json(
            "POST",
            "/api/v1/organizations",
            Some(&ada),
            &json!({"name": "acme"}),
        )
        .await;
    assert_eq!(res.status, 201);
    // A group whose description would be a formula in a spreadsheet.
    let res = server
        .json(
            "POST",
            "/api/v1/organizations/acme/groups",
            Some(&ada),
            &json!({"name": "ops", "role": "viewer"}),
        )
        .await;
    assert_eq!(res.status, 201);
    let res = server
        .json(
            "POST",
            "/api/v1/organizations/acme/tokens",
            Some(&ada),
            &json!({"description": "=cmd|' /C calc'!A0", "role": "viewer"}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    // A failed sign-in is recorded for the instance.
    let res = server
        .json(
            "POST",
            "/api/v1/auth/login",
            None,
            &json!({"login": "ada", "password": "not the password"}),
        )
        .await;
    assert_eq!(res.status, 401);

    let cookie = format!("gatehouse_session={ada}");
    let res = server
        .get_as(&ada, "/api/v1/organizations/acme/audit-events")
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let items = res.json()["items"].clone();
    let actions: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["token.created", "group.created", "org.created"]);
    assert_eq!(items[0]["actor"], "ada");
    assert!(items[0]["ip"].as_str().unwrap().starts_with("127."));
    assert!(
        items[0]["detail"].get("token").is_none(),
        "never the secret"
    );

    let res = server
        .get_as(
            &ada,
            "/api/v1/organizations/acme/audit-events?action=group&actor=ada",
        )
        .await;
    assert_eq!(res.json()["items"].as_array().unwrap().len(), 1);
    let res = server
        .get_as(
            &ada,
            "/api/v1/organizations/acme/audit-events?since=not-a-time",
        )
        .await;
    assert_eq!(
        (res.status, res.json()["error"]["field"].clone()),
        (422, json!("since"))
    );

    // Export: CSV with formulas neutralised, JSON Lines, bad format.
    let res = server
        .get_as(
            &ada,
            "/api/v1/organizations/acme/audit-events/export?format=csv",
        )
        .await;
    assert_eq!(res.status, 200);
    assert_eq!(res.header("content-type"), Some("text/csv; charset=utf-8"));
    assert!(
        res.header("content-disposition")
            .unwrap()
            .contains("audit-acme.csv")
    );
    let csv = res.text();
    assert!(
        csv.starts_with("id,at,actor,ip,action,target,detail\n"),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 4);
    assert!(csv.contains("\"org.created\""));
    let res = server
        .get_as(
            &ada,
            "/api/v1/organizations/acme/audit-events/export?format=jsonl",
        )
        .await;
    let lines: Vec<serde_json::Value> = res
        .text()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["action"], "org.created");
    // Compressed (the compression layer polls the stream past its end).
    let res = server
        .request(
            "GET",
            "/api/v1/organizations/acme/audit-events/export?format=jsonl",
            &[("Cookie", &cookie), ("Accept-Encoding", "br, gzip")],
            None,
        )
        .await;
    assert_eq!(res.status, 200);
    let res = server
        .get_as(
            &ada,
            "/api/v1/organizations/acme/audit-events/export?format=xlsx",
        )
        .await;
    assert_eq!(res.status, 422);

    // Others: not a member → 404; not a site admin → 403.
    let res = server
        .get_as(&bob, "/api/v1/organizations/acme/audit-events")
        .await;
    assert_eq!(res.status, 404);
    let res = server.get_as(&ada, "/api/v1/admin/audit-events").await;
    assert_eq!(res.status, 403);
    // A site admin reads everything, the failed sign-in included.
    server
        .exec("UPDATE user SET site_admin = true, instance_role = 'site_admin' WHERE username = 'bob'")
        .await;
    let res = server
        .get_as(
            &bob,
            "/api/v1/admin/audit-events?action=auth.sign_in_failed",
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let failed = res.json()["items"][0].clone();
    assert_eq!(failed["target"], "login:ada");
    assert_eq!(failed["actor"], "anonymous");
    let res = server
        .get_as(&bob, "/api/v1/admin/audit-events/export?format=jsonl")
        .await;
    assert_eq!(res.status, 200);
    assert!(res.text().lines().count() >= 6);
}
