//! What an instance rights check saw, confirmed by the transaction that writes.
//!
//! The service's instance rulebook (`service::instance_rulebook`) decides whether a caller may
//! act on a user (reset their password, deactivate, delete, change them), give an instance
//! role, or make or edit one, from the caller's instance role as it was read with the request.
//! Between that read and the write, another administrator may change the caller's role, edit
//! a custom role or promote the target. Every such write binds an [`InstanceSeen`] as
//! `$instance` and runs [`INSTANCE_GUARD`] inside its transaction, before writing:
//!
//! - the caller is still active and still holds the instance role the check saw, and the
//!   admin-scoped token they came with (if any) is not revoked (`rights_changed` otherwise);
//! - each custom instance role the check relied on (the caller's, the target's, the one
//!   given) still carries the permissions it saw, and each target still holds the role the
//!   check saw (`role_changed`).

use crate::domain::ids::{TokenId, UserId};
use surrealdb::types::SurrealValue;

/// The standing an instance rights check relied on: the proof a guarded write takes. Only
/// `service::instance_rulebook` builds one in shipped code.
#[derive(Debug, Clone, SurrealValue)]
pub struct InstanceSeen {
    /// The caller's user key.
    caller: UserId,
    /// The caller's instance role as the check saw it.
    caller_role: Option<String>,
    /// The admin-scoped user token the caller came with, if any (it must not be revoked).
    caller_token: Option<TokenId>,
    roles: Vec<InstanceRoleSeen>,
    targets: Vec<TargetSeen>,
}

#[derive(Debug, Clone, SurrealValue)]
struct InstanceRoleSeen {
    name: String,
    permissions: Vec<String>,
}

#[derive(Debug, Clone, SurrealValue)]
struct TargetSeen {
    user: UserId,
    role: Option<String>,
}

impl InstanceSeen {
    /// A check by `caller`, who held `role` (and came with `token`, if any), that has seen
    /// nothing else yet.
    pub fn new(caller: &UserId, role: Option<&str>, token: Option<&TokenId>) -> Self {
        InstanceSeen {
            caller: caller.clone(),
            caller_role: role.map(str::to_string),
            caller_token: token.cloned(),
            roles: Vec::new(),
            targets: Vec::new(),
        }
    }

    /// The custom instance role `name` carried `permissions` (as stored).
    pub fn saw_role(&mut self, name: &str, permissions: &[String]) {
        if !self.roles.iter().any(|r| r.name == name) {
            self.roles.push(InstanceRoleSeen {
                name: name.to_string(),
                permissions: permissions.to_vec(),
            });
        }
    }

    /// The user `user` held the instance role `role`.
    pub fn saw_target(&mut self, user: &UserId, role: Option<&str>) {
        if !self.targets.iter().any(|t| &t.user == user) {
            self.targets.push(TargetSeen {
                user: user.clone(),
                role: role.map(str::to_string),
            });
        }
    }
}

/// Confirms `$instance` (an [`InstanceSeen`]) inside a transaction; see the module's doc.
pub const INSTANCE_GUARD: &str = "
     LET $instance_caller = (SELECT instance_role, active FROM ONLY type::record('user', $instance.caller));
     IF $instance_caller = NONE OR !$instance_caller.active
         OR $instance_caller.instance_role != $instance.caller_role {
         THROW 'rights_changed'
     };
     IF $instance.caller_token != NONE
         AND (SELECT VALUE revoked_at FROM ONLY type::record('api_token', $instance.caller_token)) != NONE {
         THROW 'rights_changed'
     };
     FOR $seen IN $instance.roles {
         IF (SELECT VALUE permissions FROM ONLY type::record('instance_role', $seen.name)) != $seen.permissions {
             THROW 'role_changed'
         };
     };
     FOR $seen IN $instance.targets {
         IF (SELECT VALUE instance_role FROM ONLY type::record('user', $seen.user)) != $seen.role {
             THROW 'role_changed'
         };
     };";
