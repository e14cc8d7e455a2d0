//! Roles for the pages.

use crate::domain::role::RoleInfo;
use crate::error::AppError;
use leptos::prelude::*;

/// The organization's roles. Needs `roles.read`.
#[server(endpoint = "orgs/roles")]
pub async fn list_roles(org: String) -> Result<Vec<RoleInfo>, AppError> {
    super::run(move |state, principal| async move {
        crate::service::roles::list(&state.db, &principal, &org).await
    })
    .await
}

/// Creates (no `original`) or edits (`original` = the role's name) a custom role; opens it.
/// Needs `roles.manage`.
#[server(endpoint = "orgs/roles/save")]
pub async fn save_role(
    org: String,
    #[server(default)] original: String,
    #[server(default)] name: String,
    title: String,
    description: String,
    #[server(default)] permissions: Vec<String>,
) -> Result<(), AppError> {
    use crate::domain::role::{NewRole, RoleUpdate};
    use crate::service::roles;
    super::run(move |state, principal| async move {
        let now = chrono::Utc::now();
        let saved = if original.is_empty() {
            roles::create(
                &state.db,
                &principal,
                &org,
                &NewRole {
                    name,
                    title: Some(title),
                    description: Some(description),
                    permissions,
                },
                now,
            )
            .await?
        } else {
            roles::update(
                &state.db,
                &principal,
                &org,
                &original,
                &RoleUpdate {
                    title: Some(title),
                    description: Some(description),
                    permissions: Some(permissions),
                },
                now,
            )
            .await?
        };
        super::redirect(&format!("/orgs/{org}/roles/{}?saved=1", saved.name));
        Ok(())
    })
    .await
}

/// Deletes a custom role. Needs `roles.manage`.
#[server(endpoint = "orgs/roles/delete")]
pub async fn delete_role(org: String, name: String) -> Result<(), AppError> {
    super::run(move |state, principal| async move {
        crate::service::roles::delete(&state.db, &principal, &org, &name, chrono::Utc::now())
            .await?;
        super::redirect(&format!("/orgs/{org}/roles"));
        Ok(())
    })
    .await
}

/// Members who hold a role directly or through a group. Needs `roles.read`.
#[server(endpoint = "orgs/roles/holders")]
pub async fn role_holders(org: String, name: String) -> Result<Vec<String>, AppError> {
    super::run(move |state, principal| async move {
        crate::service::roles::role_holders(&state.db, &principal, &org, &name).await
    })
    .await
}

/// Who would gain or lose what if the role carried `permissions`. Needs `roles.manage`.
#[server(endpoint = "orgs/roles/preview")]
pub async fn preview_role(
    org: String,
    name: String,
    permissions: Vec<String>,
) -> Result<crate::domain::role::Preview, AppError> {
    super::run(move |state, principal| async move {
        crate::service::roles::preview(
            &state.db,
            &principal,
            &org,
            &name,
            &crate::domain::role::PreviewInput { permissions },
        )
        .await
    })
    .await
}
