use super::{PageError, org_param, use_org};
use crate::api::org_tokens::{
    CreateOrgToken, RevokeOrgToken, list_org_tokens, take_org_token_reveal,
};
use crate::components::form::{
    FieldError, FormError, cleared_on_success, invalid, submission_error,
};
use crate::components::lifetime_field::LifetimeField;
use crate::components::loading::loading;
use crate::components::token_purpose_field::TokenPurposeField;
use crate::components::token_reveal::TokenReveal;
use crate::components::token_table::{TokenFlagFilter, TokenList};
use crate::domain::organization::{OrgView, RoleChoice};
use crate::domain::permission::Permission;
use crate::domain::token::TokenInfo;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `/orgs/{org}/tokens`: tokens that act as the organization, with a role.
#[component]
pub fn OrgTokensPage() -> impl IntoView {
    let org_view = use_org();
    let org = org_param();
    let create = ServerAction::<CreateOrgToken>::new();
    let revoke = ServerAction::<RevokeOrgToken>::new();
    let query = use_query_map();
    let flag = Memo::new(move |_| query.read().get("flag").filter(|f| !f.is_empty()));
    let tokens = Resource::new(
        move || {
            (
                org.get(),
                flag.get(),
                create.version().get(),
                revoke.version().get(),
            )
        },
        |(org, flag, ..)| list_org_tokens(org, flag),
    );
    let reveal = Resource::new(move || org.get(), |org| take_org_token_reveal(org, None));
    view! {
        <Title text="Organization tokens" />
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                let Ok(view) = org_view.await else { return ().into_any() };
                if !view.can(Permission::TokensManage) {
                    let message = "Managing tokens needs the \"Manage organization and group tokens\" permission."
                        .to_string();
                    return view! { <PageError message /> }.into_any();
                }
                let list = tokens.await;
                let from_cookie = reveal.await.ok().flatten();
                let flag = flag.get_untracked();
                view! { <TokensBody view list flag from_cookie create revoke /> }.into_any()
            })}
        </Suspense>
    }
}

#[component]
fn TokensBody(
    view: OrgView,
    list: Result<Vec<TokenInfo>, crate::error::AppError>,
    flag: Option<String>,
    from_cookie: Option<String>,
    create: ServerAction<CreateOrgToken>,
    revoke: ServerAction<RevokeOrgToken>,
) -> impl IntoView {
    let org = view.organization.name.clone();
    let revoke_error = submission_error(revoke);
    let new_token = move || {
        create
            .value()
            .get()
            .and_then(Result::ok)
            .map(|created| created.token)
            .or_else(|| from_cookie.clone())
    };
    view! {
        <h2>"Organization tokens"</h2>
        <p class="muted">
            "An organization token acts as the organization, not as a person, with the role you give it — "
            "only in this organization. Send it as " <code>"Authorization: Bearer <token>"</code>
            "."
            " Group tokens are made on each group's page and act with the group's role; both are listed below, with what deserves a look."
        </p>
        {move || new_token().map(|token| view! { <TokenReveal token /> })}
        <h3>"New organization token"</h3>
        <NewOrgTokenForm org=org.clone() roles=view.token_roles create />
        <h3>"Tokens"</h3>
        <TokenFlagFilter page=format!("/orgs/{org}/tokens") current=flag.clone() />
        <FormError error=revoke_error />
        <OrgTokenList org list filtered=flag.is_some() revoke />
    }
}

/// The organization's and its groups' tokens, each with its revoke button.
#[component]
fn OrgTokenList(
    org: String,
    list: Result<Vec<TokenInfo>, crate::error::AppError>,
    /// Narrowed to one flag (the empty list says so).
    filtered: bool,
    revoke: ServerAction<RevokeOrgToken>,
) -> impl IntoView {
    let empty = if filtered {
        "No token has this flag."
    } else {
        "This organization has no tokens."
    };
    view! {
        <TokenList
            list
            empty
            caption="Organization and group tokens"
            role=true
            creator=true
            page=format!("/orgs/{org}/tokens")
            revoke_form=move |t: &TokenInfo| {
                let (org, id) = (org.clone(), t.id.clone());
                view! {
                    <ActionForm action=revoke attr:class="inline-form">
                        <input type="hidden" name="org" value=org />
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

/// The form that makes an organization token: what it is for, its role
/// (only the roles the rulebook lets the caller hand out) and its lifetime.
#[component]
fn NewOrgTokenForm(
    org: String,
    roles: Vec<RoleChoice>,
    create: ServerAction<CreateOrgToken>,
) -> impl IntoView {
    let cleared = cleared_on_success(create);
    let create_error = submission_error(create);
    let pending = create.pending();
    view! {
        <ActionForm action=create node_ref=cleared>
            <FormError error=create_error />
            <input type="hidden" name="org" value=org />
            <TokenPurposeField id="description" error=create_error />
            <div class="field">
                <label for="token-role">"Role"</label>
                <select
                    id="token-role"
                    name="role"
                    aria-describedby="token-role-hint"
                    aria-invalid=invalid(create_error, "role")
                >
                    {roles
                        .iter()
                        .map(|r| {
                            view! {
                                <option value=r.name.clone() selected=r.name == "viewer">
                                    {r.title.clone()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
                <p class="field__hint" id="token-role-hint">
                    "Only roles within your own permissions are offered; a token is never an owner."
                </p>
                <FieldError error=create_error field="role" />
            </div>
            <LifetimeField error=create_error />
            <button type="submit" disabled=move || pending.get()>
                {move || if pending.get() { "Creating…" } else { "Create token" }}
            </button>
        </ActionForm>
    }
}
