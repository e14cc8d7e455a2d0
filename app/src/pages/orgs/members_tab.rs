use crate::api::orgs::{ChangeMemberRole, RemoveMember, list_members};
use crate::api::projects::{TransferProject, owned_projects};
use crate::components::form::{FormError, submission_error};
use crate::domain::day;
use crate::domain::organization::{Member, OrgView, Page};
use crate::domain::permission::Permission;
use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The members tab: search, pages, role changes and removal (with a confirmation step).
#[component]
pub fn MembersTab(view: OrgView) -> impl IntoView {
    let org = view.organization.name.clone();
    let query = use_query_map();
    let change = ServerAction::<ChangeMemberRole>::new();
    let remove = ServerAction::<RemoveMember>::new();
    let change_error = submission_error(change);
    let remove_error = submission_error(remove);
    let org_for_list = org.clone();
    let members = Resource::new(
        move || {
            let q = query.read();
            (
                q.get("q"),
                q.get("cursor"),
                q.get("sort"),
                change.version().get(),
                remove.version().get(),
            )
        },
        move |(q, cursor, sort, _, _)| list_members(org_for_list.clone(), q, cursor, sort),
    );
    let search = move || query.read().get("q").unwrap_or_default();
    let confirm_remove = move || query.read().get("remove");
    let org_for_confirm = org.clone();
    // After adding people without JavaScript (`?added=N`).
    let added = move || query.read().get("added");

    view! {
        {move || {
            added()
                .map(|n| {
                    view! {
                        <p class="notice notice--success" role="status">
                            {format!("Added {n} people; they were told by email.")}
                        </p>
                    }
                })
        }}
        <form method="get" class="search-form" role="search">
            <input type="hidden" name="tab" value="members" />
            {move || {
                query
                    .read()
                    .get("sort")
                    .map(|sort| view! { <input type="hidden" name="sort" value=sort /> })
            }}
            <label for="member-search" class="visually-hidden">
                "Search members"
            </label>
            <input
                id="member-search"
                name="q"
                type="search"
                placeholder="Search by name or email"
                prop:value=search
                value=search
            />
            <button type="submit" class="button--secondary">
                "Search"
            </button>
        </form>
        <FormError error=change_error />
        <FormError error=remove_error />
        {move || {
            confirm_remove()
                .map(|username| {
                    view! { <ConfirmRemoval org=org_for_confirm.clone() username remove /> }
                })
        }}
        <MembersList base=format!("/orgs/{org}/people") me=view members change />
    }
}

/// "Remove this member?", with a transfer form for each project they own (an owner of
/// projects cannot be removed until someone else owns them).
#[component]
fn ConfirmRemoval(
    org: String,
    username: String,
    remove: ServerAction<RemoveMember>,
) -> impl IntoView {
    let transfer = ServerAction::<TransferProject>::new();
    let transfer_error = submission_error(transfer);
    let (org_for_owned, username_for_owned) = (org.clone(), username.clone());
    let owned = Resource::new(
        move || transfer.version().get(),
        move |_| owned_projects(org_for_owned.clone(), username_for_owned.clone()),
    );
    let back = format!("/orgs/{org}/people");
    let (org_for_view, username_for_view) = (org.clone(), username.clone());
    view! {
        <div class="confirm" role="alertdialog" aria-labelledby="confirm-remove-title">
            <p id="confirm-remove-title">
                <strong>{format!("Remove {username} from the organization?")}</strong>
            </p>
            <p class="muted">
                "They lose every right the organization and its groups gave them. Their account stays."
            </p>
            <FormError error=transfer_error />
            <Suspense fallback=|| ()>
                {move || {
                    let (org, username) = (org_for_view.clone(), username_for_view.clone());
                    Suspend::new(async move {
                        let projects = owned.await.unwrap_or_default();
                        (!projects.is_empty())
                            .then(|| view! { <OwnedProjects org username projects transfer /> })
                    })
                }}
            </Suspense>
            <ActionForm action=remove attr:class="confirm__actions">
                <input type="hidden" name="org" value=org.clone() />
                <input type="hidden" name="username" value=username.clone() />
                <input type="hidden" name="back" value=back.clone() />
                <button type="submit" class="button--danger">
                    {format!("Remove {username}")}
                </button>
                <a class="button" href=back>
                    "Cancel"
                </a>
            </ActionForm>
        </div>
    }
}

/// One page of members, and the link to the next.
#[component]
fn MembersList(
    base: String,
    me: OrgView,
    members: Resource<Result<Page<Member>, AppError>>,
    change: ServerAction<ChangeMemberRole>,
) -> impl IntoView {
    let query = use_query_map();
    let search = move || query.read().get("q").unwrap_or_default();
    let sort = move || query.read().get("sort").unwrap_or_default();
    let by_activity = move || sort() == "last_active";
    let sort_link = {
        let base = base.clone();
        move |key: &str| {
            let q = search();
            if key.is_empty() {
                format!(
                    "{base}?tab=members&q={}",
                    crate::domain::percent::encode(&q)
                )
            } else {
                format!(
                    "{base}?tab=members&sort={key}&q={}",
                    crate::domain::percent::encode(&q)
                )
            }
        }
    };
    let (by_name_href, by_activity_href) = (sort_link(""), sort_link("last_active"));
    view! {
        <p class="sort-links">
            "Sort: " <a href=by_name_href aria-current=move || (!by_activity()).then_some("true")>
                "by username"
            </a> " · "
            <a href=by_activity_href aria-current=move || by_activity().then_some("true")>
                "by last activity"
            </a>
        </p>
        <Suspense fallback=|| {
            view! {
                <p class="muted" role="status">
                    "Loading members…"
                </p>
            }
        }>
            {move || {
                let me = me.clone();
                let base = base.clone();
                Suspend::new(async move {
                    match members.await {
                        Err(err) => {
                            view! {
                                <p class="notice notice--error" role="alert">
                                    {err.message}
                                </p>
                            }
                                .into_any()
                        }
                        Ok(page) if page.items.is_empty() => {
                            view! { <p class="muted">"No member matches."</p> }.into_any()
                        }
                        Ok(page) => {
                            let next = page
                                .next_cursor
                                .clone()
                                .map(|cursor| {
                                    let q = search();
                                    format!(
                                        "{base}?tab=members&cursor={}&q={}&sort={}",
                                        crate::domain::percent::encode(&cursor),
                                        crate::domain::percent::encode(&q),
                                        crate::domain::percent::encode(&sort()),
                                    )
                                });
                            view! {
                                <div class="table-wrap">
                                    <table>
                                        <caption class="visually-hidden">"Members"</caption>
                                        <thead>
                                            <tr>
                                                <th scope="col">"Member"</th>
                                                <th scope="col">"Role"</th>
                                                <th scope="col">"Groups"</th>
                                                <th scope="col">"Two-factor"</th>
                                                <th scope="col">"Last active"</th>
                                                <th scope="col">"Joined"</th>
                                                <th scope="col">
                                                    <span class="visually-hidden">"Actions"</span>
                                                </th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {page
                                                .items
                                                .into_iter()
                                                .map(|m| {
                                                    view! {
                                                        <MemberRow
                                                            member=m
                                                            me=me.clone()
                                                            change
                                                            base=base.clone()
                                                        />
                                                    }
                                                })
                                                .collect_view()}
                                        </tbody>
                                    </table>
                                </div>
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
                })
            }}
        </Suspense>
    }
}

#[component]
fn MemberRow(
    member: Member,
    me: OrgView,
    change: ServerAction<ChangeMemberRole>,
    base: String,
) -> impl IntoView {
    let org = me.organization.name.clone();
    let username = member.user.username.clone();
    let can_change = me.can(Permission::MembersUpdateRole) && me.may_grant(&member.role);
    let roles = me.grantable_roles.clone();
    // Oneself leaves from the settings page instead.
    let can_remove = me.can(Permission::MembersRemove)
        && me.may_grant(&member.role)
        && member.user.username != me.username;
    let select_id = format!("role-{username}");
    let label = format!("Role of {username}");
    let current_role = member.role.clone();
    let (username_form, username_link) = (username.clone(), username.clone());
    view! {
        <tr>
            <td>
                <a href=format!("/orgs/{org}/people/{}", member.user.username)>
                    <strong>{member.user.username.clone()}</strong>
                </a>
                {(!member.user.display_name.is_empty())
                    .then(|| {
                        view! {
                            " "
                            <span class="muted">{member.user.display_name.clone()}</span>
                        }
                    })}
                <br />
                <span class="muted small">{member.user.email.clone()}</span>
            </td>
            <td>
                {if can_change {
                    view! {
                        <ActionForm action=change attr:class="inline-controls">
                            <input type="hidden" name="org" value=org.clone() />
                            <input type="hidden" name="username" value=username_form />
                            <label class="visually-hidden" for=select_id.clone()>
                                {label}
                            </label>
                            <select id=select_id name="role">
                                {roles
                                    .iter()
                                    .map(|r| {
                                        let selected = r.name == current_role;
                                        view! {
                                            <option value=r.name.clone() selected=selected>
                                                {r.title.clone()}
                                            </option>
                                        }
                                    })
                                    .collect_view()}
                                {(!roles.iter().any(|r| r.name == current_role))
                                    .then(|| {
                                        view! {
                                            <option value=current_role.clone() selected=true>
                                                {current_role.clone()}
                                            </option>
                                        }
                                    })}
                            </select>
                            <button type="submit" class="button--secondary">
                                "Save"
                            </button>
                        </ActionForm>
                    }
                        .into_any()
                } else {
                    view! { <span class="badge">{member.role.clone()}</span> }.into_any()
                }}
            </td>
            <td>
                {if member.groups.is_empty() {
                    "—".to_string()
                } else {
                    member.groups.join(", ")
                }}
            </td>
            <td>
                <span class="badge" class=("badge--ok", member.two_factor_enabled)>
                    {if member.two_factor_enabled { "On" } else { "Off" }}
                </span>
            </td>
            <td>{member.last_active_at.as_deref().map(day).unwrap_or_else(|| "never".into())}</td>
            <td>{day(&member.joined_at)}</td>
            <td>
                {can_remove
                    .then(|| {
                        view! {
                            <a
                                class="button button--small"
                                href=format!("{base}?tab=members&remove={username_link}")
                                aria-label=format!("Remove {username_link}")
                            >
                                "Remove"
                            </a>
                        }
                    })}
            </td>
        </tr>
    }
}

/// In the removal dialog: the projects the member owns (which block the removal), each with a
/// form to hand it to someone else; the dialog comes back afterwards.
#[component]
fn OwnedProjects(
    org: String,
    username: String,
    projects: Vec<String>,
    transfer: ServerAction<TransferProject>,
) -> impl IntoView {
    let back = format!("/orgs/{org}/people?tab=members&remove={username}");
    view! {
        <div class="notice notice--error" role="status">
            <p>
                <strong>{format!("{username} owns {} project(s): ", projects.len())}</strong>
                {projects.join(", ")}
                ". Transfer them to another member first; the removal is refused until then."
            </p>
            {projects
                .into_iter()
                .map(|project| {
                    let id = format!("transfer-{project}");
                    let label = format!("New owner of {project}");
                    let (org, back) = (org.clone(), back.clone());
                    view! {
                        <ActionForm action=transfer attr:class="inline-controls">
                            <input type="hidden" name="org" value=org />
                            <input type="hidden" name="project" value=project.clone() />
                            <input type="hidden" name="back" value=back />
                            <label for=id.clone()>{label}</label>
                            <input
                                id=id
                                name="new_owner"
                                type="text"
                                required
                                autocomplete="off"
                                placeholder="username"
                            />
                            <button type="submit" class="button--secondary">
                                {format!("Transfer {project}")}
                            </button>
                        </ActionForm>
                    }
                })
                .collect_view()}
        </div>
    }
}
