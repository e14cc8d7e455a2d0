//! Passkeys: registration, passwordless sign-in and the second factor, checked with a software
//! passkey (`soft_passkey`) answering the server's real options; and the refusals — another
//! origin, a replayed answer, someone else's passkey or user handle, an expired ceremony, a
//! token, the last way in, "SSO only".

use crate::soft_passkey::SoftPasskey;
use crate::support::{PASSWORD, account, admin, db};
use app::domain::passkey::{NewPasskey, PasskeyPurpose};
use app::domain::password::Password;
use app::domain::user::LoginInput;
use app::error::{AppError, ErrorCode};
use app::service::accounts::{self, LoginOutcome};
use app::service::principal::{ClientInfo, Principal};
use app::service::{login_challenge, passkey_sign_in, passkeys, sessions, tokens};
use app::store::Db;
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

const ORIGIN: &str = "https://gate.example.test";

/// A registered passkey, as its device keeps it.
struct Key {
    device: SoftPasskey,
    handle: String,
}

async fn signed_in(db: &Db, name: &str, now: DateTime<Utc>) -> Principal {
    let input = LoginInput {
        login: name.into(),
        password: Password::new(PASSWORD),
        code: None,
    };
    let outcome = accounts::login(db, &input, &ClientInfo::default(), now)
        .await
        .unwrap();
    let LoginOutcome::SignedIn { session, .. } = outcome else {
        panic!("expected a plain sign-in");
    };
    sessions::principal(db, &session.secret, now).await.unwrap()
}

/// Registers a new software passkey for `who` from `origin`.
async fn register_from(
    db: &Db,
    who: &Principal,
    origin: &str,
    now: DateTime<Utc>,
) -> Result<Key, AppError> {
    let options = passkeys::registration_options(db, who, ORIGIN, now).await?;
    assert_eq!(
        options["publicKey"]["authenticatorSelection"]["residentKey"],
        "required"
    );
    assert_eq!(options["publicKey"]["rp"]["id"], "gate.example.test");
    let (device, credential) = SoftPasskey::create(&options, origin);
    passkeys::register(
        db,
        who,
        ORIGIN,
        &NewPasskey {
            credential,
            name: "Laptop".into(),
        },
        now,
    )
    .await?;
    let handle = device.handle();
    Ok(Key { device, handle })
}

async fn register(db: &Db, who: &Principal, now: DateTime<Utc>) -> Key {
    register_from(db, who, ORIGIN, now).await.unwrap()
}

/// The browser's answer to `options` with `key` (from `origin`), naming `handle` as the user.
fn answer(key: &mut Key, options: Value, origin: &str, handle: Option<&str>) -> Value {
    let mut credential = key.device.get(&options, origin);
    credential["response"]["userHandle"] = json!(handle);
    credential
}

async fn passwordless(
    db: &Db,
    key: &mut Key,
    origin: &str,
    now: DateTime<Utc>,
) -> Result<LoginOutcome, AppError> {
    let options = passkey_sign_in::options(
        db,
        ORIGIN,
        PasskeyPurpose::SignIn,
        None,
        &ClientInfo::default(),
        now,
    )
    .await
    .unwrap();
    assert_eq!(options["publicKey"]["allowCredentials"], json!([]));
    assert_eq!(options["publicKey"]["userVerification"], "required");
    let handle = key.handle.clone();
    let credential = answer(key, options, origin, Some(&handle));
    passkey_sign_in::sign_in(db, ORIGIN, &credential, None, &ClientInfo::default(), now).await
}

fn code(result: Result<LoginOutcome, AppError>) -> ErrorCode {
    match result {
        Ok(_) => panic!("expected a refusal"),
        Err(err) => err.code,
    }
}

#[tokio::test]
async fn a_registered_passkey_signs_in_without_a_password_and_is_a_second_factor() {
    let db = db().await;
    let now = Utc::now();
    account(&db, "pia", now).await;
    let pia = signed_in(&db, "pia", now).await;
    assert!(!accounts::me(&db, &pia).await.unwrap().two_factor_enabled);
    let mut key = register(&db, &pia, now).await;

    let list = passkeys::mine(&db, &pia).await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].name, "Laptop");
    assert_eq!(list[0].last_used_at, None);
    let me = app::store::users::by_login(&db, "pia")
        .await
        .unwrap()
        .unwrap();
    assert!(me.two_factor_enabled, "a passkey is a second factor");

    let outcome = passwordless(&db, &mut key, ORIGIN, now).await.unwrap();
    let LoginOutcome::SignedIn { user, session } = outcome else {
        panic!("expected a session");
    };
    assert_eq!(user.username, "pia");
    sessions::principal(&db, &session.secret, now)
        .await
        .unwrap();
    let list = passkeys::mine(&db, &pia).await.unwrap();
    assert!(list[0].last_used_at.is_some());

    // A password now asks for the second factor, which the passkey gives.
    let input = LoginInput {
        login: "pia".into(),
        password: Password::new(PASSWORD),
        code: None,
    };
    let outcome = accounts::login(&db, &input, &ClientInfo::default(), now)
        .await
        .unwrap();
    let LoginOutcome::TwoFactorRequired { user_id, .. } = outcome else {
        panic!("expected the second step");
    };
    let secret = login_challenge::open(&db, &user_id, None, now)
        .await
        .unwrap();
    let options = passkey_sign_in::options(
        &db,
        ORIGIN,
        PasskeyPurpose::SecondFactor,
        Some(&secret),
        &ClientInfo::default(),
        now,
    )
    .await
    .unwrap();
    assert_eq!(
        options["publicKey"]["allowCredentials"][0]["id"],
        json!(app::service::secret::base64url(&key.device.credential_id))
    );
    let credential = answer(&mut key, options, ORIGIN, None);
    // Without the two-factor page's cookie, the answer signs nobody in.
    let refused =
        passkey_sign_in::sign_in(&db, ORIGIN, &credential, None, &ClientInfo::default(), now).await;
    assert_eq!(code(refused), ErrorCode::InvalidCredentials);
    // The refused attempt used the ceremony up: a new one, with the cookie, works.
    let options = passkey_sign_in::options(
        &db,
        ORIGIN,
        PasskeyPurpose::SecondFactor,
        Some(&secret),
        &ClientInfo::default(),
        now,
    )
    .await
    .unwrap();
    let credential = answer(&mut key, options, ORIGIN, None);
    let outcome = passkey_sign_in::sign_in(
        &db,
        ORIGIN,
        &credential,
        Some(&secret),
        &ClientInfo::default(),
        now,
    )
    .await
    .unwrap();
    assert!(matches!(outcome, LoginOutcome::SignedIn { .. }));
    // The challenge is used up.
    let again = passkey_sign_in::options(
        &db,
        ORIGIN,
        PasskeyPurpose::SecondFactor,
        Some(&secret),
        &ClientInfo::default(),
        now,
    )
    .await;
    assert!(again.is_err());

    let audit: Vec<String> = db
        .query("SELECT VALUE action FROM audit_event WHERE action = 'passkey.registered'")
        .await
        .unwrap()
        .take(0)
        .unwrap();
    assert_eq!(audit.len(), 1);
}

#[tokio::test]
async fn answers_from_elsewhere_replayed_late_or_for_someone_else_are_refused() {
    let db = db().await;
    let now = Utc::now();
    account(&db, "quinn", now).await;
    account(&db, "rob", now).await;
    let quinn = signed_in(&db, "quinn", now).await;
    let rob = signed_in(&db, "rob", now).await;
    let mut key = register(&db, &quinn, now).await;
    let mut robs = register(&db, &rob, now).await;

    // Another origin (a taken-over subdomain relaying the ceremony: the authenticator would
    // answer it, the server does not accept it).
    assert_eq!(
        code(passwordless(&db, &mut key, "https://evil.gate.example.test", now).await),
        ErrorCode::InvalidCredentials
    );

    // A replayed answer: the ceremony was used by the first.
    let options = passkey_sign_in::options(
        &db,
        ORIGIN,
        PasskeyPurpose::SignIn,
        None,
        &ClientInfo::default(),
        now,
    )
    .await
    .unwrap();
    let handle = key.handle.clone();
    let credential = answer(&mut key, options, ORIGIN, Some(&handle));
    let client = ClientInfo::default();
    passkey_sign_in::sign_in(&db, ORIGIN, &credential, None, &client, now)
        .await
        .unwrap();
    let replay = passkey_sign_in::sign_in(&db, ORIGIN, &credential, None, &client, now).await;
    assert_eq!(code(replay), ErrorCode::InvalidCredentials);

    // Late: the ceremony lives five minutes.
    let options = passkey_sign_in::options(
        &db,
        ORIGIN,
        PasskeyPurpose::SignIn,
        None,
        &ClientInfo::default(),
        now,
    )
    .await
    .unwrap();
    let credential = answer(&mut key, options, ORIGIN, Some(&handle));
    let late = now + Duration::minutes(6);
    let refused = passkey_sign_in::sign_in(&db, ORIGIN, &credential, None, &client, late).await;
    assert_eq!(code(refused), ErrorCode::InvalidCredentials);

    // Quinn's passkey claiming to be Rob's handle signs nobody in.
    let options = passkey_sign_in::options(
        &db,
        ORIGIN,
        PasskeyPurpose::SignIn,
        None,
        &ClientInfo::default(),
        now,
    )
    .await
    .unwrap();
    let robs_handle = robs.handle.clone();
    let credential = answer(&mut key, options, ORIGIN, Some(&robs_handle));
    let refused = passkey_sign_in::sign_in(&db, ORIGIN, &credential, None, &client, now).await;
    assert_eq!(code(refused), ErrorCode::InvalidCredentials);

    // Rob's passkey does not answer Quinn's second step.
    let input = LoginInput {
        login: "quinn".into(),
        password: Password::new(PASSWORD),
        code: None,
    };
    let LoginOutcome::TwoFactorRequired { user_id, .. } =
        accounts::login(&db, &input, &client, now).await.unwrap()
    else {
        panic!("expected the second step");
    };
    let secret = login_challenge::open(&db, &user_id, None, now)
        .await
        .unwrap();
    let options = passkey_sign_in::options(
        &db,
        ORIGIN,
        PasskeyPurpose::SecondFactor,
        Some(&secret),
        &ClientInfo::default(),
        now,
    )
    .await
    .unwrap();
    let credential = answer(&mut robs, options, ORIGIN, None);
    let refused =
        passkey_sign_in::sign_in(&db, ORIGIN, &credential, Some(&secret), &client, now).await;
    assert_eq!(code(refused), ErrorCode::InvalidCredentials);

    // A registration answer from another origin is refused too, and registers nothing.
    let err = register_from(&db, &rob, "https://evil.gate.example.test", now)
        .await
        .err()
        .unwrap();
    assert_eq!(err.code, ErrorCode::Validation);
    assert_eq!(passkeys::mine(&db, &rob).await.unwrap().len(), 1);

    let failures: Vec<Value> = db
        .query("SELECT VALUE detail.reason FROM audit_event WHERE action = 'auth.sign_in_failed'")
        .await
        .unwrap()
        .take(0)
        .unwrap();
    assert!(failures.len() >= 5, "{failures:?}");
}

#[tokio::test]
async fn passkeys_are_managed_in_person_and_the_last_way_in_stays() {
    let db = db().await;
    let now = Utc::now();
    account(&db, "sam", now).await;
    account(&db, "tess", now).await;
    let sam = signed_in(&db, "sam", now).await;
    let tess = signed_in(&db, "tess", now).await;

    // An API token cannot add a passkey.
    let token = tokens::create_user_token(&db, &sam, &crate::support::user_token("ci", None), now)
        .await
        .unwrap();
    let by_token = tokens::authenticate(&db, &token.token, "192.0.2.1", now)
        .await
        .unwrap();
    let err = passkeys::registration_options(&db, &by_token, ORIGIN, now)
        .await
        .err()
        .unwrap();
    assert_eq!(err.code, ErrorCode::Forbidden);
    // Nor can an instance reached by an IP address (browsers refuse it as a relying party).
    let err = passkeys::registration_options(&db, &sam, "http://127.0.0.1:3000", now)
        .await
        .err()
        .unwrap();
    assert_eq!(err.code, ErrorCode::Conflict);

    register(&db, &sam, now).await;
    register(&db, &sam, now).await;
    let list = passkeys::mine(&db, &sam).await.unwrap();
    assert_eq!(list.len(), 2);
    let (first, second) = (list[0].id.clone(), list[1].id.clone());

    // Renaming: validated, and only one's own.
    let err = passkeys::rename(&db, &sam, &first, "  ", now)
        .await
        .err()
        .unwrap();
    assert_eq!(err.code, ErrorCode::Validation);
    let err = passkeys::rename(&db, &tess, &first, "Mine now", now)
        .await
        .err()
        .unwrap();
    assert_eq!(err.code, ErrorCode::NotFound);
    let err = passkeys::delete(&db, &tess, &first, now)
        .await
        .err()
        .unwrap();
    assert_eq!(err.code, ErrorCode::NotFound);
    passkeys::rename(&db, &sam, &first, " Phone ", now)
        .await
        .unwrap();
    assert_eq!(passkeys::mine(&db, &sam).await.unwrap()[0].name, "Phone");

    // Without a password, the last passkey is the last way in.
    db.query("UPDATE user SET password_hash = '' WHERE username = 'sam'")
        .await
        .unwrap()
        .check()
        .unwrap();
    passkeys::delete(&db, &sam, &first, now).await.unwrap();
    let err = passkeys::delete(&db, &sam, &second, now)
        .await
        .err()
        .unwrap();
    assert_eq!(err.code, ErrorCode::Conflict);
    assert_eq!(passkeys::mine(&db, &sam).await.unwrap().len(), 1);

    // With a password again, deleting the last passkey turns the second factor off.
    db.query("UPDATE user SET password_hash = '$argon2id$unusable' WHERE username = 'sam'")
        .await
        .unwrap()
        .check()
        .unwrap();
    passkeys::delete(&db, &sam, &second, now).await.unwrap();
    let row = app::store::users::by_login(&db, "sam")
        .await
        .unwrap()
        .unwrap();
    assert!(!row.two_factor_enabled);
}

#[tokio::test]
async fn sso_only_leaves_passkey_sign_in_to_site_administrators() {
    let db = db().await;
    let now = Utc::now();
    let root = admin(&db, "root").await;
    account(&db, "uma", now).await;
    let uma = signed_in(&db, "uma", now).await;
    let mut key = register(&db, &uma, now).await;
    app::service::admin_instance::update_settings(
        &db,
        &root,
        &app::domain::admin::SettingsUpdate {
            sso_only: Some(true),
            ..Default::default()
        },
        now,
    )
    .await
    .unwrap();
    assert_eq!(
        code(passwordless(&db, &mut key, ORIGIN, now).await),
        ErrorCode::Forbidden
    );
}

#[tokio::test]
async fn an_administrators_two_factor_reset_takes_passkeys_but_never_the_last_way_in() {
    let db = db().await;
    let now = Utc::now();
    let root = admin(&db, "root").await;
    account(&db, "vic", now).await;
    account(&db, "wes", now).await;
    let vic = signed_in(&db, "vic", now).await;
    let wes = signed_in(&db, "wes", now).await;
    let mut vics = register(&db, &vic, now).await;
    register(&db, &wes, now).await;

    // Vic has a password: the reset takes the passkey and the second factor with it.
    app::service::admin_users::disable_two_factor(&db, &root, "vic", "lost phone", now)
        .await
        .unwrap();
    assert!(passkeys::mine(&db, &vic).await.unwrap().is_empty());
    let row = app::store::users::by_login(&db, "vic")
        .await
        .unwrap()
        .unwrap();
    assert!(!row.two_factor_enabled);
    assert_eq!(
        code(passwordless(&db, &mut vics, ORIGIN, now).await),
        ErrorCode::InvalidCredentials
    );

    // Wes has no password and no identity: the passkey is the only way in, and stays.
    db.query("UPDATE user SET password_hash = '' WHERE username = 'wes'")
        .await
        .unwrap()
        .check()
        .unwrap();
    let err = app::service::admin_users::disable_two_factor(&db, &root, "wes", "lost", now)
        .await
        .err()
        .unwrap();
    assert_eq!(err.code, ErrorCode::Conflict);
    assert_eq!(passkeys::mine(&db, &wes).await.unwrap().len(), 1);
}

#[tokio::test]
async fn while_the_instance_requires_two_factor_the_last_second_factor_stays() {
    let db = db().await;
    let now = Utc::now();
    let root = admin(&db, "root").await;
    account(&db, "xia", now).await;
    let xia = signed_in(&db, "xia", now).await;
    register(&db, &xia, now).await;
    register(&db, &xia, now).await;
    app::service::admin_instance::update_settings(
        &db,
        &root,
        &app::domain::admin::SettingsUpdate {
            require_two_factor: Some(true),
            ..Default::default()
        },
        now,
    )
    .await
    .unwrap();
    // The rules are read with the caller: sign in again under them.
    let xia = signed_in_with_passkey_policy(&db, "xia", now).await;
    let list = passkeys::mine(&db, &xia).await.unwrap();
    passkeys::delete(&db, &xia, &list[0].id, now).await.unwrap();
    let err = passkeys::delete(&db, &xia, &list[1].id, now)
        .await
        .err()
        .unwrap();
    assert_eq!(err.code, ErrorCode::TwoFactorPolicy);
    assert_eq!(passkeys::mine(&db, &xia).await.unwrap().len(), 1);
}

/// A session for `name`, whose second factor is a passkey (password, then the passkey step is
/// skipped here by opening the session directly: the rules are what this is about).
async fn signed_in_with_passkey_policy(db: &Db, name: &str, now: DateTime<Utc>) -> Principal {
    let user = app::store::users::by_login(db, name)
        .await
        .unwrap()
        .unwrap();
    let session = sessions::open(db, &user.id, name, "test", "192.0.2.1", false, now)
        .await
        .unwrap();
    sessions::principal(db, &session.secret, now).await.unwrap()
}
