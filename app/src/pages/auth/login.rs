use crate::api::auth::SignIn;
use crate::components::form::{FieldError, FormError, invalid, submission_error};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `/login`: sign in with username or email and password.
#[component]
pub fn LoginPage() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let error = submission_error(action);
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let pending = action.pending();

    view! {
        <Title text="Sign in" />
        <section class="panel auth-panel">
            <h1>"Sign in"</h1>
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
                        aria-invalid=invalid(error, "login")
                    />
                    <FieldError error field="login" />
                </div>
                <div class="field">
                    <label for="password">"Password"</label>
                    <input
                        id="password"
                        name="password"
                        type="password"
                        autocomplete="current-password"
                        required
                    />
                </div>
                <input type="hidden" name="next" prop:value=next value=next />
                <button type="submit" disabled=move || pending.get()>
                    {move || if pending.get() { "Signing in…" } else { "Sign in" }}
                </button>
            </ActionForm>
            <p class="muted">
                <a href="/forgot-password">"Forgot your password?"</a>
            </p>
            <p class="muted">"No account yet? " <a href="/signup">"Create one"</a></p>
        </section>
    }
}
