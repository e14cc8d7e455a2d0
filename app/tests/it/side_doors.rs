//! The escalation guard on every side door (issue 13, points 1–7): joining a group, an
//! invitation's preset groups (created, resent, accepted), Owner given only by owners, taking
//! rights away, accepting with an unverified address, deleting a role that tokens carry.

use crate::projects::{Fixture, acme, who};
use crate::support::as_user;
use app::domain::group::{GroupUpdate, NewGroup};
use app::domain::ids::TokenId;
use app::domain::invitation::NewInvitationInput;
use app::domain::organization::RoleChange;
use app::domain::permission::Permission;
use app::domain::role::NewRole;
use app::domain::token::{NewGroupToken, NewOrganizationToken};
use app::error::{AppError, ErrorCode};
use app::service::groups;
use app::service::invitations;
use app::service::members;
use app::service::org_access;
use app::service::org_tokens;
use app::service::principal::Principal;
use app::service::roles;
use app::service::tokens;
use app::store::{self, Db};
use chrono::Utc;

const BASE: &str = "https://gh.example";

fn group(name: &str, role: Option<&str>) -> NewGroup {
    NewGroup {
        name: name.into(),
        description: None,
        role: role.map(Into::into),
        members: vec![],
    }
}

fn custom(name: &str, permissions: &[&str]) -> NewRole {
    NewRole {
        name: name.into(),
        title: None,
        description: None,
        permissions: permissions.iter().map(|p| p.to_string()).collect(),
    }
}

fn invite(email: &str, role: &str, groups: &[&str]) -> NewInvitationInput {
    NewInvitationInput {
        email: email.into(),
        role: role.into(),
        groups: Some(groups.iter().map(|g| g.to_string()).collect()),
    }
}

fn forbidden<T: std::fmt::Debug>(result: Result<T, AppError>) {
    assert_eq!(result.unwrap_err().code, ErrorCode::Forbidden);
}

async fn has(db: &Db, who: &Principal, permission: Permission) -> bool {
    org_access::resolve(db, who, "acme")
        .await
        .unwrap()
        .permissions
        .contains(permission)
}

/// `acme` with a custom role `gm` (groups.manage and what it implies), held by gil; adam is
/// an admin; groups `admins` (Admin) and `owners` (Owner), made by ada.
async fn fixture() -> Fixture {
    let fixture = acme(&[("adam", "admin"), ("gil", "viewer"), ("eve", "editor")]).await;
    let Fixture { db, .. } = &fixture;
    let now = Utc::now();
    let ada = who(db, "ada").await;
    roles::create(
        db,
        &ada,
        "acme",
        &custom("gm", &["groups.manage", "members.read", "members.invite"]),
        now,
    )
    .await
    .unwrap();
    members::change_role(
        db,
        &ada,
        "acme",
        "gil",
        &RoleChange { role: "gm".into() },
        now,
    )
    .await
    .unwrap();
    for (name, role) in [("admins", "admin"), ("owners", "owner")] {
        groups::create(db, &ada, "acme", &group(name, Some(role)), now)
            .await
            .unwrap();
    }
    fixture
}

#[tokio::test]
async fn joining_a_group_is_a_grant() {
    let Fixture { db, .. } = fixture().await;
    let now = Utc::now();
    let (gil, adam) = (who(&db, "gil").await, who(&db, "adam").await);
    // A narrow custom role with groups.manage cannot join the Admin group...
    forbidden(groups::add_member(&db, &gil, "acme", "admins", "gil", now).await);
    assert!(!has(&db, &gil, Permission::MembersRemove).await);
    // ...nor put anyone else in it, nor create a group with a role above its own.
    forbidden(groups::add_member(&db, &gil, "acme", "admins", "eve", now).await);
    forbidden(groups::create(&db, &gil, "acme", &group("x", Some("editor")), now).await);
    // An Admin cannot join the Owner group and gain org.delete.
    forbidden(groups::add_member(&db, &adam, "acme", "owners", "adam", now).await);
    assert!(!has(&db, &adam, Permission::OrgDelete).await);
    // Within its rights it may: a group without a role, and the Admin group for an Admin.
    groups::create(&db, &gil, "acme", &group("plain", None), now)
        .await
        .unwrap();
    groups::add_member(&db, &gil, "acme", "plain", "eve", now)
        .await
        .unwrap();
    groups::add_member(&db, &adam, "acme", "admins", "eve", now)
        .await
        .unwrap();
    // Raising a group's role is giving it to every member: not above one's own.
    forbidden(
        groups::update(
            &db,
            &gil,
            "acme",
            "plain",
            &GroupUpdate {
                role: Some(Some("admin".into())),
                ..Default::default()
            },
            now,
        )
        .await,
    );
    forbidden(
        groups::update(
            &db,
            &adam,
            "acme",
            "admins",
            &GroupUpdate {
                role: Some(Some("owner".into())),
                ..Default::default()
            },
            now,
        )
        .await,
    );
}

#[tokio::test]
async fn taking_rights_away_needs_them_too() {
    let Fixture { db, .. } = fixture().await;
    let now = Utc::now();
    let ada = who(&db, "ada").await;
    let adam = who(&db, "adam").await;
    groups::add_member(&db, &ada, "acme", "admins", "eve", now)
        .await
        .unwrap();
    groups::add_member(&db, &ada, "acme", "owners", "eve", now)
        .await
        .unwrap();
    // gil (groups.manage only) cannot take eve out of the Admin group, lower or delete it.
    let gil = who(&db, "gil").await;
    forbidden(groups::remove_member(&db, &gil, "acme", "admins", "eve", now).await);
    forbidden(
        groups::update(
            &db,
            &gil,
            "acme",
            "admins",
            &GroupUpdate {
                role: Some(None),
                ..Default::default()
            },
            now,
        )
        .await,
    );
    forbidden(groups::delete(&db, &gil, "acme", "admins", now).await);
    // An Admin cannot change the Owner group in any way.
    forbidden(groups::remove_member(&db, &adam, "acme", "owners", "eve", now).await);
    forbidden(groups::delete(&db, &adam, "acme", "owners", now).await);
    forbidden(
        groups::update(
            &db,
            &adam,
            "acme",
            "owners",
            &GroupUpdate {
                description: Some("renamed".into()),
                ..Default::default()
            },
            now,
        )
        .await,
    );
    // Someone with members.update_role but less than Admin cannot demote an Admin.
    roles::create(
        &db,
        &ada,
        "acme",
        &custom("hr", &["members.update_role", "members.remove"]),
        now,
    )
    .await
    .unwrap();
    members::change_role(
        &db,
        &ada,
        "acme",
        "gil",
        &RoleChange { role: "hr".into() },
        now,
    )
    .await
    .unwrap();
    let gil = who(&db, "gil").await;
    forbidden(
        members::change_role(
            &db,
            &gil,
            "acme",
            "adam",
            &RoleChange {
                role: "viewer".into(),
            },
            now,
        )
        .await,
    );
    forbidden(members::remove(&db, &gil, "acme", "adam", now).await);
    // Nor remove an editor whose groups carry more than they hold.
    forbidden(members::remove(&db, &gil, "acme", "eve", now).await);
    assert!(has(&db, &adam, Permission::MembersRemove).await);
    // The Admin takes eve out of the Admin group; the owner, out of the Owner group.
    groups::remove_member(&db, &adam, "acme", "admins", "eve", now)
        .await
        .unwrap();
    groups::remove_member(&db, &ada, "acme", "owners", "eve", now)
        .await
        .unwrap();
}

#[tokio::test]
async fn invitation_presets_are_grants_when_created_resent_and_accepted() {
    let Fixture { db, org_id } = fixture().await;
    let now = Utc::now();
    let ada = who(&db, "ada").await;
    let gil = who(&db, "gil").await;
    // members.invite alone cannot preset the Admin group, nor invite as Owner or Admin.
    forbidden(
        invitations::invite(
            &db,
            &gil,
            "acme",
            &invite("me@evil.example", "viewer", &["admins"]),
            BASE,
            now,
        )
        .await,
    );
    forbidden(
        invitations::invite(
            &db,
            &gil,
            "acme",
            &invite("me@evil.example", "admin", &[]),
            BASE,
            now,
        )
        .await,
    );
    let adam = who(&db, "adam").await;
    forbidden(
        invitations::invite(
            &db,
            &adam,
            "acme",
            &invite("me@evil.example", "owner", &[]),
            BASE,
            now,
        )
        .await,
    );
    forbidden(
        invitations::invite(
            &db,
            &adam,
            "acme",
            &invite("me@evil.example", "viewer", &["owners"]),
            BASE,
            now,
        )
        .await,
    );
    // The owner invites as Owner; gil (members.invite) cannot resend it and get the link.
    let owner_inv = invitations::invite(
        &db,
        &ada,
        "acme",
        &invite("boss@example.org", "owner", &[]),
        BASE,
        now,
    )
    .await
    .unwrap();
    forbidden(invitations::resend(&db, &gil, "acme", &owner_inv.id, BASE, now).await);
    forbidden(invitations::resend(&db, &adam, "acme", &owner_inv.id, BASE, now).await);
    invitations::resend(&db, &ada, "acme", &owner_inv.id, BASE, now)
        .await
        .unwrap();

    // adam invites with a group whose role he may give; the group is then raised to Owner.
    groups::create(&db, &ada, "acme", &group("ops", Some("viewer")), now)
        .await
        .unwrap();
    let inv = invitations::invite(
        &db,
        &adam,
        "acme",
        &invite("newbie@example.org", "viewer", &["ops"]),
        BASE,
        now,
    )
    .await
    .unwrap();
    groups::update(
        &db,
        &ada,
        "acme",
        "ops",
        &GroupUpdate {
            role: Some(Some("owner".into())),
            ..Default::default()
        },
        now,
    )
    .await
    .unwrap();
    forbidden(invitations::resend(&db, &adam, "acme", &inv.id, BASE, now).await);
    let token = inv
        .accept_url
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    let newbie_id = crate::support::quick_user(&db, "newbie").await;
    let newbie = as_user(&newbie_id, "newbie");
    let err = invitations::accept(&db, &newbie, &token, now)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    assert!(
        store::memberships::get(&db, &org_id, "newbie")
            .await
            .unwrap()
            .is_none()
    );
    // Lowered again, the same link works.
    groups::update(
        &db,
        &ada,
        "acme",
        "ops",
        &GroupUpdate {
            role: Some(Some("viewer".into())),
            ..Default::default()
        },
        now,
    )
    .await
    .unwrap();
    invitations::accept(&db, &newbie, &token, now)
        .await
        .unwrap();
}

#[tokio::test]
async fn an_unverified_address_does_not_inherit_an_invitation() {
    let Fixture { db, .. } = fixture().await;
    let now = Utc::now();
    let ada = who(&db, "ada").await;
    let inv = invitations::invite(
        &db,
        &ada,
        "acme",
        &invite("mallory@example.org", "viewer", &[]),
        BASE,
        now,
    )
    .await
    .unwrap();
    let email = "mallory@example.org";
    let id = store::users::create(
        &db,
        &store::users::NewUser {
            username: "mallory",
            email,
            email_key: email,
            email_verified: false,
            display_name: "",
            password_hash: "$argon2id$unusable",
            password_change_required: false,
            password_expires_at: None,
            instance_role: None,
        },
        now,
        None,
    )
    .await
    .unwrap()
    .id;
    let token = inv
        .accept_url
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    let mallory = as_user(&id, "mallory");
    let err = invitations::accept(&db, &mallory, &token, now)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    assert!(err.message.contains("Verify"), "{}", err.message);
    // The invitation still stands for when the address is verified.
    invitations::view(&db, &token, now).await.unwrap();
}

#[tokio::test]
async fn owner_is_given_only_by_owners_and_tokens_need_a_person() {
    let Fixture { db, .. } = fixture().await;
    let now = Utc::now();
    let ada = who(&db, "ada").await;
    let adam = who(&db, "adam").await;
    forbidden(groups::create(&db, &adam, "acme", &group("bosses", Some("owner")), now).await);
    let owner_token = NewOrganizationToken {
        description: "all".into(),
        role: "owner".into(),
        expires_in_days: None,
    };
    assert!(
        org_tokens::create(&db, &ada, "acme", &owner_token, now)
            .await
            .is_err()
    );
    let group_token = NewGroupToken {
        description: "deploys".into(),
        expires_in_days: None,
    };
    forbidden(org_tokens::create_group(&db, &adam, "acme", "owners", &group_token, now).await);
    // An organization token cannot create tokens, not even below its own role.
    let admin_token = org_tokens::create(
        &db,
        &ada,
        "acme",
        &NewOrganizationToken {
            description: "ci".into(),
            role: "admin".into(),
            expires_in_days: None,
        },
        now,
    )
    .await
    .unwrap();
    let bot = tokens::authenticate(&db, &admin_token.token, "192.0.2.1", now)
        .await
        .unwrap();
    let viewer_token = NewOrganizationToken {
        description: "child".into(),
        role: "viewer".into(),
        expires_in_days: None,
    };
    forbidden(org_tokens::create(&db, &bot, "acme", &viewer_token, now).await);
    groups::create(&db, &ada, "acme", &group("ops", Some("viewer")), now)
        .await
        .unwrap();
    forbidden(org_tokens::create_group(&db, &bot, "acme", "ops", &group_token, now).await);
}

#[tokio::test]
async fn deleting_a_role_clears_it_from_tokens_for_good() {
    let Fixture { db, .. } = fixture().await;
    let now = Utc::now();
    let ada = who(&db, "ada").await;
    roles::create(&db, &ada, "acme", &custom("ci", &["members.read"]), now)
        .await
        .unwrap();
    let created = org_tokens::create(
        &db,
        &ada,
        "acme",
        &NewOrganizationToken {
            description: "pipeline".into(),
            role: "ci".into(),
            expires_in_days: None,
        },
        now,
    )
    .await
    .unwrap();
    let holders = roles::role_holders(&db, &ada, "acme", "ci").await.unwrap();
    assert!(
        holders.iter().any(|h| h.contains("pipeline")),
        "{holders:?}"
    );
    roles::delete(&db, &ada, "acme", "ci", now).await.unwrap();
    // A new role of the same name does not hand the token anything.
    roles::create(&db, &ada, "acme", &custom("ci", &["members.read"]), now)
        .await
        .unwrap();
    let bot = tokens::authenticate(&db, &created.token, "192.0.2.1", now)
        .await
        .unwrap();
    assert_eq!(
        members::list(&db, &bot, "acme", None, None, None, None)
            .await
            .unwrap_err()
            .code,
        ErrorCode::Forbidden
    );
    // Only someone holding the role's permissions deletes it.
    roles::create(&db, &ada, "acme", &custom("auditors", &["audit.read"]), now)
        .await
        .unwrap();
    roles::create(
        &db,
        &ada,
        "acme",
        &custom("role-keeper", &["roles.manage"]),
        now,
    )
    .await
    .unwrap();
    members::change_role(
        &db,
        &ada,
        "acme",
        "gil",
        &RoleChange {
            role: "role-keeper".into(),
        },
        now,
    )
    .await
    .unwrap();
    let gil = who(&db, "gil").await;
    forbidden(roles::delete(&db, &gil, "acme", "auditors", now).await);
    let adam = who(&db, "adam").await;
    roles::delete(&db, &adam, "acme", "auditors", now)
        .await
        .unwrap();
}

/// Review findings: a group's project grants go with a place in it; one's own role rises only
/// within one's own role; a token is revoked by a person; an orphaned token role is cleared.
#[tokio::test]
async fn project_grants_ride_with_groups_and_own_roles_do_not_rise() {
    use app::domain::project::{AccessGrant, NewProject};
    use app::service::projects;
    let Fixture { db, org_id } = fixture().await;
    let now = Utc::now();
    let ada = who(&db, "ada").await;
    // A role-less group with admin on a project gil cannot reach.
    groups::create(&db, &ada, "acme", &group("vault-keepers", None), now)
        .await
        .unwrap();
    projects::create(
        &db,
        &ada,
        "acme",
        &NewProject {
            name: "vault".into(),
            description: None,
        },
        now,
    )
    .await
    .unwrap();
    projects::set_access(
        &db,
        &ada,
        "acme",
        "vault",
        "group",
        "vault-keepers",
        &AccessGrant {
            role: "admin".into(),
        },
        now,
    )
    .await
    .unwrap();
    let gil = who(&db, "gil").await;
    forbidden(groups::add_member(&db, &gil, "acme", "vault-keepers", "gil", now).await);
    forbidden(
        invitations::invite(
            &db,
            &gil,
            "acme",
            &invite("sidekick@example.org", "viewer", &["vault-keepers"]),
            BASE,
            now,
        )
        .await,
    );
    groups::add_member(&db, &ada, "acme", "vault-keepers", "eve", now)
        .await
        .unwrap();
    forbidden(groups::remove_member(&db, &gil, "acme", "vault-keepers", "eve", now).await);
    forbidden(groups::delete(&db, &gil, "acme", "vault-keepers", now).await);

    // eve, an editor who is an Admin only through the admins group, cannot make that her own.
    groups::add_member(&db, &ada, "acme", "admins", "eve", now)
        .await
        .unwrap();
    let eve = who(&db, "eve").await;
    assert!(has(&db, &eve, Permission::MembersUpdateRole).await);
    forbidden(
        members::change_role(
            &db,
            &eve,
            "acme",
            "eve",
            &RoleChange {
                role: "admin".into(),
            },
            now,
        )
        .await,
    );
    // Stepping down is fine.
    members::change_role(
        &db,
        &eve,
        "acme",
        "eve",
        &RoleChange {
            role: "viewer".into(),
        },
        now,
    )
    .await
    .unwrap();

    // An organization token left with a deleted role (before deletion cleared it) is cleared
    // by the migration, so a new role of that name gives it nothing.
    db.query(
        "CREATE api_token CONTENT { kind: 'organization', hash: 'h', prefix: 'gto_old',
             description: 'legacy', created_at: time::now(), org: type::record('organization', $org),
             role: 'ghost' }",
    )
    .bind(("org", org_id.clone()))
    .await
    .unwrap()
    .check()
    .unwrap();
    db.query(include_str!(
        "../../src/store/migrations/0016_orphan_token_roles.surql"
    ))
    .await
    .unwrap()
    .check()
    .unwrap();
    let mut left = db
        .query("SELECT VALUE role FROM api_token WHERE prefix = 'gto_old'")
        .await
        .unwrap();
    let roles: Vec<Option<String>> = left.take(0).unwrap();
    assert_eq!(roles, vec![Some(String::new())]);
}

/// The writing transaction confirms the caller's own standing: a group the check counted
/// that the caller has left, or a revoked calling token, refuses the write.
#[tokio::test]
async fn the_guard_confirms_the_callers_own_standing() {
    use app::store::Guard;
    use app::store::rights::{CheckedCaller, RightsSeen};
    let Fixture { db, org_id } = fixture().await;
    let ada = store::users::by_login(&db, "ada")
        .await
        .unwrap()
        .unwrap()
        .id;
    let vic = store::users::by_login(&db, "eve")
        .await
        .unwrap()
        .unwrap()
        .id;
    let seen = |groups: Vec<(&str, &str)>, token: Option<TokenId>| {
        let caller = match token {
            Some(token) => CheckedCaller::Token { token },
            None => CheckedCaller::Member {
                user: ada.clone(),
                role: "owner".into(),
                token: None,
            },
        };
        let mut seen = RightsSeen::new(&org_id, caller);
        for (name, role) in groups {
            seen.saw_caller_group(name, role);
        }
        seen
    };
    let change = |rights: RightsSeen| {
        let (db, org_id, vic) = (db.clone(), org_id.clone(), vic.clone());
        async move {
            store::memberships::change_role(
                &db,
                &org_id,
                &vic,
                "viewer",
                &rights,
                &crate::support::audit(),
            )
            .await
        }
    };
    // ada is not in "admins": a check that counted it is stale.
    let stale = vec![("admins", "admin")];
    assert!(matches!(
        change(seen(stale, None)).await,
        Err(Guard::RightsChanged)
    ));
    // A revoked token's check is stale too.
    db.query(
        "CREATE api_token:dead CONTENT { kind: 'organization', hash: 'x', prefix: 'gto_dead',
             description: 'd', created_at: time::now(), revoked_at: time::now(),
             org: type::record('organization', $org), role: 'admin' }",
    )
    .bind(("org", org_id.clone()))
    .await
    .unwrap()
    .check()
    .unwrap();
    assert!(matches!(
        change(seen(Vec::new(), Some("dead".into()))).await,
        Err(Guard::RightsChanged)
    ));
    change(seen(Vec::new(), None)).await.unwrap();
}
