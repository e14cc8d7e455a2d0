//! The service layer: the only place business rules live. REST handlers and server functions
//! are thin callers of these functions, so a rule holds on every path.
//!
//! May import: `store`, `domain`, `error` (checked by `tests/it/layers.rs`), and no file here
//! imports one that imports it. Read it from the ground up: `principal` (who calls),
//! `secret`, `audit_entry`, then `sessions` and `tokens` (how a caller is known),
//! `org_access` and `rulebook` (what a caller may do in an organization), then one file per
//! area.

pub mod account_security;
pub mod accounts;
pub mod admin_credentials;
pub mod admin_instance;
pub mod admin_users;
pub mod audit;
pub mod audit_entry;
pub mod direct_add;
pub mod email_verification;
pub mod groups;
pub mod health;
pub mod identities;
pub mod instance;
pub mod instance_roles;
pub mod instance_rulebook;
pub mod invitations;
pub mod login_challenge;
pub mod mail;
pub mod members;
pub mod oidc;
pub mod org_access;
pub mod org_tokens;
pub mod organizations;
pub mod passkey_sign_in;
pub mod passkeys;
pub mod password_reset;
pub mod passwords;
pub mod placement;
pub mod principal;
pub mod projects;
pub mod qr;
pub mod roles;
pub mod rulebook;
pub mod sealed;
pub mod secret;
pub mod sessions;
pub mod throttle;
pub mod throttle_lanes;
pub mod token_format;
pub mod token_hygiene;
pub mod token_scope;
pub mod tokens;
pub mod touch;
pub mod two_factor;
pub mod user_view;

/// Timestamps leave the service layer as RFC 3339 UTC strings, to the second.
pub(crate) fn rfc3339(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
pub mod setup;
pub mod sso_accounts;
pub mod sso_groups;
pub mod sso_link_email;
pub mod sso_policy;
pub mod sso_providers;
pub mod sso_sign_in;
