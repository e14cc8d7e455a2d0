//! The record keys of `domain::ids` as SurrealDB values: each is the string it wraps, so a
//! row's `record::id(...)` reads into one and a key binds as a string.

use crate::domain::ids::{GroupId, OrgId, TokenId, UserId};
use surrealdb::types::{Error, Kind, SurrealValue, Value};

macro_rules! string_value {
    ($($name:ident),*) => {$(
        impl SurrealValue for $name {
            fn kind_of() -> Kind {
                String::kind_of()
            }

            fn is_value(value: &Value) -> bool {
                String::is_value(value)
            }

            fn into_value(self) -> Value {
                String::from(self).into_value()
            }

            fn from_value(value: Value) -> Result<Self, Error> {
                String::from_value(value).map($name::from)
            }
        }
    )*};
}

string_value!(UserId, OrgId, GroupId, TokenId);
