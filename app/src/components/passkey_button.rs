//! A button that signs in with a passkey (`purpose`: `sign_in`, or `second_factor` on the
//! two-factor page). The browser's WebAuthn API does the work, so `public/passkeys.js` runs it
//! and the button shows only where that script found passkey support (the `passkey-only`
//! class); without JavaScript the page's forms are the way in.

use leptos::prelude::*;

#[component]
pub fn PasskeyButton(purpose: &'static str, label: &'static str, next: String) -> impl IntoView {
    view! {
        <div class="passkey-only" data-passkey-form=purpose data-next=next>
            <p class="notice notice--error" role="alert" data-passkey-error hidden />
            <button type="button" class="button--wide" data-passkey=purpose>
                {label}
            </button>
        </div>
    }
}
