//! Slugs: the names people type for users, organizations, groups, projects and custom roles —
//! 1–39 characters of `a-z 0-9 -`, no leading or trailing `-`. Input is trimmed and
//! lower-cased first, so `Acme` and `acme` are the same name (uniqueness is case-insensitive
//! because the stored form is). One rule for every kind of name.

use crate::error::AppError;
use serde::{Deserialize, Serialize};
use std::fmt;

pub const MAX_LEN: usize = 39;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Slug(String);

impl Slug {
    /// Checks and normalises a name typed by a person; `field` names the input it came from.
    pub fn parse(input: &str, field: &str) -> Result<Self, AppError> {
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

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Slug {
    type Error = AppError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value, "name")
    }
}

impl From<Slug> for String {
    fn from(value: Slug) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_normalises() {
        assert_eq!(Slug::parse("Acme", "name").unwrap().as_str(), "acme");
        assert_eq!(Slug::parse(" team-2 ", "name").unwrap().as_str(), "team-2");
        assert!(Slug::parse(&"x".repeat(39), "name").is_ok());
    }

    #[test]
    fn rejects_naming_the_field() {
        for bad in ["", "-a", "a-", "a b", "a_b", "é", "a.b", &"x".repeat(40)] {
            let err = Slug::parse(bad, "name").unwrap_err();
            assert_eq!(err.field.as_deref(), Some("name"), "{bad}");
        }
    }
}
