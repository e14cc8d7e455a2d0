//! Server functions: the browser's transport to the service layer. Each one resolves the
//! caller, calls one service function and maps its error to a real HTTP status.
//!
//! May import: `service`, `domain`, `error`, `state`, `caller`, `cookies`, `client_address`
//! — never `store` (checked by `tests/it/layers.rs`).

pub mod account;
pub mod admin;
pub mod audit;
pub mod auth;
pub mod direct_add;
pub mod email;
pub mod groups;
pub mod instance;
pub mod instance_roles;
pub mod invitations;
#[cfg(feature = "ssr")]
pub mod landing;
pub mod org_tokens;
pub mod orgs;
pub mod passkeys;
pub mod projects;
pub mod roles;
pub mod sso;
pub mod two_factor;

#[cfg(feature = "ssr")]
mod support {
    use crate::error::AppError;
    use crate::state::AppState;
    use leptos::prelude::use_context;

    /// The shared state, provided to every server function by the router.
    pub fn state() -> Result<AppState, AppError> {
        use_context::<AppState>()
            .ok_or_else(|| AppError::internal("AppState missing from the server-function context"))
    }

    /// The caller of this server function (from the session cookie), resolved once per
    /// request (`caller::CallerMemo`, provided by the router).
    pub async fn principal(
        state: &AppState,
    ) -> Result<crate::service::principal::Principal, AppError> {
        let (headers, path) = use_context::<http::request::Parts>()
            .map(|parts| (parts.headers, parts.uri.path().to_string()))
            .unwrap_or_default();
        let ip = client().ip;
        match use_context::<crate::caller::CallerMemo>() {
            Some(memo) => memo.principal(state, &headers, &ip, &path).await,
            None => crate::caller::principal(state, &headers, &ip, None).await,
        }
    }

    /// The base of links in emails this request causes (never from the request's `Host`).
    pub fn base_url(state: &AppState) -> String {
        state.base_url()
    }

    /// Where the request came from: address and user agent.
    pub fn client() -> crate::service::principal::ClientInfo {
        let Some(parts) = use_context::<http::request::Parts>() else {
            return Default::default();
        };
        let ip = parts
            .extensions
            .get::<crate::client_address::ClientAddress>()
            .map(|c| c.0.to_string())
            .unwrap_or_default();
        let user_agent = parts
            .headers
            .get(http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .chars()
            .take(300)
            .collect();
        crate::service::principal::ClientInfo { ip, user_agent }
    }

    /// Sends the browser to `path` after this server function: a path of this site only
    /// (anything else becomes `/`, see `domain::redirect`), so the header is always valid.
    pub fn redirect(path: &str) {
        leptos_axum::redirect(&crate::domain::redirect::local_path(Some(path)));
    }

    /// Adds a `Set-Cookie` header to this server function's response.
    pub fn set_cookie(value: http::HeaderValue) {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.append_header(http::header::SET_COOKIE, value);
        }
    }

    /// Hands a value to the page a plain form post redirects to, once: a short-lived cookie
    /// scoped to `path` (the redirect cannot carry secrets in its URL).
    pub fn set_once_cookie(state: &AppState, name: &str, value: &str, path: &str) {
        set_cookie(crate::cookies::short_lived(state, name, value, path, 300));
    }

    /// Takes the value of a one-time cookie set by [`set_once_cookie`], clearing it.
    pub fn take_once_cookie(state: &AppState, name: &str, path: &str) -> Option<String> {
        let headers = use_context::<http::request::Parts>()
            .map(|parts| parts.headers)
            .unwrap_or_default();
        let value = crate::cookies::read(&headers, name)?;
        set_cookie(crate::cookies::short_lived(state, name, "", path, 0));
        Some(value)
    }

    /// Whether this call is a plain HTML form post (JavaScript off) rather than a call from
    /// the hydrated app.
    pub fn plain_form_post() -> bool {
        use_context::<http::request::Parts>().is_some_and(|parts| {
            parts
                .headers
                .get(http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|accept| accept.contains("text/html"))
        })
    }

    /// A server function's body, run with the shared state and its caller: resolving them and
    /// giving an error its real status is done here, once for every server function.
    pub async fn run<T, F, Fut>(body: F) -> Result<T, AppError>
    where
        F: FnOnce(AppState, crate::service::principal::Principal) -> Fut,
        Fut: std::future::Future<Output = Result<T, AppError>>,
    {
        let result = async {
            let state = state()?;
            let principal = principal(&state).await?;
            body(state, principal).await
        }
        .await;
        respond(result)
    }

    /// Gives an error its real status (server functions otherwise answer 500 to everything).
    ///
    /// Not for a plain form post (JavaScript off): Leptos answers that with a redirect back to
    /// the form, carrying the error in the URL, and a 4xx status would stop the browser from
    /// following it.
    pub fn respond<T>(result: Result<T, AppError>) -> Result<T, AppError> {
        if !plain_form_post()
            && let Err(err) = &result
            && let Some(response) = use_context::<leptos_axum::ResponseOptions>()
            && let Ok(status) = http::StatusCode::from_u16(err.status())
        {
            response.set_status(status);
        }
        result
    }
}
#[cfg(feature = "ssr")]
pub(crate) use support::{
    base_url, client, plain_form_post, principal, redirect, respond, run, set_cookie,
    set_once_cookie, state, take_once_cookie,
};
