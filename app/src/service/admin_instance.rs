//! Site administration of the instance: settings (applied without a restart: every request
//! reads them), the outbox, and the organizations.
//!
//! Invariants: each function needs its instance permission (`instance.settings.update`,
//! `outbox.read`, `organizations.read`, `organizations.manage`); settings changes are
//! validated, audited in their own transaction, and never enable a sign-up mode outside
//! `open`/`invite_only`/`closed`.

use super::audit_entry::entry;
use super::instance_rulebook::InstanceCheck;
use super::principal::Principal;
use crate::domain::admin::{AdminOrganization, InstanceSettings, OutboxMessage};
use crate::domain::admin::{NewOwner, SettingsUpdate};
use crate::domain::instance_permission::{InstancePermission, InstancePermissionSet};
use crate::domain::organization::Page;
use crate::error::{AppError, ErrorCode};
use crate::store::settings::SettingsRow;
use crate::store::{self, Db};
use chrono::{DateTime, Utc};
use serde_json::json;

fn to_dto(row: &SettingsRow) -> InstanceSettings {
    InstanceSettings {
        signup_mode: row.signup_mode.clone(),
        require_two_factor: row.require_two_factor,
        session_idle_minutes: row.session_idle_minutes,
        session_max_hours: row.session_max_hours,
        token_max_days: row.token_max_days,
        allow_direct_adding: row.allow_direct_adding,
        api_access_default: row.api_access_default,
        allow_rename: row.allow_rename,
        sso_signup: row.sso_signup,
        sso_only: row.sso_only,
    }
}

/// The settings. Needs `instance.settings.update`.
pub async fn settings(db: &Db, principal: &Principal) -> Result<InstanceSettings, AppError> {
    principal.instance(InstancePermission::InstanceSettingsUpdate)?;
    Ok(to_dto(&store::settings::get(db).await?))
}

/// Active users without two-factor: whom requiring it would lock out. Needs
/// `instance.settings.update`.
pub async fn two_factor_lockout(db: &Db, principal: &Principal) -> Result<Vec<String>, AppError> {
    principal.instance(InstancePermission::InstanceSettingsUpdate)?;
    Ok(store::settings::without_two_factor(db).await?)
}

/// Changes the settings. Needs `instance.settings.update`.
pub async fn update_settings(
    db: &Db,
    principal: &Principal,
    change: &SettingsUpdate,
    now: DateTime<Utc>,
) -> Result<InstanceSettings, AppError> {
    let check = InstanceCheck::of(principal.instance(InstancePermission::InstanceSettingsUpdate)?);
    let mut row = store::settings::get(db).await?;
    let before = to_dto(&row);
    if let Some(mode) = &change.signup_mode {
        let mode = mode.trim();
        if !["open", "invite_only", "closed"].contains(&mode) {
            return Err(
                AppError::validation("signup_mode", "Choose open, invite_only or closed.")
                    .with_code(ErrorCode::BadRequest),
            );
        }
        row.signup_mode = mode.to_string();
    }
    if let Some(require) = change.require_two_factor {
        row.require_two_factor = require;
    }
    if let Some(minutes) = change.session_idle_minutes {
        if !(5..=60 * 24 * 30).contains(&minutes) {
            return Err(AppError::validation(
                "session_idle_minutes",
                "Use between 5 minutes and 30 days (43200).",
            ));
        }
        row.session_idle_minutes = minutes;
    }
    if let Some(hours) = change.session_max_hours {
        if !(1..=24 * 365).contains(&hours) {
            return Err(AppError::validation(
                "session_max_hours",
                "Use between 1 hour and a year (8760).",
            ));
        }
        row.session_max_hours = hours;
    }
    if row.session_idle_minutes > row.session_max_hours * 60 {
        return Err(AppError::validation(
            "session_idle_minutes",
            "The idle timeout cannot be longer than the absolute one.",
        ));
    }
    if let Some(days) = change.token_max_days {
        if days.is_some_and(|d| !(1..=3650).contains(&d)) {
            return Err(AppError::validation(
                "token_max_days",
                "Use between 1 and 3650 days, or no limit.",
            ));
        }
        row.token_max_days = days;
    }
    if let Some(allow) = change.allow_direct_adding {
        row.allow_direct_adding = allow;
    }
    if let Some(on) = change.api_access_default {
        row.api_access_default = on;
    }
    if let Some(allow) = change.allow_rename {
        row.allow_rename = allow;
    }
    if let Some(on) = change.sso_signup {
        row.sso_signup = on;
    }
    if let Some(on) = change.sso_only {
        row.sso_only = on;
    }
    let after = to_dto(&row);
    let audit = entry(
        principal,
        "admin.settings_changed",
        "settings:instance",
        None,
        json!({ "from": before, "to": after }),
        now,
    );
    store::settings::update(db, &row, &check.seen(), &audit).await?;
    Ok(after)
}

/// The outbox, newest first. Needs `outbox.read`. Links carry single-use secrets (invitations,
/// email verification) that let whoever holds them act as the recipient, so they are shown
/// only to a caller who holds every instance permission (who can reset anyone's password
/// already); everyone else sees them hidden.
pub async fn outbox(
    db: &Db,
    principal: &Principal,
    cursor: Option<&str>,
    limit: Option<usize>,
) -> Result<Page<OutboxMessage>, AppError> {
    let admin = principal.instance(InstancePermission::OutboxRead)?;
    let links = admin.standing().permissions == InstancePermissionSet::all();
    let limit = crate::domain::organization::page_limit(limit);
    let before = match cursor.map(str::trim).filter(|c| !c.is_empty()) {
        Some(c) => Some(
            DateTime::parse_from_rfc3339(c)
                .map_err(|_| AppError::validation("cursor", "That cursor is not valid."))?
                .with_timezone(&Utc),
        ),
        None => None,
    };
    let mut rows =
        store::outbox::newest(db, before, i64::try_from(limit + 1).unwrap_or(i64::MAX)).await?;
    let next_cursor = if rows.len() > limit {
        rows.truncate(limit);
        rows.last().map(|r| {
            r.created_at
                .to_rfc3339_opts(chrono::SecondsFormat::Nanos, true)
        })
    } else {
        None
    };
    Ok(Page {
        items: rows
            .into_iter()
            .map(|r| OutboxMessage {
                id: r.id,
                recipient: r.recipient,
                subject: r.subject,
                body: if links {
                    r.body
                } else {
                    super::mail::redact_links(&r.body)
                },
                kind: r.kind,
                status: r.status,
                attempts: u32::try_from(r.attempts).unwrap_or(0),
                last_error: r.last_error,
                created_at: super::rfc3339(r.created_at),
                sent_at: r.sent_at.map(super::rfc3339),
            })
            .collect(),
        next_cursor,
    })
}

/// Every organization with its member count and owners. Needs `organizations.read`.
pub async fn organizations(
    db: &Db,
    principal: &Principal,
) -> Result<Vec<AdminOrganization>, AppError> {
    principal.instance(InstancePermission::OrganizationsRead)?;
    Ok(store::organizations::all(db)
        .await?
        .into_iter()
        .map(|(org, members, owners)| AdminOrganization {
            organization: super::org_access::to_dto(&org),
            members_count: u32::try_from(members).unwrap_or(0),
            owners,
        })
        .collect())
}

/// An organization's members (first page of 200, by username). Needs `organizations.read`,
/// whether or not the caller is a member.
pub async fn org_members(
    db: &Db,
    principal: &Principal,
    org: &str,
) -> Result<Vec<crate::domain::organization::Member>, AppError> {
    principal.instance(InstancePermission::OrganizationsRead)?;
    let row = org_row(db, org).await?;
    Ok(store::memberships::list(
        db,
        &row.id,
        None,
        None,
        store::memberships::MemberOrder::Username,
        200,
    )
    .await?
    .into_iter()
    .map(super::members::to_dto)
    .collect())
}

async fn org_row(db: &Db, org: &str) -> Result<store::organizations::OrgRow, AppError> {
    let name = org.trim().to_lowercase();
    if name.is_empty() || name.len() > 39 {
        return Err(AppError::not_found());
    }
    store::organizations::by_name(db, &name)
        .await?
        .ok_or_else(AppError::not_found)
}

/// Makes a user an owner of an organization (adding them if they are not a member): only for
/// an organization with no active owner (409 `conflict` otherwise), and never oneself while
/// it has (inactive) owners (409 `self_action`). Needs `organizations.manage`; audited; the
/// organization's owners are told by email.
pub async fn add_owner(
    db: &Db,
    principal: &Principal,
    org: &str,
    input: &NewOwner,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let admin = principal.instance(InstancePermission::OrganizationsManage)?;
    let (admin_id, admin_name) = (admin.user_id(), admin.username());
    let check = InstanceCheck::of(admin);
    let row = org_row(db, org).await?;
    let user = store::users::by_login(db, &input.username.trim().to_lowercase())
        .await?
        .filter(|u| u.active)
        .ok_or_else(|| AppError::validation("username", "No active user has that username."))?;
    let audit = entry(
        principal,
        "admin.owner_added",
        format!("user:{}", user.username),
        Some(&row.id),
        json!({ "organization": row.name }),
        now,
    );
    let owners =
        store::memberships::make_owner(db, &row.id, &user.id, admin_id, &check.seen(), now, &audit)
            .await?;
    let body = format!(
        "Site administrator {admin_name} made {user} an owner of the organization {org} on Gatehouse, \
         because it had no active owner.\n\nIf you did not expect this, contact your site administrators.",
        user = user.username,
        org = row.name,
    );
    for to in owners {
        super::mail::send(
            db,
            &to,
            &format!("{} is now an owner of {}", user.username, row.name),
            &body,
            "owner_added",
            now,
        )
        .await?;
    }
    Ok(())
}
