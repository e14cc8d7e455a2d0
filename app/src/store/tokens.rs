//! API tokens, stored by the SHA-256 of their secret.

use super::checked::checked;
use super::organizations::{AccessRow, MEMBER_STANDING, TOKEN_STANDING, TokenAccessRow};
use super::settings::{SETTINGS, SettingsRow, present};
use super::users::{USER_FIELDS, UserRow};
use super::{Db, StoreError};
use super::{Guard, Write};
use crate::domain::ids::{GroupId, OrgId, TokenId, UserId};
use chrono::{DateTime, Utc};
use surrealdb::types::SurrealValue;

#[derive(Debug, Clone, SurrealValue)]
pub struct TokenRow {
    pub id: TokenId,
    pub kind: String,
    pub prefix: String,
    pub user: Option<UserId>,
    pub description: String,
    pub created_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// An organization or group token's organization, or the one a user token is limited to.
    pub org: Option<OrgId>,
    /// A group token's group.
    pub group: Option<GroupId>,
    /// An organization token's role, or the role level a limited user token acts at.
    pub role: Option<String>,
    /// The name of the organization a user token is limited to (none for other kinds).
    pub organization: Option<String>,
    /// When it was rotated (it works until `expires_at`, its grace period's end).
    pub rotated_at: Option<DateTime<Utc>>,
    /// The creator's username (none once they are gone, or when a token created it).
    pub creator: Option<String>,
    /// A user token created with the admin scope.
    pub admin: bool,
}

pub(super) const FIELDS: &str = "record::id(id) AS id, kind, prefix, \
     (IF user != NONE { record::id(user) } ELSE { NONE }) AS user, description, \
     (IF created_by != NONE { record::id(created_by) } ELSE { NONE }) AS created_by, \
     created_at, expires_at, last_used_at, revoked_at, \
     (IF org != NONE { record::id(org) } ELSE { NONE }) AS org, \
     (IF team != NONE { record::id(team) } ELSE { NONE }) AS group, role, \
     created_by.username AS creator, (admin = true) AS admin, \
     (IF kind = 'user' AND org != NONE { org.name } ELSE { NONE }) AS organization, rotated_at";

pub struct NewUserToken<'a> {
    pub hash: &'a str,
    pub prefix: &'a str,
    pub user_id: &'a UserId,
    pub description: &'a str,
    pub expires_at: Option<DateTime<Utc>>,
    /// The admin scope (only a site admin's token gets it).
    pub admin: bool,
    /// The organization it is limited to, and the role level it acts at there.
    pub org_id: Option<&'a OrgId>,
    pub role: Option<&'a str>,
}

pub async fn create_user_token(
    db: &Db,
    new: &NewUserToken<'_>,
    now: DateTime<Utc>,
    audit: &super::audit::Audit,
) -> Result<TokenRow, Guard> {
    let row = Write::audited(
        db,
        &format!(
            "BEGIN TRANSACTION;
             LET $t = CREATE ONLY api_token CONTENT {{
                 kind: 'user', hash: $hash, prefix: $prefix, user: type::record('user', $user),
                 description: $description, created_by: type::record('user', $user),
                 created_at: $now, expires_at: $expires_at, admin: $admin,
                 org: IF $org != NONE {{ type::record('organization', $org) }} ELSE {{ NONE }},
                 role: $role
             }};
             COMMIT TRANSACTION;
             SELECT {FIELDS} FROM ONLY $t.id;"
        ),
        audit,
    )
    .bind("hash", new.hash.to_string())
    .bind("prefix", new.prefix.to_string())
    .bind("user", new.user_id.to_string())
    .bind("description", new.description.to_string())
    .bind("expires_at", new.expires_at)
    .bind("admin", new.admin)
    .bind("org", new.org_id.map(ToString::to_string))
    .bind("role", new.role.map(str::to_string))
    .bind("now", now)
    .returning::<Option<TokenRow>>()
    .await?;
    row.ok_or_else(|| surrealdb::Error::internal("token creation returned no row".into()).into())
}

/// A new organization token (`group_id` none, `role` set) or group token (`group_id` set).
pub struct NewOrgToken<'a> {
    pub hash: &'a str,
    pub prefix: &'a str,
    pub org_id: &'a OrgId,
    pub group_id: Option<&'a GroupId>,
    pub role: Option<&'a str>,
    pub description: &'a str,
    pub created_by: Option<&'a UserId>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// Creates an organization or group token, after the rights guard confirms inside the
/// transaction what the caller's check saw (the role, or the group's role).
pub async fn create_org_token(
    db: &Db,
    new: &NewOrgToken<'_>,
    rights: &super::rights::RightsSeen,
    now: DateTime<Utc>,
    audit: &super::audit::Audit,
) -> Result<TokenRow, Guard> {
    let result = Write::audited(db, &format!(
                "BEGIN TRANSACTION;
                 {guard}
                 LET $t = CREATE ONLY api_token CONTENT {{
                     kind: IF $team != NONE {{ 'group' }} ELSE {{ 'organization' }},
                     hash: $hash, prefix: $prefix, org: type::record('organization', $org),
                     team: IF $team != NONE {{ type::record('team', $team) }} ELSE {{ NONE }},
                     role: $role, description: $description,
                     created_by: IF $created_by != NONE {{ type::record('user', $created_by) }} ELSE {{ NONE }},
                     created_at: $now, expires_at: $expires_at
                 }};
                 COMMIT TRANSACTION;
                 SELECT {FIELDS} FROM ONLY $t.id;",
                guard = super::rights::RIGHTS_GUARD
            ), audit)
        .bind("hash", new.hash.to_string())
        .bind("prefix", new.prefix.to_string())
        .bind("org", new.org_id.to_string())
        .bind("team", new.group_id.cloned())
        .bind("role", new.role.map(str::to_string))
        .bind("rights", rights.clone())
        .bind("description", new.description.to_string())
        .bind("created_by", new.created_by.cloned())
        .bind("expires_at", new.expires_at)
        .bind("now", now)
        .returning::<Option<TokenRow>>()
        .await;
    result?.ok_or_else(|| {
        Guard::Store(surrealdb::Error::internal("token creation returned no row".into()).into())
    })
}

/// An organization's live organization tokens (`group_id` none) or one group's live tokens,
/// newest first.
pub async fn for_org(
    db: &Db,
    org_id: &OrgId,
    group_id: Option<&GroupId>,
) -> Result<Vec<TokenRow>, StoreError> {
    let query = if group_id.is_some() {
        format!(
            "SELECT {FIELDS} FROM api_token
             WHERE team = type::record('team', $team) AND revoked_at = NONE
             ORDER BY created_at DESC"
        )
    } else {
        format!(
            "SELECT {FIELDS} FROM api_token
             WHERE org = type::record('organization', $org) AND kind = 'organization'
               AND revoked_at = NONE
             ORDER BY created_at DESC"
        )
    };
    let mut response = checked(
        db.query(query)
            .bind(("org", org_id.to_string()))
            .bind(("team", group_id.cloned()))
            .await?,
    )?;
    Ok(response.take(0)?)
}

/// A token with its user and the instance settings, as one read returns them.
#[derive(SurrealValue)]
struct TokenCallerRow {
    token: Option<TokenRow>,
    user: Option<UserRow>,
    settings: Option<SettingsRow>,
    member_standing: Option<AccessRow>,
    token_standing: Option<TokenAccessRow>,
}

/// What resolving a bearer token reads.
pub struct TokenCaller {
    pub token: TokenRow,
    /// A user token's user (none otherwise, or if gone).
    pub user: Option<UserRow>,
    pub settings: SettingsRow,
    /// With an organization asked for: a user token's user's standing in it.
    pub member_standing: Option<AccessRow>,
    /// With an organization asked for: an organization or group token's standing in it.
    pub token_standing: Option<TokenAccessRow>,
}

/// The token whose secret hashes to `hash`, if there is one, with its user, the instance
/// settings and, when `org` names an organization, the token's standing in it: what
/// resolving a bearer token (and checking it in that organization) needs, in one round trip.
pub async fn with_user(
    db: &Db,
    hash: &str,
    org: Option<&str>,
) -> Result<Option<TokenCaller>, StoreError> {
    // Without an organization the standing is left out of the text (a longer query costs
    // its parse on every request).
    let standing = if org.is_some() {
        format!(
            "member_standing: IF $found.kind != 'user' OR $user = NONE {{ NONE }} ELSE {member},
             token_standing: IF $found = NONE OR $found.kind = 'user' {{ NONE }} ELSE {token}",
            member = *MEMBER_STANDING,
            token = *TOKEN_STANDING,
        )
    } else {
        "member_standing: NONE, token_standing: NONE".to_string()
    };
    let mut response = checked(
        db.query(format!(
            "LET $found = (SELECT {FIELDS} FROM api_token WHERE hash = $hash LIMIT 1)[0];
             LET $user = IF $found.user = NONE {{ NONE }} ELSE {{
                 (SELECT {USER_FIELDS} FROM ONLY type::record('user', $found.user))
             }};
             LET $standing_user = $found.user;
             LET $group_key = $found.group;
             RETURN {{ token: $found, user: $user, settings: {SETTINGS}, {standing} }};"
        ))
        .bind(("hash", hash.to_string()))
        .bind(("name", org.map(str::to_string)))
        .await?,
    )?;
    let Some(row) = response.take::<Option<TokenCallerRow>>(4)? else {
        return Ok(None);
    };
    let settings = present(row.settings)?;
    Ok(row.token.map(|token| TokenCaller {
        token,
        user: row.user,
        settings,
        member_standing: row.member_standing,
        token_standing: row.token_standing,
    }))
}

/// The user's live (unrevoked) tokens, newest first.
pub async fn for_user(db: &Db, user_id: &UserId) -> Result<Vec<TokenRow>, StoreError> {
    let mut response = checked(
        db.query(format!(
            "SELECT {FIELDS} FROM api_token
             WHERE kind = 'user' AND user = type::record('user', $user) AND revoked_at = NONE
             ORDER BY created_at DESC"
        ))
        .bind(("user", user_id.to_string()))
        .await?,
    )?;
    Ok(response.take(0)?)
}

pub async fn by_id(db: &Db, id: &TokenId) -> Result<Option<TokenRow>, StoreError> {
    let mut response = checked(
        db.query(format!(
            "SELECT {FIELDS} FROM ONLY type::record('api_token', $id)"
        ))
        .bind(("id", id.to_string()))
        .await?,
    )?;
    Ok(response.take(0)?)
}

pub async fn revoke(
    db: &Db,
    id: &TokenId,
    now: DateTime<Utc>,
    audit: &super::audit::Audit,
) -> Result<(), Guard> {
    Write::audited(
        db,
        "BEGIN TRANSACTION;
         UPDATE type::record('api_token', $id) SET revoked_at = $now;
         COMMIT TRANSACTION;",
        audit,
    )
    .bind("id", id.to_string())
    .bind("now", now)
    .run()
    .await?;
    Ok(())
}

/// Records an attempt to use the revoked token `id` (its `last_used_at`), with `audit`, unless
/// one was recorded since `since`: at most one entry per token per period, even for a burst
/// of parallel attempts. Whether it recorded one.
pub async fn note_revoked_use(
    db: &Db,
    id: &TokenId,
    since: DateTime<Utc>,
    now: DateTime<Utc>,
    audit: &super::audit::Audit,
) -> Result<bool, Guard> {
    Write::audited(
        db,
        "BEGIN TRANSACTION;
         LET $hit = (UPDATE type::record('api_token', $id) SET last_used_at = $now
                     WHERE last_used_at = NONE OR last_used_at <= $since RETURN AFTER);
         IF array::len($hit) = 0 { THROW 'quiet' };
         COMMIT TRANSACTION;",
        audit,
    )
    .bind("id", id.to_string())
    .bind("since", since)
    .bind("now", now)
    .run_unless(Guard::Quiet)
    .await
}

pub async fn touch(db: &Db, id: &TokenId, now: DateTime<Utc>) -> Result<(), StoreError> {
    checked(
        db.query("UPDATE type::record('api_token', $id) SET last_used_at = $now")
            .bind(("id", id.to_string()))
            .bind(("now", now))
            .await?,
    )?;
    Ok(())
}
