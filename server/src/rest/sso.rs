//! `/api/v1/auth/sso/...`: signing in through an OpenID Connect provider. The start and the
//! callback are browser navigations: they answer with redirects, and a failure lands on the
//! sign-in page with its reason (`/login?sso_error=<code>`), never the provider's words.

use super::ApiJson;
use super::ApiQuery;
use super::caller::Client;
use super::paths::ProviderPath;
use super::refusals::{NotFound, Throttled};
use app::domain::sso::SsoProviderSummary;
use app::error::AppError;
use app::service::sso_accounts::Finished;
use app::service::sso_sign_in::{self, Callback, Refused};
use app::state::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// The providers to offer on a sign-in page. No permission.
#[utoipa::path(
    get,
    path = "/auth/sso/providers",
    tag = "authentication",
    responses((status = 200, description = "Configured providers", body = Vec<SsoProviderSummary>))
)]
pub async fn providers(
    State(state): State<AppState>,
) -> Result<ApiJson<Vec<SsoProviderSummary>>, AppError> {
    Ok(ApiJson(
        app::service::sso_providers::offered(&state.db).await?,
    ))
}

#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StartQuery {
    /// A local path to land on after signing in
    pub next: Option<String>,
}

fn redirect(location: &str, cookies: Vec<HeaderValue>) -> Response {
    let mut response = StatusCode::FOUND.into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(location) {
        headers.insert(header::LOCATION, value);
    }
    for cookie in cookies {
        headers.append(header::SET_COOKIE, cookie);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn binding_cookie(state: &AppState, value: &str, max_age: i64) -> HeaderValue {
    app::cookies::short_lived(state, app::cookies::sso_browser(state), value, "/", max_age)
}

fn refused(state: &AppState, Refused(code): Refused) -> Response {
    redirect(
        &format!("/login?sso_error={code}"),
        vec![binding_cookie(state, "", 0)],
    )
}

/// Start signing in through a provider: redirects the browser to it (authorization code flow
/// with PKCE) and sets a cookie that binds the sign-in to this browser. No permission.
///
/// Refusals: 404: No such provider; a provider that cannot be reached redirects to
/// `/login?sso_error=unreachable`; 429 after too many starts from this address.
#[utoipa::path(
    get,
    path = "/auth/sso/{provider}/start",
    tag = "authentication",
    params(ProviderPath, StartQuery),
    responses(
        (status = 302, description = "To the provider's authorization endpoint"),
        NotFound, Throttled
    )
)]
pub async fn start(
    State(state): State<AppState>,
    Client(client): Client,
    Path(ProviderPath { provider }): Path<ProviderPath>,
    ApiQuery(query): ApiQuery<StartQuery>,
) -> Result<Response, AppError> {
    let started = sso_sign_in::start(
        &state.db,
        &provider,
        query.next.as_deref(),
        &client,
        &state.base_url(),
        chrono::Utc::now(),
    )
    .await;
    match started {
        Ok(started) => Ok(redirect(
            &started.location,
            vec![binding_cookie(
                &state,
                &started.browser,
                sso_sign_in::FLOW_MINUTES * 60,
            )],
        )),
        Err(err) if err.status() == 404 || err.status() == 429 => Err(err),
        Err(_) => Ok(refused(&state, Refused("unreachable"))),
    }
}

/// The provider sends the browser back here: the code is exchanged, the ID token validated,
/// and the person signed in (or asked to prove the existing account their address belongs
/// to). No permission: the provider's answer, this browser's cookie and the flow are the
/// proof. Always a redirect.
#[utoipa::path(
    get,
    path = "/auth/sso/{provider}/callback",
    tag = "authentication",
    params(ProviderPath),
    responses((status = 302, description = "Into the app (signed in), to the two-factor or link page, or to `/login?sso_error=<code>`"))
)]
pub async fn callback(
    State(state): State<AppState>,
    Client(client): Client,
    Path(ProviderPath { provider }): Path<ProviderPath>,
    headers: HeaderMap,
    axum::extract::Query(answer): axum::extract::Query<Callback>,
) -> Response {
    let now = chrono::Utc::now();
    let browser = app::cookies::read(&headers, app::cookies::sso_browser(&state));
    let finished = sso_sign_in::finish(
        &state.db,
        &provider,
        &answer,
        browser.as_deref(),
        &client,
        &state.base_url(),
        now,
    )
    .await;
    let clear = binding_cookie(&state, "", 0);
    match finished {
        Ok((Finished::Outcome(outcome), next)) => {
            match app::api::landing::landing(&state, outcome, Some(&next), now).await {
                Ok(landing) => {
                    let mut cookies = landing.cookies;
                    cookies.push(clear);
                    redirect(&landing.location, cookies)
                }
                Err(err) => refused(&state, Refused::from(err)),
            }
        }
        Ok((Finished::Link { secret }, _)) => redirect(
            "/login/link",
            vec![
                clear,
                app::cookies::short_lived(
                    &state,
                    app::cookies::sso_link(&state),
                    &secret,
                    "/",
                    app::service::sso_accounts::LINK_MINUTES * 60,
                ),
            ],
        ),
        Err(refusal) => refused(&state, refusal),
    }
}
