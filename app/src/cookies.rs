//! The session cookie: HttpOnly, SameSite=Lax, Path=/; `Secure` with the `__Host-` prefix
//! when the instance is served over https.

use crate::state::AppState;
use http::{HeaderMap, HeaderValue, header};

pub const NAME: &str = "gatehouse_session";
pub const SECURE_NAME: &str = "__Host-gatehouse_session";

fn name(state: &AppState) -> &'static str {
    if state.secure_cookies() {
        SECURE_NAME
    } else {
        NAME
    }
}

/// The session secret the request carries, if any.
pub fn session_secret(state: &AppState, headers: &HeaderMap) -> Option<String> {
    read(headers, name(state))
}

/// The value of cookie `wanted` in the request, if any.
pub fn read(headers: &HeaderMap, wanted: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == wanted)
        .map(|(_, v)| v.to_string())
}

/// The cookie between a page sign-in's password and its two-factor code (the challenge
/// secret); it lives as long as the challenge.
pub const CHALLENGE: &str = "gatehouse_login_challenge";

/// The cookie that binds a sign-in through a provider to the browser that started it (as
/// long as the sign-in may take). Over https it takes the `__Host-` prefix (Path=/, no
/// Domain), so no sibling host can plant one.
pub fn sso_browser(state: &AppState) -> &'static str {
    if state.secure_cookies() {
        "__Host-gatehouse_sso"
    } else {
        "gatehouse_sso"
    }
}

/// The cookie of an identity waiting to be linked to an existing account (the link page);
/// `__Host-` over https, like [`sso_browser`].
pub fn sso_link(state: &AppState) -> &'static str {
    if state.secure_cookies() {
        "__Host-gatehouse_sso_link"
    } else {
        "gatehouse_sso_link"
    }
}

/// A short-lived HttpOnly cookie scoped to `path` (`Max-Age=0` deletes it). `value` must be
/// cookie-safe (base64url, base62, or codes of `a-z 0-9 - ,`).
pub fn short_lived(
    state: &AppState,
    cookie: &str,
    value: &str,
    path: &str,
    max_age_secs: i64,
) -> HeaderValue {
    let secure = if state.secure_cookies() {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{cookie}={value}; Path={path}; Max-Age={max_age_secs}; HttpOnly; SameSite=Lax{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Whether the request carries a session cookie at all (for the CSRF rule).
pub fn has_session_cookie(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.contains(NAME))
}

pub fn set(state: &AppState, secret: &str) -> HeaderValue {
    let secure = if state.secure_cookies() {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{}={secret}; Path=/; HttpOnly; SameSite=Lax{secure}",
        name(state)
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

pub fn clear(state: &AppState) -> HeaderValue {
    let secure = if state.secure_cookies() {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}",
        name(state)
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}
