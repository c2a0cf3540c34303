//! `connector-auth mcp` driven by a real MCP client that no one here wrote:
//! the official Python SDK (`mcp`, installed into tests/mcp/.venv by
//! `.ci/run`), through tests/mcp/client.py. Its elicitation handler opens
//! the URL it is sent in headless Chromium and fills and saves the form, as
//! a person would. Every message of each session, both ways, and the
//! server's stderr are scanned for the typed secrets.

use std::path::PathBuf;

use serde_json::{Value, json};

use crate::apis::{API_KEY, Nginx};
use crate::browser::output_dir;
use crate::provider::{Provider, free_port, u2m_spec};
use crate::support::{Repo, mode};

/// The venv's Python, with the pinned SDK.
fn python() -> PathBuf {
    let python = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/mcp/.venv/bin/python");
    assert!(
        python.exists(),
        "{} is missing: create it with the pinned SDK (bash .ci/run does: python3 -m venv tests/mcp/.venv && tests/mcp/.venv/bin/pip install -r tests/mcp/requirements.txt)",
        python.display()
    );
    python
}

/// One MCP session: what the client reported, and every byte that passed.
struct Session {
    report: Value,
    /// The JSON-RPC messages both ways and the server's stderr.
    transcript: String,
}

impl Session {
    /// Runs the client on `plan` against the binary serving `repo`.
    fn run(repo: &Repo, plan: Value) -> Session {
        let dir = tempfile::tempdir().expect("transcript dir");
        let prefix = dir.path().join("session");
        let client = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/mcp/client.py");
        let output = std::process::Command::new(python())
            .arg(client)
            .arg(plan.to_string())
            .arg("--binary")
            .arg(env!("CARGO_BIN_EXE_connector-auth"))
            .arg("--root")
            .arg(repo.root())
            .arg("--transcript")
            .arg(&prefix)
            .arg("--shots")
            .arg(output_dir())
            .env_remove("CONNECTOR_TEST_CONFIG_JSON")
            .env_remove("CONNECTOR_TEST_CONFIG_PATH")
            .output()
            .expect("python client");
        let read =
            |ext: &str| std::fs::read_to_string(prefix.with_extension(ext)).unwrap_or_default();
        let transcript = format!("{}\n{}\n{}", read("in"), read("out"), read("err"));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success(),
            "client failed: {stderr}\ntranscript:\n{transcript}"
        );
        assert!(!transcript.contains("panicked"), "{transcript}");
        let report = serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|e| panic!("client report: {e}: {stderr}"));
        // stdout carried only JSON-RPC: every line the server wrote parses.
        for line in read("out").lines() {
            let message: Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("not JSON-RPC on stdout: {line:?}: {e}"));
            assert_eq!(message["jsonrpc"], "2.0", "{line}");
        }
        Session { report, transcript }
    }

    /// The answer of the `n`th call of `tool`.
    fn answer(&self, tool: &str, n: usize) -> &Value {
        self.report["steps"]
            .as_array()
            .expect("steps")
            .iter()
            .filter(|s| s["call"] == tool)
            .nth(n)
            .map(|s| &s["result"])
            .unwrap_or_else(|| panic!("no call {n} of {tool}: {}", self.report))
    }

    fn structured(&self, tool: &str, n: usize) -> &Value {
        &self.answer(tool, n)["structuredContent"]
    }

    /// The short text line of an answer.
    fn line(&self, tool: &str, n: usize) -> String {
        let content = self.answer(tool, n)["content"].as_array().expect("content");
        assert_eq!(content.len(), 1, "one text line: {content:?}");
        let text = content[0]["text"].as_str().expect("text").to_string();
        assert!(!text.contains('\n'), "{text}");
        text
    }

    /// Fails when a secret shows up, raw, base64 or URL-encoded, in any
    /// message of the session, the server's stderr or the client's report.
    fn assert_hidden(&self, secrets: &[&str]) {
        use base64::Engine;
        let b64 = base64::engine::general_purpose::STANDARD;
        let report = self.report.to_string();
        for secret in secrets {
            let forms = [
                secret.to_string(),
                b64.encode(secret),
                url::form_urlencoded::byte_serialize(secret.as_bytes()).collect(),
            ];
            for form in forms {
                assert!(
                    !self.transcript.contains(&form),
                    "the session carried {form}:\n{}",
                    self.transcript
                );
                assert!(!report.contains(&form), "the answers carry {form}");
            }
        }
    }

    fn elicitations(&self) -> &Vec<Value> {
        self.report["elicitations"]
            .as_array()
            .expect("elicitations")
    }

    /// The ids of the `notifications/elicitation/complete` received.
    fn completed(&self) -> Vec<String> {
        self.report["notifications"]
            .as_array()
            .expect("notifications")
            .iter()
            .filter(|n| n["method"] == "notifications/elicitation/complete")
            .map(|n| {
                n["params"]["elicitationId"]
                    .as_str()
                    .unwrap_or("")
                    .to_string()
            })
            .collect()
    }
}

/// An API doc whose key goes in a header to nginx's `/apikey/me`.
fn api_doc(nginx: &Nginx) -> String {
    format!(
        "# Acme API Documentation\n\n## Authorization\n\n- **Chosen method**: API key, sent in the `X-Api-Key` header.\n- Find your key under Settings → API keys.\n\n```\ncurl -H \"X-Api-Key: <api_key>\" {}\n```\n\n## Objects\n\n- `GET /v1/orders`: orders, newest first.\n",
        nginx.url("/apikey/me")
    )
}

const KEY_SPEC: &str = "display_name: Acme\nconnection:\n  parameters:\n    - name: api_key\n      required: true\n      secret: true\n      description: The API key.\nexternal_options_allowlist: \"\"\n";

fn key_check(nginx: &Nginx) -> String {
    format!(
        "checks:\n  - request:\n      url: {}\n      auth:\n        header: {{name: X-Api-Key, value: \"{{api_key}}\"}}\n",
        nginx.url("/apikey/me")
    )
}

#[test]
fn the_tools_are_listed_for_a_model_and_stdout_is_only_json_rpc() {
    let repo = Repo::new();
    repo.spec("acme", KEY_SPEC);
    let session = Session::run(
        &repo,
        json!({"steps": [
            {"list_tools": true},
            {"call": "collect_status", "args": {"source": "acme"}},
            {"call": "spec", "args": {"source": "Not A Name"}},
        ]}),
    );
    assert_eq!(session.report["protocol_version"], "2025-11-25");
    assert_eq!(session.report["server"]["name"], "connector-auth");
    let tools = session.report["steps"][0]["tools"]
        .as_array()
        .expect("tools");
    let mut names: Vec<&str> = tools.iter().filter_map(|t| t["name"].as_str()).collect();
    names.sort_unstable();
    let mut listed = connector_auth::MCP_TOOLS.to_vec();
    listed.sort_unstable();
    assert_eq!(names, listed);
    for tool in tools {
        let description = tool["description"].as_str().unwrap_or_default();
        assert!(description.len() > 150, "{tool}");
        if tool["name"] != "sources" {
            let properties = &tool["inputSchema"]["properties"];
            assert!(properties["source"].is_object(), "{tool}");
        }
    }
    let collect = tools
        .iter()
        .find(|t| t["name"] == "collect")
        .expect("collect");
    for option in ["port", "output", "timeout", "reauthorize"] {
        assert!(
            collect["inputSchema"]["properties"][option].is_object(),
            "{option}"
        );
    }
    // No option that could only be refused: the terminal is the protocol's.
    for tool in tools {
        assert!(
            tool["inputSchema"]["properties"]["mode"].is_null(),
            "{tool}"
        );
    }
    let validate = tools
        .iter()
        .find(|t| t["name"] == "validate")
        .expect("validate");
    for option in ["all", "config", "config_dir", "timeout", "dry_run"] {
        assert!(
            validate["inputSchema"]["properties"][option].is_object(),
            "{option}"
        );
    }
    assert_eq!(session.structured("collect_status", 0)["status"], "none");
    assert_eq!(session.answer("spec", 0)["isError"], true);
    assert_eq!(session.structured("spec", 0)["exit_code"], 2);
}

/// What the hidden acceptance script does: sources, spec drafted from the
/// API doc alone, collect by URL elicitation filled in Chromium, validate.
#[test]
fn spec_collect_by_url_elicitation_and_validate_in_one_session() {
    let nginx = Nginx::start();
    let repo = Repo::new();
    repo.api_doc("acme", &api_doc(&nginx));
    let session = Session::run(
        &repo,
        json!({
            "on_elicit": {"do": "fill_then_accept", "values": {"api_key": API_KEY}},
            "steps": [
                {"list_tools": true},
                {"call": "sources"},
                {"call": "spec", "args": {"source": "acme"}},
                {"call": "collect", "args": {"source": "acme", "port": 0}},
                {"call": "validate", "args": {"source": "acme"}},
                {"call": "sources"},
            ]
        }),
    );
    let sources = session.structured("sources", 0);
    assert_eq!(sources["sources"][0]["source"], "acme");
    assert_eq!(sources["sources"][0]["spec"], "missing");
    assert!(session.line("sources", 0).contains("acme"));

    let spec = session.structured("spec", 0);
    assert_eq!(spec["outcome"], "drafted", "{spec}");
    assert_eq!(spec["parameters"][0]["name"], "api_key", "{spec}");
    assert!(
        repo.root()
            .join("src/databricks/labs/community_connector/sources/acme/connector_spec.yaml")
            .is_file()
    );

    let collect = session.structured("collect", 0);
    assert_eq!(collect["status"], "saved", "{collect}");
    assert_eq!(collect["elicitation"], "url");
    assert_eq!(collect["parameters"], json!(["api_key"]));
    let path = PathBuf::from(collect["path"].as_str().expect("path"));
    assert_eq!(path, repo.credentials_path("acme"));
    assert_eq!(mode(&path), 0o600);
    assert_eq!(repo.saved("acme").expect("saved")["api_key"], API_KEY);
    assert_eq!(session.report["browser"], json!(["Saved"]));

    let [elicitation] = session.elicitations().as_slice() else {
        panic!("one elicitation: {}", session.report);
    };
    assert_eq!(elicitation["mode"], "url");
    let url = elicitation["url"].as_str().expect("url");
    assert!(url.starts_with("http://localhost:"), "{url}");
    assert!(
        elicitation["message"]
            .as_str()
            .is_some_and(|m| m.contains("acme")),
        "{elicitation}"
    );
    let id = elicitation["elicitationId"].as_str().expect("id");
    assert_eq!(session.completed(), [id]);

    // The form said what Save checks, and Save sent it: the check is
    // written, and validate sends it at once.
    let validate = session.structured("validate", 0);
    assert_eq!(validate["outcome"], "ok", "{validate}");
    assert_eq!(validate["exit_code"], 0);
    assert!(session.line("validate", 0).starts_with("acme: ok"));
    assert_eq!(
        session.structured("sources", 1)["sources"][0]["credentials"],
        true
    );
    session.assert_hidden(&[API_KEY]);
}

#[test]
fn a_declined_elicitation_closes_the_form_and_writes_nothing() {
    let repo = Repo::new();
    repo.spec("acme", KEY_SPEC);
    let session = Session::run(
        &repo,
        json!({
            "on_elicit": {"do": "decline"},
            "steps": [
                {"call": "collect", "args": {"source": "acme", "port": 0}},
                {"call": "collect_status", "args": {"source": "acme"}},
            ]
        }),
    );
    let collect = session.structured("collect", 0);
    assert_eq!(collect["status"], "cancelled", "{collect}");
    assert_eq!(collect["exit_code"], 1);
    assert!(
        collect["reason"]
            .as_str()
            .is_some_and(|r| r.contains("declined"))
    );
    assert!(repo.saved("acme").is_none());
    assert_eq!(session.completed().len(), 1);
    assert_eq!(
        session.structured("collect_status", 0)["status"],
        "cancelled"
    );
    // The form is closed: its port no longer answers.
    let port = collect["url"]
        .as_str()
        .and_then(|u| u.rsplit(':').next())
        .and_then(|p| p.parse::<u16>().ok())
        .expect("port");
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err());
}

#[test]
fn a_form_left_open_times_out_and_writes_nothing() {
    let repo = Repo::new();
    repo.spec("acme", KEY_SPEC);
    let session = Session::run(
        &repo,
        json!({
            "on_elicit": {"do": "accept"},
            "steps": [{"call": "collect", "args": {"source": "acme", "port": 0, "timeout": 2}}]
        }),
    );
    let collect = session.structured("collect", 0);
    assert_eq!(collect["status"], "cancelled", "{collect}");
    assert!(
        collect["reason"]
            .as_str()
            .is_some_and(|r| r.contains("timed out")),
        "{collect}"
    );
    assert!(repo.saved("acme").is_none());
    let [elicitation] = session.elicitations().as_slice() else {
        panic!("one elicitation");
    };
    assert_eq!(
        session.completed(),
        [elicitation["elicitationId"].as_str().unwrap_or("")]
    );
}

#[test]
fn a_client_without_url_elicitation_gets_the_url_and_polls_collect_status() {
    let repo = Repo::new();
    repo.spec("acme", KEY_SPEC);
    let session = Session::run(
        &repo,
        json!({
            "elicitation": false,
            "steps": [
                {"call": "collect", "args": {"source": "acme", "port": 0}},
                {"call": "collect_status", "args": {"source": "acme"}},
                {"fill_pending": {"api_key": API_KEY}},
                {"poll": "acme", "seconds": 20},
            ]
        }),
    );
    assert!(session.elicitations().is_empty());
    let pending = session.structured("collect", 0);
    assert_eq!(pending["status"], "pending", "{pending}");
    assert_eq!(pending["elicitation"], "unsupported");
    let url = pending["url"].as_str().expect("url");
    assert!(url.starts_with("http://localhost:"));
    assert!(
        pending["instructions"]
            .as_str()
            .is_some_and(|i| i.contains(url) && i.contains("collect_status")),
        "{pending}"
    );
    assert!(session.line("collect", 0).contains(url));
    assert_eq!(session.structured("collect_status", 0)["status"], "pending");
    let done = session.structured("collect_status", 1);
    assert_eq!(done["status"], "saved", "{done}");
    assert_eq!(done["parameters"], json!(["api_key"]));
    assert_eq!(repo.saved("acme").expect("saved")["api_key"], API_KEY);
    session.assert_hidden(&[API_KEY]);
}

#[test]
fn validate_says_ok_and_rejected_against_a_loopback_api() {
    let nginx = Nginx::start();
    let repo = Repo::new();
    let wrong = "wrong-key-secret-9731";
    for (name, key) in [("good", API_KEY), ("bad", wrong)] {
        repo.spec(name, KEY_SPEC)
            .check(name, &key_check(&nginx))
            .credentials(name, &json!({"api_key": key}).to_string());
    }
    let session = Session::run(
        &repo,
        json!({"steps": [
            {"call": "validate", "args": {"source": "good"}},
            {"call": "validate", "args": {"source": "bad"}},
            {"call": "validate", "args": {"all": true}},
            {"call": "validate", "args": {"source": "good", "dry_run": true}},
        ]}),
    );
    let good = session.structured("validate", 0);
    assert_eq!(good["outcome"], "ok", "{good}");
    assert_eq!(good["results"][0]["status"], 200);
    let bad = session.structured("validate", 1);
    assert_eq!(bad["outcome"], "invalid_credentials", "{bad}");
    assert_eq!(bad["exit_code"], 1);
    assert_eq!(bad["results"][0]["status"], 401);
    assert_eq!(session.answer("validate", 1)["isError"], false);
    assert!(
        session
            .line("validate", 1)
            .starts_with("bad: invalid_credentials (HTTP 401)")
    );
    let all = session.structured("validate", 2);
    assert_eq!(all["results"].as_array().map(Vec::len), Some(2), "{all}");
    let dry = session.structured("validate", 3);
    assert_eq!(dry["results"][0]["dry_run"], true, "{dry}");
    session.assert_hidden(&[API_KEY, wrong]);
}

/// The OAuth authorization-code flow through the elicited URL, against
/// oidc-provider: Authorize in the form's popup, sign in, consent, Save.
#[test]
fn oauth_u2m_through_the_elicited_url() {
    let provider_port = free_port();
    let form_port = free_port();
    let repo = Repo::new();
    repo.spec("sandbox", &u2m_spec(provider_port, true));
    let redirect = format!("http://localhost:{form_port}/oauth/callback");
    let provider = Provider::start(provider_port, &redirect, 0);
    repo.check(
        "sandbox",
        &format!(
            "checks:\n  - request:\n      url: {}\n      auth: {{oauth: {{}}}}\n    expect:\n      identity: /sub\n",
            provider.url("/me")
        ),
    );
    let secret = "confidential-pkce-secret";
    let session = Session::run(
        &repo,
        json!({
            "on_elicit": {"do": "oauth", "values": {"client_id": "confidential-pkce", "client_secret": secret}},
            "steps": [
                {"call": "collect", "args": {"source": "sandbox", "port": form_port}},
                {"call": "validate", "args": {"source": "sandbox"}},
            ]
        }),
    );
    let collect = session.structured("collect", 0);
    assert_eq!(collect["status"], "saved", "{collect}");
    let mut names: Vec<&str> = collect["parameters"]
        .as_array()
        .expect("names")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    names.sort_unstable();
    assert_eq!(names, ["client_id", "client_secret", "refresh_token"]);
    let file = repo.saved("sandbox").expect("saved");
    let refresh = file["refresh_token"]
        .as_str()
        .expect("refresh token")
        .to_string();
    let validate = session.structured("validate", 0);
    assert_eq!(validate["outcome"], "ok", "{validate}");
    assert_eq!(validate["results"][0]["identity"], "alice");
    session.assert_hidden(&[secret, &refresh]);
}

/// `authenticate` as one tool call: the spec drafted, the form elicited (its
/// Save runs the auth check), the credentials validated.
#[test]
fn authenticate_runs_the_three_steps_with_the_form_elicited() {
    let nginx = Nginx::start();
    let repo = Repo::new();
    repo.api_doc("acme", &api_doc(&nginx));
    let session = Session::run(
        &repo,
        json!({
            "on_elicit": {"do": "fill", "values": {"api_key": API_KEY}},
            "steps": [
                {"call": "authenticate", "args": {"source": "acme", "port": 0}},
                {"call": "authenticate", "args": {"source": "acme", "port": 0}},
            ]
        }),
    );
    let first = session.structured("authenticate", 0);
    assert_eq!(first["authenticated"], true, "{first}");
    assert_eq!(first["status"], "saved", "{first}");
    assert_eq!(first["parameters"], json!(["api_key"]));
    assert_eq!(first["results"][0]["outcome"], "ok", "{first}");
    let steps: Vec<&Value> = first["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["event"] == "step")
        .map(|e| &e["step"])
        .collect();
    assert_eq!(steps, [&json!(1), &json!(2), &json!(3)]);
    assert!(first["events"].to_string().contains("\"drafted\""));
    assert!(session.line("authenticate", 0).contains("is set up"));
    // Run again: the saved credentials are reused, nothing is elicited.
    let again = session.structured("authenticate", 1);
    assert_eq!(again["authenticated"], true, "{again}");
    assert_eq!(again["elicitation"], "not_needed");
    assert_eq!(again["status"], "not_saved");
    assert_eq!(session.elicitations().len(), 1);
    session.assert_hidden(&[API_KEY]);
}

/// Every answer that leaves something to do names the next tool call (tool,
/// arguments, when), never the shell command a person would type.
#[test]
fn answers_name_the_next_tool_call_not_a_shell_command() {
    let nginx = Nginx::start();
    let repo = Repo::new();
    repo.spec("broken", "connection:\n  parameters: 3\n");
    let wrong = "wrong-key-secret-5521";
    repo.spec("acme", KEY_SPEC)
        .check("acme", &key_check(&nginx))
        .credentials("acme", &json!({"api_key": wrong}).to_string());
    let session = Session::run(
        &repo,
        json!({"steps": [
            {"call": "authenticate", "args": {"source": "broken"}},
            {"call": "authenticate", "args": {"source": "acme"}},
            {"call": "validate", "args": {"source": "acme"}},
            {"call": "spec", "args": {"source": "acme"}},
        ]}),
    );
    let broken = session.structured("authenticate", 0);
    assert_eq!(broken["stopped"]["step"], 1, "{broken}");
    assert_eq!(broken["next"]["tool"], "lint", "{broken}");
    assert_eq!(broken["next"]["arguments"], json!({"source": "broken"}));

    let rejected = session.structured("authenticate", 1);
    assert_eq!(rejected["stopped"]["step"], 3, "{rejected}");
    assert_eq!(rejected["results"][0]["outcome"], "invalid_credentials");
    assert_eq!(rejected["next"], rejected["stopped"]["next"], "{rejected}");
    assert_eq!(rejected["next"]["tool"], "authenticate", "{rejected}");
    assert_eq!(
        rejected["next"]["arguments"],
        json!({"source": "acme", "recollect": true})
    );
    assert!(
        rejected
            .to_string()
            .contains("`recollect: true` enters them again"),
        "{rejected}"
    );
    for answer in [broken, rejected] {
        assert!(answer["stopped"]["resume"].is_null(), "{answer}");
        assert!(!answer.to_string().contains("--recollect"), "{answer}");
        let text = answer.to_string();
        assert!(!text.contains("connector-auth authenticate"), "{text}");
        assert!(!text.contains("connector-auth validate"), "{text}");
        // Every object the command printed is an event.
        for event in answer["events"].as_array().expect("events") {
            assert!(event["event"].is_string(), "{event}");
        }
    }

    let validate = session.structured("validate", 0);
    assert_eq!(validate["next"]["tool"], "collect", "{validate}");
    assert_eq!(session.structured("spec", 0)["next"]["tool"], "collect");
    session.assert_hidden(&[wrong]);
}

/// Under MCP there is no terminal for the person: the form says so in its
/// own words and has a Cancel control, which ends the call as cancelled
/// and completes the elicitation; nothing is written.
#[test]
fn the_elicited_form_speaks_to_the_person_and_its_cancel_declines() {
    let repo = Repo::new();
    repo.spec("acme", KEY_SPEC);
    let session = Session::run(
        &repo,
        json!({
            "on_elicit": {"do": "cancel_in_form"},
            "steps": [{"call": "collect", "args": {"source": "acme", "port": 0}}]
        }),
    );
    let collect = session.structured("collect", 0);
    assert_eq!(collect["status"], "cancelled", "{collect}");
    assert_eq!(collect["exit_code"], 1);
    assert!(
        collect["reason"]
            .as_str()
            .is_some_and(|r| r.contains("Cancel in the form")),
        "{collect}"
    );
    assert_eq!(collect["next"]["tool"], "collect", "{collect}");
    assert!(repo.saved("acme").is_none());
    assert_eq!(session.report["browser"], json!(["Cancelled"]));
    let page = session.report["pages"][0].as_str().unwrap_or_default();
    assert!(page.contains("Cancel"), "{page}");
    assert!(page.contains("assistant"), "{page}");
    for terminal in ["Ctrl+C", "terminal"] {
        assert!(!page.contains(terminal), "{terminal}: {page}");
    }
    let [elicitation] = session.elicitations().as_slice() else {
        panic!("one elicitation: {}", session.report);
    };
    assert_eq!(
        session.completed(),
        [elicitation["elicitationId"].as_str().unwrap_or("")]
    );
}

#[test]
fn the_readme_and_the_agent_skill_name_every_tool() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for doc in ["README.md", "skills/authenticate-source/SKILL.md"] {
        let text = std::fs::read_to_string(root.join(doc)).expect("doc");
        for tool in connector_auth::MCP_TOOLS {
            assert!(
                text.contains(&format!("`{tool}`")),
                "{doc} does not name `{tool}`"
            );
        }
    }
}
