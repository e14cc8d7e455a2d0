use super::{SettingsFrame, SignInFirst};
use crate::api::auth::current_user;
use crate::api::orgs::{RemoveMember, my_organizations};
use crate::components::form::{FormError, submission_error};
use crate::components::loading::loading;
use crate::components::my_invitations::MyInvitations;
use crate::domain::organization::MyOrganization;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `/settings/organizations`: every organization the user belongs to, with Leave.
#[component]
pub fn OrganizationsPage() -> impl IntoView {
    let leave = ServerAction::<RemoveMember>::new();
    let error = submission_error(leave);
    let orgs = Resource::new(move || leave.version().get(), |_| my_organizations());
    let me = Resource::new(|| (), |_| current_user());
    let query = use_query_map();
    let left =
        move || query.read().get("left").is_some() || matches!(leave.value().get(), Some(Ok(())));
    let deleted = move || query.read().get("deleted").is_some();
    let confirm = move || query.read().get("leave");
    view! {
        <Title text="Organizations" />
        <SettingsFrame title="Organizations">
            <Show when=left>
                <p class="notice notice--success" role="status">
                    "You left the organization."
                </p>
            </Show>
            <Show when=deleted>
                <p class="notice notice--success" role="status">
                    "The organization was deleted."
                </p>
            </Show>
            <FormError error />
            <p>
                <a class="button" href="/orgs/new">
                    "New organization"
                </a>
            </p>
            <MyInvitations back="/settings/organizations" />
            <Suspense fallback=loading>
                {move || Suspend::new(async move {
                    let Some(user) = me.await.ok().flatten() else {
                        return view! { <SignInFirst /> }.into_any();
                    };
                    match orgs.await {
                        Err(err) => {
                            view! {
                                <p class="notice notice--error" role="alert">
                                    {err.message}
                                </p>
                            }
                                .into_any()
                        }
                        Ok(list) if list.is_empty() => {
                            view! {
                                <p class="muted">"You are not a member of any organization yet."</p>
                            }
                                .into_any()
                        }
                        Ok(list) => {
                            view! {
                                <ul class="org-list">
                                    {list
                                        .into_iter()
                                        .map(|m| {
                                            let confirming = confirm()
                                                == Some(m.organization.name.clone());
                                            view! {
                                                <OrgListItem
                                                    membership=m
                                                    username=user.username.clone()
                                                    confirming
                                                    leave
                                                />
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            }
                                .into_any()
                        }
                    }
                })}
            </Suspense>
        </SettingsFrame>
    }
}

/// One of the caller's organizations, with its Leave button (or the confirmation of it).
#[component]
fn OrgListItem(
    membership: MyOrganization,
    username: String,
    confirming: bool,
    leave: ServerAction<RemoveMember>,
) -> impl IntoView {
    let m = membership;
    let name = m.organization.name.clone();
    view! {
        <li>
            <span>
                <a href=format!("/orgs/{name}")>
                    <strong>{m.organization.title().to_string()}</strong>
                </a>
                " "
                <span class="muted">{name.clone()}</span>
                " "
                {m
                    .owner
                    .then(|| {
                        view! { <span class="badge badge--owner">"OWNER"</span> }
                    })}
                {(!m.owner)
                    .then(|| {
                        view! { <span class="badge">{m.role.clone()}</span> }
                    })}
            </span>
            {if confirming {
                view! {
                    <ActionForm action=leave attr:class="confirm__actions">
                        <input type="hidden" name="org" value=name.clone() />
                        <input type="hidden" name="username" value=username />
                        <input type="hidden" name="back" value="/settings/organizations?left=1" />
                        <button type="submit" class="button--danger">
                            {format!("Leave {name}")}
                        </button>
                        <a class="button" href="/settings/organizations">
                            "Cancel"
                        </a>
                    </ActionForm>
                }
                    .into_any()
            } else {
                view! {
                    <a class="button" href=format!("/settings/organizations?leave={name}")>
                        "Leave…"
                    </a>
                }
                    .into_any()
            }}
        </li>
    }
}
