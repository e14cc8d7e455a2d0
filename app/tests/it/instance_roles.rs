//! Instance roles (issue 16.1): the built-in Site admin, Help desk and Auditor roles, custom
//! roles, each admin action's permission, and the guards (no self-action, nobody acts on a
//! user or gives a role beyond their own, the writing transaction confirms what the check saw).

use crate::support::{admin, db, quick_user};
use app::domain::admin::{AdminUserUpdate, NewUserInput, SettingsUpdate, UserQuery};
use app::domain::role::{NewRole, PreviewInput, RoleUpdate};
use app::error::ErrorCode;
use app::service::principal::{InstanceStanding, Principal, SignedInUser};
use app::service::{admin_instance, admin_users, audit, instance_roles};
use app::store::{self, Db};
use chrono::Utc;

/// `name` as freshly signed in: the caller read from the store, with their instance role and a
/// custom role's stored permissions, as sessions and tokens read it.
pub async fn signed_in(db: &Db, name: &str) -> Principal {
    let row = store::users::by_login(db, name).await.unwrap().unwrap();
    Principal::User(SignedInUser {
        user_id: row.id.clone(),
        username: row.username.clone(),
        instance: InstanceStanding::of(row.instance_role.clone(), row.instance_role_permissions),
        session_hash: None,
        password_change_only: false,
        ip: "192.0.2.7".into(),
        two_factor_setup_required: false,
        token: None,
        account: None,
        rules: Default::default(),
        standing: None,
        sso_provider: None,
    })
}

fn give(role: Option<&str>) -> AdminUserUpdate {
    AdminUserUpdate {
        instance_role: Some(role.map(str::to_string)),
        ..Default::default()
    }
}

/// A user `name` holding `role`, given by the site admin `root`.
async fn holder(db: &Db, root: &Principal, name: &str, role: &str) -> Principal {
    quick_user(db, name).await;
    admin_users::update(
        db,
        root,
        name,
        &give(Some(role)),
        "https://gh.example",
        Utc::now(),
    )
    .await
    .unwrap();
    signed_in(db, name).await
}

fn new_role(name: &str, permissions: &[&str]) -> NewRole {
    NewRole {
        name: name.into(),
        title: Some(format!("The {name}")),
        description: None,
        permissions: permissions.iter().map(|p| p.to_string()).collect(),
    }
}

#[tokio::test]
async fn a_help_desk_resets_passwords_and_deactivates_but_grants_nothing() {
    let db = db().await;
    let now = Utc::now();
    let root = admin(&db, "root").await;
    let desk = holder(&db, &root, "desk", "help_desk").await;
    quick_user(&db, "bob").await;

    // What the role carries.
    let users = admin_users::list(&db, &desk, &UserQuery::default())
        .await
        .unwrap();
    assert_eq!(users.items.len(), 3);
    let temporary = admin_users::reset_password(&db, &desk, "bob", now)
        .await
        .unwrap();
    assert!(temporary.temporary_password.len() >= 20);
    let deactivate = AdminUserUpdate {
        active: Some(false),
        ..Default::default()
    };
    let bob = admin_users::update(&db, &desk, "bob", &deactivate, "https://gh.example", now)
        .await
        .unwrap();
    assert!(!bob.active);

    // What it does not.
    for role in ["help_desk", "site_admin", "auditor"] {
        let err = admin_users::update(
            &db,
            &desk,
            "bob",
            &give(Some(role)),
            "https://gh.example",
            now,
        )
        .await
        .unwrap_err();
        assert_eq!(err.code, ErrorCode::Forbidden, "{role}");
        assert!(err.message.contains("users.update"), "{}", err.message);
    }
    let err = admin_users::delete(&db, &desk, "bob", now)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    let input = NewUserInput {
        email: "new@example.org".into(),
        username: None,
        display_name: None,
        ..Default::default()
    };
    let err = admin_users::create(&db, &desk, &input, now)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    let err = admin_instance::settings(&db, &desk).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    let err = admin_instance::update_settings(&db, &desk, &SettingsUpdate::default(), now)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    let err = audit::all_events(&db, &desk, &Default::default())
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    let err = instance_roles::create(&db, &desk, &new_role("x", &["users.read"]), now)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);

    // Never a user whose role carries more: resetting a site admin's password would hand the
    // account over.
    let err = admin_users::reset_password(&db, &desk, "root", now)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    assert!(
        err.message.contains("root holds instance permissions"),
        "{}",
        err.message
    );
    let err = admin_users::update(&db, &desk, "root", &deactivate, "https://gh.example", now)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    // Nor themselves.
    let err = admin_users::reset_password(&db, &desk, "desk", now)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::SelfAction);
    // A peer with the same role is within reach.
    holder(&db, &root, "desk2", "help_desk").await;
    admin_users::reset_password(&db, &desk, "desk2", now)
        .await
        .unwrap();
}

#[tokio::test]
async fn an_auditor_reads_everything_and_changes_nothing() {
    let db = db().await;
    let now = Utc::now();
    let root = admin(&db, "root").await;
    let auditor = holder(&db, &root, "aud", "auditor").await;
    quick_user(&db, "bob").await;
    admin_users::list(&db, &auditor, &UserQuery::default())
        .await
        .unwrap();
    admin_users::get(&db, &auditor, "bob").await.unwrap();
    admin_instance::organizations(&db, &auditor).await.unwrap();
    admin_instance::outbox(&db, &auditor, None, None)
        .await
        .unwrap();
    let events = audit::all_events(&db, &auditor, &Default::default())
        .await
        .unwrap();
    assert!(
        events
            .items
            .iter()
            .any(|e| e.action == "admin.user_updated"),
        "the role change was audited"
    );
    instance_roles::list(&db, &auditor).await.unwrap();
    let err = admin_users::reset_password(&db, &auditor, "bob", now)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    let err = admin_instance::settings(&db, &auditor).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    // Users without a role reach nothing.
    let bob = signed_in(&db, "bob").await;
    let err = admin_users::list(&db, &bob, &UserQuery::default())
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    let err = instance_roles::mine(&bob).unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    assert_eq!(
        instance_roles::mine(&auditor).unwrap(),
        [
            "users.read",
            "organizations.read",
            "audit.read",
            "outbox.read"
        ]
    );
}

#[tokio::test]
async fn custom_roles_carry_only_what_their_maker_holds_and_apply_at_once() {
    let db = db().await;
    let now = Utc::now();
    let root = admin(&db, "root").await;
    // A role manager who can also change users.
    instance_roles::create(
        &db,
        &root,
        &new_role("role-manager", &["instance.roles.manage", "users.update"]),
        now,
    )
    .await
    .unwrap();
    let manager = holder(&db, &root, "mia", "role-manager").await;
    let mine = instance_roles::mine(&manager).unwrap();
    assert_eq!(
        mine,
        ["users.read", "users.update", "instance.roles.manage"]
    );

    // Within their own permissions: allowed; beyond: refused, nothing stored.
    instance_roles::create(&db, &manager, &new_role("viewer", &["users.read"]), now)
        .await
        .unwrap();
    let err = instance_roles::create(&db, &manager, &new_role("deleter", &["users.delete"]), now)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    assert!(
        store::instance_roles::get(&db, "deleter")
            .await
            .unwrap()
            .is_none()
    );
    // Unknown ids, built-in and reserved names, taken names.
    let err = instance_roles::create(&db, &root, &new_role("odd", &["org.read"]), now)
        .await
        .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("permissions"));
    let err = instance_roles::create(&db, &root, &new_role("viewer", &[]), now)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    // Nothing passes for a built-in role: not its name with a hyphen, nor its title.
    let err = instance_roles::create(&db, &root, &new_role("site-admin", &[]), now)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    let mut lookalike = new_role("lookalike", &[]);
    lookalike.title = Some("site ADMIN".into());
    let err = instance_roles::create(&db, &root, &lookalike, now)
        .await
        .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("title"));
    // Built-in names are not even valid custom names (no underscore in a name).
    let err = instance_roles::create(&db, &root, &new_role("help_desk", &[]), now)
        .await
        .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("name"));
    let err = instance_roles::create(&db, &root, &new_role("none", &[]), now)
        .await
        .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("name"));
    let err = instance_roles::update(&db, &root, "auditor", &RoleUpdate::default(), now)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    let err = instance_roles::delete(&db, &root, "site_admin", now)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);

    // Giving roles: only those within the giver's permissions.
    quick_user(&db, "vic").await;
    admin_users::update(
        &db,
        &manager,
        "vic",
        &give(Some("viewer")),
        "https://gh.example",
        now,
    )
    .await
    .unwrap();
    let err = admin_users::update(
        &db,
        &manager,
        "vic",
        &give(Some("help_desk")),
        "https://gh.example",
        now,
    )
    .await
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    let err = admin_users::update(
        &db,
        &manager,
        "vic",
        &give(Some("ghost")),
        "https://gh.example",
        now,
    )
    .await
    .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("instance_role"));
    // A manager cannot take a Site admin's role away (it carries more than theirs).
    let err = admin_users::update(
        &db,
        &manager,
        "root",
        &give(None),
        "https://gh.example",
        now,
    )
    .await
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);

    // An edit applies to every holder at their next request, after a preview that says so.
    let preview = instance_roles::preview(
        &db,
        &root,
        "viewer",
        &PreviewInput {
            permissions: vec!["users.read".into(), "audit.read".into()],
        },
    )
    .await
    .unwrap();
    assert_eq!(preview.gains.len(), 1);
    assert_eq!(preview.gains[0].username, "vic");
    assert_eq!(preview.gains[0].permissions, ["audit.read"]);
    assert!(preview.losses.is_empty());
    let vic = signed_in(&db, "vic").await;
    assert!(
        audit::all_events(&db, &vic, &Default::default())
            .await
            .is_err()
    );
    // The manager lacks audit.read, so cannot add it.
    let add_audit = RoleUpdate {
        permissions: Some(vec!["users.read".into(), "audit.read".into()]),
        ..Default::default()
    };
    let err = instance_roles::update(&db, &manager, "viewer", &add_audit, now)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    instance_roles::update(&db, &root, "viewer", &add_audit, now)
        .await
        .unwrap();
    let vic = signed_in(&db, "vic").await;
    audit::all_events(&db, &vic, &Default::default())
        .await
        .unwrap();
    // Now the viewer role carries more than the manager: they can no longer edit or delete it.
    let err = instance_roles::delete(&db, &manager, "viewer", now)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    let holders = instance_roles::holders(&db, &root, "viewer").await.unwrap();
    assert_eq!(holders, ["vic"]);

    // Deleting a role leaves its holders with none.
    instance_roles::delete(&db, &root, "viewer", now)
        .await
        .unwrap();
    let vic = signed_in(&db, "vic").await;
    assert!(
        admin_users::list(&db, &vic, &UserQuery::default())
            .await
            .is_err()
    );
    let row = store::users::by_login(&db, "vic").await.unwrap().unwrap();
    assert_eq!(row.instance_role, None);
    let roles = instance_roles::list(&db, &root).await.unwrap();
    let names: Vec<&str> = roles.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        names,
        ["site_admin", "help_desk", "auditor", "role-manager"]
    );
    assert_eq!(roles[0].holders, 1);
}

#[tokio::test]
async fn the_write_confirms_the_standing_the_check_saw() {
    let db = db().await;
    let now = Utc::now();
    let root = admin(&db, "root").await;
    instance_roles::create(
        &db,
        &root,
        &new_role("resetter", &["users.reset_password"]),
        now,
    )
    .await
    .unwrap();
    let stale = holder(&db, &root, "rex", "resetter").await;
    quick_user(&db, "bob").await;
    // The caller's custom role loses the permission after their request was resolved: the
    // write sees it and refuses.
    let shrink = RoleUpdate {
        permissions: Some(vec!["users.read".into()]),
        ..Default::default()
    };
    instance_roles::update(&db, &root, "resetter", &shrink, now)
        .await
        .unwrap();
    let err = admin_users::reset_password(&db, &stale, "bob", now)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict, "{err:?}");
    // Their role is taken away after their request was resolved: refused too.
    let desk = holder(&db, &root, "dee", "help_desk").await;
    admin_users::update(&db, &root, "dee", &give(None), "https://gh.example", now)
        .await
        .unwrap();
    let err = admin_users::reset_password(&db, &desk, "bob", now)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    // The target is promoted between the check and the write: the write refuses.
    let desk2 = holder(&db, &root, "dan", "help_desk").await;
    let target = store::users::by_login(&db, "bob").await.unwrap().unwrap();
    db.query(
        "UPDATE type::record('user', $id) SET instance_role = 'site_admin', site_admin = true",
    )
    .bind(("id", target.id.to_string()))
    .await
    .unwrap()
    .check()
    .unwrap();
    let err = admin_users::reset_password(&db, &desk2, "bob", now)
        .await
        .unwrap_err();
    assert_eq!(
        err.code,
        ErrorCode::Forbidden,
        "read afresh: bob now outranks"
    );
    // Nobody changes their own role, and the last site admin stays.
    let err = admin_users::update(
        &db,
        &root,
        "root",
        &give(Some("auditor")),
        "https://gh.example",
        now,
    )
    .await
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::SelfAction);
    let bob = signed_in(&db, "bob").await;
    admin_users::update(&db, &bob, "root", &give(None), "https://gh.example", now)
        .await
        .unwrap();
    let err = admin_users::update(&db, &root, "bob", &give(None), "https://gh.example", now)
        .await
        .unwrap_err();
    assert_eq!(
        err.code,
        ErrorCode::Conflict,
        "root's request was resolved before: {err:?}"
    );
    let root = signed_in(&db, "root").await;
    let err = admin_users::update(&db, &root, "bob", &give(None), "https://gh.example", now)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    let err = admin_users::update(&db, &bob, "bob", &give(None), "https://gh.example", now)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::SelfAction);
    // The compatibility flag: `site_admin: true` gives the Site admin role.
    let flag = AdminUserUpdate {
        site_admin: Some(true),
        ..Default::default()
    };
    let root_user = admin_users::update(&db, &bob, "root", &flag, "https://gh.example", now)
        .await
        .unwrap();
    assert!(root_user.site_admin);
    assert_eq!(root_user.instance_role.as_deref(), Some("site_admin"));
    assert_eq!(root_user.instance_permissions.len(), 13);
    let both = AdminUserUpdate {
        site_admin: Some(true),
        instance_role: Some(Some("auditor".into())),
        ..Default::default()
    };
    let err = admin_users::update(&db, &bob, "dan", &both, "https://gh.example", now)
        .await
        .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("site_admin"));
}

/// Migration 20 gives existing site admins the Site admin role.
#[tokio::test]
async fn existing_site_admins_migrate_to_the_site_admin_role() {
    use app::store::migrations::{MIGRATIONS, migrate};
    let db = store::open("mem://", None).await.unwrap().0;
    let before = MIGRATIONS.iter().position(|m| m.version == 20).unwrap();
    migrate(&db, &MIGRATIONS[..before], Utc::now())
        .await
        .unwrap();
    db.query(
        "CREATE user:a CONTENT { username: 'ada', email: 'ada@example.org', password_hash: 'x', site_admin: true, created_at: time::now(), updated_at: time::now() };
         CREATE user:b CONTENT { username: 'bob', email: 'bob@example.org', password_hash: 'x', created_at: time::now(), updated_at: time::now() };",
    )
    .await
    .unwrap()
    .check()
    .unwrap();
    migrate(&db, MIGRATIONS, Utc::now()).await.unwrap();
    let ada = store::users::by_id(&db, &"a".to_string().into())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(ada.instance_role.as_deref(), Some("site_admin"));
    assert!(ada.site_admin);
    let bob = store::users::by_id(&db, &"b".to_string().into())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(bob.instance_role, None);
    assert!(!bob.site_admin);
}
