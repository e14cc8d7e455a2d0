//! Server limits: a request that runs too long, headers sent too slowly, more connections
//! than the cap.

use crate::http::TestServer;
use axum::routing::get;
use gatehouse_server::limits::Limits;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn limits(max_connections: usize, header_read: u64, request: u64) -> Limits {
    Limits {
        max_connections,
        header_read_timeout: Duration::from_secs(header_read),
        request_timeout: Duration::from_secs(request),
        write_stall_timeout: Duration::from_secs(1),
    }
}

/// Reads until the server closes the connection; `None` if it has not within `wait`.
async fn read_until_closed(stream: &mut TcpStream, wait: Duration) -> Option<Vec<u8>> {
    let mut raw = Vec::new();
    match tokio::time::timeout(wait, stream.read_to_end(&mut raw)).await {
        Ok(_) => Some(raw),
        Err(_) => None,
    }
}

#[tokio::test]
async fn a_request_past_the_timeout_gets_503_with_retry_after() {
    let slow = axum::Router::new().route(
        "/slow",
        get(|| async {
            tokio::time::sleep(Duration::from_secs(30)).await;
            "done"
        }),
    );
    let server = TestServer::start_limited(slow, None, "", limits(64, 10, 1)).await;
    let res = server.get("/slow").await;
    assert_eq!(res.status, 503, "{}", res.text());
    assert_eq!(res.json()["error"]["code"], "unavailable");
    assert_eq!(
        res.headers.get("retry-after").map(String::as_str),
        Some("5")
    );
    assert_eq!(
        res.headers.get("cache-control").map(String::as_str),
        Some("no-store")
    );
    // Quick requests are untouched.
    assert_eq!(server.get("/healthz").await.status, 200);
}

#[tokio::test]
async fn headers_sent_too_slowly_close_the_connection() {
    let server = TestServer::start_limited(axum::Router::new(), None, "", limits(64, 1, 30)).await;
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n")
        .await
        .unwrap();
    // The rest of the head never comes: the server hangs up instead of waiting for ever.
    let answer = read_until_closed(&mut stream, Duration::from_secs(20)).await;
    let answer = answer.expect("the server kept a half-sent request open");
    assert!(
        !String::from_utf8_lossy(&answer).contains("200 OK"),
        "{}",
        String::from_utf8_lossy(&answer)
    );
    // An idle kept-alive connection is closed the same way.
    let mut idle = TcpStream::connect(server.addr).await.unwrap();
    assert!(
        read_until_closed(&mut idle, Duration::from_secs(20))
            .await
            .is_some(),
        "the server kept an idle connection open"
    );
}

#[tokio::test]
async fn connections_past_the_cap_wait_for_a_free_slot() {
    let server = TestServer::start_limited(axum::Router::new(), None, "", limits(2, 60, 30)).await;
    // Two connections that send nothing take both slots.
    let first = TcpStream::connect(server.addr).await.unwrap();
    let _second = TcpStream::connect(server.addr).await.unwrap();
    let mut third = TcpStream::connect(server.addr).await.unwrap();
    third
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut byte = [0u8; 1];
    let early = tokio::time::timeout(Duration::from_secs(2), third.read(&mut byte)).await;
    assert!(early.is_err(), "a third connection was served past the cap");
    // A slot frees: the waiting connection is served.
    drop(first);
    let answer = read_until_closed(&mut third, Duration::from_secs(20))
        .await
        .expect("the waiting connection was not served after a slot freed");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

/// A client that asks for a large answer and never reads cannot hold its connection (and
/// slot) for ever: once the server's writes have waited a while, the connection is dropped.
#[tokio::test]
async fn a_client_that_never_reads_is_dropped() {
    const SIZE: usize = 64 * 1024 * 1024;
    let big = axum::Router::new().route("/big", get(|| async { vec![b'x'; SIZE] }));
    let server = TestServer::start_limited(big, None, "", limits(1, 60, 30)).await;
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    stream
        .write_all(b"GET /big HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .unwrap();
    // Read nothing while the server's writes stall past their deadline...
    tokio::time::sleep(Duration::from_secs(4)).await;
    // ...then only what the kernels had buffered arrives, and the connection ends.
    let mut raw = Vec::new();
    let ended = tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut raw)).await;
    assert!(ended.is_ok(), "the connection stayed open");
    assert!(raw.len() < SIZE, "the whole answer arrived: {}", raw.len());
    // Its slot is free again (the cap is one connection).
    assert_eq!(server.get("/healthz").await.status, 200);
}
