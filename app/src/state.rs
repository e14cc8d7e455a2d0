//! The server-side state shared by every request: handed to REST handlers by axum and to
//! server functions through Leptos context.

use crate::store::Db;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub leptos_options: LeptosOptions,
    /// `scheme://host[:port]` of the instance as its users reach it (GATEHOUSE_PUBLIC_URL),
    /// if configured. Decides cookie security and the origin that state changes must come from.
    pub public_origin: Option<String>,
}

impl AppState {
    /// Cookies get `Secure` and the `__Host-` prefix when the instance is served over https.
    pub fn secure_cookies(&self) -> bool {
        self.public_origin
            .as_deref()
            .is_some_and(|o| o.starts_with("https://"))
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
