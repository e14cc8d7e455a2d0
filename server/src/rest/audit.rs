//! `/api/v1/organizations/{org}/audit-events` and `/api/v1/admin/audit-events`: the audit log,
//! paged newest first, and exported (CSV or JSON Lines) as a stream, a page at a time, so an
//! export of any size never sits in memory.

use super::ApiJson;
use super::auth::no_store;
use super::caller::Caller;
use super::json::ApiQuery;
use super::paths::OrgPath;
use super::refusals::{Forbidden, Invalid, NoInstancePermission, NotAuthenticated, NotFound};
use app::domain::audit::AuditEvent;
use app::domain::audit::AuditQuery;
use app::domain::organization::Page;
use app::error::AppError;
use app::service::audit;
use app::state::AppState;
use app::store::audit::Filter;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

/// The organization's events, newest first. Needs `audit.read`.
///
/// Refusals: 422: Bad time or cursor.
#[utoipa::path(
    get,
    path = "/organizations/{org}/audit-events",
    tag = "audit",
    params(OrgPath, AuditQuery),
    responses(
        (status = 200, description = "Events, newest first", body = Page<AuditEvent>),
        NotAuthenticated, Forbidden, NotFound, Invalid
    )
)]
pub async fn org_events(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(OrgPath { org }): Path<OrgPath>,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> Result<ApiJson<Page<AuditEvent>>, AppError> {
    Ok(ApiJson(
        audit::org_events(&state.db, &principal, &org, &query).await?,
    ))
}

/// Every event of the instance, newest first. Needs the instance permission `audit.read`.
#[utoipa::path(
    get,
    path = "/admin/audit-events",
    tag = "audit",
    params(AuditQuery),
    responses(
        (status = 200, description = "Events, newest first", body = Page<AuditEvent>),
        NotAuthenticated, NoInstancePermission
    )
)]
pub async fn all_events(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> Result<ApiJson<Page<AuditEvent>>, AppError> {
    Ok(ApiJson(
        audit::all_events(&state.db, &principal, &query).await?,
    ))
}

/// The export's file format.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct ExportFormat {
    /// `csv` (default) or `jsonl`.
    pub format: Option<String>,
}

impl ExportFormat {
    fn jsonl(&self) -> Result<bool, AppError> {
        match self.format.as_deref().unwrap_or("csv") {
            "csv" => Ok(false),
            "jsonl" => Ok(true),
            _ => Err(AppError::validation("format", "Choose csv or jsonl.")),
        }
    }
}

/// Export the organization's events (oldest first) as CSV or JSON Lines. Needs `audit.read`.
#[utoipa::path(
    get,
    path = "/organizations/{org}/audit-events/export",
    tag = "audit",
    params(OrgPath, AuditQuery, ExportFormat),
    responses(
        (status = 200, description = "A file: text/csv or application/x-ndjson"),
        NotAuthenticated, Forbidden, NotFound
    )
)]
pub async fn org_export(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(OrgPath { org }): Path<OrgPath>,
    ApiQuery(query): ApiQuery<AuditQuery>,
    ApiQuery(format): ApiQuery<ExportFormat>,
) -> Result<Response, AppError> {
    let jsonl = format.jsonl()?;
    let filter = audit::org_filter(&state.db, &principal, &org, &query).await?;
    Ok(export(
        state,
        filter,
        jsonl,
        &format!("audit-{}", org.trim().to_lowercase()),
    ))
}

/// Export every event (oldest first) as CSV or JSON Lines. Site admins only.
#[utoipa::path(
    get,
    path = "/admin/audit-events/export",
    tag = "audit",
    params(AuditQuery, ExportFormat),
    responses(
        (status = 200, description = "A file: text/csv or application/x-ndjson"),
        NotAuthenticated, NoInstancePermission
    )
)]
pub async fn all_export(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiQuery(query): ApiQuery<AuditQuery>,
    ApiQuery(format): ApiQuery<ExportFormat>,
) -> Result<Response, AppError> {
    principal.instance(app::domain::instance_permission::InstancePermission::AuditRead)?;
    let jsonl = format.jsonl()?;
    let filter = audit::filter(&query, None)?;
    Ok(export(state, filter, jsonl, "audit"))
}

/// The streamed file: a header (CSV), then one page of events per chunk.
fn export(state: AppState, filter: Filter, jsonl: bool, name: &str) -> Response {
    struct Cursor {
        after: i64,
        started: bool,
        done: bool,
    }
    let start = Cursor {
        after: 0,
        started: false,
        done: false,
    };
    let stream = futures_util::stream::unfold(start, move |mut cursor| {
        let db = state.db.clone();
        let filter = filter.clone();
        async move {
            if cursor.done {
                return None;
            }
            let mut chunk = String::new();
            if !cursor.started && !jsonl {
                chunk.push_str(audit::CSV_HEADER);
            }
            cursor.started = true;
            match audit::export_page(&db, &filter, cursor.after).await {
                Ok(events) => {
                    if events.is_empty() {
                        cursor.done = true;
                    }
                    for event in &events {
                        chunk.push_str(&if jsonl {
                            audit::jsonl_line(event)
                        } else {
                            audit::csv_line(event)
                        });
                    }
                    if let Some(last) = events.last() {
                        cursor.after = last.id.parse().unwrap_or(i64::MAX);
                    }
                    Some((Ok::<_, std::io::Error>(chunk), cursor))
                }
                Err(err) => {
                    tracing::error!(error = %err.message, "audit export failed midway");
                    cursor.done = true;
                    Some((Err(std::io::Error::other("audit export failed")), cursor))
                }
            }
        }
    });
    let (content_type, extension) = if jsonl {
        ("application/x-ndjson", "jsonl")
    } else {
        ("text/csv; charset=utf-8", "csv")
    };
    // Fused: the compression layer may poll once more after the end.
    let stream = futures_util::StreamExt::fuse(stream);
    let mut response = Body::from_stream(stream).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(value) =
        HeaderValue::from_str(&format!("attachment; filename=\"{name}.{extension}\""))
    {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    no_store(&mut response);
    response
}
