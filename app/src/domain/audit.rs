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

/// The audit log's filters (all optional; `since`/`until` RFC 3339 or a date) and page cursor:
/// the one type the audit pages read from their query string, their server functions take,
/// and `GET …/audit-events` and `…/export` read (the export ignores `cursor` and `limit`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams))]
#[serde(default)]
pub struct AuditQuery {
    /// A username, or `anonymous`.
    pub actor: Option<String>,
    /// An action (`member.role_changed`) or its prefix (`member`).
    pub action: Option<String>,
    /// e.g. `user:bob` or `group:devs`.
    pub target: Option<String>,
    /// From this time (inclusive).
    pub since: Option<String>,
    /// Until this time (exclusive).
    pub until: Option<String>,
    /// The `next_cursor` of the previous page (listing only).
    pub cursor: Option<String>,
    /// Default 50, at most 200 (listing only).
    pub limit: Option<usize>,
}

impl AuditQuery {
    /// The filter names, in the order the pages show them.
    pub const FILTERS: [&'static str; 5] = ["actor", "action", "target", "since", "until"];

    /// Reads the filters and the cursor from a query string's values (`get` answers a key's
    /// value); blank values count as unset.
    pub fn read(get: impl Fn(&str) -> Option<String>) -> Self {
        let param = |key: &str| {
            get(key)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        AuditQuery {
            actor: param("actor"),
            action: param("action"),
            target: param("target"),
            since: param("since"),
            until: param("until"),
            cursor: param("cursor"),
            limit: None,
        }
    }

    /// The filters that are set, as (name, value) in [`Self::FILTERS`] order: for the filter
    /// form, the next-page link and the export links.
    pub fn filters(&self) -> Vec<(String, String)> {
        let values = [
            &self.actor,
            &self.action,
            &self.target,
            &self.since,
            &self.until,
        ];
        Self::FILTERS
            .iter()
            .zip(values)
            .filter_map(|(key, value)| value.clone().map(|v| (key.to_string(), v)))
            .collect()
    }
}
