//! Clean shutdown on SIGINT (Ctrl-C) or SIGTERM: stop accepting, let requests in flight
//! finish, then close the database. Committed data is already on disk (sync=every).
//!
//! The handlers are installed by [`install`], before the server says it is listening, so a
//! signal that arrives at any moment after that line is handled cleanly.

use std::future::Future;

/// Installs the signal handlers now; the returned future completes on the first signal.
pub fn install() -> impl Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    let terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate());
    #[cfg(unix)]
    let interrupt = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt());
    async move {
        #[cfg(unix)]
        {
            match (terminate, interrupt) {
                (Ok(mut terminate), Ok(mut interrupt)) => {
                    tokio::select! {
                        _ = terminate.recv() => tracing::info!("received SIGTERM, shutting down"),
                        _ = interrupt.recv() => tracing::info!("received SIGINT, shutting down"),
                    }
                }
                (Err(err), _) | (_, Err(err)) => {
                    tracing::error!(error = %err, "could not listen for signals; stop with SIGKILL");
                    std::future::pending::<()>().await;
                }
            }
        }
        #[cfg(not(unix))]
        {
            if tokio::signal::ctrl_c().await.is_ok() {
                tracing::info!("received Ctrl-C, shutting down");
            }
        }
    }
}
