//! Usernames: 1–39 characters of `a-z 0-9 -`, no leading or trailing `-`. Input is
//! lower-cased first, so `Alice` and `alice` are the same name (uniqueness is
//! case-insensitive because the stored form is).

use crate::error::AppError;
use serde::{Deserialize, Serialize};
use std::fmt;

pub const MAX_LEN: usize = 39;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Username(String);

impl Username {
    /// Checks and normalises a username typed by a person; `field` names the input.
    pub fn parse_field(input: &str, field: &str) -> Result<Self, AppError> {
        let name = input.trim().to_lowercase();
        let invalid = |msg: &str| AppError::validation(field, msg);
        if name.is_empty() {
            return Err(invalid("Enter a name."));
        }
        if name.chars().count() > MAX_LEN {
            return Err(invalid("Use at most 39 characters."));
        }
        if !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return Err(invalid(
                "Use only letters a–z, digits and hyphens (no spaces or other characters).",
            ));
        }
        if name.starts_with('-') || name.ends_with('-') {
            return Err(invalid("A name cannot start or end with a hyphen."));
        }
        Ok(Self(name))
    }

    pub fn parse(input: &str) -> Result<Self, AppError> {
        Self::parse_field(input, "username")
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Username {
    type Error = AppError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Username> for String {
    fn from(value: Username) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_normalises() {
        assert_eq!(Username::parse("Alice").unwrap().as_str(), "alice");
        assert_eq!(Username::parse(" bob-2 ").unwrap().as_str(), "bob-2");
        assert_eq!(Username::parse("a").unwrap().as_str(), "a");
        assert!(Username::parse(&"x".repeat(39)).is_ok());
    }

    #[test]
    fn rejects() {
        for bad in ["", "-a", "a-", "a b", "a_b", "é", "a.b", &"x".repeat(40)] {
            let err = Username::parse(bad).unwrap_err();
            assert_eq!(err.field.as_deref(), Some("username"), "{bad}");
        }
    }
}
