//! Projects: the resource project roles protect (../shared/PRODUCT.md §5).

use serde::{Deserialize, Serialize};

/// A project (`GET /organizations/{org}/projects/{project}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Project {
    pub name: String,
    pub description: String,
    /// The owner's username.
    pub owner: String,
    pub created_at: String,
    pub updated_at: String,
    /// What the caller may do on it (project-scope permission ids).
    pub permissions: Vec<String>,
}

impl Project {
    pub fn can(&self, permission: super::permission::Permission) -> bool {
        self.permissions.iter().any(|p| p == permission.id())
    }
}

/// A project role given to a member (`kind` `user`) or a group (`kind` `group`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProjectGrant {
    pub kind: String,
    pub name: String,
    pub role: String,
}

/// A project with who has access to it, for the project page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProjectDetail {
    pub project: Project,
    pub access: Vec<ProjectGrant>,
    /// Whether the caller may rename, delete and transfer it (owner or `projects.manage`).
    pub manage: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewProject {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProjectUpdate {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Transfer {
    pub new_owner: String,
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AccessGrant {
    pub role: String,
}
