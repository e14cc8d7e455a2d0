use crate::api::admin::list_instance_tokens;
use crate::components::loading::loading;
use crate::components::token_table::{TokenFlagFilter, TokenList};
use crate::domain::percent::encode;
use crate::domain::token::TokenInfo;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `/admin/tokens`: every live token of the instance (user, organization and group) with
/// what deserves a look, narrowed by flag, a page at a time. Revoking is done where each
/// token lives (the user's admin page, the organization's tokens page).
#[component]
pub fn AdminTokensPage() -> impl IntoView {
    let query = use_query_map();
    let flag = Memo::new(move |_| query.read().get("flag").filter(|f| !f.is_empty()));
    let cursor = Memo::new(move |_| query.read().get("cursor").filter(|c| !c.is_empty()));
    let tokens = Resource::new(
        move || (flag.get(), cursor.get()),
        |(flag, cursor)| list_instance_tokens(flag, cursor),
    );
    view! {
        <Title text="Tokens" />
        <p class="muted">
            "Every live API token of the instance, never its secret. Revoke a user's token from their page, an organization's from its tokens page."
        </p>
        <TokenFlagFilter page="/admin/tokens".to_string() current=flag.get_untracked() />
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                let flag = flag.get_untracked();
                let (list, next) = match tokens.await {
                    Ok(page) => (Ok(page.items), page.next_cursor),
                    Err(err) => (Err(err), None),
                };
                let next = next
                    .map(|c| {
                        let mut href = format!("/admin/tokens?cursor={}", encode(&c));
                        if let Some(flag) = &flag {
                            href.push_str(&format!("&flag={}", encode(flag)));
                        }
                        view! {
                            <p>
                                <a href=href>"Next page →"</a>
                            </p>
                        }
                    });
                let empty = if flag.is_some() {
                    "No token has this flag."
                } else {
                    "The instance has no live tokens."
                };
                view! {
                    <TokenList
                        list
                        empty
                        caption="Every live token"
                        organization=true
                        role=true
                        creator=true
                        read_only=true
                        page="/admin/tokens".to_string()
                        revoke_form=|_: &TokenInfo| ().into_any()
                    />
                    {next}
                }
                    .into_any()
            })}
        </Suspense>
    }
}
