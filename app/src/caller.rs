//! Who calls a request: a bearer token if one is sent (an invalid one is a 401), else the
//! session cookie. REST handlers and server functions both resolve the Principal here, so both
//! see the same caller.

use crate::cookies;
use crate::error::AppError;
use crate::service::principal::Principal;
use crate::service::touch::Resolved;
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
    let resolved = if let Some(auth) = headers.get(header::AUTHORIZATION) {
        let token = auth
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or_else(AppError::unauthenticated)?;
        tokens::caller(&state.db, token, ip, now).await?
    } else {
        match cookies::session_secret(state, headers) {
            Some(secret) => sessions::caller(&state.db, &secret, now).await?,
            None => Resolved::untouched(Principal::Anonymous),
        }
    };
    if let Some(touch) = resolved.touch {
        // Off the request's path: the request does not wait for this write.
        let db = state.db.clone();
        tokio::spawn(async move {
            if let Err(error) = touch.record(&db).await {
                tracing::debug!(%error, "recording a session or token use failed");
            }
        });
    }
    Ok(resolved.principal.with_ip(ip))
}
