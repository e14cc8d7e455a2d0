//! Cache policy for the built assets under `/pkg`: hashed file names never change content,
//! so they are cached for a year; without hashing they are revalidated every time.

use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

#[derive(Clone, Copy)]
pub struct AssetCache {
    pub hashed_names: bool,
}

pub async fn cache_headers(
    axum::extract::State(policy): axum::extract::State<AssetCache>,
    request: Request,
    next: Next,
) -> Response {
    let is_asset = request.uri().path().starts_with("/pkg/");
    let mut response = next.run(request).await;
    if is_asset && response.status().is_success() {
        let value = if policy.hashed_names {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    }
    response
}
