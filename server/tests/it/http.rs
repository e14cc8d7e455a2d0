//! A minimal HTTP/1.1 client over a plain TCP stream, so the tests need no client library
//! (and add no features to the dependencies the server shares with them).

use app::state::AppState;
use gatehouse_server::limits::Limits;
use leptos::config::LeptosOptions;
use std::collections::HashMap;
use std::net::SocketAddr;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The password test accounts get.
pub const PASSWORD: &str = "violet tractor quietly hums";

pub struct Response {
    pub status: u16,
    pub headers: HashMap<String, String>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "body is not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }

    /// The session secret from `Set-Cookie`, if one was set.
    pub fn session_cookie(&self) -> Option<String> {
        let value = self.header("set-cookie")?;
        let (pair, _) = value.split_once(';').unwrap_or((value, ""));
        let (name, secret) = pair.split_once('=')?;
        (name == "gatehouse_session" && !secret.is_empty()).then(|| secret.to_string())
    }
}

/// A running server on 127.0.0.1:<ephemeral>, with its database; its client's methods are
/// its own.
pub struct TestServer {
    pub addr: SocketAddr,
    pub db: app::store::Db,
    client: Client,
}

impl std::ops::Deref for TestServer {
    type Target = Client;
    fn deref(&self) -> &Client {
        &self.client
    }
}

/// A client of the server at `addr` (one in this process, or a `gatehouse` process).
#[derive(Debug, Clone, Copy)]
pub struct Client {
    pub addr: SocketAddr,
}

impl TestServer {
    pub async fn start_with(extra: axum::Router<AppState>) -> TestServer {
        Self::start_configured(extra, None, "").await
    }

    /// A server whose public URL is `public_origin` (as `--public-url` sets it), behind
    /// `trusted_proxies` (as `--trusted-proxies`).
    pub async fn start_configured(
        extra: axum::Router<AppState>,
        public_origin: Option<&str>,
        trusted_proxies: &str,
    ) -> TestServer {
        Self::start_limited(extra, public_origin, trusted_proxies, Limits::default()).await
    }

    /// A server with these connection and request limits.
    pub async fn start_limited(
        extra: axum::Router<AppState>,
        public_origin: Option<&str>,
        trusted_proxies: &str,
        limits: Limits,
    ) -> TestServer {
        let (db, _) = app::store::open("mem://", None).await.unwrap();
        app::store::migrations::migrate(
            &db,
            app::store::migrations::MIGRATIONS,
            chrono::Utc::now(),
        )
        .await
        .unwrap();
        let site_root = std::env::temp_dir().join("gatehouse-test-site");
        let leptos_options = LeptosOptions::builder()
            .output_name("gatehouse")
            .site_root(site_root.to_string_lossy().to_string())
            .build();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let router = gatehouse_server::router::build_with(
            AppState {
                db: std::sync::Arc::new(db.clone()),
                leptos_options,
                public_origin: public_origin.map(str::to_string),
                listen_origin: app::state::listen_origin(addr),
                trusted_proxies: app::client_address::TrustedProxies::parse(trusted_proxies)
                    .unwrap(),
            },
            &limits,
            extra,
        );

        // The server runs on its own thread with the stack the binary gives its workers (see
        // `WORKER_STACK_BYTES` in main.rs): request futures nest too deep for a test thread.
        std::thread::Builder::new()
            .name("test-server".into())
            .stack_size(10 * 1024 * 1024)
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                runtime.block_on(async move {
                    let listener = TcpListener::from_std(listener).unwrap();
                    gatehouse_server::listen::serve(
                        listener,
                        router,
                        limits,
                        std::future::pending(),
                    )
                    .await;
                });
            })
            .unwrap();
        TestServer {
            addr,
            db,
            client: Client { addr },
        }
    }

    pub async fn start() -> TestServer {
        Self::start_with(axum::Router::new()).await
    }

    /// Runs SurrealQL against the server's database (to set up a situation).
    pub async fn exec(&self, query: &str) {
        self.db.query(query).await.unwrap().check().unwrap();
    }

    /// Like [`Client::signed_in`], with the address verified (as by the emailed link).
    pub async fn verified(&self, name: &str) -> String {
        let session = self.signed_in(name).await;
        self.exec(&format!(
            "UPDATE user SET email_verified = true WHERE username = '{name}'"
        ))
        .await;
        session
    }
}

impl Client {
    pub async fn get(&self, path: &str) -> Response {
        self.request("GET", path, &[], None).await
    }

    /// A GET with the session cookie of `session` (a secret from [`Self::sign_in`]).
    pub async fn get_as(&self, session: &str, path: &str) -> Response {
        let cookie = format!("gatehouse_session={session}");
        self.request("GET", path, &[("Cookie", &cookie)], None)
            .await
    }

    /// Signs up `name` (email `name@example.org`, password [`PASSWORD`]) and signs in; returns
    /// the session secret.
    pub async fn signed_in(&self, name: &str) -> String {
        let body = serde_json::json!({
            "username": name, "email": format!("{name}@example.org"), "password": PASSWORD
        });
        let res = self.json("POST", "/api/v1/auth/signup", None, &body).await;
        assert_eq!(res.status, 201, "{}", res.text());
        self.sign_in(name).await
    }

    /// Signs in `name` with [`PASSWORD`]; returns the session secret.
    pub async fn sign_in(&self, name: &str) -> String {
        let body = serde_json::json!({"login": name, "password": PASSWORD});
        let res = self.json("POST", "/api/v1/auth/login", None, &body).await;
        res.session_cookie()
            .unwrap_or_else(|| panic!("sign-in failed: {}", res.text()))
    }

    /// The origin a same-site browser request would carry.
    pub fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A JSON request as a same-origin browser page (or a script) would send it.
    pub async fn json(
        &self,
        method: &str,
        path: &str,
        cookie: Option<&str>,
        body: &serde_json::Value,
    ) -> Response {
        let origin = self.origin();
        let cookie_header = cookie.map(|c| format!("gatehouse_session={c}"));
        let mut headers = vec![
            ("Content-Type", "application/json"),
            ("Origin", origin.as_str()),
        ];
        if let Some(c) = &cookie_header {
            headers.push(("Cookie", c.as_str()));
        }
        let body = serde_json::to_vec(body).unwrap();
        self.request(method, path, &headers, Some(&body)).await
    }

    pub async fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&[u8]>,
    ) -> Response {
        let mut stream = TcpStream::connect(self.addr).await.unwrap();
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n",
            self.addr
        );
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        if let Some(body) = body {
            head.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).await.unwrap();
        if let Some(body) = body {
            stream.write_all(body).await.unwrap();
        }
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).await.unwrap();
        parse(&raw)
    }
}

/// What [`Client::drain`] saw of a response it did not keep.
#[allow(dead_code)] // read by gatehouse-bench (bench/src/audit_export.rs), which includes this file
pub struct Drained {
    pub status: u16,
    /// Bytes on the wire after the header block (chunk framing included).
    pub bytes: usize,
    /// Line ends not preceded by `\r` (so JSON Lines records, not chunk framing).
    pub lines: usize,
}

impl Client {
    /// A GET whose response is read and counted, never held (for measuring a server's memory
    /// while it streams a large response).
    #[allow(dead_code)] // used by gatehouse-bench (bench/src/audit_export.rs)
    pub async fn drain(&self, path: &str, headers: &[(&str, &str)]) -> Drained {
        let mut stream = TcpStream::connect(self.addr).await.unwrap();
        let mut head = format!(
            "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n",
            self.addr
        );
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).await.unwrap();
        let mut buf = vec![0u8; 64 * 1024];
        let mut header = Vec::new();
        let mut status = 0;
        let (mut bytes, mut lines, mut prev) = (0, 0, 0u8);
        loop {
            let n = stream.read(&mut buf).await.unwrap();
            if n == 0 {
                break;
            }
            let mut data = &buf[..n];
            if status == 0 {
                header.extend_from_slice(data);
                let Some(split) = header.windows(4).position(|w| w == b"\r\n\r\n") else {
                    continue;
                };
                let head = String::from_utf8_lossy(&header[..split]).into_owned();
                status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap();
                let body_start = n - (header.len() - (split + 4));
                data = &buf[body_start..n];
            }
            bytes += data.len();
            for &b in data {
                if b == b'\n' && prev != b'\r' {
                    lines += 1;
                }
                prev = b;
            }
        }
        Drained {
            status,
            bytes,
            lines,
        }
    }
}

fn parse(raw: &[u8]) -> Response {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("response has a header block");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap();
    let status: u16 = status_line.split(' ').nth(1).unwrap().parse().unwrap();
    let headers: HashMap<String, String> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    if headers.get("transfer-encoding").map(String::as_str) == Some("chunked") {
        body = dechunk(&body);
    }
    Response {
        status,
        headers,
        body,
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n").unwrap();
        let size_text = String::from_utf8_lossy(&data[..line_end]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16).unwrap();
        data = &data[line_end + 2..];
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[..size]);
        data = &data[size + 2..];
    }
}

/// Reads with `read` until `done` holds of what it returned, for at most 5 s, and returns the
/// last read: for what the server writes off the request's path (a token's or session's use).
pub async fn eventually<T, F, Fut>(mut read: F, done: impl Fn(&T) -> bool) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = T>,
{
    for _ in 0..200 {
        let value = read().await;
        if done(&value) {
            return value;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    read().await
}
