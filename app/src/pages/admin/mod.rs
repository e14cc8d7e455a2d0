//! `/admin/...`: site administration, for site admins only.

pub mod audit;
pub mod organization;
pub mod organizations;
pub mod outbox;
pub mod settings;
pub mod user;
pub mod users;

use crate::api::admin::admin_check;
use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

const SECTIONS: [(&str, &str); 5] = [
    ("/admin/users", "Users"),
    ("/admin/organizations", "Organizations"),
    ("/admin/settings", "Settings"),
    ("/admin/outbox", "Outbox"),
    ("/admin/audit", "Audit log"),
];

/// The frame of every admin page: the section tabs, or a clear refusal for anyone who is not
/// a site admin (the server refuses every admin call on its own too).
#[component]
pub fn AdminFrame(title: &'static str, children: ChildrenFn) -> impl IntoView {
    let location = use_location();
    let allowed = Resource::new(|| (), |_| admin_check());
    let children = StoredValue::new(children);
    view! {
        <div class="org">
            <header class="org__header">
                <p class="org__eyebrow">"Site administration"</p>
                <h1>{title}</h1>
            </header>
            <Suspense fallback=|| view! { <p class="muted" role="status">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match allowed.await {
                        Ok(()) => view! {
                            <nav class="tabs" aria-label="Site administration">
                                {SECTIONS.iter().map(|(href, label)| {
                                    let current = move || location.pathname.get().starts_with(*href).then_some("page");
                                    view! { <a href=*href aria-current=current>{*label}</a> }
                                }).collect_view()}
                            </nav>
                            <div class="org__body">{children.read_value()()}</div>
                        }.into_any(),
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
                "Sign in as a site administrator to see this page."
            } else {
                "Not allowed: only site administrators can open the administration pages."
            }}
        </p>
        {signed_out.then(|| view! { <p><a href="/login">"Sign in"</a></p> })}
    }
}
