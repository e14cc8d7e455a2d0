//! Record keys by kind. A user's key cannot be passed where an organization's or a group's is
//! expected: the store's functions take these types, not `&str`. On the wire and in the
//! database each is the plain string it wraps (`#[serde(transparent)]`; the store maps them to
//! SurrealDB strings in `store/ids.rs`).

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! record_key {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// The key as the database holds it.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// Whether the key is empty (a caller that is not of this kind).
            pub fn is_empty(&self) -> bool {
                self.0.is_empty()
            }
        }

        impl From<String> for $name {
            fn from(key: String) -> Self {
                $name(key)
            }
        }

        impl From<&str> for $name {
            fn from(key: &str) -> Self {
                $name(key.to_string())
            }
        }

        impl From<$name> for String {
            fn from(key: $name) -> Self {
                key.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

record_key!(
    /// The key of a user record (`user:⟨key⟩`).
    UserId
);
record_key!(
    /// The key of an organization record (`organization:⟨key⟩`).
    OrgId
);
record_key!(
    /// The key of a group record (`team:⟨key⟩`; the table keeps its old name because `group`
    /// is a SurrealQL keyword).
    GroupId
);
record_key!(
    /// The key of an API token record (`api_token:⟨key⟩`), user or organization token.
    TokenId
);

impl TokenId {
    /// A key as a request gave it: none unless it could be one (1 to 64 letters and digits),
    /// so nothing else reaches a query.
    pub fn parse(key: &str) -> Option<Self> {
        (!key.is_empty() && key.len() <= 64 && key.bytes().all(|b| b.is_ascii_alphanumeric()))
            .then(|| TokenId(key.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_its_string_on_the_wire() {
        let id = UserId::from("u1");
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"u1\"");
        let back: UserId = serde_json::from_str("\"u1\"").unwrap();
        assert_eq!(back, id);
        assert_eq!(id.to_string(), "u1");
    }
}
