use super::ids::UserId;
use super::password::Password;
use serde::{Deserialize, Serialize};

/// A user as the API shows it (../shared/API.md "Account"). Carries no secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct User {
    #[cfg_attr(feature = "ssr", schema(value_type = String))]
    pub id: UserId,
    pub username: String,
    pub email: String,
    pub email_verified: bool,
    pub display_name: String,
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    pub last_name: String,
    /// Whether the user holds the Site admin instance role (kept for compatibility; see
    /// `instance_role`).
    pub site_admin: bool,
    /// The instance role (`site_admin`, `help_desk`, `auditor` or a custom role's name);
    /// null for none.
    #[serde(default)]
    pub instance_role: Option<String>,
    /// What the instance role lets the user do in the site administration.
    #[serde(default)]
    pub instance_permissions: Vec<String>,
    pub active: bool,
    /// Whether the user's API tokens work and they may create new ones.
    #[serde(default)]
    pub api_access: bool,
    pub two_factor_enabled: bool,
    /// RFC 3339, UTC.
    pub created_at: String,
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SignupInput {
    pub username: String,
    pub email: String,
    #[cfg_attr(feature = "ssr", schema(value_type = String, format = Password))]
    pub password: Password,
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LoginInput {
    /// Username or email.
    pub login: String,
    #[cfg_attr(feature = "ssr", schema(value_type = String, format = Password))]
    pub password: Password,
    /// A TOTP or recovery code, when two-factor is on.
    #[serde(default)]
    pub code: Option<String>,
}

/// A change to the caller's own profile (../shared/API.md `PATCH /account`).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProfileUpdate {
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    /// Needed to change the email address.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>, format = Password))]
    pub current_password: Option<Password>,
}
