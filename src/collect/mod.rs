//! Step 2 (`collect`): get the credentials from a person, through the local
//! browser form or terminal prompts, and save them. This module runs a
//! browser collect from start to finish; `form` holds what is asked,
//! `server` and `page` the browser side, `terminal` the prompts, `save` the
//! one save path and `verifier` the seam of the check on Save. It imports
//! no other step (`draft`, `check`); it uses `oauth`, `store` and `spec`.

pub mod flow;
pub mod form;
mod markdown;
pub mod page;
pub mod save;
pub mod server;
pub mod terminal;
pub mod verifier;

use std::time::Duration;

use crate::report::{Event, Printer};
use crate::store::Store;

pub use form::Form;
pub use verifier::{CheckResult, OAuthEdits, Verifier};

/// How a collect ended when it did not fail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Collected {
    /// The credentials were saved here.
    Saved(Store),
    /// Nothing was written.
    Cancelled(Cancel),
}

/// Why nothing was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cancel {
    Interrupted,
    /// The person declined or dismissed the form where it was offered.
    Declined,
    /// The person clicked Cancel in the form.
    CancelledInForm,
    TimedOut(Duration),
    /// Standard input ended before this required value was given.
    InputEnded(String),
    /// The check on Save did not accept the credentials, and the person
    /// chose not to save them anyway.
    NotAccepted,
}

impl std::fmt::Display for Cancel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Cancel::Interrupted => f.write_str("interrupted"),
            Cancel::Declined => f.write_str("declined"),
            Cancel::CancelledInForm => f.write_str("the person clicked Cancel in the form"),
            Cancel::TimedOut(d) => write!(f, "timed out after {} s", d.as_secs()),
            Cancel::InputEnded(name) => write!(f, "input ended before `{name}` was given"),
            Cancel::NotAccepted => f.write_str("the auth check did not accept the credentials"),
        }
    }
}

/// How the browser form is served.
pub struct BrowserSettings {
    pub port: Option<u16>,
    pub open: bool,
    pub timeout: Option<Duration>,
    /// Ends the run as [`Cancel::Declined`] when signalled.
    pub stop: Option<Stop>,
    /// Reported right after `listening`, which is always the first thing
    /// an agent reads: warnings (a file git would commit) and notes.
    pub after_listening: Vec<Said>,
}

/// A warning or a note, said once the form listens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Said {
    Warning(String),
    Note(String),
}

/// A signal that ends a browser collect early, as declined. Made with
/// [`Stop::new`]; the [`StopSender`] fires it.
#[derive(Debug, Clone)]
pub struct Stop(tokio::sync::watch::Receiver<bool>);

/// Fires a [`Stop`].
#[derive(Debug)]
pub struct StopSender(tokio::sync::watch::Sender<bool>);

impl Stop {
    pub fn new() -> (StopSender, Stop) {
        let (tx, rx) = tokio::sync::watch::channel(false);
        (StopSender(tx), Stop(rx))
    }

    /// Resolves once the sender fires (never, when it is dropped unfired).
    async fn fired(&mut self) {
        if self.0.wait_for(|stop| *stop).await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

impl StopSender {
    pub fn fire(&self) {
        let _ = self.0.send(true);
    }
}

/// Resolves when `stop` fires; never without one.
async fn stopped(stop: Option<Stop>) {
    match stop {
        Some(mut stop) => stop.fired().await,
        None => std::future::pending().await,
    }
}

/// Serves the form until it is saved, the time runs out, or the person
/// interrupts. `run` is built by `make_run` once the port is known.
pub fn browser(
    settings: &BrowserSettings,
    printer: &mut Printer,
    make_run: impl FnOnce(u16) -> Result<server::FormState, crate::error::Error>,
) -> Result<Collected, crate::error::Error> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(crate::error::Error::Output)?;
    runtime.block_on(async {
        let mut interrupts = Interrupts::listen();
        let listening = server::bind(settings.port)?;
        let port = listening.port;
        let run = std::sync::Arc::new(make_run(port)?);
        let url = format!("http://localhost:{port}");
        printer.event(&Event::Listening { url: &url, port })?;
        for said in &settings.after_listening {
            printer.event(&match said {
                Said::Warning(text) => Event::Warning(text),
                Said::Note(text) => Event::Note(text),
            })?;
        }
        if let Some(requested) = listening.moved_from {
            let oauth_user = run.form.methods.iter().map(Some).chain([None]).any(|m| {
                run.form.oauth(m).is_some_and(|o| o.flow().is_user())
            });
            printer.event(&Event::PortMoved {
                requested,
                port,
                redirect_uri: oauth_user.then_some(run.redirect_uri.as_str()),
            })?;
        }
        let (shutdown, _) = tokio::sync::watch::channel(false);
        let mut servers = Vec::new();
        for listener in listening.listeners {
            let app = server::app(run.clone());
            servers.push(tokio::spawn(crate::loopback::serve(
                listener,
                app,
                shutdown.subscribe(),
            )));
        }
        if settings.open {
            let target = url.clone();
            let opened = tokio::task::spawn_blocking(move || webbrowser::open(&target)).await;
            if !matches!(opened, Ok(Ok(()))) {
                printer.event(&Event::Note("could not open a browser; open the URL above yourself"))?;
            }
        }
        let spinner = printer.spinner("waiting for the form to be saved (Ctrl+C cancels)");
        let mut done = run.done_receiver();
        let mut cancelled = run.cancel_receiver();
        let outcome = tokio::select! {
            saved = done.wait_for(Option::is_some) => match saved.ok().and_then(|p| p.clone()) {
                Some(store) => Collected::Saved(store),
                None => Collected::Cancelled(Cancel::Interrupted),
            },
            () = interrupts.recv() => Collected::Cancelled(Cancel::Interrupted),
            _ = cancelled.wait_for(|c| *c) => Collected::Cancelled(Cancel::CancelledInForm),
            () = stopped(settings.stop.clone()) => Collected::Cancelled(Cancel::Declined),
            () = sleep_or_forever(settings.timeout) => Collected::Cancelled(Cancel::TimedOut(settings.timeout.unwrap_or_default())),
        };
        spinner.finish_and_clear();
        if matches!(outcome, Collected::Saved(_)) {
            for note in run.notes().await {
                printer.event(&Event::Warning(&note))?;
            }
        }
        let _ = shutdown.send(true);
        for server in servers {
            let _ = tokio::time::timeout(Duration::from_secs(3), server).await;
        }
        Ok(outcome)
    })
}

/// Sleeps for `timeout`, or forever when there is none.
pub(crate) async fn sleep_or_forever(timeout: Option<Duration>) {
    match timeout {
        Some(t) => tokio::time::sleep(t).await,
        None => std::future::pending().await,
    }
}

/// Ctrl+C, or SIGTERM on unix, listened for from the moment this is made
/// (so a signal that arrives before the waiting starts still counts).
pub struct Interrupts {
    #[cfg(unix)]
    signals: Option<(tokio::signal::unix::Signal, tokio::signal::unix::Signal)>,
}

impl Interrupts {
    /// Must be called inside a tokio runtime.
    pub fn listen() -> Interrupts {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let signals = signal(SignalKind::interrupt())
                .and_then(|int| signal(SignalKind::terminate()).map(|term| (int, term)))
                .ok();
            Interrupts { signals }
        }
        #[cfg(not(unix))]
        {
            Interrupts {}
        }
    }

    /// Resolves at the first interrupt.
    pub async fn recv(&mut self) {
        #[cfg(unix)]
        if let Some((int, term)) = self.signals.as_mut() {
            tokio::select! {
                _ = int.recv() => {}
                _ = term.recv() => {}
            }
            return;
        }
        let _ = tokio::signal::ctrl_c().await;
    }
}
