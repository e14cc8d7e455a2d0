//! What a rights check saw, confirmed by the transaction that writes.
//!
//! The service's rulebook (`service::rulebook`) decides whether a caller may give or take
//! away a role, a group membership or a group's role, from the standing it read at the start
//! of the request. Between that read and the write, someone else may raise a group's role,
//! edit a custom role, demote the caller or promote the target. Every write that gives or
//! takes rights therefore binds a [`RightsSeen`] as `$rights` and runs [`RIGHTS_GUARD`] inside
//! its transaction, before writing:
//!
//! - the caller still holds the role the check saw, is still in each group whose role the
//!   check counted, and those groups still carry those roles; a token is not revoked
//!   (`rights_changed` otherwise);
//! - an owner-only change is made by an owner (`owner_only`); a token is never one;
//! - each custom role the check relied on (the caller's among them) still carries the
//!   permissions it saw, each group still exists with the role it saw, each member still
//!   holds the role (and, where the check counted them, the groups) it saw (`role_changed`).

use crate::domain::ids::{GroupId, OrgId, TokenId, UserId};
use surrealdb::types::SurrealValue;

/// Who made a rights check: a member (their user key and their own role as the check saw it)
/// or a token (its key; a token holds no membership, so it is never an owner).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckedCaller {
    /// `token`: the limited user token the member acts through (the guard refuses once it
    /// is revoked).
    Member {
        user: UserId,
        role: String,
        token: Option<TokenId>,
    },
    Token {
        token: TokenId,
    },
}

/// The standing a rights check relied on: the proof a guarded write takes. It starts from the
/// caller ([`RightsSeen::new`]) and records what the check counted; only `service::rulebook`
/// builds one in shipped code (checked by `tests/it/layers.rs`).
#[derive(Debug, Clone, SurrealValue)]
pub struct RightsSeen {
    /// The organization's key.
    org: OrgId,
    /// The calling member's user key; none for a token.
    caller: Option<UserId>,
    /// The caller's own role as the check saw it; none for a token.
    caller_role: Option<String>,
    /// The calling token's key; none for a member.
    caller_token: Option<TokenId>,
    /// The groups whose roles the caller's rights came through (a group token's own group).
    caller_groups: Vec<CallerGroupSeen>,
    /// Whether only an owner may make this change.
    owner_only: bool,
    roles: Vec<RoleSeen>,
    groups: Vec<GroupSeen>,
    members: Vec<MemberSeen>,
}

impl RightsSeen {
    /// A check by `caller` in the organization `org` (its key) that has seen nothing yet.
    pub fn new(org: &OrgId, caller: CheckedCaller) -> Self {
        let (caller, caller_role, caller_token) = match caller {
            CheckedCaller::Member { user, role, token } => (Some(user), Some(role), token),
            CheckedCaller::Token { token } => (None, None, Some(token)),
        };
        RightsSeen {
            org: org.clone(),
            caller,
            caller_role,
            caller_token,
            caller_groups: Vec::new(),
            owner_only: false,
            roles: Vec::new(),
            groups: Vec::new(),
            members: Vec::new(),
        }
    }

    /// The caller's rights came (also) through the group `name`, whose role was `role`.
    pub fn saw_caller_group(&mut self, name: &str, role: &str) {
        if !self.caller_groups.iter().any(|g| g.name == name) {
            self.caller_groups.push(CallerGroupSeen {
                name: name.to_string(),
                role: role.to_string(),
            });
        }
    }

    /// The custom role `name` carried `permissions`.
    pub fn saw_role(&mut self, name: &str, permissions: &[String]) {
        if !self.roles.iter().any(|r| r.name == name) {
            self.roles.push(RoleSeen {
                name: name.to_string(),
                permissions: permissions.to_vec(),
            });
        }
    }

    /// The group `id` (its key) carried `role`.
    pub fn saw_group(&mut self, id: &GroupId, role: Option<&str>) {
        if !self.groups.iter().any(|g| &g.id == id) {
            self.groups.push(GroupSeen {
                id: id.clone(),
                role: role.map(str::to_string),
            });
        }
    }

    /// The member `user` (user key) held `role` and, when the check counted them, was in
    /// exactly `groups`.
    pub fn saw_member(&mut self, user: &UserId, role: &str, groups: Option<&[String]>) {
        let groups = groups.map(|groups| {
            let mut groups = groups.to_vec();
            groups.sort();
            groups
        });
        self.members.push(MemberSeen {
            user: user.clone(),
            role: role.to_string(),
            groups,
        });
    }

    /// Only an owner may make this change.
    pub fn owner_only(&mut self) {
        self.owner_only = true;
    }
}

/// A custom role and the permissions it carried when checked.
#[derive(Debug, Clone, SurrealValue)]
struct RoleSeen {
    name: String,
    permissions: Vec<String>,
}

/// A group (group key) and its role when checked.
#[derive(Debug, Clone, SurrealValue)]
struct GroupSeen {
    id: GroupId,
    role: Option<String>,
}

/// A member (user key) and their own role when checked, with the names of their groups
/// (sorted) when the check counted those.
#[derive(Debug, Clone, SurrealValue)]
struct MemberSeen {
    user: UserId,
    role: String,
    groups: Option<Vec<String>>,
}

/// A group (by name) the caller's rights came through, and its role when checked.
#[derive(Debug, Clone, SurrealValue)]
struct CallerGroupSeen {
    name: String,
    role: String,
}

/// The guard, for a transaction that binds `$rights`. It THROWs `owner_only`,
/// `role_changed` or `rights_changed` (see [`super::Guard`]).
pub const RIGHTS_GUARD: &str = "
     LET $caller_role = IF $rights.caller = NONE { NONE } ELSE {
         (SELECT VALUE role FROM ONLY type::record('membership', [$rights.org, $rights.caller]))
     };
     IF $caller_role != $rights.caller_role {
         THROW 'rights_changed'
     };
     IF $rights.caller_token != NONE
         AND (SELECT VALUE revoked_at FROM ONLY type::record('api_token', $rights.caller_token)) != NONE {
         THROW 'rights_changed'
     };
     FOR $seen IN $rights.caller_groups {
         LET $team = (SELECT VALUE team FROM ONLY type::record('team_name', [$rights.org, $seen.name]));
         IF $team = NONE OR (SELECT VALUE role FROM ONLY $team) != $seen.role {
             THROW 'rights_changed'
         };
         IF $rights.caller != NONE {
             IF !record::exists(type::record('team_member', [record::id($team), $rights.caller])) {
                 THROW 'rights_changed'
             };
         };
     };
     IF $rights.owner_only AND $caller_role != 'owner' {
         THROW 'owner_only'
     };
     FOR $seen IN $rights.roles {
         IF (SELECT VALUE permissions FROM ONLY type::record('role', [$rights.org, $seen.name])) != $seen.permissions {
             THROW 'role_changed'
         };
     };
     FOR $seen IN $rights.groups {
         IF !record::exists(type::record('team', $seen.id))
             OR (SELECT VALUE role FROM ONLY type::record('team', $seen.id)) != $seen.role {
             THROW 'role_changed'
         };
     };
     FOR $seen IN $rights.members {
         IF (SELECT VALUE role FROM ONLY type::record('membership', [$rights.org, $seen.user])) != $seen.role {
             THROW 'role_changed'
         };
         IF $seen.groups != NONE AND array::sort((SELECT VALUE team.name FROM team_member
                 WHERE org = type::record('organization', $rights.org)
                 AND user = type::record('user', $seen.user))) != $seen.groups {
             THROW 'role_changed'
         };
     };";
