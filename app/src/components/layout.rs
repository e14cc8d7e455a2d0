//! The page frame: header (product name, navigation, the signed-in user's place), main area
//! and footer.
//!
//! Before the WebAssembly loads, the navigation is always shown (JavaScript off works). Once
//! hydrated, narrow screens fold it behind a "Menu" button.

use crate::api::auth::{SignOut, current_user};
use crate::domain::instance::VERSION;
use crate::domain::instance_permission::admin_home;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    // Effects run only in the browser, so this flips once the app has hydrated.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));

    let menu_open = RwSignal::new(false);
    let location = use_location();
    Effect::new(move |_| {
        // Close the menu whenever the page changes.
        location.pathname.track();
        menu_open.set(false);
    });

    view! {
        // `data-hydrated` turns "true" once the whole page, its lazily loaded part included,
        // has hydrated (set by the browser entry point, `frontend/src/lib.rs`).
        <div class="app" data-hydrated="false">
            <a class="skip-link" href="#main">
                "Skip to content"
            </a>
            <header class="site-header">
                <div class="site-header__inner">
                    <a class="brand" href="/">
                        <img class="brand__mark" src="/favicon.svg" alt="" width="28" height="28" />
                        <span>"Gatehouse"</span>
                    </a>
                    <button
                        type="button"
                        class="menu-toggle"
                        aria-controls="site-nav"
                        aria-expanded=move || menu_open.get().to_string()
                        hidden=move || !hydrated.get()
                        on:click=move |_| menu_open.update(|open| *open = !*open)
                    >
                        "Menu"
                    </button>
                    <nav
                        id="site-nav"
                        class="site-nav"
                        class=("site-nav--collapsed", move || hydrated.get() && !menu_open.get())
                        aria-label="Main"
                    >
                        <ul>
                            <li>
                                <a href="/">"Home"</a>
                            </li>
                            <li>
                                <a href="/api/v1/openapi.json" rel="external">
                                    "API"
                                </a>
                            </li>
                        </ul>
                        <UserMenu />
                    </nav>
                </div>
            </header>
            <main id="main" class="site-main" tabindex="-1">
                {children()}
            </main>
            <footer class="site-footer">
                <div class="site-footer__inner">
                    <span>"Gatehouse " {VERSION}</span>
                    <a href="/api/v1/openapi.json" rel="external">
                        "REST API (OpenAPI)"
                    </a>
                    <a href="/healthz" rel="external">
                        "Health"
                    </a>
                </div>
            </footer>
        </div>
    }
}

/// The signed-in user's place in the header: their name and "Sign out", or the way in.
#[component]
fn UserMenu() -> impl IntoView {
    let location = use_location();
    let sign_out = ServerAction::<SignOut>::new();
    // Re-read on every navigation and after signing out, so the header follows sign-in state.
    let user = Resource::new(
        move || (location.pathname.get(), sign_out.version().get()),
        |_| current_user(),
    );
    let menu = Resource::new(
        move || (location.pathname.get(), sign_out.version().get()),
        |_| crate::api::orgs::org_menu(),
    );
    view! {
        <div class="user-slot">
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let menu = menu.await.unwrap_or_default();
                    match user.await {
                        Ok(Some(user)) => {
                            view! {
                                <super::org_switcher::OrgSwitcher
                                    orgs=menu.organizations
                                    pending=menu.pending_invitations
                                />
                                <span class="user-slot__name">
                                    "Signed in as " <strong>{user.username}</strong>
                                </span>
                                {admin_home(&user.instance_permissions)
                                    .map(|href| view! { <a href=href>"Admin"</a> })}
                                <a href="/settings/profile">"Settings"</a>
                                <ActionForm action=sign_out attr:class="inline-form">
                                    <button type="submit" class="button--link">
                                        "Sign out"
                                    </button>
                                </ActionForm>
                            }
                                .into_any()
                        }
                        _ => {
                            view! {
                                <a href="/login">"Sign in"</a>
                                <a href="/signup">"Create account"</a>
                            }
                                .into_any()
                        }
                    }
                })}
            </Suspense>
        </div>
    }
}
