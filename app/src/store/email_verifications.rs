//! Email verification links (their hashes).
//!
//! Invariants:
//! - A link verifies an address only while the user still has that address, and only once:
//!   the check, the delete, the update of the user and the audit entry are one transaction.

use super::checked::checked;
use super::{Db, StoreError};
use super::{Guard, Write};
use crate::domain::ids::UserId;
use chrono::{DateTime, Utc};

/// Replaces the user's earlier links with this one.
pub async fn create(
    db: &Db,
    hash: &str,
    user_id: &UserId,
    email: &str,
    expires_at: DateTime<Utc>,
) -> Result<(), Guard> {
    Write::new(
        db,
        "BEGIN TRANSACTION;
                 DELETE email_verification WHERE user = type::record('user', $user);
                 CREATE type::record('email_verification', $hash) CONTENT {
                     user: type::record('user', $user), email: $email, expires_at: $expires_at
                 };
                 COMMIT TRANSACTION;",
    )
    .bind("hash", hash.to_string())
    .bind("user", user_id.to_string())
    .bind("email", email.to_string())
    .bind("expires_at", expires_at)
    .run()
    .await?;
    Ok(())
}

/// The address a live link would verify, without using it.
pub async fn peek(db: &Db, hash: &str, now: DateTime<Utc>) -> Result<Option<String>, StoreError> {
    let mut response = checked(
        db.query(
            "SELECT VALUE email FROM ONLY type::record('email_verification', $hash)
             WHERE expires_at > $now AND user.email = email",
        )
        .bind(("hash", hash.to_string()))
        .bind(("now", now))
        .await?,
    )?;
    Ok(response.take(0)?)
}

/// Uses a link: marks the address verified and appends `audit` (its actor, target and detail
/// are filled in from the link's user inside the transaction). `false` when the link is
/// unknown, used, expired, or the user's address changed since.
pub async fn consume(
    db: &Db,
    hash: &str,
    now: DateTime<Utc>,
    audit: &super::audit::Audit,
) -> Result<bool, Guard> {
    Write::audited(db, "BEGIN TRANSACTION;
         LET $link = SELECT user, email, expires_at FROM ONLY type::record('email_verification', $hash);
         IF $link = NONE OR $link.expires_at <= $now OR $link.user.email != $link.email {
             THROW 'link_dead'
         };
         DELETE type::record('email_verification', $hash);
         UPDATE $link.user SET email_verified = true, updated_at = $now;
         LET $audit = object::extend($audit, {
             actor: $link.user.username, actor_id: <string> record::id($link.user),
             target: 'user:' + $link.user.username, detail: { email: $link.email }
         });
         COMMIT TRANSACTION;", audit)
        .bind("hash", hash.to_string())
        .bind("now", now)
        .run_unless(Guard::LinkDead)
        .await
}
