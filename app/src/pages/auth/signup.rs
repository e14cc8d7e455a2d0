use crate::api::auth::SignUp;
use crate::components::form::{FieldError, FormError, invalid, submission_error};
use crate::domain::{password, username};
use leptos::prelude::*;
use leptos_meta::Title;

/// `/signup`: create an account (while the instance's sign-up mode is open).
#[component]
pub fn SignupPage() -> impl IntoView {
    let action = ServerAction::<SignUp>::new();
    let error = submission_error(action);
    let pending = action.pending();

    view! {
        <Title text="Create an account" />
        <section class="panel auth-panel">
            <h1>"Create an account"</h1>
            <ActionForm action=action>
                <FormError error />
                <div class="field">
                    <label for="username">"Username"</label>
                    <input
                        id="username"
                        name="username"
                        type="text"
                        autocomplete="username"
                        required
                        maxlength=username::MAX_LEN
                        aria-describedby="username-hint"
                        aria-invalid=invalid(error, "username")
                    />
                    <p class="field__hint" id="username-hint">
                        "Letters a–z, digits and hyphens; up to 39 characters."
                    </p>
                    <FieldError error field="username" />
                </div>
                <div class="field">
                    <label for="email">"Email"</label>
                    <input
                        id="email"
                        name="email"
                        type="email"
                        autocomplete="email"
                        required
                        aria-invalid=invalid(error, "email")
                    />
                    <FieldError error field="email" />
                </div>
                <div class="field">
                    <label for="password">"Password"</label>
                    <input
                        id="password"
                        name="password"
                        type="password"
                        autocomplete="new-password"
                        required
                        minlength=password::MIN_LEN
                        maxlength=password::MAX_LEN
                        aria-describedby="password-hint"
                        aria-invalid=invalid(error, "password")
                    />
                    <p class="field__hint" id="password-hint">
                        "At least 10 characters. A few unrelated words make a strong password."
                    </p>
                    <FieldError error field="password" />
                </div>
                <button type="submit" disabled=move || pending.get()>
                    {move || {
                        if pending.get() { "Creating your account…" } else { "Create account" }
                    }}
                </button>
            </ActionForm>
            <p class="muted">"Already have an account? " <a href="/login">"Sign in"</a></p>
        </section>
    }
}
