//! `demo` and `authenticate` end to end: headless Chromium drives the real
//! form printed by the real binary; failures at each step stop with the
//! documented exit code and the command to go on.

use std::time::Duration;

use fantoccini::Locator;

use crate::apis::{self, Nginx};
use crate::browser::Browser;
use crate::support::{Repo, Running, TESTS};

async fn finish(running: Running) -> (Option<i32>, String, String) {
    tokio::task::spawn_blocking(move || running.finish())
        .await
        .expect("join")
}

#[tokio::test]
async fn demo_api_key_variant_runs_the_whole_flow() {
    let home = Repo::new();
    let mut running = home.spawn(&["demo", "--no-open", "--port", "0"], &[], None);
    let demo = running.next_event("demo").expect("demo event");
    let workspace = std::path::PathBuf::from(demo["workspace"].as_str().expect("workspace"));
    let key = demo["values"]["api_key"]
        .as_str()
        .expect("api key")
        .to_string();
    let url = running.next_event("listening").expect("listening")["url"]
        .as_str()
        .expect("url")
        .to_string();
    let browser = Browser::start().await;
    browser.client.goto(&url).await.expect("form");
    assert_eq!(browser.text("h1").await, "Connect Sandbox");
    browser.fill("api_key", &key).await;
    browser.screenshot("demo-form").await;
    browser.click("button#save").await;
    assert_eq!(browser.text_becomes("h1", "Saved").await, "Saved");
    browser.close().await;
    let (code, stdout, stderr) = finish(running).await;
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(stdout.contains(r#""event":"authenticated""#), "{stdout}");
    assert!(stdout.contains(r#""outcome":"ok""#), "{stdout}");
    assert!(
        stdout.contains("is removed when the demo ends"),
        "the saved path is not said to go: {stdout}"
    );
    assert!(!workspace.exists(), "the demo workspace was not removed");
}

#[tokio::test]
async fn demo_oauth_variant_authorizes_at_the_sandbox() {
    let home = Repo::new();
    let mut running = home.spawn(&["demo", "--oauth", "--no-open", "--port", "0"], &[], None);
    let demo = running.next_event("demo").expect("demo event");
    let url = running.next_event("listening").expect("listening")["url"]
        .as_str()
        .expect("url")
        .to_string();
    let browser = Browser::start().await;
    let client = &browser.client;
    client.goto(&url).await.expect("form");
    browser
        .fill(
            "client_id",
            demo["values"]["client_id"].as_str().expect("id"),
        )
        .await;
    browser
        .fill(
            "client_secret",
            demo["values"]["client_secret"].as_str().expect("secret"),
        )
        .await;
    let main = client.window().await.expect("window");
    browser.click("button.authorize").await;
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let popup = loop {
        if let Some(w) = client
            .windows()
            .await
            .expect("windows")
            .into_iter()
            .find(|w| *w != main)
        {
            break w;
        }
        assert!(std::time::Instant::now() < deadline, "no popup");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    client.switch_to_window(popup).await.expect("popup");
    client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Id("allow"))
        .await
        .expect("consent page");
    browser.screenshot("demo-consent").await;
    browser.click("#allow").await;
    assert_eq!(browser.text_becomes("h1", "Authorized").await, "Authorized");
    client.close_window().await.expect("close");
    client.switch_to_window(main).await.expect("main");
    let status = browser.text(".status.ok").await;
    assert!(status.starts_with("Authorized"), "{status}");
    browser.click("button#save").await;
    assert_eq!(browser.text_becomes("h1", "Saved").await, "Saved");
    browser.close().await;
    let (code, stdout, stderr) = finish(running).await;
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(stdout.contains(r#""event":"authenticated""#), "{stdout}");
}

fn nginx_doc(api: &Nginx) -> String {
    format!(
        "# Zendesk\n\n## Authorization\n\nBasic auth with the agent's email and an API token.\n\n```\ncurl -u <email>/token:<api_token> {}\n```\n",
        api.url("/basic/me")
    )
}

#[tokio::test]
async fn authenticate_drafts_collects_in_the_browser_and_validates() {
    let api = Nginx::start();
    let repo = Repo::new();
    repo.api_doc("zendesk", &nginx_doc(&api));
    let mut running = repo.spawn(
        &["authenticate", "zendesk", "--no-open", "--port", "0"],
        &[],
        None,
    );
    let url = running.next_event("listening").expect("listening")["url"]
        .as_str()
        .expect("url")
        .to_string();
    let browser = Browser::start().await;
    browser.client.goto(&url).await.expect("form");
    browser.fill("email", "agent@acme.test").await;
    browser.fill("api_token", apis::BASIC_PASSWORD).await;
    browser.click("button#save").await;
    assert_eq!(browser.text_becomes("h1", "Saved").await, "Saved");
    browser.close().await;
    let (code, stdout, stderr) = finish(running).await;
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    let steps: Vec<&str> = stdout
        .lines()
        .filter(|l| l.contains(r#""event":"step""#))
        .collect();
    assert_eq!(steps.len(), 3, "{stdout}");
    assert!(stdout.contains(r#""outcome":"ok""#));
    assert!(!stdout.contains(apis::BASIC_PASSWORD) && !stderr.contains(apis::BASIC_PASSWORD));
    assert!(
        repo.root()
            .join("src/databricks/labs/community_connector/sources/zendesk/connector_spec.yaml")
            .exists()
    );
}

#[test]
fn a_doc_without_auth_facts_stops_at_step_1() {
    let repo = Repo::new();
    repo.api_doc("mystery", "# Mystery API\n\nSee the README.\n");
    let output = repo
        .cmd()
        .args(["authenticate", "mystery", "--no-open"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("stopped at step 1"), "{stderr}");
    assert!(
        stderr.contains("to go on:") && stderr.contains("connector-auth authenticate mystery"),
        "{stderr}"
    );
}

#[test]
fn a_collect_that_times_out_stops_at_step_2_and_writes_nothing() {
    let api = Nginx::start();
    let repo = Repo::new();
    repo.api_doc("zendesk", &nginx_doc(&api));
    let running = repo.spawn(
        &[
            "authenticate",
            "zendesk",
            "--no-open",
            "--port",
            "0",
            "--timeout",
            "1",
        ],
        &[],
        None,
    );
    let (code, stdout, _) = running.finish();
    assert_eq!(code, Some(1), "{stdout}");
    assert!(stdout.contains(r#""event":"stopped","step":2"#), "{stdout}");
    assert!(!repo.credentials_path("zendesk").exists());
}

#[cfg(unix)]
#[test]
fn ctrl_c_during_collect_leaves_no_file() {
    let api = Nginx::start();
    let repo = Repo::new();
    repo.api_doc("zendesk", &nginx_doc(&api));
    let mut running = repo.spawn(
        &["authenticate", "zendesk", "--no-open", "--port", "0"],
        &[],
        None,
    );
    running.next_event("listening").expect("listening");
    running.signal("INT");
    let (code, stdout, _) = running.finish();
    assert_eq!(code, Some(1), "{stdout}");
    assert!(stdout.contains(r#""event":"cancelled""#), "{stdout}");
    assert!(!repo.credentials_path("zendesk").exists());
}

#[test]
fn rejected_credentials_stop_at_step_3_with_the_resume_command() {
    let api = Nginx::start();
    let repo = Repo::new();
    repo.api_doc("zendesk", &nginx_doc(&api));
    let output = repo
        .cmd()
        .args(["authenticate", "zendesk", "--mode", "cli"])
        // "y": saved anyway although the check on Save rejected them.
        .write_stdin("agent@acme.test\nwrong-secret-8080\ny\n")
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stdout.contains("invalid_credentials"), "{stdout}");
    assert!(stderr.contains("stopped at step 3"), "{stderr}");
    assert!(
        stderr.contains("connector-auth validate zendesk"),
        "{stderr}"
    );
    assert!(!stdout.contains("wrong-secret-8080") && !stderr.contains("wrong-secret-8080"));
    // Saved credentials are reused without asking when stdin is not a terminal.
    let again = repo
        .cmd()
        .args(["authenticate", "zendesk", "--reuse"])
        .output()
        .expect("run");
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stdout).contains("using the credentials saved at"));
}

#[tokio::test]
async fn authenticate_with_an_oauth_spec_against_oidc_provider() {
    use crate::provider::{Provider, free_port, u2m_spec};
    let port = free_port();
    let callback = free_port();
    let repo = Repo::new();
    repo.spec("sandbox", &u2m_spec(port, true)).file(
        &format!("{TESTS}/sandbox/auth_check.yaml"),
        &format!(
            "checks:\n  - request:\n      url: http://127.0.0.1:{port}/me\n      auth: {{oauth: {{}}}}\n    expect:\n      identity: /sub\n"
        ),
    );
    let _provider = Provider::start(
        port,
        &format!("http://localhost:{callback}/oauth/callback"),
        0,
    );
    let mut running = repo.spawn(
        &[
            "authenticate",
            "sandbox",
            "--no-open",
            "--port",
            &callback.to_string(),
        ],
        &[],
        None,
    );
    let url = running.next_event("listening").expect("listening")["url"]
        .as_str()
        .expect("url")
        .to_string();
    let browser = Browser::start().await;
    browser.client.goto(&url).await.expect("form");
    browser.fill("client_id", "confidential-pkce").await;
    browser
        .fill("client_secret", "confidential-pkce-secret")
        .await;
    crate::oauth_flows::authorize_in_popup(&browser, false).await;
    let status = browser.text(".status.ok").await;
    assert!(status.starts_with("Authorized"), "{status}");
    browser.click("button#save").await;
    assert_eq!(browser.text_becomes("h1", "Saved").await, "Saved");
    browser.close().await;
    let (code, stdout, stderr) = finish(running).await;
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(stdout.contains(r#""identity":"alice""#), "{stdout}");
    assert!(stdout.contains(r#""event":"authenticated""#));
}
