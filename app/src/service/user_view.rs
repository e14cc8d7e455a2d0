//! A user as the API shows it, from the stored row (no secret crosses). Nearly a leaf (it reads
//! the principal's instance standing): the caller's
//! resolution (sessions, tokens) and the account and admin services all build it here.

use crate::domain::user::User;
use crate::store::users::UserRow;

/// The API view of `row`.
pub fn user(row: &UserRow) -> User {
    User {
        id: row.id.clone(),
        username: row.username.clone(),
        email: row.email.clone(),
        email_verified: row.email_verified,
        display_name: row.display_name.clone(),
        first_name: row.first_name.clone(),
        last_name: row.last_name.clone(),
        site_admin: row.site_admin,
        instance_role: row.instance_role.clone(),
        instance_permissions: super::principal::InstanceStanding::of(
            row.instance_role.clone(),
            row.instance_role_permissions.clone(),
        )
        .permissions
        .ids(),
        active: row.active,
        api_access: row.api_access,
        two_factor_enabled: row.two_factor_enabled,
        created_at: super::rfc3339(row.created_at),
    }
}
