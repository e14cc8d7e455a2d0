//! Usernames: a [`Slug`] — 1–39 characters of `a-z 0-9 -`, no leading or trailing `-`,
//! lower-cased first, so `Alice` and `alice` are the same name.

use super::slug::Slug;
use crate::error::AppError;
use serde::{Deserialize, Serialize};
use std::fmt;

pub use super::slug::MAX_LEN;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Username(Slug);

/// Names a path of the API would shadow (`/admin/users/batch`): nobody may take them.
pub const RESERVED: [&str; 1] = ["batch"];

impl Username {
    pub fn parse(input: &str) -> Result<Self, AppError> {
        let name = Slug::parse(input, "username").map(Self)?;
        if RESERVED.contains(&name.as_str()) {
            return Err(AppError::validation(
                "username",
                "This username is reserved; choose another.",
            ));
        }
        Ok(name)
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
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
        value.0.into()
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
        for bad in [
            "",
            "-a",
            "a-",
            "a b",
            "a_b",
            "é",
            "a.b",
            &"x".repeat(40),
            "Batch",
        ] {
            let err = Username::parse(bad).unwrap_err();
            assert_eq!(err.field.as_deref(), Some("username"), "{bad}");
        }
    }
}
