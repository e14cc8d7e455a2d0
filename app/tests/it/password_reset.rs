//! "Forgot password?" (issue 17.1): the same answer for every login, a link only for an
//! active account with a verified address, once, for an hour; using it sets the password
//! under the policy, ends every session and tells the owner.

use crate::support::{PASSWORD, account, db};
use app::domain::password::Password;
use app::domain::user::LoginInput;
use app::error::ErrorCode;
use app::service::accounts::{self, LoginOutcome};
use app::service::password_reset;
use app::service::principal::ClientInfo;
use app::store::{self, Db};
use chrono::{Duration, Utc};

const NEW: &str = "amber lantern slowly drifts";

fn client() -> ClientInfo {
    ClientInfo {
        ip: "198.51.100.7".into(),
        user_agent: String::new(),
    }
}

/// The token of the newest reset link sent to `to`, if any.
async fn link_to(db: &Db, to: &str) -> Option<String> {
    let messages = store::outbox::newest(db, None, 50).await.unwrap();
    let message = messages
        .iter()
        .find(|m| m.recipient == to && m.kind == "password_reset")?;
    let at = message.body.find("token=")? + "token=".len();
    message.body[at..]
        .split_whitespace()
        .next()
        .map(str::to_string)
}

async fn signs_in(db: &Db, password: &str) -> bool {
    let input = LoginInput {
        login: "ada".into(),
        password: Password::new(password),
        code: None,
    };
    matches!(
        accounts::login(db, &input, &client(), Utc::now()).await,
        Ok(LoginOutcome::SignedIn { .. })
    )
}

#[tokio::test]
async fn a_link_sets_a_new_password_once_and_ends_every_session() {
    let db = db().await;
    let t0 = Utc::now();
    account(&db, "ada", t0).await;
    db.query("UPDATE user SET email_verified = true WHERE username = 'ada'")
        .await
        .unwrap()
        .check()
        .unwrap();
    assert!(signs_in(&db, PASSWORD).await);

    // The same answer for an account and for nobody; a link only for the account.
    password_reset::request(&db, "ada@example.org", &client(), "https://gh.example", t0)
        .await
        .unwrap()
        .sent()
        .await
        .unwrap();
    password_reset::request(
        &db,
        "nobody@example.org",
        &client(),
        "https://gh.example",
        t0,
    )
    .await
    .unwrap()
    .sent()
    .await
    .unwrap();
    assert!(link_to(&db, "nobody@example.org").await.is_none());
    let first = link_to(&db, "ada@example.org")
        .await
        .expect("a link to ada");
    // A new request replaces it.
    let t0 = t0 + Duration::seconds(1);
    password_reset::request(&db, "ada", &client(), "https://gh.example", t0)
        .await
        .unwrap()
        .sent()
        .await
        .unwrap();
    let token = link_to(&db, "ada@example.org").await.unwrap();
    assert_ne!(first, token);
    let err = password_reset::peek(&db, &first, t0).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
    assert_eq!(password_reset::peek(&db, &token, t0).await.unwrap(), "ada");

    // The policy applies; then the password changes once, the sessions end, ada is told.
    let err = password_reset::complete(&db, &token, &Password::new("short"), &client(), t0)
        .await
        .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("new_password"));
    let user = password_reset::complete(&db, &token, &Password::new(NEW), &client(), t0)
        .await
        .unwrap();
    assert_eq!(user.username, "ada");
    let sessions: Vec<String> = db
        .query("SELECT VALUE <string> id FROM session WHERE user.username = 'ada'")
        .await
        .unwrap()
        .take(0)
        .unwrap();
    assert!(sessions.is_empty());
    assert!(signs_in(&db, NEW).await);
    assert!(!signs_in(&db, PASSWORD).await);
    let err = password_reset::complete(&db, &token, &Password::new(NEW), &client(), t0)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
    let messages = store::outbox::newest(&db, None, 50).await.unwrap();
    assert!(messages.iter().any(|m| m.kind == "password_changed"));
    let actions: Vec<String> = db
        .query("SELECT VALUE action FROM audit_event WHERE action CONTAINS 'password.reset' ORDER BY seq")
        .await
        .unwrap()
        .take(0)
        .unwrap();
    assert_eq!(
        actions,
        [
            "password.reset_requested",
            "password.reset_requested",
            "password.reset"
        ]
    );

    // An hour later a link is dead.
    let t0 = t0 + Duration::seconds(1);
    password_reset::request(&db, "ada", &client(), "https://gh.example", t0)
        .await
        .unwrap()
        .sent()
        .await
        .unwrap();
    let late = link_to(&db, "ada@example.org").await.unwrap();
    let err = password_reset::complete(
        &db,
        &late,
        &Password::new("violet tractor quietly hums again"),
        &client(),
        t0 + Duration::minutes(61),
    )
    .await
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
}

#[tokio::test]
async fn no_link_for_an_unverified_or_deactivated_account_and_requests_are_throttled() {
    let db = db().await;
    let t0 = Utc::now();
    account(&db, "ada", t0).await;
    // Unverified: nothing sent (the answer is the same).
    password_reset::request(&db, "ada", &client(), "https://gh.example", t0)
        .await
        .unwrap()
        .sent()
        .await
        .unwrap();
    assert!(link_to(&db, "ada@example.org").await.is_none());
    db.query("UPDATE user SET email_verified = true, active = false WHERE username = 'ada'")
        .await
        .unwrap()
        .check()
        .unwrap();
    password_reset::request(&db, "ada", &client(), "https://gh.example", t0)
        .await
        .unwrap()
        .sent()
        .await
        .unwrap();
    assert!(link_to(&db, "ada@example.org").await.is_none());
    // The same login over and over is refused, whether or not it names an account.
    let mut refused = None;
    for _ in 0..30 {
        if let Err(err) =
            password_reset::request(&db, "nobody", &client(), "https://gh.example", t0).await
        {
            refused = Some(err);
            break;
        }
    }
    assert_eq!(refused.unwrap().code, ErrorCode::RateLimited);
    let err = password_reset::request(&db, "  ", &client(), "https://gh.example", t0)
        .await
        .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("login"));
}
