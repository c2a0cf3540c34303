//! Shell completion, driven by the binary itself: `completions <shell>`
//! prints a small script that asks `connector-auth` for the candidates of
//! the word being completed (clap_complete's environment-driven engine,
//! `COMPLETE=<shell>`). Commands, flags, their values and the source names
//! of the workspace named on the line being completed are all offered.

use std::ffi::{OsStr, OsString};
use std::sync::OnceLock;

use clap::CommandFactory;
use clap_complete::CompletionCandidate;
use clap_complete::engine::ValueCompleter;
use clap_complete::env::{Bash, EnvCompleter, Fish, Zsh};

use crate::cli::{Cli, Shell};
use crate::error::{Error, Exit};
use crate::workspace::Workspace;

/// The environment variable the completion scripts set to ask for candidates.
const VAR: &str = "COMPLETE";
/// The command the scripts complete.
const NAME: &str = "connector-auth";

/// The workspace flags of the line being completed, for [`sources`].
static LINE: OnceLock<Vec<OsString>> = OnceLock::new();

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
    let _ = LINE.set(line);
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

/// The source names of the workspace the line being completed names
/// (`--root`, `--sources-dir`, `--tests-dir`), else of the current folder's.
pub fn sources() -> Vec<CompletionCandidate> {
    let line = LINE.get().map(Vec::as_slice).unwrap_or_default();
    let root = flag(line, "--root");
    let sources_dir = flag(line, "--sources-dir");
    let tests_dir = flag(line, "--tests-dir");
    let Ok(workspace) = Workspace::from_env(
        root.as_deref().map(std::path::Path::new),
        sources_dir.as_deref().map(std::path::Path::new),
        tests_dir.as_deref().map(std::path::Path::new),
    ) else {
        return Vec::new();
    };
    workspace
        .sources()
        .unwrap_or_default()
        .into_iter()
        .map(|name| CompletionCandidate::new(name.as_str()))
        .collect()
}

/// `lint`'s targets: the source names starting with `current`, then files.
pub fn sources_or_files(current: &OsStr) -> Vec<CompletionCandidate> {
    let typed = current.to_string_lossy();
    let mut found: Vec<CompletionCandidate> = sources()
        .into_iter()
        .filter(|c| c.get_value().to_string_lossy().starts_with(typed.as_ref()))
        .collect();
    found.extend(clap_complete::engine::PathCompleter::any().complete(current));
    found
}

/// The value of `--name VALUE` or `--name=VALUE` on `line` (the last one).
fn flag(line: &[OsString], name: &str) -> Option<OsString> {
    let mut found = None;
    let mut words = line.iter();
    while let Some(word) = words.next() {
        if word == name {
            found = words.next().cloned();
        } else if let Some(value) = word
            .to_str()
            .and_then(|w| w.strip_prefix(name))
            .and_then(|w| w.strip_prefix('='))
        {
            found = Some(OsStr::new(value).to_os_string());
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::flag;
    use std::ffi::OsString;

    fn line(words: &[&str]) -> Vec<OsString> {
        words.iter().map(OsString::from).collect()
    }

    #[test]
    fn workspace_flags_are_read_in_both_spellings() {
        let words = line(&[
            "connector-auth",
            "--root",
            "/r",
            "validate",
            "--tests-dir=t",
            "",
        ]);
        assert_eq!(flag(&words, "--root"), Some("/r".into()));
        assert_eq!(flag(&words, "--tests-dir"), Some("t".into()));
        assert_eq!(flag(&words, "--sources-dir"), None);
        assert_eq!(flag(&line(&["x", "--root"]), "--root"), None);
    }
}
