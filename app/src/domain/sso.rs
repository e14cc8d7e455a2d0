//! Single sign-on with OpenID Connect: what an administrator configures, what the sign-in page
//! shows, and the identities a user has linked (../shared/API.md "Additions (second round)").
//!
//! The client secret is write-only: it is accepted in [`SsoProviderInput`] (whose `Debug`
//! masks it) and never appears in a type that is serialised back.

use crate::error::AppError;
use serde::{Deserialize, Serialize};

/// A provider as the sign-in page offers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SsoProviderSummary {
    pub id: String,
    /// "Sign in with <name>".
    pub name: String,
}

/// What the sign-in page offers: the providers, and whether passwords are for site
/// administrators only ("SSO only").
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInOptions {
    pub providers: Vec<SsoProviderSummary>,
    pub sso_only: bool,
}

/// The provider's own sign-out, offered after signing out of Gatehouse.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndSessionOffer {
    pub provider_name: String,
    pub url: String,
}

/// One claim value that puts its holders in an organization group at each sign-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct GroupMapping {
    pub claim_value: String,
    /// The organization's name.
    pub organization: String,
    /// The group's name within it.
    pub group: String,
}

/// A configured provider as administrators see it (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SsoProvider {
    pub id: String,
    pub name: String,
    /// The issuer URL; its `/.well-known/openid-configuration` describes the provider.
    pub issuer: String,
    pub client_id: String,
    /// Scopes asked for besides `openid`.
    pub scopes: Vec<String>,
    /// The ID token claim that names the account made at first sign-in.
    pub username_claim: String,
    /// The ID token claim that lists the user's groups (for group mappings).
    pub groups_claim: Option<String>,
    pub group_mappings: Vec<GroupMapping>,
    /// The address to register at the provider as the redirect (callback) URL.
    pub redirect_url: String,
    pub created_at: String,
}

/// A new provider, or a provider's changes (a missing field keeps its value; an empty
/// `client_secret` keeps the stored one).
#[derive(Clone, Default, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SsoProviderInput {
    pub name: Option<String>,
    pub issuer: Option<String>,
    pub client_id: Option<String>,
    /// Write-only: stored on the server and never shown again.
    pub client_secret: Option<String>,
    pub scopes: Option<Vec<String>>,
    pub username_claim: Option<String>,
    /// `null` or "" for none.
    pub groups_claim: Option<String>,
    pub group_mappings: Option<Vec<GroupMapping>>,
}

impl std::fmt::Debug for SsoProviderInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SsoProviderInput")
            .field("name", &self.name)
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "<redacted>"),
            )
            .finish_non_exhaustive()
    }
}

/// A provider's settings once checked: every rule of a provider's shape, in one place.
#[derive(Clone, PartialEq, Eq)]
pub struct ProviderSettings {
    pub name: String,
    pub issuer: String,
    pub client_id: String,
    pub scopes: Vec<String>,
    pub username_claim: String,
    pub groups_claim: Option<String>,
    pub group_mappings: Vec<GroupMapping>,
}

const CLAIM_MAX: usize = 100;

fn claim_name(value: &str, field: &str) -> Result<String, AppError> {
    let value = value.trim();
    if value.is_empty()
        || value.len() > CLAIM_MAX
        || !value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-.:/".contains(&b))
    {
        return Err(AppError::validation(
            field,
            "Use a claim name of letters, digits and _ - . : / (at most 100 characters).",
        ));
    }
    Ok(value.to_string())
}

/// Whether `issuer` is an https URL, or http to this machine (a provider under test): the
/// client secret and the codes travel to it.
pub fn check_issuer(issuer: &str) -> Result<String, AppError> {
    // Kept as typed, trailing slash included: discovery compares it exactly with the
    // provider's own `issuer`.
    let issuer = issuer.trim().to_string();
    let refuse = || {
        AppError::validation(
            "issuer",
            "Use the provider's https issuer URL (http only for localhost), without a query.",
        )
    };
    let (scheme, rest) = issuer.split_once("://").ok_or_else(refuse)?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let hostname = host
        .rsplit_once(':')
        .filter(|(_, port)| port.bytes().all(|b| b.is_ascii_digit()))
        .map_or(host, |(name, _)| name);
    let local = ["localhost", "127.0.0.1", "[::1]"].contains(&hostname);
    let scheme_ok = scheme == "https" || (scheme == "http" && local);
    if !scheme_ok
        || hostname.is_empty()
        || issuer.contains(['?', '#', ' ', '@'])
        || issuer.len() > 500
    {
        return Err(refuse());
    }
    Ok(issuer)
}

impl ProviderSettings {
    /// Checks a new provider (every field but `groups_claim` and the mappings is required) or
    /// a change applied to `current`.
    pub fn from_input(
        input: &SsoProviderInput,
        current: Option<&ProviderSettings>,
    ) -> Result<Self, AppError> {
        let required = |value: &Option<String>, kept: Option<&String>, field: &str| {
            value
                .as_ref()
                .or(kept)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .ok_or_else(|| AppError::validation(field, "Required."))
        };
        let name = required(&input.name, current.map(|c| &c.name), "name")?;
        if name.chars().count() > 60 {
            return Err(AppError::validation("name", "Use at most 60 characters."));
        }
        let issuer = check_issuer(&required(
            &input.issuer,
            current.map(|c| &c.issuer),
            "issuer",
        )?)?;
        let client_id = required(&input.client_id, current.map(|c| &c.client_id), "client_id")?;
        if client_id.len() > 255 {
            return Err(AppError::validation(
                "client_id",
                "Use at most 255 characters.",
            ));
        }
        let scopes = match (&input.scopes, current) {
            (Some(scopes), _) => scopes
                .iter()
                .flat_map(|s| s.split_whitespace())
                .filter(|s| *s != "openid")
                .map(|s| claim_name(s, "scopes"))
                .collect::<Result<Vec<_>, _>>()?,
            (None, Some(current)) => current.scopes.clone(),
            (None, None) => vec!["email".into(), "profile".into()],
        };
        if scopes.len() > 20 {
            return Err(AppError::validation("scopes", "Ask for at most 20 scopes."));
        }
        let username_claim = match (&input.username_claim, current) {
            (Some(claim), _) => claim_name(claim, "username_claim")?,
            (None, Some(current)) => current.username_claim.clone(),
            (None, None) => "preferred_username".into(),
        };
        let groups_claim = match (&input.groups_claim, current) {
            (Some(claim), _) if claim.trim().is_empty() => None,
            (Some(claim), _) => Some(claim_name(claim, "groups_claim")?),
            (None, Some(current)) => current.groups_claim.clone(),
            (None, None) => None,
        };
        let group_mappings = match (&input.group_mappings, current) {
            (Some(mappings), _) => mappings
                .iter()
                .map(|m| GroupMapping {
                    claim_value: m.claim_value.trim().to_string(),
                    organization: m.organization.trim().to_lowercase(),
                    group: m.group.trim().to_string(),
                })
                .collect(),
            (None, Some(current)) => current.group_mappings.clone(),
            (None, None) => Vec::new(),
        };
        if group_mappings.len() > 100 {
            return Err(AppError::validation(
                "group_mappings",
                "Use at most 100 mappings.",
            ));
        }
        if group_mappings.iter().any(|m| {
            m.claim_value.is_empty()
                || m.organization.is_empty()
                || m.group.is_empty()
                || m.claim_value.len() > 200
        }) {
            return Err(AppError::validation(
                "group_mappings",
                "Each mapping needs a claim value, an organization and a group.",
            ));
        }
        if !group_mappings.is_empty() && groups_claim.is_none() {
            return Err(AppError::validation(
                "groups_claim",
                "Name the claim that holds the groups to map them.",
            ));
        }
        Ok(Self {
            name,
            issuer,
            client_id,
            scopes,
            username_claim,
            groups_claim,
            group_mappings,
        })
    }
}

/// An identity waiting to be linked, as the link page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkPreview {
    pub provider_name: String,
    /// The account it will be linked to.
    pub username: String,
}

/// The sign-in page's sentence for a failed sign-in through a provider (`?sso_error=`).
pub fn failure_message(code: &str) -> &'static str {
    match code {
        "unreachable" => "The identity provider could not be reached. Try again later.",
        "expired" => "That sign-in expired or was started in another browser. Start again.",
        "denied" => "The identity provider did not sign you in.",
        "rejected" => {
            "The identity provider's answer could not be verified, so you were not signed in."
        }
        "email_unverified" => {
            "Your identity provider has not verified your email address, and an account already uses it. Verify it at the provider, or sign in with your password."
        }
        "email_missing" => {
            "Your identity provider did not share an email address, which a new account needs."
        }
        "signup_closed" => {
            "There is no account for you here, and new accounts cannot be created through single sign-on. Ask an administrator."
        }
        "inactive" => "This account is deactivated.",
        "throttled" => "Too many sign-ins from this address. Wait a few minutes.",
        "username" => "No free username could be made for you. Ask an administrator.",
        "sso_only" => {
            "Password sign-in is turned off on this instance: sign in through your identity provider."
        }
        _ => "Single sign-on failed. Try again.",
    }
}

/// An identity at a provider linked to the caller's account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LinkedIdentity {
    pub id: String,
    /// The provider's id.
    pub provider: String,
    pub provider_name: String,
    /// The address the provider gave when it was linked.
    pub email: String,
    pub linked_at: String,
    pub last_used_at: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issuers_must_be_https_or_local() {
        assert!(check_issuer("https://id.example.com/realms/x/").is_ok());
        assert_eq!(
            check_issuer(" https://tenant.auth0.example/ ")
                .ok()
                .as_deref(),
            Some("https://tenant.auth0.example/")
        );
        assert!(check_issuer("http://127.0.0.1:9000/oidc").is_ok());
        assert!(check_issuer("http://localhost:9000").is_ok());
        assert!(check_issuer("http://id.example.com").is_err());
        assert!(check_issuer("http://localhost.example.com").is_err());
        assert!(check_issuer("https://a@b.example.com").is_err());
        assert!(check_issuer("ftp://x").is_err());
        assert!(check_issuer("https://x?y").is_err());
        assert!(check_issuer("x").is_err());
    }

    #[test]
    fn a_new_provider_needs_its_fields_and_gets_defaults() {
        let input = SsoProviderInput {
            name: Some("Corp".into()),
            issuer: Some("https://id.example.com".into()),
            client_id: Some("gatehouse".into()),
            ..Default::default()
        };
        let settings = ProviderSettings::from_input(&input, None).ok();
        let settings = settings.as_ref();
        assert_eq!(
            settings.map(|s| s.scopes.clone()),
            Some(vec!["email".into(), "profile".into()])
        );
        assert_eq!(
            settings.map(|s| s.username_claim.as_str()),
            Some("preferred_username")
        );
        let missing = SsoProviderInput {
            client_id: None,
            ..input.clone()
        };
        let err = ProviderSettings::from_input(&missing, None).err();
        assert_eq!(err.and_then(|e| e.field).as_deref(), Some("client_id"));
        let bad_claim = SsoProviderInput {
            username_claim: Some("a b".into()),
            ..input
        };
        assert!(ProviderSettings::from_input(&bad_claim, None).is_err());
    }

    #[test]
    fn mappings_need_the_groups_claim() {
        let input = SsoProviderInput {
            name: Some("Corp".into()),
            issuer: Some("https://id.example.com".into()),
            client_id: Some("gatehouse".into()),
            group_mappings: Some(vec![GroupMapping {
                claim_value: "eng".into(),
                organization: "Acme".into(),
                group: "Engineers".into(),
            }]),
            ..Default::default()
        };
        let err = ProviderSettings::from_input(&input, None).err();
        assert_eq!(err.and_then(|e| e.field).as_deref(), Some("groups_claim"));
    }
}
