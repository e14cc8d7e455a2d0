//! Routed pages, grouped by area.

pub mod auth;
pub mod home;
pub mod not_found;
pub mod settings;
