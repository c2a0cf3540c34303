//! `validate` against real servers on loopback: nginx checking Basic,
//! Bearer, header and query credentials; stubs for 429, slow, 5xx and
//! cross-host redirects; every outcome, its reason and exit code, and no
//! secret in any output.

use crate::apis::{self, Nginx, Stub};
use crate::support::{Repo, Run, TESTS, assert_hidden, json_lines, source, validate};

const BASIC_SPEC: &str = "display_name: Basic API\nconnection:\n  parameters:\n    - {name: email, required: true, description: Agent email.}\n    - {name: api_token, required: true, secret: true, description: API token.}\nexternal_options_allowlist: \"\"\n";

fn basic_check(url: &str) -> String {
    format!(
        "checks:\n  - request:\n      url: \"{url}\"\n      auth:\n        basic: {{username: \"{{email}}/token\", password: \"{{api_token}}\"}}\n    expect:\n      status: [200]\n      identity: /user/email\n"
    )
}

/// A repository whose `name` source is checked with Basic auth against
/// `path` on `api`, with `credentials` in its default file when given.
fn basic_repo(api: &Nginx, name: &str, path: &str, credentials: Option<&str>) -> Repo {
    let repo = Repo::new();
    source(
        &repo,
        name,
        BASIC_SPEC,
        &basic_check(&api.url(path)),
        credentials,
    );
    repo
}

fn basic_credentials(password: &str) -> String {
    format!(r#"{{"email": "agent@acme.test", "api_token": "{password}"}}"#)
}

fn outcome(repo: &Repo, name: &str, extra: &[&str]) -> (serde_json::Value, Run) {
    let mut args = vec![name, "--json"];
    args.extend_from_slice(extra);
    let run = validate(repo, &args);
    let lines = json_lines(run.stdout.as_bytes());
    assert_eq!(lines.len(), 1, "{}\n{}", run.stdout, run.stderr);
    (lines[0].clone(), run)
}

#[test]
fn basic_credentials_that_work_are_ok_with_the_identity() {
    let api = Nginx::start();
    let repo = basic_repo(
        &api,
        "zendesk",
        "/basic/me",
        Some(&basic_credentials(apis::BASIC_PASSWORD)),
    );
    let run = validate(&repo, &["zendesk"]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    crate::support::assert_contains(&run.stdout, "zendesk: ok");
    crate::support::assert_contains(&run.stdout, "as agent@acme.test");
    assert_hidden(&run, apis::BASIC_PASSWORD, Some(apis::BASIC_USER));
    let (json, _) = outcome(&repo, "zendesk", &[]);
    assert_eq!(json["outcome"], "ok");
    assert_eq!(json["status"], 200);
    assert_eq!(json["identity"], "agent@acme.test");
}

#[test]
fn a_wrong_password_is_invalid_credentials() {
    let api = Nginx::start();
    let repo = basic_repo(
        &api,
        "zendesk",
        "/basic/me",
        Some(&basic_credentials("wrong-pass-9999")),
    );
    let (json, run) = outcome(&repo, "zendesk", &[]);
    assert_eq!(run.code, Some(1));
    assert_eq!(json["outcome"], "invalid_credentials");
    assert_eq!(json["status"], 401);
    assert!(
        json["reason"]
            .as_str()
            .is_some_and(|r| r.starts_with("HTTP 401: the API refused the credentials"))
    );
    assert_hidden(&run, "wrong-pass-9999", Some(apis::BASIC_USER));
}

#[test]
fn a_wrong_path_is_not_found() {
    let api = Nginx::start();
    let repo = basic_repo(
        &api,
        "zendesk",
        "/basic/nope",
        Some(&basic_credentials(apis::BASIC_PASSWORD)),
    );
    let (json, run) = outcome(&repo, "zendesk", &[]);
    assert_eq!(run.code, Some(1));
    assert_eq!(json["outcome"], "not_found");
    crate::support::assert_contains(
        json["reason"].as_str().unwrap_or_default(),
        "check the subdomain, base URL or path",
    );
}

#[test]
fn header_query_and_bearer_keys() {
    let api = Nginx::start();
    let repo = Repo::new();
    let key_spec =
        "connection:\n  parameters:\n    - {name: api_key, required: true, secret: true}\n";
    source(
        &repo,
        "header_key",
        key_spec,
        &format!(
            "checks:\n  - request:\n      url: \"{}\"\n      auth:\n        header: {{name: X-Api-Key, value: \"{{api_key}}\"}}\n",
            api.url("/apikey/me")
        ),
        Some(&format!(r#"{{"api_key": "{}"}}"#, apis::API_KEY)),
    );
    source(
        &repo,
        "query_key",
        key_spec,
        &format!(
            "checks:\n  - request:\n      url: \"{}\"\n      auth:\n        query: {{name: key, value: \"{{api_key}}\"}}\n",
            api.url("/query/me")
        ),
        Some(&format!(r#"{{"api_key": "{}"}}"#, apis::QUERY_KEY)),
    );
    let bearer_check = format!(
        "checks:\n  - request:\n      url: \"{}\"\n      auth:\n        bearer: \"{{token}}\"\n    expect:\n      identity: /login\n",
        api.url("/bearer/user")
    );
    let token_spec =
        "connection:\n  parameters:\n    - {name: token, required: true, secret: true}\n";
    source(
        &repo,
        "bearer",
        token_spec,
        &bearer_check,
        Some(&format!(r#"{{"token": "{}"}}"#, apis::BEARER)),
    );
    source(
        &repo,
        "readonly",
        token_spec,
        &bearer_check,
        Some(&format!(r#"{{"token": "{}"}}"#, apis::READONLY_BEARER)),
    );
    let run = validate(
        &repo,
        &["header_key", "query_key", "bearer", "readonly", "--json"],
    );
    let rows = json_lines(run.stdout.as_bytes());
    let verdicts: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| {
            (
                r["source"].as_str().unwrap_or(""),
                r["outcome"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        verdicts,
        [
            ("header_key", "ok"),
            ("query_key", "ok"),
            ("bearer", "ok"),
            ("readonly", "forbidden")
        ]
    );
    assert_eq!(rows[3]["status"], 403);
    assert_eq!(run.code, Some(1), "a rejection among oks exits 1");
    for secret in [
        apis::API_KEY,
        apis::QUERY_KEY,
        apis::BEARER,
        apis::READONLY_BEARER,
    ] {
        assert_hidden(&run, secret, None);
    }
}

#[test]
fn an_api_that_echoes_the_credentials_leaks_nothing() {
    let api = Nginx::start();
    let repo = Repo::new();
    let secret = "s3cr3t/+&key=1";
    let spec = "connection:\n  parameters:\n    - {name: user, required: true}\n    - {name: api_key, required: true, secret: true}\n";
    for (name, auth) in [
        (
            "echo_basic",
            "basic: {username: \"{user}\", password: \"{api_key}\"}",
        ),
        (
            "echo_header",
            "header: {name: X-Api-Key, value: \"{api_key}\"}",
        ),
        ("echo_query", "query: {name: key, value: \"{api_key}\"}"),
    ] {
        source(
            &repo,
            name,
            spec,
            &format!(
                "checks:\n  - request:\n      url: \"{}\"\n      auth:\n        {auth}\n",
                api.url("/echo/me")
            ),
            Some(&format!(
                r#"{{"user": "visible-user", "api_key": "{secret}"}}"#
            )),
        );
    }
    let run = validate(
        &repo,
        &["echo_basic", "echo_header", "echo_query", "--json"],
    );
    assert_eq!(run.code, Some(1));
    assert_hidden(&run, secret, Some("visible-user"));
    let human = validate(&repo, &["echo_basic", "echo_header", "echo_query"]);
    assert_hidden(&human, secret, Some("visible-user"));
    crate::support::assert_contains(&run.stdout, "***");
}

#[test]
fn a_200_without_the_identity_is_unexpected() {
    let api = Nginx::start();
    let repo = basic_repo(
        &api,
        "liar",
        "/lies/me",
        Some(&basic_credentials("anything-goes")),
    );
    let (json, run) = outcome(&repo, "liar", &[]);
    assert_eq!(run.code, Some(1));
    assert_eq!(json["outcome"], "unexpected_response");
    crate::support::assert_reason(&json, "has no /user/email");
}

#[test]
fn missing_credentials_name_what_is_missing() {
    let api = Nginx::start();
    let repo = basic_repo(
        &api,
        "zendesk",
        "/basic/me",
        Some(r#"{"email": "agent@acme.test"}"#),
    );
    let (json, run) = outcome(&repo, "zendesk", &[]);
    assert_eq!(run.code, Some(2));
    assert_eq!(json["outcome"], "missing_credentials");
    crate::support::assert_reason(&json, "`api_token`");
    let repo = basic_repo(&api, "nofile", "/basic/me", None);
    let (json, run) = outcome(&repo, "nofile", &[]);
    assert_eq!(run.code, Some(2));
    crate::support::assert_reason(&json, "connector-auth collect nofile");
}

#[test]
fn rate_limits_are_retried_once_within_the_timeout() {
    let stub = Stub::start("http://localhost:1/");
    let repo = Repo::new();
    let spec = "connection:\n  parameters:\n    - {name: token, required: true, secret: true}\n";
    let check = |path: &str| {
        format!(
            "checks:\n  - request:\n      url: \"{}\"\n      auth:\n        bearer: \"{{token}}\"\n",
            stub.url(path)
        )
    };
    source(
        &repo,
        "limited",
        spec,
        &check("/ratelimited"),
        Some(r#"{"token": "tok-rate-1111"}"#),
    );
    let (json, run) = outcome(&repo, "limited", &["--timeout", "5"]);
    assert_eq!(json["outcome"], "ok", "{json}");
    assert_eq!(run.code, Some(0));
    let hits = stub
        .seen
        .lock()
        .expect("log")
        .iter()
        .filter(|l| l.starts_with("/ratelimited"))
        .count();
    assert_eq!(hits, 2);
}

#[test]
fn slow_broken_and_unreachable_apis_reach_no_verdict() {
    let stub = Stub::start("http://localhost:1/");
    let repo = Repo::new();
    let spec = "connection:\n  parameters:\n    - {name: token, required: true, secret: true}\n";
    let closed = crate::provider::free_port();
    for (name, url) in [
        ("slow", stub.url("/slow")),
        ("broken", stub.url("/broken")),
        ("gone", format!("http://127.0.0.1:{closed}/me")),
    ] {
        source(
            &repo,
            name,
            spec,
            &format!(
                "checks:\n  - request:\n      url: \"{url}\"\n      auth:\n        bearer: \"{{token}}\"\n"
            ),
            Some(r#"{"token": "tok-slow-2222"}"#),
        );
    }
    let run = validate(
        &repo,
        &["slow", "broken", "gone", "--json", "--timeout", "1"],
    );
    assert_eq!(run.code, Some(3), "{}", run.stdout);
    let rows = json_lines(run.stdout.as_bytes());
    assert_eq!(rows[0]["outcome"], "timeout");
    crate::support::assert_contains(rows[0]["reason"].as_str().unwrap_or_default(), "within 1 s");
    assert_eq!(rows[1]["outcome"], "server_error");
    assert_eq!(rows[1]["status"], 503);
    assert_eq!(rows[2]["outcome"], "unreachable");
    assert_hidden(&run, "tok-slow-2222", None);
}

#[test]
fn credentials_never_follow_a_redirect_to_another_host() {
    // 127.0.0.1 redirects to localhost: another origin.
    let probe = Stub::start("http://localhost:1/");
    let stub = Stub::start(&format!("http://localhost:{}/landing", probe.port));
    let repo = Repo::new();
    let spec = "connection:\n  parameters:\n    - {name: token, required: true, secret: true}\n";
    source(
        &repo,
        "moved",
        spec,
        &format!(
            "checks:\n  - request:\n      url: \"{}\"\n      auth:\n        bearer: \"{{token}}\"\n",
            stub.url("/redirect")
        ),
        Some(r#"{"token": "tok-redirect-3333"}"#),
    );
    let (json, run) = outcome(&repo, "moved", &[]);
    assert_eq!(json["outcome"], "unexpected_response", "{json}");
    assert_eq!(json["status"], 302);
    crate::support::assert_contains(
        json["reason"].as_str().unwrap_or_default(),
        "were not sent there",
    );
    assert!(
        probe.seen.lock().expect("log").is_empty(),
        "the other host was contacted"
    );
    assert_hidden(&run, "tok-redirect-3333", None);
}

#[test]
fn all_runs_every_source_with_a_spec_and_prints_a_table() {
    let api = Nginx::start();
    let repo = basic_repo(
        &api,
        "good",
        "/basic/me",
        Some(&basic_credentials(apis::BASIC_PASSWORD)),
    );
    source(
        &repo,
        "bad",
        BASIC_SPEC,
        &basic_check(&api.url("/basic/me")),
        Some(&basic_credentials("nope-nope-7777")),
    );
    repo.api_doc("nospec", "# Doc\n");
    let run = validate(&repo, &["--all"]);
    assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
    let mut lines = run.stdout.lines();
    let header = lines.next().unwrap_or_default();
    assert!(header.starts_with("SOURCE"), "{}", run.stdout);
    assert!(header.contains("OUTCOME") && header.contains("REASON"));
    let body: Vec<&str> = lines.collect();
    assert_eq!(body.len(), 2, "{}", run.stdout);
    assert!(body[0].starts_with("bad ") && body[0].contains("invalid_credentials"));
    assert!(body[1].starts_with("good ") && body[1].contains("ok"));
}

#[test]
fn all_skips_sources_without_credentials_and_writes_no_check_for_them() {
    let api = Nginx::start();
    let repo = basic_repo(
        &api,
        "good",
        "/basic/me",
        Some(&basic_credentials(apis::BASIC_PASSWORD)),
    );
    // A spec and an API doc, no check and no credentials: nothing to derive.
    repo.spec("fresh", BASIC_SPEC).api_doc(
        "fresh",
        "# Fresh\n\n## Authorization\n\n```\ncurl -u <email>/token:<api_token> https://fresh.example.com/api/me\n```\n",
    );
    let run = validate(&repo, &["--all", "--json"]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    let lines = json_lines(run.stdout.as_bytes());
    let fresh = lines
        .iter()
        .find(|l| l["source"] == "fresh")
        .expect("fresh listed");
    assert_eq!(fresh["outcome"], "skipped", "{fresh}");
    assert!(
        !repo.check_path("fresh").exists(),
        "a check was written for a source without credentials"
    );
    let good = lines.iter().find(|l| l["source"] == "good").expect("good");
    assert_eq!(good["outcome"], "ok");
    // Only skipped sources: nothing written at all.
    std::fs::remove_dir_all(repo.root().join(format!("{TESTS}/good"))).expect("rm");
    let run = validate(&repo, &["--all"]);
    crate::support::assert_contains(&run.stdout, "skipped");
    assert!(!repo.check_path("fresh").exists());
}

#[test]
fn a_database_reached_by_a_driver_gets_no_http_check_instead_of_a_todo() {
    let repo = Repo::new();
    repo.spec(
        "orders",
        "display_name: Orders DB\nconnection:\n  parameters:\n    - {name: host, required: true}\n    - {name: port, type: integer}\n    - {name: database, required: true}\n    - {name: user, required: true}\n    - {name: password, required: true, secret: true}\nexternal_options_allowlist: \"\"\n",
    )
    .api_doc("orders", "# Orders DB\n\nThe connector uses the psycopg driver.\n")
    .credentials(
        "orders",
        r#"{"host": "db.internal", "database": "orders", "user": "reader", "password": "pg-secret-2468"}"#,
    );
    let run = validate(&repo, &["orders", "--json"]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    let verdict = &json_lines(run.stdout.as_bytes())[0];
    assert_eq!(verdict["outcome"], "skipped", "{verdict}");
    crate::support::assert_reason(verdict, "driver");
    let written = repo.check_text("orders");
    assert!(
        written.contains("no_http_check:") && !written.contains("TODO"),
        "{written}"
    );
    assert_hidden(&run, "pg-secret-2468", None);
}

#[test]
fn dry_run_shows_the_request_masked_and_sends_nothing() {
    let stub = Stub::start("http://localhost:1/");
    let repo = Repo::new();
    source(
        &repo,
        "zendesk",
        BASIC_SPEC,
        &basic_check(&stub.url("/landing")),
        Some(&basic_credentials("dry-secret-4444")),
    );
    let run = validate(&repo, &["zendesk", "--dry-run"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stdout
            .contains(&format!("GET {}", stub.url("/landing"))),
        "{}",
        run.stdout
    );
    crate::support::assert_contains(&run.stdout, "Authorization: Basic ***");
    assert_hidden(&run, "dry-secret-4444", Some("agent@acme.test"));
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert!(
        stub.seen.lock().expect("log").is_empty(),
        "dry run sent a request"
    );
}

#[test]
fn credentials_come_from_flag_dir_env_then_default() {
    let api = Nginx::start();
    let repo = basic_repo(
        &api,
        "zendesk",
        "/basic/me",
        Some(&basic_credentials("default-bad-0000")),
    );
    repo.file(
        "secrets/zendesk.json",
        &basic_credentials(apis::BASIC_PASSWORD),
    );
    repo.file("elsewhere.json", &basic_credentials(apis::BASIC_PASSWORD));
    let (json, _) = outcome(&repo, "zendesk", &[]);
    assert_eq!(json["outcome"], "invalid_credentials", "the default file");
    let (json, _) = outcome(&repo, "zendesk", &["--config-dir", "secrets"]);
    assert_eq!(json["outcome"], "ok", "--config-dir");
    let (json, _) = outcome(&repo, "zendesk", &["--config", "elsewhere.json"]);
    assert_eq!(json["outcome"], "ok", "--config");
    let output = repo
        .cmd()
        .args(["validate", "zendesk", "--json"])
        .env(
            "CONNECTOR_TEST_CONFIG_JSON",
            basic_credentials(apis::BASIC_PASSWORD),
        )
        .output()
        .expect("run");
    assert_eq!(json_lines(&output.stdout)[0]["outcome"], "ok", "env JSON");
    let output = repo
        .cmd()
        .args(["validate", "zendesk", "--json"])
        .env("CONNECTOR_TEST_CONFIG_JSON", "{not json")
        .output()
        .expect("run");
    let row = &json_lines(&output.stdout)[0];
    // There but unusable: the credentials are at fault, not missing.
    assert_eq!(row["outcome"], "bad_value");
    assert!(
        row["reason"]
            .as_str()
            .is_some_and(|r| r.contains("CONNECTOR_TEST_CONFIG_JSON") && r.contains("line 1")),
        "{row}"
    );
}

#[test]
fn a_broken_auth_check_is_an_input_error_with_positions() {
    let repo = Repo::new();
    source(
        &repo,
        "zendesk",
        BASIC_SPEC,
        "checks:\n  - request:\n      url: http://api.example.com/{tenant}/me\n      auth: {bearer: \"{api_token}\"}\n",
        Some(&basic_credentials("x-secret-5555")),
    );
    let run = validate(&repo, &["zendesk"]);
    assert_eq!(run.code, Some(2));
    crate::support::assert_contains(&run.stderr, "check-unknown-placeholder");
    crate::support::assert_contains(&run.stderr, "check-insecure-url");
    crate::support::assert_contains(&run.stderr, "auth_check.yaml:3:12");
}

#[test]
fn m2m_gets_a_token_by_client_credentials_and_warns_about_missing_scopes() {
    let api = Nginx::start();
    let port = crate::provider::free_port();
    let _provider = crate::provider::Provider::start(port, "http://localhost:1/cb", 0);
    let repo = Repo::new();
    let spec =
        crate::provider::m2m_spec(port).replace("scopes: \"read\"", "scopes: \"read admin\"");
    source(
        &repo,
        "m2m",
        &spec,
        &format!(
            "checks:\n  - request:\n      url: \"{}\"\n      auth: {{oauth: {{}}}}\n",
            api.url("/any-bearer/me")
        ),
        Some(r#"{"client_id": "machine", "client_secret": "machine-secret"}"#),
    );
    let (json, run) = outcome(&repo, "m2m", &[]);
    assert_eq!(json["outcome"], "ok", "{json}");
    assert_eq!(run.code, Some(0));
    let warnings = json["warnings"].to_string();
    assert!(
        warnings.contains("admin") && warnings.contains("403"),
        "{warnings}"
    );
    assert_hidden(&run, "machine-secret", Some("machine"));
    repo.credentials(
        "m2m",
        r#"{"client_id": "machine", "client_secret": "wrong-m2m-secret-6666"}"#,
    );
    let (json, run) = outcome(&repo, "m2m", &[]);
    assert_eq!(json["outcome"], "invalid_credentials", "{json}");
    crate::support::assert_contains(
        json["reason"].as_str().unwrap_or_default(),
        "invalid_client",
    );
    assert_hidden(&run, "wrong-m2m-secret-6666", Some("machine"));
}

#[test]
fn a_missing_check_is_derived_from_the_api_doc_written_and_run() {
    let api = Nginx::start();
    let repo = Repo::new();
    repo.spec("zendesk", BASIC_SPEC).api_doc(
        "zendesk",
        &format!(
            "# Zendesk\n\n## Authorization\n\n- **Base URL**: `{base}`\n\n```\ncurl -u <email>/token:<api_token> {base}/basic/me\n```\n",
            base = api.url("")
        ),
    );
    repo.credentials("zendesk", &basic_credentials(apis::BASIC_PASSWORD));
    let run = validate(&repo, &["zendesk"]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains("wrote tests/unit/sources/zendesk/auth_check.yaml"),
        "{}",
        run.stderr
    );
    let written = repo.check_text("zendesk");
    assert!(written.contains("zendesk_api_doc.md line 8"), "{written}");
    assert!(
        written.contains(r#"basic: {username: "{email}/token", password: "{api_token}"}"#),
        "{written}"
    );
}

#[test]
fn a_check_that_cannot_be_derived_is_written_with_todos_and_stops() {
    let repo = Repo::new();
    repo.spec("vague", BASIC_SPEC.replace("email", "account_ref").as_str())
        .api_doc("vague", "# Vague API\n\nSee the README.\n");
    let run = validate(&repo, &["vague", "--dry-run"]);
    assert_eq!(run.code, Some(2), "{}{}", run.stdout, run.stderr);
    crate::support::assert_contains(&run.stderr, "fill in the TODO");
    crate::support::assert_contains(&run.stderr, "check-todo");
    let written = repo.check_text("vague");
    assert!(written.contains("TODO"));
}
