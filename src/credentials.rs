//! Base module: credentials as plain data, and the credentials file — a
//! flat JSON object of strings, written atomically (temp file in the same
//! folder, then rename) with mode 0600. Where credentials are looked for,
//! in the documented precedence, and the OS keyring live in `store`.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::secret::Secret;

/// The environment variable holding credentials as inline JSON.
pub const ENV_JSON: &str = "CONNECTOR_TEST_CONFIG_JSON";
/// The environment variable holding the path of a credentials file.
pub const ENV_PATH: &str = "CONNECTOR_TEST_CONFIG_PATH";
/// Credentials files larger than this are refused.
const MAX_BYTES: u64 = 1024 * 1024;

/// Parameter values in the order they were given; every value a [`Secret`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Credentials {
    entries: Vec<(String, Secret)>,
}

impl Credentials {
    pub fn new() -> Credentials {
        Credentials::default()
    }

    /// Sets `name`, replacing an earlier value.
    pub fn insert(&mut self, name: &str, value: Secret) {
        match self.entries.iter_mut().find(|(n, _)| n == name) {
            Some(entry) => entry.1 = value,
            None => self.entries.push((name.to_string(), value)),
        }
    }

    /// Removes `name`, returning its value.
    pub fn remove(&mut self, name: &str) -> Option<Secret> {
        let at = self.entries.iter().position(|(n, _)| n == name)?;
        Some(self.entries.remove(at).1)
    }

    pub fn get(&self, name: &str) -> Option<&Secret> {
        self.entries.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &Secret)> {
        self.entries.iter().map(|(n, v)| (n.as_str(), v))
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn to_value(&self) -> serde_json::Value {
        serde_json::Value::Object(
            self.entries
                .iter()
                .map(|(n, v)| (n.clone(), serde_json::Value::String(v.expose().to_string())))
                .collect(),
        )
    }

    /// The file's content (and the keyring entry's): pretty JSON, keys in order.
    pub fn to_json(&self) -> String {
        let mut text =
            serde_json::to_string_pretty(&self.to_value()).unwrap_or_else(|_| "{}".to_string());
        text.push('\n');
        text
    }

    /// The same object on one line, as `CONNECTOR_TEST_CONFIG_JSON` holds it.
    pub fn to_compact_json(&self) -> String {
        serde_json::to_string(&self.to_value()).unwrap_or_else(|_| "{}".to_string())
    }

    /// Parses a credentials JSON object. Strings, numbers and booleans are
    /// taken as strings, null as absent; anything else is refused by key.
    /// Error messages never quote the text (it holds secrets).
    pub fn from_json(text: &str, origin: &Origin) -> Result<Credentials, CredentialsError> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|err| CredentialsError::Json {
                origin: origin.clone(),
                line: err.line(),
                column: err.column(),
                problem: match err.classify() {
                    serde_json::error::Category::Eof => "the JSON ends too early",
                    _ => "the JSON is malformed",
                },
            })?;
        let serde_json::Value::Object(map) = value else {
            return Err(CredentialsError::NotObject(origin.clone()));
        };
        let mut credentials = Credentials::new();
        for (name, value) in map {
            let text = match value {
                serde_json::Value::String(s) => s,
                serde_json::Value::Number(n) => n.to_string(),
                serde_json::Value::Bool(b) => b.to_string(),
                serde_json::Value::Null => continue,
                _ => {
                    return Err(CredentialsError::NotFlat {
                        origin: origin.clone(),
                        key: name,
                    });
                }
            };
            credentials.insert(&name, Secret::new(text));
        }
        Ok(credentials)
    }
}

/// Where credentials were read from, named in every message about them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// `--config PATH`
    Flag(PathBuf),
    /// `--config-dir DIR` → `DIR/<source>.json`
    ConfigDir(PathBuf),
    /// `CONNECTOR_TEST_CONFIG_JSON`
    EnvJson,
    /// `CONNECTOR_TEST_CONFIG_PATH`
    EnvPath(PathBuf),
    /// The source's `dev_config.json`.
    Default(PathBuf),
    /// The source's OS keyring entry, by its name (read by `store`).
    Keyring(String),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Flag(p) => write!(f, "{} (from --config)", p.display()),
            Origin::ConfigDir(p) => write!(f, "{} (from --config-dir)", p.display()),
            Origin::EnvJson => write!(f, "the JSON in ${ENV_JSON}"),
            Origin::EnvPath(p) => write!(f, "{} (from ${ENV_PATH})", p.display()),
            Origin::Default(p) => write!(f, "{} (the default credentials file)", p.display()),
            Origin::Keyring(entry) => f.write_str(entry),
        }
    }
}

impl Origin {
    /// Picks where to read credentials: `--config`, else `--config-dir`,
    /// else the two environment variables, else the default file.
    pub fn locate(
        config: Option<&Path>,
        config_dir: Option<&Path>,
        source: &str,
        default: &Path,
        env: impl Fn(&str) -> Option<String>,
    ) -> Origin {
        if let Some(path) = config {
            return Origin::Flag(path.to_path_buf());
        }
        if let Some(dir) = config_dir {
            return Origin::ConfigDir(dir.join(format!("{source}.json")));
        }
        if env(ENV_JSON).is_some_and(|v| !v.trim().is_empty()) {
            return Origin::EnvJson;
        }
        if let Some(path) = env(ENV_PATH).filter(|v| !v.trim().is_empty()) {
            return Origin::EnvPath(PathBuf::from(path));
        }
        Origin::Default(default.to_path_buf())
    }

    /// The file behind this origin, if it is one.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Origin::Flag(p) | Origin::ConfigDir(p) | Origin::EnvPath(p) | Origin::Default(p) => {
                Some(p)
            }
            Origin::EnvJson | Origin::Keyring(_) => None,
        }
    }

    /// Reads the credentials a file or the environment holds. A keyring
    /// entry is read by `store`; here it holds nothing.
    pub fn read(
        &self,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Credentials, CredentialsError> {
        let text = match self {
            Origin::EnvJson => env(ENV_JSON).unwrap_or_default(),
            Origin::Keyring(_) => return Err(CredentialsError::Missing(self.clone())),
            Origin::Flag(path)
            | Origin::ConfigDir(path)
            | Origin::EnvPath(path)
            | Origin::Default(path) => read_file(path, self)?,
        };
        Credentials::from_json(&text, self)
    }
}

fn read_file(path: &Path, origin: &Origin) -> Result<String, CredentialsError> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|err| match err.kind() {
        std::io::ErrorKind::NotFound => CredentialsError::Missing(origin.clone()),
        _ => CredentialsError::Read {
            origin: origin.clone(),
            source: err,
        },
    })?;
    let mut text = String::new();
    file.take(MAX_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(|source| CredentialsError::Read {
            origin: origin.clone(),
            source,
        })?;
    if text.len() as u64 > MAX_BYTES {
        return Err(CredentialsError::TooLarge(origin.clone()));
    }
    Ok(text)
}

/// What went wrong reading or writing credentials. No variant holds a value.
#[derive(Debug, thiserror::Error)]
pub enum CredentialsError {
    #[error("no credentials: {0} does not exist")]
    Missing(Origin),
    #[error("cannot read {origin}: {source}")]
    Read {
        origin: Origin,
        #[source]
        source: std::io::Error,
    },
    #[error("{0} is larger than 1 MiB")]
    TooLarge(Origin),
    #[error("{origin}: {problem} at line {line}, column {column}")]
    Json {
        origin: Origin,
        line: usize,
        column: usize,
        problem: &'static str,
    },
    #[error("{0}: expected a JSON object of parameter names to values")]
    NotObject(Origin),
    #[error(
        "{origin}: the value of `{key}` is a list or an object; values must be strings, numbers or booleans"
    )]
    NotFlat { origin: Origin, key: String },
    #[error("cannot save credentials to {}: {source}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Writes `credentials` to `path` atomically (see [`crate::atomic`]): mode
/// 0600, a missing folder created 0700. If `path` is a symlink, the link
/// itself is replaced, never the file it points to.
pub fn write(path: &Path, credentials: &Credentials) -> Result<(), CredentialsError> {
    crate::atomic::write(
        path,
        credentials.to_json().as_bytes(),
        crate::atomic::Access::Private,
    )
    .map_err(|source| CredentialsError::Write {
        path: path.to_path_buf(),
        source,
    })
}

/// Whether git would commit a file at `path`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GitExposure {
    /// Not in a git work tree, or ignored by it.
    Safe,
    /// Inside the work tree at `repo` and not ignored: `git add` would take it.
    NotIgnored {
        repo: PathBuf,
        real: Option<PathBuf>,
    },
    /// Inside a work tree, but git could not be asked.
    Unknown {
        repo: PathBuf,
        real: Option<PathBuf>,
    },
}

/// Where a file at `path` really lands: its folders' symlinks resolved (the
/// file itself is replaced, never followed, so only the folders count).
/// `None` when that is `path` itself.
pub fn real_location(path: &Path) -> Option<PathBuf> {
    let absolute = std::path::absolute(path).ok()?;
    let folder = absolute.parent()?;
    let existing = folder.ancestors().find(|d| d.exists())?;
    let resolved = std::fs::canonicalize(existing).ok()?;
    let rest = absolute.strip_prefix(existing).ok()?;
    let real = resolved.join(rest);
    (real != absolute).then_some(real)
}

/// Asks git whether `path` (which need not exist) is ignored by the work
/// tree holding it. Git is the authority on its own ignore rules (nested
/// `.gitignore`s, `info/exclude`, global excludes), so it is asked directly
/// — about the real path, when a folder on the way is a symlink (git does
/// not look through links, and the file lands where the link points).
pub fn git_exposure(path: &Path) -> GitExposure {
    let real = real_location(path);
    let absolute = match &real {
        Some(r) => r.clone(),
        None => std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()),
    };
    let Some(folder) = absolute.parent() else {
        return GitExposure::Safe;
    };
    let Some(repo) = folder.ancestors().find(|d| d.join(".git").exists()) else {
        return GitExposure::Safe;
    };
    let Ok(relative) = absolute.strip_prefix(repo) else {
        return GitExposure::Safe;
    };
    let status = std::process::Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(["check-ignore", "-q", "--"])
        .arg(relative)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status();
    let repo = repo.to_path_buf();
    match status.map(|s| s.code()) {
        Ok(Some(0)) => GitExposure::Safe,
        Ok(Some(1)) => GitExposure::NotIgnored { repo, real },
        _ => GitExposure::Unknown { repo, real },
    }
}

impl GitExposure {
    /// What to tell the person, if anything. `shown` is the path as given.
    pub fn warning(&self, shown: &str) -> Option<String> {
        let (repo, real, verdict) = match self {
            GitExposure::Safe => return None,
            GitExposure::NotIgnored { repo, real } => (
                repo,
                real,
                "is not ignored by it: `git add` would commit the credentials; add it to .gitignore",
            ),
            GitExposure::Unknown { repo, real } => {
                (repo, real, "git could not say whether it is ignored")
            }
        };
        Some(match real {
            Some(real) => format!(
                "{shown} goes through a symlinked folder: the file lands at {}, inside the git work tree at {}, and {verdict}",
                real.display(),
                repo.display()
            ),
            None => format!(
                "{shown} lies inside the git work tree at {} and {verdict}",
                repo.display()
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_none(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn precedence_flag_dir_env_json_env_path_default() {
        let default = Path::new("/d/dev_config.json");
        let locate = |config: Option<&str>, dir: Option<&str>, json: bool, path: bool| {
            Origin::locate(
                config.map(Path::new),
                dir.map(Path::new),
                "zendesk",
                default,
                |k| match k {
                    ENV_JSON if json => Some("{}".into()),
                    ENV_PATH if path => Some("/e.json".into()),
                    _ => None,
                },
            )
        };
        assert_eq!(
            locate(Some("/c.json"), Some("/s"), true, true),
            Origin::Flag("/c.json".into())
        );
        assert_eq!(
            locate(None, Some("/s"), true, true),
            Origin::ConfigDir("/s/zendesk.json".into())
        );
        assert_eq!(locate(None, None, true, true), Origin::EnvJson);
        assert_eq!(
            locate(None, None, false, true),
            Origin::EnvPath("/e.json".into())
        );
        assert_eq!(
            locate(None, None, false, false),
            Origin::Default(default.into())
        );
    }

    #[test]
    fn values_may_be_numbers_and_booleans() {
        let c = Credentials::from_json(r#"{"a":"x","b":5,"c":true,"d":null}"#, &Origin::EnvJson)
            .unwrap();
        assert_eq!(c.get("b").map(Secret::expose), Some("5"));
        assert_eq!(c.get("c").map(Secret::expose), Some("true"));
        assert!(!c.contains("d"));
    }

    #[test]
    fn errors_never_quote_the_content() {
        let origin = Origin::EnvJson;
        let err = Credentials::from_json(r#"{"token": "s3cr3t-value""#, &origin).unwrap_err();
        let text = err.to_string();
        assert!(!text.contains("s3cr3t"), "{text}");
        assert!(text.contains("CONNECTOR_TEST_CONFIG_JSON"), "{text}");
        let err = Credentials::from_json(r#"{"token": ["s3cr3t"]}"#, &origin).unwrap_err();
        assert!(!err.to_string().contains("s3cr3t"));
        assert!(err.to_string().contains("`token`"));
        assert!(matches!(
            Credentials::from_json("[1]", &origin),
            Err(CredentialsError::NotObject(_))
        ));
        let _ = env_none("x");
    }

    #[test]
    fn missing_file_names_the_origin() {
        let origin = Origin::Default("/nowhere/dev_config.json".into());
        let err = origin.read(env_none).unwrap_err();
        assert_eq!(
            err.to_string(),
            "no credentials: /nowhere/dev_config.json (the default credentials file) does not exist"
        );
    }

    #[cfg(unix)]
    #[test]
    fn written_atomically_with_private_modes() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("configs/nested/dev_config.json");
        let mut c = Credentials::new();
        c.insert("api_key", Secret::new("k"));
        c.insert("email", Secret::new("a@b.c"));
        write(&path, &c).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(path.parent().unwrap()), 0o700);
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "{\n  \"api_key\": \"k\",\n  \"email\": \"a@b.c\"\n}\n"
        );
        let leftovers: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
        let back = Origin::Flag(path.clone()).read(env_none).unwrap();
        assert_eq!(back, c);
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_is_replaced_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("elsewhere.json");
        std::fs::write(&target, "untouched").unwrap();
        let link = dir.path().join("dev_config.json");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        write(&link, &Credentials::new()).unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "untouched");
        assert!(
            !std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }

    #[test]
    fn insert_replaces_remove_takes_and_order_is_kept() {
        let mut c = Credentials::new();
        assert!(c.is_empty());
        c.insert("b", Secret::new("1"));
        c.insert("a", Secret::new("2"));
        c.insert("b", Secret::new("3"));
        assert!(!c.is_empty());
        assert!(c.contains("a") && c.contains("b") && !c.contains("c"));
        let names: Vec<&str> = c.iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["b", "a"]);
        assert_eq!(c.get("b").map(Secret::expose), Some("3"));
        assert_eq!(c.remove("c"), None);
        assert_eq!(c.remove("b").as_ref().map(Secret::expose), Some("3"));
        assert!(!c.contains("b"));
        assert_eq!(c.remove("a").as_ref().map(Secret::expose), Some("2"));
        assert!(c.is_empty());
    }

    #[test]
    fn compact_json_is_one_line_in_order() {
        let mut c = Credentials::new();
        c.insert("token", Secret::new("t\"1"));
        c.insert("host", Secret::new("h"));
        assert_eq!(c.to_compact_json(), r#"{"token":"t\"1","host":"h"}"#);
        assert_eq!(Credentials::new().to_compact_json(), "{}");
        let back = Credentials::from_json(&c.to_compact_json(), &Origin::EnvJson).unwrap();
        assert_eq!(back, c);
    }

    #[test]
    fn json_errors_say_whether_the_text_ends_early() {
        let err = Credentials::from_json(r#"{"a": "b""#, &Origin::EnvJson).unwrap_err();
        assert!(err.to_string().contains("the JSON ends too early"), "{err}");
        let err = Credentials::from_json("{\n  \"a\": b}", &Origin::EnvJson).unwrap_err();
        assert!(
            err.to_string()
                .ends_with("the JSON is malformed at line 2, column 8"),
            "{err}"
        );
    }

    #[test]
    fn blank_environment_values_are_passed_over() {
        let default = Path::new("/d/dev_config.json");
        let locate = |json: &str, path: &str| {
            Origin::locate(None, None, "s", default, |k| match k {
                ENV_JSON => Some(json.to_string()),
                ENV_PATH => Some(path.to_string()),
                _ => None,
            })
        };
        assert_eq!(locate(" ", "/e.json"), Origin::EnvPath("/e.json".into()));
        assert_eq!(locate("", "  "), Origin::Default(default.into()));
        assert_eq!(locate("{}", ""), Origin::EnvJson);
    }

    #[test]
    fn origins_name_themselves_and_their_files() {
        let p = PathBuf::from("/x/c.json");
        let cases = [
            (Origin::Flag(p.clone()), "/x/c.json (from --config)", true),
            (
                Origin::ConfigDir(p.clone()),
                "/x/c.json (from --config-dir)",
                true,
            ),
            (
                Origin::EnvJson,
                "the JSON in $CONNECTOR_TEST_CONFIG_JSON",
                false,
            ),
            (
                Origin::EnvPath(p.clone()),
                "/x/c.json (from $CONNECTOR_TEST_CONFIG_PATH)",
                true,
            ),
            (
                Origin::Default(p.clone()),
                "/x/c.json (the default credentials file)",
                true,
            ),
            (Origin::Keyring("entry k".into()), "entry k", false),
        ];
        for (origin, shown, file) in cases {
            assert_eq!(origin.to_string(), shown);
            assert_eq!(origin.path(), file.then_some(p.as_path()), "{shown}");
        }
    }

    #[test]
    fn the_environment_and_the_keyring_are_read_as_they_should_be() {
        let env = |k: &str| (k == ENV_JSON).then(|| r#"{"a":"1"}"#.to_string());
        let c = Origin::EnvJson.read(env).unwrap();
        assert_eq!(c.get("a").map(Secret::expose), Some("1"));
        assert!(matches!(
            Origin::Keyring("k".into()).read(env),
            Err(CredentialsError::Missing(_))
        ));
    }

    #[test]
    fn a_file_of_one_mebibyte_is_read_and_a_larger_one_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.json");
        let padded = |len: usize| {
            let mut text = String::from(r#"{"a":"1"}"#);
            text.push_str(&" ".repeat(len - text.len()));
            text
        };
        std::fs::write(&path, padded(1024 * 1024)).unwrap();
        let c = Origin::Flag(path.clone()).read(env_none).unwrap();
        assert_eq!(c.get("a").map(Secret::expose), Some("1"));
        std::fs::write(&path, padded(1024 * 1024 + 1)).unwrap();
        assert!(matches!(
            Origin::Flag(path.clone()).read(env_none),
            Err(CredentialsError::TooLarge(_))
        ));
        std::fs::write(&path, padded(4096)).unwrap();
        assert!(Origin::Flag(path).read(env_none).is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn a_folder_behind_a_symlink_has_a_real_location() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real");
        std::fs::create_dir(&real).unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let resolved = std::fs::canonicalize(&real).unwrap();
        assert_eq!(
            real_location(&link.join("new/dev_config.json")),
            Some(resolved.join("new/dev_config.json"))
        );
        let plain = std::fs::canonicalize(dir.path())
            .unwrap()
            .join("real/c.json");
        assert_eq!(real_location(&plain), None);
    }

    #[test]
    fn git_is_asked_whether_the_file_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let repo = std::fs::canonicalize(dir.path()).unwrap();
        let git = |args: &[&str]| {
            std::process::Command::new("git")
                .arg("-C")
                .arg(&repo)
                .args(args)
                .status()
                .is_ok_and(|s| s.success())
        };
        assert!(git(&["init", "-q"]), "git is needed for this test");
        std::fs::write(repo.join(".gitignore"), "ignored.json\n").unwrap();
        assert_eq!(git_exposure(&repo.join("ignored.json")), GitExposure::Safe);
        let exposed = git_exposure(&repo.join("sub/dev_config.json"));
        assert_eq!(
            exposed,
            GitExposure::NotIgnored {
                repo: repo.clone(),
                real: None
            }
        );
        let warning = exposed.warning("sub/dev_config.json").unwrap();
        assert_eq!(
            warning,
            format!(
                "sub/dev_config.json lies inside the git work tree at {} and is not ignored by it: `git add` would commit the credentials; add it to .gitignore",
                repo.display()
            )
        );
        let outside = tempfile::tempdir().unwrap();
        assert_eq!(
            git_exposure(&outside.path().join("c.json")),
            GitExposure::Safe
        );
        assert_eq!(GitExposure::Safe.warning("x"), None);
    }

    #[test]
    fn warnings_name_the_real_place_and_what_git_said() {
        let unknown = GitExposure::Unknown {
            repo: "/r".into(),
            real: Some("/r/real/c.json".into()),
        };
        assert_eq!(
            unknown.warning("link/c.json").unwrap(),
            "link/c.json goes through a symlinked folder: the file lands at /r/real/c.json, inside the git work tree at /r, and git could not say whether it is ignored"
        );
    }
}
