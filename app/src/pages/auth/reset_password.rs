use crate::api::auth::{CompletePasswordReset, peek_password_reset};
use crate::components::form::{FormError, submission_error};
use crate::components::new_password_fields::NewPasswordFields;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `/reset-password?token=…`: the page a "forgot password?" link opens: the new password,
/// twice. Opening it changes nothing; posting the form uses the link and signs in (the
/// two-factor code is still asked when it is on).
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let action = ServerAction::<CompletePasswordReset>::new();
    let error = submission_error(action);
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let who = Resource::new(token, |token| async move {
        if token.is_empty() {
            None
        } else {
            Some(peek_password_reset(token).await)
        }
    });
    let pending = action.pending();
    view! {
        <Title text="Choose a new password" />
        <section class="panel auth-panel">
            <h1>"Choose a new password"</h1>
            <Suspense fallback=|| {
                view! {
                    <p class="muted" role="status">
                        "Checking the link…"
                    </p>
                }
            }>
                {move || Suspend::new(async move {
                    match who.await {
                        Some(Ok(username)) => {
                            view! {
                                <p>"For the account " <strong>{username}</strong> "."</p>
                                <ActionForm action=action>
                                    <FormError error />
                                    <input
                                        type="hidden"
                                        name="token"
                                        prop:value=token
                                        value=token
                                    />
                                    <NewPasswordFields error />
                                    <p class="muted small">
                                        "Every session of the account ends, and you are signed in here."
                                    </p>
                                    <button type="submit" disabled=move || pending.get()>
                                        {move || {
                                            if pending.get() {
                                                "Saving…"
                                            } else {
                                                "Set the new password"
                                            }
                                        }}
                                    </button>
                                </ActionForm>
                            }
                                .into_any()
                        }
                        Some(Err(err)) => {
                            view! {
                                <p class="notice notice--error" role="alert">
                                    {err.message}
                                </p>
                                <p>
                                    <a href="/forgot-password">"Ask for a new link"</a>
                                </p>
                            }
                                .into_any()
                        }
                        None => {
                            view! {
                                <p class="notice notice--error" role="alert">
                                    "This page needs the link from your email."
                                </p>
                                <p>
                                    <a href="/forgot-password">"Ask for a link"</a>
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
