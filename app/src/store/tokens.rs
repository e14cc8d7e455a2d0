//! API tokens, stored by the SHA-256 of their secret.

use super::checked::checked;
use super::{Db, StoreError};
use chrono::{DateTime, Utc};
use surrealdb::types::SurrealValue;

#[derive(Debug, Clone, SurrealValue)]
pub struct TokenRow {
    pub id: String,
    pub kind: String,
    pub prefix: String,
    pub user: Option<String>,
    pub description: String,
    pub created_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

const FIELDS: &str = "record::id(id) AS id, kind, prefix, record::id(user) AS user, description, \
     record::id(created_by) AS created_by, created_at, expires_at, last_used_at, revoked_at";

pub struct NewUserToken<'a> {
    pub hash: &'a str,
    pub prefix: &'a str,
    pub user_id: &'a str,
    pub description: &'a str,
    pub expires_at: Option<DateTime<Utc>>,
}

pub async fn create_user_token(
    db: &Db,
    new: &NewUserToken<'_>,
    now: DateTime<Utc>,
) -> Result<TokenRow, StoreError> {
    let mut response = checked(
        db.query(format!(
            "LET $t = CREATE ONLY api_token CONTENT {{
                 kind: 'user', hash: $hash, prefix: $prefix, user: type::record('user', $user),
                 description: $description, created_by: type::record('user', $user),
                 created_at: $now, expires_at: $expires_at
             }};
             SELECT {FIELDS} FROM ONLY $t.id;"
        ))
        .bind(("hash", new.hash.to_string()))
        .bind(("prefix", new.prefix.to_string()))
        .bind(("user", new.user_id.to_string()))
        .bind(("description", new.description.to_string()))
        .bind(("expires_at", new.expires_at))
        .bind(("now", now))
        .await?,
    )?;
    response
        .take::<Option<TokenRow>>(1)?
        .ok_or_else(|| surrealdb::Error::internal("token creation returned no row".into()).into())
}

pub async fn by_hash(db: &Db, hash: &str) -> Result<Option<TokenRow>, StoreError> {
    let mut response = checked(
        db.query(format!(
            "SELECT {FIELDS} FROM api_token WHERE hash = $hash LIMIT 1"
        ))
        .bind(("hash", hash.to_string()))
        .await?,
    )?;
    let rows: Vec<TokenRow> = response.take(0)?;
    Ok(rows.into_iter().next())
}

/// The user's live (unrevoked) tokens, newest first.
pub async fn for_user(db: &Db, user_id: &str) -> Result<Vec<TokenRow>, StoreError> {
    let mut response = checked(
        db.query(format!(
            "SELECT {FIELDS} FROM api_token
             WHERE kind = 'user' AND user = type::record('user', $user) AND revoked_at = NONE
             ORDER BY created_at DESC"
        ))
        .bind(("user", user_id.to_string()))
        .await?,
    )?;
    Ok(response.take(0)?)
}

pub async fn by_id(db: &Db, id: &str) -> Result<Option<TokenRow>, StoreError> {
    let mut response = checked(
        db.query(format!(
            "SELECT {FIELDS} FROM ONLY type::record('api_token', $id)"
        ))
        .bind(("id", id.to_string()))
        .await?,
    )?;
    Ok(response.take(0)?)
}

pub async fn revoke(db: &Db, id: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
    checked(
        db.query("UPDATE type::record('api_token', $id) SET revoked_at = $now")
            .bind(("id", id.to_string()))
            .bind(("now", now))
            .await?,
    )?;
    Ok(())
}

pub async fn touch(db: &Db, id: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
    checked(
        db.query("UPDATE type::record('api_token', $id) SET last_used_at = $now")
            .bind(("id", id.to_string()))
            .bind(("now", now))
            .await?,
    )?;
    Ok(())
}
