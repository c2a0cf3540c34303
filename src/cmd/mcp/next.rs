//! The next tool call an answer names: the tool, its arguments, and when
//! to make it. A model goes on with a tool call, not with the shell command
//! a person would type, so every answer that leaves something to do says it
//! in these terms (`next`; `null` when nothing is left).

use serde_json::{Value, json};

/// One suggested call.
fn call(tool: &str, arguments: Value, when: &str) -> Value {
    json!({"tool": tool, "arguments": arguments, "when": when})
}

/// After `spec` answered with `outcome`.
pub fn after_spec(source: &str, outcome: &str) -> Value {
    match outcome {
        "kept" | "drafted" => call(
            "collect",
            json!({"source": source}),
            if outcome == "kept" {
                "the spec exists: collect the credentials (or call authenticate for every step)"
            } else {
                "after the person reviewed the drafted spec (the lines listed under `review` first)"
            },
        ),
        "printed" => call(
            "spec",
            json!({"source": source}),
            "to write the draft once the person agrees with it",
        ),
        "drafted_with_errors" | "not_drafted" => call(
            "lint",
            json!({"source": source}),
            "after the spec file is written or fixed by hand (messages say what was missing)",
        ),
        _ => Value::Null,
    }
}

/// After a verdict `outcome` of `validate` on `source`; `recollect` names
/// the call that asks the person again (collect, or authenticate with
/// `recollect: true` inside authenticate).
fn after_verdict(source: &str, outcome: &str, recollect: Value) -> Value {
    let again = |why: &str| {
        let tool = recollect["tool"].as_str().unwrap_or("collect");
        call(tool, recollect["arguments"].clone(), why)
    };
    match outcome {
        "invalid_credentials" | "forbidden" | "not_found" | "unexpected_response" => again(
            "tell the person what `reason` says; they enter corrected credentials in the form",
        ),
        "missing_credentials" | "bad_value" => {
            again("the person enters the credentials (a value as `reason` says)")
        }
        "bad_check" => call(
            "validate",
            json!({"source": source}),
            "after the auth check file is filled in or fixed (its TODO, as `reason` says)",
        ),
        "rate_limited" | "server_error" | "unreachable" | "timeout" => call(
            "validate",
            json!({"source": source}),
            "later: the API gave no verdict and the credentials were not judged; do not collect again",
        ),
        _ => Value::Null,
    }
}

/// After `validate` on one source.
pub fn after_validate(source: &str, outcome: &str) -> Value {
    after_verdict(
        source,
        outcome,
        json!({"tool": "collect", "arguments": {"source": source}}),
    )
}

/// After a `collect` that ended with `status`.
pub fn after_collect(source: &str, status: &str) -> Value {
    match status {
        "saved" => call(
            "validate",
            json!({"source": source}),
            "to prove the saved credentials work",
        ),
        "pending" => call(
            "collect_status",
            json!({"source": source}),
            "every few seconds until its status is saved or cancelled",
        ),
        _ => call(
            "collect",
            json!({"source": source}),
            "only when the person wants to enter the credentials again",
        ),
    }
}

/// After `authenticate` stopped at `step` with `exit`; `outcome` is the
/// verdict of its validate step, when it got there.
pub fn after_stop(source: &str, step: u64, exit: u8, outcome: Option<&str>) -> Value {
    let again = json!({"tool": "authenticate", "arguments": {"source": source, "recollect": true}});
    match step {
        1 if exit == 1 => call(
            "lint",
            json!({"source": source}),
            "to see the spec's errors; fix them in the file, then call authenticate again",
        ),
        1 => call(
            "authenticate",
            json!({"source": source}),
            "after the source's API doc (or its connector_spec.yaml) is written",
        ),
        2 => call(
            "authenticate",
            json!({"source": source, "recollect": true}),
            "only when the person wants to enter the credentials again",
        ),
        _ => match outcome {
            Some(outcome) => after_verdict(source, outcome, again),
            None => call(
                "validate",
                json!({"source": source}),
                "after what `reason` says is fixed",
            ),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_next_step_is_a_tool_call_never_a_shell_command() {
        let all = [
            after_spec("acme", "kept"),
            after_spec("acme", "drafted"),
            after_spec("acme", "not_drafted"),
            after_validate("acme", "invalid_credentials"),
            after_validate("acme", "bad_check"),
            after_validate("acme", "timeout"),
            after_collect("acme", "saved"),
            after_collect("acme", "pending"),
            after_collect("acme", "cancelled"),
            after_stop("acme", 1, 1, None),
            after_stop("acme", 2, 1, None),
            after_stop("acme", 3, 1, Some("invalid_credentials")),
            after_stop("acme", 3, 3, Some("unreachable")),
        ];
        let tools = [
            "sources",
            "lint",
            "spec",
            "collect",
            "validate",
            "authenticate",
            "collect_status",
        ];
        for next in &all {
            let tool = next["tool"].as_str().unwrap_or_default();
            assert!(tools.contains(&tool), "{next}");
            assert_eq!(next["arguments"]["source"], "acme", "{next}");
            assert!(!next.to_string().contains("connector-auth"), "{next}");
        }
        assert_eq!(after_validate("acme", "ok"), Value::Null);
        assert_eq!(
            after_stop("acme", 3, 1, Some("forbidden"))["tool"],
            "authenticate"
        );
        assert_eq!(
            after_stop("acme", 3, 1, Some("forbidden"))["arguments"]["recollect"],
            true
        );
        assert_eq!(after_validate("acme", "forbidden")["tool"], "collect");
    }
}
