//! Fixtures shared by the service tests.

use app::domain::ids::{OrgId, UserId};
use app::domain::password::Password;
use app::domain::user::SignupInput;
use app::service::accounts;
use app::store::{self, Db};
use chrono::{DateTime, Utc};

pub const PASSWORD: &str = "violet tractor quietly hums";

/// A fresh, migrated database: `mem://`, or a database of its own on the SurrealDB server
/// that `GATEHOUSE_TEST_SURREAL` names (`ws://host:port`, root user `root`/`root`), which the
/// test command sets for its second run of these tests.
pub async fn db() -> Db {
    let db = match std::env::var("GATEHOUSE_TEST_SURREAL") {
        Ok(address) if !address.is_empty() => {
            static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
            let credentials = store::Credentials {
                username: "root".into(),
                password: "root".into(),
            };
            // A busy test machine can make a WebSocket handshake time out: try a few times.
            let mut attempt = 0;
            let db = loop {
                attempt += 1;
                match store::open(&address, Some(&credentials)).await {
                    Ok((db, _)) => break db,
                    Err(err) if attempt < 5 => {
                        eprintln!("connecting to {address} (attempt {attempt}): {err}");
                        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                    }
                    Err(err) => panic!("cannot connect to {address}: {err}"),
                }
            };
            let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            db.use_db(format!("test_{}_{n}", std::process::id()))
                .await
                .unwrap();
            db
        }
        _ => store::open("mem://", None).await.unwrap().0,
    };
    store::migrations::migrate(&db, store::migrations::MIGRATIONS, Utc::now())
        .await
        .unwrap();
    db
}

pub async fn account(db: &Db, name: &str, now: DateTime<Utc>) {
    accounts::signup(
        db,
        &SignupInput {
            username: name.into(),
            email: format!("{name}@example.org"),
            password: Password::new(PASSWORD),
        },
        &Default::default(),
        "http://gatehouse.test",
        now,
    )
    .await
    .unwrap();
}

/// A user created straight in the store (no password hashing: fast for fixtures that need
/// many accounts); returns the user id. Cannot sign in.
pub async fn quick_user(db: &Db, name: &str) -> UserId {
    use app::store::users::{NewUser, create};
    let email = format!("{name}@example.org");
    create(
        db,
        &NewUser {
            username: name,
            email: &email,
            email_key: &email,
            email_verified: true,
            display_name: "",
            password_hash: "$argon2id$unusable",
            password_change_required: false,
            password_expires_at: None,
            instance_role: None,
        },
        Utc::now(),
        None,
    )
    .await
    .unwrap()
    .id
}

/// The principal of a user by id, as if signed in by a session.
pub fn as_user(user_id: &UserId, username: &str) -> app::service::principal::Principal {
    app::service::principal::Principal::User(app::service::principal::SignedInUser {
        user_id: user_id.clone(),
        username: username.to_string(),
        instance: Default::default(),
        session_hash: None,
        password_change_only: false,
        ip: "192.0.2.1".to_string(),
        two_factor_setup_required: false,
        token: None,
        account: None,
        rules: Default::default(),
        standing: None,
        sso_provider: None,
    })
}

/// An audit entry for a fixture written straight through the store.
pub fn audit() -> app::store::audit::Audit {
    app::store::audit::Audit {
        at: Utc::now(),
        actor: "fixture".into(),
        actor_id: String::new(),
        ip: "192.0.2.1".into(),
        action: "fixture.write".into(),
        target: "fixture".into(),
        org: String::new(),
        detail: serde_json::json!({}),
    }
}

/// A fixture write's rights "check": one that saw nothing, made as a token that does not
/// exist (so it holds no membership and is not revoked): a fixture is not a caller.
pub fn unchecked(org_id: &OrgId) -> app::store::rights::RightsSeen {
    app::store::rights::RightsSeen::new(
        org_id,
        app::store::rights::CheckedCaller::Token {
            token: "fixture".into(),
        },
    )
}

/// A new organization `name` (display name "Acme Inc.") owned by the new user `owner`: its id
/// and the owner.
pub async fn org_of(
    db: &Db,
    owner: &str,
    name: &str,
) -> (OrgId, app::service::principal::Principal) {
    let id = quick_user(db, owner).await;
    let who = as_user(&id, owner);
    let org = app::service::organizations::create(
        db,
        &who,
        &app::domain::organization::NewOrganization {
            name: name.into(),
            display_name: Some("Acme Inc.".into()),
        },
        Utc::now(),
    )
    .await
    .unwrap();
    (org.id, who)
}

/// A new user `name` who is a site admin, signed in.
pub async fn admin(db: &Db, name: &str) -> app::service::principal::Principal {
    let id = quick_user(db, name).await;
    db.query(
        "UPDATE type::record('user', $id) SET site_admin = true, instance_role = 'site_admin'",
    )
    .bind(("id", id.to_string()))
    .await
    .unwrap()
    .check()
    .unwrap();
    app::service::principal::Principal::User(app::service::principal::SignedInUser {
        user_id: id,
        username: name.into(),
        instance: app::service::principal::InstanceStanding::of(Some("site_admin".into()), None),
        session_hash: None,
        password_change_only: false,
        ip: "192.0.2.9".into(),
        two_factor_setup_required: false,
        token: None,
        account: None,
        rules: Default::default(),
        standing: None,
        sso_provider: None,
    })
}

/// A new unlimited user token's input.
pub fn user_token(
    description: &str,
    expires_in_days: Option<i64>,
) -> app::domain::token::NewUserToken {
    app::domain::token::NewUserToken {
        description: description.into(),
        expires_in_days,
        ..Default::default()
    }
}
