//! Token hygiene (PRODUCT §9.2): which live tokens deserve a look (expiring within a week,
//! never used, an organization or group token whose creator left), one-step rotation with a
//! grace period, and the notice to a token's creator a week before it expires.
//!
//! Invariants:
//! - An organization's list needs `tokens.manage` there and shows its organization and group
//!   tokens (an Owner-role group's only to owners, as its own list does); the instance's list
//!   needs `users.manage_credentials`.
//! - Rotating is done by the token's user, in person, with API access: the successor keeps
//!   the description, limit, admin scope and expiry; the old token stops at once or when the
//!   chosen grace period (1 hour or 1 day) ends, and is rotated only once.
//! - Each token's creator is told once that it expires within a week (through the outbox).

use super::audit_entry::entry;
use super::principal::Principal;
use super::secret::sha256_hex;
use super::token_format::{self, TokenKind};
use crate::domain::instance_permission::InstancePermission;
use crate::domain::organization::{Page, page_limit};
use crate::domain::permission::Permission;
use crate::domain::token::{CreatedToken, GRACE_MINUTES, TokenFlag, TokenInfo};
use crate::error::AppError;
use crate::store::token_hygiene::{ListedToken, Rotation};
use crate::store::{self, Db};
use chrono::{DateTime, Duration, Utc};
use serde_json::json;

/// `?flag=`: none, or one of [`TokenFlag`] (422 otherwise).
fn flag(raw: Option<&str>) -> Result<Option<TokenFlag>, AppError> {
    match raw.map(str::trim).filter(|f| !f.is_empty()) {
        None => Ok(None),
        Some(key) => TokenFlag::parse(key).map(Some).ok_or_else(|| {
            AppError::validation("flag", "Choose expiring, never_used or orphaned.")
        }),
    }
}

fn soon(now: DateTime<Utc>) -> DateTime<Utc> {
    now + Duration::days(TokenFlag::EXPIRING_DAYS)
}

/// A listed token as the API shows it, with its flags at `now`.
fn listed(row: ListedToken, now: DateTime<Utc>) -> TokenInfo {
    let mut flags = Vec::new();
    if row
        .token
        .expires_at
        .is_some_and(|at| at > now && at <= soon(now))
    {
        flags.push(TokenFlag::Expiring.key().to_string());
    }
    if row.token.last_used_at.is_none() {
        flags.push(TokenFlag::NeverUsed.key().to_string());
    }
    if row.orphaned == Some(true) {
        flags.push(TokenFlag::Orphaned.key().to_string());
    }
    let creator = row.token.creator.clone();
    let mut info = super::tokens::info(row.token, creator);
    info.organization = row.org_name;
    info.group = row.group_name;
    info.flags = flags;
    info
}

/// The organization's live organization and group tokens with their flags, newest first,
/// only those with `flag` when given. Needs `tokens.manage`.
pub async fn of_org(
    db: &Db,
    principal: &Principal,
    org: &str,
    flag_key: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Vec<TokenInfo>, AppError> {
    let access = super::org_access::resolve(db, principal, org).await?;
    access.require(Permission::TokensManage)?;
    let flag = flag(flag_key)?;
    let owner = access.is_owner();
    Ok(
        store::token_hygiene::of_org(db, &access.org.id, flag, now, soon(now))
            .await?
            .into_iter()
            .filter(|row| owner || row.group_role.as_deref() != Some("owner"))
            .map(|row| listed(row, now))
            .collect(),
    )
}

/// One page of every live token of the instance with its flags, by key. Needs
/// `users.manage_credentials`.
pub async fn of_instance(
    db: &Db,
    principal: &Principal,
    flag_key: Option<&str>,
    cursor: Option<&str>,
    limit: Option<usize>,
    now: DateTime<Utc>,
) -> Result<Page<TokenInfo>, AppError> {
    principal.instance(InstancePermission::UsersManageCredentials)?;
    let flag = flag(flag_key)?;
    let cursor = cursor.filter(|c| !c.is_empty());
    if cursor.is_some_and(|c| crate::domain::ids::TokenId::parse(c).is_none()) {
        return Err(AppError::validation("cursor", "This cursor is not valid."));
    }
    let limit = page_limit(limit);
    let mut rows = store::token_hygiene::all(
        db,
        flag,
        cursor,
        i64::try_from(limit + 1).unwrap_or(i64::MAX),
        now,
        soon(now),
    )
    .await?;
    let next_cursor = if rows.len() > limit {
        rows.truncate(limit);
        rows.last().map(|r| r.token.id.to_string())
    } else {
        None
    };
    Ok(Page {
        items: rows.into_iter().map(|row| listed(row, now)).collect(),
        next_cursor,
    })
}

/// Rotates one of the caller's user tokens: a new secret with the same description, limit,
/// admin scope and expiry (within the instance's maximum lifetime and the user's instance
/// role today); the old one stops at once (`grace_minutes` 0 or none) or after 60
/// or 1440 minutes. Needs the person in a session with API access; anyone else's token is
/// 404; a token already rotated is 409.
pub async fn rotate_user_token(
    db: &Db,
    principal: &Principal,
    id: &str,
    grace_minutes: Option<i64>,
    now: DateTime<Utc>,
) -> Result<CreatedToken, AppError> {
    let caller = principal.in_person()?;
    principal.user()?;
    let grace = grace_minutes.unwrap_or(0);
    if !GRACE_MINUTES.contains(&grace) {
        return Err(AppError::validation(
            "grace_minutes",
            "Choose no grace period (0), 1 hour (60) or 1 day (1440).",
        ));
    }
    super::tokens::require_api_access(db, caller).await?;
    let row = super::tokens::own_token(db, caller, id).await?;
    if row.expires_at.is_some_and(|at| at <= now) {
        return Err(AppError::not_found());
    }
    if row.rotated_at.is_some() {
        return Err(crate::store::Guard::AlreadyRotated.into());
    }
    // The successor keeps the expiry within the instance's maximum today, and the admin scope
    // only while its user holds an instance role.
    let max = caller.rules.token_max_days.map(|d| now + Duration::days(d));
    let expires_at = match (row.expires_at, max) {
        (Some(at), Some(max)) => Some(at.min(max)),
        (at, None) => at,
        (None, max) => max,
    };
    let admin = row.admin && !caller.instance.permissions.is_empty();
    let secret = token_format::generate(TokenKind::User)?;
    let grace_until = now + Duration::minutes(grace);
    let audit = entry(
        principal,
        "token.rotated",
        format!("token:{}", row.prefix),
        row.org.as_ref(),
        json!({
            "kind": "user", "description": row.description, "successor": &secret[..8],
            "grace_minutes": grace,
        }),
        now,
    );
    let successor = store::token_hygiene::rotate(
        db,
        &Rotation {
            id: &row.id,
            hash: &sha256_hex(&secret),
            prefix: &secret[..8],
            expires_at,
            admin,
            grace_until,
        },
        now,
        &audit,
    )
    .await?;
    Ok(CreatedToken {
        info: super::tokens::info(successor, Some(caller.username.clone())),
        token: secret,
    })
}

/// How many expiry notices one round writes at most.
const NOTICES_PER_ROUND: i64 = 100;

/// Tells the creator of each live token expiring within a week, once, through the outbox,
/// soonest first; returns how many were told. A creator whose address is not verified, who is
/// deactivated or gone, or who left the token's organization is not told (the token is marked
/// all the same).
pub async fn notify_expiring(
    db: &Db,
    base_url: &str,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let due = store::token_hygiene::expiry_due(db, now, soon(now), NOTICES_PER_ROUND).await?;
    let mut told = 0;
    for row in due {
        let expires = row
            .token
            .expires_at
            .map(|at| at.format("%Y-%m-%d %H:%M UTC").to_string())
            .unwrap_or_default();
        let (whose, page) = match (row.token.kind.as_str(), &row.org_name, &row.group_name) {
            ("group", Some(org), Some(group)) => (
                format!("the group token of {group} in {org}"),
                format!("{base_url}/orgs/{org}/tokens"),
            ),
            ("organization", Some(org), _) => (
                format!("the organization token of {org}"),
                format!("{base_url}/orgs/{org}/tokens"),
            ),
            _ => (
                "your API token".to_string(),
                format!("{base_url}/settings/tokens"),
            ),
        };
        let body = format!(
            "{whose} \"{description}\" ({prefix}…) expires on {expires}.\n\n\
             If it is still in use, create a new one before then and move what uses it to the \
             new secret: {page}\n\n\
             If nothing uses it any more, you can let it expire or revoke it.",
            description = row.token.description,
            prefix = row.token.prefix,
        );
        let message = row.email.as_deref().map(|to| store::outbox::NewMessage {
            recipient: to,
            subject: "An API token expires within a week",
            body: &body,
            kind: super::mail::kind::TOKEN_EXPIRING,
        });
        match store::token_hygiene::notify_expiry(db, &row.token.id, message.as_ref(), now).await {
            Ok(true) if message.is_some() => told += 1,
            Ok(_) => {}
            // One token's failure does not hold up the others; it is tried next round.
            Err(error) => {
                let error = AppError::from(error);
                tracing::warn!(error = %error.message, "could not write an expiry notice");
            }
        }
    }
    Ok(told)
}
