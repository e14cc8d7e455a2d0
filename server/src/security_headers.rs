//! Security headers on every response. Every request gets a fresh nonce (a request extension,
//! which the page renderer uses for its scripts); an HTML response gets the page policy with
//! that nonce, anything else a policy that allows nothing. Every answer under `/api/` (the
//! REST API and the server functions) is `Cache-Control: no-store`; over https (a public URL
//! with `https://`), every answer carries `Strict-Transport-Security`.

use app::state::AppState;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

const FIXED: [(HeaderName, &str); 4] = [
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::REFERRER_POLICY, "strict-origin-when-cross-origin"),
    (header::X_FRAME_OPTIONS, "DENY"),
    (
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    ),
];

const DEFAULT_CSP: &str = "default-src 'none'; frame-ancestors 'none'";

/// One year, subdomains not included (they may be other services).
const HSTS: &str = "max-age=31536000";

/// Pages whose address carries a secret (a "forgot password?" link's token): their requests
/// name only this origin as their referrer, never the page's address. (`no-referrer` would
/// make the browser send `Origin: null` with the page's form, which the origin check refuses.)
const SECRET_ADDRESS_PAGES: [&str; 1] = ["/reset-password"];

pub async fn apply(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let secret_address = SECRET_ADDRESS_PAGES.contains(&request.uri().path());
    let nonce = app::service::secret::random_secret()
        .map(|s| s.chars().take(22).collect::<String>())
        .unwrap_or_default();
    request
        .extensions_mut()
        .insert(app::PageNonce(nonce.clone()));
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    for (name, value) in FIXED {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if api {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if secret_address {
        headers.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin"),
        );
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if state.secure_cookies() {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
    let html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let page_policy = (html && !nonce.is_empty())
        .then(|| HeaderValue::from_str(&app::page_policy(&nonce)).ok())
        .flatten();
    match page_policy {
        Some(policy) => {
            headers.insert(header::CONTENT_SECURITY_POLICY, policy);
        }
        None => {
            if !headers.contains_key(header::CONTENT_SECURITY_POLICY) || html {
                headers.insert(
                    header::CONTENT_SECURITY_POLICY,
                    HeaderValue::from_static(DEFAULT_CSP),
                );
            }
        }
    }
    response
}
