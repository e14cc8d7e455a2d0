#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // a measurement tool: a failed step should stop it loudly, like a test

//! `gatehouse-bench [serve] [people] [users] [audit-export] [permission]`: measurements of
//! Gatehouse, run by `scripts/bench.sh` in the release build (none of them runs in the test
//! command, and none asserts a time). With no argument, runs them all. `serve` measures the
//! `gatehouse` binary beside this one under load; the others, the service layer at scale.
//!
//! The service-layer ones seed `mem://` databases the way the integration tests do, and the
//! HTTP ones run the real router on an ephemeral port; both reuse the tests' own helpers
//! (`app/tests/it/support.rs`, `server/tests/it/http.rs`) rather than copies of them.

#[allow(dead_code)]
#[path = "../../server/tests/it/http.rs"]
mod http;
#[allow(dead_code)]
#[path = "../../app/tests/it/support.rs"]
mod support;

mod audit_export;
mod people;
mod permission;
mod serve;
mod users;

const ALL: [&str; 5] = ["serve", "people", "users", "audit-export", "permission"];

fn main() {
    let mut wanted: Vec<String> = std::env::args().skip(1).collect();
    // `serve`'s own first step, in a process of its own (see serve.rs).
    let seeding = wanted.first().map(String::as_str) == Some("seed-organization");
    if wanted.is_empty() {
        wanted = ALL.iter().map(|s| s.to_string()).collect();
    }
    if !seeding && let Some(unknown) = wanted.iter().find(|w| !ALL.contains(&w.as_str())) {
        eprintln!("gatehouse-bench: unknown measurement {unknown:?}; known: {ALL:?}");
        std::process::exit(2);
    }
    // Request futures nest deep: the same worker stack as the server binary.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(10 * 1024 * 1024)
        .build()
        .expect("a tokio runtime");
    if seeding {
        let Some(database) = wanted.get(1) else {
            eprintln!("gatehouse-bench: usage: gatehouse-bench seed-organization <database>");
            std::process::exit(2);
        };
        runtime.block_on(serve::seed(database));
        return;
    }
    for name in wanted {
        println!("== {name}");
        runtime.block_on(async {
            match name.as_str() {
                "serve" => serve::run().await,
                "people" => people::run().await,
                "users" => users::run().await,
                "audit-export" => audit_export::run().await,
                _ => permission::run().await,
            }
        });
    }
}
