//! The permission catalog (../shared/PRODUCT.md §5): plain data shared by the browser (the role
//! editor, the explainer) and the server (every decision).

use serde::{Deserialize, Serialize};
use std::marker::PhantomData;

/// One permission. The string form (`Permission::id`) is what the API and the database use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "&'static str", try_from = "String")]
pub enum Permission {
    OrgRead,
    OrgUpdate,
    OrgDelete,
    MembersRead,
    MembersInvite,
    MembersRemove,
    MembersUpdateRole,
    GroupsRead,
    GroupsManage,
    RolesRead,
    RolesManage,
    ProjectsRead,
    ProjectsCreate,
    ProjectsManage,
    TokensManage,
    AuditRead,
    ProjectRead,
    ProjectWrite,
    ProjectManageAccess,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    Organization,
    Project,
    /// The instance's own catalog ([`super::instance_permission`]).
    Instance,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Risk {
    Low,
    Medium,
    High,
}

/// A catalog entry (of the organization's catalog, or with `P` the instance's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PermissionInfo<P: 'static = Permission> {
    pub id: P,
    pub scope: Scope,
    /// The heading it is grouped under in the role editor.
    pub area: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    pub risk: Risk,
    /// Granting this grants these too.
    pub implies: &'static [P],
}

/// A permission of a catalog: an organization's ([`Permission`]) or the instance's
/// ([`super::instance_permission::InstancePermission`]). Sets, the role editor and the
/// catalog's API listing work the same way for both.
pub trait Catalogued:
    Copy + Eq + Ord + std::hash::Hash + std::fmt::Debug + Send + Sync + 'static
{
    /// Every permission, in the order the role editor shows them.
    const EVERY: &'static [Self];
    /// The catalog: one entry per permission, in the same order.
    const CATALOG: &'static [PermissionInfo<Self>];
    /// The string form the API and the database use.
    fn key(self) -> &'static str;

    fn from_key(id: &str) -> Option<Self> {
        Self::EVERY.iter().copied().find(|p| p.key() == id)
    }

    fn entry(self) -> Option<&'static PermissionInfo<Self>> {
        Self::CATALOG.iter().find(|entry| entry.id == self)
    }

    /// Its bit in a [`Set`] (catalogs have at most 64 permissions; checked by tests).
    fn bit(self) -> u64 {
        let index = Self::EVERY.iter().position(|p| *p == self).unwrap_or(63);
        1u64 << (index & 63)
    }
}

use Permission::*;

/// Every permission, in the order the role editor shows them.
pub const CATALOG: &[PermissionInfo] = &[
    PermissionInfo {
        id: OrgRead,
        scope: Scope::Organization,
        area: "Organization",
        title: "See the organization",
        description: "Open the organization and see its name and settings.",
        risk: Risk::Low,
        implies: &[],
    },
    PermissionInfo {
        id: OrgUpdate,
        scope: Scope::Organization,
        area: "Organization",
        title: "Change the organization",
        description: "Rename the organization and change its settings, including the two-factor policy.",
        risk: Risk::High,
        implies: &[OrgRead],
    },
    PermissionInfo {
        id: OrgDelete,
        scope: Scope::Organization,
        area: "Organization",
        title: "Delete the organization",
        description: "Delete the organization with all its members, groups, invitations, projects and tokens.",
        risk: Risk::High,
        implies: &[OrgRead],
    },
    PermissionInfo {
        id: MembersRead,
        scope: Scope::Organization,
        area: "People",
        title: "See members",
        description: "List the members with their roles, groups and two-factor status.",
        risk: Risk::Low,
        implies: &[OrgRead],
    },
    PermissionInfo {
        id: MembersInvite,
        scope: Scope::Organization,
        area: "People",
        title: "Invite people",
        description: "Invite people by email, resend and revoke invitations.",
        risk: Risk::Medium,
        implies: &[MembersRead],
    },
    PermissionInfo {
        id: MembersRemove,
        scope: Scope::Organization,
        area: "People",
        title: "Remove members",
        description: "Remove members from the organization.",
        risk: Risk::High,
        implies: &[MembersRead],
    },
    PermissionInfo {
        id: MembersUpdateRole,
        scope: Scope::Organization,
        area: "People",
        title: "Change roles",
        description: "Change the role of a member (never to a role with more than you hold).",
        risk: Risk::High,
        implies: &[MembersRead],
    },
    PermissionInfo {
        id: GroupsRead,
        scope: Scope::Organization,
        area: "Groups",
        title: "See groups",
        description: "List the groups, their members and their roles.",
        risk: Risk::Low,
        implies: &[OrgRead],
    },
    PermissionInfo {
        id: GroupsManage,
        scope: Scope::Organization,
        area: "Groups",
        title: "Manage groups",
        description: "Create, rename and delete groups, set their role and their members.",
        risk: Risk::High,
        implies: &[GroupsRead, MembersRead],
    },
    PermissionInfo {
        id: RolesRead,
        scope: Scope::Organization,
        area: "Roles",
        title: "See roles",
        description: "See the roles and the permissions each one carries.",
        risk: Risk::Low,
        implies: &[OrgRead],
    },
    PermissionInfo {
        id: RolesManage,
        scope: Scope::Organization,
        area: "Roles",
        title: "Manage custom roles",
        description: "Create, edit and delete custom roles (never with more than you hold).",
        risk: Risk::High,
        implies: &[RolesRead],
    },
    PermissionInfo {
        id: ProjectsRead,
        scope: Scope::Organization,
        area: "Projects",
        title: "See projects",
        description: "List every project of the organization and open it.",
        risk: Risk::Low,
        implies: &[OrgRead, ProjectRead],
    },
    PermissionInfo {
        id: ProjectsCreate,
        scope: Scope::Organization,
        area: "Projects",
        title: "Create projects",
        description: "Create projects; the creator owns them.",
        risk: Risk::Medium,
        implies: &[ProjectsRead],
    },
    PermissionInfo {
        id: ProjectsManage,
        scope: Scope::Organization,
        area: "Projects",
        title: "Manage every project",
        description: "Edit, delete and transfer any project and grant access to it.",
        risk: Risk::High,
        implies: &[ProjectsRead, ProjectWrite, ProjectManageAccess],
    },
    PermissionInfo {
        id: TokensManage,
        scope: Scope::Organization,
        area: "Tokens",
        title: "Manage organization and group tokens",
        description: "Create, list and revoke tokens that act as the organization or a group.",
        risk: Risk::High,
        implies: &[OrgRead],
    },
    PermissionInfo {
        id: AuditRead,
        scope: Scope::Organization,
        area: "Audit",
        title: "Read the audit log",
        description: "Read and export the organization's audit events.",
        risk: Risk::Medium,
        implies: &[OrgRead],
    },
    PermissionInfo {
        id: ProjectRead,
        scope: Scope::Project,
        area: "Project",
        title: "Read a project",
        description: "Open the project and see its contents.",
        risk: Risk::Low,
        implies: &[],
    },
    PermissionInfo {
        id: ProjectWrite,
        scope: Scope::Project,
        area: "Project",
        title: "Change a project",
        description: "Edit the project's contents and description.",
        risk: Risk::Medium,
        implies: &[ProjectRead],
    },
    PermissionInfo {
        id: ProjectManageAccess,
        scope: Scope::Project,
        area: "Project",
        title: "Manage project access",
        description: "Grant and revoke project roles to members and groups.",
        risk: Risk::High,
        implies: &[ProjectRead],
    },
];

impl Permission {
    pub const ALL: [Permission; 19] = [
        OrgRead,
        OrgUpdate,
        OrgDelete,
        MembersRead,
        MembersInvite,
        MembersRemove,
        MembersUpdateRole,
        GroupsRead,
        GroupsManage,
        RolesRead,
        RolesManage,
        ProjectsRead,
        ProjectsCreate,
        ProjectsManage,
        TokensManage,
        AuditRead,
        ProjectRead,
        ProjectWrite,
        ProjectManageAccess,
    ];

    pub fn id(self) -> &'static str {
        match self {
            OrgRead => "org.read",
            OrgUpdate => "org.update",
            OrgDelete => "org.delete",
            MembersRead => "members.read",
            MembersInvite => "members.invite",
            MembersRemove => "members.remove",
            MembersUpdateRole => "members.update_role",
            GroupsRead => "groups.read",
            GroupsManage => "groups.manage",
            RolesRead => "roles.read",
            RolesManage => "roles.manage",
            ProjectsRead => "projects.read",
            ProjectsCreate => "projects.create",
            ProjectsManage => "projects.manage",
            TokensManage => "tokens.manage",
            AuditRead => "audit.read",
            ProjectRead => "project.read",
            ProjectWrite => "project.write",
            ProjectManageAccess => "project.manage_access",
        }
    }

    pub fn parse(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.id() == id)
    }

    pub fn info(self) -> &'static PermissionInfo {
        // Every variant has exactly one entry (checked by a test).
        #[allow(clippy::indexing_slicing)] // evaluated at compile time: an empty catalog fails to build
        const FIRST: &PermissionInfo = &CATALOG[0];
        CATALOG
            .iter()
            .find(|entry| entry.id == self)
            .unwrap_or(FIRST)
    }
}

impl Catalogued for Permission {
    const EVERY: &'static [Self] = &Permission::ALL;
    const CATALOG: &'static [PermissionInfo<Self>] = CATALOG;

    fn key(self) -> &'static str {
        self.id()
    }
}

impl From<Permission> for &'static str {
    fn from(p: Permission) -> Self {
        p.id()
    }
}

impl TryFrom<String> for Permission {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Permission::parse(&value).ok_or_else(|| format!("unknown permission `{value}`"))
    }
}

/// Permission ids as a request gave them, checked against catalog `P`: each known once,
/// sorted; 422 on `permissions` for one the catalog does not have.
pub fn parse_ids<P: Catalogued>(ids: &[String]) -> Result<Vec<String>, crate::error::AppError> {
    let mut out: Vec<String> = Vec::new();
    for id in ids {
        let Some(p) = P::from_key(id.trim()) else {
            return Err(crate::error::AppError::validation(
                "permissions",
                format!("\"{id}\" is not a permission of the catalog."),
            ));
        };
        if !out.iter().any(|o| o == p.key()) {
            out.push(p.key().to_string());
        }
    }
    out.sort();
    Ok(out)
}

/// A set of permissions of one catalog, always closed under `implies`.
pub struct Set<P>(u64, PhantomData<fn() -> P>);

/// A set of organization and project permissions.
pub type PermissionSet = Set<Permission>;

impl<P> Clone for Set<P> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<P> Copy for Set<P> {}

impl<P> Default for Set<P> {
    fn default() -> Self {
        Set(0, PhantomData)
    }
}

impl<P> PartialEq for Set<P> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl<P> Eq for Set<P> {}

impl<P> std::hash::Hash for Set<P> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.hash(state);
    }
}

impl<P: Catalogued> std::fmt::Debug for Set<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set()
            .entries(self.iter().map(Catalogued::key))
            .finish()
    }
}

impl<P: Catalogued> Set<P> {
    pub const EMPTY: Self = Set(0, PhantomData);

    /// The set of `permissions` and everything they imply.
    pub fn of(permissions: impl IntoIterator<Item = P>) -> Self {
        let mut set = Self::EMPTY;
        for p in permissions {
            set.grant(p);
        }
        set
    }

    /// Every permission of the catalog.
    pub fn all() -> Self {
        Self::of(P::EVERY.iter().copied())
    }

    /// The set of the permissions with these ids; unknown ids are left out.
    pub fn of_ids<S: AsRef<str>>(ids: &[S]) -> Self {
        Self::of(ids.iter().filter_map(|id| P::from_key(id.as_ref())))
    }

    fn grant(&mut self, p: P) {
        if self.0 & p.bit() != 0 {
            return;
        }
        self.0 |= p.bit();
        for implied in p.entry().map(|e| e.implies).unwrap_or_default() {
            self.grant(*implied);
        }
    }

    pub fn contains(self, p: P) -> bool {
        self.0 & p.bit() != 0
    }

    pub fn union(self, other: Self) -> Self {
        Set(self.0 | other.0, PhantomData)
    }

    /// What both hold (closed under implication when both are).
    pub fn intersection(self, other: Self) -> Self {
        Set(self.0 & other.0, PhantomData)
    }

    /// Whether every permission of `other` is in `self`.
    pub fn covers(self, other: Self) -> bool {
        other.0 & !self.0 == 0
    }

    pub fn iter(self) -> impl Iterator<Item = P> {
        P::EVERY.iter().copied().filter(move |p| self.contains(*p))
    }

    /// The ids, in catalog order.
    pub fn ids(self) -> Vec<String> {
        self.iter().map(|p| p.key().to_string()).collect()
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalog_lists_every_permission_once_and_ids_round_trip() {
        assert_eq!(CATALOG.len(), Permission::ALL.len());
        for p in Permission::ALL {
            assert_eq!(CATALOG.iter().filter(|e| e.id == p).count(), 1, "{p:?}");
            assert_eq!(Permission::parse(p.id()), Some(p));
        }
        assert_eq!(Permission::parse("org.own"), None);
    }

    #[test]
    fn sets_are_closed_under_implication() {
        let set = PermissionSet::of([GroupsManage]);
        assert!(set.contains(GroupsRead) && set.contains(MembersRead) && set.contains(OrgRead));
        assert!(!set.contains(MembersInvite));
        let manage = PermissionSet::of([ProjectsManage]);
        assert!(manage.contains(ProjectManageAccess) && manage.contains(ProjectRead));
        assert!(manage.covers(PermissionSet::of([ProjectWrite])));
        assert!(!set.covers(manage));
    }
}

/// A catalog entry as the API lists it (`GET /permissions`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CatalogEntry {
    pub id: String,
    #[cfg_attr(feature = "ssr", schema(value_type = String))]
    pub scope: Scope,
    pub area: String,
    pub title: String,
    pub description: String,
    #[cfg_attr(feature = "ssr", schema(value_type = String))]
    pub risk: Risk,
    /// Permissions granted along with this one.
    pub implies: Vec<String>,
}

impl<P: Catalogued> From<&PermissionInfo<P>> for CatalogEntry {
    fn from(info: &PermissionInfo<P>) -> Self {
        Self {
            id: info.id.key().to_string(),
            scope: info.scope,
            area: info.area.to_string(),
            title: info.title.to_string(),
            description: info.description.to_string(),
            risk: info.risk,
            implies: info.implies.iter().map(|p| p.key().to_string()).collect(),
        }
    }
}
