//! OAuth in collect against a real authorization server (oidc-provider) and,
//! for the rarer cases, small loopback stubs: the authorization-code flow in
//! Chromium, the client-credentials check on Save, state, replay, denial,
//! provider down or slow, the Basic fallback, and scrubbed provider errors.

use std::time::Duration;

use fantoccini::Locator;
use reqwest::StatusCode;

use crate::browser::Browser;
use crate::provider::{Provider, free_port, m2m_spec, u2m_spec};
use crate::support::{Repo, Running, TESTS, client, csrf, page, post};

/// Signs in on the provider's page and consents.
async fn sign_in_and_consent(browser: &Browser) {
    let client = &browser.client;
    let login = client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("input[name=login]"))
        .await
        .expect("sign-in page");
    login.send_keys("alice").await.expect("login");
    browser.fill_css("input[name=password]", "anything").await;
    browser.click("button[type=submit]").await;
    client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::XPath("//button[contains(., 'Continue')]"))
        .await
        .expect("consent page")
        .click()
        .await
        .expect("consent");
}

/// Starts `collect sandbox --mode cli` waiting on a loopback callback at a
/// provider on its own port, answers the client prompts, and returns the
/// authorization URL it printed.
fn start_cli_loopback(client_id: &str, secret: &str) -> (Repo, Provider, Running, String) {
    let port = free_port();
    let callback_port = free_port().to_string();
    let repo = Repo::new();
    repo.spec("sandbox", &cli_spec(port));
    let redirect = format!("http://localhost:{callback_port}/oauth/callback");
    let provider = Provider::start(port, &redirect, 0);
    let args = [
        "collect",
        "sandbox",
        "--mode",
        "cli",
        "--no-open",
        "--port",
        &callback_port,
    ];
    let mut running = repo.spawn(&args, &[], Some(&format!("{client_id}\n{secret}\n")));
    let url = running.next_event("authorize").expect("authorize event")["url"]
        .as_str()
        .expect("url")
        .to_string();
    (repo, provider, running, url)
}

/// Runs the provider's sign-in and consent pages in the popup the form opened.
pub(crate) async fn authorize_in_popup(browser: &Browser, deny: bool) -> String {
    let client = &browser.client;
    let main = client.window().await.expect("main window");
    browser.click("button.authorize").await;
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let popup = loop {
        let windows = client.windows().await.expect("windows");
        if let Some(w) = windows.into_iter().find(|w| *w != main) {
            break w;
        }
        assert!(std::time::Instant::now() < deadline, "no popup opened");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    client.switch_to_window(popup).await.expect("popup");
    if deny {
        client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css("a[href$='/abort']"))
            .await
            .expect("sign-in page")
            .click()
            .await
            .expect("cancel");
    } else {
        sign_in_and_consent(browser).await;
    }
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let callback = loop {
        let url = client.current_url().await.expect("url").to_string();
        if url.contains("/oauth/callback") {
            break url;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "never came back: {url}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let heading = browser.text("h1").await;
    browser
        .screenshot(if deny {
            "oauth-denied"
        } else {
            "oauth-authorized"
        })
        .await;
    client.close_window().await.expect("close popup");
    client.switch_to_window(main).await.expect("main");
    assert!(!heading.is_empty());
    callback
}

async fn wait_status(browser: &Browser, class: &str) -> String {
    browser.text(&format!(".status.{class}")).await
}

async fn browser_u2m(client_id: &str, secret: Option<&str>, pkce: bool) {
    let port = free_port();
    let repo = Repo::new();
    repo.spec("sandbox", &u2m_spec(port, pkce));
    let running = repo.start(&["collect", "sandbox", "--port", "0"]);
    let redirect = format!("http://localhost:{}/oauth/callback", running.port);
    let provider = Provider::start(port, &redirect, 0);
    let browser = Browser::start().await;
    browser.client.goto(&running.url).await.expect("form");
    browser.fill("client_id", client_id).await;
    if let Some(s) = secret {
        browser.fill("client_secret", s).await;
    }
    let callback = authorize_in_popup(&browser, false).await;
    assert!(callback.starts_with(&redirect), "{callback}");
    let status = wait_status(&browser, "ok").await;
    assert!(status.starts_with("Authorized"), "{status}");
    browser.screenshot("oauth-form-authorized").await;
    // The same callback again: the code was used, the authorization is over.
    let replay = client().get(&callback).send().await.expect("replay");
    assert_eq!(replay.status(), StatusCode::BAD_REQUEST);
    assert!(replay.text().await.expect("body").contains("already used"));
    browser.click("button#save").await;
    assert_eq!(browser.text_becomes("h1", "Saved").await, "Saved");
    browser.close().await;
    let (code, stdout, stderr) = tokio::task::spawn_blocking(move || running.finish())
        .await
        .expect("join");
    assert_eq!(code, Some(0), "{stderr}");
    let file = repo.saved("sandbox").expect("credentials");
    assert_eq!(file["client_id"], client_id);
    let refresh = file["refresh_token"]
        .as_str()
        .expect("refresh_token")
        .to_string();
    assert!(!stdout.contains(&refresh) && !stderr.contains(&refresh));
    // validate uses the refresh grant, then the token, on the provider's userinfo.
    repo.file(
        &format!("{TESTS}/sandbox/auth_check.yaml"),
        &format!(
            "checks:\n  - request:\n      url: {}\n      auth: {{oauth: {{}}}}\n    expect:\n      identity: /sub\n",
            provider.url("/me")
        ),
    );
    let run = crate::support::validate(&repo, &["sandbox", "--json"]);
    let row = &crate::support::json_lines(run.stdout.as_bytes())[0];
    assert_eq!(row["outcome"], "ok", "{row}");
    assert_eq!(row["identity"], "alice");
    if secret.is_none() {
        // oidc-provider rotates a public client's refresh token on use:
        // validate saves the new one, or the stored one would be spent.
        assert!(row["warnings"].to_string().contains("rotated"), "{row}");
        let now = repo.saved("sandbox").expect("credentials")["refresh_token"].clone();
        assert_ne!(now.as_str(), Some(refresh.as_str()));
        assert!(!run.stdout.contains(now.as_str().unwrap_or("-")));
    }
    // The refresh token works: a refresh grant at the same provider.
    let app = connector_auth::oauth::App {
        client_id: client_id.to_string(),
        client_secret: secret.map(connector_auth::secret::Secret::new),
        token_url: provider.url("/token"),
    };
    let http = connector_auth::oauth::http_client(Duration::from_secs(10)).expect("http");
    let grant = connector_auth::oauth::refresh(
        &http,
        &app,
        &connector_auth::secret::Secret::new(
            repo.saved("sandbox").expect("credentials")["refresh_token"]
                .as_str()
                .expect("refresh token")
                .to_string(),
        ),
        &connector_auth::redact::Redactor::new(),
    )
    .await
    .expect("refresh grant");
    assert!(!grant.access_token.is_empty());
    let mut file = repo.saved("sandbox").expect("credentials");
    file["refresh_token"] = serde_json::json!("revoked-or-expired-0000");
    repo.credentials("sandbox", &file.to_string());
    let run = crate::support::validate(&repo, &["sandbox", "--json"]);
    assert_eq!(run.code, Some(1));
    let row = &crate::support::json_lines(run.stdout.as_bytes())[0];
    assert_eq!(row["outcome"], "invalid_credentials", "{row}");
    let reason = row["reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains("invalid_grant") && reason.contains("--reauthorize"),
        "{reason}"
    );
    assert!(!reason.contains("revoked-or-expired-0000"));
}

#[tokio::test]
async fn u2m_confidential_client_with_pkce() {
    browser_u2m("confidential-pkce", Some("confidential-pkce-secret"), true).await;
}

#[tokio::test]
async fn u2m_confidential_client_without_pkce() {
    browser_u2m(
        "confidential-nopkce",
        Some("confidential-nopkce-secret"),
        false,
    )
    .await;
}

#[tokio::test]
async fn u2m_public_client_with_pkce() {
    browser_u2m("public-pkce", None, true).await;
}

#[tokio::test]
async fn a_denied_consent_is_reported_and_nothing_is_saved() {
    let port = free_port();
    let repo = Repo::new();
    repo.spec("sandbox", &u2m_spec(port, true));
    let running = repo.start(&["collect", "sandbox", "--port", "0"]);
    let redirect = format!("http://localhost:{}/oauth/callback", running.port);
    let _provider = Provider::start(port, &redirect, 0);
    let browser = Browser::start().await;
    browser.client.goto(&running.url).await.expect("form");
    browser.fill("client_id", "confidential-pkce").await;
    browser
        .fill("client_secret", "confidential-pkce-secret")
        .await;
    authorize_in_popup(&browser, true).await;
    let status = wait_status(&browser, "error").await;
    assert!(status.contains("access_denied"), "{status}");
    browser.click("button#save").await;
    let error = browser.text("#problems").await;
    assert!(error.contains("click Authorize first"), "{error}");
    browser.close().await;
    assert_eq!(repo.saved("sandbox"), None);
}

#[tokio::test]
async fn a_wrong_client_secret_fails_the_exchange_with_a_hint() {
    let port = free_port();
    let repo = Repo::new();
    repo.spec("sandbox", &u2m_spec(port, true));
    let running = repo.start(&["collect", "sandbox", "--port", "0"]);
    let redirect = format!("http://localhost:{}/oauth/callback", running.port);
    let _provider = Provider::start(port, &redirect, 0);
    let browser = Browser::start().await;
    browser.client.goto(&running.url).await.expect("form");
    browser.fill("client_id", "confidential-pkce").await;
    browser.fill("client_secret", "not-the-secret-1234").await;
    authorize_in_popup(&browser, false).await;
    let status = wait_status(&browser, "error").await;
    assert!(status.contains("invalid_client"), "{status}");
    assert!(
        status.contains("check client_id and client_secret"),
        "{status}"
    );
    assert!(!status.contains("not-the-secret-1234"));
    browser.close().await;
    assert_eq!(repo.saved("sandbox"), None);
}

/// Starts an authorization over HTTP and returns the state it carries.
async fn start_over_http(running: &Running, token_url: &str) -> String {
    let token = csrf(&page(running).await);
    let (status, body) = post(
        running,
        "/oauth/start",
        &[
            ("_csrf", &token),
            ("client_id", "confidential-pkce"),
            ("client_secret", "confidential-pkce-secret"),
            ("_oauth_token_url", token_url),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let answer: serde_json::Value = serde_json::from_str(&body).expect("json");
    let url = url::Url::parse(answer["authorize_url"].as_str().expect("url")).expect("url");
    let state = url
        .query_pairs()
        .find(|(k, _)| k == "state")
        .map(|(_, v)| v.into_owned())
        .expect("state");
    assert!(
        url.query_pairs()
            .any(|(k, v)| k == "code_challenge_method" && v == "S256")
    );
    state
}

#[tokio::test]
async fn a_tampered_state_is_refused_and_the_real_one_still_works() {
    let repo = Repo::new();
    // No provider is needed for the callback's checks, but the authorization
    // host must answer: collect tries it before sending the person there.
    let authorization_host = std::net::TcpListener::bind(("127.0.0.1", 0)).expect("bind");
    let port = authorization_host.local_addr().expect("addr").port();
    repo.spec("sandbox", &u2m_spec(port, true));
    let running = repo.start(&["collect", "sandbox", "--port", "0"]);
    let closed = free_port();
    let state = start_over_http(&running, &format!("http://127.0.0.1:{closed}/token")).await;
    let callback = format!("{}/oauth/callback", running.url);
    let tampered = client()
        .get(&callback)
        .query(&[("code", "abc"), ("state", "forged-state-value")])
        .send()
        .await
        .expect("callback");
    assert_eq!(tampered.status(), StatusCode::BAD_REQUEST);
    assert!(
        tampered
            .text()
            .await
            .expect("body")
            .contains("state mismatch")
    );
    let stray = client().get(&callback).send().await.expect("stray");
    assert_eq!(stray.status(), StatusCode::BAD_REQUEST);
    // The real state is still accepted; the provider being down is reported.
    let real = client()
        .get(&callback)
        .query(&[("code", "abc"), ("state", state.as_str())])
        .send()
        .await
        .expect("callback");
    let text = real.text().await.expect("body");
    assert!(text.contains("Not authorized"), "{text}");
    assert!(text.contains("cannot reach"), "{text}");
    let status: serde_json::Value = client()
        .get(format!("{}/oauth/status", running.url))
        .send()
        .await
        .expect("status")
        .json()
        .await
        .expect("json");
    assert_eq!(status["state"], "failed");
}

#[tokio::test]
async fn a_slow_provider_times_out() {
    let port = free_port();
    let repo = Repo::new();
    repo.spec("m2m", &m2m_spec(port));
    let running = repo.start_with(
        &["collect", "m2m", "--port", "0"],
        &[("CONNECTOR_AUTH_TOKEN_TIMEOUT", "1")],
    );
    let _provider = Provider::start(port, "http://localhost:1/cb", 3000);
    let token = csrf(&page(&running).await);
    let (status, html) = post(
        &running,
        "/save",
        &[
            ("_csrf", &token),
            ("client_id", "machine"),
            ("client_secret", "machine-secret"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("did not answer within 1 s"), "{html}");
    assert_eq!(repo.saved("m2m"), None);
}

#[tokio::test]
async fn m2m_save_runs_the_client_credentials_grant_first() {
    let port = free_port();
    let repo = Repo::new();
    repo.spec("m2m", &m2m_spec(port));
    let running = repo.start(&["collect", "m2m", "--port", "0"]);
    let _provider = Provider::start(port, "http://localhost:1/cb", 0);
    let token = csrf(&page(&running).await);
    let (status, html) = post(
        &running,
        "/save",
        &[
            ("_csrf", &token),
            ("client_id", "machine"),
            ("client_secret", "wrong-secret-5678"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("invalid_client"), "{html}");
    assert!(html.contains("Save anyway"), "{html}");
    assert!(!html.contains("wrong-secret-5678"));
    assert_eq!(repo.saved("m2m"), None);
    let (status, _) = post(
        &running,
        "/save",
        &[
            ("_csrf", &token),
            ("client_id", "machine"),
            ("client_secret", "machine-secret"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (code, _, _) = tokio::task::spawn_blocking(move || running.finish())
        .await
        .expect("join");
    assert_eq!(code, Some(0));
    assert_eq!(
        repo.saved("m2m"),
        Some(serde_json::json!({"client_id": "machine", "client_secret": "machine-secret"}))
    );
}

#[tokio::test]
async fn m2m_save_anyway_writes_after_a_failed_check() {
    let repo = Repo::new();
    repo.spec("m2m", &m2m_spec(free_port()));
    let running = repo.start(&["collect", "m2m", "--port", "0"]);
    let token = csrf(&page(&running).await);
    let pairs = [
        ("_csrf", token.as_str()),
        ("client_id", "machine"),
        ("client_secret", "offline-secret"),
    ];
    let (status, html) = post(&running, "/save", &pairs).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("cannot reach"), "{html}");
    let mut anyway = pairs.to_vec();
    anyway.push(("_save_anyway", "on"));
    let (status, _) = post(&running, "/save", &anyway).await;
    assert_eq!(status, StatusCode::OK);
    assert!(repo.saved("m2m").is_some());
}

/// A token endpoint that authenticates clients only by HTTP Basic, and
/// echoes the client secret in its error description: it records each
/// request's Authorization header and body.
async fn basic_only_endpoint() -> (
    u16,
    std::sync::Arc<std::sync::Mutex<Vec<(Option<String>, String)>>>,
) {
    use axum::routing::post;
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = seen.clone();
    let app = axum::Router::new().route(
        "/token",
        post(move |headers: axum::http::HeaderMap, body: String| {
            let log = log.clone();
            async move {
                let auth = headers
                    .get("authorization")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string);
                log.lock().expect("log").push((auth.clone(), body.clone()));
                match auth {
                    Some(_) => (
                        axum::http::StatusCode::OK,
                        axum::Json(serde_json::json!({"access_token": "at", "token_type": "Bearer", "expires_in": 60})),
                    ),
                    None => (
                        axum::http::StatusCode::UNAUTHORIZED,
                        axum::Json(serde_json::json!({
                            "error": "invalid_client",
                            "error_description": format!("body auth refused for {body}"),
                        })),
                    ),
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (port, seen)
}

#[tokio::test]
async fn client_authentication_falls_back_to_basic_and_never_sends_both() {
    let (port, seen) = basic_only_endpoint().await;
    let app = connector_auth::oauth::App {
        client_id: "machine".into(),
        client_secret: Some(connector_auth::secret::Secret::new("fallback-secret-99")),
        token_url: format!("http://127.0.0.1:{port}/token"),
    };
    let http = connector_auth::oauth::http_client(Duration::from_secs(5)).expect("http");
    let grant = connector_auth::oauth::client_credentials(
        &http,
        &app,
        &["read".into()],
        &connector_auth::redact::Redactor::new(),
    )
    .await
    .expect("grant after fallback");
    assert_eq!(grant.access_token.expose(), "at");
    let requests = seen.lock().expect("log").clone();
    assert_eq!(requests.len(), 2, "{requests:?}");
    assert!(requests[0].0.is_none() && requests[0].1.contains("client_secret=fallback-secret-99"));
    assert!(
        requests[1]
            .0
            .as_deref()
            .is_some_and(|a| a.starts_with("Basic "))
    );
    assert!(
        !requests[1].1.contains("client_secret"),
        "both methods in one request"
    );
}

#[tokio::test]
async fn provider_errors_are_scrubbed_of_the_client_secret() {
    let (port, _) = basic_only_endpoint().await;
    let app = connector_auth::oauth::App {
        client_id: "machine".into(),
        client_secret: None,
        token_url: format!("http://127.0.0.1:{port}/token"),
    };
    let mut redactor = connector_auth::redact::Redactor::new();
    redactor.add("client_id=machine");
    let http = connector_auth::oauth::http_client(Duration::from_secs(5)).expect("http");
    let err = connector_auth::oauth::client_credentials(&http, &app, &[], &redactor)
        .await
        .expect_err("refused");
    let text = err.to_string();
    assert!(text.contains("invalid_client"), "{text}");
    assert!(!text.contains("client_id=machine"), "{text}");
    assert!(text.contains("***"), "{text}");
}

/// Runs sign-in and consent at `url` in a fresh tab; returns where the
/// provider sent the browser at the end.
async fn approve_at(browser: &Browser, url: &str, until: &str) -> String {
    let client = &browser.client;
    client.goto(url).await.expect("authorize url");
    sign_in_and_consent(browser).await;
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let now = client.current_url().await.expect("url").to_string();
        if now.contains(until) {
            return now;
        }
        if let Ok(body) = client.find(Locator::Css("body")).await {
            let text = body.text().await.unwrap_or_default();
            if text.contains(until) {
                return text;
            }
        }
        assert!(
            std::time::Instant::now() < deadline,
            "never reached {until}: {now}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn cli_spec(port: u16) -> String {
    u2m_spec(port, true).replace(
        "    extra_auth_params: {prompt: consent}\n",
        &format!(
            "    extra_auth_params: {{prompt: consent}}\n    device_authorization_url: http://127.0.0.1:{port}/device/auth\n"
        ),
    )
}

#[tokio::test]
async fn cli_mode_waits_on_a_loopback_callback() {
    let (repo, _provider, running, url) =
        start_cli_loopback("confidential-pkce", "confidential-pkce-secret");
    let browser = Browser::start().await;
    let landed = approve_at(&browser, &url, "return to the terminal").await;
    assert!(landed.contains("return to the terminal"), "{landed}");
    browser.close().await;
    let (code, stdout, stderr) = tokio::task::spawn_blocking(move || running.finish())
        .await
        .expect("join");
    assert_eq!(code, Some(0), "{stderr}");
    let file = repo.saved("sandbox").expect("credentials");
    let refresh = file["refresh_token"].as_str().expect("refresh token");
    assert!(!stdout.contains(refresh) && !stderr.contains(refresh));
}

#[tokio::test]
async fn cli_mode_paste_back_checks_the_state_before_the_exchange() {
    let port = free_port();
    let callback_port = free_port();
    let repo = Repo::new();
    repo.spec("sandbox", &cli_spec(port));
    let redirect = format!("http://localhost:{callback_port}/oauth/callback");
    let _provider = Provider::start(port, &redirect, 0);
    let args = [
        "collect",
        "sandbox",
        "--mode",
        "cli",
        "--no-browser",
        "--port",
    ];
    let callback = callback_port.to_string();
    let mut args: Vec<&str> = args.to_vec();
    args.push(&callback);
    // A tampered address is refused (exit 1, nothing written)…
    let mut tampered = repo.spawn(
        &args,
        &[],
        Some("confidential-pkce\nconfidential-pkce-secret\n"),
    );
    tampered.next_event("authorize").expect("authorize event");
    tampered.send(&format!("{redirect}?code=stolen&state=not-the-state\n"));
    let (code, _, stderr) = tokio::task::spawn_blocking(move || tampered.finish())
        .await
        .expect("join");
    assert_eq!(code, Some(1));
    assert!(stderr.contains("state mismatch"), "{stderr}");
    assert_eq!(repo.saved("sandbox"), None);
    // …the real one is exchanged.
    let mut running = repo.spawn(
        &args,
        &[],
        Some("confidential-pkce\nconfidential-pkce-secret\n"),
    );
    let url = running.next_event("authorize").expect("authorize event")["url"]
        .as_str()
        .expect("url")
        .to_string();
    let browser = Browser::start().await;
    let landed = approve_at(&browser, &url, "/oauth/callback?").await;
    browser.close().await;
    running.send(&format!("{landed}\n"));
    let (code, _, stderr) = tokio::task::spawn_blocking(move || running.finish())
        .await
        .expect("join");
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        repo.saved("sandbox")
            .is_some_and(|f| f["refresh_token"].is_string())
    );
}

#[tokio::test]
async fn cli_mode_device_grant() {
    let port = free_port();
    let repo = Repo::new();
    repo.spec("sandbox", &cli_spec(port));
    let _provider = Provider::start(port, "http://localhost:1/oauth/callback", 0);
    let mut running = repo.spawn(
        &["collect", "sandbox", "--mode", "cli", "--device"],
        &[],
        Some("device\ndevice-secret\n"),
    );
    let event = running.next_event("device").expect("device event");
    let uri = event["verification_uri"].as_str().expect("uri").to_string();
    let user_code = event["user_code"].as_str().expect("code").to_string();
    let browser = Browser::start().await;
    let client = &browser.client;
    client.goto(&uri).await.expect("device page");
    if !uri.contains("user_code") {
        browser.fill_css("input[name=user_code]", &user_code).await;
    }
    browser.click("button[type=submit]").await;
    sign_in_and_consent(&browser).await;
    browser.screenshot("oauth-device-done").await;
    browser.close().await;
    let (code, _, stderr) = tokio::task::spawn_blocking(move || running.finish())
        .await
        .expect("join");
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        repo.saved("sandbox")
            .is_some_and(|f| f["refresh_token"].is_string())
    );
}

#[tokio::test]
async fn cli_mode_m2m_with_a_wrong_secret_writes_nothing() {
    let port = free_port();
    let repo = Repo::new();
    repo.spec("m2m", &m2m_spec(port));
    let _provider = Provider::start(port, "http://localhost:1/cb", 0);
    let output = repo
        .cmd()
        .args(["collect", "m2m", "--mode", "cli"])
        .write_stdin("machine\nwrong-secret-2468\nn\n")
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("invalid_client"), "{stderr}");
    assert!(!stderr.contains("wrong-secret-2468"));
    assert_eq!(repo.saved("m2m"), None);
    let output = repo
        .cmd()
        .args(["collect", "m2m", "--mode", "cli"])
        .write_stdin("machine\nmachine-secret\n")
        .output()
        .expect("run");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn cli_mode_provider_down_is_no_verdict() {
    let repo = Repo::new();
    repo.spec("m2m", &m2m_spec(free_port()));
    let output = repo
        .cmd()
        .args(["collect", "m2m", "--mode", "cli"])
        .write_stdin("machine\nmachine-secret\nn\n")
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot reach"));
    assert_eq!(repo.saved("m2m"), None);
}

#[tokio::test]
async fn a_grant_without_a_refresh_token_names_the_likely_cause() {
    let (repo, _provider, running, url) = start_cli_loopback("no-refresh", "no-refresh-secret");
    let browser = Browser::start().await;
    approve_at(&browser, &url, "return to the terminal").await;
    browser.close().await;
    let (code, _, stderr) = tokio::task::spawn_blocking(move || running.finish())
        .await
        .expect("join");
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("granted no refresh token"), "{stderr}");
    assert!(stderr.contains("access_type: offline"), "{stderr}");
    assert_eq!(repo.saved("sandbox"), None);
}

#[test]
fn a_stored_refresh_token_is_kept_unless_reauthorizing() {
    let repo = Repo::new();
    repo.spec("sandbox", &cli_spec(free_port()));
    repo.credentials("sandbox", r#"{"client_id": "confidential-pkce", "client_secret": "confidential-pkce-secret", "refresh_token": "stored-refresh-1357"}"#,
    );
    let output = repo
        .cmd()
        .args(["collect", "sandbox", "--mode", "cli"])
        .write_stdin("\n\n")
        .output()
        .expect("run");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("Keeping the stored refresh token"));
    assert_eq!(
        repo.saved("sandbox").map(|f| f["refresh_token"].clone()),
        Some(serde_json::json!("stored-refresh-1357"))
    );
    // With --reauthorize the flow runs again; here the provider is down: exit 3, file untouched.
    let output = repo
        .cmd()
        .args([
            "collect",
            "sandbox",
            "--mode",
            "cli",
            "--reauthorize",
            "--device",
        ])
        .write_stdin("\n\n")
        .output()
        .expect("run");
    assert_eq!(
        output.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        repo.saved("sandbox").map(|f| f["refresh_token"].clone()),
        Some(serde_json::json!("stored-refresh-1357"))
    );
}

#[test]
fn a_new_client_id_at_the_terminal_is_never_paired_with_the_stored_token() {
    let repo = Repo::new();
    repo.spec("sandbox", &cli_spec(free_port()));
    repo.credentials("sandbox", r#"{"client_id": "confidential-pkce", "client_secret": "confidential-pkce-secret", "refresh_token": "stored-refresh-2468"}"#,
    );
    // A new client ID: the authorization runs again (here the provider is
    // down, so exit 3), and the stored token is neither kept nor shown.
    let output = repo
        .cmd()
        .args(["collect", "sandbox", "--mode", "cli", "--device"])
        .write_stdin("another-client\n\n")
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("A refresh token is stored, but it was issued to the earlier client ID"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("Keeping the stored refresh token"),
        "{stderr}"
    );
    assert!(!stderr.contains("stored-refresh-2468"), "{stderr}");
    assert_eq!(
        repo.saved("sandbox").map(|f| f["client_id"].clone()),
        Some(serde_json::json!("confidential-pkce"))
    );
}

#[tokio::test]
async fn a_new_client_id_in_the_form_needs_authorize_again() {
    let repo = Repo::new();
    repo.spec("sandbox", &u2m_spec(free_port(), true));
    repo.credentials("sandbox", r#"{"client_id": "confidential-pkce", "client_secret": "confidential-pkce-secret", "refresh_token": "stored-refresh-8642"}"#,
    );
    let running = repo.start(&["collect", "sandbox", "--port", "0"]);
    let html = page(&running).await;
    assert!(
        html.contains("A refresh token is stored for the saved client ID"),
        "{html}"
    );
    let token = csrf(&html);
    let (status, html) = post(
        &running,
        "/save",
        &[
            ("_csrf", &token),
            ("client_id", "another-client"),
            ("client_secret", ""),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    assert!(
        html.contains("a refresh token is stored, but it was issued to the earlier client ID"),
        "{html}"
    );
    assert!(html.contains("click Authorize again"), "{html}");
    assert!(!html.contains("stored-refresh-8642"));
    assert_eq!(
        repo.saved("sandbox").map(|f| f["client_id"].clone()),
        Some(serde_json::json!("confidential-pkce"))
    );
    // The same client keeps its stored token.
    let (status, html) = post(
        &running,
        "/save",
        &[
            ("_csrf", &token),
            ("client_id", "confidential-pkce"),
            ("client_secret", ""),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    let (code, _, stderr) = tokio::task::spawn_blocking(move || running.finish())
        .await
        .expect("join");
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(
        repo.saved("sandbox").map(|f| f["refresh_token"].clone()),
        Some(serde_json::json!("stored-refresh-8642"))
    );
}

#[tokio::test]
async fn oauth_edits_on_the_form_name_the_spec_key_validate_reads() {
    let port = free_port();
    let repo = Repo::new();
    repo.spec("sandbox", &u2m_spec(port, true));
    repo.credentials("sandbox", r#"{"client_id": "confidential-pkce", "client_secret": "confidential-pkce-secret", "refresh_token": "stored-refresh-1122"}"#,
    );
    // The boxes as the page shows them: nothing to say.
    let running = repo.start(&["collect", "sandbox", "--port", "0"]);
    let token = csrf(&page(&running).await);
    let spec_url = format!("http://127.0.0.1:{port}/token");
    let (status, html) = post(
        &running,
        "/save",
        &[
            ("_csrf", &token),
            ("client_id", "confidential-pkce"),
            ("_oauth_token_url", &spec_url),
            ("_oauth_scopes", "openid  offline_access read"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(!html.contains("for this run only"), "{html}");
    let (code, events, stderr) = tokio::task::spawn_blocking(move || running.finish())
        .await
        .expect("join");
    assert_eq!(code, Some(0), "{stderr}");
    assert!(!events.contains("for this run only"), "{events}");
    // Edited boxes: the Saved page and the terminal say validate reads the
    // spec, and which keys to change.
    let running = repo.start(&["collect", "sandbox", "--port", "0"]);
    let token = csrf(&page(&running).await);
    let (status, html) = post(
        &running,
        "/save",
        &[
            ("_csrf", &token),
            ("client_id", "confidential-pkce"),
            ("_oauth_token_url", "http://127.0.0.1:9/other-token"),
            ("_oauth_scopes", "openid read"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    // The terminal's words come as `warning` events (the run is --json).
    let (code, events, stderr) = tokio::task::spawn_blocking(move || running.finish())
        .await
        .expect("join");
    assert_eq!(code, Some(0), "{stderr}");
    assert!(events.contains(r#""event":"warning""#), "{events}");
    // The page's text, as a browser shows it.
    let html = html.replace("&#x27;", "'").replace("&#x2f;", "/");
    for said in [&html, &events] {
        assert!(
            said.contains(&format!(
                "`validate` uses the spec's token URL (`{spec_url}`)"
            )),
            "{said}"
        );
        assert!(
            said.contains("change `connection.oauth.token_url` in connector_spec.yaml"),
            "{said}"
        );
        assert!(
            said.contains("`validate` asks for the spec's scopes (`openid offline_access read`)"),
            "{said}"
        );
        assert!(
            said.contains("change `connection.oauth.scopes` in connector_spec.yaml"),
            "{said}"
        );
        assert!(!said.contains("stored-refresh-1122"));
    }
}

#[tokio::test]
async fn a_token_url_a_parameter_supplies_is_saved_with_the_credentials() {
    let port = free_port();
    let repo = Repo::new();
    let spec = u2m_spec(port, true)
        .replace(&format!("    token_url: http://127.0.0.1:{port}/token\n"), "")
        .replace(
            "  oauth:\n",
            "    - name: token_url\n      required: true\n      description: The token endpoint of your tenant.\n  oauth:\n",
        );
    repo.spec("sandbox", &spec);
    repo.credentials("sandbox", r#"{"client_id": "confidential-pkce", "client_secret": "confidential-pkce-secret", "refresh_token": "stored-refresh-3344"}"#,
    );
    let running = repo.start(&["collect", "sandbox", "--port", "0"]);
    let html = page(&running).await;
    assert!(!html.contains("name=\"_oauth_token_url\""), "{html}");
    let token = csrf(&html);
    let tenant_url = format!("http://127.0.0.1:{port}/tenant/token");
    let (status, html) = post(
        &running,
        "/save",
        &[
            ("_csrf", &token),
            ("client_id", "confidential-pkce"),
            ("token_url", &tenant_url),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(!html.contains("for this run only"), "{html}");
    let (code, _, stderr) = tokio::task::spawn_blocking(move || running.finish())
        .await
        .expect("join");
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(
        repo.saved("sandbox").map(|f| f["token_url"].clone()),
        Some(serde_json::json!(tenant_url))
    );
}

#[tokio::test]
async fn authorize_goes_to_the_accounts_host_of_the_persons_region() {
    let repo = Repo::new();
    repo.spec("ledger", "display_name: Ledger\nconnection:\n  parameters:\n    - {name: client_id, required: true}\n    - {name: client_secret, secret: true}\n    - {name: refresh_token, required: true, secret: true}\n    - {name: accounts_server, description: \"The accounts host of your data centre, such as https://accounts.ledger.example.eu.\"}\n  oauth:\n    flow: u2m\n    authorization_url: https://accounts.ledger.example.com/oauth/auth\n    token_url: https://accounts.ledger.example.com/oauth/token\n    scopes: \"books.read\"\nexternal_options_allowlist: \"\"\n");
    let running = repo.start(&["collect", "ledger", "--port", "0"]);
    let token = csrf(&page(&running).await);
    let start = |accounts: &'static str| {
        let token = token.clone();
        let running = &running;
        async move {
            let (status, body) = post(
                running,
                "/oauth/start",
                &[
                    ("_csrf", &token),
                    ("client_id", "c-1"),
                    ("accounts_server", accounts),
                    (
                        "_oauth_authorization_url",
                        "https://accounts.ledger.example.com/oauth/auth",
                    ),
                    (
                        "_oauth_token_url",
                        "https://accounts.ledger.example.com/oauth/token",
                    ),
                ],
            )
            .await;
            // The host is either in the authorization URL or, as the
            // example hosts resolve nowhere, named as not reachable.
            let answer: serde_json::Value = serde_json::from_str(&body).expect("json");
            match status {
                StatusCode::OK => answer["authorize_url"].as_str().expect("url").to_string(),
                _ => {
                    let said = answer["message"].as_str().expect("message");
                    let host = said.split_whitespace().next().expect("host");
                    assert!(said.contains("could not be reached"), "{said}");
                    format!("https://{host}/oauth/auth?")
                }
            }
        }
    };
    let regional = start("https://accounts.ledger.example.eu/").await;
    assert!(
        regional.starts_with("https://accounts.ledger.example.eu/oauth/auth?"),
        "{regional}"
    );
    let default = start("").await;
    assert!(
        default.starts_with("https://accounts.ledger.example.com/oauth/auth?"),
        "{default}"
    );
    // A host of another service, or another domain after the service's
    // label, never takes the endpoints.
    for other in [
        "https://accounts.elsewhere.example",
        "accounts.ledger.example.attacker.test",
    ] {
        let sent = start(other).await;
        assert!(
            sent.starts_with("https://accounts.ledger.example.com/oauth/auth?"),
            "{sent}"
        );
    }
}
