//! Organization tokens and group tokens: create (shown once), list, revoke.
//!
//! Invariants:
//! - Only `tokens.manage` holders see or touch them.
//! - A token is a grant: an organization token's role, and a group token's group role, pass
//!   the rulebook (`service::rulebook`) like giving them to a person — nothing the creator
//!   does not hold, Owner-role groups only by owners — and the writing transaction confirms
//!   what the check saw. Owner is never an organization token's role. Tokens cannot create
//!   tokens.
//! - An organization token acts with its role and a group token with its group's current role;
//!   deleting the group or the organization deletes its tokens (see the store).

use super::audit_entry::entry;
use super::org_access::{self, OrgAccess};
use super::principal::Principal;
use super::rulebook::{self, Rights};
use super::secret::sha256_hex;
use super::token_format::{self, TokenKind};
use super::tokens::{checked_lifetime, info};
use crate::domain::ids::{GroupId, TokenId};
use crate::domain::permission::Permission;
use crate::domain::token::{CreatedToken, TokenInfo};
use crate::domain::token::{NewGroupToken, NewOrganizationToken};
use crate::error::AppError;
use crate::store::tokens::{NewOrgToken, TokenRow};
use crate::store::{self, Db};
use chrono::{DateTime, Duration, Utc};
use serde_json::json;

fn to_info(row: TokenRow) -> TokenInfo {
    let creator = row.creator.clone();
    info(row, creator)
}

async fn managing(db: &Db, principal: &Principal, org: &str) -> Result<OrgAccess, AppError> {
    let access = org_access::resolve(db, principal, org).await?;
    access.require(Permission::TokensManage)?;
    Ok(access)
}

/// The organization's live organization tokens, newest first. Needs `tokens.manage`.
pub async fn list(db: &Db, principal: &Principal, org: &str) -> Result<Vec<TokenInfo>, AppError> {
    let access = managing(db, principal, org).await?;
    Ok(store::tokens::for_org(db, &access.org.id, None)
        .await?
        .into_iter()
        .map(to_info)
        .collect())
}

/// Creates an organization token acting with `role`. Needs `tokens.manage` and every
/// permission of the role.
pub async fn create(
    db: &Db,
    principal: &Principal,
    org: &str,
    input: &NewOrganizationToken,
    now: DateTime<Utc>,
) -> Result<CreatedToken, AppError> {
    let access = managing(db, principal, org).await?;
    access.person()?;
    let person = principal.in_person()?;
    super::tokens::require_api_access(db, person).await?;
    let description = checked_lifetime(person, &input.description, input.expires_in_days)?;
    let role = rulebook::known_role(&access, &input.role, "role")?;
    let mut rights = Rights::of(&access);
    rights.give_token(&role)?;
    let secret = token_format::generate(TokenKind::Organization)?;
    let row = store::tokens::create_org_token(
        db,
        &NewOrgToken {
            hash: &sha256_hex(&secret),
            prefix: &secret[..8],
            org_id: &access.org.id,
            group_id: None,
            role: Some(&role),
            description,
            created_by: access.member_id(),
            expires_at: input.expires_in_days.map(|d| now + Duration::days(d)),
        },
        &rights.seen(),
        now,
        &entry(
            principal,
            "token.created",
            format!("token:{}", &secret[..8]),
            Some(&access.org.id),
            json!({ "kind": "organization", "role": role, "description": description, "expires_in_days": input.expires_in_days }),
            now,
        ),
    )
    .await
    ?;
    Ok(CreatedToken {
        info: to_info(row),
        token: secret,
    })
}

/// Revokes one of the organization's tokens (organization or group). Needs `tokens.manage`.
async fn revoke_in(
    db: &Db,
    principal: &Principal,
    access: &OrgAccess,
    group_id: Option<&GroupId>,
    id: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let id = TokenId::parse(id).ok_or_else(AppError::not_found)?;
    match store::tokens::by_id(db, &id).await? {
        Some(row)
            if row.kind != "user"
                && row.org.as_ref() == Some(&access.org.id)
                && row.group.as_ref() == group_id
                && row.revoked_at.is_none() =>
        {
            let audit = entry(
                principal,
                "token.revoked",
                format!("token:{}", row.prefix),
                Some(&access.org.id),
                json!({ "kind": row.kind, "description": row.description }),
                now,
            );
            store::tokens::revoke(db, &id, now, &audit).await?;
            Ok(())
        }
        _ => Err(AppError::not_found()),
    }
}

/// Revokes an organization token, or a group token of the organization (the organization's
/// token list shows both; only owners touch an Owner-role group's). Needs `tokens.manage`.
pub async fn revoke(
    db: &Db,
    principal: &Principal,
    org: &str,
    id: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let access = managing(db, principal, org).await?;
    let group_id = match TokenId::parse(id) {
        Some(key) => store::tokens::by_id(db, &key)
            .await?
            .filter(|row| row.kind == "group" && row.org.as_ref() == Some(&access.org.id))
            .and_then(|row| row.group),
        None => None,
    };
    let group = match group_id {
        Some(group_id) => store::groups::list(db, &access.org.id)
            .await?
            .into_iter()
            .find(|g| g.id == group_id),
        None => None,
    };
    if let Some(group) = &group {
        Rights::of(&access).touch_group(group)?;
    }
    revoke_in(
        db,
        principal,
        &access,
        group.as_ref().map(|g| &g.id),
        id,
        now,
    )
    .await
}

async fn find_group(
    db: &Db,
    access: &OrgAccess,
    group: &str,
) -> Result<store::groups::GroupRow, AppError> {
    store::groups::get(db, &access.org.id, &group.trim().to_lowercase())
        .await?
        .ok_or_else(AppError::not_found)
}

/// A group's live tokens, newest first. Needs `tokens.manage`; an Owner-role group's, an
/// owner.
pub async fn list_group(
    db: &Db,
    principal: &Principal,
    org: &str,
    group: &str,
) -> Result<Vec<TokenInfo>, AppError> {
    let access = managing(db, principal, org).await?;
    let group = find_group(db, &access, group).await?;
    Rights::of(&access).touch_group(&group)?;
    Ok(store::tokens::for_org(db, &access.org.id, Some(&group.id))
        .await?
        .into_iter()
        .map(to_info)
        .collect())
}

/// Creates a token acting with the group's role (whatever it is when the token is used).
/// Needs `tokens.manage` and every permission of the group's current role.
pub async fn create_group(
    db: &Db,
    principal: &Principal,
    org: &str,
    group: &str,
    input: &NewGroupToken,
    now: DateTime<Utc>,
) -> Result<CreatedToken, AppError> {
    let access = managing(db, principal, org).await?;
    access.person()?;
    let person = principal.in_person()?;
    super::tokens::require_api_access(db, person).await?;
    let group = find_group(db, &access, group).await?;
    let description = checked_lifetime(person, &input.description, input.expires_in_days)?;
    let mut rights = Rights::of(&access);
    rights.join_group(&group)?;
    rulebook::group_projects(db, &access, &group).await?;
    let secret = token_format::generate(TokenKind::Group)?;
    let row = store::tokens::create_org_token(
        db,
        &NewOrgToken {
            hash: &sha256_hex(&secret),
            prefix: &secret[..8],
            org_id: &access.org.id,
            group_id: Some(&group.id),
            role: None,
            description,
            created_by: access.member_id(),
            expires_at: input.expires_in_days.map(|d| now + Duration::days(d)),
        },
        &rights.seen(),
        now,
        &entry(
            principal,
            "token.created",
            format!("token:{}", &secret[..8]),
            Some(&access.org.id),
            json!({ "kind": "group", "group": group.name, "description": description, "expires_in_days": input.expires_in_days }),
            now,
        ),
    )
    .await
    ?;
    Ok(CreatedToken {
        info: to_info(row),
        token: secret,
    })
}

/// Revokes one of a group's tokens. Needs `tokens.manage` (revoking takes access away from a
/// machine, never from a person: it needs no more); only owners touch an Owner-role group's
/// tokens.
pub async fn revoke_group(
    db: &Db,
    principal: &Principal,
    org: &str,
    group: &str,
    id: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let access = managing(db, principal, org).await?;
    let group = find_group(db, &access, group).await?;
    Rights::of(&access).touch_group(&group)?;
    revoke_in(db, principal, &access, Some(&group.id), id, now).await
}
