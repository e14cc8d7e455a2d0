use super::{OrgError, OrgFrame, org_param, org_resource};
use crate::api::orgs::explain_member;
use crate::domain::explain::{Explanation, GrantedBy};
use crate::domain::permission::Scope;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

fn source_label(source: &GrantedBy) -> String {
    match source.kind.as_str() {
        "group" => format!("group {} ({})", source.name, source.role),
        "role" => format!("own role: {}", source.role),
        other => format!("{other}: {}", source.name),
    }
}

/// `/orgs/{org}/people/{username}`: what a member can do, and through which role or group —
/// the same computation the server decides with.
#[component]
pub fn MemberPage() -> impl IntoView {
    let params = use_params_map();
    let username = Memo::new(move |_| params.read().get("username").unwrap_or_default());
    let org = org_param();
    let view_res = org_resource(|| 0);
    let explanation = Resource::new(
        move || (org.get(), username.get()),
        |(org, username)| explain_member(org, username),
    );
    view! {
        <Title text="Member" />
        <Suspense fallback=|| view! { <p class="muted" role="status">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match (view_res.await, explanation.await) {
                    (Err(error), _) | (_, Err(error)) => view! { <OrgError error /> }.into_any(),
                    (Ok(view), Ok(explanation)) => {
                        let back = format!("/orgs/{}/people", view.organization.name);
                        view! {
                            <OrgFrame view=view.clone()>
                                <p><a href=back>"← All members"</a></p>
                                <Explained explanation />
                            </OrgFrame>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
fn Explained(explanation: Explanation) -> impl IntoView {
    let count = explanation.permissions.len();
    let rows = explanation
        .permissions
        .into_iter()
        .filter(|g| g.id.info().scope == Scope::Organization)
        .map(|grant| {
            let info = grant.id.info();
            view! {
                <tr>
                    <td>
                        <strong>{info.title}</strong>
                        <br /><code class="small">{grant.id.id()}</code>
                    </td>
                    <td class="muted small">{info.area}</td>
                    <td>
                        <ul class="sources">
                            {grant.granted_by.iter().map(|s| view! { <li><span class="badge">{source_label(s)}</span></li> }).collect_view()}
                        </ul>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h2>{format!("What {} can do", explanation.username)}</h2>
        <p class="muted">
            {format!("Role: {}. {count} permissions in all, each with every role or group that grants it.", explanation.role)}
        </p>
        <div class="table-wrap">
            <table>
                <caption class="visually-hidden">"Effective permissions"</caption>
                <thead><tr><th scope="col">"Permission"</th><th scope="col">"Area"</th><th scope="col">"Granted by"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
