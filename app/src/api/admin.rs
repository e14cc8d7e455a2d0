//! Site administration for the pages.

use crate::domain::admin::{
    AdminOrganization, AdminUser, AdminUserDetail, BatchResult, CreatedUser, InstanceSettings,
    OutboxMessage, TemporaryPassword,
};
use crate::domain::organization::Page;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
const REVEAL_COOKIE: &str = "gatehouse_admin_reveal";

/// The caller's instance permissions (403 when their instance role carries none or they hold
/// none, 401 when signed out).
#[server(endpoint = "admin/check")]
pub async fn admin_check() -> Result<Vec<String>, AppError> {
    super::run(
        move |_state, principal| async move { crate::service::instance_roles::mine(&principal) },
    )
    .await
}

/// One page of users.
#[server(endpoint = "admin/users")]
pub async fn list_users(
    query: Option<String>,
    status: Option<String>,
    site_admin: Option<bool>,
    #[server(default)] instance_role: Option<String>,
    cursor: Option<String>,
) -> Result<Page<AdminUser>, AppError> {
    use crate::domain::admin::UserQuery;
    use crate::service::admin_users;
    super::run(move |state, principal| async move {
        admin_users::list(
            &state.db,
            &principal,
            &UserQuery {
                query,
                status,
                site_admin,
                instance_role,
                cursor,
                limit: None,
            },
        )
        .await
    })
    .await
}

/// One user.
#[server(endpoint = "admin/users/get")]
pub async fn get_user(username: String) -> Result<AdminUserDetail, AppError> {
    super::run(move |state, principal| async move {
        crate::service::admin_users::get(&state.db, &principal, &username).await
    })
    .await
}

/// The new account's options as the creation forms post them: status (`active` or
/// `inactive`), instance role, one organization with a role and comma-separated groups, and
/// whether a new password is required (a checkbox: present when ticked).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct AccountOptions {
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub instance_role: String,
    #[serde(default)]
    pub organization: String,
    #[serde(default)]
    pub org_role: String,
    #[serde(default)]
    pub groups: String,
    #[serde(default)]
    pub require_password_change: Option<String>,
}

#[cfg(feature = "ssr")]
impl AccountOptions {
    fn active(&self) -> Result<Option<bool>, AppError> {
        match self.status.trim() {
            "" | "active" => Ok(Some(true)),
            "inactive" => Ok(Some(false)),
            _ => Err(AppError::validation("status", "Choose active or inactive.")),
        }
    }

    fn instance_role(&self) -> Option<String> {
        Some(self.instance_role.trim().to_string()).filter(|r| !r.is_empty())
    }

    fn organizations(&self) -> Vec<crate::domain::admin::Placement> {
        let org = self.organization.trim();
        if org.is_empty() {
            return Vec::new();
        }
        vec![crate::domain::admin::Placement {
            name: org.to_string(),
            role: self.org_role.trim().to_string(),
            groups: self
                .groups
                .split(',')
                .map(|g| g.trim().to_string())
                .filter(|g| !g.is_empty())
                .collect(),
        }]
    }

    fn require_password_change(&self) -> Option<bool> {
        Some(self.require_password_change.is_some())
    }
}

/// Creates a user; the temporary password comes back once (after a plain form post, through a
/// one-time cookie on the user's page). `password` empty: one is generated.
#[server(endpoint = "admin/users/create")]
pub async fn create_user(
    email: String,
    #[server(default)] username: String,
    #[server(default)] first_name: String,
    #[server(default)] last_name: String,
    #[server(default)] display_name: String,
    #[server(default)] password: String,
    #[server(flatten)] options: AccountOptions,
) -> Result<CreatedUser, AppError> {
    use crate::domain::admin::NewUserInput;
    use crate::service::admin_users;
    super::run(move |state, principal| async move {
        let optional = |v: String| Some(v).filter(|v| !v.trim().is_empty());
        let typed = !password.is_empty();
        let input = NewUserInput {
            email,
            username: optional(username),
            first_name: optional(first_name),
            last_name: optional(last_name),
            display_name: optional(display_name),
            active: options.active()?,
            instance_role: options.instance_role(),
            organizations: options.organizations(),
            password: optional(password).map(crate::domain::password::Password::new),
            require_password_change: options.require_password_change(),
        };
        let created =
            admin_users::create(&state.db, &principal, &input, chrono::Utc::now()).await?;
        if super::plain_form_post() {
            let page = format!("/admin/users/{}", created.user.username);
            // A typed password is the administrator's own; only a generated one is revealed.
            if !typed {
                super::set_once_cookie(&state, REVEAL_COOKIE, &created.temporary_password, &page);
            }
            super::redirect(&page);
        }
        Ok(created)
    })
    .await
}

#[cfg(feature = "ssr")]
const BATCH_COOKIE: &str = "gatehouse_batch";

/// Creates an account per line; the result (with each temporary password) comes back once —
/// after a plain form post, sealed for this browser and shown by `/admin/batch`.
#[server(endpoint = "admin/users/batch")]
pub async fn create_users_batch(
    lines: String,
    #[server(flatten)] options: AccountOptions,
) -> Result<BatchResult, AppError> {
    use crate::domain::admin::{BatchEntry, BatchInput};
    use crate::service::admin_users;
    super::run(move |state, principal| async move {
        let now = chrono::Utc::now();
        let input = BatchInput {
            entries: BatchEntry::parse_lines(&lines),
            active: options.active()?,
            instance_role: options.instance_role(),
            organizations: options.organizations(),
            require_password_change: options.require_password_change(),
        };
        let result = admin_users::create_batch(&state.db, &principal, &input, now).await?;
        if super::plain_form_post() {
            let owner = principal.user()?.user_id.clone();
            let plain = serde_json::to_vec(&result).map_err(AppError::internal)?;
            let ticket = crate::service::sealed::seal(&state.db, &owner, &plain, now).await?;
            super::set_once_cookie(&state, BATCH_COOKIE, &ticket, "/admin/batch");
            super::redirect("/admin/batch");
        }
        Ok(result)
    })
    .await
}

/// The batch result just sealed for this browser by a plain form post, once.
#[server(endpoint = "admin/users/batch/result")]
pub async fn take_batch_result() -> Result<Option<BatchResult>, AppError> {
    super::run(move |state, principal| async move {
        let Some(ticket) = super::take_once_cookie(&state, BATCH_COOKIE, "/admin/batch") else {
            return Ok(None);
        };
        let owner = principal.user()?.user_id.clone();
        let plain =
            crate::service::sealed::open(&state.db, &owner, &ticket, chrono::Utc::now()).await?;
        Ok(plain.and_then(|p| serde_json::from_slice(&p).ok()))
    })
    .await
}

/// A new temporary password for the user (shown once, as above).
#[server(endpoint = "admin/users/reset")]
pub async fn reset_user_password(username: String) -> Result<TemporaryPassword, AppError> {
    super::run(move |state, principal| async move {
        let reset = crate::service::admin_users::reset_password(
            &state.db,
            &principal,
            &username,
            chrono::Utc::now(),
        )
        .await?;
        if super::plain_form_post() {
            let page = format!("/admin/users/{}", username.trim().to_lowercase());
            super::set_once_cookie(&state, REVEAL_COOKIE, &reset.temporary_password, &page);
            super::redirect(&page);
        }
        Ok(reset)
    })
    .await
}

/// The temporary password just set by a plain form post on this user's page, once.
#[server(endpoint = "admin/users/reveal")]
pub async fn take_password_reveal(username: String) -> Result<Option<String>, AppError> {
    let state = super::state()?;
    let page = format!("/admin/users/{}", username.trim().to_lowercase());
    Ok(super::take_once_cookie(&state, REVEAL_COOKIE, &page))
}

/// Activates or deactivates a user: `what` is `activate` or `deactivate`.
#[server(endpoint = "admin/users/flag")]
pub async fn set_user_flag(username: String, what: String) -> Result<(), AppError> {
    use crate::domain::admin::AdminUserUpdate;
    let active = match what.as_str() {
        "activate" => true,
        "deactivate" => false,
        _ => {
            return super::respond(Err(AppError::validation("what", "Unknown action.")));
        }
    };
    update_user(
        username,
        AdminUserUpdate {
            active: Some(active),
            ..AdminUserUpdate::default()
        },
    )
    .await
}

/// Gives the user an instance role (`instance_role` empty: takes theirs away).
#[server(endpoint = "admin/users/instance-role")]
pub async fn set_user_instance_role(
    username: String,
    instance_role: String,
) -> Result<(), AppError> {
    use crate::domain::admin::AdminUserUpdate;
    let role = Some(instance_role.trim().to_string()).filter(|r| !r.is_empty());
    update_user(
        username,
        AdminUserUpdate {
            instance_role: Some(role),
            ..AdminUserUpdate::default()
        },
    )
    .await
}

/// Applies `change` to the user, then (after a plain form post) shows their page again.
#[cfg(feature = "ssr")]
async fn update_user(
    username: String,
    change: crate::domain::admin::AdminUserUpdate,
) -> Result<(), AppError> {
    super::run(move |state, principal| async move {
        crate::service::admin_users::update(
            &state.db,
            &principal,
            &username,
            &change,
            &super::base_url(&state),
            chrono::Utc::now(),
        )
        .await?;
        if super::plain_form_post() {
            super::redirect(&format!("/admin/users/{}", username.trim().to_lowercase()));
        }
        Ok(())
    })
    .await
}

/// Sets the user's names and email address (`users.update`).
#[server(endpoint = "admin/users/names")]
pub async fn set_user_names(
    username: String,
    first_name: String,
    last_name: String,
    display_name: String,
    email: String,
) -> Result<(), AppError> {
    use crate::domain::admin::AdminUserUpdate;
    update_user(
        username,
        AdminUserUpdate {
            first_name: Some(first_name),
            last_name: Some(last_name),
            display_name: Some(display_name),
            email: Some(email),
            ..AdminUserUpdate::default()
        },
    )
    .await
}

/// Turns the user's API access on ("on") or off (`users.manage_credentials`).
#[server(endpoint = "admin/users/api-access")]
pub async fn set_user_api_access(username: String, access: String) -> Result<(), AppError> {
    use crate::domain::admin::AdminUserUpdate;
    update_user(
        username,
        AdminUserUpdate {
            api_access: Some(access == "on"),
            ..AdminUserUpdate::default()
        },
    )
    .await
}

/// The user's live tokens and their sessions (`users.manage_credentials`).
#[server(endpoint = "admin/users/credentials")]
pub async fn user_credentials(
    username: String,
) -> Result<
    (
        Vec<crate::domain::token::TokenInfo>,
        Vec<crate::domain::session::SessionInfo>,
    ),
    AppError,
> {
    use crate::service::admin_credentials;
    super::run(move |state, principal| async move {
        let tokens = admin_credentials::tokens(&state.db, &principal, &username).await?;
        let sessions = admin_credentials::sessions(&state.db, &principal, &username).await?;
        Ok((tokens, sessions))
    })
    .await
}

/// Revokes one of the user's tokens (`users.manage_credentials`).
#[server(endpoint = "admin/users/tokens/revoke")]
pub async fn revoke_user_token(username: String, id: String) -> Result<(), AppError> {
    super::run(move |state, principal| async move {
        crate::service::admin_credentials::revoke_token(
            &state.db,
            &principal,
            &username,
            &id,
            chrono::Utc::now(),
        )
        .await?;
        if super::plain_form_post() {
            super::redirect(&format!("/admin/users/{}", username.trim().to_lowercase()));
        }
        Ok(())
    })
    .await
}

/// Ends every session of the user (`users.manage_credentials`).
#[server(endpoint = "admin/users/sessions/end")]
pub async fn end_user_sessions(username: String) -> Result<(), AppError> {
    super::run(move |state, principal| async move {
        crate::service::admin_credentials::end_sessions(
            &state.db,
            &principal,
            &username,
            None,
            chrono::Utc::now(),
        )
        .await?;
        if super::plain_form_post() {
            super::redirect(&format!("/admin/users/{}", username.trim().to_lowercase()));
        }
        Ok(())
    })
    .await
}

/// Turns the user's two-factor off, with a reason.
#[server(endpoint = "admin/users/two-factor")]
pub async fn disable_user_two_factor(username: String, reason: String) -> Result<(), AppError> {
    super::run(move |state, principal| async move {
        crate::service::admin_users::disable_two_factor(
            &state.db,
            &principal,
            &username,
            &reason,
            chrono::Utc::now(),
        )
        .await?;
        if super::plain_form_post() {
            super::redirect(&format!("/admin/users/{}", username.trim().to_lowercase()));
        }
        Ok(())
    })
    .await
}

/// Deletes the user.
#[server(endpoint = "admin/users/delete")]
pub async fn delete_user(username: String) -> Result<(), AppError> {
    super::run(move |state, principal| async move {
        crate::service::admin_users::delete(&state.db, &principal, &username, chrono::Utc::now())
            .await?;
        super::redirect("/admin/users");
        Ok(())
    })
    .await
}

/// The instance settings and who requiring two-factor would lock out.
#[server(endpoint = "admin/settings")]
pub async fn get_settings() -> Result<(InstanceSettings, Vec<String>), AppError> {
    super::run(move |state, principal| async move {
        let settings = crate::service::admin_instance::settings(&state.db, &principal).await?;
        let lockout =
            crate::service::admin_instance::two_factor_lockout(&state.db, &principal).await?;
        Ok((settings, lockout))
    })
    .await
}

/// The settings form's checkboxes (each present when ticked).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct SettingsSwitches {
    #[serde(default)]
    pub require_two_factor: Option<String>,
    #[serde(default)]
    pub allow_direct_adding: Option<String>,
    #[serde(default)]
    pub api_access_default: Option<String>,
    #[serde(default)]
    pub allow_rename: Option<String>,
    #[serde(default)]
    pub sso_signup: Option<String>,
    #[serde(default)]
    pub sso_only: Option<String>,
}

/// Saves the instance settings. `token_max_days` empty means no limit.
#[server(endpoint = "admin/settings/save")]
pub async fn save_settings(
    signup_mode: String,
    session_idle_minutes: String,
    session_max_hours: String,
    token_max_days: String,
    #[server(flatten)] switches: SettingsSwitches,
) -> Result<InstanceSettings, AppError> {
    use crate::domain::admin::SettingsUpdate;
    use crate::service::admin_instance;
    let result = async {
        let number = |value: &str, field: &str| {
            value
                .trim()
                .parse::<i64>()
                .map_err(|_| AppError::validation(field, "Enter a whole number."))
        };
        let change = SettingsUpdate {
            signup_mode: Some(signup_mode),
            require_two_factor: Some(switches.require_two_factor.is_some()),
            session_idle_minutes: Some(number(&session_idle_minutes, "session_idle_minutes")?),
            session_max_hours: Some(number(&session_max_hours, "session_max_hours")?),
            token_max_days: Some(match token_max_days.trim() {
                "" | "none" => None,
                days => Some(number(days, "token_max_days")?),
            }),
            allow_direct_adding: Some(switches.allow_direct_adding.is_some()),
            api_access_default: Some(switches.api_access_default.is_some()),
            allow_rename: Some(switches.allow_rename.is_some()),
            sso_signup: Some(switches.sso_signup.is_some()),
            sso_only: Some(switches.sso_only.is_some()),
        };
        let state = super::state()?;
        let principal = super::principal(&state).await?;
        let saved =
            admin_instance::update_settings(&state.db, &principal, &change, chrono::Utc::now())
                .await?;
        if super::plain_form_post() {
            super::redirect("/admin/settings?saved=1");
        }
        Ok(saved)
    }
    .await;
    super::respond(result)
}

/// The organizations.
#[server(endpoint = "admin/organizations")]
pub async fn list_organizations() -> Result<Vec<AdminOrganization>, AppError> {
    super::run(move |state, principal| async move {
        crate::service::admin_instance::organizations(&state.db, &principal).await
    })
    .await
}

/// The outbox, newest first.
#[server(endpoint = "admin/outbox")]
pub async fn list_outbox(cursor: Option<String>) -> Result<Page<OutboxMessage>, AppError> {
    super::run(move |state, principal| async move {
        crate::service::admin_instance::outbox(&state.db, &principal, cursor.as_deref(), None).await
    })
    .await
}

/// An organization's members, for a site admin.
#[server(endpoint = "admin/organizations/members")]
pub async fn list_org_members(
    org: String,
) -> Result<Vec<crate::domain::organization::Member>, AppError> {
    super::run(move |state, principal| async move {
        crate::service::admin_instance::org_members(&state.db, &principal, &org).await
    })
    .await
}

/// Makes a user an owner of the organization.
#[server(endpoint = "admin/organizations/owner")]
pub async fn add_org_owner(org: String, username: String) -> Result<(), AppError> {
    use crate::domain::admin::NewOwner;
    use crate::service::admin_instance;
    super::run(move |state, principal| async move {
        admin_instance::add_owner(
            &state.db,
            &principal,
            &org,
            &NewOwner { username },
            chrono::Utc::now(),
        )
        .await?;
        if super::plain_form_post() {
            super::redirect(&format!(
                "/admin/organizations/{}",
                org.trim().to_lowercase()
            ));
        }
        Ok(())
    })
    .await
}

/// One page of every live token of the instance with its flags, only those with `flag` when
/// given. Needs `users.manage_credentials`.
#[server(endpoint = "admin/tokens")]
pub async fn list_instance_tokens(
    flag: Option<String>,
    cursor: Option<String>,
) -> Result<Page<crate::domain::token::TokenInfo>, AppError> {
    super::run(move |state, principal| async move {
        crate::service::token_hygiene::of_instance(
            &state.db,
            &principal,
            flag.as_deref(),
            cursor.as_deref(),
            None,
            chrono::Utc::now(),
        )
        .await
    })
    .await
}
