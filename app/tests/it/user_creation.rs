//! Creating accounts as an administrator (issue 16.2, 16.3): names, status, instance role,
//! organizations and groups, typed or generated passwords, several accounts at once — each
//! account whole or not at all — and the sealed one-time result of a batch.

use crate::support::{admin, db, quick_user};
use app::domain::admin::{BatchEntry, BatchInput, NewUserInput, Placement};
use app::domain::group::NewGroup;
use app::domain::organization::NewOrganization;
use app::domain::password::Password;
use app::error::ErrorCode;
use app::service::principal::Principal;
use app::service::{admin_users, audit, groups, organizations, sealed};
use app::store::{self, Db};
use chrono::{Duration, Utc};

/// A site admin `root` who owns `acme`, which has a group `devs` (role viewer).
async fn setup() -> (Db, Principal) {
    let db = db().await;
    let now = Utc::now();
    let root = admin(&db, "root").await;
    let org = NewOrganization {
        name: "acme".into(),
        display_name: None,
    };
    organizations::create(&db, &root, &org, now).await.unwrap();
    let devs = NewGroup {
        name: "devs".into(),
        description: None,
        role: Some("viewer".into()),
        members: vec![],
    };
    groups::create(&db, &root, "acme", &devs, now)
        .await
        .unwrap();
    (db, root)
}

fn placed(role: &str, groups: &[&str]) -> Vec<Placement> {
    vec![Placement {
        name: "acme".into(),
        role: role.into(),
        groups: groups.iter().map(|g| g.to_string()).collect(),
    }]
}

async fn exists(db: &Db, name: &str) -> bool {
    store::users::by_login(db, name).await.unwrap().is_some()
}

#[tokio::test]
async fn an_account_is_created_with_names_status_role_organization_and_password() {
    let (db, root) = setup().await;
    let now = Utc::now();
    let input = NewUserInput {
        email: "ada.lovelace@example.org".into(),
        first_name: Some(" Ada ".into()),
        last_name: Some("Lovelace".into()),
        active: Some(false),
        instance_role: Some("auditor".into()),
        organizations: placed("editor", &["devs"]),
        password: Some(Password::new("analytical engine notes 1843")),
        require_password_change: Some(false),
        ..Default::default()
    };
    let created = admin_users::create(&db, &root, &input, now).await.unwrap();
    let user = &created.user;
    assert_eq!(user.username, "ada-lovelace");
    assert_eq!(
        (user.first_name.as_str(), user.last_name.as_str()),
        ("Ada", "Lovelace")
    );
    assert_eq!(user.display_name, "Ada Lovelace");
    assert!(!user.active);
    assert_eq!(user.instance_role.as_deref(), Some("auditor"));
    assert_eq!(created.temporary_password, "analytical engine notes 1843");
    let row = store::users::by_login(&db, "ada-lovelace")
        .await
        .unwrap()
        .unwrap();
    assert!(!row.password_change_required && row.password_expires_at.is_none());
    let org = store::organizations::by_name(&db, "acme")
        .await
        .unwrap()
        .unwrap();
    let member = store::memberships::get(&db, &org.id, "ada-lovelace")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(member.role, "editor");
    assert_eq!(member.groups, ["devs"]);
    // Audited: the account, and the organization's own log sees the new member.
    let events = audit::all_events(&db, &root, &Default::default())
        .await
        .unwrap();
    let created_event = events
        .items
        .iter()
        .find(|e| e.action == "admin.user_created")
        .unwrap();
    assert_eq!(created_event.detail["password"], "typed");
    assert_eq!(created_event.detail["organizations"][0]["role"], "editor");
    let org_events = audit::org_events(&db, &root, "acme", &Default::default())
        .await
        .unwrap();
    let added = org_events
        .items
        .iter()
        .find(|e| e.action == "member.added")
        .unwrap();
    assert_eq!(added.target, "user:ada-lovelace");
    assert_eq!(added.detail["role"], "editor");
    // Several entries in one transaction keep the chain whole.
    let report = audit::verify(&db).await.unwrap();
    assert_eq!(report.broken, None);
    assert!(report.checked >= 4);

    // Generated passwords are temporary: changed at the first sign-in, expiring in 7 days.
    let input = NewUserInput {
        email: "bob@example.org".into(),
        ..Default::default()
    };
    let created = admin_users::create(&db, &root, &input, now).await.unwrap();
    assert_eq!(created.temporary_password.len(), 20);
    assert_eq!(created.user.display_name, "");
    assert!(created.user.active);
    let row = store::users::by_login(&db, "bob").await.unwrap().unwrap();
    assert!(row.password_change_required);
    assert!(row.password_expires_at.unwrap() > now + Duration::days(6));
}

#[tokio::test]
async fn nothing_is_half_created_and_every_refusal_says_why() {
    let (db, root) = setup().await;
    let now = Utc::now();
    let base = |email: &str| NewUserInput {
        email: email.into(),
        ..Default::default()
    };
    // A group that does not exist, an organization the admin is not in, a role the admin
    // cannot give there: refused, and no account is left behind.
    let cases: [(NewUserInput, &str); 4] = [
        (
            NewUserInput {
                organizations: placed("viewer", &["ghosts"]),
                ..base("one@example.org")
            },
            "groups",
        ),
        (
            NewUserInput {
                organizations: vec![Placement {
                    name: "elsewhere".into(),
                    role: "viewer".into(),
                    groups: vec![],
                }],
                ..base("two@example.org")
            },
            "organizations",
        ),
        (
            NewUserInput {
                organizations: placed("emperor", &[]),
                ..base("three@example.org")
            },
            "role",
        ),
        (
            NewUserInput {
                password: Some(Password::new("password1234")),
                require_password_change: Some(false),
                ..base("four@example.org")
            },
            "password",
        ),
    ];
    for (input, field) in cases {
        let err = admin_users::create(&db, &root, &input, now)
            .await
            .unwrap_err();
        assert_eq!(err.field.as_deref(), Some(field), "{err:?}");
        let name = input.email.split('@').next().unwrap().to_string();
        assert!(!exists(&db, &name).await, "{name} was created");
    }
    let err = admin_users::create(
        &db,
        &root,
        &NewUserInput {
            instance_role: Some("ghost".into()),
            ..base("five@example.org")
        },
        now,
    )
    .await
    .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("instance_role"));
    assert!(!exists(&db, "five").await);

    // An administrator who may create users but not give roles or place people.
    quick_user(&db, "desk").await;
    let role_change = app::domain::admin::AdminUserUpdate {
        instance_role: Some(Some("help_desk".into())),
        ..Default::default()
    };
    admin_users::update(&db, &root, "desk", &role_change, "https://gh.example", now)
        .await
        .unwrap();
    let desk = crate::instance_roles::signed_in(&db, "desk").await;
    let err = admin_users::create(&db, &desk, &base("six@example.org"), now)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
}

#[tokio::test]
async fn a_batch_creates_each_line_whole_or_refuses_it_with_the_reason() {
    let (db, root) = setup().await;
    let now = Utc::now();
    quick_user(&db, "taken").await;
    let pasted = "a1@example.org\n\n  a2@example.org, second  \nnot-an-email\na3@example.org\ntaken@example.org\na4@example.org\na5@example.org, a5\n";
    let input = BatchInput {
        entries: BatchEntry::parse_lines(pasted),
        organizations: placed("viewer", &["devs"]),
        ..Default::default()
    };
    let result = admin_users::create_batch(&db, &root, &input, now)
        .await
        .unwrap();
    let names: Vec<&str> = result
        .created
        .iter()
        .map(|c| c.user.username.as_str())
        .collect();
    assert_eq!(names, ["a1", "second", "a3", "a4", "a5"]);
    assert!(
        result
            .created
            .iter()
            .all(|c| c.temporary_password.len() == 20)
    );
    let failed: Vec<(u32, &str)> = result
        .failed
        .iter()
        .map(|f| (f.line, f.email.as_str()))
        .collect();
    assert_eq!(failed, [(3, "not-an-email"), (5, "taken@example.org")]);
    assert_eq!(result.failed[0].error.field.as_deref(), Some("email"));
    let org = store::organizations::by_name(&db, "acme")
        .await
        .unwrap()
        .unwrap();
    for name in names {
        let member = store::memberships::get(&db, &org.id, name)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (member.role.as_str(), member.groups.clone()),
            ("viewer", vec!["devs".to_string()])
        );
    }
    // What all entries share is refused once, before anything is created.
    let shared = BatchInput {
        entries: BatchEntry::parse_lines("s1@example.org\ns2@example.org"),
        organizations: placed("emperor", &[]),
        ..Default::default()
    };
    let err = admin_users::create_batch(&db, &root, &shared, now)
        .await
        .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("role"));
    assert!(!exists(&db, "s1").await);
    // Limits.
    let empty = BatchInput {
        entries: BatchEntry::parse_lines(" \n\n"),
        ..Default::default()
    };
    let err = admin_users::create_batch(&db, &root, &empty, now)
        .await
        .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("entries"));
    let many = BatchInput {
        entries: (0..101)
            .map(|i| BatchEntry {
                email: format!("m{i}@example.org"),
                username: None,
            })
            .collect(),
        ..Default::default()
    };
    let err = admin_users::create_batch(&db, &root, &many, now)
        .await
        .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("entries"));
    assert!(!exists(&db, "m0").await);
}

#[tokio::test]
async fn a_sealed_result_opens_once_for_its_owner_within_minutes() {
    let db = db().await;
    let now = Utc::now();
    let ada = quick_user(&db, "ada").await;
    let eve = quick_user(&db, "eve").await;
    let ticket = sealed::seal(&db, &ada, b"secret list", now).await.unwrap();
    // Only ciphertext is stored.
    let mut response = db
        .query("SELECT VALUE sealed FROM sealed_result")
        .await
        .unwrap();
    let stored: Vec<String> = response.take(0).unwrap();
    assert_eq!(stored.len(), 1);
    assert!(!stored[0].contains(&hex(b"secret list")));
    assert_eq!(
        sealed::open(&db, &ada, &ticket, now)
            .await
            .unwrap()
            .as_deref(),
        Some(&b"secret list"[..])
    );
    assert_eq!(
        sealed::open(&db, &ada, &ticket, now).await.unwrap(),
        None,
        "once"
    );
    let ticket = sealed::seal(&db, &ada, b"again", now).await.unwrap();
    assert_eq!(
        sealed::open(&db, &eve, &ticket, now).await.unwrap(),
        None,
        "not eve's"
    );
    let ticket = sealed::seal(&db, &ada, b"late", now).await.unwrap();
    let later = now + Duration::minutes(sealed::LIFETIME_MINUTES + 1);
    assert_eq!(
        sealed::open(&db, &ada, &ticket, later).await.unwrap(),
        None,
        "expired"
    );
    let ticket = sealed::seal(&db, &ada, b"wrong key", now).await.unwrap();
    let (id, _) = ticket.split_once('.').unwrap();
    let forged = format!("{id}.{}", "00".repeat(32));
    assert_eq!(
        sealed::open(&db, &ada, &forged, now).await.unwrap(),
        None,
        "wrong key"
    );
    assert_eq!(sealed::open(&db, &ada, "garbage", now).await.unwrap(), None);
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A name an API path would shadow is never given: asked for, it is refused; inferred from an
/// address, it gets a suffix.
#[tokio::test]
async fn a_reserved_username_is_never_given() {
    let (db, root) = setup().await;
    let now = Utc::now();
    let err = admin_users::create(
        &db,
        &root,
        &NewUserInput {
            email: "batch@example.org".into(),
            username: Some("batch".into()),
            ..Default::default()
        },
        now,
    )
    .await
    .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("username"));
    let created = admin_users::create(
        &db,
        &root,
        &NewUserInput {
            email: "batch@example.org".into(),
            ..Default::default()
        },
        now,
    )
    .await
    .unwrap();
    assert_eq!(created.user.username, "batch-user");
}
