//! Where a connectors repository keeps each source's files: root discovery,
//! validated source names, and every path of the layout (spec, API doc,
//! tests folder, credentials file, auth check).
//!
//! A base module (see docs/architecture.md): it imports only base modules.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// Where sources live under the root unless `--sources-dir` says otherwise.
pub const SOURCES_PREFIX: &str = "src/databricks/labs/community_connector/sources";
/// Where source tests live under the root unless `--tests-dir` says otherwise.
pub const TESTS_PREFIX: &str = "tests/unit/sources";

/// A source's name: `[a-z0-9_]+`, checked before any path is built from it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SourceName(String);

/// Why a string is not a source name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{given}` is not a source name: {why} (a source name is lowercase letters, digits and `_`, like `zendesk` or `google_ads`)"
)]
pub struct BadSourceName {
    pub given: String,
    pub why: &'static str,
}

impl FromStr for SourceName {
    type Err = BadSourceName;

    fn from_str(s: &str) -> Result<SourceName, BadSourceName> {
        let bad = |why| {
            Err(BadSourceName {
                given: s.chars().flat_map(char::escape_default).collect(),
                why,
            })
        };
        if s.is_empty() {
            return bad("it is empty");
        }
        if s.len() > 100 {
            return bad("it is longer than 100 characters");
        }
        if s.contains(['/', '\\']) || s.contains("..") {
            return bad("it contains a path");
        }
        if s.chars().any(|c| c.is_ascii_uppercase()) {
            return bad("it has uppercase letters");
        }
        if !s
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        {
            return bad("it has characters other than a-z, 0-9 and _");
        }
        Ok(SourceName(s.to_string()))
    }
}

impl SourceName {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SourceName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Why the workspace could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum WorkspaceError {
    #[error("the root folder {} does not exist or is not a folder", .0.display())]
    RootNotFound(PathBuf),
    #[error("cannot tell the current folder: {0}")]
    NoCurrentDir(#[source] std::io::Error),
    #[error("unknown source `{name}`: there is no folder {}{}", folder.display(), known_hint(known))]
    UnknownSource {
        name: SourceName,
        folder: PathBuf,
        known: Vec<SourceName>,
    },
    #[error("cannot list {}: {source}", path.display())]
    List {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

fn known_hint(known: &[SourceName]) -> String {
    match known.len() {
        0 => " (no sources found there)".to_string(),
        1..=12 => format!(
            " (known: {})",
            known
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        n => format!(" ({n} sources found; `connector-auth sources` lists them)"),
    }
}

/// The repository root and the two folder prefixes.
#[derive(Debug, Clone)]
pub struct Workspace {
    root: PathBuf,
    sources_dir: PathBuf,
    tests_dir: PathBuf,
}

/// Every path that belongs to one source.
#[derive(Debug, Clone)]
pub struct SourcePaths {
    pub name: SourceName,
    pub folder: PathBuf,
    pub spec: PathBuf,
    /// `<source>_api_doc.md`, else the only `*_api_doc.md` in the folder.
    pub api_doc: Option<PathBuf>,
    pub tests: PathBuf,
    pub credentials: PathBuf,
    pub auth_check: PathBuf,
}

impl Workspace {
    /// Sets up the workspace: `root` when given (it must exist), else the
    /// nearest ancestor of `cwd` holding `pyproject.toml` or `.git`, else `cwd`.
    /// Relative `sources_dir` and `tests_dir` are taken from the root.
    pub fn discover(
        root: Option<&Path>,
        sources_dir: Option<&Path>,
        tests_dir: Option<&Path>,
        cwd: &Path,
    ) -> Result<Workspace, WorkspaceError> {
        let root = match root {
            Some(root) => {
                let root = cwd.join(root);
                if !root.is_dir() {
                    return Err(WorkspaceError::RootNotFound(root));
                }
                root
            }
            None => cwd
                .ancestors()
                .find(|dir| dir.join("pyproject.toml").is_file() || dir.join(".git").exists())
                .unwrap_or(cwd)
                .to_path_buf(),
        };
        Ok(Workspace {
            sources_dir: root.join(sources_dir.unwrap_or(Path::new(SOURCES_PREFIX))),
            tests_dir: root.join(tests_dir.unwrap_or(Path::new(TESTS_PREFIX))),
            root,
        })
    }

    /// From the process's own arguments and current folder.
    pub fn from_env(
        root: Option<&Path>,
        sources_dir: Option<&Path>,
        tests_dir: Option<&Path>,
    ) -> Result<Workspace, WorkspaceError> {
        let cwd = std::env::current_dir().map_err(WorkspaceError::NoCurrentDir)?;
        Workspace::discover(root, sources_dir, tests_dir, &cwd)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn sources_dir(&self) -> &Path {
        &self.sources_dir
    }

    /// The paths of `name`, whether or not its folder exists.
    pub fn paths(&self, name: &SourceName) -> SourcePaths {
        let folder = self.sources_dir.join(name.as_str());
        let tests = self.tests_dir.join(name.as_str());
        SourcePaths {
            spec: folder.join("connector_spec.yaml"),
            api_doc: api_doc(&folder, name),
            credentials: tests.join("configs").join("dev_config.json"),
            auth_check: tests.join("auth_check.yaml"),
            name: name.clone(),
            folder,
            tests,
        }
    }

    /// The paths of an existing source; an unknown one is an error that
    /// lists the known sources.
    pub fn source(&self, name: &SourceName) -> Result<SourcePaths, WorkspaceError> {
        let paths = self.paths(name);
        if paths.folder.is_dir() {
            return Ok(paths);
        }
        Err(WorkspaceError::UnknownSource {
            name: name.clone(),
            folder: paths.folder,
            known: self.sources().unwrap_or_default(),
        })
    }

    /// Every source folder, sorted: a folder with a valid name, not starting
    /// with `_`, holding a spec, an API doc or Python code.
    pub fn sources(&self) -> Result<Vec<SourceName>, WorkspaceError> {
        let entries = match std::fs::read_dir(&self.sources_dir) {
            Ok(entries) => entries,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => {
                return Err(WorkspaceError::List {
                    path: self.sources_dir.clone(),
                    source,
                });
            }
        };
        let mut names: Vec<SourceName> = entries
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .filter_map(|e| e.file_name().to_str()?.parse::<SourceName>().ok())
            .filter(|n| !n.as_str().starts_with('_'))
            .filter(|n| {
                let folder = self.sources_dir.join(n.as_str());
                folder.join("connector_spec.yaml").is_file()
                    || api_doc(&folder, n).is_some()
                    || has_python(&folder)
            })
            .collect();
        names.sort();
        Ok(names)
    }
}

impl SourcePaths {
    /// The source's OpenAPI description, preferred to the API doc for auth
    /// facts: `openapi.{json,yaml,yml}`, else `<source>_openapi.{json,yaml,yml}`.
    pub fn openapi(&self) -> Option<PathBuf> {
        let name = self.name.as_str();
        ["openapi".to_string(), format!("{name}_openapi")]
            .iter()
            .flat_map(|stem| ["json", "yaml", "yml"].map(|ext| format!("{stem}.{ext}")))
            .map(|file| self.folder.join(file))
            .find(|p| p.is_file())
    }
}

fn has_python(folder: &Path) -> bool {
    std::fs::read_dir(folder).is_ok_and(|entries| {
        entries
            .filter_map(Result::ok)
            .any(|e| e.path().extension().is_some_and(|x| x == "py"))
    })
}

fn api_doc(folder: &Path, name: &SourceName) -> Option<PathBuf> {
    let own = folder.join(format!("{name}_api_doc.md"));
    if own.is_file() {
        return Some(own);
    }
    let mut docs = std::fs::read_dir(folder)
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.is_file()
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.ends_with("_api_doc.md"))
        });
    match (docs.next(), docs.next()) {
        (Some(only), None) => Some(only),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_names_are_checked() {
        assert!("zendesk".parse::<SourceName>().is_ok());
        assert!("google_ads2".parse::<SourceName>().is_ok());
        for bad in ["", "Zendesk", "../etc", "a/b", "a-b", "a b", "é", "a\0b"] {
            assert!(bad.parse::<SourceName>().is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn bad_name_message_escapes_control_characters() {
        let err = "a\nb".parse::<SourceName>().unwrap_err();
        assert!(!err.to_string().contains('\n'));
    }
}
