use crate::api::sso::{EmailLinkProof, LinkIdentity, LinkIdentityByEmail, pending_link};
use crate::components::form::{FieldError, FormError, invalid, submission_error};
use crate::components::loading::loading;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `/login/link`: a provider vouched for an address that belongs to an existing account; its
/// person proves the account (password, and the two-factor code when on; or a link emailed to
/// the account, opened in this browser) before the identity is linked to it.
#[component]
pub fn LinkIdentityPage() -> impl IntoView {
    let action = ServerAction::<LinkIdentity>::new();
    let error = submission_error(action);
    let pending = action.pending();
    let email = ServerAction::<EmailLinkProof>::new();
    let email_error = submission_error(email);
    let by_email = ServerAction::<LinkIdentityByEmail>::new();
    let by_email_error = submission_error(by_email);
    let preview = Resource::new(|| (), |_| pending_link());
    let query = use_query_map();
    let token = move || query.read().get("token");
    let sent = move || query.read().get("sent").is_some();

    view! {
        <Title text="Link your account" />
        <section class="panel auth-panel">
            <h1>"Link your account"</h1>
            <Suspense fallback=loading>
                {move || Suspend::new(async move {
                    match preview.await {
                        Ok(link) if token().is_some() => {
                            view! {
                                <p>
                                    "The link from your email proves the account "
                                    <strong>{link.username.clone()}</strong> ". Link "
                                    <strong>{link.provider_name.clone()}</strong>
                                    " to it and sign in?"
                                </p>
                                <ActionForm action=by_email>
                                    <FormError error=by_email_error />
                                    <input
                                        type="hidden"
                                        name="token"
                                        value=token().unwrap_or_default()
                                    />
                                    <button type="submit">"Link and sign in"</button>
                                </ActionForm>
                                <p class="muted">
                                    "Not yours? " <a href="/login">"Back to sign in"</a>
                                    " (nothing is linked)."
                                </p>
                            }
                                .into_any()
                        }
                        Ok(link) => {
                            view! {
                                {sent()
                                    .then(|| {
                                        view! {
                                            <p class="notice notice--success" role="status">
                                                "We sent a link to the account's email address. Open it in this browser to link the account."
                                            </p>
                                        }
                                    })}
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
                                <ActionForm action=email>
                                    <FormError error=email_error />
                                    <p class="muted">
                                        "No password, or rather not type it? "
                                        <button type="submit" class="button--link">
                                            "Email me a link instead"
                                        </button>
                                    </p>
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
