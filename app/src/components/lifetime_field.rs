use super::form::{FieldError, invalid};
use crate::api::account::token_max_days;
use crate::domain::token::LIFETIMES_DAYS;
use crate::error::AppError;
use leptos::prelude::*;

/// The "Expires" select of a new-token form (`expires_in_days`: days or `never`), offering
/// only the lifetimes the instance allows.
#[component]
pub fn LifetimeField(error: Signal<Option<AppError>>) -> impl IntoView {
    let limit = Resource::new(|| (), |_| token_max_days());
    view! {
        <div class="field">
            <label for="expires_in_days">"Expires"</label>
            <Suspense fallback=|| {
                view! { <select id="expires_in_days" name="expires_in_days" disabled=true /> }
            }>
                {move || Suspend::new(async move {
                    let max = limit.await.ok().flatten();
                    let allowed: Vec<i64> = LIFETIMES_DAYS
                        .iter()
                        .copied()
                        .filter(|d| max.is_none_or(|m| *d <= m))
                        .collect();
                    let default = if allowed.contains(&30) {
                        Some(30)
                    } else {
                        allowed.last().copied()
                    };
                    view! {
                        <select
                            id="expires_in_days"
                            name="expires_in_days"
                            aria-invalid=invalid(error, "expires_in_days")
                        >
                            {allowed
                                .iter()
                                .map(|d| {
                                    view! {
                                        <option value=d.to_string() selected=Some(*d) == default>
                                            {format!("In {d} days")}
                                        </option>
                                    }
                                })
                                .collect_view()}
                            {max
                                .is_none()
                                .then(|| view! { <option value="never">"Never"</option> })}
                        </select>
                        {max
                            .map(|m| {
                                view! {
                                    <p class="field__hint">
                                        {format!("Tokens on this instance live at most {m} days.")}
                                    </p>
                                }
                            })}
                    }
                })}
            </Suspense>
            <FieldError error field="expires_in_days" />
        </div>
    }
}
