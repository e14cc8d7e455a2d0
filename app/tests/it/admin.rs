//! Site administration: guards (self-action, last site admin under concurrency, last owner,
//! owned projects), temporary passwords, deactivation, settings.

use crate::projects::{Fixture, acme, who};
use crate::support::{PASSWORD, admin, db, quick_user};
use app::domain::admin::SettingsUpdate;
use app::domain::admin::{AdminUserUpdate, NewUserInput, UserQuery};
use app::domain::password::Password;
use app::domain::project::NewProject;
use app::domain::user::LoginInput;
use app::error::ErrorCode;
use app::service::accounts::{self, LoginOutcome};
use app::service::admin_instance;
use app::service::admin_users;
use app::service::principal::Principal;
use app::service::projects;
use chrono::Utc;

/// An admin's own password and two-factor change through the settings, never the admin
/// actions (409 `self_action`).
async fn self_credentials_change_in_the_settings() {
    let db = db().await;
    let now = Utc::now();
    let root = admin(&db, "root").await;
    quick_user(&db, "bob").await;
    let err = admin_users::reset_password(&db, &root, "root", now)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::SelfAction);
    let err = admin_users::disable_two_factor(&db, &root, "root", "lost phone", now)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::SelfAction);
    admin_users::reset_password(&db, &root, "bob", now)
        .await
        .unwrap();
}

fn flags(active: Option<bool>, site_admin: Option<bool>) -> AdminUserUpdate {
    AdminUserUpdate {
        active,
        site_admin,
        ..Default::default()
    }
}

#[tokio::test]
async fn only_site_admins_and_never_on_themselves() {
    self_credentials_change_in_the_settings().await;
    let db = db().await;
    let now = Utc::now();
    let root = admin(&db, "root").await;
    let mallory_id = quick_user(&db, "mallory").await;
    let mallory = crate::support::as_user(&mallory_id, "mallory");
    let err = admin_users::list(&db, &mallory, &UserQuery::default())
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    for change in [flags(Some(false), None), flags(None, Some(false))] {
        let err = admin_users::update(&db, &root, "root", &change, "https://gh.example", now)
            .await
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::SelfAction);
    }
    let err = admin_users::delete(&db, &root, "root", now)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::SelfAction);
    // The list: search, filters, pages.
    for i in 0..5 {
        quick_user(&db, &format!("user-{i}")).await;
    }
    let page = admin_users::list(
        &db,
        &root,
        &UserQuery {
            query: Some("USER-".into()),
            limit: Some(3),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(page.items.len(), 3);
    let rest = admin_users::list(
        &db,
        &root,
        &UserQuery {
            query: Some("user-".into()),
            cursor: page.next_cursor.clone(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(rest.items.len(), 2);
    let admins = admin_users::list(
        &db,
        &root,
        &UserQuery {
            site_admin: Some(true),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(admins.items.len(), 1);
    let err = admin_users::list(
        &db,
        &root,
        &UserQuery {
            status: Some("sleeping".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("status"));
}

#[tokio::test]
async fn two_admins_demoting_each_other_at_once_always_leave_one() {
    for round in 0..50 {
        let db = db().await;
        let now = Utc::now();
        let a = admin(&db, "alpha").await;
        let b = admin(&db, "beta").await;
        let (db1, db2) = (db.clone(), db.clone());
        let one = tokio::spawn(async move {
            admin_users::update(
                &db1,
                &a,
                "beta",
                &flags(None, Some(false)),
                "https://gh.example",
                now,
            )
            .await
        });
        let two = tokio::spawn(async move {
            admin_users::update(
                &db2,
                &b,
                "alpha",
                &flags(Some(false), None),
                "https://gh.example",
                now,
            )
            .await
        });
        let results = [one.await.unwrap(), two.await.unwrap()];
        let refused: Vec<_> = results
            .iter()
            .filter_map(|r| r.as_ref().err())
            .map(|e| e.code)
            .collect();
        // The loser is refused either because the instance would have no site admin left, or
        // because the winner already took the loser's own role away (their standing changed).
        assert!(
            matches!(
                refused.as_slice(),
                [ErrorCode::LastSiteAdmin] | [ErrorCode::Conflict]
            ),
            "round {round}: {refused:?}"
        );
        let mut response = db
            .query(
                "RETURN count(SELECT VALUE id FROM user WHERE site_admin = true AND active = true)",
            )
            .await
            .unwrap();
        let left: Option<i64> = response.take(0).unwrap();
        assert_eq!(left, Some(1), "round {round}");
    }
}

#[tokio::test]
async fn a_created_user_must_replace_the_temporary_password_and_deactivation_locks_out() {
    let db = db().await;
    let now = Utc::now();
    let root = admin(&db, "root").await;
    let created = admin_users::create(
        &db,
        &root,
        &NewUserInput {
            email: "Grace.Hopper+x@example.org".into(),
            username: None,
            display_name: Some("Grace".into()),
            ..Default::default()
        },
        now,
    )
    .await
    .unwrap();
    assert_eq!(created.user.username, "grace-hopper-x");
    assert!(created.temporary_password.len() >= 16);
    // Taken username → a free one; taken email → 422.
    let again = admin_users::create(
        &db,
        &root,
        &NewUserInput {
            email: "grace.hopper+x@example.com".into(),
            username: None,
            display_name: None,
            ..Default::default()
        },
        now,
    )
    .await
    .unwrap();
    assert_eq!(again.user.username, "grace-hopper-x-2");
    let err = admin_users::create(
        &db,
        &root,
        &NewUserInput {
            email: "GRACE.hopper+x@example.org".into(),
            username: Some("other".into()),
            display_name: None,
            ..Default::default()
        },
        now,
    )
    .await
    .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("email"));

    // Signing in with it gives a session that may only change the password.
    let login = |password: &str| LoginInput {
        login: "grace-hopper-x".into(),
        password: Password::new(password),
        code: None,
    };
    let outcome = accounts::login(
        &db,
        &login(&created.temporary_password),
        &Default::default(),
        now,
    )
    .await
    .unwrap();
    assert!(matches!(
        outcome,
        LoginOutcome::PasswordChangeRequired { .. }
    ));

    // Reset: a new temporary password; the old one stops working.
    let reset = admin_users::reset_password(&db, &root, "grace-hopper-x", now)
        .await
        .unwrap();
    assert_ne!(reset.temporary_password, created.temporary_password);
    assert!(
        accounts::login(
            &db,
            &login(&created.temporary_password),
            &Default::default(),
            now
        )
        .await
        .is_err()
    );

    // Deactivated: no sign-in at all, even with the right password; reactivated: back.
    admin_users::update(
        &db,
        &root,
        "grace-hopper-x",
        &flags(Some(false), None),
        "https://gh.example",
        now,
    )
    .await
    .unwrap();
    let refused = accounts::login(
        &db,
        &login(&reset.temporary_password),
        &Default::default(),
        now,
    )
    .await;
    assert!(matches!(refused, Err(e) if e.code == ErrorCode::InvalidCredentials));
    admin_users::update(
        &db,
        &root,
        "grace-hopper-x",
        &flags(Some(true), None),
        "https://gh.example",
        now,
    )
    .await
    .unwrap();
    assert!(
        accounts::login(
            &db,
            &login(&reset.temporary_password),
            &Default::default(),
            now
        )
        .await
        .is_ok()
    );
    let _ = PASSWORD;
}

#[tokio::test]
async fn deleting_a_user_is_refused_while_they_own_an_organization_or_projects() {
    let Fixture { db, .. } = acme(&[("eve", "editor")]).await;
    let now = Utc::now();
    let root = admin(&db, "root").await;
    let err = admin_users::delete(&db, &root, "ada", now)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::LastOwner);
    let eve = who(&db, "eve").await;
    projects::create(
        &db,
        &eve,
        "acme",
        &NewProject {
            name: "site".into(),
            description: None,
        },
        now,
    )
    .await
    .unwrap();
    let err = admin_users::delete(&db, &root, "eve", now)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::OwnsProjects);
    projects::delete(&db, &eve, "acme", "site", now)
        .await
        .unwrap();
    admin_users::delete(&db, &root, "eve", now).await.unwrap();
    let err = admin_users::delete(&db, &root, "eve", now)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
    // The organizations list shows ada as the owner of acme with one member left.
    let orgs = admin_instance::organizations(&db, &root).await.unwrap();
    assert_eq!(orgs[0].members_count, 1);
    assert_eq!(orgs[0].owners, ["ada"]);
}

#[tokio::test]
async fn settings_are_validated_applied_at_once_and_audited() {
    let db = db().await;
    let now = Utc::now();
    let root = admin(&db, "root").await;
    let err = admin_instance::update_settings(
        &db,
        &root,
        &SettingsUpdate {
            signup_mode: Some("everyone".into()),
            ..Default::default()
        },
        now,
    )
    .await
    .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("signup_mode"));
    let err = admin_instance::update_settings(
        &db,
        &root,
        &SettingsUpdate {
            session_idle_minutes: Some(60 * 24 * 20),
            session_max_hours: Some(24),
            ..Default::default()
        },
        now,
    )
    .await
    .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("session_idle_minutes"));
    let saved = admin_instance::update_settings(
        &db,
        &root,
        &SettingsUpdate {
            signup_mode: Some("closed".into()),
            token_max_days: Some(Some(30)),
            ..Default::default()
        },
        now,
    )
    .await
    .unwrap();
    assert_eq!(saved.signup_mode, "closed");
    // Sign-up is closed at once; tokens may not outlive the new maximum.
    let err = accounts::signup(
        &db,
        &app::domain::user::SignupInput {
            username: "newbie".into(),
            email: "newbie@example.org".into(),
            password: Password::new(PASSWORD),
        },
        &Default::default(),
        "http://gatehouse.test",
        now,
    )
    .await
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    let events = app::service::audit::all_events(&db, &root, &Default::default())
        .await
        .unwrap();
    assert_eq!(events.items[0].action, "admin.settings_changed");
    assert_eq!(events.items[0].detail["to"]["signup_mode"], "closed");
}

#[tokio::test]
async fn deactivation_ends_sessions_and_instance_two_factor_is_enforced() {
    let db = db().await;
    let now = Utc::now();
    let root = admin(&db, "root").await;
    crate::support::account(&db, "ada", now).await;
    let login = LoginInput {
        login: "ada".into(),
        password: Password::new(PASSWORD),
        code: None,
    };
    let Ok(LoginOutcome::SignedIn { session, .. }) =
        accounts::login(&db, &login, &Default::default(), now).await
    else {
        panic!("ada signs in");
    };
    let resolve = |secret: String| {
        let db = db.clone();
        async move {
            app::service::sessions::principal(&db, &secret, now)
                .await
                .unwrap()
        }
    };
    assert!(matches!(
        resolve(session.secret.clone()).await,
        Principal::User(_)
    ));
    admin_users::update(
        &db,
        &root,
        "ada",
        &flags(Some(false), None),
        "https://gh.example",
        now,
    )
    .await
    .unwrap();
    assert_eq!(resolve(session.secret.clone()).await, Principal::Anonymous);
    admin_users::update(
        &db,
        &root,
        "ada",
        &flags(Some(true), None),
        "https://gh.example",
        now,
    )
    .await
    .unwrap();
    // Reactivated: the old session stays ended; a new sign-in works.
    assert_eq!(resolve(session.secret.clone()).await, Principal::Anonymous);
    let Ok(LoginOutcome::SignedIn { session, .. }) =
        accounts::login(&db, &login, &Default::default(), now).await
    else {
        panic!("ada signs in again");
    };

    // Two-factor for everyone: ada may only set it up (and see who she is).
    admin_instance::update_settings(
        &db,
        &root,
        &SettingsUpdate {
            require_two_factor: Some(true),
            ..Default::default()
        },
        now,
    )
    .await
    .unwrap();
    let ada = resolve(session.secret.clone()).await;
    assert_eq!(ada.user().unwrap_err().code, ErrorCode::TwoFactorPolicy);
    assert!(accounts::me(&db, &ada).await.is_ok());
    assert!(app::service::two_factor::status(&db, &ada).await.is_ok());
    let err = app::service::organizations::mine(&db, &ada)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::TwoFactorPolicy);
    // Her sign-up was audited.
    let events = app::service::audit::all_events(
        &db,
        &root,
        &app::domain::audit::AuditQuery {
            action: Some("account.created".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(events.items[0].target, "user:ada");
    assert_eq!(events.items[0].detail["via"], "sign-up");
}

#[tokio::test]
async fn an_admin_gives_an_organization_an_owner_and_closed_sign_up_refuses_invitation_sign_ups() {
    let Fixture { db, org_id } = acme(&[]).await;
    let now = Utc::now();
    let root = admin(&db, "root").await;
    let bob_id = quick_user(&db, "bob").await;
    let add = |who: &'static str| {
        let (db, root) = (db.clone(), root.clone());
        async move {
            admin_instance::add_owner(
                &db,
                &root,
                "acme",
                &app::domain::admin::NewOwner {
                    username: who.into(),
                },
                now,
            )
            .await
        }
    };
    // While ada, the owner, is active, a site admin adds no owner.
    assert_eq!(add("bob").await.unwrap_err().code, ErrorCode::Conflict);
    assert_eq!(add("root").await.unwrap_err().code, ErrorCode::Conflict);
    admin_users::update(
        &db,
        &root,
        "ada",
        &flags(Some(false), None),
        "https://gh.example",
        now,
    )
    .await
    .unwrap();
    // Abandoned: the admin may add an owner, but not themselves while ada remains one.
    assert_eq!(add("root").await.unwrap_err().code, ErrorCode::SelfAction);
    add("bob").await.unwrap();
    let told = app::store::outbox::newest(&db, None, 5).await.unwrap();
    assert!(
        told.iter()
            .any(|m| m.recipient == "ada@example.org" && m.body.contains("bob")),
        "the owners are told"
    );
    let members = admin_instance::org_members(&db, &root, "acme")
        .await
        .unwrap();
    assert!(
        members
            .iter()
            .any(|m| m.user.username == "bob" && m.role == "owner")
    );
    let err = admin_instance::add_owner(
        &db,
        &root,
        "nope",
        &app::domain::admin::NewOwner {
            username: "bob".into(),
        },
        now,
    )
    .await
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
    // The organization's own log shows it.
    let bob = crate::support::as_user(&bob_id, "bob");
    let events = app::service::audit::org_events(&db, &bob, "acme", &Default::default())
        .await
        .unwrap();
    assert_eq!(events.items[0].action, "admin.owner_added");
    let _ = org_id;

    // Closed sign-up: an invitation link no longer creates an account.
    let invited = app::service::invitations::invite(
        &db,
        &bob,
        "acme",
        &app::domain::invitation::NewInvitationInput {
            email: "carol@example.org".into(),
            role: "viewer".into(),
            groups: None,
        },
        "http://gatehouse.test",
        now,
    )
    .await
    .unwrap();
    admin_instance::update_settings(
        &db,
        &root,
        &SettingsUpdate {
            signup_mode: Some("closed".into()),
            ..Default::default()
        },
        now,
    )
    .await
    .unwrap();
    let token = invited
        .accept_url
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    let err = app::service::invitations::sign_up(
        &db,
        &token,
        &app::domain::invitation::InvitationSignup {
            username: "carol".into(),
            password: Password::new(PASSWORD),
        },
        "192.0.2.1",
        now,
    )
    .await
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
}

/// An administrator changes a user's address: it is unverified until the user opens the link
/// sent to it, the old address is told, the people page finds the new one, and the user's
/// admin page lists their organizations. Never one's own, never an address in use, never
/// without `users.update`.
#[tokio::test]
async fn an_admin_changes_an_address_and_the_old_one_is_told() {
    let Fixture { db, .. } = acme(&[("bob", "editor")]).await;
    let now = Utc::now();
    let root = admin(&db, "root").await;
    let change = |email: &str| AdminUserUpdate {
        email: Some(email.into()),
        ..Default::default()
    };
    let bob = admin_users::update(
        &db,
        &root,
        "bob",
        &change("Robert@Example.net"),
        "https://gh.example",
        now,
    )
    .await
    .unwrap();
    assert_eq!(bob.email, "Robert@Example.net");
    assert!(!bob.email_verified);
    let messages = app::store::outbox::newest(&db, None, 50).await.unwrap();
    let notice = messages
        .iter()
        .find(|m| m.kind == "email_changed")
        .expect("a notice to the old address");
    assert_eq!(notice.recipient, "bob@example.org");
    assert!(notice.body.contains("Robert@Example.net"));
    assert!(messages.iter().any(|m| m.kind == "email_verification"
        && m.recipient == "Robert@Example.net"
        && m.body.contains("https://gh.example/verify-email?token=")));
    // The organization's people search finds the new address, not the old one.
    let ada = who(&db, "ada").await;
    let found = |q: &'static str| {
        let (db, ada) = (db.clone(), ada.clone());
        async move {
            app::service::members::list(&db, &ada, "acme", Some(q), None, None, None)
                .await
                .unwrap()
                .items
                .into_iter()
                .map(|m| m.user.username)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(found("robert@example.net").await, ["bob"]);
    assert!(found("bob@example.org").await.is_empty());

    // Taken addresses, one's own, and callers without users.update are refused.
    let err = admin_users::update(
        &db,
        &root,
        "bob",
        &change("ada@example.org"),
        "https://gh.example",
        now,
    )
    .await
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::Validation);
    let err = admin_users::update(
        &db,
        &root,
        "root",
        &change("root@example.net"),
        "https://gh.example",
        now,
    )
    .await
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::SelfAction);
    let err = admin_users::update(
        &db,
        &root,
        "bob",
        &change("not an address"),
        "https://gh.example",
        now,
    )
    .await
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::Validation);
    let err = admin_users::update(
        &db,
        &ada,
        "bob",
        &change("b@example.net"),
        "https://gh.example",
        now,
    )
    .await
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);

    // The admin page's read: the organizations with role and groups.
    let detail = admin_users::get(&db, &root, "bob").await.unwrap();
    assert_eq!(detail.organizations.len(), 1);
    assert_eq!(detail.organizations[0].name, "acme");
    assert_eq!(detail.organizations[0].role, "editor");
    assert!(detail.organizations[0].groups.is_empty());
    assert!(
        admin_users::get(&db, &root, "root")
            .await
            .unwrap()
            .organizations
            .is_empty()
    );
}
