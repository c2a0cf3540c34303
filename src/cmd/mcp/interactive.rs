//! collect and authenticate under MCP: the form server starts as the
//! command starts it; once it listens, the client is asked to send the
//! person to it (`elicitation/create`, mode `url`). The tool answers when
//! the form is saved, declined or cancelled, or times out, after telling
//! the client the elicitation is complete. A client that cannot elicit a
//! URL gets the URL at once, and `collect_status` follows the run.

use std::path::PathBuf;
use std::time::Duration;

use rmcp::model::{CustomNotification, ElicitationAction, ServerNotification};
use rmcp::service::{ElicitationMode, RequestContext};
use rmcp::{Peer, RoleServer};
use serde_json::json;

use super::answer::{self, Answer, CollectState};
use super::call::{self, Finished};
use super::jobs::{DEFAULT_COLLECT_TIMEOUT, Job, Jobs};
use crate::cli::SourceCollectArgs;
use crate::collect::Stop;
use crate::ops::authenticate::AuthenticateOptions;
use crate::report::eprint;
use crate::workspace::Workspace;

/// A run that opens the form.
pub enum Interactive {
    Collect(SourceCollectArgs),
    Authenticate(AuthenticateOptions),
}

impl Interactive {
    fn parts(&self) -> (&crate::workspace::SourceName, &crate::cli::CollectArgs) {
        match self {
            Interactive::Collect(a) => (&a.source, &a.collect),
            Interactive::Authenticate(a) => (&a.source, &a.collect),
        }
    }

    fn execute(
        self,
        workspace: &Workspace,
        stop: Stop,
        printer: &mut crate::report::Printer,
    ) -> Result<crate::error::Exit, crate::error::Error> {
        match self {
            Interactive::Collect(args) => crate::ops::collect::run(
                workspace,
                &args.source,
                &args.collect,
                Some(stop),
                printer,
            ),
            Interactive::Authenticate(mut options) => {
                options.stop = Some(stop);
                crate::ops::authenticate::run(workspace, options, printer)
            }
        }
    }
}

/// What the run's answer needs once it is over.
struct Ending {
    source: String,
    output: PathBuf,
    /// `output` was the model's choice, not the default.
    chosen: bool,
    url: Option<String>,
}

impl Ending {
    /// The answer of a finished run: the saved file and its parameter
    /// names (read back from the file: names only).
    fn answer(&self, finished: &Finished, elicitation: &str) -> Answer {
        let saved = finished.event("saved").map(|_| {
            let names = std::fs::read_to_string(&self.output)
                .ok()
                .and_then(|t| {
                    serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&t).ok()
                })
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default();
            (self.output.display().to_string(), names)
        });
        let state = CollectState {
            source: &self.source,
            url: self.url.as_deref(),
            elicitation,
            saved,
        };
        answer::collect(finished, &state)
    }
}

/// Runs `job` to its end, eliciting the form's URL from the client.
pub async fn run(
    workspace: &Workspace,
    jobs: &Jobs,
    job: Interactive,
    context: RequestContext<RoleServer>,
) -> Answer {
    let (source, settings) = job.parts();
    let source = source.clone();
    let name = source.to_string();
    let timeout = settings.timeout.unwrap_or(DEFAULT_COLLECT_TIMEOUT);
    let output = settings
        .output
        .clone()
        .unwrap_or_else(|| workspace.paths(&source).credentials);
    let output = std::path::absolute(&output).unwrap_or(output);
    let chosen = settings.output.is_some();
    if !jobs.start(&name) {
        return already_open(jobs, &name);
    }
    let (stop, stop_signal) = Stop::new();

    let (live, mut events) = tokio::sync::mpsc::unbounded_channel();
    let workspace = workspace.clone();
    let mut finish = call::spawn(
        move |printer| job.execute(&workspace, stop_signal, printer),
        Some(live),
    );
    let mut ending = Ending {
        source: name.clone(),
        output,
        chosen,
        url: None,
    };

    // Wait for the form to listen, or for the run to end without one
    // (a spec that stops it, saved credentials reused, an error).
    while let Some(event) = events.recv().await {
        if event["event"] == "listening" {
            ending.url = event["url"].as_str().map(str::to_string);
            break;
        }
    }
    let Some(url) = ending.url.clone() else {
        let finished = joined(&mut finish).await;
        let answer = ending.answer(&finished, "not_needed");
        jobs.finish(&name, answer.value.clone());
        return answer;
    };
    jobs.listening(&name, &url);

    let peer = context.peer.clone();
    if !peer
        .supported_elicitation_modes()
        .contains(&ElicitationMode::Url)
    {
        eprint(&format!(
            "collect {name}: the client declared no URL elicitation; the form's URL is in the answer"
        ));
        follow(jobs.clone(), finish, ending, "unsupported");
        return answer::pending(&name, &url, "unsupported", timeout);
    }

    let open = OpenForm {
        jobs,
        name: &name,
        url: &url,
        timeout,
    };
    open.wait_for_person(&context, peer, finish, ending, stop)
        .await
}

/// The answer when a collect for `name` is already open.
fn already_open(jobs: &Jobs, name: &str) -> Answer {
    let url = match jobs.get(name) {
        Some(Job::Pending { url }) => url,
        _ => None,
    };
    Answer::refused(format!(
        "a collect for `{name}` is already open{}; let the person finish it, or call collect_status",
        url.map(|u| format!(" at {u}")).unwrap_or_default()
    ))
}

/// A form that listens, and the run behind it.
struct OpenForm<'a> {
    jobs: &'a Jobs,
    name: &'a str,
    url: &'a str,
    timeout: u64,
}

impl OpenForm<'_> {
    /// Asks the client to send the person to the form, and answers once
    /// the run ends (or at once, `pending`, when the elicitation fails).
    async fn wait_for_person(
        &self,
        context: &RequestContext<RoleServer>,
        peer: Peer<RoleServer>,
        mut finish: tokio::task::JoinHandle<Finished>,
        ending: Ending,
        stop: crate::collect::StopSender,
    ) -> Answer {
        let (jobs, name, url, timeout) = (self.jobs, self.name, self.url, self.timeout);
        let id = match crate::collect::server::random_hex(16) {
            Ok(id) => id,
            Err(e) => {
                follow(jobs.clone(), finish, ending, "failed");
                return answer::pending(name, url, &format!("failed: no randomness: {e}"), timeout);
            }
        };
        // The default path is this server's own words; a path the model
        // chose is left out (it is in the answer), so no text of the
        // model's reaches the dialog the person reads as the server's.
        let saved_to = if ending.chosen {
            "a private file in this workspace".to_string()
        } else {
            crate::report::printable(&ending.output.display().to_string())
        };
        let message = format!(
            "connector-auth needs the credentials of the `{name}` source. Open the local form to \
             enter them: they go from your browser to connector-auth on this machine only, never \
             through the assistant, and are saved to {saved_to}."
        );
        eprint(&format!(
            "collect {name}: asking the client to open {url} (URL elicitation {id})"
        ));
        let mut elicit = Box::pin(elicit(peer.clone(), message, url.to_string(), id.clone()));
        let mut answered = false;
        let mut withdrawn = false;
        let finished = loop {
            tokio::select! {
                finished = &mut finish => break finished.unwrap_or_else(stopped_unexpectedly),
                action = &mut elicit, if !answered => {
                    answered = true;
                    match action {
                        Ok(ElicitationAction::Accept) => {
                            eprint(&format!("collect {name}: the person accepted; waiting for the form"));
                        }
                        Ok(other) => {
                            eprint(&format!("collect {name}: the person answered {other:?}; closing the form"));
                            stop.fire();
                        }
                        Err(why) => {
                            eprint(&format!("collect {name}: URL elicitation failed ({why}); the URL is in the answer"));
                            follow(jobs.clone(), finish, ending, "failed");
                            return answer::pending(name, url, &format!("failed: {why}"), timeout);
                        }
                    }
                }
                () = context.ct.cancelled(), if !withdrawn => {
                    withdrawn = true;
                    eprint(&format!("collect {name}: the client cancelled the call; closing the form"));
                    stop.fire();
                }
            }
        };
        complete(&peer, &id).await;
        if !answered {
            // Let a client that answers after the form (it waited for Save)
            // finish its answer before this one.
            let _ = tokio::time::timeout(Duration::from_secs(3), &mut elicit).await;
        }
        let answer = ending.answer(&finished, "url");
        jobs.finish(name, answer.value.clone());
        answer
    }
}

/// Asks the client to send the person to `url`.
async fn elicit(
    peer: Peer<RoleServer>,
    message: String,
    url: String,
    id: String,
) -> Result<ElicitationAction, String> {
    let parsed = url::Url::parse(&url).map_err(|e| e.to_string())?;
    peer.elicit_url(message, parsed, id)
        .await
        .map_err(|e| e.to_string())
}

/// Tells the client the out-of-band interaction `id` is over.
async fn complete(peer: &Peer<RoleServer>, id: &str) {
    let notification = CustomNotification::new(
        "notifications/elicitation/complete",
        Some(json!({"elicitationId": id})),
    );
    if let Err(e) = peer
        .send_notification(ServerNotification::CustomNotification(notification))
        .await
    {
        eprint(&format!(
            "could not send notifications/elicitation/complete: {e}"
        ));
    }
}

async fn joined(finish: &mut tokio::task::JoinHandle<Finished>) -> Finished {
    finish.await.unwrap_or_else(stopped_unexpectedly)
}

fn stopped_unexpectedly(e: tokio::task::JoinError) -> Finished {
    Finished {
        exit: 3,
        error: Some(format!("internal error: the collect stopped: {e}")),
        ..Finished::default()
    }
}

/// Lets the run go on after the tool answered; its answer goes to
/// `collect_status`.
fn follow(
    jobs: Jobs,
    mut finish: tokio::task::JoinHandle<Finished>,
    ending: Ending,
    elicitation: &'static str,
) {
    tokio::spawn(async move {
        let finished = joined(&mut finish).await;
        let answer = ending.answer(&finished, elicitation);
        eprint(&format!(
            "collect {}: {}",
            ending.source,
            answer.value["status"].as_str().unwrap_or("over")
        ));
        jobs.finish(&ending.source, answer.value);
    });
}
