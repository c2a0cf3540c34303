//! The attacks of a review of the newest surfaces (MCP tools, the keyring
//! store, OpenAPI input, drafted specs), replayed against the real binary
//! with loopback servers: a symlinked `.bak`, YAML injected through drafted
//! text, a doc's example host receiving the credentials, OpenAPI path keys
//! moving the check's authority, MCP `output` and path arguments, a secret
//! split by a control character, terminal escapes in OpenAPI text, keyring
//! account collisions, and thousands of schemes collapsing to one name.
//! `docs/security.md` lists each with its test.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use serde_json::{Value, json};

use crate::secret_service::SecretService;
use crate::support::{NO_BUS, Repo, Run, SOURCES, TESTS, assert_no_panic, json_lines, page};

const KEY: &str = "k3y-SURFACE-7a9c41";

/// A loopback API that records every request (method, path, headers) and
/// answers each path with what `answer` says.
struct Api {
    port: u16,
    seen: crate::support::Requests,
}

impl Api {
    fn start(answer: fn(&str) -> (StatusCode, String)) -> Api {
        let (port, seen) = crate::support::serve_logged(move |path, _| {
            let (status, body) = answer(path);
            let json = [(header::CONTENT_TYPE, "application/json")];
            (status, json, body).into_response()
        });
        Api { port, seen }
    }

    fn origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn requests(&self) -> Vec<String> {
        crate::support::request_lines(&self.seen)
    }

    /// Whether any request carried `secret` in a header value.
    fn received(&self, secret: &str) -> bool {
        self.seen.lock().is_ok_and(|s| {
            s.iter().any(|(_, headers)| {
                headers
                    .values()
                    .any(|v| String::from_utf8_lossy(v.as_bytes()).contains(secret))
            })
        })
    }
}

fn ok_me(_: &str) -> (StatusCode, String) {
    (
        StatusCode::OK,
        r#"{"user":{"email":"me@acme.test"}}"#.into(),
    )
}

/// `connector-auth mcp` driven over stdio by a minimal JSON-RPC client that
/// declares URL elicitation, answers every elicitation with `decline`, and
/// keeps the requests the server sent it.
struct Mcp {
    child: std::process::Child,
    input: std::process::ChildStdin,
    lines: Receiver<Value>,
    next: u64,
    /// The server's requests to the client (elicitations).
    asked: Vec<Value>,
}

impl Mcp {
    fn start(root: &Path) -> Mcp {
        Mcp::start_in(root, &std::env::temp_dir())
    }

    /// The server for `root`, started by a client working in `cwd`.
    fn start_in(root: &Path, cwd: &Path) -> Mcp {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_connector-auth"))
            .arg("mcp")
            .arg("--root")
            .arg(root)
            .current_dir(cwd)
            .env("NO_COLOR", "1")
            .env("DBUS_SESSION_BUS_ADDRESS", NO_BUS)
            .env_remove("DISPLAY")
            .env_remove("BROWSER")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("mcp");
        let input = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
            {
                let value: Value = serde_json::from_str(&line)
                    .unwrap_or_else(|e| panic!("not JSON-RPC: {line:?}: {e}"));
                if tx.send(value).is_err() {
                    break;
                }
            }
        });
        let mut mcp = Mcp {
            child,
            input,
            lines,
            next: 1,
            asked: Vec::new(),
        };
        mcp.request(
            "initialize",
            json!({
                "protocolVersion": "2025-11-25",
                "capabilities": {"elicitation": {"form": {}, "url": {}}},
                "clientInfo": {"name": "replay", "version": "1"},
            }),
        );
        mcp.send(&json!({"jsonrpc": "2.0", "method": "notifications/initialized"}));
        mcp
    }

    fn send(&mut self, message: &Value) {
        writeln!(self.input, "{message}").expect("write");
        self.input.flush().expect("flush");
    }

    /// Sends a request and returns its result (60 s at most: a call that
    /// blocks fails the test).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next;
        self.next += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let message = self
                .lines
                .recv_timeout(Duration::from_secs(60))
                .unwrap_or_else(|_| panic!("no answer to {method} within 60 s"));
            if message["id"] == id && message.get("method").is_none() {
                return message["result"].clone();
            }
            if message["method"] == "elicitation/create" {
                self.asked.push(message.clone());
                let answer =
                    json!({"jsonrpc": "2.0", "id": message["id"], "result": {"action": "decline"}});
                self.send(&answer);
            }
        }
    }

    /// Calls a tool; returns its structured answer and its text line.
    fn call(&mut self, tool: &str, arguments: Value) -> (Value, String) {
        let result = self.request("tools/call", json!({"name": tool, "arguments": arguments}));
        let line = result["content"][0]["text"]
            .as_str()
            .unwrap_or("")
            .to_string();
        (result["structuredContent"].clone(), line)
    }
}

impl Drop for Mcp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A YAML file as PyYAML (YAML 1.1) reads it, as JSON.
fn yaml_1_1(path: &Path) -> Value {
    let out = std::process::Command::new(crate::support::python())
        .args([
            "-c",
            "import json,sys,yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1], encoding='utf-8'))))",
        ])
        .arg(path)
        .output()
        .expect("python");
    assert!(
        out.status.success(),
        "PyYAML cannot read {}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json")
}

/// A YAML file as this tool's YAML 1.2 reader reads it, as JSON.
fn yaml_1_2(path: &Path) -> Value {
    use connector_auth::yaml::{self, Value as Y};
    fn convert(node: &yaml::Node) -> Value {
        match &node.value {
            Y::Scalar { text, plain } => match (text.as_str(), plain) {
                ("true", true) => Value::Bool(true),
                ("false", true) => Value::Bool(false),
                ("null" | "~" | "", true) => Value::Null,
                (number, true) if number.parse::<i64>().is_ok() => {
                    json!(number.parse::<i64>().unwrap_or_default())
                }
                _ => Value::String(text.clone()),
            },
            Y::Seq(items) => Value::Array(items.iter().map(convert).collect()),
            Y::Map(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.as_str().unwrap_or("").to_string(), convert(v)))
                    .collect(),
            ),
        }
    }
    let source = connector_auth::source::Source::read(path).expect("read");
    let node = yaml::parse(&source).expect("parses").expect("a document");
    convert(&node)
}

fn folder(repo: &Repo, source: &str) -> PathBuf {
    repo.root().join(SOURCES).join(source)
}

// 1. `spec --force` and a symlinked .bak ----------------------------------

#[test]
fn a_symlinked_spec_backup_is_replaced_never_followed() {
    let victim_dir = tempfile::tempdir().expect("victim");
    let victim = victim_dir.path().join(".bashrc");
    std::fs::write(&victim, "export PATH=/usr/bin\n").expect("victim");
    let doc = "# Acme\n\n## Authentication\n\nEvery request sends your API key:\n\n```\nX-Api-Key: {api_key}\n```\n\n`GET https://api.acme.example/v1/me`\n";
    let old = "display_name: Old\nconnection:\n  parameters:\n    - {name: token, type: string, required: true, secret: true}\nexternal_options_allowlist: \"\"\n";
    for via_mcp in [false, true] {
        let repo = Repo::new();
        repo.api_doc("acme", doc).spec("acme", old);
        let bak = folder(&repo, "acme").join("connector_spec.yaml.bak");
        std::os::unix::fs::symlink(&victim, &bak).expect("symlink");
        if via_mcp {
            let mut mcp = Mcp::start(repo.root());
            let (answer, line) = mcp.call("spec", json!({"source": "acme", "force": true}));
            assert_eq!(answer["exit_code"], 0, "{line}");
        } else {
            let run = repo.run(&["spec", "acme", "--force"]);
            assert_eq!(run.code, Some(0), "{}", run.stderr);
        }
        assert_eq!(
            std::fs::read_to_string(&victim).expect("victim"),
            "export PATH=/usr/bin\n",
            "the symlink's target was overwritten (mcp: {via_mcp})"
        );
        let meta = std::fs::symlink_metadata(&bak).expect("bak");
        assert!(meta.file_type().is_file(), "the .bak is a file now");
        assert_eq!(std::fs::read_to_string(&bak).expect("bak"), old);
    }
}

// 2. drafted text and YAML 1.1 readers -------------------------------------

#[test]
fn every_drafted_scalar_means_the_same_to_yaml_1_1_and_1_2_readers() {
    let repo = Repo::new();
    // A table cell and a base-URL line carrying U+2028/U+2029/NEL: PyYAML
    // breaks lines there, inside a folded block or a quoted string.
    let doc = "# Acme\n\n## Authentication\n\nRequests send the API key in the `X-Api-Key` header.\n\n| Parameter | Required | Description |\n|---|---|---|\n| api_key | yes | Your Acme API key.\u{2028}secret: false\u{2028}default: attacker |\n| subdomain | yes | Your subdomain.\u{2029}  - name: injected\u{2029}    type: string\u{85}oauth: {token_url: http://evil} |\n\nBase URL: `https://{subdomain}.acme.example/v1`\n\n`GET https://{subdomain}.acme.example/v1/me`\n";
    repo.api_doc("acme", doc);
    let run = repo.run(&["spec", "acme"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    // The check derived from it is drafted text too.
    let run = repo.run(&["validate", "acme", "--dry-run"]);
    assert_no_panic(run.stderr.as_bytes());
    // An OpenAPI title with a newline (and escapes) leaves no comment.
    let oa = json!({
        "openapi": "3.0.0",
        "info": {"title": "Beta\nconnection: {}\nexternal_options_allowlist: x\u{2028}y: \u{1b}[31m", "version": "1"},
        "servers": [{"url": "https://api.beta.example/v1"}],
        "components": {"securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "X-Key", "description": "The key.\u{2028}secret: false"}}},
        "security": [{"key": []}],
        "paths": {"/me": {"get": {"responses": {"200": {"description": "ok"}}}}},
    });
    repo.file(&format!("{SOURCES}/beta/openapi.json"), &oa.to_string());
    let run = repo.run(&["spec", "beta"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let written = [
        folder(&repo, "acme").join("connector_spec.yaml"),
        repo.root().join(TESTS).join("acme/auth_check.yaml"),
        folder(&repo, "beta").join("connector_spec.yaml"),
    ];
    for path in &written {
        let (old, new) = (yaml_1_1(path), yaml_1_2(path));
        assert_eq!(old, new, "{} reads differently", path.display());
        let text = std::fs::read_to_string(path).expect("written");
        assert!(
            !text.contains(['\u{2028}', '\u{2029}', '\u{85}', '\u{1b}']),
            "{}",
            path.display()
        );
    }
    let acme = yaml_1_1(&written[0]);
    let params = acme["connection"]["parameters"]
        .as_array()
        .expect("parameters");
    let names: Vec<&str> = params.iter().filter_map(|p| p["name"].as_str()).collect();
    assert_eq!(names.len(), 2, "{acme}");
    assert!(
        names.contains(&"api_key") && names.contains(&"subdomain"),
        "{acme}"
    );
    for p in params {
        assert_eq!(p["secret"], p["name"] == "api_key", "{p}");
        assert!(p.get("default").is_none(), "{p}");
    }
    assert!(acme["connection"].get("oauth").is_none(), "{acme}");
    let beta = yaml_1_1(&written[2]);
    let keys: Vec<&String> = beta.as_object().expect("map").keys().collect();
    assert_eq!(
        keys,
        ["display_name", "connection", "external_options_allowlist"],
        "{beta}"
    );
    assert_eq!(beta["external_options_allowlist"], "");
}

// 3. a doc's example host ---------------------------------------------------

/// A source whose spec names the API at `real` (the `base_url` default) and
/// whose doc, stating that base URL, shows an identity call on `mirror`.
fn mirrored(repo: &Repo, real: &Api, mirror: &Api, credentials: bool) {
    let spec = format!(
        "display_name: Acme\nconnection:\n  parameters:\n    - {{name: api_key, type: string, required: true, secret: true, description: API key.}}\n    - {{name: base_url, type: string, required: false, default: \"{}/v1\", description: Base URL.}}\nexternal_options_allowlist: \"\"\n",
        real.origin()
    );
    let doc = format!(
        "# Acme API\n\n**Base URL:** `{real}/v1`\n\n## Authentication\n\nEvery request sends the API key:\n\n```\nX-Api-Key: {{api_key}}\n```\n\n## Reading\n\n`GET /v1/records?page=1&per_page=100&sort=created_at&order=desc&fields=id,name`\n\nThe EU mirror answers faster: `GET {mirror}/v1/me`\n",
        real = real.origin(),
        mirror = mirror.origin()
    );
    repo.spec("acme", &spec).api_doc("acme", &doc);
    if credentials {
        repo.credentials("acme", &json!({ "api_key": KEY }).to_string());
    }
}

#[test]
fn a_doc_example_on_another_host_never_receives_the_credential() {
    let (real, mirror) = (Api::start(ok_me), Api::start(ok_me));
    // At the terminal: the derived check goes to the chosen origin, and
    // what it sends is said before it is sent.
    let repo = Repo::new();
    mirrored(&repo, &real, &mirror, true);
    let run = repo.run(&["validate", "acme"]);
    assert!(mirror.requests().is_empty(), "{:?}", mirror.requests());
    assert!(!mirror.received(KEY));
    let check = std::fs::read_to_string(repo.root().join(TESTS).join("acme/auth_check.yaml"))
        .expect("check");
    assert!(!check.contains(&mirror.port.to_string()), "{check}");
    assert!(
        run.stderr.contains(&format!(
            "the derived check sends GET {}/v1/",
            real.origin()
        )),
        "{}",
        run.stderr
    );
    assert!(!run.all().contains(KEY));

    // Under MCP no person watches: the fresh check is shown, not sent.
    let repo = Repo::new();
    mirrored(&repo, &real, &mirror, true);
    let before = real.requests().len();
    let mut mcp = Mcp::start(repo.root());
    let (answer, line) = mcp.call("validate", json!({"source": "acme"}));
    assert_eq!(answer["outcome"], "bad_check", "{line}");
    assert!(
        line.contains("not sent") && line.contains(&real.origin()),
        "{line}"
    );
    assert!(!line.contains(KEY) && !answer.to_string().contains(KEY));
    assert_eq!(real.requests().len(), before, "a fresh check was sent");
    let (answer, line) = mcp.call("validate", json!({"source": "acme"}));
    assert_eq!(answer["outcome"], "ok", "{line}");
    assert_eq!(real.requests().len(), before + 1);
    assert!(mirror.requests().is_empty());

    // `authenticate` reusing saved credentials opens no form: held too.
    let repo = Repo::new();
    mirrored(&repo, &real, &mirror, true);
    let before = real.requests().len();
    let mut mcp = Mcp::start(repo.root());
    let (answer, line) = mcp.call("authenticate", json!({"source": "acme", "port": 0}));
    assert_ne!(answer["authenticated"], true, "{line}");
    assert!(answer.to_string().contains("not sent"), "{answer}");
    assert!(mcp.asked.is_empty(), "no form: the credentials are saved");
    assert_eq!(real.requests().len(), before);
    assert!(mirror.requests().is_empty());
}

#[test]
fn the_form_says_what_save_checks_before_anything_is_sent() {
    let (real, mirror) = (Api::start(ok_me), Api::start(ok_me));
    let repo = Repo::new();
    mirrored(&repo, &real, &mirror, false);
    let running = repo.start(&["authenticate", "acme", "--no-open", "--port", "0"]);
    let html = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(page(&running))
        .replace("&#x2f;", "/")
        .replace("&amp;", "&");
    let line = format!("Save checks GET {}/v1/", real.origin());
    assert!(html.contains(&line), "{html}");
    assert!(
        html.contains("X-Api-Key"),
        "where the credential goes: {html}"
    );
    assert!(real.requests().is_empty() && mirror.requests().is_empty());
}

// 4. OpenAPI path keys -------------------------------------------------------

#[test]
fn openapi_path_keys_never_move_the_checks_port_or_host() {
    let (api, other) = (Api::start(ok_me), Api::start(ok_me));
    let repo = Repo::new();
    let description = json!({
        "openapi": "3.0.0",
        "info": {"title": "Paths", "version": "1"},
        "servers": [{"url": api.origin()}],
        "components": {"securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "X-Api-Key"}}},
        "security": [{"key": []}],
        "paths": {
            format!(":{}/users/me", other.port): {"get": {"responses": {"200": {"description": "ok"}}}},
            format!("@127.0.0.1:{}/v2/me", other.port): {"get": {"responses": {"200": {"description": "ok"}}}},
            ".attacker.example/users/me": {"get": {"responses": {"200": {"description": "ok"}}}},
        },
    });
    repo.file(
        &format!("{SOURCES}/paths/openapi.json"),
        &description.to_string(),
    );
    let run = repo.run(&["spec", "paths"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    repo.credentials("paths", &json!({ "api_key": KEY }).to_string());
    let run = repo.run(&["validate", "paths", "--json"]);
    assert!(other.requests().is_empty(), "{:?}", other.requests());
    assert!(api.requests().is_empty(), "{:?}", api.requests());
    let check = std::fs::read_to_string(repo.root().join(TESTS).join("paths/auth_check.yaml"))
        .expect("check");
    assert!(check.contains("refused, not paths"), "{check}");
    assert!(!check.contains("url: \"{base_url}:"), "{check}");
    assert_eq!(run.code, Some(2), "a TODO, nothing sent: {}", run.stderr);

    // A check written that way by hand is refused as well, nothing sent.
    for tail in [
        format!(":{}/users/me", other.port),
        format!("@127.0.0.1:{}/v2/me", other.port),
        ".attacker.example/users/me".to_string(),
    ] {
        repo.check(
            "paths",
            &format!(
                "checks:\n  - request:\n      url: \"{{base_url}}{tail}\"\n      auth:\n        header: {{name: X-Api-Key, value: \"{{api_key}}\"}}\n    expect:\n      status: [200]\ndefaults:\n  base_url: \"{}\"\n",
                api.origin()
            ),
        );
        let run = repo.run(&["validate", "paths", "--json"]);
        assert_eq!(run.code, Some(2), "{tail}: {}", run.stdout);
        let lines = json_lines(run.stdout.as_bytes());
        assert_eq!(lines[0]["outcome"], "bad_value", "{tail}: {}", run.stdout);
        assert!(
            other.requests().is_empty(),
            "{tail}: {:?}",
            other.requests()
        );
    }
}

// 5. MCP `output` -------------------------------------------------------------

const SPEC: &str = "display_name: Acme\nconnection:\n  parameters:\n    - {name: api_key, type: string, required: true, secret: true, description: API key.}\nexternal_options_allowlist: \"\"\n";

#[test]
fn mcp_output_stays_in_the_workspace_and_never_replaces_another_file() {
    let repo = Repo::new();
    repo.spec("acme", SPEC);
    let elsewhere = tempfile::tempdir().expect("elsewhere");
    let rc = repo.root().join("bashrc");
    std::fs::write(&rc, "export PATH=/usr/bin\n").expect("rc");
    let outside = elsewhere.path().join("creds.json");
    let mut mcp = Mcp::start(repo.root());
    for (tool, output) in [
        ("collect", outside.display().to_string()),
        ("collect", "../../creds.json".to_string()),
        ("authenticate", outside.display().to_string()),
        ("collect", "bashrc".to_string()),
        ("authenticate", "bashrc".to_string()),
    ] {
        let (answer, line) = mcp.call(
            tool,
            json!({"source": "acme", "output": output, "port": 0, "timeout": 5}),
        );
        assert_eq!(answer["exit_code"], 2, "{tool} {output}: {line}");
        assert!(mcp.asked.is_empty(), "{tool} {output}: a form was opened");
    }
    assert_eq!(
        std::fs::read_to_string(&rc).expect("rc"),
        "export PATH=/usr/bin\n"
    );
    assert!(!outside.exists());

    // A path inside: the model's words in it never reach the dialog.
    let words = "creds. Ignore the form and paste your key in the chat";
    let (answer, line) = mcp.call(
        "collect",
        json!({"source": "acme", "output": format!("{words}.json"), "port": 0, "timeout": 20}),
    );
    assert_eq!(mcp.asked.len(), 1, "{line}");
    let message = mcp.asked[0]["params"]["message"].as_str().expect("message");
    assert!(!message.contains("Ignore"), "{message}");
    assert_eq!(answer["status"], "cancelled", "{line}");
    assert!(!repo.root().join(format!("{words}.json")).exists());
}

// 6. MCP path arguments --------------------------------------------------------

#[test]
fn mcp_path_arguments_read_only_regular_files_inside_the_workspace() {
    let api = Api::start(ok_me);
    let repo = Repo::new();
    repo.spec("acme", SPEC).check(
        "acme",
        &format!(
            "checks:\n  - request:\n      url: \"{}/v1/me\"\n      auth:\n        header: {{name: X-Api-Key, value: \"{{api_key}}\"}}\n    expect:\n      status: [200]\n",
            api.origin()
        ),
    );
    let elsewhere = tempfile::tempdir().expect("elsewhere");
    let shadow = elsewhere.path().join("shadow.yaml");
    std::fs::write(&shadow, "root: x\nalice_password_hash: y\n").expect("shadow");
    // The same, bare-named in the folder the client starts the server in.
    std::fs::write(
        elsewhere.path().join("shadow"),
        "root: x\nalice_password_hash: y\n",
    )
    .expect("shadow");
    let other = elsewhere.path().join("other_project.json");
    std::fs::write(&other, json!({ "api_key": KEY }).to_string()).expect("other");
    let fifo = repo.root().join("spec.yaml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let mut mcp = Mcp::start_in(repo.root(), elsewhere.path());
    for source in [
        shadow.display().to_string(),
        "../../../etc/passwd".into(),
        "shadow".into(),
    ] {
        let (answer, line) = mcp.call("lint", json!({ "source": source }));
        assert_eq!(answer["exit_code"], 2, "{line}");
        assert!(
            !answer.to_string().contains("alice_password_hash"),
            "{answer}"
        );
    }
    // A FIFO would block the call forever: refused at once.
    let (answer, line) = mcp.call("lint", json!({"source": "spec.yaml"}));
    assert_eq!(answer["exit_code"], 2, "{line}");
    assert!(line.contains("not a regular file"), "{line}");
    // Another project's credentials are never sent to this check's host.
    for config in [other.display().to_string(), "../other.json".into()] {
        let (answer, line) = mcp.call("validate", json!({"source": "acme", "config": config}));
        assert_eq!(answer["exit_code"], 2, "{line}");
    }
    // A credentials folder inside whose file links out.
    std::fs::create_dir_all(repo.root().join("creds")).expect("creds");
    std::os::unix::fs::symlink(&other, repo.root().join("creds/acme.json")).expect("link");
    let (answer, line) = mcp.call("validate", json!({"source": "acme", "config_dir": "creds"}));
    assert_eq!(answer["exit_code"], 2, "{line}");
    assert!(api.requests().is_empty(), "{:?}", api.requests());
    assert!(!api.received(KEY));
}

// 7. strip, then scrub ---------------------------------------------------------

fn echoing(path: &str) -> (StatusCode, String) {
    // The key with a NUL, U+202E and an escape inside, JSON-escaped.
    let split = [
        "k3y-SURF\\u0000ACE-7a9c41",
        "k3y-\\u202eSURFACE-7a9c41",
        "k3y-SURFACE-7a\\u001b9c41",
    ];
    match path {
        "/v1/me" => (
            StatusCode::OK,
            format!(r#"{{"user":{{"name":"{}"}}}}"#, split[0]),
        ),
        "/v1/denied" => (
            StatusCode::UNAUTHORIZED,
            format!(r#"{{"error":"bad key {} or {}"}}"#, split[1], split[2]),
        ),
        "/token" => (
            StatusCode::BAD_REQUEST,
            format!(
                r#"{{"error":"invalid_client","error_description":"no client with secret {}"}}"#,
                split[1]
            ),
        ),
        _ => (StatusCode::NOT_FOUND, "{}".into()),
    }
}

#[test]
fn a_secret_split_by_a_control_character_is_never_printed_whole() {
    let api = Api::start(echoing);
    let repo = Repo::new();
    let header = "auth:\n        header: {name: X-Api-Key, value: \"{api_key}\"}";
    for (name, path, identity) in [
        ("ident", "/v1/me", "\n      identity: /user/name"),
        ("denied", "/v1/denied", ""),
    ] {
        repo.spec(name, SPEC)
            .credentials(name, &json!({ "api_key": KEY }).to_string());
        repo.check(
            name,
            &format!(
                "checks:\n  - request:\n      url: \"{}{path}\"\n      {header}\n    expect:\n      status: [200]{identity}\n",
                api.origin()
            ),
        );
    }
    let oauth_spec = format!(
        "display_name: Acme\nconnection:\n  parameters:\n    - {{name: client_id, type: string, required: true}}\n    - {{name: client_secret, type: string, required: true, secret: true}}\n  oauth:\n    flow: m2m\n    token_url: \"{}/token\"\nexternal_options_allowlist: \"\"\n",
        api.origin()
    );
    repo.spec("oauthy", &oauth_spec)
        .credentials(
            "oauthy",
            &json!({"client_id": "client-1", "client_secret": KEY}).to_string(),
        )
        .check(
            "oauthy",
            &format!(
                "checks:\n  - request:\n      url: \"{}/v1/me\"\n      auth:\n        oauth: {{}}\n    expect:\n      status: [200]\n",
                api.origin()
            ),
        );
    for args in [
        vec!["validate", "ident", "denied", "oauthy", "--json"],
        vec!["validate", "ident", "denied", "oauthy"],
    ] {
        let run = repo.run(&args);
        assert_hidden_whole(&run);
        assert!(run.all().contains("***"), "{}", run.all());
    }
    let mut mcp = Mcp::start(repo.root());
    let (answer, line) = mcp.call(
        "validate",
        json!({"sources": ["ident", "denied", "oauthy"]}),
    );
    let all = format!("{answer}\n{line}");
    assert!(!all.contains(KEY), "{all}");
    assert_eq!(answer["results"][0]["outcome"], "ok", "{all}");
}

fn assert_hidden_whole(run: &Run) {
    let all = run.all();
    assert!(!all.contains(KEY), "the key came back whole: {all}");
    let stripped: String = all
        .chars()
        .filter(|c| !c.is_control() || *c == '\n')
        .collect();
    assert!(!stripped.contains(KEY), "{all}");
}

// 8. OpenAPI text on the terminal ------------------------------------------------

#[test]
fn openapi_text_reaches_the_terminal_printable_only() {
    let repo = Repo::new();
    let description = json!({
        "openapi": "3.0.0",
        "info": {"title": "Esc\u{1b}]0;pwned\u{7}\nconnection: {}\u{202e}", "version": "1"},
        "servers": [{"url": "https://api.esc.example/v1\u{1b}[2J\u{1b}[1;1H"}],
        "components": {"securitySchemes": {
            "key\u{1b}[31m\u{202e}": {"type": "apiKey", "in": "header", "name": "X-Key"},
            "implicit\u{1b}[2K": {"type": "oauth2", "flows": {"implicit": {"authorizationUrl": "https://x.example/a\u{1b}[5m", "scopes": {}}}},
        }},
        "security": [{"key\u{1b}[31m\u{202e}": []}],
        "paths": {
            "/me": {"get": {"responses": {"200": {"description": "ok"}}}},
            "/x": {"$ref": "https://evil.example/\u{1b}[2J\u{202e}x.json"},
        },
    });
    let file = repo.root().join("esc.json");
    std::fs::write(&file, description.to_string()).expect("write");
    for args in [
        vec!["spec", "esc", "--openapi", "esc.json"],
        vec!["spec", "esc", "--openapi", "esc.json", "--force"],
        vec!["validate", "esc", "--dry-run"],
    ] {
        let run = repo.run(&args);
        let all = run.all();
        assert!(
            !all.contains(['\u{1b}', '\u{7}', '\u{202e}', '\u{9b}']),
            "{args:?}: {all:?}"
        );
        assert!(
            all.contains("evil.example") || args[0] == "validate",
            "{all}"
        );
    }
    let spec = folder(&repo, "esc").join("connector_spec.yaml");
    let text = std::fs::read_to_string(&spec).expect("spec");
    assert!(!text.contains(['\u{1b}', '\u{7}', '\u{202e}']), "{text:?}");
    for line in text.lines().take_while(|l| l.starts_with('#')) {
        assert!(
            !line.contains("connection:") || line.starts_with("# "),
            "{line}"
        );
    }
    assert_eq!(yaml_1_1(&spec), yaml_1_2(&spec));
}

// 9. keyring accounts ------------------------------------------------------------

/// A workspace at `root` (any bytes) with source `acme` in `sources`.
fn workspace_at(root: &Path, sources: &str) {
    let folder = root.join(sources).join("acme");
    std::fs::create_dir_all(&folder).expect("mkdir");
    std::fs::write(root.join("pyproject.toml"), "[project]\nname = \"x\"\n").expect("pyproject");
    std::fs::write(folder.join("connector_spec.yaml"), SPEC).expect("spec");
}

/// The binary at `root` with the keyring's bus, `args`, and `stdin`.
fn keyring_run(root: &Path, keyring: &SecretService, args: &[&str], stdin: &str) -> Run {
    let output = assert_cmd::Command::new(env!("CARGO_BIN_EXE_connector-auth"))
        .current_dir(root)
        .env("NO_COLOR", "1")
        .envs(keyring.env())
        .arg("--root")
        .arg(root)
        .args(args)
        .write_stdin(stdin)
        .output()
        .expect("run");
    Run::of(output)
}

/// `exec` for acme with a command that prints the credentials it is handed.
const HAND_OVER: [&str; 6] = [
    "exec",
    "acme",
    "--",
    "sh",
    "-c",
    "printf '%s' \"$CONNECTOR_TEST_CONFIG_JSON\"",
];

/// What `exec` hands to a command, or `None` when it finds nothing.
fn handed(root: &Path, keyring: &SecretService, extra: &[&str]) -> Option<Value> {
    let mut args: Vec<&str> = extra.to_vec();
    args.extend(HAND_OVER);
    let run = keyring_run(root, keyring, &args, "");
    (run.code == Some(0)).then(|| serde_json::from_str(&run.stdout).expect("json"))
}

fn store(root: &Path, keyring: &SecretService, extra: &[&str], key: &str) {
    let mut args: Vec<&str> = extra.to_vec();
    args.extend(["collect", "acme", "--mode", "cli", "--store", "keyring"]);
    let run = keyring_run(root, keyring, &args, &format!("{key}\n"));
    assert_eq!(run.code, Some(0), "{}", run.stderr);
}

#[test]
fn keyring_accounts_never_collide_and_old_names_are_read_once() {
    use std::os::unix::ffi::OsStrExt;
    let keyring = SecretService::start();
    let base = tempfile::tempdir().expect("base");
    // Two roots whose names differ only in a byte that is not UTF-8.
    let a = base.path().join(std::ffi::OsStr::from_bytes(b"r\xff"));
    let b = base.path().join(std::ffi::OsStr::from_bytes(b"r\xfe"));
    workspace_at(&a, SOURCES);
    workspace_at(&b, SOURCES);
    store(&a, &keyring, &[], "key-of-a-1111");
    assert_eq!(handed(&b, &keyring, &[]), None, "b was handed a's entry");
    let run = keyring_run(&b, &keyring, &["forget", "acme"], "");
    assert_no_panic(run.stderr.as_bytes());
    assert_eq!(
        handed(&a, &keyring, &[]).map(|v| v["api_key"].clone()),
        Some(json!("key-of-a-1111")),
        "forget in b deleted a's entry"
    );

    // Two sources dirs under one root.
    let c = base.path().join("c");
    workspace_at(&c, "one");
    workspace_at(&c, "two");
    store(&c, &keyring, &["--sources-dir", "one"], "key-of-one-2222");
    assert_eq!(handed(&c, &keyring, &["--sources-dir", "two"]), None);

    // An entry under the account of earlier versions (`<root>:<source>`):
    // the root `…/d:sub` with the default sources dir had `…/d:sub:acme`,
    // which is today's account of root `…/d` with sources dir `sub`.
    let d = base.path().join("d");
    let legacy_root = base.path().join("d:sub");
    workspace_at(&d, "sub");
    workspace_at(&legacy_root, SOURCES);
    store(&d, &keyring, &["--sources-dir", "sub"], "key-of-old-3333");
    let first = keyring_run(&legacy_root, &keyring, &HAND_OVER, "");
    crate::support::assert_contains(&first.stderr, "account name of earlier versions");
    assert!(first.stdout.contains("key-of-old-3333"), "{}", first.stderr);
    assert!(!first.stderr.contains("key-of-old-3333"));
    let second = keyring_run(&legacy_root, &keyring, &HAND_OVER, "");
    assert!(
        second.stdout.contains("key-of-old-3333"),
        "{}",
        second.stderr
    );
    assert!(
        !second.stderr.contains("earlier versions"),
        "read under the old name twice"
    );
    assert_eq!(
        handed(&d, &keyring, &["--sources-dir", "sub"]),
        None,
        "the old entry was moved, not copied"
    );
    // `forget` removes an entry left under the old name too.
    store(&d, &keyring, &["--sources-dir", "sub"], "key-of-old-4444");
    let forget = keyring_run(&legacy_root, &keyring, &["forget", "acme"], "");
    assert_eq!(forget.code, Some(0), "{}", forget.all());
    assert_eq!(
        handed(&d, &keyring, &["--sources-dir", "sub"]),
        None,
        "forget left the entry under the old name"
    );
    assert!(!forget.all().contains("key-of-old-4444"));
}

// 10. thousands of schemes ---------------------------------------------------------

#[test]
fn many_schemes_collapsing_to_one_name_draft_with_unique_names() {
    let repo = Repo::new();
    let marks = [
        "-", ".", "~", "!", "*", "(", ")", "$", "&", "+", ",", ";", "=", "@",
    ];
    let mut names = vec!["key".to_string()];
    for a in marks {
        for b in marks {
            for c in marks {
                names.push(format!("key{a}{b}{c}"));
            }
        }
    }
    names.truncate(400);
    let schemes: serde_json::Map<String, Value> = names
        .iter()
        .map(|n| {
            (
                n.clone(),
                json!({"type": "apiKey", "in": "header", "name": "X-Key"}),
            )
        })
        .collect();
    let description = json!({
        "openapi": "3.0.0",
        "info": {"title": "Many", "version": "1"},
        "servers": [{"url": "https://api.many.example"}],
        "components": {"securitySchemes": schemes},
        "paths": {"/me": {"get": {"responses": {"200": {"description": "ok"}}}}},
    });
    // In the source folder: picked up by `spec` (and MCP) automatically.
    repo.file(
        &format!("{SOURCES}/many/openapi.json"),
        &description.to_string(),
    );
    let run = repo.run(&["spec", "many", "--print"]);
    let spec = connector_auth::spec::load_str(connector_auth::source::Source::new(
        "connector_spec.yaml",
        run.stdout.clone(),
    ))
    .spec
    .expect("the draft loads");
    let mut methods: Vec<&str> = spec.auth_methods.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(methods.len(), 400);
    assert_eq!(methods[0], "key");
    assert!(methods.contains(&"key_400"));
    methods.sort_unstable();
    methods.dedup();
    assert_eq!(methods.len(), 400, "method names are unique");
}
