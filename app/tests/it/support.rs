//! Fixtures shared by the service tests.

use app::domain::password::Password;
use app::service::accounts::{self, SignupInput};
use app::store::{self, Db};
use chrono::{DateTime, Utc};

pub const PASSWORD: &str = "violet tractor quietly hums";

pub async fn db() -> Db {
    let (db, _) = store::open("mem://", None).await.unwrap();
    store::migrations::migrate(&db, store::migrations::MIGRATIONS, Utc::now())
        .await
        .unwrap();
    db
}

pub async fn account(db: &Db, name: &str, now: DateTime<Utc>) {
    accounts::signup(
        db,
        &SignupInput {
            username: name.into(),
            email: format!("{name}@example.org"),
            password: Password::new(PASSWORD),
        },
        &Default::default(),
        "http://gatehouse.test",
        now,
    )
    .await
    .unwrap();
}
