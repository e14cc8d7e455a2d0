//! The admin users list with 100,000 users: pages, filters behind a deep cursor, a search.

use crate::support::{admin, db};
use app::domain::admin::UserQuery;
use app::service::admin_users;

pub async fn run() {
    let db = db().await;
    let root = admin(&db, "root").await;
    let started = std::time::Instant::now();
    for chunk in 0..200 {
        let mut q = String::from("BEGIN;");
        for i in 0..500 {
            let n = chunk * 500 + i;
            // Every 10th user is inactive, every 1000th a site admin, every user in one
            // organization's membership (the organizations count is part of each row).
            q.push_str(&format!(
                "CREATE user:s{n} CONTENT {{ username: 'u{n:06}', email: 'u{n:06}@example.org', display_name: 'User {n}', password_hash: 'x', active: {active}, site_admin: {admin}, created_at: time::now(), updated_at: time::now() }};
                 CREATE membership:['scale', 's{n}'] CONTENT {{ org: organization:scale, user: user:s{n}, role: 'viewer', username: 'u{n:06}', search: 'u{n:06}', joined_at: time::now() }};",
                active = n % 10 != 0,
                admin = n % 1000 == 0,
            ));
        }
        q.push_str("COMMIT;");
        db.query(q).await.unwrap().check().unwrap();
        if chunk % 20 == 19 {
            println!("{} users after {:?}", (chunk + 1) * 500, started.elapsed());
        }
    }
    println!("seeded 100,000 users in {:?}", started.elapsed());
    let time = |label: &'static str, query: UserQuery| {
        let db = db.clone();
        let root = root.clone();
        async move {
            let runs = 10;
            let t = std::time::Instant::now();
            let mut shown = 0;
            for _ in 0..runs {
                shown = admin_users::list(&db, &root, &query)
                    .await
                    .unwrap()
                    .items
                    .len();
            }
            println!("{label}: {:?} per page ({shown} rows)", t.elapsed() / runs);
        }
    };
    let cursor = |c: &str| Some(c.to_string());
    time("first page", UserQuery::default()).await;
    time(
        "page after u090000",
        UserQuery {
            cursor: cursor("u090000"),
            ..Default::default()
        },
    )
    .await;
    time(
        "inactive, first page",
        UserQuery {
            status: Some("inactive".into()),
            ..Default::default()
        },
    )
    .await;
    time(
        "inactive, after u090000",
        UserQuery {
            status: Some("inactive".into()),
            cursor: cursor("u090000"),
            ..Default::default()
        },
    )
    .await;
    time(
        "site admins (100 of 100,000)",
        UserQuery {
            site_admin: Some(true),
            ..Default::default()
        },
    )
    .await;
    time(
        "search 'u09999'",
        UserQuery {
            query: Some("u09999".into()),
            ..Default::default()
        },
    )
    .await;
}
