//! Invitations: invite by email, list, resend, revoke; and, for whoever holds the link, view,
//! accept, decline, or sign up through it.
//!
//! Invariants:
//! - A link carries 256 random bits; only their SHA-256 is stored; it works once, for 7 days.
//! - Accepting needs an account whose email is the invited one; signing up through the link
//!   creates that account with the address verified, whatever the sign-up mode.
//! - Every failure of a link (unknown, used, revoked, expired) gives one and the same answer.
//! - An invitation gives its role and its preset groups' roles: the inviter must be able to
//!   give each (the rulebook) when it is created and when it is resent, and must still be
//!   able to when it is accepted — as they stand then, with the groups' roles of then.
//! - Accepting needs a verified address; an account whose address changed and is not yet
//!   verified does not inherit invitations sent to it.

use super::accounts::{self, AccountSpec};
use super::audit_entry::{entry, entry_as};
use super::mail;
use super::org_access;
use super::placement::{grants, pick_groups};
use super::principal::Principal;
use super::rulebook;
use super::secret::{random_secret, sha256_hex};
use crate::domain::email::Email;
use crate::domain::ids::GroupId;
use crate::domain::invitation::{Invitation, LIFETIME_DAYS, PendingInvitation, PublicInvitation};
use crate::domain::invitation::{InvitationSignup, NewInvitationInput};
use crate::domain::permission::Permission;
use crate::domain::user::User;
use crate::error::{AppError, ErrorCode};
use crate::store::Guard;
use crate::store::groups::GroupRow;
use crate::store::invitations::{InvitationKey, InvitationRow, NewInvitation};
use crate::store::rights::RightsSeen;
use crate::store::users::UserRow;
use crate::store::{self, Db};
use chrono::{DateTime, Duration, Utc};
use serde_json::json;

pub const KIND: &str = "invitation";

fn invalid_link() -> AppError {
    Guard::InvitationInvalid.into()
}

fn to_dto(row: InvitationRow, accept_url: Option<String>) -> Invitation {
    Invitation {
        id: row.id,
        email: row.email,
        role: row.role,
        groups: row.groups,
        invited_by: row.invited_by,
        created_at: super::rfc3339(row.created_at),
        expires_at: super::rfc3339(row.expires_at),
        accept_url,
    }
}

fn accept_url(base_url: &str, token: &str) -> String {
    format!("{base_url}/invitations/{token}")
}

async fn send_email(
    db: &Db,
    row: &InvitationRow,
    url: &str,
    inviter: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let org = if row.org_display_name.is_empty() {
        row.org_name.clone()
    } else {
        format!("{} ({})", row.org_display_name, row.org_name)
    };
    let body = format!(
        "{inviter} invited you to join {org} on Gatehouse as {role}.\n\n\
         Accept or decline here (the link works once, for {LIFETIME_DAYS} days):\n\n{url}\n\n\
         If you do not know {inviter}, you can ignore this message.",
        role = row.role,
    );
    mail::send(
        db,
        &row.email,
        &format!("Invitation to join {org}"),
        &body,
        KIND,
        now,
    )
    .await
}

/// The preset groups of `row` as they are now (deleted ones are gone).
async fn preset_groups(db: &Db, row: &InvitationRow) -> Result<Vec<GroupRow>, AppError> {
    Ok(store::groups::list(db, &row.org_id)
        .await?
        .into_iter()
        .filter(|t| row.group_ids.contains(&t.id))
        .collect())
}

/// Invites `email` with a role and groups; emails the link and returns it to the inviter.
/// Needs `members.invite`; 409 `already_member` for a member, 409 `conflict` for an address
/// with a pending invitation.
pub async fn invite(
    db: &Db,
    principal: &Principal,
    org: &str,
    input: &NewInvitationInput,
    base_url: &str,
    now: DateTime<Utc>,
) -> Result<Invitation, AppError> {
    let access = org_access::resolve(db, principal, org).await?;
    access.require(Permission::MembersInvite)?;
    let email = Email::parse(&input.email)?.key();
    let role = rulebook::known_role(&access, &input.role, "role")?;
    let all = store::groups::list(db, &access.org.id).await?;
    let groups = pick_groups(&all, input.groups.iter().flatten().map(String::as_str))?;
    let rights = grants(db, &access, &role, &groups).await?;
    let group_ids: Vec<GroupId> = groups.iter().map(|t| t.id.clone()).collect();
    let id = sha256_hex(&format!("{}:{email}", access.org.id))[..32].to_string();
    let token = random_secret()?;
    // A token's invitation stands only as long as the token does (a user token limited to
    // this organization included: it is re-checked within its level when accepted).
    let limited = match principal {
        Principal::User(user) => user
            .token
            .as_ref()
            .filter(|t| t.scope.is_some())
            .map(|t| &t.token_id),
        _ => None,
    };
    let inviter_token = match &access.actor {
        org_access::Actor::Token { token_id, .. } => Some(token_id),
        org_access::Actor::Member { .. } => limited,
    };
    store::invitations::create(
        db,
        &NewInvitation {
            id: &id,
            org_id: &access.org.id,
            email: &email,
            role: &role,
            group_ids: &group_ids,
            invited_by: access.member_id(),
            inviter_token,
            token_hash: &sha256_hex(&token),
            expires_at: now + Duration::days(LIFETIME_DAYS),
        },
        &rights,
        now,
        &entry(
            principal,
            "invitation.created",
            format!("invitation:{email}"),
            Some(&access.org.id),
            json!({ "role": role, "groups": groups.iter().map(|t| &t.name).collect::<Vec<_>>() }),
            now,
        ),
    )
    .await?;
    let row = store::invitations::get(db, &access.org.id, &id)
        .await?
        .ok_or_else(|| AppError::internal("the invitation vanished after it was created"))?;
    let url = accept_url(base_url, &token);
    send_email(db, &row, &url, &access.actor_name(), now).await?;
    Ok(to_dto(row, Some(url)))
}

/// Pending invitations, newest first. Needs `members.invite`.
pub async fn list(
    db: &Db,
    principal: &Principal,
    org: &str,
    now: DateTime<Utc>,
) -> Result<Vec<Invitation>, AppError> {
    let access = org_access::resolve(db, principal, org).await?;
    access.require(Permission::MembersInvite)?;
    Ok(store::invitations::pending(db, &access.org.id, now)
        .await?
        .into_iter()
        .map(|row| to_dto(row, None))
        .collect())
}

/// A new link for a pending invitation (the old one stops working), emailed again. Needs
/// `members.invite` and the rights to give the invitation's role and groups, as creating it.
pub async fn resend(
    db: &Db,
    principal: &Principal,
    org: &str,
    id: &str,
    base_url: &str,
    now: DateTime<Utc>,
) -> Result<Invitation, AppError> {
    let access = org_access::resolve(db, principal, org).await?;
    access.require(Permission::MembersInvite)?;
    let row = store::invitations::get(db, &access.org.id, id)
        .await?
        .ok_or_else(AppError::not_found)?;
    let rights = grants(db, &access, &row.role, &preset_groups(db, &row).await?).await?;
    let token = random_secret()?;
    store::invitations::renew(
        db,
        &row,
        &sha256_hex(&token),
        now + Duration::days(LIFETIME_DAYS),
        &rights,
        now,
        &entry(
            principal,
            "invitation.resent",
            format!("invitation:{}", row.email),
            Some(&access.org.id),
            json!({}),
            now,
        ),
    )
    .await?;
    let row = store::invitations::get(db, &access.org.id, id)
        .await?
        .ok_or_else(AppError::not_found)?;
    let url = accept_url(base_url, &token);
    send_email(db, &row, &url, &access.actor_name(), now).await?;
    Ok(to_dto(row, Some(url)))
}

/// Revokes a pending invitation. Needs `members.invite`.
pub async fn revoke(
    db: &Db,
    principal: &Principal,
    org: &str,
    id: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let access = org_access::resolve(db, principal, org).await?;
    access.require(Permission::MembersInvite)?;
    let row = store::invitations::get(db, &access.org.id, id)
        .await?
        .ok_or_else(AppError::not_found)?;
    let audit = entry(
        principal,
        "invitation.revoked",
        format!("invitation:{}", row.email),
        Some(&access.org.id),
        json!({ "role": row.role }),
        now,
    );
    store::invitations::delete(db, &row.id, &audit).await?;
    Ok(())
}

fn token_hash(token: &str) -> Result<String, AppError> {
    let token = token.trim();
    if token.is_empty() || token.len() > 100 {
        return Err(invalid_link());
    }
    Ok(sha256_hex(token))
}

/// What the link shows. No permission: the link is the credential.
pub async fn view(db: &Db, token: &str, now: DateTime<Utc>) -> Result<PublicInvitation, AppError> {
    let row = by_link(db, token, now).await?;
    Ok(PublicInvitation {
        organization: row.org_name,
        organization_display_name: row.org_display_name,
        invited_by: row.invited_by,
        email: row.email,
        role: row.role,
        expires_at: super::rfc3339(row.expires_at),
    })
}

/// The live invitation behind a link token.
async fn by_link(db: &Db, token: &str, now: DateTime<Utc>) -> Result<InvitationRow, AppError> {
    store::invitations::by_token(db, &token_hash(token)?, now)
        .await?
        .ok_or_else(invalid_link)
}

/// Whether whoever sent `row` may still give what it gives (its role, its preset groups'
/// current roles), as they stand now: 409 otherwise, and when they are gone.
async fn still_grantable(
    db: &Db,
    row: &InvitationRow,
    now: DateTime<Utc>,
) -> Result<RightsSeen, AppError> {
    let stale = || {
        AppError::conflict(
            ErrorCode::Conflict,
            "This invitation gives more than whoever sent it may grant today (their rights or a group's role changed). Ask for a new invitation.",
        )
    };
    let inviter = org_access::inviter(
        db,
        &row.org_name,
        row.inviter_id.as_ref(),
        row.inviter_token.as_ref(),
        now,
    )
    .await?
    .ok_or_else(stale)?;
    grants(db, &inviter, &row.role, &preset_groups(db, row).await?)
        .await
        .map_err(|err| {
            if err.code == ErrorCode::Forbidden {
                stale()
            } else {
                err
            }
        })
}

/// Accepts for the signed-in caller, whose email must be the invited one (403 otherwise) and
/// verified (403 otherwise); the inviter must still be able to give what the invitation gives
/// (409 otherwise). Returns the organization's name.
pub async fn accept(
    db: &Db,
    principal: &Principal,
    token: &str,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let caller = principal.user()?;
    let hash = token_hash(token)?;
    let user = store::users::by_id(db, &caller.user_id)
        .await?
        .ok_or_else(AppError::unauthenticated)?;
    let row = by_link(db, token, now).await?;
    accept_row(
        db,
        principal,
        &user,
        &row,
        InvitationKey::TokenHash(&hash),
        now,
    )
    .await
}

/// The live invitations addressed to the caller's email, once it is verified (none before:
/// an address nobody proved is not the caller's to see invitations for). Needs a signed-in
/// user.
pub async fn mine(
    db: &Db,
    principal: &Principal,
    now: DateTime<Utc>,
) -> Result<Vec<PendingInvitation>, AppError> {
    let Some(user) = verified_caller(db, principal).await? else {
        return Ok(Vec::new());
    };
    Ok(
        store::invitations::for_email(db, &user.email.to_lowercase(), now)
            .await?
            .into_iter()
            .map(|row| PendingInvitation {
                id: row.id,
                organization: row.org_name,
                organization_display_name: row.org_display_name,
                invited_by: row.invited_by,
                role: row.role,
                groups: row.groups,
                expires_at: super::rfc3339(row.expires_at),
            })
            .collect(),
    )
}

/// The caller's account when its email is verified.
async fn verified_caller(db: &Db, principal: &Principal) -> Result<Option<UserRow>, AppError> {
    let caller = principal.user()?;
    let user = store::users::by_id(db, &caller.user_id)
        .await?
        .ok_or_else(AppError::unauthenticated)?;
    Ok(user.email_verified.then_some(user))
}

/// The caller's own live invitation `id` (404 for any other: someone else's, gone, expired,
/// or while the caller's email is not verified).
async fn own_invitation(
    db: &Db,
    principal: &Principal,
    id: &str,
    now: DateTime<Utc>,
) -> Result<(UserRow, InvitationRow), AppError> {
    let user = verified_caller(db, principal)
        .await?
        .ok_or_else(invalid_link)?;
    let row = store::invitations::for_email(db, &user.email.to_lowercase(), now)
        .await?
        .into_iter()
        .find(|row| row.id == id)
        .ok_or_else(invalid_link)?;
    Ok((user, row))
}

/// Accepts one of the caller's own invitations in place (without the link): as [`accept`].
pub async fn accept_mine(
    db: &Db,
    principal: &Principal,
    id: &str,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let (user, row) = own_invitation(db, principal, id, now).await?;
    let key = InvitationKey::Id {
        id: &row.id,
        created_at: row.created_at,
    };
    accept_row(db, principal, &user, &row, key, now).await
}

/// Declines one of the caller's own invitations in place: it stops working.
pub async fn decline_mine(
    db: &Db,
    principal: &Principal,
    id: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let (user, row) = own_invitation(db, principal, id, now).await?;
    let audit = entry(
        principal,
        "invitation.declined",
        format!("user:{}", user.username),
        Some(&row.org_id),
        json!({ "email": row.email }),
        now,
    );
    store::invitations::delete(db, &row.id, &audit).await?;
    Ok(())
}

/// Accepts `row` (named by `key`) for `user`, the signed-in caller.
async fn accept_row(
    db: &Db,
    principal: &Principal,
    user: &UserRow,
    row: &InvitationRow,
    key: InvitationKey<'_>,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    if row.email != user.email.to_lowercase() {
        return Err(Guard::EmailMismatch.into());
    }
    if !user.email_verified {
        return Err(Guard::Unverified.into());
    }
    let rights = still_grantable(db, row, now).await?;
    let audit = entry(
        principal,
        "invitation.accepted",
        format!("user:{}", user.username),
        None,
        json!({ "email": user.email.to_lowercase() }),
        now,
    );
    store::invitations::accept(
        db,
        key,
        &user.id,
        &user.email.to_lowercase(),
        &rights,
        now,
        &audit,
    )
    .await
    .map_err(AppError::from)
}

/// Declines: the link stops working. No permission.
pub async fn decline(db: &Db, token: &str, ip: &str, now: DateTime<Utc>) -> Result<(), AppError> {
    let audit = entry_as(
        super::audit_entry::Who {
            name: "anonymous",
            id: "",
            ip,
        },
        "invitation.declined",
        "invitation",
        None,
        json!({}),
        now,
    );
    if store::invitations::decline(db, &token_hash(token)?, &audit).await? {
        Ok(())
    } else {
        Err(invalid_link())
    }
}

/// Creates an account for the invited address (verified) and accepts the invitation with it,
/// while sign-up is `open` or `invite_only` (with `closed`, only site admins create accounts).
/// No permission: the link is the credential.
pub async fn sign_up(
    db: &Db,
    token: &str,
    input: &InvitationSignup,
    ip: &str,
    now: DateTime<Utc>,
) -> Result<User, AppError> {
    let invitation = by_link(db, token, now).await?;
    let settings = store::settings::get(db).await?;
    if settings.sso_only {
        return Err(AppError::forbidden(
            "Accounts here sign in through the identity provider: sign in with it (from the sign-in page), then open the invitation again.",
        ));
    }
    if settings.signup_mode == "closed" {
        return Err(AppError::forbidden(
            "New accounts are created by the site administrators here. Ask one for an account, then accept the invitation.",
        ));
    }
    let rights = still_grantable(db, &invitation, now).await?;
    let row = accounts::create_account(
        db,
        &AccountSpec {
            via: "invitation",
            ip,
            username: &input.username,
            email: &invitation.email,
            password: &input.password,
            email_verified: true,
            site_admin: false,
            password_change_required: false,
        },
        now,
    )
    .await?;
    let audit = entry_as(
        super::audit_entry::Who {
            name: &row.username,
            id: row.id.as_str(),
            ip,
        },
        "invitation.accepted",
        format!("user:{}", row.username),
        None,
        json!({ "email": invitation.email, "signed_up": true }),
        now,
    );
    store::invitations::accept(
        db,
        InvitationKey::TokenHash(&token_hash(token)?),
        &row.id,
        &invitation.email,
        &rights,
        now,
        &audit,
    )
    .await?;
    Ok(super::user_view::user(&row))
}
