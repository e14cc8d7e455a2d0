//! An administrator's view of a user's credentials (issue 16.4): their API tokens and
//! sessions, listed and revoked, for holders of the instance permission
//! `users.manage_credentials` (API access itself is a flag changed in `admin_users::update`).
//!
//! Invariants: reading needs the permission; revoking also needs the target within the
//! caller's reach (never oneself, never a user whose instance role carries more), confirmed by
//! the writing transaction; every revocation is audited.

use super::audit_entry::entry;
use super::instance_rulebook::InstanceCheck;
use super::principal::Principal;
use crate::domain::instance_permission::InstancePermission;
use crate::domain::session::SessionInfo;
use crate::domain::token::TokenInfo;
use crate::error::AppError;
use crate::store::users::UserRow;
use crate::store::{self, Db};
use chrono::{DateTime, Utc};
use serde_json::json;

async fn target(db: &Db, username: &str) -> Result<UserRow, AppError> {
    let name = username.trim().to_lowercase();
    if name.is_empty() || name.len() > 39 || name.contains('@') {
        return Err(AppError::not_found());
    }
    store::users::by_login(db, &name)
        .await?
        .ok_or_else(AppError::not_found)
}

/// The user's live API tokens, newest first (never their secrets).
pub async fn tokens(
    db: &Db,
    principal: &Principal,
    username: &str,
) -> Result<Vec<TokenInfo>, AppError> {
    principal.instance(InstancePermission::UsersManageCredentials)?;
    let user = target(db, username).await?;
    Ok(store::tokens::for_user(db, &user.id)
        .await?
        .into_iter()
        .map(|row| super::tokens::info(row, Some(user.username.clone())))
        .collect())
}

/// Revokes one of the user's tokens; 404 when it is not theirs or already revoked.
pub async fn revoke_token(
    db: &Db,
    principal: &Principal,
    username: &str,
    id: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut check =
        InstanceCheck::of(principal.instance(InstancePermission::UsersManageCredentials)?);
    let user = target(db, username).await?;
    check.act_on(&user, "revoke the tokens of")?;
    let id = crate::domain::ids::TokenId::parse(id)
        .ok_or_else(AppError::not_found)?
        .to_string();
    let id = id.as_str();
    let audit = entry(
        principal,
        "admin.token_revoked",
        format!("user:{}", user.username),
        None,
        json!({ "token": id }),
        now,
    );
    store::admin_users::revoke_user_token(db, &user.id, id, &check.seen(), now, &audit).await?;
    Ok(())
}

/// The user's sessions, most recently used first.
pub async fn sessions(
    db: &Db,
    principal: &Principal,
    username: &str,
) -> Result<Vec<SessionInfo>, AppError> {
    principal.instance(InstancePermission::UsersManageCredentials)?;
    let user = target(db, username).await?;
    Ok(store::sessions::for_user(db, &user.id)
        .await?
        .into_iter()
        .map(|row| SessionInfo {
            current: false,
            id: row.id,
            user_agent: row.user_agent,
            ip: row.ip,
            created_at: super::rfc3339(row.created_at),
            last_seen_at: super::rfc3339(row.last_seen_at),
        })
        .collect())
}

/// Ends one of the user's sessions (`id`), or all of them; 404 for a session not theirs.
pub async fn end_sessions(
    db: &Db,
    principal: &Principal,
    username: &str,
    id: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut check =
        InstanceCheck::of(principal.instance(InstancePermission::UsersManageCredentials)?);
    let user = target(db, username).await?;
    check.act_on(&user, "end the sessions of")?;
    if let Some(id) = id
        && (id.len() != 64 || !id.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        return Err(AppError::not_found());
    }
    let audit = entry(
        principal,
        "admin.sessions_ended",
        format!("user:{}", user.username),
        None,
        json!({ "session": id.map(|s| s.get(..8).unwrap_or(s)), "all": id.is_none() }),
        now,
    );
    store::admin_users::end_user_sessions(db, &user.id, id, &check.seen(), &audit).await?;
    Ok(())
}
