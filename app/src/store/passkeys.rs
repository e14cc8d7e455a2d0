//! Passkeys (WebAuthn credentials) and the ceremonies that register and use them.
//!
//! Invariants:
//! - A credential id names at most one passkey in the instance (checked in the registering
//!   transaction, and a unique index behind it).
//! - A user's `two_factor_enabled` is true while they have an authenticator app turned on or at
//!   least one passkey: every write that adds or removes either recomputes it in its own
//!   transaction ([`TWO_FACTOR_FLAG`]).
//! - A passkey is renamed or deleted only by its own user, and never deleted when it is their
//!   last way to sign in (no password, no identity, no other passkey), checked in the deleting
//!   transaction.
//! - A ceremony's key is the SHA-256 of its challenge; [`take_ceremony`] deletes it, so a
//!   ceremony is finished at most once.

use super::checked::checked;
use super::users::{USER_FIELDS, UserRow};
use super::{Db, StoreError};
use super::{Guard, Write};
use crate::domain::ids::UserId;
use chrono::{DateTime, Utc};
use surrealdb::types::SurrealValue;

/// The most passkeys one account may have.
pub const MAX_PER_USER: usize = 25;

/// `$u`'s two-factor flag as it should be: an authenticator app on, or a passkey.
pub const TWO_FACTOR_FLAG: &str = "UPDATE $u SET two_factor_enabled =
         (SELECT VALUE enabled FROM ONLY type::record('two_factor', record::id($u))) = true
         OR count(SELECT id FROM passkey WHERE user = $u) > 0;";

/// A passkey as its user sees it.
#[derive(Debug, Clone, SurrealValue)]
pub struct PasskeyRow {
    pub id: String,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

/// A passkey with its stored credential, for checking an assertion. Server-only.
#[derive(Debug, Clone, SurrealValue)]
pub struct StoredPasskey {
    pub id: String,
    pub user: String,
    pub credential: String,
}

/// A ceremony under way.
#[derive(Debug, Clone, SurrealValue)]
pub struct CeremonyRow {
    pub kind: String,
    pub user: Option<String>,
    pub login_challenge: Option<String>,
    pub state: String,
    pub expires_at: DateTime<Utc>,
}

/// The user's WebAuthn user handle, given now if they have none yet (`None`: no such user).
pub async fn handle_of(db: &Db, user_id: &UserId, fresh: &str) -> Result<Option<String>, Guard> {
    Write::new(
        db,
        "BEGIN TRANSACTION;
         LET $handle = (UPDATE ONLY type::record('user', $user)
             SET passkey_handle = passkey_handle ?? $fresh RETURN VALUE passkey_handle);
         COMMIT TRANSACTION;
         RETURN $handle;",
    )
    .bind("user", user_id.to_string())
    .bind("fresh", fresh.to_string())
    .returning::<Option<String>>()
    .await
}

/// Records a ceremony (and clears expired ones).
pub async fn start_ceremony(
    db: &Db,
    challenge_hash: &str,
    ceremony: &CeremonyRow,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    checked(
        db.query(
            "DELETE passkey_ceremony WHERE expires_at <= $now;
             CREATE type::record('passkey_ceremony', $hash) CONTENT {
                 kind: $kind,
                 user: IF $user = NONE { NONE } ELSE { type::record('user', $user) },
                 login_challenge: $login_challenge, state: $state, expires_at: $expires_at
             };",
        )
        .bind(("now", now))
        .bind(("hash", challenge_hash.to_string()))
        .bind(("kind", ceremony.kind.clone()))
        .bind(("user", ceremony.user.clone()))
        .bind(("login_challenge", ceremony.login_challenge.clone()))
        .bind(("state", ceremony.state.clone()))
        .bind(("expires_at", ceremony.expires_at))
        .await?,
    )?;
    Ok(())
}

/// Removes a ceremony and returns it, if it was there (expired or not: the caller judges).
pub async fn take_ceremony(db: &Db, challenge_hash: &str) -> Result<Option<CeremonyRow>, Guard> {
    Write::new(
        db,
        "BEGIN TRANSACTION;
         LET $ceremony = (SELECT kind,
                 (IF user = NONE { NONE } ELSE { <string> record::id(user) }) AS user,
                 login_challenge, state, expires_at
             FROM ONLY type::record('passkey_ceremony', $hash));
         DELETE type::record('passkey_ceremony', $hash);
         COMMIT TRANSACTION;
         RETURN $ceremony;",
    )
    .bind("hash", challenge_hash.to_string())
    .returning::<Option<CeremonyRow>>()
    .await
}

/// The passkey to register.
#[derive(Debug, Clone)]
pub struct NewPasskey<'a> {
    pub key: &'a str,
    pub name: &'a str,
    pub credential_id: &'a str,
    pub credential: &'a str,
}

/// Registers a passkey for an active user; their two-factor flag turns on.
pub async fn register(
    db: &Db,
    user_id: &UserId,
    passkey: &NewPasskey<'_>,
    now: DateTime<Utc>,
    audit: &super::audit::Audit,
) -> Result<(), Guard> {
    Write::audited(
        db,
        &format!(
            "BEGIN TRANSACTION;
             LET $u = type::record('user', $user);
             IF (SELECT VALUE active FROM ONLY $u) != true {{ THROW 'not_found' }};
             IF count(SELECT id FROM passkey WHERE credential_id = $credential_id) > 0 {{
                 THROW 'passkey_registered'
             }};
             IF count(SELECT id FROM passkey WHERE user = $u) >= {MAX_PER_USER} {{
                 THROW 'too_many_passkeys'
             }};
             CREATE type::record('passkey', $key) CONTENT {{
                 user: $u, name: $name, credential_id: $credential_id, credential: $credential,
                 created_at: $now, last_used_at: NONE
             }};
             {TWO_FACTOR_FLAG}
             UPDATE $u SET updated_at = $now;
             COMMIT TRANSACTION;"
        ),
        audit,
    )
    .bind("user", user_id.to_string())
    .bind("key", passkey.key.to_string())
    .bind("name", passkey.name.to_string())
    .bind("credential_id", passkey.credential_id.to_string())
    .bind("credential", passkey.credential.to_string())
    .bind("now", now)
    .run()
    .await
}

/// A user's passkeys, oldest first.
pub async fn of_user(db: &Db, user_id: &UserId) -> Result<Vec<PasskeyRow>, StoreError> {
    let mut response = checked(
        db.query(
            "SELECT <string> record::id(id) AS id, name, created_at, last_used_at
             FROM passkey WHERE user = type::record('user', $user) ORDER BY created_at, id",
        )
        .bind(("user", user_id.to_string()))
        .await?,
    )?;
    Ok(response.take(0)?)
}

/// A user's passkeys with their credentials (for a second-factor ceremony).
pub async fn credentials_of(db: &Db, user_id: &UserId) -> Result<Vec<StoredPasskey>, StoreError> {
    let mut response = checked(
        db.query(
            "SELECT <string> record::id(id) AS id, <string> record::id(user) AS user, credential
             FROM passkey WHERE user = type::record('user', $user)",
        )
        .bind(("user", user_id.to_string()))
        .await?,
    )?;
    Ok(response.take(0)?)
}

/// The passkey with this credential id, if any.
pub async fn by_credential_id(
    db: &Db,
    credential_id: &str,
) -> Result<Option<StoredPasskey>, StoreError> {
    let mut response = checked(
        db.query(
            "SELECT <string> record::id(id) AS id, <string> record::id(user) AS user, credential
             FROM passkey WHERE credential_id = $credential_id LIMIT 1",
        )
        .bind(("credential_id", credential_id.to_string()))
        .await?,
    )?;
    let rows: Vec<StoredPasskey> = response.take(0)?;
    Ok(rows.into_iter().next())
}

/// A passkey's user, their WebAuthn user handle, and the instance's "SSO only" setting.
#[derive(Debug, Clone, SurrealValue)]
pub struct PasskeyUse {
    pub user: Option<UserRow>,
    pub handle: Option<String>,
    pub sso_only: Option<bool>,
}

/// Records a passkey's use (its new credential, when the counter moved), and returns its user.
pub async fn used(
    db: &Db,
    key: &str,
    credential: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Option<PasskeyUse>, Guard> {
    Write::new(
        db,
        &format!(
            "BEGIN TRANSACTION;
             LET $user = (UPDATE ONLY type::record('passkey', $key)
                 SET last_used_at = $now, credential = $credential ?? credential
                 RETURN VALUE user);
             COMMIT TRANSACTION;
             RETURN {{
                 user: IF $user = NONE {{ NONE }} ELSE {{ (SELECT {USER_FIELDS} FROM ONLY $user) }},
                 handle: IF $user = NONE {{ NONE }} ELSE {{ $user.passkey_handle }},
                 sso_only: (SELECT VALUE sso_only FROM ONLY setting:instance) ?? false
             }};"
        ),
    )
    .bind("key", key.to_string())
    .bind("credential", credential.map(str::to_string))
    .bind("now", now)
    .returning::<Option<PasskeyUse>>()
    .await
}

/// Renames one of the user's passkeys.
pub async fn rename(
    db: &Db,
    user_id: &UserId,
    key: &str,
    name: &str,
    audit: &super::audit::Audit,
) -> Result<(), Guard> {
    Write::audited(
        db,
        "BEGIN TRANSACTION;
         LET $passkey = type::record('passkey', $key);
         IF (SELECT VALUE user FROM ONLY $passkey) != type::record('user', $user) {
             THROW 'not_found'
         };
         UPDATE $passkey SET name = $name;
         COMMIT TRANSACTION;",
        audit,
    )
    .bind("user", user_id.to_string())
    .bind("key", key.to_string())
    .bind("name", name.to_string())
    .run()
    .await
}

/// Deletes one of the user's passkeys, unless it is their last way to sign in, or (with
/// `keep_second_factor`: the instance requires two-factor) their last second factor.
pub async fn delete(
    db: &Db,
    user_id: &UserId,
    key: &str,
    keep_second_factor: bool,
    now: DateTime<Utc>,
    audit: &super::audit::Audit,
) -> Result<(), Guard> {
    // Writing the user makes two concurrent deletions of their last two ways in conflict.
    Write::audited(
        db,
        &format!(
            "BEGIN TRANSACTION;
             LET $u = type::record('user', $user);
             LET $passkey = type::record('passkey', $key);
             IF (SELECT VALUE user FROM ONLY $passkey) != $u {{ THROW 'not_found' }};
             IF ($u.password_hash ?? '') = ''
                 AND count(SELECT id FROM identity WHERE user = $u) = 0
                 AND count(SELECT id FROM passkey WHERE user = $u AND id != $passkey) = 0 {{
                 THROW 'last_sign_in'
             }};
             IF $keep AND (SELECT VALUE enabled FROM ONLY type::record('two_factor', $user)) != true
                 AND count(SELECT id FROM passkey WHERE user = $u AND id != $passkey) = 0 {{
                 THROW 'second_factor_required'
             }};
             DELETE $passkey;
             {TWO_FACTOR_FLAG}
             UPDATE $u SET updated_at = $now;
             COMMIT TRANSACTION;"
        ),
        audit,
    )
    .bind("user", user_id.to_string())
    .bind("key", key.to_string())
    .bind("keep", keep_second_factor)
    .bind("now", now)
    .run()
    .await
}
