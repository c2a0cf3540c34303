//! What a person meets on the form, in real Chromium (desktop and phone):
//! typed secrets kept through another field's error, multi-line PEM keys,
//! credential names masked without `secret: true`, descriptions rendered as
//! markdown that wraps on a phone, an unreachable provider named, and under
//! `authenticate` the check's verdict on the page before anything is saved.
//! Screenshots of each state land in `tests/output/`.

use std::time::Duration;

use fantoccini::Locator;

use crate::apis::{self, Nginx};
use crate::browser::Browser;
use crate::support::{Repo, Running};

const SPEC: &str = r#"display_name: Acme Cloud
connection:
  parameters:
    - name: subdomain
      required: true
      description: "Your **Acme** subdomain: the `acme` in `acme.example.com`. See [the guide](https://docs.example.com/subdomain)."
    - name: email
      required: true
      description: "- the agent's login\n- not a shared inbox"
    - name: client_secret
      required: true
      description: "From com.example.platform.integration.settings.applications.credentials.client_secret_value_field"
    - name: private_key_pem
      required: true
      secret: true
      description: The PEM private key of the service user.
external_options_allowlist: ""
"#;

const PEM: &str = "-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEA\nq7BFUpkGp3+LQmlQ\n-----END PRIVATE KEY-----";

async fn finish(running: Running) -> (Option<i32>, String, String) {
    tokio::task::spawn_blocking(move || running.finish())
        .await
        .expect("join")
}

async fn js(browser: &Browser, script: &str) -> serde_json::Value {
    browser
        .client
        .execute(script, Vec::new())
        .await
        .expect("script")
}

#[tokio::test]
async fn the_form_keeps_typed_secrets_masks_credentials_and_reads_well_on_a_phone() {
    let repo = Repo::new();
    repo.spec("acme", SPEC);
    let running = repo.start(&["collect", "acme", "--port", "0"]);
    let browser = Browser::start().await;
    browser.client.goto(&running.url).await.expect("form");
    // client_secret has no `secret: true`: masked all the same.
    let secret = browser
        .client
        .find(Locator::Id("client_secret"))
        .await
        .expect("client_secret");
    assert_eq!(
        secret.attr("type").await.expect("type").as_deref(),
        Some("password")
    );
    // The PEM key gets a multi-line masked box.
    let pem = browser
        .client
        .find(Locator::Id("private_key_pem"))
        .await
        .expect("pem");
    assert_eq!(pem.tag_name().await.expect("tag"), "textarea");
    assert_eq!(
        pem.attr("class").await.expect("class").as_deref(),
        Some("masked")
    );
    // Markdown is rendered: no literal marks left on the page.
    let text = js(&browser, "return document.body.innerText").await;
    let text = text.as_str().unwrap_or_default();
    assert!(!text.contains("**") && !text.contains('`'), "{text}");
    let strong = browser.text(".help strong").await;
    assert_eq!(strong, "Acme");
    browser.screenshot("person-form").await;
    browser
        .client
        .set_window_size(390, 844)
        .await
        .expect("phone");
    let fits = js(
        &browser,
        "return document.documentElement.scrollWidth <= window.innerWidth",
    )
    .await;
    assert_eq!(
        fits,
        serde_json::json!(true),
        "horizontal scroll on a phone"
    );
    browser.screenshot("person-form-phone").await;
    browser
        .client
        .set_window_size(1200, 900)
        .await
        .expect("desktop");

    // Secrets typed, the subdomain forgotten: the page itself says so and
    // sends nothing.
    browser.fill("email", "agent@acme.test").await;
    browser.fill("client_secret", "cs-typed-4242").await;
    browser.fill("private_key_pem", PEM).await;
    browser.click("button#save").await;
    let error = browser.text(".field.invalid .field-error").await;
    assert_eq!(error, "Subdomain is required");
    browser.screenshot("person-required-in-page").await;
    // The server checks too: sent without the page's check, the error comes
    // back and the typed secrets are kept, not sent back into the page.
    js(
        &browser,
        "document.getElementById('credentials').submit(); return 1",
    )
    .await;
    browser
        .text_becomes("#problems strong", "Not saved yet.")
        .await;
    let page = browser.client.source().await.expect("source");
    assert!(
        !page.contains("cs-typed-4242") && !page.contains("MIIBVQ"),
        "a secret came back into the page"
    );
    let placeholder = browser
        .client
        .find(Locator::Id("client_secret"))
        .await
        .expect("client_secret")
        .attr("placeholder")
        .await
        .expect("placeholder");
    assert_eq!(
        placeholder.as_deref(),
        Some("kept — leave empty to keep what you typed")
    );
    browser.screenshot("person-secrets-kept").await;
    browser.fill("subdomain", "acme").await;
    browser.click("button#save").await;
    assert_eq!(browser.text_becomes("h1", "Saved").await, "Saved");
    browser.screenshot("person-saved").await;
    browser.close().await;
    let (code, stdout, stderr) = finish(running).await;
    assert_eq!(code, Some(0), "{stderr}");
    assert!(!stdout.contains("cs-typed-4242") && !stderr.contains("cs-typed-4242"));
    let file: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo.credentials_path("acme")).expect("file"),
    )
    .expect("json");
    assert_eq!(file["client_secret"], "cs-typed-4242");
    assert_eq!(file["private_key_pem"], PEM, "the PEM key lost its lines");
    assert_eq!(file["subdomain"], "acme");
}

#[tokio::test]
async fn an_unreachable_authorization_host_is_named_on_the_page() {
    let closed = std::net::TcpListener::bind(("127.0.0.1", 0))
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let repo = Repo::new();
    repo.spec(
        "gone",
        &format!(
            "display_name: Gone\nconnection:\n  parameters:\n    - {{name: client_id, required: true}}\n    - {{name: client_secret, required: true, secret: true}}\n  oauth:\n    flow: u2m\n    authorization_url: http://127.0.0.1:{closed}/authorize\n    token_url: http://127.0.0.1:{closed}/token\nexternal_options_allowlist: \"\"\n"
        ),
    );
    let running = repo.start(&["collect", "gone", "--port", "0"]);
    let browser = Browser::start().await;
    browser.client.goto(&running.url).await.expect("form");
    browser.fill("client_id", "app").await;
    browser.fill("client_secret", "app-secret-1").await;
    let started = std::time::Instant::now();
    browser.click("button.authorize").await;
    let status = browser
        .client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(".status.error"))
        .await
        .expect("an error within 20 s")
        .text()
        .await
        .expect("text");
    assert!(started.elapsed() < Duration::from_secs(20));
    assert!(
        status.contains("127.0.0.1") && status.contains("could not be reached"),
        "{status}"
    );
    browser.screenshot("person-oauth-unreachable").await;
    browser.close().await;
}

#[tokio::test]
async fn under_authenticate_a_rejected_password_is_shown_on_the_page_and_a_corrected_one_ends_ok() {
    let api = Nginx::start();
    let repo = Repo::new();
    repo.spec(
        "basic",
        "display_name: Basic Desk\nconnection:\n  parameters:\n    - {name: email, required: true}\n    - {name: api_token, required: true, secret: true}\nexternal_options_allowlist: \"\"\n",
    )
    .check(
        "basic",
        &format!(
            "checks:\n  - request:\n      url: \"{}\"\n      auth:\n        basic: {{username: \"{{email}}/token\", password: \"{{api_token}}\"}}\n    expect:\n      status: [200]\n      identity: /user/email\n",
            api.url("/basic/me")
        ),
    );
    let running = repo.start(&["authenticate", "basic", "--port", "0"]);
    let browser = Browser::start().await;
    browser.client.goto(&running.url).await.expect("form");
    browser.fill("email", "agent@acme.test").await;
    browser.fill("api_token", "wrong-token-0000").await;
    browser.click("button#save").await;
    let problem = browser.text("#problems li").await;
    assert!(problem.contains("invalid_credentials"), "{problem}");
    assert!(problem.contains("nothing was saved"), "{problem}");
    assert!(
        repo.saved("basic").is_none(),
        "saved credentials the API rejected"
    );
    assert_ne!(browser.text("h1").await, "Saved");
    browser.screenshot("person-authenticate-rejected").await;
    browser.fill("api_token", apis::BASIC_PASSWORD).await;
    browser.click("button#save").await;
    assert_eq!(browser.text_becomes("h1", "Saved").await, "Saved");
    let verdict = browser.text(".status.ok").await;
    assert!(verdict.contains("agent@acme.test"), "{verdict}");
    browser.screenshot("person-authenticate-verified").await;
    browser.close().await;
    let (code, stdout, stderr) = finish(running).await;
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(stdout.contains(r#""event":"authenticated""#), "{stdout}");
    assert!(!stdout.contains("wrong-token-0000") && !stderr.contains("wrong-token-0000"));
    assert!(
        stderr.contains("invalid_credentials"),
        "each attempt is printed: {stderr}"
    );
}
