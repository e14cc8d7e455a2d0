//! `gatehouse backup` and `gatehouse restore`: the whole database as one SurrealQL file on
//! standard output / input.
//!
//! Invariants:
//! - A backup is one consistent export of the database (SurrealDB exports in one
//!   transaction), schema and records, audit chain included.
//! - A restore goes only into an empty database (no migration applied, no record), unless
//!   `--force`, which first removes every table. A restored audit chain that does not verify
//!   makes the restore fail (exit 1) unless `--allow-broken-chain`.
//! - The database never passes through a file others can read: the export and the staged
//!   restore live in a fresh directory only this user can open (mode 0700), removed after.

use crate::cli::Cli;
use crate::serve::{ServeError, open_database};
use std::io::{Read, Write};

/// A fresh directory only this user can open, for one staged file; removed on drop.
struct PrivateDir(std::path::PathBuf);

impl PrivateDir {
    fn new(name: &str) -> Result<Self, ServeError> {
        let dir = std::env::temp_dir().join(format!(
            "gatehouse-{name}-{}-{}",
            std::process::id(),
            chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default()
        ));
        if dir.exists() {
            return Err(ServeError::Refused(format!(
                "{} already exists",
                dir.display()
            )));
        }
        app::store::private_dir(&dir).map_err(refused("could not create a private directory"))?;
        Ok(PrivateDir(dir))
    }

    fn file(&self) -> std::path::PathBuf {
        self.0.join("gatehouse.surql")
    }
}

impl Drop for PrivateDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn refused(what: &str) -> impl Fn(std::io::Error) -> ServeError + '_ {
    move |e| ServeError::Refused(format!("{what}: {e}"))
}

/// Writes the whole database to standard output.
pub async fn backup(cli: &Cli) -> Result<(), ServeError> {
    let db = open_database(cli).await?;
    let staging = PrivateDir::new("backup")?;
    let file = staging.file();
    db.export(&file)
        .await
        .map_err(|e| ServeError::Refused(format!("the export failed: {e}")))?;
    let mut bytes = Vec::new();
    std::fs::File::open(&file)
        .and_then(|mut f| f.read_to_end(&mut bytes))
        .map_err(refused("could not read the export"))?;
    drop(staging);
    std::io::stdout()
        .lock()
        .write_all(&bytes)
        .map_err(refused("could not write the backup"))?;
    Ok(())
}

/// Loads a backup from standard input into an empty database (any database with `force`);
/// fails when the restored audit chain does not verify, unless `allow_broken_chain`.
pub async fn restore(cli: &Cli, force: bool, allow_broken_chain: bool) -> Result<(), ServeError> {
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
    let staging = PrivateDir::new("restore")?;
    let file = staging.file();
    std::fs::File::create(&file)
        .and_then(|mut f| f.write_all(&bytes))
        .map_err(refused("could not stage the backup"))?;
    let imported = db.import(&file).await;
    drop(staging);
    imported.map_err(|e| ServeError::Refused(format!("the restore failed: {e}")))?;
    let report = app::service::audit::verify(&db).await.map_err(|e| {
        ServeError::Refused(format!(
            "restored, but the audit log could not be read: {}",
            e.message
        ))
    })?;
    match report.broken {
        None => {
            eprintln!(
                "Restored. Audit log: {} entries, chain intact.",
                report.checked
            );
            Ok(())
        }
        Some((seq, why)) if allow_broken_chain => {
            eprintln!(
                "Restored. Audit log: {} entries, chain BROKEN at entry {seq} ({why}); accepted (--allow-broken-chain).",
                report.checked
            );
            Ok(())
        }
        Some((seq, why)) => Err(ServeError::Refused(format!(
            "restored, but the audit chain does not verify: broken at entry {seq} ({why}). \
             The backup was altered or damaged; restore another one, or pass \
             --allow-broken-chain to keep it anyway"
        ))),
    }
}
