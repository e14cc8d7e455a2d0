//! Custom roles: the escalation guard, built-ins read-only, preview, delete with fallback.

use crate::support::{as_user, db, quick_user};
use app::domain::organization::NewOrganization;
use app::domain::organization::RoleChange;
use app::domain::permission::Permission;
use app::domain::role::{NewRole, PreviewInput, RoleUpdate};
use app::error::ErrorCode;
use app::service::members;
use app::service::org_access;
use app::service::organizations;
use app::service::roles;
use app::store::{self, roles::RoleRow};
use chrono::Utc;

fn role(name: &str, permissions: &[&str]) -> NewRole {
    NewRole {
        name: name.into(),
        title: Some(format!("The {name}")),
        description: None,
        permissions: permissions.iter().map(|p| p.to_string()).collect(),
    }
}

#[tokio::test]
async fn custom_roles_grant_what_they_carry_and_no_more_than_their_author_holds() {
    let db = db().await;
    let now = Utc::now();
    let ada_id = quick_user(&db, "ada").await;
    let ada = as_user(&ada_id, "ada");
    let org = organizations::create(
        &db,
        &ada,
        &NewOrganization {
            name: "acme".into(),
            display_name: None,
        },
        now,
    )
    .await
    .unwrap();
    let adam_id = quick_user(&db, "adam").await;
    store::memberships::add(&db, &org.id, &adam_id, "admin", &[], now)
        .await
        .unwrap();
    let adam = as_user(&adam_id, "adam");
    let vic_id = quick_user(&db, "vic").await;
    store::memberships::add(&db, &org.id, &vic_id, "viewer", &[], now)
        .await
        .unwrap();
    let vic = as_user(&vic_id, "vic");

    // The escalation guard, unknown ids, reserved and taken names.
    let err = roles::create(&db, &adam, "acme", &role("wrecker", &["org.delete"]), now)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    let err = roles::create(&db, &adam, "acme", &role("odd", &["org.own"]), now)
        .await
        .unwrap_err();
    assert_eq!(
        (err.code, err.field.as_deref()),
        (ErrorCode::Validation, Some("permissions"))
    );
    let err = roles::create(&db, &adam, "acme", &role("owner", &[]), now)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    let err = roles::create(&db, &vic, "acme", &role("mine", &["org.read"]), now)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    let auditor = roles::create(&db, &adam, "acme", &role("auditor", &["audit.read"]), now)
        .await
        .unwrap();
    assert!(
        auditor.permissions.contains(&"org.read".to_string()),
        "implied permissions listed"
    );
    assert_eq!(
        roles::create(&db, &adam, "acme", &role("auditor", &[]), now)
            .await
            .unwrap_err()
            .code,
        ErrorCode::Conflict
    );

    // Assigned to a member, it grants exactly its permissions.
    members::change_role(
        &db,
        &adam,
        "acme",
        "vic",
        &RoleChange {
            role: "auditor".into(),
        },
        now,
    )
    .await
    .unwrap();
    let access = org_access::resolve(&db, &vic, "acme").await.unwrap();
    assert!(access.permissions.contains(Permission::AuditRead));
    assert!(!access.permissions.contains(Permission::MembersRead));

    // An owner-only role cannot be handed out by an admin.
    roles::create(&db, &ada, "acme", &role("demolisher", &["org.delete"]), now)
        .await
        .unwrap();
    assert_eq!(
        members::change_role(
            &db,
            &adam,
            "acme",
            "vic",
            &RoleChange {
                role: "demolisher".into()
            },
            now
        )
        .await
        .unwrap_err()
        .code,
        ErrorCode::Forbidden
    );
    // Nor edited or deleted by them.
    assert_eq!(
        roles::delete(&db, &adam, "acme", "demolisher", now)
            .await
            .unwrap_err()
            .code,
        ErrorCode::Forbidden
    );

    // Built-ins are read-only.
    let change = RoleUpdate {
        permissions: Some(vec!["org.read".into()]),
        ..Default::default()
    };
    assert_eq!(
        roles::update(&db, &ada, "acme", "viewer", &change, now)
            .await
            .unwrap_err()
            .code,
        ErrorCode::Conflict
    );
    assert_eq!(
        roles::delete(&db, &ada, "acme", "admin", now)
            .await
            .unwrap_err()
            .code,
        ErrorCode::Conflict
    );

    // Preview before saving: vic would gain members.invite (and members.read) and lose audit.read.
    let preview = roles::preview(
        &db,
        &adam,
        "acme",
        "auditor",
        &PreviewInput {
            permissions: vec!["members.invite".into()],
        },
    )
    .await
    .unwrap();
    assert_eq!(preview.gains.len(), 1);
    assert_eq!(preview.gains[0].username, "vic");
    assert!(
        preview.gains[0]
            .permissions
            .contains(&"members.invite".to_string())
    );
    assert_eq!(
        preview.losses[0].permissions,
        vec!["audit.read".to_string()]
    );

    // An edit made against stale permissions is refused.
    let stale = RoleRow {
        name: "auditor".into(),
        title: String::new(),
        description: String::new(),
        permissions: vec!["members.invite".into()],
    };
    assert!(
        store::roles::update(
            &db,
            &org.id,
            &stale,
            &["something.else".to_string()],
            &crate::support::unchecked(&org.id),
            now,
            &crate::support::audit()
        )
        .await
        .is_err()
    );
    let edited = roles::update(
        &db,
        &adam,
        "acme",
        "auditor",
        &RoleUpdate {
            permissions: Some(vec!["members.invite".into()]),
            ..Default::default()
        },
        now,
    )
    .await
    .unwrap();
    assert!(edited.permissions.contains(&"members.invite".to_string()));
    assert!(
        org_access::resolve(&db, &vic, "acme")
            .await
            .unwrap()
            .permissions
            .contains(Permission::MembersInvite)
    );

    // Deleting: holders fall back to no role.
    assert_eq!(
        roles::role_holders(&db, &ada, "acme", "auditor")
            .await
            .unwrap(),
        vec!["vic".to_string()]
    );
    roles::delete(&db, &adam, "acme", "auditor", now)
        .await
        .unwrap();
    let err = organizations::get(&db, &vic, "acme").await.unwrap_err();
    assert_eq!(
        err.code,
        ErrorCode::Forbidden,
        "still a member, with no permission"
    );
    let listed = roles::list(&db, &ada, "acme").await.unwrap();
    assert!(listed.iter().all(|r| r.name != "auditor"));
}

#[tokio::test]
async fn a_grant_checked_against_a_role_that_changed_meanwhile_is_refused() {
    use app::store::Guard;
    use app::store::rights::{CheckedCaller, RightsSeen};
    let db = db().await;
    let now = Utc::now();
    let ada_id = quick_user(&db, "ada").await;
    let ada = as_user(&ada_id, "ada");
    let org = organizations::create(
        &db,
        &ada,
        &NewOrganization {
            name: "acme".into(),
            display_name: None,
        },
        now,
    )
    .await
    .unwrap();
    let vic_id = quick_user(&db, "vic").await;
    store::memberships::add(&db, &org.id, &vic_id, "viewer", &[], now)
        .await
        .unwrap();
    roles::create(&db, &ada, "acme", &role("auditor", &["audit.read"]), now)
        .await
        .unwrap();
    // The escalation check saw ["members.read"]; the role now carries something else: the
    // write refuses.
    let seen = |permissions: &[&str]| {
        let mut seen = RightsSeen::new(
            &org.id,
            CheckedCaller::Member {
                user: ada_id.clone(),
                role: "owner".into(),
                token: None,
            },
        );
        let permissions: Vec<String> = permissions.iter().map(|p| p.to_string()).collect();
        seen.saw_role("auditor", &permissions);
        seen
    };
    let err = store::memberships::change_role(
        &db,
        &org.id,
        &vic_id,
        "auditor",
        &seen(&["members.read"]),
        &crate::support::audit(),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, Guard::RoleChanged));
    store::memberships::change_role(
        &db,
        &org.id,
        &vic_id,
        "auditor",
        &seen(&["audit.read"]),
        &crate::support::audit(),
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn holder_counts_include_groups_and_new_is_reserved() {
    let crate::projects::Fixture { db, org_id } =
        crate::projects::acme(&[("eve", "editor"), ("gil", ""), ("hal", "")]).await;
    let now = Utc::now();
    let ada = crate::projects::who(&db, "ada").await;
    let err = roles::create(&db, &ada, "acme", &role("new", &["org.read"]), now)
        .await
        .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("name"));
    app::service::groups::create(
        &db,
        &ada,
        "acme",
        &app::domain::group::NewGroup {
            name: "eds".into(),
            description: None,
            role: Some("editor".into()),
            members: vec![],
        },
        now,
    )
    .await
    .unwrap();
    for who in ["eve", "gil"] {
        app::service::groups::add_member(&db, &ada, "acme", "eds", who, now)
            .await
            .unwrap();
    }
    let listed = roles::list(&db, &ada, "acme").await.unwrap();
    let editor = listed.iter().find(|r| r.name == "editor").unwrap();
    // eve directly and through the group (once), gil through the group.
    assert_eq!((editor.holders, editor.groups), (2, 1));
    let owner = listed.iter().find(|r| r.name == "owner").unwrap();
    assert_eq!((owner.holders, owner.groups), (1, 0));
    let _ = org_id;
}
