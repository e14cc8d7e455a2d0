//! The whole HTTP surface: operations endpoints, the REST API, server functions, the
//! server-rendered pages and the static assets.

use crate::limits::Limits;
use crate::static_files::{AssetCache, cache_headers};
use app::state::AppState;
use app::{App, shell};
use axum::Router;
use axum::http::{HeaderName, Request};
use axum::routing::any;
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, generate_route_list};
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

pub fn build(state: AppState, limits: &Limits) -> Router {
    build_with(state, limits, Router::new())
}

/// [`build`] with `extra` routes inside every layer (the tests' probes).
pub fn build_with(state: AppState, limits: &Limits, extra: Router<AppState>) -> Router {
    let routes = generate_route_list(App);
    let leptos_options = state.leptos_options.clone();
    let context = {
        let state = state.clone();
        move || {
            provide_context(state.clone());
            // One caller resolution per request, shared by the page's server functions.
            provide_context(app::caller::CallerMemo::default());
            // The page's nonce is the one the security-headers middleware chose (and will put
            // in the policy), not a fresh one.
            if let Some(parts) = leptos::prelude::use_context::<axum::http::request::Parts>()
                && let Some(nonce) = parts.extensions.get::<app::PageNonce>()
            {
                provide_context(leptos::nonce::Nonce::from_value(nonce.0.clone()));
            }
        }
    };
    let asset_cache = AssetCache {
        hashed_names: leptos_options.hash_files,
    };

    extra
        .merge(crate::rest::api().split_for_parts().0)
        // `nest` does not cover the bare trailing slash; it is still an API path.
        .route("/api/v1/", any(crate::rest::not_found))
        .leptos_routes_with_context(&state, routes, context.clone(), move || {
            shell(leptos_options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(context, shell))
        .layer(CatchPanicLayer::custom(crate::panic::respond))
        .layer(axum::middleware::from_fn_with_state(
            limits.request_timeout,
            crate::limits::request_timeout,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::csrf::check,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::security_headers::apply,
        ))
        .layer(axum::middleware::from_fn_with_state(
            asset_cache,
            cache_headers,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::client::resolve,
        ))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
                .layer(
                    TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
                        let id = request
                            .headers()
                            .get(REQUEST_ID)
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or("-");
                        tracing::info_span!(
                            "request",
                            id = %id,
                            method = %request.method(),
                            path = %crate::telemetry::loggable_path(request.uri().path()),
                        )
                    }),
                )
                .layer(PropagateRequestIdLayer::new(REQUEST_ID))
                .layer(CompressionLayer::new()),
        )
        .with_state(state)
}
