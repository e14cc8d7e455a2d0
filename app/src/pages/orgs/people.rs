use super::groups_tab::GroupsTab;
use super::invitations_tab::InvitationsTab;
use super::members_tab::MembersTab;
use super::{OrgError, OrgFrame, org_resource};
use crate::domain::permission::Permission;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `/orgs/{org}/people`: members, groups and invitations, as tabs (`?tab=`).
#[component]
pub fn PeoplePage() -> impl IntoView {
    let view_res = org_resource(|| 0);
    let query = use_query_map();
    let tab = move || query.read().get("tab").unwrap_or_else(|| "members".into());
    view! {
        <Title text="People" />
        <Suspense fallback=|| view! { <p class="muted" role="status">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match view_res.await {
                    Err(error) => view! { <OrgError error /> }.into_any(),
                    Ok(view) => {
                        let name = view.organization.name.clone();
                        let tabs: Vec<(&str, &str, bool)> = vec![
                            ("members", "Members", view.can(Permission::MembersRead)),
                            ("groups", "Groups", view.can(Permission::GroupsRead)),
                            ("invitations", "Invitations", view.can(Permission::MembersInvite)),
                        ];
                        let inner = view.clone();
                        view! {
                            <OrgFrame view=view.clone()>
                                <nav class="subtabs" aria-label="People">
                                    {tabs.into_iter().filter(|t| t.2).map(|(key, label, _)| {
                                        let current = move || (tab() == key).then_some("page");
                                        view! { <a href=format!("/orgs/{name}/people?tab={key}") aria-current=current>{label}</a> }
                                    }).collect_view()}
                                </nav>
                                {move || match tab().as_str() {
                                    "groups" => view! { <GroupsTab view=inner.clone() /> }.into_any(),
                                    "invitations" => view! { <InvitationsTab view=inner.clone() /> }.into_any(),
                                    _ => view! { <MembersTab view=inner.clone() /> }.into_any(),
                                }}
                            </OrgFrame>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}
