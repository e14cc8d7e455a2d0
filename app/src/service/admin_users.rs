//! Site administration of users: list, create with a temporary password, reset, activate /
//! deactivate, give or take an instance role, turn off two-factor, delete.
//!
//! Invariants:
//! - Each action needs its instance permission (403 otherwise): `users.read` to see,
//!   `users.create`, `users.update` (names, instance role), `users.reset_password` (also
//!   two-factor), `users.deactivate`, `users.delete`.
//! - The instance rulebook decides on the target and the role given, and the writing
//!   transaction confirms what it saw: nobody acts on themselves (409 `self_action`) or on a
//!   user whose instance role carries more than theirs, or gives a role carrying more than
//!   theirs (403); the instance keeps an active site admin (409 `last_site_admin`).
//! - A temporary password is at least 20 random characters, shown once, expires in 7 days
//!   and must be replaced at the next sign-in; setting one ends the user's sessions.
//! - Deactivation takes effect at once: sessions and tokens are checked against `active` on
//!   every request.
//! - Every change is audited in its own transaction.

use super::audit_entry::entry;
use super::instance_rulebook::{InstanceCheck, resolve_role};
use super::placement;
use super::principal::Principal;
use crate::domain::admin::TemporaryPassword;
use crate::domain::admin::{AdminUser, BatchFailure, BatchInput, BatchResult, CreatedUser};
use crate::domain::admin::{
    AdminUserDetail, AdminUserUpdate, NewUserInput, UserOrganization, UserQuery,
};
use crate::domain::email::Email;
use crate::domain::instance_permission::{InstancePermission, SITE_ADMIN};
use crate::domain::organization::{Page, page_limit};
use crate::domain::password::Password;
use crate::domain::username::Username;
use crate::error::{AppError, ErrorCode, ErrorDetail};
use crate::store::admin_users::{NewAccount, PlacementWrite, UserChange, UserFilter};
use crate::store::users::{NewUser, UserRow};
use crate::store::{self, Db};
use chrono::{DateTime, Duration, Utc};
use serde_json::json;

/// How long a temporary password works.
pub const TEMPORARY_PASSWORD_DAYS: i64 = 7;

async fn target(db: &Db, username: &str) -> Result<UserRow, AppError> {
    let name = username.trim().to_lowercase();
    if name.is_empty() || name.len() > 39 || name.contains('@') {
        return Err(AppError::not_found());
    }
    store::users::by_login(db, &name)
        .await?
        .ok_or_else(AppError::not_found)
}

/// A random temporary password: 20 characters of `A-Z a-z 0-9` without look-alikes (116 bits).
fn temporary_password() -> Result<String, AppError> {
    super::secret::random_string(
        b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789",
        20,
    )
}

/// One page of users by username. Needs `users.read`.
pub async fn list(
    db: &Db,
    principal: &Principal,
    query: &UserQuery,
) -> Result<Page<AdminUser>, AppError> {
    principal.instance(InstancePermission::UsersRead)?;
    let limit = page_limit(query.limit);
    let active = match query.status.as_deref().map(str::trim) {
        None | Some("") => None,
        Some("active") => Some(true),
        Some("inactive") => Some(false),
        Some(_) => {
            return Err(AppError::validation("status", "Choose active or inactive."));
        }
    };
    let filter = UserFilter {
        query: query
            .query
            .as_deref()
            .map(|q| q.trim().to_lowercase())
            .filter(|q| !q.is_empty()),
        active,
        site_admin: query.site_admin,
        instance_role: query
            .instance_role
            .as_deref()
            .map(|r| r.trim().to_lowercase())
            .filter(|r| !r.is_empty()),
    };
    let mut rows = store::admin_users::page(
        db,
        &filter,
        query.cursor.as_deref().filter(|c| !c.is_empty()),
        i64::try_from(limit + 1).unwrap_or(i64::MAX),
    )
    .await?;
    let next_cursor = if rows.len() > limit {
        rows.truncate(limit);
        rows.last().map(|r| r.user.username.clone())
    } else {
        None
    };
    Ok(Page {
        items: rows
            .into_iter()
            .map(|r| AdminUser {
                user: super::user_view::user(&r.user),
                organizations: u32::try_from(r.organizations).unwrap_or(0),
                last_sign_in_at: r.last_sign_in_at.map(super::rfc3339),
            })
            .collect(),
        next_cursor,
    })
}

/// One user as their admin page shows them, with their organizations. Needs `users.read`.
pub async fn get(
    db: &Db,
    principal: &Principal,
    username: &str,
) -> Result<AdminUserDetail, AppError> {
    principal.instance(InstancePermission::UsersRead)?;
    let user = target(db, username).await?;
    let (row, places) = store::admin_users::one(db, &user.id)
        .await?
        .ok_or_else(AppError::not_found)?;
    Ok(AdminUserDetail {
        user: super::user_view::user(&row.user),
        organizations: places
            .into_iter()
            .map(|p| UserOrganization {
                name: p.name,
                display_name: p.display_name,
                role: p.role,
                groups: p.groups.into_iter().flatten().collect(),
            })
            .collect(),
        last_sign_in_at: row.last_sign_in_at.map(super::rfc3339),
    })
}

/// The username for a new account: the one asked for, else the email's local part made into
/// a valid username, with a number added until it is free.
async fn free_username(db: &Db, asked: Option<&str>, email: &Email) -> Result<String, AppError> {
    if let Some(name) = asked.map(str::trim).filter(|n| !n.is_empty()) {
        return Ok(Username::parse(name)?.as_str().to_string());
    }
    let local = email.as_str().split('@').next().unwrap_or_default();
    let mut base: String = local
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    while base.contains("--") {
        base = base.replace("--", "-");
    }
    let mut base: String = base.trim_matches('-').chars().take(32).collect();
    base = base.trim_end_matches('-').to_string();
    if base.is_empty() || crate::domain::username::RESERVED.contains(&base.as_str()) {
        base = if base.is_empty() {
            "user".into()
        } else {
            format!("{base}-user")
        };
    }
    for n in 0..1000u32 {
        let candidate = if n == 0 {
            base.clone()
        } else {
            format!("{base}-{}", n + 1)
        };
        if store::users::by_login(db, &candidate).await?.is_none() {
            return Ok(candidate);
        }
    }
    Err(AppError::validation("username", "Choose a username."))
}

/// Creates an account as the admin console does (`users.create`): names (the display name
/// defaults to "First Last"), email, a username (inferred and made unique when left out),
/// status, an instance role (`users.update`, within the caller's), places in organizations
/// and groups (each checked by that organization's rulebook as the caller), and a password
/// typed by the administrator (the policy applies) or generated — to be replaced at the first
/// sign-in unless `require_password_change` is false. All of it is written in one
/// transaction, or nothing is.
pub async fn create(
    db: &Db,
    principal: &Principal,
    input: &NewUserInput,
    now: DateTime<Utc>,
) -> Result<CreatedUser, AppError> {
    let check = InstanceCheck::of(principal.instance(InstancePermission::UsersCreate)?);
    create_with(db, principal, check, input, now).await
}

/// A first or last name: trimmed, at most 50 characters.
fn name_part(input: Option<&str>, field: &str) -> Result<String, AppError> {
    let value = input.map(str::trim).unwrap_or_default();
    if value.chars().count() > 50 {
        return Err(AppError::validation(field, "Use at most 50 characters."));
    }
    Ok(value.to_string())
}

async fn create_with(
    db: &Db,
    principal: &Principal,
    mut check: InstanceCheck<'_>,
    input: &NewUserInput,
    now: DateTime<Utc>,
) -> Result<CreatedUser, AppError> {
    let email = Email::parse(&input.email)?;
    let username = free_username(db, input.username.as_deref(), &email).await?;
    let first_name = name_part(input.first_name.as_deref(), "first_name")?;
    let last_name = name_part(input.last_name.as_deref(), "last_name")?;
    let display_name = match input.display_name.as_deref().map(str::trim) {
        Some(d) if !d.is_empty() => d.to_string(),
        _ => format!("{first_name} {last_name}")
            .trim()
            .chars()
            .take(100)
            .collect(),
    };
    if display_name.chars().count() > 100 {
        return Err(AppError::validation(
            "display_name",
            "Use at most 100 characters.",
        ));
    }
    let instance_role = match input.instance_role.as_deref().map(str::trim) {
        Some(name) if !name.is_empty() => {
            principal.instance(InstancePermission::UsersUpdate)?;
            let role = resolve_role(db, name).await?;
            check.give(Some(&role))?;
            Some(role.name)
        }
        _ => None,
    };
    let mut placements: Vec<PlacementWrite> = Vec::new();
    let mut places = Vec::new();
    let mut audits = Vec::new();
    for wanted in &input.organizations {
        let placed = placement::check(db, principal, wanted, "organizations").await?;
        if places
            .iter()
            .any(|p: &serde_json::Value| p["organization"] == placed.org_name)
        {
            return Err(AppError::validation(
                "organizations",
                format!("{} is listed twice.", placed.org_name),
            ));
        }
        let groups: Vec<&str> = placed.groups.iter().map(|g| g.name.as_str()).collect();
        let place =
            json!({ "organization": placed.org_name, "role": placed.role, "groups": groups });
        audits.push(entry(
            principal,
            "member.added",
            format!("user:{username}"),
            Some(&placed.org_id),
            json!({ "role": placed.role, "groups": groups, "via": "account created by an administrator" }),
            now,
        ));
        places.push(place);
        placements.push(PlacementWrite {
            teams: placed.groups.iter().map(|g| g.id.to_string()).collect(),
            rights: placed.rights,
            role: placed.role,
        });
    }
    let require_change = input.require_password_change.unwrap_or(true);
    let typed = input.password.as_ref().filter(|p| !p.expose().is_empty());
    let password = match typed {
        Some(password) => {
            super::passwords::check_new(password, "password", &username, email.as_str())?;
            password.clone()
        }
        None => Password::new(temporary_password()?),
    };
    let hash = super::passwords::hash(&password).await?;
    let active = input.active.unwrap_or(true);
    audits.insert(
        0,
        entry(
            principal,
            "admin.user_created",
            format!("user:{username}"),
            None,
            json!({
                "email": email.as_str(),
                "active": active,
                "instance_role": instance_role,
                "organizations": places,
                "password": if typed.is_some() { "typed" } else { "generated" },
                "require_password_change": require_change,
            }),
            now,
        ),
    );
    let row = store::admin_users::create_account(
        db,
        &NewAccount {
            user: NewUser {
                username: &username,
                email: email.as_str(),
                email_key: &email.key(),
                email_verified: false,
                display_name: &display_name,
                password_hash: &hash,
                password_change_required: require_change,
                password_expires_at: require_change
                    .then(|| now + Duration::days(TEMPORARY_PASSWORD_DAYS)),
                instance_role: instance_role.as_deref(),
            },
            first_name: &first_name,
            last_name: &last_name,
            active,
        },
        &placements,
        &check.seen(),
        &audits,
        now,
    )
    .await?;
    Ok(CreatedUser {
        user: super::user_view::user(&row),
        temporary_password: password.expose().to_string(),
    })
}

/// The most entries a batch takes (each one hashes a password).
pub const BATCH_MAX: usize = 100;

/// How long a batch keeps creating accounts before it leaves the rest untried.
const BATCH_BUDGET: std::time::Duration = std::time::Duration::from_secs(20);

/// The options a batch's entries share: the instance role (`users.update`, within the
/// caller's) and each organization (the caller may place people there with that role).
async fn preflight(db: &Db, principal: &Principal, input: &BatchInput) -> Result<(), AppError> {
    if let Some(name) = input
        .instance_role
        .as_deref()
        .filter(|r| !r.trim().is_empty())
    {
        let admin = principal.instance(InstancePermission::UsersUpdate)?;
        let role = resolve_role(db, name).await?;
        InstanceCheck::of(admin).give(Some(&role))?;
    }
    for wanted in &input.organizations {
        placement::check(db, principal, wanted, "organizations").await?;
    }
    Ok(())
}

/// Creates one account per entry, all with the same options; each is created whole or not
/// at all, and a refused entry does not stop the others. Needs `users.create`; 422 for an
/// empty or too long list.
pub async fn create_batch(
    db: &Db,
    principal: &Principal,
    input: &BatchInput,
    now: DateTime<Utc>,
) -> Result<BatchResult, AppError> {
    let admin = principal.instance(InstancePermission::UsersCreate)?;
    if input.entries.is_empty() {
        return Err(AppError::validation(
            "entries",
            "Enter at least one email address.",
        ));
    }
    if input.entries.len() > BATCH_MAX {
        return Err(AppError::validation(
            "entries",
            format!("Enter at most {BATCH_MAX} addresses at a time."),
        ));
    }
    // What every entry shares is checked once, so a refusal of it is one answer, not a
    // refused entry each.
    preflight(db, principal, input).await?;
    let mut result = BatchResult {
        created: Vec::new(),
        failed: Vec::new(),
    };
    let started = std::time::Instant::now();
    for (line, entry) in (1u32..).zip(&input.entries) {
        if started.elapsed() > BATCH_BUDGET {
            // Well before the request's own time limit: what was created is answered with its
            // passwords, and the rest is left for another batch.
            result.failed.push(BatchFailure {
                email: entry.email.clone(),
                line,
                error: ErrorDetail {
                    code: ErrorCode::Unavailable,
                    message: "Not tried: the batch ran out of time. Send this address again."
                        .into(),
                    field: None,
                },
            });
            continue;
        }
        let one = NewUserInput {
            email: entry.email.clone(),
            username: entry.username.clone().filter(|u| !u.trim().is_empty()),
            active: input.active,
            instance_role: input.instance_role.clone(),
            organizations: input.organizations.clone(),
            require_password_change: input.require_password_change,
            ..NewUserInput::default()
        };
        match create_with(db, principal, InstanceCheck::of(admin), &one, now).await {
            Ok(created) => result.created.push(created),
            Err(err) => result.failed.push(BatchFailure {
                email: entry.email.clone(),
                line,
                error: ErrorDetail {
                    code: err.code,
                    message: err.message,
                    field: err.field,
                },
            }),
        }
    }
    Ok(result)
}

/// A new temporary password; all the user's sessions end. Needs `users.reset_password`;
/// never on oneself (409 `self_action`: one's own password changes in the settings, with the
/// current one), nor on a user whose instance role carries more than the caller's (403).
pub async fn reset_password(
    db: &Db,
    principal: &Principal,
    username: &str,
    now: DateTime<Utc>,
) -> Result<TemporaryPassword, AppError> {
    let mut check = InstanceCheck::of(principal.instance(InstancePermission::UsersResetPassword)?);
    let user = target(db, username).await?;
    check.act_on(&user, "reset the password of")?;
    let password = temporary_password()?;
    let hash = super::passwords::hash(&Password::new(password.clone())).await?;
    let audit = entry(
        principal,
        "admin.password_reset",
        format!("user:{}", user.username),
        None,
        json!({}),
        now,
    );
    store::admin_users::set_temporary_password(
        db,
        &user.id,
        &hash,
        now + Duration::days(TEMPORARY_PASSWORD_DAYS),
        &check.seen(),
        now,
        &audit,
    )
    .await?;
    Ok(TemporaryPassword {
        temporary_password: password,
    })
}

/// Activates or deactivates (`users.deactivate`), gives or takes an instance role, sets the
/// names and the email address (`users.update`), turns API access on or off
/// (`users.manage_credentials`). Never on oneself, except one's own names (409
/// `self_action`), nor on a user whose role carries more than the caller's, nor giving a role
/// that does (403); the instance keeps an active site admin (409 `last_site_admin`). A new
/// address is unverified until the user opens the link sent to it, and the old one is told.
pub async fn update(
    db: &Db,
    principal: &Principal,
    username: &str,
    change: &AdminUserUpdate,
    base_url: &str,
    now: DateTime<Utc>,
) -> Result<crate::domain::user::User, AppError> {
    use InstancePermission::{UsersDeactivate, UsersManageCredentials, UsersUpdate};
    let role_change = change.instance_role.is_some() || change.site_admin.is_some();
    let names =
        change.display_name.is_some() || change.first_name.is_some() || change.last_name.is_some();
    let email = change.email.as_deref().map(Email::parse).transpose()?;
    let mut needs = Vec::new();
    if change.active.is_some() {
        needs.push(UsersDeactivate);
    }
    if role_change || names || email.is_some() {
        needs.push(UsersUpdate);
    }
    if change.api_access.is_some() {
        needs.push(UsersManageCredentials);
    }
    let admin = principal.instance(needs.first().copied().unwrap_or(UsersUpdate))?;
    for permission in needs.iter().skip(1) {
        principal.instance(*permission)?;
    }
    let mut check = InstanceCheck::of(admin);
    let user = target(db, username).await?;
    let wanted = wanted_role(change, user.instance_role.as_deref())?;
    let email = email.filter(|e| e.key() != user.email.to_lowercase());
    if change.active.is_some() || wanted.is_some() || change.api_access.is_some() || email.is_some()
    {
        let what = if change.active == Some(false) {
            "deactivate"
        } else if wanted.is_some() {
            "change the instance role of"
        } else if change.api_access.is_some() {
            "change the API access of"
        } else if email.is_some() {
            "change the email address of"
        } else {
            "reactivate"
        };
        check.act_on(&user, what)?;
    } else if &user.id != admin.user_id() {
        check.act_on(&user, "change")?;
    }
    let first_name = change
        .first_name
        .as_deref()
        .map(|n| name_part(Some(n), "first_name"))
        .transpose()?;
    let last_name = change
        .last_name
        .as_deref()
        .map(|n| name_part(Some(n), "last_name"))
        .transpose()?;
    let instance_role = match &wanted {
        None => None,
        Some(None) => Some(None),
        Some(Some(name)) => {
            let role = resolve_role(db, name).await?;
            check.give(Some(&role))?;
            Some(Some(role.name))
        }
    };
    let display_name = change.display_name.as_deref().map(str::trim);
    if display_name.is_some_and(|d| d.chars().count() > 100) {
        return Err(AppError::validation(
            "display_name",
            "Use at most 100 characters.",
        ));
    }
    let audit = entry(
        principal,
        "admin.user_updated",
        format!("user:{}", user.username),
        None,
        json!({
            "active": change.active,
            "site_admin": instance_role.as_ref().map(|r| r.as_deref() == Some(SITE_ADMIN)),
            "instance_role": instance_role.as_ref().map(|r| json!({
                "from": user.instance_role,
                "to": r,
            })),
            "display_name": display_name,
            "first_name": first_name,
            "last_name": last_name,
            "api_access": change.api_access,
            "email": email.as_ref().map(|e| json!({ "from": user.email, "to": e.as_str() })),
        }),
        now,
    );
    let email_key = email.as_ref().map(Email::key);
    let row = store::admin_users::set_flags(
        db,
        &user.id,
        &UserChange {
            active: change.active,
            instance_role,
            display_name: display_name.map(str::to_string),
            first_name,
            last_name,
            api_access: change.api_access,
            email: email
                .as_ref()
                .zip(email_key)
                .map(|(e, key)| (e.as_str().to_string(), key)),
        },
        &check.seen(),
        now,
        &audit,
    )
    .await?;
    if row.email.to_lowercase() != user.email.to_lowercase() {
        // The change is made: a message that cannot be queued is logged, not an error (the
        // old address is told first; the user can ask for a new link from their settings).
        use super::email_verification::{notify_change, send_link};
        if let Err(error) = notify_change(db, &user.email, &row.email, &row.username, now).await {
            tracing::warn!(%error, "could not queue the notice to a user's old address");
        }
        if let Err(error) = send_link(db, &row.id, &row.email, base_url, now).await {
            tracing::warn!(%error, "could not queue the verification link to a user's new address");
        }
    }
    Ok(super::user_view::user(&row))
}

/// The instance role a change asks for (`Some(None)`: none), from `instance_role` or the
/// compatibility flag `site_admin` (`false` takes the Site admin role away when `current` is
/// it, and changes nothing otherwise); 422 when the two disagree.
fn wanted_role(
    change: &AdminUserUpdate,
    current: Option<&str>,
) -> Result<Option<Option<String>>, AppError> {
    let from_flag = match change.site_admin {
        None => None,
        Some(true) => Some(Some(SITE_ADMIN.to_string())),
        Some(false) if current == Some(SITE_ADMIN) => Some(None),
        Some(false) => None,
    };
    let from_role = change.instance_role.as_ref().map(|r| {
        r.as_deref()
            .map(|n| n.trim().to_lowercase())
            .filter(|n| !n.is_empty())
    });
    match (from_role, from_flag) {
        (Some(role), Some(flag)) if role != flag => Err(AppError::validation(
            "site_admin",
            "site_admin and instance_role disagree; send instance_role alone.",
        )),
        (Some(role), _) => Ok(Some(role)),
        (None, flag) => Ok(flag),
    }
}

/// Turns a locked-out user's two-factor off, with the admin's reason in the audit log. Needs
/// `users.reset_password`; never on oneself or a user whose role carries more. Never
/// on oneself (409 `self_action`: one's own two-factor goes off in the settings, with the
/// current password).
pub async fn disable_two_factor(
    db: &Db,
    principal: &Principal,
    username: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut check = InstanceCheck::of(principal.instance(InstancePermission::UsersResetPassword)?);
    let user = target(db, username).await?;
    check.act_on(&user, "turn off two-factor authentication of")?;
    let reason: String = reason.trim().chars().take(300).collect();
    if reason.is_empty() {
        return Err(AppError::validation(
            "reason",
            "Say why (it goes into the audit log).",
        ));
    }
    if !user.two_factor_enabled {
        return Err(AppError::conflict(
            ErrorCode::Conflict,
            "This user does not have two-factor authentication on.",
        ));
    }
    let audit = entry(
        principal,
        "admin.two_factor_disabled",
        format!("user:{}", user.username),
        None,
        json!({ "reason": reason }),
        now,
    );
    store::admin_users::disable_two_factor(db, &user.id, &check.seen(), now, &audit).await?;
    Ok(())
}

/// Deletes a user (their sessions, tokens and memberships go with them). Needs
/// `users.delete`; never oneself or a user whose role carries more than the caller's; refused
/// while they are a last owner or own projects.
pub async fn delete(
    db: &Db,
    principal: &Principal,
    username: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut check = InstanceCheck::of(principal.instance(InstancePermission::UsersDelete)?);
    let user = target(db, username).await?;
    check.act_on(&user, "delete")?;
    let audit = entry(
        principal,
        "admin.user_deleted",
        format!("user:{}", user.username),
        None,
        json!({ "email": user.email }),
        now,
    );
    store::admin_users::delete(db, &user.id, &check.seen(), &audit)
        .await
        .map_err(AppError::from)
}
