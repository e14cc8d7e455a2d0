//! Reusable view pieces.
//!
//! May import: `api`, `domain`, `error` (checked by `tests/it/layers.rs`).

pub mod avatar;
pub mod confirm_step;
pub mod copy_button;
pub mod error_panel;
pub mod form;
pub mod group_choices;
pub mod layout;
pub mod lifetime_field;
pub mod loading;
pub mod member_suggestions;
pub mod my_invitations;
pub mod new_password_fields;
pub mod org_switcher;
pub mod passkey_button;
pub mod permission_picker;
pub mod recovery_codes;
pub mod role_fields;
pub mod role_preview;
pub mod token_purpose_field;
pub mod token_reveal;
pub mod token_table;
