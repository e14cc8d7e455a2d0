use serde::{Deserialize, Serialize};

/// A user as the API shows it (../shared/API.md "Account"). Carries no secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct User {
    pub id: String,
    pub username: String,
    pub email: String,
    pub email_verified: bool,
    pub display_name: String,
    pub site_admin: bool,
    pub active: bool,
    pub two_factor_enabled: bool,
    /// RFC 3339, UTC.
    pub created_at: String,
}
