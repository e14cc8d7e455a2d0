//! A role editor's own fields (an organization's custom role or an instance role): the name
//! (for a new role only), the title and the description, with their errors.

use crate::components::form::{FieldError, invalid};
use crate::domain::role::RoleInfo;
use crate::error::AppError;
use leptos::prelude::*;

#[component]
pub fn RoleFields(role: Option<RoleInfo>, error: Signal<Option<AppError>>) -> impl IntoView {
    let is_new = role.is_none();
    let title = role.as_ref().map(|r| r.title.clone()).unwrap_or_default();
    let description = role.map(|r| r.description).unwrap_or_default();
    view! {
        {is_new
            .then(|| {
                view! {
                    <div class="field">
                        <label for="role-name">"Name"</label>
                        <input
                            id="role-name"
                            name="name"
                            type="text"
                            required
                            maxlength="39"
                            aria-invalid=invalid(error, "name")
                        />
                        <FieldError error field="name" />
                    </div>
                }
            })}
        <div class="field">
            <label for="role-title">"Title"</label>
            <input
                id="role-title"
                name="title"
                type="text"
                maxlength="100"
                value=title
                aria-invalid=invalid(error, "title")
            />
            <FieldError error field="title" />
        </div>
        <div class="field">
            <label for="role-description">"Description"</label>
            <input
                id="role-description"
                name="description"
                type="text"
                maxlength="500"
                value=description
            />
        </div>
        <FieldError error field="permissions" />
    }
}
