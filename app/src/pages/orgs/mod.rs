//! `/orgs/...`: an organization's pages.

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
use crate::domain::organization::OrgView;
use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_params_map};

/// The organization named in the URL.
pub fn org_param() -> Memo<String> {
    let params = use_params_map();
    Memo::new(move |_| params.read().get("org").unwrap_or_default())
}

/// The caller's view of the organization in the URL, re-read when `version` changes.
pub fn org_resource(
    version: impl Fn() -> usize + Send + Sync + 'static,
) -> Resource<Result<OrgView, AppError>> {
    let org = org_param();
    Resource::new(move || (org.get(), version()), |(org, _)| get_org_view(org))
}

/// What a page shows instead of itself when the organization cannot be opened.
#[component]
pub fn OrgError(error: AppError) -> impl IntoView {
    let message = match error.status() {
        401 => "Sign in to see this organization.".to_string(),
        404 => "There is no such organization, or you are not a member of it.".to_string(),
        _ => error.message.clone(),
    };
    let enrol = error.code == crate::error::ErrorCode::TwoFactorPolicy;
    view! {
        <section class="panel">
            <h1>"Organization"</h1>
            <p class="notice notice--error" role="alert">{message}</p>
            {enrol.then(|| view! { <p><a href="/settings/two-factor">"Set up two-factor authentication"</a></p> })}
            {(error.status() == 401).then(|| view! { <p><a href="/login">"Sign in"</a></p> })}
        </section>
    }
}

/// The frame of every organization page: its title and the section tabs.
#[component]
pub fn OrgFrame(view: OrgView, children: Children) -> impl IntoView {
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
        <div class="org">
            <header class="org__header">
                <p class="org__eyebrow">"Organization"</p>
                <h1>{view.organization.title().to_string()}</h1>
                <p class="muted">
                    <code>{name.clone()}</code>
                    " · your role: " <span class="badge">{view.role.clone()}</span>
                </p>
            </header>
            <nav class="tabs" aria-label="Organization">
                {sections.into_iter().filter(|s| s.2).map(|(href, label, _)| {
                    let target = href.clone();
                    let current = move || {
                        let path = location.pathname.get();
                        let here = if label == "Overview" { path == target } else { path.starts_with(&target) };
                        here.then_some("page")
                    };
                    view! { <a href=href aria-current=current>{label}</a> }
                }).collect_view()}
            </nav>
            <div class="org__body">{children()}</div>
        </div>
    }
}
