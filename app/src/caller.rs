//! Who calls a request: a bearer token if one is sent (an invalid one is a 401), else the
//! session cookie. REST handlers and server functions both resolve the Principal here, so both
//! see the same caller, and a request resolves it once: a server-rendered page whose resources
//! call several server functions shares one resolution through [`CallerMemo`].

use crate::cookies;
use crate::error::AppError;
use crate::service::principal::Principal;
use crate::service::touch::Resolved;
use crate::service::{sessions, tokens};
use crate::state::AppState;
use http::{HeaderMap, header};

/// The caller of a request from client address `ip`, resolved at the request's time; with
/// `org` (a REST path's organization), a bearer token's standing in it is read in the same
/// round trip (see [`crate::service::principal::Standing`]).
pub async fn principal(
    state: &AppState,
    headers: &HeaderMap,
    ip: &str,
    org: Option<&str>,
) -> Result<Principal, AppError> {
    let now = chrono::Utc::now();
    let resolved = if let Some(auth) = headers.get(header::AUTHORIZATION) {
        let token = auth
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or_else(AppError::unauthenticated)?;
        tokens::caller(&state.db, token, ip, org, now).await?
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

/// The caller of one request, resolved at most once. The router provides a fresh one to every
/// page render and server-function call; every server function that runs within it (a page's
/// resources, during server rendering) gets the same caller, and the request makes one round
/// trip for it instead of one per resource.
#[derive(Clone, Default)]
pub struct CallerMemo(std::sync::Arc<tokio::sync::OnceCell<Result<Principal, AppError>>>);

impl CallerMemo {
    /// The request's caller, resolved by the first to ask (see [`principal`]).
    pub async fn principal(
        &self,
        state: &AppState,
        headers: &HeaderMap,
        ip: &str,
    ) -> Result<Principal, AppError> {
        self.0
            .get_or_init(|| principal(state, headers, ip, None))
            .await
            .clone()
    }
}
