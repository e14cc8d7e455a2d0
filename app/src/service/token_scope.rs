//! The limit a user token may carry: one organization its user belongs to and, there, a role
//! level (a built-in role below Owner or a custom role). `org_access::resolve` applies it on
//! every request; this checks it at creation and offers the choices.

use super::principal::Principal;
use crate::domain::role::BuiltinRole;
use crate::domain::token::{NewUserToken, ScopeChoice, ScopeLevel};
use crate::error::{AppError, ErrorCode};
use crate::store::organizations::OrgRow;
use crate::store::{self, Db};

/// The organization (one the caller belongs to) and role level a new user token is limited
/// to, checked; none for an unlimited token.
pub(super) async fn checked(
    db: &Db,
    principal: &Principal,
    new: &NewUserToken,
) -> Result<Option<(OrgRow, Option<String>)>, AppError> {
    let organization = new
        .organization
        .as_deref()
        .map(str::trim)
        .filter(|o| !o.is_empty());
    let role = new
        .role
        .as_deref()
        .map(|r| r.trim().to_lowercase())
        .filter(|r| !r.is_empty());
    let Some(organization) = organization else {
        return match role {
            Some(_) => Err(AppError::validation(
                "role",
                "A role level limits a token within one organization: choose the organization too.",
            )),
            None => Ok(None),
        };
    };
    if new.admin {
        return Err(AppError::validation(
            "organization",
            "A token limited to one organization cannot have the admin scope.",
        ));
    }
    let access = match super::org_access::resolve(db, principal, organization).await {
        Ok(access) => access,
        Err(err) if err.code == ErrorCode::NotFound => {
            return Err(AppError::validation(
                "organization",
                "You are not a member of an organization by that name.",
            ));
        }
        Err(err) => return Err(err),
    };
    if let Some(role) = &role {
        if role == BuiltinRole::Owner.name() {
            return Err(AppError::validation(
                "role",
                "A token cannot act as an owner; choose Admin or a lesser level.",
            ));
        }
        let known = BuiltinRole::parse(role).is_some()
            || access.custom_roles.iter().any(|c| &c.name == role);
        if !known {
            return Err(AppError::validation(
                "role",
                "The organization has no role by that name.",
            ));
        }
    }
    Ok(Some((access.org, role)))
}

/// The limits the caller may give a new token: each of their organizations with the levels
/// it offers (Admin, Editor, Viewer, then its custom roles by name). Needs a signed-in user.
pub async fn choices(db: &Db, principal: &Principal) -> Result<Vec<ScopeChoice>, AppError> {
    let caller = principal.user()?;
    let (orgs, custom) = store::roles::custom_of_member(db, &caller.user_id).await?;
    Ok(orgs
        .into_iter()
        .map(|(org, _)| {
            let builtin = [BuiltinRole::Admin, BuiltinRole::Editor, BuiltinRole::Viewer]
                .into_iter()
                .map(|r| ScopeLevel {
                    name: r.name().to_string(),
                    title: r.title().to_string(),
                });
            let name = org.name.clone();
            let own = custom
                .iter()
                .filter(move |c| c.org == name)
                .map(|c| ScopeLevel {
                    name: c.name.clone(),
                    title: if c.title.is_empty() {
                        c.name.clone()
                    } else {
                        c.title.clone()
                    },
                });
            ScopeChoice {
                title: if org.display_name.is_empty() {
                    org.name.clone()
                } else {
                    org.display_name.clone()
                },
                organization: org.name,
                levels: builtin.chain(own).collect(),
            }
        })
        .collect())
}
