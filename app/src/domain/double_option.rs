//! For `#[serde(default, with = "crate::domain::double_option")]` on an `Option<Option<T>>`
//! field of a PATCH body: a missing field stays `None` (leave it as it is), an explicit
//! `null` becomes `Some(None)` (clear it).

use serde::{Deserialize, Deserializer};

pub fn deserialize<'de, T, D>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}
