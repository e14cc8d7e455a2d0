//! User API tokens: create (shown once), list, revoke, and authenticate a bearer token.
//!
//! Invariants:
//! - Only the SHA-256 of a token is stored; the secret is returned once, at creation.
//! - A malformed token (bad format or checksum) is refused before any database read.
//! - A user token acts as its user with the user's current rights: expired, revoked, or
//!   belonging to a deactivated user, it is refused with 401. An organization or group token
//!   becomes a `Principal::Token`, which `org_access` confines to its organization.
//! - Resolving a token is one round trip; `last_used_at` is written at most once a minute per
//!   token, off the request's path (`touch.rs`).

use super::principal::{Principal, SignedInUser, Standing, StandingRow, org_key};
use super::rfc3339;
use super::secret::sha256_hex;
use super::sessions;
use super::token_format::{self, TokenKind};
use super::touch::{Resolved, Touch};
use crate::domain::ids::TokenId;
use crate::domain::token::{CreatedToken, LIFETIMES_DAYS, NewUserToken, TokenInfo};
use crate::error::AppError;
use crate::store::{self, Db, tokens::TokenRow};
use chrono::{DateTime, Duration, Utc};
use std::sync::Arc;

pub(crate) fn info(row: TokenRow, created_by: Option<String>) -> TokenInfo {
    TokenInfo {
        id: row.id.into(),
        description: row.description,
        prefix: row.prefix,
        created_at: rfc3339(row.created_at),
        expires_at: row.expires_at.map(rfc3339),
        last_used_at: row.last_used_at.map(rfc3339),
        created_by,
        kind: row.kind,
        role: row.role,
        organization: row.organization,
        group: None,
        flags: Vec::new(),
        rotated_at: row.rotated_at.map(rfc3339),
        admin: row.admin,
    }
}

/// The longest a new token may live on this instance (none: no limit), for forms to offer
/// only allowed lifetimes. Needs a signed-in user.
pub fn lifetime_limit(principal: &Principal) -> Result<Option<i64>, AppError> {
    Ok(principal.user()?.rules.token_max_days)
}

/// Checks a new token's description and lifetime against the instance's maximum (the
/// settings `person`'s request was resolved with); returns the trimmed description.
pub(crate) fn checked_lifetime<'a>(
    person: &SignedInUser,
    description: &'a str,
    expires_in_days: Option<i64>,
) -> Result<&'a str, AppError> {
    let description = description.trim();
    if description.is_empty() {
        return Err(AppError::validation(
            "description",
            "Describe what the token is for.",
        ));
    }
    if description.chars().count() > 100 {
        return Err(AppError::validation(
            "description",
            "Use at most 100 characters.",
        ));
    }
    match (expires_in_days, person.rules.token_max_days) {
        (Some(days), _) if !LIFETIMES_DAYS.contains(&days) => {
            return Err(AppError::validation(
                "expires_in_days",
                "Choose 7, 30, 90 or 365 days, or no expiry.",
            ));
        }
        (Some(days), Some(max)) if days > max => {
            return Err(AppError::validation(
                "expires_in_days",
                format!("Tokens on this instance may live at most {max} days."),
            ));
        }
        (None, Some(max)) => {
            return Err(AppError::validation(
                "expires_in_days",
                format!("Tokens on this instance must expire within {max} days."),
            ));
        }
        _ => {}
    }
    Ok(description)
}

/// Creates a token for the caller. Needs a person signed in (a token cannot create tokens);
/// the admin scope (reaching `/admin/...` with the user's instance role) only for a holder of
/// an instance role. Limited to an organization the caller belongs to (422 otherwise, the same
/// answer whether or not it exists), and there optionally to a role level (a built-in role
/// below Owner or one of its custom roles); the admin scope and a limit exclude each other.
pub async fn create_user_token(
    db: &Db,
    principal: &Principal,
    new: &NewUserToken,
    now: DateTime<Utc>,
) -> Result<CreatedToken, AppError> {
    let caller = principal.user()?;
    let person = principal.in_person()?;
    if new.admin && caller.instance.permissions.is_empty() {
        return Err(AppError::forbidden(
            "Only holders of an instance role can give a token the admin scope.",
        ));
    }
    require_api_access(db, caller).await?;
    let description = checked_lifetime(person, &new.description, new.expires_in_days)?;
    let scope = super::token_scope::checked(db, principal, new).await?;
    let secret = token_format::generate(TokenKind::User)?;
    let row = store::tokens::create_user_token(
        db,
        &store::tokens::NewUserToken {
            hash: &sha256_hex(&secret),
            prefix: &secret[..8],
            user_id: &caller.user_id,
            description,
            expires_at: new.expires_in_days.map(|d| now + Duration::days(d)),
            admin: new.admin,
            org_id: scope.as_ref().map(|(org, _)| &org.id),
            role: scope.as_ref().and_then(|(_, role)| role.as_deref()),
        },
        now,
        &super::audit_entry::entry(
            principal,
            "token.created",
            format!("token:{}", &secret[..8]),
            scope.as_ref().map(|(org, _)| &org.id),
            serde_json::json!({
                "kind": "user", "description": description,
                "expires_in_days": new.expires_in_days, "admin": new.admin,
                "organization": scope.as_ref().map(|(org, _)| &org.name),
                "role": scope.as_ref().and_then(|(_, role)| role.as_deref()),
            }),
            now,
        ),
    )
    .await?;
    Ok(CreatedToken {
        info: info(row, Some(caller.username.clone())),
        token: secret,
    })
}

/// 403 when an administrator turned the caller's API access off: they make no token of any
/// kind (user, organization or group).
pub(super) async fn require_api_access(
    db: &Db,
    caller: &super::principal::SignedInUser,
) -> Result<(), AppError> {
    let allowed = match &caller.account {
        Some(account) => account.api_access,
        None => store::users::by_id(db, &caller.user_id)
            .await?
            .is_some_and(|u| u.api_access),
    };
    if allowed {
        Ok(())
    } else {
        Err(no_api_access())
    }
}

/// The refusal of a user whose API access an administrator turned off.
pub(super) fn no_api_access() -> AppError {
    AppError::forbidden(
        "API access is turned off for this account: its tokens do not work and it cannot create new ones. Ask an administrator.",
    )
}

/// The caller's live tokens, newest first. Needs a signed-in user.
pub async fn list_user_tokens(db: &Db, principal: &Principal) -> Result<Vec<TokenInfo>, AppError> {
    let caller = principal.user()?;
    Ok(store::tokens::for_user(db, &caller.user_id)
        .await?
        .into_iter()
        .map(|row| info(row, Some(caller.username.clone())))
        .collect())
}

/// Revokes one of the caller's tokens. Needs a person signed in (a token manages no
/// tokens); anyone else's is 404.
pub async fn revoke_user_token(
    db: &Db,
    principal: &Principal,
    id: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let caller = principal.user()?;
    principal.in_person()?;
    let row = own_token(db, caller, id).await?;
    let audit = super::audit_entry::entry(
        principal,
        "token.revoked",
        format!("token:{}", row.prefix),
        None,
        serde_json::json!({ "kind": "user", "description": row.description }),
        now,
    );
    store::tokens::revoke(db, &row.id, now, &audit).await?;
    Ok(())
}

/// The unrevoked user token `id` of `caller`; 404 for any other key (anyone else's, an
/// organization or group token, a malformed one).
pub(super) async fn own_token(
    db: &Db,
    caller: &SignedInUser,
    id: &str,
) -> Result<TokenRow, AppError> {
    let id = TokenId::parse(id).ok_or_else(AppError::not_found)?;
    store::tokens::by_id(db, &id)
        .await?
        .filter(|row| {
            row.kind == "user"
                && row.user.as_ref() == Some(&caller.user_id)
                && row.revoked_at.is_none()
        })
        .ok_or_else(AppError::not_found)
}

/// The use of token `row` to record at `now`, if one is due (at most once a minute).
fn touch(row: &TokenRow, now: DateTime<Utc>) -> Option<Touch> {
    row.last_used_at
        .is_none_or(|at| now - at >= Duration::minutes(1))
        .then(|| Touch::Token {
            id: row.id.clone(),
            at: now,
        })
}

/// The Principal of a bearer token, or 401, recording the use at once (the command line and
/// tests; the server resolves with [`caller`] and records the use on the side).
pub async fn authenticate(
    db: &Db,
    token: &str,
    ip: &str,
    now: DateTime<Utc>,
) -> Result<Principal, AppError> {
    caller(db, token, ip, None, now).await?.recorded(db).await
}

/// The Principal of a bearer token, or 401, in one round trip (the token, its user and the
/// instance settings are read together, and with `org` the token's standing in that
/// organization: see [`super::principal::Standing`]), with the use to record if one is due.
pub async fn caller(
    db: &Db,
    token: &str,
    ip: &str,
    org: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Resolved, AppError> {
    let refused = || {
        AppError::new(
            crate::error::ErrorCode::Unauthenticated,
            "The token is not valid.",
        )
    };
    let Some(kind) = token_format::parse(token) else {
        return Err(refused());
    };
    let org = org.and_then(org_key);
    let store::tokens::TokenCaller {
        token: row,
        user,
        settings,
        member_standing,
        token_standing,
    } = store::tokens::with_user(db, &sha256_hex(token), org.as_deref())
        .await?
        .ok_or_else(refused)?;
    let standing = |row: StandingRow| org.clone().map(|org| Standing { org, row });
    if row.revoked_at.is_some() {
        // Audited at most once per token per minute: a script retrying a dead token must not
        // flood the log.
        store::tokens::note_revoked_use(
            db,
            &row.id,
            now - Duration::minutes(1),
            now,
            &super::audit_entry::entry_as(
                super::audit_entry::Who {
                    name: "anonymous",
                    id: "",
                    ip,
                },
                "token.revoked_used",
                format!("token:{}", row.prefix),
                row.org.as_ref(),
                serde_json::json!({ "kind": row.kind, "description": row.description }),
                now,
            ),
        )
        .await?;
        return Err(refused());
    }
    if row.expires_at.is_some_and(|at| at <= now) {
        return Err(refused());
    }
    if kind != TokenKind::User {
        let expected = if kind == TokenKind::Group {
            "group"
        } else {
            "organization"
        };
        if row.kind != expected {
            return Err(refused());
        }
        let org_id = row.org.clone().ok_or_else(refused)?;
        let touch = touch(&row, now).into_iter().collect();
        let mut caller = super::principal::OrgToken::of(row, org_id);
        caller.standing = standing(StandingRow::Token(Arc::new(token_standing)));
        return Ok(Resolved {
            principal: Principal::Token(caller),
            touch,
        });
    }
    if row.kind != "user" {
        return Err(refused());
    }
    let user = user
        .filter(|u| row.user.as_ref() == Some(&u.id) && u.active)
        .ok_or_else(refused)?;
    if !user.api_access {
        return Err(no_api_access());
    }
    // A limited token has no standing (and records no activity) in another organization.
    let member_standing =
        member_standing.filter(|s| row.org.as_ref().is_none_or(|org| *org == s.org.id));
    let touch = touch(&row, now)
        .into_iter()
        .chain(super::touch::member_activity(
            member_standing.as_ref(),
            &user.id,
            now,
        ))
        .collect();
    let account = super::user_view::user(&user);
    let principal = Principal::User(SignedInUser {
        user_id: user.id,
        username: user.username,
        instance: super::principal::InstanceStanding::of(
            user.instance_role.clone(),
            user.instance_role_permissions.clone(),
        ),
        session_hash: None,
        password_change_only: user.password_change_required,
        ip: String::new(),
        two_factor_setup_required: !user.two_factor_enabled && settings.require_two_factor,
        token: Some(super::principal::UserTokenUse {
            admin: row.admin,
            scope: row.org.clone().map(|org_id| super::principal::TokenScope {
                org_id,
                role: row.role.clone(),
            }),
            token_id: row.id,
        }),
        account: Some(Box::new(account)),
        rules: sessions::rules(&settings),
        standing: standing(StandingRow::Member(Arc::new(member_standing))),
        sso_provider: None,
    });
    Ok(Resolved { principal, touch })
}
