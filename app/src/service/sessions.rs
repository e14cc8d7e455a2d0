//! Sessions: creation, resolution with idle and absolute timeouts, revocation.
//!
//! Invariants:
//! - A session secret is 256 random bits, sent only in the cookie; the database holds its
//!   SHA-256, so a leaked database does not leak live sessions.
//! - Expiry is decided here, with `now` passed in: idle (since last seen) and absolute (since
//!   created) limits come from the instance settings in force at the time of the request.
//! - `last_seen_at` is written at most once a minute per session.

use crate::error::AppError;
use crate::store::{self, Db, sessions::SessionRow};
use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};

/// A new session: the secret goes into the cookie, once.
pub struct IssuedSession {
    pub secret: String,
    pub hash: String,
}

/// 256 random bits, URL-safe base64 (43 characters).
pub fn random_secret() -> Result<String, AppError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(AppError::internal)?;
    Ok(base64url(&bytes))
}

pub fn sha256_hex(input: &str) -> String {
    Sha256::digest(input.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
        let chars = chunk.len() + 1;
        for i in 0..chars {
            let index = (n >> (18 - 6 * i)) & 63;
            out.push(char::from(ALPHABET[index as usize]));
        }
    }
    out
}

/// Opens a session for `user_id` (`username`), recording the sign-in in the audit log.
pub async fn open(
    db: &Db,
    user_id: &str,
    username: &str,
    user_agent: &str,
    ip: &str,
    password_change_only: bool,
    now: DateTime<Utc>,
) -> Result<IssuedSession, AppError> {
    let secret = random_secret()?;
    let hash = sha256_hex(&secret);
    let agent: String = user_agent.chars().take(300).collect();
    store::sessions::create(
        db,
        &store::sessions::NewSession {
            hash: &hash,
            user_id,
            user_agent: &agent,
            ip,
            password_change_only,
        },
        now,
        &super::audit::entry_as(
            super::audit::Who { name: username, id: user_id, ip },
            "auth.signed_in",
            format!("user:{username}"),
            "",
            serde_json::json!({ "user_agent": agent, "password_change_only": password_change_only }),
            now,
        ),
    )
    .await?;
    Ok(IssuedSession { secret, hash })
}

/// Replaces the caller's current session with a fresh one (a new cookie value; the old one
/// stops working), after a password change or enrolling two-factor: whoever held the old id
/// (a fixated or leaked cookie) is out. `None` when the caller has no session (a token).
pub async fn rotate(
    db: &Db,
    principal: &super::principal::Principal,
    why: &str,
    now: DateTime<Utc>,
) -> Result<Option<IssuedSession>, AppError> {
    let caller = principal.user_for_password_change()?;
    let Some(old) = caller.session_hash.as_deref() else {
        return Ok(None);
    };
    let secret = random_secret()?;
    let hash = sha256_hex(&secret);
    let audit = super::audit::entry(
        principal,
        "auth.session_renewed",
        format!("user:{}", caller.username),
        "",
        serde_json::json!({ "reason": why }),
        now,
    );
    if store::sessions::replace(db, old, &hash, now, &audit).await? {
        Ok(Some(IssuedSession { secret, hash }))
    } else {
        Ok(None)
    }
}

/// The live session for a cookie value, or `None` if it is unknown or expired (an expired one
/// is deleted on the way).
pub async fn resolve(
    db: &Db,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<Option<SessionRow>, AppError> {
    if secret.len() != 43
        || !secret
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Ok(None);
    }
    let hash = sha256_hex(secret);
    let Some(session) = store::sessions::by_hash(db, &hash).await? else {
        return Ok(None);
    };
    let settings = store::settings::get(db).await?;
    let idle = Duration::minutes(settings.session_idle_minutes);
    let absolute = Duration::hours(settings.session_max_hours);
    if now - session.last_seen_at > idle || now - session.created_at > absolute {
        store::sessions::delete(db, &hash).await?;
        return Ok(None);
    }
    if now - session.last_seen_at >= Duration::minutes(1) {
        store::sessions::touch(db, &hash, now).await?;
    }
    Ok(Some(session))
}

/// Ends the session `hash` of the signed-in caller, audited as `action` (`auth.signed_out`,
/// `session.revoked`).
pub async fn end(
    db: &Db,
    principal: &super::principal::Principal,
    hash: &str,
    action: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let caller = principal.user_for_password_change()?;
    let audit = super::audit::entry(
        principal,
        action,
        format!("user:{}", caller.username),
        "",
        serde_json::json!({ "current": caller.session_hash.as_deref() == Some(hash) }),
        now,
    );
    store::sessions::end(db, hash, &audit).await?;
    Ok(())
}

/// Ends one session, unaudited (one whose user is gone).
pub async fn close(db: &Db, hash: &str) -> Result<(), AppError> {
    store::sessions::delete(db, hash).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_43_url_safe_characters_and_differ() {
        let a = random_secret().unwrap();
        let b = random_secret().unwrap();
        assert_eq!(a.len(), 43);
        assert!(
            a.bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
        );
        assert_ne!(a, b);
    }

    #[test]
    fn base64url_matches_known_vectors() {
        assert_eq!(base64url(b"f"), "Zg");
        assert_eq!(base64url(b"fo"), "Zm8");
        assert_eq!(base64url(b"foo"), "Zm9v");
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
    }
}
