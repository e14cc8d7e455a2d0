//! Group mappings: a provider's groups claim decides, at each sign-in through it, who is in
//! the organization groups its mappings name.
//!
//! Invariants:
//! - A mapping acts as its author (the administrator who last wrote the provider's mappings),
//!   with the author's rights of today, through the same service functions as a person would
//!   (`groups::add_member` / `remove_member`: the rights guard, the Owner rule and the audit
//!   entry, with the author as actor and the provider named): it never grants more than its
//!   author could, and stops granting the moment they could not — or are deactivated.
//! - A mapping only moves members of the organization in and out of its group; joining the
//!   organization is an invitation's (or an administrator's) business.
//! - For a mapped group the provider is authoritative: a member whose claim lacks the value is
//!   taken out of it.

use super::principal::{InstanceStanding, Principal, SignedInUser};
use crate::store::sso_providers::ProviderRow;
use crate::store::users::UserRow;
use crate::store::{self, Db};
use chrono::{DateTime, Utc};

/// The author of a standing rule acting when it applies: their current rights, no session.
fn acting(author: &UserRow, ip: &str) -> Principal {
    Principal::User(SignedInUser {
        user_id: author.id.clone(),
        username: author.username.clone(),
        instance: InstanceStanding::of(
            author.instance_role.clone(),
            author.instance_role_permissions.clone(),
        ),
        session_hash: None,
        password_change_only: false,
        ip: ip.to_string(),
        two_factor_setup_required: false,
        token: None,
        account: None,
        rules: Default::default(),
        standing: None,
    })
}

/// Applies `provider`'s mappings to `user`, whose groups claim holds `groups`. Failures are
/// logged, never in the way of the sign-in (a mapping the author may no longer apply simply
/// does nothing).
pub async fn apply(
    db: &Db,
    provider: &ProviderRow,
    user: &UserRow,
    groups: &[String],
    ip: &str,
    now: DateTime<Utc>,
) {
    if provider.group_mappings.is_empty() {
        return;
    }
    let author = match &provider.mappings_by {
        Some(id) => store::users::by_id(db, id).await.ok().flatten(),
        None => None,
    };
    let Some(author) = author.filter(|a| a.active) else {
        tracing::warn!(provider = %provider.id, "group mappings skipped: their author is gone or deactivated");
        return;
    };
    let principal = acting(&author, ip);
    for mapping in &provider.group_mappings {
        let result = if groups.contains(&mapping.claim_value) {
            super::groups::add_member(
                db,
                &principal,
                &mapping.organization,
                &mapping.group,
                &user.username,
                now,
            )
            .await
        } else {
            super::groups::remove_member(
                db,
                &principal,
                &mapping.organization,
                &mapping.group,
                &user.username,
                now,
            )
            .await
        };
        if let Err(err) = result {
            // Already in (or out), not a member of the organization, or beyond the author.
            tracing::debug!(provider = %provider.id, group = %mapping.group, error = %err.message, "group mapping not applied");
        }
    }
}

/// Whether the administrator `author` may apply a mapping into `org`'s `group` today (checked
/// when the mappings are written, so a mapping that could never act is refused then).
pub async fn author_may_map(
    db: &Db,
    author: &Principal,
    org: &str,
    group: &str,
) -> Result<(), crate::error::AppError> {
    super::groups::may_manage_members(db, author, org, group).await
}
