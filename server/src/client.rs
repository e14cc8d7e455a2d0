//! Resolves each request's client address once (see `app::client_address`): the peer, or
//! behind a trusted proxy the address its forwarding headers report. Every later reader (the
//! throttle, the audit log, sessions) takes it from the request's extension.

use app::client_address::{ClientAddress, resolve as resolve_address};
use app::state::AppState;
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

pub async fn resolve(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip());
    let client = resolve_address(peer, request.headers(), &state.trusted_proxies);
    request.extensions_mut().insert(ClientAddress(client));
    next.run(request).await
}
