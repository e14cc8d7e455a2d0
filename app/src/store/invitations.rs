//! Invitations to an organization.
//!
//! Invariants:
//! - One live invitation per organization and address: the record id is derived from both, so
//!   two concurrent invitations of one address collide on the key. An expired one may be
//!   replaced.
//! - Only the SHA-256 of the link token is stored. A resend replaces it (the old link dies).
//! - Accepting checks the invitation, its expiry and the address, creates the membership and
//!   the group memberships, and deletes the invitation, all in one transaction: a link works
//!   at most once.
//! - Creating, resending and accepting confirm the rights check's findings (the invitation's
//!   role and preset groups, given by the inviter) in the writing transaction; accepting
//!   needs a verified address.

use super::checked::checked;
use super::organizations::MEMBER_COPY;
use super::rights::{RIGHTS_GUARD, RightsSeen};
use super::{Db, StoreError};
use super::{Guard, Write};
use crate::domain::ids::{GroupId, OrgId, TokenId, UserId};
use chrono::{DateTime, Utc};
use surrealdb::types::SurrealValue;

#[derive(Debug, Clone, SurrealValue)]
pub struct InvitationRow {
    pub id: String,
    pub org_id: OrgId,
    pub org_name: String,
    pub org_display_name: String,
    pub email: String,
    pub role: String,
    pub groups: Vec<String>,
    pub invited_by: Option<String>,
    /// The inviting member's user key (none when a token invited, or once they are gone).
    pub inviter_id: Option<UserId>,
    /// The inviting token's key, when a token invited.
    pub inviter_token: Option<TokenId>,
    /// The preset groups' keys (groups deleted since are gone from it).
    pub group_ids: Vec<GroupId>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

const FIELDS: &str = "record::id(id) AS id, record::id(org) AS org_id, org.name AS org_name, \
     org.display_name AS org_display_name, email, role, \
     (SELECT VALUE name FROM $parent.teams ORDER BY name) AS groups, \
     invited_by.username AS invited_by, \
     (IF invited_by != NONE { record::id(invited_by) } ELSE { NONE }) AS inviter_id, \
     (IF inviter_token != NONE { record::id(inviter_token) } ELSE { NONE }) AS inviter_token, \
     (SELECT VALUE record::id(id) FROM $parent.teams ORDER BY name) AS group_ids, \
     created_at, expires_at";

pub struct NewInvitation<'a> {
    pub id: &'a str,
    pub org_id: &'a OrgId,
    /// Lower-cased.
    pub email: &'a str,
    pub role: &'a str,
    pub group_ids: &'a [GroupId],
    /// The inviting member; none when a token invites.
    pub invited_by: Option<&'a UserId>,
    /// The inviting token (an organization or group token, or the limited user token a member
    /// invited through); none otherwise.
    pub inviter_token: Option<&'a TokenId>,
    pub token_hash: &'a str,
    pub expires_at: DateTime<Utc>,
}

pub async fn create(
    db: &Db,
    new: &NewInvitation<'_>,
    rights: &RightsSeen,
    now: DateTime<Utc>,
    audit: &super::audit::Audit,
) -> Result<(), Guard> {
    let query = format!(
        "BEGIN TRANSACTION;
         LET $org = type::record('organization', $org_key);
         LET $holder = (SELECT VALUE user FROM ONLY type::record('email_claim', $email));
         IF $holder != NONE AND record::exists(type::record('membership', [$org_key, record::id($holder)])) {{
             THROW 'invitee_is_member'
         }};
         LET $existing = (SELECT VALUE expires_at FROM ONLY type::record('invitation', $id));
         IF $existing != NONE AND $existing > $now {{ THROW 'invitation_pending' }};
         {RIGHTS_GUARD}
         UPSERT type::record('invitation', $id) CONTENT {{
             org: $org, email: $email, role: $role,
             teams: array::map($teams, |$t| type::record('team', $t)),
             invited_by: IF $inviter != NONE {{ type::record('user', $inviter) }} ELSE {{ NONE }},
             inviter_token: IF $inviter_token != NONE {{ type::record('api_token', $inviter_token) }} ELSE {{ NONE }},
             token_hash: $hash,
             created_at: $now, expires_at: $expires_at
         }};
         COMMIT TRANSACTION;"
    );
    Write::audited(db, &query, audit)
        .bind("id", new.id.to_string())
        .bind("org_key", new.org_id.to_string())
        .bind("email", new.email.to_string())
        .bind("role", new.role.to_string())
        .bind("rights", rights.clone())
        .bind("teams", new.group_ids.to_vec())
        .bind("inviter", new.invited_by.cloned())
        .bind("inviter_token", new.inviter_token.cloned())
        .bind("hash", new.token_hash.to_string())
        .bind("expires_at", new.expires_at)
        .bind("now", now)
        .run()
        .await
}

/// Live invitations of an organization, newest first.
pub async fn pending(
    db: &Db,
    org_id: &OrgId,
    now: DateTime<Utc>,
) -> Result<Vec<InvitationRow>, StoreError> {
    let mut response = checked(
        db.query(format!(
            "SELECT {FIELDS} FROM invitation
             WHERE org = type::record('organization', $org) AND expires_at > $now
             ORDER BY created_at DESC"
        ))
        .bind(("org", org_id.to_string()))
        .bind(("now", now))
        .await?,
    )?;
    Ok(response.take(0)?)
}

pub async fn get(db: &Db, org_id: &OrgId, id: &str) -> Result<Option<InvitationRow>, StoreError> {
    let mut response = checked(
        db.query(format!(
            "SELECT {FIELDS} FROM ONLY type::record('invitation', $id)
             WHERE org = type::record('organization', $org)"
        ))
        .bind(("org", org_id.to_string()))
        .bind(("id", id.to_string()))
        .await?,
    )?;
    Ok(response.take(0)?)
}

/// The live invitation a link token hash belongs to.
pub async fn by_token(
    db: &Db,
    hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<InvitationRow>, StoreError> {
    let mut response = checked(
        db.query(format!(
            "SELECT {FIELDS} FROM invitation WHERE token_hash = $hash AND expires_at > $now LIMIT 1"
        ))
        .bind(("hash", hash.to_string()))
        .bind(("now", now))
        .await?,
    )?;
    let rows: Vec<InvitationRow> = response.take(0)?;
    Ok(rows.into_iter().next())
}

/// The live invitations addressed to `email` (lower-cased), newest first.
pub async fn for_email(
    db: &Db,
    email: &str,
    now: DateTime<Utc>,
) -> Result<Vec<InvitationRow>, StoreError> {
    let mut response = checked(
        db.query(format!(
            "SELECT {FIELDS} FROM invitation WHERE email = $email AND expires_at > $now
             ORDER BY created_at DESC"
        ))
        .bind(("email", email.to_string()))
        .bind(("now", now))
        .await?,
    )?;
    Ok(response.take(0)?)
}

/// Which invitation an acceptance is for: the one behind a link's token hash, or (accepted in
/// place by the invited person) the one with this id, as it was when its rights were checked
/// (`created_at`: an invitation revoked and sent again, or resent, since has the same id but
/// is another one: refused as changed).
pub enum InvitationKey<'a> {
    TokenHash(&'a str),
    Id {
        id: &'a str,
        created_at: DateTime<Utc>,
    },
}

/// A new link (and a new expiry) for the live invitation `row`, once the rights check's
/// findings (`rights`: the invitation's role and groups, given again) are confirmed and the
/// invitation still gives exactly the role and groups that were checked.
pub async fn renew(
    db: &Db,
    row: &InvitationRow,
    token_hash: &str,
    expires_at: DateTime<Utc>,
    rights: &RightsSeen,
    now: DateTime<Utc>,
    audit: &super::audit::Audit,
) -> Result<(), Guard> {
    let query = format!(
        "BEGIN TRANSACTION;
         LET $inv = (SELECT role, teams, expires_at FROM ONLY type::record('invitation', $id));
         IF $inv = NONE OR $inv.expires_at <= $now {{ THROW 'invitation_invalid' }};
         IF $inv.role != $role OR array::sort(array::map(array::filter($inv.teams, |$t| record::exists($t)), |$t| record::id($t))) != array::sort($group_ids) {{
             THROW 'invitation_changed'
         }};
         {RIGHTS_GUARD}
         UPDATE type::record('invitation', $id)
         SET token_hash = $hash, expires_at = $expires_at, created_at = $now;
         COMMIT TRANSACTION;"
    );
    Write::audited(db, &query, audit)
        .bind("id", row.id.clone())
        .bind("role", row.role.clone())
        .bind("group_ids", row.group_ids.clone())
        .bind("hash", token_hash.to_string())
        .bind("expires_at", expires_at)
        .bind("rights", rights.clone())
        .bind("now", now)
        .run()
        .await
}

pub async fn delete(db: &Db, id: &str, audit: &super::audit::Audit) -> Result<bool, Guard> {
    deleting(
        db,
        "LET $gone = (DELETE type::record('invitation', $key) RETURN BEFORE);",
        id,
        audit,
    )
    .await
}

/// Runs `delete` (which binds `$gone` from `$key`) with the audit entry in one transaction;
/// `false` (and no entry) if it deleted nothing.
async fn deleting(
    db: &Db,
    delete: &str,
    key: &str,
    audit: &super::audit::Audit,
) -> Result<bool, Guard> {
    let query = format!(
        "BEGIN TRANSACTION;
         {delete}
         IF array::len($gone) = 0 {{ THROW 'absent' }};
         LET $audit_org = record::id($gone[0].org);
         COMMIT TRANSACTION;"
    );
    Write::audited(db, &query, audit)
        .bind("key", key.to_string())
        .run_unless(Guard::Absent)
        .await
}

/// Accepts the invitation `key` names for `user_id`, whose lower-cased address (read in the
/// transaction) must be the invited one and verified, once the inviter's rights check (`rights`: the invitation's role
/// and groups, given by the inviter as they stand now) is confirmed. Returns the
/// organization's name.
pub async fn accept(
    db: &Db,
    key: InvitationKey<'_>,
    user_id: &UserId,
    email: &str,
    rights: &RightsSeen,
    now: DateTime<Utc>,
    audit: &super::audit::Audit,
) -> Result<String, Guard> {
    let query = format!(
        "BEGIN TRANSACTION;
         LET $inv = IF $id != NONE {{ (SELECT * FROM ONLY type::record('invitation', $id)) }}
             ELSE {{ (SELECT * FROM invitation WHERE token_hash = $hash LIMIT 1)[0] }};
         IF $inv = NONE OR $inv.expires_at <= $now {{ THROW 'invitation_invalid' }};
         IF $created_at != NONE AND $inv.created_at != $created_at {{ THROW 'invitation_changed' }};
         IF $inv.email != $email {{ THROW 'email_mismatch' }};
         LET $org_key = record::id($inv.org);
         IF $org_key != $rights.org {{ THROW 'invitation_invalid' }};
         LET $user = type::record('user', $user_key);
         LET $account = (SELECT email, email_verified FROM ONLY $user);
         IF string::lowercase($account.email ?? '') != $email {{ THROW 'email_mismatch' }};
         IF $account.email_verified != true {{ THROW 'unverified' }};
         IF record::exists(type::record('membership', [$org_key, $user_key])) {{ THROW 'invitee_is_member' }};
         {RIGHTS_GUARD}
         CREATE type::record('membership', [$org_key, $user_key]) CONTENT {{
             org: $inv.org, user: $user, role: $inv.role, {MEMBER_COPY}, joined_at: $now
         }};
         FOR $team IN $inv.teams {{
             IF record::exists($team) AND $team.org = $inv.org {{
                 UPSERT type::record('team_member', [record::id($team), $user_key]) CONTENT {{
                     team: $team, org: $inv.org, user: $user, added_at: $now
                 }};
             }};
         }};
         DELETE $inv.id;
         LET $audit_org = $org_key;
         COMMIT TRANSACTION;
         SELECT VALUE name FROM ONLY type::record('organization', $org_key);"
    );
    let (hash, id, created_at) = match key {
        InvitationKey::TokenHash(hash) => (Some(hash.to_string()), None, None),
        InvitationKey::Id { id, created_at } => (None, Some(id.to_string()), Some(created_at)),
    };
    let result = Write::audited(db, &query, audit)
        .bind("hash", hash)
        .bind("id", id)
        .bind("created_at", created_at)
        .bind("user_key", user_id.to_string())
        .bind("email", email.to_string())
        .bind("rights", rights.clone())
        .bind("now", now)
        .returning::<Option<String>>()
        .await;
    result?.ok_or(Guard::InvitationInvalid)
}

/// Deletes the invitation behind `hash` (declined). `false` if there was none.
pub async fn decline(db: &Db, hash: &str, audit: &super::audit::Audit) -> Result<bool, Guard> {
    deleting(
        db,
        "LET $gone = (DELETE invitation WHERE token_hash = $key RETURN BEFORE);",
        hash,
        audit,
    )
    .await
}
