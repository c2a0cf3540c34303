//! The attacks of an adversarial review, replayed against the real binary:
//! token answers in the shapes real providers send, a provider echoing the
//! Basic credential of the fallback, APIs echoing a key in escaped forms,
//! terminal escapes in a body, URL-template tricks, a symlinked credentials
//! folder, half-sent requests against the form, control characters in a
//! header credential. Each names what it attacks; `docs/security.md` lists
//! them.

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;

use crate::support::{
    Repo, Run, TESTS, assert_hidden, client, csrf, json_lines, page, post, source, validate,
};

/// A client secret with every character RFC 6749's form-encoding changes.
const CLIENT_SECRET: &str = "Zx8~Q/a+b=c d~client-secret";
/// An API key with the characters JSON and HTML escape.
const KEY: &str = "k3y/abc&def<x>=\"yz\"";

/// Every token the hostile provider grants; the API accepts each.
const TOKENS: &[&str] = &[
    "AT-string-expiry-1111",
    "AT-no-type-2222",
    "AT-upper-3333",
    "AT-form-4444",
];

/// A provider and an API that answer the way the attacks need, recording
/// the path of every request.
struct Hostile {
    port: u16,
    seen: crate::support::Requests,
}

impl Hostile {
    fn start() -> Hostile {
        let (port, seen) = crate::support::serve_logged(answer);
        Hostile { port, seen }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn paths(&self) -> Vec<String> {
        crate::support::request_lines(&self.seen)
    }
}

fn json(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// What the hostile server answers at `path`.
fn answer(path: &str, headers: &HeaderMap) -> Response {
    let auth = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let key = headers
        .get("x-api-key")
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .unwrap_or_default();
    match path {
        "/token/string-expiry" => json(
            StatusCode::OK,
            r#"{"access_token":"AT-string-expiry-1111","expires_in":"3600","token_type":"Bearer"}"#
                .into(),
        ),
        "/token/no-type" => json(
            StatusCode::OK,
            r#"{"access_token":"AT-no-type-2222","expires_in":3600}"#.into(),
        ),
        "/token/upper" => json(
            StatusCode::OK,
            r#"{"access_token":"AT-upper-3333","token_type":"BEARER","refresh_token":null}"#.into(),
        ),
        "/token/form" => (
            StatusCode::OK,
            [(
                header::CONTENT_TYPE,
                "application/x-www-form-urlencoded; charset=utf-8",
            )],
            "access_token=AT-form-4444&scope=read&token_type=bearer",
        )
            .into_response(),
        "/token/html-leak" => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/html")],
            "<p>Welcome! access_token=AT-html-5555 refresh_token: RT-html-5555</p>",
        )
            .into_response(),
        "/token/nested-leak" => json(
            StatusCode::OK,
            r#"{"data":{"access_token":"AT-nested-6666","refresh_token":"RT-nested-6666"}}"#.into(),
        ),
        "/token/basic-echo" if auth.is_empty() => json(
            StatusCode::UNAUTHORIZED,
            r#"{"error":"invalid_client"}"#.into(),
        ),
        // PHP's json_encode escapes `/` as `\/`.
        "/token/basic-echo" => json(
            StatusCode::UNAUTHORIZED,
            format!(
                r#"{{"error":"invalid_client","error_description":"no client for {}"}}"#,
                auth.replace('/', r"\/")
            ),
        ),
        "/api/me" if TOKENS.iter().any(|t| auth == format!("Bearer {t}")) => {
            json(StatusCode::OK, r#"{"id": 1}"#.into())
        }
        "/api/me" => json(StatusCode::UNAUTHORIZED, r#"{"error":"bad token"}"#.into()),
        "/echo/php" => json(
            StatusCode::UNAUTHORIZED,
            format!(
                r#"{{"error":"unknown key {}"}}"#,
                key.replace('/', r"\/").replace('"', r#"\""#)
            ),
        ),
        "/echo/go" => json(
            StatusCode::UNAUTHORIZED,
            format!(
                r#"{{"error":"unknown key {}"}}"#,
                key.replace('&', r"\u0026")
                    .replace('<', r"\u003c")
                    .replace('>', r"\u003e")
                    .replace('"', r#"\""#)
            ),
        ),
        "/echo/html" => (
            StatusCode::UNAUTHORIZED,
            [(header::CONTENT_TYPE, "text/html")],
            format!(
                "<p>unknown key {}</p>",
                key.replace('&', "&amp;")
                    .replace('<', "&lt;")
                    .replace('>', "&gt;")
                    .replace('"', "&quot;")
            ),
        )
            .into_response(),
        "/ansi" => (
            StatusCode::UNAUTHORIZED,
            "denied\x1b[2K\x1b[1G\r✓ api: ok — HTTP 200\u{9b}2K",
        )
            .into_response(),
        _ if key == "good-key-1234" => json(StatusCode::OK, r#"{"id": 2}"#.into()),
        _ => json(StatusCode::UNAUTHORIZED, "{}".into()),
    }
}

fn m2m_spec(token_url: &str) -> String {
    format!(
        "display_name: Odd\nconnection:\n  parameters:\n    - {{name: client_id, required: true}}\n    - {{name: client_secret, required: true, secret: true}}\n  oauth:\n    flow: m2m\n    token_url: \"{token_url}\"\nexternal_options_allowlist: \"\"\n"
    )
}

fn oauth_check(url: &str) -> String {
    format!(
        "checks:\n  - request:\n      url: \"{url}\"\n      auth:\n        oauth: {{}}\n    expect:\n      status: [200]\n"
    )
}

fn m2m_credentials() -> String {
    serde_json::json!({"client_id": "odd client", "client_secret": CLIENT_SECRET}).to_string()
}

fn assert_no_token(run: &Run, tokens: &[&str]) {
    for t in tokens {
        assert!(!run.all().contains(t), "{t} shown:\n{}", run.all());
    }
}

/// A repo whose source `odd` gets its m2m token from the hostile API's
/// `/token/<shape>` answer.
fn odd_grant(api: &Hostile, shape: &str) -> Repo {
    let repo = Repo::new();
    source(
        &repo,
        "odd",
        &m2m_spec(&api.url(&format!("/token/{shape}"))),
        &oauth_check(&api.url("/api/me")),
        Some(&m2m_credentials()),
    );
    repo
}

#[test]
fn good_grants_in_every_odd_shape_are_accepted_and_never_shown() {
    let api = Hostile::start();
    for (shape, token) in [
        ("string-expiry", TOKENS[0]),
        ("no-type", TOKENS[1]),
        ("upper", TOKENS[2]),
        ("form", TOKENS[3]),
    ] {
        let repo = odd_grant(&api, shape);
        let run = validate(&repo, &["odd"]);
        assert_eq!(run.code, Some(0), "{shape}: {}", run.all());
        assert!(run.stdout.contains("ok"), "{shape}: {}", run.stdout);
        assert_no_token(&run, &[token]);
        assert_hidden(&run, CLIENT_SECRET, None);
    }
}

#[test]
fn unreadable_token_answers_are_described_with_tokens_masked() {
    let api = Hostile::start();
    for (shape, leaks) in [
        ("html-leak", ["AT-html-5555", "RT-html-5555"]),
        ("nested-leak", ["AT-nested-6666", "RT-nested-6666"]),
    ] {
        let repo = odd_grant(&api, shape);
        let run = validate(&repo, &["odd", "--json"]);
        let verdict = &json_lines(run.stdout.as_bytes())[0];
        assert_eq!(verdict["outcome"], "unexpected_response", "{verdict}");
        let reason = verdict["reason"].as_str().unwrap_or_default();
        assert!(reason.contains("HTTP 200"), "{reason}");
        assert_no_token(&run, &leaks);
        let human = validate(&repo, &["odd"]);
        assert_no_token(&human, &leaks);
    }
}

#[tokio::test]
async fn a_good_grant_in_a_form_encoded_answer_saves_on_the_m2m_page() {
    let api = Hostile::start();
    let repo = Repo::new();
    repo.spec("odd", &m2m_spec(&api.url("/token/form")));
    let running = repo.start(&["collect", "odd", "--port", "0"]);
    let token = csrf(&page(&running).await);
    let (status, html) = post(
        &running,
        "/save",
        &[
            ("_csrf", &token),
            ("client_id", "odd client"),
            ("client_secret", CLIENT_SECRET),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(!html.contains("AT-form-4444"), "{html}");
    assert!(!html.contains(CLIENT_SECRET), "{html}");
    let (code, stdout, stderr) = tokio::task::spawn_blocking(move || running.finish())
        .await
        .expect("join");
    assert_eq!(code, Some(0), "{stderr}");
    assert!(!stdout.contains("AT-form-4444") && !stderr.contains("AT-form-4444"));
    assert!(repo.saved("odd").is_some());
}

#[test]
fn the_basic_fallback_credential_echoed_back_is_scrubbed() {
    let api = Hostile::start();
    let repo = Repo::new();
    source(
        &repo,
        "odd",
        &m2m_spec(&api.url("/token/basic-echo")),
        &oauth_check(&api.url("/api/me")),
        Some(&m2m_credentials()),
    );
    let b64 = base64::engine::general_purpose::STANDARD;
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let sent = b64.encode(format!("{}:{}", enc("odd client"), enc(CLIENT_SECRET)));
    for args in [&["odd"][..], &["odd", "--json"][..]] {
        let run = validate(&repo, args);
        assert_eq!(run.code, Some(1), "{}", run.all());
        assert!(run.all().contains("invalid_client"), "{}", run.all());
        assert!(!run.all().contains(&sent), "{}", run.all());
        assert!(
            !run.all().contains(&sent.replace('/', r"\/")),
            "{}",
            run.all()
        );
        // Nothing in the output decodes to the secret.
        for word in run
            .all()
            .split(|c: char| !(c.is_ascii_alphanumeric() || "+/=\\".contains(c)))
        {
            let word = word.replace(r"\/", "/");
            if let Ok(bytes) = b64.decode(word.trim_end_matches('\\')) {
                let text = String::from_utf8_lossy(&bytes);
                assert!(!text.contains("client-secret"), "decodes to {text}");
            }
        }
        assert_hidden(&run, CLIENT_SECRET, None);
    }
}

#[test]
fn keys_echoed_in_escaped_forms_are_scrubbed() {
    let api = Hostile::start();
    for path in ["/echo/php", "/echo/go", "/echo/html"] {
        let repo = Repo::new();
        source(
            &repo,
            "keyed",
            "display_name: Keyed\nconnection:\n  parameters:\n    - {name: api_key, required: true, secret: true}\nexternal_options_allowlist: \"\"\n",
            &format!(
                "checks:\n  - request:\n      url: \"{}\"\n      auth:\n        header: {{name: X-Api-Key, value: \"{{api_key}}\"}}\n",
                api.url(path)
            ),
            Some(&serde_json::json!({"api_key": KEY}).to_string()),
        );
        for args in [&["keyed"][..], &["keyed", "--json"][..]] {
            let run = validate(&repo, args);
            assert_eq!(run.code, Some(1), "{path}: {}", run.all());
            assert!(
                run.all().contains("unknown key ***"),
                "{path}: {}",
                run.all()
            );
            for fragment in ["k3y", "abc", "def"] {
                assert!(
                    !run.all().contains(fragment),
                    "{path}: {fragment} shown: {}",
                    run.all()
                );
            }
        }
    }
}

#[test]
fn terminal_escapes_in_a_body_never_reach_the_terminal() {
    let api = Hostile::start();
    let repo = Repo::new();
    source(
        &repo,
        "ansi",
        "display_name: Ansi\nconnection:\n  parameters:\n    - {name: api_key, required: true, secret: true}\nexternal_options_allowlist: \"\"\n",
        &format!(
            "checks:\n  - request:\n      url: \"{}\"\n      auth:\n        header: {{name: X-Api-Key, value: \"{{api_key}}\"}}\n",
            api.url("/ansi")
        ),
        Some(r#"{"api_key": "wrong-key-9999"}"#),
    );
    let run = validate(&repo, &["ansi"]);
    assert_eq!(run.code, Some(1));
    crate::support::assert_contains(&run.stdout, "invalid_credentials");
    for bad in ['\x1b', '\r', '\u{9b}'] {
        assert!(!run.stdout.contains(bad), "{bad:?} in {:?}", run.stdout);
        assert!(!run.stderr.contains(bad), "{bad:?} in {:?}", run.stderr);
    }
    // The JSON keeps the text, escaped.
    let run = validate(&repo, &["ansi", "--json"]);
    assert!(!run.stdout.contains('\x1b'));
}

fn keyed_source(repo: &Repo, url: &str, credentials: serde_json::Value) {
    source(
        repo,
        "keyed",
        "display_name: Keyed\nconnection:\n  parameters:\n    - {name: api_key, required: true, secret: true}\n    - {name: base_url, description: API root.}\n    - {name: user, description: A user id.}\nexternal_options_allowlist: \"\"\n",
        &format!(
            "checks:\n  - request:\n      url: \"{url}\"\n      auth:\n        header: {{name: X-Api-Key, value: \"{{api_key}}\"}}\n"
        ),
        Some(&credentials.to_string()),
    );
}

#[test]
fn a_leading_base_url_placeholder_is_a_url_prefix() {
    let api = Hostile::start();
    for base in [api.url(""), api.url("/"), api.url("/v2")] {
        let repo = Repo::new();
        keyed_source(
            &repo,
            "{base_url}/users/me",
            serde_json::json!({"api_key": "good-key-1234", "base_url": base}),
        );
        let run = validate(&repo, &["keyed"]);
        assert_eq!(run.code, Some(0), "{base}: {}", run.all());
    }
    let paths = api.paths();
    assert!(paths.contains(&"GET /users/me".to_string()), "{paths:?}");
    assert!(paths.contains(&"GET /v2/users/me".to_string()), "{paths:?}");
    assert!(!paths.iter().any(|p| p.contains("//")), "{paths:?}");
}

#[test]
fn dot_segments_and_control_characters_are_bad_values_and_nothing_is_sent() {
    let api = Hostile::start();
    for (url, credentials, culprit) in [
        (
            api.url("/v1/users/{user}/me"),
            serde_json::json!({"api_key": "good-key-1234", "user": ".."}),
            "user",
        ),
        (
            api.url("/v1/users/{user}/me"),
            serde_json::json!({"api_key": "good-key-1234", "user": "."}),
            "user",
        ),
        (
            api.url("/v1/me"),
            serde_json::json!({"api_key": "good-key\u{0}1234"}),
            "api_key",
        ),
        (
            api.url("/v1/me"),
            serde_json::json!({"api_key": "good-key\u{7f}1234"}),
            "api_key",
        ),
        (
            "{base_url}/me".to_string(),
            serde_json::json!({"api_key": "good-key-1234", "base_url": "127.0.0.1/x"}),
            "base_url",
        ),
    ] {
        let repo = Repo::new();
        keyed_source(&repo, &url, credentials.clone());
        let run = validate(&repo, &["keyed", "--json"]);
        assert_eq!(run.code, Some(2), "{credentials}: {}", run.all());
        let verdict = &json_lines(run.stdout.as_bytes())[0];
        assert_eq!(verdict["outcome"], "bad_value", "{verdict}");
        crate::support::assert_reason(verdict, &format!("`{culprit}`"));
    }
    assert_eq!(api.paths(), Vec::<String>::new(), "a request was sent");
}

#[cfg(unix)]
#[test]
fn a_symlinked_credentials_folder_into_a_tracked_folder_is_named() {
    let repo = Repo::new();
    let git = |args: &[&str]| {
        let status = std::process::Command::new("git")
            .args(args)
            .current_dir(repo.root())
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@t.test")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@t.test")
            .output()
            .expect("git");
        assert!(status.status.success(), "git {args:?}: {status:?}");
    };
    git(&["init", "-q"]);
    repo.file(".gitignore", "**/configs/\n")
        .file("docs/notes.md", "notes\n")
        .spec(
            "linked",
            "display_name: Linked\nconnection:\n  parameters:\n    - {name: api_key, required: true, secret: true}\nexternal_options_allowlist: \"\"\n",
        );
    git(&["add", "."]);
    git(&["commit", "-qm", "init"]);
    let folder = repo.root().join(format!("{TESTS}/linked"));
    std::fs::create_dir_all(&folder).expect("mkdir");
    std::os::unix::fs::symlink(repo.root().join("docs"), folder.join("configs")).expect("link");
    let output = repo
        .cmd()
        .args(["collect", "linked", "--mode", "cli", "--json"])
        .write_stdin("linked-secret-4242\n")
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let real = std::fs::canonicalize(repo.root().join("docs"))
        .expect("real")
        .join("dev_config.json");
    let warning = json_lines(&output.stdout)
        .into_iter()
        .find(|e| e["event"] == "warning")
        .unwrap_or_else(|| panic!("no warning: {stdout}"));
    let text = warning["message"].as_str().unwrap_or_default();
    assert!(text.contains(&real.display().to_string()), "{text}");
    assert!(text.contains("commit"), "{text}");
    assert!(!stdout.contains("linked-secret-4242"));
}

#[test]
fn half_sent_requests_are_dropped_while_the_real_page_is_served() {
    let repo = Repo::new();
    repo.spec(
        "slow",
        "display_name: Slow\nconnection:\n  parameters:\n    - {name: api_key, required: true, secret: true}\nexternal_options_allowlist: \"\"\n",
    );
    let running = repo.start(&["collect", "slow", "--port", "0"]);
    let started = Instant::now();
    let mut idle = Vec::new();
    for i in 0..200 {
        let mut stream =
            std::net::TcpStream::connect(("127.0.0.1", running.port)).expect("connect");
        // Half a request: the headers never end.
        let partial = if i % 2 == 0 {
            "GET / HTTP/1.1\r\nHost: localhost\r\n".to_string()
        } else {
            "GET /".to_string()
        };
        stream.write_all(partial.as_bytes()).expect("write");
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .expect("timeout");
        idle.push(stream);
    }
    // The person's real request is still answered at once.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("rt");
    let html = rt.block_on(async {
        client()
            .get(&running.url)
            .timeout(Duration::from_secs(5))
            .send()
            .await
            .expect("page during the attack")
            .text()
            .await
            .expect("body")
    });
    assert!(html.contains("api_key"));
    // Every half-sent connection is closed by the server within 14 s.
    for (i, mut stream) in idle.into_iter().enumerate() {
        let mut buf = [0u8; 512];
        loop {
            match stream.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(_) => continue,
            }
        }
        assert!(
            started.elapsed() < Duration::from_secs(14),
            "connection {i} still open after {:?}",
            started.elapsed()
        );
    }
    let _ = running;
}

/// `authenticate` on a doc whose requests start with a "Base URL": the
/// draft has an optional `base_url`, the derived check sends to
/// `{base_url}/me` with the doc's base as default, and good credentials
/// end in exit 0 (it used to end in exit 2: the base URL was
/// percent-encoded into the path).
#[test]
fn authenticate_on_a_doc_with_a_base_url_line_ends_ok() {
    let api = crate::apis::Nginx::start();
    let repo = Repo::new();
    repo.api_doc(
        "keyed",
        &format!(
            "# Keyed API Documentation\n\n## Authorization\n\n- **Chosen method**: API key in the `X-Api-Key` header.\n- **Base URL**: `{}`\n\n```bash\ncurl -H \"X-Api-Key: <YOUR_API_KEY>\" {{base_url}}/me\n```\n\n## Read API\n\n`GET /me` returns the account.\n",
            api.url("/apikey")
        ),
    );
    let output = repo
        .cmd()
        .args(["authenticate", "keyed", "--mode", "cli"])
        .write_stdin(format!("{}\n\n", crate::apis::API_KEY))
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stdout}\n{stderr}");
    let check = repo.check_text("keyed");
    assert!(check.contains("{base_url}/me"), "{check}");
    assert!(check.contains("keyed_api_doc.md line"), "{check}");
    assert!(!stdout.contains(crate::apis::API_KEY) && !stderr.contains(crate::apis::API_KEY));
}
