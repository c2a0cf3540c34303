//! The collect runs of this session, by source: pending while the form is
//! open, then their final answer. `collect_status` reads them; a client
//! without URL elicitation polls it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde_json::Value;

/// The default time a form stays open under MCP, in seconds.
pub const DEFAULT_COLLECT_TIMEOUT: u64 = 600;

/// One collect (or authenticate) run for a source.
#[derive(Debug, Clone)]
pub enum Job {
    /// The form is open at `url` (none yet while it starts).
    Pending { url: Option<String> },
    /// The run ended; this is the answer its tool call gave or would give.
    Done(Value),
}

#[derive(Debug, Clone, Default)]
pub struct Jobs(Arc<Mutex<HashMap<String, Job>>>);

impl Jobs {
    fn with<T>(&self, f: impl FnOnce(&mut HashMap<String, Job>) -> T) -> T {
        f(&mut self.0.lock().unwrap_or_else(|e| e.into_inner()))
    }

    pub fn get(&self, source: &str) -> Option<Job> {
        self.with(|jobs| jobs.get(source).cloned())
    }

    /// Marks a run as started; `false` when one is already pending.
    pub fn start(&self, source: &str) -> bool {
        self.with(|jobs| match jobs.get(source) {
            Some(Job::Pending { .. }) => false,
            _ => {
                jobs.insert(source.to_string(), Job::Pending { url: None });
                true
            }
        })
    }

    pub fn listening(&self, source: &str, url: &str) {
        self.with(|jobs| {
            jobs.insert(
                source.to_string(),
                Job::Pending {
                    url: Some(url.to_string()),
                },
            )
        });
    }

    pub fn finish(&self, source: &str, answer: Value) {
        self.with(|jobs| jobs.insert(source.to_string(), Job::Done(answer)));
    }
}
