//! The store: the only place SurrealQL is written. Everything above it calls typed functions.
//! May import: `domain`, `error` (checked by `tests/it/layers.rs`).
//!
//! Invariants:
//! - Every value reaches SurrealDB through `.bind(...)`; no query text is built from input.
//! - Every query result is checked statement by statement (`checked`), so a failed statement
//!   or COMMIT inside an `Ok` response is an error here.
//! - Every write goes through [`Write`] (`write.rs`): one transaction, retried on conflict,
//!   its audit entry appended inside it, and its guards' refusals read back as one [`Guard`]
//!   (`guard.rs`), whose `From<Guard> for AppError` holds every refusal's message.
//!
//! Performance rule (measured, SurrealDB 3.3): a subquery correlated through `$parent`
//! (`SELECT …, count(SELECT … FROM membership WHERE user = $parent.id) FROM user`) is planned
//! as a full table scan for every outer row — 9.8 s for 50 rows over 10,000 memberships in a
//! debug build. The same lookup inside a closure (`$rows.map(|$u| count(SELECT … WHERE user =
//! $u.id))`) walks the index: 95 ms. So per-row lookups are written as `.map()` closures.

pub mod admin_users;
pub mod audit;
mod checked;
mod connection;
pub mod email_verifications;
mod error;
pub mod groups;
pub mod guard;
pub mod health;
pub mod identities;
mod ids;
pub mod instance_rights;
pub mod instance_roles;
pub mod invitations;
pub mod login_challenges;
pub mod memberships;
pub mod migrations;
pub mod organizations;
pub mod outbox;
pub mod passkeys;
pub mod password_resets;
pub mod projects;
pub mod retry;
pub mod rights;
pub mod roles;
pub mod round_trips;
pub mod sealed_results;
pub mod sessions;
pub mod settings;
pub mod setup;
pub mod sso_flows;
pub mod sso_providers;

pub mod throttle;
pub mod token_hygiene;
pub mod tokens;
pub mod two_factor;
pub mod users;
pub mod write;

pub use checked::checked;
pub use connection::{Credentials, DatabaseInfo, Durability, open, private_dir};
pub use error::StoreError;
pub use guard::Guard;
pub use write::Write;

/// The database handle every store function takes: SurrealDB's `any` engine, so one type
/// serves `mem://`, `surrealkv://` and `ws://`.
pub type Db = surrealdb::Surreal<surrealdb::engine::any::Any>;

/// The one handle a server holds, shared (not cloned) by every request and worker. Cloning
/// a [`Db`] opens another session on the connection (on a SurrealDB server, a session
/// attached to the WebSocket, of which the server allows 256 per connection); sharing the
/// handle keeps one.
pub type SharedDb = std::sync::Arc<Db>;

/// The namespace and database Gatehouse keeps its data in.
pub const NAMESPACE: &str = "gatehouse";
pub const DATABASE: &str = "main";
