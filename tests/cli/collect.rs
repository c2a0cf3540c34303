//! `collect` in browser mode, driven over HTTP: every server rule, the file
//! it writes, re-runs, cancellation, ports and secrecy.

use reqwest::StatusCode;

use crate::support::{Repo, Running, client, csrf, fixture_spec, form_body};

const SECRET: &str = "tok-4f9c2e7a-SECRET";

fn zendesk() -> Repo {
    let repo = Repo::new();
    repo.spec("zendesk", &fixture_spec("methods_shared.yaml"));
    repo
}

async fn form_page(running: &Running) -> String {
    let response = client().get(&running.url).send().await.expect("GET /");
    assert_eq!(response.status(), StatusCode::OK);
    response.text().await.expect("body")
}

async fn post(running: &Running, body: String) -> (StatusCode, String) {
    let response = client()
        .post(format!("{}/save", running.url))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", &running.url)
        .body(body)
        .send()
        .await
        .expect("POST /save");
    let status = response.status();
    (status, response.text().await.expect("body"))
}

fn good_answer(token: &str) -> Vec<(&'static str, String)> {
    vec![
        ("_method", "api_token".into()),
        ("subdomain", "acme".into()),
        ("email", "agent@acme.test".into()),
        ("api_token", token.into()),
    ]
}

fn body(csrf: &str, pairs: &[(&str, String)]) -> String {
    let mut all: Vec<(&str, &str)> = vec![("_csrf", csrf)];
    all.extend(pairs.iter().map(|(k, v)| (*k, v.as_str())));
    form_body(&all)
}

#[tokio::test]
async fn a_valid_save_writes_the_file_and_ends_the_run() {
    let repo = zendesk();
    let running = repo.start(&["collect", "zendesk", "--port", "0"]);
    let page = form_page(&running).await;
    let (status, html) = post(&running, body(&csrf(&page), &good_answer(SECRET))).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("Saved"));
    assert!(html.contains("dev_config.json"));
    assert!(!html.contains(SECRET), "the success page shows the secret");
    let (code, stdout, stderr) = running.finish();
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains(r#""event":"saved""#), "{stdout}");
    let path = repo.credentials_path("zendesk");
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("file")).expect("json");
    assert_eq!(
        saved,
        serde_json::json!({"subdomain": "acme", "email": "agent@acme.test", "api_token": SECRET})
    );
    #[cfg(unix)]
    {
        assert_eq!(crate::support::mode(&path), 0o600);
        assert_eq!(crate::support::mode(path.parent().expect("folder")), 0o700);
    }
    assert!(!stdout.contains(SECRET) && !stderr.contains(SECRET));
}

#[tokio::test]
async fn requests_for_another_host_are_refused() {
    let repo = zendesk();
    let running = repo.start(&["collect", "zendesk", "--port", "0"]);
    let response = client()
        .get(format!("http://127.0.0.1:{}/", running.port))
        .header("host", format!("rebind.attacker.test:{}", running.port))
        .send()
        .await
        .expect("GET");
    assert_eq!(response.status(), StatusCode::MISDIRECTED_REQUEST);
    let ok = client()
        .get(format!("http://127.0.0.1:{}/", running.port))
        .send()
        .await
        .expect("GET");
    assert_eq!(ok.status(), StatusCode::OK, "127.0.0.1 is allowed");
}

#[tokio::test]
async fn a_cross_origin_post_changes_nothing() {
    let repo = zendesk();
    let running = repo.start(&["collect", "zendesk", "--port", "0"]);
    let page = form_page(&running).await;
    let response = client()
        .post(format!("{}/save", running.url))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", "https://attacker.test")
        .body(body(&csrf(&page), &good_answer(SECRET)))
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let response = client()
        .post(format!("{}/save", running.url))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "cross-site")
        .body(body(&csrf(&page), &good_answer(SECRET)))
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(!repo.credentials_path("zendesk").exists());
}

#[tokio::test]
async fn a_post_without_the_csrf_token_is_refused() {
    let repo = zendesk();
    let running = repo.start(&["collect", "zendesk", "--port", "0"]);
    let (status, _) = post(&running, body("", &good_answer(SECRET))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = post(&running, body(&"0".repeat(32), &good_answer(SECRET))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(!repo.credentials_path("zendesk").exists());
}

#[tokio::test]
async fn bodies_over_64_kib_are_refused() {
    let repo = zendesk();
    let running = repo.start(&["collect", "zendesk", "--port", "0"]);
    let page = form_page(&running).await;
    let mut pairs = good_answer(SECRET);
    pairs.push(("subdomain", "x".repeat(70 * 1024)));
    let (status, _) = post(&running, body(&csrf(&page), &pairs)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(!repo.credentials_path("zendesk").exists());
}

#[tokio::test]
async fn undeclared_names_are_refused() {
    let repo = zendesk();
    let running = repo.start(&["collect", "zendesk", "--port", "0"]);
    let page = form_page(&running).await;
    let mut pairs = good_answer(SECRET);
    pairs.push(("is_admin", "true".into()));
    let (status, html) = post(&running, body(&csrf(&page), &pairs)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("is_admin"));
    assert!(!repo.credentials_path("zendesk").exists());
}

#[tokio::test]
async fn required_values_are_checked_for_the_chosen_method_without_echoing_secrets() {
    let repo = zendesk();
    let running = repo.start(&["collect", "zendesk", "--port", "0"]);
    let token = csrf(&form_page(&running).await);
    // The password method needs `password`; the api token typed is irrelevant.
    let pairs = vec![
        ("_method", "password".to_string()),
        ("subdomain", "acme".into()),
        ("email", "agent@acme.test".into()),
        ("api_token", SECRET.into()),
    ];
    let (status, html) = post(&running, body(&token, &pairs)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Password is required"), "{html}");
    assert!(html.contains("value=\"acme\""), "typed values are kept");
    assert!(!html.contains(SECRET), "a secret came back in the page");
    let mut pairs = good_answer(SECRET);
    pairs[0].1 = "nonsense".into();
    let (status, html) = post(&running, body(&token, &pairs)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("unknown authentication method"));
    assert!(!repo.credentials_path("zendesk").exists());
}

#[tokio::test]
async fn typed_values_are_checked() {
    let repo = Repo::new();
    repo.spec("typed", &fixture_spec("typed.yaml"));
    let running = repo.start(&["collect", "typed", "--port", "0"]);
    let token = csrf(&form_page(&running).await);
    let pairs = vec![
        ("api_key", "k".to_string()),
        ("page_size", "lots".into()),
        ("include_archived", "perhaps".into()),
        ("rate_limit", "fast".into()),
    ];
    let (status, html) = post(&running, body(&token, &pairs)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Page size must be a whole number"), "{html}");
    assert!(html.contains("Include archived must be true or false"));
    assert!(html.contains("Rate limit must be a number"));
    let pairs = vec![
        ("api_key", "k".to_string()),
        ("page_size", "50".into()),
        ("include_archived", "true".into()),
        ("rate_limit", "2.5".into()),
    ];
    let (status, _) = post(&running, body(&token, &pairs)).await;
    assert_eq!(status, StatusCode::OK);
    let (code, _, _) = running.finish();
    assert_eq!(code, Some(0));
    let saved = std::fs::read_to_string(repo.credentials_path("typed")).expect("file");
    assert!(saved.contains("\"page_size\": \"50\""));
}

#[tokio::test]
async fn of_two_simultaneous_saves_exactly_one_wins() {
    let repo = zendesk();
    let running = repo.start(&["collect", "zendesk", "--port", "0"]);
    let token = csrf(&form_page(&running).await);
    let first = post(&running, body(&token, &good_answer("first-token")));
    let second = post(&running, body(&token, &good_answer("second-token")));
    let (a, b) = tokio::join!(first, second);
    let statuses = [a.0, b.0];
    assert_eq!(
        statuses.iter().filter(|s| **s == StatusCode::OK).count(),
        1,
        "{statuses:?}"
    );
    assert!(statuses.contains(&StatusCode::CONFLICT), "{statuses:?}");
    let loser = if a.0 == StatusCode::CONFLICT {
        &a.1
    } else {
        &b.1
    };
    assert!(loser.contains("already saved"), "{loser}");
    let winner = if a.0 == StatusCode::OK {
        "first-token"
    } else {
        "second-token"
    };
    let saved = std::fs::read_to_string(repo.credentials_path("zendesk")).expect("file");
    assert!(saved.contains(winner));
}

#[tokio::test]
async fn a_rerun_prefills_plain_values_and_keeps_stored_secrets_off_the_page() {
    let repo = zendesk();
    repo.credentials(
        "zendesk",
        &format!(
            r#"{{"subdomain": "stored-sub", "email": "old@acme.test", "api_token": "{SECRET}"}}"#
        ),
    );
    let running = repo.start(&["collect", "zendesk", "--port", "0"]);
    let page = form_page(&running).await;
    assert!(page.contains("value=\"stored-sub\""));
    assert!(page.contains("saved — leave empty to keep it"));
    assert!(!page.contains(SECRET), "the stored secret reached the page");
    let pairs = vec![
        ("_method", "api_token".to_string()),
        ("subdomain", "new-sub".into()),
        ("email", "old@acme.test".into()),
        ("api_token", String::new()),
    ];
    let (status, _) = post(&running, body(&csrf(&page), &pairs)).await;
    assert_eq!(status, StatusCode::OK);
    let (code, _, _) = running.finish();
    assert_eq!(code, Some(0));
    let saved: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo.credentials_path("zendesk")).expect("file"),
    )
    .expect("json");
    assert_eq!(saved["subdomain"], "new-sub");
    assert_eq!(
        saved["api_token"], SECRET,
        "the empty secret kept the stored value"
    );
}

#[test]
fn the_timeout_cancels_and_writes_nothing() {
    let repo = zendesk();
    let running = repo.start(&["collect", "zendesk", "--port", "0", "--timeout", "1"]);
    let (code, stdout, _) = running.finish();
    assert_eq!(code, Some(1));
    assert!(stdout.contains(r#""event":"cancelled""#), "{stdout}");
    assert!(stdout.contains("timed out"), "{stdout}");
    assert!(!repo.credentials_path("zendesk").exists());
}

#[cfg(unix)]
#[test]
fn ctrl_c_and_sigterm_cancel_release_the_port_and_write_nothing() {
    for signal in ["INT", "TERM"] {
        let repo = zendesk();
        let running = repo.start(&["collect", "zendesk", "--port", "0"]);
        let port = running.port;
        running.signal(signal);
        let (code, stdout, _) = running.finish();
        assert_eq!(code, Some(1), "SIG{signal}");
        assert!(stdout.contains("interrupted"), "{stdout}");
        assert!(!repo.credentials_path("zendesk").exists());
        assert!(
            std::net::TcpListener::bind(("127.0.0.1", port)).is_ok(),
            "port {port} still held after SIG{signal}"
        );
    }
}

#[test]
fn an_explicit_busy_port_is_an_input_error() {
    let taken = std::net::TcpListener::bind(("127.0.0.1", 0)).expect("bind");
    let port = taken.local_addr().expect("addr").port().to_string();
    let repo = zendesk();
    let output = repo
        .cmd()
        .args(["collect", "zendesk", "--no-open", "--port", &port])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains(&format!("port {port} is busy")));
}

#[test]
fn a_busy_default_port_moves_and_warns_about_the_redirect_uri() {
    // Hold the default port (unless something else already does).
    let _held = std::net::TcpListener::bind(("127.0.0.1", 9876));
    let repo = Repo::new();
    repo.spec("ga", &fixture_spec("oauth_u2m.yaml"));
    let mut running = repo.start(&["collect", "ga"]);
    assert_ne!(running.port, 9876);
    let moved = running.next_event("port_moved").expect("port_moved event");
    assert_eq!(moved["requested"], 9876);
    assert_eq!(
        moved["redirect_uri"],
        format!("http://localhost:{}/oauth/callback", running.port)
    );
}

#[test]
fn a_missing_or_broken_spec_stops_collect_before_listening() {
    let repo = Repo::new();
    repo.api_doc("nospec", "# Doc\n")
        .spec("broken", "connection:\n  parameters: nope\n");
    let output = repo
        .cmd()
        .args(["collect", "nospec", "--no-open"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("connector-auth spec nospec"));
    let output = repo
        .cmd()
        .args(["collect", "broken", "--no-open"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("not-a-list"), "{stderr}");
}

#[test]
fn a_file_inside_a_git_work_tree_that_is_not_ignored_is_warned_about() {
    let repo = zendesk();
    let status = std::process::Command::new("git")
        .args(["init", "-q"])
        .current_dir(repo.root())
        .status()
        .expect("git init");
    assert!(status.success());
    let running = repo.start(&["collect", "zendesk", "--port", "0", "--timeout", "1"]);
    let (_, stdout, _) = running.finish();
    assert!(stdout.contains(r#""event":"warning""#), "{stdout}");
    assert!(stdout.contains("is not ignored"), "{stdout}");
    let repo = zendesk();
    repo.file(".gitignore", "dev_config.json\n");
    let status = std::process::Command::new("git")
        .args(["init", "-q"])
        .current_dir(repo.root())
        .status()
        .expect("git init");
    assert!(status.success());
    let running = repo.start(&["collect", "zendesk", "--port", "0", "--timeout", "1"]);
    let (_, stdout, _) = running.finish();
    assert!(!stdout.contains("not ignored"), "{stdout}");
}

/// Two methods; with `selector`, a shared `auth_type` parameter that
/// repeats the choice (as some connectors read it).
fn two_methods(selector: bool) -> String {
    let shared = if selector {
        "  common_parameters:\n    - {name: auth_type, required: true, description: Which of the two methods the connector uses.}\n"
    } else {
        ""
    };
    format!(
        "display_name: Two Ways\nconnection:\n{shared}  auth_methods:\n    - name: api_key\n      parameters:\n        - {{name: api_key, required: true, secret: true, description: The key.}}\n    - name: basic\n      parameters:\n        - {{name: username, required: true, description: The user.}}\n        - {{name: password, required: true, secret: true, description: The password.}}\nexternal_options_allowlist: \"\"\n"
    )
}

#[tokio::test]
async fn a_method_selector_is_saved_by_the_form_only_where_the_spec_declares_it() {
    for selector in [true, false] {
        let repo = Repo::new();
        repo.spec("two", &two_methods(selector));
        let running = repo.start(&["collect", "two", "--port", "0"]);
        let token = csrf(&form_page(&running).await);
        if !selector {
            // An undeclared selector is not taken from the post either.
            let pairs = [
                ("_method", "basic".to_string()),
                ("auth_type", "basic".to_string()),
                ("username", "ada".to_string()),
                ("password", "pw-4711".to_string()),
            ];
            let (status, _) = post(&running, body(&token, &pairs)).await;
            assert!(status.is_client_error(), "{status}");
            assert_eq!(repo.saved("two"), None);
        }
        let pairs = [
            ("_method", "basic".to_string()),
            ("username", "ada".to_string()),
            ("password", "pw-4711".to_string()),
        ];
        let (status, html) = post(&running, body(&token, &pairs)).await;
        assert_eq!(status, StatusCode::OK, "{html}");
        let (code, _, stderr) = tokio::task::spawn_blocking(move || running.finish())
            .await
            .expect("join");
        assert_eq!(code, Some(0), "{stderr}");
        let mut expected = serde_json::json!({"username": "ada", "password": "pw-4711"});
        if selector {
            expected["auth_type"] = serde_json::json!("basic");
        }
        assert_eq!(repo.saved("two"), Some(expected), "selector {selector}");
    }
}

#[test]
fn a_method_selector_is_saved_at_the_terminal_only_where_the_spec_declares_it() {
    for selector in [true, false] {
        let repo = Repo::new();
        repo.spec("two", &two_methods(selector));
        let output = repo
            .cmd()
            .args(["collect", "two", "--mode", "cli"])
            .write_stdin("basic\nada\npw-4711\n")
            .output()
            .expect("run");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "{stderr}");
        assert!(!stderr.contains("pw-4711"), "{stderr}");
        let mut expected = serde_json::json!({"username": "ada", "password": "pw-4711"});
        if selector {
            expected["auth_type"] = serde_json::json!("basic");
        }
        assert_eq!(repo.saved("two"), Some(expected), "selector {selector}");
    }
}
