//! Shell completion, driven by the binary itself: `completions <shell>`
//! prints a small script that asks `connector-auth` for the candidates of
//! the word being completed (clap_complete's environment-driven engine,
//! `COMPLETE=<shell>`). Commands, flags, their values and the source names
//! of the workspace named on the line being completed are all offered.
//!
//! A command (see docs/architecture.md): it calls operations and base modules, never another command.

use std::ffi::OsString;

use clap::CommandFactory;
use clap_complete::env::{Bash, EnvCompleter, Fish, Zsh};

use crate::cli::{Cli, Shell};
use crate::error::{Error, Exit};

/// The environment variable the completion scripts set to ask for candidates.
const VAR: &str = "COMPLETE";
/// The command the scripts complete.
const NAME: &str = "connector-auth";

/// `completions <shell>`: the script to source (or install) for `shell`.
pub fn run(shell: Shell) -> Result<Exit, Error> {
    // The script calls back the binary as it was called here, as clap's
    // `COMPLETE=<shell> connector-auth` would write it.
    // A bare name is found on PATH again; a path is made absolute, so the
    // script works from any folder.
    let called = std::env::args_os()
        .next()
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| NAME.into());
    let called = if called.components().count() > 1 {
        std::path::absolute(&called).unwrap_or(called)
    } else {
        called
    };
    let completer = called.to_string_lossy().into_owned();
    let target: &dyn EnvCompleter = match shell {
        Shell::Bash => &Bash,
        Shell::Zsh => &Zsh,
        Shell::Fish => &Fish,
    };
    let mut out = std::io::stdout().lock();
    target
        .write_registration(VAR, NAME, NAME, &completer, &mut out)
        .map_err(Error::Output)?;
    Ok(Exit::Done)
}

/// When the environment asks for completions (`COMPLETE=<shell>`), writes
/// them and returns true: the process then ends without running a command.
pub fn answer_if_asked(args: &[OsString]) -> bool {
    if std::env::var_os(VAR).is_none_or(|v| v.is_empty() || v == "0") {
        return false;
    }
    let line = args
        .iter()
        .skip_while(|a| *a != "--")
        .skip(1)
        .cloned()
        .collect();
    crate::complete::remember_line(line);
    let current_dir = std::env::current_dir().ok();
    match clap_complete::CompleteEnv::with_factory(Cli::command)
        .var(VAR)
        .bin(NAME)
        .try_complete(args.iter().cloned(), current_dir.as_deref())
    {
        Ok(answered) => answered,
        Err(err) => {
            let _ = err.print();
            true
        }
    }
}
