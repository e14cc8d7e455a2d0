//! Routed pages, grouped by area.

pub mod admin;
pub mod auth;
pub mod home;
pub mod invitation;
pub mod not_found;
pub mod orgs;
pub mod settings;
