use clap::Parser;
use gatehouse_server::cli::{AuditCommand, Cli, Command};
use std::process::ExitCode;

/// mimalloc instead of glibc's allocator: SurrealDB's query parsing and planning and the page
/// rendering allocate many small, short-lived values, on every worker thread.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Worker threads' stack: request futures nest deeply (router layers, server functions, the
/// embedded database's query executor), more so in debug builds; SurrealDB's own server runs
/// its workers with 10 MiB for the same reason. Tokio's default of 2 MiB overflowed.
const WORKER_STACK_BYTES: usize = 10 * 1024 * 1024;

fn main() -> ExitCode {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(WORKER_STACK_BYTES)
        .build();
    match runtime {
        Ok(runtime) => runtime.block_on(run()),
        Err(err) => {
            eprintln!("gatehouse: could not start the async runtime: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> ExitCode {
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
        Command::Restore {
            force,
            allow_broken_chain,
        } => gatehouse_server::backup::restore(&cli, force, allow_broken_chain).await,
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
