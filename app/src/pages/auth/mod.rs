//! Signing in and creating an account.

pub mod forgot_password;
pub mod link_identity;
pub mod login;
pub mod login_code;
pub mod reset_password;
pub mod setup;
pub mod signed_out;
pub mod signup;
pub mod verify_email;
