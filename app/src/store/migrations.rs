//! Schema migrations: numbered, forward-only, each applied in its own transaction together
//! with the record that says it was applied.
//!
//! Invariants:
//! - A migration is applied at most once: its record `schema_migration:<version>` is created in
//!   the same transaction as its statements, so a crash or a concurrent migrator leaves either
//!   both or neither.
//! - Versions are applied in increasing order, and a database that already holds a version
//!   this binary does not know is refused before anything is written.

use super::checked::checked;
use super::retry::retry_on_conflict;
use super::{Db, StoreError};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use surrealdb::types::SurrealValue;

/// One schema step. `surql` may use `$now` (the time of the run).
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub surql: &'static str,
}

/// Gatehouse's schema, in order. Later features append here; never edit an applied entry.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "instance",
        surql: include_str!("migrations/0001_instance.surql"),
    },
    Migration {
        version: 2,
        name: "accounts",
        surql: include_str!("migrations/0002_accounts.surql"),
    },
    Migration {
        version: 3,
        name: "throttle",
        surql: include_str!("migrations/0003_throttle.surql"),
    },
    Migration {
        version: 4,
        name: "tokens",
        surql: include_str!("migrations/0004_tokens.surql"),
    },
    Migration {
        version: 5,
        name: "setup",
        surql: include_str!("migrations/0005_setup.surql"),
    },
    Migration {
        version: 6,
        name: "two_factor",
        surql: include_str!("migrations/0006_two_factor.surql"),
    },
    Migration {
        version: 7,
        name: "mail",
        surql: include_str!("migrations/0007_mail.surql"),
    },
    Migration {
        version: 8,
        name: "organizations",
        surql: include_str!("migrations/0008_organizations.surql"),
    },
    Migration {
        version: 9,
        name: "roles",
        surql: include_str!("migrations/0009_roles.surql"),
    },
    Migration {
        version: 10,
        name: "projects",
        surql: include_str!("migrations/0010_projects.surql"),
    },
    Migration {
        version: 11,
        name: "audit",
        surql: include_str!("migrations/0011_audit.surql"),
    },
    Migration {
        version: 12,
        name: "admin",
        surql: include_str!("migrations/0012_admin.surql"),
    },
    Migration {
        version: 13,
        name: "user_filters",
        surql: include_str!("migrations/0013_user_filters.surql"),
    },
    Migration {
        version: 14,
        name: "rights",
        surql: include_str!("migrations/0014_rights.surql"),
    },
    Migration {
        version: 15,
        name: "token_admin_scope",
        surql: include_str!("migrations/0015_token_admin_scope.surql"),
    },
    Migration {
        version: 16,
        name: "orphan_token_roles",
        surql: include_str!("migrations/0016_orphan_token_roles.surql"),
    },
    Migration {
        version: 17,
        name: "search",
        surql: include_str!("migrations/0017_search.surql"),
    },
    Migration {
        version: 18,
        name: "member_groups",
        surql: include_str!("migrations/0018_member_groups.surql"),
    },
    Migration {
        version: 19,
        name: "invitation_email",
        surql: include_str!("migrations/0019_invitation_email.surql"),
    },
    Migration {
        version: 20,
        name: "instance_roles",
        surql: include_str!("migrations/0020_instance_roles.surql"),
    },
    Migration {
        version: 21,
        name: "user_names",
        surql: include_str!("migrations/0021_user_names.surql"),
    },
    Migration {
        version: 22,
        name: "direct_adding",
        surql: include_str!("migrations/0022_direct_adding.surql"),
    },
    Migration {
        version: 23,
        name: "api_access",
        surql: include_str!("migrations/0023_api_access.surql"),
    },
    Migration {
        version: 24,
        name: "member_activity",
        surql: include_str!("migrations/0024_member_activity.surql"),
    },
    Migration {
        version: 25,
        name: "token_hygiene",
        surql: include_str!("migrations/0025_token_hygiene.surql"),
    },
    Migration {
        version: 26,
        name: "password_reset",
        surql: include_str!("migrations/0026_password_reset.surql"),
    },
    Migration {
        version: 27,
        name: "sso",
        surql: include_str!("migrations/0027_sso.surql"),
    },
    Migration {
        version: 28,
        name: "sso_link_groups",
        surql: include_str!("migrations/0028_sso_link_groups.surql"),
    },
    Migration {
        version: 29,
        name: "sso_policy",
        surql: include_str!("migrations/0029_sso_policy.surql"),
    },
    Migration {
        version: 30,
        name: "passkeys",
        surql: include_str!("migrations/0030_passkeys.surql"),
    },
    Migration {
        version: 31,
        name: "sso_link_email",
        surql: include_str!("migrations/0031_sso_link_email.surql"),
    },
];

/// What a run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationReport {
    /// Versions applied by this run, in order.
    pub applied: Vec<i64>,
    /// The schema version after the run.
    pub current: i64,
}

#[derive(Debug, SurrealValue)]
struct AppliedRow {
    version: i64,
    name: String,
    checksum: String,
}

/// A failed migration is retried this often before giving up (concurrent migrators).
const MAX_ATTEMPTS: u32 = 4;

const BOOTSTRAP: &str = "
    DEFINE TABLE IF NOT EXISTS schema_migration SCHEMAFULL;
    DEFINE FIELD IF NOT EXISTS version ON schema_migration TYPE int;
    DEFINE FIELD IF NOT EXISTS name ON schema_migration TYPE string;
    DEFINE FIELD IF NOT EXISTS checksum ON schema_migration TYPE string;
    DEFINE FIELD IF NOT EXISTS applied_at ON schema_migration TYPE datetime;
";

fn checksum(surql: &str) -> String {
    Sha256::digest(surql.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn validate(migrations: &[Migration]) -> Result<(), StoreError> {
    for (i, m) in migrations.iter().enumerate() {
        let expected = i as i64 + 1;
        if m.version != expected {
            return Err(StoreError::MigrationList(format!(
                "entry {i} has version {} where {expected} was expected (versions start at 1 \
                 and have no gaps)",
                m.version
            )));
        }
    }
    Ok(())
}

async fn bootstrap(db: &Db) -> Result<(), StoreError> {
    retry_on_conflict(|| async { checked(db.query(BOOTSTRAP).await?) }).await?;
    Ok(())
}

async fn applied_versions(db: &Db) -> Result<Vec<AppliedRow>, StoreError> {
    let mut response = checked(
        db.query("SELECT version, name, checksum FROM schema_migration ORDER BY version")
            .await?,
    )?;
    Ok(response.take(0)?)
}

/// The highest applied version (0 for an empty database).
pub async fn current_version(db: &Db) -> Result<i64, StoreError> {
    Ok(applied_versions(db)
        .await?
        .iter()
        .map(|r| r.version)
        .max()
        .unwrap_or(0))
}

/// Applies every migration in `migrations` that the database does not have yet.
pub async fn migrate(
    db: &Db,
    migrations: &[Migration],
    now: DateTime<Utc>,
) -> Result<MigrationReport, StoreError> {
    validate(migrations)?;
    bootstrap(db).await?;
    let known = migrations.last().map(|m| m.version).unwrap_or(0);
    let rows = applied_versions(db).await?;
    let newest = rows.iter().map(|r| r.version).max().unwrap_or(0);
    if newest > known {
        return Err(StoreError::SchemaTooNew {
            database: newest,
            binary: known,
        });
    }
    for row in &rows {
        if let Some(m) = migrations.iter().find(|m| m.version == row.version)
            && (m.name != row.name || checksum(m.surql) != row.checksum)
        {
            tracing::warn!(
                version = row.version,
                applied = %row.name,
                shipped = %m.name,
                "an applied migration differs from the one this binary ships; \
                 migrations must never be edited once released"
            );
        }
    }

    let mut applied = Vec::new();
    for m in migrations.iter().filter(|m| m.version > newest) {
        let script = format!(
            "BEGIN TRANSACTION;\n{}\nCREATE type::record('schema_migration', $version) CONTENT {{\n  \
             version: $version, name: $name, checksum: $checksum, applied_at: $now\n}};\n\
             COMMIT TRANSACTION;",
            m.surql
        );
        let mut attempt = 0;
        loop {
            let result = db
                .query(script.as_str())
                .bind(("version", m.version))
                .bind(("name", m.name.to_string()))
                .bind(("checksum", checksum(m.surql)))
                .bind(("now", now))
                .await
                .and_then(checked);
            let source = match result {
                Ok(_) => {
                    tracing::info!(version = m.version, name = m.name, "applied migration");
                    applied.push(m.version);
                    break;
                }
                Err(source) => source,
            };
            // Another server may be applying the same version: its record id makes one of us
            // fail. Once its transaction is visible, that is success for this run too.
            if applied_versions(db)
                .await?
                .iter()
                .any(|r| r.version == m.version)
            {
                break;
            }
            attempt += 1;
            if attempt >= MAX_ATTEMPTS {
                return Err(StoreError::Migration {
                    version: m.version,
                    name: m.name.to_string(),
                    source: Box::new(source),
                });
            }
            tokio::time::sleep(std::time::Duration::from_millis(20 << attempt)).await;
        }
    }
    Ok(MigrationReport {
        applied,
        current: known.max(newest),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::open;

    const FIRST: Migration = Migration {
        version: 1,
        name: "widgets",
        surql: "DEFINE TABLE widget SCHEMAFULL; DEFINE FIELD name ON widget TYPE string;",
    };
    const SECOND: Migration = Migration {
        version: 2,
        name: "widget colour",
        // Only works if the first one ran before it.
        surql: "DEFINE FIELD colour ON widget TYPE string DEFAULT 'blue'; \
                CREATE widget:one CONTENT { name: 'one' };",
    };
    const BROKEN: Migration = Migration {
        version: 3,
        name: "broken",
        surql: "CREATE widget:two CONTENT { name: 'two' }; THROW 'boom';",
    };

    async fn db() -> Db {
        open("mem://", None).await.unwrap().0
    }

    #[tokio::test]
    async fn applies_in_order_and_records_each() {
        let db = db().await;
        let report = migrate(&db, &[FIRST, SECOND], Utc::now()).await.unwrap();
        assert_eq!(report.applied, vec![1, 2]);
        assert_eq!(report.current, 2);
        let mut r = db
            .query("SELECT VALUE colour FROM widget:one")
            .await
            .unwrap();
        let colour: Option<String> = r.take(0).unwrap();
        assert_eq!(colour.as_deref(), Some("blue"));
        let rows = applied_versions(&db).await.unwrap();
        let names: Vec<_> = rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, vec!["widgets", "widget colour"]);
        assert_eq!(current_version(&db).await.unwrap(), 2);
    }

    #[tokio::test]
    async fn second_run_applies_nothing() {
        let db = db().await;
        migrate(&db, &[FIRST], Utc::now()).await.unwrap();
        let again = migrate(&db, &[FIRST], Utc::now()).await.unwrap();
        assert!(again.applied.is_empty());
        let later = migrate(&db, &[FIRST, SECOND], Utc::now()).await.unwrap();
        assert_eq!(later.applied, vec![2]);
    }

    #[tokio::test]
    async fn refuses_a_newer_schema() {
        let db = db().await;
        migrate(&db, &[FIRST, SECOND], Utc::now()).await.unwrap();
        let err = migrate(&db, &[FIRST], Utc::now()).await.unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::SchemaTooNew {
                    database: 2,
                    binary: 1
                }
            ),
            "{err}"
        );
        assert!(err.to_string().contains("version 2"), "{err}");
    }

    #[tokio::test]
    async fn a_failing_migration_leaves_nothing_behind() {
        let db = db().await;
        let err = migrate(&db, &[FIRST, SECOND, BROKEN], Utc::now())
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::Migration { version: 3, .. }),
            "{err}"
        );
        assert_eq!(current_version(&db).await.unwrap(), 2);
        let mut r = db.query("SELECT VALUE id FROM widget:two").await.unwrap();
        let ids: Vec<surrealdb::types::RecordId> = r.take(0).unwrap();
        assert!(
            ids.is_empty(),
            "the failed migration's write must be rolled back"
        );
    }

    #[tokio::test]
    async fn rejects_gaps_in_the_list() {
        let db = db().await;
        let err = migrate(&db, &[FIRST, BROKEN], Utc::now())
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::MigrationList(_)), "{err}");
    }

    #[tokio::test]
    async fn concurrent_migrators_apply_each_version_once() {
        let db = db().await;
        let (a, b) = tokio::join!(
            migrate(&db, &[FIRST, SECOND], Utc::now()),
            migrate(&db, &[FIRST, SECOND], Utc::now())
        );
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!(a.applied.len() + b.applied.len(), 2, "{a:?} {b:?}");
        assert_eq!(applied_versions(&db).await.unwrap().len(), 2);
    }

    #[tokio::test]
    async fn gatehouse_schema_applies_cleanly() {
        let db = db().await;
        let report = migrate(&db, MIGRATIONS, Utc::now()).await.unwrap();
        assert_eq!(report.current, MIGRATIONS.len() as i64);
        assert!(
            migrate(&db, MIGRATIONS, Utc::now())
                .await
                .unwrap()
                .applied
                .is_empty()
        );
    }
}
