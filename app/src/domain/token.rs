use serde::{Deserialize, Serialize};

/// An API token as listed (../shared/API.md "Tokens"); the secret itself is never listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TokenInfo {
    pub id: String,
    pub description: String,
    /// The first 8 characters, e.g. `gtu_4kQ9`, to recognise it.
    pub prefix: String,
    pub created_at: String,
    pub expires_at: Option<String>,
    pub last_used_at: Option<String>,
    /// Username of who created it.
    pub created_by: Option<String>,
    /// An organization token's role (null for user and group tokens).
    #[serde(default)]
    pub role: Option<String>,
    /// A user token with the admin scope: it reaches `/admin/...` (its user being a site
    /// admin). Always false for organization and group tokens.
    #[serde(default)]
    pub admin: bool,
}

/// A token just created: the only time its secret is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CreatedToken {
    #[serde(flatten)]
    pub info: TokenInfo,
    pub token: String,
}

/// Lifetimes a user may choose for a new token (None: no expiry).
pub const LIFETIMES_DAYS: [i64; 4] = [7, 30, 90, 365];

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewOrganizationToken {
    pub description: String,
    pub role: String,
    #[serde(default)]
    pub expires_in_days: Option<i64>,
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewGroupToken {
    pub description: String,
    #[serde(default)]
    pub expires_in_days: Option<i64>,
}
