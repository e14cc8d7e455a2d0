//! The Principal: who is calling. Every request resolves it once (a session cookie in
//! [`super::sessions`], a bearer token in [`super::tokens`]), and every service function asks
//! it instead of checking identity by hand. A leaf: it imports nothing else of the service.

use crate::domain::ids::{GroupId, OrgId, TokenId, UserId};
use crate::domain::instance_permission::{
    BuiltinInstanceRole, InstancePermission, InstancePermissionSet, SITE_ADMIN,
};
use crate::domain::user::User;
use crate::error::{AppError, ErrorCode};
use crate::store::organizations::{AccessRow, TokenAccessRow};
use std::sync::Arc;

/// Where a request comes from, for sessions and the audit trail.
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    pub ip: String,
    pub user_agent: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    Anonymous,
    User(SignedInUser),
    /// An organization or group token: it acts only inside its organization.
    Token(OrgToken),
}

/// An organization token (`group_id` none; acts with `role`) or a group token (acts with its
/// group's current role).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgToken {
    pub token_id: TokenId,
    pub prefix: String,
    pub org_id: OrgId,
    pub group_id: Option<GroupId>,
    pub role: Option<String>,
    /// The client address the request came from (for the audit log).
    pub ip: String,
    /// The standing in the organization the request names, read with the caller.
    pub standing: Option<Standing>,
}

impl OrgToken {
    /// The caller an organization or group token `row` of organization `org_id` acts as.
    pub fn of(row: crate::store::tokens::TokenRow, org_id: OrgId) -> Self {
        OrgToken {
            token_id: row.id,
            prefix: row.prefix,
            org_id,
            group_id: row.group,
            role: row.role,
            ip: String::new(),
            standing: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedInUser {
    pub user_id: UserId,
    pub username: String,
    /// The instance role and what it lets the user do in the site administration.
    pub instance: InstanceStanding,
    /// The hash of the session this request came with (cookie sign-in).
    pub session_hash: Option<String>,
    /// A session opened with a temporary password may only change it.
    pub password_change_only: bool,
    /// The client address the request came from (for the audit log).
    pub ip: String,
    /// The instance requires two-factor and this user has not set it up: only setting it up
    /// (and signing out) is allowed.
    pub two_factor_setup_required: bool,
    /// The user API token this request came with; none for a session.
    pub token: Option<UserTokenUse>,
    /// The account as it was read with the caller, in the same round trip (none when the
    /// caller was built without it): `GET /account` answers from it without another read.
    pub account: Option<Box<User>>,
    /// The instance settings this request is judged by, read once when the caller was
    /// resolved.
    pub rules: InstanceRules,
    /// The standing in the organization the request names, read with the caller.
    pub standing: Option<Standing>,
    /// The provider the caller's session was signed in through (none for a password's, and
    /// for tokens).
    pub sso_provider: Option<String>,
}

/// A user's instance role as it was read with the caller, and the permissions it carries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InstanceStanding {
    /// The role's name (built-in or custom); none for most users.
    pub role: Option<String>,
    pub permissions: InstancePermissionSet,
    /// A custom role's permissions as stored, for the writing transaction to confirm.
    pub stored: Option<Vec<String>>,
}

impl InstanceStanding {
    /// The standing of a user who holds `role`, whose stored permissions (a custom role's)
    /// are `stored`. A name that is neither built-in nor stored carries nothing.
    pub fn of(role: Option<String>, stored: Option<Vec<String>>) -> Self {
        let permissions = match role.as_deref().map(BuiltinInstanceRole::parse) {
            None => InstancePermissionSet::EMPTY,
            Some(Some(builtin)) => builtin.permissions(),
            Some(None) => InstancePermissionSet::of_ids(stored.as_deref().unwrap_or_default()),
        };
        let stored = match role.as_deref().map(BuiltinInstanceRole::parse) {
            Some(None) => Some(stored.unwrap_or_default()),
            _ => None,
        };
        InstanceStanding {
            role,
            permissions,
            stored,
        }
    }

    /// Whether this is the Site admin role (the API's `site_admin`).
    pub fn site_admin(&self) -> bool {
        self.role.as_deref() == Some(SITE_ADMIN)
    }
}

/// The instance settings a signed-in request needs, read once with its caller (services ask
/// the principal instead of reading the settings again).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InstanceRules {
    /// Every user must have two-factor authentication.
    pub require_two_factor: bool,
    /// The longest a new token may live, in days (none: no limit).
    pub token_max_days: Option<i64>,
}

/// A user API token (`gtu_`) acting as its user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserTokenUse {
    pub token_id: TokenId,
    /// Created with the admin scope: only then does a site admin's token reach `/admin/...`.
    pub admin: bool,
    /// Limited to one organization (and there to a role level): it acts nowhere else.
    pub scope: Option<TokenScope>,
}

/// The organization a user token is limited to, and the role level it acts at there (none:
/// the user's own rights there).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenScope {
    pub org_id: OrgId,
    pub role: Option<String>,
}

/// The refusal of a limited user token outside its organization.
fn out_of_scope() -> AppError {
    AppError::forbidden(
        "This token is limited to one organization: it acts only on that organization's endpoints.",
    )
}

impl Principal {
    /// The same caller, seen from client address `ip`.
    pub fn with_ip(self, ip: &str) -> Self {
        match self {
            Principal::User(mut user) => {
                user.ip = ip.to_string();
                Principal::User(user)
            }
            Principal::Token(mut token) => {
                token.ip = ip.to_string();
                Principal::Token(token)
            }
            Principal::Anonymous => Principal::Anonymous,
        }
    }

    /// Who acts, for the audit log: (name, id).
    pub fn actor(&self) -> (String, String) {
        match self {
            Principal::User(user) => (user.username.clone(), user.user_id.to_string()),
            Principal::Token(token) => (
                format!("token {}…", token.prefix),
                token.token_id.to_string(),
            ),
            Principal::Anonymous => ("anonymous".into(), String::new()),
        }
    }

    /// The client address of the request ("" when unknown).
    pub fn ip(&self) -> &str {
        match self {
            Principal::User(user) => &user.ip,
            Principal::Token(token) => &token.ip,
            Principal::Anonymous => "",
        }
    }

    /// The signed-in user, for everything except changing a temporary password and setting
    /// up a required two-factor. A user token limited to one organization gets 403 here: it
    /// acts only through [`Principal::member`].
    pub fn user(&self) -> Result<&SignedInUser, AppError> {
        let user = self.member()?;
        if user.token.as_ref().is_some_and(|t| t.scope.is_some()) {
            return Err(out_of_scope());
        }
        Ok(user)
    }

    /// The signed-in user acting inside an organization, a limited user token included (the
    /// organization check, `org_access::resolve`, confines it to its organization and role
    /// level).
    pub fn member(&self) -> Result<&SignedInUser, AppError> {
        let user = self.identity()?;
        if user.two_factor_setup_required {
            return Err(AppError::new(
                ErrorCode::TwoFactorPolicy,
                "This instance requires two-factor authentication. Set it up at /settings/two-factor to continue.",
            ));
        }
        Ok(user)
    }

    /// The signed-in user, even if the instance still requires them to set up two-factor
    /// (for setting it up). A limited user token gets 403 here.
    pub fn user_for_enrolment(&self) -> Result<&SignedInUser, AppError> {
        let user = self.identity()?;
        if user.token.as_ref().is_some_and(|t| t.scope.is_some()) {
            return Err(out_of_scope());
        }
        Ok(user)
    }

    /// Who is signed in (`GET /account`), a limited user token included; not while a
    /// temporary password must be replaced.
    pub fn identity(&self) -> Result<&SignedInUser, AppError> {
        let user = self.user_for_password_change()?;
        if user.password_change_only {
            return Err(AppError::new(
                ErrorCode::PasswordChangeRequired,
                "Choose a new password before doing anything else.",
            ));
        }
        Ok(user)
    }

    /// The person at the keyboard: a session, not an API token. Credentials (password, email,
    /// username, two-factor, recovery codes), tokens and sessions change only this way.
    pub fn in_person(&self) -> Result<&SignedInUser, AppError> {
        let user = self.user_for_password_change()?;
        if user.token.is_some() {
            return Err(AppError::forbidden(
                "An API token cannot do this: credentials, tokens and sessions change only when you are signed in with your password.",
            ));
        }
        Ok(user)
    }

    /// The signed-in user whose instance role carries `permission`, or 403 (a user token
    /// reaches here only with the admin scope). The handle is the proof the site
    /// administration's service functions ask for.
    pub fn instance(&self, permission: InstancePermission) -> Result<InstanceAdmin<'_>, AppError> {
        let admin = self.instance_holder()?;
        if admin.standing().permissions.contains(permission) {
            Ok(admin)
        } else {
            Err(AppError::forbidden(format!(
                "This needs the instance permission {} ({}), which your instance role does not carry.",
                permission.id(),
                permission.title(),
            )))
        }
    }

    /// The signed-in user whose instance role carries any permission, or 403 (a user token
    /// only with the admin scope).
    pub fn instance_holder(&self) -> Result<InstanceAdmin<'_>, AppError> {
        let caller = self.user()?;
        if caller.token.as_ref().is_some_and(|t| !t.admin) {
            return Err(AppError::forbidden(
                "This token was created without the admin scope, so it cannot reach the site administration. Create one with \"Site administration\" ticked.",
            ));
        }
        if caller.instance.permissions.is_empty() {
            return Err(AppError::forbidden(
                "Only holders of an instance role (such as Site admin) can do this.",
            ));
        }
        Ok(InstanceAdmin(caller))
    }

    /// The signed-in user, even if they still must replace a temporary password.
    pub fn user_for_password_change(&self) -> Result<&SignedInUser, AppError> {
        match self {
            Principal::User(user) => Ok(user),
            Principal::Anonymous => Err(AppError::unauthenticated()),
            Principal::Token(_) => Err(AppError::forbidden(
                "Organization and group tokens act only inside their organization; this needs a person.",
            )),
        }
    }
}

/// A signed-in user with an instance permission: made only by [`Principal::instance`].
#[derive(Debug, Clone, Copy)]
pub struct InstanceAdmin<'a>(&'a SignedInUser);

impl InstanceAdmin<'_> {
    pub fn user_id(&self) -> &UserId {
        &self.0.user_id
    }

    pub fn username(&self) -> &str {
        &self.0.username
    }

    /// The caller's instance role and permissions.
    pub fn standing(&self) -> &InstanceStanding {
        &self.0.instance
    }

    /// The admin-scoped user token the request came with; none for a session.
    pub fn token_id(&self) -> Option<&TokenId> {
        self.0.token.as_ref().map(|t| &t.token_id)
    }
}

/// What a caller's resolution read about the organization the request names (a REST path's
/// `{org}`), so that the organization check costs no second round trip. It is only a
/// shortcut: [`super::org_access::resolve`] applies the same rules to it as to a fresh read,
/// and uses it only for the organization it was read for.
#[derive(Debug, Clone)]
pub struct Standing {
    /// The organization's name as the request gave it, normalised ([`org_key`]).
    pub org: String,
    pub row: StandingRow,
}

/// A member's standing (a person, or a user token) or an organization or group token's;
/// `None` when there is no such organization.
#[derive(Debug, Clone)]
pub enum StandingRow {
    Member(Arc<Option<AccessRow>>),
    Token(Arc<Option<TokenAccessRow>>),
}

impl PartialEq for Standing {
    /// Two standings are the same read: the same organization, the same rows.
    fn eq(&self, other: &Self) -> bool {
        self.org == other.org
            && match (&self.row, &other.row) {
                (StandingRow::Member(a), StandingRow::Member(b)) => Arc::ptr_eq(a, b),
                (StandingRow::Token(a), StandingRow::Token(b)) => Arc::ptr_eq(a, b),
                _ => false,
            }
    }
}

impl Eq for Standing {}

/// An organization's name as the organization check looks it up (trimmed, lower case); `None`
/// for a name no organization can have (empty, or longer than 39 characters).
pub fn org_key(name: &str) -> Option<String> {
    let name = name.trim().to_lowercase();
    (!name.is_empty() && name.len() <= 39).then_some(name)
}
