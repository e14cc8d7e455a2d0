use crate::api::auth::SignIn;
use crate::api::sso::sign_in_offer;
use crate::components::form::{FieldError, FormError, invalid, submission_error};
use crate::components::passkey_button::PasskeyButton;
use crate::domain::percent::encode;
use crate::domain::sso::failure_message;
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
    let sso_error = move || {
        query
            .read()
            .get("sso_error")
            .map(|code| failure_message(&code))
    };

    view! {
        <Title text="Sign in" />
        <section class="panel auth-panel">
            <h1>"Sign in"</h1>
            {move || {
                sso_error()
                    .map(|message| {
                        view! {
                            <p class="notice notice--error" role="alert">
                                {message}
                            </p>
                        }
                    })
            }}
            <SsoButtons next=next() />
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
            <p class="divider passkey-only">
                <span>"or"</span>
            </p>
            <PasskeyButton purpose="sign_in" label="Sign in with a passkey" next=next() />
            <p class="muted">
                <a href="/forgot-password">"Forgot your password?"</a>
            </p>
            <p class="muted">"No account yet? " <a href="/signup">"Create one"</a></p>
        </section>
    }
}

/// "Sign in with <provider>" for each configured provider: plain links, so they work without
/// JavaScript.
#[component]
fn SsoButtons(next: String) -> impl IntoView {
    let options = Resource::new(|| (), |_| sign_in_offer());
    let next = (!next.is_empty()).then(|| format!("?next={}", encode(&next)));
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let next = next.clone().unwrap_or_default();
                Suspend::new(async move {
                    let options = options.await.unwrap_or_default();
                    let sso_only = options
                        .sso_only
                        .then(|| {
                            view! {
                                <p class="notice" role="status">
                                    "This instance signs people in through their identity provider. Password sign-in is for site administrators only."
                                </p>
                            }
                        });
                    let list = options.providers;
                    let buttons = (!list.is_empty())
                        .then(|| {
                            view! {
                                <ul class="sso-buttons" aria-label="Single sign-on">
                                    {list
                                        .into_iter()
                                        .map(|p| {
                                            let href = format!(
                                                "/api/v1/auth/sso/{}/start{}",
                                                encode(&p.id),
                                                next,
                                            );
                                            view! {
                                                <li>
                                                    <a class="button button--wide" href=href rel="external">
                                                        "Sign in with "
                                                        {p.name}
                                                    </a>
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                                <p class="divider">
                                    <span>"or with your password"</span>
                                </p>
                            }
                        });
                    view! {
                        {buttons}
                        {sso_only}
                    }
                })
            }}
        </Suspense>
    }
}
