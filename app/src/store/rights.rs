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

use surrealdb::types::SurrealValue;

/// The standing a rights check relied on. Built only by `service::rulebook`.
#[derive(Debug, Clone, Default, SurrealValue)]
pub struct RightsSeen {
    /// The organization's key.
    pub org: String,
    /// The calling member's user key; empty for a token (which matches no membership).
    pub caller: String,
    /// The caller's own role as the check saw it (none for a token).
    pub caller_role: Option<String>,
    /// The calling token's key (none for a member).
    pub caller_token: Option<String>,
    /// The groups whose roles the caller's rights came through (a group token's own group).
    pub caller_groups: Vec<CallerGroupSeen>,
    /// Whether only an owner may make this change.
    pub owner_only: bool,
    pub roles: Vec<RoleSeen>,
    pub groups: Vec<GroupSeen>,
    pub members: Vec<MemberSeen>,
}

/// A custom role and the permissions it carried when checked.
#[derive(Debug, Clone, SurrealValue)]
pub struct RoleSeen {
    pub name: String,
    pub permissions: Vec<String>,
}

/// A group (group key) and its role when checked.
#[derive(Debug, Clone, SurrealValue)]
pub struct GroupSeen {
    pub id: String,
    pub role: Option<String>,
}

/// A member (user key) and their own role when checked, with the names of their groups
/// (sorted) when the check counted those.
#[derive(Debug, Clone, SurrealValue)]
pub struct MemberSeen {
    pub user: String,
    pub role: String,
    pub groups: Option<Vec<String>>,
}

/// A group (by name) the caller's rights came through, and its role when checked.
#[derive(Debug, Clone, SurrealValue)]
pub struct CallerGroupSeen {
    pub name: String,
    pub role: String,
}

/// The guard, for a transaction that binds `$rights`. It THROWs `owner_only`,
/// `role_changed` or `rights_changed` (see [`super::Guard`]).
pub const RIGHTS_GUARD: &str = "
     IF (SELECT VALUE role FROM ONLY type::record('membership', [$rights.org, $rights.caller])) != $rights.caller_role {
         THROW 'rights_changed'
     };
     IF $rights.caller_token != NONE
         AND (SELECT VALUE revoked_at FROM ONLY type::record('api_token', $rights.caller_token)) != NONE {
         THROW 'rights_changed'
     };
     FOR $seen IN $rights.caller_groups {
         LET $team = (SELECT VALUE team FROM ONLY type::record('team_name', [$rights.org, $seen.name]));
         IF $team = NONE OR (SELECT VALUE role FROM ONLY $team) != $seen.role
             OR ($rights.caller != '' AND !record::exists(type::record('team_member', [record::id($team), $rights.caller]))) {
             THROW 'rights_changed'
         };
     };
     IF $rights.owner_only AND (SELECT VALUE role FROM ONLY type::record('membership', [$rights.org, $rights.caller])) != 'owner' {
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
