//! Passkeys (WebAuthn): what a user sees of theirs, and the bodies of the ceremonies
//! (../shared/API.md "Additions (second round)").
//!
//! The credential a browser returns is passed through as JSON: the server parses and checks it
//! (`service::passkeys`), the browser only carries it.

use crate::error::AppError;
use serde::{Deserialize, Serialize};

/// The longest passkey name.
pub const MAX_NAME_CHARS: usize = 60;

/// One of the caller's passkeys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Passkey {
    pub id: String,
    pub name: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
}

/// `POST /account/passkeys`: the browser's answer to the registration options, and a name.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewPasskey {
    /// The `PublicKeyCredential` from `navigator.credentials.create()`, binary fields in
    /// base64url.
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub credential: serde_json::Value,
    pub name: String,
}

/// `PATCH /account/passkeys/{id}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PasskeyRename {
    pub name: String,
}

/// What a passkey sign-in is for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PasskeyPurpose {
    /// Passwordless: the passkey says who it is (a discoverable credential).
    #[default]
    SignIn,
    /// The second step of a sign-in whose password was right (the two-factor page's cookie).
    SecondFactor,
}

/// `POST /auth/passkey/options` (an empty body means a passwordless sign-in).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PasskeyOptionsInput {
    #[serde(default)]
    pub purpose: PasskeyPurpose,
}

/// `POST /auth/passkey`: the browser's answer to the sign-in options.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PasskeyAssertion {
    /// The `PublicKeyCredential` from `navigator.credentials.get()`, binary fields in
    /// base64url.
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub credential: serde_json::Value,
    /// Where to go afterwards (a local path), for the pages.
    #[serde(default)]
    pub next: Option<String>,
}

/// A passkey's name, trimmed: 1 to [`MAX_NAME_CHARS`] characters, no control characters.
pub fn validate_name(name: &str) -> Result<String, AppError> {
    let name = name.trim();
    let problem = if name.is_empty() {
        Some("Give the passkey a name, such as the device it lives on.")
    } else if name.chars().count() > MAX_NAME_CHARS {
        Some("A passkey name has at most 60 characters.")
    } else if name.chars().any(char::is_control) {
        Some("A passkey name cannot contain control characters.")
    } else {
        None
    };
    match problem {
        Some(message) => Err(AppError::validation("name", message)),
        None => Ok(name.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(validate_name("  Laptop ").ok().as_deref(), Some("Laptop"));
        assert!(validate_name("   ").is_err());
        assert!(validate_name(&"x".repeat(61)).is_err());
        assert!(validate_name("a\u{7}b").is_err());
        assert_eq!(
            validate_name(&"é".repeat(60))
                .map(|n| n.chars().count())
                .ok(),
            Some(60)
        );
    }
}
