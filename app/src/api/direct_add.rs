//! Adding existing accounts to an organization directly, for the pages.

use crate::domain::organization::{Candidate, Member};
use crate::error::AppError;
use leptos::prelude::*;

/// Accounts matching what was typed (see `service::direct_add::candidates`).
#[server(endpoint = "orgs/candidates")]
pub async fn find_candidates(org: String, query: String) -> Result<Vec<Candidate>, AppError> {
    super::run(move |state, principal| async move {
        crate::service::direct_add::candidates(
            &state.db,
            &principal,
            &org,
            &query,
            chrono::Utc::now(),
        )
        .await
    })
    .await
}

/// Adds the people ticked (`users`: usernames or email addresses) with a role and groups.
#[server(endpoint = "orgs/members/add")]
pub async fn add_members(
    org: String,
    #[server(default)] users: Vec<String>,
    role: String,
    #[server(default)] groups: Vec<String>,
) -> Result<Vec<Member>, AppError> {
    use crate::domain::organization::AddMembersInput;
    super::run(move |state, principal| async move {
        let input = AddMembersInput {
            users,
            role,
            groups,
        };
        let base = super::base_url(&state);
        let added = crate::service::direct_add::add(
            &state.db,
            &principal,
            &org,
            &input,
            &base,
            chrono::Utc::now(),
        )
        .await?;
        if super::plain_form_post() {
            super::redirect(&format!(
                "/orgs/{org}/people?tab=members&added={}",
                added.len()
            ));
        }
        Ok(added)
    })
    .await
}
