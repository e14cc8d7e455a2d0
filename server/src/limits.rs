//! How much one client can hold of the server: how long it may take to send a request's
//! headers, how long a request may run, how many connections are open at once (and, in
//! `app::service::passwords`, how many password hashes may wait).
//!
//! Invariants:
//! - A request that runs past [`Limits::request_timeout`] is answered 503 `unavailable` with
//!   `Retry-After`, in the error shape; a streamed body that has started is not cut.
//! - The header-read timeout also closes a kept-alive connection that sends nothing.
//! - A connection whose client reads nothing for `write_stall_timeout` while the server has
//!   something to write is dropped ([`crate::listen`]).

use app::error::AppError;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::time::Duration;

/// The server's limits (`--max-connections`, `--header-read-timeout`, `--request-timeout`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Connections served at once; more wait in the kernel's accept queue.
    pub max_connections: usize,
    /// Time a client has to send a request's headers (also how long an idle kept-alive
    /// connection stays open).
    pub header_read_timeout: Duration,
    /// Time from a request's headers to its response's headers.
    pub request_timeout: Duration,
    /// Time a client may leave the server's writes waiting (reading nothing) before its
    /// connection is dropped: a client that never reads cannot hold a slot for ever.
    pub write_stall_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_connections: 1024,
            header_read_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            write_stall_timeout: Duration::from_secs(30),
        }
    }
}

/// Seconds a caller is told to wait after a timed-out request.
const RETRY_AFTER_SECS: u64 = 5;

/// Middleware: answers 503 when the rest of the stack takes longer than the request timeout.
pub async fn request_timeout(
    State(limit): State<Duration>,
    request: Request,
    next: Next,
) -> Response {
    let path = crate::telemetry::loggable_path(request.uri().path()).into_owned();
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(path, seconds = limit.as_secs_f64(), "request timed out");
            AppError {
                retry_after: Some(RETRY_AFTER_SECS),
                ..AppError::unavailable(
                    "The server took too long to answer this request. Try again in a moment.",
                )
            }
            .into_response()
        }
    }
}
