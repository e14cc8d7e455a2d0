//! Instance settings: the one record `setting:instance`.

use super::checked::checked;
use super::instance_rights::{INSTANCE_GUARD, InstanceSeen};
use super::{Db, StoreError};
use super::{Guard, Write};
use surrealdb::types::SurrealValue;

#[derive(Debug, Clone, PartialEq, Eq, SurrealValue)]
pub struct SettingsRow {
    pub signup_mode: String,
    pub require_two_factor: bool,
    pub session_idle_minutes: i64,
    pub session_max_hours: i64,
    pub token_max_days: Option<i64>,
    pub allow_direct_adding: bool,
    /// Whether new accounts may use the API (the default of each user's `api_access`).
    pub api_access_default: bool,
    /// Whether users may change their own username.
    pub allow_rename: bool,
    /// Whether a first sign-in through a provider makes an account even when sign-up is not
    /// open.
    pub sso_signup: bool,
    /// Whether password sign-in is off for everyone but site admins.
    pub sso_only: bool,
}

/// The settings as one SurrealQL expression (for queries that read them with something else).
pub(super) const SETTINGS: &str = "(SELECT signup_mode, require_two_factor, session_idle_minutes, \
     session_max_hours, token_max_days, allow_direct_adding, api_access_default, allow_rename, \
     sso_signup, sso_only FROM ONLY setting:instance)";

pub async fn get(db: &Db) -> Result<SettingsRow, StoreError> {
    let mut response = checked(db.query(format!("RETURN {SETTINGS}")).await?)?;
    present(response.take::<Option<SettingsRow>>(0)?)
}

/// The settings a query read, which the migrations always create.
pub(super) fn present(settings: Option<SettingsRow>) -> Result<SettingsRow, StoreError> {
    settings.ok_or_else(|| surrealdb::Error::internal("setting:instance is missing".into()).into())
}

/// Replaces the instance settings; audited in the same transaction.
/// Replaces the settings, if the administrator's check (`seen`) still holds.
pub async fn update(
    db: &Db,
    settings: &SettingsRow,
    seen: &InstanceSeen,
    audit: &super::audit::Audit,
) -> Result<(), Guard> {
    let query = format!(
        "BEGIN TRANSACTION;
         {INSTANCE_GUARD}
         UPDATE setting:instance SET signup_mode = $signup_mode,
             require_two_factor = $require_two_factor,
             session_idle_minutes = $session_idle_minutes,
             session_max_hours = $session_max_hours, token_max_days = $token_max_days,
             allow_direct_adding = $allow_direct_adding,
             api_access_default = $api_access_default, allow_rename = $allow_rename,
             sso_signup = $sso_signup, sso_only = $sso_only;
         COMMIT TRANSACTION;"
    );
    Write::audited(db, &query, audit)
        .bind("instance", seen.clone())
        .bind("signup_mode", settings.signup_mode.clone())
        .bind("require_two_factor", settings.require_two_factor)
        .bind("session_idle_minutes", settings.session_idle_minutes)
        .bind("session_max_hours", settings.session_max_hours)
        .bind("token_max_days", settings.token_max_days)
        .bind("allow_direct_adding", settings.allow_direct_adding)
        .bind("api_access_default", settings.api_access_default)
        .bind("allow_rename", settings.allow_rename)
        .bind("sso_signup", settings.sso_signup)
        .bind("sso_only", settings.sso_only)
        .run()
        .await?;
    Ok(())
}

/// Active users without two-factor (whom requiring it would lock out), by username.
pub async fn without_two_factor(db: &Db) -> Result<Vec<String>, StoreError> {
    let mut response = checked(
        db.query(
            "SELECT VALUE username FROM user
             WHERE active = true AND two_factor_enabled != true ORDER BY username LIMIT 1000",
        )
        .await?,
    )?;
    Ok(response.take(0)?)
}
