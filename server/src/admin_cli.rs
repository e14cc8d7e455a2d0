//! `gatehouse create-admin`: the first site administrator, from the command line.

use crate::cli::Cli;
use crate::serve::{ServeError, open_database};
use app::domain::password::Password;
use app::service::accounts::{self, AccountSpec};
use std::io::{BufRead, IsTerminal};

/// Reads the password: without echo from a terminal (asked twice), else one line of stdin.
fn read_password() -> Result<Password, ServeError> {
    let refused =
        |e: std::io::Error| ServeError::Refused(format!("could not read the password: {e}"));
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ").map_err(refused)?;
        let second = rpassword::prompt_password("Repeat the password: ").map_err(refused)?;
        if first != second {
            return Err(ServeError::Refused("the two passwords differ".into()));
        }
        Ok(Password::new(first))
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(refused)?;
        Ok(Password::new(line.trim_end_matches(['\r', '\n'])))
    }
}

pub async fn create_admin(cli: &Cli, username: &str, email: &str) -> Result<(), ServeError> {
    let password = read_password()?;
    let db = open_database(cli).await?;
    let user = accounts::create_account(
        &db,
        &AccountSpec {
            via: "cli",
            ip: "",
            username,
            email,
            password: &password,
            email_verified: true,
            site_admin: true,
            password_change_required: false,
        },
        chrono::Utc::now(),
    )
    .await
    .map_err(|err| {
        let what = err
            .field
            .as_deref()
            .map(|f| format!("{f}: "))
            .unwrap_or_default();
        ServeError::Refused(format!(
            "could not create the administrator: {what}{}",
            err.message
        ))
    })?;
    println!(
        "Created site administrator {} <{}>.",
        user.username, user.email
    );
    Ok(())
}

/// `gatehouse audit verify`: walks the chain; a broken link is an error (exit status 1).
pub async fn audit_verify(cli: &Cli) -> Result<(), ServeError> {
    let db = open_database(cli).await?;
    let report = app::service::audit::verify(&db).await.map_err(|err| {
        ServeError::Refused(format!("could not read the audit log: {}", err.message))
    })?;
    match report.broken {
        None => {
            println!(
                "The audit log is intact: {} entries, every link verified.",
                report.checked
            );
            Ok(())
        }
        Some((seq, reason)) => Err(ServeError::Refused(format!(
            "the audit log is broken at entry {seq}: {reason} ({} entries before it verified)",
            report.checked
        ))),
    }
}
