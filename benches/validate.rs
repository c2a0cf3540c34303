//! Bench: `validate --all` on 100 sources against a loopback API that
//! answers each request after 100 ms, concurrently (default --jobs) and
//! one at a time (--jobs 1). Prints both wall times. Target: < 0.5 s.
//!
//! Run: `cargo bench --bench validate`

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const SOURCES: usize = 100;

fn main() {
    let port = serve_slowly();
    let repo = tempfile::tempdir().expect("temp dir");
    std::fs::write(repo.path().join("pyproject.toml"), "").expect("pyproject");
    for i in 0..SOURCES {
        let name = format!("source_{i:03}");
        let folder = repo
            .path()
            .join("src/databricks/labs/community_connector/sources")
            .join(&name);
        std::fs::create_dir_all(&folder).expect("mkdir");
        std::fs::write(
            folder.join("connector_spec.yaml"),
            "display_name: Bench\nconnection:\n  parameters:\n    - {name: token, required: true, secret: true, description: Token.}\nexternal_options_allowlist: \"\"\n",
        )
        .expect("spec");
        let tests = repo.path().join("tests/unit/sources").join(&name);
        std::fs::create_dir_all(tests.join("configs")).expect("mkdir");
        std::fs::write(
            tests.join("auth_check.yaml"),
            format!("checks:\n  - request:\n      url: http://127.0.0.1:{port}/me\n      auth: {{bearer: \"{{token}}\"}}\n"),
        )
        .expect("check");
        std::fs::write(tests.join("configs/dev_config.json"), r#"{"token": "t"}"#).expect("creds");
    }
    let run = |jobs: &str| {
        let start = Instant::now();
        let output = Command::new(env!("CARGO_BIN_EXE_connector-auth"))
            .args(["validate", "--all", "--json", "--jobs", jobs])
            .current_dir(repo.path())
            .stderr(Stdio::null())
            .output()
            .expect("run");
        let took = start.elapsed();
        let ok = String::from_utf8_lossy(&output.stdout)
            .matches(r#""outcome":"ok""#)
            .count();
        assert_eq!(ok, SOURCES, "not every source was ok");
        took
    };
    let concurrent = run("64");
    let sequential = run("1");
    println!(
        "validate --all, {SOURCES} sources, API answering in 100 ms: concurrent {:.2} s (target < 0.5 s), sequential {:.2} s",
        concurrent.as_secs_f64(),
        sequential.as_secs_f64()
    );
}

/// An HTTP server on loopback answering every request after 100 ms.
fn serve_slowly() -> u16 {
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).expect("bind");
    let port = listener.local_addr().expect("addr").port();
    listener.set_nonblocking(true).expect("nonblocking");
    connector_auth::loopback::spawn_on_runtime(move || async move {
        let app = axum::Router::new().route(
            "/me",
            axum::routing::get(|| async {
                tokio::time::sleep(Duration::from_millis(100)).await;
                r#"{"id": 1}"#
            }),
        );
        if let Ok(listener) = tokio::net::TcpListener::from_std(listener) {
            let _ = axum::serve(listener, app).await;
        }
    });
    port
}
