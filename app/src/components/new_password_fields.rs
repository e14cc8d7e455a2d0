use crate::components::form::{FieldError, invalid};
use crate::domain::password;
use crate::error::AppError;
use leptos::prelude::*;

/// A new password typed twice (`new_password`, `new_password_again`), with the policy's hint
/// and each field's error.
#[component]
pub fn NewPasswordFields(error: Signal<Option<AppError>>) -> impl IntoView {
    view! {
        <div class="field">
            <label for="new_password">"New password"</label>
            <input
                id="new_password"
                name="new_password"
                type="password"
                autocomplete="new-password"
                required
                minlength=password::MIN_LEN
                maxlength=password::MAX_LEN
                aria-describedby="new-password-hint"
                aria-invalid=invalid(error, "new_password")
            />
            <p class="field__hint" id="new-password-hint">
                "At least 10 characters. A few unrelated words make a strong password."
            </p>
            <FieldError error field="new_password" />
        </div>
        <div class="field">
            <label for="new_password_again">"New password, again"</label>
            <input
                id="new_password_again"
                name="new_password_again"
                type="password"
                autocomplete="new-password"
                required
                aria-invalid=invalid(error, "new_password_again")
            />
            <FieldError error field="new_password_again" />
        </div>
    }
}
