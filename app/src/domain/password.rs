//! The password rules every path applies: 10–256 characters, not the username or the email.
//! (The server additionally refuses guessable passwords; see `service::passwords`.)
//!
//! `Password` never prints its content: its `Debug` is masked, and it is not `Serialize`.

use crate::error::AppError;
use serde::Deserialize;
use std::fmt;

pub const MIN_LEN: usize = 10;
pub const MAX_LEN: usize = 256;

#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Password(String);

impl Password {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// A new password as a form sends it, typed twice: refused (on `new_password_again`) when
    /// the two differ.
    pub fn typed_twice(new: String, again: &str) -> Result<Self, crate::error::AppError> {
        if new != again {
            return Err(crate::error::AppError::validation(
                "new_password_again",
                "The two new passwords differ.",
            ));
        }
        Ok(Self(new))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Checks the shape rules for a new password of the account `username` / `email`.
    pub fn check_new(&self, field: &str, username: &str, email: &str) -> Result<(), AppError> {
        let len = self.0.chars().count();
        if len < MIN_LEN {
            return Err(AppError::validation(
                field,
                format!("Use at least {MIN_LEN} characters."),
            ));
        }
        if len > MAX_LEN {
            return Err(AppError::validation(
                field,
                format!("Use at most {MAX_LEN} characters."),
            ));
        }
        let lowered = self.0.to_lowercase();
        if (!username.is_empty() && lowered == username.to_lowercase())
            || (!email.is_empty() && lowered == email.to_lowercase())
        {
            return Err(AppError::validation(
                field,
                "Your password cannot be your username or email address.",
            ));
        }
        Ok(())
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_and_identity_rules() {
        let ok = Password::new("correct horse battery");
        assert!(ok.check_new("password", "ada", "ada@example.org").is_ok());
        assert!(
            Password::new("short")
                .check_new("password", "a", "b")
                .is_err()
        );
        assert!(
            Password::new("x".repeat(257))
                .check_new("password", "a", "b")
                .is_err()
        );
        let same = Password::new("Ada@Example.org");
        assert!(
            same.check_new("password", "ada", "ada@example.org")
                .is_err()
        );
        let same = Password::new("ADALOVELACE");
        assert!(same.check_new("password", "adalovelace", "x@y.z").is_err());
    }

    #[test]
    fn debug_is_masked() {
        assert_eq!(
            format!("{:?}", Password::new("hunter2hunter2")),
            "Password(<redacted>)"
        );
    }
}
