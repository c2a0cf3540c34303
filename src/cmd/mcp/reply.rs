//! Tool answers: the structured content (the command's `--json` objects,
//! gathered under a few plain keys) and one short line of text for the
//! model. Nothing here adds a value: only what the commands printed, which
//! never holds a secret, and names.
//!
//! Part of the MCP front end, in the command layer (see docs/architecture.md).

use rmcp::model::{CallToolResult, ContentBlock};
use serde_json::{Value, json};

use super::call::Finished;
use super::next;

/// One tool answer.
#[derive(Debug, Clone)]
pub struct Answer {
    pub value: Value,
    pub line: String,
    /// The command ended with an error before any verdict.
    pub failed: bool,
}

impl Answer {
    pub fn into_result(self) -> CallToolResult {
        let mut result = if self.failed {
            CallToolResult::structured_error(self.value)
        } else {
            CallToolResult::structured(self.value)
        };
        result.content = vec![ContentBlock::text(self.line)];
        result
    }

    /// A call refused before any command ran (a bad argument).
    pub fn refused(message: impl Into<String>) -> Answer {
        let message = message.into();
        Answer {
            value: json!({"exit_code": 2, "error": message}),
            line: format!("error: {message}"),
            failed: true,
        }
    }
}

/// The keys every answer has: `exit_code` (the command's documented exit
/// code), `error` when it stopped before a verdict, and `messages`.
fn base(finished: &Finished) -> serde_json::Map<String, Value> {
    let mut map = serde_json::Map::new();
    map.insert("exit_code".into(), json!(finished.exit));
    if let Some(error) = &finished.error {
        map.insert("error".into(), json!(error));
    }
    map.insert("messages".into(), json!(finished.messages));
    map
}

/// An answer with `line`, or the error line when the command failed.
fn answer(finished: &Finished, map: serde_json::Map<String, Value>, line: String) -> Answer {
    match &finished.error {
        Some(error) => Answer {
            value: Value::Object(map),
            line: format!("error: {error}"),
            failed: true,
        },
        None => Answer {
            value: Value::Object(map),
            line,
            failed: false,
        },
    }
}

pub fn sources(finished: &Finished, root: &str) -> Answer {
    let mut map = base(finished);
    map.insert("root".into(), json!(root));
    map.insert("sources".into(), json!(finished.events));
    let line = if finished.events.is_empty() {
        format!("no sources under {root}")
    } else {
        let rows: Vec<String> = finished
            .events
            .iter()
            .map(|s| {
                let credentials = if s["credentials"] == true {
                    ", credentials saved"
                } else {
                    ""
                };
                format!(
                    "{} (spec {}{credentials})",
                    s["source"].as_str().unwrap_or("?"),
                    s["spec"].as_str().unwrap_or("?")
                )
            })
            .collect();
        format!("{} source(s): {}", rows.len(), rows.join("; "))
    };
    answer(finished, map, line)
}

pub fn lint(finished: &Finished) -> Answer {
    let count = |severity: &str| {
        finished
            .events
            .iter()
            .filter(|f| f["severity"] == severity)
            .count()
    };
    let (errors, warnings) = (count("error"), count("warning"));
    let mut map = base(finished);
    map.insert("errors".into(), json!(errors));
    map.insert("warnings".into(), json!(warnings));
    map.insert("findings".into(), json!(finished.events));
    let line = match (errors, warnings) {
        (0, 0) => "no findings: the spec is clean".to_string(),
        (0, w) => format!("no errors, {w} warning(s): the tool can use the spec"),
        (e, w) => format!("{e} error(s), {w} warning(s): fix the errors before collect"),
    };
    answer(finished, map, line)
}

pub fn spec(finished: &Finished, source: &str) -> Answer {
    let mut map = base(finished);
    map.insert("events".into(), json!(finished.events));
    let line = if let Some(kept) = finished.event("kept") {
        map.insert("outcome".into(), json!("kept"));
        map.insert("path".into(), kept["path"].clone());
        format!(
            "kept {}: the spec exists (force: true redrafts it)",
            kept["path"].as_str().unwrap_or("the spec")
        )
    } else if let Some(drafted) = finished.event("drafted") {
        let written = drafted["written"] == true;
        map.insert(
            "outcome".into(),
            json!(if finished.exit != 0 {
                "drafted_with_errors"
            } else if written {
                "drafted"
            } else {
                "printed"
            }),
        );
        map.insert("path".into(), drafted["path"].clone());
        map.insert("parameters".into(), drafted["parameters"].clone());
        map.insert("review".into(), drafted["review"].clone());
        if !finished.text.is_empty() {
            map.insert("draft".into(), json!(finished.text));
        }
        let names: Vec<&str> = drafted["parameters"]
            .as_array()
            .map(|a| a.iter().filter_map(|p| p["name"].as_str()).collect())
            .unwrap_or_default();
        format!(
            "{} {} with parameters {}; review it before collect",
            if written {
                "drafted"
            } else {
                "drafted (not written)"
            },
            drafted["path"].as_str().unwrap_or("the spec"),
            names.join(", ")
        )
    } else {
        map.insert("outcome".into(), json!("not_drafted"));
        "nothing was drafted: the API doc gave no auth facts (see messages); write the spec by hand"
            .to_string()
    };
    let outcome = map["outcome"].as_str().unwrap_or_default().to_string();
    map.insert("next".into(), next::after_spec(source, &outcome));
    answer(finished, map, line)
}

/// The verdict objects of `validate`, and a line about them.
pub fn validate(finished: &Finished) -> Answer {
    let mut map = base(finished);
    map.insert("results".into(), json!(finished.events));
    if let [one] = finished.events.as_slice() {
        map.insert("outcome".into(), one["outcome"].clone());
        if one["dry_run"] != true {
            map.insert(
                "next".into(),
                next::after_validate(
                    one["source"].as_str().unwrap_or_default(),
                    one["outcome"].as_str().unwrap_or_default(),
                ),
            );
        }
    }
    let line = finished
        .events
        .iter()
        .map(|r| {
            let status = r["status"]
                .as_u64()
                .map(|s| format!(" (HTTP {s})"))
                .unwrap_or_default();
            if r["dry_run"] == true && r["outcome"].is_null() {
                return format!(
                    "{}: would send {} {} (nothing sent)",
                    r["source"].as_str().unwrap_or("?"),
                    r["method"].as_str().unwrap_or("?"),
                    r["url"].as_str().unwrap_or("?")
                );
            }
            format!(
                "{}: {}{status} — {}",
                r["source"].as_str().unwrap_or("?"),
                r["outcome"].as_str().unwrap_or("?"),
                r["reason"].as_str().unwrap_or("")
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    answer(finished, map, line)
}

/// Where a collect stands, as `collect`, `authenticate` and
/// `collect_status` report it.
pub struct CollectState<'a> {
    pub source: &'a str,
    pub url: Option<&'a str>,
    /// How the form reached the person: `url` (elicitation), `none` (the
    /// client cannot elicit a URL), or why the elicitation failed.
    pub elicitation: &'a str,
    /// The file saved, and the names of the parameters in it.
    pub saved: Option<(String, Vec<String>)>,
}

/// The answer of a finished collect or authenticate run.
pub fn collect(finished: &Finished, state: &CollectState) -> Answer {
    let mut map = base(finished);
    map.insert("source".into(), json!(state.source));
    map.insert("url".into(), json!(state.url));
    map.insert("elicitation".into(), json!(state.elicitation));
    let events: Vec<Value> = finished
        .events
        .iter()
        .map(|e| for_a_model(e, state.source, finished))
        .collect();
    map.insert("events".into(), json!(events));
    let cancelled = finished.event("cancelled");
    let (status, line) = match (&state.saved, cancelled) {
        (Some((path, names)), _) => {
            map.insert("path".into(), json!(path));
            map.insert("parameters".into(), json!(names));
            (
                "saved",
                format!(
                    "saved the credentials of {} to {path} (parameters: {})",
                    state.source,
                    names.join(", ")
                ),
            )
        }
        (None, Some(c)) => {
            let reason = c["reason"].as_str().unwrap_or("cancelled");
            map.insert("reason".into(), json!(reason));
            (
                "cancelled",
                format!("no credentials were saved for {}: {reason}", state.source),
            )
        }
        (None, None) => (
            "not_saved",
            format!("no credentials were saved for {}", state.source),
        ),
    };
    map.insert("status".into(), json!(status));
    map.insert("next".into(), next::after_collect(state.source, status));
    // authenticate: the verdict of its validate step, and where it stopped.
    let results: Vec<&Value> = finished
        .events
        .iter()
        .filter(|e| e["event"] == "verdict")
        .collect();
    if !results.is_empty() {
        map.insert("results".into(), json!(results));
    }
    let mut line = line;
    if let Some(stopped) = finished.event("stopped") {
        let stopped = for_a_model(stopped, state.source, finished);
        map.insert("next".into(), stopped["next"].clone());
        map.insert("stopped".into(), stopped.clone());
        line = format!(
            "stopped at step {}: {}",
            stopped["step"],
            stopped["reason"].as_str().unwrap_or("")
        );
    } else if finished.event("authenticated").is_some() {
        map.insert("authenticated".into(), json!(true));
        map.insert("next".into(), Value::Null);
        line = format!(
            "{} is set up: spec, saved credentials and a passing auth check",
            state.source
        );
    }
    answer(finished, map, line)
}

/// An event as a model reads it: a `stopped` event names the next tool
/// call instead of the shell command a person would type.
fn for_a_model(event: &Value, source: &str, finished: &Finished) -> Value {
    if event["event"] != "stopped" {
        return event.clone();
    }
    let outcome = finished
        .events
        .iter()
        .rev()
        .find(|e| e["event"] == "verdict")
        .and_then(|e| e["outcome"].as_str());
    let mut stopped = event.clone();
    if let Some(object) = stopped.as_object_mut() {
        object.remove("resume");
        object.insert(
            "next".into(),
            next::after_stop(
                source,
                event["step"].as_u64().unwrap_or_default(),
                finished.exit,
                outcome,
            ),
        );
    }
    stopped
}

/// The answer while the form is still open (no URL elicitation): the URL
/// and what to tell the person.
pub fn pending(source: &str, url: &str, elicitation: &str, timeout: u64) -> Answer {
    let instructions = format!(
        "Give the person this link and ask them to open it in a browser on this machine, fill \
         in the form and click Save: {url}. The credentials go from their browser straight to \
         connector-auth; do not ask for them in the chat. Then call collect_status with source \
         `{source}` until its status is saved or cancelled (the form closes after {timeout} s)."
    );
    Answer {
        value: json!({
            "exit_code": null,
            "status": "pending",
            "source": source,
            "url": url,
            "elicitation": elicitation,
            "instructions": instructions,
            "next": next::after_collect(source, "pending"),
        }),
        line: format!(
            "the credential form for {source} is open at {url}: hand it to the person, then poll collect_status"
        ),
        failed: false,
    }
}
