//! `/orgs/...`: an organization's pages.

pub mod add_people;
pub mod audit;
pub mod group;
pub mod group_tokens;
pub mod groups_tab;
pub mod invitations_tab;
pub mod member;
pub mod members_tab;
pub mod new;
pub mod overview;
pub mod people;
pub mod project;
pub mod projects;
pub mod roles;
pub mod settings;
pub mod tokens;

use crate::api::orgs::get_org_view;
use crate::components::loading::loading;
use crate::domain::organization::OrgView;
use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::components::Outlet;
use leptos_router::hooks::{use_location, use_params_map};

/// The organization named in the URL.
pub fn org_param() -> Memo<String> {
    let params = use_params_map();
    Memo::new(move |_| params.read().get("org").unwrap_or_default())
}

/// Asks the `/orgs/:org` layout to read the organization view again (its frame and every
/// role select show what a save changed), without reloading the page.
#[derive(Clone, Copy)]
pub struct OrgRefresh(RwSignal<usize>);

impl OrgRefresh {
    /// Reads the organization view again each time `succeeded` turns true (for example after a
    /// server action that renamed the organization or created a role came back `Ok`).
    pub fn after(succeeded: impl Fn() -> bool + Send + Sync + 'static) {
        let Some(OrgRefresh(version)) = use_context::<OrgRefresh>() else {
            return;
        };
        Effect::new(move |_| {
            if succeeded() {
                version.update(|v| *v += 1);
            }
        });
    }
}

/// The caller's view of the organization in the URL, read once by the `/orgs/:org` layout for
/// all of its pages (and again after an [`OrgRefresh`]).
#[derive(Clone, Copy)]
struct SharedOrgView(Resource<Result<OrgView, AppError>>);

/// The organization view the layout read. A page awaits it inside its own `Suspend`, with its
/// own data; on an `Err` the page shows nothing, as the layout shows why instead.
///
/// The layout keeps the `<Outlet/>` outside its own `Suspense` on purpose: resources created
/// inside a `Suspend` nested in another `Suspend` did not find the server's answer when the
/// page hydrated (hydration errors on the group and token pages), so a routed page must be no
/// deeper than before.
pub fn use_org() -> Resource<Result<OrgView, AppError>> {
    expect_context::<SharedOrgView>().0
}

/// `/orgs/:org`: reads the caller's view of the organization once, shows the frame (title and
/// section tabs) or why the organization cannot be opened, and the routed page below it.
#[component]
pub fn OrgLayout() -> impl IntoView {
    let org = org_param();
    let version = RwSignal::new(0usize);
    provide_context(OrgRefresh(version));
    let view_res = Resource::new(
        move || (org.get(), version.get()),
        |(org, _)| get_org_view(org),
    );
    provide_context(SharedOrgView(view_res));
    view! {
        <div class="org">
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match view_res.await {
                        Err(error) => view! { <OrgError error /> }.into_any(),
                        Ok(view) => view! { <OrgFrame view /> }.into_any(),
                    }
                })}
            </Suspense>
            <div class="org__body">
                <Outlet />
            </div>
        </div>
    }
}

/// A page of the organization that needs nothing but the organization view: `render` draws it
/// once the view is read.
#[component]
pub fn WithOrg<F, V>(render: F) -> impl IntoView
where
    F: Fn(OrgView) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let org_view = use_org();
    view! {
        <Suspense fallback=loading>
            {move || {
                let render = render.clone();
                Suspend::new(async move { org_view.await.ok().map(render) })
            }}
        </Suspense>
    }
}

/// What a page inside the frame shows when its own data cannot be read.
#[component]
pub fn PageError(message: String) -> impl IntoView {
    view! {
        <p class="notice notice--error" role="alert">
            {message}
        </p>
    }
}

/// What a page shows instead of itself when the organization cannot be opened.
#[component]
fn OrgError(error: AppError) -> impl IntoView {
    let message = match error.status() {
        401 => "Sign in to see this organization.".to_string(),
        404 => "There is no such organization, or you are not a member of it.".to_string(),
        _ => error.message.clone(),
    };
    let enrol = error.code == crate::error::ErrorCode::TwoFactorPolicy;
    view! {
        <section class="panel">
            <h1>"Organization"</h1>
            <p class="notice notice--error" role="alert">
                {message}
            </p>
            {enrol
                .then(|| {
                    view! {
                        <p>
                            <a href="/settings/two-factor">"Set up two-factor authentication"</a>
                        </p>
                    }
                })}
            {(error.status() == 401)
                .then(|| {
                    view! {
                        <p>
                            <a href="/login">"Sign in"</a>
                        </p>
                    }
                })}
        </section>
    }
}

/// The frame of every organization page: its title and the section tabs.
#[component]
fn OrgFrame(view: OrgView) -> impl IntoView {
    let location = use_location();
    let name = view.organization.name.clone();
    let tokens = view.can(crate::domain::permission::Permission::TokensManage);
    let sections = [
        (format!("/orgs/{name}"), "Overview", true),
        (format!("/orgs/{name}/people"), "People", true),
        (format!("/orgs/{name}/projects"), "Projects", true),
        (format!("/orgs/{name}/roles"), "Roles", true),
        (format!("/orgs/{name}/tokens"), "Tokens", tokens),
        (
            format!("/orgs/{name}/audit"),
            "Audit log",
            view.can(crate::domain::permission::Permission::AuditRead),
        ),
        (format!("/orgs/{name}/settings"), "Settings", true),
    ];
    view! {
        <header class="org__header">
            <p class="org__eyebrow">"Organization"</p>
            <h1>{view.organization.title().to_string()}</h1>
            <p class="muted">
                <code>{name.clone()}</code>
                " · your role: "
                <span class="badge">{view.role.clone()}</span>
            </p>
        </header>
        <nav class="tabs" aria-label="Organization">
            {sections
                .into_iter()
                .filter(|s| s.2)
                .map(|(href, label, _)| {
                    let target = href.clone();
                    let current = move || {
                        let path = location.pathname.get();
                        let here = if label == "Overview" {
                            path == target
                        } else {
                            path.starts_with(&target)
                        };
                        here.then_some("page")
                    };
                    view! {
                        <a href=href aria-current=current>
                            {label}
                        </a>
                    }
                })
                .collect_view()}
        </nav>
    }
}
