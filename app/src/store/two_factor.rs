//! Two-factor records: `two_factor:⟨user key⟩`.
//!
//! Invariants:
//! - Accepting a TOTP step or a recovery code and recording that it was used happen in one
//!   transaction that rewrites this record, so two parallel requests carrying the same code
//!   conflict; the retried loser then sees the code as used. A code is accepted at most once.
//! - The user's `two_factor_enabled` flag changes in the same transaction as this record.
//! - `TwoFactorRow` carries the TOTP secret and never leaves the server (not `Serialize`).

use super::checked::checked;
use super::passkeys::TWO_FACTOR_FLAG;
use super::{Db, StoreError};
use super::{Guard, Write};
use crate::domain::ids::UserId;
use chrono::{DateTime, Utc};
use surrealdb::types::SurrealValue;

/// A user's two-factor state, secret included. Server-only.
#[derive(Clone, SurrealValue)]
pub struct TwoFactorRow {
    /// Base32 TOTP secret.
    pub secret: String,
    pub enabled: bool,
    pub last_step: i64,
    pub recovery_left: i64,
}

impl std::fmt::Debug for TwoFactorRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TwoFactorRow")
            .field("secret", &"<redacted>")
            .field("enabled", &self.enabled)
            .field("last_step", &self.last_step)
            .field("recovery_left", &self.recovery_left)
            .finish()
    }
}

pub async fn get(db: &Db, user_id: &UserId) -> Result<Option<TwoFactorRow>, StoreError> {
    let mut response = checked(
        db.query(
            "SELECT secret, enabled, last_step, array::len(recovery_hashes) AS recovery_left
             FROM ONLY type::record('two_factor', $user)",
        )
        .bind(("user", user_id.to_string()))
        .await?,
    )?;
    Ok(response.take(0)?)
}

/// Stores a new pending secret (replacing an earlier pending one). Refused while on.
pub async fn begin(
    db: &Db,
    user_id: &UserId,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<(), Guard> {
    Write::new(
        db,
        "BEGIN TRANSACTION;
                 IF (SELECT VALUE enabled FROM ONLY type::record('two_factor', $user)) = true {
                     THROW 'two_factor_on'
                 };
                 UPSERT type::record('two_factor', $user) CONTENT {
                     user: type::record('user', $user), secret: $secret, enabled: false,
                     last_step: 0, recovery_hashes: [], created_at: $now, enabled_at: NONE
                 };
                 COMMIT TRANSACTION;",
    )
    .bind("user", user_id.to_string())
    .bind("secret", secret.to_string())
    .bind("now", now)
    .run()
    .await
}

/// Turns two-factor on with the pending `secret`, recording `step` as used and storing the
/// recovery code hashes.
pub async fn enable(
    db: &Db,
    user_id: &UserId,
    secret: &str,
    step: i64,
    recovery_hashes: &[String],
    now: DateTime<Utc>,
    audit: &super::audit::Audit,
) -> Result<(), Guard> {
    Write::audited(db, "BEGIN TRANSACTION;
                 LET $tf = SELECT enabled, secret, last_step FROM ONLY type::record('two_factor', $user);
                 IF $tf = NONE OR $tf.enabled { THROW 'two_factor_state' };
                 IF $tf.secret != $secret OR $tf.last_step >= $step { THROW 'two_factor_used' };
                 UPDATE type::record('two_factor', $user) SET enabled = true, last_step = $step,
                     recovery_hashes = $hashes, enabled_at = $now;
                 UPDATE type::record('user', $user) SET two_factor_enabled = true, updated_at = $now;
                 COMMIT TRANSACTION;", audit)
        .bind("user", user_id.to_string())
        .bind("secret", secret.to_string())
        .bind("step", step)
        .bind("hashes", recovery_hashes.to_vec())
        .bind("now", now)
        .run()
        .await
}

/// Records TOTP `step` as used, if it is newer than every step used before.
pub async fn use_step(db: &Db, user_id: &UserId, step: i64) -> Result<(), Guard> {
    Write::new(
        db,
        "BEGIN TRANSACTION;
                 LET $tf = SELECT enabled, last_step FROM ONLY type::record('two_factor', $user);
                 IF $tf = NONE OR !$tf.enabled { THROW 'two_factor_state' };
                 IF $tf.last_step >= $step { THROW 'two_factor_used' };
                 UPDATE type::record('two_factor', $user) SET last_step = $step;
                 COMMIT TRANSACTION;",
    )
    .bind("user", user_id.to_string())
    .bind("step", step)
    .run()
    .await
}

/// Removes one unused recovery code (by hash).
pub async fn use_recovery_code(db: &Db, user_id: &UserId, hash: &str) -> Result<(), Guard> {
    Write::new(db, "BEGIN TRANSACTION;
                 LET $tf = SELECT enabled, recovery_hashes FROM ONLY type::record('two_factor', $user);
                 IF $tf = NONE OR !$tf.enabled { THROW 'two_factor_state' };
                 IF $hash NOTINSIDE $tf.recovery_hashes { THROW 'two_factor_used' };
                 UPDATE type::record('two_factor', $user) SET recovery_hashes -= $hash;
                 COMMIT TRANSACTION;",)
        .bind("user", user_id.to_string())
        .bind("hash", hash.to_string())
        .run()
        .await
}

/// Replaces every recovery code.
pub async fn replace_recovery_codes(
    db: &Db,
    user_id: &UserId,
    recovery_hashes: &[String],
    audit: &super::audit::Audit,
) -> Result<(), Guard> {
    Write::audited(
        db,
        "BEGIN TRANSACTION;
                 IF (SELECT VALUE enabled FROM ONLY type::record('two_factor', $user)) != true {
                     THROW 'two_factor_state'
                 };
                 UPDATE type::record('two_factor', $user) SET recovery_hashes = $hashes;
                 COMMIT TRANSACTION;",
        audit,
    )
    .bind("user", user_id.to_string())
    .bind("hashes", recovery_hashes.to_vec())
    .run()
    .await
}

/// Turns the authenticator app off: the secret and the recovery codes are deleted (the user
/// keeps a second factor while they have a passkey).
pub async fn disable(
    db: &Db,
    user_id: &UserId,
    now: DateTime<Utc>,
    audit: &super::audit::Audit,
) -> Result<(), Guard> {
    Write::audited(
        db,
        &format!(
            "BEGIN TRANSACTION;
                 DELETE type::record('two_factor', $user);
                 LET $u = type::record('user', $user);
                 {TWO_FACTOR_FLAG}
                 UPDATE $u SET updated_at = $now;
                 COMMIT TRANSACTION;"
        ),
        audit,
    )
    .bind("user", user_id.to_string())
    .bind("now", now)
    .run()
    .await?;
    Ok(())
}
