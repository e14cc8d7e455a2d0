//! Token hygiene: the live tokens of an organization or of the instance with what makes them
//! worth a look (expiring soon, never used, their creator gone from the organization),
//! rotation with a grace period, and the one-time notice of a coming expiry.
//!
//! Invariants:
//! - A rotation is one transaction: the successor is created with the old token's kind,
//!   owner, organization, group, role, limit, description and expiry, and the old one stops
//!   at once (revoked) or when its grace period ends (its `expires_at` brought forward, never
//!   pushed back); a token is rotated once (a second rotation of it is refused).
//! - The expiry notice is claimed (`expiry_notified_at`) in the transaction that writes it to
//!   the outbox: each token's creator is told once, also with several servers.

use super::checked::checked;
use super::guard::Guard;
use super::outbox::ENQUEUE;
use super::tokens::{FIELDS, TokenRow};
use super::write::Write;
use super::{Db, StoreError};
use crate::domain::ids::{OrgId, TokenId};
use crate::domain::token::TokenFlag;
use chrono::{DateTime, Utc};
use surrealdb::types::{SurrealValue, Value};

/// A token as the hygiene lists show it.
#[derive(Debug, Clone, SurrealValue)]
pub struct ListedToken {
    #[surreal(flatten)]
    pub token: TokenRow,
    /// A group token's group.
    pub group_name: Option<String>,
    /// A group token's group's role (only owners see an Owner-role group's tokens).
    pub group_role: Option<String>,
    /// An organization or group token whose creator is no longer a member.
    pub orphaned: Option<bool>,
    /// A user token's user.
    pub owner: Option<String>,
    /// An organization or group token's organization, or a limited user token's.
    pub org_name: Option<String>,
}

/// Whether an organization or group token's creator left its organization (or was deleted);
/// a token created by a token has no creator to leave.
const ORPHANED: &str = "(kind != 'user' AND created_by != NONE
     AND !record::exists(type::record('membership', [record::id(org), record::id(created_by)])))";

/// The extra columns of a [`ListedToken`].
fn listed() -> String {
    format!(
        "{FIELDS}, team.name AS group_name, team.role AS group_role, {ORPHANED} AS orphaned, \
         (IF kind = 'user' {{ user.username }} ELSE {{ NONE }}) AS owner, org.name AS org_name"
    )
}

/// The `WHERE` conditions of live tokens with `flag` (`$now`, and `$soon` a week later).
fn live_with(flag: Option<TokenFlag>) -> String {
    let flag = match flag {
        None => String::new(),
        Some(TokenFlag::Expiring) => "AND expires_at != NONE AND expires_at <= $soon".into(),
        Some(TokenFlag::NeverUsed) => "AND last_used_at = NONE".into(),
        Some(TokenFlag::Orphaned) => format!("AND {ORPHANED}"),
    };
    format!("revoked_at = NONE AND (expires_at = NONE OR expires_at > $now) {flag}")
}

/// The organization's live organization and group tokens with `flag`, newest first.
pub async fn of_org(
    db: &Db,
    org_id: &OrgId,
    flag: Option<TokenFlag>,
    now: DateTime<Utc>,
    soon: DateTime<Utc>,
) -> Result<Vec<ListedToken>, StoreError> {
    let mut response = checked(
        db.query(format!(
            "SELECT {listed} FROM api_token
             WHERE org = type::record('organization', $org) AND kind IN ['organization', 'group']
               AND {live}
             ORDER BY created_at DESC",
            listed = listed(),
            live = live_with(flag),
        ))
        .bind(("org", org_id.to_string()))
        .bind(("now", now))
        .bind(("soon", soon))
        .await?,
    )?;
    Ok(response.take(0)?)
}

/// One page of every live token of the instance with `flag`, by key, after `after`.
pub async fn all(
    db: &Db,
    flag: Option<TokenFlag>,
    after: Option<&str>,
    limit: i64,
    now: DateTime<Utc>,
    soon: DateTime<Utc>,
) -> Result<Vec<ListedToken>, StoreError> {
    let mut response = checked(
        db.query(format!(
            "SELECT {listed} FROM api_token
             WHERE {live} AND ($after = NONE OR id > type::record('api_token', $after))
             ORDER BY id LIMIT $limit",
            listed = listed(),
            live = live_with(flag),
        ))
        .bind(("after", after.map(str::to_string)))
        .bind(("limit", limit))
        .bind(("now", now))
        .bind(("soon", soon))
        .await?,
    )?;
    Ok(response.take(0)?)
}

/// A rotation: the successor's secret (hash and prefix), its expiry and admin scope (the old
/// token's, within what the instance and the user allow today), and when the old token stops.
pub struct Rotation<'a> {
    pub id: &'a TokenId,
    pub hash: &'a str,
    pub prefix: &'a str,
    pub expires_at: Option<DateTime<Utc>>,
    pub admin: bool,
    /// When the old token stops: `now` revokes it at once.
    pub grace_until: DateTime<Utc>,
}

/// Rotates the live, not yet rotated token `rotation.id` (404 `not_found` otherwise): returns
/// its successor.
pub async fn rotate(
    db: &Db,
    rotation: &Rotation<'_>,
    now: DateTime<Utc>,
    audit: &super::audit::Audit,
) -> Result<TokenRow, Guard> {
    Write::audited(
        db,
        &format!(
            "BEGIN TRANSACTION;
             LET $old = type::record('api_token', $id);
             LET $was = (SELECT * FROM ONLY $old);
             IF $was = NONE OR $was.revoked_at != NONE
                OR ($was.expires_at != NONE AND $was.expires_at <= $now) {{ THROW 'not_found' }};
             IF $was.rotated_at != NONE {{ THROW 'already_rotated' }};
             LET $new = CREATE ONLY api_token CONTENT {{
                 kind: $was.kind, hash: $hash, prefix: $prefix, user: $was.user,
                 description: $was.description, created_by: $was.created_by, created_at: $now,
                 expires_at: $expires_at, admin: $admin, org: $was.org, team: $was.team,
                 role: $was.role, expiry_notified_at: $was.expiry_notified_at
             }};
             IF $grace_until <= $now {{
                 UPDATE $old SET revoked_at = $now, rotated_at = $now, successor = $new.id;
             }} ELSE {{
                 UPDATE $old SET rotated_at = $now, successor = $new.id,
                     expires_at = IF expires_at = NONE OR expires_at > $grace_until {{ $grace_until }} ELSE {{ expires_at }};
             }};
             COMMIT TRANSACTION;
             SELECT {FIELDS} FROM ONLY $new.id;"
        ),
        audit,
    )
    .bind("id", rotation.id.to_string())
    .bind("hash", rotation.hash.to_string())
    .bind("prefix", rotation.prefix.to_string())
    .bind("grace_until", rotation.grace_until)
    .bind("expires_at", rotation.expires_at)
    .bind("admin", rotation.admin)
    .bind("now", now)
    .returning::<Option<TokenRow>>()
    .await?
    .ok_or(Guard::NotFound)
}

/// A live token expiring before `$soon` whose creator was not told yet, with their address.
#[derive(Debug, Clone, SurrealValue)]
pub struct ExpiryDue {
    #[surreal(flatten)]
    pub token: TokenRow,
    /// The creator's address, when it is verified, they are active and (for an organization
    /// or group token) still a member; none otherwise (nobody is told).
    pub email: Option<String>,
    pub org_name: Option<String>,
    pub group_name: Option<String>,
}

/// Up to `limit` live tokens that expire between `now` and `soon` and whose creator was not
/// told yet, through the `api_token_expires` index.
pub async fn expiry_due(
    db: &Db,
    now: DateTime<Utc>,
    soon: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<ExpiryDue>, StoreError> {
    let mut response = checked(
        db.query(format!(
            "SELECT {FIELDS},
                    (IF created_by.email_verified = true AND created_by.active = true
                        AND !{ORPHANED} {{ created_by.email }} ELSE {{ NONE }}) AS email,
                    org.name AS org_name, team.name AS group_name
             FROM api_token
             WHERE expires_at > $now AND expires_at <= $soon AND revoked_at = NONE
               AND rotated_at = NONE AND expiry_notified_at = NONE
             ORDER BY expires_at LIMIT $limit"
        ))
        .bind(("now", now))
        .bind(("soon", soon))
        .bind(("limit", limit))
        .await?,
    )?;
    Ok(response.take(0)?)
}

/// The notice for token `id`: claims it and writes `message` (none: nobody to tell) to the
/// outbox in one transaction. Whether this call claimed it (false: someone else did first).
pub async fn notify_expiry(
    db: &Db,
    id: &TokenId,
    message: Option<&super::outbox::NewMessage<'_>>,
    now: DateTime<Utc>,
) -> Result<bool, Guard> {
    Write::new(
        db,
        &format!(
            "BEGIN TRANSACTION;
             LET $hit = (UPDATE type::record('api_token', $id) SET expiry_notified_at = $now
                         WHERE expiry_notified_at = NONE RETURN AFTER);
             IF array::len($hit) = 0 {{ THROW 'quiet' }};
             IF $recipient != NONE {{ {ENQUEUE} }};
             COMMIT TRANSACTION;"
        ),
    )
    .bind("id", id.to_string())
    .bind("recipient", message.map(|m| m.recipient.to_string()))
    .bind("subject", message.map(|m| m.subject.to_string()))
    .bind("body", message.map(|m| m.body.to_string()))
    .bind("kind", message.map(|m| m.kind.to_string()))
    .bind("now", now)
    .run_unless(Guard::Quiet)
    .await
}
