//! Security headers on every response. Pages set their own Content-Security-Policy with a
//! per-response nonce (`app::shell`); everything else gets a policy that allows nothing.

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

/// For an HTML page that arrives without its own (nonce-carrying) policy: same-origin styles,
/// images and scripts, no inline script at all. Never looser than the page policy; it keeps
/// such a page styled and usable without JavaScript instead of blank.
const PAGE_FALLBACK_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
     style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; \
     object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

pub async fn apply(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    let method = request.method().clone();
    let mut response = next.run(request).await;
    let status = response.status();
    let headers = response.headers_mut();
    for (name, value) in FIXED {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        let html = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"));
        let policy = if html {
            tracing::warn!(
                %method, %path, %status,
                "an HTML response had no page Content-Security-Policy; applying the same-origin fallback"
            );
            PAGE_FALLBACK_CSP
        } else {
            DEFAULT_CSP
        };
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(policy),
        );
    }
    response
}
