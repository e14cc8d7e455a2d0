use super::ids::{OrgId, UserId};
use serde::{Deserialize, Serialize};

/// An organization (../shared/API.md "Organizations").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Organization {
    #[cfg_attr(feature = "ssr", schema(value_type = String))]
    pub id: OrgId,
    pub name: String,
    pub display_name: String,
    pub require_two_factor: bool,
    /// Whether people with `members.invite` may add existing accounts directly (else they
    /// invite by email).
    #[serde(default)]
    pub allow_direct_adding: bool,
    /// The single sign-on provider (its id) members must have signed in through to act in the
    /// organization (their API tokens are not affected); null for none.
    #[serde(default)]
    pub require_sso_provider: Option<String>,
    pub created_at: String,
}

impl Organization {
    /// The display name, or the name when there is none.
    pub fn title(&self) -> &str {
        if self.display_name.is_empty() {
            &self.name
        } else {
            &self.display_name
        }
    }
}

/// One of the caller's organizations (`GET /account/organizations`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MyOrganization {
    pub organization: Organization,
    pub role: String,
    pub owner: bool,
}

/// The header's organization menu: the caller's organizations and how many invitations
/// addressed to their verified email wait for an answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgMenu {
    pub organizations: Vec<MyOrganization>,
    pub pending_invitations: u32,
}

/// The person behind a membership, as other members see them (no account details).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MemberUser {
    #[cfg_attr(feature = "ssr", schema(value_type = String))]
    pub id: UserId,
    pub username: String,
    pub email: String,
    pub display_name: String,
}

/// Existing accounts to add to an organization directly (`POST /organizations/{org}/members`).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AddMembersInput {
    /// Usernames or email addresses (usernames only for holders of `users.read`).
    pub users: Vec<String>,
    pub role: String,
    #[serde(default)]
    pub groups: Vec<String>,
}

/// An existing account the type-ahead of "add people" found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Candidate {
    pub username: String,
    pub display_name: String,
    pub email: String,
    /// Already a member of the organization.
    pub member: bool,
}

/// A member as the people page and `GET /organizations/{org}/members` show them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Member {
    pub user: MemberUser,
    pub role: String,
    pub groups: Vec<String>,
    pub owns_projects: bool,
    pub two_factor_enabled: bool,
    pub joined_at: String,
    /// When they last used the organization (pages or API), RFC 3339; null for never.
    #[serde(default)]
    pub last_active_at: Option<String>,
}

/// The caller's standing in an organization, for pages to show only what they may do (the
/// server still decides every action).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgView {
    pub organization: Organization,
    /// The caller's username.
    pub username: String,
    pub role: String,
    pub permissions: Vec<crate::domain::permission::Permission>,
    /// The roles the caller may hand out (built-in, then custom), as the server's rulebook
    /// decides: what the role selects offer. The server checks again on every write.
    pub grantable_roles: Vec<RoleChoice>,
    /// The roles the caller may give an organization token (never Owner).
    pub token_roles: Vec<RoleChoice>,
}

/// A role a form may offer: its name, title and every permission it carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleChoice {
    pub name: String,
    pub title: String,
    pub description: String,
    pub permissions: Vec<crate::domain::permission::Permission>,
}

impl OrgView {
    pub fn can(&self, permission: crate::domain::permission::Permission) -> bool {
        self.permissions.contains(&permission)
    }

    pub fn is_owner(&self) -> bool {
        self.role == "owner"
    }

    /// Whether the caller may hand out `role` (and so take it away, or change a group that
    /// carries it).
    pub fn may_grant(&self, role: &str) -> bool {
        self.grantable_roles.iter().any(|r| r.name == role)
    }
}

/// One page of a list (../shared/API.md "Lists").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// A whole list in one page.
    pub fn all(items: Vec<T>) -> Self {
        Self {
            items,
            next_cursor: None,
        }
    }
}

/// Page sizes: `?limit=` defaults to 50 and is capped at 200.
pub const DEFAULT_LIMIT: usize = 50;
pub const MAX_LIMIT: usize = 200;

/// Reads `?limit=`: the default when absent, clamped to 1..=`MAX_LIMIT`.
pub fn page_limit(limit: Option<usize>) -> usize {
    limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT)
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RoleChange {
    pub role: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewOrganization {
    pub name: String,
    #[serde(default)]
    pub display_name: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OrganizationUpdate {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub require_two_factor: Option<bool>,
    #[serde(default)]
    pub allow_direct_adding: Option<bool>,
    /// A provider's id; null lifts the requirement.
    #[serde(default, with = "crate::domain::double_option")]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>))]
    pub require_sso_provider: Option<Option<String>>,
}
