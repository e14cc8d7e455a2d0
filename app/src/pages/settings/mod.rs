//! `/settings/...`: the signed-in user's own account.

pub mod password;
pub mod profile;
pub mod sessions;
pub mod tokens;

use leptos::prelude::*;

/// The frame of every settings page: a heading and the section navigation.
#[component]
pub fn SettingsFrame(title: &'static str, children: Children) -> impl IntoView {
    view! {
        <div class="settings">
            <nav class="settings__nav" aria-label="Settings">
                <ul>
                    <li><a href="/settings/profile">"Profile"</a></li>
                    <li><a href="/settings/password">"Password"</a></li>
                    <li><a href="/settings/sessions">"Sessions"</a></li>
                    <li><a href="/settings/tokens">"API tokens"</a></li>
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
            "Sign in to see your settings. " <a href="/login">"Sign in"</a>
        </p>
    }
}
