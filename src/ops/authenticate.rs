//! `authenticate` as an operation: the three steps in order, each gated by
//! the one before: keep or draft the spec (lint errors stop here), collect
//! (or reuse) the credentials with the check on Save, validate them. On a
//! stop it says which step, why, and the exact command to go on from there.
//!
//! An operation (see docs/architecture.md): it may import the steps, the readers and base modules.

use std::io::IsTerminal;

use crate::cli::{CollectArgs, ValidateArgs};
use crate::collect::page::Audience;
use crate::error::{Error, Exit};
use crate::report::{Event, Printer, shown};
use crate::spec;
use crate::store::{Held, Store, StoreError};
use crate::workspace::{SourceName, SourcePaths, Workspace};

use super::{check_on_save, collect, spec as spec_step, validate};

/// What `authenticate` is asked to do.
pub struct AuthenticateOptions {
    pub source: SourceName,
    pub collect: CollectArgs,
    /// When credentials are already saved, use them without asking.
    pub reuse: bool,
    /// When credentials are already saved, collect them again without asking.
    pub recollect: bool,
    /// The command a stop names to go on (`demo` names itself: its
    /// workspace is gone when it ends); by default `authenticate <source>`.
    pub resume_with: Option<String>,
    /// Ends the browser form early, as declined (the MCP server fires it).
    pub stop: Option<crate::collect::Stop>,
}

/// One run of `authenticate`: what every step needs.
struct Steps<'a> {
    workspace: &'a Workspace,
    options: &'a AuthenticateOptions,
    paths: SourcePaths,
    output: Store,
    /// The command that starts again.
    again: String,
    stop: Option<crate::collect::Stop>,
}

/// `authenticate <source>`.
pub fn run(
    workspace: &Workspace,
    mut options: AuthenticateOptions,
    printer: &mut Printer,
) -> Result<Exit, Error> {
    let paths = workspace.source(&options.source)?;
    let again = options
        .resume_with
        .clone()
        .unwrap_or_else(|| format!("connector-auth authenticate {}", options.source));
    // Where the credentials go, asked first: a keyring that cannot be
    // reached stops here (exit 2), before any step writes anything.
    let output = collect::output(workspace, &paths, &options.collect)?;
    let saved = matches!(
        output.held().map_err(StoreError::Keyring)?,
        Held::Readable(_)
    );
    let stop = options.stop.take();
    let steps = Steps {
        workspace,
        options: &options,
        stop,
        paths,
        output,
        again,
    };
    let mut steps = steps;
    let mut exit = steps.spec(printer)?;
    if exit == Exit::Done {
        exit = steps.collect(saved, printer)?;
    }
    if exit == Exit::Done {
        exit = steps.validate(printer)?;
    }
    if exit != Exit::Done {
        return Ok(exit);
    }
    printer.event(&Event::Authenticated {
        source: options.source.as_str(),
    })?;
    Ok(Exit::Done)
}

/// A line for people; a `note` event with `--json`.
fn say(printer: &mut Printer, text: &str) -> std::io::Result<()> {
    if printer.is_json() {
        printer.event(&Event::Note(text))
    } else {
        printer.line(text)
    }
}

/// Says that `authenticate` stopped at `step`, why, and how to go on.
fn stopped(printer: &mut Printer, step: u8, reason: &str, resume: &str) -> Result<(), Error> {
    printer.event(&Event::Stopped {
        step,
        reason,
        resume,
    })?;
    Ok(())
}

impl Steps<'_> {
    fn name(&self) -> &str {
        self.options.source.as_str()
    }

    /// Step 1: keep a usable spec, or draft one.
    fn spec(&self, printer: &mut Printer) -> Result<Exit, Error> {
        printer.event(&Event::Step {
            number: 1,
            name: "spec",
        })?;
        let (again, spec_path) = (&self.again, shown(&self.paths.spec));
        if self.paths.spec.is_file() {
            if let Err(err) = spec::load_usable(&self.paths, printer.color()) {
                let resume = format!("fix {spec_path}, then run `{again}`");
                stopped(printer, 1, &err.to_string(), &resume)?;
                return Ok(Exit::Negative);
            }
            say(printer, &format!("kept {spec_path}"))?;
            return Ok(Exit::Done);
        }
        let exit = match spec_step::step_one(&self.paths, false, printer) {
            Ok(exit) => exit,
            Err(err) => {
                let resume =
                    format!("add the API doc or write the spec by hand, then run `{again}`");
                stopped(printer, 1, &err.to_string(), &resume)?;
                return Ok(err.exit());
            }
        };
        if exit != Exit::Done {
            let resume = format!("write or fix {spec_path}, then run `{again}`");
            let reason = "no usable spec could be drafted from the API doc";
            stopped(printer, 1, reason, &resume)?;
        }
        Ok(exit)
    }

    /// Whether to collect: yes when nothing is saved or `--recollect`;
    /// no with `--reuse`; otherwise the person is asked at a terminal.
    fn collect_again(&self, saved: bool) -> bool {
        if !saved || self.options.recollect {
            return true;
        }
        if self.options.reuse
            || !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal())
        {
            return false;
        }
        !dialoguer::Confirm::new()
            .with_prompt(format!(
                "Credentials are saved at {}. Use them?",
                self.shown_output()
            ))
            .default(true)
            .interact()
            .unwrap_or(true)
    }

    fn shown_output(&self) -> String {
        match &self.output {
            Store::File(path) => shown(path),
            Store::Keyring(entry) => entry.to_string(),
        }
    }

    /// Step 2: collect the credentials (with the check on Save), or reuse
    /// the saved ones.
    fn collect(&mut self, saved: bool, printer: &mut Printer) -> Result<Exit, Error> {
        printer.event(&Event::Step {
            number: 2,
            name: "collect",
        })?;
        if !self.collect_again(saved) {
            let again = match self.options.collect.audience {
                Audience::Assistant => "`recollect: true` enters them again",
                _ => "--recollect enters them again",
            };
            let text = format!(
                "using the credentials saved at {} ({again})",
                self.shown_output()
            );
            say(printer, &text)?;
            return Ok(Exit::Done);
        }
        let settings = &self.options.collect;
        let mut prepared = collect::prepare(self.workspace, &self.paths, settings, printer)?;
        let verifier = check_on_save::verifier(&self.paths, &prepared.spec);
        prepared.check_shown = verifier
            .as_ref()
            .and_then(|_| check_on_save::sends(&self.paths, &prepared.spec));
        let shown_spec = prepared.check_shown.as_ref().map(|_| prepared.spec.clone());
        let outcome = collect::ask(prepared, settings, self.stop.take(), verifier, printer)?;
        let exit = collect::ended(&outcome, printer)?;
        if let (Audience::Demo { kept: false, .. }, Exit::Done) =
            (&self.options.collect.audience, exit)
        {
            say(
                printer,
                "the demo's workspace, this file with it, is removed when the demo ends",
            )?;
        }
        if exit != Exit::Done {
            let resume = format!("run `{}` again", self.again);
            stopped(printer, 2, "no credentials were saved", &resume)?;
        } else {
            collect::keep_shown_check(&self.paths, shown_spec.as_ref());
        }
        Ok(exit)
    }

    /// Step 3: validate what was saved (from the keyring entry alone when
    /// the credentials went there).
    fn validate(&self, printer: &mut Printer) -> Result<Exit, Error> {
        printer.event(&Event::Step {
            number: 3,
            name: "validate",
        })?;
        let args = ValidateArgs {
            sources: vec![self.options.source.clone()],
            config: self.options.collect.output.clone(),
            jobs: 1,
            json: self.options.collect.json.clone(),
            ..ValidateArgs::default()
        };
        let from_keyring = matches!(self.output, Store::Keyring(_));
        let exit = validate::run(self.workspace, &args, printer, from_keyring)?;
        if exit != Exit::Done {
            let (reason, resume) = self.validate_stop(exit);
            stopped(printer, 3, reason, &resume)?;
        }
        Ok(exit)
    }

    /// Why validation stopped `authenticate`, and how to go on.
    fn validate_stop(&self, exit: Exit) -> (&'static str, String) {
        let name = self.name();
        let reason = match exit {
            Exit::NoVerdict => {
                "the API could not be reached or gave no verdict (network, timeout, rate limit or server error); the credentials were not judged"
            }
            Exit::Input => {
                "the auth check could not run: it needs filling in (a TODO), a value cannot be used as typed, or credentials are missing"
            }
            _ => "the credentials did not pass the auth check",
        };
        let resume = match &self.options.resume_with {
            Some(cmd) => format!("run `{cmd}` again"),
            None if exit == Exit::NoVerdict => format!(
                "try again later with `connector-auth validate {name}` (the credentials are saved)"
            ),
            None if exit == Exit::Input => format!(
                "fill in or fix {}, then `connector-auth validate {name}`",
                shown(&self.paths.auth_check)
            ),
            None => format!(
                "fix what the verdict says, then `connector-auth validate {name}`; to enter other credentials, `{} --recollect`",
                self.again
            ),
        };
        (reason, resume)
    }
}
