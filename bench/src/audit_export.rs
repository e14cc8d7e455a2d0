//! Exports 100,000 audit events as JSON Lines over HTTP and prints the time and how much the
//! process's peak memory grew while it streamed, next to the size of the file; then walks the
//! hash chain (`audit verify`).

use crate::http::TestServer;

/// The process's peak resident memory (`VmHWM`, KiB); `reset` starts a new peak first.
fn peak_rss_kib(reset: bool) -> u64 {
    if reset {
        std::fs::write("/proc/self/clear_refs", "5").unwrap();
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

pub async fn run() {
    let server = TestServer::start().await;
    let root = server.signed_in("root").await;
    server
        .exec("UPDATE user SET site_admin = true, instance_role = 'site_admin' WHERE username = 'root'")
        .await;
    let started = std::time::Instant::now();
    let one = format!(
        "LET $audit = {{ at: time::now(), actor: 'ada', actor_id: 'u1', ip: '192.0.2.1',
             action: 'member.role_changed', target: 'user:bob', org: 'o1',
             detail: {{ from: 'viewer', to: 'admin', note: 'a detail of some length to be realistic' }} }};
         {}",
        app::store::audit::APPEND
    );
    for _ in 0..200 {
        let mut q = String::from("BEGIN TRANSACTION; LET $audit_org = NONE;");
        for _ in 0..500 {
            q.push_str(&one);
        }
        q.push_str("COMMIT TRANSACTION;");
        server.exec(&q).await;
    }
    println!("seeded 100,000 chained events in {:?}", started.elapsed());
    let cookie = format!("gatehouse_session={root}");
    let before = peak_rss_kib(true);
    let t = std::time::Instant::now();
    let res = server
        .drain(
            "/api/v1/admin/audit-events/export?format=jsonl",
            &[("Cookie", &cookie)],
        )
        .await;
    let took = t.elapsed();
    let peak = peak_rss_kib(false);
    assert_eq!(res.status, 200);
    assert!(res.lines > 100_000, "{} lines", res.lines);
    println!(
        "export of {} events ({:.1} MB of JSON Lines) in {took:?}; peak memory grew {:.1} MB while streaming (from {:.1} MB)",
        res.lines,
        res.bytes as f64 / 1e6,
        (peak.saturating_sub(before)) as f64 / 1024.0,
        before as f64 / 1024.0
    );
    let t = std::time::Instant::now();
    let report = app::service::audit::verify(&server.db).await.unwrap();
    assert_eq!(report.broken, None);
    println!(
        "audit verify: {} entries in {:?}",
        report.checked,
        t.elapsed()
    );
}
