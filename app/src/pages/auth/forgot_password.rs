use crate::api::auth::RequestPasswordReset;
use crate::components::form::{FieldError, FormError, invalid, submission_error};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `/forgot-password`: ask for a link to choose a new password. The answer is the same
/// whatever was typed (no account is revealed).
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let action = ServerAction::<RequestPasswordReset>::new();
    let error = submission_error(action);
    let query = use_query_map();
    let sent =
        move || matches!(action.value().get(), Some(Ok(()))) || query.read().get("sent").is_some();
    let pending = action.pending();
    view! {
        <Title text="Forgot your password?" />
        <section class="panel auth-panel">
            <h1>"Forgot your password?"</h1>
            <Show
                when=sent
                fallback=move || {
                    view! {
                        <p class="muted">
                            "Enter your username or email address. If it belongs to an account with a verified address, we email a link to choose a new password; it works once, for an hour."
                        </p>
                        <ActionForm action=action>
                            <FormError error />
                            <div class="field">
                                <label for="login">"Username or email"</label>
                                <input
                                    id="login"
                                    name="login"
                                    type="text"
                                    autocomplete="username"
                                    required
                                    maxlength="320"
                                    aria-invalid=invalid(error, "login")
                                />
                                <FieldError error field="login" />
                            </div>
                            <button type="submit" disabled=move || pending.get()>
                                {move || {
                                    if pending.get() { "Sending…" } else { "Email me a link" }
                                }}
                            </button>
                        </ActionForm>
                    }
                }
            >
                <p class="notice" role="status">
                    "If an account with a verified address matches, a link to choose a new password is on its way. It works once, for an hour. Nothing arrived? Check the address you signed up with, or ask an administrator."
                </p>
            </Show>
            <p class="muted">
                <a href="/login">"Back to sign-in"</a>
            </p>
        </section>
    }
}
