use crate::domain::instance::{InstanceStatus, VERSION};
use crate::error::AppError;
use crate::store::{Db, migrations};

/// Public status of the instance. Needs no permission: it reveals only the build version and
/// that the database answers.
pub async fn status(db: &Db) -> Result<InstanceStatus, AppError> {
    super::health::check(db).await?;
    let schema_version = migrations::current_version(db).await?;
    Ok(InstanceStatus {
        version: VERSION.to_string(),
        database_ok: true,
        schema_version,
    })
}
