//! `/admin/sso`: OpenID Connect providers (list and new), `/admin/sso/{id}`: one provider's
//! settings, its redirect URL to register at the provider, and its removal.

use crate::api::sso::{
    CreateProvider, DeleteProvider, UpdateProvider, admin_provider, admin_providers,
};
use crate::components::confirm_step::ConfirmStep;
use crate::components::form::{FieldError, FormError, invalid, submission_error};
use crate::components::loading::loading;
use crate::domain::percent::encode;
use crate::domain::sso::SsoProvider;
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The providers, and the form that adds one.
#[component]
pub fn AdminSsoPage() -> impl IntoView {
    let create = ServerAction::<CreateProvider>::new();
    let error = submission_error(create);
    let providers = Resource::new(move || create.version().get(), |_| admin_providers());
    let query = use_query_map();
    let deleted = move || query.read().get("deleted").is_some();
    view! {
        <Title text="Single sign-on" />
        <p class="muted">
            "People sign in with an OpenID Connect provider (Keycloak, Entra ID, Okta, Google, …) through a \"Sign in with\" button on the sign-in page. Instance settings decide whether a first sign-in creates an account (SSO sign-up) and whether passwords still work (SSO only)."
        </p>
        <Show when=deleted>
            <p class="notice notice--success" role="status">
                "The provider was removed."
            </p>
        </Show>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match providers.await {
                    Ok(list) => view! { <ProvidersTable list /> }.into_any(),
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
        <h2>"Add a provider"</h2>
        <ActionForm action=create>
            <FormError error />
            <ProviderFields current=None error />
            <button type="submit" class="button--primary">
                "Add provider"
            </button>
        </ActionForm>
    }
}

#[component]
fn ProvidersTable(list: Vec<SsoProvider>) -> impl IntoView {
    if list.is_empty() {
        return view! { <p class="empty">"No provider yet."</p> }.into_any();
    }
    view! {
        <div class="table-wrap">
            <table>
                <caption class="visually-hidden">"Identity providers"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Issuer"</th>
                        <th scope="col">"Client id"</th>
                        <th scope="col">"Group mappings"</th>
                    </tr>
                </thead>
                <tbody>
                    {list
                        .into_iter()
                        .map(|p| {
                            view! {
                                <tr>
                                    <td>
                                        <a href=format!("/admin/sso/{}", encode(&p.id))>{p.name}</a>
                                    </td>
                                    <td>
                                        <code>{p.issuer}</code>
                                    </td>
                                    <td>
                                        <code>{p.client_id}</code>
                                    </td>
                                    <td>{p.group_mappings.len()}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

/// The provider's fields, empty for a new one. The client secret is never shown: left empty
/// on an existing provider, the stored one stays.
#[component]
fn ProviderFields(current: Option<SsoProvider>, error: Signal<Option<AppError>>) -> impl IntoView {
    let editing = current.is_some();
    let value = |f: fn(&SsoProvider) -> String| current.as_ref().map(f).unwrap_or_default();
    let name = value(|p| p.name.clone());
    let issuer = value(|p| p.issuer.clone());
    let client_id = value(|p| p.client_id.clone());
    let scopes = current
        .as_ref()
        .map(|p| p.scopes.join(" "))
        .unwrap_or_else(|| "email profile".to_string());
    let username_claim = current
        .as_ref()
        .map(|p| p.username_claim.clone())
        .unwrap_or_else(|| "preferred_username".to_string());
    let groups_claim = value(|p| p.groups_claim.clone().unwrap_or_default());
    let mappings = value(|p| {
        p.group_mappings
            .iter()
            .map(|m| format!("{} = {} / {}", m.claim_value, m.organization, m.group))
            .collect::<Vec<_>>()
            .join("\n")
    });
    view! {
        <div class="field">
            <label for="sso-name">"Display name"</label>
            <input
                id="sso-name"
                name="name"
                required
                maxlength="60"
                value=name
                aria-describedby="sso-name-hint"
                aria-invalid=invalid(error, "name")
            />
            <p class="field__hint" id="sso-name-hint">
                "Shown as \"Sign in with …\"."
            </p>
            <FieldError error field="name" />
        </div>
        <div class="field">
            <label for="sso-issuer">"Issuer URL"</label>
            <input
                id="sso-issuer"
                name="issuer"
                type="url"
                required
                value=issuer
                aria-describedby="sso-issuer-hint"
                aria-invalid=invalid(error, "issuer")
            />
            <p class="field__hint" id="sso-issuer-hint">
                "Its /.well-known/openid-configuration describes the provider. https (http only for localhost)."
            </p>
            <FieldError error field="issuer" />
        </div>
        <div class="field">
            <label for="sso-client-id">"Client id"</label>
            <input
                id="sso-client-id"
                name="client_id"
                required
                value=client_id
                aria-invalid=invalid(error, "client_id")
            />
            <FieldError error field="client_id" />
        </div>
        <div class="field">
            <label for="sso-client-secret">"Client secret"</label>
            <input
                id="sso-client-secret"
                name="client_secret"
                type="password"
                autocomplete="off"
                required=!editing
                aria-describedby="sso-secret-hint"
                aria-invalid=invalid(error, "client_secret")
            />
            <p class="field__hint" id="sso-secret-hint">
                {if editing {
                    "Stored on the server and never shown. Leave empty to keep the current one."
                } else {
                    "Stored on the server and never shown again."
                }}
            </p>
            <FieldError error field="client_secret" />
        </div>
        <div class="field">
            <label for="sso-scopes">"Scopes"</label>
            <input
                id="sso-scopes"
                name="scopes"
                value=scopes
                aria-describedby="sso-scopes-hint"
                aria-invalid=invalid(error, "scopes")
            />
            <p class="field__hint" id="sso-scopes-hint">
                "Besides openid, separated by spaces."
            </p>
            <FieldError error field="scopes" />
        </div>
        <div class="field">
            <label for="sso-username-claim">"Username claim"</label>
            <input
                id="sso-username-claim"
                name="username_claim"
                value=username_claim
                aria-describedby="sso-username-hint"
                aria-invalid=invalid(error, "username_claim")
            />
            <p class="field__hint" id="sso-username-hint">
                "The ID token claim that names a new account (else the email's local part)."
            </p>
            <FieldError error field="username_claim" />
        </div>
        <div class="field">
            <label for="sso-groups-claim">"Groups claim"</label>
            <input
                id="sso-groups-claim"
                name="groups_claim"
                value=groups_claim
                aria-describedby="sso-groups-hint"
                aria-invalid=invalid(error, "groups_claim")
            />
            <p class="field__hint" id="sso-groups-hint">
                "The claim that lists the person's groups; empty for none."
            </p>
            <FieldError error field="groups_claim" />
        </div>
        <div class="field">
            <label for="sso-mappings">"Group mappings"</label>
            <textarea
                id="sso-mappings"
                name="group_mappings"
                rows="3"
                aria-describedby="sso-mappings-hint"
                aria-invalid=invalid(error, "group_mappings")
            >
                {mappings}
            </textarea>
            <p class="field__hint" id="sso-mappings-hint">
                "One per line: claim value = organization / group. Membership of the group follows the provider at each sign-in."
            </p>
            <FieldError error field="group_mappings" />
        </div>
    }
}

/// One provider: its redirect URL, its settings and its removal.
#[component]
pub fn AdminSsoProviderPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let update = ServerAction::<UpdateProvider>::new();
    let remove = ServerAction::<DeleteProvider>::new();
    let error = submission_error(update);
    let remove_error = submission_error(remove);
    let provider = Resource::new(
        move || (id(), update.version().get()),
        |(id, _)| admin_provider(id),
    );
    let query = use_query_map();
    let notice = move || {
        let q = query.read();
        if q.get("created").is_some() {
            Some("The provider was added. Register the redirect URL below at the provider.")
        } else if q.get("saved").is_some() {
            Some("Saved.")
        } else {
            None
        }
    };
    view! {
        <Title text="Identity provider" />
        <p>
            <a href="/admin/sso">"← Single sign-on"</a>
        </p>
        {move || {
            notice()
                .map(|text| {
                    view! {
                        <p class="notice notice--success" role="status">
                            {text}
                        </p>
                    }
                })
        }}
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match provider.await {
                    Err(err) => {
                        view! {
                            <p class="notice notice--error" role="alert">
                                {err.message}
                            </p>
                        }
                            .into_any()
                    }
                    Ok(p) => {
                        let page = format!("/admin/sso/{}", encode(&p.id));
                        let question = format!("Remove the provider {}?", p.name);
                        let provider_id = p.id.clone();
                        view! {
                            <h2>{p.name.clone()}</h2>
                            <p>
                                "Redirect URL to register at the provider: "
                                <code class="copyable">{p.redirect_url.clone()}</code>
                            </p>
                            <ActionForm action=update>
                                <FormError error />
                                <input type="hidden" name="id" value=p.id.clone() />
                                <ProviderFields current=Some(p) error />
                                <button type="submit" class="button--primary">
                                    "Save"
                                </button>
                            </ActionForm>
                            <h2>"Remove"</h2>
                            <FormError error=remove_error />
                            <ConfirmStep
                                open_label="Remove provider…"
                                page=page.clone()
                                question
                                consequence="Every identity linked through it is unlinked; people who signed in only with it sign in with a password (set through \"Forgot password?\") or another provider."
                                form=move || {
                                    let page = page.clone();
                                    let provider_id = provider_id.clone();
                                    view! {
                                        <ActionForm action=remove attr:class="inline-form">
                                            <input type="hidden" name="id" value=provider_id />
                                            <button type="submit" class="button--danger">
                                                "Remove"
                                            </button>
                                            <a class="button" href=page>
                                                "Cancel"
                                            </a>
                                        </ActionForm>
                                    }
                                }
                            />
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}
