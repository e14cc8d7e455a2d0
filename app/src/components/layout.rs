//! The page frame: header (product name, navigation, the signed-in user's place), main area
//! and footer.
//!
//! Before the WebAssembly loads, the navigation is always shown (JavaScript off works). Once
//! hydrated, narrow screens fold it behind a "Menu" button.

use crate::domain::instance::VERSION;
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
        <div class="app" data-hydrated=move || hydrated.get().to_string()>
            <a class="skip-link" href="#main">"Skip to content"</a>
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
                        <div class="user-slot" aria-live="polite">
                            <span class="muted">"Not signed in"</span>
                        </div>
                    </nav>
                </div>
            </header>
            <main id="main" class="site-main" tabindex="-1">
                {children()}
            </main>
            <footer class="site-footer">
                <div class="site-footer__inner">
                    <span>"Gatehouse " {VERSION}</span>
                    <a href="/api/v1/openapi.json" rel="external">"REST API (OpenAPI)"</a>
                    <a href="/healthz" rel="external">"Health"</a>
                </div>
            </footer>
        </div>
    }
}
