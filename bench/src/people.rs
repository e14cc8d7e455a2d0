//! The people page's queries with 10,000 members (each in one of 20 groups; 200 of them own a
//! project): a page of 50 first, behind a deep cursor and with a search; the access check.

use crate::support::{db, org_of};
use app::service::{members, organizations};

pub async fn run() {
    let db = db().await;
    let (org_id, ada) = org_of(&db, "ada", "acme").await;
    let started = std::time::Instant::now();
    seed_members(&db, &org_id, 10_000, 20).await;
    println!(
        "seeded 10,000 members, 20 groups of 500, 200 projects in {:?}",
        started.elapsed()
    );
    let time = |label: &'static str, query: Option<&'static str>, cursor: Option<&'static str>| {
        let db = db.clone();
        let ada = ada.clone();
        async move {
            let runs = 20;
            let t = std::time::Instant::now();
            for _ in 0..runs {
                members::list(&db, &ada, "acme", query, cursor, None, Some(50))
                    .await
                    .unwrap();
            }
            println!("{label}: {:?} per page of 50", t.elapsed() / runs);
        }
    };
    time("first page", None, None).await;
    time("page after m09000", None, Some("m09000")).await;
    time("search 'm0999'", Some("m0999"), None).await;
    let t = std::time::Instant::now();
    for _ in 0..20 {
        organizations::get(&db, &ada, "acme").await.unwrap();
    }
    println!("access check: {:?}", t.elapsed() / 20);
}

/// Adds `members` members (`m00000`, `m00001`, …; viewers) to organization `org_id`, spread
/// over `groups` groups (`group-00`, …), every 50th owning a project: straight in the store,
/// a hundred per transaction.
pub async fn seed_members(
    db: &app::store::Db,
    org_id: &app::domain::ids::OrgId,
    members: usize,
    groups: usize,
) {
    for g in 0..groups {
        db.query(format!(
            "CREATE team:g{g} CONTENT {{ org: organization:{org_id}, name: 'group-{g:02}', created_at: time::now() }};
             CREATE team_name:['{org_id}', 'group-{g:02}'] CONTENT {{ team: team:g{g} }};"
        ))
        .await
        .unwrap()
        .check()
        .unwrap();
    }
    for chunk in 0..members.div_ceil(100) {
        let mut q = String::from("BEGIN;");
        for n in chunk * 100..members.min(chunk * 100 + 100) {
            q.push_str(&format!(
                "CREATE user:u{n} CONTENT {{ username: 'm{n:05}', email: 'm{n:05}@example.org', password_hash: 'x', created_at: time::now(), updated_at: time::now() }};
                 CREATE membership:['{org_id}', 'u{n}'] CONTENT {{ org: organization:{org_id}, user: user:u{n}, role: 'viewer', username: 'm{n:05}', search: 'm{n:05} m{n:05}@example.org', joined_at: time::now() }};
                 CREATE team_member CONTENT {{ team: team:g{g}, org: organization:{org_id}, user: user:u{n}, added_at: time::now() }};",
                g = n % groups
            ));
            if n % 50 == 0 {
                q.push_str(&format!(
                    "CREATE project:p{n} CONTENT {{ org: organization:{org_id}, name: 'p{n}', owner: user:u{n}, created_at: time::now(), updated_at: time::now() }};"
                ));
            }
        }
        q.push_str("COMMIT;");
        db.query(q).await.unwrap().check().unwrap();
    }
}
