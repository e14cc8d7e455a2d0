//! Extractors every handler uses: the caller (`Caller`, resolved once per request from the
//! session cookie) and where the request came from (`Client`).

use app::client_address::ClientAddress;
use app::error::AppError;
use app::service::principal::ClientInfo;
use app::service::principal::Principal;
use app::state::AppState;
use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::header;
use axum::http::request::Parts;

/// Who is calling. Anonymous when there is no valid credential; handlers ask the service,
/// which refuses what the caller may not do.
#[derive(Debug, Clone)]
pub struct Caller(pub Principal);

impl FromRequestParts<AppState> for Caller {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        if let Some(caller) = parts.extensions.get::<Caller>() {
            return Ok(caller.clone());
        }
        let ip = parts
            .extensions
            .get::<ClientAddress>()
            .map(|c| c.0.to_string())
            .unwrap_or_default();
        // An organization's routes name it `{org}`: its standing is read with the caller.
        let org = RawPathParams::from_request_parts(parts, state)
            .await
            .ok()
            .and_then(|params| {
                params
                    .iter()
                    .find(|(key, _)| *key == "org")
                    .map(|(_, value)| value.to_string())
            });
        let principal = app::caller::principal(state, &parts.headers, &ip, org.as_deref()).await?;
        let caller = Caller(principal);
        parts.extensions.insert(caller.clone());
        Ok(caller)
    }
}

/// The client's address and user agent.
pub struct Client(pub ClientInfo);

impl<S: Send + Sync> FromRequestParts<S> for Client {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        let ip = parts
            .extensions
            .get::<ClientAddress>()
            .map(|c| c.0.to_string())
            .unwrap_or_default();
        let user_agent = parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .chars()
            .take(300)
            .collect();
        Ok(Client(ClientInfo { ip, user_agent }))
    }
}
