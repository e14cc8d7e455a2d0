//! `/admin/...`: site administration, for holders of an instance role; each section needs its
//! instance permission. `AdminLayout` is the parent route.

pub mod account_options;
pub mod audit;
pub mod batch;
pub mod organization;
pub mod organizations;
pub mod outbox;
pub mod roles;
pub mod settings;
pub mod sso;
pub mod tokens;
pub mod user;
pub mod user_credentials;
pub mod users;

use crate::api::admin::admin_check;
use crate::components::loading::loading;
use crate::domain::instance_permission::ADMIN_SECTIONS;
use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::components::Outlet;
use leptos_router::hooks::use_location;

/// The page title for an admin path: the section's name, or the singular on a detail page.
fn title_for(path: &str) -> &'static str {
    let mut parts = path.trim_end_matches('/').split('/').skip(2);
    match (parts.next(), parts.next()) {
        (None | Some("users"), None) => "Users",
        (Some("users"), Some(_)) => "User",
        (Some("batch"), _) => "Create several accounts",
        (Some("roles"), None) => "Instance roles",
        (Some("roles"), Some(_)) => "Instance role",
        (Some("organizations"), None) => "Organizations",
        (Some("organizations"), Some(_)) => "Organization",
        (Some("settings"), _) => "Instance settings",
        (Some("sso"), None) => "Single sign-on",
        (Some("sso"), Some(_)) => "Identity provider",
        (Some("outbox"), _) => "Outbox",
        (Some("tokens"), _) => "Tokens",
        (Some("audit"), _) => "Audit log",
        _ => "Site administration",
    }
}

/// `/admin`: the frame of every admin page — the tabs of the sections the caller's instance
/// role opens around the routed page in the `<Outlet/>`, or a clear refusal for anyone without
/// an instance role (checked once for all admin pages; the server refuses every admin call
/// on its own too, by its permission).
#[component]
pub fn AdminLayout() -> impl IntoView {
    let location = use_location();
    let allowed = Resource::new(|| (), |_| admin_check());
    let title = move || title_for(&location.pathname.read());
    view! {
        <div class="org">
            <header class="org__header">
                <p class="org__eyebrow">"Site administration"</p>
                <h1>{title}</h1>
            </header>
            <Suspense fallback=loading>
                {move || Suspend::new(async move {
                    match allowed.await {
                        Ok(mine) => {
                            view! {
                                <nav class="tabs" aria-label="Site administration">
                                    {ADMIN_SECTIONS
                                        .iter()
                                        .filter(|(_, _, needs)| {
                                            mine.iter().any(|p| p == needs.id())
                                        })
                                        .map(|(href, label, _)| {
                                            let current = move || {
                                                location
                                                    .pathname
                                                    .read()
                                                    .starts_with(*href)
                                                    .then_some("page")
                                            };
                                            view! {
                                                <a href=*href aria-current=current>
                                                    {*label}
                                                </a>
                                            }
                                        })
                                        .collect_view()}
                                </nav>
                                <div class="org__body">
                                    <Outlet />
                                </div>
                            }
                                .into_any()
                        }
                        Err(error) => view! { <NotAllowed error /> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

#[component]
fn NotAllowed(error: AppError) -> impl IntoView {
    let signed_out = error.status() == 401;
    view! {
        <p class="notice notice--error" role="alert">
            {if signed_out {
                "Sign in as an administrator to see this page."
            } else {
                "Not allowed: only holders of an instance role (such as Site admin) can open the administration pages."
            }}
        </p>
        {signed_out
            .then(|| {
                view! {
                    <p>
                        <a href="/login">"Sign in"</a>
                    </p>
                }
            })}
    }
}

#[cfg(test)]
mod tests {
    use super::title_for;

    #[test]
    fn each_admin_path_has_its_title() {
        assert_eq!(title_for("/admin"), "Users");
        assert_eq!(title_for("/admin/users"), "Users");
        assert_eq!(title_for("/admin/users/alice"), "User");
        assert_eq!(title_for("/admin/organizations/"), "Organizations");
        assert_eq!(title_for("/admin/organizations/acme"), "Organization");
        assert_eq!(title_for("/admin/settings"), "Instance settings");
        assert_eq!(title_for("/admin/outbox"), "Outbox");
        assert_eq!(title_for("/admin/audit"), "Audit log");
    }
}
