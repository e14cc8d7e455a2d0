use crate::domain::instance::InstanceStatus;
use crate::error::AppError;
use leptos::prelude::*;

/// Public: no permission needed.
#[server(endpoint = "instance/status")]
pub async fn get_instance_status() -> Result<InstanceStatus, AppError> {
    let state = super::state()?;
    super::respond(crate::service::instance::status(&state.db).await)
}
