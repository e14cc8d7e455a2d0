use leptos::prelude::*;

/// What a `Suspense` shows while its data is read: `<Suspense fallback=loading>`.
pub fn loading() -> impl IntoView {
    view! {
        <p class="muted" role="status">
            "Loading…"
        </p>
    }
}
