use crate::api::auth::SignInCode;
use crate::components::form::{FieldError, FormError, invalid, submission_error};
use crate::components::passkey_button::PasskeyButton;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `/login/two-factor`: the second step of signing in when two-factor is on. The password step
/// left a short-lived challenge cookie; this page sends the code with it.
#[component]
pub fn LoginCodePage() -> impl IntoView {
    let action = ServerAction::<SignInCode>::new();
    let error = submission_error(action);
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let pending = action.pending();

    view! {
        <Title text="Two-factor code" />
        <section class="panel auth-panel">
            <h1>"Two-factor authentication"</h1>
            <p class="muted" id="code-hint">
                "Enter the 6-digit code from your authenticator app, or use one of your passkeys. Lost your phone? Enter one of your recovery codes instead."
            </p>
            <ActionForm action=action>
                <FormError error />
                <div class="field">
                    <label for="code">"Code"</label>
                    <input
                        id="code"
                        name="code"
                        type="text"
                        autocomplete="one-time-code"
                        autocapitalize="off"
                        spellcheck="false"
                        required
                        maxlength="64"
                        aria-describedby="code-hint"
                        aria-invalid=invalid(error, "code")
                    />
                    <FieldError error field="code" />
                </div>
                <input type="hidden" name="next" prop:value=next value=next />
                <button type="submit" disabled=move || pending.get()>
                    {move || if pending.get() { "Checking…" } else { "Verify and sign in" }}
                </button>
            </ActionForm>
            <p class="divider passkey-only">
                <span>"or"</span>
            </p>
            <PasskeyButton purpose="second_factor" label="Use a passkey" next=next() />
            <p class="muted">
                <a href="/login">"Start over with your password"</a>
            </p>
        </section>
    }
}
