use serde::{Deserialize, Serialize};

/// The version of this Gatehouse build.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// What anyone may know about the instance: whether it is up, and which build it runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstanceStatus {
    pub version: String,
    /// The database answered a query just now.
    pub database_ok: bool,
    /// The schema version the database is at.
    pub schema_version: i64,
}
