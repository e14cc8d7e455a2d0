use leptos::prelude::*;

/// What a page shows instead of its content when rendering it failed.
#[component]
pub fn ErrorPanel(errors: ArcRwSignal<Errors>) -> impl IntoView {
    let messages = move || {
        errors
            .get()
            .into_iter()
            .map(|(_, err)| err.to_string())
            .collect::<Vec<_>>()
    };
    view! {
        <section class="panel panel--error" role="alert">
            <h1>"Something went wrong"</h1>
            <p>"This page could not be shown."</p>
            <ul>{move || messages().into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}</ul>
            <p>
                <a href="/">"Back to the home page"</a>
            </p>
        </section>
    }
}
