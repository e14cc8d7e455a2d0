//! Site administration of users: list, create with a temporary password, reset, activate /
//! deactivate, grant / revoke site admin, turn off two-factor, delete.
//!
//! Invariants:
//! - Only site admins (403 for everyone else), and only through this module.
//! - Nobody deactivates, demotes or deletes themselves (409 `self_action`); the instance keeps
//!   an active site admin (409 `last_site_admin`, checked in the writing transaction).
//! - A temporary password is at least 20 random characters, shown once, expires in 7 days
//!   and must be replaced at the next sign-in; setting one ends the user's sessions.
//! - Deactivation takes effect at once: sessions and tokens are checked against `active` on
//!   every request.
//! - Every change is audited in its own transaction.

use super::audit_entry::entry;
use super::principal::Principal;
use crate::domain::admin::{AdminUser, CreatedUser, TemporaryPassword};
use crate::domain::admin::{AdminUserUpdate, NewUserInput, UserQuery};
use crate::domain::email::Email;
use crate::domain::organization::{Page, page_limit};
use crate::domain::password::Password;
use crate::domain::username::Username;
use crate::error::{AppError, ErrorCode};
use crate::store::admin_users::UserFilter;
use crate::store::users::{NewUser, UserRow};
use crate::store::{self, Db};
use chrono::{DateTime, Duration, Utc};
use serde_json::json;

/// How long a temporary password works.
pub const TEMPORARY_PASSWORD_DAYS: i64 = 7;

fn self_action(what: &str) -> AppError {
    AppError::conflict(
        ErrorCode::SelfAction,
        format!("You cannot {what} yourself; ask another site administrator."),
    )
}

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

/// One page of users by username. Site admins only.
pub async fn list(
    db: &Db,
    principal: &Principal,
    query: &UserQuery,
) -> Result<Page<AdminUser>, AppError> {
    principal.site_admin()?;
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

/// One user as the admin list shows them. Site admins only.
pub async fn get(db: &Db, principal: &Principal, username: &str) -> Result<AdminUser, AppError> {
    principal.site_admin()?;
    let user = target(db, username).await?;
    let row = store::admin_users::one(db, &user.id)
        .await?
        .ok_or_else(AppError::not_found)?;
    Ok(AdminUser {
        user: super::user_view::user(&row.user),
        organizations: u32::try_from(row.organizations).unwrap_or(0),
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
    if base.is_empty() {
        base = "user".into();
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

/// Creates an account with a temporary password. Site admins only.
pub async fn create(
    db: &Db,
    principal: &Principal,
    input: &NewUserInput,
    now: DateTime<Utc>,
) -> Result<CreatedUser, AppError> {
    principal.site_admin()?;
    let email = Email::parse(&input.email)?;
    let username = free_username(db, input.username.as_deref(), &email).await?;
    let display_name = input.display_name.as_deref().map(str::trim).unwrap_or("");
    if display_name.chars().count() > 100 {
        return Err(AppError::validation(
            "display_name",
            "Use at most 100 characters.",
        ));
    }
    let password = temporary_password()?;
    let hash = super::passwords::hash(&Password::new(password.clone())).await?;
    let row = store::users::create(
        db,
        &NewUser {
            username: &username,
            email: email.as_str(),
            email_key: &email.key(),
            email_verified: false,
            display_name,
            password_hash: &hash,
            password_change_required: true,
            password_expires_at: Some(now + Duration::days(TEMPORARY_PASSWORD_DAYS)),
            site_admin: false,
        },
        now,
        Some(&entry(
            principal,
            "admin.user_created",
            format!("user:{username}"),
            None,
            json!({ "email": email.as_str() }),
            now,
        )),
    )
    .await?;
    Ok(CreatedUser {
        user: super::user_view::user(&row),
        temporary_password: password,
    })
}

/// A new temporary password; all the user's sessions end. Site admins only; never on
/// oneself (409 `self_action`: one's own password changes in the settings, with the current
/// one).
pub async fn reset_password(
    db: &Db,
    principal: &Principal,
    username: &str,
    now: DateTime<Utc>,
) -> Result<TemporaryPassword, AppError> {
    let me = principal.site_admin()?;
    let me = me.user_id();
    let user = target(db, username).await?;
    if &user.id == me {
        return Err(self_action("reset the password of"));
    }
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
        now,
        &audit,
    )
    .await?;
    Ok(TemporaryPassword {
        temporary_password: password,
    })
}

/// Activates or deactivates, grants or revokes site admin, sets the display name. Site
/// admins only; never on oneself (409 `self_action`).
pub async fn update(
    db: &Db,
    principal: &Principal,
    username: &str,
    change: &AdminUserUpdate,
    now: DateTime<Utc>,
) -> Result<crate::domain::user::User, AppError> {
    let me = principal.site_admin()?;
    let me = me.user_id();
    let user = target(db, username).await?;
    if &user.id == me {
        if change.active == Some(false) {
            return Err(self_action("deactivate"));
        }
        if change.site_admin == Some(false) {
            return Err(self_action("remove the site-admin right from"));
        }
    }
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
            "site_admin": change.site_admin,
            "display_name": display_name,
        }),
        now,
    );
    let row = store::admin_users::set_flags(
        db,
        &user.id,
        change.active,
        change.site_admin,
        display_name,
        now,
        &audit,
    )
    .await?;
    Ok(super::user_view::user(&row))
}

/// Turns a locked-out user's two-factor off, with the admin's reason in the audit log. Never
/// on oneself (409 `self_action`: one's own two-factor goes off in the settings, with the
/// current password).
pub async fn disable_two_factor(
    db: &Db,
    principal: &Principal,
    username: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let me = principal.site_admin()?;
    let me = me.user_id();
    let user = target(db, username).await?;
    if &user.id == me {
        return Err(self_action("turn off two-factor authentication of"));
    }
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
    store::two_factor::disable(db, &user.id, now, &audit).await?;
    Ok(())
}

/// Deletes a user (their sessions, tokens and memberships go with them). Site admins only;
/// never oneself; refused while they are a last owner or own projects.
pub async fn delete(
    db: &Db,
    principal: &Principal,
    username: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let me = principal.site_admin()?;
    let me = me.user_id();
    let user = target(db, username).await?;
    if &user.id == me {
        return Err(self_action("delete"));
    }
    let audit = entry(
        principal,
        "admin.user_deleted",
        format!("user:{}", user.username),
        None,
        json!({ "email": user.email }),
        now,
    );
    store::admin_users::delete(db, &user.id, &audit)
        .await
        .map_err(AppError::from)
}
