use super::organization::MemberUser;
use serde::{Deserialize, Serialize};

/// A group (a "team" in some products) of an organization's members, with the role its
/// members inherit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Group {
    pub name: String,
    pub description: String,
    pub role: Option<String>,
    pub members_count: u32,
}

/// A group with its members, for the group page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupDetail {
    pub group: Group,
    pub members: Vec<MemberUser>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewGroup {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub role: Option<String>,
    /// Members of the organization (usernames) to put in the group at once.
    #[serde(default)]
    pub members: Vec<String>,
}

/// `role: null` removes the group's role; leaving it out keeps it.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct GroupUpdate {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default, with = "crate::domain::double_option")]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>))]
    pub role: Option<Option<String>>,
}
