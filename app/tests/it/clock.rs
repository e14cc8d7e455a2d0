use app::domain::password::Password;
use app::domain::user::LoginInput;
use app::service::accounts::{self, LoginOutcome};
use app::service::principal::{ClientInfo, Principal};
use app::service::sessions;
use app::service::tokens;
use app::store::Db;
use chrono::{DateTime, Duration, Utc};

use crate::support::{PASSWORD, account, db};

pub(crate) async fn login(
    db: &Db,
    name: &str,
    password: &str,
    now: DateTime<Utc>,
) -> Result<String, app::error::AppError> {
    let input = LoginInput {
        login: name.into(),
        password: Password::new(password),
        code: None,
    };
    match accounts::login(db, &input, &ClientInfo::default(), now).await? {
        LoginOutcome::SignedIn { session, .. } => Ok(session.secret),
        other => panic!(
            "unexpected outcome: {}",
            matches!(other, LoginOutcome::TwoFactorRequired { .. })
        ),
    }
}

#[tokio::test]
async fn sessions_end_after_12_idle_hours_and_after_30_days_in_all() {
    let db = db().await;
    let t0 = Utc::now();
    account(&db, "ada", t0).await;
    let secret = login(&db, "ada", PASSWORD, t0).await.unwrap();

    // Used every 11 hours, a session lives on...
    let mut now = t0;
    for _ in 0..80 {
        now += Duration::hours(11);
        let who = sessions::principal(&db, &secret, now).await.unwrap();
        if now - t0 > Duration::days(30) {
            assert_eq!(
                who,
                Principal::Anonymous,
                "absolute limit at {:?}",
                now - t0
            );
            return;
        }
        assert!(matches!(who, Principal::User(_)), "alive at {:?}", now - t0);
    }
    panic!("the absolute limit never ended the session");
}

#[tokio::test]
async fn an_idle_session_ends() {
    let db = db().await;
    let t0 = Utc::now();
    account(&db, "ada", t0).await;
    let secret = login(&db, "ada", PASSWORD, t0).await.unwrap();
    let at = |h| t0 + Duration::hours(h);
    assert!(matches!(
        sessions::principal(&db, &secret, at(11)).await.unwrap(),
        Principal::User(_)
    ));
    assert_eq!(
        sessions::principal(
            &db,
            &secret,
            at(11) + Duration::hours(12) + Duration::minutes(1)
        )
        .await
        .unwrap(),
        Principal::Anonymous
    );
}

#[tokio::test]
async fn a_throttle_lock_passes_with_time() {
    let db = db().await;
    let t0 = Utc::now();
    account(&db, "ada", t0).await;
    for _ in 0..6 {
        assert!(
            login(&db, "ada", "not the password at all", t0)
                .await
                .is_err()
        );
    }
    let locked = login(&db, "ada", PASSWORD, t0 + Duration::seconds(30))
        .await
        .unwrap_err();
    assert_eq!(locked.code, app::error::ErrorCode::RateLimited);
    assert!(locked.retry_after.is_some_and(|s| s <= 31));
    assert!(
        login(&db, "ada", PASSWORD, t0 + Duration::seconds(61))
            .await
            .is_ok()
    );
    // Success cleared the count: one more failure is not a lock.
    assert!(
        login(&db, "ada", "wrong again, sorry", t0 + Duration::seconds(62))
            .await
            .is_err()
    );
    assert!(
        login(&db, "ada", PASSWORD, t0 + Duration::seconds(63))
            .await
            .is_ok()
    );
}

/// An attempt whose check never ran (503: the hash queue was full) is given back exactly: a
/// flood that makes the server busy does not lock out the people retrying.
#[tokio::test]
async fn an_unused_attempt_is_given_back() {
    use app::service::throttle;
    let db = db().await;
    let t0 = Utc::now();
    let budgets = throttle::guessing("192.0.2.1", "user:ada");
    for _ in 0..20 {
        throttle::attempt(&db, budgets.clone(), "192.0.2.1", t0)
            .await
            .unwrap()
            .unused(&db)
            .await
            .unwrap();
    }
    let keys: Vec<String> = budgets.iter().map(|b| b.key.clone()).collect();
    for row in app::store::throttle::get_all(&db, &keys).await.unwrap() {
        assert!(row.is_none_or(|r| r.failures == 0 && r.locked_until.is_none()));
    }
}

#[tokio::test]
async fn a_token_expires_at_its_time() {
    let db = db().await;
    let t0 = Utc::now();
    account(&db, "ada", t0).await;
    let secret = login(&db, "ada", PASSWORD, t0).await.unwrap();
    let who = sessions::principal(&db, &secret, t0).await.unwrap();
    let created = tokens::create_user_token(
        &db,
        &who,
        &crate::support::user_token("weekly", Some(7)),
        t0,
    )
    .await
    .unwrap();
    let day = |d| t0 + Duration::days(d);
    assert!(matches!(
        tokens::authenticate(&db, &created.token, "192.0.2.1", day(6))
            .await
            .unwrap(),
        Principal::User(_)
    ));
    let err = tokens::authenticate(
        &db,
        &created.token,
        "192.0.2.1",
        day(7) + Duration::seconds(1),
    )
    .await
    .unwrap_err();
    assert_eq!(err.code, app::error::ErrorCode::Unauthenticated);
}
