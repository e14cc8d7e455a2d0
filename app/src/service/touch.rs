//! Recording that a session or token was used (`last_seen_at`, `last_used_at`), and that a
//! member used their organization (`last_active_at`).
//!
//! Invariants:
//! - A use is recorded at most once a minute per session or token (the resolution decides
//!   whether one is due).
//! - Recording it is not part of the request: the server runs [`Touch::record`] on a task of
//!   its own after resolving the caller, so the request's one round trip is its resolution.
//!   A record that fails (a conflict with a concurrent write, say) is only logged: the next
//!   use a minute later records it again.

use super::principal::Principal;
use crate::domain::ids::{OrgId, TokenId, UserId};
use crate::error::AppError;
use crate::store::{self, Db};
use chrono::{DateTime, Utc};

/// A use of a session or a token, due to be recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Touch {
    /// The session `hash` was seen at `at`.
    Session { hash: String, at: DateTime<Utc> },
    /// The token `id` was used at `at`.
    Token { id: TokenId, at: DateTime<Utc> },
    /// The member `user` used the organization `org` at `at`.
    Member {
        org: OrgId,
        user: UserId,
        at: DateTime<Utc>,
    },
}

impl Touch {
    /// Writes the use down.
    pub async fn record(self, db: &Db) -> Result<(), AppError> {
        match self {
            Touch::Session { hash, at } => store::sessions::touch(db, &hash, at).await?,
            Touch::Token { id, at } => store::tokens::touch(db, &id, at).await?,
            Touch::Member { org, user, at } => {
                store::memberships::touch(db, &org, &user, at).await?;
            }
        }
        Ok(())
    }
}

/// A resolved caller and the uses to record that are due.
#[derive(Debug)]
pub struct Resolved {
    pub principal: Principal,
    pub touch: Vec<Touch>,
}

impl Resolved {
    /// A caller with nothing to record.
    pub fn untouched(principal: Principal) -> Self {
        Resolved {
            principal,
            touch: Vec::new(),
        }
    }

    /// The caller, after recording the use in this task (the command line and the tests,
    /// which read the record right after).
    pub async fn recorded(self, db: &Db) -> Result<Principal, AppError> {
        for touch in self.touch {
            touch.record(db).await?;
        }
        Ok(self.principal)
    }
}

/// The member activity to record for a caller whose standing `row` was read for `user` at
/// `now`: due when they are a member and it was last recorded over a minute ago.
pub fn member_activity(
    row: Option<&store::organizations::AccessRow>,
    user: &UserId,
    now: DateTime<Utc>,
) -> Option<Touch> {
    let row = row?;
    row.role.as_ref()?;
    row.last_active_at
        .is_none_or(|at| now - at >= chrono::Duration::minutes(1))
        .then(|| Touch::Member {
            org: row.org.id.clone(),
            user: user.clone(),
            at: now,
        })
}
