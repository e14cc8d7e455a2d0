//! The organization rulebook: whether this caller may give, or take away, exactly this.
//!
//! Every path that gives or takes rights in an organization asks here — a member's role,
//! joining or leaving a group, a group's role, deleting a group, an invitation's role and its
//! preset groups (when created, resent and accepted), organization and group tokens, deleting
//! a custom role — and hands what the check saw ([`RightsSeen`]) to the writing transaction,
//! which confirms it (`store::rights::RIGHTS_GUARD`).
//!
//! Invariants:
//! - Giving a role, or a place in a group (which gives the group's role), needs every
//!   permission the role carries.
//! - Taking away needs every permission the target holds through what changes: the member's
//!   role when it changes or they are removed, the group's role when they leave the group or
//!   the group's role changes or the group goes.
//! - Only owners give or take away the Owner role, and only owners change an Owner-role group
//!   (its members, role, name, tokens) or delete it.
//! - A group's project grants go with a place in it: joining or leaving needs, on each of
//!   those projects, what the grants give there ([`group_projects`]).
//! - Nobody raises their own role beyond what their own role already carries (rights that
//!   come through a group end with the group).
//! - A token is never an owner.

use super::org_access::{self, Actor, OrgAccess};
use crate::domain::ids::UserId;
use crate::domain::organization::RoleChoice;
use crate::domain::permission::PermissionSet;
use crate::domain::role::BuiltinRole;
use crate::error::AppError;
use crate::store::groups::GroupRow;
use crate::store::rights::{CheckedCaller, RightsSeen};
use crate::store::{Db, Guard};

const OWNER: &str = "owner";

fn owner_only() -> AppError {
    Guard::OwnerOnly.into()
}

fn owner_group() -> AppError {
    AppError::forbidden("Only an owner can change a group whose role is Owner.")
}

/// One request's rights check, collecting what the writing transaction must confirm.
pub struct Rights<'a> {
    access: &'a OrgAccess,
    seen: RightsSeen,
}

impl<'a> Rights<'a> {
    /// The check of `access`, which records the caller's own standing (role, the groups it
    /// comes through, their roles' permissions) for the transaction to confirm.
    pub fn of(access: &'a OrgAccess) -> Self {
        let caller = match &access.actor {
            Actor::Member { user_id, .. } => CheckedCaller::Member {
                user: user_id.clone(),
                role: access.role.clone(),
                token: access.ceiling.as_ref().map(|c| c.token.clone()),
            },
            Actor::Token { token_id, .. } => CheckedCaller::Token {
                token: token_id.clone(),
            },
        };
        let mut rights = Rights {
            access,
            seen: RightsSeen::new(&access.org.id, caller),
        };
        rights.saw_role(&access.role);
        if let Some(ceiling) = &access.ceiling {
            rights.saw_role(&ceiling.role);
        }
        for source in access.grants.iter().flat_map(|g| &g.granted_by) {
            if source.kind == "group" {
                rights.seen.saw_caller_group(&source.name, &source.role);
                rights.saw_role(&source.role);
            }
        }
        rights
    }

    fn permissions_of(&self, role: &str) -> PermissionSet {
        org_access::role_permissions(role, &self.access.custom_roles)
    }

    /// Records a custom role's permissions as seen, for the transaction to confirm.
    fn saw_role(&mut self, role: &str) {
        if let Some(custom) = self.access.custom_roles.iter().find(|c| c.name == role) {
            self.seen.saw_role(&custom.name, &custom.permissions);
        }
    }

    fn need_owner(&mut self, refusal: fn() -> AppError) -> Result<(), AppError> {
        if !self.access.is_owner() {
            return Err(refusal());
        }
        self.seen.owner_only();
        Ok(())
    }

    /// Giving `role` (a known role name, lower-cased) to a member, an invitee or a token.
    pub fn give(&mut self, role: &str) -> Result<&mut Self, AppError> {
        if role == OWNER {
            self.need_owner(owner_only)?;
        }
        if !self.access.permissions.covers(self.permissions_of(role)) {
            return Err(AppError::forbidden(
                "You cannot grant a role with permissions you do not hold yourself.",
            ));
        }
        self.saw_role(role);
        Ok(self)
    }

    /// Giving an organization token `role`: as [`Rights::give`], and never Owner (a token
    /// acts for a machine, and an owner is a person).
    pub fn give_token(&mut self, role: &str) -> Result<&mut Self, AppError> {
        self.give(role)?;
        if role == OWNER {
            return Err(AppError::validation(
                "role",
                "A token cannot be an owner; choose Admin or a lesser role.",
            ));
        }
        Ok(self)
    }

    /// Changing one's own role to `role`: only within what one's own role already carries
    /// (rights that come through a group end with the group; they do not become one's own).
    pub fn give_self(&mut self, role: &str) -> Result<&mut Self, AppError> {
        let mut own = self.permissions_of(&self.access.role);
        if let Some(ceiling) = &self.access.ceiling {
            own = own.intersection(ceiling.permissions);
        }
        if !own.covers(self.permissions_of(role)) {
            return Err(AppError::forbidden(
                "You cannot raise your own role; ask another member who may.",
            ));
        }
        self.saw_role(role);
        Ok(self)
    }

    /// Taking `role` away from whoever holds it (a member's role changing or going, a group's
    /// role changing or going).
    pub fn take(&mut self, role: &str) -> Result<&mut Self, AppError> {
        if role == OWNER {
            self.need_owner(owner_only)?;
        }
        if !self.access.permissions.covers(self.permissions_of(role)) {
            return Err(AppError::forbidden(
                "You cannot take away a role with permissions you do not hold yourself.",
            ));
        }
        self.saw_role(role);
        Ok(self)
    }

    /// Any change to `group`: only owners change an Owner-role group; the transaction confirms
    /// the group's role is still the one checked.
    pub fn touch_group(&mut self, group: &GroupRow) -> Result<&mut Self, AppError> {
        if group.role.as_deref() == Some(OWNER) {
            self.need_owner(owner_group)?;
        }
        self.seen.saw_group(&group.id, group.role.as_deref());
        if let Some(role) = group.role.as_deref() {
            self.saw_role(role);
        }
        Ok(self)
    }

    /// Putting someone in `group` (or a token acting for it): gives the group's role.
    pub fn join_group(&mut self, group: &GroupRow) -> Result<&mut Self, AppError> {
        self.touch_group(group)?;
        if let Some(role) = group.role.as_deref()
            && !self.access.permissions.covers(self.permissions_of(role))
        {
            return Err(AppError::forbidden(format!(
                "You cannot add anyone to \"{}\": its role has permissions you do not hold yourself.",
                group.name
            )));
        }
        Ok(self)
    }

    /// Taking someone out of `group` (or deleting it, or changing its role): takes the group's
    /// role away from them.
    pub fn leave_group(&mut self, group: &GroupRow) -> Result<&mut Self, AppError> {
        self.touch_group(group)?;
        if let Some(role) = group.role.as_deref()
            && !self.access.permissions.covers(self.permissions_of(role))
        {
            return Err(AppError::forbidden(format!(
                "You cannot change \"{}\": its role has permissions you do not hold yourself.",
                group.name
            )));
        }
        Ok(self)
    }

    /// The member `user_id` holds `role` as checked; the transaction confirms it.
    pub fn member(&mut self, user_id: &UserId, role: &str) -> &mut Self {
        self.seen.saw_member(user_id, role, None);
        self
    }

    /// The member `user_id` holds `role` and is in exactly `groups` as checked (their removal
    /// takes all of it away); the transaction confirms both.
    pub fn member_in(&mut self, user_id: &UserId, role: &str, groups: &[String]) -> &mut Self {
        self.seen.saw_member(user_id, role, Some(groups));
        self
    }

    /// What the writing transaction confirms.
    pub fn seen(&self) -> RightsSeen {
        self.seen.clone()
    }
}

/// The project half of joining or leaving `group`: a group's project grants reach its
/// members (and its tokens), so putting someone in it, or taking them out, needs the caller
/// to hold on each of those projects what the group's grants give there.
pub async fn group_projects(db: &Db, access: &OrgAccess, group: &GroupRow) -> Result<(), AppError> {
    super::projects::covers_group_grants(db, access, group).await
}

/// A role name a form or request gave: a built-in or custom role of the organization
/// (422 otherwise), lower-cased.
pub fn known_role(access: &OrgAccess, role: &str, field: &str) -> Result<String, AppError> {
    let role = role.trim().to_lowercase();
    let known =
        BuiltinRole::parse(&role).is_some() || access.custom_roles.iter().any(|c| c.name == role);
    if known {
        Ok(role)
    } else {
        Err(AppError::validation(
            field,
            "Choose one of the organization's roles.",
        ))
    }
}

/// Every role of the organization (built-in, then custom), with its permissions.
pub fn all_roles(access: &OrgAccess) -> Vec<RoleChoice> {
    BuiltinRole::ALL
        .into_iter()
        .map(|role| RoleChoice {
            name: role.name().into(),
            title: role.title().into(),
            description: role.description().into(),
            permissions: role.permissions().iter().collect(),
        })
        .chain(access.custom_roles.iter().map(|c| {
            RoleChoice {
                name: c.name.clone(),
                title: if c.title.is_empty() {
                    c.name.clone()
                } else {
                    c.title.clone()
                },
                description: "Custom role".into(),
                permissions: org_access::role_permissions(&c.name, &access.custom_roles)
                    .iter()
                    .collect(),
            }
        }))
        .collect()
}

/// The roles this caller may hand out — what the pages offer, decided by [`Rights::give`].
pub fn grantable_roles(access: &OrgAccess) -> Vec<RoleChoice> {
    all_roles(access)
        .into_iter()
        .filter(|role| Rights::of(access).give(&role.name).is_ok())
        .collect()
}

/// The roles this caller may give an organization token — decided by [`Rights::give_token`].
pub fn token_roles(access: &OrgAccess) -> Vec<RoleChoice> {
    all_roles(access)
        .into_iter()
        .filter(|role| Rights::of(access).give_token(&role.name).is_ok())
        .collect()
}
