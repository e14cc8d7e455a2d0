//! Cross-site request forgery defence for every state-changing request (REST, server
//! functions and form posts alike).
//!
//! Invariant: a POST/PUT/PATCH/DELETE is refused with 403 `csrf` when the browser says it is
//! cross-site (`Sec-Fetch-Site: cross-site`), when its `Origin` (or, lacking one, its
//! `Referer`) names another origin than this instance, or when it carries the session cookie
//! but neither header. Requests without the cookie (bearer tokens, scripts) need neither.

use app::error::{AppError, ErrorCode};
use app::state::AppState;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub async fn check(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if is_state_changing(request.method())
        && let Err(err) = verify(&state, request.headers())
    {
        return err.into_response();
    }
    next.run(request).await
}

fn is_state_changing(method: &Method) -> bool {
    !matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    )
}

fn refuse() -> AppError {
    AppError::new(
        ErrorCode::Csrf,
        "This request did not come from a page of this site, so it was refused.",
    )
}

/// `scheme://host[:port]` of a URL, lower-cased.
fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    if authority.is_empty() {
        return None;
    }
    Some(format!("{scheme}://{authority}").to_ascii_lowercase())
}

pub fn verify(state: &AppState, headers: &HeaderMap) -> Result<(), AppError> {
    let header_str = |name| headers.get(name).and_then(|v| v.to_str().ok());
    if header_str("sec-fetch-site") == Some("cross-site") {
        return Err(refuse());
    }
    let claimed = match (header_str("origin"), header_str("referer")) {
        (Some(origin), _) if origin != "null" => Some(origin_of(origin).ok_or_else(refuse)?),
        (Some(_null), _) => return Err(refuse()),
        (None, Some(referer)) => Some(origin_of(referer).ok_or_else(refuse)?),
        (None, None) => None,
    };
    match claimed {
        Some(origin) => {
            if state.own_origins().contains(&origin) {
                Ok(())
            } else {
                Err(refuse())
            }
        }
        None if app::cookies::has_session_cookie(headers) => Err(refuse()),
        None => Ok(()),
    }
}
