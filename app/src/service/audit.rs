//! Reading the audit log (organization and instance-wide), exporting it, and verifying the
//! chain. Entries are written by [`super::audit_entry`], inside each change's transaction.
//!
//! Invariants:
//! - Reading needs `audit.read` in the organization (its events only), or site admin (all).

use super::org_access;
use super::principal::Principal;
use crate::domain::audit::AuditQuery;
use crate::domain::audit::{AuditEvent, ChainReport};
use crate::domain::ids::OrgId;
use crate::domain::organization::Page;
use crate::domain::permission::Permission;
use crate::error::AppError;
use crate::store::audit::{AuditRow, Filter};
use crate::store::{self, Db};
use chrono::{DateTime, Utc};

fn time(value: Option<&str>, field: &str) -> Result<Option<DateTime<Utc>>, AppError> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if let Ok(at) = DateTime::parse_from_rfc3339(value) {
        return Ok(Some(at.with_timezone(&Utc)));
    }
    // A bare date (from a date input) means its midnight, UTC.
    chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| Some(d.and_utc()))
        .ok_or_else(|| {
            AppError::validation(field, "Use an RFC 3339 time such as 2026-01-31T00:00:00Z.")
        })
}

fn text(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(|v| v.chars().take(200).collect())
}

/// The store filter for `query`, confined to organization `org_id` if given.
pub fn filter(query: &AuditQuery, org_id: Option<&OrgId>) -> Result<Filter, AppError> {
    Ok(Filter {
        org: org_id.map(OrgId::to_string),
        actor: text(query.actor.as_deref()),
        action: text(query.action.as_deref()),
        target: text(query.target.as_deref()),
        since: time(query.since.as_deref(), "since")?,
        until: time(query.until.as_deref(), "until")?,
    })
}

pub fn to_dto(row: AuditRow) -> AuditEvent {
    AuditEvent {
        id: row.seq.to_string(),
        at: super::rfc3339(row.at),
        actor: row.actor,
        ip: row.ip,
        action: row.action,
        target: row.target,
        detail: row.detail,
    }
}

async fn page_of(
    db: &Db,
    filter: &Filter,
    query: &AuditQuery,
) -> Result<Page<AuditEvent>, AppError> {
    let limit = crate::domain::organization::page_limit(query.limit);
    let before = match query
        .cursor
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        Some(c) => Some(
            c.parse::<i64>()
                .map_err(|_| AppError::validation("cursor", "That cursor is not valid."))?,
        ),
        None => None,
    };
    let mut rows = store::audit::page(
        db,
        filter,
        before,
        i64::try_from(limit + 1).unwrap_or(i64::MAX),
    )
    .await?;
    let next_cursor = if rows.len() > limit {
        rows.truncate(limit);
        rows.last().map(|r| r.seq.to_string())
    } else {
        None
    };
    Ok(Page {
        items: rows.into_iter().map(to_dto).collect(),
        next_cursor,
    })
}

/// The organization's events, newest first. Needs `audit.read`.
pub async fn org_events(
    db: &Db,
    principal: &Principal,
    org: &str,
    query: &AuditQuery,
) -> Result<Page<AuditEvent>, AppError> {
    let filter = org_filter(db, principal, org, query).await?;
    page_of(db, &filter, query).await
}

/// The filter for an organization's events, after checking `audit.read`.
pub async fn org_filter(
    db: &Db,
    principal: &Principal,
    org: &str,
    query: &AuditQuery,
) -> Result<Filter, AppError> {
    let access = org_access::resolve(db, principal, org).await?;
    access.require(Permission::AuditRead)?;
    filter(query, Some(&access.org.id))
}

/// Every event of the instance, newest first. Needs the instance permission `audit.read`.
pub async fn all_events(
    db: &Db,
    principal: &Principal,
    query: &AuditQuery,
) -> Result<Page<AuditEvent>, AppError> {
    principal.instance(crate::domain::instance_permission::InstancePermission::AuditRead)?;
    page_of(db, &filter(query, None)?, query).await
}

/// Walks the whole chain, a page at a time, and reports the first broken link.
pub async fn verify(db: &Db) -> Result<ChainReport, AppError> {
    let mut checked = 0u64;
    let mut previous = (0i64, String::new());
    loop {
        let links = store::audit::links(db, previous.0, 1000).await?;
        if links.is_empty() {
            break;
        }
        for link in links {
            let broken = if link.seq != previous.0 + 1 {
                Some(format!("entry {} is missing", previous.0 + 1))
            } else if link.prev_hash != previous.1 {
                Some("its prev_hash does not match the previous entry's hash".to_string())
            } else if link.hash != link.computed {
                Some("its contents do not match its hash (edited after it was written)".to_string())
            } else {
                None
            };
            if let Some(reason) = broken {
                return Ok(ChainReport {
                    checked,
                    broken: Some((link.seq, reason)),
                });
            }
            checked += 1;
            previous = (link.seq, link.hash);
        }
    }
    if let Some((seq, hash)) = store::audit::head(db).await?
        && (seq != previous.0 || hash != previous.1)
    {
        return Ok(ChainReport {
            checked,
            broken: Some((
                previous.0 + 1,
                "the chain ends before its recorded head (entries were removed)".to_string(),
            )),
        });
    }
    Ok(ChainReport {
        checked,
        broken: None,
    })
}

/// One CSV cell: quoted, quotes doubled, and neutralised (a leading `'`) when it starts with a
/// character a spreadsheet would run as a formula.
pub fn csv_cell(value: &str) -> String {
    let neutral = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    };
    format!("\"{}\"", neutral.replace('"', "\"\""))
}

/// The header line of a CSV export.
pub const CSV_HEADER: &str = "id,at,actor,ip,action,target,detail\n";

/// One event as a CSV line.
pub fn csv_line(event: &AuditEvent) -> String {
    let cells = [
        event.id.clone(),
        event.at.clone(),
        event.actor.clone(),
        event.ip.clone(),
        event.action.clone(),
        event.target.clone(),
        event.detail.to_string(),
    ];
    let mut line = cells
        .iter()
        .map(|c| csv_cell(c))
        .collect::<Vec<_>>()
        .join(",");
    line.push('\n');
    line
}

/// One event as a JSON Lines line.
pub fn jsonl_line(event: &AuditEvent) -> String {
    let mut line = serde_json::to_string(event).unwrap_or_default();
    line.push('\n');
    line
}

/// The next page of an export, oldest first, after seq `after` (1000 at a time).
pub async fn export_page(
    db: &Db,
    filter: &Filter,
    after: i64,
) -> Result<Vec<AuditEvent>, AppError> {
    Ok(store::audit::page_forward(db, filter, after, 1000)
        .await?
        .into_iter()
        .map(to_dto)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_are_quoted_and_formulas_neutralised() {
        assert_eq!(csv_cell("ada"), "\"ada\"");
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("+1"), "\"'+1\"");
        assert_eq!(csv_cell("-2"), "\"'-2\"");
        assert_eq!(csv_cell("@SUM"), "\"'@SUM\"");
        assert_eq!(csv_cell("a,b\nc"), "\"a,b\nc\"");
    }
}
