//! Groups and invitations through the service layer.

use crate::support::{PASSWORD, as_user, db, quick_user};
use app::domain::group::{GroupUpdate, NewGroup};
use app::domain::ids::OrgId;
use app::domain::invitation::{InvitationSignup, NewInvitationInput};
use app::domain::organization::NewOrganization;
use app::domain::password::Password;
use app::domain::permission::Permission;
use app::error::ErrorCode;
use app::service::groups;
use app::service::invitations;
use app::service::org_access;
use app::service::organizations;
use app::service::principal::Principal;
use app::store::{self, Db};
use chrono::{Duration, Utc};

async fn setup(db: &Db) -> (OrgId, Principal) {
    let id = quick_user(db, "ada").await;
    let ada = as_user(&id, "ada");
    let org = organizations::create(
        db,
        &ada,
        &NewOrganization {
            name: "acme".into(),
            display_name: None,
        },
        Utc::now(),
    )
    .await
    .unwrap();
    (org.id, ada)
}

async fn member(db: &Db, org_id: &OrgId, name: &str, role: &str) -> Principal {
    let id = quick_user(db, name).await;
    store::memberships::add(db, org_id, &id, role, &[], Utc::now())
        .await
        .unwrap();
    as_user(&id, name)
}

fn group(name: &str, role: Option<&str>) -> NewGroup {
    NewGroup {
        name: name.into(),
        description: Some("The builders".into()),
        role: role.map(Into::into),
        members: vec![],
    }
}

#[tokio::test]
async fn members_inherit_their_groups_roles() {
    let db = db().await;
    let (org_id, ada) = setup(&db).await;
    let vic = member(&db, &org_id, "vic", "viewer").await;
    let adam = member(&db, &org_id, "adam", "admin").await;
    let now = Utc::now();

    assert_eq!(
        groups::create(&db, &vic, "acme", &group("devs", None), now)
            .await
            .unwrap_err()
            .code,
        ErrorCode::Forbidden
    );
    // An admin cannot hand a group the Owner role (escalation guard).
    assert_eq!(
        groups::create(&db, &adam, "acme", &group("bosses", Some("owner")), now)
            .await
            .unwrap_err()
            .code,
        ErrorCode::Forbidden
    );
    let devs = groups::create(&db, &adam, "acme", &group("Devs", Some("editor")), now)
        .await
        .unwrap();
    assert_eq!(
        (devs.name.as_str(), devs.role.as_deref()),
        ("devs", Some("editor"))
    );
    assert_eq!(
        groups::create(&db, &ada, "acme", &group("devs", None), now)
            .await
            .unwrap_err()
            .field
            .as_deref(),
        Some("name")
    );

    let before = org_access::resolve(&db, &vic, "acme").await.unwrap();
    assert!(!before.permissions.contains(Permission::ProjectsCreate));
    groups::add_member(&db, &adam, "acme", "devs", "vic", now)
        .await
        .unwrap();
    let after = org_access::resolve(&db, &vic, "acme").await.unwrap();
    assert!(after.permissions.contains(Permission::ProjectsCreate));
    // Outsiders cannot join.
    quick_user(&db, "eve").await;
    assert_eq!(
        groups::add_member(&db, &adam, "acme", "devs", "eve", now)
            .await
            .unwrap_err()
            .field
            .as_deref(),
        Some("username")
    );

    let detail = groups::get(&db, &vic, "acme", "devs").await.unwrap();
    assert_eq!(detail.group.members_count, 1);
    assert_eq!(detail.members[0].username, "vic");
    let listed = groups::list(&db, &vic, "acme").await.unwrap();
    assert_eq!(listed.len(), 1);

    let renamed = groups::update(
        &db,
        &adam,
        "acme",
        "devs",
        &GroupUpdate {
            name: Some("builders".into()),
            role: Some(None),
            ..Default::default()
        },
        now,
    )
    .await
    .unwrap();
    assert_eq!((renamed.name.as_str(), renamed.role), ("builders", None));
    assert!(
        !org_access::resolve(&db, &vic, "acme")
            .await
            .unwrap()
            .permissions
            .contains(Permission::ProjectsCreate)
    );
    assert_eq!(
        groups::get(&db, &vic, "acme", "devs")
            .await
            .unwrap_err()
            .code,
        ErrorCode::NotFound
    );
    groups::remove_member(&db, &adam, "acme", "builders", "vic", now)
        .await
        .unwrap();
    groups::delete(&db, &adam, "acme", "builders", now)
        .await
        .unwrap();
    assert!(groups::list(&db, &ada, "acme").await.unwrap().is_empty());
    // The name is free again.
    groups::create(&db, &ada, "acme", &group("builders", None), now)
        .await
        .unwrap();
}

fn invite_input(email: &str, role: &str, groups: &[&str]) -> NewInvitationInput {
    NewInvitationInput {
        email: email.into(),
        role: role.into(),
        groups: Some(groups.iter().map(|g| g.to_string()).collect()),
    }
}

fn token_of(url: &str) -> String {
    url.rsplit('/').next().unwrap().to_string()
}

#[tokio::test]
async fn an_invitation_is_accepted_once_by_its_address() {
    let db = db().await;
    let (org_id, ada) = setup(&db).await;
    let now = Utc::now();
    groups::create(&db, &ada, "acme", &group("devs", Some("editor")), now)
        .await
        .unwrap();
    let base = "https://gh.example";

    let invitation = invitations::invite(
        &db,
        &ada,
        "acme",
        &invite_input("Bob@Example.org", "viewer", &["devs"]),
        base,
        now,
    )
    .await
    .unwrap();
    assert_eq!(invitation.email, "bob@example.org");
    assert_eq!(invitation.groups, vec!["devs".to_string()]);
    assert_eq!(invitation.invited_by.as_deref(), Some("ada"));
    let url = invitation.accept_url.clone().unwrap();
    assert!(url.starts_with("https://gh.example/invitations/"));
    let mail = &store::outbox::newest(&db, None, 1).await.unwrap()[0];
    assert_eq!(mail.recipient, "bob@example.org");
    assert!(mail.body.contains(&url));

    // A pending address and a member's address are refused.
    let again = invitations::invite(
        &db,
        &ada,
        "acme",
        &invite_input("bob@example.org", "viewer", &[]),
        base,
        now,
    )
    .await
    .unwrap_err();
    assert_eq!(again.code, ErrorCode::Conflict);
    let member_addr = invitations::invite(
        &db,
        &ada,
        "acme",
        &invite_input("ada@example.org", "viewer", &[]),
        base,
        now,
    )
    .await
    .unwrap_err();
    assert_eq!(member_addr.code, ErrorCode::AlreadyMember);
    let unknown_group = invitations::invite(
        &db,
        &ada,
        "acme",
        &invite_input("x@example.org", "viewer", &["nope"]),
        base,
        now,
    )
    .await
    .unwrap_err();
    assert_eq!(unknown_group.field.as_deref(), Some("groups"));
    assert_eq!(
        invitations::list(&db, &ada, "acme", now)
            .await
            .unwrap()
            .len(),
        1
    );

    let token = token_of(&url);
    let public = invitations::view(&db, &token, now).await.unwrap();
    assert_eq!(
        (public.organization.as_str(), public.role.as_str()),
        ("acme", "viewer")
    );

    // Someone else's account cannot accept it.
    let eve_id = quick_user(&db, "eve").await;
    let eve = as_user(&eve_id, "eve");
    assert_eq!(
        invitations::accept(&db, &eve, &token, now)
            .await
            .unwrap_err()
            .code,
        ErrorCode::Forbidden
    );
    let bob_id = quick_user(&db, "bob").await;
    let bob = as_user(&bob_id, "bob");
    assert_eq!(
        invitations::accept(&db, &bob, &token, now).await.unwrap(),
        "acme"
    );
    let access = org_access::resolve(&db, &bob, "acme").await.unwrap();
    assert_eq!(access.role, "viewer");
    assert!(
        access.permissions.contains(Permission::ProjectsCreate),
        "from the devs group"
    );
    // Twice: the one generic answer.
    let twice = invitations::accept(&db, &bob, &token, now)
        .await
        .unwrap_err();
    assert_eq!(twice.code, ErrorCode::NotFound);
    assert!(
        invitations::list(&db, &ada, "acme", now)
            .await
            .unwrap()
            .is_empty()
    );
    let _ = org_id;
}

#[tokio::test]
async fn resend_revoke_expire_decline_and_sign_up_through_the_link() {
    let db = db().await;
    let (_, ada) = setup(&db).await;
    let now = Utc::now();
    let base = "http://gh.test";
    let first = invitations::invite(
        &db,
        &ada,
        "acme",
        &invite_input("carol@example.org", "editor", &[]),
        base,
        now,
    )
    .await
    .unwrap();
    let old = token_of(first.accept_url.as_deref().unwrap());
    let resent = invitations::resend(&db, &ada, "acme", &first.id, base, now)
        .await
        .unwrap();
    let new = token_of(resent.accept_url.as_deref().unwrap());
    assert_ne!(old, new);
    assert_eq!(
        invitations::view(&db, &old, now).await.unwrap_err().code,
        ErrorCode::NotFound
    );
    // Expires after 7 days.
    assert!(
        invitations::view(&db, &new, now + Duration::days(7) + Duration::seconds(1))
            .await
            .is_err()
    );

    // Sign-up through the link works even when sign-up is invite-only, and verifies the email.
    db.query("UPDATE setting:instance SET signup_mode = 'invite_only'")
        .await
        .unwrap();
    let user = invitations::sign_up(
        &db,
        &new,
        &InvitationSignup {
            username: "carol".into(),
            password: Password::new(PASSWORD),
        },
        "192.0.2.1",
        now,
    )
    .await
    .unwrap();
    assert!(user.email_verified);
    assert_eq!(user.email, "carol@example.org");
    assert!(invitations::view(&db, &new, now).await.is_err());

    // Revoke and decline kill links.
    let dan = invitations::invite(
        &db,
        &ada,
        "acme",
        &invite_input("dan@example.org", "viewer", &[]),
        base,
        now,
    )
    .await
    .unwrap();
    invitations::revoke(&db, &ada, "acme", &dan.id, now)
        .await
        .unwrap();
    assert!(
        invitations::view(&db, &token_of(dan.accept_url.as_deref().unwrap()), now)
            .await
            .is_err()
    );
    let erin = invitations::invite(
        &db,
        &ada,
        "acme",
        &invite_input("erin@example.org", "viewer", &[]),
        base,
        now,
    )
    .await
    .unwrap();
    let erin_token = token_of(erin.accept_url.as_deref().unwrap());
    invitations::decline(&db, &erin_token, "192.0.2.1", now)
        .await
        .unwrap();
    assert_eq!(
        invitations::decline(&db, &erin_token, "192.0.2.1", now)
            .await
            .unwrap_err()
            .code,
        ErrorCode::NotFound
    );
    // After a revoke the address may be invited again.
    invitations::invite(
        &db,
        &ada,
        "acme",
        &invite_input("dan@example.org", "viewer", &[]),
        base,
        now,
    )
    .await
    .unwrap();
}

/// The invited person sees the live invitations addressed to their verified email and answers
/// them in place, without the link; nobody else's, and none before the email is verified.
#[tokio::test]
async fn the_invited_see_their_invitations_and_answer_them_in_place() {
    let db = db().await;
    let (_, ada) = setup(&db).await;
    let now = Utc::now();
    let base = "http://gatehouse.test";
    let beta = NewOrganization {
        name: "beta".into(),
        display_name: Some("Beta".into()),
    };
    organizations::create(&db, &ada, &beta, now).await.unwrap();
    for (org, email, role) in [
        ("acme", "bob@example.org", "viewer"),
        ("beta", "bob@example.org", "editor"),
        ("acme", "eve@example.org", "viewer"),
        ("acme", "carl@example.org", "viewer"),
    ] {
        invitations::invite(&db, &ada, org, &invite_input(email, role, &[]), base, now)
            .await
            .unwrap();
    }
    let bob = as_user(&quick_user(&db, "bob").await, "bob");
    let eve = as_user(&quick_user(&db, "eve").await, "eve");
    let carl = as_user(&quick_user(&db, "carl").await, "carl");
    db.query("UPDATE user SET email_verified = false WHERE username = 'carl'")
        .await
        .unwrap()
        .check()
        .unwrap();

    let mut mine = invitations::mine(&db, &bob, now).await.unwrap();
    mine.sort_by(|a, b| a.organization.cmp(&b.organization));
    let seen: Vec<(&str, &str)> = mine
        .iter()
        .map(|i| (i.organization.as_str(), i.role.as_str()))
        .collect();
    assert_eq!(seen, vec![("acme", "viewer"), ("beta", "editor")]);
    assert_eq!(mine[0].invited_by.as_deref(), Some("ada"));
    let (acme_id, beta_id) = (mine[0].id.clone(), mine[1].id.clone());

    // Someone else's: 404 either way.
    for err in [
        invitations::accept_mine(&db, &eve, &acme_id, now)
            .await
            .unwrap_err(),
        invitations::decline_mine(&db, &eve, &beta_id, now)
            .await
            .unwrap_err(),
    ] {
        assert_eq!(err.code, ErrorCode::NotFound);
    }
    assert_eq!(invitations::mine(&db, &eve, now).await.unwrap().len(), 1);
    // An unverified address sees none and answers none.
    assert!(invitations::mine(&db, &carl, now).await.unwrap().is_empty());
    let carl_id = invitations::list(&db, &ada, "acme", now)
        .await
        .unwrap()
        .into_iter()
        .find(|i| i.email == "carl@example.org")
        .unwrap()
        .id;
    let refused = invitations::accept_mine(&db, &carl, &carl_id, now).await;
    assert_eq!(refused.unwrap_err().code, ErrorCode::NotFound);

    // Accepted in place: a member with the invited role; the invitation is used up.
    assert_eq!(
        invitations::accept_mine(&db, &bob, &acme_id, now)
            .await
            .unwrap(),
        "acme"
    );
    let access = org_access::resolve(&db, &bob, "acme").await.unwrap();
    assert_eq!(access.role, "viewer");
    let again = invitations::accept_mine(&db, &bob, &acme_id, now).await;
    assert_eq!(again.unwrap_err().code, ErrorCode::NotFound);
    // Declined in place: gone, and beta stays closed to him.
    invitations::decline_mine(&db, &bob, &beta_id, now)
        .await
        .unwrap();
    assert!(invitations::mine(&db, &bob, now).await.unwrap().is_empty());
    let closed = org_access::resolve(&db, &bob, "beta").await;
    assert_eq!(closed.unwrap_err().code, ErrorCode::NotFound);
    // Expired invitations are not offered.
    let later = now + Duration::days(8);
    assert!(
        invitations::mine(&db, &eve, later)
            .await
            .unwrap()
            .is_empty()
    );
}

/// The header's menu counts the live invitations addressed to the caller's verified email,
/// read with the organizations in one round trip.
#[tokio::test]
async fn the_header_menu_counts_waiting_invitations_in_one_round_trip() {
    use app::store::round_trips::counted;
    let db = db().await;
    let (_, ada) = setup(&db).await;
    let now = Utc::now();
    invitations::invite(
        &db,
        &ada,
        "acme",
        &invite_input("bob@example.org", "viewer", &[]),
        "http://gatehouse.test",
        now,
    )
    .await
    .unwrap();
    crate::support::account(&db, "bob", now).await;
    let secret = crate::clock::login(&db, "bob", PASSWORD, now)
        .await
        .unwrap();
    let bob = app::service::sessions::principal(&db, &secret, now)
        .await
        .unwrap();
    let (menu, trips) = counted(organizations::menu(&db, &bob, now)).await;
    let menu = menu.unwrap();
    assert_eq!(trips, 1);
    assert!(menu.organizations.is_empty());
    assert_eq!(
        menu.pending_invitations, 0,
        "the address is not verified yet"
    );
    db.query("UPDATE user SET email_verified = true WHERE username = 'bob'")
        .await
        .unwrap()
        .check()
        .unwrap();
    let bob = app::service::sessions::principal(&db, &secret, now)
        .await
        .unwrap();
    assert_eq!(
        organizations::menu(&db, &bob, now)
            .await
            .unwrap()
            .pending_invitations,
        1
    );
    let ada_menu = organizations::menu(&db, &ada, now).await.unwrap();
    assert_eq!(ada_menu.organizations.len(), 1);
    assert_eq!(ada_menu.pending_invitations, 0);
}

/// Accepting in place names the invitation as it was checked: one revoked and sent again (the
/// same id for the same organization and address) since is refused as changed, never
/// accepted with what the new one gives.
#[tokio::test]
async fn an_invitation_accepted_in_place_must_be_the_one_checked() {
    use app::store::Guard;
    use app::store::invitations::InvitationKey;
    let db = db().await;
    let (org_id, ada) = setup(&db).await;
    let now = Utc::now();
    invitations::invite(
        &db,
        &ada,
        "acme",
        &invite_input("bob@example.org", "viewer", &[]),
        "http://gatehouse.test",
        now,
    )
    .await
    .unwrap();
    let bob_id = quick_user(&db, "bob").await;
    let row = store::invitations::for_email(&db, "bob@example.org", now)
        .await
        .unwrap()
        .remove(0);
    let stale = InvitationKey::Id {
        id: &row.id,
        created_at: row.created_at - Duration::seconds(1),
    };
    let refused = store::invitations::accept(
        &db,
        stale,
        &bob_id,
        "bob@example.org",
        &crate::support::unchecked(&org_id),
        now,
        &crate::support::audit(),
    )
    .await
    .unwrap_err();
    assert!(matches!(refused, Guard::InvitationChanged), "{refused:?}");
    let bob = as_user(&bob_id, "bob");
    assert_eq!(
        invitations::accept_mine(&db, &bob, &row.id, now)
            .await
            .unwrap(),
        "acme"
    );
}

/// A group is created with its members in one step (issue 16.7): all of them or none, only
/// members of the organization, the role within the creator's rights, each join audited.
#[tokio::test]
async fn a_group_is_created_with_its_members_at_once() {
    let fixture =
        crate::projects::acme(&[("bob", "viewer"), ("cy", "viewer"), ("adam", "admin")]).await;
    let db = fixture.db.clone();
    let now = Utc::now();
    let ada = crate::projects::who(&db, "ada").await;
    quick_user(&db, "stranger").await;
    let new = |name: &str, role: &str, members: &[&str]| NewGroup {
        name: name.into(),
        description: None,
        role: Some(role.into()),
        members: members.iter().map(|m| m.to_string()).collect(),
    };
    let group = groups::create(
        &db,
        &ada,
        "acme",
        &new("devs", "editor", &["bob", " CY ", "bob"]),
        now,
    )
    .await
    .unwrap();
    assert_eq!(group.members_count, 2);
    for name in ["bob", "cy"] {
        let member = store::memberships::get(&db, &fixture.org_id, name)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(member.groups, ["devs"]);
    }
    // Someone outside the organization: refused, and no group is left behind.
    let err = groups::create(
        &db,
        &ada,
        "acme",
        &new("ops", "viewer", &["bob", "stranger"]),
        now,
    )
    .await
    .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("members"));
    assert!(groups::get(&db, &ada, "acme", "ops").await.is_err());
    // An admin cannot make an Owner-role group, with or without members.
    let adam = crate::projects::who(&db, "adam").await;
    let err = groups::create(&db, &adam, "acme", &new("bosses", "owner", &["adam"]), now)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    let events = app::service::audit::org_events(&db, &ada, "acme", &Default::default())
        .await
        .unwrap();
    let joins = events
        .items
        .iter()
        .filter(|e| e.action == "group.member_added")
        .count();
    assert_eq!(joins, 2);
}
