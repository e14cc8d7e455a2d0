//! What the permission check costs a REST call. Two calls over real HTTP with the same bearer token:
//! `GET /api/v1/account` (authentication only) and `GET /api/v1/organizations/acme`, which
//! resolves the caller's access (one query: membership, groups' roles, custom roles), computes
//! the effective permissions and checks `org.read`. Rounds alternate, so both share the
//! machine's state; the ratio of medians is printed.

use crate::http::TestServer;
use serde_json::json;
use std::time::{Duration, Instant};

async fn timed(server: &TestServer, path: &str, auth: &str, calls: u32) -> Duration {
    let started = Instant::now();
    for _ in 0..calls {
        let res = server
            .request("GET", path, &[("Authorization", auth)], None)
            .await;
        assert_eq!(res.status, 200, "{path}: {}", res.text());
    }
    started.elapsed() / calls
}

pub async fn run() {
    let server = TestServer::start().await;
    let ada = server.signed_in("ada").await;
    let res = server
        .json(
            "POST",
            "/api/v1/organizations",
            Some(&ada),
            &json!({"name": "acme"}),
        )
        .await;
    assert_eq!(res.status, 201);
    // A realistic standing: five custom roles, and ada in five groups that carry roles.
    for i in 0..5 {
        let res = server
            .json(
                "POST",
                "/api/v1/organizations/acme/roles",
                Some(&ada),
                &json!({"name": format!("role-{i}"), "permissions": ["members.read", "projects.create"]}),
            )
            .await;
        assert_eq!(res.status, 201, "{}", res.text());
        let res = server
            .json(
                "POST",
                "/api/v1/organizations/acme/groups",
                Some(&ada),
                &json!({"name": format!("team-{i}"), "role": format!("role-{i}")}),
            )
            .await;
        assert_eq!(res.status, 201, "{}", res.text());
        let res = server
            .json(
                "PUT",
                &format!("/api/v1/organizations/acme/groups/team-{i}/members/ada"),
                Some(&ada),
                &json!(null),
            )
            .await;
        assert_eq!(res.status, 204, "{}", res.text());
    }
    let res = server
        .json(
            "POST",
            "/api/v1/account/tokens",
            Some(&ada),
            &json!({"description": "bench", "expires_in_days": 7}),
        )
        .await;
    let auth = format!("Bearer {}", res.json()["token"].as_str().unwrap());

    let calls = 200;
    timed(&server, "/api/v1/account", &auth, 50).await;
    timed(&server, "/api/v1/organizations/acme", &auth, 50).await;
    let mut plain = Vec::new();
    let mut checked = Vec::new();
    for _ in 0..7 {
        plain.push(timed(&server, "/api/v1/account", &auth, calls).await);
        checked.push(timed(&server, "/api/v1/organizations/acme", &auth, calls).await);
    }
    plain.sort();
    checked.sort();
    let (plain, checked) = (plain[plain.len() / 2], checked[checked.len() / 2]);
    println!(
        "permission check: unchecked GET /account {:.2} ms/call, checked GET /organizations/acme {:.2} ms/call, ratio {:.2} (median of 7 rounds of {calls})",
        plain.as_secs_f64() * 1e3,
        checked.as_secs_f64() * 1e3,
        checked.as_secs_f64() / plain.as_secs_f64()
    );
}
