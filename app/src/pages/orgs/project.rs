use super::projects::access_label;
use super::{PageError, org_param, use_org};
use crate::api::projects::{
    DeleteProject, RemoveProjectAccess, SetProjectAccess, TransferProject, UpdateProject,
    get_project,
};
use crate::components::confirm_step::ConfirmStep;
use crate::components::form::{FieldError, FormError, invalid, submission_error};
use crate::components::loading::loading;
use crate::components::member_suggestions::{MemberSearch, MemberSuggestions};
use crate::domain::day;
use crate::domain::permission::{Permission, PermissionSet};
use crate::domain::project::ProjectDetail;
use crate::domain::role::ProjectRole;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// `/orgs/{org}/projects/{project}`: a project, who has access, and (as allowed) edit, grant,
/// transfer and delete.
#[component]
pub fn ProjectPage() -> impl IntoView {
    let params = use_params_map();
    let project = Memo::new(move |_| params.read().get("project").unwrap_or_default());
    let org = org_param();
    let grant = ServerAction::<SetProjectAccess>::new();
    let revoke = ServerAction::<RemoveProjectAccess>::new();
    let org_view = use_org();
    let (grant_search, owner_search) = (MemberSearch::new(org), MemberSearch::new(org));
    let detail = Resource::new(
        move || {
            (
                org.get(),
                project.get(),
                grant.version().get(),
                revoke.version().get(),
            )
        },
        |(org, project, ..)| get_project(org, project),
    );
    view! {
        <Title text="Project" />
        <Suspense fallback=loading>
            {move || {
                Suspend::new(async move {
                    let Ok(view) = org_view.await else { return ().into_any() };
                    let name = view.organization.name;
                    match detail.await {
                        Err(error) => {
                            let message = if error.status() == 404 {
                                "There is no such project, or it has not been shared with you."
                                    .to_string()
                            } else {
                                error.message
                            };
                            view! {
                                <PageError message />
                                <p>
                                    <a href=format!("/orgs/{name}/projects")>"← All projects"</a>
                                </p>
                            }
                                .into_any()
                        }
                        Ok(detail) => {
                            view! {
                                <ProjectBody
                                    org=name
                                    detail
                                    grant
                                    revoke
                                    grant_search
                                    owner_search
                                />
                            }
                                .into_any()
                        }
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn ProjectBody(
    org: String,
    detail: ProjectDetail,
    grant: ServerAction<SetProjectAccess>,
    revoke: ServerAction<RemoveProjectAccess>,
    grant_search: MemberSearch,
    owner_search: MemberSearch,
) -> impl IntoView {
    let query = use_query_map();
    let saved = move || query.read().get("saved").is_some();
    let project = detail.project.clone();
    let page = format!("/orgs/{org}/projects/{}", project.name);
    let manage_access = project.can(Permission::ProjectManageAccess);
    let revoke_error = submission_error(revoke);
    let grant_form = manage_access.then(|| {
        let mine = PermissionSet::of(
            project
                .permissions
                .iter()
                .filter_map(|p| Permission::parse(p)),
        );
        view! { <GrantForm org=org.clone() project=project.name.clone() mine grant search=grant_search /> }
    });
    let edit = (detail.manage || project.can(Permission::ProjectWrite)).then(|| {
        view! { <EditProject org=org.clone() detail=detail.clone() /> }
    });
    let owner_tools = detail.manage.then(|| {
        view! {
            <TransferForm
                org=org.clone()
                project=project.name.clone()
                owner=project.owner.clone()
                search=owner_search
            />
            <DeleteProjectSection org=org.clone() project=project.name.clone() page=page.clone() />
        }
    });

    view! {
        <p>
            <a href=format!("/orgs/{org}/projects")>"← All projects"</a>
        </p>
        <h2>{format!("Project {}", project.name)}</h2>
        <Show when=saved>
            <p class="notice notice--success" role="status">
                "The project was saved."
            </p>
        </Show>
        <dl class="facts">
            <div>
                <dt>"Owner"</dt>
                <dd>{project.owner.clone()}</dd>
            </div>
            <div>
                <dt>"Your access"</dt>
                <dd>{access_label(&project)}</dd>
            </div>
            <div>
                <dt>"Description"</dt>
                <dd>
                    {if project.description.is_empty() {
                        "—".to_string()
                    } else {
                        project.description.clone()
                    }}
                </dd>
            </div>
            <div>
                <dt>"Created"</dt>
                <dd>{day(&project.created_at)}</dd>
            </div>
        </dl>
        <h2>"Access"</h2>
        <FormError error=revoke_error />
        <AccessTable org=org.clone() detail=detail.clone() revoke />
        {grant_form}
        {edit}
        {owner_tools}
    }
}

/// Who holds a role on the project, each with a Remove button when the caller may take it.
#[component]
fn AccessTable(
    org: String,
    detail: ProjectDetail,
    revoke: ServerAction<RemoveProjectAccess>,
) -> impl IntoView {
    let project = detail.project.clone();
    let manage_access = project.can(Permission::ProjectManageAccess);
    let access_rows = detail
        .access
        .iter()
        .map(|g| {
            let who = if g.kind == "group" {
                format!("Group {}", g.name)
            } else {
                g.name.clone()
            };
            let role =
                ProjectRole::parse(&g.role).map_or(g.role.clone(), |r| r.title().to_string());
            let remove = manage_access.then(|| {
                let label = format!("Take {who}'s access away");
                let (org, name, kind, grantee) = (
                    org.clone(),
                    project.name.clone(),
                    g.kind.clone(),
                    g.name.clone(),
                );
                view! {
                    <ActionForm action=revoke attr:class="inline-form">
                        <input type="hidden" name="org" value=org />
                        <input type="hidden" name="project" value=name />
                        <input type="hidden" name="kind" value=kind />
                        <input type="hidden" name="name" value=grantee />
                        <button type="submit" class="button--secondary" aria-label=label>
                            "Remove"
                        </button>
                    </ActionForm>
                }
            });
            view! {
                <tr>
                    <td>{who}</td>
                    <td>
                        <span class="badge">{role}</span>
                    </td>
                    <td>{remove}</td>
                </tr>
            }
        })
        .collect_view();
    if detail.access.is_empty() {
        view! {
            <p class="muted">
                "No member or group has been given a project role. Organization roles with \"See projects\" still read it."
            </p>
        }.into_any()
    } else {
        view! {
            <div class="table-wrap">
                <table>
                    <caption class="visually-hidden">"Project access"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Member or group"</th>
                            <th scope="col">"Project role"</th>
                            <th scope="col">
                                <span class="visually-hidden">"Action"</span>
                            </th>
                        </tr>
                    </thead>
                    <tbody>{access_rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    }
}

#[component]
fn GrantForm(
    org: String,
    project: String,
    mine: PermissionSet,
    grant: ServerAction<SetProjectAccess>,
    search: MemberSearch,
) -> impl IntoView {
    let grant_error = submission_error(grant);
    let typed = search.typed;
    let roles: Vec<ProjectRole> = ProjectRole::ALL
        .into_iter()
        .filter(|r| mine.covers(r.permissions()))
        .collect();
    view! {
        <h3>"Give access"</h3>
        <ActionForm action=grant>
            <FormError error=grant_error />
            <input type="hidden" name="org" value=org.clone() />
            <input type="hidden" name="project" value=project />
            <div class="field">
                <label for="grant-kind">"To"</label>
                <select id="grant-kind" name="kind">
                    <option value="user" selected=true>
                        "A member"
                    </option>
                    <option value="group">"A group"</option>
                </select>
            </div>
            <div class="field">
                <label for="grant-name">"Username or group name"</label>
                <input
                    id="grant-name"
                    name="name"
                    type="text"
                    required
                    autocomplete="off"
                    list="grant-suggestions"
                    aria-invalid=invalid(grant_error, "name")
                    on:input=move |ev| typed.set(event_target_value(&ev))
                />
                <MemberSuggestions search id="grant-suggestions" />
                <FieldError error=grant_error field="name" />
            </div>
            <div class="field">
                <label for="grant-role">"Project role"</label>
                <select
                    id="grant-role"
                    name="role"
                    aria-describedby="grant-role-hint"
                    aria-invalid=invalid(grant_error, "role")
                >
                    {roles
                        .iter()
                        .map(|r| {
                            view! {
                                <option value=r
                                    .name()>
                                    {format!("{} — {}", r.title(), r.description())}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
                <p class="field__hint" id="grant-role-hint">
                    "Only roles within your own rights on this project are offered."
                </p>
                <FieldError error=grant_error field="role" />
            </div>
            <button type="submit" disabled=move || grant.pending().get()>
                "Give access"
            </button>
        </ActionForm>
    }
}

#[component]
fn EditProject(org: String, detail: ProjectDetail) -> impl IntoView {
    let update = ServerAction::<UpdateProject>::new();
    let update_error = submission_error(update);
    let project = detail.project;
    view! {
        <h2>"Edit project"</h2>
        <ActionForm action=update>
            <FormError error=update_error />
            <input type="hidden" name="org" value=org />
            <input type="hidden" name="project" value=project.name.clone() />
            {if detail.manage {
                view! {
                    <div class="field">
                        <label for="edit-name">"Name"</label>
                        <input
                            id="edit-name"
                            name="name"
                            type="text"
                            required
                            maxlength="39"
                            value=project.name.clone()
                            aria-invalid=invalid(update_error, "name")
                        />
                        <FieldError error=update_error field="name" />
                    </div>
                }
                    .into_any()
            } else {
                view! { <input type="hidden" name="name" value=project.name.clone() /> }.into_any()
            }}
            <div class="field">
                <label for="edit-description">"Description"</label>
                <input
                    id="edit-description"
                    name="description"
                    type="text"
                    maxlength="500"
                    value=project.description.clone()
                    aria-invalid=invalid(update_error, "description")
                />
                <FieldError error=update_error field="description" />
            </div>
            <button type="submit">"Save project"</button>
        </ActionForm>
    }
}

#[component]
fn TransferForm(
    org: String,
    project: String,
    owner: String,
    search: MemberSearch,
) -> impl IntoView {
    let transfer = ServerAction::<TransferProject>::new();
    let transfer_error = submission_error(transfer);
    let typed = search.typed;
    let done = move || transfer.value().get().and_then(Result::ok).map(|p| p.owner);
    view! {
        <h2>"Transfer ownership"</h2>
        <p class="muted">
            {format!(
                "{owner} owns this project. The new owner must be a member of the organization.",
            )}
        </p>
        {move || {
            done()
                .map(|owner| {
                    view! {
                        <p class="notice notice--success" role="status">
                            {format!("The project now belongs to {owner}.")}
                        </p>
                    }
                })
        }}
        <ActionForm action=transfer>
            <FormError error=transfer_error />
            <input type="hidden" name="org" value=org.clone() />
            <input type="hidden" name="project" value=project />
            <div class="field">
                <label for="new-owner">"New owner"</label>
                <input
                    id="new-owner"
                    name="new_owner"
                    type="text"
                    required
                    autocomplete="off"
                    list="owner-suggestions"
                    aria-invalid=invalid(transfer_error, "new_owner")
                    on:input=move |ev| typed.set(event_target_value(&ev))
                />
                <MemberSuggestions search id="owner-suggestions" />
                <FieldError error=transfer_error field="new_owner" />
            </div>
            <button type="submit" disabled=move || transfer.pending().get()>
                "Transfer"
            </button>
        </ActionForm>
    }
}

/// Deleting a project, behind a confirmation step (`?delete=1`) that works without JavaScript.
#[component]
fn DeleteProjectSection(org: String, project: String, page: String) -> impl IntoView {
    let delete = ServerAction::<DeleteProject>::new();
    let delete_error = submission_error(delete);
    let question = format!("Delete the project {project}?");
    let back = page.clone();
    let form = move || {
        let (org, project, page) = (org.clone(), project.clone(), back.clone());
        view! {
            <ActionForm action=delete attr:class="confirm__actions">
                <input type="hidden" name="org" value=org />
                <input type="hidden" name="project" value=project />
                <button type="submit" class="button--danger">
                    "Delete project"
                </button>
                <a class="button" href=page>
                    "Cancel"
                </a>
            </ActionForm>
        }
    };
    view! {
        <h2>"Delete project"</h2>
        <FormError error=delete_error />
        <ConfirmStep
            open_label="Delete project…"
            page
            question
            form
            consequence="Everyone loses the access granted on it. This cannot be undone."
        />
    }
}
