use clap::Parser;
use gatehouse_server::cli::{AuditCommand, Cli, Command};
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let data_on_stdout = matches!(cli.command, Some(Command::Backup));
    gatehouse_server::telemetry::init(cli.log_format, data_on_stdout);
    let result = match cli.command.clone().unwrap_or(Command::Serve) {
        Command::Serve => gatehouse_server::serve::serve(&cli).await,
        Command::Migrate => gatehouse_server::serve::migrate_only(&cli).await,
        Command::CreateAdmin { username, email } => {
            gatehouse_server::admin_cli::create_admin(&cli, &username, &email).await
        }
        Command::Backup => gatehouse_server::backup::backup(&cli).await,
        Command::Restore { force } => gatehouse_server::backup::restore(&cli, force).await,
        Command::Audit {
            command: AuditCommand::Verify,
        } => gatehouse_server::admin_cli::audit_verify(&cli).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("gatehouse: {err:#}");
            ExitCode::FAILURE
        }
    }
}
