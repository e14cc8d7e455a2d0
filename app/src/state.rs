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
    /// Reverse proxies whose forwarding headers name the client (`--trusted-proxies`).
    pub trusted_proxies: crate::client_address::TrustedProxies,
}

impl AppState {
    /// Cookies get `Secure` and the `__Host-` prefix when the instance is served over https.
    pub fn secure_cookies(&self) -> bool {
        self.public_origin
            .as_deref()
            .is_some_and(|o| o.starts_with("https://"))
    }

    /// The base of links put in emails: the configured public URL, else what the request was
    /// addressed to (set GATEHOUSE_PUBLIC_URL in production so a forged `Host` cannot steer
    /// links elsewhere).
    pub fn base_url(&self, headers: &http::HeaderMap) -> String {
        if let Some(origin) = &self.public_origin {
            return origin.trim_end_matches('/').to_string();
        }
        let host = headers
            .get(http::header::HOST)
            .and_then(|h| h.to_str().ok())
            .filter(|h| {
                h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b))
            })
            .unwrap_or("localhost");
        format!("http://{host}")
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
