//! Signing in and creating an account.

pub mod login;
pub mod login_code;
pub mod setup;
pub mod signup;
pub mod verify_email;
