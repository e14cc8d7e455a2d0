use super::{OrgRefresh, WithOrg};
use crate::api::orgs::{
    DeleteOrganization, RemoveMember, SetDirectAdding, SetSsoPolicy, SetTwoFactorPolicy,
    UpdateOrganization, two_factor_lockout,
};
use crate::api::sso::sign_in_offer;
use crate::components::form::{FieldError, FormError, invalid, submission_error};
use crate::domain::organization::{OrgView, Organization};
use crate::domain::permission::Permission;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `/orgs/{org}/settings`: name, the two-factor policy, leaving, deleting.
#[component]
pub fn OrgSettingsPage() -> impl IntoView {
    view! {
        <Title text="Organization settings" />
        <WithOrg render=|view| view! { <SettingsBody view /> } />
    }
}

#[component]
fn SettingsBody(view: OrgView) -> impl IntoView {
    let query = use_query_map();
    let saved = move || query.read().get("saved").is_some() || query.read().get("policy").is_some();
    let org = view.organization.clone();
    let update = view.can(Permission::OrgUpdate).then(|| {
        view! {
            <NameForm org=org.clone() />
            <TwoFactorPolicy org=org.clone() />
            <DirectAdding org=org.clone() />
            <SsoPolicy org=org.clone() />
        }
    });
    let delete = view
        .can(Permission::OrgDelete)
        .then(|| view! { <DeleteSection org=org.name.clone() /> });
    view! {
        <Show when=saved>
            <p class="notice notice--success" role="status">
                "Saved."
            </p>
        </Show>
        {update}
        <LeaveSection view=view.clone() />
        {delete}
    }
}

#[component]
fn NameForm(org: Organization) -> impl IntoView {
    let update = ServerAction::<UpdateOrganization>::new();
    let error = submission_error(update);
    OrgRefresh::after(move || matches!(update.value().get(), Some(Ok(_))));
    view! {
        <h2>"Name"</h2>
        <ActionForm action=update>
            <FormError error />
            <input type="hidden" name="org" value=org.name.clone() />
            <div class="field">
                <label for="org-name">"Name"</label>
                <input
                    id="org-name"
                    name="name"
                    type="text"
                    required
                    maxlength="39"
                    value=org.name.clone()
                    aria-describedby="org-name-hint"
                    aria-invalid=invalid(error, "name")
                />
                <p class="field__hint" id="org-name-hint">
                    "Changing it breaks links and scripts that use the old name."
                </p>
                <FieldError error field="name" />
            </div>
            <div class="field">
                <label for="org-display-name">"Display name"</label>
                <input
                    id="org-display-name"
                    name="display_name"
                    type="text"
                    maxlength="100"
                    value=org.display_name.clone()
                />
            </div>
            <button type="submit">"Save"</button>
        </ActionForm>
    }
}

/// The two-factor policy; before it is switched on, who it would lock out.
#[component]
fn TwoFactorPolicy(org: Organization) -> impl IntoView {
    let policy = ServerAction::<SetTwoFactorPolicy>::new();
    let error = submission_error(policy);
    OrgRefresh::after(move || matches!(policy.value().get(), Some(Ok(_))));
    let name = org.name.clone();
    let lockout = Resource::new(|| (), move |_| two_factor_lockout(name.clone()));
    let (turn_on, on_text, button, class) = if org.require_two_factor {
        (
            "off",
            "Members must have two-factor authentication on to use this organization.",
            "Stop requiring two-factor",
            "button--secondary",
        )
    } else {
        (
            "on",
            "Require every member to turn on two-factor authentication. Members without it are blocked from the organization (and told why) until they enrol.",
            "Require two-factor",
            "",
        )
    };
    let show_lockout = !org.require_two_factor;
    view! {
        <h2>"Two-factor policy"</h2>
        <p>{on_text}</p>
        {show_lockout
            .then(|| {
                view! {
                    <Suspense fallback=|| {
                        view! {
                            <p class="muted" role="status">
                                "Checking members…"
                            </p>
                        }
                    }>
                        {move || Suspend::new(async move {
                            match lockout.await {
                                Ok(list) if list.is_empty() => {
                                    view! {
                                        <p class="notice notice--success">
                                            "Every member has two-factor on: nobody would be locked out."
                                        </p>
                                    }
                                        .into_any()
                                }
                                Ok(list) => {
                                    view! {
                                        <div class="notice notice--warning">
                                            <p>
                                                <strong>
                                                    {format!(
                                                        "{} member(s) would be locked out until they enrol:",
                                                        list.len(),
                                                    )}
                                                </strong>
                                            </p>
                                            <ul>
                                                {list
                                                    .into_iter()
                                                    .map(|u| view! { <li>{u}</li> })
                                                    .collect_view()}
                                            </ul>
                                        </div>
                                    }
                                        .into_any()
                                }
                                Err(err) => {
                                    view! {
                                        <p class="notice notice--error" role="alert">
                                            {err.message}
                                        </p>
                                    }
                                        .into_any()
                                }
                            }
                        })}
                    </Suspense>
                }
            })}
        <ActionForm action=policy>
            <FormError error />
            <FieldError error field="require_two_factor" />
            <input type="hidden" name="org" value=org.name.clone() />
            <input type="hidden" name="require" value=turn_on />
            <button type="submit" class=class>
                {button}
            </button>
        </ActionForm>
    }
}

/// Whether people who may invite can add existing accounts directly.
#[component]
fn DirectAdding(org: Organization) -> impl IntoView {
    let action = ServerAction::<SetDirectAdding>::new();
    let error = submission_error(action);
    OrgRefresh::after(move || matches!(action.value().get(), Some(Ok(_))));
    let (allow, text, button) = if org.allow_direct_adding {
        (
            "off",
            "People who may invite can also add someone who already has an account here directly, with a role and groups.",
            "Invite by email only",
        )
    } else {
        (
            "on",
            "People join by accepting an emailed invitation. You can let those who may invite add existing accounts directly instead (unless the instance forbids it).",
            "Allow adding existing accounts",
        )
    };
    view! {
        <h2>"Adding people"</h2>
        <p>{text}</p>
        <ActionForm action>
            <FormError error />
            <input type="hidden" name="org" value=org.name.clone() />
            <input type="hidden" name="allow" value=allow />
            <button type="submit" class="button--secondary">
                {button}
            </button>
        </ActionForm>
    }
}

/// The provider members must have signed in through (offered when the instance has any).
#[component]
fn SsoPolicy(org: Organization) -> impl IntoView {
    let action = ServerAction::<SetSsoPolicy>::new();
    let error = submission_error(action);
    OrgRefresh::after(move || matches!(action.value().get(), Some(Ok(_))));
    let offer = Resource::new(|| (), |_| sign_in_offer());
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let org = org.clone();
                Suspend::new(async move {
                    let providers = offer.await.map(|o| o.providers).unwrap_or_default();
                    (!providers.is_empty())
                        .then(|| {
                            let current = org.require_sso_provider.clone().unwrap_or_default();
                            view! {
                                <h2>"Single sign-on"</h2>
                                <p id="sso-policy-hint">
                                    "Members who signed in otherwise (with a password) are asked to sign in again through the provider before they enter the organization. API tokens are not affected. Sign in through the provider yourself before you require it."
                                </p>
                                <ActionForm action>
                                    <FormError error />
                                    <input type="hidden" name="org" value=org.name.clone() />
                                    <div class="field">
                                        <label for="sso-provider">"Members sign in through"</label>
                                        <select
                                            id="sso-provider"
                                            name="provider"
                                            aria-describedby="sso-policy-hint"
                                            aria-invalid=invalid(error, "require_sso_provider")
                                        >
                                            <option value="" selected=current.is_empty()>
                                                "Any way (no requirement)"
                                            </option>
                                            {providers
                                                .into_iter()
                                                .map(|p| {
                                                    let selected = p.id == current;
                                                    view! {
                                                        <option value=p.id selected=selected>
                                                            {p.name}
                                                        </option>
                                                    }
                                                })
                                                .collect_view()}
                                        </select>
                                        <FieldError error field="require_sso_provider" />
                                    </div>
                                    <button type="submit" class="button--secondary">
                                        "Save sign-in requirement"
                                    </button>
                                </ActionForm>
                            }
                        })
                })
            }}
        </Suspense>
    }
}

/// Leaving, behind a confirmation step (`?leave=1`).
#[component]
fn LeaveSection(view: OrgView) -> impl IntoView {
    let leave = ServerAction::<RemoveMember>::new();
    let error = submission_error(leave);
    let query = use_query_map();
    let confirm = move || query.read().get("leave").is_some();
    let page = format!("/orgs/{}/settings", view.organization.name);
    let org = view.organization.name.clone();
    let username = view.username.clone();
    view! {
        <h2>"Leave"</h2>
        <FormError error />
        {move || {
            if confirm() {
                let (page, org, username) = (page.clone(), org.clone(), username.clone());
                view! {
                    <div class="confirm" role="alertdialog" aria-labelledby="confirm-leave-title">
                        <p id="confirm-leave-title">
                            <strong>"Leave this organization?"</strong>
                        </p>
                        <p class="muted">
                            "You lose access at once; someone will have to invite you again."
                        </p>
                        <ActionForm action=leave attr:class="confirm__actions">
                            <input type="hidden" name="org" value=org />
                            <input type="hidden" name="username" value=username />
                            <input
                                type="hidden"
                                name="back"
                                value="/settings/organizations?left=1"
                            />
                            <button type="submit" class="button--danger">
                                "Leave organization"
                            </button>
                            <a class="button" href=page>
                                "Cancel"
                            </a>
                        </ActionForm>
                    </div>
                }
                    .into_any()
            } else {
                view! {
                    <a class="button" href=format!("{page}?leave=1")>
                        "Leave organization…"
                    </a>
                }
                    .into_any()
            }
        }}
    }
}

#[component]
fn DeleteSection(org: String) -> impl IntoView {
    let delete = ServerAction::<DeleteOrganization>::new();
    let error = submission_error(delete);
    view! {
        <h2>"Delete organization"</h2>
        <p class="muted">
            "Deletes its members' access, groups, invitations and tokens. This cannot be undone."
        </p>
        <ActionForm action=delete>
            <FormError error />
            <input type="hidden" name="org" value=org.clone() />
            <div class="field">
                <label for="confirm-name">{format!("Type {org} to confirm")}</label>
                <input
                    id="confirm-name"
                    name="confirm_name"
                    type="text"
                    required
                    autocomplete="off"
                    aria-invalid=invalid(error, "confirm_name")
                />
                <FieldError error field="confirm_name" />
            </div>
            <button type="submit" class="button--danger">
                "Delete this organization"
            </button>
        </ActionForm>
    }
}
