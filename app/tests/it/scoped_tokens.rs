//! User tokens limited to one organization and a role level (issue 16.11): the token acts
//! only there, with what both its user and the level hold, on projects too; anywhere else it
//! gets 404 (organizations) or 403 (the rest); creation checks the limit.

use crate::projects::{Fixture, acme, who};
use crate::support::quick_user;
use app::domain::invitation::NewInvitationInput;
use app::domain::organization::NewOrganization;
use app::domain::permission::Permission;
use app::domain::project::{NewProject, ProjectUpdate};
use app::domain::role::NewRole;
use app::domain::token::NewUserToken;
use app::error::ErrorCode;
use app::service::principal::Principal;
use app::service::{accounts, org_access, organizations, projects, roles, token_scope, tokens};
use app::store::Db;
use chrono::Utc;

fn limited(org: Option<&str>, role: Option<&str>) -> NewUserToken {
    NewUserToken {
        description: "limited".into(),
        organization: org.map(str::to_string),
        role: role.map(str::to_string),
        ..Default::default()
    }
}

/// The caller a new token of `who` limited to `org`/`role` acts as.
async fn token_of(db: &Db, who: &Principal, org: &str, role: Option<&str>) -> Principal {
    let created = tokens::create_user_token(db, who, &limited(Some(org), role), Utc::now())
        .await
        .unwrap();
    assert_eq!(created.info.organization.as_deref(), Some(org));
    assert_eq!(created.info.role.as_deref(), role);
    tokens::authenticate(db, &created.token, "192.0.2.1", Utc::now())
        .await
        .unwrap()
}

#[tokio::test]
async fn a_limited_token_acts_only_in_its_organization_at_its_level() {
    let Fixture { db, .. } = acme(&[("eve", "admin")]).await;
    let now = Utc::now();
    let eve = who(&db, "eve").await;
    organizations::create(
        &db,
        &eve,
        &NewOrganization {
            name: "beta".into(),
            display_name: None,
        },
        now,
    )
    .await
    .unwrap();
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

    // At the Viewer level: reads, never writes, even on the project eve owns.
    let viewer = token_of(&db, &eve, "acme", Some("viewer")).await;
    let access = org_access::resolve(&db, &viewer, "acme").await.unwrap();
    assert!(access.permissions.contains(Permission::MembersRead));
    assert!(!access.permissions.contains(Permission::MembersInvite));
    assert!(!access.is_owner());
    let invite = NewInvitationInput {
        email: "new@example.org".into(),
        role: "viewer".into(),
        groups: None,
    };
    let err =
        app::service::invitations::invite(&db, &viewer, "acme", &invite, "https://gh.example", now)
            .await
            .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    let detail = projects::get(&db, &viewer, "acme", "site").await.unwrap();
    assert_eq!(detail.project.name, "site");
    let err = projects::update(
        &db,
        &viewer,
        "acme",
        "site",
        &ProjectUpdate {
            description: Some("changed".into()),
            ..Default::default()
        },
        now,
    )
    .await
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    let err = projects::delete(&db, &viewer, "acme", "site", now)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);

    // Anywhere else: 404 for another organization (eve owns it), 403 for the rest.
    let err = org_access::resolve(&db, &viewer, "beta").await.unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
    let err = organizations::mine(&db, &viewer).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    let err = organizations::create(
        &db,
        &viewer,
        &NewOrganization {
            name: "gamma".into(),
            display_name: None,
        },
        now,
    )
    .await
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    assert_eq!(accounts::me(&db, &viewer).await.unwrap().username, "eve");

    // At the Editor level: creates projects; without a level: eve's own rights there.
    let editor = token_of(&db, &eve, "acme", Some("editor")).await;
    projects::create(
        &db,
        &editor,
        "acme",
        &NewProject {
            name: "docs".into(),
            description: None,
        },
        now,
    )
    .await
    .unwrap();
    let own = token_of(&db, &eve, "acme", None).await;
    let access = org_access::resolve(&db, &own, "acme").await.unwrap();
    assert!(access.permissions.contains(Permission::MembersInvite));
    assert_eq!(
        org_access::resolve(&db, &own, "beta")
            .await
            .unwrap_err()
            .code,
        ErrorCode::NotFound
    );

    // A level above the user's own rights gives no more than the user has.
    let vic_id = quick_user(&db, "vic").await;
    app::store::memberships::add(
        &db,
        &org_access::resolve(&db, &eve, "acme").await.unwrap().org.id,
        &vic_id,
        "viewer",
        &[],
        now,
    )
    .await
    .unwrap();
    let vic = who(&db, "vic").await;
    let high = token_of(&db, &vic, "acme", Some("admin")).await;
    let access = org_access::resolve(&db, &high, "acme").await.unwrap();
    assert!(!access.permissions.contains(Permission::MembersInvite));
    assert!(access.permissions.contains(Permission::MembersRead));
}

#[tokio::test]
async fn a_custom_level_and_the_limits_checked_at_creation() {
    let Fixture { db, .. } = acme(&[("eve", "admin")]).await;
    let now = Utc::now();
    let eve = who(&db, "eve").await;
    roles::create(
        &db,
        &eve,
        "acme",
        &NewRole {
            name: "auditor".into(),
            title: Some("Auditor".into()),
            description: None,
            permissions: vec!["audit.read".into()],
        },
        now,
    )
    .await
    .unwrap();
    let created =
        tokens::create_user_token(&db, &eve, &limited(Some("acme"), Some("auditor")), now)
            .await
            .unwrap();
    let auditor_token = created.token;
    let auditor = tokens::authenticate(&db, &auditor_token, "192.0.2.1", now)
        .await
        .unwrap();
    let access = org_access::resolve(&db, &auditor, "acme").await.unwrap();
    assert!(access.permissions.contains(Permission::AuditRead));
    assert!(!access.permissions.contains(Permission::MembersRead));

    // The choices: acme with the built-in levels below Owner and its custom role.
    let choices = token_scope::choices(&db, &eve).await.unwrap();
    assert_eq!(choices.len(), 1);
    let names: Vec<&str> = choices[0].levels.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["admin", "editor", "viewer", "auditor"]);

    // Its level deleted, the token holds nothing there, even once a role of that name
    // comes back.
    roles::delete(&db, &eve, "acme", "auditor", now)
        .await
        .unwrap();
    roles::create(
        &db,
        &eve,
        "acme",
        &NewRole {
            name: "auditor".into(),
            title: None,
            description: None,
            permissions: vec!["audit.read".into(), "members.read".into()],
        },
        now,
    )
    .await
    .unwrap();
    let auditor = tokens::authenticate(&db, &auditor_token, "192.0.2.1", now)
        .await
        .unwrap();
    let access = org_access::resolve(&db, &auditor, "acme").await.unwrap();
    assert!(access.permissions.is_empty());
    let auditor = token_of(&db, &eve, "acme", Some("auditor")).await;

    // A limited token cannot make its user leave; an organization token's revocation
    // never reaches a user token.
    let err = app::service::members::remove(&db, &auditor, "acme", "eve", now)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    let mine = tokens::list_user_tokens(&db, &eve).await.unwrap();
    let err =
        app::service::org_tokens::revoke(&db, &who(&db, "ada").await, "acme", &mine[0].id, now)
            .await
            .unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);

    let refused = |org: Option<&'static str>, role: Option<&'static str>, admin: bool| {
        let (db, eve) = (db.clone(), eve.clone());
        async move {
            let mut new = limited(org, role);
            new.admin = admin;
            tokens::create_user_token(&db, &eve, &new, Utc::now())
                .await
                .unwrap_err()
        }
    };
    for (org, role, field) in [
        (None, Some("viewer"), "role"),
        (Some("nowhere"), None, "organization"),
        (Some("acme"), Some("owner"), "role"),
        (Some("acme"), Some("ghost"), "role"),
    ] {
        let err = refused(org, role, false).await;
        assert_eq!(err.code, ErrorCode::Validation, "{org:?} {role:?}");
        assert_eq!(err.field.as_deref(), Some(field), "{org:?} {role:?}");
    }
    // The admin scope with a limit: refused (eve holds no instance role: 403 first).
    let err = refused(Some("acme"), None, true).await;
    assert_eq!(err.code, ErrorCode::Forbidden);

    // A limited token cannot make tokens, and once eve leaves acme it reaches nothing.
    let err = tokens::create_user_token(&db, &auditor, &limited(None, None), now)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    let org_id = org_access::resolve(&db, &eve, "acme").await.unwrap().org.id;
    let eve_id = app::store::users::by_login(&db, "eve")
        .await
        .unwrap()
        .unwrap()
        .id;
    db.query("DELETE type::record('membership', [$org, $user])")
        .bind(("org", org_id.to_string()))
        .bind(("user", eve_id.to_string()))
        .await
        .unwrap()
        .check()
        .unwrap();
    let err = org_access::resolve(&db, &auditor, "acme")
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
}

/// An invitation sent through a limited token stands only while the token does: revoked, the
/// invitation no longer gives anything.
#[tokio::test]
async fn an_invitation_sent_through_a_limited_token_ends_with_it() {
    let Fixture { db, .. } = acme(&[("eve", "admin")]).await;
    let now = Utc::now();
    let eve = who(&db, "eve").await;
    let created = tokens::create_user_token(&db, &eve, &limited(Some("acme"), Some("admin")), now)
        .await
        .unwrap();
    let bot = tokens::authenticate(&db, &created.token, "192.0.2.1", now)
        .await
        .unwrap();
    let invite = |email: &str| NewInvitationInput {
        email: email.into(),
        role: "viewer".into(),
        groups: None,
    };
    let link = |invited: app::domain::invitation::Invitation| {
        invited
            .accept_url
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .to_string()
    };
    let kept = app::service::invitations::invite(
        &db,
        &bot,
        "acme",
        &invite("kept@example.org"),
        "https://gh.example",
        now,
    )
    .await
    .unwrap();
    let signup = |name: &str| app::domain::invitation::InvitationSignup {
        username: name.into(),
        password: app::domain::password::Password::new(crate::support::PASSWORD),
    };
    app::service::invitations::sign_up(&db, &link(kept), &signup("kept"), "192.0.2.1", now)
        .await
        .unwrap();
    let lost = app::service::invitations::invite(
        &db,
        &bot,
        "acme",
        &invite("lost@example.org"),
        "https://gh.example",
        now,
    )
    .await
    .unwrap();
    tokens::revoke_user_token(&db, &eve, &created.info.id, now)
        .await
        .unwrap();
    let err =
        app::service::invitations::sign_up(&db, &link(lost), &signup("lost"), "192.0.2.1", now)
            .await
            .unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict, "{}", err.message);
}
