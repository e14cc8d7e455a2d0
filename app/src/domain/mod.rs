//! Types shared by the browser and the server: plain data and validation rules, no I/O.
//!
//! May import: `error` only (checked by `tests/it/layers.rs`).

pub mod admin;
pub mod audit;
pub mod double_option;
pub mod email;
pub mod explain;
pub mod group;
pub mod identicon;
pub mod ids;
pub mod instance;
pub mod instance_permission;
pub mod invitation;
pub mod organization;
pub mod passkey;
pub mod password;
pub mod percent;
pub mod permission;
pub mod project;
pub mod redirect;
pub mod role;
pub mod session;
pub mod slug;
pub mod sso;
pub mod token;
pub mod two_factor;
pub mod user;
pub mod username;

/// The date part of an RFC 3339 timestamp, for tables.
pub fn day(at: &str) -> String {
    at.split('T').next().unwrap_or(at).to_string()
}
