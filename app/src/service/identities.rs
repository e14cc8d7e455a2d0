//! The caller's linked single sign-on identities: listed and unlinked by their own user.
//!
//! Invariants: only a person in a session manages them (a token cannot), and the last way to
//! sign in (no password, no other identity) is never removed — checked in the deleting
//! transaction (`store::identities::unlink`).

use super::principal::Principal;
use crate::domain::sso::LinkedIdentity;
use crate::error::AppError;
use crate::store::{self, Db};
use chrono::{DateTime, Utc};

/// The caller's identities. Needs a person in a session.
pub async fn mine(db: &Db, principal: &Principal) -> Result<Vec<LinkedIdentity>, AppError> {
    let caller = principal.in_person()?;
    Ok(store::identities::of_user(db, &caller.user_id)
        .await?
        .into_iter()
        .map(|row| LinkedIdentity {
            id: row.id,
            provider: row.provider,
            provider_name: row.provider_name,
            email: row.email,
            linked_at: super::rfc3339(row.created_at),
            last_used_at: row.last_used_at.map(super::rfc3339),
        })
        .collect())
}

/// Unlinks one of the caller's identities (409 when it is their last way to sign in). Needs a
/// person in a session.
pub async fn unlink(
    db: &Db,
    principal: &Principal,
    id: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let caller = principal.in_person()?;
    if id.len() != 64 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::not_found());
    }
    let audit = super::audit_entry::entry(
        principal,
        "auth.sso_unlinked",
        format!("user:{}", caller.username),
        None,
        serde_json::json!({ "identity": id }),
        now,
    );
    store::identities::unlink(db, &caller.user_id, id, now, &audit).await?;
    Ok(())
}
