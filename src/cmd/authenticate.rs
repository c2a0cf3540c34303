//! `authenticate`: the three steps in order, each gated by the one before:
//! keep or draft the spec (lint errors stop here), collect (or reuse) the
//! credentials, validate them. On a stop it says which step, why, and the
//! exact command to go on from there.

use std::io::IsTerminal;

use crate::cli::{AuthenticateArgs, SourceCollectArgs, ValidateArgs};
use crate::error::{Error, Exit};
use crate::report::{Event, Printer};
use crate::store::{KeyringError, Store, StoreError};
use crate::workspace::Workspace;

use super::shown;

/// A line for people; a `note` event with `--json`.
fn say(printer: &mut Printer, text: &str) -> std::io::Result<()> {
    if printer.is_json() {
        printer.event(&Event::Note(text))
    } else {
        printer.line(text)
    }
}

pub fn run(
    workspace: &Workspace,
    args: &AuthenticateArgs,
    printer: &mut Printer,
) -> Result<Exit, Error> {
    let paths = workspace.source(&args.source)?;
    let name = args.source.as_str();
    let again = args
        .resume_with
        .clone()
        .unwrap_or_else(|| format!("connector-auth authenticate {name}"));

    // Where the credentials go, asked first: a keyring that cannot be
    // reached stops here (exit 2), before any step writes anything.
    let collect_args = SourceCollectArgs {
        source: args.source.clone(),
        collect: args.collect.clone(),
    };
    let output = super::collect::store(workspace, &collect_args, &paths)?;
    let saved = match &output {
        Store::File(path) => path.is_file(),
        Store::Keyring(entry) => match entry.get() {
            Ok(found) => found.is_some(),
            // There, though not readable as credentials: collect replaces it.
            Err(KeyringError::Unreadable(_)) => false,
            Err(err) => return Err(StoreError::Keyring(err).into()),
        },
    };
    let shown_output = match &output {
        Store::File(path) => shown(path),
        Store::Keyring(entry) => entry.to_string(),
    };

    printer.event(&Event::Step {
        number: 1,
        name: "spec",
    })?;
    if paths.spec.is_file() {
        if let Err(err) = super::collect::usable_spec(&paths, printer.color()) {
            let reason = err.to_string();
            let resume = format!("fix {}, then run `{again}`", shown(&paths.spec));
            printer.event(&Event::Stopped {
                step: 1,
                reason: &reason,
                resume: &resume,
            })?;
            return Ok(Exit::Negative);
        }
        say(printer, &format!("kept {}", shown(&paths.spec)))?;
    } else {
        let exit = match super::spec::step_one(&paths, false, printer) {
            Ok(exit) => exit,
            Err(err) => {
                let reason = err.to_string();
                let resume =
                    format!("add the API doc or write the spec by hand, then run `{again}`");
                printer.event(&Event::Stopped {
                    step: 1,
                    reason: &reason,
                    resume: &resume,
                })?;
                return Ok(err.exit());
            }
        };
        if exit != Exit::Done {
            let resume = format!("write or fix {}, then run `{again}`", shown(&paths.spec));
            printer.event(&Event::Stopped {
                step: 1,
                reason: "no usable spec could be drafted from the API doc",
                resume: &resume,
            })?;
            return Ok(exit);
        }
    }

    printer.event(&Event::Step {
        number: 2,
        name: "collect",
    })?;
    let collect = if !saved || args.recollect {
        true
    } else if args.reuse {
        false
    } else if std::io::stdin().is_terminal() && std::io::stderr().is_terminal() {
        !dialoguer::Confirm::new()
            .with_prompt(format!(
                "Credentials are saved at {shown_output}. Use them?"
            ))
            .default(true)
            .interact()
            .unwrap_or(true)
    } else {
        false
    };
    if collect {
        // Save runs the auth check first (when one can run): the page shows
        // the verdict and stays open on a negative one.
        let verifier = super::collect::usable_spec(&paths, printer.color())
            .ok()
            .and_then(|spec| super::validate::verifier(&paths, &spec, printer.color()));
        let exit = super::collect::run_checked(workspace, &collect_args, printer, verifier)?;
        if exit != Exit::Done {
            printer.event(&Event::Stopped {
                step: 2,
                reason: "no credentials were saved",
                resume: &format!("run `{again}` again"),
            })?;
            return Ok(exit);
        }
    } else {
        say(
            printer,
            &format!(
                "using the credentials saved at {shown_output} (--recollect enters them again)"
            ),
        )?;
    }

    printer.event(&Event::Step {
        number: 3,
        name: "validate",
    })?;
    let validate_args = ValidateArgs {
        sources: vec![args.source.clone()],
        config: args.collect.output.clone(),
        jobs: 1,
        json: args.collect.json.clone(),
        ..ValidateArgs::default()
    };
    let from_keyring = matches!(output, Store::Keyring(_));
    let exit = super::validate::run_reading(workspace, &validate_args, printer, from_keyring)?;
    if exit != Exit::Done {
        let reason = match exit {
            Exit::NoVerdict => {
                "the API could not be reached or gave no verdict (network, timeout, rate limit or server error); the credentials were not judged"
            }
            Exit::Input => {
                "the auth check could not run: it needs filling in (a TODO), a value cannot be used as typed, or credentials are missing"
            }
            _ => "the credentials did not pass the auth check",
        };
        let resume = match &args.resume_with {
            Some(cmd) => format!("run `{cmd}` again"),
            None if exit == Exit::NoVerdict => format!(
                "try again later with `connector-auth validate {name}` (the credentials are saved)"
            ),
            None if exit == Exit::Input => format!(
                "fill in or fix {}, then `connector-auth validate {name}`",
                shown(&paths.auth_check)
            ),
            None => format!(
                "fix what the verdict says, then `connector-auth validate {name}`; to enter other credentials, `{again} --recollect`"
            ),
        };
        printer.event(&Event::Stopped {
            step: 3,
            reason,
            resume: &resume,
        })?;
        return Ok(exit);
    }
    printer.event(&Event::Authenticated { source: name })?;
    Ok(Exit::Done)
}
