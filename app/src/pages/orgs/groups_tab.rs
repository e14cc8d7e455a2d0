use crate::api::groups::{CreateGroup, list_groups};
use crate::components::form::{FieldError, FormError, invalid, submission_error};
use crate::domain::organization::{OrgView, RoleChoice};
use crate::domain::permission::Permission;
use crate::domain::role::BuiltinRole;
use leptos::prelude::*;

/// The groups tab: every group with its role and size, and a form to create one.
#[component]
pub fn GroupsTab(view: OrgView) -> impl IntoView {
    let org = view.organization.name.clone();
    let create = ServerAction::<CreateGroup>::new();
    let org_for_list = org.clone();
    let groups = Resource::new(
        move || create.version().get(),
        move |_| list_groups(org_for_list.clone()),
    );
    let manage = view.can(Permission::GroupsManage);
    let roles = view.grantable_roles.clone();
    let org_for_rows = org.clone();
    view! {
        <Suspense fallback=|| {
            view! {
                <p class="muted" role="status">
                    "Loading groups…"
                </p>
            }
        }>
            {move || {
                let org = org_for_rows.clone();
                Suspend::new(async move {
                    match groups.await {
                        Err(err) => {
                            view! {
                                <p class="notice notice--error" role="alert">
                                    {err.message}
                                </p>
                            }
                                .into_any()
                        }
                        Ok(list) if list.is_empty() => {
                            view! { <p class="muted">"No groups yet."</p> }.into_any()
                        }
                        Ok(list) => {
                            view! {
                                <div class="table-wrap">
                                    <table>
                                        <caption class="visually-hidden">"Groups"</caption>
                                        <thead>
                                            <tr>
                                                <th scope="col">"Group"</th>
                                                <th scope="col">"Role"</th>
                                                <th scope="col">"Members"</th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {list
                                                .into_iter()
                                                .map(|g| {
                                                    view! {
                                                        <tr>
                                                            <td>
                                                                <a href=format!("/orgs/{org}/groups/{}", g.name)>
                                                                    <strong>{g.name.clone()}</strong>
                                                                </a>
                                                                {(!g.description.is_empty())
                                                                    .then(|| {
                                                                        view! {
                                                                            <br />
                                                                            <span class="muted small">{g.description.clone()}</span>
                                                                        }
                                                                    })}
                                                            </td>
                                                            <td>
                                                                {g
                                                                    .role
                                                                    .clone()
                                                                    .map_or_else(
                                                                        || "No role".to_string(),
                                                                        |r| {
                                                                            BuiltinRole::parse(&r).map_or(r, |b| b.title().to_string())
                                                                        },
                                                                    )}
                                                            </td>
                                                            <td>{g.members_count}</td>
                                                        </tr>
                                                    }
                                                })
                                                .collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                            }
                                .into_any()
                        }
                    }
                })
            }}
        </Suspense>
        {manage.then(|| view! { <NewGroupForm org=org.clone() create roles=roles.clone() /> })}
    }
}

/// Creating a group (for members who may manage groups), with the roles the caller may give.
#[component]
fn NewGroupForm(
    org: String,
    create: ServerAction<CreateGroup>,
    roles: Vec<RoleChoice>,
) -> impl IntoView {
    let error = submission_error(create);
    view! {
        <h2>"New group"</h2>
        <ActionForm action=create>
            <FormError error />
            <input type="hidden" name="org" value=org.clone() />
            <div class="field">
                <label for="group-name">"Name"</label>
                <input
                    id="group-name"
                    name="name"
                    type="text"
                    required
                    maxlength="39"
                    aria-invalid=invalid(error, "name")
                />
                <FieldError error field="name" />
            </div>
            <div class="field">
                <label for="group-description">"Description (optional)"</label>
                <input id="group-description" name="description" type="text" maxlength="500" />
            </div>
            <div class="field">
                <label for="group-role">"Role its members get"</label>
                <select id="group-role" name="role" aria-invalid=invalid(error, "role")>
                    <option value="">"No role"</option>
                    {roles
                        .iter()
                        .map(|r| {
                            view! {
                                <option value=r
                                    .name
                                    .clone()>{format!("{} — {}", r.title, r.description)}</option>
                            }
                        })
                        .collect_view()}
                </select>
                <FieldError error field="role" />
            </div>
            <button type="submit" disabled=move || create.pending().get()>
                {move || { if create.pending().get() { "Creating…" } else { "Create group" } }}
            </button>
        </ActionForm>
    }
}
