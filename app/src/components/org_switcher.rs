use crate::domain::organization::MyOrganization;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// The header's organization switcher: the caller's organizations, the invitations waiting
/// for their answer (`pending`, a count on the menu and a link to them) and "New
/// organization". A native `<details>` menu, so it works before (and without) the
/// WebAssembly. The header reads the list together with the user (one Suspense, so server and
/// browser create their resources in the same order).
#[component]
pub fn OrgSwitcher(orgs: Vec<MyOrganization>, pending: u32) -> impl IntoView {
    let waiting = (pending > 0).then(|| {
        let label = if pending == 1 {
            "1 invitation".to_string()
        } else {
            format!("{pending} invitations")
        };
        (pending, label)
    });
    let (badge, item) = (waiting.clone(), waiting);
    let location = use_location();
    let current = move || {
        let path = location.pathname.get();
        path.strip_prefix("/orgs/")
            .and_then(|rest| rest.split('/').next())
            .filter(|name| !name.is_empty() && *name != "new")
            .map(str::to_string)
    };
    view! {
        <details class="org-switcher">
            <summary>
                {move || current().unwrap_or_else(|| "Organizations".to_string())}
                {badge
                    .map(|(count, label)| {
                        view! {
                            " "
                            <span class="badge">
                                {count}
                                <span class="visually-hidden">{format!(" ({label} waiting)")}</span>
                            </span>
                        }
                    })}
            </summary>
            <ul class="org-switcher__menu">
                {orgs
                    .into_iter()
                    .map(|m| {
                        let name = m.organization.name.clone();
                        let here = location
                            .pathname
                            .with_untracked(|path| path.starts_with(&format!("/orgs/{name}")));
                        view! {
                            <li>
                                <a href=format!("/orgs/{name}") aria-current=here.then_some("page")>
                                    {m.organization.title().to_string()}
                                    {m
                                        .owner
                                        .then(|| {
                                            view! {
                                                " "
                                                <span class="badge badge--owner">"OWNER"</span>
                                            }
                                        })}
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
                {item
                    .map(|(_, label)| {
                        view! {
                            <li>
                                <a href="/settings/organizations">{format!("{label} for you")}</a>
                            </li>
                        }
                    })} <li>
                    <a href="/orgs/new">"+ New organization"</a>
                </li>
            </ul>
        </details>
    }
}
