//! Organization and group tokens: the escalation guard, acting with a role, confinement to
//! their organization, and their end with the group or the organization.

use crate::projects::{Fixture, acme, who};
use crate::support::{as_user, quick_user};
use app::domain::group::{GroupUpdate, NewGroup};
use app::domain::invitation::NewInvitationInput;
use app::domain::organization::NewOrganization;
use app::domain::project::NewProject;
use app::domain::role::NewRole;
use app::domain::token::{NewGroupToken, NewOrganizationToken};
use app::error::ErrorCode;
use app::service::groups;
use app::service::invitations;
use app::service::members;
use app::service::org_tokens;
use app::service::organizations;
use app::service::projects;
use app::service::roles;
use app::service::tokens;
use app::store;
use chrono::{Duration, Utc};

fn org_token(role: &str) -> NewOrganizationToken {
    NewOrganizationToken {
        description: format!("CI as {role}"),
        role: role.into(),
        expires_in_days: Some(30),
    }
}

#[tokio::test]
async fn organization_tokens_act_with_their_role_only_in_their_organization() {
    let Fixture { db, org_id } = acme(&[("adam", "admin"), ("tim", "")]).await;
    let now = Utc::now();
    let ada = who(&db, "ada").await;
    let adam = who(&db, "adam").await;

    // tim may manage tokens but holds little else: he cannot mint a Viewer token.
    roles::create(
        &db,
        &ada,
        "acme",
        &NewRole {
            name: "token-keeper".into(),
            title: None,
            description: None,
            permissions: vec!["tokens.manage".into(), "members.read".into()],
        },
        now,
    )
    .await
    .unwrap();
    let tim_id = store::users::by_login(&db, "tim")
        .await
        .unwrap()
        .unwrap()
        .id;
    store::memberships::change_role(
        &db,
        &org_id,
        &tim_id,
        "token-keeper",
        &crate::support::unchecked(&org_id),
        &crate::support::audit(),
    )
    .await
    .unwrap();
    let tim = who(&db, "tim").await;
    let err = org_tokens::create(&db, &tim, "acme", &org_token("viewer"), now)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    // ...but one with his own role, yes.
    org_tokens::create(&db, &tim, "acme", &org_token("token-keeper"), now)
        .await
        .unwrap();
    // An admin cannot mint an Owner token, nor a role that does not exist.
    let err = org_tokens::create(&db, &adam, "acme", &org_token("owner"), now)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    let err = org_tokens::create(&db, &ada, "acme", &org_token("owner"), now)
        .await
        .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("role"));
    let err = org_tokens::create(&db, &ada, "acme", &org_token("wizard"), now)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Validation);

    let created = org_tokens::create(&db, &adam, "acme", &org_token("viewer"), now)
        .await
        .unwrap();
    assert!(created.token.starts_with("gto_"));
    assert_eq!(created.info.role.as_deref(), Some("viewer"));
    assert_eq!(created.info.created_by.as_deref(), Some("adam"));
    let listed = org_tokens::list(&db, &ada, "acme").await.unwrap();
    assert_eq!(listed.len(), 2);
    assert!(listed.iter().all(|t| !t.prefix.is_empty()));

    // It acts as a Viewer: reads members, cannot invite, cannot own a project, and is not a
    // person for account endpoints.
    let bot = tokens::authenticate(&db, &created.token, "192.0.2.1", now)
        .await
        .unwrap();
    assert_eq!(
        members::list(&db, &bot, "acme", None, None, None, None)
            .await
            .unwrap()
            .items
            .len(),
        3
    );
    let err = invitations::invite(
        &db,
        &bot,
        "acme",
        &NewInvitationInput {
            email: "new@example.org".into(),
            role: "viewer".into(),
            groups: None,
        },
        "http://gatehouse.test",
        now,
    )
    .await
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    let err = projects::create(
        &db,
        &bot,
        "acme",
        &NewProject {
            name: "x".into(),
            description: None,
        },
        now,
    )
    .await
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    assert_eq!(
        organizations::mine(&db, &bot).await.unwrap_err().code,
        ErrorCode::Forbidden
    );

    // Another organization: 404, as if it did not exist.
    let zed_id = quick_user(&db, "zed").await;
    organizations::create(
        &db,
        &as_user(&zed_id, "zed"),
        &NewOrganization {
            name: "other".into(),
            display_name: None,
        },
        now,
    )
    .await
    .unwrap();
    let err = members::list(&db, &bot, "other", None, None, None, None)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);

    // Revoked: 401 at once; a stranger's revoke is 404; expiry ends it too.
    let err = org_tokens::revoke(&db, &adam, "other", &created.info.id, now)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
    org_tokens::revoke(&db, &adam, "acme", &created.info.id, now)
        .await
        .unwrap();
    let err = tokens::authenticate(&db, &created.token, "192.0.2.1", now)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Unauthenticated);
    let short = org_tokens::create(&db, &adam, "acme", &org_token("viewer"), now)
        .await
        .unwrap();
    assert!(
        tokens::authenticate(&db, &short.token, "192.0.2.1", now + Duration::days(31))
            .await
            .is_err()
    );

    // Deleting the organization ends its tokens.
    organizations::delete(&db, &ada, "acme", Some("acme"), now)
        .await
        .unwrap();
    let err = tokens::authenticate(&db, &short.token, "192.0.2.1", now)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Unauthenticated);
}

#[tokio::test]
async fn group_tokens_act_with_the_groups_current_role_and_end_with_the_group() {
    let Fixture { db, .. } = acme(&[("adam", "admin"), ("eve", "editor")]).await;
    let now = Utc::now();
    let ada = who(&db, "ada").await;
    let adam = who(&db, "adam").await;
    groups::create(
        &db,
        &ada,
        "acme",
        &NewGroup {
            name: "ops".into(),
            description: None,
            role: Some("viewer".into()),
            members: vec![],
        },
        now,
    )
    .await
    .unwrap();
    groups::create(
        &db,
        &ada,
        "acme",
        &NewGroup {
            name: "bosses".into(),
            description: None,
            role: Some("owner".into()),
            members: vec![],
        },
        now,
    )
    .await
    .unwrap();
    let input = NewGroupToken {
        description: "deploys".into(),
        expires_in_days: None,
    };
    // An admin cannot mint a token for a group of owners.
    let err = org_tokens::create_group(&db, &adam, "acme", "bosses", &input, now)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    let created = org_tokens::create_group(&db, &adam, "acme", "ops", &input, now)
        .await
        .unwrap();
    assert!(created.token.starts_with("gtg_"));
    assert_eq!(
        org_tokens::list_group(&db, &ada, "acme", "ops")
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(
        org_tokens::list(&db, &ada, "acme")
            .await
            .unwrap()
            .is_empty()
    );
    let bot = tokens::authenticate(&db, &created.token, "192.0.2.1", now)
        .await
        .unwrap();
    assert!(
        members::list(&db, &bot, "acme", None, None, None, None)
            .await
            .is_ok()
    );
    // The group loses its role: so does the token.
    groups::update(
        &db,
        &ada,
        "acme",
        "ops",
        &GroupUpdate {
            role: Some(None),
            ..Default::default()
        },
        now,
    )
    .await
    .unwrap();
    let err = members::list(&db, &bot, "acme", None, None, None, None)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    // Revoking through the wrong group is 404.
    let err = org_tokens::revoke_group(&db, &ada, "acme", "bosses", &created.info.id, now)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
    // Deleting the group ends the token.
    groups::delete(&db, &ada, "acme", "ops", now).await.unwrap();
    let err = tokens::authenticate(&db, &created.token, "192.0.2.1", now)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Unauthenticated);
    // Without tokens.manage: nothing.
    let eve = who(&db, "eve").await;
    let err = org_tokens::list_group(&db, &eve, "acme", "bosses")
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
}
