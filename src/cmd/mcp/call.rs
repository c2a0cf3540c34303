//! Runs one command the way its `--json` form would, on a thread of its
//! own, with a printer that keeps its output instead of writing to stdout
//! (stdout carries the protocol). What the command printed becomes the
//! tool's answer; its messages for people are kept beside it.
//!
//! Part of the MCP front end, in the command layer (see docs/architecture.md).

use serde_json::Value;
use tokio::sync::mpsc::UnboundedSender;

use crate::error::{Error, Exit};
use crate::report::{self, Captured, Printer};

/// What a command did, as a tool answer is made from it.
#[derive(Debug, Clone, Default)]
pub struct Finished {
    /// The exit code the command would have ended with.
    pub exit: u8,
    /// The error that ended it before a verdict, if any.
    pub error: Option<String>,
    /// The JSON objects it printed, in order (its `--json` output).
    pub events: Vec<Value>,
    /// Text it printed as is (a draft under `print`).
    pub text: String,
    /// Its notes, warnings and findings for people (stderr in a terminal).
    pub messages: Vec<String>,
}

impl Finished {
    /// The printed objects whose `event` is `name`.
    pub fn event(&self, name: &str) -> Option<&Value> {
        self.events.iter().find(|e| e["event"] == name)
    }
}

/// Runs `command` on a blocking thread; every JSON object it prints is also
/// sent to `live` as it happens (collect's `listening` event).
pub fn spawn<F>(
    command: F,
    live: Option<UnboundedSender<Value>>,
) -> tokio::task::JoinHandle<Finished>
where
    F: FnOnce(&mut Printer) -> Result<Exit, Error> + Send + 'static,
{
    tokio::task::spawn_blocking(move || {
        report::keep_messages();
        let (mut printer, output) = Printer::capture(live);
        let result = command(&mut printer);
        drop(printer);
        let mut finished = Finished {
            messages: report::kept_messages(),
            ..Finished::default()
        };
        for item in output.take() {
            match item {
                Captured::Json(value) => finished.events.push(value),
                Captured::Text(text) => finished.text.push_str(&text),
            }
        }
        match result {
            Ok(exit) => finished.exit = exit.code(),
            Err(err) => {
                finished.exit = err.exit().code();
                finished.error = Some(err.to_string());
            }
        }
        finished
    })
}

/// Runs `command` to its end.
pub async fn run<F>(command: F) -> Finished
where
    F: FnOnce(&mut Printer) -> Result<Exit, Error> + Send + 'static,
{
    spawn(command, None).await.unwrap_or_else(|e| Finished {
        exit: Exit::NoVerdict.code(),
        error: Some(format!("internal error: the command stopped: {e}")),
        ..Finished::default()
    })
}
