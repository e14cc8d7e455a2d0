//! Custom instance roles, and who holds an instance role.
//!
//! Invariants:
//! - A custom instance role's name is unique (the record id) and never a built-in name
//!   (checked by the service).
//! - An edit applies only if the role still has the permissions the editor saw (`expected`),
//!   and the editor's own standing still holds (`INSTANCE_GUARD`).
//! - Deleting a role and moving its holders to no instance role happen in one transaction.

use super::checked::checked;
use super::instance_rights::{INSTANCE_GUARD, InstanceSeen};
use super::{Db, StoreError};
use super::{Guard, Write};
use chrono::{DateTime, Utc};
use surrealdb::types::SurrealValue;

#[derive(Debug, Clone, SurrealValue)]
pub struct InstanceRoleRow {
    pub name: String,
    pub title: String,
    pub description: String,
    pub permissions: Vec<String>,
}

/// Every custom instance role, by name.
pub async fn list(db: &Db) -> Result<Vec<InstanceRoleRow>, StoreError> {
    let mut response = checked(
        db.query("SELECT name, title, description, permissions FROM instance_role ORDER BY name")
            .await?,
    )?;
    Ok(response.take(0)?)
}

pub async fn get(db: &Db, name: &str) -> Result<Option<InstanceRoleRow>, StoreError> {
    let mut response = checked(
        db.query(
            "SELECT name, title, description, permissions FROM ONLY type::record('instance_role', $name)",
        )
        .bind(("name", name.to_string()))
        .await?,
    )?;
    Ok(response.take(0)?)
}

pub async fn create(
    db: &Db,
    role: &InstanceRoleRow,
    seen: &InstanceSeen,
    now: DateTime<Utc>,
    audit: &super::audit::Audit,
) -> Result<(), Guard> {
    let query = format!(
        "BEGIN TRANSACTION;
         {INSTANCE_GUARD}
         IF record::exists(type::record('instance_role', $name)) {{ THROW 'role_exists' }};
         CREATE type::record('instance_role', $name) CONTENT {{
             name: $name, title: $title, description: $description,
             permissions: $permissions, created_at: $now, updated_at: $now
         }};
         COMMIT TRANSACTION;"
    );
    Write::audited(db, &query, audit)
        .bind("instance", seen.clone())
        .bind("name", role.name.clone())
        .bind("title", role.title.clone())
        .bind("description", role.description.clone())
        .bind("permissions", role.permissions.clone())
        .bind("now", now)
        .run()
        .await
}

/// Replaces title, description and permissions, if the permissions are still `expected` and
/// the editor's check (`seen`) still holds.
pub async fn update(
    db: &Db,
    role: &InstanceRoleRow,
    expected: &[String],
    seen: &InstanceSeen,
    now: DateTime<Utc>,
    audit: &super::audit::Audit,
) -> Result<(), Guard> {
    let query = format!(
        "BEGIN TRANSACTION;
         {INSTANCE_GUARD}
         LET $r = type::record('instance_role', $name);
         IF !record::exists($r) {{ THROW 'not_found' }};
         IF (SELECT VALUE permissions FROM ONLY $r) != $expected {{ THROW 'role_edited' }};
         UPDATE $r SET title = $title, description = $description,
             permissions = $permissions, updated_at = $now;
         COMMIT TRANSACTION;"
    );
    Write::audited(db, &query, audit)
        .bind("instance", seen.clone())
        .bind("name", role.name.clone())
        .bind("title", role.title.clone())
        .bind("description", role.description.clone())
        .bind("permissions", role.permissions.clone())
        .bind("expected", expected.to_vec())
        .bind("now", now)
        .run()
        .await
}

/// Deletes the role; its holders fall back to no instance role.
pub async fn delete(
    db: &Db,
    name: &str,
    seen: &InstanceSeen,
    now: DateTime<Utc>,
    audit: &super::audit::Audit,
) -> Result<(), Guard> {
    let query = format!(
        "BEGIN TRANSACTION;
         {INSTANCE_GUARD}
         LET $r = type::record('instance_role', $name);
         IF !record::exists($r) {{ THROW 'not_found' }};
         UPDATE user SET instance_role = NONE, updated_at = $now WHERE instance_role = $name;
         DELETE $r;
         COMMIT TRANSACTION;"
    );
    Write::audited(db, &query, audit)
        .bind("instance", seen.clone())
        .bind("name", name.to_string())
        .bind("now", now)
        .run()
        .await
}

/// Usernames of the users who hold the instance role `name`, sorted (through the
/// `user_instance_role` index).
pub async fn holders(db: &Db, name: &str) -> Result<Vec<String>, StoreError> {
    let mut response = checked(
        db.query("SELECT VALUE username FROM user WHERE instance_role = $name ORDER BY username")
            .bind(("name", name.to_string()))
            .await?,
    )?;
    Ok(response.take(0)?)
}

/// How many users hold the instance role `name`.
pub async fn holder_count(db: &Db, name: &str) -> Result<u32, StoreError> {
    let mut response = checked(
        db.query("RETURN count(SELECT VALUE id FROM user WHERE instance_role = $name)")
            .bind(("name", name.to_string()))
            .await?,
    )?;
    let count: Option<i64> = response.take(0)?;
    Ok(u32::try_from(count.unwrap_or(0)).unwrap_or(0))
}
