use super::{OrgRefresh, PageError, org_param, use_org};
use crate::api::roles::{DeleteRole, SaveRole, list_roles, preview_role, role_holders};
use crate::components::form::{FormError, submission_error};
use crate::components::loading::loading;
use crate::components::permission_picker::{PermissionList, PermissionPicker};
use crate::components::role_fields::RoleFields;
use crate::components::role_preview::RolePreview;
use crate::domain::organization::OrgView;
use crate::domain::permission::{Permission, PermissionSet};
use crate::domain::role::RoleInfo;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// `/orgs/{org}/roles`: built-in and custom roles with holder counts.
#[component]
pub fn RolesPage() -> impl IntoView {
    let org_view = use_org();
    let org = org_param();
    let roles = Resource::new(move || org.get(), list_roles);
    view! {
        <Title text="Roles" />
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                let Ok(view) = org_view.await else { return ().into_any() };
                let name = view.organization.name.clone();
                let new_role = view
                    .can(Permission::RolesManage)
                    .then(|| {
                        view! {
                            <p>
                                <a
                                    class="button button--primary"
                                    href=format!("/orgs/{name}/roles/new")
                                >
                                    "New custom role"
                                </a>
                            </p>
                        }
                    });
                let table = match roles.await {
                    Err(error) => view! { <PageError message=error.message /> }.into_any(),
                    Ok(roles) => view! { <RolesTable org=name.clone() roles /> }.into_any(),
                };
                view! {
                    {new_role}
                    {table}
                }
                    .into_any()
            })}
        </Suspense>
    }
}

#[component]
fn RolesTable(org: String, roles: Vec<RoleInfo>) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table>
                <caption class="visually-hidden">"Roles"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Role"</th>
                        <th scope="col">"Permissions"</th>
                        <th scope="col">"Members"</th>
                        <th scope="col">"Groups"</th>
                    </tr>
                </thead>
                <tbody>
                    {roles
                        .into_iter()
                        .map(|r| {
                            view! {
                                <tr>
                                    <td>
                                        <a href=format!("/orgs/{org}/roles/{}", r.name)>
                                            <strong>{r.title.clone()}</strong>
                                        </a>
                                        " "
                                        {if r.builtin {
                                            view! { <span class="badge">"built-in"</span> }.into_any()
                                        } else {
                                            view! { <span class="badge badge--ok">"custom"</span> }
                                                .into_any()
                                        }}
                                        {(!r.description.is_empty())
                                            .then(|| {
                                                view! {
                                                    <br />
                                                    <span class="muted small">{r.description.clone()}</span>
                                                }
                                            })}
                                    </td>
                                    <td>{r.permissions.len()}</td>
                                    <td>{r.holders}</td>
                                    <td>{r.groups}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// `/orgs/{org}/roles/{role}` (view; edit for custom roles) and `/orgs/{org}/roles/new`.
#[component]
pub fn RolePage() -> impl IntoView {
    let params = use_params_map();
    let role_name = Memo::new(move |_| params.read().get("role").unwrap_or_else(|| "new".into()));
    let org_view = use_org();
    let org = org_param();
    let query = use_query_map();
    // Keyed by the role in the URL (and a save's `?saved`), so moving from one role to another
    // in the browser reads the list again.
    let roles = Resource::new(
        move || (org.get(), role_name.get(), query.read().get("saved")),
        |(org, wanted, _)| async move { list_roles(org).await.map(|roles| (wanted, roles)) },
    );
    view! {
        <Title text="Role" />
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                let Ok(view) = org_view.await else { return ().into_any() };
                let back = format!("/orgs/{}/roles", view.organization.name);
                let body = match roles.await {
                    Err(error) => view! { <PageError message=error.message /> }.into_any(),
                    Ok((wanted, roles)) => role_body(view, &wanted, roles),
                };
                view! {
                    <p>
                        <a href=back>"← All roles"</a>
                    </p>
                    {body}
                }
                    .into_any()
            })}
        </Suspense>
    }
}

/// The role named `wanted` among `roles`: its editor (a custom role, for whoever may manage
/// roles; or a new one), its read-only view, or "no such role".
fn role_body(view: OrgView, wanted: &str, roles: Vec<RoleInfo>) -> AnyView {
    let role = roles.into_iter().find(|r| r.name == wanted);
    match (wanted, role) {
        ("new", _) => view! { <RoleEditor view role=None /> }.into_any(),
        (_, Some(role)) if !role.builtin && view.can(Permission::RolesManage) => {
            let org = view.organization.name.clone();
            let name = role.name.clone();
            view! {
                <RoleEditor view role=Some(role) />
                <DeleteRoleSection org role=name />
            }
            .into_any()
        }
        (_, Some(role)) => view! { <RoleView role /> }.into_any(),
        (_, None) => {
            view! { <PageError message="There is no such role.".to_string() /> }.into_any()
        }
    }
}

/// A role, read-only ("eye" view): its permissions grouped by area, with descriptions.
#[component]
fn RoleView(role: RoleInfo) -> impl IntoView {
    let held = PermissionSet::of_ids(&role.permissions);
    view! {
        <h2>
            {role.title.clone()} " "
            {role.builtin.then(|| view! { <span class="badge">"built-in, read-only"</span> })}
        </h2>
        <p class="muted">{role.description.clone()}</p>
        <PermissionList held />
    }
}

/// The custom role editor: name, title, description, and the catalog as checkboxes grouped by
/// area with a search box; with JavaScript, implied permissions tick and lock themselves, a
/// summary follows the selection, and a preview shows who would gain or lose what.
#[component]
fn RoleEditor(view: OrgView, role: Option<RoleInfo>) -> impl IntoView {
    let save = ServerAction::<SaveRole>::new();
    let error = submission_error(save);
    OrgRefresh::after(move || matches!(save.value().get(), Some(Ok(_))));
    let query = use_query_map();
    let saved = move || query.read().get("saved").is_some();
    let org = view.organization.name.clone();
    let original = role.as_ref().map(|r| r.name.clone()).unwrap_or_default();
    let initial: Vec<Permission> = role
        .as_ref()
        .map(|r| {
            r.permissions
                .iter()
                .filter_map(|p| Permission::parse(p))
                .collect()
        })
        .unwrap_or_default();
    // What is ticked by hand; implied ones are derived.
    let chosen = RwSignal::new(initial);
    let mine = PermissionSet::of(view.permissions.iter().copied());
    let is_new = role.is_none();
    let (org_preview, original_preview) = (org.clone(), original.clone());

    view! {
        <h2>{if is_new { "New custom role".to_string() } else { format!("Edit {}", original) }}</h2>
        <Show when=saved>
            <p class="notice notice--success" role="status">
                "The role was saved."
            </p>
        </Show>
        <ActionForm action=save attr:class="role-editor">
            <FormError error />
            <input type="hidden" name="org" value=org.clone() />
            <input type="hidden" name="original" value=original.clone() />
            <RoleFields role=role.clone() error />
            <PermissionPicker chosen mine />
            <button type="submit" disabled=move || save.pending().get()>
                {move || if save.pending().get() { "Saving…" } else { "Save role" }}
            </button>
        </ActionForm>
        {(!is_new)
            .then(|| {
                let preview = Action::new(move |perms: &Vec<String>| {
                    preview_role(org_preview.clone(), original_preview.clone(), perms.clone())
                });
                view! { <RolePreview chosen preview /> }
            })}
    }
}

/// Deleting a custom role, after confirming; lists who holds it (they fall back to no role).
#[component]
fn DeleteRoleSection(org: String, role: String) -> impl IntoView {
    let query = use_query_map();
    let confirm = move || query.read().get("delete").is_some();
    let delete = ServerAction::<DeleteRole>::new();
    let error = submission_error(delete);
    OrgRefresh::after(move || matches!(delete.value().get(), Some(Ok(_))));
    let (o, r) = (org.clone(), role.clone());
    let holders = Resource::new(|| (), move |_| role_holders(o.clone(), r.clone()));
    let page = format!("/orgs/{org}/roles/{role}");
    view! {
        <h2>"Delete role"</h2>
        <FormError error />
        {move || {
            if confirm() {
                let (org, role, page) = (org.clone(), role.clone(), page.clone());
                view! {
                    <div class="confirm" role="alertdialog" aria-labelledby="confirm-role-title">
                        <p id="confirm-role-title">
                            <strong>{format!("Delete the role {role}?")}</strong>
                        </p>
                        <Suspense fallback=|| ()>
                            {move || Suspend::new(async move {
                                let list = holders.await.unwrap_or_default();
                                if list.is_empty() {
                                    view! { <p class="muted">"Nobody holds it."</p> }.into_any()
                                } else {
                                    view! {
                                        <p>
                                            {format!(
                                                "These members fall back to no role (directly or through a group): {}",
                                                list.join(", "),
                                            )}
                                        </p>
                                    }
                                        .into_any()
                                }
                            })}
                        </Suspense>
                        <ActionForm action=delete attr:class="confirm__actions">
                            <input type="hidden" name="org" value=org />
                            <input type="hidden" name="name" value=role />
                            <button type="submit" class="button--danger">
                                "Delete role"
                            </button>
                            <a class="button" href=page>
                                "Cancel"
                            </a>
                        </ActionForm>
                    </div>
                }
                    .into_any()
            } else {
                view! {
                    <a class="button" href=format!("{page}?delete=1")>
                        "Delete role…"
                    </a>
                }
                    .into_any()
            }
        }}
    }
}
