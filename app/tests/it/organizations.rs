//! Organizations and members through the service layer: creation, 404 for outsiders,
//! permissions, the owner guards (also under concurrency), pagination and search, deletion.

use crate::support::{as_user, db, org_of, quick_user};
use app::domain::ids::OrgId;
use app::domain::organization::RoleChange;
use app::domain::organization::{NewOrganization, OrganizationUpdate};
use app::error::ErrorCode;
use app::service::members;
use app::service::organizations;
use app::store::{self, Db};
use chrono::Utc;

async fn member(
    db: &Db,
    org_id: &OrgId,
    name: &str,
    role: &str,
) -> app::service::principal::Principal {
    let id = quick_user(db, name).await;
    store::memberships::add(db, org_id, &id, role, &[], Utc::now())
        .await
        .unwrap();
    as_user(&id, name)
}

#[tokio::test]
async fn the_creator_owns_it_and_outsiders_get_404() {
    let db = db().await;
    let (_, ada) = org_of(&db, "ada", "Acme").await;
    let mine = organizations::mine(&db, &ada).await.unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].organization.name, "acme");
    assert!(mine[0].owner);

    let taken = organizations::create(
        &db,
        &ada,
        &NewOrganization {
            name: "ACME".into(),
            display_name: None,
        },
        Utc::now(),
    )
    .await
    .unwrap_err();
    assert_eq!(taken.field.as_deref(), Some("name"));
    let bad = organizations::create(
        &db,
        &ada,
        &NewOrganization {
            name: "-no".into(),
            display_name: None,
        },
        Utc::now(),
    )
    .await
    .unwrap_err();
    assert_eq!(bad.code, ErrorCode::Validation);

    let bob_id = quick_user(&db, "bob").await;
    let bob = as_user(&bob_id, "bob");
    for org in ["acme", "nope"] {
        let err = organizations::get(&db, &bob, org).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::NotFound, "{org}");
    }
}

#[tokio::test]
async fn permissions_follow_the_role() {
    let db = db().await;
    let (org_id, ada) = org_of(&db, "ada", "acme").await;
    let viewer = member(&db, &org_id, "vic", "viewer").await;
    let admin = member(&db, &org_id, "adam", "admin").await;

    assert!(organizations::get(&db, &viewer, "acme").await.is_ok());
    let rename = OrganizationUpdate {
        name: Some("acme2".into()),
        ..Default::default()
    };
    let err = organizations::update(&db, &viewer, "acme", &rename, Utc::now())
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    organizations::update(&db, &admin, "acme", &rename, Utc::now())
        .await
        .unwrap();
    assert_eq!(
        organizations::get(&db, &ada, "acme2")
            .await
            .unwrap()
            .org
            .name,
        "acme2"
    );
    assert_eq!(
        organizations::get(&db, &ada, "acme")
            .await
            .unwrap_err()
            .code,
        ErrorCode::NotFound
    );

    // An admin cannot delete, nor grant Owner; a viewer cannot change roles.
    assert_eq!(
        organizations::delete(&db, &admin, "acme2", None, chrono::Utc::now())
            .await
            .unwrap_err()
            .code,
        ErrorCode::Forbidden
    );
    let to_owner = RoleChange {
        role: "owner".into(),
    };
    assert_eq!(
        members::change_role(&db, &admin, "acme2", "vic", &to_owner, chrono::Utc::now())
            .await
            .unwrap_err()
            .code,
        ErrorCode::Forbidden
    );
    let to_editor = RoleChange {
        role: "editor".into(),
    };
    assert_eq!(
        members::change_role(&db, &viewer, "acme2", "vic", &to_editor, chrono::Utc::now())
            .await
            .unwrap_err()
            .code,
        ErrorCode::Forbidden
    );
    let changed = members::change_role(&db, &admin, "acme2", "vic", &to_editor, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(changed.role, "editor");
    let unknown = RoleChange {
        role: "overlord".into(),
    };
    assert_eq!(
        members::change_role(&db, &ada, "acme2", "vic", &unknown, chrono::Utc::now())
            .await
            .unwrap_err()
            .code,
        ErrorCode::Validation
    );
    // The two-factor policy needs two-factor on the owner first.
    let policy = OrganizationUpdate {
        require_two_factor: Some(true),
        ..Default::default()
    };
    assert_eq!(
        organizations::update(&db, &ada, "acme2", &policy, Utc::now())
            .await
            .unwrap_err()
            .field
            .as_deref(),
        Some("require_two_factor")
    );
}

#[tokio::test]
async fn the_last_owner_stays() {
    let db = db().await;
    let (org_id, ada) = org_of(&db, "ada", "acme").await;
    let err = members::remove(&db, &ada, "acme", "ada", chrono::Utc::now())
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::LastOwner);
    let demote = RoleChange {
        role: "admin".into(),
    };
    assert_eq!(
        members::change_role(&db, &ada, "acme", "ada", &demote, chrono::Utc::now())
            .await
            .unwrap_err()
            .code,
        ErrorCode::LastOwner
    );
    // With a second owner, one may leave; an admin cannot remove an owner.
    let bea = member(&db, &org_id, "bea", "owner").await;
    let adam = member(&db, &org_id, "adam", "admin").await;
    assert_eq!(
        members::remove(&db, &adam, "acme", "bea", chrono::Utc::now())
            .await
            .unwrap_err()
            .code,
        ErrorCode::Forbidden
    );
    members::remove(&db, &bea, "acme", "bea", chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(
        members::remove(&db, &ada, "acme", "ada", chrono::Utc::now())
            .await
            .unwrap_err()
            .code,
        ErrorCode::LastOwner
    );
    // A viewer may leave.
    let vic = member(&db, &org_id, "vic", "viewer").await;
    members::remove(&db, &vic, "acme", "vic", chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(
        organizations::get(&db, &vic, "acme")
            .await
            .unwrap_err()
            .code,
        ErrorCode::NotFound
    );
}

#[tokio::test]
async fn two_owners_removing_each_other_at_once_leave_one_owner() {
    let db = db().await;
    for round in 0..20 {
        let name = format!("org-{round}");
        let (org_id, ada) = org_of(&db, &format!("ada-{round}"), &name).await;
        let bea = member(&db, &org_id, &format!("bea-{round}"), "owner").await;
        let (bea_name, ada_name) = (format!("bea-{round}"), format!("ada-{round}"));
        let (a, b) = tokio::join!(
            members::remove(&db, &ada, &name, &bea_name, chrono::Utc::now()),
            members::remove(&db, &bea, &name, &ada_name, chrono::Utc::now()),
        );
        assert_eq!(
            usize::from(a.is_ok()) + usize::from(b.is_ok()),
            1,
            "round {round}: {a:?} {b:?}"
        );
        assert_eq!(
            store::memberships::count_with_role(&db, &org_id, "owner")
                .await
                .unwrap(),
            1,
            "round {round}"
        );
    }
}

#[tokio::test]
async fn members_page_by_name_and_search() {
    let db = db().await;
    let (org_id, ada) = org_of(&db, "ada", "acme").await;
    for i in 0..120 {
        member(&db, &org_id, &format!("m{i:03}"), "viewer").await;
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = members::list(&db, &ada, "acme", None, cursor.as_deref(), None, Some(50))
            .await
            .unwrap();
        assert!(page.items.len() <= 50);
        seen.extend(page.items.into_iter().map(|m| m.user.username));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(seen.len(), 121);
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(seen, sorted);

    let found = members::list(&db, &ada, "acme", Some("M11"), None, None, None)
        .await
        .unwrap();
    assert_eq!(found.items.len(), 10, "m110..m119");
    let by_email = members::list(&db, &ada, "acme", Some("ada@example"), None, None, None)
        .await
        .unwrap();
    assert_eq!(by_email.items.len(), 1);
    assert_eq!(by_email.items[0].role, "owner");
}

#[tokio::test]
async fn deleting_an_organization_removes_everything_in_it() {
    let db = db().await;
    let (org_id, ada) = org_of(&db, "ada", "acme").await;
    member(&db, &org_id, "vic", "viewer").await;
    let err = organizations::delete(&db, &ada, "acme", Some("acm"), chrono::Utc::now())
        .await
        .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("confirm_name"));
    organizations::delete(&db, &ada, "acme", Some("acme"), chrono::Utc::now())
        .await
        .unwrap();
    assert!(organizations::mine(&db, &ada).await.unwrap().is_empty());
    for table in ["organization", "org_name", "membership"] {
        let mut r = db
            .query(format!("RETURN count(SELECT VALUE id FROM {table})"))
            .await
            .unwrap();
        assert_eq!(r.take::<Option<i64>>(0).unwrap(), Some(0), "{table}");
    }
    // The name is free again.
    organizations::create(
        &db,
        &ada,
        &NewOrganization {
            name: "acme".into(),
            display_name: None,
        },
        Utc::now(),
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn a_renamed_member_is_found_under_the_new_name() {
    use app::domain::user::ProfileUpdate;
    use app::service::accounts;
    let db = db().await;
    let (org_id, ada) = org_of(&db, "ada", "acme").await;
    let vic = member(&db, &org_id, "vic", "viewer").await;
    let update = ProfileUpdate {
        username: Some("victoria".into()),
        display_name: Some("Victoria Lane".into()),
        ..Default::default()
    };
    accounts::update_profile(&db, &vic, &update, "http://gh.test", Utc::now())
        .await
        .unwrap();
    let found = members::list(&db, &ada, "acme", Some("lane"), None, None, None)
        .await
        .unwrap();
    assert_eq!(found.items.len(), 1);
    assert_eq!(found.items[0].user.username, "victoria");
    assert_eq!(found.items[0].user.display_name, "Victoria Lane");
    // The search index matches the beginnings of words (name, address, display name), in
    // any case, every word of the query; not text inside a word.
    for (query, hits) in [
        ("VICT", 1),
        ("victoria lan", 1),
        ("vic@", 1),
        ("example.org vict", 1),
        ("ictoria", 0),
        ("victoria zed", 0),
        ("old-vic", 0),
    ] {
        let found = members::list(&db, &ada, "acme", Some(query), None, None, None)
            .await
            .unwrap();
        assert_eq!(found.items.len(), hits, "{query:?}");
    }
}

#[tokio::test]
async fn the_two_factor_policy_blocks_members_without_it() {
    let db = db().await;
    let (org_id, ada) = org_of(&db, "ada", "acme").await;
    let vic = member(&db, &org_id, "vic", "viewer").await;
    // Turning it on needs two-factor on the owner's own account first (set directly here;
    // the two-factor tests cover enrolment).
    db.query("UPDATE user SET two_factor_enabled = true WHERE username = 'ada'")
        .await
        .unwrap();
    let lockout = organizations::two_factor_lockout(&db, &ada, "acme")
        .await
        .unwrap();
    assert_eq!(lockout, vec!["vic".to_string()]);
    let policy = OrganizationUpdate {
        require_two_factor: Some(true),
        ..Default::default()
    };
    let org = organizations::update(&db, &ada, "acme", &policy, Utc::now())
        .await
        .unwrap();
    assert!(org.require_two_factor);
    let blocked = organizations::get(&db, &vic, "acme").await.unwrap_err();
    assert_eq!(blocked.code, ErrorCode::TwoFactorPolicy);
    assert!(blocked.message.contains("/settings/two-factor"));
    assert!(organizations::get(&db, &ada, "acme").await.is_ok());
    // An outsider still gets 404, not the policy.
    let eve_id = quick_user(&db, "eve").await;
    assert_eq!(
        organizations::get(&db, &as_user(&eve_id, "eve"), "acme")
            .await
            .unwrap_err()
            .code,
        ErrorCode::NotFound
    );
}

/// The groups listed with each member follow every change to the group memberships (the
/// database keeps that copy: migration 18), and a renamed group shows its new name.
#[tokio::test]
async fn a_members_groups_follow_every_group_change() {
    use app::domain::group::{GroupUpdate, NewGroup};
    use app::service::groups;
    let db = db().await;
    let (org_id, ada) = org_of(&db, "ada", "acme").await;
    let now = Utc::now();
    let group = |name: &str| NewGroup {
        name: name.into(),
        description: None,
        role: None,
        members: vec![],
    };
    groups::create(&db, &ada, "acme", &group("devs"), now)
        .await
        .unwrap();
    let devs: Option<String> = db
        .query("SELECT VALUE record::id(id) FROM ONLY team WHERE name = 'devs' LIMIT 1")
        .await
        .unwrap()
        .take(0)
        .unwrap();
    groups::create(&db, &ada, "acme", &group("ops"), now)
        .await
        .unwrap();
    let vic = quick_user(&db, "vic").await;
    store::memberships::add(&db, &org_id, &vic, "viewer", &[devs.unwrap().into()], now)
        .await
        .unwrap();
    let groups_of = |username: &'static str| {
        let (db, ada) = (db.clone(), ada.clone());
        async move {
            let page = members::list(&db, &ada, "acme", Some(username), None, None, None)
                .await
                .unwrap();
            page.items
                .into_iter()
                .find(|m| m.user.username == username)
                .unwrap()
                .groups
        }
    };
    assert_eq!(groups_of("vic").await, vec!["devs"]);

    groups::add_member(&db, &ada, "acme", "ops", "vic", now)
        .await
        .unwrap();
    assert_eq!(groups_of("vic").await, vec!["devs", "ops"]);
    let rename = GroupUpdate {
        name: Some("builders".into()),
        ..Default::default()
    };
    groups::update(&db, &ada, "acme", "devs", &rename, now)
        .await
        .unwrap();
    assert_eq!(groups_of("vic").await, vec!["builders", "ops"]);
    groups::remove_member(&db, &ada, "acme", "ops", "vic", now)
        .await
        .unwrap();
    assert_eq!(groups_of("vic").await, vec!["builders"]);
    groups::delete(&db, &ada, "acme", "builders", now)
        .await
        .unwrap();
    assert!(groups_of("vic").await.is_empty());
    assert!(groups_of("ada").await.is_empty());
}

/// Migration 18 fills the copy in for memberships made before it.
#[tokio::test]
async fn the_member_groups_migration_fills_in_existing_memberships() {
    use app::store::migrations::{MIGRATIONS, migrate};
    let db = store::open("mem://", None).await.unwrap().0;
    let before = MIGRATIONS.iter().position(|m| m.version == 18).unwrap();
    migrate(&db, &MIGRATIONS[..before], Utc::now())
        .await
        .unwrap();
    db.query(
        "CREATE organization:o CONTENT { name: 'acme', display_name: 'Acme', created_at: time::now(), updated_at: time::now() };
         CREATE user:u CONTENT { username: 'vic', email: 'vic@example.org', password_hash: 'x', created_at: time::now(), updated_at: time::now() };
         CREATE membership:['o', 'u'] CONTENT { org: organization:o, user: user:u, role: 'viewer', username: 'vic', search: 'vic', joined_at: time::now() };
         CREATE team:a CONTENT { org: organization:o, name: 'a', created_at: time::now() };
         CREATE team:b CONTENT { org: organization:o, name: 'b', created_at: time::now() };
         CREATE team_member:['a', 'u'] CONTENT { team: team:a, org: organization:o, user: user:u, added_at: time::now() };
         CREATE team_member:['b', 'u'] CONTENT { team: team:b, org: organization:o, user: user:u, added_at: time::now() };",
    )
    .await
    .unwrap()
    .check()
    .unwrap();
    migrate(&db, MIGRATIONS, Utc::now()).await.unwrap();
    let row = store::memberships::get(&db, &OrgId::from("o".to_string()), "vic")
        .await
        .unwrap()
        .unwrap();
    let mut groups = row.groups;
    groups.sort();
    assert_eq!(groups, vec!["a", "b"]);
}
