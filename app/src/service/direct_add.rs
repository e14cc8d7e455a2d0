//! Adding people who already have an account to an organization directly (issue 16.6), as an
//! alternative to inviting them by email, where the organization allows it and the instance
//! does not forbid it.
//!
//! Invariants:
//! - Needs `members.invite` and, for the role and groups given, what an invitation with them
//!   would need (the organization's rulebook via `placement`); confirmed in the transaction.
//! - The type-ahead is no enumeration oracle: without the instance permission `users.read` it
//!   reveals only the account whose email address was typed in full, and a username can only
//!   be added by a holder of `users.read`.
//! - All the people of one request join together or none does; each join is audited
//!   (`member.added`) and the person is told by email.

use super::audit_entry::entry;
use super::org_access::{self, OrgAccess};
use super::placement;
use super::principal::Principal;
use crate::domain::admin::Placement;
use crate::domain::email::Email;
use crate::domain::instance_permission::InstancePermission;
use crate::domain::organization::{AddMembersInput, Candidate, Member};
use crate::domain::permission::Permission;
use crate::error::{AppError, ErrorCode};
use crate::store::admin_users::UserFilter;
use crate::store::users::UserRow;
use crate::store::{self, Db};
use chrono::{DateTime, Utc};
use serde_json::json;

/// The most people one request adds.
pub const MAX_PEOPLE: usize = 50;

/// The organization, if the caller may add people to it directly: `members.invite`, and
/// direct adding allowed by the organization and the instance (403 saying which forbids it).
async fn access(db: &Db, principal: &Principal, org: &str) -> Result<OrgAccess, AppError> {
    let access = org_access::resolve(db, principal, org).await?;
    access.require(Permission::MembersInvite)?;
    if !store::settings::get(db).await?.allow_direct_adding {
        return Err(AppError::forbidden(
            "This instance does not allow adding existing accounts directly; invite people by email.",
        ));
    }
    if !access.org.allow_direct_adding {
        return Err(AppError::forbidden(
            "This organization adds people by invitation only; invite them by email, or change that in the organization's settings.",
        ));
    }
    Ok(access)
}

/// Whether an account can be added directly: active, with a verified address (an unverified
/// one may be someone else's address claimed by an impostor; invitations refuse it too).
fn addable(user: &UserRow) -> bool {
    user.active && user.email_verified
}

/// Spends one lookup of the caller's budget (429 when it is used up): every lookup asks
/// whether an account exists.
async fn lookup(db: &Db, principal: &Principal, now: DateTime<Utc>) -> Result<(), AppError> {
    let (_, actor) = principal.actor();
    let budgets = super::throttle::account_lookups(&actor, principal.ip());
    let _spent = super::throttle::attempt(db, budgets, principal.ip(), now).await?;
    Ok(())
}

/// Whether the caller may look accounts up by name (the instance permission `users.read`).
fn may_search(principal: &Principal) -> bool {
    principal.instance(InstancePermission::UsersRead).is_ok()
}

/// Accounts matching `query`: for a holder of `users.read`, up to 8 whose username, email or
/// name begins with it; for anyone else, only the active account whose email address is
/// exactly `query`.
pub async fn candidates(
    db: &Db,
    principal: &Principal,
    org: &str,
    query: &str,
    now: DateTime<Utc>,
) -> Result<Vec<Candidate>, AppError> {
    let access = access(db, principal, org).await?;
    let query = query.trim().to_lowercase();
    if query.is_empty() || query.chars().count() > 254 {
        return Ok(Vec::new());
    }
    lookup(db, principal, now).await?;
    let rows: Vec<UserRow> = if may_search(principal) {
        let filter = UserFilter {
            query: Some(query),
            active: Some(true),
            ..UserFilter::default()
        };
        store::admin_users::page(db, &filter, None, 8)
            .await?
            .into_iter()
            .map(|r| r.user)
            .filter(addable)
            .collect()
    } else if Email::parse(&query).is_ok() {
        store::users::by_login(db, &query)
            .await?
            .filter(|u| addable(u) && u.email.eq_ignore_ascii_case(&query))
            .into_iter()
            .collect()
    } else {
        Vec::new()
    };
    let ids: Vec<_> = rows.iter().map(|u| u.id.clone()).collect();
    let members = store::memberships::members_among(db, &access.org.id, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|u| Candidate {
            member: members.contains(&u.id),
            username: u.username,
            display_name: u.display_name,
            email: u.email,
        })
        .collect())
}

/// The account `who` names (an email address, or a username for a holder of `users.read`);
/// 422 on `users` when there is no such active account.
async fn account(db: &Db, principal: &Principal, who: &str) -> Result<UserRow, AppError> {
    let who = who.trim().to_lowercase();
    let by_email = who.contains('@');
    if !by_email && !may_search(principal) {
        return Err(AppError::validation(
            "users",
            format!("Add \"{who}\" by their email address."),
        ));
    }
    let found = if who.is_empty() || who.chars().count() > 254 {
        None
    } else {
        store::users::by_login(db, &who).await?
    };
    found
        .filter(|u| addable(u) && (!by_email || u.email.eq_ignore_ascii_case(&who)))
        .ok_or_else(|| {
            AppError::validation(
                "users",
                if by_email {
                    format!(
                        "No active account has the verified address {who}; invite them instead."
                    )
                } else {
                    format!("No active account with a verified address is called {who}.")
                },
            )
        })
}

/// Adds existing accounts with `role` and `groups`. Needs `members.invite` (and what the role
/// and groups need); 403 where direct adding is not allowed; 409 `already_member`; 422 for an
/// unknown account, role or group.
pub async fn add(
    db: &Db,
    principal: &Principal,
    org: &str,
    input: &AddMembersInput,
    base_url: &str,
    now: DateTime<Utc>,
) -> Result<Vec<Member>, AppError> {
    let access = access(db, principal, org).await?;
    if input.users.iter().all(|u| u.trim().is_empty()) {
        return Err(AppError::validation("users", "Choose at least one person."));
    }
    if input.users.len() > MAX_PEOPLE {
        return Err(AppError::validation(
            "users",
            format!("Add at most {MAX_PEOPLE} people at a time."),
        ));
    }
    lookup(db, principal, now).await?;
    let mut people: Vec<UserRow> = Vec::new();
    for who in input.users.iter().filter(|u| !u.trim().is_empty()) {
        let user = account(db, principal, who).await?;
        if !people.iter().any(|p| p.id == user.id) {
            people.push(user);
        }
    }
    let ids: Vec<_> = people.iter().map(|p| p.id.clone()).collect();
    if let Some(already) = store::memberships::members_among(db, &access.org.id, &ids)
        .await?
        .first()
    {
        let name = people
            .iter()
            .find(|p| &p.id == already)
            .map(|p| p.username.clone())
            .unwrap_or_default();
        return Err(AppError::conflict(
            ErrorCode::AlreadyMember,
            format!("{name} is already a member."),
        ));
    }
    let placed = placement::check(
        db,
        principal,
        &Placement {
            name: access.org.name.clone(),
            role: input.role.clone(),
            groups: input.groups.clone(),
        },
        "organizations",
    )
    .await?;
    let groups: Vec<&str> = placed.groups.iter().map(|g| g.name.as_str()).collect();
    let audits: Vec<_> = people
        .iter()
        .map(|p| {
            entry(
                principal,
                "member.added",
                format!("user:{}", p.username),
                Some(&placed.org_id),
                json!({ "role": placed.role, "groups": groups, "via": "added directly" }),
                now,
            )
        })
        .collect();
    let teams: Vec<String> = placed.groups.iter().map(|g| g.id.to_string()).collect();
    store::memberships::add_people(db, &ids, &placed.role, &teams, &placed.rights, &audits, now)
        .await?;
    let (adder, _) = principal.actor();
    let title = org_access::to_dto(&access.org).title().to_string();
    for person in &people {
        // Everyone is added already: a message that cannot be queued is logged, not an error.
        let sent = super::mail::send(
            db,
            &person.email,
            &format!("You were added to {title}"),
            &format!(
                "{adder} added you to the organization {title} on Gatehouse, as {role}.\n\n\
                 Open it: {base_url}/orgs/{org}\n\nIf you did not expect this, you can leave it from its settings page.",
                role = placed.role,
                org = access.org.name,
            ),
            "member_added",
            now,
        )
        .await;
        if let Err(error) = sent {
            tracing::warn!(%error, "could not queue the message to a member added directly");
        }
    }
    let mut members = Vec::new();
    for person in &people {
        if let Some(row) = store::memberships::get(db, &access.org.id, &person.username).await? {
            members.push(super::members::to_dto(row));
        }
    }
    Ok(members)
}
