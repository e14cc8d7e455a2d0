//! `/settings/...`: the signed-in user's own account.

pub mod organizations;
pub mod passkeys;
pub mod password;
pub mod profile;
pub mod sessions;
pub mod sign_in_methods;
pub mod tokens;
pub mod two_factor;

use leptos::prelude::*;
use leptos_router::hooks::use_location;

const SECTIONS: [(&str, &str); 8] = [
    ("/settings/profile", "Profile"),
    ("/settings/password", "Password"),
    ("/settings/two-factor", "Two-factor"),
    ("/settings/passkeys", "Passkeys"),
    ("/settings/sessions", "Sessions"),
    ("/settings/sign-in-methods", "Sign-in methods"),
    ("/settings/tokens", "API tokens"),
    ("/settings/organizations", "Organizations"),
];

/// The frame of every settings page: a heading and the section navigation.
#[component]
pub fn SettingsFrame(title: &'static str, children: Children) -> impl IntoView {
    let location = use_location();
    view! {
        <div class="settings">
            <nav class="settings__nav" aria-label="Settings">
                <ul>
                    {SECTIONS
                        .iter()
                        .map(|(href, label)| {
                            let current = move || {
                                (location.pathname.get() == *href).then_some("page")
                            };
                            view! {
                                <li>
                                    <a href=*href aria-current=current>
                                        {*label}
                                    </a>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </nav>
            <section class="settings__body">
                <h1>{title}</h1>
                {children()}
            </section>
        </div>
    }
}

/// Shown instead of a settings page to a visitor who is not signed in.
#[component]
pub fn SignInFirst() -> impl IntoView {
    view! {
        <p class="notice notice--warning" role="alert">
            "Sign in to see your settings. "
            <a href="/login">"Sign in"</a>
        </p>
    }
}
