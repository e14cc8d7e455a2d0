//! "Forgot password?" over REST (issue 17.1): 202 whatever the login names, the emailed link
//! sets a new password once (204, then 404), every session ends, the new password signs in.

use crate::http::TestServer;
use serde_json::json;

#[tokio::test]
async fn a_forgotten_password_is_replaced_over_rest() {
    let server = TestServer::start().await;
    let session = server.verified("ada").await;
    for login in ["ada", "nobody@example.org"] {
        let res = server
            .json(
                "POST",
                "/api/v1/auth/password-reset",
                None,
                &json!({"login": login}),
            )
            .await;
        assert_eq!(res.status, 202, "{}", res.text());
    }
    let res = server
        .json(
            "POST",
            "/api/v1/auth/password-reset",
            None,
            &json!({"login": ""}),
        )
        .await;
    assert_eq!(res.status, 422);

    let mut r = server
        .db
        .query("SELECT VALUE body FROM outbox WHERE kind = 'password_reset'")
        .await
        .unwrap();
    let bodies: Vec<String> = r.take(0).unwrap();
    assert_eq!(bodies.len(), 1, "only ada is sent a link");
    let at = bodies[0].find("token=").unwrap() + "token=".len();
    let token = bodies[0][at..]
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    let path = format!("/api/v1/auth/password-reset/{token}");
    let res = server
        .json("POST", &path, None, &json!({"new_password": "short"}))
        .await;
    assert_eq!(
        (res.status, res.json()["error"]["field"].clone()),
        (422, json!("new_password"))
    );
    let res = server
        .json(
            "POST",
            &path,
            None,
            &json!({"new_password": "amber lantern slowly drifts"}),
        )
        .await;
    assert_eq!(res.status, 204, "{}", res.text());
    let res = server
        .json(
            "POST",
            &path,
            None,
            &json!({"new_password": "amber lantern slowly drifts"}),
        )
        .await;
    assert_eq!(res.status, 404);
    assert_eq!(server.get_as(&session, "/api/v1/account").await.status, 401);
    let res = server
        .json(
            "POST",
            "/api/v1/auth/login",
            None,
            &json!({"login": "ada", "password": "amber lantern slowly drifts"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
}
