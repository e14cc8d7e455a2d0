//! First-run setup from the web: while the instance has no user, the server prints a one-time
//! setup code to its log, and `/setup` creates the first site administrator with it.
//!
//! Invariants:
//! - Setup works only while no user exists, and only with the current code (compared in
//!   constant time against its stored hash); the code is consumed by its first use.
//! - The code is printed to the log and nowhere else; only its SHA-256 is stored.

use super::accounts::{self, AccountSpec};
use super::secret::{random_secret, sha256_hex};
use crate::domain::password::Password;
use crate::domain::user::User;
use crate::error::{AppError, ErrorCode};
use crate::store::{self, Db};
use chrono::{DateTime, Utc};

/// Whether the instance still needs its first administrator.
pub async fn needed(db: &Db) -> Result<bool, AppError> {
    Ok(store::users::count(db).await? == 0)
}

/// At start-up: a fresh code when no user exists (returned to be logged), else none.
pub async fn issue_code(db: &Db, now: DateTime<Utc>) -> Result<Option<String>, AppError> {
    if !needed(db).await? {
        return Ok(None);
    }
    let code = random_secret()?;
    store::setup::put(db, &sha256_hex(&code), now).await?;
    Ok(Some(code))
}

pub struct SetupInput<'a> {
    pub code: &'a str,
    pub username: &'a str,
    pub email: &'a str,
    pub password: &'a Password,
}

/// Creates the first site administrator. No permission: the setup code is the credential.
pub async fn complete(
    db: &Db,
    input: &SetupInput<'_>,
    now: DateTime<Utc>,
) -> Result<User, AppError> {
    let refused = || {
        AppError::new(
            ErrorCode::Forbidden,
            "That setup code is not valid. Use the code printed in the server's log.",
        )
    };
    if !needed(db).await? {
        return Err(AppError::conflict(
            ErrorCode::Conflict,
            "This instance is already set up. Sign in instead.",
        ));
    }
    let stored = store::setup::get(db).await?.ok_or_else(refused)?;
    let offered = sha256_hex(input.code.trim());
    if !super::secret::same(&stored, &offered) {
        return Err(refused());
    }
    // Check everything that can be checked before the code is spent.
    let username = crate::domain::username::Username::parse(input.username)?;
    let email = crate::domain::email::Email::parse(input.email)?;
    super::passwords::check_new(
        input.password,
        "password",
        username.as_str(),
        email.as_str(),
    )?;
    if !store::setup::consume(db, &offered).await? {
        return Err(refused());
    }
    let row = accounts::create_account(
        db,
        &AccountSpec {
            via: "setup",
            ip: "",
            username: username.as_str(),
            email: email.as_str(),
            password: input.password,
            email_verified: true,
            site_admin: true,
            password_change_required: false,
        },
        now,
    )
    .await?;
    Ok(super::user_view::user(&row))
}
