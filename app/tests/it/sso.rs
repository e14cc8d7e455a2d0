//! Single sign-on (issue 17.2–17.4): providers configured by administrators, the code flow with
//! PKCE bound to the browser, ID token validation (signature, issuer, audience, expiry, issue
//! time, nonce; a key the cached JWKS lacks fetched once), accounts made just in time only when
//! the instance allows it, an existing account linked only after its person proves it, and
//! identities never unlinked when they are the last way in.

use crate::oidc_provider::{KEY_A, KEY_B, TestProvider};
use crate::support::{PASSWORD, account, admin, as_user, db};
use app::domain::admin::SettingsUpdate;
use app::domain::password::Password;
use app::domain::sso::SsoProviderInput;
use app::error::ErrorCode;
use app::service::accounts::{self, LoginOutcome};
use app::service::principal::{ClientInfo, Principal};
use app::service::sso_accounts::Finished;
use app::service::sso_sign_in::{self, Callback, Refused};
use app::service::{admin_instance, identities, sso_accounts, sso_providers};
use app::store::{self, Db};
use chrono::Utc;
use serde_json::json;

const BASE: &str = "http://gatehouse.test";
const CLIENT_ID: &str = "gatehouse-test";

fn client() -> ClientInfo {
    ClientInfo {
        ip: "198.51.100.20".into(),
        user_agent: "test".into(),
    }
}

struct Setup {
    db: Db,
    admin: Principal,
    provider: TestProvider,
    id: String,
}

async fn setup() -> Setup {
    let db = db().await;
    let admin = admin(&db, "root").await;
    let provider = TestProvider::start().await;
    let created = sso_providers::create(
        &db,
        &admin,
        &SsoProviderInput {
            name: Some("Corp ID".into()),
            issuer: Some(provider.issuer.clone()),
            client_id: Some(CLIENT_ID.into()),
            client_secret: Some("s3cret".into()),
            groups_claim: Some("groups".into()),
            ..Default::default()
        },
        BASE,
        Utc::now(),
    )
    .await
    .unwrap();
    Setup {
        db,
        admin,
        provider,
        id: created.id,
    }
}

/// One sign-in through the test provider vouching for `claims` (with the flow's own nonce
/// unless `claims` names another).
async fn sign_in(s: &Setup, claims: serde_json::Value) -> Result<(Finished, String), Refused> {
    let now = Utc::now();
    let started = sso_sign_in::start(&s.db, &s.id, Some("/orgs"), &client(), BASE, now)
        .await
        .unwrap();
    let (state, nonce) = s.provider.authorize(&started.location);
    s.provider.will_vouch(CLIENT_ID, &nonce, claims);
    let answer = Callback {
        code: Some("code-1".into()),
        state: Some(state),
        error: None,
        iss: None,
    };
    sso_sign_in::finish(
        &s.db,
        &s.id,
        &answer,
        Some(&started.browser),
        &client(),
        BASE,
        now,
    )
    .await
}

fn signed_in_as(finished: &(Finished, String)) -> String {
    match &finished.0 {
        Finished::Outcome(LoginOutcome::SignedIn { user, .. }) => user.username.clone(),
        _ => panic!("not signed in"),
    }
}

async fn open_signup(db: &Db, admin: &Principal, mode: &str, sso_signup: bool) {
    admin_instance::update_settings(
        db,
        admin,
        &SettingsUpdate {
            signup_mode: Some(mode.into()),
            sso_signup: Some(sso_signup),
            ..Default::default()
        },
        Utc::now(),
    )
    .await
    .unwrap();
}

async fn actions(db: &Db) -> Vec<String> {
    let mut response = db
        .query("SELECT VALUE action FROM audit_event ORDER BY seq")
        .await
        .unwrap();
    response.take(0).unwrap()
}

#[tokio::test]
async fn providers_are_configured_by_administrators_only_and_never_show_their_secret() {
    let s = setup().await;
    let listed = sso_providers::list(&s.db, &s.admin, BASE).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        listed[0].redirect_url,
        format!("{BASE}/api/v1/auth/sso/{}/callback", s.id)
    );
    assert_eq!(listed[0].scopes, vec!["email", "profile"]);
    assert!(!serde_json::to_string(&listed).unwrap().contains("s3cret"));
    assert_eq!(
        sso_providers::offered(&s.db).await.unwrap()[0].name,
        "Corp ID"
    );
    // Not for a user without the instance permission.
    let bob = crate::support::quick_user(&s.db, "bob").await;
    let err = sso_providers::list(&s.db, &as_user(&bob, "bob"), BASE)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    // Plain http to another host, a missing secret: refused with the field.
    for (input, field) in [
        (
            SsoProviderInput {
                name: Some("X".into()),
                issuer: Some("http://id.example.com".into()),
                client_id: Some("x".into()),
                client_secret: Some("y".into()),
                ..Default::default()
            },
            "issuer",
        ),
        (
            SsoProviderInput {
                name: Some("X".into()),
                issuer: Some("https://id.example.com".into()),
                client_id: Some("x".into()),
                ..Default::default()
            },
            "client_secret",
        ),
    ] {
        let err = sso_providers::create(&s.db, &s.admin, &input, BASE, Utc::now())
            .await
            .unwrap_err();
        assert_eq!(err.field.as_deref(), Some(field));
    }
    // An empty secret in a change keeps the stored one.
    sso_providers::update(
        &s.db,
        &s.admin,
        &s.id,
        &SsoProviderInput {
            name: Some("Corp".into()),
            client_secret: Some(String::new()),
            ..Default::default()
        },
        BASE,
        Utc::now(),
    )
    .await
    .unwrap();
    assert_eq!(
        store::sso_providers::secret(&s.db, &s.id)
            .await
            .unwrap()
            .as_deref(),
        Some("s3cret")
    );
}

#[tokio::test]
async fn a_first_sign_in_makes_an_account_only_when_the_instance_allows_it() {
    let s = setup().await;
    let ada = json!({"sub": "u-1", "email": "ada@corp.example", "email_verified": true, "preferred_username": "Ada.L"});
    open_signup(&s.db, &s.admin, "closed", false).await;
    assert!(matches!(
        sign_in(&s, ada.clone()).await,
        Err(Refused("signup_closed"))
    ));
    // "SSO sign-up" opens it for single sign-on alone.
    open_signup(&s.db, &s.admin, "closed", true).await;
    let first = sign_in(&s, ada.clone()).await.unwrap();
    assert_eq!(signed_in_as(&first), "ada-l");
    assert_eq!(first.1, "/orgs");
    let user = store::users::by_login(&s.db, "ada-l")
        .await
        .unwrap()
        .unwrap();
    assert!(user.email_verified);
    assert!(user.password_hash.is_empty());
    // No password: a password sign-in is the ordinary refusal, not an error.
    let err = accounts::login(
        &s.db,
        &app::domain::user::LoginInput {
            login: "ada-l".into(),
            password: Password::new(""),
            code: None,
        },
        &client(),
        Utc::now(),
    )
    .await
    .err()
    .unwrap();
    assert_eq!(err.code, ErrorCode::InvalidCredentials);
    // The second time, the identity signs in as the same account.
    let again = sign_in(&s, ada).await.unwrap();
    assert_eq!(signed_in_as(&again), "ada-l");
    let log = actions(&s.db).await;
    assert!(log.contains(&"account.created".to_string()));
    assert_eq!(log.iter().filter(|a| *a == "auth.sso_signed_in").count(), 2);
    // Another person whose username claim is taken gets their address's name, then a
    // numbered variant.
    let other = json!({"sub": "u-2", "email": "ada2@corp.example", "email_verified": true, "preferred_username": "ada-l"});
    assert_eq!(signed_in_as(&sign_in(&s, other).await.unwrap()), "ada2");
    let third = json!({"sub": "u-3", "email": "ada-l@other.example", "email_verified": true, "preferred_username": "ada-l"});
    assert_eq!(signed_in_as(&sign_in(&s, third).await.unwrap()), "ada-l-2");
}

#[tokio::test]
async fn an_existing_account_is_linked_only_after_its_person_proves_it() {
    let s = setup().await;
    open_signup(&s.db, &s.admin, "open", false).await;
    // Nobody gets a new account with an address the provider did not check either.
    let unchecked = json!({"sub": "n-1", "email": "new@corp.example", "email_verified": false});
    assert!(matches!(
        sign_in(&s, unchecked).await,
        Err(Refused("email_unverified"))
    ));
    account(&s.db, "bea", Utc::now()).await;
    // An address the provider did not verify never reaches the account.
    let unverified = json!({"sub": "b-1", "email": "bea@example.org", "email_verified": false});
    assert!(matches!(
        sign_in(&s, unverified).await,
        Err(Refused("email_unverified"))
    ));
    let vouched = json!({"sub": "b-1", "email": "Bea@example.org", "email_verified": true});
    let (finished, _) = sign_in(&s, vouched.clone()).await.unwrap();
    let Finished::Link { secret } = finished else {
        panic!("expected a pending link")
    };
    let preview = sso_accounts::pending(&s.db, &secret, Utc::now())
        .await
        .unwrap();
    assert_eq!(preview.username, "bea");
    // A wrong password links nothing.
    let wrong = sso_accounts::complete_link(
        &s.db,
        &secret,
        Password::new("not the password"),
        None,
        &client(),
        Utc::now(),
    )
    .await;
    assert!(wrong.is_err());
    let (outcome, next) = sso_accounts::complete_link(
        &s.db,
        &secret,
        Password::new(PASSWORD),
        None,
        &client(),
        Utc::now(),
    )
    .await
    .unwrap();
    assert!(matches!(outcome, LoginOutcome::SignedIn { .. }));
    assert_eq!(next, "/orgs");
    assert!(
        actions(&s.db)
            .await
            .contains(&"auth.sso_linked".to_string())
    );
    // The link is used up; the identity now signs in as bea directly.
    assert!(
        sso_accounts::pending(&s.db, &secret, Utc::now())
            .await
            .is_err()
    );
    assert_eq!(signed_in_as(&sign_in(&s, vouched).await.unwrap()), "bea");
}

#[tokio::test]
async fn a_link_waits_for_the_two_factor_code_when_the_account_has_it() {
    let s = setup().await;
    crate::two_factor::enrolled(&s.db, "cy", Utc::now()).await;
    let vouched = json!({"sub": "c-1", "email": "cy@example.org", "email_verified": true});
    let Finished::Link { secret } = sign_in(&s, vouched).await.unwrap().0 else {
        panic!("expected a pending link")
    };
    let err = sso_accounts::complete_link(
        &s.db,
        &secret,
        Password::new(PASSWORD),
        None,
        &client(),
        Utc::now(),
    )
    .await
    .err()
    .unwrap();
    assert_eq!(err.code, ErrorCode::TwoFactorRequired);
    assert_eq!(err.field.as_deref(), Some("code"));
    // Still waiting: nothing was linked.
    assert!(
        sso_accounts::pending(&s.db, &secret, Utc::now())
            .await
            .is_ok()
    );
}

/// An account whose only second factor is a passkey: its password on the link page, then the
/// passkey on the two-factor page; the identity is linked only after the passkey.
#[tokio::test]
async fn a_passkey_account_links_an_identity_after_its_passkey() {
    use app::domain::passkey::{NewPasskey, PasskeyPurpose};
    use app::service::{login_challenge, passkey_sign_in, passkeys, sessions};
    const ORIGIN: &str = "https://gate.example.test";
    let s = setup().await;
    let now = Utc::now();
    account(&s.db, "cz", now).await;
    let input = app::domain::user::LoginInput {
        login: "cz".into(),
        password: Password::new(PASSWORD),
        code: None,
    };
    let LoginOutcome::SignedIn { session, .. } = accounts::login(&s.db, &input, &client(), now)
        .await
        .unwrap()
    else {
        panic!("expected a session");
    };
    let cz = sessions::principal(&s.db, &session.secret, now)
        .await
        .unwrap();
    let options = passkeys::registration_options(&s.db, &cz, ORIGIN, now)
        .await
        .unwrap();
    let (mut device, credential) = crate::soft_passkey::SoftPasskey::create(&options, ORIGIN);
    let new = NewPasskey {
        credential,
        name: "Phone".into(),
    };
    passkeys::register(&s.db, &cz, ORIGIN, &new, now)
        .await
        .unwrap();

    let vouched = json!({"sub": "z-1", "email": "cz@example.org", "email_verified": true});
    let Finished::Link { secret } = sign_in(&s, vouched).await.unwrap().0 else {
        panic!("expected a pending link")
    };
    let (outcome, _) = sso_accounts::complete_link(
        &s.db,
        &secret,
        Password::new(PASSWORD),
        None,
        &client(),
        now,
    )
    .await
    .unwrap();
    let LoginOutcome::TwoFactorRequired { user_id, sso } = outcome else {
        panic!("expected the second step");
    };
    assert!(identities::mine(&s.db, &cz).await.unwrap().is_empty());
    let challenge = login_challenge::open(&s.db, &user_id, sso.as_ref(), now)
        .await
        .unwrap();
    let options = passkey_sign_in::options(
        &s.db,
        ORIGIN,
        PasskeyPurpose::SecondFactor,
        Some(&challenge),
        &client(),
        now,
    )
    .await
    .unwrap();
    let answer = device.get(&options, ORIGIN);
    let outcome =
        passkey_sign_in::sign_in(&s.db, ORIGIN, &answer, Some(&challenge), &client(), now)
            .await
            .unwrap();
    assert!(matches!(outcome, LoginOutcome::SignedIn { .. }));
    let linked = identities::mine(&s.db, &cz).await.unwrap();
    assert_eq!(linked.len(), 1);
    assert!(actions(&s.db).await.iter().any(|a| a == "auth.sso_linked"));
}

/// The emailed link proves the account instead of its password, only in the browser that holds
/// the pending link, only with the newest link, and the second factor is still asked.
#[tokio::test]
async fn an_emailed_link_proves_the_account_in_the_browser_that_waits() {
    use app::service::sso_link_email;
    let s = setup().await;
    let now = Utc::now();
    account(&s.db, "eli", now).await;
    let vouched = json!({"sub": "e-1", "email": "eli@example.org", "email_verified": true});
    let Finished::Link { secret } = sign_in(&s, vouched.clone()).await.unwrap().0 else {
        panic!("expected a pending link")
    };
    // An address nobody verified on the account proves nothing (someone may have put another
    // person's address on their own account).
    let refused = sso_link_email::send(&s.db, &secret, "https://gate.example.test", &client(), now)
        .await
        .err()
        .unwrap();
    assert_eq!(refused.code, ErrorCode::Forbidden);
    s.db.query("UPDATE user SET email_verified = true WHERE username = 'eli'")
        .await
        .unwrap()
        .check()
        .unwrap();
    let token_of = |body: &str| {
        body.split("/login/link?token=")
            .nth(1)
            .unwrap()
            .split_whitespace()
            .next()
            .unwrap()
            .to_string()
    };
    let mail = || async {
        let mut response = s
            .db
            .query("SELECT VALUE body FROM outbox WHERE kind = 'sso_link' ORDER BY created_at DESC")
            .await
            .unwrap();
        let bodies: Vec<String> = response.take(0).unwrap();
        bodies
    };
    sso_link_email::send(&s.db, &secret, "https://gate.example.test", &client(), now)
        .await
        .unwrap();
    let first = token_of(&mail().await[0]);
    let later = now + chrono::Duration::seconds(1);
    sso_link_email::send(
        &s.db,
        &secret,
        "https://gate.example.test",
        &client(),
        later,
    )
    .await
    .unwrap();
    let bodies = mail().await;
    assert_eq!(bodies.len(), 2);
    assert!(bodies[0].contains("https://gate.example.test/login/link?token="));
    let newest = token_of(&bodies[0]);
    assert_ne!(first, newest);

    // An older link, or the newest in another browser (another pending link's cookie), links
    // nothing.
    let stale = sso_link_email::complete(&s.db, &secret, &first, &client(), now).await;
    assert!(stale.is_err());
    let elsewhere =
        sso_link_email::complete(&s.db, "another-browser", &newest, &client(), now).await;
    assert!(elsewhere.is_err());
    assert!(identities_of(&s.db, "eli").await.is_empty());

    let (outcome, _) = sso_link_email::complete(&s.db, &secret, &newest, &client(), now)
        .await
        .unwrap();
    assert!(matches!(outcome, LoginOutcome::SignedIn { .. }));
    assert_eq!(identities_of(&s.db, "eli").await.len(), 1);
    // Used up.
    assert!(
        sso_link_email::complete(&s.db, &secret, &newest, &client(), now)
            .await
            .is_err()
    );
    assert_eq!(signed_in_as(&sign_in(&s, vouched).await.unwrap()), "eli");

    // With two-factor on, the emailed link is one factor: the code is asked next, and the
    // identity is linked only once it is given.
    let (totp, _) = crate::two_factor::enrolled(&s.db, "fay", now).await;
    s.db.query("UPDATE user SET email_verified = true WHERE username = 'fay'")
        .await
        .unwrap()
        .check()
        .unwrap();
    let vouched = json!({"sub": "f-1", "email": "fay@example.org", "email_verified": true});
    let Finished::Link { secret } = sign_in(&s, vouched).await.unwrap().0 else {
        panic!("expected a pending link")
    };
    let latest = now + chrono::Duration::seconds(2);
    sso_link_email::send(
        &s.db,
        &secret,
        "https://gate.example.test",
        &client(),
        latest,
    )
    .await
    .unwrap();
    let token = token_of(&mail().await[0]);
    let (outcome, _) = sso_link_email::complete(&s.db, &secret, &token, &client(), now)
        .await
        .unwrap();
    let LoginOutcome::TwoFactorRequired { user_id, sso } = outcome else {
        panic!("expected the second step");
    };
    assert!(identities_of(&s.db, "fay").await.is_empty());
    let challenge = app::service::login_challenge::open(&s.db, &user_id, sso.as_ref(), now)
        .await
        .unwrap();
    let code = crate::two_factor::code(&totp, now + chrono::Duration::seconds(30));
    let outcome = app::service::login_challenge::complete(
        &s.db,
        &challenge,
        &code,
        &client(),
        now + chrono::Duration::seconds(30),
    )
    .await
    .unwrap();
    assert!(matches!(outcome, LoginOutcome::SignedIn { .. }));
    assert_eq!(identities_of(&s.db, "fay").await.len(), 1);
}

async fn identities_of(db: &Db, username: &str) -> Vec<String> {
    let mut response = db
        .query("SELECT VALUE <string> id FROM identity WHERE user.username = $name")
        .bind(("name", username.to_string()))
        .await
        .unwrap();
    response.take(0).unwrap()
}

#[tokio::test]
async fn tampered_or_misdirected_id_tokens_are_refused() {
    let s = setup().await;
    open_signup(&s.db, &s.admin, "open", false).await;
    let now = Utc::now().timestamp();
    let base = json!({"sub": "t-1", "email": "t@corp.example", "email_verified": true});
    let with = |extra: serde_json::Value| {
        let mut claims = base.clone();
        for (k, v) in extra.as_object().unwrap() {
            claims[k] = v.clone();
        }
        claims
    };
    for (what, claims) in [
        ("wrong audience", with(json!({"aud": "someone-else"}))),
        ("wrong issuer", with(json!({"iss": "http://127.0.0.1:1"}))),
        ("wrong nonce", with(json!({"nonce": "not-the-flows"}))),
        ("expired", with(json!({"exp": now - 60, "iat": now - 400}))),
        ("issued long ago", with(json!({"iat": now - 3600}))),
        ("issued in the future", with(json!({"iat": now + 3600}))),
        ("for another party", with(json!({"azp": "someone-else"}))),
    ] {
        assert_eq!(
            sign_in(&s, claims).await.err(),
            Some(Refused("rejected")),
            "{what}"
        );
    }
    // Signed by a key the provider never published, under a published kid.
    s.provider.sign_with(KEY_B, "a");
    assert_eq!(
        sign_in(&s, base.clone()).await.err(),
        Some(Refused("rejected"))
    );
    // A rotated key: unknown to the cached JWKS, fetched once, then accepted.
    let fetches = s.provider.jwks_fetches();
    s.provider.sign_with(KEY_B, "b");
    s.provider.publish(&[(KEY_A, "a"), (KEY_B, "b")]);
    assert_eq!(signed_in_as(&sign_in(&s, base).await.unwrap()), "t");
    assert_eq!(s.provider.jwks_fetches(), fetches + 1);
    let failures = actions(&s.db)
        .await
        .iter()
        .filter(|a| *a == "auth.sign_in_failed")
        .count();
    assert_eq!(failures, 8);
}

#[tokio::test]
async fn a_callback_counts_only_once_in_the_browser_that_started_it() {
    let s = setup().await;
    open_signup(&s.db, &s.admin, "open", false).await;
    let now = Utc::now();
    let started = sso_sign_in::start(&s.db, &s.id, None, &client(), BASE, now)
        .await
        .unwrap();
    let (state, nonce) = s.provider.authorize(&started.location);
    s.provider.will_vouch(
        CLIENT_ID,
        &nonce,
        json!({"sub": "x-1", "email": "x@corp.example", "email_verified": true}),
    );
    let answer = Callback {
        code: Some("code".into()),
        state: Some(state),
        error: None,
        iss: None,
    };
    // Someone else's browser (a callback URL sent to a victim): refused, and the flow is gone.
    let elsewhere = sso_sign_in::finish(
        &s.db,
        &s.id,
        &answer,
        Some("another-browser"),
        &client(),
        BASE,
        now,
    )
    .await;
    assert_eq!(elsewhere.err(), Some(Refused("expired")));
    let replay = sso_sign_in::finish(
        &s.db,
        &s.id,
        &answer,
        Some(&started.browser),
        &client(),
        BASE,
        now,
    )
    .await;
    assert_eq!(replay.err(), Some(Refused("expired")));
    // A flow that took too long.
    let started = sso_sign_in::start(&s.db, &s.id, None, &client(), BASE, now)
        .await
        .unwrap();
    let (state, _) = s.provider.authorize(&started.location);
    let late = sso_sign_in::finish(
        &s.db,
        &s.id,
        &Callback {
            code: Some("code".into()),
            state: Some(state),
            error: None,
            iss: None,
        },
        Some(&started.browser),
        &client(),
        BASE,
        now + chrono::Duration::minutes(11),
    )
    .await;
    assert_eq!(late.err(), Some(Refused("expired")));
    // The person cancelled at the provider.
    let started = sso_sign_in::start(&s.db, &s.id, None, &client(), BASE, now)
        .await
        .unwrap();
    let (state, _) = s.provider.authorize(&started.location);
    let denied = sso_sign_in::finish(
        &s.db,
        &s.id,
        &Callback {
            code: None,
            state: Some(state),
            error: Some("access_denied".into()),
            iss: None,
        },
        Some(&started.browser),
        &client(),
        BASE,
        now,
    )
    .await;
    assert_eq!(denied.err(), Some(Refused("denied")));
}

#[tokio::test]
async fn the_last_way_to_sign_in_is_never_unlinked() {
    let s = setup().await;
    open_signup(&s.db, &s.admin, "open", false).await;
    let dee = json!({"sub": "d-1", "email": "dee@corp.example", "email_verified": true});
    sign_in(&s, dee).await.unwrap();
    let user = store::users::by_login(&s.db, "dee").await.unwrap().unwrap();
    let mut person = as_user(&user.id, "dee");
    if let Principal::User(u) = &mut person {
        u.session_hash = Some("session".into());
    }
    let mine = identities::mine(&s.db, &person).await.unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].provider_name, "Corp ID");
    let err = identities::unlink(&s.db, &person, &mine[0].id, Utc::now())
        .await
        .unwrap_err();
    assert_eq!(err.status(), 409);
    // With a password, the identity may go.
    let hash = app::service::passwords::hash(&Password::new(PASSWORD))
        .await
        .unwrap();
    s.db.query("UPDATE user SET password_hash = $hash WHERE username = 'dee'")
        .bind(("hash", hash))
        .await
        .unwrap()
        .check()
        .unwrap();
    identities::unlink(&s.db, &person, &mine[0].id, Utc::now())
        .await
        .unwrap();
    assert!(identities::mine(&s.db, &person).await.unwrap().is_empty());
    // Someone else's identity id is not found.
    let err = identities::unlink(&s.db, &person, &"0".repeat(64), Utc::now())
        .await
        .unwrap_err();
    assert_eq!(err.status(), 404);
}

#[tokio::test]
async fn deleting_a_provider_unlinks_its_identities() {
    let s = setup().await;
    open_signup(&s.db, &s.admin, "open", false).await;
    sign_in(
        &s,
        json!({"sub": "e-1", "email": "eve@corp.example", "email_verified": true}),
    )
    .await
    .unwrap();
    sso_providers::delete(&s.db, &s.admin, &s.id, Utc::now())
        .await
        .unwrap();
    let mut response =
        s.db.query("SELECT VALUE subject FROM identity")
            .await
            .unwrap();
    let left: Vec<String> = response.take(0).unwrap();
    assert!(left.is_empty());
    assert!(sso_providers::offered(&s.db).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_new_issuer_unlinks_the_identities_of_the_old_one() {
    let s = setup().await;
    open_signup(&s.db, &s.admin, "open", false).await;
    let fay = json!({"sub": "1", "email": "fay@corp.example", "email_verified": true});
    assert_eq!(
        signed_in_as(&sign_in(&s, fay.clone()).await.unwrap()),
        "fay"
    );
    // The same provider pointed elsewhere: subject "1" there is someone else.
    let elsewhere = TestProvider::start().await;
    sso_providers::update(
        &s.db,
        &s.admin,
        &s.id,
        &SsoProviderInput {
            issuer: Some(elsewhere.issuer.clone()),
            ..Default::default()
        },
        BASE,
        Utc::now(),
    )
    .await
    .unwrap();
    let mut response =
        s.db.query("SELECT VALUE subject FROM identity")
            .await
            .unwrap();
    let left: Vec<String> = response.take(0).unwrap();
    assert!(left.is_empty());
    // Its "1" with another address is a new person, never fay.
    let moved = Setup {
        db: s.db.clone(),
        admin: s.admin.clone(),
        provider: elsewhere,
        id: s.id.clone(),
    };
    let impostor = json!({"sub": "1", "email": "mallory@corp.example", "email_verified": true});
    assert_eq!(
        signed_in_as(&sign_in(&moved, impostor).await.unwrap()),
        "mallory"
    );
}

#[tokio::test]
async fn sso_only_leaves_passwords_to_site_administrators() {
    let s = setup().await;
    account(&s.db, "gus", Utc::now()).await;
    s.db.query("UPDATE user SET email_verified = true WHERE username = 'gus'")
        .await
        .unwrap()
        .check()
        .unwrap();
    admin_instance::update_settings(
        &s.db,
        &s.admin,
        &SettingsUpdate {
            sso_only: Some(true),
            ..Default::default()
        },
        Utc::now(),
    )
    .await
    .unwrap();
    let login = |who: &str, password: &str| app::domain::user::LoginInput {
        login: who.into(),
        password: Password::new(password),
        code: None,
    };
    // The right password of a user: refused, and saying why.
    let err = accounts::login(&s.db, &login("gus", PASSWORD), &client(), Utc::now())
        .await
        .err()
        .unwrap();
    assert_eq!(err.code, ErrorCode::Forbidden);
    // A wrong one, or an unknown login, gets the very same answer: it confirms no guess.
    for (who, password) in [("gus", "wrong password here"), ("nobody", PASSWORD)] {
        let other = accounts::login(&s.db, &login(who, password), &client(), Utc::now())
            .await
            .err()
            .unwrap();
        assert_eq!((other.code, &other.message), (err.code, &err.message));
    }
    // No sign-up, no reset link for gus.
    let signup = accounts::signup(
        &s.db,
        &app::domain::user::SignupInput {
            username: "hal".into(),
            email: "hal@example.org".into(),
            password: Password::new(PASSWORD),
        },
        &client(),
        BASE,
        Utc::now(),
    )
    .await;
    assert_eq!(signup.err().map(|e| e.code), Some(ErrorCode::Forbidden));
    let requested =
        app::service::password_reset::request(&s.db, "gus", &client(), BASE, Utc::now())
            .await
            .unwrap();
    requested.sent().await.unwrap();
    let mail = store::outbox::newest(&s.db, None, 50).await.unwrap();
    assert!(!mail.iter().any(|m| m.kind == "password_reset"));
    // A site admin still signs in with a password.
    let hash = app::service::passwords::hash(&Password::new(PASSWORD))
        .await
        .unwrap();
    s.db.query("UPDATE user SET password_hash = $hash WHERE username = 'root'")
        .bind(("hash", hash))
        .await
        .unwrap()
        .check()
        .unwrap();
    assert!(matches!(
        accounts::login(&s.db, &login("root", PASSWORD), &client(), Utc::now()).await,
        Ok(LoginOutcome::SignedIn { .. })
    ));
}

#[tokio::test]
async fn group_mappings_follow_the_provider_within_their_authors_rights() {
    use app::domain::group::NewGroup;
    use app::domain::organization::NewOrganization;
    use app::domain::sso::GroupMapping;
    let s = setup().await;
    open_signup(&s.db, &s.admin, "open", false).await;
    let org = app::service::organizations::create(
        &s.db,
        &s.admin,
        &NewOrganization {
            name: "acme".into(),
            display_name: None,
        },
        Utc::now(),
    )
    .await
    .unwrap();
    app::service::groups::create(
        &s.db,
        &s.admin,
        "acme",
        &NewGroup {
            name: "engineers".into(),
            description: None,
            role: Some("viewer".into()),
            members: vec![],
        },
        Utc::now(),
    )
    .await
    .unwrap();
    let mapping = |org: &str| SsoProviderInput {
        group_mappings: Some(vec![GroupMapping {
            claim_value: "eng".into(),
            organization: org.into(),
            group: "engineers".into(),
        }]),
        ..Default::default()
    };
    // A group the administrator cannot manage is refused when the mapping is written.
    crate::support::org_of(&s.db, "olga", "elsewhere").await;
    let err = sso_providers::update(
        &s.db,
        &s.admin,
        &s.id,
        &mapping("elsewhere"),
        BASE,
        Utc::now(),
    )
    .await
    .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("group_mappings"));
    // Nor an Owner-role group: owning an organization does not follow a claim.
    app::service::groups::create(
        &s.db,
        &s.admin,
        "acme",
        &NewGroup {
            name: "owners".into(),
            description: None,
            role: Some("owner".into()),
            members: vec![],
        },
        Utc::now(),
    )
    .await
    .unwrap();
    let owners = SsoProviderInput {
        group_mappings: Some(vec![GroupMapping {
            claim_value: "admins".into(),
            organization: "acme".into(),
            group: "owners".into(),
        }]),
        ..Default::default()
    };
    let err = sso_providers::update(&s.db, &s.admin, &s.id, &owners, BASE, Utc::now())
        .await
        .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("group_mappings"));
    sso_providers::update(&s.db, &s.admin, &s.id, &mapping("acme"), BASE, Utc::now())
        .await
        .unwrap();
    let ivy = |groups: serde_json::Value| json!({"sub": "i-1", "email": "ivy@corp.example", "email_verified": true, "groups": groups});
    // Not a member of the organization: the mapping moves nobody in.
    sign_in(&s, ivy(json!(["eng"]))).await.unwrap();
    assert!(!in_group(&s.db, &org.id).await);
    let user = store::users::by_login(&s.db, "ivy").await.unwrap().unwrap();
    store::memberships::add(&s.db, &org.id, &user.id, "viewer", &[], Utc::now())
        .await
        .unwrap();
    sign_in(&s, ivy(json!(["eng", "other"]))).await.unwrap();
    assert!(in_group(&s.db, &org.id).await);
    // Signing in again changes nothing (and writes nothing).
    let before = actions(&s.db).await.len();
    sign_in(&s, ivy(json!(["eng"]))).await.unwrap();
    let after = actions(&s.db).await;
    assert!(!after[before..].contains(&"group.member_added".to_string()));
    // A token without the claim says nothing about groups: ivy stays.
    sign_in(
        &s,
        json!({"sub": "i-1", "email": "ivy@corp.example", "email_verified": true}),
    )
    .await
    .unwrap();
    assert!(in_group(&s.db, &org.id).await);
    // The provider is authoritative for the mapped group.
    sign_in(&s, ivy(json!([]))).await.unwrap();
    assert!(!in_group(&s.db, &org.id).await);
    let log = actions(&s.db).await;
    assert!(log.contains(&"group.member_added".to_string()));
    assert!(log.contains(&"group.member_removed".to_string()));
    // Once the author is deactivated, the mapping does nothing.
    s.db.query("UPDATE user SET active = false WHERE username = 'root'")
        .await
        .unwrap()
        .check()
        .unwrap();
    sign_in(&s, ivy(json!(["eng"]))).await.unwrap();
    assert!(!in_group(&s.db, &org.id).await);
}

async fn in_group(db: &Db, org: &app::domain::ids::OrgId) -> bool {
    let group = store::groups::get(db, org, "engineers")
        .await
        .unwrap()
        .unwrap();
    store::groups::members(db, &group.id)
        .await
        .unwrap()
        .iter()
        .any(|m| m.username == "ivy")
}

#[tokio::test]
async fn two_factor_after_a_provider_opens_the_providers_session() {
    let s = setup().await;
    let t0 = Utc::now();
    let (secret, _) = crate::two_factor::enrolled(&s.db, "jo", t0).await;
    s.db.query("UPDATE user SET email_verified = true WHERE username = 'jo'")
        .await
        .unwrap()
        .check()
        .unwrap();
    let jo = json!({"sub": "j-1", "email": "jo@example.org", "email_verified": true});
    let Finished::Link { secret: link } = sign_in(&s, jo.clone()).await.unwrap().0 else {
        panic!("expected a pending link")
    };
    let first = crate::two_factor::code(&secret, t0 + chrono::Duration::seconds(30));
    sso_accounts::complete_link(
        &s.db,
        &link,
        Password::new(PASSWORD),
        Some(first),
        &client(),
        t0,
    )
    .await
    .unwrap();
    // Linked: the next sign-in through the provider asks for the code, then opens the
    // provider's session (audited as such).
    let Finished::Outcome(LoginOutcome::TwoFactorRequired { user_id, sso }) =
        sign_in(&s, jo).await.unwrap().0
    else {
        panic!("expected the two-factor step")
    };
    assert_eq!(
        sso.as_ref().map(|s| s.provider.as_str()),
        Some(s.id.as_str())
    );
    let challenge = app::service::login_challenge::open(&s.db, &user_id, sso.as_ref(), t0)
        .await
        .unwrap();
    let t1 = t0 + chrono::Duration::seconds(60);
    let second = crate::two_factor::code(&secret, t1);
    let LoginOutcome::SignedIn { session, .. } =
        app::service::login_challenge::complete(&s.db, &challenge, &second, &client(), t1)
            .await
            .unwrap()
    else {
        panic!("expected a session")
    };
    assert_eq!(
        actions(&s.db).await.last().map(String::as_str),
        Some("auth.sso_signed_in")
    );
    let Principal::User(me) = app::service::sessions::principal(&s.db, &session.secret, t0)
        .await
        .unwrap()
    else {
        panic!("expected a user")
    };
    assert_eq!(me.sso_provider.as_deref(), Some(s.id.as_str()));
}

#[tokio::test]
async fn an_organization_may_require_its_provider() {
    use app::domain::organization::{NewOrganization, OrganizationUpdate};
    let s = setup().await;
    app::service::organizations::create(
        &s.db,
        &s.admin,
        &NewOrganization {
            name: "acme".into(),
            display_name: None,
        },
        Utc::now(),
    )
    .await
    .unwrap();
    let require = OrganizationUpdate {
        require_sso_provider: Some(Some(s.id.clone())),
        ..Default::default()
    };
    // Only someone signed in through it may require it.
    let err = app::service::organizations::update(&s.db, &s.admin, "acme", &require, Utc::now())
        .await
        .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("require_sso_provider"));
    let through = |p: &Principal| {
        let mut p = p.clone();
        if let Principal::User(u) = &mut p {
            u.sso_provider = Some(s.id.clone());
        }
        p
    };
    let updated = app::service::organizations::update(
        &s.db,
        &through(&s.admin),
        "acme",
        &require,
        Utc::now(),
    )
    .await
    .unwrap();
    assert_eq!(updated.require_sso_provider.as_deref(), Some(s.id.as_str()));
    // A member who signed in with a password is sent to the provider; through it, welcome.
    let org = store::organizations::by_name(&s.db, "acme")
        .await
        .unwrap()
        .unwrap();
    let kim = crate::support::quick_user(&s.db, "kim").await;
    store::memberships::add(&s.db, &org.id, &kim, "viewer", &[], Utc::now())
        .await
        .unwrap();
    let kim = as_user(&kim, "kim");
    let err = app::service::org_access::resolve(&s.db, &kim, "acme")
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    assert!(
        err.message
            .contains(&format!("/api/v1/auth/sso/{}/start", s.id))
    );
    assert!(
        app::service::org_access::resolve(&s.db, &through(&kim), "acme")
            .await
            .is_ok()
    );
    // Lifting it needs no provider.
    let lift = OrganizationUpdate {
        require_sso_provider: Some(None),
        ..Default::default()
    };
    app::service::organizations::update(&s.db, &through(&s.admin), "acme", &lift, Utc::now())
        .await
        .unwrap();
    assert!(
        app::service::org_access::resolve(&s.db, &kim, "acme")
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn instance_settings_alone_do_not_configure_sign_in() {
    let s = setup().await;
    // A custom instance role holding `instance.settings.update`, but not Site admin.
    let mut settings_admin = s.admin.clone();
    if let Principal::User(u) = &mut settings_admin {
        u.instance = app::service::principal::InstanceStanding::of(
            Some("settings-keeper".into()),
            Some(vec!["instance.settings.update".into()]),
        );
    }
    let input = SsoProviderInput {
        name: Some("Rogue".into()),
        issuer: Some("https://id.example.com".into()),
        client_id: Some("x".into()),
        client_secret: Some("y".into()),
        ..Default::default()
    };
    let err = sso_providers::create(&s.db, &settings_admin, &input, BASE, Utc::now())
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    let err = sso_providers::update(&s.db, &settings_admin, &s.id, &input, BASE, Utc::now())
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    let err = sso_providers::delete(&s.db, &settings_admin, &s.id, Utc::now())
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    assert_eq!(sso_providers::offered(&s.db).await.unwrap().len(), 1);
}
