//! Who calls a request: a bearer token if one is sent (an invalid one is a 401), else the
//! session cookie. REST handlers and server functions both resolve the Principal here, so both
//! see the same caller.

use crate::cookies;
use crate::error::AppError;
use crate::service::principal::Principal;
use crate::service::{sessions, tokens};
use crate::state::AppState;
use http::{HeaderMap, header};

/// The caller of a request from client address `ip`, resolved at the request's time.
pub async fn principal(
    state: &AppState,
    headers: &HeaderMap,
    ip: &str,
) -> Result<Principal, AppError> {
    let now = chrono::Utc::now();
    let principal = if let Some(auth) = headers.get(header::AUTHORIZATION) {
        let token = auth
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or_else(AppError::unauthenticated)?;
        tokens::authenticate(&state.db, token, ip, now).await?
    } else {
        match cookies::session_secret(state, headers) {
            Some(secret) => sessions::principal(&state.db, &secret, now).await?,
            None => Principal::Anonymous,
        }
    };
    Ok(principal.with_ip(ip))
}
