use leptos::prelude::*;

/// A secret shown once: the value, a copy button (with JavaScript), and the warning that it
/// will not be shown again.
#[component]
pub fn TokenReveal(token: String) -> impl IntoView {
    let copied = RwSignal::new(false);
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let value = token.clone();
    let copy = move |_| {
        #[cfg(feature = "hydrate")]
        {
            let text = value.clone();
            leptos::task::spawn_local(async move {
                let clipboard = window().navigator().clipboard();
                if wasm_bindgen_futures::JsFuture::from(clipboard.write_text(&text))
                    .await
                    .is_ok()
                {
                    copied.set(true);
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = &value;
    };
    view! {
        <div class="token-reveal" role="status">
            <p>
                <strong>"Copy your new token now."</strong>
                " It will not be shown again: Gatehouse keeps only a hash of it."
            </p>
            <div class="token-reveal__row">
                <label class="visually-hidden" for="new-token">"New token"</label>
                <input id="new-token" class="token-reveal__value" type="text" readonly value=token />
                <button type="button" on:click=copy hidden=move || !hydrated.get()>
                    {move || if copied.get() { "Copied" } else { "Copy" }}
                </button>
            </div>
        </div>
    }
}
