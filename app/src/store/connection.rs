//! Opening the database named by `GATEHOUSE_DATABASE`.
//!
//! Invariant: an on-disk engine is only ever opened with every commit synced to disk
//! (`sync=every`); an address asking for anything weaker is refused, so a committed write is
//! never lost on a crash or a signal.

use super::{DATABASE, Db, NAMESPACE, StoreError};
use std::fmt;

/// How committed writes survive a crash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Durability {
    /// Every commit is fsynced before it is acknowledged.
    EveryCommit,
    /// Nothing survives the process (the `mem://` engine, for tests and trials).
    InMemory,
    /// Decided by the remote SurrealDB server and its storage engine.
    Remote,
}

impl fmt::Display for Durability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Durability::EveryCommit => "sync=every (every commit is fsynced)",
            Durability::InMemory => "none (in-memory database, lost at exit)",
            Durability::Remote => "decided by the remote server",
        })
    }
}

/// What was opened, for the start-up log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabaseInfo {
    /// `mem`, `surrealkv`, `ws` or `wss`.
    pub engine: String,
    /// The address without credentials.
    pub location: String,
    pub durability: Durability,
}

/// Credentials for a remote SurrealDB server (root user); ignored by embedded engines.
#[derive(Clone)]
pub struct Credentials {
    pub username: String,
    pub password: String,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .finish()
    }
}

/// A parsed, checked database address.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Address {
    engine: String,
    /// The address handed to SurrealDB, with `sync=every` made explicit for disk engines.
    connect: String,
    /// A directory to create first (on-disk engines).
    directory: Option<String>,
    durability: Durability,
}

fn parse_address(address: &str) -> Result<Address, StoreError> {
    let bad = |reason: &str| StoreError::Address {
        address: address.to_string(),
        reason: reason.to_string(),
    };
    let (scheme, rest) = match address.split_once("://") {
        Some((scheme, rest)) => (scheme.to_ascii_lowercase(), rest),
        None if address.eq_ignore_ascii_case("mem") || address.eq_ignore_ascii_case("memory") => {
            ("mem".to_string(), "")
        }
        None => {
            return Err(bad(
                "expected mem://, surrealkv://<directory>, ws://host:port or wss://host:port",
            ));
        }
    };
    match scheme.as_str() {
        "mem" | "memory" => {
            if !rest.is_empty() {
                return Err(bad(
                    "mem:// takes no path; use surrealkv://<directory> to keep data on disk",
                ));
            }
            Ok(Address {
                engine: "mem".into(),
                connect: "mem://".into(),
                directory: None,
                durability: Durability::InMemory,
            })
        }
        "surrealkv" => {
            let (path, query) = match rest.split_once('?') {
                Some((path, query)) => (path, Some(query)),
                None => (rest, None),
            };
            if path.is_empty() {
                return Err(bad(
                    "surrealkv:// needs a directory, e.g. surrealkv://data/gatehouse",
                ));
            }
            let mut params: Vec<String> = Vec::new();
            let mut saw_sync = false;
            for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
                let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                if key.eq_ignore_ascii_case("sync") {
                    if !value.eq_ignore_ascii_case("every") {
                        return Err(bad(
                            "only sync=every is allowed: Gatehouse never acknowledges a write \
                             that is not on disk",
                        ));
                    }
                    saw_sync = true;
                }
                params.push(pair.to_string());
            }
            if !saw_sync {
                params.push("sync=every".into());
            }
            Ok(Address {
                engine: "surrealkv".into(),
                connect: format!("surrealkv://{path}?{}", params.join("&")),
                directory: Some(path.to_string()),
                durability: Durability::EveryCommit,
            })
        }
        "ws" | "wss" => {
            if rest.is_empty() {
                return Err(bad("ws:// needs host:port, e.g. ws://127.0.0.1:8000"));
            }
            Ok(Address {
                engine: scheme.clone(),
                connect: address.to_string(),
                directory: None,
                durability: Durability::Remote,
            })
        }
        _ => Err(bad(
            "unsupported engine; expected mem://, surrealkv://<directory>, ws:// or wss://",
        )),
    }
}

/// Creates `dir` (and missing parents) readable by this user only (mode 0700 on Unix): the
/// database holds password hashes and token hashes. An existing directory is left as it is.
pub fn private_dir(dir: &std::path::Path) -> std::io::Result<()> {
    if dir.exists() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Opens (creating if needed) the database at `address` and selects Gatehouse's namespace
/// and database. `credentials` are used for remote servers only.
pub async fn open(
    address: &str,
    credentials: Option<&Credentials>,
) -> Result<(Db, DatabaseInfo), StoreError> {
    let parsed = parse_address(address)?;
    if let Some(dir) = &parsed.directory {
        private_dir(std::path::Path::new(dir)).map_err(|source| StoreError::Io {
            path: dir.clone(),
            source,
        })?;
    }
    let connect_err = |source: surrealdb::Error| {
        if source.to_string().contains("already locked") {
            return StoreError::Address {
                address: address.to_string(),
                reason: "the database is in use by another process (is a gatehouse server \
                         running on it? stop it first, or use a SurrealDB server via ws://)"
                    .into(),
            };
        }
        StoreError::Connect {
            address: address.to_string(),
            source: Box::new(source),
        }
    };
    let db = surrealdb::engine::any::connect(parsed.connect.as_str())
        .await
        .map_err(connect_err)?;
    if parsed.durability == Durability::Remote
        && let Some(creds) = credentials
    {
        db.signin(surrealdb::opt::auth::Root {
            username: creds.username.clone(),
            password: creds.password.clone(),
        })
        .await
        .map_err(connect_err)?;
    }
    db.use_ns(NAMESPACE)
        .use_db(DATABASE)
        .await
        .map_err(connect_err)?;
    let info = DatabaseInfo {
        engine: parsed.engine,
        location: match parsed.directory {
            Some(dir) => dir,
            None => parsed
                .connect
                .split('?')
                .next()
                .unwrap_or_default()
                .to_string(),
        },
        durability: parsed.durability,
    };
    Ok((db, info))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disk_engine_gets_explicit_sync_every() {
        let a = parse_address("surrealkv://data/gatehouse").unwrap();
        assert_eq!(a.connect, "surrealkv://data/gatehouse?sync=every");
        assert_eq!(a.directory.as_deref(), Some("data/gatehouse"));
        assert_eq!(a.durability, Durability::EveryCommit);
        let a = parse_address("surrealkv:///var/lib/gh?versioned=false&sync=every").unwrap();
        assert_eq!(
            a.connect,
            "surrealkv:///var/lib/gh?versioned=false&sync=every"
        );
    }

    #[test]
    fn weaker_sync_is_refused() {
        assert!(parse_address("surrealkv://data?sync=1s").is_err());
        assert!(parse_address("surrealkv://data?sync=never").is_err());
    }

    #[test]
    fn other_engines() {
        assert_eq!(
            parse_address("mem://").unwrap().durability,
            Durability::InMemory
        );
        assert_eq!(parse_address("memory").unwrap().engine, "mem");
        assert_eq!(
            parse_address("ws://127.0.0.1:8000").unwrap().durability,
            Durability::Remote
        );
        assert!(parse_address("rocksdb://x").is_err());
        assert!(parse_address("surrealkv://").is_err());
        assert!(parse_address("nonsense").is_err());
    }

    #[tokio::test]
    async fn opens_memory_and_answers() {
        let (db, info) = open("mem://", None).await.unwrap();
        assert_eq!(info.engine, "mem");
        crate::store::health::ping(&db).await.unwrap();
    }
}
