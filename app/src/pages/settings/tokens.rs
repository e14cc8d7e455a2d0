use super::{SettingsFrame, SignInFirst};
use crate::api::account::{
    CreateToken, RevokeToken, RotateToken, list_tokens, take_token_reveal, token_scope_choices,
};
use crate::api::auth::current_user;
use crate::components::form::{FieldError, FormError, cleared_on_success, submission_error};
use crate::components::lifetime_field::LifetimeField;
use crate::components::token_purpose_field::TokenPurposeField;
use crate::components::token_reveal::TokenReveal;
use crate::components::token_table::TokenTable;
use crate::domain::token::TokenInfo;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `/settings/tokens`: create, list and revoke personal API tokens.
#[component]
pub fn TokensPage() -> impl IntoView {
    let create = ServerAction::<CreateToken>::new();
    let revoke = ServerAction::<RevokeToken>::new();
    let rotate = ServerAction::<RotateToken>::new();
    let cleared = cleared_on_success(create);
    let create_error = submission_error(create);
    let revoke_error = submission_error(revoke);
    let pending = create.pending();
    let tokens = Resource::new(
        move || {
            (
                create.version().get(),
                revoke.version().get(),
                rotate.version().get(),
            )
        },
        |_| list_tokens(),
    );
    // After a plain form post the new secret comes back once, through a one-time cookie.
    let reveal = Resource::new(|| (), |_| take_token_reveal());
    let new_token = move || {
        create
            .value()
            .get()
            .and_then(Result::ok)
            .or_else(|| rotate.value().get().and_then(Result::ok))
            .map(|created| created.token)
    };

    view! {
        <Title text="API tokens" />
        <SettingsFrame title="API tokens">
            <p class="muted">
                "Tokens let scripts and CI call the REST API as you, with your current rights (or less, when limited to one organization and a role level): send "
                <code>"Authorization: Bearer <token>"</code>
                ". A token cannot change your password, email, username, two-factor, sessions or tokens: that needs you, signed in."
            </p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let from_cookie = reveal.await.ok().flatten();
                    new_token().or(from_cookie).map(|token| view! { <TokenReveal token /> })
                })}
            </Suspense>
            <h2>"New token"</h2>
            <ActionForm action=create node_ref=cleared>
                <FormError error=create_error />
                <TokenPurposeField id="description" error=create_error />
                <LifetimeField error=create_error />
                <TokenScopeField error=create_error />
                <AdminScopeField />
                <button type="submit" disabled=move || pending.get()>
                    {move || if pending.get() { "Creating…" } else { "Create token" }}
                </button>
            </ActionForm>
            <h2>"Your tokens"</h2>
            <FormError error=revoke_error />
            <Suspense fallback=|| {
                view! {
                    <p class="muted" role="status">
                        "Loading tokens…"
                    </p>
                }
            }>
                {move || Suspend::new(async move {
                    match tokens.await {
                        Ok(list) if list.is_empty() => {
                            view! { <p class="muted">"You have no tokens."</p> }.into_any()
                        }
                        Ok(list) => view! { <Tokens list revoke rotate /> }.into_any(),
                        Err(err) if err.status() == 401 => view! { <SignInFirst /> }.into_any(),
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
        </SettingsFrame>
    }
}

#[component]
fn Tokens(
    list: Vec<TokenInfo>,
    revoke: ServerAction<RevokeToken>,
    rotate: ServerAction<RotateToken>,
) -> impl IntoView {
    view! {
        <RotateStep list=list.clone() rotate />
        <TokenTable
            caption="Your API tokens"
            list
            rotate=true
            page="/settings/tokens".to_string()
            revoke_form=move |t: &TokenInfo| {
                let id = t.id.clone();
                view! {
                    <ActionForm action=revoke attr:class="inline-form">
                        <input type="hidden" name="id" value=id />
                        <button type="submit" class="button--danger">
                            "Revoke token"
                        </button>
                    </ActionForm>
                }
                    .into_any()
            }
        />
    }
}

/// The "Site administration" scope box, shown to holders of an instance role only (the server checks again).
#[component]
fn AdminScopeField() -> impl IntoView {
    let me = Resource::new(|| (), |_| current_user());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                me.await
                    .ok()
                    .flatten()
                    .filter(|u| !u.instance_permissions.is_empty())
                    .map(|_| {
                        view! {
                            <div class="field field--check">
                                <input
                                    id="admin-scope"
                                    name="admin"
                                    type="checkbox"
                                    value="on"
                                    aria-describedby="admin-scope-hint"
                                />
                                <label for="admin-scope">"Site administration"</label>
                                <p class="field__hint" id="admin-scope-hint">
                                    "Only with this may the token call /api/v1/admin/…. Leave it off unless the script administers the instance."
                                </p>
                            </div>
                        }
                    })
            })}
        </Suspense>
    }
}

/// The limit of a new token: none, or one of the caller's organizations, with their own rights
/// there or at most a role level (`scope` = `org` or `org/role`).
#[component]
fn TokenScopeField(error: Signal<Option<crate::error::AppError>>) -> impl IntoView {
    let choices = Resource::new(|| (), |_| token_scope_choices());
    view! {
        <div class="field">
            <label for="token-scope">"Limit to"</label>
            <Suspense fallback=|| {
                view! {
                    <select id="token-scope" name="scope" aria-describedby="token-scope-hint">
                        <option value="">"No limit: everywhere you can act"</option>
                    </select>
                }
            }>
                {move || Suspend::new(async move {
                    let groups = choices
                        .await
                        .unwrap_or_default()
                        .into_iter()
                        .map(|choice| view! { <ScopeOptions choice /> })
                        .collect_view();
                    view! {
                        <select id="token-scope" name="scope" aria-describedby="token-scope-hint">
                            <option value="">"No limit: everywhere you can act"</option>
                            {groups}
                        </select>
                    }
                })}
            </Suspense>
            <p class="field__hint" id="token-scope-hint">
                "A limited token acts only in that organization (404 everywhere else), with what both you and the chosen level may do."
            </p>
            <FieldError error field="organization" />
            <FieldError error field="role" />
        </div>
    }
}

/// One organization's limits: the caller's own rights there, then each role level.
#[component]
fn ScopeOptions(choice: crate::domain::token::ScopeChoice) -> impl IntoView {
    let org = choice.organization.clone();
    let title = choice.title.clone();
    let levels = choice
        .levels
        .into_iter()
        .map(|level| {
            let value = format!("{org}/{}", level.name);
            let label = format!("{title}: at most {}", level.title);
            view! { <option value=value>{label}</option> }
        })
        .collect_view();
    let own = format!("{}: your rights there", choice.title);
    view! {
        <optgroup label=choice.title>
            <option value=choice.organization>{own}</option>
            {levels}
        </optgroup>
    }
}

/// The rotation step (`?rotate={id}`, works without JavaScript): how long the old secret
/// keeps working, then a new secret with the same description, scope and expiry.
#[component]
fn RotateStep(list: Vec<TokenInfo>, rotate: ServerAction<RotateToken>) -> impl IntoView {
    let query = use_query_map();
    let error = submission_error(rotate);
    move || {
        let id = query.read().get("rotate")?;
        let token = list
            .iter()
            .find(|t| t.id == id && t.rotated_at.is_none())?
            .clone();
        Some(view! {
            <div class="confirm" role="alertdialog" aria-labelledby="confirm-rotate-title">
                <p id="confirm-rotate-title">
                    <strong>
                        {format!("Rotate the token \u{201c}{}\u{201d}?", token.description)}
                    </strong>
                </p>
                <p class="muted">
                    "A new secret replaces it, with the same description, scope and expiry. Move your scripts to the new secret before the old one stops."
                </p>
                <ActionForm action=rotate>
                    <FormError error />
                    <input type="hidden" name="id" value=token.id.clone() />
                    <div class="field">
                        <label for="grace-minutes">"The old secret keeps working"</label>
                        <select id="grace-minutes" name="grace_minutes">
                            <option value="0">"Not at all: it stops now"</option>
                            <option value="60" selected>
                                "For 1 hour"
                            </option>
                            <option value="1440">"For 1 day"</option>
                        </select>
                        <FieldError error field="grace_minutes" />
                    </div>
                    <div class="confirm__actions">
                        <button type="submit">"Rotate token"</button>
                        <a class="button" href="/settings/tokens">
                            "Cancel"
                        </a>
                    </div>
                </ActionForm>
            </div>
        })
    }
}
