use super::{OrgError, OrgFrame, org_resource};
use crate::domain::permission::Permission;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `/orgs/{org}`: the organization at a glance and what the caller may do in it.
#[component]
pub fn OrgOverviewPage() -> impl IntoView {
    let view_res = org_resource(|| 0);
    let query = use_query_map();
    let joined = move || query.read().get("joined").is_some();
    view! {
        <Title text="Organization" />
        <Suspense fallback=|| view! { <p class="muted" role="status">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match view_res.await {
                    Err(error) => view! { <OrgError error /> }.into_any(),
                    Ok(view) => {
                        let name = view.organization.name.clone();
                        let can = |p| view.can(p);
                        let granted: Vec<&'static str> = view.permissions.iter().map(|p| p.info().title).collect();
                        let people = can(Permission::MembersRead);
                        let invite = can(Permission::MembersInvite);
                        let policy = view.organization.require_two_factor;
                        view! {
                            <OrgFrame view=view.clone()>
                                <Show when=joined>
                                    <p class="notice notice--success" role="status">"Welcome: you joined this organization."</p>
                                </Show>
                                <div class="cards">
                                    {people.then(|| view! {
                                        <a class="card" href=format!("/orgs/{name}/people")>
                                            <strong>"People"</strong>
                                            <span class="muted">"Members, groups and invitations"</span>
                                        </a>
                                    })}
                                    {invite.then(|| view! {
                                        <a class="card" href=format!("/orgs/{name}/people?tab=invitations")>
                                            <strong>"Invite someone"</strong>
                                            <span class="muted">"Send an invitation link by email"</span>
                                        </a>
                                    })}
                                    <a class="card" href=format!("/orgs/{name}/settings")>
                                        <strong>"Settings"</strong>
                                        <span class="muted">{if policy { "Two-factor required" } else { "Name, policy, leaving" }}</span>
                                    </a>
                                </div>
                                <h2>"What you can do here"</h2>
                                <ul class="permission-list">
                                    {granted.into_iter().map(|title| view! { <li>{title}</li> }).collect_view()}
                                </ul>
                            </OrgFrame>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}
