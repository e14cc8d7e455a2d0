use super::WithOrg;
use crate::domain::organization::OrgView;
use crate::domain::permission::Permission;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `/orgs/{org}`: the organization at a glance and what the caller may do in it.
#[component]
pub fn OrgOverviewPage() -> impl IntoView {
    view! {
        <Title text="Organization" />
        <WithOrg render=|view| view! { <OverviewBody view /> } />
    }
}

#[component]
fn OverviewBody(view: OrgView) -> impl IntoView {
    let query = use_query_map();
    let joined = move || query.read().get("joined").is_some();
    let name = view.organization.name.clone();
    let granted: Vec<&'static str> = view.permissions.iter().map(|p| p.info().title).collect();
    let people = view.can(Permission::MembersRead);
    let invite = view.can(Permission::MembersInvite);
    let policy = view.organization.require_two_factor;
    view! {
        <Show when=joined>
            <p class="notice notice--success" role="status">
                "Welcome: you joined this organization."
            </p>
        </Show>
        <div class="cards">
            {people
                .then(|| {
                    view! {
                        <a class="card" href=format!("/orgs/{name}/people")>
                            <strong>"People"</strong>
                            <span class="muted">"Members, groups and invitations"</span>
                        </a>
                    }
                })}
            {invite
                .then(|| {
                    view! {
                        <a class="card" href=format!("/orgs/{name}/people?tab=invitations")>
                            <strong>"Invite someone"</strong>
                            <span class="muted">"Send an invitation link by email"</span>
                        </a>
                    }
                })} <a class="card" href=format!("/orgs/{name}/settings")>
                <strong>"Settings"</strong>
                <span class="muted">
                    {if policy { "Two-factor required" } else { "Name, policy, leaving" }}
                </span>
            </a>
        </div>
        <h2>"What you can do here"</h2>
        <ul class="permission-list">
            {granted.into_iter().map(|title| view! { <li>{title}</li> }).collect_view()}
        </ul>
    }
}
