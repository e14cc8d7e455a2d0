//! `surreal`: the SurrealDB server, for tests that need a real one (`surreal start …`).

fn main() -> std::process::ExitCode {
    surrealdb_server::init(surrealdb_core::CommunityComposer())
}
