use super::form::{FieldError, invalid};
use crate::domain::token::LIFETIMES_DAYS;
use crate::error::AppError;
use leptos::prelude::*;

/// The "Expires" select of a new-token form (`expires_in_days`: days or `never`).
#[component]
pub fn LifetimeField(error: Signal<Option<AppError>>) -> impl IntoView {
    view! {
        <div class="field">
            <label for="expires_in_days">"Expires"</label>
            <select id="expires_in_days" name="expires_in_days" aria-invalid=invalid(error, "expires_in_days")>
                {LIFETIMES_DAYS.iter().map(|d| view! {
                    <option value=d.to_string() selected=*d == 30>{format!("In {d} days")}</option>
                }).collect_view()}
                <option value="never">"Never"</option>
            </select>
            <FieldError error field="expires_in_days" />
        </div>
    }
}
