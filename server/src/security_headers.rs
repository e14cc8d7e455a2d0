//! Security headers on every response. Every request gets a fresh nonce (a request extension,
//! which the page renderer uses for its scripts); an HTML response gets the page policy with
//! that nonce, anything else a policy that allows nothing.

use axum::extract::Request;
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

pub async fn apply(mut request: Request, next: Next) -> Response {
    let nonce = app::service::sessions::random_secret()
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
