//! `GET /healthz`: 200 `{"status":"ok"}` once the database answers, else 503.

use app::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use std::time::Duration;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Health {
    /// `ok` or `unavailable`.
    pub status: &'static str,
}

/// Liveness and readiness: answers `ok` only once the database answers a query. No
/// authentication.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "operations",
    responses(
        (status = 200, description = "The database answers", body = Health),
        (status = 503, description = "The database does not answer", body = Health)
    )
)]
pub async fn healthz(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let check = tokio::time::timeout(
        Duration::from_secs(3),
        app::service::health::check(&state.db),
    )
    .await;
    match check {
        Ok(Ok(())) => (StatusCode::OK, Json(Health { status: "ok" })),
        _ => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(Health {
                status: "unavailable",
            }),
        ),
    }
}
