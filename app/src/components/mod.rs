//! Reusable view pieces.

pub mod error_panel;
pub mod form;
pub mod layout;
