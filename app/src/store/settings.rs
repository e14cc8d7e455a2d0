//! Instance settings: the one record `setting:instance`.

use super::checked::checked;
use super::{Db, StoreError};
use surrealdb::types::SurrealValue;

#[derive(Debug, Clone, PartialEq, Eq, SurrealValue)]
pub struct SettingsRow {
    pub signup_mode: String,
    pub require_two_factor: bool,
    pub session_idle_minutes: i64,
    pub session_max_hours: i64,
    pub token_max_days: Option<i64>,
}

pub async fn get(db: &Db) -> Result<SettingsRow, StoreError> {
    let mut response = checked(
        db.query(
            "SELECT signup_mode, require_two_factor, session_idle_minutes, session_max_hours,
                    token_max_days FROM ONLY setting:instance",
        )
        .await?,
    )?;
    response
        .take::<Option<SettingsRow>>(0)?
        .ok_or_else(|| surrealdb::Error::internal("setting:instance is missing".into()).into())
}
