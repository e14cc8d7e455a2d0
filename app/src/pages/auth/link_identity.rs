use crate::api::sso::{LinkIdentity, pending_link};
use crate::components::form::{FieldError, FormError, invalid, submission_error};
use crate::components::loading::loading;
use leptos::prelude::*;
use leptos_meta::Title;

/// `/login/link`: a provider vouched for an address that belongs to an existing account; its
/// person proves the account (password, and the two-factor code when on) before the identity
/// is linked to it.
#[component]
pub fn LinkIdentityPage() -> impl IntoView {
    let action = ServerAction::<LinkIdentity>::new();
    let error = submission_error(action);
    let pending = action.pending();
    let preview = Resource::new(|| (), |_| pending_link());

    view! {
        <Title text="Link your account" />
        <section class="panel auth-panel">
            <h1>"Link your account"</h1>
            <Suspense fallback=loading>
                {move || Suspend::new(async move {
                    match preview.await {
                        Ok(link) => {
                            view! {
                                <p>
                                    "An account here already uses the email address your identity provider gave. To link "
                                    <strong>{link.provider_name.clone()}</strong> " to the account "
                                    <strong>{link.username.clone()}</strong>
                                    ", prove it is yours: enter its password."
                                </p>
                                <ActionForm action=action>
                                    <FormError error />
                                    <div class="field">
                                        <label for="password">"Password of " {link.username}</label>
                                        <input
                                            id="password"
                                            name="password"
                                            type="password"
                                            autocomplete="current-password"
                                            required
                                            aria-invalid=invalid(error, "password")
                                        />
                                        <FieldError error field="password" />
                                    </div>
                                    <div class="field">
                                        <label for="code">"Two-factor code"</label>
                                        <input
                                            id="code"
                                            name="code"
                                            type="text"
                                            autocomplete="one-time-code"
                                            autocapitalize="off"
                                            spellcheck="false"
                                            maxlength="64"
                                            aria-describedby="code-hint"
                                            aria-invalid=invalid(error, "code")
                                        />
                                        <p class="field__hint" id="code-hint">
                                            "Only if the account has two-factor authentication on: the code from your app, or a recovery code."
                                        </p>
                                        <FieldError error field="code" />
                                    </div>
                                    <button type="submit" disabled=move || pending.get()>
                                        {move || {
                                            if pending.get() {
                                                "Linking…"
                                            } else {
                                                "Link and sign in"
                                            }
                                        }}
                                    </button>
                                </ActionForm>
                                <p class="muted">
                                    "Not yours? " <a href="/login">"Back to sign in"</a>
                                    " (nothing is linked)."
                                </p>
                            }
                                .into_any()
                        }
                        Err(err) => {
                            view! {
                                <p class="notice notice--error" role="alert">
                                    {err.message}
                                </p>
                                <p>
                                    <a href="/login">"Back to sign in"</a>
                                </p>
                            }
                                .into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}
