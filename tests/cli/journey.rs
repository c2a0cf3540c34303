//! The path across the steps, as a person and an agent live it: what an
//! agent reads on stdout (`--json`: one event per line, `listening` first),
//! what the form says after each action and what it keeps, and the check
//! on Save under plain `collect`. Pages run in real Chromium (screenshots in
//! `tests/output/`), the API is nginx, the provider oidc-provider.

use serde_json::{Value, json};

use crate::apis::{API_KEY, Nginx};
use crate::browser::Browser;
use crate::support::{Repo, Running, json_lines};

const KEY_SPEC: &str = "display_name: Acme\nconnection:\n  parameters:\n    - name: api_key\n      required: true\n      secret: true\n      description: The API key.\nexternal_options_allowlist: \"\"\n";

fn key_check(nginx: &Nginx) -> String {
    format!(
        "checks:\n  - request:\n      url: {}\n      auth:\n        header: {{name: X-Api-Key, value: \"{{api_key}}\"}}\n",
        nginx.url("/apikey/me")
    )
}

/// Every line of `stdout` is a JSON object with an `event`.
fn events(stdout: &str) -> Vec<Value> {
    let lines = json_lines(stdout.as_bytes());
    for line in &lines {
        assert!(line["event"].is_string(), "no event: {line}");
    }
    lines
}

#[test]
fn every_json_object_of_every_command_carries_an_event() {
    let nginx = Nginx::start();
    let repo = Repo::new();
    let wrong = "wrong-key-secret-3141";
    repo.spec("acme", KEY_SPEC)
        .check("acme", &key_check(&nginx))
        .credentials("acme", &json!({"api_key": wrong}).to_string());
    repo.spec("good", KEY_SPEC)
        .check("good", &key_check(&nginx))
        .credentials("good", &json!({"api_key": API_KEY}).to_string());
    repo.spec(
        "plain",
        "connection:\n  parameters:\n    - name: api_token\n",
    );

    let stopped = repo.run(&["authenticate", "acme", "--reuse", "--json"]);
    assert_eq!(stopped.code, Some(1), "{}", stopped.all());
    let lines = events(&stopped.stdout);
    let names: Vec<&str> = lines.iter().filter_map(|l| l["event"].as_str()).collect();
    assert!(names.contains(&"verdict"), "{names:?}");
    assert_eq!(names.last(), Some(&"stopped"), "{names:?}");

    let done = repo.run(&["authenticate", "good", "--reuse", "--json"]);
    assert_eq!(done.code, Some(0), "{}", done.all());
    assert_eq!(
        events(&done.stdout).last().map(|l| l["event"].clone()),
        Some(json!("authenticated"))
    );
    for args in [
        &["validate", "--all", "--json"][..],
        &["validate", "good", "--dry-run", "--json"],
        &["lint", "--json"],
        &["sources", "--json"],
    ] {
        let run = repo.run(args);
        assert!(!run.stdout.trim().is_empty(), "{args:?}: {}", run.all());
        events(&run.stdout);
    }
    crate::support::assert_hidden(&stopped, wrong, None);
    crate::support::assert_hidden(&done, API_KEY, None);
}

/// What an agent reads from `collect --json` in a git repository that does
/// not ignore the credentials file: `listening` first, the warning after.
#[test]
fn listening_is_the_first_line_and_the_git_warning_follows() {
    let repo = Repo::new();
    repo.spec("acme", KEY_SPEC);
    let init = std::process::Command::new("git")
        .args(["init", "-q"])
        .current_dir(repo.root())
        .status()
        .expect("git init");
    assert!(init.success());
    for args in [
        &[
            "collect",
            "acme",
            "--json",
            "--no-open",
            "--port",
            "0",
            "--timeout",
            "1",
        ][..],
        // Without --no-open and without a display: the note comes after too.
        &["collect", "acme", "--json", "--port", "0", "--timeout", "1"],
    ] {
        let output = repo
            .cmd()
            .args(args)
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .env_remove("BROWSER")
            .output()
            .expect("run");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let lines = events(&stdout);
        assert_eq!(lines[0]["event"], "listening", "{args:?}: {stdout}");
        assert!(
            lines.iter().any(|l| l["event"] == "warning"
                && l["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("is not ignored"))),
            "{stdout}"
        );
        assert_eq!(
            lines.last().map(|l| l["event"].clone()),
            Some(json!("cancelled"))
        );
    }
}

/// Small things found on the path: `sources` says how a key is sent (the
/// header, not a guess from its name), and a keyring that cannot be reached
/// is one quiet line, not the platform's D-Bus error.
#[test]
fn sources_names_the_header_and_an_unreachable_keyring_is_one_quiet_line() {
    let repo = Repo::new();
    repo.spec(
        "tokened",
        "display_name: Tokened\nconnection:\n  parameters:\n    - {name: api_token, required: true, secret: true, description: The token.}\nexternal_options_allowlist: \"\"\n",
    )
    .check(
        "tokened",
        "checks:\n  - request:\n      url: https://api.tokened.test/v1/me\n      auth:\n        header: {name: X-Api-Token, value: \"{api_token}\"}\n",
    );
    repo.spec(
        "derived",
        "display_name: Derived\nconnection:\n  parameters:\n    - {name: api_token, required: true, secret: true, description: The token.}\nexternal_options_allowlist: \"\"\n",
    )
    .api_doc(
        "derived",
        "# Derived API\n\n## Authorization\n\n- **Chosen method**: API token in the `X-Derived-Token` header.\n\n```\ncurl -H \"X-Derived-Token: <api_token>\" https://api.derived.test/v2/me\n```\n",
    );
    let sources = repo.run(&["sources", "--json"]);
    assert_eq!(sources.code, Some(0), "{}", sources.all());
    let rows = json_lines(sources.stdout.as_bytes());
    let auth = |name: &str| {
        rows.iter()
            .find(|r| r["source"] == name)
            .map(|r| r["auth"].clone())
            .unwrap_or_default()
    };
    assert_eq!(auth("tokened"), "header x-api-token", "{rows:?}");
    assert_eq!(auth("derived"), "header x-derived-token", "{rows:?}");
    assert!(
        !repo
            .root()
            .join("tests/unit/sources/derived/auth_check.yaml")
            .exists(),
        "sources wrote a check"
    );

    // The binary under test is pointed at a bus where nothing listens.
    let table = repo.run(&["sources"]);
    let notes: Vec<&str> = table.stderr.lines().collect();
    assert_eq!(
        notes,
        [
            "note: the OS keyring could not be reached (no Secret Service is running); credentials kept there are not shown"
        ],
        "{}",
        table.stderr
    );
    let validate = repo.run(&["validate", "tokened"]);
    assert_eq!(validate.code, Some(2), "{}", validate.all());
    let all = validate.all();
    assert!(all.contains("the OS keyring could not be reached"), "{all}");
    for platform in ["DBus", "D-Bus", "socket", "/nonexistent"] {
        assert!(!all.contains(platform), "{platform}: {all}");
    }
}

async fn finish(running: Running) -> (Option<i32>, String, String) {
    tokio::task::spawn_blocking(move || running.finish())
        .await
        .expect("join")
}

async fn js(browser: &Browser, script: &str) -> Value {
    browser
        .client
        .execute(script, Vec::new())
        .await
        .expect("script")
}

/// Takes the page's screenshot at 1280 and at 390 px wide, as `name` and
/// `name-phone`, and checks nothing scrolls sideways on the phone.
async fn both_widths(browser: &Browser, name: &str) {
    browser
        .client
        .set_window_size(1280, 1000)
        .await
        .expect("desktop");
    browser.screenshot(name).await;
    browser
        .client
        .set_window_size(390, 844)
        .await
        .expect("phone");
    let fits = js(
        browser,
        "return document.documentElement.scrollWidth <= window.innerWidth",
    )
    .await;
    assert_eq!(fits, json!(true), "{name}: horizontal scroll on a phone");
    browser.screenshot(&format!("{name}-phone")).await;
    browser
        .client
        .set_window_size(1280, 1000)
        .await
        .expect("desktop");
}

/// A rejected key on a phone: the verdict is a sentence with the check's
/// words folded below, the typed key is still in its box and Show reveals
/// it; "Save anyway" then ends on a page that says the check did not pass.
#[tokio::test]
async fn a_rejected_key_reads_as_a_sentence_keeps_what_was_typed_and_saving_anyway_says_so() {
    let nginx = Nginx::start();
    let repo = Repo::new();
    repo.spec("acme", KEY_SPEC)
        .check("acme", &key_check(&nginx));
    let running = repo.start(&["authenticate", "acme", "--port", "0"]);
    let browser = Browser::start().await;
    browser
        .client
        .set_window_size(390, 844)
        .await
        .expect("phone");
    browser.client.goto(&running.url).await.expect("form");
    let typo = "key-secret-08l5";
    browser.fill("api_key", typo).await;
    browser.click("button#save").await;
    let problem = browser.text("#problems li").await;
    assert!(
        problem.starts_with("The API refused the API key (HTTP 401): check it for a typo"),
        "{problem}"
    );
    assert!(
        !problem.contains("invalid_credentials"),
        "jargon up front: {problem}"
    );
    // What was typed is still there, masked, and Show reveals it.
    let input = browser
        .client
        .find(fantoccini::Locator::Id("api_key"))
        .await
        .expect("api_key");
    assert_eq!(
        input.prop("value").await.expect("value").as_deref(),
        Some(typo)
    );
    assert_eq!(
        input.attr("type").await.expect("type").as_deref(),
        Some("password")
    );
    browser.click("button.reveal[data-for=api_key]").await;
    assert_eq!(
        input.attr("type").await.expect("type").as_deref(),
        Some("text")
    );
    browser.click("#problems details summary").await;
    let detail = browser.text("#problems details code").await;
    assert!(
        detail.starts_with("invalid_credentials — HTTP 401"),
        "{detail}"
    );
    both_widths(&browser, "journey-rejected-key").await;
    assert!(repo.saved("acme").is_none(), "saved a rejected key");

    browser.click("input[name=_save_anyway]").await;
    browser.click("button#save").await;
    assert_eq!(browser.text_becomes("h1", "Saved").await, "Saved");
    let said = browser.text("#unverified").await;
    assert!(
        said.starts_with("Saved as you asked, but the check did not pass: HTTP 401"),
        "{said}"
    );
    let body = browser.text("main").await;
    assert!(!body.contains("Checked with the API"), "{body}");
    both_widths(&browser, "journey-saved-anyway").await;
    browser.close().await;
    let (code, stdout, stderr) = finish(running).await;
    assert_eq!(repo.saved("acme").expect("saved")["api_key"], typo);
    assert!(!stdout.contains(typo) && !stderr.contains(typo));
    assert_ne!(code, Some(0), "the credentials did not validate: {stdout}");
}

/// The demo's form shows the sandbox values to type, and its Saved page
/// names no path that the end of the demo removes.
#[tokio::test]
async fn the_demo_page_shows_the_values_to_type_and_names_no_deleted_path() {
    let home = Repo::new();
    let mut running = home.spawn(&["demo", "--no-open", "--port", "0"], &[], None);
    let demo = running.next_event("demo").expect("demo event");
    let workspace = demo["workspace"].as_str().expect("workspace").to_string();
    let url = running.next_event("listening").expect("listening")["url"]
        .as_str()
        .expect("url")
        .to_string();
    let browser = Browser::start().await;
    browser.client.goto(&url).await.expect("form");
    let values = browser.text("#sandbox-values").await;
    assert!(values.contains("api_key"), "{values}");
    assert!(values.contains("sandbox-key-4242"), "{values}");
    let form = browser.text("main").await;
    assert!(!form.contains(&workspace), "{form}");
    both_widths(&browser, "journey-demo-form").await;
    browser.fill("api_key", "sandbox-key-4242").await;
    browser.click("button#save").await;
    assert_eq!(browser.text_becomes("h1", "Saved").await, "Saved");
    let page = browser.text("main").await;
    assert!(!page.contains(&workspace), "{page}");
    assert!(page.contains("removed when the demo ends"), "{page}");
    assert!(page.contains("Checked with the API"), "{page}");
    both_widths(&browser, "journey-demo-saved").await;
    browser.close().await;
    let (code, stdout, stderr) = finish(running).await;
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
}

/// Verdicts name the URL the check went to, filled; a typed `base_url`
/// wins over the host a check names; a host that does not resolve is named
/// with the value that is probably wrong.
#[test]
fn verdicts_name_the_filled_url_use_the_typed_base_and_name_a_host_that_does_not_exist() {
    let nginx = Nginx::start();
    let repo = Repo::new();
    let spec = "display_name: Acme\nconnection:\n  parameters:\n    - {name: company_domain, required: true, description: Your company's domain.}\n    - {name: api_key, required: true, secret: true, description: The key.}\n    - {name: base_url, description: Another base URL.}\nexternal_options_allowlist: \"\"\n";
    // A check on `{base_url}` with a default: the verdict shows it filled.
    repo.spec("based", spec).check(
        "based",
        &format!(
            "checks:\n  - request:\n      url: \"{{base_url}}/apikey/me\"\n      auth:\n        header: {{name: X-Api-Key, value: \"{{api_key}}\"}}\ndefaults:\n  base_url: {}\n",
            nginx.url("")
        ),
    );
    repo.credentials(
        "based",
        &json!({"company_domain": "acme", "api_key": API_KEY}).to_string(),
    );
    let based = repo.run(&["validate", "based", "--json"]);
    let verdict = &events(&based.stdout)[0];
    assert_eq!(verdict["outcome"], "ok", "{}", based.all());
    assert_eq!(
        verdict["reason"],
        format!("HTTP 200 from GET {}", nginx.url("/apikey/me"))
    );

    // A check built on the company's host: a typed base_url wins.
    let hosted = "checks:\n  - request:\n      url: \"https://{company_domain}.invalid/apikey/me\"\n      auth:\n        header: {name: X-Api-Key, value: \"{api_key}\"}\n";
    repo.spec("hosted", spec).check("hosted", hosted);
    repo.credentials(
        "hosted",
        &json!({"company_domain": "acme", "api_key": API_KEY, "base_url": nginx.url("")})
            .to_string(),
    );
    let typed = repo.run(&["validate", "hosted", "--json"]);
    let verdict = &events(&typed.stdout)[0];
    assert_eq!(verdict["outcome"], "ok", "{}", typed.all());
    crate::support::assert_reason(verdict, &nginx.url("/apikey/me"));

    // Without it, the company's host does not resolve: named, with the value.
    repo.credentials(
        "hosted",
        &json!({"company_domain": "acme-typo", "api_key": API_KEY}).to_string(),
    );
    let missing = repo.run(&["validate", "hosted", "--json"]);
    let verdict = &events(&missing.stdout)[0];
    assert_eq!(verdict["outcome"], "unreachable", "{}", missing.all());
    let reason = verdict["reason"].as_str().unwrap_or_default();
    assert!(reason.contains("acme-typo.invalid"), "{reason}");
    assert!(
        reason.contains("the value of `company_domain` is probably wrong"),
        "{reason}"
    );
    assert!(!reason.contains("in a moment"), "{reason}");
    for run in [&based, &typed, &missing] {
        crate::support::assert_hidden(run, API_KEY, None);
    }
}

/// Opens the authorization popup from the form, allows at the demo's
/// sandbox, and comes back to the form.
async fn authorize_at_the_sandbox(browser: &Browser) {
    use std::time::Duration;
    let client = &browser.client;
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
        .for_element(fantoccini::Locator::Id("allow"))
        .await
        .expect("consent page");
    browser.click("#allow").await;
    browser.text("h1").await;
    client.close_window().await.expect("close");
    client.switch_to_window(main).await.expect("main");
}

/// `demo --oauth` as a new user lives it: Save first (the obvious button),
/// then Authorize with the secret box as the re-rendered page leaves it;
/// the kept secret is what Authorize sends, and "Authorized" survives a
/// failed Save.
#[tokio::test]
async fn oauth_after_an_error_uses_the_kept_secret_and_keeps_its_status() {
    let home = Repo::new();
    let mut running = home.spawn(&["demo", "--oauth", "--no-open", "--port", "0"], &[], None);
    let demo = running.next_event("demo").expect("demo event");
    let (id, secret) = (
        demo["values"]["client_id"]
            .as_str()
            .expect("id")
            .to_string(),
        demo["values"]["client_secret"]
            .as_str()
            .expect("secret")
            .to_string(),
    );
    let url = running.next_event("listening").expect("listening")["url"]
        .as_str()
        .expect("url")
        .to_string();
    let browser = Browser::start().await;
    browser.client.goto(&url).await.expect("form");
    browser.fill("client_id", &id).await;
    browser.fill("client_secret", &secret).await;
    // Sent as a browser without the page's script would: the server's page.
    js(
        &browser,
        "document.getElementById('credentials').submit(); return 1",
    )
    .await;
    browser
        .text_becomes("#problems strong", "Not saved yet.")
        .await;
    let secret_box = browser
        .client
        .find(fantoccini::Locator::Id("client_secret"))
        .await
        .expect("secret box");
    assert_eq!(
        secret_box.prop("value").await.expect("value").as_deref(),
        Some("")
    );
    both_widths(&browser, "journey-oauth-save-first").await;
    authorize_at_the_sandbox(&browser).await;
    let status = browser.text(".status.ok").await;
    assert!(status.starts_with("Authorized"), "{status}");

    // A failed Save (the client ID emptied) keeps the status on the page.
    browser.fill("client_id", "").await;
    js(
        &browser,
        "document.getElementById('credentials').submit(); return 1",
    )
    .await;
    browser
        .text_becomes("#problems strong", "Not saved yet.")
        .await;
    let status = browser.text(".status.ok").await;
    assert!(
        status.starts_with("Authorized"),
        "after a failed Save: {status}"
    );
    both_widths(&browser, "journey-oauth-authorized-after-error").await;
    browser.fill("client_id", &id).await;
    browser.click("button#save").await;
    assert_eq!(browser.text_becomes("h1", "Saved").await, "Saved");
    browser.close().await;
    let (code, stdout, stderr) = finish(running).await;
    // Authorized with the kept secret, saved, validated.
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(stdout.contains(r#""event":"authenticated""#), "{stdout}");
}

/// Plain `collect` with a complete auth check: a wrong key typed over
/// credentials that validated is refused on Save, the file stays as it was.
#[tokio::test]
async fn collect_checks_on_save_and_never_replaces_credentials_that_worked() {
    use crate::support::{csrf, page, post};
    let nginx = Nginx::start();
    let repo = Repo::new();
    repo.spec("acme", KEY_SPEC)
        .check("acme", &key_check(&nginx))
        .credentials("acme", &json!({"api_key": API_KEY}).to_string());
    let running = repo.start(&["collect", "acme", "--port", "0"]);
    let token = csrf(&page(&running).await);
    let wrong = "wrong-key-secret-2718";
    let (status, html) = post(&running, "/save", &[("_csrf", &token), ("api_key", wrong)]).await;
    assert_eq!(status.as_u16(), 422, "{html}");
    assert!(
        html.contains("The API refused the API key (HTTP 401)"),
        "{html}"
    );
    assert!(html.contains("Save anyway"), "{html}");
    assert!(!html.contains(wrong));
    assert_eq!(repo.saved("acme").expect("kept")["api_key"], API_KEY);
    let (status, html) = post(
        &running,
        "/save",
        &[("_csrf", &token), ("api_key", API_KEY)],
    )
    .await;
    assert_eq!(status.as_u16(), 200, "{html}");
    assert!(html.contains("Checked with the API"), "{html}");
    let (code, _, stderr) = finish(running).await;
    assert_eq!(code, Some(0), "{stderr}");
    assert!(!stderr.contains(wrong));
}

/// A resource that answers 200 with `{"sub": "machine"}` to any bearer
/// token, on loopback.
async fn any_bearer_resource() -> u16 {
    use axum::routing::get;
    let app = axum::Router::new().route(
        "/me",
        get(|headers: axum::http::HeaderMap| async move {
            let bearer = headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with("Bearer "));
            if bearer {
                (axum::http::StatusCode::OK, r#"{"sub":"machine"}"#)
            } else {
                (
                    axum::http::StatusCode::UNAUTHORIZED,
                    r#"{"error":"no token"}"#,
                )
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(async move { axum::serve(listener, app).await });
    port
}

/// The token URL and scopes edited on the form are used by the grant and
/// by the check on Save alike, and shown again after an error.
#[tokio::test]
async fn oauth_box_edits_are_used_by_every_action_and_shown_again() {
    use crate::provider::{Provider, free_port, m2m_spec};
    use crate::support::{csrf, page, post};
    let resource = any_bearer_resource().await;
    let provider = Provider::start(free_port(), "http://localhost:1/cb", 0);
    let repo = Repo::new();
    // The spec's token URL goes nowhere; the person types the right one.
    repo.spec("m2m", &m2m_spec(free_port())).check(
        "m2m",
        &format!(
            "checks:\n  - request:\n      url: http://127.0.0.1:{resource}/me\n      auth: {{oauth: {{}}}}\n    expect:\n      identity: /sub\n"
        ),
    );
    let running = repo.start(&["collect", "m2m", "--port", "0"]);
    let token = csrf(&page(&running).await);
    let token_url = provider.url("/token");
    let wrong = [
        ("_csrf", token.as_str()),
        ("client_id", "machine"),
        ("client_secret", "wrong-secret-1414"),
        ("_oauth_token_url", token_url.as_str()),
        ("_oauth_scopes", "read"),
    ];
    let (status, html) = post(&running, "/save", &wrong).await;
    assert_eq!(status.as_u16(), 422, "{html}");
    assert!(html.contains("invalid_client"), "{html}");
    assert!(
        html.contains(&format!("value=\"{}\"", token_url.replace('/', "&#x2f;")))
            || html.contains(&format!("value=\"{token_url}\"")),
        "the edited token URL is not shown again: {html}"
    );
    let mut right = wrong.to_vec();
    right[2] = ("client_secret", "machine-secret");
    let (status, html) = post(&running, "/save", &right).await;
    assert_eq!(status.as_u16(), 200, "{html}");
    assert!(html.contains("Checked with the API"), "{html}");
    assert!(html.contains("machine"), "{html}");
    let (code, _, stderr) = finish(running).await;
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("check on Save: ok"), "{stderr}");
}
