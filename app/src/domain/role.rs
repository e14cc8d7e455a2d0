//! Built-in roles (../shared/PRODUCT.md §5), defined from the permission catalog.

use super::permission::{Permission, PermissionSet};
use serde::{Deserialize, Serialize};

/// The built-in organization roles, highest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BuiltinRole {
    Owner,
    Admin,
    Editor,
    Viewer,
}

impl BuiltinRole {
    pub const ALL: [BuiltinRole; 4] = [Self::Owner, Self::Admin, Self::Editor, Self::Viewer];

    pub fn name(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Admin => "admin",
            Self::Editor => "editor",
            Self::Viewer => "viewer",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Self::Owner => "Owner",
            Self::Admin => "Admin",
            Self::Editor => "Editor",
            Self::Viewer => "Viewer",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Self::Owner => "Everything, including deleting the organization and granting Owner.",
            Self::Admin => "Everything except deleting the organization and managing owners.",
            Self::Editor => "Reads everything and creates projects.",
            Self::Viewer => "Reads everything.",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.name() == name)
    }

    pub fn permissions(self) -> PermissionSet {
        use Permission::*;
        let read = [OrgRead, MembersRead, GroupsRead, RolesRead, ProjectsRead];
        match self {
            Self::Owner => PermissionSet::of(Permission::ALL),
            Self::Admin => {
                PermissionSet::of(Permission::ALL.into_iter().filter(|p| *p != OrgDelete))
            }
            Self::Editor => PermissionSet::of(read.into_iter().chain([ProjectsCreate])),
            Self::Viewer => PermissionSet::of(read),
        }
    }
}

/// Built-in project roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProjectRole {
    Reader,
    Contributor,
    Admin,
}

impl ProjectRole {
    pub const ALL: [ProjectRole; 3] = [Self::Reader, Self::Contributor, Self::Admin];

    pub fn name(self) -> &'static str {
        match self {
            Self::Reader => "reader",
            Self::Contributor => "contributor",
            Self::Admin => "admin",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Self::Reader => "Reader",
            Self::Contributor => "Contributor",
            Self::Admin => "Admin",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Self::Reader => "Opens the project and sees its contents.",
            Self::Contributor => "Reads and changes the project.",
            Self::Admin => "Reads and changes the project and grants access to it.",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.name() == name)
    }

    pub fn permissions(self) -> PermissionSet {
        use Permission::*;
        match self {
            Self::Reader => PermissionSet::of([ProjectRead]),
            Self::Contributor => PermissionSet::of([ProjectWrite]),
            Self::Admin => PermissionSet::of([ProjectWrite, ProjectManageAccess]),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewRole {
    pub name: String,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// Permission ids from the catalog.
    pub permissions: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RoleUpdate {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub permissions: Option<Vec<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PreviewInput {
    pub permissions: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::permission::Permission::*;

    #[test]
    fn builtin_roles_nest() {
        let [owner, admin, editor, viewer] = BuiltinRole::ALL.map(BuiltinRole::permissions);
        assert!(owner.covers(admin) && admin.covers(editor) && editor.covers(viewer));
        assert!(owner.contains(OrgDelete) && !admin.contains(OrgDelete));
        assert!(editor.contains(ProjectsCreate) && !viewer.contains(ProjectsCreate));
        assert!(!viewer.contains(AuditRead) && !viewer.contains(MembersInvite));
        assert_eq!(BuiltinRole::parse("admin"), Some(BuiltinRole::Admin));
    }
}

/// A role as the API lists it (`GET /organizations/{org}/roles`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RoleInfo {
    pub name: String,
    pub title: String,
    pub description: String,
    pub builtin: bool,
    /// Every permission it carries, implied ones included.
    pub permissions: Vec<String>,
    /// Members who hold it, directly or through a group (each counted once).
    pub holders: u32,
    /// Groups that carry it.
    #[serde(default)]
    pub groups: u32,
}

/// Who would gain or lose which permissions if a role changed
/// (`POST /organizations/{org}/roles/{role}/preview`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Preview {
    pub gains: Vec<MemberChange>,
    pub losses: Vec<MemberChange>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MemberChange {
    pub username: String,
    pub permissions: Vec<String>,
}
