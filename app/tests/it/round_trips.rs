//! One database round trip per authenticated request: resolving a session or a token (with
//! its user and the instance settings) is one, and so is the organization permission
//! resolution. The use a resolution records (`last_seen_at`, `last_used_at`) is handed back to
//! be written off the request's path.

use crate::clock::login;
use crate::support::user_token;
use crate::support::{PASSWORD, account, db, org_of};
use app::domain::group::NewGroup;
use app::domain::permission::Permission;
use app::domain::token::{NewGroupToken, NewOrganizationToken};
use app::service::principal::Principal;
use app::service::touch::Touch;
use app::service::{accounts, groups, org_access, org_tokens, sessions, tokens};
use app::store::round_trips::counted;
use chrono::{Duration, Utc};

#[tokio::test]
async fn resolving_a_caller_is_one_round_trip_and_records_its_use_apart() {
    let db = db().await;
    let t0 = Utc::now();
    account(&db, "ada", t0).await;
    let secret = login(&db, "ada", PASSWORD, t0).await.unwrap();

    // A session just opened: one read, nothing to record.
    let (resolved, trips) = counted(sessions::caller(&db, &secret, None, t0)).await;
    let resolved = resolved.unwrap();
    assert_eq!(trips, 1);
    assert!(matches!(resolved.principal, Principal::User(_)));
    assert_eq!(resolved.touch, []);
    let ada = resolved.principal;
    // `GET /account` answers from what the resolution read: no second round trip.
    let (me, trips) = counted(accounts::me(&db, &ada)).await;
    assert_eq!(me.unwrap().username, "ada");
    assert_eq!(trips, 0);

    // Two minutes later: still one read; the use is due and handed back, not written.
    let later = t0 + Duration::minutes(2);
    let (resolved, trips) = counted(sessions::caller(&db, &secret, None, later)).await;
    let resolved = resolved.unwrap();
    assert_eq!(trips, 1);
    assert!(matches!(resolved.touch.as_slice(), [Touch::Session { at, .. }] if *at == later));
    let (recorded, trips) = counted(resolved.recorded(&db)).await;
    recorded.unwrap();
    assert_eq!(trips, 1, "recording the use is one write of its own");
    // Recorded: a minute later nothing is due again.
    let (resolved, _) = counted(sessions::caller(
        &db,
        &secret,
        None,
        later + Duration::seconds(30),
    ))
    .await;
    assert_eq!(resolved.unwrap().touch, []);

    // A user token: one read.
    let created = tokens::create_user_token(&db, &ada, &user_token("ci", Some(7)), t0)
        .await
        .unwrap();
    let (resolved, trips) =
        counted(tokens::caller(&db, &created.token, "192.0.2.1", None, t0)).await;
    let resolved = resolved.unwrap();
    assert_eq!(trips, 1);
    assert!(matches!(resolved.principal, Principal::User(ref u) if u.username == "ada"));
    assert!(
        matches!(resolved.touch.as_slice(), [Touch::Token { .. }]),
        "never used yet"
    );

    // An unknown token is one read too (and a 401).
    // (The last character changed: `x`, or `y` when it already was `x`.)
    let (head, last) = created.token.split_at(created.token.len() - 1);
    let unknown = format!("{head}{}", if last == "x" { "y" } else { "x" });
    let (refused, trips) = counted(tokens::caller(&db, &unknown, "192.0.2.1", None, t0)).await;
    assert!(refused.is_err());
    assert!(trips <= 1, "a malformed token is refused before any read");
}

#[tokio::test]
async fn the_organization_permission_resolution_is_one_round_trip() {
    let db = db().await;
    let now = Utc::now();
    let (_, owner) = org_of(&db, "olga", "acme").await;
    let (access, trips) = counted(org_access::resolve(&db, &owner, "acme")).await;
    assert!(access.is_ok());
    assert_eq!(trips, 1);

    // For an organization token, resolving it and its access are one round trip each.
    let created = org_tokens::create(
        &db,
        &owner,
        "acme",
        &NewOrganizationToken {
            description: "CI".into(),
            role: "viewer".into(),
            expires_in_days: Some(30),
        },
        now,
    )
    .await
    .unwrap();
    let (bot, trips) = counted(tokens::caller(&db, &created.token, "192.0.2.1", None, now)).await;
    let bot = bot.unwrap().principal;
    assert_eq!(trips, 1);
    let (access, trips) = counted(org_access::resolve(&db, &bot, "acme")).await;
    assert!(access.is_ok());
    assert_eq!(trips, 1);
}

#[tokio::test]
async fn a_sign_in_is_five_round_trips_around_its_hash() {
    let db = db().await;
    let t0 = Utc::now();
    account(&db, "ada", t0).await;
    // The user (1), the throttle's budgets read and spent at once (2), refunded at once (1),
    // the session with its audit entry (1).
    let (secret, trips) = counted(login(&db, "ada", PASSWORD, t0)).await;
    secret.unwrap();
    assert_eq!(trips, 5);
    // A wrong password: the user, the budgets (2), the audit entry of the failure.
    let (refused, trips) = counted(login(&db, "ada", "not the password", t0)).await;
    assert!(refused.is_err());
    assert_eq!(trips, 4);
}

#[tokio::test]
async fn a_token_read_with_its_organization_checks_it_there_without_a_second_trip() {
    let db = db().await;
    let now = Utc::now();
    let (_, olga) = org_of(&db, "olga", "acme").await;
    let (_, _) = org_of(&db, "otto", "other").await;
    let personal = tokens::create_user_token(&db, &olga, &user_token("ci", Some(7)), now)
        .await
        .unwrap();
    let bot = org_tokens::create(
        &db,
        &olga,
        "acme",
        &NewOrganizationToken {
            description: "CI".into(),
            role: "viewer".into(),
            expires_in_days: Some(30),
        },
        now,
    )
    .await
    .unwrap();

    for token in [&personal.token, &bot.token] {
        // The path's spelling of the name does not matter: the standing is read for its key.
        let (caller, trips) =
            counted(tokens::caller(&db, token, "192.0.2.1", Some(" ACME"), now)).await;
        let caller = caller.unwrap().principal;
        assert_eq!(trips, 1, "the caller and its standing are one read");
        let (access, trips) = counted(org_access::resolve(&db, &caller, "acme")).await;
        let access = access.unwrap();
        assert_eq!(trips, 0, "the standing read with the caller is used");
        assert!(access.permissions.contains(Permission::MembersRead));

        // Another organization is read afresh, and refused as before.
        let (elsewhere, trips) = counted(org_access::resolve(&db, &caller, "other")).await;
        assert_eq!(elsewhere.unwrap_err().status(), 404);
        assert_eq!(trips, 1);

        // A standing read for an organization the token does not belong to grants nothing.
        let (caller, _) =
            counted(tokens::caller(&db, token, "192.0.2.1", Some("other"), now)).await;
        let caller = caller.unwrap().principal;
        let (refused, trips) = counted(org_access::resolve(&db, &caller, "other")).await;
        assert_eq!(refused.unwrap_err().status(), 404);
        assert_eq!(trips, 0);
        let (missing, _) = counted(org_access::resolve(&db, &caller, "nowhere")).await;
        assert_eq!(missing.unwrap_err().status(), 404);
    }
}

/// A session resolved for a page of an organization (`/orgs/acme/…`) or a REST path naming it
/// reads the user's standing there in the same round trip; the page's organization checks
/// then make none.
#[tokio::test]
async fn a_session_read_with_its_organization_checks_it_there_without_a_second_trip() {
    let db = db().await;
    let now = Utc::now();
    account(&db, "olga", now).await;
    let secret = login(&db, "olga", PASSWORD, now).await.unwrap();
    let olga = sessions::principal(&db, &secret, now).await.unwrap();
    app::service::organizations::create(
        &db,
        &olga,
        &app::domain::organization::NewOrganization {
            name: "acme".into(),
            display_name: None,
        },
        now,
    )
    .await
    .unwrap();
    org_of(&db, "otto", "other").await;

    let (caller, trips) = counted(sessions::caller(&db, &secret, Some("Acme "), now)).await;
    let caller = caller.unwrap().principal;
    assert_eq!(trips, 1, "the session and the standing are one read");
    for _ in 0..2 {
        let (access, trips) = counted(org_access::resolve(&db, &caller, "acme")).await;
        assert!(
            access
                .unwrap()
                .permissions
                .contains(Permission::MembersRead)
        );
        assert_eq!(trips, 0, "the standing read with the caller is used");
    }
    let (elsewhere, trips) = counted(org_access::resolve(&db, &caller, "other")).await;
    assert_eq!(elsewhere.unwrap_err().status(), 404);
    assert_eq!(trips, 1, "another organization is read afresh");

    // Read for an organization she does not belong to, or one that does not exist: nothing.
    for org in ["other", "nowhere"] {
        let (caller, trips) = counted(sessions::caller(&db, &secret, Some(org), now)).await;
        assert_eq!(trips, 1);
        let caller = caller.unwrap().principal;
        let (refused, trips) = counted(org_access::resolve(&db, &caller, org)).await;
        assert_eq!(refused.unwrap_err().status(), 404);
        assert_eq!(trips, 0);
    }
    // An unknown session is still one read, and nobody.
    let (nobody, trips) = counted(sessions::caller(&db, &"x".repeat(43), Some("acme"), now)).await;
    assert!(matches!(nobody.unwrap().principal, Principal::Anonymous));
    assert_eq!(trips, 1);
}

#[tokio::test]
async fn a_group_tokens_standing_read_with_it_follows_its_group() {
    let db = db().await;
    let now = Utc::now();
    let (_, olga) = org_of(&db, "olga", "acme").await;
    groups::create(
        &db,
        &olga,
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
    let created = org_tokens::create_group(
        &db,
        &olga,
        "acme",
        "ops",
        &NewGroupToken {
            description: "deploys".into(),
            expires_in_days: Some(30),
        },
        now,
    )
    .await
    .unwrap();
    let resolve_with_standing = || async {
        let (caller, trips) = counted(tokens::caller(
            &db,
            &created.token,
            "192.0.2.1",
            Some("acme"),
            now,
        ))
        .await;
        assert_eq!(trips, 1);
        let caller = caller.unwrap().principal;
        counted(org_access::resolve(&db, &caller, "acme")).await
    };
    let (access, trips) = resolve_with_standing().await;
    assert_eq!(trips, 0);
    assert!(
        access
            .unwrap()
            .permissions
            .contains(Permission::MembersRead)
    );

    // Once the group is gone, the standing read with the token grants nothing.
    groups::delete(&db, &olga, "acme", "ops", now)
        .await
        .unwrap();
    let (caller, _) = counted(tokens::caller(
        &db,
        &created.token,
        "192.0.2.1",
        Some("acme"),
        now,
    ))
    .await;
    // (Deleting a group ends its tokens; if the token still resolved, its standing must not
    // find the group.)
    match caller {
        Err(err) => assert_eq!(err.status(), 401),
        Ok(resolved) => {
            let (refused, trips) =
                counted(org_access::resolve(&db, &resolved.principal, "acme")).await;
            assert_eq!(refused.unwrap_err().status(), 404);
            assert_eq!(trips, 0);
        }
    }
}
