//! `/admin/roles`: the instance roles (built-in and custom) with their holders; a custom role's
//! editor (the instance catalog with search, implied permissions, a preview of who gains or
//! loses what) for holders of `instance.roles.manage`.

use crate::api::admin::admin_check;
use crate::api::instance_roles::{
    DeleteInstanceRole, SaveInstanceRole, instance_role_holders, list_instance_roles,
    preview_instance_role,
};
use crate::components::confirm_step::ConfirmStep;
use crate::components::form::{FormError, submission_error};
use crate::components::loading::loading;
use crate::components::permission_picker::{PermissionList, PermissionPicker};
use crate::components::role_fields::RoleFields;
use crate::components::role_preview::RolePreview;
use crate::domain::instance_permission::{InstancePermission, InstancePermissionSet};
use crate::domain::role::RoleInfo;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

const MANAGE: &str = "instance.roles.manage";

/// The instance roles with holder counts.
#[component]
pub fn AdminRolesPage() -> impl IntoView {
    let roles = Resource::new(|| (), |_| list_instance_roles());
    let mine = Resource::new(|| (), |_| admin_check());
    view! {
        <Title text="Instance roles" />
        <p class="muted">
            "An instance role decides what its holder may do in the site administration. Each user holds at most one."
        </p>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                let mine = mine.await.unwrap_or_default();
                let new_role = mine
                    .iter()
                    .any(|p| p == MANAGE)
                    .then(|| {
                        view! {
                            <p>
                                <a class="button button--primary" href="/admin/roles/new">
                                    "New instance role"
                                </a>
                            </p>
                        }
                    });
                match roles.await {
                    Err(err) => {
                        view! {
                            <p class="notice notice--error" role="alert">
                                {err.message}
                            </p>
                        }
                            .into_any()
                    }
                    Ok(roles) => {
                        view! {
                            {new_role}
                            <RolesTable roles />
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
fn RolesTable(roles: Vec<RoleInfo>) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table>
                <caption class="visually-hidden">"Instance roles"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Role"</th>
                        <th scope="col">"Permissions"</th>
                        <th scope="col">"Holders"</th>
                    </tr>
                </thead>
                <tbody>
                    {roles
                        .into_iter()
                        .map(|r| {
                            let holders_href = format!("/admin/users?instance_role={}", r.name);
                            view! {
                                <tr>
                                    <td>
                                        <a href=format!("/admin/roles/{}", r.name)>
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
                                    <td>
                                        <a href=holders_href>{r.holders}</a>
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// `/admin/roles/{role}` (view; edit and delete for a custom role, for holders of
/// `instance.roles.manage`) and `/admin/roles/new`.
#[component]
pub fn AdminRolePage() -> impl IntoView {
    let params = use_params_map();
    let wanted = Memo::new(move |_| params.read().get("role").unwrap_or_else(|| "new".into()));
    let query = use_query_map();
    let roles = Resource::new(
        move || (wanted.get(), query.read().get("saved")),
        |(wanted, _)| async move { list_instance_roles().await.map(|roles| (wanted, roles)) },
    );
    let mine = Resource::new(|| (), |_| admin_check());
    view! {
        <Title text="Instance role" />
        <p>
            <a href="/admin/roles">"← All instance roles"</a>
        </p>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                let mine = InstancePermissionSet::of_ids(&mine.await.unwrap_or_default());
                match roles.await {
                    Err(err) => {
                        view! {
                            <p class="notice notice--error" role="alert">
                                {err.message}
                            </p>
                        }
                            .into_any()
                    }
                    Ok((wanted, roles)) => role_body(mine, &wanted, roles),
                }
            })}
        </Suspense>
    }
}

/// The role called `wanted`: its editor (custom, for a manager; or a new one), its read-only
/// view, or "no such role".
fn role_body(mine: InstancePermissionSet, wanted: &str, roles: Vec<RoleInfo>) -> AnyView {
    let manage = mine.contains(InstancePermission::InstanceRolesManage);
    let role = roles.into_iter().find(|r| r.name == wanted);
    match (wanted, role) {
        ("new", _) if manage => view! { <RoleEditor mine role=None /> }.into_any(),
        (_, Some(role)) if !role.builtin && manage => {
            let name = role.name.clone();
            view! {
                <RoleEditor mine role=Some(role) />
                <DeleteRoleSection role=name />
            }
            .into_any()
        }
        (_, Some(role)) => {
            let held = InstancePermissionSet::of_ids(&role.permissions);
            view! {
                <h2>
                    {role.title.clone()} " "
                    {role
                        .builtin
                        .then(|| view! { <span class="badge">"built-in, read-only"</span> })}
                </h2>
                <p class="muted">{role.description.clone()}</p>
                <PermissionList held />
            }
            .into_any()
        }
        (_, None) => view! {
            <p class="notice notice--error" role="alert">
                "There is no such instance role."
            </p>
        }
        .into_any(),
    }
}

/// The custom instance role editor.
#[component]
fn RoleEditor(mine: InstancePermissionSet, role: Option<RoleInfo>) -> impl IntoView {
    let save = ServerAction::<SaveInstanceRole>::new();
    let error = submission_error(save);
    let query = use_query_map();
    let saved = move || query.read().get("saved").is_some();
    let original = role.as_ref().map(|r| r.name.clone()).unwrap_or_default();
    let initial: Vec<InstancePermission> = role
        .as_ref()
        .map(|r| {
            r.permissions
                .iter()
                .filter_map(|p| InstancePermission::parse(p))
                .collect()
        })
        .unwrap_or_default();
    let chosen = RwSignal::new(initial);
    let is_new = role.is_none();
    let name_preview = original.clone();
    view! {
        <h2>{if is_new { "New instance role".to_string() } else { format!("Edit {original}") }}</h2>
        <Show when=saved>
            <p class="notice notice--success" role="status">
                "The role was saved."
            </p>
        </Show>
        <ActionForm action=save attr:class="role-editor">
            <FormError error />
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
                    preview_instance_role(name_preview.clone(), perms.clone())
                });
                view! { <RolePreview chosen preview /> }
            })}
    }
}

/// Deleting a custom instance role, after confirming; its holders fall back to none.
#[component]
fn DeleteRoleSection(role: String) -> impl IntoView {
    let delete = ServerAction::<DeleteInstanceRole>::new();
    let error = submission_error(delete);
    let r = role.clone();
    let holders = Resource::new(|| (), move |_| instance_role_holders(r.clone()));
    let page = format!("/admin/roles/{role}");
    let question = format!("Delete the instance role {role}?");
    let back = page.clone();
    let form = move || {
        let (role, page) = (role.clone(), back.clone());
        view! {
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let list = holders.await.unwrap_or_default();
                    if list.is_empty() {
                        view! { <p class="muted">"Nobody holds it."</p> }.into_any()
                    } else {
                        view! {
                            <p>
                                {format!(
                                    "These users lose it and hold no instance role: {}",
                                    list.join(", "),
                                )}
                            </p>
                        }
                            .into_any()
                    }
                })}
            </Suspense>
            <ActionForm action=delete attr:class="confirm__actions">
                <input type="hidden" name="name" value=role />
                <button type="submit" class="button--danger">
                    "Delete role"
                </button>
                <a class="button" href=page>
                    "Cancel"
                </a>
            </ActionForm>
        }
    };
    view! {
        <h2>"Delete role"</h2>
        <FormError error />
        <ConfirmStep
            open_label="Delete role…"
            page
            question
            form
            consequence="Its holders keep their accounts and lose what the role let them do."
        />
    }
}
