use super::password::Password;
use serde::{Deserialize, Serialize};

/// The caller's two-factor state, for the settings page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorStatus {
    pub enabled: bool,
    /// An enrolment started but not confirmed yet (shown only to its owner).
    pub pending: Option<Enrolment>,
    pub recovery_codes_left: u32,
    /// An instance policy requires two-factor, so it cannot be turned off.
    pub required: bool,
    /// The caller's organizations that require two-factor: turning it off blocks them there.
    #[serde(default)]
    pub required_by: Vec<String>,
}

/// A started enrolment: what the authenticator app needs (../shared/API.md
/// `POST /account/two-factor`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Enrolment {
    /// The TOTP secret in base32, for typing into an app.
    pub secret: String,
    pub otpauth_url: String,
    /// The `otpauth_url` as a QR code, a standalone SVG document.
    pub qr_svg: String,
}

/// Fresh single-use recovery codes, shown once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RecoveryCodes {
    pub recovery_codes: Vec<String>,
}

/// How many recovery codes a user gets.
pub const RECOVERY_CODE_COUNT: usize = 10;

/// A code as typed, trimmed of spaces and dashes and lower-cased: the form in which
/// recovery codes are hashed and TOTP codes checked.
pub fn normalize_code(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// How to turn two-factor off (../shared/API.md `DELETE /account/two-factor`): the password
/// or a current code.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DisableTwoFactor {
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>, format = Password))]
    pub password: Option<Password>,
    /// A TOTP or recovery code.
    #[serde(default)]
    pub code: Option<String>,
    /// Turn it off even though organizations the caller belongs to require it (they are then
    /// blocked there until they turn it on again). Without it, that is refused with 403
    /// `two_factor_policy` naming those organizations.
    #[serde(default)]
    pub accept_blocked: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_typed_codes() {
        assert_eq!(normalize_code(" 123 456 "), "123456");
        assert_eq!(normalize_code("ABCDE-fghij"), "abcdefghij");
    }
}
