//! The audit log for the pages.

use crate::domain::audit::{AuditEvent, AuditQuery};
use crate::domain::organization::Page;
use crate::error::AppError;
use leptos::prelude::*;

/// The organization's events, newest first, filtered. Needs `audit.read`.
#[server(endpoint = "orgs/audit")]
pub async fn list_org_audit(
    org: String,
    #[server(default)] query: AuditQuery,
) -> Result<Page<AuditEvent>, AppError> {
    super::run(move |state, principal| async move {
        crate::service::audit::org_events(&state.db, &principal, &org, &query).await
    })
    .await
}

/// Every event of the instance, newest first, filtered. Site admins only.
#[server(endpoint = "admin/audit")]
pub async fn list_all_audit(
    #[server(default)] query: AuditQuery,
) -> Result<Page<AuditEvent>, AppError> {
    super::run(move |state, principal| async move {
        crate::service::audit::all_events(&state.db, &principal, &query).await
    })
    .await
}
