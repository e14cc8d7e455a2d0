//! Routed pages, grouped by area.

pub mod home;
pub mod not_found;
