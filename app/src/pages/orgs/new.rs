use crate::api::orgs::CreateOrganization;
use crate::components::form::{FieldError, FormError, invalid, submission_error};
use crate::domain::slug;
use leptos::prelude::*;
use leptos_meta::Title;

/// `/orgs/new`: create an organization (the creator becomes its owner).
#[component]
pub fn NewOrgPage() -> impl IntoView {
    let action = ServerAction::<CreateOrganization>::new();
    let error = submission_error(action);
    let pending = action.pending();
    view! {
        <Title text="New organization" />
        <section class="panel form-panel">
            <h1>"New organization"</h1>
            <p class="muted">
                "You will be its first owner. You can invite people once it exists."
            </p>
            <ActionForm action=action>
                <FormError error />
                <div class="field">
                    <label for="name">"Name"</label>
                    <input
                        id="name"
                        name="name"
                        type="text"
                        required
                        maxlength=slug::MAX_LEN
                        autocomplete="off"
                        aria-describedby="name-hint"
                        aria-invalid=invalid(error, "name")
                    />
                    <p class="field__hint" id="name-hint">
                        "Used in links: letters a–z, digits and hyphens."
                    </p>
                    <FieldError error field="name" />
                </div>
                <div class="field">
                    <label for="display_name">"Display name (optional)"</label>
                    <input
                        id="display_name"
                        name="display_name"
                        type="text"
                        maxlength="100"
                        autocomplete="organization"
                        aria-invalid=invalid(error, "display_name")
                    />
                    <FieldError error field="display_name" />
                </div>
                <button type="submit" disabled=move || pending.get()>
                    {move || if pending.get() { "Creating…" } else { "Create organization" }}
                </button>
            </ActionForm>
        </section>
    }
}
