//! The path parameters of the REST routes, one type per route family, each parameter described
//! once. A handler extracts its type (`Path(GroupPath { org, group }): Path<GroupPath>`) and names
//! it in `params(...)`, so the route's parameters and their OpenAPI description are one
//! declaration. Field names are the `{placeholders}` of the route's path.

use serde::Deserialize;
use utoipa::IntoParams;

/// `/organizations/{org}/…` and `/admin/organizations/{org}/…`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct OrgPath {
    /// Organization name
    pub org: String,
}

/// `/organizations/{org}/members/{username}` and `/organizations/{org}/explain/{username}`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct MemberPath {
    /// Organization name
    pub org: String,
    /// The member's username
    pub username: String,
}

/// `/organizations/{org}/groups/{group}`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct GroupPath {
    /// Organization name
    pub org: String,
    /// Group name
    pub group: String,
}

/// `/organizations/{org}/groups/{group}/members/{username}`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct GroupMemberPath {
    /// Organization name
    pub org: String,
    /// Group name
    pub group: String,
    /// The member's username
    pub username: String,
}

/// `/organizations/{org}/roles/{role}`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct RolePath {
    /// Organization name
    pub org: String,
    /// Role name
    pub role: String,
}

/// `/organizations/{org}/projects/{project}`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ProjectPath {
    /// Organization name
    pub org: String,
    /// Project name
    pub project: String,
}

/// `/organizations/{org}/projects/{project}/access/{kind}/{name}`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct AccessPath {
    /// Organization name
    pub org: String,
    /// Project name
    pub project: String,
    /// `user` or `group`
    pub kind: String,
    /// Username or group name
    pub name: String,
}

/// `/organizations/{org}/invitations/{id}`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct InvitationPath {
    /// Organization name
    pub org: String,
    /// Invitation id
    pub id: String,
}

/// `/organizations/{org}/tokens/{id}`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct OrgTokenPath {
    /// Organization name
    pub org: String,
    /// Token id
    pub id: String,
}

/// `/organizations/{org}/groups/{group}/tokens/{id}`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct GroupTokenPath {
    /// Organization name
    pub org: String,
    /// Group name
    pub group: String,
    /// Token id
    pub id: String,
}

/// `/invitations/{token}`: the link's secret.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct LinkPath {
    /// The token from the link
    pub token: String,
}

/// `/account/sessions/{id}`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct SessionPath {
    /// Session id from the list
    pub id: String,
}

/// `/account/invitations/{id}`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct MyInvitationPath {
    /// Invitation id from the list
    pub id: String,
}

/// `/account/tokens/{id}`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct TokenPath {
    /// Token id from the list
    pub id: String,
}

/// `/admin/users/{username}`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct UserPath {
    /// Username
    pub username: String,
}

/// `/admin/users/{username}/tokens/{id}` and `/admin/users/{username}/sessions/{id}`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct UserCredentialPath {
    /// Username
    pub username: String,
    /// The token's or session's id
    pub id: String,
}

/// `/admin/roles/{role}`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct InstanceRolePath {
    /// Instance role name
    pub role: String,
}

/// `/auth/sso/{provider}/…`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ProviderPath {
    /// The provider's id (from `GET /auth/sso/providers`)
    pub provider: String,
}

/// `/admin/sso/providers/{id}`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct SsoProviderPath {
    /// The provider's id
    pub id: String,
}

/// `/account/identities/{id}`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct IdentityPath {
    /// The identity's id from the list
    pub id: String,
}

/// `/account/passkeys/{id}`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct PasskeyPath {
    /// The passkey's id from the list
    pub id: String,
}
