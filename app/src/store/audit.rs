//! The audit log: append-only, hash-chained entries written inside the transaction of the
//! change they record.
//!
//! Invariants:
//! - An entry is written only by [`APPEND`], a SurrealQL fragment that the writing store
//!   function runs inside its own transaction, with the entry bound as `$audit`; so there is
//!   never a change without its entry, nor an entry without its change.
//! - Entry `n` stores `prev_hash` = entry `n-1`'s hash and `hash` = SHA-256 of [`CANON`] (its
//!   canonical form, which includes `prev_hash`). The head record is read and rewritten by
//!   every append, so concurrent appends conflict and are retried: the chain never forks.
//! - Nothing updates or deletes an entry (a database event refuses it).

use super::checked::checked;
use super::{Db, StoreError};
use super::{Guard, Write};
use chrono::{DateTime, Utc};
use surrealdb::types::SurrealValue;

/// One entry to append.
#[derive(Debug, Clone, SurrealValue)]
pub struct Audit {
    pub at: DateTime<Utc>,
    /// Who acted: a username, `token gto_ab12…`, or `anonymous`.
    pub actor: String,
    /// The acting user's or token's id ("" when anonymous).
    pub actor_id: String,
    pub ip: String,
    /// e.g. `member.role_changed`.
    pub action: String,
    /// e.g. `user:bob`, `group:devs`.
    pub target: String,
    /// The organization's id, or "" for an instance-wide event.
    pub org: String,
    pub detail: serde_json::Value,
}

/// The canonical form of an entry, as an expression over a record's fields (or over the
/// `$audit`-like object it is applied to with `$e.`). Used to write and to verify.
macro_rules! canon {
    ($p:literal) => {
        concat!(
            "crypto::sha256(string::join('\\n', <string>",
            $p,
            "seq, ",
            $p,
            "prev_hash, <string>",
            $p,
            "at, ",
            $p,
            "actor, ",
            $p,
            "actor_id, ",
            $p,
            "ip, ",
            $p,
            "action, ",
            $p,
            "target, ",
            $p,
            "org, <string>",
            $p,
            "detail))"
        )
    };
}

/// Appends `$audit` (bound by the caller) to the chain. Runs inside the caller's transaction.
/// A transaction that creates the organization sets `$audit_org` to its new id first.
pub const APPEND: &str = concat!(
    "LET $a_head = (SELECT seq, hash FROM ONLY audit_head:main);
     LET $a_seq = IF $a_head = NONE { 1 } ELSE { $a_head.seq + 1 };
     LET $a_entry = {
         seq: $a_seq, at: $audit.at, actor: $audit.actor, actor_id: $audit.actor_id,
         ip: $audit.ip, action: $audit.action, target: $audit.target,
         org: IF $audit_org != NONE { $audit_org } ELSE { $audit.org },
         detail: $audit.detail, prev_hash: IF $a_head = NONE { '' } ELSE { $a_head.hash }
     };
     LET $a_hash = ",
    canon!("$a_entry."),
    ";
     CREATE type::record('audit_event', $a_seq) CONTENT object::extend($a_entry, { hash: $a_hash });
     UPSERT audit_head:main CONTENT { seq: $a_seq, hash: $a_hash };"
);

/// Appends one entry on its own (for events that change nothing else, such as a failed
/// sign-in or the use of a revoked token).
pub async fn append(db: &Db, audit: &Audit) -> Result<(), Guard> {
    Write::audited(db, "BEGIN TRANSACTION; COMMIT TRANSACTION;", audit)
        .run()
        .await
}

/// A stored entry.
#[derive(Debug, Clone, SurrealValue)]
pub struct AuditRow {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub actor_id: String,
    pub ip: String,
    pub action: String,
    pub target: String,
    pub org: String,
    pub detail: serde_json::Value,
}

/// Filters for reading the log.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// An organization's id; none for every event.
    pub org: Option<String>,
    pub actor: Option<String>,
    pub action: Option<String>,
    pub target: Option<String>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

const ROW: &str = "seq, at, actor, actor_id, ip, action, target, org, detail";

const WHERE: &str = "($org = NONE OR org = $org)
       AND ($actor = NONE OR actor = $actor)
       AND ($action = NONE OR action = $action OR string::starts_with(action, string::concat($action, '.')))
       AND ($target = NONE OR target = $target)
       AND ($since = NONE OR at >= $since)
       AND ($until = NONE OR at < $until)";

/// Up to `limit` entries matching `filter`, newest first, older than seq `before` if given.
pub async fn page(
    db: &Db,
    filter: &Filter,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<AuditRow>, StoreError> {
    let mut response = checked(
        db.query(format!(
            "SELECT {ROW} FROM audit_event
             WHERE {WHERE} AND ($before = NONE OR seq < $before)
             ORDER BY seq DESC LIMIT $limit"
        ))
        .bind(("org", filter.org.clone()))
        .bind(("actor", filter.actor.clone()))
        .bind(("action", filter.action.clone()))
        .bind(("target", filter.target.clone()))
        .bind(("since", filter.since))
        .bind(("until", filter.until))
        .bind(("before", before))
        .bind(("limit", limit))
        .await?,
    )?;
    Ok(response.take(0)?)
}

/// Up to `limit` entries matching `filter`, oldest first, after seq `after` (for exports that
/// stream the log a page at a time).
pub async fn page_forward(
    db: &Db,
    filter: &Filter,
    after: i64,
    limit: i64,
) -> Result<Vec<AuditRow>, StoreError> {
    let mut response = checked(
        db.query(format!(
            "SELECT {ROW} FROM audit_event
             WHERE {WHERE} AND seq > $after
             ORDER BY seq LIMIT $limit"
        ))
        .bind(("org", filter.org.clone()))
        .bind(("actor", filter.actor.clone()))
        .bind(("action", filter.action.clone()))
        .bind(("target", filter.target.clone()))
        .bind(("since", filter.since))
        .bind(("until", filter.until))
        .bind(("after", after))
        .bind(("limit", limit))
        .await?,
    )?;
    Ok(response.take(0)?)
}

/// One link of the chain as stored, with the hash recomputed from its fields.
#[derive(Debug, Clone, SurrealValue)]
pub struct LinkRow {
    pub seq: i64,
    pub prev_hash: String,
    pub hash: String,
    pub computed: String,
}

/// Up to `limit` links after seq `after`, in order.
pub async fn links(db: &Db, after: i64, limit: i64) -> Result<Vec<LinkRow>, StoreError> {
    let mut response = checked(
        db.query(concat!(
            "SELECT seq, prev_hash, hash, ",
            canon!(""),
            " AS computed FROM audit_event WHERE seq > $after ORDER BY seq LIMIT $limit"
        ))
        .bind(("after", after))
        .bind(("limit", limit))
        .await?,
    )?;
    Ok(response.take(0)?)
}

/// The head of the chain: (last seq, its hash), if any entry exists.
pub async fn head(db: &Db) -> Result<Option<(i64, String)>, StoreError> {
    #[derive(SurrealValue)]
    struct Head {
        seq: i64,
        hash: String,
    }
    let mut response = checked(
        db.query("SELECT seq, hash FROM ONLY audit_head:main")
            .await?,
    )?;
    let head: Option<Head> = response.take(0)?;
    Ok(head.map(|h| (h.seq, h.hash)))
}
