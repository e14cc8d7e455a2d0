//! Signing in and creating an account.

pub mod login;
pub mod signup;
