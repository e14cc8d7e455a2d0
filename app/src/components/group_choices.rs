//! The organization's groups as checkboxes (`groups[i]`), for forms that place someone in
//! groups (an invitation, adding an existing account). Joining a group gives its role, so only
//! groups whose role the caller may hand out (`roles`) are offered; the server checks again.

use crate::api::groups::list_groups;
use crate::domain::organization::RoleChoice;
use leptos::prelude::*;

#[component]
pub fn GroupChoices(org: String, roles: Vec<RoleChoice>, prefix: &'static str) -> impl IntoView {
    let offerable: Vec<String> = roles.iter().map(|r| r.name.clone()).collect();
    let groups = Resource::new(|| (), move |_| list_groups(org.clone()));
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let offerable = offerable.clone();
                Suspend::new(async move {
                    let list: Vec<_> = groups
                        .await
                        .unwrap_or_default()
                        .into_iter()
                        .filter(|g| {
                            g.role.as_deref().is_none_or(|r| offerable.iter().any(|o| o == r))
                        })
                        .collect();
                    (!list.is_empty())
                        .then(|| {
                            view! {
                                <fieldset class="field checkbox-list">
                                    <legend>"Groups to join (optional)"</legend>
                                    {list
                                        .into_iter()
                                        .enumerate()
                                        .map(|(i, g)| {
                                            let id = format!("{prefix}-group-{}", g.name);
                                            let label_for = id.clone();
                                            view! {
                                                <label for=label_for>
                                                    <input
                                                        id=id
                                                        type="checkbox"
                                                        name=format!("groups[{i}]")
                                                        value=g.name.clone()
                                                    />
                                                    " "
                                                    {g.name.clone()}
                                                </label>
                                            }
                                        })
                                        .collect_view()}
                                </fieldset>
                            }
                        })
                })
            }}
        </Suspense>
    }
}
