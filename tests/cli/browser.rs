//! The browser form end to end in headless Chromium (Debian's `chromium` and
//! `chromium-driver`, installed by `.ci/run`), driven over WebDriver:
//! filling and submitting the real page. Screenshots go to `tests/output/`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};

use crate::support::{Repo, Running, fixture_spec};

/// A chromedriver process and a WebDriver session in a fresh profile.
pub struct Browser {
    driver: std::process::Child,
    pub client: Client,
    _profile: tempfile::TempDir,
}

impl Browser {
    pub async fn start() -> Browser {
        for tool in ["/usr/bin/chromium", "/usr/bin/chromedriver"] {
            assert!(
                Path::new(tool).exists(),
                "{tool} is missing: install Debian's chromium and chromium-driver (bash .ci/run does)"
            );
        }
        let port = std::net::TcpListener::bind(("127.0.0.1", 0))
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let driver = std::process::Command::new("/usr/bin/chromedriver")
            .arg(format!("--port={port}"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("chromedriver");
        let deadline = std::time::Instant::now() + Duration::from_secs(15);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                std::time::Instant::now() < deadline,
                "chromedriver did not start"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let profile = tempfile::tempdir().expect("profile dir");
        let args = [
            "--headless=new".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-quic".into(),
            "--no-first-run".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--disable-dev-shm-usage".into(),
            "--window-size=1280,1000".into(),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({"binary": "/usr/bin/chromium", "args": args}),
        );
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("WebDriver session");
        Browser {
            driver,
            client,
            _profile: profile,
        }
    }

    pub async fn screenshot(&self, name: &str) {
        let png = self.client.screenshot().await.expect("screenshot");
        let dir = output_dir();
        std::fs::create_dir_all(&dir).expect("output dir");
        std::fs::write(dir.join(format!("{name}.png")), png).expect("write screenshot");
    }

    pub async fn fill(&self, id: &str, value: &str) {
        let input = self.client.find(Locator::Id(id)).await.expect(id);
        input.clear().await.expect("clear");
        input.send_keys(value).await.expect("type");
    }

    pub async fn fill_css(&self, css: &str, value: &str) {
        let input = self.client.find(Locator::Css(css)).await.expect(css);
        input.send_keys(value).await.expect("type");
    }

    pub async fn click(&self, css: &str) {
        self.client
            .find(Locator::Css(css))
            .await
            .expect(css)
            .click()
            .await
            .expect("click");
    }

    /// The text of the first element matching `css`, waiting for it (and
    /// trying again when the page changed under the lookup).
    pub async fn text(&self, css: &str) -> String {
        if std::env::var_os("DEBUG_BROWSER").is_some() {
            tokio::time::sleep(Duration::from_secs(1)).await;
            eprintln!("PAGE: {}", self.client.source().await.unwrap_or_default());
        }
        let mut last = String::new();
        for _ in 0..5 {
            let found = self
                .client
                .wait()
                .at_most(Duration::from_secs(10))
                .for_element(Locator::Css(css))
                .await;
            match found {
                Ok(element) => match element.text().await {
                    Ok(text) => return text,
                    Err(e) => last = e.to_string(),
                },
                Err(e) => last = e.to_string(),
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!("{css}: {last}");
    }

    /// Waits (up to 20 s) until the first element matching `css` reads
    /// `want`, and returns what it read last: a click that submits a form
    /// returns before the next page has loaded.
    pub async fn text_becomes(&self, css: &str, want: &str) -> String {
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        loop {
            let text = self.text(css).await;
            if text == want || std::time::Instant::now() > deadline {
                return text;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// Where screenshots are written for people to look at.
pub fn output_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/output")
}

async fn finish(running: Running) {
    let (code, _, stderr) = tokio::task::spawn_blocking(move || running.finish())
        .await
        .expect("join");
    assert_eq!(code, Some(0), "{stderr}");
}

#[tokio::test]
async fn a_flat_form_is_filled_and_saved() {
    let repo = Repo::new();
    repo.spec("github", &fixture_spec("flat.yaml"));
    let running = repo.start(&["collect", "github", "--port", "0"]);
    let browser = Browser::start().await;
    browser.client.goto(&running.url).await.expect("open form");
    assert_eq!(browser.text("h1").await, "Connect GitHub");
    browser.fill("token", "ghp_browser_secret").await;
    browser
        .fill("base_url", "https://github.example.com/api/v3")
        .await;
    browser.screenshot("collect-form").await;
    browser
        .client
        .set_window_size(390, 844)
        .await
        .expect("phone size");
    browser.screenshot("collect-form-phone").await;
    browser.click("button#save").await;
    assert_eq!(browser.text_becomes("h1", "Saved").await, "Saved");
    browser.screenshot("collect-saved").await;
    browser.close().await;
    finish(running).await;
    let path = repo.credentials_path("github");
    let value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("file")).expect("json");
    assert_eq!(
        value,
        serde_json::json!({"token": "ghp_browser_secret", "base_url": "https://github.example.com/api/v3"})
    );
    #[cfg(unix)]
    assert_eq!(crate::support::mode(&path), 0o600);
}

#[tokio::test]
async fn switching_the_method_saves_only_that_methods_fields() {
    let repo = Repo::new();
    repo.spec("zendesk", &fixture_spec("methods_shared.yaml"));
    let running = repo.start(&["collect", "zendesk", "--port", "0"]);
    let browser = Browser::start().await;
    browser.client.goto(&running.url).await.expect("open form");
    let token_input = browser
        .client
        .find(Locator::Id("api_token"))
        .await
        .expect("api_token");
    assert!(token_input.is_displayed().await.expect("displayed"));
    browser.fill("api_token", "typed-before-switching").await;
    browser.click("input[name=_method][value=password]").await;
    assert!(!token_input.is_displayed().await.expect("displayed"));
    browser.fill("subdomain", "acme").await;
    browser.fill("email", "agent@acme.test").await;
    browser.fill("password", "pa55word").await;
    browser.click("button.reveal[data-for=password]").await;
    let password = browser
        .client
        .find(Locator::Id("password"))
        .await
        .expect("password");
    assert_eq!(
        password.attr("type").await.expect("type").as_deref(),
        Some("text")
    );
    browser.screenshot("collect-methods").await;
    browser.click("button#save").await;
    assert_eq!(browser.text_becomes("h1", "Saved").await, "Saved");
    browser.close().await;
    finish(running).await;
    let value: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo.credentials_path("zendesk")).expect("file"),
    )
    .expect("json");
    assert_eq!(
        value,
        serde_json::json!({"subdomain": "acme", "email": "agent@acme.test", "password": "pa55word"})
    );
}

#[tokio::test]
async fn a_missing_required_field_shows_an_inline_error_and_saves_nothing() {
    let repo = Repo::new();
    repo.spec("github", &fixture_spec("flat.yaml"));
    let running = repo.start(&["collect", "github", "--port", "0"]);
    let browser = Browser::start().await;
    browser.client.goto(&running.url).await.expect("open form");
    browser.fill("base_url", "https://kept.example.com").await;
    browser.click("button#save").await;
    let error = browser.text(".field-error").await;
    assert_eq!(error, "Token is required");
    let kept = browser
        .client
        .find(Locator::Id("base_url"))
        .await
        .expect("base_url");
    assert_eq!(
        kept.prop("value").await.expect("value").as_deref(),
        Some("https://kept.example.com")
    );
    browser.screenshot("collect-missing-required").await;
    assert!(!repo.credentials_path("github").exists());
    browser.fill("token", "now-given").await;
    browser.click("button#save").await;
    assert_eq!(browser.text_becomes("h1", "Saved").await, "Saved");
    browser.close().await;
    finish(running).await;
}

#[tokio::test]
async fn the_oauth_section_shows_the_redirect_uri_and_editable_endpoints() {
    let repo = Repo::new();
    repo.spec("ga", &fixture_spec("oauth_u2m.yaml"));
    let running = repo.start(&["collect", "ga", "--port", "0"]);
    let browser = Browser::start().await;
    browser.client.goto(&running.url).await.expect("open form");
    let redirect = browser.text("code.redirect-uri").await;
    assert_eq!(
        redirect,
        format!("http://localhost:{}/oauth/callback", running.port)
    );
    let token_url = browser
        .client
        .find(Locator::Id("_oauth_token_url"))
        .await
        .expect("token url");
    assert_eq!(
        token_url.prop("value").await.expect("value").as_deref(),
        Some("https://oauth2.googleapis.com/token")
    );
    assert!(
        browser
            .client
            .find(Locator::Id("refresh_token"))
            .await
            .is_err(),
        "the refresh token is obtained by the flow, never typed"
    );
    browser.screenshot("collect-oauth").await;
    browser.close().await;
}
