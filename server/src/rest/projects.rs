//! `/api/v1/organizations/{org}/projects`: projects, their ownership and their access grants.

use super::ApiJson;
use super::caller::Caller;
use super::paths::{AccessPath, MemberPath, OrgPath, ProjectPath};
use super::refusals::{Forbidden, Invalid, Malformed, NotAuthenticated, NotFound};
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
    params(OrgPath),
    responses(
        (status = 200, description = "Projects by name, each with the caller's project permissions", body = Page<Project>),
        NotAuthenticated, NotFound
    )
)]
pub async fn list(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(OrgPath { org }): Path<OrgPath>,
) -> Result<ApiJson<Page<Project>>, AppError> {
    Ok(ApiJson(Page::all(
        projects::list(&state.db, &principal, &org).await?,
    )))
}

/// Create a project; the caller owns it. Needs `projects.create`.
///
/// Refusals: 403: Missing `projects.create`, or a token (a project needs a person as owner);
/// 422: Invalid or taken name.
#[utoipa::path(
    post,
    path = "/organizations/{org}/projects",
    tag = "projects",
    params(OrgPath),
    request_body = NewProject,
    responses(
        (status = 201, description = "Created", body = Project),
        Malformed, NotAuthenticated, Forbidden, NotFound, Invalid
    )
)]
pub async fn create(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(OrgPath { org }): Path<OrgPath>,
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
    params(ProjectPath),
    responses(
        (status = 200, description = "The project", body = ProjectDetail),
        NotAuthenticated, NotFound
    )
)]
pub async fn get(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(ProjectPath { org, project }): Path<ProjectPath>,
) -> Result<ApiJson<ProjectDetail>, AppError> {
    Ok(ApiJson(
        projects::get(&state.db, &principal, &org, &project).await?,
    ))
}

/// Rename (owner or `projects.manage`) or describe (`project.write`) a project.
///
/// Refusals: 403: Not allowed; 422: Invalid or taken name.
#[utoipa::path(
    patch,
    path = "/organizations/{org}/projects/{project}",
    tag = "projects",
    params(ProjectPath),
    request_body = ProjectUpdate,
    responses(
        (status = 200, description = "Updated", body = Project),
        Malformed, NotAuthenticated, Forbidden, NotFound, Invalid
    )
)]
pub async fn update(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(ProjectPath { org, project }): Path<ProjectPath>,
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
///
/// Refusals: 403: Not the owner and no `projects.manage`.
#[utoipa::path(
    delete,
    path = "/organizations/{org}/projects/{project}",
    tag = "projects",
    params(ProjectPath),
    responses(
        (status = 204, description = "Deleted"),
        NotAuthenticated, Forbidden, NotFound
    )
)]
pub async fn delete(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(ProjectPath { org, project }): Path<ProjectPath>,
) -> Result<StatusCode, AppError> {
    projects::delete(&state.db, &principal, &org, &project, chrono::Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Hand a project to another member. Owner or `projects.manage`.
///
/// Refusals: 403: Not the owner and no `projects.manage`; 422: `new_owner` is not a member.
#[utoipa::path(
    post,
    path = "/organizations/{org}/projects/{project}/transfer",
    tag = "projects",
    params(ProjectPath),
    request_body = Transfer,
    responses(
        (status = 200, description = "Transferred", body = Project),
        Malformed, NotAuthenticated, Forbidden, NotFound, Invalid
    )
)]
pub async fn transfer(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(ProjectPath { org, project }): Path<ProjectPath>,
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
///
/// Refusals: 403: Missing `project.manage_access`, or a role beyond your own; 422: Unknown
/// project role.
#[utoipa::path(
    put,
    path = "/organizations/{org}/projects/{project}/access/{kind}/{name}",
    tag = "projects",
    params(AccessPath),
    request_body = AccessGrant,
    responses(
        (status = 200, description = "Granted", body = ProjectGrant),
        Malformed, NotAuthenticated, Forbidden, NotFound, Invalid
    )
)]
pub async fn set_access(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(AccessPath {
        org,
        project,
        kind,
        name,
    }): Path<AccessPath>,
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
    params(AccessPath),
    responses(
        (status = 204, description = "Revoked"),
        NotAuthenticated, Forbidden, NotFound
    )
)]
pub async fn remove_access(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(AccessPath {
        org,
        project,
        kind,
        name,
    }): Path<AccessPath>,
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

/// The names of the projects a member owns (who must receive them before the member can be
/// removed). Needs `members.read`; without `projects.read`, only the projects the caller may
/// read are named.
#[utoipa::path(
    get,
    path = "/organizations/{org}/members/{username}/projects",
    tag = "projects",
    params(MemberPath),
    responses(
        (status = 200, description = "Project names", body = Page<String>),
        NotAuthenticated, Forbidden, NotFound
    )
)]
pub async fn owned(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(MemberPath { org, username }): Path<MemberPath>,
) -> Result<ApiJson<Page<String>>, AppError> {
    Ok(ApiJson(Page::all(
        projects::owned_by(&state.db, &principal, &org, &username).await?,
    )))
}
