//! `gatehouse` / `gatehouse serve`: open the database, migrate, listen, shut down cleanly.

use crate::cli::Cli;
use app::state::AppState;
use app::store::{self, Db, migrations};
use leptos::config::{Env, LeptosOptions, get_configuration};
use std::path::PathBuf;

/// A failure that ends the process, with a sentence for the operator.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error("could not read the Leptos configuration: {0}")]
    Config(String),
    #[error("could not listen on {addr}: {source}")]
    Bind {
        addr: std::net::SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    Refused(String),
}

/// Opens and migrates the database named on the command line.
pub async fn open_database(cli: &Cli) -> Result<Db, ServeError> {
    let (db, info) = store::open(&cli.database, cli.credentials().as_ref()).await?;
    tracing::info!(
        engine = %info.engine,
        location = %info.location,
        durability = %info.durability,
        "database opened"
    );
    let report = migrations::migrate(&db, migrations::MIGRATIONS, chrono::Utc::now()).await?;
    tracing::info!(
        schema_version = report.current,
        applied = ?report.applied,
        "database schema is current"
    );
    Ok(db)
}

/// The Leptos options for this process: Leptos' environment variables, then our flags.
pub fn leptos_options(cli: &Cli) -> Result<LeptosOptions, ServeError> {
    let mut options = get_configuration(None)
        .map_err(|e| ServeError::Config(e.to_string()))?
        .leptos_options;
    options.site_addr = cli.listen;
    options.site_root = cli.site_root.clone().into();
    options.env = if cfg!(debug_assertions) {
        Env::DEV
    } else {
        Env::PROD
    };
    // cargo-leptos writes hash.txt beside the binary when it hashes asset names; honour it
    // even when the binary is started without cargo-leptos' environment.
    if std::env::var_os("LEPTOS_HASH_FILES").is_none() {
        options.hash_files = std::env::current_exe()
            .ok()
            .and_then(|exe| exe.parent().map(|dir| dir.join(options.hash_file.as_ref())))
            .is_some_and(|path| path.exists());
    }
    let pkg = PathBuf::from(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
    if !pkg.is_dir() {
        tracing::warn!(
            path = %pkg.display(),
            "no built web assets here: pages will render but not hydrate (build with cargo leptos build)"
        );
    }
    Ok(options)
}

pub async fn serve(cli: &Cli) -> Result<(), ServeError> {
    let leptos_options = leptos_options(cli)?;
    let db = std::sync::Arc::new(open_database(cli).await?);
    let addr = leptos_options.site_addr;
    match app::service::setup::issue_code(&db, chrono::Utc::now()).await {
        Ok(Some(code)) => tracing::warn!(
            "no user exists yet: create the first administrator at /setup with the one-time \
             setup code {code} (or run `gatehouse create-admin`)"
        ),
        Ok(None) => {}
        Err(err) => tracing::error!(error = %err, "could not issue a setup code"),
    }
    match &cli.smtp_url {
        Some(url) => {
            let mailer =
                crate::mailer::Mailer::new(url, &cli.mail_from).map_err(ServeError::Refused)?;
            tracing::info!(smtp_host = %mailer.host(), "mail: delivering over SMTP");
            crate::mailer::spawn(std::sync::Arc::clone(&db), mailer);
        }
        None => tracing::info!(
            "mail: no SMTP server configured (GATEHOUSE_SMTP_URL); emails are kept in the outbox at /admin/outbox"
        ),
    }
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| ServeError::Bind { addr, source })?;
    let listen_origin = app::state::listen_origin(listener.local_addr().unwrap_or(addr));
    if cli.public_url.is_none() {
        tracing::warn!(
            "no public URL (--public-url / GATEHOUSE_PUBLIC_URL): links in emails point to \
             {listen_origin}, and pages accept changes only from that origin; set the URL \
             users reach this instance at"
        );
    }
    let state = AppState {
        db: std::sync::Arc::clone(&db),
        leptos_options,
        public_origin: cli.public_url.clone(),
        listen_origin,
        trusted_proxies: cli.trusted_proxies.clone().reading(cli.client_ip_header),
    };
    crate::expiry_notices::spawn(std::sync::Arc::clone(&db), state.base_url());
    let limits = cli.limits();
    if !app::service::passwords::configure(cli.max_hash_queue as usize) {
        tracing::warn!("the password hash queue was in use before its limit was set");
    }
    let router = crate::router::build(state, &limits);
    let shutdown = crate::shutdown::install();
    let bound = listener.local_addr().unwrap_or(addr);
    tracing::info!("listening on http://{bound}");
    crate::listen::serve(listener, router, limits, shutdown).await;
    tracing::info!("stopped; database closed");
    Ok(())
}

pub async fn migrate_only(cli: &Cli) -> Result<(), ServeError> {
    open_database(cli).await?;
    Ok(())
}
