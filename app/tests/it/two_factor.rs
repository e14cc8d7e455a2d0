//! Two-factor: enrolment, single-use codes (also in parallel), recovery codes, the sign-in
//! challenge, and turning it off — with the clock moved rather than waited for.

use crate::support::{PASSWORD, account, db};
use app::domain::password::Password;
use app::domain::two_factor::DisableTwoFactor;
use app::domain::user::LoginInput;
use app::error::ErrorCode;
use app::service::accounts::{self, LoginOutcome};
use app::service::login_challenge;
use app::service::principal::{ClientInfo, Principal};
use app::service::sessions;
use app::service::two_factor;
use app::store::Db;
use chrono::{DateTime, Duration, Utc};
use totp_rs::{Builder, Secret};

pub(crate) fn code(secret: &str, at: DateTime<Utc>) -> String {
    Builder::new()
        .with_secret(Secret::try_from_base32(secret).unwrap())
        .build()
        .unwrap()
        .generate(at.timestamp() as u64)
        .to_string()
}

async fn principal_of(db: &Db, name: &str, now: DateTime<Utc>) -> Principal {
    let input = LoginInput {
        login: name.into(),
        password: Password::new(PASSWORD),
        code: None,
    };
    let LoginOutcome::SignedIn { session, .. } =
        accounts::login(db, &input, &ClientInfo::default(), now)
            .await
            .unwrap()
    else {
        panic!("expected a plain sign-in");
    };
    sessions::principal(db, &session.secret, now).await.unwrap()
}

async fn login_with(
    db: &Db,
    name: &str,
    code: Option<&str>,
    now: DateTime<Utc>,
) -> Result<LoginOutcome, app::error::AppError> {
    let input = LoginInput {
        login: name.into(),
        password: Password::new(PASSWORD),
        code: code.map(str::to_string),
    };
    accounts::login(db, &input, &ClientInfo::default(), now).await
}

/// Enrols `name` at `t0`; returns the secret and the recovery codes.
pub(crate) async fn enrolled(db: &Db, name: &str, t0: DateTime<Utc>) -> (String, Vec<String>) {
    account(db, name, t0).await;
    let who = principal_of(db, name, t0).await;
    let enrolment = two_factor::begin(db, &who, t0).await.unwrap();
    assert!(enrolment.qr_svg.starts_with("<svg"));
    assert!(
        enrolment
            .otpauth_url
            .starts_with(&format!("otpauth://totp/Gatehouse:{name}?secret="))
    );
    let codes = two_factor::confirm(db, &who, &code(&enrolment.secret, t0), t0)
        .await
        .unwrap()
        .0
        .recovery_codes;
    (enrolment.secret, codes)
}

fn signed_in(outcome: Result<LoginOutcome, app::error::AppError>) -> bool {
    matches!(outcome, Ok(LoginOutcome::SignedIn { .. }))
}

#[tokio::test]
async fn a_code_is_accepted_once_within_one_step_either_side() {
    let db = db().await;
    let t0 = Utc::now();
    let (secret, codes) = enrolled(&db, "ada", t0).await;
    assert_eq!(codes.len(), 10);

    // The password alone no longer signs in.
    assert!(matches!(
        login_with(&db, "ada", None, t0).await.unwrap(),
        LoginOutcome::TwoFactorRequired { .. }
    ));
    // The confirmation code was used: it cannot sign in.
    let used = login_with(&db, "ada", Some(&code(&secret, t0)), t0).await;
    assert_eq!(used.err().unwrap().code, ErrorCode::InvalidCredentials);

    // A code one step ahead (a fast phone clock) works, once.
    let t1 = t0 + Duration::seconds(30);
    assert!(signed_in(
        login_with(&db, "ada", Some(&code(&secret, t1)), t0).await
    ));
    assert!(!signed_in(
        login_with(&db, "ada", Some(&code(&secret, t1)), t0).await
    ));

    // A minute later: the previous step is still in the window but older than the last one
    // used, so it is refused; the current one works.
    let t2 = t0 + Duration::seconds(60);
    assert!(!signed_in(
        login_with(&db, "ada", Some(&code(&secret, t1)), t2).await
    ));
    assert!(signed_in(
        login_with(&db, "ada", Some(&code(&secret, t2)), t2).await
    ));
    // Two steps away is outside the window.
    let t5 = t0 + Duration::seconds(150);
    assert!(!signed_in(
        login_with(
            &db,
            "ada",
            Some(&code(&secret, t5 - Duration::seconds(60))),
            t5
        )
        .await
    ));
    // Garbage is just a wrong code.
    for junk in ["", "12345", "1234567", "abc", &"9".repeat(500)] {
        assert!(
            !signed_in(login_with(&db, "ada", Some(junk), t5).await),
            "{junk}"
        );
    }
}

#[tokio::test]
async fn parallel_requests_with_one_code_sign_in_once() {
    let db = db().await;
    let t0 = Utc::now();
    let (secret, _) = enrolled(&db, "ada", t0).await;
    let next = code(&secret, t0 + Duration::seconds(30));
    let attempts = (0..12).map(|_| {
        let db = db.clone();
        let next = next.clone();
        tokio::spawn(async move { login_with(&db, "ada", Some(&next), t0).await })
    });
    let mut successes = 0;
    for attempt in attempts {
        if signed_in(attempt.await.unwrap()) {
            successes += 1;
        }
    }
    assert_eq!(successes, 1);
}

#[tokio::test]
async fn recovery_codes_work_once_and_regeneration_replaces_them() {
    let db = db().await;
    let t0 = Utc::now();
    let (secret, codes) = enrolled(&db, "ada", t0).await;
    // Typed in capitals with spaces: still accepted, once.
    let typed = format!(" {} ", codes[0].to_uppercase());
    assert!(signed_in(login_with(&db, "ada", Some(&typed), t0).await));
    assert!(!signed_in(
        login_with(&db, "ada", Some(&codes[0]), t0).await
    ));

    let who = principal_of_2fa(&db, "ada", &codes[1], t0).await;
    let status = two_factor::status(&db, &who).await.unwrap();
    assert!(status.enabled && status.pending.is_none());
    assert_eq!(status.recovery_codes_left, 8);

    let t1 = t0 + Duration::seconds(30);
    let fresh = two_factor::regenerate_recovery_codes(&db, &who, &code(&secret, t1), t1)
        .await
        .unwrap()
        .recovery_codes;
    assert_eq!(fresh.len(), 10);
    assert!(!signed_in(
        login_with(&db, "ada", Some(&codes[2]), t1).await
    ));
    assert!(signed_in(login_with(&db, "ada", Some(&fresh[0]), t1).await));
}

async fn principal_of_2fa(db: &Db, name: &str, code: &str, now: DateTime<Utc>) -> Principal {
    let Ok(LoginOutcome::SignedIn { session, .. }) = login_with(db, name, Some(code), now).await
    else {
        panic!("two-factor sign-in failed");
    };
    sessions::principal(db, &session.secret, now).await.unwrap()
}

/// Someone who knows the password cannot guess codes for ever by signing in with the right
/// password between guesses: codes have a budget that only a right code refunds, shared by
/// every path that checks one (the one-step sign-in, the challenge, the settings actions).
#[tokio::test]
async fn a_right_password_never_refunds_wrong_codes() {
    let db = db().await;
    let t0 = Utc::now();
    let (secret, _) = enrolled(&db, "ada", t0).await;
    for _ in 0..6 {
        let wrong = login_with(&db, "ada", Some("000000"), t0)
            .await
            .err()
            .unwrap();
        assert_eq!(wrong.field.as_deref(), Some("code"), "{}", wrong.message);
        assert!(matches!(
            login_with(&db, "ada", None, t0).await,
            Ok(LoginOutcome::TwoFactorRequired { .. })
        ));
    }
    let locked = login_with(&db, "ada", Some("000000"), t0)
        .await
        .err()
        .unwrap();
    assert_eq!(locked.code, ErrorCode::RateLimited);
    // The challenge path spends the same budget.
    let Ok(LoginOutcome::TwoFactorRequired { user_id, .. }) =
        login_with(&db, "ada", None, t0).await
    else {
        panic!("the password alone still opens a challenge");
    };
    let challenge = login_challenge::open(&db, &user_id, None, t0)
        .await
        .unwrap();
    let locked = login_challenge::complete(
        &db,
        &challenge,
        &code(&secret, t0),
        &ClientInfo::default(),
        t0,
    )
    .await
    .err()
    .unwrap();
    assert_eq!(locked.code, ErrorCode::RateLimited);
    // Once the lock passes, the right code signs in and clears the count.
    let later = t0 + Duration::minutes(2);
    assert!(signed_in(
        login_with(&db, "ada", Some(&code(&secret, later)), later).await
    ));
}

#[tokio::test]
async fn a_challenge_lasts_five_minutes_and_five_wrong_codes() {
    let db = db().await;
    let t0 = Utc::now();
    let (secret, _) = enrolled(&db, "ada", t0).await;
    let client = ClientInfo::default();
    let Ok(LoginOutcome::TwoFactorRequired { user_id, .. }) =
        login_with(&db, "ada", None, t0).await
    else {
        panic!("expected a challenge");
    };

    // Expired after five minutes.
    let old = login_challenge::open(&db, &user_id, None, t0)
        .await
        .unwrap();
    let late = t0 + Duration::minutes(5) + Duration::seconds(1);
    let err = login_challenge::complete(&db, &old, &code(&secret, late), &client, late)
        .await
        .err()
        .unwrap();
    assert!(err.message.contains("expired"));

    // Five wrong codes end it, even before the throttle would.
    let challenge = login_challenge::open(&db, &user_id, None, t0)
        .await
        .unwrap();
    for _ in 0..5 {
        let err = login_challenge::complete(&db, &challenge, "000000", &client, t0)
            .await
            .err()
            .unwrap();
        assert_eq!(err.field.as_deref(), Some("code"));
    }
    let t1 = t0 + Duration::seconds(30);
    // The account is now throttled too (five failures); once that passes, the dead challenge
    // still refuses the right code.
    let later = t0 + Duration::minutes(4);
    let err = login_challenge::complete(&db, &challenge, &code(&secret, later), &client, later)
        .await
        .err()
        .unwrap();
    assert!(err.message.contains("expired"), "{}", err.message);

    // A fresh challenge completes with the right code, exactly once.
    db.query("DELETE throttle").await.unwrap().check().unwrap();
    let challenge = login_challenge::open(&db, &user_id, None, t1)
        .await
        .unwrap();
    let outcome = login_challenge::complete(&db, &challenge, &code(&secret, t1), &client, t1).await;
    assert!(signed_in(outcome));
    let again = login_challenge::complete(
        &db,
        &challenge,
        &code(&secret, t1 + Duration::seconds(30)),
        &client,
        t1,
    )
    .await;
    assert!(!signed_in(again));
}

#[tokio::test]
async fn turning_it_off_needs_the_password_or_a_code() {
    let db = db().await;
    let t0 = Utc::now();
    let (secret, codes) = enrolled(&db, "ada", t0).await;
    let who = principal_of_2fa(&db, "ada", &codes[0], t0).await;

    let none = two_factor::disable(&db, &who, &DisableTwoFactor::default(), t0).await;
    assert_eq!(none.err().unwrap().code, ErrorCode::Validation);
    let wrong = DisableTwoFactor {
        password: Some(Password::new("not my password at all")),
        ..Default::default()
    };
    assert_eq!(
        two_factor::disable(&db, &who, &wrong, t0)
            .await
            .err()
            .unwrap()
            .field
            .as_deref(),
        Some("password")
    );
    // Not while the instance requires it (as the request's principal was resolved with).
    let mut required = who.clone();
    if let app::service::principal::Principal::User(user) = &mut required {
        user.rules.require_two_factor = true;
    }
    let by_code = DisableTwoFactor {
        code: Some(code(&secret, t0 + Duration::seconds(30))),
        ..Default::default()
    };
    assert_eq!(
        two_factor::disable(&db, &required, &by_code, t0)
            .await
            .err()
            .unwrap()
            .code,
        ErrorCode::TwoFactorPolicy
    );
    two_factor::disable(&db, &who, &by_code, t0).await.unwrap();
    assert!(!two_factor::status(&db, &who).await.unwrap().enabled);
    assert!(signed_in(login_with(&db, "ada", None, t0).await));
    // And on again with a new secret: the old one means nothing.
    let enrolment = two_factor::begin(&db, &who, t0).await.unwrap();
    assert_ne!(enrolment.secret, secret);
    let t1 = t0 + Duration::seconds(60);
    let stale = two_factor::confirm(&db, &who, &code(&secret, t1), t1).await;
    assert_eq!(stale.err().unwrap().field.as_deref(), Some("code"));
    two_factor::confirm(&db, &who, &code(&enrolment.secret, t1), t1)
        .await
        .unwrap();
    assert_eq!(
        two_factor::begin(&db, &who, t1).await.err().unwrap().code,
        ErrorCode::Conflict
    );
}

#[tokio::test]
async fn the_store_accepts_a_step_or_a_recovery_code_once_under_contention() {
    use app::store::two_factor::{use_recovery_code, use_step};
    let db = db().await;
    let t0 = Utc::now();
    enrolled(&db, "ada", t0).await;
    let user_id = app::store::users::by_login(&db, "ada")
        .await
        .unwrap()
        .unwrap()
        .id;
    let step = t0.timestamp() / 30 + 1;
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let db = db.clone();
            let user_id = user_id.clone();
            tokio::spawn(async move { use_step(&db, &user_id, step).await.is_ok() })
        })
        .collect();
    let mut accepted = 0;
    for task in tasks {
        accepted += usize::from(task.await.unwrap());
    }
    assert_eq!(accepted, 1, "one step, accepted once");

    let hash: String = {
        let mut r = db
            .query("SELECT VALUE recovery_hashes[0] FROM ONLY type::record('two_factor', $u)")
            .bind(("u", user_id.clone()))
            .await
            .unwrap();
        r.take::<Option<String>>(0).unwrap().unwrap()
    };
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let (db, user_id, hash) = (db.clone(), user_id.clone(), hash.clone());
            tokio::spawn(async move { use_recovery_code(&db, &user_id, &hash).await.is_ok() })
        })
        .collect();
    let mut accepted = 0;
    for task in tasks {
        accepted += usize::from(task.await.unwrap());
    }
    assert_eq!(accepted, 1, "one recovery code, accepted once");
}

/// Turning two-factor off while an organization one belongs to requires it is refused with a
/// message naming it, unless the user accepts being blocked there.
#[tokio::test]
async fn turning_it_off_while_an_organization_requires_it_needs_consent() {
    use app::domain::organization::{NewOrganization, OrganizationUpdate};
    use app::service::{org_access, organizations};
    let db = db().await;
    let t0 = Utc::now();
    let (secret, codes) = enrolled(&db, "ada", t0).await;
    let ada = principal_of_2fa(&db, "ada", &codes[0], t0).await;
    for name in ["acme", "beta", "calm"] {
        let new = NewOrganization {
            name: name.into(),
            display_name: None,
        };
        organizations::create(&db, &ada, &new, t0).await.unwrap();
    }
    for name in ["acme", "beta"] {
        let policy = OrganizationUpdate {
            require_two_factor: Some(true),
            ..Default::default()
        };
        organizations::update(&db, &ada, name, &policy, t0)
            .await
            .unwrap();
    }
    let status = two_factor::status(&db, &ada).await.unwrap();
    assert_eq!(status.required_by, vec!["acme", "beta"]);

    let by_code = |at: DateTime<Utc>, accept_blocked: bool| DisableTwoFactor {
        code: Some(code(&secret, at)),
        accept_blocked,
        ..Default::default()
    };
    let refused = two_factor::disable(&db, &ada, &by_code(t0, false), t0)
        .await
        .unwrap_err();
    assert_eq!(refused.code, ErrorCode::TwoFactorPolicy);
    assert!(
        refused.message.starts_with("acme, beta require two-factor"),
        "{}",
        refused.message
    );
    assert!(
        two_factor::status(&db, &ada).await.unwrap().enabled,
        "still on"
    );

    // Accepted: off, and blocked where it is required (not elsewhere).
    let t1 = t0 + Duration::seconds(30);
    two_factor::disable(&db, &ada, &by_code(t1, true), t1)
        .await
        .unwrap();
    assert!(!two_factor::status(&db, &ada).await.unwrap().enabled);
    let ada = principal_of(&db, "ada", t1).await;
    let blocked = org_access::resolve(&db, &ada, "acme").await.unwrap_err();
    assert_eq!(blocked.code, ErrorCode::TwoFactorPolicy);
    org_access::resolve(&db, &ada, "calm").await.unwrap();
}
