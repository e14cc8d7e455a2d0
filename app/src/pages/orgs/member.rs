use super::{PageError, org_param, use_org};
use crate::api::orgs::explain_member;
use crate::components::loading::loading;
use crate::domain::explain::{Explanation, GrantedBy, PermissionGrant};
use crate::domain::permission::Scope;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

fn source_label(source: &GrantedBy) -> String {
    match source.kind.as_str() {
        "group" => format!("group {} ({})", source.name, source.role),
        "role" => format!("own role: {}", source.role),
        "project" => match &source.group {
            Some(group) => format!("group {group}'s project role: {}", source.role),
            None => format!("project role: {}", source.role),
        },
        "owner" => "owns the project".to_string(),
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
    let explanation = Resource::new(
        move || (org.get(), username.get()),
        |(org, username)| explain_member(org, username),
    );
    let org_view = use_org();
    view! {
        <Title text="Member" />
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                let Ok(view) = org_view.await else { return ().into_any() };
                let org = view.organization.name;
                let back = format!("/orgs/{org}/people");
                let body = match explanation.await {
                    Err(error) => view! { <PageError message=error.message /> }.into_any(),
                    Ok(explanation) => view! { <Explained org explanation /> }.into_any(),
                };
                view! {
                    <p>
                        <a href=back>"← All members"</a>
                    </p>
                    {body}
                }
                    .into_any()
            })}
        </Suspense>
    }
}

/// A table of permissions with their sources.
#[component]
fn GrantsTable(caption: String, grants: Vec<PermissionGrant>) -> impl IntoView {
    let rows = grants
        .into_iter()
        .map(|grant| {
            let info = grant.id.info();
            view! {
                <tr>
                    <td>
                        <strong>{info.title}</strong>
                        <br />
                        <code class="small">{grant.id.id()}</code>
                    </td>
                    <td class="muted small">{info.area}</td>
                    <td>
                        <ul class="sources">
                            {grant
                                .granted_by
                                .iter()
                                .map(|s| {
                                    view! {
                                        <li>
                                            <span class="badge">{source_label(s)}</span>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table>
                <caption class="visually-hidden">{caption}</caption>
                <thead>
                    <tr>
                        <th scope="col">"Permission"</th>
                        <th scope="col">"Area"</th>
                        <th scope="col">"Granted by"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

#[component]
fn Explained(org: String, explanation: Explanation) -> impl IntoView {
    let (org_wide, every_project): (Vec<PermissionGrant>, Vec<PermissionGrant>) = explanation
        .permissions
        .into_iter()
        .partition(|g| g.id.info().scope == Scope::Organization);
    let count = org_wide.len();
    let every_project = if every_project.is_empty() {
        view! { <p class="muted">"None: only the projects below (if any) are open to them."</p> }
            .into_any()
    } else {
        view! { <GrantsTable caption="Permissions on every project".into() grants=every_project /> }
            .into_any()
    };
    let projects = if explanation.projects.is_empty() {
        view! {
            <p class="muted">
                "They own no project and have no project role, directly or through a group."
            </p>
        }
        .into_any()
    } else {
        explanation
            .projects
            .into_iter()
            .map(|p| {
                let href = format!("/orgs/{org}/projects/{}", p.project);
                view! {
                    <h4>
                        <a href=href>{format!("Project {}", p.project)}</a>
                    </h4>
                    <GrantsTable
                        caption=format!("Permissions on project {}", p.project)
                        grants=p.permissions
                    />
                }
            })
            .collect_view()
            .into_any()
    };
    view! {
        <h2>{format!("What {} can do", explanation.username)}</h2>
        <p class="muted">
            {format!(
                "Role: {}. {count} organization-wide permissions, each with every role or group that grants it.",
                explanation.role,
            )}
        </p>
        <h3>"In the organization"</h3>
        <GrantsTable caption="Effective organization permissions".into() grants=org_wide />
        <h3>"On every project"</h3>
        {every_project}
        <h3>"On particular projects"</h3>
        {projects}
    }
}
