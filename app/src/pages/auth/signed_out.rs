use crate::api::sso::provider_sign_out;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `/signed-out?provider=<id>`: after signing out of a session that came through a provider,
/// the provider's own sign-out (signing out of Gatehouse leaves the provider's session, which
/// would sign the next person in at once).
#[component]
pub fn SignedOutPage() -> impl IntoView {
    let query = use_query_map();
    let provider = move || query.read().get("provider").unwrap_or_default();
    let offer = Resource::new(provider, provider_sign_out);
    view! {
        <Title text="Signed out" />
        <section class="panel auth-panel">
            <h1>"You are signed out"</h1>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    offer
                        .await
                        .ok()
                        .flatten()
                        .map(|offer| {
                            view! {
                                <p>
                                    "You signed in through "
                                    <strong>{offer.provider_name.clone()}</strong>
                                    ", where you are still signed in. On a shared computer, sign out there too."
                                </p>
                                <p>
                                    <a class="button" href=offer.url rel="external">
                                        "Sign out of "
                                        {offer.provider_name}
                                    </a>
                                </p>
                            }
                        })
                })}
            </Suspense>
            <p>
                <a href="/login">"Sign in again"</a>
            </p>
        </section>
    }
}
