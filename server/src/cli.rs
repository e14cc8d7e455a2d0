//! The command line. Every flag has an environment variable, shown by `gatehouse --help`.

use clap::{Parser, Subcommand, ValueEnum};
use std::net::SocketAddr;

#[derive(Debug, Clone, Parser)]
#[command(
    name = "gatehouse",
    version,
    about = "Gatehouse: users, organizations, teams, roles and API tokens.",
    long_about = "Gatehouse: users, organizations, teams, roles and API tokens.\n\n\
                  Without a command, `gatehouse` serves the web app and the REST API.",
    after_help = "Every flag can also be set through the environment variable shown next to it."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Database address: surrealkv://<directory> (embedded, on disk), mem:// (embedded,
    /// in memory, lost at exit) or ws://host:port / wss://host:port (a SurrealDB server).
    #[arg(
        long,
        env = "GATEHOUSE_DATABASE",
        default_value = "surrealkv://data/gatehouse",
        global = true
    )]
    pub database: String,

    /// Root user for a remote SurrealDB server (ws:// or wss:// only).
    #[arg(long, env = "GATEHOUSE_DATABASE_USER", global = true)]
    pub database_user: Option<String>,

    /// Password of that user (ws:// or wss:// only).
    #[arg(
        long,
        env = "GATEHOUSE_DATABASE_PASSWORD",
        hide_env_values = true,
        global = true
    )]
    pub database_password: Option<String>,

    /// Address and port to listen on.
    #[arg(
        long,
        env = "LEPTOS_SITE_ADDR",
        default_value = "127.0.0.1:3000",
        global = true
    )]
    pub listen: SocketAddr,

    /// Directory holding the built web assets (the `pkg/` folder with the WebAssembly,
    /// JavaScript and CSS).
    #[arg(
        long,
        env = "LEPTOS_SITE_ROOT",
        default_value = "target/site",
        global = true
    )]
    pub site_root: String,

    /// Log format.
    #[arg(
        long,
        env = "GATEHOUSE_LOG_FORMAT",
        value_enum,
        default_value_t = LogFormat::Text,
        global = true
    )]
    pub log_format: LogFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Serve the web app and the REST API (the default).
    Serve,
    /// Apply pending database migrations, then exit.
    Migrate,
}

impl Cli {
    pub fn credentials(&self) -> Option<app::store::Credentials> {
        match (&self.database_user, &self.database_password) {
            (Some(username), Some(password)) => Some(app::store::Credentials {
                username: username.clone(),
                password: password.clone(),
            }),
            _ => None,
        }
    }
}
