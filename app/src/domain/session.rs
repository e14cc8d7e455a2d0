use serde::{Deserialize, Serialize};

/// One of the caller's sessions, as listed to them (../shared/API.md "Account").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SessionInfo {
    pub id: String,
    /// The session this request was made with.
    pub current: bool,
    pub user_agent: String,
    pub ip: String,
    pub created_at: String,
    pub last_seen_at: String,
}
