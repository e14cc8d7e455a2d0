use crate::api::admin::list_outbox;
use crate::components::loading::loading;
use crate::domain::percent::encode;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `/admin/outbox`: every email the instance sent or keeps, newest first, readable in full
/// (when no SMTP server is configured, this is where they are).
#[component]
pub fn AdminOutboxPage() -> impl IntoView {
    let query = use_query_map();
    let messages = Resource::new(move || query.read().get("cursor"), list_outbox);
    view! {
        <Title text="Outbox" />
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match messages.await {
                    Err(err) => {
                        view! {
                            <p class="notice notice--error" role="alert">
                                {err.message}
                            </p>
                        }
                            .into_any()
                    }
                    Ok(page) if page.items.is_empty() => {
                        view! { <p class="muted">"No email yet."</p> }.into_any()
                    }
                    Ok(page) => {
                        let next = page
                            .next_cursor
                            .clone()
                            .map(|c| format!("/admin/outbox?cursor={}", encode(&c)));
                        view! {
                            <ul class="outbox">
                                {page
                                    .items
                                    .into_iter()
                                    .map(|m| {
                                        view! {
                                            <li class="outbox__message">
                                                <details>
                                                    <summary>
                                                        <strong>{m.subject.clone()}</strong>
                                                        " → "
                                                        {m.recipient.clone()}
                                                        " "
                                                        <span class="badge" class=("badge--ok", m.status == "sent")>
                                                            {m.status.clone()}
                                                        </span>
                                                        " "
                                                        <span class="muted small">
                                                            {m.created_at.replace('T', " ").replace('Z', "")}
                                                        </span>
                                                    </summary>
                                                    {m
                                                        .last_error
                                                        .clone()
                                                        .map(|e| {
                                                            view! {
                                                                <p class="notice notice--error">
                                                                    {format!("Last error (after {} attempts): {e}", m.attempts)}
                                                                </p>
                                                            }
                                                        })}
                                                    <pre class="outbox__body">{m.body.clone()}</pre>
                                                </details>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                            {next
                                .map(|href| {
                                    view! {
                                        <p>
                                            <a class="button" href=href>
                                                "Older messages"
                                            </a>
                                        </p>
                                    }
                                })}
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}
