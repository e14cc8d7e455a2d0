//! Audit events as the API and the pages show them (../shared/API.md "Audit").

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AuditEvent {
    /// The entry's position in the chain (1, 2, …), as a string.
    pub id: String,
    pub at: String,
    pub actor: String,
    pub ip: String,
    pub action: String,
    pub target: String,
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub detail: serde_json::Value,
}

/// What `gatehouse audit verify` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainReport {
    /// Entries checked.
    pub checked: u64,
    /// The first entry whose link is broken, and why.
    pub broken: Option<(i64, String)>,
}

/// The filters of `GET …/audit-events` (all optional; `since`/`until` RFC 3339).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams))]
#[serde(default)]
pub struct AuditQuery {
    pub actor: Option<String>,
    pub action: Option<String>,
    pub target: Option<String>,
    pub since: Option<String>,
    pub until: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<usize>,
}
