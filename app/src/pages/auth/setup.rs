use crate::api::auth::{CompleteSetup, setup_needed};
use crate::components::form::{FieldError, FormError, invalid, submission_error};
use crate::domain::{password, username};
use crate::pages::not_found::NotFound;
use leptos::prelude::*;
use leptos_meta::Title;

/// `/setup`: the first site administrator, with the one-time code from the server's log. Once
/// a user exists the page does not exist either (404).
#[component]
pub fn SetupPage() -> impl IntoView {
    let action = ServerAction::<CompleteSetup>::new();
    let error = submission_error(action);
    let pending = action.pending();
    let needed = Resource::new(|| (), |_| setup_needed());

    view! {
        <Suspense fallback=|| {
            view! {
                <p class="muted" role="status">
                    "Checking…"
                </p>
            }
        }>
            {move || Suspend::new(async move {
                match needed.await {
                    Ok(true) => {
                        view! {
                            <Title text="Set up Gatehouse" />
                            <section class="panel auth-panel">
                                <h1>"Set up Gatehouse"</h1>
                                <p class="muted">
                                    "Create the first administrator. The setup code is in the server's log."
                                </p>
                                <ActionForm action=action>
                                    <FormError error />
                                    <div class="field">
                                        <label for="code">"Setup code"</label>
                                        <input
                                            id="code"
                                            name="code"
                                            type="text"
                                            autocomplete="off"
                                            required
                                        />
                                    </div>
                                    <div class="field">
                                        <label for="username">"Username"</label>
                                        <input
                                            id="username"
                                            name="username"
                                            type="text"
                                            autocomplete="username"
                                            required
                                            maxlength=username::MAX_LEN
                                            aria-invalid=invalid(error, "username")
                                        />
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
                                            aria-invalid=invalid(error, "password")
                                        />
                                        <FieldError error field="password" />
                                    </div>
                                    <button type="submit" disabled=move || pending.get()>
                                        {move || {
                                            if pending.get() {
                                                "Creating…"
                                            } else {
                                                "Create administrator"
                                            }
                                        }}
                                    </button>
                                </ActionForm>
                            </section>
                        }
                            .into_any()
                    }
                    Ok(false) => view! { <NotFound /> }.into_any(),
                    Err(err) => {
                        view! {
                            <p class="notice notice--error" role="alert">
                                {err.message}
                            </p>
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}
