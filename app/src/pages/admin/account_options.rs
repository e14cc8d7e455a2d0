//! The options a new account is created with, shared by the single and the batch creation
//! forms: status, instance role, a place in an organization, and whether the user must choose
//! their own password at the first sign-in. Field names match `api::admin::AccountOptions`.

use crate::components::form::{FieldError, invalid};
use crate::domain::role::{BuiltinRole, RoleInfo};
use crate::error::AppError;
use leptos::prelude::*;

/// The fields; `prefix` keeps their ids unique on a page; `roles` are the instance roles;
/// `can_give_roles` whether the caller holds `users.update`.
#[component]
pub fn AccountOptionsFields(
    prefix: &'static str,
    roles: Vec<RoleInfo>,
    can_give_roles: bool,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let id = move |name: &str| format!("{prefix}-{name}");
    view! {
        <div class="field">
            <label for=id("status")>"Status"</label>
            <select id=id("status") name="status">
                <option value="active" selected>
                    "Active"
                </option>
                <option value="inactive">"Inactive (cannot sign in until activated)"</option>
            </select>
        </div>
        {can_give_roles
            .then(|| {
                view! {
                    <div class="field">
                        <label for=id("instance-role")>"Instance role"</label>
                        <select
                            id=id("instance-role")
                            name="instance_role"
                            aria-invalid=invalid(error, "instance_role")
                        >
                            <option value="" selected>
                                "None"
                            </option>
                            {roles
                                .into_iter()
                                .map(|r| view! { <option value=r.name>{r.title}</option> })
                                .collect_view()}
                        </select>
                        <FieldError error field="instance_role" />
                    </div>
                }
            })}
        <fieldset class="field-group">
            <legend>"Organization (optional)"</legend>
            <div class="field">
                <label for=id("organization")>"Organization name"</label>
                <input
                    id=id("organization")
                    name="organization"
                    type="text"
                    maxlength="39"
                    aria-describedby=id("organization-hint")
                    aria-invalid=invalid(error, "organizations")
                />
                <p class="field__hint" id=id("organization-hint")>
                    "One you can invite people to; they join it at once."
                </p>
                <FieldError error field="organizations" />
            </div>
            <div class="field">
                <label for=id("org-role")>"Role there"</label>
                <select id=id("org-role") name="org_role" aria-invalid=invalid(error, "role")>
                    {BuiltinRole::ALL
                        .into_iter()
                        .rev()
                        .map(|r| {
                            view! {
                                <option value=r.name() selected=r == BuiltinRole::Viewer>
                                    {r.title()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
                <FieldError error field="role" />
            </div>
            <div class="field">
                <label for=id("groups")>"Groups there (optional, comma-separated)"</label>
                <input
                    id=id("groups")
                    name="groups"
                    type="text"
                    aria-invalid=invalid(error, "groups")
                />
                <FieldError error field="groups" />
            </div>
        </fieldset>
        <div class="field field--check">
            <input
                id=id("require-change")
                name="require_password_change"
                type="checkbox"
                value="on"
                checked
            />
            <label for=id("require-change")>"Require a new password at the first sign-in"</label>
        </div>
    }
}
