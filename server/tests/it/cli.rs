//! The `gatehouse` binary as an operator runs it: a database on disk, migrations at start,
//! clean shutdown on SIGTERM, and data that survives a restart.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_gatehouse");

fn gatehouse(db_dir: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env(
        "GATEHOUSE_DATABASE",
        format!("surrealkv://{}", db_dir.display()),
    )
    .env("RUST_LOG", "info")
    .env("NO_COLOR", "1")
    .env_remove("LEPTOS_SITE_ADDR");
    cmd
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("gatehouse-it-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The log of a first start: every migration applied, e.g. `applied=[1, 2]`.
fn all_applied() -> String {
    let versions: Vec<i64> = app::store::migrations::MIGRATIONS
        .iter()
        .map(|m| m.version)
        .collect();
    format!("applied={versions:?}")
}

fn run(cmd: &mut Command) -> (bool, String) {
    let out = cmd.output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn migrate_applies_once_and_a_second_start_applies_nothing() {
    let dir = temp_dir("migrate");
    let db = dir.join("data/gatehouse");
    let (ok, first) = run(gatehouse(&db).arg("migrate"));
    assert!(ok, "{first}");
    assert!(first.contains("engine=surrealkv"), "{first}");
    assert!(
        first.contains("sync=every"),
        "the durability mode is logged: {first}"
    );
    assert!(first.contains(&all_applied()), "{first}");
    assert!(db.is_dir(), "the data directory is created");
    let (ok, second) = run(gatehouse(&db).arg("migrate"));
    assert!(ok, "{second}");
    assert!(second.contains("applied=[]"), "{second}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_bad_database_address_is_a_clear_error() {
    let (ok, text) = run(Command::new(BIN)
        .args(["migrate", "--database", "surrealkv://x?sync=1s"])
        .env("NO_COLOR", "1"));
    assert!(!ok);
    assert!(text.contains("only sync=every is allowed"), "{text}");
    let (ok, text) = run(Command::new(BIN)
        .args(["migrate", "--database", "postgres://x"])
        .env("NO_COLOR", "1"));
    assert!(!ok);
    assert!(text.contains("unsupported engine"), "{text}");
}

#[test]
fn help_documents_every_flag_with_its_environment_variable() {
    let (ok, text) = run(Command::new(BIN).arg("--help"));
    assert!(ok, "{text}");
    for env in [
        "GATEHOUSE_DATABASE",
        "GATEHOUSE_DATABASE_USER",
        "GATEHOUSE_DATABASE_PASSWORD",
        "LEPTOS_SITE_ADDR",
        "LEPTOS_SITE_ROOT",
        "GATEHOUSE_LOG_FORMAT",
    ] {
        assert!(
            text.contains(&format!("[env: {env}")),
            "{env} missing from:\n{text}"
        );
    }
}

struct Served {
    child: Child,
    addr: String,
    /// Log lines up to "listening".
    startup: Vec<String>,
    /// Log lines after it.
    logs: std::sync::mpsc::Receiver<String>,
}

/// Starts `gatehouse` serving on an ephemeral port.
fn serve(db: &Path) -> Served {
    let mut child = gatehouse(db)
        .args(["--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut startup = Vec::new();
    while Instant::now() < deadline {
        if let Ok(line) = rx.recv_timeout(Duration::from_millis(200)) {
            if let Some(addr) = line.split("listening on http://").nth(1) {
                return Served {
                    child,
                    addr: addr.trim().to_string(),
                    startup,
                    logs: rx,
                };
            }
            startup.push(line);
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    let mut err = String::new();
    if let Some(mut stderr) = child.stderr.take() {
        let _ = stderr.read_to_string(&mut err);
    }
    panic!("server did not start: {err}");
}

fn http_get(addr: &str, path: &str) -> String {
    use std::io::Write;
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    stream.read_to_string(&mut out).unwrap();
    out
}

fn terminate_and_wait(mut child: Child) -> std::process::ExitStatus {
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("gatehouse did not stop within 20 s of SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn serves_then_stops_cleanly_on_sigterm_and_keeps_its_data() {
    let dir = temp_dir("serve");
    let db = dir.join("db");
    let first = serve(&db);
    assert!(
        first.startup.iter().any(|l| l.contains(&all_applied())),
        "{:?}",
        first.startup
    );
    let health = http_get(&first.addr, "/healthz");
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    assert!(health.ends_with("{\"status\":\"ok\"}"), "{health}");
    let status = terminate_and_wait(first.child);
    assert!(status.success(), "exit status after SIGTERM: {status}");
    let after: Vec<String> = first.logs.try_iter().collect();
    assert!(
        after.iter().any(|l| l.contains("received SIGTERM")),
        "{after:?}"
    );
    assert!(after.iter().any(|l| l.contains("stopped")), "{after:?}");

    // A restart on the same directory finds its schema (and so its data) in place.
    let second = serve(&db);
    assert!(
        second.startup.iter().any(|l| l.contains("applied=[]")),
        "{:?}",
        second.startup
    );
    assert!(http_get(&second.addr, "/healthz").starts_with("HTTP/1.1 200"));
    assert!(terminate_and_wait(second.child).success());
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_database_newer_than_the_binary_is_refused() {
    let dir = temp_dir("newer");
    let db_dir = dir.join("db");
    {
        // Simulate a later Gatehouse release having migrated this database further.
        let address = format!("surrealkv://{}", db_dir.display());
        let (db, _) = app::store::open(&address, None).await.unwrap();
        app::store::migrations::migrate(
            &db,
            app::store::migrations::MIGRATIONS,
            chrono::Utc::now(),
        )
        .await
        .unwrap();
        let future = app::store::migrations::MIGRATIONS.len() as i64 + 1;
        db.query(
            "CREATE type::record('schema_migration', $v) CONTENT \
             { version: $v, name: 'from the future', checksum: '', applied_at: time::now() }",
        )
        .bind(("v", future))
        .await
        .unwrap()
        .check()
        .unwrap();
    }
    // Give the embedded engine a moment to release the directory after the handle is gone.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (ok, text) = run(gatehouse(&db_dir).arg("migrate"));
    assert!(!ok, "{text}");
    assert!(
        text.contains("only knows versions up to"),
        "a clear message: {text}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

fn create_admin(db: &Path, username: &str, email: &str, password: &str) -> (bool, String) {
    use std::io::Write;
    let mut child = gatehouse(db)
        .args(["create-admin", "--username", username, "--email", email])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
    let out = child.wait_with_output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn create_admin_makes_a_site_admin_who_can_sign_in() {
    let dir = temp_dir("admin");
    let db = dir.join("db");
    let good = "violet tractor quietly hums";
    let (ok, text) = create_admin(&db, "Root", "root@example.org", good);
    assert!(ok, "{text}");
    assert!(text.contains("Created site administrator root"), "{text}");

    let (ok, text) = create_admin(&db, "root", "other@example.org", good);
    assert!(!ok);
    assert!(text.contains("already taken"), "{text}");
    let (ok, text) = create_admin(&db, "weak", "weak@example.org", "password123");
    assert!(!ok);
    assert!(text.contains("too easy to guess"), "{text}");

    let served = serve(&db);
    // While the server holds the database, the CLI says so instead of failing obscurely.
    let (ok, text) = create_admin(&db, "late", "late@example.org", good);
    assert!(!ok);
    assert!(text.contains("in use by another process"), "{text}");

    use std::io::Write;
    let body = format!("{{\"login\":\"root\",\"password\":\"{good}\"}}");
    let mut stream = std::net::TcpStream::connect(&served.addr).unwrap();
    write!(
        stream,
        "POST /api/v1/auth/login HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        served.addr,
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("\"site_admin\":true"), "{response}");
    assert!(response.contains("\"email_verified\":true"), "{response}");
    assert!(terminate_and_wait(served.child).success());
    let _ = std::fs::remove_dir_all(&dir);
}

fn http_post_form(addr: &str, path: &str, form: &str) -> String {
    use std::io::Write;
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://{addr}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nAccept: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{form}",
        form.len()
    )
    .unwrap();
    let mut out = String::new();
    stream.read_to_string(&mut out).unwrap();
    out
}

#[test]
fn setup_page_creates_the_first_admin_with_the_logged_code_once() {
    let dir = temp_dir("setup");
    let db = dir.join("db");
    let served = serve(&db);
    let code = served
        .startup
        .iter()
        .find_map(|l| l.split("setup code ").nth(1))
        .and_then(|rest| rest.split_whitespace().next())
        .map(str::to_string)
        .unwrap_or_else(|| panic!("no setup code logged: {:?}", served.startup));
    let page = http_get(&served.addr, "/setup");
    assert!(page.contains("Setup code"), "{page}");

    let form = |code: &str, user: &str| {
        format!(
            "code={code}&username={user}&email={user}%40example.org&password=violet+tractor+quietly+hums"
        )
    };
    let wrong = http_post_form(
        &served.addr,
        "/api/setup/complete",
        &form("not-the-code", "root"),
    );
    assert!(wrong.starts_with("HTTP/1.1 403"), "{wrong}");
    let ok = http_post_form(&served.addr, "/api/setup/complete", &form(&code, "root"));
    assert!(
        ok.starts_with("HTTP/1.1 200") || ok.starts_with("HTTP/1.1 302"),
        "{ok}"
    );
    assert!(
        ok.to_ascii_lowercase()
            .contains("set-cookie: gatehouse_session="),
        "{ok}"
    );
    // The code is spent, and the instance is set up.
    let again = http_post_form(&served.addr, "/api/setup/complete", &form(&code, "second"));
    assert!(again.starts_with("HTTP/1.1 409"), "{again}");
    // Once a user exists, the setup page does not.
    let gone = http_get(&served.addr, "/setup");
    assert!(gone.starts_with("HTTP/1.1 404"), "{gone}");
    assert!(terminate_and_wait(served.child).success());

    // With a user in place, a restart prints no setup code.
    let restarted = serve(&db);
    assert!(
        !restarted.startup.iter().any(|l| l.contains("setup code")),
        "{:?}",
        restarted.startup
    );
    assert!(terminate_and_wait(restarted.child).success());
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn audit_verify_reports_an_intact_chain_and_a_tampered_one() {
    let dir = temp_dir("audit");
    let db_dir = dir.join("db");
    let (ok, text) = create_admin(
        &db_dir,
        "root",
        "root@example.org",
        "violet tractor quietly hums",
    );
    assert!(ok, "{text}");
    {
        let address = format!("surrealkv://{}", db_dir.display());
        let (db, _) = app::store::open(&address, None).await.unwrap();
        // One audited change through the store, as the service would write it.
        app::store::audit::append(
            &db,
            &app::store::audit::Audit {
                at: chrono::Utc::now(),
                actor: "root".into(),
                actor_id: String::new(),
                ip: "127.0.0.1".into(),
                action: "test.event".into(),
                target: "nothing".into(),
                org: String::new(),
                detail: serde_json::json!({"n": 1}),
            },
        )
        .await
        .unwrap();
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (ok, text) = run(gatehouse(&db_dir).args(["audit", "verify"]));
    assert!(ok, "{text}");
    assert!(text.contains("intact"), "{text}");
    {
        let address = format!("surrealkv://{}", db_dir.display());
        let (db, _) = app::store::open(&address, None).await.unwrap();
        db.query(
            "REMOVE EVENT audit_append_only ON audit_event; UPDATE audit_event SET ip = '10.0.0.1'",
        )
        .await
        .unwrap()
        .check()
        .unwrap();
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (ok, text) = run(gatehouse(&db_dir).args(["audit", "verify"]));
    assert!(!ok, "{text}");
    assert!(text.contains("broken at entry 1"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn backup_then_restore_keeps_users_tokens_and_the_audit_chain() {
    let dir = temp_dir("backup");
    let source = dir.join("source");
    let (ok, text) = create_admin(
        &source,
        "root",
        "root@example.org",
        "violet tractor quietly hums",
    );
    assert!(ok, "{text}");
    let token;
    {
        let address = format!("surrealkv://{}", source.display());
        let (db, _) = app::store::open(&address, None).await.unwrap();
        let user = app::store::users::by_login(&db, "root")
            .await
            .unwrap()
            .unwrap();
        let root =
            app::service::principal::Principal::User(app::service::principal::SignedInUser {
                user_id: user.id.clone(),
                username: "root".into(),
                instance: app::service::principal::InstanceStanding::of(
                    Some("site_admin".into()),
                    None,
                ),
                session_hash: None,
                password_change_only: false,
                ip: "127.0.0.1".into(),
                two_factor_setup_required: false,
                token: None,
                account: None,
                rules: Default::default(),
                standing: None,
                sso_provider: None,
            });
        let created = app::service::tokens::create_user_token(
            &db,
            &root,
            &app::domain::token::NewUserToken {
                description: "backup test".into(),
                admin: true,
                ..Default::default()
            },
            chrono::Utc::now(),
        )
        .await
        .unwrap();
        token = created.token;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let out = gatehouse(&source).arg("backup").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let backup_file = dir.join("backup.surql");
    std::fs::write(&backup_file, &out.stdout).unwrap();
    assert!(!out.stdout.is_empty());

    // Into an empty database.
    let target = dir.join("target");
    let restore = |db: &Path, force: bool| {
        let mut cmd = gatehouse(db);
        cmd.arg("restore");
        if force {
            cmd.arg("--force");
        }
        cmd.stdin(std::fs::File::open(&backup_file).unwrap());
        run(&mut cmd)
    };
    let (ok, text) = restore(&target, false);
    assert!(ok, "{text}");
    assert!(text.contains("chain intact"), "{text}");
    {
        let address = format!("surrealkv://{}", target.display());
        let (db, _) = app::store::open(&address, None).await.unwrap();
        assert!(
            app::store::users::by_login(&db, "root")
                .await
                .unwrap()
                .is_some()
        );
        let principal =
            app::service::tokens::authenticate(&db, &token, "127.0.0.1", chrono::Utc::now())
                .await
                .unwrap();
        assert!(matches!(
            principal,
            app::service::principal::Principal::User(_)
        ));
        assert_eq!(app::service::audit::verify(&db).await.unwrap().broken, None);
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    // Not into a database that holds anything, unless forced.
    let (ok, text) = restore(&target, false);
    assert!(!ok, "{text}");
    assert!(text.contains("not empty"), "{text}");
    let (ok, text) = restore(&target, true);
    assert!(ok, "{text}");
    // The data directory is this user's alone.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&target).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700, "{mode:o}");
    }

    // A backup whose audit log was edited: the restore fails (exit 1) unless told to keep it.
    let text = std::fs::read_to_string(&backup_file).unwrap();
    assert!(text.contains("backup test"));
    let tampered = dir.join("tampered.surql");
    std::fs::write(&tampered, text.replace("backup test", "backup TEST")).unwrap();
    let restore_tampered = |db: &Path, allow: bool| {
        let mut cmd = gatehouse(db);
        cmd.arg("restore");
        if allow {
            cmd.arg("--allow-broken-chain");
        }
        cmd.stdin(std::fs::File::open(&tampered).unwrap());
        run(&mut cmd)
    };
    let (ok, text) = restore_tampered(&dir.join("tampered-1"), false);
    assert!(!ok, "{text}");
    assert!(text.contains("does not verify"), "{text}");
    let (ok, text) = restore_tampered(&dir.join("tampered-2"), true);
    assert!(ok, "{text}");
    assert!(text.contains("BROKEN"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}
