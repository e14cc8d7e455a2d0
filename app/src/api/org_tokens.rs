//! Organization and group tokens for the pages. A new token's secret reaches the page once:
//! in the server function's answer, or after a plain form post through a one-time cookie
//! scoped to the page.

use crate::domain::token::{CreatedToken, TokenInfo};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
const REVEAL_COOKIE: &str = "gatehouse_org_token_reveal";

#[cfg(feature = "ssr")]
fn lifetime(expires_in_days: &str) -> Result<Option<i64>, AppError> {
    match expires_in_days {
        "never" | "" => Ok(None),
        other => other.parse::<i64>().map(Some).map_err(|_| {
            AppError::validation("expires_in_days", "Choose one of the offered lifetimes.")
        }),
    }
}

#[cfg(feature = "ssr")]
fn tokens_page(org: &str, group: Option<&str>) -> String {
    match group {
        Some(group) => format!("/orgs/{org}/groups/{group}"),
        None => format!("/orgs/{org}/tokens"),
    }
}

/// The organization's organization and group tokens with their flags, only those with
/// `flag` when given. Needs `tokens.manage`.
#[server(endpoint = "orgs/tokens")]
pub async fn list_org_tokens(
    org: String,
    flag: Option<String>,
) -> Result<Vec<TokenInfo>, AppError> {
    super::run(move |state, principal| async move {
        crate::service::token_hygiene::of_org(
            &state.db,
            &principal,
            &org,
            flag.as_deref(),
            chrono::Utc::now(),
        )
        .await
    })
    .await
}

/// Creates an organization token. Needs `tokens.manage` and the role's permissions.
#[server(endpoint = "orgs/tokens/create")]
pub async fn create_org_token(
    org: String,
    description: String,
    role: String,
    expires_in_days: String,
) -> Result<CreatedToken, AppError> {
    use crate::domain::token::NewOrganizationToken;
    use crate::service::org_tokens;
    let result = async {
        let expires_in_days = lifetime(&expires_in_days)?;
        let state = super::state()?;
        let principal = super::principal(&state).await?;
        let created = org_tokens::create(
            &state.db,
            &principal,
            &org,
            &NewOrganizationToken {
                description,
                role,
                expires_in_days,
            },
            chrono::Utc::now(),
        )
        .await?;
        if super::plain_form_post() {
            let page = tokens_page(&org, None);
            super::set_once_cookie(&state, REVEAL_COOKIE, &created.token, &page);
            super::redirect(&page);
        }
        Ok(created)
    }
    .await;
    super::respond(result)
}

/// Revokes an organization token. Needs `tokens.manage`.
#[server(endpoint = "orgs/tokens/revoke")]
pub async fn revoke_org_token(org: String, id: String) -> Result<(), AppError> {
    super::run(move |state, principal| async move {
        crate::service::org_tokens::revoke(&state.db, &principal, &org, &id, chrono::Utc::now())
            .await?;
        if super::plain_form_post() {
            super::redirect(&tokens_page(&org, None));
        }
        Ok(())
    })
    .await
}

/// A group's tokens. Needs `tokens.manage`.
#[server(endpoint = "orgs/groups/tokens")]
pub async fn list_group_tokens(org: String, group: String) -> Result<Vec<TokenInfo>, AppError> {
    super::run(move |state, principal| async move {
        crate::service::org_tokens::list_group(&state.db, &principal, &org, &group).await
    })
    .await
}

/// Creates a token acting with the group's role. Needs `tokens.manage`.
#[server(endpoint = "orgs/groups/tokens/create")]
pub async fn create_group_token(
    org: String,
    group: String,
    description: String,
    expires_in_days: String,
) -> Result<CreatedToken, AppError> {
    use crate::domain::token::NewGroupToken;
    use crate::service::org_tokens;
    let result = async {
        let expires_in_days = lifetime(&expires_in_days)?;
        let state = super::state()?;
        let principal = super::principal(&state).await?;
        let created = org_tokens::create_group(
            &state.db,
            &principal,
            &org,
            &group,
            &NewGroupToken {
                description,
                expires_in_days,
            },
            chrono::Utc::now(),
        )
        .await?;
        if super::plain_form_post() {
            let page = tokens_page(&org, Some(&group));
            super::set_once_cookie(&state, REVEAL_COOKIE, &created.token, &page);
            super::redirect(&page);
        }
        Ok(created)
    }
    .await;
    super::respond(result)
}

/// Revokes a group token. Needs `tokens.manage`.
#[server(endpoint = "orgs/groups/tokens/revoke")]
pub async fn revoke_group_token(org: String, group: String, id: String) -> Result<(), AppError> {
    super::run(move |state, principal| async move {
        crate::service::org_tokens::revoke_group(
            &state.db,
            &principal,
            &org,
            &group,
            &id,
            chrono::Utc::now(),
        )
        .await?;
        if super::plain_form_post() {
            super::redirect(&tokens_page(&org, Some(&group)));
        }
        Ok(())
    })
    .await
}

/// The secret of an organization or group token just created by a plain form post (taken
/// from its one-time cookie on the page it was created on).
#[server(endpoint = "orgs/tokens/reveal")]
pub async fn take_org_token_reveal(
    org: String,
    group: Option<String>,
) -> Result<Option<String>, AppError> {
    let state = super::state()?;
    let page = tokens_page(&org, group.as_deref());
    let token = super::take_once_cookie(&state, REVEAL_COOKIE, &page);
    Ok(token.filter(|t| t.starts_with("gto_") || t.starts_with("gtg_")))
}
