use super::account_options::AccountOptionsFields;
use crate::api::admin::{CreateUser, admin_check, list_users};
use crate::api::instance_roles::list_instance_roles;
use crate::components::form::{FieldError, FormError, invalid, submission_error};
use crate::domain::admin::AdminUser;
use crate::domain::day;
use crate::domain::percent::encode;
use crate::domain::role::RoleInfo;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `/admin/users`: search and filter every account; create one with a temporary password.
#[component]
pub fn AdminUsersPage() -> impl IntoView {
    let query = use_query_map();
    let param = move |key: &str| {
        query
            .read()
            .get(key)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let create = ServerAction::<CreateUser>::new();
    let users = Resource::new(
        move || {
            (
                param("query"),
                param("status"),
                param("instance_role"),
                param("cursor"),
                create.version().get(),
            )
        },
        |(q, status, role, cursor, _)| list_users(q, status, None, role, cursor),
    );
    let roles = Resource::new(|| (), |_| list_instance_roles());
    let mine = Resource::new(|| (), |_| admin_check());
    view! {
        <Title text="Users" />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let roles = roles.await.unwrap_or_default();
                view! { <SearchForm roles /> }
            })}
        </Suspense>
        <Suspense fallback=|| {
            view! {
                <p class="muted" role="status">
                    "Loading users…"
                </p>
            }
        }>
            {move || Suspend::new(async move {
                match users.await {
                    Err(err) => {
                        view! {
                            <p class="notice notice--error" role="alert">
                                {err.message}
                            </p>
                        }
                            .into_any()
                    }
                    Ok(page) if page.items.is_empty() => {
                        view! { <p class="muted">"No user matches."</p> }.into_any()
                    }
                    Ok(page) => {
                        let next = page
                            .next_cursor
                            .clone()
                            .map(|cursor| {
                                let mut href = format!("/admin/users?cursor={}", encode(&cursor));
                                for key in ["query", "status", "instance_role"] {
                                    if let Some(v) = param(key) {
                                        href.push_str(&format!("&{key}={}", encode(&v)));
                                    }
                                }
                                href
                            });
                        view! {
                            <UsersTable users=page.items />
                            {next
                                .map(|href| {
                                    view! {
                                        <p>
                                            <a class="button" href=href>
                                                "Next page"
                                            </a>
                                        </p>
                                    }
                                })}
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let roles = roles.await.unwrap_or_default();
                let can_give_roles = mine
                    .await
                    .unwrap_or_default()
                    .iter()
                    .any(|p| p == "users.update");
                view! { <CreateUserForm create roles can_give_roles /> }
            })}
        </Suspense>
    }
}

#[component]
fn SearchForm(roles: Vec<RoleInfo>) -> impl IntoView {
    let query = use_query_map();
    let value = move |key: &str| query.read().get(key).unwrap_or_default();
    view! {
        <form method="get" action="/admin/users" class="audit-filters" role="search">
            <div class="field">
                <label for="user-query">"Search"</label>
                <input
                    id="user-query"
                    name="query"
                    type="search"
                    placeholder="Username, email or name"
                    value=value("query")
                />
            </div>
            <div class="field">
                <label for="user-status">"Status"</label>
                <select id="user-status" name="status">
                    <option value="" selected=value("status").is_empty()>
                        "Any"
                    </option>
                    <option value="active" selected=value("status") == "active">
                        "Active"
                    </option>
                    <option value="inactive" selected=value("status") == "inactive">
                        "Deactivated"
                    </option>
                </select>
            </div>
            <div class="field">
                <label for="user-role">"Instance role"</label>
                <select id="user-role" name="instance_role">
                    <option value="" selected=value("instance_role").is_empty()>
                        "Anyone"
                    </option>
                    <option value="none" selected=value("instance_role") == "none">
                        "No instance role"
                    </option>
                    {roles
                        .into_iter()
                        .map(|r| {
                            let selected = value("instance_role") == r.name;
                            view! {
                                <option value=r.name.clone() selected=selected>
                                    {r.title.clone()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
            <div class="audit-filters__actions">
                <button type="submit">"Search"</button>
                <a class="button" href="/admin/users">
                    "Clear"
                </a>
            </div>
        </form>
    }
}

#[component]
fn UsersTable(users: Vec<AdminUser>) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table>
                <caption class="visually-hidden">"Users"</caption>
                <thead>
                    <tr>
                        <th scope="col">"User"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Two-factor"</th>
                        <th scope="col">"Organizations"</th>
                        <th scope="col">"Last sign-in"</th>
                    </tr>
                </thead>
                <tbody>
                    {users
                        .into_iter()
                        .map(|u| {
                            view! {
                                <tr>
                                    <td>
                                        <a href=format!("/admin/users/{}", u.user.username)>
                                            <strong>{u.user.username.clone()}</strong>
                                        </a>
                                        {u
                                            .user
                                            .instance_role
                                            .clone()
                                            .map(|role| {
                                                view! {
                                                    " "
                                                    <span class="badge">{role.replace('_', " ")}</span>
                                                }
                                            })}
                                        <br />
                                        <span class="muted small">{u.user.email.clone()}</span>
                                        {(!u.user.display_name.is_empty())
                                            .then(|| {
                                                view! {
                                                    " · "
                                                    <span class="muted small">
                                                        {u.user.display_name.clone()}
                                                    </span>
                                                }
                                            })}
                                    </td>
                                    <td>
                                        <span class="badge" class=("badge--ok", u.user.active)>
                                            {if u.user.active { "Active" } else { "Deactivated" }}
                                        </span>
                                    </td>
                                    <td>{if u.user.two_factor_enabled { "On" } else { "Off" }}</td>
                                    <td>{u.organizations}</td>
                                    <td>
                                        {u
                                            .last_sign_in_at
                                            .as_deref()
                                            .map(day)
                                            .unwrap_or_else(|| "Never".into())}
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

#[component]
fn CreateUserForm(
    create: ServerAction<CreateUser>,
    roles: Vec<RoleInfo>,
    can_give_roles: bool,
) -> impl IntoView {
    let error = submission_error(create);
    let created = move || create.value().get().and_then(Result::ok);
    view! {
        <h2>"Create a user"</h2>
        <p class="muted">
            "They sign in with the password below and, unless you untick it, choose their own at once (a temporary one expires in 7 days). "
            <a href="/admin/batch">"Create several accounts at once"</a>
        </p>
        {move || {
            created()
                .map(|c| {
                    view! {
                        <div class="token-reveal" role="status">
                            <p>
                                <strong>{format!("Created {}. ", c.user.username)}</strong>
                                "Hand over this temporary password now; it will not be shown again."
                            </p>
                            <div class="token-reveal__row">
                                <label class="visually-hidden" for="temporary-password">
                                    "Temporary password"
                                </label>
                                <input
                                    id="temporary-password"
                                    class="token-reveal__value"
                                    type="text"
                                    readonly
                                    value=c.temporary_password.clone()
                                />
                                <crate::components::copy_button::CopyButton text=c
                                    .temporary_password
                                    .clone() />
                            </div>
                            <p>
                                <a href=format!(
                                    "/admin/users/{}",
                                    c.user.username,
                                )>{format!("Open {}", c.user.username)}</a>
                            </p>
                        </div>
                    }
                })
        }}
        <ActionForm action=create>
            <FormError error />
            <div class="field">
                <label for="new-first-name">"First name"</label>
                <input
                    id="new-first-name"
                    name="first_name"
                    type="text"
                    maxlength="50"
                    autocomplete="off"
                    aria-invalid=invalid(error, "first_name")
                />
                <FieldError error field="first_name" />
            </div>
            <div class="field">
                <label for="new-last-name">"Last name"</label>
                <input
                    id="new-last-name"
                    name="last_name"
                    type="text"
                    maxlength="50"
                    autocomplete="off"
                    aria-invalid=invalid(error, "last_name")
                />
                <FieldError error field="last_name" />
            </div>
            <div class="field">
                <label for="new-email">"Email"</label>
                <input
                    id="new-email"
                    name="email"
                    type="email"
                    required
                    aria-invalid=invalid(error, "email")
                />
                <FieldError error field="email" />
            </div>
            <div class="field">
                <label for="new-username">"Username (optional)"</label>
                <input
                    id="new-username"
                    name="username"
                    type="text"
                    maxlength="39"
                    aria-describedby="new-username-hint"
                    aria-invalid=invalid(error, "username")
                />
                <p class="field__hint" id="new-username-hint">
                    "Left empty, it is made from the email address."
                </p>
                <FieldError error field="username" />
            </div>
            <div class="field">
                <label for="new-display-name">"Display name (optional)"</label>
                <input
                    id="new-display-name"
                    name="display_name"
                    type="text"
                    maxlength="100"
                    aria-describedby="new-display-name-hint"
                    aria-invalid=invalid(error, "display_name")
                />
                <p class="field__hint" id="new-display-name-hint">
                    "Left empty: first and last name."
                </p>
                <FieldError error field="display_name" />
            </div>
            <div class="field">
                <label for="new-password">"Password (optional)"</label>
                <input
                    id="new-password"
                    name="password"
                    type="password"
                    autocomplete="new-password"
                    aria-describedby="new-password-hint"
                    aria-invalid=invalid(error, "password")
                />
                <p class="field__hint" id="new-password-hint">
                    "Left empty, a strong one is generated and shown once."
                </p>
                <FieldError error field="password" />
            </div>
            <AccountOptionsFields prefix="new" roles can_give_roles error />
            <button type="submit" disabled=move || create.pending().get()>
                {move || if create.pending().get() { "Creating…" } else { "Create user" }}
            </button>
        </ActionForm>
    }
}
