use super::form::{FieldError, invalid};
use crate::error::AppError;
use leptos::prelude::*;

/// The "What is it for?" field of a new-token form (`description`, required, 100 characters).
/// `id` keeps the input's id unique when two token forms share a page.
#[component]
pub fn TokenPurposeField(id: &'static str, error: Signal<Option<AppError>>) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>"What is it for?"</label>
            <input
                id=id
                name="description"
                type="text"
                maxlength="100"
                required
                aria-invalid=invalid(error, "description")
            />
            <FieldError error field="description" />
        </div>
    }
}
