//! Structured logs through `tracing`. `RUST_LOG` narrows or widens what is logged.

use crate::cli::LogFormat;
use std::io::IsTerminal;
use tracing_subscriber::EnvFilter;

/// `to_stderr`: log to standard error (for commands whose standard output is data, such as
/// `gatehouse backup`); otherwise to standard output.
pub fn init(format: LogFormat, to_stderr: bool) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        EnvFilter::new("info,surrealdb=warn,surrealdb_core=warn,surrealkv=warn")
    });
    // Colours only on a terminal (and never with NO_COLOR): log files stay plain text.
    let terminal = if to_stderr {
        std::io::stderr().is_terminal()
    } else {
        std::io::stdout().is_terminal()
    };
    let ansi = terminal && std::env::var_os("NO_COLOR").is_none();
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(ansi);
    // `try_init` so tests that build several routers in one process do not panic.
    let _ = match (format, to_stderr) {
        (LogFormat::Text, false) => builder.with_target(false).try_init(),
        (LogFormat::Json, false) => builder.json().try_init(),
        (LogFormat::Text, true) => builder
            .with_target(false)
            .with_writer(std::io::stderr)
            .try_init(),
        (LogFormat::Json, true) => builder.json().with_writer(std::io::stderr).try_init(),
    };
}

/// Paths whose last segment is a secret (a "forgot password?" link's token).
const SECRET_TAIL_PATHS: [&str; 1] = ["/api/v1/auth/password-reset/"];

/// A request path as logs may show it: a secret in it replaced by `…`.
pub fn loggable_path(path: &str) -> std::borrow::Cow<'_, str> {
    match SECRET_TAIL_PATHS.iter().find(|p| path.starts_with(**p)) {
        Some(prefix) => std::borrow::Cow::Owned(format!("{prefix}…")),
        None => std::borrow::Cow::Borrowed(path),
    }
}

#[cfg(test)]
mod tests {
    use super::loggable_path;

    #[test]
    fn a_reset_token_never_reaches_the_logs() {
        assert_eq!(
            loggable_path("/api/v1/auth/password-reset/s3cr3t"),
            "/api/v1/auth/password-reset/…"
        );
        assert_eq!(loggable_path("/api/v1/account"), "/api/v1/account");
    }
}
