//! A caller's standing in an organization, resolved once per request and asked by every
//! organization service function.
//!
//! Invariants:
//! - A caller who is not a member gets 404, exactly like a missing organization: existence is
//!   never revealed.
//! - Permissions are the union of the member's own role and their groups' roles, closed under
//!   implication; this one function computes them for every decision.
//! - While the organization requires two-factor, a member without it gets 403
//!   `two_factor_policy` from every organization endpoint.
//! - An organization token acts with its role and a group token with its group's current
//!   role, only in their own organization (404 anywhere else).
//! - A user token limited to an organization acts only there (404 anywhere else); with a role
//!   level, with what both its user and the level hold ([`Ceiling`]), on projects too, and
//!   never as an owner (levels stop at Admin); without one, with its user's rights there.
//! - Project permissions are the organization-wide project-scope permissions plus the
//!   caller's project grants (own and through groups) plus ownership; [`explain_project`]
//!   computes them for both the decisions and the explainer.

use super::principal::{Principal, Standing, StandingRow, org_key};
use crate::domain::explain::{GrantedBy, PermissionGrant};
use crate::domain::ids::{GroupId, TokenId, UserId};
use crate::domain::organization::Organization;
use crate::domain::permission::{Permission, PermissionSet, Scope};
use crate::domain::role::{BuiltinRole, ProjectRole};
use crate::error::{AppError, ErrorCode};
use crate::store::organizations::{CustomRole, GroupRole, OrgRow};
use crate::store::projects::{GrantRow, Subject};
use crate::store::{self, Db};

/// Who acts in the organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    Member {
        user_id: UserId,
        username: String,
    },
    /// An organization token (`group_id` none) or a group token.
    Token {
        token_id: TokenId,
        prefix: String,
        group_id: Option<GroupId>,
    },
}

/// What a caller (a member, or an organization or group token) may do in one organization.
#[derive(Debug, Clone)]
pub struct OrgAccess {
    pub org: OrgRow,
    pub actor: Actor,
    /// The member's own role (an organization token's role; empty for a group token).
    pub role: String,
    pub permissions: PermissionSet,
    /// The permissions with their sources, from which `permissions` was computed.
    pub grants: Vec<PermissionGrant>,
    /// The organization's custom roles, read with the rest.
    pub custom_roles: Vec<CustomRole>,
    /// A limited user token's role level; none for everyone else.
    pub ceiling: Option<Ceiling>,
}

/// What a user token limited to a role level may do at most: the role's permissions, and on
/// projects what that level reaches ([`project_ceiling`]).
#[derive(Debug, Clone)]
pub struct Ceiling {
    /// The limited token acting.
    pub token: TokenId,
    pub role: String,
    pub permissions: PermissionSet,
    pub project: PermissionSet,
}

/// The project permissions a role level reaches: its own project-scope permissions, reading
/// with `projects.read`, writing too with `projects.create`, everything with
/// `projects.manage`.
pub fn project_ceiling(role: PermissionSet) -> PermissionSet {
    use Permission::{ProjectManageAccess, ProjectRead, ProjectWrite};
    let mut reach = PermissionSet::of(role.iter().filter(|p| p.info().scope == Scope::Project));
    if role.contains(Permission::ProjectsRead) {
        reach = reach.union(PermissionSet::of([ProjectRead]));
    }
    if role.contains(Permission::ProjectsCreate) {
        reach = reach.union(PermissionSet::of([ProjectRead, ProjectWrite]));
    }
    if role.contains(Permission::ProjectsManage) {
        reach = reach.union(PermissionSet::of([
            ProjectRead,
            ProjectWrite,
            ProjectManageAccess,
        ]));
    }
    reach
}

impl OrgAccess {
    pub fn is_owner(&self) -> bool {
        matches!(self.actor, Actor::Member { .. })
            && self.role == BuiltinRole::Owner.name()
            && self
                .ceiling
                .as_ref()
                .is_none_or(|c| c.role == BuiltinRole::Owner.name())
    }

    /// `project` (a caller's permissions on one project) within the caller's ceiling.
    pub fn on_project(&self, project: PermissionSet) -> PermissionSet {
        match &self.ceiling {
            Some(ceiling) => project.intersection(ceiling.project),
            None => project,
        }
    }

    /// Limits this access to `role`'s level (a limited user token): the permissions both
    /// hold, and the grants that give them.
    fn limited_to(mut self, token: &TokenId, role: &str) -> Self {
        let permissions = role_permissions(role, &self.custom_roles);
        self.permissions = self.permissions.intersection(permissions);
        self.grants.retain(|g| permissions.contains(g.id));
        self.ceiling = Some(Ceiling {
            token: token.clone(),
            role: role.to_string(),
            permissions,
            project: project_ceiling(permissions),
        });
        self
    }

    /// The member acting (user id, username); a token gets 403, for actions that need a
    /// person (owning a project, changing one's own standing).
    pub fn person(&self) -> Result<(&UserId, &str), AppError> {
        match &self.actor {
            Actor::Member { user_id, username } => Ok((user_id, username)),
            Actor::Token { .. } => Err(AppError::forbidden(
                "A token cannot do this; it needs a person signed in.",
            )),
        }
    }

    /// The acting member's user id, or none for a token.
    pub fn member_id(&self) -> Option<&UserId> {
        match &self.actor {
            Actor::Member { user_id, .. } => Some(user_id),
            Actor::Token { .. } => None,
        }
    }

    /// How the caller is named to others (an inviter, a creator).
    pub fn actor_name(&self) -> String {
        match &self.actor {
            Actor::Member { username, .. } => username.clone(),
            Actor::Token { prefix, .. } => format!("token {prefix}…"),
        }
    }

    /// Whose project grants reach the caller.
    pub fn subject(&self) -> Subject<'_> {
        match &self.actor {
            Actor::Member { user_id, .. } => Subject {
                user_id: Some(user_id),
                group_id: None,
            },
            Actor::Token { group_id, .. } => Subject {
                user_id: None,
                group_id: group_id.as_ref(),
            },
        }
    }

    /// Refuses (403 `forbidden`) unless the caller holds `permission`.
    pub fn require(&self, permission: Permission) -> Result<(), AppError> {
        if self.permissions.contains(permission) {
            Ok(())
        } else {
            Err(AppError::forbidden(format!(
                "You do not have the \"{}\" permission in this organization.",
                permission.info().title
            )))
        }
    }

    pub fn organization(&self) -> Organization {
        to_dto(&self.org)
    }
}

pub fn to_dto(row: &OrgRow) -> Organization {
    Organization {
        id: row.id.clone(),
        name: row.name.clone(),
        display_name: row.display_name.clone(),
        require_two_factor: row.require_two_factor,
        allow_direct_adding: row.allow_direct_adding,
        require_sso_provider: row.require_sso_provider.clone(),
        created_at: super::rfc3339(row.created_at),
    }
}

/// The permissions a role name carries: a built-in role, else one of the organization's
/// custom roles (its ticked permissions and what they imply); unknown or empty names (a
/// deleted role's former holders) carry none.
pub fn role_permissions(role: &str, custom: &[CustomRole]) -> PermissionSet {
    if let Some(builtin) = BuiltinRole::parse(role) {
        return builtin.permissions();
    }
    custom
        .iter()
        .find(|c| c.name == role)
        .map_or(PermissionSet::EMPTY, |c| {
            PermissionSet::of(c.permissions.iter().filter_map(|p| Permission::parse(p)))
        })
}

/// Every permission a member holds, with every source that grants it: the member's own role,
/// then each group's role. This is the one computation behind both the decisions
/// ([`resolve`]) and the explainer, so the two cannot disagree.
pub fn explain(
    role: &str,
    group_roles: &[GroupRole],
    custom: &[CustomRole],
) -> Vec<PermissionGrant> {
    let mut group_roles: Vec<&GroupRole> = group_roles.iter().collect();
    group_roles.sort_by(|a, b| a.group.cmp(&b.group));
    let mut sources: Vec<(GrantedBy, PermissionSet)> = vec![(
        GrantedBy {
            kind: "role".into(),
            name: role.to_string(),
            role: role.to_string(),
            group: None,
        },
        role_permissions(role, custom),
    )];
    for group in group_roles {
        sources.push((
            GrantedBy {
                kind: "group".into(),
                name: group.group.clone(),
                role: group.role.clone(),
                group: None,
            },
            role_permissions(&group.role, custom),
        ));
    }
    grants_from(&sources)
}

/// Each permission some source carries, with every source that carries it.
fn grants_from(sources: &[(GrantedBy, PermissionSet)]) -> Vec<PermissionGrant> {
    Permission::ALL
        .into_iter()
        .filter_map(|permission| {
            let granted_by: Vec<GrantedBy> = sources
                .iter()
                .filter(|(_, set)| set.contains(permission))
                .map(|(source, _)| source.clone())
                .collect();
            (!granted_by.is_empty()).then_some(PermissionGrant {
                id: permission,
                granted_by,
            })
        })
        .collect()
}

/// A caller's permissions on one project, with every source: the organization-wide
/// project-scope permissions (from `org`, the caller's [`explain`]), ownership, and each
/// project grant (own or a group's). The one computation behind project decisions and the
/// explainer's project section.
pub fn explain_project(
    org: &[PermissionGrant],
    project: &str,
    owner: bool,
    grants: &[GrantRow],
) -> Vec<PermissionGrant> {
    let mut sources: Vec<(GrantedBy, PermissionSet)> = Vec::new();
    for grant in org.iter().filter(|g| g.id.info().scope == Scope::Project) {
        for source in &grant.granted_by {
            sources.push((source.clone(), PermissionSet::of([grant.id])));
        }
    }
    if owner {
        sources.push((
            GrantedBy {
                kind: "owner".into(),
                name: project.to_string(),
                role: "owner".into(),
                group: None,
            },
            ProjectRole::Admin.permissions(),
        ));
    }
    for grant in grants {
        let Some(role) = ProjectRole::parse(&grant.role) else {
            continue;
        };
        sources.push((
            GrantedBy {
                kind: "project".into(),
                name: project.to_string(),
                role: grant.role.clone(),
                group: grant.group.clone(),
            },
            role.permissions(),
        ));
    }
    // One entry per distinct source per permission (an organization source appears once per
    // permission above; merge them back).
    let mut merged: Vec<PermissionGrant> = grants_from(&sources);
    for grant in &mut merged {
        grant.granted_by.dedup();
    }
    merged
}

/// The set of permissions in `grants`.
pub fn permission_set(grants: &[PermissionGrant]) -> PermissionSet {
    PermissionSet::of(grants.iter().map(|g| g.id))
}

/// Resolves the caller in organization `name`: from the standing read with the caller when
/// it was read for this organization, else with one read now. The same rules either way.
pub async fn resolve(db: &Db, principal: &Principal, name: &str) -> Result<OrgAccess, AppError> {
    if let Principal::Token(token) = principal {
        return resolve_token(db, token, name).await;
    }
    let caller = principal.member()?;
    let name = org_key(name).ok_or_else(AppError::not_found)?;
    let row = match &caller.standing {
        Some(Standing {
            org,
            row: StandingRow::Member(row),
        }) if *org == name => Option::clone(row),
        _ => store::organizations::access(db, &name, &caller.user_id).await?,
    };
    let token = caller.token.as_ref();
    let scope = token.and_then(|t| t.scope.as_ref());
    let row = row
        .filter(|row| scope.is_none_or(|s| s.org_id == row.org.id))
        .ok_or_else(AppError::not_found)?;
    let Some(role) = row.role.clone() else {
        return Err(AppError::not_found());
    };
    if row.org.require_two_factor && !row.two_factor {
        return Err(AppError::new(
            ErrorCode::TwoFactorPolicy,
            "This organization requires two-factor authentication. Turn it on at /settings/two-factor to continue.",
        ));
    }
    // A person in a session who signed in otherwise signs in again through the provider
    // (their API tokens are machine credentials: not concerned).
    if let Some(required) = &row.org.require_sso_provider
        && token.is_none()
        && caller.sso_provider.as_ref() != Some(required)
    {
        return Err(AppError::forbidden(format!(
            "This organization requires signing in through its identity provider. Sign in again with it: /api/v1/auth/sso/{required}/start?next=/orgs/{name}",
        )));
    }
    let access = member_access(&caller.user_id, &caller.username, role, row);
    Ok(match (token, scope.and_then(|s| s.role.as_deref())) {
        (Some(token), Some(level)) => access.limited_to(&token.token_id, level),
        _ => access,
    })
}

fn member_access(
    user_id: &UserId,
    username: &str,
    role: String,
    row: store::organizations::AccessRow,
) -> OrgAccess {
    let grants = explain(&role, &row.group_roles, &row.custom_roles);
    OrgAccess {
        org: row.org,
        actor: Actor::Member {
            user_id: user_id.clone(),
            username: username.to_string(),
        },
        role,
        permissions: permission_set(&grants),
        grants,
        custom_roles: row.custom_roles,
        ceiling: None,
    }
}

/// Who sent an invitation, as they stand in organization `name` today: the member `user_id`
/// (active, still a member; the two-factor policy does not apply — they are not acting), the
/// live organization or group token `token_id`, or the member acting through the live user
/// token `token_id` limited to this organization (within its level). `None` once they are gone.
pub async fn inviter(
    db: &Db,
    name: &str,
    user_id: Option<&UserId>,
    token_id: Option<&TokenId>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<OrgAccess>, AppError> {
    if let Some(token_id) = token_id {
        let Some(row) = store::tokens::by_id(db, token_id).await? else {
            return Ok(None);
        };
        let live = row.revoked_at.is_none() && row.expires_at.is_none_or(|at| at > now);
        let (true, Some(org_id)) = (live, row.org.clone()) else {
            return Ok(None);
        };
        if row.kind == "user" {
            return limited_inviter(db, name, &row, &org_id).await;
        }
        let token = super::principal::OrgToken::of(row, org_id);
        return match resolve_token(db, &token, name).await {
            Ok(access) => Ok(Some(access)),
            Err(err) if err.code == ErrorCode::NotFound => Ok(None),
            Err(err) => Err(err),
        };
    }
    let Some(user_id) = user_id else {
        return Ok(None);
    };
    member_today(db, name, user_id, false).await
}

/// The active user `user_id` as they stand in organization `name` today (`via_token`: acting
/// through one of their tokens, so only while their API access is on); `None` otherwise.
async fn member_today(
    db: &Db,
    name: &str,
    user_id: &UserId,
    via_token: bool,
) -> Result<Option<OrgAccess>, AppError> {
    let Some(user) = store::users::by_id(db, user_id)
        .await?
        .filter(|u| u.active && (!via_token || u.api_access))
    else {
        return Ok(None);
    };
    let Some(row) = store::organizations::access(db, name, user_id).await? else {
        return Ok(None);
    };
    let Some(role) = row.role.clone() else {
        return Ok(None);
    };
    Ok(Some(member_access(&user.id, &user.username, role, row)))
}

/// The member who sent an invitation through their user token `row`, limited to organization
/// `org_id`: as they stand in `name` today, within the token's level; `None` once they, their
/// API access or their place there are gone.
async fn limited_inviter(
    db: &Db,
    name: &str,
    row: &store::tokens::TokenRow,
    org_id: &crate::domain::ids::OrgId,
) -> Result<Option<OrgAccess>, AppError> {
    let Some(user_id) = &row.user else {
        return Ok(None);
    };
    let Some(access) = member_today(db, name, user_id, true)
        .await?
        .filter(|access| &access.org.id == org_id)
    else {
        return Ok(None);
    };
    Ok(Some(match row.role.as_deref() {
        Some(level) => access.limited_to(&row.id, level),
        None => access,
    }))
}

/// An organization or group token in organization `name`: 404 unless it is the token's own.
async fn resolve_token(
    db: &Db,
    token: &super::principal::OrgToken,
    name: &str,
) -> Result<OrgAccess, AppError> {
    let name = org_key(name).ok_or_else(AppError::not_found)?;
    let row = match &token.standing {
        Some(Standing {
            org,
            row: StandingRow::Token(row),
        }) if *org == name => Option::clone(row),
        _ => store::organizations::token_access(db, &name, token.group_id.as_ref()).await?,
    };
    let row = row
        .filter(|row| row.org.id == token.org_id)
        .ok_or_else(AppError::not_found)?;
    let role = token.role.clone().unwrap_or_default();
    if token.group_id.is_some() && row.group.is_none() {
        return Err(AppError::not_found());
    }
    let grants = explain(&role, &row.group_roles, &row.custom_roles);
    Ok(OrgAccess {
        org: row.org,
        actor: Actor::Token {
            token_id: token.token_id.clone(),
            prefix: token.prefix.clone(),
            group_id: token.group_id.clone(),
        },
        role,
        permissions: permission_set(&grants),
        grants,
        custom_roles: row.custom_roles,
        ceiling: None,
    })
}
