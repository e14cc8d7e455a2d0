//! Identities at OpenID Connect providers linked to users.
//!
//! Invariants:
//! - An identity (provider + subject) is linked to at most one user: its record key is derived
//!   from the pair (`service::sso_accounts::identity_key`), so a second link collides on the
//!   key inside the linking transaction (`identity_linked`).
//! - An identity is unlinked only by its own user, and never when it is their last way to
//!   sign in (no password, no other identity, no passkey): `last_sign_in`, checked in the deleting
//!   transaction.
//! - A just-in-time account and its identity are created in one transaction.

use super::checked::checked;
use super::users::{NewUser, USER_FIELDS, UserRow};
use super::{Db, StoreError};
use super::{Guard, Write};
use crate::domain::ids::UserId;
use chrono::{DateTime, Utc};
use surrealdb::types::SurrealValue;

/// A linked identity as its user sees it.
#[derive(Debug, Clone, SurrealValue)]
pub struct IdentityRow {
    pub id: String,
    pub provider: String,
    pub provider_name: String,
    pub email: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

/// The identity to link.
#[derive(Debug, Clone)]
pub struct NewIdentity<'a> {
    pub key: &'a str,
    pub provider: &'a str,
    pub subject: &'a str,
    pub email: &'a str,
}

/// Creates the identity `$identity_key` for `$user` (the record or its id), refusing one that
/// is linked already.
const LINK: &str = "
     IF record::exists(type::record('identity', $identity_key)) { THROW 'identity_linked' };
     CREATE type::record('identity', $identity_key) CONTENT {
         provider: type::record('sso_provider', $provider), subject: $subject,
         user: $user.id, email: $identity_email, created_at: $now, last_used_at: $now
     };";

fn bind_identity<'a>(write: Write<'a>, identity: &NewIdentity<'_>) -> Write<'a> {
    write
        .bind("identity_key", identity.key.to_string())
        .bind("provider", identity.provider.to_string())
        .bind("subject", identity.subject.to_string())
        .bind("identity_email", identity.email.to_string())
}

/// The user an identity is linked to, recording its use.
pub async fn user_of(
    db: &Db,
    key: &str,
    now: DateTime<Utc>,
) -> Result<Option<UserRow>, StoreError> {
    let mut response = checked(
        db.query(format!(
            "LET $user = (UPDATE ONLY type::record('identity', $key) SET last_used_at = $now
                 RETURN VALUE user);
             RETURN IF $user = NONE {{ NONE }} ELSE {{ (SELECT {USER_FIELDS} FROM ONLY $user) }};"
        ))
        .bind(("key", key.to_string()))
        .bind(("now", now))
        .await?,
    )?;
    Ok(response.take(1)?)
}

/// Creates an account together with its first identity.
pub async fn create_user_with(
    db: &Db,
    new: &NewUser<'_>,
    identity: &NewIdentity<'_>,
    now: DateTime<Utc>,
    audit: &super::audit::Audit,
) -> Result<UserRow, Guard> {
    bind_identity(
        super::users::creation(db, new, LINK, now, Some(audit)),
        identity,
    )
    .returning::<Option<UserRow>>()
    .await?
    .ok_or(Guard::NotFound)
}

/// Links an identity to an existing active user.
pub async fn link(
    db: &Db,
    user_id: &UserId,
    identity: &NewIdentity<'_>,
    now: DateTime<Utc>,
    audit: &super::audit::Audit,
) -> Result<(), Guard> {
    let query = format!(
        "BEGIN TRANSACTION;
         LET $user = (SELECT id, active FROM ONLY type::record('user', $user_id));
         IF $user = NONE OR !$user.active {{ THROW 'not_found' }};
         {LINK}
         COMMIT TRANSACTION;"
    );
    bind_identity(Write::audited(db, &query, audit), identity)
        .bind("user_id", user_id.to_string())
        .bind("now", now)
        .run()
        .await
}

/// A user's linked identities, by provider name.
pub async fn of_user(db: &Db, user_id: &UserId) -> Result<Vec<IdentityRow>, StoreError> {
    let mut response = checked(
        db.query(
            "SELECT <string> record::id(id) AS id, <string> record::id(provider) AS provider,
                 provider.name AS provider_name, email, created_at, last_used_at
             FROM identity WHERE user = type::record('user', $user) ORDER BY provider_name",
        )
        .bind(("user", user_id.to_string()))
        .await?,
    )?;
    Ok(response.take(0)?)
}

/// Unlinks one of the user's identities, unless it is their last way to sign in.
pub async fn unlink(
    db: &Db,
    user_id: &UserId,
    key: &str,
    now: DateTime<Utc>,
    audit: &super::audit::Audit,
) -> Result<(), Guard> {
    // Writing the user makes two concurrent unlinks of their last two identities conflict.
    Write::audited(
        db,
        "BEGIN TRANSACTION;
         LET $user = type::record('user', $user_id);
         LET $identity = type::record('identity', $key);
         IF (SELECT VALUE user FROM ONLY $identity) != $user { THROW 'not_found' };
         IF ($user.password_hash ?? '') = ''
             AND count(SELECT id FROM identity WHERE user = $user AND id != $identity) = 0
             AND count(SELECT id FROM passkey WHERE user = $user) = 0 {
             THROW 'last_sign_in'
         };
         DELETE $identity;
         UPDATE $user SET updated_at = $now;
         COMMIT TRANSACTION;",
        audit,
    )
    .bind("user_id", user_id.to_string())
    .bind("key", key.to_string())
    .bind("now", now)
    .run()
    .await
}
