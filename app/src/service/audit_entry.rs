//! Building audit entries, for the store to append inside the change's own transaction.
//! Reading, exporting and verifying the log is [`super::audit`].
//!
//! Invariants:
//! - Every entry names its actor (the principal, or `anonymous`), the client address, an
//!   action from a fixed vocabulary (`area.verb`), a target and a JSON detail; secrets never
//!   go into the detail.

use super::principal::Principal;
use crate::domain::ids::OrgId;
use crate::store::audit::Audit;
use chrono::{DateTime, Utc};

/// An entry by `principal` about `target`, in organization `org` (none for the instance).
pub fn entry(
    principal: &Principal,
    action: &str,
    target: impl Into<String>,
    org: Option<&OrgId>,
    detail: serde_json::Value,
    now: DateTime<Utc>,
) -> Audit {
    let (actor, actor_id) = principal.actor();
    Audit {
        at: now,
        actor,
        actor_id,
        ip: principal.ip().to_string(),
        action: action.to_string(),
        target: target.into(),
        org: org.map(OrgId::to_string).unwrap_or_default(),
        detail,
    }
}

/// Who acts when there is no signed-in principal (a failed sign-in, a new session, a link).
#[derive(Debug, Clone, Copy)]
pub struct Who<'a> {
    pub name: &'a str,
    pub id: &'a str,
    pub ip: &'a str,
}

/// An entry by someone who is not signed in (or just became someone).
pub fn entry_as(
    who: Who<'_>,
    action: &str,
    target: impl Into<String>,
    org: Option<&OrgId>,
    detail: serde_json::Value,
    now: DateTime<Utc>,
) -> Audit {
    Audit {
        at: now,
        actor: who.name.to_string(),
        actor_id: who.id.to_string(),
        ip: who.ip.to_string(),
        action: action.to_string(),
        target: target.into(),
        org: org.map(OrgId::to_string).unwrap_or_default(),
        detail,
    }
}
