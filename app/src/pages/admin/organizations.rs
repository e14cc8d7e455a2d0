use crate::api::admin::list_organizations;
use crate::components::loading::loading;
use crate::domain::day;
use leptos::prelude::*;
use leptos_meta::Title;

/// `/admin/organizations`: every organization with its members and owners.
#[component]
pub fn AdminOrganizationsPage() -> impl IntoView {
    let orgs = Resource::new(|| (), |_| list_organizations());
    view! {
        <Title text="Organizations" />
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
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
                        view! { <p class="muted">"No organization exists yet."</p> }.into_any()
                    }
                    Ok(list) => {
                        view! {
                            <div class="table-wrap">
                                <table>
                                    <caption class="visually-hidden">"Organizations"</caption>
                                    <thead>
                                        <tr>
                                            <th scope="col">"Organization"</th>
                                            <th scope="col">"Members"</th>
                                            <th scope="col">"Owners"</th>
                                            <th scope="col">"Created"</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {list
                                            .into_iter()
                                            .map(|o| {
                                                let ownerless = o.owners.is_empty();
                                                view! {
                                                    <tr>
                                                        <td>
                                                            <a href=format!(
                                                                "/admin/organizations/{}",
                                                                o.organization.name,
                                                            )>
                                                                <strong>{o.organization.title().to_string()}</strong>
                                                            </a>
                                                            <br />
                                                            <code class="small">{o.organization.name.clone()}</code>
                                                        </td>
                                                        <td>{o.members_count}</td>
                                                        <td>
                                                            {if ownerless {
                                                                "None".to_string()
                                                            } else {
                                                                o.owners.join(", ")
                                                            }}
                                                        </td>
                                                        <td>{day(&o.organization.created_at)}</td>
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
            })}
        </Suspense>
    }
}
