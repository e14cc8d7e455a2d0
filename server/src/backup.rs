//! `gatehouse backup` and `gatehouse restore`: the whole database as one SurrealQL file on
//! standard output / input.
//!
//! Invariants:
//! - A backup is one consistent export of the database (SurrealDB exports in one
//!   transaction), schema and records, audit chain included.
//! - A restore goes only into an empty database (no migration applied, no record), unless
//!   `--force`, which first removes every table; the restored chain still verifies.

use crate::cli::Cli;
use crate::serve::{ServeError, open_database};
use std::io::{Read, Write};

fn temp_file(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!(
        "gatehouse-{name}-{}-{}.surql",
        std::process::id(),
        chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default()
    ))
}

fn refused(what: &str) -> impl Fn(std::io::Error) -> ServeError + '_ {
    move |e| ServeError::Refused(format!("{what}: {e}"))
}

/// Writes the whole database to standard output.
pub async fn backup(cli: &Cli) -> Result<(), ServeError> {
    let db = open_database(cli).await?;
    let file = temp_file("backup");
    db.export(&file)
        .await
        .map_err(|e| ServeError::Refused(format!("the export failed: {e}")))?;
    let mut bytes = Vec::new();
    std::fs::File::open(&file)
        .and_then(|mut f| f.read_to_end(&mut bytes))
        .map_err(refused("could not read the export"))?;
    let _ = std::fs::remove_file(&file);
    std::io::stdout()
        .lock()
        .write_all(&bytes)
        .map_err(refused("could not write the backup"))?;
    Ok(())
}

/// Loads a backup from standard input into an empty database (any database with `force`).
pub async fn restore(cli: &Cli, force: bool) -> Result<(), ServeError> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .read_to_end(&mut bytes)
        .map_err(refused("could not read the backup from standard input"))?;
    if bytes.is_empty() {
        return Err(ServeError::Refused(
            "the backup on standard input is empty".into(),
        ));
    }
    let (db, _) = app::store::open(&cli.database, cli.credentials().as_ref()).await?;
    let mut info = db
        .query("INFO FOR DB")
        .await
        .map_err(|e| ServeError::Refused(format!("could not inspect the database: {e}")))?;
    let info: Option<serde_json::Value> = info
        .take(0)
        .map_err(|e| ServeError::Refused(format!("could not inspect the database: {e}")))?;
    let tables: Vec<String> = info
        .as_ref()
        .and_then(|i| i.get("tables"))
        .and_then(|t| t.as_object())
        .map(|t| t.keys().cloned().collect())
        .unwrap_or_default();
    if !tables.is_empty() {
        if !force {
            return Err(ServeError::Refused(format!(
                "the database is not empty ({} tables); restore only into an empty database, or pass --force to replace everything in it",
                tables.len()
            )));
        }
        for table in &tables {
            db.query(format!(
                "REMOVE TABLE IF EXISTS `{}`",
                table.replace('`', "")
            ))
            .await
            .and_then(|r| r.check())
            .map_err(|e| ServeError::Refused(format!("could not clear {table}: {e}")))?;
        }
    }
    let file = temp_file("restore");
    std::fs::File::create(&file)
        .and_then(|mut f| f.write_all(&bytes))
        .map_err(refused("could not stage the backup"))?;
    let imported = db.import(&file).await;
    let _ = std::fs::remove_file(&file);
    imported.map_err(|e| ServeError::Refused(format!("the restore failed: {e}")))?;
    let report = app::service::audit::verify(&db).await.map_err(|e| {
        ServeError::Refused(format!(
            "restored, but the audit log could not be read: {}",
            e.message
        ))
    })?;
    eprintln!(
        "Restored. Audit log: {} entries{}.",
        report.checked,
        if report.broken.is_none() {
            ", chain intact"
        } else {
            ", chain BROKEN"
        }
    );
    Ok(())
}
