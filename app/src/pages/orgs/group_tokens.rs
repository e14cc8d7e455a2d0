use crate::api::org_tokens::{
    CreateGroupToken, RevokeGroupToken, list_group_tokens, take_org_token_reveal,
};
use crate::components::form::{FormError, cleared_on_success, submission_error};
use crate::components::lifetime_field::LifetimeField;
use crate::components::token_purpose_field::TokenPurposeField;
use crate::components::token_reveal::TokenReveal;
use crate::components::token_table::TokenList;
use crate::domain::token::TokenInfo;
use crate::error::AppError;
use leptos::prelude::*;

/// On a group's page (for `tokens.manage` holders): tokens that act with the group's role.
/// Several per group, so they can be rotated without downtime.
#[component]
pub fn GroupTokens(org: String, group: String) -> impl IntoView {
    let create = ServerAction::<CreateGroupToken>::new();
    let revoke = ServerAction::<RevokeGroupToken>::new();
    let cleared = cleared_on_success(create);
    let create_error = submission_error(create);
    let revoke_error = submission_error(revoke);
    let pending = create.pending();
    let (org_list, group_list) = (org.clone(), group.clone());
    let tokens = Resource::new(
        move || (create.version().get(), revoke.version().get()),
        move |_| list_group_tokens(org_list.clone(), group_list.clone()),
    );
    let (org_reveal, group_reveal) = (org.clone(), group.clone());
    let reveal = Resource::new(
        || (),
        move |_| take_org_token_reveal(org_reveal.clone(), Some(group_reveal.clone())),
    );
    let new_token = move || create.value().get().and_then(Result::ok).map(|c| c.token);
    let (org_revoke, group_revoke) = (org.clone(), group.clone());
    view! {
        <h2>"Group tokens"</h2>
        <p class="muted">
            "A group token acts with the group's role — whatever it is when the token is used — only in this organization. "
            "Keep two while you rotate: create the new one, switch, then revoke the old."
        </p>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let from_cookie = reveal.await.ok().flatten();
                new_token().or(from_cookie).map(|token| view! { <TokenReveal token /> })
            })}
        </Suspense>
        <ActionForm action=create node_ref=cleared>
            <FormError error=create_error />
            <input type="hidden" name="org" value=org.clone() />
            <input type="hidden" name="group" value=group.clone() />
            <TokenPurposeField id="group-token-description" error=create_error />
            <LifetimeField error=create_error />
            <button type="submit" disabled=move || pending.get()>
                {move || if pending.get() { "Creating…" } else { "Create group token" }}
            </button>
        </ActionForm>
        <FormError error=revoke_error />
        <Suspense fallback=|| {
            view! {
                <p class="muted" role="status">
                    "Loading tokens…"
                </p>
            }
        }>
            {move || {
                let (org, group) = (org_revoke.clone(), group_revoke.clone());
                Suspend::new(async move {
                    let list = tokens.await;
                    view! { <GroupTokenList org group list revoke /> }
                })
            }}
        </Suspense>
    }
}

/// The group's tokens, each with its revoke button.
#[component]
fn GroupTokenList(
    org: String,
    group: String,
    list: Result<Vec<TokenInfo>, AppError>,
    revoke: ServerAction<RevokeGroupToken>,
) -> impl IntoView {
    let page = format!("/orgs/{org}/groups/{group}");
    view! {
        <TokenList
            list
            empty="This group has no tokens."
            caption="Group tokens"
            creator=true
            page
            revoke_form=move |t: &TokenInfo| {
                let (org, group, id) = (org.clone(), group.clone(), t.id.clone());
                view! {
                    <ActionForm action=revoke attr:class="inline-form">
                        <input type="hidden" name="org" value=org />
                        <input type="hidden" name="group" value=group />
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
