//! Path arguments of the MCP tools. A model chooses them, so each is taken
//! relative to the workspace root and must stay inside it (symlinks
//! resolved); only regular files are read; and a file is replaced only when
//! it already holds a credentials JSON object.

use std::path::{Component, Path, PathBuf};

use crate::workspace::Workspace;

/// The most a credentials file may hold (as `credentials` reads it).
const MAX_CREDENTIALS_BYTES: u64 = 1024 * 1024;

/// `arg` resolved against the workspace root, refused when it leaves it.
pub fn inside(workspace: &Workspace, arg: &str) -> Result<PathBuf, String> {
    let root = resolved(workspace.root())
        .ok_or_else(|| "the workspace root cannot be resolved".to_string())?;
    let path = resolved(&workspace.root().join(arg))
        .ok_or_else(|| format!("`{}` cannot be resolved", crate::report::printable(arg)))?;
    if !path.starts_with(&root) {
        return Err(format!(
            "`{}` is outside the workspace: under MCP paths stay inside {} (give one relative to it)",
            crate::report::printable(arg),
            root.display()
        ));
    }
    Ok(path)
}

/// A file to read: inside the workspace, and a regular file (a FIFO or a
/// device would block the call or never end).
pub fn readable(workspace: &Workspace, arg: &str) -> Result<PathBuf, String> {
    let path = inside(workspace, arg)?;
    match std::fs::metadata(&path) {
        Ok(m) if m.is_file() => Ok(path),
        Ok(_) => Err(format!(
            "`{}` is not a regular file",
            crate::report::printable(arg)
        )),
        Err(e) => Err(format!("`{}`: {e}", crate::report::printable(arg))),
    }
}

/// A folder of per-source credentials files (`DIR/<source>.json`): inside
/// the workspace, and each `.json` file in it a regular file inside it too
/// (no symlink out, no FIFO).
pub fn credentials_dir(workspace: &Workspace, arg: &str) -> Result<PathBuf, String> {
    let dir = inside(workspace, arg)?;
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for entry in entries.filter_map(Result::ok) {
            let file = entry.path();
            if file.extension().is_some_and(|x| x == "json") {
                readable(workspace, &file.to_string_lossy())?;
            }
        }
    }
    Ok(dir)
}

/// Where credentials may be saved: inside the workspace, and either new or
/// a regular file that already holds a JSON object (credentials saved
/// before); any other file is never replaced.
pub fn credentials_target(workspace: &Workspace, arg: &str) -> Result<PathBuf, String> {
    let path = inside(workspace, arg)?;
    let shown = crate::report::printable(arg);
    let meta = match std::fs::metadata(&path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(path),
        Err(e) => return Err(format!("`{shown}`: {e}")),
    };
    let holds_credentials = meta.is_file()
        && meta.len() <= MAX_CREDENTIALS_BYTES
        && std::fs::read(&path)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
            .is_some_and(|v| v.is_object());
    if holds_credentials {
        Ok(path)
    } else {
        Err(format!(
            "`{shown}` exists and is not a credentials file (a JSON object): it is never replaced; choose another path"
        ))
    }
}

/// `path` absolute with `.` and `..` taken out by its text, then its
/// longest existing part with symlinks resolved and the rest appended: the
/// path every later open uses, so what is checked is what is opened.
fn resolved(path: &Path) -> Option<PathBuf> {
    let mut clean = PathBuf::new();
    for part in std::path::absolute(path).ok()?.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                clean.pop();
            }
            other => clean.push(other),
        }
    }
    let mut existing = clean.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = std::fs::canonicalize(existing) {
            let mut out = real;
            for part in rest.iter().rev() {
                out.push(part);
            }
            return Some(out);
        }
        rest.push(existing.file_name()?.to_owned());
        existing = existing.parent()?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workspace(root: &Path) -> Workspace {
        Workspace::discover(Some(root), None, None, root).unwrap()
    }

    #[cfg(unix)]
    #[test]
    fn paths_stay_inside_the_workspace() {
        let dir = tempfile::tempdir().unwrap();
        let ws = workspace(dir.path());
        let root = std::fs::canonicalize(dir.path()).unwrap();
        assert_eq!(inside(&ws, "a/b.json").unwrap(), root.join("a/b.json"));
        assert!(inside(&ws, "/etc/passwd").is_err());
        assert!(inside(&ws, "../outside.json").is_err());
        assert!(inside(&ws, "a/../../outside.json").is_err());
        std::os::unix::fs::symlink("/tmp", dir.path().join("link")).unwrap();
        assert!(inside(&ws, "link/x.json").is_err());
    }

    #[test]
    fn only_credentials_files_are_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let ws = workspace(dir.path());
        std::fs::write(dir.path().join("rc"), "export PATH=/bin\n").unwrap();
        std::fs::write(dir.path().join("c.json"), "{\"k\": \"v\"}").unwrap();
        assert!(credentials_target(&ws, "rc").is_err());
        assert!(credentials_target(&ws, "c.json").is_ok());
        assert!(credentials_target(&ws, "new.json").is_ok());
        assert!(credentials_target(&ws, ".").is_err());
    }
}
