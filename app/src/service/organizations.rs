//! Organizations: create, read, change, delete, and the caller's list.
//!
//! Invariants:
//! - The creator is the first owner, in the same transaction as the organization.
//! - Turning on the two-factor policy needs two-factor on the caller's own account, so the
//!   owner who switches it on is never the first one locked out.

use super::audit_entry::entry;
use super::org_access::{self, OrgAccess};
use super::principal::Principal;
use crate::domain::organization::{MyOrganization, OrgMenu, Organization};
use crate::domain::organization::{NewOrganization, OrganizationUpdate};
use crate::domain::permission::Permission;
use crate::domain::role::BuiltinRole;
use crate::domain::slug::Slug;
use crate::error::AppError;
use crate::store::organizations::OrgChange;
use crate::store::{self, Db};
use chrono::{DateTime, Utc};
use serde_json::json;

fn display_name(input: Option<&str>) -> Result<Option<&str>, AppError> {
    let name = input.map(str::trim);
    if name.is_some_and(|n| n.chars().count() > 100) {
        return Err(AppError::validation(
            "display_name",
            "Use at most 100 characters.",
        ));
    }
    Ok(name)
}

/// Creates an organization; the caller becomes its owner. Needs a signed-in user.
pub async fn create(
    db: &Db,
    principal: &Principal,
    input: &NewOrganization,
    now: DateTime<Utc>,
) -> Result<Organization, AppError> {
    let caller = principal.user()?;
    let name = Slug::parse(&input.name, "name")?;
    let display = display_name(input.display_name.as_deref())?.unwrap_or("");
    let audit = entry(
        principal,
        "org.created",
        format!("org:{}", name.as_str()),
        None,
        json!({ "display_name": display }),
        now,
    );
    let row =
        store::organizations::create(db, name.as_str(), display, &caller.user_id, now, &audit)
            .await?;
    Ok(org_access::to_dto(&row))
}

/// The organization. Needs `org.read`.
pub async fn get(db: &Db, principal: &Principal, org: &str) -> Result<OrgAccess, AppError> {
    let access = org_access::resolve(db, principal, org).await?;
    access.require(Permission::OrgRead)?;
    Ok(access)
}

/// Renames the organization or changes its settings. Needs `org.update`.
pub async fn update(
    db: &Db,
    principal: &Principal,
    org: &str,
    change: &OrganizationUpdate,
    now: DateTime<Utc>,
) -> Result<Organization, AppError> {
    let access = org_access::resolve(db, principal, org).await?;
    access.require(Permission::OrgUpdate)?;
    let name = change
        .name
        .as_deref()
        .map(|n| Slug::parse(n, "name"))
        .transpose()?;
    if change.require_two_factor == Some(true) && !access.org.require_two_factor {
        let me = store::users::by_id(db, access.person()?.0)
            .await?
            .ok_or_else(AppError::unauthenticated)?;
        if !me.two_factor_enabled {
            return Err(AppError::validation(
                "require_two_factor",
                "Turn on two-factor authentication for your own account first.",
            ));
        }
    }
    let required_provider = change
        .require_sso_provider
        .as_ref()
        .map(|p| p.as_deref().map(str::trim).filter(|p| !p.is_empty()));
    if let Some(Some(provider)) = required_provider {
        // Whoever sets it must be in a session signed in through it: nobody locks the
        // organization's managers out by mistake.
        let via = match principal {
            super::principal::Principal::User(user) if user.token.is_none() => {
                user.sso_provider.as_deref()
            }
            _ => None,
        };
        if super::sso_providers::parse_id(provider).is_none() || via != Some(provider) {
            return Err(AppError::validation(
                "require_sso_provider",
                "Sign in through that provider yourself first (in this session), then require it.",
            ));
        }
    }
    let row = store::organizations::update(
        db,
        &access.org.id,
        &OrgChange {
            name: name.as_ref().map(Slug::as_str),
            display_name: display_name(change.display_name.as_deref())?,
            require_two_factor: change.require_two_factor,
            allow_direct_adding: change.allow_direct_adding,
            require_sso_provider: required_provider,
        },
        now,
        &entry(
            principal,
            "org.updated",
            format!("org:{}", access.org.name),
            Some(&access.org.id),
            json!({
                "name": name.as_ref().map(Slug::as_str),
                "display_name": change.display_name,
                "require_two_factor": change.require_two_factor,
                "allow_direct_adding": change.allow_direct_adding,
                "require_sso_provider": change.require_sso_provider,
            }),
            now,
        ),
    )
    .await?;
    Ok(org_access::to_dto(&row))
}

/// Deletes the organization and everything in it. Needs `org.delete`; `confirm_name` must be
/// the organization's name, as typed by the person deleting it.
pub async fn delete(
    db: &Db,
    principal: &Principal,
    org: &str,
    confirm_name: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let access = org_access::resolve(db, principal, org).await?;
    access.require(Permission::OrgDelete)?;
    if let Some(typed) = confirm_name
        && typed.trim().to_lowercase() != access.org.name
    {
        return Err(AppError::validation(
            "confirm_name",
            "Type the organization's name exactly to delete it.",
        ));
    }
    let audit = entry(
        principal,
        "org.deleted",
        format!("org:{}", access.org.name),
        Some(&access.org.id),
        json!({}),
        now,
    );
    store::organizations::delete(db, &access.org.id, &audit).await?;
    Ok(())
}

/// The caller's organizations with their role. Needs a signed-in user.
pub async fn mine(db: &Db, principal: &Principal) -> Result<Vec<MyOrganization>, AppError> {
    let caller = principal.user()?;
    Ok(store::organizations::of_user(db, &caller.user_id)
        .await?
        .into_iter()
        .map(my_organization)
        .collect())
}

fn my_organization((org, role): (store::organizations::OrgRow, String)) -> MyOrganization {
    MyOrganization {
        organization: org_access::to_dto(&org),
        owner: role == BuiltinRole::Owner.name(),
        role,
    }
}

/// The header's menu: the caller's organizations and the number of live invitations
/// addressed to their verified email, in one round trip (the address comes with the caller's
/// resolution). Needs a signed-in user.
pub async fn menu(db: &Db, principal: &Principal, now: DateTime<Utc>) -> Result<OrgMenu, AppError> {
    let caller = principal.user()?;
    let email = caller
        .account
        .as_ref()
        .filter(|a| a.email_verified)
        .map(|a| a.email.to_lowercase());
    let (orgs, invitations) =
        store::organizations::menu(db, &caller.user_id, email.as_deref(), now).await?;
    Ok(OrgMenu {
        organizations: orgs.into_iter().map(my_organization).collect(),
        pending_invitations: u32::try_from(invitations).unwrap_or(0),
    })
}

/// Members who would be locked out by the two-factor policy. Needs `org.update`.
pub async fn two_factor_lockout(
    db: &Db,
    principal: &Principal,
    org: &str,
) -> Result<Vec<String>, AppError> {
    let access = org_access::resolve(db, principal, org).await?;
    access.require(Permission::OrgUpdate)?;
    Ok(store::memberships::without_two_factor(db, &access.org.id).await?)
}
