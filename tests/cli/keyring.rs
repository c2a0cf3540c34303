//! `--store keyring`, `exec` and `forget` against a real Secret Service
//! (gnome-keyring on a private D-Bus session bus, see `secret_service`):
//! the entry is written and no file, `validate` reads it against nginx, a
//! re-run replaces it and pre-fills from it, `exec` hands it to a command
//! (environment, streams, exit code, signals), `forget` removes it; and
//! without a Secret Service `--store keyring` exits 2 and writes nothing.
//! No secret value is ever printed by the tool.

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use crate::apis::{self, Nginx};
use crate::secret_service::SecretService;
use crate::support::{NO_BUS, Repo, Run, assert_hidden, json_lines};

const SPEC: &str = "display_name: Basic API\nconnection:\n  parameters:\n    - {name: email, required: true, description: Agent email.}\n    - {name: api_token, required: true, secret: true, description: API token.}\nexternal_options_allowlist: \"\"\n";
const EMAIL: &str = "agent@acme.test";
const FIRST: &str = "first-secret-1111";
const SECOND: &str = "second-secret-2222";

/// A repository with one source whose check asks nginx for Basic auth.
fn repo(api: &Nginx) -> Repo {
    let repo = Repo::new();
    repo.spec("zendesk", SPEC).check(
        "zendesk",
        &format!(
            "checks:\n  - request:\n      url: \"{}\"\n      auth:\n        basic: {{username: \"{{email}}/token\", password: \"{{api_token}}\"}}\n    expect:\n      status: [200]\n      identity: /user/email\n",
            api.url("/basic/me")
        ),
    );
    repo
}

/// Runs the binary in `repo` with `env` (a Secret Service, or none) and
/// `stdin`.
fn run(repo: &Repo, env: &[(String, String)], args: &[&str], stdin: &str) -> Run {
    let output = repo
        .cmd()
        .envs(env.iter().map(|(k, v)| (k, v)))
        .args(args)
        .write_stdin(stdin)
        .output()
        .expect("run");
    Run::of(output)
}

/// `collect zendesk --mode cli --store keyring` with piped answers.
/// `collect --store keyring` at the terminal with `answers`, then "y":
/// values the API rejects are saved anyway (these tests are about where
/// credentials go, not whether they work).
fn collect(repo: &Repo, env: &[(String, String)], answers: &str) -> Run {
    run(
        repo,
        env,
        &["collect", "zendesk", "--mode", "cli", "--store", "keyring"],
        &format!("{answers}y\n"),
    )
}

/// The credentials `exec` hands to a command.
fn handed(repo: &Repo, env: &[(String, String)]) -> serde_json::Value {
    let r = run(
        repo,
        env,
        &[
            "exec",
            "zendesk",
            "--",
            "sh",
            "-c",
            "printf '%s' \"$CONNECTOR_TEST_CONFIG_JSON\"",
        ],
        "",
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stdout))
}

/// Every file under `root`, sorted.
fn files(root: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut todo = vec![root.to_path_buf()];
    while let Some(dir) = todo.pop() {
        for entry in std::fs::read_dir(&dir).expect("read_dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                todo.push(path);
            } else {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

#[test]
fn collect_into_the_keyring_writes_no_file_and_validate_reads_the_entry() {
    let keyring = SecretService::start();
    let env = keyring.env();
    let api = Nginx::start();
    let repo = repo(&api);
    let before = files(repo.root());

    let saved = collect(&repo, &env, &format!("{EMAIL}\n{}\n", apis::BASIC_PASSWORD));
    assert_eq!(saved.code, Some(0), "{}", saved.all());
    assert!(
        saved
            .stdout
            .contains("saved credentials to the OS keyring (service connector-auth, account "),
        "{}",
        saved.stdout
    );
    assert_eq!(files(repo.root()), before, "collect wrote a file");
    assert_hidden(&saved, apis::BASIC_PASSWORD, Some(apis::BASIC_USER));
    // A login keyring lasts: no word of the session keyring.
    assert!(!saved.all().contains("session keyring"), "{}", saved.all());

    let checked = run(&repo, &env, &["validate", "zendesk"], "");
    assert_eq!(checked.code, Some(0), "{}", checked.all());
    crate::support::assert_contains(&checked.stdout, "zendesk: ok");
    assert_hidden(&checked, apis::BASIC_PASSWORD, Some(apis::BASIC_USER));

    let listed = run(&repo, &env, &["sources"], "");
    let row = listed
        .stdout
        .lines()
        .find(|l| l.starts_with("zendesk"))
        .expect("row");
    assert!(row.trim_end().ends_with("keyring"), "{row}");
    let json = run(&repo, &env, &["sources", "--json"], "");
    assert_eq!(
        json_lines(json.stdout.as_bytes())[0]["credentials_store"],
        "keyring"
    );
    assert_eq!(files(repo.root()), before, "reading wrote a file");

    // The default file comes first when both exist.
    repo.credentials(
        "zendesk",
        &format!(r#"{{"email": "{EMAIL}", "api_token": "wrong-9999"}}"#),
    );
    let file_first = run(&repo, &env, &["validate", "zendesk", "--json"], "");
    assert_eq!(file_first.code, Some(1), "{}", file_first.all());
    assert_eq!(
        json_lines(file_first.stdout.as_bytes())[0]["outcome"],
        "invalid_credentials"
    );
}

#[test]
fn the_browser_form_saves_into_the_keyring() {
    let keyring = SecretService::start();
    let env = keyring.env();
    let api = Nginx::start();
    let repo = repo(&api);
    let before = files(repo.root());
    let env_refs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let mut running = repo.start_with(
        &["collect", "zendesk", "--store", "keyring", "--port", "0"],
        &env_refs,
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let (status, done) = runtime.block_on(async {
        let page = crate::support::page(&running).await;
        let csrf = crate::support::csrf(&page);
        crate::support::post(
            &running,
            "/save",
            &[
                ("_csrf", csrf.as_str()),
                ("email", EMAIL),
                ("api_token", apis::BASIC_PASSWORD),
            ],
        )
        .await
    });
    assert_eq!(status, reqwest::StatusCode::OK, "{done}");
    assert!(!done.contains(apis::BASIC_PASSWORD));
    let saved = running.next_event("saved").expect("saved event");
    assert_eq!(saved["store"], "keyring");
    assert_eq!(saved["service"], "connector-auth");
    assert!(
        saved["account"]
            .as_str()
            .is_some_and(|a| a.ends_with(":zendesk"))
    );
    let (code, stdout, stderr) = running.finish();
    assert_eq!(code, Some(0), "{stderr}");
    assert!(!stdout.contains(apis::BASIC_PASSWORD) && !stderr.contains(apis::BASIC_PASSWORD));
    assert_eq!(files(repo.root()), before, "collect wrote a file");
    let checked = run(&repo, &env, &["validate", "zendesk"], "");
    assert_eq!(checked.code, Some(0), "{}", checked.all());
}

#[test]
fn authenticate_stores_in_the_keyring_and_validates_the_entry() {
    let keyring = SecretService::start();
    let env = keyring.env();
    let api = Nginx::start();
    let repo = repo(&api);
    // A stale file is not what gets validated: the entry just stored is.
    repo.credentials(
        "zendesk",
        &format!(r#"{{"email": "{EMAIL}", "api_token": "stale-7777"}}"#),
    );
    let r = run(
        &repo,
        &env,
        &[
            "authenticate",
            "zendesk",
            "--mode",
            "cli",
            "--store",
            "keyring",
            "--recollect",
        ],
        &format!("{EMAIL}\n{}\n", apis::BASIC_PASSWORD),
    );
    assert_eq!(r.code, Some(0), "{}", r.all());
    crate::support::assert_contains(&r.stdout, "zendesk: ok");
    assert!(
        r.all().contains("is read before the keyring entry"),
        "{}",
        r.all()
    );
    assert_hidden(&r, apis::BASIC_PASSWORD, Some(apis::BASIC_USER));
}

#[test]
fn a_rerun_replaces_the_entry_and_prefills_from_it() {
    let keyring = SecretService::start();
    let env = keyring.env();
    let api = Nginx::start();
    let repo = repo(&api);
    assert_eq!(
        collect(&repo, &env, &format!("{EMAIL}\n{FIRST}\n")).code,
        Some(0)
    );
    assert_eq!(handed(&repo, &env)["api_token"], FIRST);

    // Empty answers keep what the entry holds.
    let kept = collect(&repo, &env, "\n\n");
    assert_eq!(kept.code, Some(0), "{}", kept.all());
    assert!(
        kept.all().contains("empty keeps the stored value"),
        "{}",
        kept.all()
    );
    assert_hidden(&kept, FIRST, None);
    let json = handed(&repo, &env);
    assert_eq!(json["email"], EMAIL);
    assert_eq!(json["api_token"], FIRST);

    // A new value replaces it.
    assert_eq!(collect(&repo, &env, &format!("\n{SECOND}\n")).code, Some(0));
    let json = handed(&repo, &env);
    assert_eq!(json["api_token"], SECOND);
    assert_eq!(
        json.as_object().map(|o| o.len()),
        Some(2),
        "exactly the credentials object"
    );

    // The browser form is pre-filled from the entry, without its secret.
    let env_refs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let running = repo.start_with(
        &[
            "collect",
            "zendesk",
            "--store",
            "keyring",
            "--port",
            "0",
            "--reauthorize",
        ],
        &env_refs,
    );
    let page = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(crate::support::page(&running));
    assert!(page.contains(EMAIL), "the stored email is pre-filled");
    assert!(!page.contains(SECOND), "the stored secret reached the page");
    assert!(page.contains("saved — leave empty to keep it"));
    assert!(!repo.credentials_path("zendesk").exists());
}

#[test]
fn exec_hands_the_credentials_streams_and_exit_code_to_the_command() {
    let keyring = SecretService::start();
    let env = keyring.env();
    let api = Nginx::start();
    let repo = repo(&api);
    assert_eq!(
        collect(&repo, &env, &format!("{EMAIL}\n{FIRST}\n")).code,
        Some(0)
    );
    let before = files(repo.root());
    let r = run(
        &repo,
        &env,
        &[
            "exec",
            "zendesk",
            "--",
            "sh",
            "-c",
            "cat; printf '%s' \"$CONNECTOR_TEST_CONFIG_JSON\"; echo to-stderr >&2; exit 7",
        ],
        "from-stdin\n",
    );
    assert_eq!(r.code, Some(7), "{}", r.stderr);
    let json = r.stdout.strip_prefix("from-stdin\n").expect("stdin passed");
    let json: serde_json::Value = serde_json::from_str(json).expect("JSON");
    assert_eq!(
        json,
        serde_json::json!({"email": EMAIL, "api_token": FIRST})
    );
    assert_eq!(r.stderr, "to-stderr\n");
    assert_eq!(files(repo.root()), before, "exec wrote a file");

    let missing = run(
        &repo,
        &env,
        &["exec", "zendesk", "--", "/nonexistent/cmd"],
        "",
    );
    assert_eq!(missing.code, Some(127));
    assert!(
        missing
            .stderr
            .contains("cannot run `/nonexistent/cmd`: not found")
    );
    assert_hidden(&missing, FIRST, None);

    // The precedence of validate: an explicit file wins.
    let other = repo.root().join("other.json");
    std::fs::write(&other, r#"{"api_token": "other"}"#).expect("write");
    let r = run(
        &repo,
        &env,
        &[
            "exec",
            "zendesk",
            "--config",
            "other.json",
            "--",
            "sh",
            "-c",
            "printf '%s' \"$CONNECTOR_TEST_CONFIG_JSON\"",
        ],
        "",
    );
    assert_eq!(r.stdout, r#"{"api_token":"other"}"#);
}

/// Starts `exec` running `script`, and waits for its `ready` line.
#[cfg(unix)]
fn exec_running(
    repo: &Repo,
    env: &[(String, String)],
    script: &str,
) -> (
    std::process::Child,
    std::io::Lines<std::io::BufReader<std::process::ChildStdout>>,
) {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_connector-auth"))
        .args(["exec", "zendesk", "--", "sh", "-c", script])
        .current_dir(repo.root())
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn");
    let mut lines = std::io::BufReader::new(child.stdout.take().expect("stdout")).lines();
    assert_eq!(lines.next().and_then(Result::ok).as_deref(), Some("ready"));
    (child, lines)
}

#[cfg(unix)]
fn kill(child: &std::process::Child, signal: &str) {
    let status = std::process::Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(child.id().to_string())
        .status()
        .expect("kill");
    assert!(status.success());
}

#[cfg(unix)]
#[test]
fn exec_forwards_signals_and_reports_a_death_by_signal() {
    let keyring = SecretService::start();
    let env = keyring.env();
    let api = Nginx::start();
    let repo = repo(&api);
    assert_eq!(
        collect(&repo, &env, &format!("{EMAIL}\n{FIRST}\n")).code,
        Some(0)
    );
    let wait = "echo ready; while :; do sleep 0.05; done";

    for (signal, code) in [("TERM", 42), ("INT", 43), ("HUP", 44)] {
        let script = format!("trap 'echo got-{signal}; exit {code}' {signal}; {wait}");
        let (mut child, mut lines) = exec_running(&repo, &env, &script);
        kill(&child, signal);
        let status = child.wait().expect("wait");
        assert_eq!(status.code(), Some(code), "{signal}");
        assert_eq!(
            lines.next().and_then(Result::ok),
            Some(format!("got-{signal}"))
        );
    }

    // A command the signal ends: 128 + its number, as a shell reports it.
    let (mut child, _lines) = exec_running(&repo, &env, wait);
    kill(&child, "TERM");
    assert_eq!(child.wait().expect("wait").code(), Some(128 + 15));
}

#[test]
fn forget_removes_the_file_and_the_entry_and_says_which() {
    let keyring = SecretService::start();
    let env = keyring.env();
    let api = Nginx::start();
    let repo = repo(&api);
    assert_eq!(
        collect(&repo, &env, &format!("{EMAIL}\n{FIRST}\n")).code,
        Some(0)
    );
    repo.credentials("zendesk", &format!(r#"{{"api_token": "{SECOND}"}}"#));

    let r = run(&repo, &env, &["forget", "zendesk"], "");
    assert_eq!(r.code, Some(0), "{}", r.all());
    assert!(
        r.stdout
            .contains("removed tests/unit/sources/zendesk/configs/dev_config.json"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("removed the OS keyring entry (service connector-auth, account "),
        "{}",
        r.stdout
    );
    assert!(!repo.credentials_path("zendesk").exists());
    assert_hidden(&r, FIRST, None);
    assert_hidden(&r, SECOND, None);

    let gone = run(&repo, &env, &["exec", "zendesk", "--", "true"], "");
    assert_eq!(gone.code, Some(2));
    crate::support::assert_contains(&gone.stderr, "does not exist either");

    let again = run(&repo, &env, &["forget", "zendesk"], "");
    assert_eq!(again.code, Some(0));
    crate::support::assert_contains(&again.stdout, "nothing to remove for zendesk");
}

#[test]
fn without_a_default_collection_the_entry_lives_in_the_session_collection() {
    let keyring = SecretService::without_login_keyring();
    let env = keyring.env();
    let api = Nginx::start();
    let repo = repo(&api);
    let before = files(repo.root());
    let r = collect(&repo, &env, &format!("{EMAIL}\n{}\n", apis::BASIC_PASSWORD));
    assert_eq!(r.code, Some(0), "{}", r.all());
    // Nothing was stored before: nothing unreadable to replace.
    assert!(!r.all().contains("will be replaced"), "{}", r.all());
    assert!(
        r.all()
            .contains("lasts only until the keyring daemon stops"),
        "{}",
        r.all()
    );
    assert_eq!(files(repo.root()), before, "collect wrote a file");
    // The item carries the attributes the keyring crate searches by, so
    // any client of the keyring finds it as its own.
    let account = r
        .all()
        .split("account ")
        .nth(1)
        .and_then(|rest| rest.split(')').next())
        .map(str::to_string)
        .unwrap_or_default();
    assert!(
        items(
            &env,
            &[
                ("service", "connector-auth"),
                ("username", &account),
                ("target", "default")
            ]
        ),
        "no item for {account}"
    );
    let checked = run(&repo, &env, &["validate", "zendesk"], "");
    assert_eq!(checked.code, Some(0), "{}", checked.all());
    assert_eq!(collect(&repo, &env, &format!("\n{SECOND}\n")).code, Some(0));
    assert_eq!(handed(&repo, &env)["api_token"], SECOND);
    let f = run(&repo, &env, &["forget", "zendesk"], "");
    assert!(
        f.stdout.contains("removed the OS keyring entry"),
        "{}",
        f.all()
    );
    let gone = run(&repo, &env, &["exec", "zendesk", "--", "true"], "");
    assert_eq!(gone.code, Some(2), "{}", gone.all());
    // Nothing is left, and nothing is said to be removed.
    let again = run(&repo, &env, &["forget", "zendesk"], "");
    crate::support::assert_contains(&again.stdout, "nothing to remove for zendesk");
}

/// Whether the Secret Service holds an item with all of `attributes`
/// (asked over D-Bus with gdbus, as any client would).
fn items(env: &[(String, String)], attributes: &[(&str, &str)]) -> bool {
    let dict: Vec<String> = attributes
        .iter()
        .map(|(k, v)| format!("'{k}': '{v}'"))
        .collect();
    let out = std::process::Command::new("gdbus")
        .args([
            "call",
            "--session",
            "--dest",
            "org.freedesktop.secrets",
            "--object-path",
            "/org/freedesktop/secrets",
            "--method",
            "org.freedesktop.Secret.Service.SearchItems",
        ])
        .arg(format!("{{{}}}", dict.join(", ")))
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .output()
        .expect("gdbus");
    assert!(out.status.success(), "{out:?}");
    String::from_utf8_lossy(&out.stdout).contains("/org/freedesktop/secrets/collection/")
}

#[test]
fn a_locked_keyring_cannot_be_reached_and_nothing_is_written_or_removed() {
    let keyring = SecretService::start();
    let env = keyring.env();
    let api = Nginx::start();
    let repo = repo(&api);
    assert_eq!(
        collect(&repo, &env, &format!("{EMAIL}\n{FIRST}\n")).code,
        Some(0)
    );
    keyring.lock();
    let before = files(repo.root());
    let r = collect(&repo, &env, &format!("{EMAIL}\n{SECOND}\n"));
    assert_eq!(r.code, Some(2), "{}", r.all());
    crate::support::assert_contains(&r.stderr, "could not be reached");
    let v = run(&repo, &env, &["validate", "zendesk"], "");
    assert_eq!(v.code, Some(2), "{}", v.all());
    assert!(
        v.all().contains("the OS keyring could not be reached"),
        "{}",
        v.all()
    );
    assert_eq!(files(repo.root()), before, "something was written");
    assert_hidden(&r, FIRST, None);
    assert_hidden(&v, FIRST, None);
    // `forget` removes nothing either: it says the entry was not looked for.
    let f = run(&repo, &env, &["forget", "zendesk"], "");
    crate::support::assert_contains(&f.stderr, "could not be reached");
    crate::support::assert_contains(&f.stderr, "was not looked for");
    assert!(
        !f.stdout.contains("removed the OS keyring entry"),
        "{}",
        f.all()
    );
    assert_hidden(&f, FIRST, None);
}

#[test]
fn without_a_secret_service_the_keyring_store_exits_2_and_writes_nothing() {
    let api = Nginx::start();
    let repo = repo(&api);
    let none = vec![("DBUS_SESSION_BUS_ADDRESS".to_string(), NO_BUS.to_string())];
    let before = files(repo.root());

    let r = collect(&repo, &none, &format!("{EMAIL}\n{FIRST}\n"));
    assert_eq!(r.code, Some(2), "{}", r.all());
    crate::support::assert_contains(&r.stderr, "the OS keyring could not be reached");
    crate::support::assert_contains(&r.stderr, "--store file");
    assert!(!r.all().contains("saved"), "{}", r.all());
    assert_hidden(&r, FIRST, None);

    let browser = run(
        &repo,
        &none,
        &[
            "collect",
            "zendesk",
            "--store",
            "keyring",
            "--no-open",
            "--json",
        ],
        "",
    );
    assert_eq!(browser.code, Some(2), "{}", browser.all());
    crate::support::assert_lacks(&browser.stdout, "listening");
    assert_eq!(files(repo.root()), before, "something was written");

    let both = run(
        &repo,
        &none,
        &["collect", "zendesk", "--store", "keyring", "-o", "x.json"],
        "",
    );
    assert_eq!(both.code, Some(2));
    assert!(both.stderr.contains("--store keyring writes none"));

    // authenticate stops before its first step drafts a spec.
    let fresh = Repo::new();
    fresh.api_doc(
        "jira",
        "# Jira API\n\nSend `Authorization: Bearer {token}`.\n",
    );
    let fresh_before = files(fresh.root());
    let a = run(
        &fresh,
        &none,
        &[
            "authenticate",
            "jira",
            "--mode",
            "cli",
            "--store",
            "keyring",
        ],
        "",
    );
    assert_eq!(a.code, Some(2), "{}", a.all());
    crate::support::assert_contains(&a.stderr, "the OS keyring could not be reached");
    assert_eq!(
        files(fresh.root()),
        fresh_before,
        "authenticate wrote something"
    );

    // Reading passes over the keyring quietly and says why nothing was found.
    let v = run(&repo, &none, &["validate", "zendesk", "--json"], "");
    assert_eq!(v.code, Some(2), "{}", v.all());
    let verdict = &json_lines(v.stdout.as_bytes())[0];
    assert_eq!(verdict["outcome"], "missing_credentials");
    crate::support::assert_reason(verdict, "the OS keyring could not be reached");
    let e = run(&repo, &none, &["exec", "zendesk", "--", "true"], "");
    assert_eq!(e.code, Some(2));
    crate::support::assert_contains(&e.stderr, "could not be reached");

    // With a file, the keyring is never needed.
    repo.credentials(
        "zendesk",
        &format!(
            r#"{{"email": "{EMAIL}", "api_token": "{}"}}"#,
            apis::BASIC_PASSWORD
        ),
    );
    let v = run(&repo, &none, &["validate", "zendesk"], "");
    assert_eq!(v.code, Some(0), "{}", v.all());
    let f = run(&repo, &none, &["forget", "zendesk"], "");
    assert_eq!(f.code, Some(0), "{}", f.all());
    assert!(
        f.stdout
            .contains("removed tests/unit/sources/zendesk/configs/dev_config.json")
    );
    crate::support::assert_contains(&f.stderr, "could not be reached");
}
