//! Email addresses: a deliberately small check (one `@`, a non-empty local part, a domain with
//! a dot, no spaces, at most 254 characters). The address is kept as typed; its lower-cased
//! form is the key that makes it unique case-insensitively.

use crate::error::AppError;
use serde::{Deserialize, Serialize};
use std::fmt;

pub const MAX_LEN: usize = 254;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Self, AppError> {
        let email = input.trim();
        let invalid =
            || AppError::validation("email", "Enter an email address like name@example.com.");
        if email.is_empty() || email.len() > MAX_LEN || email.chars().any(char::is_whitespace) {
            return Err(invalid());
        }
        let Some((local, domain)) = email.rsplit_once('@') else {
            return Err(invalid());
        };
        if local.is_empty()
            || local.contains('@')
            || domain.len() < 3
            || !domain.contains('.')
            || domain.starts_with('.')
            || domain.ends_with('.')
            || domain.contains("..")
        {
            return Err(invalid());
        }
        Ok(Self(email.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form uniqueness is decided on.
    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Email {
    type Error = AppError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Email> for String {
    fn from(value: Email) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts() {
        let e = Email::parse(" Ada@Example.org ").unwrap();
        assert_eq!(e.as_str(), "Ada@Example.org");
        assert_eq!(e.key(), "ada@example.org");
        assert!(Email::parse("a+tag@sub.example.co").is_ok());
    }

    #[test]
    fn rejects() {
        for bad in [
            "", "a", "a@", "@b.c", "a@b", "a b@c.d", "a@.c", "a@c.", "a@b..c", "a@@b.c",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }
}
