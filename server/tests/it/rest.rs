use crate::http::TestServer;
use axum::routing::post;
use gatehouse_server::rest::ApiJson;
use serde::{Deserialize, Serialize};

#[tokio::test]
async fn healthz_answers_ok_once_the_database_answers() {
    let server = TestServer::start().await;
    let res = server.get("/healthz").await;
    assert_eq!(res.status, 200);
    assert_eq!(res.json(), serde_json::json!({"status": "ok"}));
}

#[tokio::test]
async fn unknown_api_path_is_a_json_404() {
    let server = TestServer::start().await;
    for path in [
        "/api/v1/nope",
        "/api/v1/organizations/acme/whatever",
        "/api/v1/",
    ] {
        let res = server.get(path).await;
        assert_eq!(res.status, 404, "{path}");
        assert!(
            res.header("content-type")
                .unwrap_or("")
                .starts_with("application/json")
        );
        let body = res.json();
        assert_eq!(body["error"]["code"], "not_found", "{path}: {body}");
        assert!(
            body["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
        assert_eq!(body["error"]["field"], serde_json::Value::Null);
    }
    // Other methods too, including ones that carry a body.
    let res = server.request("DELETE", "/api/v1/nope", &[], None).await;
    assert_eq!(res.status, 404);
    assert_eq!(res.json()["error"]["code"], "not_found");
}

#[tokio::test]
async fn wrong_method_on_a_real_endpoint_is_a_json_405() {
    let server = TestServer::start().await;
    let res = server
        .request(
            "POST",
            "/api/v1/openapi.json",
            &[("Content-Type", "application/json")],
            Some(b"{}"),
        )
        .await;
    assert_eq!(res.status, 405);
    assert_eq!(res.json()["error"]["code"], "method_not_allowed");
}

type Headers<'a> = &'a [(&'a str, &'a str)];

#[derive(Deserialize, Serialize)]
struct Probe {
    name: String,
    count: u32,
}

/// The `/api/v1` JSON extractor on a route of the test's own, since this issue adds no
/// endpoint that takes a body yet: every shape of bad body must be a 4xx in the contract's
/// shape.
#[tokio::test]
async fn malformed_json_is_a_400_in_the_contract_shape() {
    let extra = axum::Router::new().route(
        "/api/v1/test-probe",
        post(|ApiJson(p): ApiJson<Probe>| async move { ApiJson(p) }),
    );
    let server = TestServer::start_with(extra).await;
    let json = [("Content-Type", "application/json")];
    let cases: [(&str, Headers, &[u8]); 7] = [
        ("syntax", &json, b"{\"name\": \"x\", "),
        (
            "wrong type",
            &json,
            b"{\"name\": \"x\", \"count\": \"many\"}",
        ),
        ("missing field", &json, b"{\"name\": \"x\"}"),
        ("not utf-8", &json, b"\xff\xfe{}"),
        ("no content type", &[], b"{\"name\": \"x\", \"count\": 1}"),
        ("empty", &json, b""),
        ("an array for an object", &json, b"[\"x\", 1]"),
    ];
    for (what, headers, body) in cases {
        let res = server
            .request("POST", "/api/v1/test-probe", headers, Some(body))
            .await;
        assert_eq!(res.status, 400, "{what}: {}", res.text());
        let body = res.json();
        assert_eq!(body["error"]["code"], "bad_request", "{what}: {body}");
        assert!(
            body["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
        assert_eq!(body["error"]["field"], serde_json::Value::Null);
    }
    let ok = server
        .request(
            "POST",
            "/api/v1/test-probe",
            &json,
            Some(b"{\"name\": \"x\", \"count\": 2}"),
        )
        .await;
    assert_eq!(ok.status, 200, "{}", ok.text());
    assert_eq!(ok.json()["count"], 2);
}

/// What a generic fuzzer found: each answers 4xx in the error shape.
#[tokio::test]
async fn fuzzer_findings_answer_4xx_in_the_error_shape() {
    let server = TestServer::start().await;
    let ada = server.signed_in("ada").await;
    let res = server
        .json(
            "POST",
            "/api/v1/organizations",
            Some(&ada),
            &serde_json::json!({"name": "acme"}),
        )
        .await;
    assert_eq!(res.status, 201);
    let shape = |res: &crate::http::Response, status: u16, code: &str| {
        assert_eq!(res.status, status, "{}", res.text());
        assert_eq!(res.json()["error"]["code"], code, "{}", res.text());
    };
    // An empty login: 401, not 500.
    for login in ["", "   "] {
        let res = server
            .json(
                "POST",
                "/api/v1/auth/login",
                None,
                &serde_json::json!({"login": login, "password": "x"}),
            )
            .await;
        shape(&res, 401, "invalid_credentials");
    }
    // An array where an object is expected: 400, and nothing changes.
    let res = server
        .json(
            "PATCH",
            "/api/v1/organizations/acme",
            Some(&ada),
            &serde_json::json!([]),
        )
        .await;
    shape(&res, 400, "bad_request");
    // An unknown enum value: 400.
    let res = server
        .json(
            "POST",
            "/api/v1/organizations/acme/projects",
            Some(&ada),
            &serde_json::json!({"name": "web"}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let res = server
        .json(
            "PUT",
            "/api/v1/organizations/acme/projects/web/access/user/ada",
            Some(&ada),
            &serde_json::json!({"role": "emperor"}),
        )
        .await;
    shape(&res, 400, "bad_request");
    assert_eq!(res.json()["error"]["field"], "role");
}

#[tokio::test]
async fn openapi_document_describes_the_api() {
    let server = TestServer::start().await;
    let res = server.get("/api/v1/openapi.json").await;
    assert_eq!(res.status, 200);
    let doc = res.json();
    assert!(
        doc["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1")),
        "{doc}"
    );
    assert!(doc["paths"]["/healthz"]["get"].is_object());
    assert!(doc["paths"]["/api/v1/openapi.json"]["get"].is_object());
    assert!(doc["components"]["schemas"]["ErrorBody"].is_object());
}

/// Every operation `/api/v1/openapi.json` describes is mounted: called with made-up path
/// parameters, it never meets the router's "No such endpoint" or "method not allowed". And the
/// status it answers such an anonymous call with (401, 404, 400, 422 …) is one it documents.
#[tokio::test]
async fn every_documented_operation_is_mounted() {
    let server = TestServer::start().await;
    let doc = server.get("/api/v1/openapi.json").await.json();
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.len() > 50, "{}", paths.len());
    for (path, item) in paths {
        let concrete: String = path
            .split('/')
            .map(|segment| {
                if segment.starts_with('{') {
                    "x"
                } else {
                    segment
                }
            })
            .collect::<Vec<_>>()
            .join("/");
        for (name, operation) in item.as_object().unwrap() {
            let method = name.to_uppercase();
            let body = (method != "GET" && method != "DELETE").then_some(b"{}".as_slice());
            let headers = [("Content-Type", "application/json")];
            let res = server.request(&method, &concrete, &headers, body).await;
            let error: serde_json::Value =
                serde_json::from_slice(&res.body).unwrap_or(serde_json::Value::Null);
            assert_ne!(
                res.status, 405,
                "{method} {path} is documented but not mounted"
            );
            assert_ne!(
                error["error"]["message"], "No such endpoint.",
                "{method} {path} is documented but not mounted"
            );
            assert!(
                operation["responses"][res.status.to_string()].is_object(),
                "{method} {path} answered {} ({}), a status its description does not list",
                res.status,
                res.text()
            );
        }
    }
}

/// No REST route is mounted outside the one declaration the OpenAPI document comes from
/// (`rest::api`): no plain `.route(` in the REST handlers, and in the router only the bare
/// `/api/v1/` fallback.
#[test]
fn every_mounted_route_is_documented() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut offending = Vec::new();
    let mut files = vec![
        src.join("router.rs"),
        src.join("health.rs"),
        src.join("openapi.rs"),
    ];
    for entry in std::fs::read_dir(src.join("rest")).unwrap() {
        files.push(entry.unwrap().path());
    }
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            let mounts_api = code.contains(".route(") || code.contains(".nest(");
            let allowed = code.contains("\"/api/v1/\"")
                || code.contains("routes!(")
                || (code.contains(".nest(") && code.contains("v1()"));
            if mounts_api && !allowed {
                offending.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(
        offending.is_empty(),
        "routes mounted outside rest::api (so missing from the OpenAPI document):\n{}",
        offending.join("\n")
    );
}

#[tokio::test]
async fn pages_render_on_the_server_with_real_statuses() {
    let server = TestServer::start().await;
    let home = server.get("/").await;
    // The body says which refusal it was if this ever fails (it answered 503 once, in one
    // fresh-clone run, and passed in every run since).
    assert_eq!(home.status, 200, "{}", home.text());
    let html = home.text();
    assert!(html.contains("<title>Gatehouse</title>"), "{html}");
    assert!(
        html.contains("Answering"),
        "status is rendered without JavaScript: {html}"
    );
    let missing = server.get("/definitely/not/here").await;
    assert_eq!(missing.status, 404);
    assert!(missing.text().contains("Page not found"));
}

#[tokio::test]
async fn responses_carry_a_request_id() {
    let server = TestServer::start().await;
    let res = server.get("/healthz").await;
    assert!(res.header("x-request-id").is_some_and(|id| !id.is_empty()));
}

#[tokio::test]
async fn security_headers_on_every_response() {
    let server = TestServer::start().await;
    for path in ["/healthz", "/api/v1/nope", "/", "/no/such/page"] {
        let res = server.get(path).await;
        assert_eq!(
            res.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
        assert_eq!(res.header("x-frame-options"), Some("DENY"), "{path}");
        assert!(res.header("referrer-policy").is_some(), "{path}");
        let csp = res.header("content-security-policy").unwrap_or_default();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(!csp.contains("'unsafe-eval'"), "{path}: {csp}");
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
    }
    // Pages allow their own scripts by nonce, and WebAssembly; they are never cached.
    let page = server.get("/").await;
    // (A failure once showed the non-page policy here: say what was answered.)
    assert_eq!(
        page.header("content-type")
            .map(|t| t.starts_with("text/html")),
        Some(true),
        "{} {:?}: {}",
        page.status,
        page.headers,
        page.text()
    );
    assert_eq!(page.header("cache-control"), Some("no-store"));
    let csp = page.header("content-security-policy").unwrap().to_string();
    assert!(csp.contains("'wasm-unsafe-eval'"), "{csp}");
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("the page policy carries a nonce");
    assert!(
        page.text().contains(&format!("nonce=\"{nonce}\"")),
        "scripts carry the nonce"
    );
    // A fresh nonce for every response.
    let again = server.get("/").await;
    assert_ne!(again.header("content-security-policy").unwrap(), csp);
}

/// `next` after sign-in: a line break or a tab-prefixed `//host` neither crashes the server
/// nor leaves the site.
#[tokio::test]
async fn sign_in_redirects_stay_on_the_site() {
    let server = TestServer::start().await;
    server.signed_in("ada").await;
    let origin = server.origin();
    for next in [
        "/%0A",
        "%09//evil.example",
        "/%09/evil.example",
        "/%5Cevil.example",
        "https://evil.example",
    ] {
        let body = format!(
            "login=ada&password={}&next={next}",
            crate::http::PASSWORD.replace(' ', "+")
        );
        let res = server
            .request(
                "POST",
                "/api/auth/sign-in",
                &[
                    ("Content-Type", "application/x-www-form-urlencoded"),
                    ("Accept", "text/html"),
                    ("Origin", origin.as_str()),
                ],
                Some(body.as_bytes()),
            )
            .await;
        assert!(res.status < 500, "{next}: {} {}", res.status, res.text());
        assert_eq!(res.header("location"), Some("/"), "{next}");
    }
}

/// A handler that panics answers 500 in the error shape, and the server goes on.
#[tokio::test]
async fn a_panicking_handler_answers_500_in_the_error_shape() {
    let extra = axum::Router::new().route(
        "/api/v1/test-panic",
        axum::routing::get(|| async {
            if std::hint::black_box(true) {
                panic!("boom");
            }
            ""
        }),
    );
    let server = TestServer::start_with(extra).await;
    let res = server.get("/api/v1/test-panic").await;
    assert_eq!(res.status, 500);
    assert_eq!(res.json()["error"]["code"], "internal");
    assert!(!res.text().contains("boom"));
    assert_eq!(server.get("/healthz").await.status, 200);
}

/// Every answer under `/api/` is `no-store` (REST and server functions, success or not); HSTS
/// only when the public URL is https.
#[tokio::test]
async fn api_answers_are_never_cached_and_https_gets_hsts() {
    let server = TestServer::start().await;
    let ada = server.signed_in("ada").await;
    for res in [
        server.get_as(&ada, "/api/v1/account").await,
        server.get("/api/v1/account").await,
        server.get_as(&ada, "/api/v1/organizations").await,
        server
            .json("POST", "/api/auth/me", Some(&ada), &serde_json::json!({}))
            .await,
    ] {
        assert_eq!(
            res.header("cache-control"),
            Some("no-store"),
            "{}",
            res.text()
        );
        assert_eq!(res.header("strict-transport-security"), None);
    }
    let https =
        TestServer::start_configured(axum::Router::new(), Some("https://gh.example"), "").await;
    let res = https.get("/healthz").await;
    assert_eq!(
        res.header("strict-transport-security"),
        Some("max-age=31536000")
    );
}

/// Without a public URL, neither the CSRF origin nor a link in an email comes from the
/// request's `Host`: a forged one changes nothing.
#[tokio::test]
async fn a_forged_host_steers_neither_links_nor_the_origin_check() {
    let server = TestServer::start().await;
    let ada = server.signed_in("ada").await;
    let cookie = format!("gatehouse_session={ada}");
    let body = serde_json::to_vec(&serde_json::json!({"name": "acme"})).unwrap();
    let res = server
        .request(
            "POST",
            "/api/v1/organizations",
            &[
                ("Host", "evil.example"),
                ("Origin", "http://evil.example"),
                ("Cookie", cookie.as_str()),
                ("Content-Type", "application/json"),
            ],
            Some(&body),
        )
        .await;
    assert_eq!(res.status, 403, "{}", res.text());
    assert_eq!(res.json()["error"]["code"], "csrf");
    // A verification link asked for with a forged Host points at the instance.
    let res = server
        .request(
            "POST",
            "/api/v1/account/email/verification",
            &[
                ("Host", "evil.example"),
                ("Origin", server.origin().as_str()),
                ("Cookie", cookie.as_str()),
            ],
            None,
        )
        .await;
    assert!(res.status < 300, "{}", res.text());
    let mut mails = server
        .db
        .query("SELECT VALUE body FROM outbox")
        .await
        .unwrap();
    let bodies: Vec<String> = mails.take(0).unwrap();
    assert!(bodies.len() >= 2);
    assert!(
        bodies.iter().all(|b| !b.contains("evil.example")),
        "{bodies:?}"
    );
    let port = server.addr.port();
    assert!(
        bodies
            .iter()
            .all(|b| b.contains(&format!("http://localhost:{port}/verify-email"))),
        "{bodies:?}"
    );
}
