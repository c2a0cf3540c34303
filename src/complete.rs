//! The values a completing shell is offered for an argument: the source
//! names of the workspace named on the line being completed (`--root`,
//! `--sources-dir`, `--tests-dir`), else of the current folder's.

use std::ffi::{OsStr, OsString};
use std::sync::OnceLock;

use clap_complete::CompletionCandidate;
use clap_complete::engine::ValueCompleter;

use crate::workspace::Workspace;

/// The words of the line being completed.
static LINE: OnceLock<Vec<OsString>> = OnceLock::new();

/// Keeps the words of the line being completed, for [`sources`].
pub fn remember_line(words: Vec<OsString>) {
    let _ = LINE.set(words);
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
