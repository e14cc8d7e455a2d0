//! Adding existing accounts to an organization directly (issue 16.6): allowed only where the
//! organization and the instance allow it, never an enumeration oracle, guarded like an
//! invitation, all or nothing, audited and told by email.

use crate::projects::{Fixture, acme, who};
use crate::support::{admin, quick_user};
use app::domain::admin::SettingsUpdate;
use app::domain::group::NewGroup;
use app::domain::organization::{AddMembersInput, OrganizationUpdate};
use app::error::ErrorCode;
use app::service::principal::Principal;
use app::service::{admin_instance, audit, direct_add, groups, organizations};
use app::store::{self, Db};
use chrono::Utc;

const BASE: &str = "http://gatehouse.test";

fn adding(users: &[&str], role: &str, groups: &[&str]) -> AddMembersInput {
    AddMembersInput {
        users: users.iter().map(|u| u.to_string()).collect(),
        role: role.into(),
        groups: groups.iter().map(|g| g.to_string()).collect(),
    }
}

async fn allow(db: &Db, ada: &Principal, on: bool) {
    let change = OrganizationUpdate {
        allow_direct_adding: Some(on),
        ..Default::default()
    };
    organizations::update(db, ada, "acme", &change, Utc::now())
        .await
        .unwrap();
}

async fn member_role(db: &Db, org: &Fixture, name: &str) -> Option<(String, Vec<String>)> {
    store::memberships::get(db, &org.org_id, name)
        .await
        .unwrap()
        .map(|m| (m.role, m.groups))
}

#[tokio::test]
async fn owners_add_existing_accounts_by_email_where_the_organization_allows_it() {
    let fixture = acme(&[("eddie", "editor"), ("adam", "admin")]).await;
    let db = fixture.db.clone();
    let now = Utc::now();
    let ada = who(&db, "ada").await;
    for name in ["bob", "carol", "dave"] {
        quick_user(&db, name).await;
    }
    let devs = NewGroup {
        name: "devs".into(),
        description: None,
        role: Some("viewer".into()),
        members: vec![],
    };
    groups::create(&db, &ada, "acme", &devs, now).await.unwrap();

    // By default the organization invites: both the search and the add are refused.
    let err = direct_add::candidates(&db, &ada, "acme", "bob@example.org", now)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    let err = direct_add::add(
        &db,
        &ada,
        "acme",
        &adding(&["bob@example.org"], "viewer", &[]),
        BASE,
        now,
    )
    .await
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    allow(&db, &ada, true).await;

    // Without `users.read`, only a full email address finds someone.
    for partial in ["bob", "bo", "example.org", "@example.org"] {
        let found = direct_add::candidates(&db, &ada, "acme", partial, now)
            .await
            .unwrap();
        assert!(found.is_empty(), "{partial} revealed {found:?}");
    }
    let found = direct_add::candidates(&db, &ada, "acme", "BOB@example.org", now)
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(
        (found[0].username.as_str(), found[0].member),
        ("bob", false)
    );
    let found = direct_add::candidates(&db, &ada, "acme", "eddie@example.org", now)
        .await
        .unwrap();
    assert!(found[0].member);
    let err = direct_add::add(
        &db,
        &ada,
        "acme",
        &adding(&["bob"], "viewer", &[]),
        BASE,
        now,
    )
    .await
    .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("users"));

    // Two at once, with a role and a group; told by email; audited.
    let added = direct_add::add(
        &db,
        &ada,
        "acme",
        &adding(
            &["bob@example.org", "Carol@Example.org"],
            "editor",
            &["devs"],
        ),
        BASE,
        now,
    )
    .await
    .unwrap();
    assert_eq!(added.len(), 2);
    for name in ["bob", "carol"] {
        assert_eq!(
            member_role(&db, &fixture, name).await,
            Some(("editor".into(), vec!["devs".into()]))
        );
    }
    let mut response = db
        .query("SELECT VALUE recipient FROM outbox WHERE kind = 'member_added' ORDER BY recipient")
        .await
        .unwrap();
    let told: Vec<String> = response.take(0).unwrap();
    assert_eq!(told, ["bob@example.org", "carol@example.org"]);
    let events = audit::org_events(&db, &ada, "acme", &Default::default())
        .await
        .unwrap();
    let added_events: Vec<&str> = events
        .items
        .iter()
        .filter(|e| e.action == "member.added")
        .map(|e| e.target.as_str())
        .collect();
    assert_eq!(added_events.len(), 2, "{added_events:?}");

    // All or nothing: one member among them refuses the whole request.
    let err = direct_add::add(
        &db,
        &ada,
        "acme",
        &adding(&["dave@example.org", "bob@example.org"], "viewer", &[]),
        BASE,
        now,
    )
    .await
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::AlreadyMember);
    assert!(err.message.contains("bob"));
    assert_eq!(member_role(&db, &fixture, "dave").await, None);
    let err = direct_add::add(
        &db,
        &ada,
        "acme",
        &adding(&["nobody@example.org"], "viewer", &[]),
        BASE,
        now,
    )
    .await
    .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("users"));

    // The rulebook of an invitation: an editor may not invite; an admin may not give Owner.
    let eddie = who(&db, "eddie").await;
    let err = direct_add::add(
        &db,
        &eddie,
        "acme",
        &adding(&["dave@example.org"], "viewer", &[]),
        BASE,
        now,
    )
    .await
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    let adam = who(&db, "adam").await;
    let err = direct_add::add(
        &db,
        &adam,
        "acme",
        &adding(&["dave@example.org"], "owner", &[]),
        BASE,
        now,
    )
    .await
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    assert_eq!(member_role(&db, &fixture, "dave").await, None);

    // The instance may forbid direct adding everywhere.
    let root = admin(&db, "root").await;
    let forbid = SettingsUpdate {
        allow_direct_adding: Some(false),
        ..Default::default()
    };
    admin_instance::update_settings(&db, &root, &forbid, now)
        .await
        .unwrap();
    let err = direct_add::add(
        &db,
        &ada,
        "acme",
        &adding(&["dave@example.org"], "viewer", &[]),
        BASE,
        now,
    )
    .await
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    assert!(err.message.contains("instance"));
}

#[tokio::test]
async fn holders_of_users_read_find_people_by_name() {
    let fixture = acme(&[]).await;
    let db = fixture.db.clone();
    let now = Utc::now();
    let ada = who(&db, "ada").await;
    allow(&db, &ada, true).await;
    quick_user(&db, "carol").await;
    quick_user(&db, "carl").await;
    let root = admin(&db, "root").await;
    let root_id = store::users::by_login(&db, "root")
        .await
        .unwrap()
        .unwrap()
        .id;
    store::memberships::add(&db, &fixture.org_id, &root_id, "admin", &[], now)
        .await
        .unwrap();
    let found = direct_add::candidates(&db, &root, "acme", "car", now)
        .await
        .unwrap();
    let names: Vec<&str> = found.iter().map(|c| c.username.as_str()).collect();
    assert_eq!(names, ["carl", "carol"]);
    direct_add::add(
        &db,
        &root,
        "acme",
        &adding(&["carol"], "viewer", &[]),
        BASE,
        now,
    )
    .await
    .unwrap();
    assert_eq!(
        member_role(&db, &fixture, "carol").await,
        Some(("viewer".into(), vec![]))
    );
}

/// The people page's last activity (issue 16.8): a member's use of the organization, by
/// session or token, recorded at most once a minute off the request's path; members sorted
/// by it, most recent first and "never" last, page by page.
#[tokio::test]
async fn members_show_and_sort_by_their_last_activity_in_the_organization() {
    use app::service::{members, sessions};
    let fixture = acme(&[("bob", "viewer"), ("cy", "viewer"), ("dee", "viewer")]).await;
    let db = fixture.db.clone();
    let t0 = Utc::now();
    let ada = who(&db, "ada").await;
    let open = |name: &'static str| {
        let db = db.clone();
        async move {
            let user = store::users::by_login(&db, name).await.unwrap().unwrap();
            sessions::open(&db, &user.id, name, "test", "192.0.2.1", false, t0)
                .await
                .unwrap()
                .secret
        }
    };
    let (bob, cy) = (open("bob").await, open("cy").await);
    // bob uses acme first, cy later; a request naming no organization records no activity.
    let used = |secret: String, org: Option<&'static str>, at| {
        let db = db.clone();
        async move {
            let resolved = sessions::caller(&db, &secret, org, at).await.unwrap();
            let due = resolved
                .touch
                .iter()
                .filter(|t| matches!(t, app::service::touch::Touch::Member { .. }))
                .count();
            resolved.recorded(&db).await.unwrap();
            due
        }
    };
    assert_eq!(used(bob.clone(), None, t0).await, 0);
    assert_eq!(used(bob.clone(), Some("acme"), t0).await, 1);
    assert_eq!(
        used(
            bob.clone(),
            Some("acme"),
            t0 + chrono::Duration::seconds(30)
        )
        .await,
        0,
        "at most once a minute"
    );
    assert_eq!(
        used(cy.clone(), Some("acme"), t0 + chrono::Duration::minutes(5)).await,
        1
    );
    let page = members::list(&db, &ada, "acme", None, None, Some("last_active"), None)
        .await
        .unwrap();
    let order: Vec<(&str, bool)> = page
        .items
        .iter()
        .map(|m| (m.user.username.as_str(), m.last_active_at.is_some()))
        .collect();
    assert_eq!(
        order,
        [("cy", true), ("bob", true), ("ada", false), ("dee", false)]
    );
    // Page by page, the same order.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = members::list(
            &db,
            &ada,
            "acme",
            None,
            cursor.as_deref(),
            Some("last_active"),
            Some(1),
        )
        .await
        .unwrap();
        seen.extend(page.items.iter().map(|m| m.user.username.clone()));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(seen, ["cy", "bob", "ada", "dee"]);
    let err = members::list(&db, &ada, "acme", None, None, Some("height"), None)
        .await
        .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("sort"));
}

/// Every lookup asks whether an account exists: they are counted per caller and address.
#[tokio::test]
async fn looking_accounts_up_is_throttled() {
    let fixture = acme(&[]).await;
    let db = fixture.db.clone();
    let now = Utc::now();
    let ada = who(&db, "ada").await;
    allow(&db, &ada, true).await;
    let mut refused = None;
    for i in 0..80 {
        let query = format!("someone{i}@example.org");
        if let Err(err) = direct_add::candidates(&db, &ada, "acme", &query, now).await {
            refused = Some((i, err.code));
            break;
        }
    }
    let (at, code) = refused.expect("refused at some point");
    assert_eq!(code, ErrorCode::RateLimited);
    assert!(at >= 60, "{at}");
}
