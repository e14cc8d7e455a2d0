use super::SettingsFrame;
use crate::api::account::ChangePassword;
use crate::components::form::{FieldError, FormError, invalid, submission_error};
use crate::components::new_password_fields::NewPasswordFields;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `/settings/password`: current password, then the new one twice.
#[component]
pub fn PasswordPage() -> impl IntoView {
    let action = ServerAction::<ChangePassword>::new();
    let error = submission_error(action);
    let pending = action.pending();
    let query = use_query_map();
    let changed = move || {
        error.get().is_none()
            && (matches!(action.value().get(), Some(Ok(())))
                || query.read().get("changed").is_some())
    };

    let required = move || query.read().get("required").is_some() && !changed();
    view! {
        <Title text="Password" />
        <SettingsFrame title="Password">
            <Show when=required>
                <p class="notice notice--warning" role="alert">
                    "You signed in with a temporary password. Choose your own password before anything else: enter the temporary one as the current password."
                </p>
            </Show>
            <Show when=changed>
                <p class="notice notice--success" role="status">
                    "Your password was changed. Your other sessions were signed out."
                </p>
            </Show>
            <ActionForm action=action>
                <FormError error />
                <div class="field">
                    <label for="current_password">"Current password"</label>
                    <input
                        id="current_password"
                        name="current_password"
                        type="password"
                        autocomplete="current-password"
                        required
                        aria-invalid=invalid(error, "current_password")
                    />
                    <FieldError error field="current_password" />
                </div>
                <NewPasswordFields error />
                <button type="submit" disabled=move || pending.get()>
                    {move || if pending.get() { "Changing…" } else { "Change password" }}
                </button>
            </ActionForm>
        </SettingsFrame>
    }
}
