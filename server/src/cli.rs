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

    /// The URL users reach this instance at, e.g. https://gatehouse.example.com. With https,
    /// session cookies are `Secure`; state-changing requests must come from this origin.
    /// Without it, links and the origin are the listen address (never a request's Host).
    #[arg(long, env = "GATEHOUSE_PUBLIC_URL", value_parser = parse_public_url, global = true)]
    pub public_url: Option<String>,

    /// Reverse proxies (comma-separated CIDR networks or addresses, e.g. 10.0.0.0/8,::1)
    /// whose forwarding header (--client-ip-header) names the client. Only connections from
    /// them are read that way; by default none, so the headers are ignored.
    #[arg(
        long,
        env = "GATEHOUSE_TRUSTED_PROXIES",
        value_parser = parse_trusted_proxies,
        default_value = "",
        global = true
    )]
    pub trusted_proxies: app::client_address::TrustedProxies,

    /// The header the trusted proxies name the client in: x-forwarded-for or forwarded. Only
    /// that one is read (a proxy passes the other through as the client wrote it).
    #[arg(
        long,
        env = "GATEHOUSE_CLIENT_IP_HEADER",
        value_parser = app::client_address::ClientIpHeader::parse,
        default_value = "x-forwarded-for",
        global = true
    )]
    pub client_ip_header: app::client_address::ClientIpHeader,

    /// Connections served at once; more wait in the kernel's accept queue.
    #[arg(long, env = "GATEHOUSE_MAX_CONNECTIONS", default_value_t = 1024, value_parser = clap::value_parser!(u32).range(1..), global = true)]
    pub max_connections: u32,

    /// Seconds a client has to send a request's headers (also how long an idle kept-alive
    /// connection stays open).
    #[arg(long, env = "GATEHOUSE_HEADER_READ_TIMEOUT", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3600), global = true)]
    pub header_read_timeout: u64,

    /// Seconds a request may take until its answer starts; past it, 503 with Retry-After.
    #[arg(long, env = "GATEHOUSE_REQUEST_TIMEOUT", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600), global = true)]
    pub request_timeout: u64,

    /// Password hashes that may wait for a core; past it, sign-ins get 503 with Retry-After.
    #[arg(long, env = "GATEHOUSE_MAX_HASH_QUEUE", default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..), global = true)]
    pub max_hash_queue: u32,

    /// SMTP server for outgoing mail, e.g. smtps://user:password@mail.example.com or
    /// smtp://mail.example.com:587?tls=required (STARTTLS). Without it, every email is kept in
    /// the outbox, readable by site admins at /admin/outbox.
    #[arg(
        long,
        env = "GATEHOUSE_SMTP_URL",
        global = true,
        hide_env_values = true
    )]
    pub smtp_url: Option<String>,

    /// Sender of outgoing mail.
    #[arg(
        long,
        env = "GATEHOUSE_MAIL_FROM",
        default_value = "Gatehouse <gatehouse@localhost>",
        global = true
    )]
    pub mail_from: String,

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
    /// Create a site administrator (active, email verified). The password is read from
    /// standard input: typed without echo on a terminal, or piped.
    CreateAdmin {
        /// The administrator's username.
        #[arg(long)]
        username: String,
        /// The administrator's email address.
        #[arg(long)]
        email: String,
    },
    /// Write the whole database (one consistent snapshot) to standard output.
    Backup,
    /// Load a backup from standard input into an empty database.
    Restore {
        /// Replace everything in a database that is not empty.
        #[arg(long)]
        force: bool,
        /// Keep a restore whose audit chain does not verify (otherwise it fails, exit 1).
        #[arg(long)]
        allow_broken_chain: bool,
    },
    /// The audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
}

#[derive(Debug, Clone, Subcommand)]
pub enum AuditCommand {
    /// Walk the hash chain of the audit log and report the first broken link (exit status 1
    /// if there is one).
    Verify,
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

fn parse_trusted_proxies(value: &str) -> Result<app::client_address::TrustedProxies, String> {
    app::client_address::TrustedProxies::parse(value)
}

/// Accepts `http(s)://host[:port][/...]` and keeps its origin, `scheme://host[:port]`.
fn parse_public_url(value: &str) -> Result<String, String> {
    let (scheme, rest) = value
        .split_once("://")
        .ok_or_else(|| "expected a URL like https://gatehouse.example.com".to_string())?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return Err("the public URL must start with http:// or https://".into());
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.is_empty() || authority.contains('@') {
        return Err("the public URL needs a host, e.g. https://gatehouse.example.com".into());
    }
    let authority = authority.to_ascii_lowercase();
    // Browsers send an origin without its scheme's default port.
    let default_port = if scheme == "https" { ":443" } else { ":80" };
    let authority = authority.strip_suffix(default_port).unwrap_or(&authority);
    Ok(format!("{scheme}://{authority}"))
}

impl Cli {
    /// The connection and request limits these flags set.
    pub fn limits(&self) -> crate::limits::Limits {
        crate::limits::Limits {
            max_connections: self.max_connections as usize,
            header_read_timeout: std::time::Duration::from_secs(self.header_read_timeout),
            request_timeout: std::time::Duration::from_secs(self.request_timeout),
            ..crate::limits::Limits::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_public_url;

    #[test]
    fn public_urls_keep_their_origin_without_a_default_port() {
        assert_eq!(
            parse_public_url("HTTPS://Gate.Example.com:443/some/path").as_deref(),
            Ok("https://gate.example.com")
        );
        assert_eq!(
            parse_public_url("http://gate.example.com:80").as_deref(),
            Ok("http://gate.example.com")
        );
        assert_eq!(
            parse_public_url("https://gate.example.com:8443").as_deref(),
            Ok("https://gate.example.com:8443")
        );
        assert!(parse_public_url("ftp://gate.example.com").is_err());
        assert!(parse_public_url("https://user@gate.example.com").is_err());
    }
}
