//! Reusable view pieces.

pub mod avatar;
pub mod error_panel;
pub mod form;
pub mod layout;
pub mod token_reveal;
