//! The caller's own password and sessions.
//!
//! Invariants:
//! - Changing the password needs the current one, obeys the password rules, may not keep a
//!   temporary password, and ends every other session of the user; the current session is
//!   replaced by a fresh one (its old id stops working).
//! - A user sees and ends only their own sessions; anyone else's is "not found".

use super::principal::Principal;
use super::rfc3339;
use super::{passwords, sessions, throttle};
use crate::domain::password::Password;
use crate::domain::session::SessionInfo;
use crate::error::AppError;
use crate::store::{self, Db};
use chrono::{DateTime, Utc};

/// Checks the signed-in user's current password behind the same throttle as signing in
/// (the pair of address and account, and the account): a stolen session cannot guess it.
/// A wrong one is a 422 on `field`.
pub(crate) async fn verify_current_password(
    db: &Db,
    principal: &Principal,
    user: &store::users::UserRow,
    password: &Password,
    field: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let ip = principal.ip();
    let account = throttle::account_part(Some(&user.id), &user.username);
    let attempt = throttle::attempt(db, throttle::guessing(ip, &account), ip, now).await?;
    let matches = match passwords::verify(password, &user.password_hash).await {
        Ok(matches) => matches,
        Err(err) => {
            attempt.unused(db).await?;
            return Err(err);
        }
    };
    if !matches {
        return Err(AppError::validation(
            field,
            "That is not your current password.",
        ));
    }
    attempt.succeeded(db).await
}

/// Needs a person signed in (a session restricted to changing a temporary password is
/// enough). Returns the fresh session that replaces the current one, for the transport to
/// set as the new cookie.
pub async fn change_password(
    db: &Db,
    principal: &Principal,
    current: &Password,
    new: &Password,
    now: DateTime<Utc>,
) -> Result<Option<sessions::IssuedSession>, AppError> {
    let caller = principal.in_person()?;
    let user = store::users::by_id(db, &caller.user_id)
        .await?
        .ok_or_else(AppError::unauthenticated)?;
    if !super::sso_policy::password_allowed(store::settings::get(db).await?.sso_only, &user) {
        return Err(super::sso_policy::refusal());
    }
    verify_current_password(db, principal, &user, current, "current_password", now).await?;
    if current.expose() == new.expose() {
        return Err(AppError::validation(
            "new_password",
            "Choose a password different from the current one.",
        ));
    }
    passwords::check_new(new, "new_password", &user.username, &user.email)?;
    let hash = passwords::hash(new).await?;
    let audit = super::audit_entry::entry(
        principal,
        "account.password_changed",
        format!("user:{}", user.username),
        None,
        serde_json::json!({ "temporary_replaced": user.password_change_required }),
        now,
    );
    store::users::set_password(db, &user.id, &hash, now, &audit).await?;
    store::sessions::delete_for_user(db, &user.id, caller.session_hash.as_deref()).await?;
    sessions::rotate(db, principal, "password_changed", now).await
}

/// The caller's sessions, most recently used first. Needs a signed-in user.
pub async fn list_sessions(db: &Db, principal: &Principal) -> Result<Vec<SessionInfo>, AppError> {
    let caller = principal.user()?;
    let rows = store::sessions::for_user(db, &caller.user_id).await?;
    Ok(rows
        .into_iter()
        .map(|row| SessionInfo {
            current: caller.session_hash.as_deref() == Some(row.id.as_str()),
            id: row.id,
            user_agent: row.user_agent,
            ip: row.ip,
            created_at: rfc3339(row.created_at),
            last_seen_at: rfc3339(row.last_seen_at),
        })
        .collect())
}

/// Ends one of the caller's sessions. Needs a signed-in user; another user's session is 404.
pub async fn revoke_session(
    db: &Db,
    principal: &Principal,
    id: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let caller = principal.user()?;
    principal.in_person()?;
    if id.len() != 64 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::not_found());
    }
    match store::sessions::by_hash(db, id).await? {
        Some(session) if session.user == caller.user_id => {
            sessions::end(db, principal, id, "session.revoked", now).await
        }
        _ => Err(AppError::not_found()),
    }
}
