//! Fault injection: providers and APIs that answer garbage, huge bodies or
//! nothing; a save that cannot be written; clients that hang up mid-request;
//! a flood of hostile requests while a person submits the real form.

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use connector_auth::oauth::{self, App, OAuthError};
use connector_auth::redact::Redactor;
use connector_auth::secret::Secret;

use crate::support::{Repo, Running, TESTS, csrf, fixture_spec, page, post};

/// A server answering each path with a fixed, hostile answer.
fn hostile() -> u16 {
    use axum::http::{StatusCode, header};
    use axum::response::IntoResponse;
    use axum::routing::{get, post};
    crate::support::serve(|| {
        let huge = || "x".repeat(5 * 1024 * 1024);
        axum::Router::new()
            .route(
                "/malformed",
                post(|| async {
                    (
                        StatusCode::OK,
                        [(header::CONTENT_TYPE, "application/json")],
                        "{not json",
                    )
                }),
            )
            .route(
                "/html",
                post(|| async {
                    (
                        StatusCode::OK,
                        [(header::CONTENT_TYPE, "text/html")],
                        "<html><body>Sign in</body></html>",
                    )
                }),
            )
            .route(
                "/error200",
                post(|| async {
                    (
                        StatusCode::OK,
                        [(header::CONTENT_TYPE, "application/json")],
                        r#"{"error":"invalid_client"}"#,
                    )
                }),
            )
            .route(
                "/huge",
                post(move || async move {
                    (
                        StatusCode::OK,
                        [(header::CONTENT_TYPE, "application/json")],
                        huge(),
                    )
                        .into_response()
                }),
            )
            .route(
                "/hang",
                post(|| async {
                    tokio::time::sleep(Duration::from_secs(30)).await;
                    "{}"
                }),
            )
            .route(
                "/huge-api",
                get(|| async { (StatusCode::UNAUTHORIZED, "y".repeat(5 * 1024 * 1024)) }),
            )
    })
}

#[tokio::test]
async fn token_answers_that_are_not_tokens_are_refused_with_bounded_reads() {
    let port = hostile();
    let http = oauth::http_client(Duration::from_secs(2)).expect("client");
    let secret = "client-secret-fault-7777";
    let mut redactor = Redactor::new();
    redactor.add(secret);
    for (path, expect) in [
        ("/malformed", "malformed"),
        ("/html", "malformed"),
        // An error inside a 200 is the provider's error, as providers mean it.
        ("/error200", "provider"),
        ("/huge", "malformed"),
        ("/hang", "timeout"),
    ] {
        let app = App {
            client_id: "c".into(),
            client_secret: Some(Secret::new(secret)),
            token_url: format!("http://127.0.0.1:{port}{path}"),
        };
        let started = Instant::now();
        let err = oauth::client_credentials(&http, &app, &[], &redactor)
            .await
            .expect_err(path);
        let kind = match err {
            OAuthError::Malformed { .. } => "malformed",
            OAuthError::Timeout { .. } => "timeout",
            OAuthError::Provider { .. } => "provider",
            _ => "other",
        };
        assert_eq!(kind, expect, "{path}: {err}");
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{path} took {:?}",
            started.elapsed()
        );
        let text = err.to_string();
        assert!(!text.contains(secret), "{path}: {text}");
        assert!(
            text.len() < 600,
            "{path}: an unbounded message ({} bytes)",
            text.len()
        );
    }
}

#[test]
fn an_api_answering_a_huge_body_gets_a_short_reason() {
    let port = hostile();
    let repo = Repo::new();
    repo.spec("big", "connection:\n  parameters:\n    - {name: token, required: true, secret: true}\n")
        .file(
            &format!("{TESTS}/big/auth_check.yaml"),
            &format!("checks:\n  - request:\n      url: http://127.0.0.1:{port}/huge-api\n      auth: {{bearer: \"{{token}}\"}}\n"),
        )
        .credentials("big", r#"{"token": "tok-huge-1234"}"#);
    let run = crate::support::validate(&repo, &["big", "--json"]);
    assert_eq!(run.code, Some(1));
    let row = &crate::support::json_lines(run.stdout.as_bytes())[0];
    assert_eq!(row["outcome"], "invalid_credentials");
    assert!(
        row["reason"].as_str().is_some_and(|r| r.len() < 400),
        "{row}"
    );
}

/// Saves the form of a running `collect` with `token`, as its page would.
async fn save_token(running: &Running, token: &str) -> (reqwest::StatusCode, String) {
    let page = page(running).await;
    post(
        running,
        "/save",
        &[("_csrf", &csrf(&page)), ("token", token)],
    )
    .await
}

#[tokio::test]
async fn a_save_that_cannot_be_written_is_reported_and_leaves_nothing_behind() {
    let repo = Repo::new();
    repo.spec("github", &fixture_spec("flat.yaml"));
    let target = repo.root().join("out");
    std::fs::create_dir_all(target.join("dev_config.json"))
        .expect("a folder where the file should go");
    let running = repo.start(&[
        "collect",
        "github",
        "--port",
        "0",
        "-o",
        "out/dev_config.json",
    ]);
    let (status, html) = save_token(&running, "ghp_unwritable_1111").await;
    assert_eq!(status, reqwest::StatusCode::INTERNAL_SERVER_ERROR);
    assert!(html.contains("cannot save credentials to"), "{html}");
    assert!(!html.contains("ghp_unwritable_1111"));
    let leftovers: Vec<_> = std::fs::read_dir(&target)
        .expect("out")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temp files left: {leftovers:?}");
    drop(running);
}

#[tokio::test]
async fn clients_hanging_up_and_a_flood_of_garbage_do_not_stop_the_real_save() {
    let repo = Repo::new();
    repo.spec("github", &fixture_spec("flat.yaml"));
    let running = repo.start(&["collect", "github", "--port", "0"]);
    let port = running.port;
    // Half-sent requests, then hang up.
    for _ in 0..20 {
        let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
        let _ = s.write_all(format!("POST /save HTTP/1.1\r\nHost: localhost:{port}\r\nContent-Length: 5000\r\n\r\n_csrf=").as_bytes());
    }
    // 1,000 concurrent hostile requests, bounded in time.
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..1000 {
        tasks.spawn(async move {
            let Ok(mut s) = tokio::net::TcpStream::connect(("127.0.0.1", port)).await else { return };
            let request = match i % 5 {
                0 => format!("GET /../../etc/passwd HTTP/1.1\r\nHost: localhost:{port}\r\n\r\n"),
                1 => format!("POST /save HTTP/1.1\r\nHost: evil.test:{port}\r\nContent-Length: 3\r\n\r\nabc"),
                2 => format!("POST /save HTTP/1.1\r\nHost: localhost:{port}\r\nContent-Length: 20\r\n\r\n_csrf=nope&token=x"),
                3 => "\u{0}\u{1}garbage\r\n\r\n".to_string(),
                _ => format!("POST /oauth/start HTTP/1.1\r\nHost: localhost:{port}\r\nContent-Length: 999999\r\n\r\n"),
            };
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            let _ = s.write_all(request.as_bytes()).await;
            let mut sink = [0u8; 512];
            let _ = tokio::time::timeout(Duration::from_secs(2), s.read(&mut sink)).await;
        });
    }
    while tasks.join_next().await.is_some() {}
    assert!(started.elapsed() < Duration::from_secs(60));
    let mut peak = String::new();
    if let Ok(mut f) = std::fs::File::open(format!("/proc/{}/status", running.pid())) {
        let _ = f.read_to_string(&mut peak);
    }
    let (status, _) = save_token(&running, "ghp_after_flood").await;
    assert_eq!(status, reqwest::StatusCode::OK);
    let (code, _, stderr) = tokio::task::spawn_blocking(move || running.finish())
        .await
        .expect("join");
    assert_eq!(code, Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"));
    let hwm_kib: u64 = peak
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    println!(
        "collect peak memory after the flood: {:.1} MB",
        hwm_kib as f64 / 1024.0
    );
    assert!(hwm_kib < 200 * 1024, "memory grew to {hwm_kib} KiB");
}

#[cfg(unix)]
#[test]
fn sigterm_while_the_terminal_waits_for_the_oauth_callback_writes_nothing() {
    let repo = Repo::new();
    repo.spec(
        "sandbox",
        &crate::provider::u2m_spec(crate::provider::free_port(), true),
    );
    let callback = crate::provider::free_port();
    let mut running = repo.spawn(
        &[
            "collect",
            "sandbox",
            "--mode",
            "cli",
            "--no-open",
            "--port",
            &callback.to_string(),
        ],
        &[],
        Some("confidential-pkce\nconfidential-pkce-secret\n"),
    );
    running.next_event("authorize").expect("authorize event");
    running.assert_cancelled_by("TERM", &repo, "sandbox");
    assert!(
        std::net::TcpListener::bind(("127.0.0.1", callback)).is_ok(),
        "port still held"
    );
}
