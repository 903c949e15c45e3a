//! `claimscrub serve`: the engine over HTTP for coders choosing codes one encounter at a
//! time. Versioned JSON under `/v1` (described by `docs/openapi.json`), a page at `/`,
//! `/healthz` and Prometheus `/metrics`.
//!
//! Engine work is CPU-bound and runs on the blocking pool, so one slow claim file does not
//! stall the quick checks behind it. Every malformed request gets a JSON error and a 4xx; the
//! log has one line a request naming the route template, never a code or claim value.

mod access;
mod check;
mod codes;
mod error;
mod health;
mod limits;
mod metrics;
mod openapi;
mod page;
mod quick;
mod reload;
mod routes;
mod rules;
mod state;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

pub use limits::Limits;
pub use reload::RuleSource;

use crate::codeset::CodeSets;

/// How to run the server.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where to listen; port 0 takes a free port (the bound address is printed).
    pub addr: SocketAddr,
    /// Where the rules come from; its directories are watched for edits.
    pub rules: RuleSource,
    /// Request limits.
    pub limits: Limits,
    /// How often the rule directories are checked for edits.
    pub reload_every: Duration,
}

/// Why the server could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The rules given at start do not compile (the diagnostics were logged).
    #[error("{0}")]
    Rules(String),
    /// The address could not be bound or the runtime could not start.
    #[error("cannot listen on {addr}: {source}")]
    Io {
        /// The address.
        addr: SocketAddr,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
}

/// Run the server until SIGINT or SIGTERM, then finish the requests in flight and return.
/// Prints `listening on http://ADDR` to standard output once bound.
pub fn serve(config: Config, codesets: CodeSets) -> Result<(), ServeError> {
    let io = |source| ServeError::Io {
        addr: config.addr,
        source,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(io)?;
    let codesets = Arc::new(codesets);
    let state = state::State::start(&config, codesets).map_err(ServeError::Rules)?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(config.addr)
            .await
            .map_err(io)?;
        let bound = listener.local_addr().map_err(io)?;
        println!("claimscrub serve: listening on http://{bound}");
        let _ = std::io::Write::flush(&mut std::io::stdout());
        reload::spawn(state.clone(), config.reload_every);
        let app = routes::router(state, config.limits);
        axum::serve(listener, app)
            .with_graceful_shutdown(shutdown_signal())
            .await
            .map_err(io)?;
        eprintln!("claimscrub serve: stopped");
        Ok(())
    })
}

/// Resolves on SIGINT or SIGTERM.
async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    eprintln!("claimscrub serve: shutting down: finishing requests in flight");
}
