//! A destructive action behind a confirmation step that works without JavaScript.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// First a link to `{page}?delete=1`; on that page, the question, what follows from it, and
/// `form` — the form with its hidden fields, the danger button and a Cancel link back to
/// `page`.
#[component]
pub fn ConfirmStep(
    /// The link that opens the step, e.g. "Delete group…".
    open_label: &'static str,
    /// The page the step belongs to.
    page: String,
    /// e.g. "Delete the group devs?".
    question: String,
    /// What happens, and whether it can be undone.
    consequence: &'static str,
    #[prop(into)] form: ViewFn,
) -> impl IntoView {
    let query = use_query_map();
    let confirming = move || query.read().get("delete").is_some();
    move || {
        if confirming() {
            view! {
                <div class="confirm" role="alertdialog" aria-labelledby="confirm-delete-title">
                    <p id="confirm-delete-title">
                        <strong>{question.clone()}</strong>
                    </p>
                    <p class="muted">{consequence}</p>
                    {form.run()}
                </div>
            }
            .into_any()
        } else {
            view! {
                <a class="button" href=format!("{page}?delete=1")>
                    {open_label}
                </a>
            }
            .into_any()
        }
    }
}
