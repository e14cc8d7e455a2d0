//! The `gatehouse` binary's library: command line, configuration, HTTP router, REST API.
//! Business rules are not here; they live in `app::service`.

pub mod admin_cli;
pub mod backup;
pub mod cli;
pub mod client;
pub mod csrf;
pub mod expiry_notices;
pub mod health;
pub mod limits;
pub mod listen;
pub mod mailer;
pub mod openapi;
pub mod panic;
pub mod rest;
pub mod router;
pub mod security_headers;
pub mod serve;
pub mod shutdown;
pub mod static_files;
pub mod telemetry;
