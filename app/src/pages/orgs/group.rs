use super::group_tokens::GroupTokens;
use super::{PageError, org_param, use_org};
use crate::api::groups::{AddGroupMember, DeleteGroup, RemoveGroupMember, UpdateGroup, get_group};
use crate::components::confirm_step::ConfirmStep;
use crate::components::form::{FieldError, FormError, invalid, submission_error};
use crate::components::loading::loading;
use crate::components::member_suggestions::{MemberSearch, MemberSuggestions};
use crate::domain::group::{Group, GroupDetail};
use crate::domain::organization::{MemberUser, OrgView};
use crate::domain::permission::Permission;
use crate::domain::role::BuiltinRole;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// `/orgs/{org}/groups/{group}`: a group's role and members; edit, add, remove, delete.
#[component]
pub fn GroupPage() -> impl IntoView {
    let params = use_params_map();
    let group = Memo::new(move |_| params.read().get("group").unwrap_or_default());
    let org = org_param();
    let update = ServerAction::<UpdateGroup>::new();
    let add = ServerAction::<AddGroupMember>::new();
    let remove = ServerAction::<RemoveGroupMember>::new();
    let org_view = use_org();
    let search = MemberSearch::new(org);
    let detail = Resource::new(
        move || {
            (
                org.get(),
                group.get(),
                add.version().get(),
                remove.version().get(),
                update.version().get(),
            )
        },
        |(org, group, ..)| get_group(org, group),
    );
    view! {
        <Title text="Group" />
        <Suspense fallback=loading>
            {move || {
                Suspend::new(async move {
                    let Ok(view) = org_view.await else { return ().into_any() };
                    match detail.await {
                        Err(error) => view! { <PageError message=error.message /> }.into_any(),
                        Ok(detail) => {
                            view! { <GroupBody view detail update add remove search /> }.into_any()
                        }
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn GroupBody(
    view: OrgView,
    detail: GroupDetail,
    update: ServerAction<UpdateGroup>,
    add: ServerAction<AddGroupMember>,
    remove: ServerAction<RemoveGroupMember>,
    search: MemberSearch,
) -> impl IntoView {
    let org = view.organization.name.clone();
    let group = detail.group.clone();
    // Changing a group gives or takes its role: only for whoever may hand that role out.
    let in_reach = group
        .role
        .as_deref()
        .is_none_or(|role| view.may_grant(role));
    let manage = view.can(Permission::GroupsManage) && in_reach;
    let out_of_reach = (view.can(Permission::GroupsManage) && !in_reach).then(|| {
        view! {
            <p class="notice" role="note">
                "This group's role carries permissions you do not hold, so you cannot change the group, its members or its tokens."
            </p>
        }
    });
    let query = use_query_map();
    let saved = move || query.read().get("saved").is_some();
    let page = format!("/orgs/{org}/groups/{}", group.name);
    let tokens = (view.can(Permission::TokensManage) && in_reach)
        .then(|| view! { <GroupTokens org=org.clone() group=group.name.clone() /> });
    let manage_section = manage.then(|| {
        view! {
            <AddToGroup org=org.clone() group=group.name.clone() add search />
            <EditGroup view=view.clone() group=group.clone() update />
        }
    });
    let delete_section = manage.then(|| {
        view! { <DeleteGroupSection org=org.clone() name=group.name.clone() page=page.clone() /> }
    });

    view! {
        <p>
            <a href=format!("/orgs/{org}/people?tab=groups")>"← All groups"</a>
        </p>
        <h2>{format!("Group {}", group.name)}</h2>
        <Show when=saved>
            <p class="notice notice--success" role="status">
                "The group was saved."
            </p>
        </Show>
        <GroupFacts group=group.clone() />
        <h2>"Members"</h2>
        <GroupMembers org group=group.name.clone() members=detail.members manage remove />
        {out_of_reach}
        {manage_section}
        {tokens}
        {delete_section}
    }
}

/// The group's role, member count and description.
#[component]
fn GroupFacts(group: Group) -> impl IntoView {
    let role_title = group.role.clone().map_or_else(
        || "No role".to_string(),
        |r| BuiltinRole::parse(&r).map_or(r, |b| b.title().to_string()),
    );
    let description = if group.description.is_empty() {
        "—".to_string()
    } else {
        group.description
    };
    view! {
        <dl class="facts">
            <div>
                <dt>"Role its members get"</dt>
                <dd>{role_title}</dd>
            </div>
            <div>
                <dt>"Members"</dt>
                <dd>{group.members_count}</dd>
            </div>
            <div>
                <dt>"Description"</dt>
                <dd>{description}</dd>
            </div>
        </dl>
    }
}

/// The group's members; with `manage`, each gets a button that takes them out.
#[component]
fn GroupMembers(
    org: String,
    group: String,
    members: Vec<MemberUser>,
    manage: bool,
    remove: ServerAction<RemoveGroupMember>,
) -> impl IntoView {
    let remove_error = submission_error(remove);
    let list = if members.is_empty() {
        view! { <p class="muted">"Nobody is in this group yet."</p> }.into_any()
    } else {
        let items = members
            .into_iter()
            .map(|m| {
                let remove_form = manage.then(|| {
                    view! { <RemoveFromGroup org=org.clone() group=group.clone() username=m.username.clone() remove /> }
                });
                view! {
                    <li>
                        <span>
                            <strong>{m.username.clone()}</strong>
                            " "
                            <span class="muted small">{m.email.clone()}</span>
                        </span>
                        {remove_form}
                    </li>
                }
            })
            .collect_view();
        view! { <ul class="member-list">{items}</ul> }.into_any()
    };
    view! {
        <FormError error=remove_error />
        {list}
    }
}

#[component]
fn RemoveFromGroup(
    org: String,
    group: String,
    username: String,
    remove: ServerAction<RemoveGroupMember>,
) -> impl IntoView {
    let label = format!("Take {username} out of the group");
    view! {
        <ActionForm action=remove attr:class="inline-form">
            <input type="hidden" name="org" value=org />
            <input type="hidden" name="group" value=group />
            <input type="hidden" name="username" value=username />
            <button type="submit" class="button--secondary" aria-label=label>
                "Remove"
            </button>
        </ActionForm>
    }
}

/// Adding a member, with suggestions from the organization's members as one types.
#[component]
fn AddToGroup(
    org: String,
    group: String,
    add: ServerAction<AddGroupMember>,
    search: MemberSearch,
) -> impl IntoView {
    let add_error = submission_error(add);
    let typed = search.typed;
    view! {
        <h3>"Add a member"</h3>
        <ActionForm action=add>
            <FormError error=add_error />
            <input type="hidden" name="org" value=org />
            <input type="hidden" name="group" value=group />
            <div class="field">
                <label for="add-username">"Username"</label>
                <input
                    id="add-username"
                    name="username"
                    type="text"
                    required
                    list="member-suggestions"
                    autocomplete="off"
                    aria-describedby="add-username-hint"
                    aria-invalid=invalid(add_error, "username")
                    on:input=move |ev| typed.set(event_target_value(&ev))
                />
                <p class="field__hint" id="add-username-hint">
                    "Type a name or email; members of the organization are suggested."
                </p>
                <MemberSuggestions search id="member-suggestions" />
                <FieldError error=add_error field="username" />
            </div>
            <button type="submit" disabled=move || add.pending().get()>
                "Add to group"
            </button>
        </ActionForm>
    }
}

#[component]
fn EditGroup(view: OrgView, group: Group, update: ServerAction<UpdateGroup>) -> impl IntoView {
    let update_error = submission_error(update);
    let roles = view.grantable_roles.clone();
    let org = view.organization.name.clone();
    view! {
        <h2>"Edit group"</h2>
        <ActionForm action=update>
            <FormError error=update_error />
            <input type="hidden" name="org" value=org />
            <input type="hidden" name="group" value=group.name.clone() />
            <div class="field">
                <label for="edit-name">"Name"</label>
                <input
                    id="edit-name"
                    name="name"
                    type="text"
                    required
                    maxlength="39"
                    value=group.name.clone()
                    aria-invalid=invalid(update_error, "name")
                />
                <FieldError error=update_error field="name" />
            </div>
            <div class="field">
                <label for="edit-description">"Description"</label>
                <input
                    id="edit-description"
                    name="description"
                    type="text"
                    maxlength="500"
                    value=group.description.clone()
                />
            </div>
            <div class="field">
                <label for="edit-role">"Role its members get"</label>
                <select id="edit-role" name="role" aria-invalid=invalid(update_error, "role")>
                    <option value="" selected=group.role.is_none()>
                        "No role"
                    </option>
                    {roles
                        .iter()
                        .map(|r| {
                            view! {
                                <option
                                    value=r.name.clone()
                                    selected=group.role.as_deref() == Some(r.name.as_str())
                                >
                                    {r.title.clone()}
                                </option>
                            }
                        })
                        .collect_view()}
                    {group
                        .role
                        .clone()
                        .filter(|current| !roles.iter().any(|r| &r.name == current))
                        .map(|current| {
                            view! {
                                <option value=current.clone() selected=true>
                                    {current.clone()}
                                </option>
                            }
                        })}
                </select>
                <FieldError error=update_error field="role" />
            </div>
            <button type="submit">"Save group"</button>
        </ActionForm>
    }
}

/// Deleting a group, behind a confirmation step (`?delete=1`) that works without JavaScript.
#[component]
fn DeleteGroupSection(org: String, name: String, page: String) -> impl IntoView {
    let delete = ServerAction::<DeleteGroup>::new();
    let delete_error = submission_error(delete);
    let question = format!("Delete the group {name}?");
    let back = page.clone();
    let form = move || {
        let (org, name, page) = (org.clone(), name.clone(), back.clone());
        view! {
            <ActionForm action=delete attr:class="confirm__actions">
                <input type="hidden" name="org" value=org />
                <input type="hidden" name="group" value=name />
                <button type="submit" class="button--danger">
                    "Delete group"
                </button>
                <a class="button" href=page>
                    "Cancel"
                </a>
            </ActionForm>
        }
    };
    view! {
        <h2>"Delete group"</h2>
        <FormError error=delete_error />
        <ConfirmStep
            open_label="Delete group…"
            page
            question
            form
            consequence="Its members stay in the organization but lose the group's role."
        />
    }
}
