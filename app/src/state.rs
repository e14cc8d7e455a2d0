//! The server-side state shared by every request: handed to REST handlers by axum and to
//! server functions through Leptos context.

use crate::store::Db;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub leptos_options: LeptosOptions,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
