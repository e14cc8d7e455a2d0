//! The audit log for the pages.

use crate::domain::audit::AuditEvent;
use crate::domain::organization::Page;
use crate::error::AppError;
use leptos::prelude::*;

/// The organization's events, newest first, filtered. Needs `audit.read`.
#[server(endpoint = "orgs/audit")]
pub async fn list_org_audit(
    org: String,
    actor: Option<String>,
    action: Option<String>,
    target: Option<String>,
    since: Option<String>,
    until: Option<String>,
    cursor: Option<String>,
) -> Result<Page<AuditEvent>, AppError> {
    use crate::domain::audit::AuditQuery;
    use crate::service::audit;
    super::run(move |state, principal| async move {
        audit::org_events(
            &state.db,
            &principal,
            &org,
            &AuditQuery {
                actor,
                action,
                target,
                since,
                until,
                cursor,
                limit: None,
            },
        )
        .await
    })
    .await
}

/// Every event of the instance, newest first, filtered. Site admins only.
#[server(endpoint = "admin/audit")]
pub async fn list_all_audit(
    actor: Option<String>,
    action: Option<String>,
    target: Option<String>,
    since: Option<String>,
    until: Option<String>,
    cursor: Option<String>,
) -> Result<Page<AuditEvent>, AppError> {
    use crate::domain::audit::AuditQuery;
    use crate::service::audit;
    super::run(move |state, principal| async move {
        audit::all_events(
            &state.db,
            &principal,
            &AuditQuery {
                actor,
                action,
                target,
                since,
                until,
                cursor,
                limit: None,
            },
        )
        .await
    })
    .await
}
