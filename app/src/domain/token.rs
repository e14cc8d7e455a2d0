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
    /// An organization token's role, or the role level a user token is limited to (null for
    /// group tokens and unlimited user tokens).
    #[serde(default)]
    pub role: Option<String>,
    /// The organization a user token is limited to (null: it acts wherever its user does);
    /// in the token hygiene lists also an organization or group token's organization.
    #[serde(default)]
    pub organization: Option<String>,
    /// `user`, `organization` or `group`.
    #[serde(default)]
    pub kind: String,
    /// A group token's group (in the token hygiene lists).
    #[serde(default)]
    pub group: Option<String>,
    /// What makes it worth a look (the token hygiene lists fill it): `expiring` (within 7
    /// days), `never_used`, `orphaned` (an organization or group token whose creator left).
    #[serde(default)]
    pub flags: Vec<String>,
    /// When it was rotated: it works until `expires_at` (the grace period's end), then its
    /// successor alone does.
    #[serde(default)]
    pub rotated_at: Option<String>,
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

/// A new user token (`POST /account/tokens`).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewUserToken {
    pub description: String,
    /// 7, 30, 90 or 365; null for no expiry (unless the instance sets a maximum).
    #[serde(default)]
    pub expires_in_days: Option<i64>,
    /// The admin scope: a site admin's token reaches `/api/v1/admin/...` only with it.
    #[serde(default)]
    pub admin: bool,
    /// Limits the token to this organization (one the user belongs to): it gets 404 anywhere
    /// else and acts in no other part of the API.
    #[serde(default)]
    pub organization: Option<String>,
    /// With `organization`: the role level it acts at there (`viewer`, `editor`, `admin` or
    /// a custom role of that organization), intersected with the user's current rights.
    #[serde(default)]
    pub role: Option<String>,
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

/// An organization a new user token may be limited to, with the role levels it offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScopeChoice {
    pub organization: String,
    pub title: String,
    pub levels: Vec<ScopeLevel>,
}

/// A role level a limited token may act at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScopeLevel {
    pub name: String,
    pub title: String,
}

/// What makes a live token worth a look (`?flag=` of the token hygiene lists).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenFlag {
    /// It expires within 7 days.
    Expiring,
    /// It was never used.
    NeverUsed,
    /// An organization or group token whose creator left the organization.
    Orphaned,
}

impl TokenFlag {
    pub const ALL: [TokenFlag; 3] = [Self::Expiring, Self::NeverUsed, Self::Orphaned];

    /// How many days before its expiry a token counts as expiring.
    pub const EXPIRING_DAYS: i64 = 7;

    pub fn key(self) -> &'static str {
        match self {
            Self::Expiring => "expiring",
            Self::NeverUsed => "never_used",
            Self::Orphaned => "orphaned",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Self::Expiring => "Expires within 7 days",
            Self::NeverUsed => "Never used",
            Self::Orphaned => "Creator left",
        }
    }

    pub fn parse(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.key() == key)
    }
}

/// A rotation's grace period (`POST /account/tokens/{id}/rotate`): 0 (none), 60 or 1440
/// minutes.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RotateToken {
    #[serde(default)]
    pub grace_minutes: Option<i64>,
}

/// The grace periods a rotation may leave the old token, in minutes.
pub const GRACE_MINUTES: [i64; 3] = [0, 60, 1440];
