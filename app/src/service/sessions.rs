//! Sessions: creation, resolution with idle and absolute timeouts, revocation.
//!
//! Invariants:
//! - A session secret is 256 random bits, sent only in the cookie; the database holds its
//!   SHA-256, so a leaked database does not leak live sessions.
//! - Expiry is decided here, with `now` passed in: idle (since last seen) and absolute (since
//!   created) limits come from the instance settings in force at the time of the request.
//! - Resolving a cookie is one round trip; `last_seen_at` is written at most once a minute per
//!   session, off the request's path (`touch.rs`).

use super::principal::{InstanceRules, Principal, SignedInUser, Standing, StandingRow, org_key};
use super::secret::{random_secret, sha256_hex};
use super::touch::{Resolved, Touch};
use crate::domain::ids::UserId;
use crate::error::AppError;
use crate::store::sessions::SessionCaller;
use crate::store::settings::SettingsRow;
use crate::store::{self, Db};
use chrono::{DateTime, Duration, Utc};
use std::sync::Arc;

/// A new session: the secret goes into the cookie, once.
pub struct IssuedSession {
    pub secret: String,
    pub hash: String,
}

/// Opens a session for `user_id` (`username`), recording the sign-in in the audit log.
pub async fn open(
    db: &Db,
    user_id: &UserId,
    username: &str,
    user_agent: &str,
    ip: &str,
    password_change_only: bool,
    now: DateTime<Utc>,
) -> Result<IssuedSession, AppError> {
    let how = How {
        action: "auth.signed_in",
        detail: serde_json::json!({}),
        sso_provider: None,
    };
    open_as(
        db,
        user_id,
        username,
        user_agent,
        ip,
        password_change_only,
        how,
        now,
    )
    .await
}

/// How a session was earned, for its audit entry: `auth.signed_in` (a password),
/// `auth.sso_signed_in` (a provider, named in `detail`).
pub struct How {
    pub action: &'static str,
    pub detail: serde_json::Value,
    /// The provider's id (its end-session URL is offered at sign-out).
    pub sso_provider: Option<String>,
}

/// Opens a session, recording it in the audit log as `how` says.
#[allow(clippy::too_many_arguments)]
pub async fn open_as(
    db: &Db,
    user_id: &UserId,
    username: &str,
    user_agent: &str,
    ip: &str,
    password_change_only: bool,
    how: How,
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
            sso_provider: how.sso_provider.as_deref(),
        },
        now,
        &super::audit_entry::entry_as(
            super::audit_entry::Who {
                name: username,
                id: user_id.as_str(),
                ip,
            },
            how.action,
            format!("user:{username}"),
            None,
            {
                let mut detail = serde_json::json!({
                    "user_agent": agent, "password_change_only": password_change_only
                });
                if let (Some(detail), serde_json::Value::Object(extra)) =
                    (detail.as_object_mut(), how.detail)
                {
                    detail.extend(extra);
                }
                detail
            },
            now,
        ),
    )
    .await?;
    Ok(IssuedSession { secret, hash })
}

/// Resolves a session cookie value to its caller, recording the use at once (the command
/// line and tests; the server resolves with [`caller`] and records the use on the side).
pub async fn principal(db: &Db, secret: &str, now: DateTime<Utc>) -> Result<Principal, AppError> {
    caller(db, secret, None, now).await?.recorded(db).await
}

/// Resolves a session cookie value to its caller in one round trip (the session, its user and
/// the instance settings are read together, and with `org`, the user's standing in that
/// organization: see [`Standing`]), with the use to record if one is due. Unknown, expired or
/// deactivated → `Anonymous`.
pub async fn caller(
    db: &Db,
    secret: &str,
    org: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Resolved, AppError> {
    let org = org.and_then(org_key);
    let Some(SessionCaller {
        session,
        user,
        settings,
        member_standing,
    }) = resolve(db, secret, org.as_deref(), now).await?
    else {
        return Ok(Resolved::untouched(Principal::Anonymous));
    };
    let Some(user) = user else {
        close(db, &session.id).await?;
        return Ok(Resolved::untouched(Principal::Anonymous));
    };
    if !user.active {
        return Ok(Resolved::untouched(Principal::Anonymous));
    }
    let touch: Vec<Touch> = (now - session.last_seen_at >= Duration::minutes(1))
        .then(|| Touch::Session {
            hash: session.id.clone(),
            at: now,
        })
        .into_iter()
        .chain(super::touch::member_activity(
            member_standing.as_ref(),
            &user.id,
            now,
        ))
        .collect();
    let two_factor_setup_required = !user.two_factor_enabled && settings.require_two_factor;
    let account = super::user_view::user(&user);
    Ok(Resolved {
        principal: Principal::User(SignedInUser {
            user_id: user.id,
            username: user.username,
            instance: super::principal::InstanceStanding::of(
                user.instance_role.clone(),
                user.instance_role_permissions.clone(),
            ),
            session_hash: Some(session.id),
            password_change_only: session.password_change_only,
            ip: String::new(),
            two_factor_setup_required,
            token: None,
            account: Some(Box::new(account)),
            rules: rules(&settings),
            standing: org.map(|org| Standing {
                org,
                row: StandingRow::Member(Arc::new(member_standing)),
            }),
            sso_provider: session.sso_provider,
        }),
        touch,
    })
}

/// Whether a user with two-factor `enabled` (or not) must still set it up before doing
/// anything else: the instance requires it and they have none.
pub async fn two_factor_setup_required(db: &Db, enabled: bool) -> Result<bool, AppError> {
    Ok(!enabled && store::settings::get(db).await?.require_two_factor)
}

/// What a signed-in request needs of the instance settings `settings` (read once per request).
pub(super) fn rules(settings: &SettingsRow) -> InstanceRules {
    InstanceRules {
        require_two_factor: settings.require_two_factor,
        token_max_days: settings.token_max_days,
    }
}

/// Replaces the caller's current session with a fresh one (a new cookie value; the old one
/// stops working), after a password change or enrolling two-factor: whoever held the old id
/// (a fixated or leaked cookie) is out. `None` when the caller has no session (a token).
pub async fn rotate(
    db: &Db,
    principal: &Principal,
    why: &str,
    now: DateTime<Utc>,
) -> Result<Option<IssuedSession>, AppError> {
    let caller = principal.user_for_password_change()?;
    let Some(old) = caller.session_hash.as_deref() else {
        return Ok(None);
    };
    let secret = random_secret()?;
    let hash = sha256_hex(&secret);
    let audit = super::audit_entry::entry(
        principal,
        "auth.session_renewed",
        format!("user:{}", caller.username),
        None,
        serde_json::json!({ "reason": why }),
        now,
    );
    if store::sessions::replace(db, old, &hash, now, &audit).await? {
        Ok(Some(IssuedSession { secret, hash }))
    } else {
        Ok(None)
    }
}

/// The live session for a cookie value with its user (none if gone) and the instance settings
/// it was judged by, or `None` if it is unknown or expired (an expired one is deleted on the
/// way).
async fn resolve(
    db: &Db,
    secret: &str,
    org: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Option<SessionCaller>, AppError> {
    if secret.len() != 43
        || !secret
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Ok(None);
    }
    let hash = sha256_hex(secret);
    let Some(found) = store::sessions::with_user(db, &hash, org).await? else {
        return Ok(None);
    };
    let idle = Duration::minutes(found.settings.session_idle_minutes);
    let absolute = Duration::hours(found.settings.session_max_hours);
    if now - found.session.last_seen_at > idle || now - found.session.created_at > absolute {
        store::sessions::delete(db, &hash).await?;
        return Ok(None);
    }
    Ok(Some(found))
}

/// Ends the session `hash` of the signed-in caller, audited as `action` (`auth.signed_out`,
/// `session.revoked`).
pub async fn end(
    db: &Db,
    principal: &Principal,
    hash: &str,
    action: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let caller = principal.user_for_password_change()?;
    let audit = super::audit_entry::entry(
        principal,
        action,
        format!("user:{}", caller.username),
        None,
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
