//! The instance's permission catalog: what an instance role (Site admin, Help desk, Auditor or a
//! custom one) lets its holder do in the site administration. Plain data shared by the browser
//! (the instance role editor, the admin navigation) and the server (every decision).

use super::permission::{Catalogued, PermissionInfo, Risk, Scope, Set};
use serde::{Deserialize, Serialize};

/// One instance permission. The string form (`InstancePermission::id`) is what the API and the
/// database use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "&'static str", try_from = "String")]
pub enum InstancePermission {
    UsersRead,
    UsersCreate,
    UsersUpdate,
    UsersResetPassword,
    UsersDeactivate,
    UsersDelete,
    UsersManageCredentials,
    InstanceRolesManage,
    InstanceSettingsUpdate,
    OrganizationsRead,
    OrganizationsManage,
    AuditRead,
    OutboxRead,
}

/// A set of instance permissions.
pub type InstancePermissionSet = Set<InstancePermission>;

use InstancePermission::*;

const fn entry(
    id: InstancePermission,
    area: &'static str,
    title: &'static str,
    description: &'static str,
    risk: Risk,
    implies: &'static [InstancePermission],
) -> PermissionInfo<InstancePermission> {
    PermissionInfo {
        id,
        scope: Scope::Instance,
        area,
        title,
        description,
        risk,
        implies,
    }
}

/// Every instance permission, in the order the instance role editor shows them.
pub const INSTANCE_CATALOG: &[PermissionInfo<InstancePermission>] = &[
    entry(
        UsersRead,
        "Users",
        "See users",
        "List and search every account, and open one with its organizations and sign-ins.",
        Risk::Low,
        &[],
    ),
    entry(
        UsersCreate,
        "Users",
        "Create users",
        "Create accounts with a temporary password, one at a time or in a batch.",
        Risk::Medium,
        &[UsersRead],
    ),
    entry(
        UsersUpdate,
        "Users",
        "Change users",
        "Change a user's names and email, and give or take an instance role (never one with more than you hold).",
        Risk::High,
        &[UsersRead],
    ),
    entry(
        UsersResetPassword,
        "Users",
        "Reset passwords and two-factor",
        "Give a user a temporary password, or turn off their two-factor authentication.",
        Risk::High,
        &[UsersRead],
    ),
    entry(
        UsersDeactivate,
        "Users",
        "Deactivate users",
        "Deactivate and reactivate accounts (a deactivated user is signed out at once).",
        Risk::Medium,
        &[UsersRead],
    ),
    entry(
        UsersDelete,
        "Users",
        "Delete users",
        "Delete accounts with their sessions, tokens and memberships.",
        Risk::High,
        &[UsersRead],
    ),
    entry(
        UsersManageCredentials,
        "Users",
        "Manage users' tokens and sessions",
        "See and revoke any user's API tokens and sessions, and turn their API access off.",
        Risk::High,
        &[UsersRead],
    ),
    entry(
        InstanceRolesManage,
        "Instance",
        "Manage instance roles",
        "Create, edit and delete custom instance roles (never with more than you hold).",
        Risk::High,
        &[UsersRead],
    ),
    entry(
        InstanceSettingsUpdate,
        "Instance",
        "Change instance settings",
        "See and change the sign-up mode, the two-factor requirement, session and token limits.",
        Risk::High,
        &[],
    ),
    entry(
        OrganizationsRead,
        "Organizations",
        "See organizations",
        "List every organization with its owners and member counts.",
        Risk::Low,
        &[],
    ),
    entry(
        OrganizationsManage,
        "Organizations",
        "Manage organizations",
        "Give an organization without an active owner a new owner.",
        Risk::High,
        &[OrganizationsRead],
    ),
    entry(
        AuditRead,
        "Audit",
        "Read the instance audit log",
        "Read and export every audit event of the instance.",
        Risk::Medium,
        &[],
    ),
    entry(
        OutboxRead,
        "Audit",
        "Read the outbox",
        "See the emails the instance sent or is sending, with their delivery state.",
        Risk::Medium,
        &[],
    ),
];

impl InstancePermission {
    pub const ALL: [InstancePermission; 13] = [
        UsersRead,
        UsersCreate,
        UsersUpdate,
        UsersResetPassword,
        UsersDeactivate,
        UsersDelete,
        UsersManageCredentials,
        InstanceRolesManage,
        InstanceSettingsUpdate,
        OrganizationsRead,
        OrganizationsManage,
        AuditRead,
        OutboxRead,
    ];

    pub fn id(self) -> &'static str {
        match self {
            UsersRead => "users.read",
            UsersCreate => "users.create",
            UsersUpdate => "users.update",
            UsersResetPassword => "users.reset_password",
            UsersDeactivate => "users.deactivate",
            UsersDelete => "users.delete",
            UsersManageCredentials => "users.manage_credentials",
            InstanceRolesManage => "instance.roles.manage",
            InstanceSettingsUpdate => "instance.settings.update",
            OrganizationsRead => "organizations.read",
            OrganizationsManage => "organizations.manage",
            AuditRead => "audit.read",
            OutboxRead => "outbox.read",
        }
    }

    pub fn parse(id: &str) -> Option<Self> {
        Self::from_key(id)
    }

    /// Its catalog title ("See users").
    pub fn title(self) -> &'static str {
        self.entry().map(|e| e.title).unwrap_or_else(|| self.id())
    }
}

impl Catalogued for InstancePermission {
    const EVERY: &'static [Self] = &InstancePermission::ALL;
    const CATALOG: &'static [PermissionInfo<Self>] = INSTANCE_CATALOG;

    fn key(self) -> &'static str {
        self.id()
    }
}

impl From<InstancePermission> for &'static str {
    fn from(p: InstancePermission) -> Self {
        p.id()
    }
}

impl TryFrom<String> for InstancePermission {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        InstancePermission::parse(&value).ok_or_else(|| format!("unknown permission `{value}`"))
    }
}

/// The built-in instance roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BuiltinInstanceRole {
    SiteAdmin,
    HelpDesk,
    Auditor,
}

impl BuiltinInstanceRole {
    pub const ALL: [BuiltinInstanceRole; 3] = [Self::SiteAdmin, Self::HelpDesk, Self::Auditor];

    pub fn name(self) -> &'static str {
        match self {
            Self::SiteAdmin => "site_admin",
            Self::HelpDesk => "help_desk",
            Self::Auditor => "auditor",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Self::SiteAdmin => "Site admin",
            Self::HelpDesk => "Help desk",
            Self::Auditor => "Auditor",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Self::SiteAdmin => {
                "Everything in the site administration, including instance roles and settings."
            }
            Self::HelpDesk => {
                "Sees users, resets their passwords and two-factor, deactivates and reactivates them."
            }
            Self::Auditor => {
                "Reads users, organizations, the audit log and the outbox; changes nothing."
            }
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.name() == name)
    }

    pub fn permissions(self) -> InstancePermissionSet {
        match self {
            Self::SiteAdmin => InstancePermissionSet::all(),
            Self::HelpDesk => {
                InstancePermissionSet::of([UsersRead, UsersResetPassword, UsersDeactivate])
            }
            Self::Auditor => {
                InstancePermissionSet::of([UsersRead, OrganizationsRead, AuditRead, OutboxRead])
            }
        }
    }
}

/// The site administration's sections: (path, label, the instance permission that opens it).
pub const ADMIN_SECTIONS: [(&str, &str, InstancePermission); 8] = [
    ("/admin/users", "Users", UsersRead),
    ("/admin/roles", "Roles", UsersRead),
    ("/admin/organizations", "Organizations", OrganizationsRead),
    ("/admin/tokens", "Tokens", UsersManageCredentials),
    ("/admin/settings", "Settings", InstanceSettingsUpdate),
    ("/admin/sso", "Single sign-on", InstanceSettingsUpdate),
    ("/admin/outbox", "Outbox", OutboxRead),
    ("/admin/audit", "Audit log", AuditRead),
];

/// The first section the permissions `mine` (ids) open: where the header's "Admin" link goes.
pub fn admin_home<S: AsRef<str>>(mine: &[S]) -> Option<&'static str> {
    let mine = InstancePermissionSet::of_ids(mine);
    ADMIN_SECTIONS
        .iter()
        .find(|(_, _, needs)| mine.contains(*needs))
        .map(|(path, _, _)| *path)
}

/// The name of the Site admin role: the instance always keeps an active holder of it.
pub const SITE_ADMIN: &str = "site_admin";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalog_lists_every_permission_once_and_ids_round_trip() {
        assert_eq!(INSTANCE_CATALOG.len(), InstancePermission::ALL.len());
        assert!(InstancePermission::ALL.len() <= 64);
        for p in InstancePermission::ALL {
            assert_eq!(
                INSTANCE_CATALOG.iter().filter(|e| e.id == p).count(),
                1,
                "{p:?}"
            );
            assert_eq!(InstancePermission::parse(p.id()), Some(p));
        }
        assert_eq!(InstancePermission::parse("org.read"), None);
    }

    #[test]
    fn builtin_roles_carry_what_the_issue_lists() {
        let [admin, help, auditor] = BuiltinInstanceRole::ALL.map(BuiltinInstanceRole::permissions);
        assert_eq!(admin, InstancePermissionSet::all());
        assert!(admin.covers(help) && admin.covers(auditor));
        assert_eq!(
            help.ids(),
            ["users.read", "users.reset_password", "users.deactivate"]
        );
        assert_eq!(
            auditor.ids(),
            [
                "users.read",
                "organizations.read",
                "audit.read",
                "outbox.read"
            ]
        );
        assert!(!help.contains(UsersUpdate) && !help.contains(InstanceRolesManage));
        assert!(InstancePermissionSet::of([UsersDelete]).contains(UsersRead));
        assert_eq!(
            BuiltinInstanceRole::parse(SITE_ADMIN),
            Some(BuiltinInstanceRole::SiteAdmin)
        );
    }
}
