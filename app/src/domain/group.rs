use super::organization::MemberUser;
use serde::{Deserialize, Serialize};

/// A group ("team") of an organization's members, with the role its members inherit.
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
