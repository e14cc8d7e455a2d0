use crate::api::groups::{CreateGroup, list_groups};
use crate::api::orgs::list_members;
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
            <MembersField org=org.clone() error />
            <button type="submit" disabled=move || create.pending().get()>
                {move || { if create.pending().get() { "Creating…" } else { "Create group" } }}
            </button>
        </ActionForm>
    }
}

/// The new group's first members: usernames separated by commas (typed, which works without
/// JavaScript), and with JavaScript a type-ahead over the organization's members whose
/// suggestions add themselves to the list.
#[component]
fn MembersField(org: String, error: Signal<Option<crate::error::AppError>>) -> impl IntoView {
    let chosen = RwSignal::new(String::new());
    let typed = RwSignal::new(String::new());
    // The finder needs JavaScript: hidden until the page has hydrated.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let found = Resource::new(
        move || typed.get(),
        move |q| {
            let org = org.clone();
            async move {
                if q.trim().is_empty() {
                    Ok(Vec::new())
                } else {
                    list_members(org, Some(q), None, None)
                        .await
                        .map(|page| page.items)
                }
            }
        },
    );
    let add = move |username: String| {
        chosen.update(|list| {
            let mut names: Vec<String> = list
                .split(',')
                .map(|n| n.trim().to_string())
                .filter(|n| !n.is_empty())
                .collect();
            if !names.contains(&username) {
                names.push(username);
            }
            *list = names.join(", ");
        });
        typed.set(String::new());
    };
    view! {
        <div class="field">
            <label for="group-members">"Members (optional)"</label>
            <input
                id="group-members"
                name="members"
                type="text"
                autocomplete="off"
                aria-describedby="group-members-hint"
                aria-invalid=invalid(error, "members")
                prop:value=move || chosen.get()
                on:input=move |ev| chosen.set(event_target_value(&ev))
            />
            <p class="field__hint" id="group-members-hint">
                "Usernames of members of this organization, separated by commas."
            </p>
            <FieldError error field="members" />
        </div>
        <div class="field" hidden=move || !hydrated.get()>
            <label for="group-member-search">"Find a member to add"</label>
            <input
                id="group-member-search"
                type="search"
                autocomplete="off"
                prop:value=move || typed.get()
                on:input=move |ev| typed.set(event_target_value(&ev))
            />
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let list = found.await.unwrap_or_default();
                    (!list.is_empty())
                        .then(|| {
                            view! {
                                <ul class="suggestions">
                                    {list
                                        .into_iter()
                                        .map(|m| {
                                            let username = m.user.username.clone();
                                            view! {
                                                <li>
                                                    <button
                                                        type="button"
                                                        class="button--link"
                                                        on:click=move |_| add(username.clone())
                                                    >
                                                        {format!("Add {} ({})", m.user.username, m.user.email)}
                                                    </button>
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            }
                        })
                })}
            </Suspense>
        </div>
    }
}
