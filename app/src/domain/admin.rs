//! Site administration as the API shows it (../shared/API.md "Site administration").

use super::user::User;
use serde::{Deserialize, Serialize};

/// A user in the admin list: the account, how many organizations they belong to, and when
/// they last signed in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AdminUser {
    #[serde(flatten)]
    pub user: User,
    pub organizations: u32,
    pub last_sign_in_at: Option<String>,
}

/// One user as `/admin/users/{username}` shows them: the account, the organizations they
/// belong to (with their role and groups there), and when they last signed in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AdminUserDetail {
    #[serde(flatten)]
    pub user: User,
    pub organizations: Vec<UserOrganization>,
    pub last_sign_in_at: Option<String>,
}

/// One of a user's memberships, as an administrator sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UserOrganization {
    /// The organization's name.
    pub name: String,
    pub display_name: String,
    pub role: String,
    pub groups: Vec<String>,
}

/// A user just created by a site admin, with the temporary password to hand over (shown once).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CreatedUser {
    pub user: User,
    pub temporary_password: String,
}

/// A new temporary password (shown once).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TemporaryPassword {
    pub temporary_password: String,
}

/// The instance settings (`GET/PATCH /admin/settings`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct InstanceSettings {
    /// `open`, `invite_only` or `closed`.
    pub signup_mode: String,
    pub require_two_factor: bool,
    pub session_idle_minutes: i64,
    pub session_max_hours: i64,
    /// The longest a new token may live; null for no limit.
    pub token_max_days: Option<i64>,
    /// Whether organizations may let their members add existing accounts directly (each
    /// organization still decides; false forbids it everywhere).
    #[serde(default)]
    pub allow_direct_adding: bool,
    /// Whether new accounts may use the API (each user's `api_access` can change later).
    #[serde(default)]
    pub api_access_default: bool,
    /// Whether users may change their own username.
    #[serde(default)]
    pub allow_rename: bool,
    /// Whether a first sign-in through an SSO provider creates an account even when sign-up
    /// is not `open`.
    #[serde(default)]
    pub sso_signup: bool,
    /// Whether password sign-in is off for everyone but site admins (people sign in through
    /// a provider).
    #[serde(default)]
    pub sso_only: bool,
}

/// An email kept in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OutboxMessage {
    pub id: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub kind: String,
    /// `pending`, `sent` or `failed`.
    pub status: String,
    pub attempts: u32,
    pub last_error: Option<String>,
    pub created_at: String,
    pub sent_at: Option<String>,
}

/// An organization in the admin list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AdminOrganization {
    #[serde(flatten)]
    pub organization: super::organization::Organization,
    pub members_count: u32,
    pub owners: Vec<String>,
}

/// A change to the settings; absent fields stay, `token_max_days: null` removes the limit.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SettingsUpdate {
    #[serde(default)]
    pub signup_mode: Option<String>,
    #[serde(default)]
    pub require_two_factor: Option<bool>,
    #[serde(default)]
    pub session_idle_minutes: Option<i64>,
    #[serde(default)]
    pub session_max_hours: Option<i64>,
    #[serde(default, with = "crate::domain::double_option")]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<i64>))]
    pub token_max_days: Option<Option<i64>>,
    #[serde(default)]
    pub allow_direct_adding: Option<bool>,
    #[serde(default)]
    pub api_access_default: Option<bool>,
    #[serde(default)]
    pub allow_rename: Option<bool>,
    #[serde(default)]
    pub sso_signup: Option<bool>,
    #[serde(default)]
    pub sso_only: Option<bool>,
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewOwner {
    pub username: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams))]
#[serde(default)]
pub struct UserQuery {
    pub query: Option<String>,
    /// `active` or `inactive`.
    pub status: Option<String>,
    /// `true` for site admins only, `false` for everyone else.
    pub site_admin: Option<bool>,
    /// Holders of this instance role; `none` for users without one.
    pub instance_role: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<usize>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewUserInput {
    pub email: String,
    /// Inferred from the email (and made unique) when left out.
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    /// Defaults to "First Last".
    #[serde(default)]
    pub display_name: Option<String>,
    /// Active (the default) or created deactivated.
    #[serde(default)]
    pub active: Option<bool>,
    /// An instance role to give at once (needs `users.update` and a role within yours).
    #[serde(default)]
    pub instance_role: Option<String>,
    /// Organizations to place the user in at once, each with a role and groups (needs, in
    /// each, the right to invite with that role and those groups).
    #[serde(default)]
    pub organizations: Vec<Placement>,
    /// A password typed by the administrator (the password policy applies); generated when
    /// left out.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>, format = Password))]
    pub password: Option<crate::domain::password::Password>,
    /// Whether the user must choose their own password at the first sign-in (default true).
    #[serde(default)]
    pub require_password_change: Option<bool>,
}

/// A place in an organization for a new or existing account: a role and groups.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Placement {
    /// The organization's name.
    pub name: String,
    pub role: String,
    #[serde(default)]
    pub groups: Vec<String>,
}

/// Several accounts at once, all with the same options.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BatchInput {
    pub entries: Vec<BatchEntry>,
    #[serde(default)]
    pub active: Option<bool>,
    #[serde(default)]
    pub instance_role: Option<String>,
    #[serde(default)]
    pub organizations: Vec<Placement>,
    #[serde(default)]
    pub require_password_change: Option<bool>,
}

/// One account of a batch.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BatchEntry {
    pub email: String,
    /// Inferred from the email (and made unique) when left out.
    #[serde(default)]
    pub username: Option<String>,
}

impl BatchEntry {
    /// The entries of pasted text: one per line, `email` or `email, username`; blank lines
    /// are skipped, and invisible characters (a byte-order mark, zero-width spaces) dropped.
    pub fn parse_lines(text: &str) -> Vec<BatchEntry> {
        let visible: String = text
            .chars()
            .filter(|c| !matches!(c, '\u{feff}' | '\u{200b}'..='\u{200d}' | '\u{2060}'))
            .collect();
        visible
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .map(|line| match line.split_once(',') {
                Some((email, username)) => BatchEntry {
                    email: email.trim().to_string(),
                    username: Some(username.trim().to_string()).filter(|u| !u.is_empty()),
                },
                None => BatchEntry {
                    email: line.to_string(),
                    username: None,
                },
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::BatchEntry;

    #[test]
    fn pasted_lines_become_entries() {
        let entries =
            BatchEntry::parse_lines("\u{feff}a@x.org\r\n\n b@x.org ,  bee \r\nc@x.org,\n");
        let pairs: Vec<(&str, Option<&str>)> = entries
            .iter()
            .map(|e| (e.email.as_str(), e.username.as_deref()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("a@x.org", None),
                ("b@x.org", Some("bee")),
                ("c@x.org", None)
            ]
        );
    }
}

/// What a batch did: each account created (with its temporary password, shown once) and each
/// line refused, with why. A refused line created nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct BatchResult {
    pub created: Vec<CreatedUser>,
    pub failed: Vec<BatchFailure>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct BatchFailure {
    /// The entry's email as given.
    pub email: String,
    /// The entry's position in the batch, from 1.
    pub line: u32,
    /// The refusal, in the API's error shape.
    pub error: crate::error::ErrorDetail,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AdminUserUpdate {
    #[serde(default)]
    pub active: Option<bool>,
    /// `true` gives the Site admin role; `false` takes it away (when held). Kept for
    /// compatibility: `instance_role` says the same and more.
    #[serde(default)]
    pub site_admin: Option<bool>,
    /// The instance role to hold, by name; null for none.
    #[serde(default, with = "crate::domain::double_option")]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>))]
    pub instance_role: Option<Option<String>>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    /// A new address (`users.update`): unverified until the user opens the link sent to it;
    /// the old address is told.
    #[serde(default)]
    pub email: Option<String>,
    /// Whether the user's API tokens work (`users.manage_credentials`).
    #[serde(default)]
    pub api_access: Option<bool>,
}
