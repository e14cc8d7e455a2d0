//! "Forgot password?" links (their hashes).
//!
//! Invariants:
//! - A link sets a password only once, within its hour, while its user is active and still
//!   has the address it was sent to: the check, the deletes, the new hash and the audit entry
//!   are one transaction.
//! - Using a link ends every session and pending sign-in challenge of its user and every other
//!   link of theirs.

use super::checked::checked;
use super::users::{USER_FIELDS, UserRow};
use super::{Db, StoreError};
use super::{Guard, Write};
use crate::domain::ids::UserId;
use chrono::{DateTime, Utc};
use surrealdb::types::SurrealValue;

/// Replaces the user's earlier links with this one.
pub async fn create(
    db: &Db,
    hash: &str,
    user_id: &UserId,
    email: &str,
    expires_at: DateTime<Utc>,
    audit: &super::audit::Audit,
) -> Result<(), Guard> {
    Write::audited(
        db,
        "BEGIN TRANSACTION;
         DELETE password_reset WHERE user = type::record('user', $user);
         CREATE type::record('password_reset', $hash) CONTENT {
             user: type::record('user', $user), email: $email, expires_at: $expires_at
         };
         COMMIT TRANSACTION;",
        audit,
    )
    .bind("hash", hash.to_string())
    .bind("user", user_id.to_string())
    .bind("email", email.to_string())
    .bind("expires_at", expires_at)
    .run()
    .await
}

/// Whose a live link is.
#[derive(Debug, Clone, SurrealValue)]
pub struct LinkOwner {
    pub username: String,
    pub email: String,
}

/// Whose a live link is, without using it.
pub async fn peek(
    db: &Db,
    hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<LinkOwner>, StoreError> {
    let mut response = checked(
        db.query(
            "SELECT user.username AS username, email FROM ONLY type::record('password_reset', $hash)
             WHERE expires_at > $now AND user.email = email AND user.active = true",
        )
        .bind(("hash", hash.to_string()))
        .bind(("now", now))
        .await?,
    )?;
    Ok(response.take(0)?)
}

/// Uses a link: sets `password_hash`, ends the user's sessions, challenges and other links,
/// and appends `audit` (its actor and target filled in from the link's user inside the
/// transaction). The user, or `None` when the link is unknown, used, expired, its user
/// deactivated or their address changed since.
pub async fn consume(
    db: &Db,
    hash: &str,
    password_hash: &str,
    now: DateTime<Utc>,
    audit: &super::audit::Audit,
) -> Result<Option<UserRow>, Guard> {
    let result = Write::audited(
        db,
        &format!(
            "BEGIN TRANSACTION;
             LET $link = SELECT user, email, expires_at FROM ONLY type::record('password_reset', $hash);
             IF $link = NONE OR $link.expires_at <= $now OR $link.user.email != $link.email
                OR $link.user.active != true {{
                 THROW 'link_dead'
             }};
             DELETE password_reset WHERE user = $link.user;
             DELETE session WHERE user = $link.user;
             DELETE login_challenge WHERE user = $link.user;
             UPDATE $link.user SET password_hash = $password_hash, password_change_required = false,
                 password_expires_at = NONE, updated_at = $now;
             LET $audit = object::extend($audit, {{
                 actor: $link.user.username, actor_id: <string> record::id($link.user),
                 target: 'user:' + $link.user.username
             }});
             COMMIT TRANSACTION;
             SELECT {USER_FIELDS} FROM ONLY $link.user;"
        ),
        audit,
    )
    .bind("hash", hash.to_string())
    .bind("password_hash", password_hash.to_string())
    .bind("now", now)
    .returning::<Option<UserRow>>()
    .await;
    match result {
        Err(Guard::LinkDead) => Ok(None),
        other => other,
    }
}
