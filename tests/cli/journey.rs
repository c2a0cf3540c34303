//! The path across the steps, as a person and an agent live it: what an
//! agent reads on stdout (`--json`: one event per line, `listening` first),
//! what the form says after each action and what it keeps, and the check
//! on Save under plain `collect`. Pages run in real Chromium (screenshots in
//! `tests/output/`), the API is nginx, the provider oidc-provider.

use serde_json::{Value, json};

use crate::apis::{API_KEY, Nginx};
use crate::support::{Repo, json_lines};

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
