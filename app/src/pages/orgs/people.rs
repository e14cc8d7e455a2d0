use super::WithOrg;
use super::groups_tab::GroupsTab;
use super::invitations_tab::InvitationsTab;
use super::members_tab::MembersTab;
use crate::domain::organization::OrgView;
use crate::domain::permission::Permission;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `/orgs/{org}/people`: members, groups and invitations, as tabs (`?tab=`).
#[component]
pub fn PeoplePage() -> impl IntoView {
    view! {
        <Title text="People" />
        <WithOrg render=|view| view! { <PeopleBody view /> } />
    }
}

#[component]
fn PeopleBody(view: OrgView) -> impl IntoView {
    let query = use_query_map();
    let tab = move || query.read().get("tab").unwrap_or_else(|| "members".into());
    let name = view.organization.name.clone();
    let tabs: Vec<(&str, &str, bool)> = vec![
        ("members", "Members", view.can(Permission::MembersRead)),
        ("groups", "Groups", view.can(Permission::GroupsRead)),
        (
            "invitations",
            "Invitations",
            view.can(Permission::MembersInvite),
        ),
    ];
    view! {
        <nav class="subtabs" aria-label="People">
            {tabs
                .into_iter()
                .filter(|t| t.2)
                .map(|(key, label, _)| {
                    let current = move || (tab() == key).then_some("page");
                    view! {
                        <a href=format!("/orgs/{name}/people?tab={key}") aria-current=current>
                            {label}
                        </a>
                    }
                })
                .collect_view()}
        </nav>
        {move || match tab().as_str() {
            "groups" => view! { <GroupsTab view=view.clone() /> }.into_any(),
            "invitations" => view! { <InvitationsTab view=view.clone() /> }.into_any(),
            _ => view! { <MembersTab view=view.clone() /> }.into_any(),
        }}
    }
}
