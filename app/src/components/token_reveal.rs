use super::copy_button::CopyButton;
use leptos::prelude::*;

/// A secret shown once: the value, a copy button (with JavaScript), and the warning that it
/// will not be shown again.
#[component]
pub fn TokenReveal(token: String) -> impl IntoView {
    view! {
        <div class="token-reveal" role="status">
            <p>
                <strong>"Copy your new token now."</strong>
                " It will not be shown again: Gatehouse keeps only a hash of it."
            </p>
            <div class="token-reveal__row">
                <label class="visually-hidden" for="new-token">
                    "New token"
                </label>
                <input
                    id="new-token"
                    class="token-reveal__value"
                    type="text"
                    readonly
                    value=token.clone()
                />
                <CopyButton text=token />
            </div>
        </div>
    }
}
