//! OpenID Connect providers an administrator configured.
//!
//! Invariants:
//! - The client secret is read only by [`secret`] (for the token request); no other row type
//!   carries it.
//! - Creating, changing and deleting a provider hold only while the administrator's standing
//!   does (`INSTANCE_GUARD`), and deleting one — or giving it another issuer — removes its
//!   linked identities, pending links and sign-ins under way in the same transaction (an
//!   identity is a subject *at an issuer*: at another issuer the same subject is someone
//!   else).

use super::checked::checked;
use super::instance_rights::{INSTANCE_GUARD, InstanceSeen};
use super::{Db, StoreError};
use super::{Guard, Write};
use crate::domain::ids::UserId;
use chrono::{DateTime, Utc};
use surrealdb::types::SurrealValue;

#[derive(Debug, Clone, PartialEq, Eq, SurrealValue)]
pub struct MappingRow {
    pub claim_value: String,
    pub organization: String,
    pub group: String,
}

/// A provider without its secret.
#[derive(Debug, Clone, SurrealValue)]
pub struct ProviderRow {
    pub id: String,
    pub name: String,
    pub issuer: String,
    pub client_id: String,
    pub scopes: Vec<String>,
    pub username_claim: String,
    pub groups_claim: Option<String>,
    pub group_mappings: Vec<MappingRow>,
    /// Who last wrote the mappings (their rights bound what the mappings grant).
    pub mappings_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    /// When it last changed (an edit applies only to the provider its editor read).
    pub updated_at: DateTime<Utc>,
}

const FIELDS: &str = "<string> record::id(id) AS id, name, issuer, client_id, scopes, \
     username_claim, groups_claim, group_mappings, \
     (IF mappings_by != NONE { <string> record::id(mappings_by) }) AS mappings_by, created_at, \
     updated_at";

/// What a provider is written with.
pub struct ProviderWrite<'a> {
    pub name: &'a str,
    pub issuer: &'a str,
    pub client_id: &'a str,
    /// `None` keeps the stored secret (changes only).
    pub client_secret: Option<&'a str>,
    pub scopes: &'a [String],
    pub username_claim: &'a str,
    pub groups_claim: Option<&'a str>,
    pub group_mappings: Vec<MappingRow>,
    pub mappings_by: Option<&'a UserId>,
}

/// Every provider, by name.
pub async fn list(db: &Db) -> Result<Vec<ProviderRow>, StoreError> {
    let mut response = checked(
        db.query(format!("SELECT {FIELDS} FROM sso_provider ORDER BY name"))
            .await?,
    )?;
    Ok(response.take(0)?)
}

pub async fn get(db: &Db, id: &str) -> Result<Option<ProviderRow>, StoreError> {
    let mut response = checked(
        db.query(format!(
            "SELECT {FIELDS} FROM ONLY type::record('sso_provider', $id)"
        ))
        .bind(("id", id.to_string()))
        .await?,
    )?;
    Ok(response.take(0)?)
}

/// The client secret, for the token request only.
pub async fn secret(db: &Db, id: &str) -> Result<Option<String>, StoreError> {
    let mut response = checked(
        db.query("SELECT VALUE client_secret FROM ONLY type::record('sso_provider', $id)")
            .bind(("id", id.to_string()))
            .await?,
    )?;
    Ok(response.take(0)?)
}

fn bind_fields<'a>(write: Write<'a>, provider: &ProviderWrite<'_>) -> Write<'a> {
    write
        .bind("name", provider.name.to_string())
        .bind("issuer", provider.issuer.to_string())
        .bind("client_id", provider.client_id.to_string())
        .bind("client_secret", provider.client_secret.map(str::to_string))
        .bind("scopes", provider.scopes.to_vec())
        .bind("username_claim", provider.username_claim.to_string())
        .bind("groups_claim", provider.groups_claim.map(str::to_string))
        .bind("group_mappings", provider.group_mappings.clone())
        .bind("mappings_by", provider.mappings_by.map(|u| u.to_string()))
}

/// Creates a provider; returns it.
pub async fn create(
    db: &Db,
    provider: &ProviderWrite<'_>,
    seen: &InstanceSeen,
    now: DateTime<Utc>,
    audit: &super::audit::Audit,
) -> Result<ProviderRow, Guard> {
    let query = format!(
        "BEGIN TRANSACTION;
         {INSTANCE_GUARD}
         LET $created = CREATE ONLY sso_provider CONTENT {{
             name: $name, issuer: $issuer, client_id: $client_id,
             client_secret: $client_secret ?? '', scopes: $scopes,
             username_claim: $username_claim, groups_claim: $groups_claim,
             group_mappings: $group_mappings,
             mappings_by: IF $mappings_by = NONE {{ NONE }} ELSE {{ type::record('user', $mappings_by) }},
             created_at: $now, updated_at: $now
         }};
         LET $audit = object::extend($audit, {{ target: 'sso_provider:' + <string> record::id($created.id) }});
         COMMIT TRANSACTION;
         SELECT {FIELDS} FROM ONLY $created.id;"
    );
    bind_fields(Write::audited(db, &query, audit), provider)
        .bind("instance", seen.clone())
        .bind("now", now)
        .returning::<Option<ProviderRow>>()
        .await?
        .ok_or(Guard::NotFound)
}

/// Changes a provider; returns it. A new issuer is another provider: the identities linked
/// through the old one (their subjects mean nothing at the new one), pending links and
/// sign-ins under way go in the same transaction.
pub async fn update(
    db: &Db,
    id: &str,
    read_at: DateTime<Utc>,
    provider: &ProviderWrite<'_>,
    seen: &InstanceSeen,
    now: DateTime<Utc>,
    audit: &super::audit::Audit,
) -> Result<ProviderRow, Guard> {
    let query = format!(
        "BEGIN TRANSACTION;
         {INSTANCE_GUARD}
         LET $provider = type::record('sso_provider', $id);
         IF !record::exists($provider) {{ THROW 'not_found' }};
         IF $provider.updated_at != $read_at {{ THROW 'role_changed' }};
         IF $provider.issuer != $issuer {{
             DELETE identity WHERE provider = $provider;
             DELETE sso_link WHERE provider = $provider;
             DELETE sso_flow WHERE provider = $provider;
         }};
         UPDATE type::record('sso_provider', $id) SET name = $name, issuer = $issuer,
             client_id = $client_id, client_secret = $client_secret ?? client_secret,
             scopes = $scopes, username_claim = $username_claim, groups_claim = $groups_claim,
             group_mappings = $group_mappings,
             mappings_by = IF $mappings_by = NONE {{ mappings_by }} ELSE {{ type::record('user', $mappings_by) }},
             updated_at = $now;
         COMMIT TRANSACTION;
         SELECT {FIELDS} FROM ONLY type::record('sso_provider', $id);"
    );
    bind_fields(Write::audited(db, &query, audit), provider)
        .bind("id", id.to_string())
        .bind("read_at", read_at)
        .bind("instance", seen.clone())
        .bind("now", now)
        .returning::<Option<ProviderRow>>()
        .await?
        .ok_or(Guard::NotFound)
}

/// Deletes a provider with every identity linked through it.
pub async fn delete(
    db: &Db,
    id: &str,
    seen: &InstanceSeen,
    audit: &super::audit::Audit,
) -> Result<(), Guard> {
    let query = format!(
        "BEGIN TRANSACTION;
         {INSTANCE_GUARD}
         LET $provider = type::record('sso_provider', $id);
         IF !record::exists($provider) {{ THROW 'not_found' }};
         DELETE identity WHERE provider = $provider;
         DELETE sso_link WHERE provider = $provider;
         DELETE sso_flow WHERE provider = $provider;
         DELETE $provider;
         COMMIT TRANSACTION;"
    );
    Write::audited(db, &query, audit)
        .bind("id", id.to_string())
        .bind("instance", seen.clone())
        .run()
        .await
}
