//! Sessions. The record id is the SHA-256 (hex) of the session secret: the secret is never
//! stored, and looking a session up by its hash is one key read.

use super::checked::checked;
use super::organizations::{AccessRow, MEMBER_STANDING};
use super::settings::{SETTINGS, SettingsRow, present};
use super::users::{USER_FIELDS, UserRow};
use super::{Db, StoreError};
use super::{Guard, Write};
use crate::domain::ids::UserId;
use chrono::{DateTime, Utc};
use surrealdb::types::SurrealValue;

#[derive(Debug, Clone, SurrealValue)]
pub struct SessionRow {
    /// The hash (hex), i.e. the record key.
    pub id: String,
    pub user: UserId,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub user_agent: String,
    pub ip: String,
    pub password_change_only: bool,
    /// The provider the session was signed in through, if any.
    pub sso_provider: Option<String>,
}

const FIELDS: &str = "record::id(id) AS id, record::id(user) AS user, created_at, last_seen_at, \
                      user_agent, ip, password_change_only, sso_provider";

pub struct NewSession<'a> {
    pub hash: &'a str,
    pub user_id: &'a UserId,
    pub user_agent: &'a str,
    pub ip: &'a str,
    pub password_change_only: bool,
    /// The provider the session was signed in through, if any.
    pub sso_provider: Option<&'a str>,
}

/// Opens a session; the sign-in is audited in the same transaction.
pub async fn create(
    db: &Db,
    new: &NewSession<'_>,
    now: DateTime<Utc>,
    audit: &super::audit::Audit,
) -> Result<(), Guard> {
    Write::audited(
        db,
        "BEGIN TRANSACTION;
         CREATE type::record('session', $hash) CONTENT {
             user: type::record('user', $user), created_at: $now, last_seen_at: $now,
             user_agent: $user_agent, ip: $ip, password_change_only: $password_change_only,
             sso_provider: $sso_provider
         };
         UPDATE type::record('user', $user) SET last_sign_in_at = $now;
         COMMIT TRANSACTION;",
        audit,
    )
    .bind("hash", new.hash.to_string())
    .bind("user", new.user_id.to_string())
    .bind("user_agent", new.user_agent.to_string())
    .bind("ip", new.ip.to_string())
    .bind("password_change_only", new.password_change_only)
    .bind("sso_provider", new.sso_provider.map(str::to_string))
    .bind("now", now)
    .run()
    .await?;
    Ok(())
}

/// Replaces the session `old_hash` with a fresh one (`new_hash`) for the same user, browser
/// and address, allowed everything, in one transaction with its audit entry: the old id stops
/// working. `false` (nothing written) if the old session is gone.
pub async fn replace(
    db: &Db,
    old_hash: &str,
    new_hash: &str,
    now: DateTime<Utc>,
    audit: &super::audit::Audit,
) -> Result<bool, Guard> {
    let query = String::from(
        "BEGIN TRANSACTION;
         LET $old = (SELECT * FROM ONLY type::record('session', $old_hash));
         IF $old = NONE { THROW 'absent' };
         DELETE $old.id;
         CREATE type::record('session', $new_hash) CONTENT {
             user: $old.user, created_at: $now, last_seen_at: $now,
             user_agent: $old.user_agent, ip: $old.ip, password_change_only: false
         };
         COMMIT TRANSACTION;",
    );
    Write::audited(db, &query, audit)
        .bind("old_hash", old_hash.to_string())
        .bind("new_hash", new_hash.to_string())
        .bind("now", now)
        .run_unless(Guard::Absent)
        .await
}

/// A session with its user and the instance settings, as one read returns them.
#[derive(SurrealValue)]
struct SessionCallerRow {
    session: Option<SessionRow>,
    user: Option<UserRow>,
    settings: Option<SettingsRow>,
    member_standing: Option<AccessRow>,
}

/// What resolving a session cookie reads.
pub struct SessionCaller {
    pub session: SessionRow,
    /// The session's user (none if gone).
    pub user: Option<UserRow>,
    pub settings: SettingsRow,
    /// With an organization asked for: the user's standing in it.
    pub member_standing: Option<AccessRow>,
}

/// The session `hash`, if there is one, with its user, the instance settings and, when `org`
/// names an organization, the user's standing in it: what resolving a cookie (and checking
/// it in that organization) needs, in one round trip.
pub async fn with_user(
    db: &Db,
    hash: &str,
    org: Option<&str>,
) -> Result<Option<SessionCaller>, StoreError> {
    // Without an organization the standing is left out of the text (a longer query costs
    // its parse on every request).
    let standing = if org.is_some() {
        format!("IF $user = NONE {{ NONE }} ELSE {}", *MEMBER_STANDING)
    } else {
        "NONE".to_string()
    };
    let mut response = checked(
        db.query(format!(
            "LET $found = (SELECT {FIELDS} FROM ONLY type::record('session', $hash));
             LET $user = IF $found = NONE {{ NONE }} ELSE {{
                 (SELECT {USER_FIELDS} FROM ONLY type::record('user', $found.user))
             }};
             LET $standing_user = $found.user;
             RETURN {{ session: $found, user: $user, settings: {SETTINGS},
                       member_standing: {standing} }};"
        ))
        .bind(("hash", hash.to_string()))
        .bind(("name", org.map(str::to_string)))
        .await?,
    )?;
    let Some(row) = response.take::<Option<SessionCallerRow>>(3)? else {
        return Ok(None);
    };
    let settings = present(row.settings)?;
    Ok(row.session.map(|session| SessionCaller {
        session,
        user: row.user,
        settings,
        member_standing: row.member_standing,
    }))
}

pub async fn by_hash(db: &Db, hash: &str) -> Result<Option<SessionRow>, StoreError> {
    let mut response = checked(
        db.query(format!(
            "SELECT {FIELDS} FROM ONLY type::record('session', $hash)"
        ))
        .bind(("hash", hash.to_string()))
        .await?,
    )?;
    Ok(response.take(0)?)
}

pub async fn for_user(db: &Db, user_id: &UserId) -> Result<Vec<SessionRow>, StoreError> {
    let mut response = checked(
        db.query(format!(
            "SELECT {FIELDS} FROM session WHERE user = type::record('user', $user)
             ORDER BY last_seen_at DESC"
        ))
        .bind(("user", user_id.to_string()))
        .await?,
    )?;
    Ok(response.take(0)?)
}

pub async fn touch(db: &Db, hash: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
    checked(
        db.query("UPDATE type::record('session', $hash) SET last_seen_at = $now")
            .bind(("hash", hash.to_string()))
            .bind(("now", now))
            .await?,
    )?;
    Ok(())
}

/// The provider a session was signed in through, if any.
pub async fn sso_provider(db: &Db, hash: &str) -> Result<Option<String>, StoreError> {
    let mut response = checked(
        db.query("SELECT VALUE sso_provider FROM ONLY type::record('session', $hash)")
            .bind(("hash", hash.to_string()))
            .await?,
    )?;
    Ok(response.take::<Option<String>>(0)?)
}

pub async fn delete(db: &Db, hash: &str) -> Result<(), StoreError> {
    checked(
        db.query("DELETE type::record('session', $hash)")
            .bind(("hash", hash.to_string()))
            .await?,
    )?;
    Ok(())
}

/// Ends the session `hash` with its audit entry, in one transaction; `false` (and no entry)
/// if there was none.
pub async fn end(db: &Db, hash: &str, audit: &super::audit::Audit) -> Result<bool, Guard> {
    let query = String::from(
        "BEGIN TRANSACTION;
         LET $gone = (DELETE type::record('session', $hash) RETURN BEFORE);
         IF array::len($gone) = 0 { THROW 'absent' };
         COMMIT TRANSACTION;",
    );
    Write::audited(db, &query, audit)
        .bind("hash", hash.to_string())
        .run_unless(Guard::Absent)
        .await
}

/// Ends every session of `user_id` except `keep` (the hash of the caller's own, if any).
pub async fn delete_for_user(
    db: &Db,
    user_id: &UserId,
    keep: Option<&str>,
) -> Result<(), StoreError> {
    let query = match keep {
        Some(_) => {
            "DELETE session WHERE user = type::record('user', $user)
                 AND id != type::record('session', $keep)"
        }
        None => "DELETE session WHERE user = type::record('user', $user)",
    };
    checked(
        db.query(query)
            .bind(("user", user_id.to_string()))
            .bind(("keep", keep.unwrap_or_default().to_string()))
            .await?,
    )?;
    Ok(())
}
