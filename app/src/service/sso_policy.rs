//! "SSO only": when the instance delegates authentication to its identity providers,
//! passwords work for site administrators only (Terraform's rule: someone must still get in
//! when the provider is down).
//!
//! Invariants: every password path asks [`password_allowed`] — sign-in, sign-up, "forgot
//! password?" (asked and used), changing one's password — so none is a side door.

use crate::domain::instance_permission::SITE_ADMIN;
use crate::error::AppError;
use crate::store::users::UserRow;

/// Whether `user` may use a password while "SSO only" is `sso_only`.
pub fn password_allowed(sso_only: bool, user: &UserRow) -> bool {
    !sso_only || user.instance_role.as_deref() == Some(SITE_ADMIN)
}

/// The refusal of a password path under "SSO only".
pub fn refusal() -> AppError {
    AppError::forbidden(
        "Password sign-in is turned off on this instance: sign in through your identity provider. (Site administrators: check your username and password.)",
    )
}
