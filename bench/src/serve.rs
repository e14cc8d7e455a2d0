//! The release server under load, as users meet it: the `gatehouse` binary beside this one,
//! started on a fresh embedded database holding a realistic organization, measured with
//! `wrk` (Debian's package, installed by scripts/bench.sh). Every figure is printed as a ratio
//! against a baseline measured in the same run:
//!
//! - token-authenticated `GET /api/v1/account` against `GET /healthz` (one trivial query);
//! - permission-checked `GET /api/v1/organizations/acme` against `GET /api/v1/account`;
//! - the server-rendered people page against `/healthz`, with its p99;
//! - sign-ins per second against raw argon2id hashes per second (the server's own hashing
//!   function and parameters, on the same cores);
//! - the p99 of a token call while a sign-in storm runs;
//! - resident memory at idle after start and after the load.
//!
//! The organization: 1,000 members in 20 groups, 20 projects; its owner `ada` is also in five
//! groups that carry five custom roles (so her permission check reads a real standing).

use crate::http::{Client, PASSWORD};
use serde_json::json;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Seconds each load runs.
const LOAD_SECS: u32 = 5;

/// Members who can sign in (the sign-in loads spread over them).
const SIGN_IN_ACCOUNTS: usize = 64;

pub async fn run() {
    let dir = std::env::temp_dir().join(format!("gatehouse-bench-serve-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let database = format!("surrealkv://{}", dir.join("db").display());

    // The organization is written by a child process (the embedded database is one process's
    // at a time), then the server opens it.
    let status = Command::new(std::env::current_exe().unwrap())
        .args(["seed-organization", &database])
        .status()
        .unwrap();
    assert!(status.success(), "seeding failed");

    let server = Server::start(&database);
    std::thread::sleep(Duration::from_secs(2));
    let idle_rss = server.rss_mb();
    let idle_parts = server.rss_parts();
    let client = Client { addr: server.addr };
    let session = client.sign_in("ada").await;
    for i in 0..5 {
        let res = client
            .json(
                "POST",
                "/api/v1/organizations/acme/roles",
                Some(&session),
                &json!({"name": format!("role-{i}"), "permissions": ["members.read", "projects.create"]}),
            )
            .await;
        assert_eq!(res.status, 201, "{}", res.text());
        let res = client
            .json(
                "PUT",
                &format!("/api/v1/organizations/acme/groups/group-{i:02}/members/ada"),
                Some(&session),
                &json!(null),
            )
            .await;
        assert_eq!(res.status, 204, "{}", res.text());
        let res = client
            .json(
                "PATCH",
                &format!("/api/v1/organizations/acme/groups/group-{i:02}"),
                Some(&session),
                &json!({"role": format!("role-{i}")}),
            )
            .await;
        assert_eq!(res.status, 200, "{}", res.text());
    }
    let res = client
        .json(
            "POST",
            "/api/v1/account/tokens",
            Some(&session),
            &json!({"description": "bench", "expires_in_days": 7}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let bearer = format!(
        "Authorization: Bearer {}",
        res.json()["token"].as_str().unwrap()
    );
    let cookie = format!("Cookie: gatehouse_session={session}");
    let url = |path: &str| format!("http://{}{path}", server.addr);
    bundle();
    first_pages(&url(""), &session);

    // Warm every path once, then measure.
    for (path, header) in [
        ("/healthz", None),
        ("/api/v1/account", Some(&bearer)),
        ("/api/v1/organizations/acme", Some(&bearer)),
        ("/orgs/acme/people", Some(&cookie)),
    ] {
        wrk(&url(path), header.map(String::as_str), None, 8, 1);
    }
    let health = wrk(&url("/healthz"), None, None, 16, LOAD_SECS);
    let account = wrk(&url("/api/v1/account"), Some(&bearer), None, 16, LOAD_SECS);
    let org = wrk(
        &url("/api/v1/organizations/acme"),
        Some(&bearer),
        None,
        16,
        LOAD_SECS,
    );
    let people = wrk(
        &url("/orgs/acme/people"),
        Some(&cookie),
        None,
        16,
        LOAD_SECS,
    );

    let hashes = raw_hashes_per_second().await;
    // Each request signs in the next of the members who have a password (m00000, …), so
    // no account has more than one sign-in in flight: the throttle counts a sign-in in flight
    // as a failure until it succeeds, and six at once on one account lock it for a moment.
    let login = dir.join("login.lua");
    std::fs::write(
        &login,
        format!(
            "wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\n\
             local n = math.random(0, {SIGN_IN_ACCOUNTS})\n\
             request = function()\n\
               n = (n + 1) % {SIGN_IN_ACCOUNTS}\n\
               return wrk.format(nil, nil, nil, string.format('{{\"login\":\"m%05d\",\"password\":\"%s\"}}', n, '{PASSWORD}'))\n\
             end\n"
        ),
    )
    .unwrap();
    let sign_ins = wrk(&url("/api/v1/auth/login"), None, Some(&login), 8, LOAD_SECS);

    // A storm: sign-ins on every connection they can get, and token calls beside them.
    let storm_url = url("/api/v1/auth/login");
    let storm_login = login.clone();
    let storm =
        std::thread::spawn(move || wrk(&storm_url, None, Some(&storm_login), 64, LOAD_SECS + 2));
    std::thread::sleep(Duration::from_secs(1));
    let during = wrk(&url("/api/v1/account"), Some(&bearer), None, 4, LOAD_SECS);
    let storm = storm.join().unwrap();
    let loaded_rss = server.rss_mb();
    let loaded_parts = server.rss_parts();

    println!(
        "baseline GET /healthz: {:.0} req/s, p99 {:.1} ms",
        health.rps, health.p99_ms
    );
    row(
        "token GET /api/v1/account vs /healthz",
        &account,
        health.rps,
        "≥ 0.5",
    );
    row(
        "permission-checked GET /api/v1/organizations/acme vs /account",
        &org,
        account.rps,
        "≥ 0.8",
    );
    row(
        "server-rendered /orgs/acme/people vs /healthz",
        &people,
        health.rps,
        "≥ 0.15, p99 < 25 ms",
    );
    // wrk's rate counts every response; a refused sign-in (the throttle's 429, a full hash
    // queue's 503) is not a sign-in.
    let signed_in = sign_ins.rps - sign_ins.errors as f64 / f64::from(LOAD_SECS);
    println!(
        "sign-ins/s vs raw argon2id hashes/s: {:.1} vs {:.1}: ratio {:.2} (goal ≥ 0.9; {:.1} responses/s, {} of them refused)",
        signed_in,
        hashes,
        signed_in / hashes,
        sign_ins.rps,
        sign_ins.errors
    );
    println!(
        "p99 of token GET /account during a sign-in storm: {:.1} ms ({:.0} req/s beside {:.1} sign-in responses/s, {} of them refused; goal < 50 ms)",
        during.p99_ms, during.rps, storm.rps, storm.errors
    );
    println!("idle RSS after start: {idle_rss:.0} MB ({idle_parts}; goal ≤ 60 MB)");
    println!("RSS after the load: {loaded_rss:.0} MB ({loaded_parts}; goal ≤ 120 MB)");
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Every file of the built site's `pkg/` compressed with gzip -9 (the served `.br` copies are
/// smaller still; the first pages below count what is sent): the main WebAssembly and
/// JavaScript, the largest chunks, and the whole.
fn bundle() {
    let site =
        std::env::var("LEPTOS_SITE_ROOT").expect("LEPTOS_SITE_ROOT (scripts/bench.sh sets it)");
    let pkg = Path::new(&site).join("pkg");
    let mut files: Vec<(String, u64, u64)> = Vec::new();
    for entry in std::fs::read_dir(&pkg).unwrap() {
        let path = entry.unwrap().path();
        // Skip the precompressed copies (scripts/run.sh's `--precompress`).
        if path.extension().is_some_and(|e| e == "br" || e == "gz") {
            continue;
        }
        let raw = std::fs::metadata(&path).unwrap().len();
        let out = Command::new("gzip").arg("-9c").arg(&path).output().unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        files.push((name, raw, out.stdout.len() as u64));
    }
    files.sort_by_key(|(_, _, gz)| std::cmp::Reverse(*gz));
    let kb = |b: u64| b as f64 / 1024.0;
    let (raw, gz) = files
        .iter()
        .fold((0, 0), |(r, g), (_, fr, fg)| (r + fr, g + fg));
    println!(
        "site pkg/: {} files, {:.0} KB raw, {:.0} KB gzip -9 in all",
        files.len(),
        kb(raw),
        kb(gz)
    );
    for (name, raw, gz) in files.iter().filter(|(n, _, _)| n.starts_with("gatehouse")) {
        println!(
            "  main {name}: {:.0} KB raw, {:.0} KB gzip",
            kb(*raw),
            kb(*gz)
        );
    }
    for (name, raw, gz) in files
        .iter()
        .filter(|(n, _, _)| !n.starts_with("gatehouse"))
        .take(8)
    {
        println!(
            "  chunk {name}: {:.0} KB raw, {:.0} KB gzip",
            kb(*raw),
            kb(*gz)
        );
    }
}

/// What the first page of each route transfers in Chromium until hydrated (brotli as the
/// server sends it), by end2end/bench/first-page.mjs.
fn first_pages(base: &str, session: &str) {
    let routes: [(&str, bool); 10] = [
        ("/login", false),
        ("/signup", false),
        ("/", true),
        ("/settings/profile", true),
        ("/settings/tokens", true),
        ("/orgs/acme/people", true),
        ("/orgs/acme/roles", true),
        ("/orgs/acme/settings", true),
        ("/admin/users", true),
        ("/admin/settings", true),
    ];
    let mut largest: u64 = 0;
    for (path, signed_in) in routes {
        let out = Command::new("node")
            .args([
                "end2end/bench/first-page.mjs",
                base,
                if signed_in { session } else { "-" },
                path,
            ])
            .output()
            .expect("node");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "first-page.mjs failed: {text}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let page: serde_json::Value = serde_json::from_str(text.trim()).unwrap();
        let total = page["total"].as_u64().unwrap();
        let code = page["code"].as_u64().unwrap();
        largest = largest.max(code);
        println!(
            "first page {path}: {:.0} KB transferred, of which WebAssembly + JavaScript {:.0} KB ({})",
            total as f64 / 1024.0,
            code as f64 / 1024.0,
            page["encodings"]
        );
    }
    println!(
        "largest first page's WebAssembly + JavaScript: {:.0} KB (goal ≤ 250 KB gzip)",
        largest as f64 / 1024.0
    );
}

fn row(what: &str, measured: &Wrk, baseline: f64, goal: &str) {
    println!(
        "{what}: {:.0} vs {:.0} req/s: ratio {:.2}, p99 {:.1} ms (goal {goal})",
        measured.rps,
        baseline,
        measured.rps / baseline,
        measured.p99_ms
    );
}

/// Writes the benchmark's organization into the embedded database `database` (run in a child
/// process by [`run`]).
pub async fn seed(database: &str) {
    use crate::support::as_user;
    use app::domain::organization::NewOrganization;
    let (db, _) = app::store::open(database, None).await.unwrap();
    let now = chrono::Utc::now();
    app::store::migrations::migrate(&db, app::store::migrations::MIGRATIONS, now)
        .await
        .unwrap();
    crate::support::account(&db, "ada", now).await;
    let ada = app::store::users::by_login(&db, "ada")
        .await
        .unwrap()
        .unwrap();
    let org = app::service::organizations::create(
        &db,
        &as_user(&ada.id, "ada"),
        &NewOrganization {
            name: "acme".into(),
            display_name: Some("Acme Inc.".into()),
        },
        now,
    )
    .await
    .unwrap();
    crate::people::seed_members(&db, &org.id, 1_000, 20).await;
    // The first members sign in with the benchmark's password (the sign-in loads spread over
    // them: one account signing in on eight connections at once would be throttled).
    let hash = app::service::passwords::hash(&app::domain::password::Password::new(PASSWORD))
        .await
        .unwrap();
    db.query(
        "FOR $n IN $numbers {
             UPDATE type::record('user', 'u' + <string> $n) SET password_hash = $hash;
             CREATE type::record('username_claim', string::concat('m', string::repeat('0', 5 - string::len(<string> $n)), <string> $n))
                 CONTENT { user: type::record('user', 'u' + <string> $n) };
         };",
    )
    .bind(("hash", hash))
    .bind(("numbers", (0..SIGN_IN_ACCOUNTS).collect::<Vec<_>>()))
        .await
        .unwrap()
        .check()
        .unwrap();
    // Ada also administers the instance (so the benchmark can open the admin pages).
    db.query(
        "UPDATE user SET site_admin = true, instance_role = 'site_admin' WHERE username = 'ada'",
    )
    .await
    .unwrap()
    .check()
    .unwrap();
}

/// The server's own hashing function, on as many tasks as there are cores times four, for
/// [`LOAD_SECS`]: raw hashes per second at the server's cost on these cores.
async fn raw_hashes_per_second() -> f64 {
    let password = app::domain::password::Password::new(PASSWORD);
    let started = Instant::now();
    let deadline = started + Duration::from_secs(u64::from(LOAD_SECS));
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get()) * 4;
    let mut tasks = Vec::new();
    for _ in 0..workers {
        let password = password.clone();
        tasks.push(tokio::spawn(async move {
            let mut done = 0u32;
            while Instant::now() < deadline {
                app::service::passwords::hash(&password).await.unwrap();
                done += 1;
            }
            done
        }));
    }
    let mut total = 0;
    for task in tasks {
        total += task.await.unwrap();
    }
    f64::from(total) / started.elapsed().as_secs_f64()
}

/// The `gatehouse` process being measured.
struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Server {
    fn start(database: &str) -> Server {
        let bin: PathBuf = std::env::current_exe()
            .unwrap()
            .parent()
            .unwrap()
            .join("gatehouse");
        let mut child = Command::new(&bin)
            .args(["--listen", "127.0.0.1:0", "--database", database])
            .env("RUST_LOG", "warn,gatehouse=info")
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("{}: {e}", bin.display()));
        let stdout = child.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        let deadline = Instant::now() + Duration::from_secs(60);
        let addr = loop {
            assert!(Instant::now() < deadline, "gatehouse did not start");
            let line = lines.next().expect("gatehouse exited").unwrap();
            if let Some(addr) = line.split("listening on http://").nth(1) {
                break addr.trim().parse().unwrap();
            }
        };
        // Keep reading its log so it never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines.map_while(Result::ok) {});
        Server { child, addr }
    }

    /// The process's resident memory, in MB.
    fn rss_mb(&self) -> f64 {
        status_mb(&format!("/proc/{}/status", self.child.id()), "VmRSS:")
    }

    /// What the resident memory is made of: anonymous (heap, stacks, caches) and file-backed
    /// (the binary's own pages).
    fn rss_parts(&self) -> String {
        let status = format!("/proc/{}/status", self.child.id());
        format!(
            "anonymous {:.0} MB, file-backed {:.0} MB, threads {}",
            status_mb(&status, "RssAnon:"),
            status_mb(&status, "RssFile:"),
            std::fs::read_to_string(&status)
                .unwrap()
                .lines()
                .find_map(|l| l.strip_prefix("Threads:"))
                .map_or("?".into(), |v| v.trim().to_string())
        )
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A `kB` line of `/proc/<pid>/status`, in MB.
fn status_mb(status: &str, field: &str) -> f64 {
    let text = std::fs::read_to_string(status).unwrap();
    let kb: f64 = text
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap();
    kb / 1024.0
}

/// What one `wrk` run measured.
struct Wrk {
    rps: f64,
    p99_ms: f64,
    errors: u64,
}

/// Runs `wrk` against `url` with `connections` connections for `secs` seconds, with one extra
/// header and a Lua script if given.
fn wrk(url: &str, header: Option<&str>, script: Option<&Path>, connections: u32, secs: u32) -> Wrk {
    let mut cmd = Command::new("wrk");
    cmd.args([
        "--latency",
        "-t1",
        &format!("-c{connections}"),
        &format!("-d{secs}s"),
    ]);
    if let Some(header) = header {
        cmd.args(["-H", header]);
    }
    if let Some(script) = script {
        cmd.arg("-s").arg(script);
    }
    let out = cmd
        .arg(url)
        .output()
        .expect("wrk (scripts/bench.sh installs it)");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "wrk failed: {text}");
    let field = |prefix: &str| {
        text.lines()
            .map(str::trim)
            .find_map(|l| l.strip_prefix(prefix))
            .map(|v| v.split_whitespace().next().unwrap_or("").to_string())
    };
    let rps = field("Requests/sec:")
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no Requests/sec in: {text}"));
    let p99_ms = field("99%").map(|v| millis(&v)).unwrap_or(f64::NAN);
    let errors = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Non-2xx or 3xx responses:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    Wrk {
        rps,
        p99_ms,
        errors,
    }
}

/// `wrk`'s durations (`812.00us`, `4.21ms`, `1.02s`, `2.00m`) in milliseconds.
fn millis(value: &str) -> f64 {
    let split = value
        .find(|c: char| c.is_ascii_alphabetic())
        .unwrap_or(value.len());
    let (number, unit) = value.split_at(split);
    let number: f64 = number.parse().unwrap_or(f64::NAN);
    match unit {
        "us" => number / 1000.0,
        "ms" => number,
        "s" => number * 1000.0,
        "m" => number * 60_000.0,
        _ => f64::NAN,
    }
}
