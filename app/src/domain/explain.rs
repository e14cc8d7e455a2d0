//! "Why can X do Y": each effective permission with every source that grants it
//! (../shared/API.md `GET /organizations/{org}/members/{username}/permissions`).

use super::permission::Permission;
use serde::{Deserialize, Serialize};

/// Where a permission comes from: `kind` is `role` (the member's own role), `group` (a group's
/// role; `name` is the group), `project` or `owner` (project grants and ownership).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct GrantedBy {
    pub kind: String,
    pub name: String,
    /// The role that carries it (for `group`: the group's role; for `project`: the project
    /// role; for `owner`: `owner`).
    pub role: String,
    /// For a project grant given to a group: the group.
    #[serde(default)]
    pub group: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PermissionGrant {
    #[cfg_attr(feature = "ssr", schema(value_type = String))]
    pub id: Permission,
    pub granted_by: Vec<GrantedBy>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Explanation {
    pub username: String,
    pub role: String,
    /// Organization-wide permissions; project-scope ones here hold on every project.
    pub permissions: Vec<PermissionGrant>,
    /// Every project the member owns or has a grant on (directly or through a group), with
    /// all their permissions on it and every source.
    #[serde(default)]
    pub projects: Vec<ProjectPermissions>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProjectPermissions {
    pub project: String,
    pub permissions: Vec<PermissionGrant>,
}
