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
        sso_provider: None,
    })
}

/// Applies `provider`'s mappings to `user`, whose groups claim holds `groups` (`None`: the
/// token had no such claim, or not a list of names — then nobody is taken out of anything,
/// since a provider that stopped sending the claim has not said the person left). Each mapped
/// group ends up holding the user when any of its mappings matches; a change is made only
/// where the membership differs. Failures are logged, never in the way of the sign-in.
pub async fn apply(
    db: &Db,
    provider: &ProviderRow,
    user: &UserRow,
    groups: Option<&[String]>,
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
    // Each mapped group once: in when any of its mappings matches.
    let mut targets: Vec<(&str, &str, bool)> = Vec::new();
    for mapping in &provider.group_mappings {
        let matches = groups.is_some_and(|g| g.contains(&mapping.claim_value));
        match targets
            .iter_mut()
            .find(|(org, group, _)| *org == mapping.organization && *group == mapping.group)
        {
            Some(target) => target.2 |= matches,
            None => targets.push((&mapping.organization, &mapping.group, matches)),
        }
    }
    let via = serde_json::json!({
        "sso_group_mapping": { "provider": provider.name, "provider_id": provider.id }
    });
    for (org, group, wanted) in targets {
        if !wanted && groups.is_none() {
            continue;
        }
        let result = follow(db, &principal, org, group, user, wanted, &via, now).await;
        if let Err(err) = result {
            tracing::warn!(provider = %provider.id, org, group, error = %err.message, "a group mapping could not be applied");
        }
    }
}

/// Moves `user` into (`wanted`) or out of `org`'s `group` as `principal`, unless they are
/// there already (or not a member of the organization: nothing to do).
#[allow(clippy::too_many_arguments)]
async fn follow(
    db: &Db,
    principal: &Principal,
    org: &str,
    group: &str,
    user: &UserRow,
    wanted: bool,
    via: &serde_json::Value,
    now: DateTime<Utc>,
) -> Result<(), crate::error::AppError> {
    let Some(org_row) = store::organizations::by_name(db, org).await? else {
        return Ok(());
    };
    let Some(group_row) = store::groups::get(db, &org_row.id, group).await? else {
        return Ok(());
    };
    if store::memberships::get(db, &org_row.id, &user.username)
        .await?
        .is_none()
        || store::groups::has_member(db, &group_row.id, &user.id).await? == wanted
    {
        return Ok(());
    }
    if wanted {
        super::groups::add_member_via(
            db,
            principal,
            org,
            group,
            &user.username,
            Some(via.clone()),
            now,
        )
        .await
    } else {
        super::groups::remove_member_via(
            db,
            principal,
            org,
            group,
            &user.username,
            Some(via.clone()),
            now,
        )
        .await
    }
}

/// Whether the administrator `author` may apply a mapping into `org`'s `group` today (checked
/// when the mappings are written, so a mapping that could never act is refused then). Never
/// an Owner-role group: owning an organization does not follow a claim.
pub async fn author_may_map(
    db: &Db,
    author: &Principal,
    org: &str,
    group: &str,
) -> Result<(), crate::error::AppError> {
    let role = super::groups::may_manage_members(db, author, org, group).await?;
    if role.as_deref() == Some(crate::domain::role::BuiltinRole::Owner.name()) {
        return Err(crate::error::AppError::forbidden(
            "An Owner-role group cannot follow an identity provider's claim.",
        ));
    }
    Ok(())
}
