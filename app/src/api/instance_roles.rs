//! Instance roles for the pages.

use crate::domain::role::{Preview, RoleInfo};
use crate::error::AppError;
use leptos::prelude::*;

/// Every instance role with its holder count. Needs `users.read`.
#[server(endpoint = "admin/roles")]
pub async fn list_instance_roles() -> Result<Vec<RoleInfo>, AppError> {
    super::run(move |state, principal| async move {
        crate::service::instance_roles::list(&state.db, &principal).await
    })
    .await
}

/// Creates (no `original`) or edits (`original` = the role's name) a custom instance role;
/// opens it. Needs `instance.roles.manage`.
#[server(endpoint = "admin/roles/save")]
pub async fn save_instance_role(
    #[server(default)] original: String,
    #[server(default)] name: String,
    title: String,
    description: String,
    #[server(default)] permissions: Vec<String>,
) -> Result<(), AppError> {
    use crate::domain::role::{NewRole, RoleUpdate};
    use crate::service::instance_roles;
    super::run(move |state, principal| async move {
        let now = chrono::Utc::now();
        let saved = if original.is_empty() {
            let role = NewRole {
                name,
                title: Some(title),
                description: Some(description),
                permissions,
            };
            instance_roles::create(&state.db, &principal, &role, now).await?
        } else {
            let change = RoleUpdate {
                title: Some(title),
                description: Some(description),
                permissions: Some(permissions),
            };
            instance_roles::update(&state.db, &principal, &original, &change, now).await?
        };
        super::redirect(&format!("/admin/roles/{}?saved=1", saved.name));
        Ok(())
    })
    .await
}

/// Deletes a custom instance role. Needs `instance.roles.manage`.
#[server(endpoint = "admin/roles/delete")]
pub async fn delete_instance_role(name: String) -> Result<(), AppError> {
    super::run(move |state, principal| async move {
        crate::service::instance_roles::delete(&state.db, &principal, &name, chrono::Utc::now())
            .await?;
        super::redirect("/admin/roles");
        Ok(())
    })
    .await
}

/// The users who hold an instance role. Needs `users.read`.
#[server(endpoint = "admin/roles/holders")]
pub async fn instance_role_holders(name: String) -> Result<Vec<String>, AppError> {
    super::run(move |state, principal| async move {
        crate::service::instance_roles::holders(&state.db, &principal, &name).await
    })
    .await
}

/// Who would gain or lose what if the role carried `permissions`. Needs
/// `instance.roles.manage`.
#[server(endpoint = "admin/roles/preview")]
pub async fn preview_instance_role(
    name: String,
    permissions: Vec<String>,
) -> Result<Preview, AppError> {
    super::run(move |state, principal| async move {
        let input = crate::domain::role::PreviewInput { permissions };
        crate::service::instance_roles::preview(&state.db, &principal, &name, &input).await
    })
    .await
}
