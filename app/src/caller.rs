//! Who calls a request: a bearer token if one is sent (an invalid one is a 401), else the
//! session cookie. REST handlers and server functions both resolve the Principal here, so both
//! see the same caller, and a request resolves it once: a server-rendered page whose resources
//! call several server functions shares one resolution through [`CallerMemo`], which also
//! reads the caller's standing in the organization the page's path names.

use crate::cookies;
use crate::error::AppError;
use crate::service::principal::Principal;
use crate::service::touch::Resolved;
use crate::service::{sessions, tokens};
use crate::state::AppState;
use http::{HeaderMap, header};

/// The caller of a request from client address `ip`, resolved at the request's time; with
/// `org` (the organization a REST path or a page's path names), the caller's standing in it
/// is read in the same round trip (see [`crate::service::principal::Standing`]).
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
            Some(secret) => sessions::caller(&state.db, &secret, org, now).await?,
            None => Resolved::untouched(Principal::Anonymous),
        }
    };
    for touch in resolved.touch {
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
    /// The request's caller, resolved by the first to ask (see [`principal`]), with their
    /// standing in the organization `path` names (`/orgs/{org}/…`), which the page's
    /// organization checks then read instead of making a round trip each.
    pub async fn principal(
        &self,
        state: &AppState,
        headers: &HeaderMap,
        ip: &str,
        path: &str,
    ) -> Result<Principal, AppError> {
        self.0
            .get_or_init(|| principal(state, headers, ip, page_org(path)))
            .await
            .clone()
    }
}

/// The organization a page's path names: `acme` in `/orgs/acme` and `/orgs/acme/people`.
fn page_org(path: &str) -> Option<&str> {
    let rest = path.strip_prefix("/orgs/")?;
    let org = rest.split('/').next().unwrap_or_default();
    (!org.is_empty()).then_some(org)
}

#[cfg(test)]
mod tests {
    use super::page_org;

    #[test]
    fn a_pages_organization_comes_from_its_path() {
        assert_eq!(page_org("/orgs/acme"), Some("acme"));
        assert_eq!(page_org("/orgs/acme/people"), Some("acme"));
        assert_eq!(page_org("/orgs/"), None);
        assert_eq!(page_org("/orgs"), None);
        assert_eq!(page_org("/settings/organizations"), None);
        assert_eq!(page_org("/api/orgs/members"), None);
    }
}
