//! Users and the claims that keep usernames and emails unique.
//!
//! Invariants:
//! - A user exists only together with `username_claim:⟨username⟩` and
//!   `email_claim:⟨lower-cased email⟩` pointing at it, written in one transaction; the claim's
//!   record id is what refuses a duplicate, also under concurrent sign-ups.
//! - `UserRow` carries the password hash and never leaves the server (it is not `Serialize`).

use super::checked::checked;
use super::guard::Guard;
use super::organizations::MEMBER_COPY;
use super::write::Write;
use super::{Db, StoreError};
use crate::domain::ids::UserId;
use chrono::{DateTime, Utc};
use surrealdb::types::SurrealValue;

/// Inside a transaction: gives user `$u` (whose earlier row is `$old`) the address `$email`
/// (`$email_key` lower-cased) when it is set. A new address moves the email claim (409
/// `email_taken` when someone holds it) and is unverified; a change of case only rewrites it.
pub const SET_EMAIL: &str = "
    IF $email_key != NONE AND $email_key != string::lowercase($old.email) {
        IF record::exists(type::record('email_claim', $email_key)) { THROW 'email_taken' };
        DELETE type::record('email_claim', string::lowercase($old.email));
        CREATE type::record('email_claim', $email_key) CONTENT { user: $u };
        UPDATE $u SET email = $email, email_verified = false;
    } ELSE IF $email != NONE {
        UPDATE $u SET email = $email;
    };";

/// Inside a transaction, after user `$u` changed: the copies of their names that their
/// memberships keep (for the people page's search) follow.
pub static COPY_TO_MEMBERSHIPS: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!("LET $user = $u; UPDATE membership MERGE {{ {MEMBER_COPY} }} WHERE user = $u;")
});

/// A user as stored, secrets included. Server-only.
#[derive(Clone, SurrealValue)]
pub struct UserRow {
    pub id: UserId,
    pub username: String,
    pub email: String,
    pub email_verified: bool,
    pub display_name: String,
    pub first_name: String,
    pub last_name: String,
    pub password_hash: String,
    pub password_change_required: bool,
    pub password_expires_at: Option<DateTime<Utc>>,
    pub site_admin: bool,
    /// The instance role's name (built-in or custom); none for most users.
    pub instance_role: Option<String>,
    /// A custom instance role's permissions as stored (none for a built-in role or none).
    pub instance_role_permissions: Option<Vec<String>>,
    pub active: bool,
    /// Whether the user's API tokens work (and they may create new ones).
    pub api_access: bool,
    pub two_factor_enabled: bool,
    pub created_at: DateTime<Utc>,
}

impl std::fmt::Debug for UserRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserRow")
            .field("id", &self.id)
            .field("username", &self.username)
            .field("password_hash", &"<redacted>")
            .finish_non_exhaustive()
    }
}

/// What creating a user needs; `username` is already normalised, `email_key` lower-cased.
pub struct NewUser<'a> {
    pub username: &'a str,
    pub email: &'a str,
    pub email_key: &'a str,
    pub email_verified: bool,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub password_change_required: bool,
    pub password_expires_at: Option<DateTime<Utc>>,
    /// The instance role to hold (`site_admin` also sets the `site_admin` flag).
    pub instance_role: Option<&'a str>,
}

pub(super) const USER_FIELDS: &str = "record::id(id) AS id, username, email, email_verified, display_name, \
     first_name, last_name, \
     password_hash, password_change_required, password_expires_at, site_admin, instance_role, \
     (IF instance_role != NONE { type::record('instance_role', instance_role).permissions }) \
     AS instance_role_permissions, active, api_access, two_factor_enabled, created_at";

/// A write that committed but whose row is not there to read back.
fn no_row(what: &str) -> Guard {
    Guard::Store(surrealdb::Error::internal(format!("{what} returned no row")).into())
}

/// Creates a user with their claims; with `audit`, the entry is written in the same
/// transaction.
pub async fn create(
    db: &Db,
    new: &NewUser<'_>,
    now: DateTime<Utc>,
    audit: Option<&super::audit::Audit>,
) -> Result<UserRow, Guard> {
    creation(db, new, "", now, audit)
        .returning::<Option<UserRow>>()
        .await?
        .ok_or_else(|| no_row("user creation"))
}

/// The write that creates `new`, with `then` (statements that may use `$user`, the new row)
/// inside the same transaction; it returns the new user.
pub(super) fn creation<'a>(
    db: &'a Db,
    new: &NewUser<'_>,
    then: &str,
    now: DateTime<Utc>,
    audit: Option<&super::audit::Audit>,
) -> Write<'a> {
    let query = format!(
        "BEGIN TRANSACTION;
         IF record::exists(type::record('username_claim', $username)) {{ THROW 'username_taken' }};
         IF record::exists(type::record('email_claim', $email_key)) {{ THROW 'email_taken' }};
         LET $user = CREATE ONLY user CONTENT {{
             username: $username, email: $email, email_verified: $email_verified,
             display_name: $display_name, password_hash: $password_hash,
             password_change_required: $password_change_required,
             password_expires_at: $password_expires_at, instance_role: $instance_role,
             site_admin: $instance_role = 'site_admin',
             api_access: (SELECT VALUE api_access_default FROM ONLY setting:instance) ?? true,
             active: true, created_at: $now, updated_at: $now
         }};
         CREATE type::record('username_claim', $username) CONTENT {{ user: $user.id }};
         CREATE type::record('email_claim', $email_key) CONTENT {{ user: $user.id }};
         {then}
         COMMIT TRANSACTION;
         SELECT {USER_FIELDS} FROM ONLY type::record('username_claim', $username).user;"
    );
    Write::new(db, &query)
        .audit(audit)
        .bind("username", new.username.to_string())
        .bind("email", new.email.to_string())
        .bind("email_key", new.email_key.to_string())
        .bind("email_verified", new.email_verified)
        .bind("display_name", new.display_name.to_string())
        .bind("password_hash", new.password_hash.to_string())
        .bind("password_change_required", new.password_change_required)
        .bind("password_expires_at", new.password_expires_at)
        .bind("instance_role", new.instance_role.map(str::to_string))
        .bind("now", now)
}

pub async fn by_id(db: &Db, id: &UserId) -> Result<Option<UserRow>, StoreError> {
    let mut response = checked(
        db.query(format!(
            "SELECT {USER_FIELDS} FROM ONLY type::record('user', $id)"
        ))
        .bind(("id", id.to_string()))
        .await?,
    )?;
    Ok(response.take(0)?)
}

/// Finds a user by username or by email (case-insensitively), through the claims.
pub async fn by_login(db: &Db, login: &str) -> Result<Option<UserRow>, StoreError> {
    let key = login.trim().to_lowercase();
    if key.is_empty() {
        // No record has an empty key (and SurrealDB refuses to build one).
        return Ok(None);
    }
    let mut response = checked(
        db.query(format!(
            "LET $claim = type::record('username_claim', $key).user
                 ?? type::record('email_claim', $key).user;
             IF $claim = NONE {{ RETURN NONE }} ELSE {{
                 RETURN SELECT {USER_FIELDS} FROM ONLY $claim
             }};"
        ))
        .bind(("key", key))
        .await?,
    )?;
    Ok(response.take(1)?)
}

/// [`by_login`] for a password sign-in, with the instance's "SSO only" setting read in the
/// same round trip.
pub async fn for_sign_in(db: &Db, login: &str) -> Result<(Option<UserRow>, bool), StoreError> {
    let key = login.trim().to_lowercase();
    let mut response = checked(
        db.query(format!(
            "LET $claim = IF $key = '' {{ NONE }} ELSE {{
                 type::record('username_claim', $key).user ?? type::record('email_claim', $key).user
             }};
             RETURN (SELECT VALUE sso_only FROM ONLY setting:instance) ?? false;
             IF $claim = NONE {{ RETURN NONE }} ELSE {{
                 RETURN SELECT {USER_FIELDS} FROM ONLY $claim
             }};"
        ))
        .bind(("key", key))
        .await?,
    )?;
    let sso_only: Option<bool> = response.take(1)?;
    Ok((response.take(2)?, sso_only.unwrap_or(false)))
}

/// How many users exist (0 means the instance still needs its first admin).
pub async fn count(db: &Db) -> Result<i64, StoreError> {
    let mut response = checked(db.query("RETURN count(SELECT VALUE id FROM user)").await?)?;
    Ok(response.take::<Option<i64>>(0)?.unwrap_or(0))
}

/// Replaces the password hash; the new password is a permanent one. Audited.
pub async fn set_password(
    db: &Db,
    id: &UserId,
    password_hash: &str,
    now: DateTime<Utc>,
    audit: &super::audit::Audit,
) -> Result<(), Guard> {
    Write::audited(
        db,
        "BEGIN TRANSACTION;
         UPDATE type::record('user', $id) SET password_hash = $hash,
             password_change_required = false, password_expires_at = NONE, updated_at = $now;
         DELETE password_reset WHERE user = type::record('user', $id);
         COMMIT TRANSACTION;",
        audit,
    )
    .bind("id", id.to_string())
    .bind("hash", password_hash.to_string())
    .bind("now", now)
    .run()
    .await?;
    Ok(())
}

/// What a profile update changes; `None` leaves a value as it is.
pub struct ProfileChange<'a> {
    pub username: Option<&'a str>,
    pub email: Option<(&'a str, &'a str)>,
    pub display_name: Option<&'a str>,
}

/// Applies a profile change in one transaction, moving the username and email claims along.
pub async fn update_profile(
    db: &Db,
    id: &UserId,
    change: &ProfileChange<'_>,
    now: DateTime<Utc>,
    audit: &super::audit::Audit,
) -> Result<UserRow, Guard> {
    let query = format!(
        "BEGIN TRANSACTION;
         LET $u = type::record('user', $id);
         LET $old = SELECT username, email FROM ONLY $u;
         IF $username != NONE AND $username != $old.username {{
             IF record::exists(type::record('username_claim', $username)) {{ THROW 'username_taken' }};
             DELETE type::record('username_claim', $old.username);
             CREATE type::record('username_claim', $username) CONTENT {{ user: $u }};
             UPDATE $u SET username = $username;
         }};
         {SET_EMAIL}
         IF $display_name != NONE {{ UPDATE $u SET display_name = $display_name }};
         UPDATE $u SET updated_at = $now;
         {COPY_TO_MEMBERSHIPS}
         COMMIT TRANSACTION;
         SELECT {USER_FIELDS} FROM ONLY type::record('user', $id);",
        COPY_TO_MEMBERSHIPS = *COPY_TO_MEMBERSHIPS
    );
    Write::audited(db, &query, audit)
        .bind("id", id.to_string())
        .bind("username", change.username.map(str::to_string))
        .bind("email", change.email.map(|(e, _)| e.to_string()))
        .bind("email_key", change.email.map(|(_, k)| k.to_string()))
        .bind("display_name", change.display_name.map(str::to_string))
        .bind("now", now)
        .returning::<Option<UserRow>>()
        .await?
        .ok_or_else(|| no_row("profile update"))
}
