use super::{org_param, use_org};
use crate::api::projects::{CreateProject, list_projects};
use crate::components::form::{
    FieldError, FormError, cleared_on_success, invalid, submission_error,
};
use crate::components::loading::loading;
use crate::domain::day;
use crate::domain::organization::OrgView;
use crate::domain::permission::Permission;
use crate::domain::project::Project;
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;

/// `/orgs/{org}/projects`: the projects the caller may read, and a form to create one.
#[component]
pub fn ProjectsPage() -> impl IntoView {
    let org = org_param();
    let create = ServerAction::<CreateProject>::new();
    let org_view = use_org();
    let projects = Resource::new(
        move || (org.get(), create.version().get()),
        |(org, _)| list_projects(org),
    );
    view! {
        <Title text="Projects" />
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                let view = org_view.await.ok()?;
                let list = projects.await;
                Some(view! { <ProjectsBody view list create /> })
            })}
        </Suspense>
    }
}

#[component]
fn ProjectsBody(
    view: OrgView,
    list: Result<Vec<Project>, AppError>,
    create: ServerAction<CreateProject>,
) -> impl IntoView {
    let org = view.organization.name.clone();
    let every = view.can(Permission::ProjectsRead);
    let form = view
        .can(Permission::ProjectsCreate)
        .then(|| view! { <NewProjectForm org=org.clone() create /> });
    view! {
        <h2>"Projects"</h2>
        <ProjectList org list every />
        {form}
    }
}

/// The projects the caller may read; `every` says whether that is all of them
/// (it picks the empty list's wording).
#[component]
fn ProjectList(org: String, list: Result<Vec<Project>, AppError>, every: bool) -> impl IntoView {
    match list {
        Err(err) => view! {
            <p class="notice notice--error" role="alert">
                {err.message}
            </p>
        }.into_any(),
        Ok(list) if list.is_empty() => view! {
            <p class="muted">
                {if every {
                    "This organization has no projects yet."
                } else {
                    "No project has been shared with you."
                }}
            </p>
        }.into_any(),
        Ok(list) => view! {
            <div class="table-wrap">
                <table>
                    <caption class="visually-hidden">"Projects"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Project"</th>
                            <th scope="col">"Owner"</th>
                            <th scope="col">"Your access"</th>
                            <th scope="col">"Updated"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {list
                            .into_iter()
                            .map(|p| {
                                view! {
                                    <tr>
                                        <td>
                                            <a href=format!("/orgs/{org}/projects/{}", p.name)>
                                                <strong>{p.name.clone()}</strong>
                                            </a>
                                            {(!p.description.is_empty())
                                                .then(|| {
                                                    view! {
                                                        <br />
                                                        <span class="muted small">{p.description.clone()}</span>
                                                    }
                                                })}
                                        </td>
                                        <td>{p.owner.clone()}</td>
                                        <td>{access_label(&p)}</td>
                                        <td>{day(&p.updated_at)}</td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
        }.into_any(),
    }
}

/// The form that creates a project owned by the caller.
#[component]
fn NewProjectForm(org: String, create: ServerAction<CreateProject>) -> impl IntoView {
    let cleared = cleared_on_success(create);
    let create_error = submission_error(create);
    let pending = create.pending();
    view! {
        <h2>"New project"</h2>
        <ActionForm action=create node_ref=cleared>
            <FormError error=create_error />
            <input type="hidden" name="org" value=org />
            <div class="field">
                <label for="project-name">"Name"</label>
                <input
                    id="project-name"
                    name="name"
                    type="text"
                    required
                    maxlength="39"
                    autocomplete="off"
                    aria-describedby="project-name-hint"
                    aria-invalid=invalid(create_error, "name")
                />
                <p class="field__hint" id="project-name-hint">
                    "Lower-case letters, digits and dashes; you will own the project."
                </p>
                <FieldError error=create_error field="name" />
            </div>
            <div class="field">
                <label for="project-description">"Description"</label>
                <input
                    id="project-description"
                    name="description"
                    type="text"
                    maxlength="500"
                    aria-invalid=invalid(create_error, "description")
                />
                <FieldError error=create_error field="description" />
            </div>
            <button type="submit" disabled=move || pending.get()>
                {move || if pending.get() { "Creating…" } else { "Create project" }}
            </button>
        </ActionForm>
    }
}

/// "Admin", "Contributor" or "Reader": the strongest project role the caller's project
/// permissions amount to.
pub fn access_label(project: &Project) -> &'static str {
    if project.can(Permission::ProjectManageAccess) && project.can(Permission::ProjectWrite) {
        "Admin"
    } else if project.can(Permission::ProjectWrite) {
        "Contributor"
    } else if project.can(Permission::ProjectManageAccess) {
        "Reader, manages access"
    } else {
        "Reader"
    }
}
