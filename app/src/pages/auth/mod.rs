//! Signing in and creating an account.

pub mod login;
pub mod setup;
pub mod signup;
