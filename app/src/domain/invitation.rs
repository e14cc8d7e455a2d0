use super::password::Password;
use serde::{Deserialize, Serialize};

/// An invitation as its organization sees it (../shared/API.md "Invitations").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Invitation {
    pub id: String,
    pub email: String,
    pub role: String,
    pub groups: Vec<String>,
    pub invited_by: Option<String>,
    pub created_at: String,
    pub expires_at: String,
    /// The link to send; only in the create and resend responses, to the inviter.
    pub accept_url: Option<String>,
}

/// What the public invitation page shows to whoever holds the link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PublicInvitation {
    /// The organization's name.
    pub organization: String,
    pub organization_display_name: String,
    pub invited_by: Option<String>,
    pub email: String,
    pub role: String,
    pub expires_at: String,
}

/// A live invitation addressed to the signed-in user's verified email, as they see it among
/// their own (accepted or declined in place, without the link).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PendingInvitation {
    pub id: String,
    /// The organization's name.
    pub organization: String,
    pub organization_display_name: String,
    pub invited_by: Option<String>,
    pub role: String,
    pub groups: Vec<String>,
    pub expires_at: String,
}

/// How long an invitation link works.
pub const LIFETIME_DAYS: i64 = 7;

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewInvitationInput {
    pub email: String,
    pub role: String,
    /// Names of groups the person joins on accepting.
    #[serde(default)]
    pub groups: Option<Vec<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct InvitationSignup {
    pub username: String,
    #[cfg_attr(feature = "ssr", schema(value_type = String, format = Password))]
    pub password: Password,
}
