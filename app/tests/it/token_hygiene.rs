//! Token hygiene (issue 16.12): flags and filters on the organization's and the instance's
//! token lists, rotation with a grace period, and the once-only expiry notice.

use crate::projects::{Fixture, acme, who};
use crate::support::{admin, user_token};
use app::domain::group::NewGroup;
use app::domain::token::{NewGroupToken, NewOrganizationToken};
use app::error::ErrorCode;
use app::service::{groups, org_tokens, token_hygiene, tokens};
use app::store::{self, Db};
use chrono::{Duration, Utc};

fn org_token(description: &str, days: Option<i64>) -> NewOrganizationToken {
    NewOrganizationToken {
        description: description.into(),
        role: "viewer".into(),
        expires_in_days: days,
    }
}

fn descriptions(list: &[app::domain::token::TokenInfo]) -> Vec<&str> {
    let mut names: Vec<&str> = list.iter().map(|t| t.description.as_str()).collect();
    names.sort_unstable();
    names
}

async fn leave(db: &Db, org: &str, name: &str) {
    app::service::members::remove(db, &who(db, name).await, org, name, Utc::now())
        .await
        .unwrap();
}

#[tokio::test]
async fn the_lists_flag_what_deserves_a_look() {
    let Fixture { db, .. } = acme(&[("eve", "admin"), ("vic", "viewer")]).await;
    let now = Utc::now();
    let ada = who(&db, "ada").await;
    let eve = who(&db, "eve").await;
    org_tokens::create(&db, &ada, "acme", &org_token("weekly", Some(7)), now)
        .await
        .unwrap();
    let used = org_tokens::create(&db, &ada, "acme", &org_token("used", Some(90)), now)
        .await
        .unwrap();
    tokens::authenticate(&db, &used.token, "192.0.2.1", now)
        .await
        .unwrap();
    org_tokens::create(&db, &eve, "acme", &org_token("eve's", None), now)
        .await
        .unwrap();
    groups::create(
        &db,
        &ada,
        "acme",
        &NewGroup {
            name: "ops".into(),
            description: None,
            role: Some("viewer".into()),
            members: Vec::new(),
        },
        now,
    )
    .await
    .unwrap();
    org_tokens::create_group(
        &db,
        &ada,
        "acme",
        "ops",
        &NewGroupToken {
            description: "ops bot".into(),
            expires_in_days: Some(30),
        },
        now,
    )
    .await
    .unwrap();
    // A personal token of eve's is not the organization's.
    tokens::create_user_token(&db, &eve, &user_token("mine", Some(7)), now)
        .await
        .unwrap();
    leave(&db, "acme", "eve").await;

    let list = |flag: Option<&'static str>| {
        let (db, ada) = (db.clone(), ada.clone());
        async move {
            token_hygiene::of_org(&db, &ada, "acme", flag, Utc::now())
                .await
                .unwrap()
        }
    };
    let all = list(None).await;
    assert_eq!(descriptions(&all), ["eve's", "ops bot", "used", "weekly"]);
    let ops = all.iter().find(|t| t.description == "ops bot").unwrap();
    assert_eq!(
        (ops.kind.as_str(), ops.group.as_deref()),
        ("group", Some("ops"))
    );
    let weekly = all.iter().find(|t| t.description == "weekly").unwrap();
    assert_eq!(weekly.flags, ["expiring", "never_used"]);
    assert_eq!(descriptions(&list(Some("expiring")).await), ["weekly"]);
    assert_eq!(
        descriptions(&list(Some("never_used")).await),
        ["eve's", "ops bot", "weekly"]
    );
    assert_eq!(descriptions(&list(Some("orphaned")).await), ["eve's"]);
    let err = token_hygiene::of_org(&db, &ada, "acme", Some("stale"), now)
        .await
        .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("flag"));
    let vic = who(&db, "vic").await;
    let err = token_hygiene::of_org(&db, &vic, "acme", None, now)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);

    // The instance's list: every token, for users.manage_credentials only.
    let root = admin(&db, "root").await;
    let page = token_hygiene::of_instance(&db, &root, Some("expiring"), None, None, now)
        .await
        .unwrap();
    assert_eq!(descriptions(&page.items), ["mine", "weekly"]);
    let err = token_hygiene::of_instance(&db, &ada, None, None, None, now)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    let first = token_hygiene::of_instance(&db, &root, None, None, Some(2), now)
        .await
        .unwrap();
    let cursor = first.next_cursor.clone().unwrap();
    let rest = token_hygiene::of_instance(&db, &root, None, Some(&cursor), Some(10), now)
        .await
        .unwrap();
    assert_eq!(first.items.len() + rest.items.len(), 5);
}

#[tokio::test]
async fn a_rotated_token_works_for_its_grace_period_then_stops() {
    let Fixture { db, .. } = acme(&[]).await;
    let t0 = Utc::now();
    let ada = who(&db, "ada").await;
    let old = tokens::create_user_token(&db, &ada, &user_token("deploys", Some(30)), t0)
        .await
        .unwrap();
    let err = token_hygiene::rotate_user_token(&db, &ada, &old.info.id, Some(5), t0)
        .await
        .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("grace_minutes"));
    let new = token_hygiene::rotate_user_token(&db, &ada, &old.info.id, Some(60), t0)
        .await
        .unwrap();
    assert_ne!(new.token, old.token);
    assert_eq!(new.info.description, "deploys");
    assert_eq!(new.info.expires_at, old.info.expires_at);
    let works = |token: String, at: chrono::DateTime<Utc>| {
        let db = db.clone();
        async move {
            tokens::authenticate(&db, &token, "192.0.2.1", at)
                .await
                .is_ok()
        }
    };
    assert!(works(old.token.clone(), t0 + Duration::minutes(59)).await);
    assert!(!works(old.token.clone(), t0 + Duration::minutes(61)).await);
    assert!(works(new.token.clone(), t0 + Duration::minutes(61)).await);
    // Rotated once only; a token rotates nothing; someone else's is not found.
    let err = token_hygiene::rotate_user_token(&db, &ada, &old.info.id, None, t0)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    let bearer = tokens::authenticate(&db, &new.token, "192.0.2.1", t0)
        .await
        .unwrap();
    let err = token_hygiene::rotate_user_token(&db, &bearer, &new.info.id, None, t0)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    let root = admin(&db, "root").await;
    let err = token_hygiene::rotate_user_token(&db, &root, &new.info.id, None, t0)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);

    // Without a grace period the old secret stops at once.
    let newer = token_hygiene::rotate_user_token(&db, &ada, &new.info.id, Some(0), t0)
        .await
        .unwrap();
    assert!(!works(new.token.clone(), t0).await);
    assert!(works(newer.token.clone(), t0).await);
    let listed = tokens::list_user_tokens(&db, &ada).await.unwrap();
    assert_eq!(
        listed.len(),
        2,
        "the revoked one is gone, the one in its grace is listed"
    );
    assert!(listed.iter().any(|t| t.rotated_at.is_some()));
}

#[tokio::test]
async fn a_creator_is_told_once_a_week_before_expiry() {
    let Fixture { db, .. } = acme(&[]).await;
    let t0 = Utc::now();
    let ada = who(&db, "ada").await;
    tokens::create_user_token(&db, &ada, &user_token("soon", Some(7)), t0)
        .await
        .unwrap();
    tokens::create_user_token(&db, &ada, &user_token("later", Some(30)), t0)
        .await
        .unwrap();
    org_tokens::create(&db, &ada, "acme", &org_token("bot", Some(7)), t0)
        .await
        .unwrap();
    let told = token_hygiene::notify_expiring(&db, "https://gh.example", t0 + Duration::days(1))
        .await
        .unwrap();
    assert_eq!(told, 2);
    let again = token_hygiene::notify_expiring(&db, "https://gh.example", t0 + Duration::days(2))
        .await
        .unwrap();
    assert_eq!(again, 0);
    let notices: Vec<_> = store::outbox::newest(&db, None, 50)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.kind == "token_expiring")
        .collect();
    assert_eq!(notices.len(), 2);
    assert!(notices.iter().all(|m| m.recipient == "ada@example.org"));
    assert!(
        notices.iter().any(|m| m.body.contains("\"soon\"")
            && m.body.contains("https://gh.example/settings/tokens"))
    );
    assert!(
        notices.iter().any(|m| m.body.contains("\"bot\"")
            && m.body.contains("https://gh.example/orgs/acme/tokens"))
    );
}

/// A rotation keeps the expiry only within the instance's maximum of today, and nobody whose
/// address is unverified is sent a notice.
#[tokio::test]
async fn a_rotation_obeys_todays_maximum_and_notices_go_to_verified_addresses() {
    let Fixture { db, .. } = acme(&[]).await;
    let t0 = Utc::now();
    let ada = who(&db, "ada").await;
    let forever = tokens::create_user_token(&db, &ada, &user_token("forever", None), t0)
        .await
        .unwrap();
    let root = admin(&db, "root").await;
    app::service::admin_instance::update_settings(
        &db,
        &root,
        &app::domain::admin::SettingsUpdate {
            token_max_days: Some(Some(30)),
            ..Default::default()
        },
        t0,
    )
    .await
    .unwrap();
    // The caller as a new request would resolve them, with today's settings.
    let ada_id = store::users::by_login(&db, "ada")
        .await
        .unwrap()
        .unwrap()
        .id;
    let session = app::service::sessions::open(&db, &ada_id, "ada", "", "192.0.2.1", false, t0)
        .await
        .unwrap();
    let ada = app::service::sessions::principal(&db, &session.secret, t0)
        .await
        .unwrap();
    let new = token_hygiene::rotate_user_token(&db, &ada, &forever.info.id, None, t0)
        .await
        .unwrap();
    let expires =
        chrono::DateTime::parse_from_rfc3339(new.info.expires_at.as_deref().unwrap()).unwrap();
    assert!(expires <= t0 + Duration::days(30) + Duration::seconds(1));

    db.query("UPDATE user SET email_verified = false WHERE username = 'ada'")
        .await
        .unwrap()
        .check()
        .unwrap();
    tokens::create_user_token(&db, &ada, &user_token("soon", Some(7)), t0)
        .await
        .unwrap();
    let told = token_hygiene::notify_expiring(&db, "https://gh.example", t0 + Duration::days(1))
        .await
        .unwrap();
    assert_eq!(told, 0);
}

/// The organization's list and its revoke reach group tokens, but an Owner-role group's only
/// for owners: an admin neither sees nor revokes them.
#[tokio::test]
async fn an_owner_groups_tokens_stay_with_owners() {
    let Fixture { db, .. } = acme(&[("adam", "admin")]).await;
    let now = Utc::now();
    let ada = who(&db, "ada").await;
    let adam = who(&db, "adam").await;
    groups::create(
        &db,
        &ada,
        "acme",
        &NewGroup {
            name: "board".into(),
            description: None,
            role: Some("owner".into()),
            members: Vec::new(),
        },
        now,
    )
    .await
    .unwrap();
    let token = org_tokens::create_group(
        &db,
        &ada,
        "acme",
        "board",
        &NewGroupToken {
            description: "board bot".into(),
            expires_in_days: Some(30),
        },
        now,
    )
    .await
    .unwrap();
    let seen = token_hygiene::of_org(&db, &adam, "acme", None, now)
        .await
        .unwrap();
    assert!(seen.iter().all(|t| t.description != "board bot"));
    let err = org_tokens::revoke(&db, &adam, "acme", &token.info.id, now)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    let owners = token_hygiene::of_org(&db, &ada, "acme", None, now)
        .await
        .unwrap();
    assert!(owners.iter().any(|t| t.description == "board bot"));
    org_tokens::revoke(&db, &ada, "acme", &token.info.id, now)
        .await
        .unwrap();
}
