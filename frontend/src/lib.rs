//! The browser entry point: hydrates the server-rendered page. Every page is a lazy route
//! (its code is a WebAssembly chunk of its own), so hydration is asynchronous: each page's
//! chunk is loaded before its part of the page hydrates. When all of it has, the app's frame
//! says so (`data-hydrated="true"`), which the end-to-end tests wait for.

use leptos::prelude::*;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    wasm_bindgen_futures::spawn_local(async {
        let app = leptos::mount::hydrate_from_async(leptos::tachys::dom::body(), app::App).await;
        app.forget();
        if let Ok(Some(frame)) = document().query_selector(".app") {
            _ = frame.set_attribute("data-hydrated", "true");
        }
    });
}
