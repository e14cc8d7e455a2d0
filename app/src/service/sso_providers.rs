//! OpenID Connect providers: configured by administrators, offered on the sign-in page.
//!
//! Invariants:
//! - Configuring providers needs the Site admin role (`instance.settings.update` is not
//!   enough: a provider decides who may sign in as whom, site admins included), held at the
//!   write (`INSTANCE_GUARD`); every change is audited, never with the client secret.
//! - The client secret is write-only: no function here returns it.
//! - The redirect URL to register at the provider is derived from the public URL and the
//!   provider's id, so it is shown, never typed.

use super::audit_entry::entry;
use super::instance_rulebook::InstanceCheck;
use super::principal::{InstanceAdmin, Principal};
use crate::domain::instance_permission::InstancePermission;
use crate::domain::sso::{
    GroupMapping, ProviderSettings, SignInOptions, SsoProvider, SsoProviderInput,
    SsoProviderSummary,
};
use crate::error::AppError;
use crate::store::sso_providers::{MappingRow, ProviderRow, ProviderWrite};
use crate::store::{self, Db};
use chrono::{DateTime, Utc};
use serde_json::json;

/// A provider id as a request gave it: none unless it could be one, so nothing else reaches a
/// query.
pub fn parse_id(id: &str) -> Option<&str> {
    (!id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric()))
        .then_some(id)
}

/// The caller as a site administrator: only they configure single sign-on.
fn site_admin(principal: &Principal) -> Result<InstanceAdmin<'_>, AppError> {
    let admin = principal.instance(InstancePermission::InstanceSettingsUpdate)?;
    if !admin.standing().site_admin() {
        return Err(AppError::forbidden(
            "Only a site administrator configures single sign-on.",
        ));
    }
    Ok(admin)
}

/// Where the provider sends the browser back: register it at the provider.
pub fn redirect_url(base_url: &str, id: &str) -> String {
    format!(
        "{}/api/v1/auth/sso/{id}/callback",
        base_url.trim_end_matches('/')
    )
}

fn settings_of(row: &ProviderRow) -> ProviderSettings {
    ProviderSettings {
        name: row.name.clone(),
        issuer: row.issuer.clone(),
        client_id: row.client_id.clone(),
        scopes: row.scopes.clone(),
        username_claim: row.username_claim.clone(),
        groups_claim: row.groups_claim.clone(),
        group_mappings: row
            .group_mappings
            .iter()
            .map(|m| GroupMapping {
                claim_value: m.claim_value.clone(),
                organization: m.organization.clone(),
                group: m.group.clone(),
            })
            .collect(),
    }
}

fn to_dto(row: &ProviderRow, base_url: &str) -> SsoProvider {
    let settings = settings_of(row);
    SsoProvider {
        id: row.id.clone(),
        name: settings.name,
        issuer: settings.issuer,
        client_id: settings.client_id,
        scopes: settings.scopes,
        username_claim: settings.username_claim,
        groups_claim: settings.groups_claim,
        group_mappings: settings.group_mappings,
        redirect_url: redirect_url(base_url, &row.id),
        created_at: super::rfc3339(row.created_at),
    }
}

/// What the audit log records of a provider (never the secret).
fn audited(settings: &ProviderSettings, secret_changed: bool) -> serde_json::Value {
    json!({
        "name": settings.name,
        "issuer": settings.issuer,
        "client_id": settings.client_id,
        "scopes": settings.scopes,
        "username_claim": settings.username_claim,
        "groups_claim": settings.groups_claim,
        "group_mappings": settings.group_mappings.len(),
        "client_secret_changed": secret_changed,
    })
}

fn secret(input: &SsoProviderInput) -> Result<Option<&str>, AppError> {
    let secret = input
        .client_secret
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    if secret.is_some_and(|s| s.len() > 1000) {
        return Err(AppError::validation(
            "client_secret",
            "Use at most 1000 characters.",
        ));
    }
    Ok(secret)
}

/// Each mapping must name a group its author may manage today: a typo would map nobody, and
/// a mapping acts with its author's rights (`sso_groups`).
async fn check_mappings(
    db: &Db,
    author: &Principal,
    mappings: &[GroupMapping],
) -> Result<Vec<MappingRow>, AppError> {
    let mut rows = Vec::with_capacity(mappings.len());
    for mapping in mappings {
        super::sso_groups::author_may_map(db, author, &mapping.organization, &mapping.group)
            .await
            .map_err(|err| {
                AppError::validation(
                    "group_mappings",
                    format!(
                        "{} / {}: {}",
                        mapping.organization, mapping.group, err.message
                    ),
                )
            })?;
        rows.push(MappingRow {
            claim_value: mapping.claim_value.clone(),
            organization: mapping.organization.clone(),
            group: mapping.group.clone(),
        });
    }
    Ok(rows)
}

/// The providers the sign-in page offers. No permission.
pub async fn offered(db: &Db) -> Result<Vec<SsoProviderSummary>, AppError> {
    Ok(store::sso_providers::list(db)
        .await?
        .into_iter()
        .map(|row| SsoProviderSummary {
            id: row.id,
            name: row.name,
        })
        .collect())
}

/// What the sign-in page offers. No permission.
pub async fn sign_in_options(db: &Db) -> Result<SignInOptions, AppError> {
    Ok(SignInOptions {
        providers: offered(db).await?,
        sso_only: store::settings::get(db).await?.sso_only,
    })
}

/// Every provider. Needs the Site admin role.
pub async fn list(
    db: &Db,
    principal: &Principal,
    base_url: &str,
) -> Result<Vec<SsoProvider>, AppError> {
    site_admin(principal)?;
    Ok(store::sso_providers::list(db)
        .await?
        .iter()
        .map(|row| to_dto(row, base_url))
        .collect())
}

async fn found(db: &Db, id: &str) -> Result<ProviderRow, AppError> {
    let id = parse_id(id).ok_or_else(AppError::not_found)?;
    store::sso_providers::get(db, id)
        .await?
        .ok_or_else(AppError::not_found)
}

/// One provider. Needs the Site admin role.
pub async fn get(
    db: &Db,
    principal: &Principal,
    id: &str,
    base_url: &str,
) -> Result<SsoProvider, AppError> {
    site_admin(principal)?;
    Ok(to_dto(&found(db, id).await?, base_url))
}

/// Adds a provider. Needs the Site admin role; the client secret is required.
pub async fn create(
    db: &Db,
    principal: &Principal,
    input: &SsoProviderInput,
    base_url: &str,
    now: DateTime<Utc>,
) -> Result<SsoProvider, AppError> {
    let admin = site_admin(principal)?;
    let author = admin.user_id().clone();
    let check = InstanceCheck::of(admin);
    let settings = ProviderSettings::from_input(input, None)?;
    let client_secret =
        secret(input)?.ok_or_else(|| AppError::validation("client_secret", "Required."))?;
    let mappings = check_mappings(db, principal, &settings.group_mappings).await?;
    let audit = entry(
        principal,
        "sso.provider_created",
        "sso_provider:",
        None,
        audited(&settings, true),
        now,
    );
    let row = store::sso_providers::create(
        db,
        &ProviderWrite {
            name: &settings.name,
            issuer: &settings.issuer,
            client_id: &settings.client_id,
            client_secret: Some(client_secret),
            scopes: &settings.scopes,
            username_claim: &settings.username_claim,
            groups_claim: settings.groups_claim.as_deref(),
            group_mappings: mappings,
            mappings_by: Some(&author),
        },
        &check.seen(),
        now,
        &audit,
    )
    .await?;
    Ok(to_dto(&row, base_url))
}

/// Changes a provider (absent fields stay; an empty secret keeps the stored one). Needs the
/// Site admin role. Whoever changes the mappings becomes their author.
pub async fn update(
    db: &Db,
    principal: &Principal,
    id: &str,
    input: &SsoProviderInput,
    base_url: &str,
    now: DateTime<Utc>,
) -> Result<SsoProvider, AppError> {
    let admin = site_admin(principal)?;
    let author = admin.user_id().clone();
    let check = InstanceCheck::of(admin);
    let current = found(db, id).await?;
    let before = settings_of(&current);
    let settings = ProviderSettings::from_input(input, Some(&before))?;
    let client_secret = secret(input)?;
    // What the mappings mean changes with the claim they read and the provider that fills it:
    // whoever changes any of these answers for the mappings from now on (their rights are
    // checked, and they become the author).
    let mappings_changed = settings.group_mappings != before.group_mappings
        || settings.groups_claim != before.groups_claim
        || settings.issuer != before.issuer
        || settings.client_id != before.client_id;
    let mappings = if mappings_changed {
        check_mappings(db, principal, &settings.group_mappings).await?
    } else {
        current.group_mappings.clone()
    };
    let audit = entry(
        principal,
        "sso.provider_updated",
        format!("sso_provider:{}", current.id),
        None,
        {
            let mut detail = audited(&settings, client_secret.is_some());
            if let Some(detail) = detail.as_object_mut() {
                // A new issuer unlinks every identity of the old one (in the store).
                detail.insert(
                    "issuer_changed".into(),
                    json!(settings.issuer != before.issuer),
                );
            }
            detail
        },
        now,
    );
    let row = store::sso_providers::update(
        db,
        &current.id,
        current.updated_at,
        &ProviderWrite {
            name: &settings.name,
            issuer: &settings.issuer,
            client_id: &settings.client_id,
            client_secret,
            scopes: &settings.scopes,
            username_claim: &settings.username_claim,
            groups_claim: settings.groups_claim.as_deref(),
            group_mappings: mappings,
            mappings_by: mappings_changed.then_some(&author),
        },
        &check.seen(),
        now,
        &audit,
    )
    .await?;
    super::oidc::forget(&current.id);
    Ok(to_dto(&row, base_url))
}

/// Removes a provider and unlinks every identity of it. Needs the Site admin role.
pub async fn delete(
    db: &Db,
    principal: &Principal,
    id: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let check = InstanceCheck::of(site_admin(principal)?);
    let current = found(db, id).await?;
    let audit = entry(
        principal,
        "sso.provider_deleted",
        format!("sso_provider:{}", current.id),
        None,
        json!({ "name": current.name, "issuer": current.issuer }),
        now,
    );
    store::sso_providers::delete(db, &current.id, &check.seen(), &audit).await?;
    super::oidc::forget(&current.id);
    Ok(())
}
