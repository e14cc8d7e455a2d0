//! Email verification links and the change notice, through the outbox.

use crate::support::{PASSWORD, account, db};
use app::domain::password::Password;
use app::domain::user::{LoginInput, ProfileUpdate};
use app::error::ErrorCode;
use app::service::accounts::{self, LoginOutcome};
use app::service::principal::ClientInfo;
use app::service::{email_verification, sessions};
use app::store::{self, Db};
use chrono::{Duration, Utc};

/// The token of the newest verification link sent to `to`.
async fn link_token(db: &Db, to: &str) -> String {
    let messages = store::outbox::newest(db, None, 50).await.unwrap();
    let message = messages
        .iter()
        .find(|m| m.recipient == to && m.kind == "email_verification")
        .unwrap_or_else(|| panic!("no verification email to {to}"));
    let at = message.body.find("token=").unwrap() + "token=".len();
    message.body[at..]
        .split_whitespace()
        .next()
        .unwrap()
        .to_string()
}

fn client() -> ClientInfo {
    ClientInfo {
        ip: "198.51.100.4".into(),
        user_agent: String::new(),
    }
}

/// The `email.verified` entries as (actor, target, address, client address).
async fn verified_events(db: &Db) -> Vec<(String, String, String, String)> {
    let mut response = db
        .query(
            "SELECT VALUE [actor, target, detail.email, ip] FROM audit_event
             WHERE action = 'email.verified' ORDER BY seq",
        )
        .await
        .unwrap();
    let rows: Vec<Vec<String>> = response.take(0).unwrap();
    rows.into_iter()
        .map(|r| (r[0].clone(), r[1].clone(), r[2].clone(), r[3].clone()))
        .collect()
}

async fn verified(db: &Db, name: &str) -> bool {
    store::users::by_login(db, name)
        .await
        .unwrap()
        .unwrap()
        .email_verified
}

#[tokio::test]
async fn a_link_verifies_its_address_once_within_48_hours() {
    let db = db().await;
    let t0 = Utc::now();
    account(&db, "ada", t0).await;
    assert!(!verified(&db, "ada").await);
    let token = link_token(&db, "ada@example.org").await;
    let message = &store::outbox::newest(&db, None, 1).await.unwrap()[0];
    assert!(
        message
            .body
            .contains("http://gatehouse.test/verify-email?token=")
    );
    assert_eq!(message.status, "pending");

    // Expired after 48 hours.
    let late = t0 + Duration::hours(48) + Duration::seconds(1);
    let err = email_verification::verify(&db, &token, &client(), late)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
    assert!(!verified(&db, "ada").await);

    assert_eq!(
        email_verification::peek(&db, &token, t0).await.unwrap(),
        "ada@example.org"
    );
    email_verification::verify(&db, &token, &client(), t0)
        .await
        .unwrap();
    assert!(verified(&db, "ada").await);
    assert!(
        email_verification::verify(&db, &token, &client(), t0)
            .await
            .is_err()
    );
    for junk in ["", "x", &"y".repeat(5000)] {
        assert!(
            email_verification::verify(&db, junk, &client(), t0)
                .await
                .is_err()
        );
    }
    // Audited once, by the link's user, with the client's address; dead links write nothing.
    assert_eq!(
        verified_events(&db).await,
        vec![(
            "ada".to_string(),
            "user:ada".to_string(),
            "ada@example.org".to_string(),
            "198.51.100.4".to_string()
        )]
    );
    assert_eq!(app::service::audit::verify(&db).await.unwrap().broken, None);
}

#[tokio::test]
async fn changing_the_email_sends_a_link_to_the_new_address_and_a_notice_to_the_old() {
    let db = db().await;
    let t0 = Utc::now();
    account(&db, "ada", t0).await;
    let first = link_token(&db, "ada@example.org").await;
    let input = LoginInput {
        login: "ada".into(),
        password: Password::new(PASSWORD),
        code: None,
    };
    let Ok(LoginOutcome::SignedIn { session, .. }) =
        accounts::login(&db, &input, &ClientInfo::default(), t0).await
    else {
        panic!("sign-in failed");
    };
    let who = sessions::principal(&db, &session.secret, t0).await.unwrap();
    let update = ProfileUpdate {
        email: Some("lovelace@example.org".into()),
        current_password: Some(Password::new(PASSWORD)),
        ..Default::default()
    };
    accounts::update_profile(&db, &who, &update, "https://gh.example", t0)
        .await
        .unwrap();

    let messages = store::outbox::newest(&db, None, 50).await.unwrap();
    let notice = messages
        .iter()
        .find(|m| m.kind == "email_changed")
        .expect("a notice to the old address");
    assert_eq!(notice.recipient, "ada@example.org");
    assert!(notice.body.contains("lovelace@example.org"));
    // The link to the old address is dead; the new one verifies the new address.
    assert!(
        email_verification::verify(&db, &first, &client(), t0)
            .await
            .is_err()
    );
    let second = link_token(&db, "lovelace@example.org").await;
    assert!(
        messages
            .iter()
            .any(|m| m.body.contains("https://gh.example/verify-email?token="))
    );
    email_verification::verify(&db, &second, &client(), t0)
        .await
        .unwrap();
    assert!(verified(&db, "ada").await);

    // Verified: resending is refused.
    let err = email_verification::resend(&db, &who, "https://gh.example", t0)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
}

#[tokio::test]
async fn sign_up_obeys_the_instance_mode() {
    use app::domain::password::Password;
    use app::domain::user::SignupInput;
    let db = db().await;
    let t0 = Utc::now();
    for (mode, allowed) in [("closed", false), ("invite_only", false), ("open", true)] {
        db.query("UPDATE setting:instance SET signup_mode = $mode")
            .bind(("mode", mode))
            .await
            .unwrap()
            .check()
            .unwrap();
        let input = SignupInput {
            username: format!("user-{}", mode.replace('_', "-")),
            email: format!("{mode}@example.org"),
            password: Password::new(PASSWORD),
        };
        let result = accounts::signup(
            &db,
            &input,
            &Default::default(),
            "http://gatehouse.test",
            t0,
        )
        .await;
        assert_eq!(result.is_ok(), allowed, "{mode}");
        if !allowed {
            assert_eq!(result.unwrap_err().code, ErrorCode::Forbidden);
        }
    }
    assert_eq!(store::users::count(&db).await.unwrap(), 1);
}
