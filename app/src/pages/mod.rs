//! Routed pages, grouped by area.
//!
//! May import: `api`, `components`, `domain`, `error` — pages reach the server only through
//! server functions (checked by `tests/it/layers.rs`).

pub mod admin;
pub mod auth;
pub mod home;
pub mod invitation;
pub mod lazy;
pub mod not_found;
pub mod orgs;
pub mod settings;
