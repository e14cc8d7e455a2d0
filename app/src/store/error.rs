use crate::error::AppError;

/// What can go wrong below the service layer.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database address {address:?} is not usable: {reason}")]
    Address { address: String, reason: String },
    #[error("could not open the database at {address:?}: {source}")]
    Connect {
        address: String,
        #[source]
        source: Box<surrealdb::Error>,
    },
    #[error(
        "the database schema is at version {database}, but this gatehouse binary only knows \
         versions up to {binary}; run a gatehouse release at least as new as the one that \
         last wrote this database"
    )]
    SchemaTooNew { database: i64, binary: i64 },
    #[error("migration {version} ({name}) failed: {source}")]
    Migration {
        version: i64,
        name: String,
        #[source]
        source: Box<surrealdb::Error>,
    },
    #[error("the migration list is malformed: {0}")]
    MigrationList(String),
    #[error("database error: {0}")]
    Query(Box<surrealdb::Error>),
    #[error("could not prepare the data directory {path:?}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

impl From<StoreError> for AppError {
    fn from(err: StoreError) -> Self {
        AppError::internal(err)
    }
}

impl From<surrealdb::Error> for StoreError {
    fn from(err: surrealdb::Error) -> Self {
        StoreError::Query(Box::new(err))
    }
}
