use crate::api::email::{VerifyEmail, peek_email_verification};
use crate::components::form::{FormError, submission_error};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `/verify-email?token=…`: the page an email verification link opens. Opening it changes
/// nothing; the button posts the token (so a link scanner that follows links does not verify).
#[component]
pub fn VerifyEmailPage() -> impl IntoView {
    let action = ServerAction::<VerifyEmail>::new();
    let error = submission_error(action);
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let verified = move || {
        matches!(action.value().get(), Some(Ok(()))) || query.read().get("verified").is_some()
    };
    let address = Resource::new(token, |token| async move {
        if token.is_empty() {
            None
        } else {
            Some(peek_email_verification(token).await)
        }
    });

    view! {
        <Title text="Verify your email address" />
        <section class="panel auth-panel">
            <h1>"Verify your email address"</h1>
            <Show
                when=verified
                fallback=move || {
                    view! {
                        <FormError error />
                        <Suspense fallback=|| {
                            view! {
                                <p class="muted" role="status">
                                    "Checking the link…"
                                </p>
                            }
                        }>
                            {move || Suspend::new(async move {
                                match address.await {
                                    Some(Ok(email)) => {
                                        view! {
                                            <p>
                                                "Confirm that " <strong>{email}</strong> " is your address."
                                            </p>
                                            <ActionForm action=action>
                                                <input
                                                    type="hidden"
                                                    name="token"
                                                    prop:value=token
                                                    value=token
                                                />
                                                <button
                                                    type="submit"
                                                    disabled=move || action.pending().get()
                                                >
                                                    {move || {
                                                        if action.pending().get() {
                                                            "Confirming…"
                                                        } else {
                                                            "Confirm my email address"
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
                                        }
                                            .into_any()
                                    }
                                    None => {
                                        view! {
                                            <p class="notice notice--error" role="alert">
                                                "This page needs the link from your verification email."
                                            </p>
                                        }
                                            .into_any()
                                    }
                                }
                            })}
                        </Suspense>
                    }
                }
            >
                <p class="notice notice--success" role="status">
                    "Thank you: your email address is verified."
                </p>
                <p>
                    <a href="/">"Continue"</a>
                </p>
            </Show>
        </section>
    }
}
