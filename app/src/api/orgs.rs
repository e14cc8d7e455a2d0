//! Organizations, members and the caller's organizations, for the pages.

use crate::domain::organization::{Member, MyOrganization, OrgView, Organization, Page};
use crate::error::AppError;
use leptos::prelude::*;

/// The caller's organizations. Needs a signed-in user (anonymous: an empty list).
#[server(endpoint = "orgs/mine")]
pub async fn my_organizations() -> Result<Vec<MyOrganization>, AppError> {
    super::run(move |state, principal| async move {
        if principal.user().is_err() {
            return Ok(Vec::new());
        }
        crate::service::organizations::mine(&state.db, &principal).await
    })
    .await
}

/// The header's organization menu (anonymous: empty).
#[server(endpoint = "orgs/menu")]
pub async fn org_menu() -> Result<crate::domain::organization::OrgMenu, AppError> {
    super::run(move |state, principal| async move {
        if principal.user().is_err() {
            return Ok(Default::default());
        }
        crate::service::organizations::menu(&state.db, &principal, chrono::Utc::now()).await
    })
    .await
}

/// The organization and what the caller may do in it. Needs membership.
#[server(endpoint = "orgs/view")]
pub async fn get_org_view(org: String) -> Result<OrgView, AppError> {
    super::run(move |state, principal| async move {
        let access = crate::service::organizations::get(&state.db, &principal, &org).await?;
        Ok(OrgView {
            organization: access.organization(),
            username: access.actor_name(),
            role: access.role.clone(),
            permissions: access.permissions.iter().collect(),
            grantable_roles: crate::service::rulebook::grantable_roles(&access),
            token_roles: crate::service::rulebook::token_roles(&access),
        })
    })
    .await
}

/// Creates an organization and opens it. Needs a signed-in user.
#[server(endpoint = "orgs/create")]
pub async fn create_organization(
    #[server(flatten)] input: crate::domain::organization::NewOrganization,
) -> Result<Organization, AppError> {
    super::run(move |state, principal| async move {
        let org = crate::service::organizations::create(
            &state.db,
            &principal,
            &input,
            chrono::Utc::now(),
        )
        .await?;
        super::redirect(&format!("/orgs/{}", org.name));
        Ok(org)
    })
    .await
}

/// Renames the organization. Needs `org.update`.
#[server(endpoint = "orgs/update")]
pub async fn update_organization(
    org: String,
    name: String,
    display_name: String,
) -> Result<Organization, AppError> {
    use crate::domain::organization::OrganizationUpdate;
    use crate::service::organizations;
    super::run(move |state, principal| async move {
        let updated = organizations::update(
            &state.db,
            &principal,
            &org,
            &OrganizationUpdate {
                name: Some(name),
                display_name: Some(display_name),
                ..Default::default()
            },
            chrono::Utc::now(),
        )
        .await?;
        super::redirect(&format!("/orgs/{}/settings?saved=1", updated.name));
        Ok(updated)
    })
    .await
}

/// Members who have not turned on two-factor (the policy would lock them out). Needs
/// `org.update`.
#[server(endpoint = "orgs/two-factor-lockout")]
pub async fn two_factor_lockout(org: String) -> Result<Vec<String>, AppError> {
    super::run(move |state, principal| async move {
        crate::service::organizations::two_factor_lockout(&state.db, &principal, &org).await
    })
    .await
}

/// Turns the two-factor policy on ("on") or off. Needs `org.update`.
#[server(endpoint = "orgs/two-factor-policy")]
pub async fn set_two_factor_policy(org: String, require: String) -> Result<(), AppError> {
    use crate::domain::organization::OrganizationUpdate;
    use crate::service::organizations;
    super::run(move |state, principal| async move {
        organizations::update(
            &state.db,
            &principal,
            &org,
            &OrganizationUpdate {
                require_two_factor: Some(require == "on"),
                ..Default::default()
            },
            chrono::Utc::now(),
        )
        .await?;
        super::redirect(&format!("/orgs/{org}/settings?policy=1"));
        Ok(())
    })
    .await
}

/// Lets people with `members.invite` add existing accounts directly ("on"), or makes them
/// invite by email ("off"). Needs `org.update`.
#[server(endpoint = "orgs/direct-adding")]
pub async fn set_direct_adding(org: String, allow: String) -> Result<(), AppError> {
    use crate::domain::organization::OrganizationUpdate;
    use crate::service::organizations;
    super::run(move |state, principal| async move {
        organizations::update(
            &state.db,
            &principal,
            &org,
            &OrganizationUpdate {
                allow_direct_adding: Some(allow == "on"),
                ..Default::default()
            },
            chrono::Utc::now(),
        )
        .await?;
        super::redirect(&format!("/orgs/{org}/settings?saved=1"));
        Ok(())
    })
    .await
}

/// Requires members to have signed in through the provider `provider` (a provider's id), or
/// lifts the requirement (empty). Needs `org.update`, and a session signed in through that
/// provider.
#[server(endpoint = "orgs/sso-policy")]
pub async fn set_sso_policy(org: String, provider: String) -> Result<(), AppError> {
    use crate::domain::organization::OrganizationUpdate;
    use crate::service::organizations;
    super::run(move |state, principal| async move {
        let provider = provider.trim().to_string();
        organizations::update(
            &state.db,
            &principal,
            &org,
            &OrganizationUpdate {
                require_sso_provider: Some((!provider.is_empty()).then_some(provider)),
                ..Default::default()
            },
            chrono::Utc::now(),
        )
        .await?;
        super::redirect(&format!("/orgs/{org}/settings?saved=1"));
        Ok(())
    })
    .await
}

/// Deletes the organization; `confirm_name` must be its name. Needs `org.delete`.
#[server(endpoint = "orgs/delete")]
pub async fn delete_organization(org: String, confirm_name: String) -> Result<(), AppError> {
    super::run(move |state, principal| async move {
        crate::service::organizations::delete(
            &state.db,
            &principal,
            &org,
            Some(&confirm_name),
            chrono::Utc::now(),
        )
        .await?;
        super::redirect("/settings/organizations?deleted=1");
        Ok(())
    })
    .await
}

/// One page of members. Needs `members.read`.
#[server(endpoint = "orgs/members")]
pub async fn list_members(
    org: String,
    query: Option<String>,
    cursor: Option<String>,
    #[server(default)] sort: Option<String>,
) -> Result<Page<Member>, AppError> {
    super::run(move |state, principal| async move {
        crate::service::members::list(
            &state.db,
            &principal,
            &org,
            query.as_deref(),
            cursor.as_deref(),
            sort.as_deref(),
            None,
        )
        .await
    })
    .await
}

/// Changes a member's role. Needs `members.update_role` (Owner: owners only).
#[server(endpoint = "orgs/members/role")]
pub async fn change_member_role(
    org: String,
    username: String,
    role: String,
) -> Result<(), AppError> {
    use crate::domain::organization::RoleChange;
    use crate::service::members;
    super::run(move |state, principal| async move {
        members::change_role(
            &state.db,
            &principal,
            &org,
            &username,
            &RoleChange { role },
            chrono::Utc::now(),
        )
        .await?;
        if super::plain_form_post() {
            super::redirect(&format!("/orgs/{org}/people"));
        }
        Ok(())
    })
    .await
}

/// Removes a member, or leaves when it is the caller. Needs `members.remove` (or nothing to
/// leave). `back` is where to go afterwards.
#[server(endpoint = "orgs/members/remove")]
pub async fn remove_member(org: String, username: String, back: String) -> Result<(), AppError> {
    super::run(move |state, principal| async move {
        crate::service::members::remove(&state.db, &principal, &org, &username, chrono::Utc::now())
            .await?;
        super::redirect(&super::auth::safe_next(Some(&back)));
        Ok(())
    })
    .await
}

/// A member's permissions and where each comes from. Needs `members.read`.
#[server(endpoint = "orgs/members/explain")]
pub async fn explain_member(
    org: String,
    username: String,
) -> Result<crate::domain::explain::Explanation, AppError> {
    super::run(move |state, principal| async move {
        crate::service::members::explain(&state.db, &principal, &org, &username).await
    })
    .await
}
