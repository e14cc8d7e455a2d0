//! The instance rulebook: whether this administrator may act on this user, give this instance
//! role, or make a role carry these permissions.
//!
//! Every site-administration write that touches a user or an instance role asks here and hands
//! what the check saw ([`InstanceSeen`]) to the writing transaction, which confirms it
//! (`store::instance_rights::INSTANCE_GUARD`).
//!
//! Invariants:
//! - Nobody acts on themselves through the site administration (409 `self_action`): one's
//!   own password, two-factor, status and role change elsewhere or by another administrator.
//! - Nobody acts on a user whose instance role carries a permission they lack (a help desk
//!   does not reset a site admin's password, which would hand them the account).
//! - Giving an instance role, and making or editing one, needs every permission the role
//!   carries, before and after (nobody grants what they lack).
//! - The instance keeps an active Site admin (`store::admin_users`, in the transaction).

use super::principal::{InstanceAdmin, InstanceStanding};
use crate::domain::instance_permission::{BuiltinInstanceRole, InstancePermissionSet};
use crate::error::{AppError, ErrorCode};
use crate::store::instance_rights::InstanceSeen;
use crate::store::users::UserRow;
use crate::store::{self, Db};

/// An instance role, resolved: its name, what it carries, and a custom role's stored
/// permissions (to be confirmed by the write).
#[derive(Debug, Clone)]
pub struct ResolvedRole {
    pub name: String,
    pub permissions: InstancePermissionSet,
    pub stored: Option<Vec<String>>,
}

/// The instance role called `name` (trimmed, lower case): built-in or custom; 422 when there
/// is none.
pub async fn resolve_role(db: &Db, name: &str) -> Result<ResolvedRole, AppError> {
    let name = name.trim().to_lowercase();
    if let Some(builtin) = BuiltinInstanceRole::parse(&name) {
        return Ok(ResolvedRole {
            name,
            permissions: builtin.permissions(),
            stored: None,
        });
    }
    let unknown = || {
        AppError::validation(
            "instance_role",
            format!("There is no instance role called \"{name}\"."),
        )
    };
    if name.is_empty() || name.len() > 39 {
        return Err(unknown());
    }
    let row = store::instance_roles::get(db, &name)
        .await?
        .ok_or_else(unknown)?;
    Ok(ResolvedRole {
        name: row.name,
        permissions: InstancePermissionSet::of_ids(&row.permissions),
        stored: Some(row.permissions),
    })
}

fn self_action(what: &str) -> AppError {
    AppError::conflict(
        ErrorCode::SelfAction,
        format!("You cannot {what} yourself; ask another administrator."),
    )
}

/// One request's instance rights check, collecting what the writing transaction confirms.
pub struct InstanceCheck<'a> {
    admin: InstanceAdmin<'a>,
    seen: InstanceSeen,
}

impl<'a> InstanceCheck<'a> {
    /// The check of `admin`, which records the caller's own role (and a custom role's
    /// permissions) for the transaction to confirm.
    pub fn of(admin: InstanceAdmin<'a>) -> Self {
        let standing = admin.standing();
        let mut seen =
            InstanceSeen::new(admin.user_id(), standing.role.as_deref(), admin.token_id());
        if let (Some(role), Some(stored)) = (&standing.role, &standing.stored) {
            seen.saw_role(role, stored);
        }
        InstanceCheck { admin, seen }
    }

    fn mine(&self) -> InstancePermissionSet {
        self.admin.standing().permissions
    }

    /// Acting on `target` (`what` names the action for the refusal: "reset the password
    /// of"): never oneself, never a user whose instance role carries more than the caller's.
    pub fn act_on(&mut self, target: &UserRow, what: &str) -> Result<(), AppError> {
        if &target.id == self.admin.user_id() {
            return Err(self_action(what));
        }
        let theirs = InstanceStanding::of(
            target.instance_role.clone(),
            target.instance_role_permissions.clone(),
        );
        if !self.mine().covers(theirs.permissions) {
            return Err(AppError::forbidden(format!(
                "{} holds instance permissions you do not have, so you cannot {what} them.",
                target.username
            )));
        }
        self.seen.saw_target(&target.id, theirs.role.as_deref());
        if let (Some(role), Some(stored)) = (&theirs.role, &theirs.stored) {
            self.seen.saw_role(role, stored);
        }
        Ok(())
    }

    /// Giving the instance role `role` (none: taking the current one away, which `act_on`
    /// already checked): it must carry nothing the caller lacks.
    pub fn give(&mut self, role: Option<&ResolvedRole>) -> Result<(), AppError> {
        let Some(role) = role else { return Ok(()) };
        if !self.mine().covers(role.permissions) {
            return Err(AppError::forbidden(
                "You cannot give an instance role that carries permissions you do not hold yourself.",
            ));
        }
        if let Some(stored) = &role.stored {
            self.seen.saw_role(&role.name, stored);
        }
        Ok(())
    }

    /// A role carrying `permissions` (made, edited or deleted): within the caller's.
    pub fn within(&self, permissions: InstancePermissionSet) -> Result<(), AppError> {
        if self.mine().covers(permissions) {
            Ok(())
        } else {
            Err(AppError::forbidden(
                "An instance role cannot carry permissions you do not hold yourself.",
            ))
        }
    }

    /// Records that the custom role `name` carried `stored` when the check read it.
    pub fn saw_role(&mut self, name: &str, stored: &[String]) {
        self.seen.saw_role(name, stored);
    }

    /// What the check saw, for the writing transaction.
    pub fn seen(&self) -> InstanceSeen {
        self.seen.clone()
    }
}
