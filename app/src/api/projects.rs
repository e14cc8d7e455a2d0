//! Projects for the pages.

use crate::domain::project::{Project, ProjectDetail};
use crate::error::AppError;
use leptos::prelude::*;

/// A same-site path to go back to after a plain form post, or `fallback`.
#[cfg(feature = "ssr")]
fn back_or(back: Option<String>, fallback: String) -> String {
    back.filter(|b| b.starts_with('/') && !b.starts_with("//"))
        .unwrap_or(fallback)
}

/// The projects the caller may read.
#[server(endpoint = "orgs/projects")]
pub async fn list_projects(org: String) -> Result<Vec<Project>, AppError> {
    super::run(move |state, principal| async move {
        crate::service::projects::list(&state.db, &principal, &org).await
    })
    .await
}

/// A project with its access list. Needs `project.read` on it.
#[server(endpoint = "orgs/projects/get")]
pub async fn get_project(org: String, project: String) -> Result<ProjectDetail, AppError> {
    super::run(move |state, principal| async move {
        crate::service::projects::get(&state.db, &principal, &org, &project).await
    })
    .await
}

/// Creates a project owned by the caller. Needs `projects.create`.
#[server(endpoint = "orgs/projects/create")]
pub async fn create_project(
    org: String,
    #[server(flatten)] input: crate::domain::project::NewProject,
) -> Result<Project, AppError> {
    super::run(move |state, principal| async move {
        let project = crate::service::projects::create(
            &state.db,
            &principal,
            &org,
            &input,
            chrono::Utc::now(),
        )
        .await?;
        super::redirect(&format!("/orgs/{org}/projects/{}", project.name));
        Ok(project)
    })
    .await
}

/// Renames a project or changes its description.
#[server(endpoint = "orgs/projects/update")]
pub async fn update_project(
    org: String,
    project: String,
    name: String,
    description: String,
) -> Result<Project, AppError> {
    use crate::domain::project::ProjectUpdate;
    use crate::service::projects;
    super::run(move |state, principal| async move {
        let name = name.trim().to_lowercase();
        let updated = projects::update(
            &state.db,
            &principal,
            &org,
            &project,
            &ProjectUpdate {
                name: (!name.is_empty() && name != project).then_some(name),
                description: Some(description),
            },
            chrono::Utc::now(),
        )
        .await?;
        super::redirect(&format!("/orgs/{org}/projects/{}?saved=1", updated.name));
        Ok(updated)
    })
    .await
}

/// Deletes a project. Owner or `projects.manage`.
#[server(endpoint = "orgs/projects/delete")]
pub async fn delete_project(org: String, project: String) -> Result<(), AppError> {
    super::run(move |state, principal| async move {
        crate::service::projects::delete(&state.db, &principal, &org, &project, chrono::Utc::now())
            .await?;
        super::redirect(&format!("/orgs/{org}/projects"));
        Ok(())
    })
    .await
}

/// Hands a project to another member; goes `back` (e.g. to a removal dialog) afterwards.
#[server(endpoint = "orgs/projects/transfer")]
pub async fn transfer_project(
    org: String,
    project: String,
    new_owner: String,
    back: Option<String>,
) -> Result<Project, AppError> {
    use crate::domain::project::Transfer;
    use crate::service::projects;
    super::run(move |state, principal| async move {
        let moved = projects::transfer(
            &state.db,
            &principal,
            &org,
            &project,
            &Transfer { new_owner },
            chrono::Utc::now(),
        )
        .await?;
        if super::plain_form_post() {
            super::redirect(&back_or(
                back,
                format!("/orgs/{org}/projects/{project}?saved=1"),
            ));
        }
        Ok(moved)
    })
    .await
}

/// Gives a member (`kind` "user") or a group (`kind` "group") a project role.
#[server(endpoint = "orgs/projects/access/set")]
pub async fn set_project_access(
    org: String,
    project: String,
    kind: String,
    name: String,
    role: String,
) -> Result<(), AppError> {
    use crate::domain::project::AccessGrant;
    use crate::service::projects;
    super::run(move |state, principal| async move {
        projects::set_access(
            &state.db,
            &principal,
            &org,
            &project,
            &kind,
            &name,
            &AccessGrant { role },
            chrono::Utc::now(),
        )
        .await?;
        if super::plain_form_post() {
            super::redirect(&format!("/orgs/{org}/projects/{project}"));
        }
        Ok(())
    })
    .await
}

/// Takes a member's or group's project role away.
#[server(endpoint = "orgs/projects/access/remove")]
pub async fn remove_project_access(
    org: String,
    project: String,
    kind: String,
    name: String,
) -> Result<(), AppError> {
    super::run(move |state, principal| async move {
        crate::service::projects::remove_access(
            &state.db,
            &principal,
            &org,
            &project,
            &kind,
            &name,
            chrono::Utc::now(),
        )
        .await?;
        if super::plain_form_post() {
            super::redirect(&format!("/orgs/{org}/projects/{project}"));
        }
        Ok(())
    })
    .await
}

/// The projects a member owns (for the removal dialog). Needs `members.read`.
#[server(endpoint = "orgs/projects/owned")]
pub async fn owned_projects(org: String, username: String) -> Result<Vec<String>, AppError> {
    super::run(move |state, principal| async move {
        crate::service::projects::owned_by(&state.db, &principal, &org, &username).await
    })
    .await
}
