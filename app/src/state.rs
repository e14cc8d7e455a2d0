//! The server-side state shared by every request: handed to REST handlers by axum and to
//! server functions through Leptos context.

use crate::store::SharedDb;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;

#[derive(Clone)]
pub struct AppState {
    /// The one database handle, shared by every request (never cloned per request).
    pub db: SharedDb,
    pub leptos_options: LeptosOptions,
    /// `scheme://host[:port]` of the instance as its users reach it (GATEHOUSE_PUBLIC_URL),
    /// if configured. Decides cookie security and the origin that state changes must come from.
    pub public_origin: Option<String>,
    /// `http://host:port` of the address the server listens on (`localhost` for every
    /// interface): links and the request origin when no public URL is configured. Never
    /// taken from a request's `Host`.
    pub listen_origin: String,
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

    /// The base of links put in emails and answers: the configured public URL, else the
    /// address the server listens on. Never the request's `Host` (which anyone can forge to
    /// steer a link elsewhere); set `--public-url` in production.
    pub fn base_url(&self) -> String {
        self.public_origin
            .as_deref()
            .unwrap_or(&self.listen_origin)
            .trim_end_matches('/')
            .to_string()
    }

    /// The origins state-changing browser requests may come from: the public URL, else the
    /// listen address (with its `localhost` / `127.0.0.1` / `[::1]` spellings when it is a
    /// loopback or every interface). Never the request's `Host`.
    pub fn own_origins(&self) -> Vec<String> {
        if let Some(origin) = &self.public_origin {
            return vec![origin.trim_end_matches('/').to_ascii_lowercase()];
        }
        let origin = self.listen_origin.to_ascii_lowercase();
        let mut origins = vec![origin.clone()];
        let authority = origin.trim_start_matches("http://");
        if let Some((host, port)) = authority.rsplit_once(':') {
            let local = ["localhost", "127.0.0.1", "[::1]"];
            if local.contains(&host) {
                origins.extend(
                    local
                        .iter()
                        .map(|h| format!("http://{h}:{port}"))
                        .filter(|o| *o != origin),
                );
            }
        }
        origins
    }
}

/// `http://host:port` for a listen address: `localhost` stands for every interface.
pub fn listen_origin(addr: std::net::SocketAddr) -> String {
    let port = addr.port();
    match addr.ip() {
        ip if ip.is_unspecified() || ip.is_loopback() => format!("http://localhost:{port}"),
        std::net::IpAddr::V4(ip) => format!("http://{ip}:{port}"),
        std::net::IpAddr::V6(ip) => format!("http://[{ip}]:{port}"),
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
