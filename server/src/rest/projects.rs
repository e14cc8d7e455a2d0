//! `/api/v1/organizations/{org}/projects`: projects, their ownership and their access grants.

use super::ApiJson;
use super::caller::Caller;
use app::domain::organization::Page;
use app::domain::project::{AccessGrant, NewProject, ProjectUpdate, Transfer};
use app::domain::project::{Project, ProjectDetail, ProjectGrant};
use app::error::AppError;
use app::service::projects;
use app::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;

/// The projects the caller may read, by name (every project with `projects.read`).
#[utoipa::path(
    get,
    path = "/organizations/{org}/projects",
    tag = "projects",
    params(("org" = String, Path, description = "Organization name")),
    responses(
        (status = 200, description = "Projects by name, each with the caller's project permissions", body = Page<Project>),
        (status = 404, description = "No such organization, or not a member", body = app::error::ErrorBody)
    )
)]
pub async fn list(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(org): Path<String>,
) -> Result<ApiJson<Page<Project>>, AppError> {
    Ok(ApiJson(Page::all(
        projects::list(&state.db, &principal, &org).await?,
    )))
}

/// Create a project; the caller owns it. Needs `projects.create`.
#[utoipa::path(
    post,
    path = "/organizations/{org}/projects",
    tag = "projects",
    params(("org" = String, Path, description = "Organization name")),
    request_body = NewProject,
    responses(
        (status = 201, description = "Created", body = Project),
        (status = 403, description = "Missing `projects.create`, or a token (a project needs a person as owner)", body = app::error::ErrorBody),
        (status = 404, description = "No such organization, or not a member", body = app::error::ErrorBody),
        (status = 422, description = "Invalid or taken name", body = app::error::ErrorBody)
    )
)]
pub async fn create(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(org): Path<String>,
    ApiJson(input): ApiJson<NewProject>,
) -> Result<(StatusCode, ApiJson<Project>), AppError> {
    let project = projects::create(&state.db, &principal, &org, &input, chrono::Utc::now()).await?;
    Ok((StatusCode::CREATED, ApiJson(project)))
}

/// A project with its access list. Needs `project.read` on it.
#[utoipa::path(
    get,
    path = "/organizations/{org}/projects/{project}",
    tag = "projects",
    params(("org" = String, Path, description = "Organization name"), ("project" = String, Path, description = "Project name")),
    responses(
        (status = 200, description = "The project", body = ProjectDetail),
        (status = 404, description = "No such project, or not readable by the caller", body = app::error::ErrorBody)
    )
)]
pub async fn get(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path((org, project)): Path<(String, String)>,
) -> Result<ApiJson<ProjectDetail>, AppError> {
    Ok(ApiJson(
        projects::get(&state.db, &principal, &org, &project).await?,
    ))
}

/// Rename (owner or `projects.manage`) or describe (`project.write`) a project.
#[utoipa::path(
    patch,
    path = "/organizations/{org}/projects/{project}",
    tag = "projects",
    params(("org" = String, Path, description = "Organization name"), ("project" = String, Path, description = "Project name")),
    request_body = ProjectUpdate,
    responses(
        (status = 200, description = "Updated", body = Project),
        (status = 403, description = "Not allowed", body = app::error::ErrorBody),
        (status = 404, description = "No such project", body = app::error::ErrorBody),
        (status = 422, description = "Invalid or taken name", body = app::error::ErrorBody)
    )
)]
pub async fn update(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path((org, project)): Path<(String, String)>,
    ApiJson(change): ApiJson<ProjectUpdate>,
) -> Result<ApiJson<Project>, AppError> {
    Ok(ApiJson(
        projects::update(
            &state.db,
            &principal,
            &org,
            &project,
            &change,
            chrono::Utc::now(),
        )
        .await?,
    ))
}

/// Delete a project and its grants. Owner or `projects.manage`.
#[utoipa::path(
    delete,
    path = "/organizations/{org}/projects/{project}",
    tag = "projects",
    params(("org" = String, Path, description = "Organization name"), ("project" = String, Path, description = "Project name")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Not the owner and no `projects.manage`", body = app::error::ErrorBody),
        (status = 404, description = "No such project", body = app::error::ErrorBody)
    )
)]
pub async fn delete(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path((org, project)): Path<(String, String)>,
) -> Result<StatusCode, AppError> {
    projects::delete(&state.db, &principal, &org, &project, chrono::Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Hand a project to another member. Owner or `projects.manage`.
#[utoipa::path(
    post,
    path = "/organizations/{org}/projects/{project}/transfer",
    tag = "projects",
    params(("org" = String, Path, description = "Organization name"), ("project" = String, Path, description = "Project name")),
    request_body = Transfer,
    responses(
        (status = 200, description = "Transferred", body = Project),
        (status = 403, description = "Not the owner and no `projects.manage`", body = app::error::ErrorBody),
        (status = 404, description = "No such project", body = app::error::ErrorBody),
        (status = 422, description = "`new_owner` is not a member", body = app::error::ErrorBody)
    )
)]
pub async fn transfer(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path((org, project)): Path<(String, String)>,
    ApiJson(input): ApiJson<Transfer>,
) -> Result<ApiJson<Project>, AppError> {
    Ok(ApiJson(
        projects::transfer(
            &state.db,
            &principal,
            &org,
            &project,
            &input,
            chrono::Utc::now(),
        )
        .await?,
    ))
}

/// Give a member (`user`) or a group (`group`) a project role. Needs
/// `project.manage_access` and every permission the role carries.
#[utoipa::path(
    put,
    path = "/organizations/{org}/projects/{project}/access/{kind}/{name}",
    tag = "projects",
    params(
        ("org" = String, Path, description = "Organization name"),
        ("project" = String, Path, description = "Project name"),
        ("kind" = String, Path, description = "`user` or `group`"),
        ("name" = String, Path, description = "Username or group name")
    ),
    request_body = AccessGrant,
    responses(
        (status = 200, description = "Granted", body = ProjectGrant),
        (status = 403, description = "Missing `project.manage_access`, or a role beyond your own", body = app::error::ErrorBody),
        (status = 404, description = "No such project, member or group", body = app::error::ErrorBody),
        (status = 422, description = "Unknown project role", body = app::error::ErrorBody)
    )
)]
pub async fn set_access(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path((org, project, kind, name)): Path<(String, String, String, String)>,
    ApiJson(input): ApiJson<AccessGrant>,
) -> Result<ApiJson<ProjectGrant>, AppError> {
    Ok(ApiJson(
        projects::set_access(
            &state.db,
            &principal,
            &org,
            &project,
            &kind,
            &name,
            &input,
            chrono::Utc::now(),
        )
        .await?,
    ))
}

/// Take a member's or group's project role away. Needs `project.manage_access`.
#[utoipa::path(
    delete,
    path = "/organizations/{org}/projects/{project}/access/{kind}/{name}",
    tag = "projects",
    params(
        ("org" = String, Path, description = "Organization name"),
        ("project" = String, Path, description = "Project name"),
        ("kind" = String, Path, description = "`user` or `group`"),
        ("name" = String, Path, description = "Username or group name")
    ),
    responses(
        (status = 204, description = "Revoked"),
        (status = 403, description = "Missing `project.manage_access`", body = app::error::ErrorBody),
        (status = 404, description = "No such project or grant", body = app::error::ErrorBody)
    )
)]
pub async fn remove_access(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path((org, project, kind, name)): Path<(String, String, String, String)>,
) -> Result<StatusCode, AppError> {
    projects::remove_access(
        &state.db,
        &principal,
        &org,
        &project,
        &kind,
        &name,
        chrono::Utc::now(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
