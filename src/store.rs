//! Base module: where credentials are kept and found. Collected
//! credentials go to the source's `dev_config.json` (the ecosystem's
//! convention, the default) or an entry in the OS keyring (Secret Service
//! on Linux, Keychain on macOS, Credential Manager on Windows), holding the
//! same JSON object and writing no file. Reading follows the documented
//! precedence ([`Origin::locate`], then the keyring: [`read_or_keyring`]);
//! [`Store::held`] is the one answer to "are credentials stored?".
//!
//! Keyring entries are named, stably: service [`SERVICE`], account
//! `<workspace root>:<sources dir>:<source>` ([`account`]), the root an
//! absolute path with its symlinks resolved, the sources dir relative to it
//! (absolute when it lies elsewhere), each written exactly: `%`, `:` and
//! bytes that are not UTF-8 as `%XX`, so no two workspaces or sources dirs
//! share an entry. An entry stored under the account of earlier versions
//! (`<root>:<source>`) is read once, moved to its new name, and said so.
//! Saving again replaces the entry.
//!
//! A Secret Service without a default collection (gnome-keyring started
//! with no login password, WSL) still has its `session` collection, which
//! lasts as long as the daemon: the entry goes there, and `collect` says so.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::credentials::{self, Credentials, CredentialsError, Origin};
use crate::secret::Secret;
use crate::workspace::{SourcePaths, Workspace};

/// The keyring service every entry is stored under.
pub const SERVICE: &str = "connector-auth";

/// What to tell a person whose keyring cannot be reached.
const HINT: &str = "on Linux this needs a Secret Service (GNOME Keyring, KeePassXC) on the D-Bus session bus, unlocked; `--store file` (the default) keeps the credentials in the source's dev_config.json instead";

/// Where `collect` saves credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Store {
    /// A credentials file (the default file, or `--output`).
    File(PathBuf),
    /// The OS keyring entry of one source.
    Keyring(KeyringEntry),
}

/// Where collect keeps the credentials (`--store`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum StoreKind {
    /// The source's dev_config.json (mode 0600), or --output
    #[default]
    File,
    /// The OS keyring (service connector-auth, account <root>:<source>); no file
    Keyring,
}

/// What a store holds now.
#[derive(Debug)]
pub enum Held {
    Nothing,
    Readable(Credentials),
    /// There, but not readable as credentials (it will be replaced): why.
    Unreadable(String),
}

impl Store {
    /// Where `kind` (and `output`, for a file) says the credentials of the
    /// source at `paths` go.
    pub fn for_source(
        workspace: &Workspace,
        paths: &SourcePaths,
        kind: StoreKind,
        output: Option<&Path>,
    ) -> Result<Store, String> {
        match (kind, output) {
            (StoreKind::File, output) => Ok(Store::File(
                output.map_or_else(|| paths.credentials.clone(), Path::to_path_buf),
            )),
            (StoreKind::Keyring, None) => Ok(Store::Keyring(KeyringEntry::for_source(
                workspace,
                paths.name.as_str(),
            ))),
            (StoreKind::Keyring, Some(_)) => Err(
                "--output names a file, and --store keyring writes none: give one or the other"
                    .into(),
            ),
        }
    }

    /// What is stored here now. `Err` only when the keyring cannot be asked.
    pub fn held(&self) -> Result<Held, KeyringError> {
        match self {
            Store::File(path) if !path.is_file() => Ok(Held::Nothing),
            Store::File(path) => match Origin::Flag(path.clone()).read(|_| None) {
                Ok(c) => Ok(Held::Readable(c)),
                Err(err) => Ok(Held::Unreadable(err.to_string())),
            },
            Store::Keyring(entry) => match entry.get() {
                Ok(Some(c)) => Ok(Held::Readable(c)),
                Ok(None) => Ok(Held::Nothing),
                Err(err @ KeyringError::Unreadable(_)) => Ok(Held::Unreadable(err.to_string())),
                Err(err) => Err(err),
            },
        }
    }

    /// Saves `credentials`, replacing what was stored.
    pub fn save(&self, credentials: &Credentials) -> Result<(), StoreError> {
        match self {
            Store::File(path) => Ok(credentials::write(path, credentials)?),
            Store::Keyring(entry) => Ok(entry.set(credentials)?),
        }
    }
}

impl fmt::Display for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Store::File(path) => write!(f, "{}", path.display()),
            Store::Keyring(entry) => entry.fmt(f),
        }
    }
}

/// One source's entry in the OS keyring. Only its name is kept here: the
/// platform is asked afresh by every operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyringEntry {
    account: String,
    /// The name earlier versions stored this entry under, when reading it
    /// cannot hand over another workspace's entry.
    legacy: Option<String>,
}

/// The keyring account of `source` in the workspace at `root` whose
/// sources live in `sources_dir`: the one place the name is built.
pub fn account(root: &Path, sources_dir: &Path, source: &str) -> String {
    let root = resolved(root);
    let sources = resolved(sources_dir);
    let sources = sources.strip_prefix(&root).unwrap_or(&sources);
    format!("{}:{}:{source}", exact(&root), exact(sources))
}

/// The account earlier versions used, `<root>:<source>` with a lossy root:
/// read only where it cannot name another workspace's entry (a UTF-8 root,
/// the default sources dir).
fn legacy_account(root: &Path, source: &str) -> Option<String> {
    resolved(root).to_str().map(|r| format!("{r}:{source}"))
}

/// A path absolute, with its symlinks resolved when it exists.
fn resolved(path: &Path) -> PathBuf {
    std::fs::canonicalize(path)
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_path_buf())
}

/// A path's bytes as text, exactly: `%` and `:` (the account's separator)
/// and every byte that is not UTF-8 written `%XX`, the rest as is.
fn exact(path: &Path) -> String {
    let bytes = path.as_os_str().as_encoded_bytes();
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '%' => out.push_str("%25"),
                ':' => out.push_str("%3A"),
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl KeyringEntry {
    /// The entry of `source` in `workspace` (its root and sources dir):
    /// the one place an entry is made; its name comes from [`account`].
    pub fn for_source(workspace: &Workspace, source: &str) -> KeyringEntry {
        let default_sources = workspace.root().join(crate::workspace::SOURCES_PREFIX);
        let legacy = (resolved(workspace.sources_dir()) == resolved(&default_sources))
            .then(|| legacy_account(workspace.root(), source))
            .flatten();
        KeyringEntry {
            account: account(workspace.root(), workspace.sources_dir(), source),
            legacy,
        }
    }

    pub fn service(&self) -> &str {
        SERVICE
    }

    pub fn account(&self) -> &str {
        &self.account
    }

    fn entry(&self) -> Result<keyring::Entry, KeyringError> {
        keyring::Entry::new(SERVICE, &self.account).map_err(|e| self.error(e))
    }

    /// The stored credentials; `None` when there is no entry. An entry
    /// found only under the legacy account is moved to the new one first.
    pub fn get(&self) -> Result<Option<Credentials>, KeyringError> {
        match self.get_here()? {
            Some(found) => Ok(Some(found)),
            None => self.get_legacy(),
        }
    }

    /// The entry under the legacy account, moved to the new one (and the
    /// move said), so it is read under the old name once.
    fn get_legacy(&self) -> Result<Option<Credentials>, KeyringError> {
        let Some(old) = self.legacy.as_ref().filter(|old| **old != self.account) else {
            return Ok(None);
        };
        let legacy = KeyringEntry {
            account: old.clone(),
            legacy: None,
        };
        let Some(found) = legacy.get_here()? else {
            return Ok(None);
        };
        match self.set(&found).and_then(|()| legacy.delete()) {
            Ok(_) => crate::report::eprint(&format!(
                "note: the keyring entry was stored under the account name of earlier versions, `{old}`; it is now under `{}`",
                self.account
            )),
            Err(e) => crate::report::eprint(&format!(
                "note: read the keyring entry under the account name of earlier versions, `{old}`; moving it to `{}` failed: {e}",
                self.account
            )),
        }
        Ok(Some(found))
    }

    fn get_here(&self) -> Result<Option<Credentials>, KeyringError> {
        let text = match self.entry()?.get_password() {
            Ok(text) => Secret::new(text),
            Err(keyring::Error::NoEntry) => return Ok(None),
            #[cfg(target_os = "linux")]
            Err(keyring::Error::NoStorageAccess(_)) if session::has_default() == Ok(false) => {
                match session::get(&self.account).map_err(unreachable)? {
                    Some(text) => text,
                    None => return Ok(None),
                }
            }
            Err(e) => return Err(self.error(e)),
        };
        let origin = Origin::Keyring(self.to_string());
        Credentials::from_json(text.expose(), &origin)
            .map(Some)
            .map_err(|e| KeyringError::Unreadable(Box::new(e)))
    }

    /// Stores `credentials` as their JSON object, replacing the entry.
    pub fn set(&self, credentials: &Credentials) -> Result<(), KeyringError> {
        let text = Secret::new(credentials.to_json());
        match self.entry()?.set_password(text.expose()) {
            Ok(()) => Ok(()),
            #[cfg(target_os = "linux")]
            Err(keyring::Error::NoStorageAccess(_)) if session::has_default() == Ok(false) => {
                session::set(&self.account, &text).map_err(unreachable)
            }
            Err(e) => Err(self.error(e)),
        }
    }

    /// Whether a new entry outlives the keyring daemon: `false` when the
    /// Secret Service has no default collection (the entry then goes to its
    /// session collection).
    pub fn persistent(&self) -> Result<bool, KeyringError> {
        #[cfg(target_os = "linux")]
        return session::has_default().map_err(unreachable);
        #[cfg(not(target_os = "linux"))]
        Ok(true)
    }

    /// Removes the entry (and one left under the legacy account); `false`
    /// when there was none.
    pub fn delete(&self) -> Result<bool, KeyringError> {
        let legacy = match self.legacy.as_ref().filter(|old| **old != self.account) {
            Some(old) => KeyringEntry {
                account: old.clone(),
                legacy: None,
            }
            .delete_here()?,
            None => false,
        };
        Ok(self.delete_here()? || legacy)
    }

    fn delete_here(&self) -> Result<bool, KeyringError> {
        match self.entry()?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            #[cfg(target_os = "linux")]
            Err(keyring::Error::NoStorageAccess(_)) if session::has_default() == Ok(false) => {
                session::delete(&self.account).map_err(unreachable)
            }
            Err(e) => Err(self.error(e)),
        }
    }

    /// A platform error in words that never hold a stored value.
    fn error(&self, err: keyring::Error) -> KeyringError {
        match err {
            keyring::Error::PlatformFailure(e) | keyring::Error::NoStorageAccess(e) => {
                KeyringError::Unreachable {
                    reason: e.to_string(),
                }
            }
            keyring::Error::BadEncoding(_) => KeyringError::Other {
                entry: self.clone(),
                problem: "the stored value is not UTF-8 text".into(),
            },
            keyring::Error::Ambiguous(found) => KeyringError::Other {
                entry: self.clone(),
                problem: format!("{} entries match it", found.len()),
            },
            other => KeyringError::Other {
                entry: self.clone(),
                problem: other.to_string(),
            },
        }
    }
}

#[cfg(target_os = "linux")]
fn unreachable(reason: String) -> KeyringError {
    KeyringError::Unreachable { reason }
}

impl fmt::Display for KeyringEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the OS keyring entry (service {SERVICE}, account {})",
            self.account
        )
    }
}

/// The Secret Service's session collection, for services without a
/// default collection. Items are made as the keyring crate makes them (the
/// same attributes), so it finds, replaces and deletes them as its own.
#[cfg(target_os = "linux")]
mod session {
    use std::collections::HashMap;

    use dbus_secret_service::{EncryptionType, Error, SecretService};

    use super::SERVICE;
    use crate::secret::Secret;

    fn connect() -> Result<SecretService, String> {
        SecretService::connect(EncryptionType::Dh).map_err(|e| e.to_string())
    }

    /// Whether the service has a default collection; `Err` when it cannot
    /// be asked.
    pub fn has_default() -> Result<bool, String> {
        match connect()?.get_default_collection() {
            Ok(_) => Ok(true),
            Err(Error::NoResult) => Ok(false),
            Err(e) => Err(e.to_string()),
        }
    }

    /// What the keyring crate searches its items by.
    fn attributes(account: &str) -> HashMap<&str, &str> {
        HashMap::from([
            ("service", SERVICE),
            ("username", account),
            ("target", "default"),
        ])
    }

    /// The secret of the entry of `account`, wherever the service keeps it.
    pub fn get(account: &str) -> Result<Option<Secret>, String> {
        let service = connect()?;
        let found = service
            .search_items(attributes(account))
            .map_err(|e| e.to_string())?;
        let Some(item) = found.unlocked.first().or(found.locked.first()) else {
            return Ok(None);
        };
        item.ensure_unlocked().map_err(|e| e.to_string())?;
        let bytes = item.get_secret().map_err(|e| e.to_string())?;
        String::from_utf8(bytes)
            .map(|text| Some(Secret::new(text)))
            .map_err(|_| "the stored value is not UTF-8 text".to_string())
    }

    /// Deletes every item of `account`; `false` when there was none.
    pub fn delete(account: &str) -> Result<bool, String> {
        let service = connect()?;
        let found = service
            .search_items(attributes(account))
            .map_err(|e| e.to_string())?;
        let mut any = false;
        for item in found.unlocked.iter().chain(found.locked.iter()) {
            item.delete().map_err(|e| e.to_string())?;
            any = true;
        }
        Ok(any)
    }

    /// Creates (or replaces) the entry of `account` in the session collection.
    pub fn set(account: &str, secret: &Secret) -> Result<(), String> {
        let service = connect()?;
        let collection = service
            .get_collection_by_alias("session")
            .map_err(|e| format!("no default or session collection: {e}"))?;
        collection.ensure_unlocked().map_err(|e| e.to_string())?;
        let mut attributes = attributes(account);
        attributes.insert("application", "rust-keyring");
        collection
            .create_item(
                &format!("{account}@{SERVICE}:default"),
                attributes,
                secret.expose().as_bytes(),
                true,
                "text/plain",
            )
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

/// Why the OS keyring could not be reached, in a few plain words instead of
/// the platform's error text (D-Bus names, socket paths): for the quiet
/// line `sources` and `validate` print when they merely looked.
pub fn unreachable_in_words(reason: &str) -> &'static str {
    let lower = reason.to_ascii_lowercase();
    if lower.contains("lock") {
        "it is locked"
    } else if lower.contains("connect")
        || lower.contains("no such file")
        || lower.contains("serviceunknown")
        || lower.contains("not provided by any")
        || lower.contains("session")
    {
        "no Secret Service is running"
    } else {
        "it did not answer"
    }
}

/// What went wrong with the OS keyring. No variant holds a stored value.
#[derive(Debug, thiserror::Error)]
pub enum KeyringError {
    #[error("the OS keyring could not be reached ({reason}); {HINT}")]
    Unreachable { reason: String },
    #[error(transparent)]
    Unreadable(Box<CredentialsError>),
    #[error("{entry}: {problem}")]
    Other {
        entry: KeyringEntry,
        problem: String,
    },
}

/// Saving or loading failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    File(#[from] CredentialsError),
    #[error(transparent)]
    Keyring(#[from] KeyringError),
    #[error("no credentials: {file} does not exist, and {keyring}")]
    NotStored {
        file: Origin,
        keyring: KeyringLookup,
    },
}

impl StoreError {
    /// Whether nothing was found (rather than something unusable).
    pub fn is_missing(&self) -> bool {
        matches!(
            self,
            StoreError::File(CredentialsError::Missing(_)) | StoreError::NotStored { .. }
        )
    }
}

/// What the keyring said when the default file was missing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyringLookup {
    NoEntry(KeyringEntry),
    Unreachable(String),
}

impl fmt::Display for KeyringLookup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyringLookup::NoEntry(entry) => write!(f, "{entry} does not exist either"),
            KeyringLookup::Unreachable(reason) => write!(
                f,
                "the OS keyring could not be reached to look for its entry ({})",
                unreachable_in_words(reason)
            ),
        }
    }
}

/// Reads the credentials of `entry` alone (what `collect --store keyring`
/// saved); their origin is the entry.
pub fn read_keyring(entry: &KeyringEntry) -> Result<(Credentials, Origin), StoreError> {
    let origin = Origin::Keyring(entry.to_string());
    match entry.get()? {
        Some(credentials) => Ok((credentials, origin)),
        None => Err(CredentialsError::Missing(origin).into()),
    }
}

/// Reads `origin`, and when it is the default file and that does not
/// exist, the source's keyring entry (a keyring that cannot be reached is
/// passed over quietly, and named in the error). Returns where the
/// credentials came from.
pub fn read_or_keyring(
    origin: &Origin,
    keyring: &KeyringEntry,
    env: impl Fn(&str) -> Option<String>,
) -> Result<(Credentials, Origin), StoreError> {
    match origin.read(env) {
        Err(CredentialsError::Missing(Origin::Default(path))) => {
            let lookup = match keyring.get() {
                Ok(Some(credentials)) => {
                    return Ok((credentials, Origin::Keyring(keyring.to_string())));
                }
                Ok(None) => KeyringLookup::NoEntry(keyring.clone()),
                Err(KeyringError::Unreachable { reason }) => KeyringLookup::Unreachable(reason),
                Err(err) => return Err(err.into()),
            };
            Err(StoreError::NotStored {
                file: Origin::Default(path),
                keyring: lookup,
            })
        }
        other => Ok(other.map(|c| (c, origin.clone()))?),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workspace(root: &Path, sources: Option<&Path>) -> Workspace {
        Workspace::discover(Some(root), sources, None, root).unwrap()
    }

    #[test]
    fn entries_are_named_by_absolute_root_sources_dir_and_source() {
        let dir = tempfile::tempdir().unwrap();
        let entry = KeyringEntry::for_source(&workspace(dir.path(), None), "zendesk");
        let root = std::fs::canonicalize(dir.path()).unwrap();
        assert_eq!(entry.service(), "connector-auth");
        assert_eq!(
            entry.account(),
            format!(
                "{}:{}:zendesk",
                root.display(),
                crate::workspace::SOURCES_PREFIX
            )
        );
        assert_eq!(
            entry.legacy.as_deref(),
            Some(format!("{}:zendesk", root.display()).as_str())
        );
        let dotted = dir.path().join(".");
        assert_eq!(
            KeyringEntry::for_source(&workspace(&dotted, None), "zendesk"),
            entry
        );
        let other =
            KeyringEntry::for_source(&workspace(dir.path(), Some(Path::new("b"))), "zendesk");
        assert_ne!(other.account(), entry.account());
        assert_eq!(
            other.legacy, None,
            "a custom sources dir reads no legacy entry"
        );
    }

    #[cfg(unix)]
    #[test]
    fn non_utf8_roots_and_separators_are_written_exactly() {
        use std::os::unix::ffi::OsStrExt;
        let a = Path::new(std::ffi::OsStr::from_bytes(b"/nonexistent/r\xff"));
        let b = Path::new(std::ffi::OsStr::from_bytes(b"/nonexistent/r\xfe"));
        let src = Path::new("/nonexistent/s");
        assert_eq!(account(a, src, "x"), "/nonexistent/r%FF:/nonexistent/s:x");
        assert_ne!(account(a, src, "x"), account(b, src, "x"));
        assert_eq!(legacy_account(a, "x"), None);
        assert_ne!(
            account(Path::new("/n/a:b"), Path::new("/n/c"), "x"),
            account(Path::new("/n/a"), Path::new("/n/b:/n/c"), "x")
        );
        assert_eq!(
            account(Path::new("/n/50%"), src, "x"),
            "/n/50%25:/nonexistent/s:x"
        );
    }

    #[test]
    fn an_unreachable_keyring_names_the_way_out() {
        let err = KeyringError::Unreachable {
            reason: "no D-Bus session".into(),
        };
        let text = err.to_string();
        assert!(
            text.contains("could not be reached (no D-Bus session)"),
            "{text}"
        );
        assert!(text.contains("--store file"), "{text}");
    }

    #[test]
    fn an_unreachable_keyring_is_said_in_plain_words() {
        for (reason, words) in [
            (
                "DBus error: Failed to connect to socket /nonexistent/bus: No such file or directory",
                "no Secret Service is running",
            ),
            (
                "org.freedesktop.DBus.Error.ServiceUnknown: The name org.freedesktop.secrets was not provided by any .service files",
                "no Secret Service is running",
            ),
            ("the collection is locked", "it is locked"),
            ("timeout", "it did not answer"),
        ] {
            assert_eq!(unreachable_in_words(reason), words, "{reason}");
        }
    }

    #[test]
    fn each_word_of_an_unreachable_keyring_is_heard_alone() {
        for reason in [
            "could not connect",
            "No such file or directory",
            "ServiceUnknown",
            "was not provided by any .service files",
            "no session bus",
        ] {
            assert_eq!(
                unreachable_in_words(reason),
                "no Secret Service is running",
                "{reason}"
            );
        }
    }

    #[test]
    fn a_file_store_holds_nothing_readable_or_unreadable_credentials() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("dev_config.json");
        let store = Store::File(path.clone());
        assert_eq!(store.to_string(), path.display().to_string());
        assert!(matches!(store.held(), Ok(Held::Nothing)));
        std::fs::create_dir(dir.path().join("a_folder")).unwrap();
        assert!(matches!(
            Store::File(dir.path().join("a_folder")).held(),
            Ok(Held::Nothing)
        ));
        let mut c = Credentials::new();
        c.insert("token", Secret::new("s3cr3t-value"));
        store.save(&c).unwrap();
        match store.held() {
            Ok(Held::Readable(read)) => assert_eq!(read, c),
            other => panic!("{other:?}"),
        }
        std::fs::write(&path, "{\"token\": [\"s3cr3t-value\"]}").unwrap();
        match store.held() {
            Ok(Held::Unreadable(why)) => {
                assert!(why.contains("`token`"), "{why}");
                assert!(!why.contains("s3cr3t"), "{why}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_store_follows_kind_and_output() {
        let dir = tempfile::tempdir().unwrap();
        let ws = workspace(dir.path(), None);
        let paths = ws.paths(&"zendesk".parse().unwrap());
        let out = dir.path().join("elsewhere.json");
        assert_eq!(
            Store::for_source(&ws, &paths, StoreKind::File, None).unwrap(),
            Store::File(paths.credentials.clone())
        );
        assert_eq!(
            Store::for_source(&ws, &paths, StoreKind::File, Some(&out)).unwrap(),
            Store::File(out.clone())
        );
        let keyring = Store::for_source(&ws, &paths, StoreKind::Keyring, None).unwrap();
        assert_eq!(
            keyring,
            Store::Keyring(KeyringEntry::for_source(&ws, "zendesk"))
        );
        assert!(
            keyring
                .to_string()
                .starts_with("the OS keyring entry (service connector-auth, account ")
        );
        let err = Store::for_source(&ws, &paths, StoreKind::Keyring, Some(&out)).unwrap_err();
        assert!(err.contains("--output"), "{err}");
    }

    #[test]
    fn missing_credentials_are_told_from_unusable_ones() {
        let entry = KeyringEntry {
            account: "/r:s:x".into(),
            legacy: None,
        };
        let missing = StoreError::File(CredentialsError::Missing(Origin::EnvJson));
        assert!(missing.is_missing());
        let not_stored = StoreError::NotStored {
            file: Origin::Default("/r/dev_config.json".into()),
            keyring: KeyringLookup::NoEntry(entry.clone()),
        };
        assert!(not_stored.is_missing());
        assert_eq!(
            not_stored.to_string(),
            "no credentials: /r/dev_config.json (the default credentials file) does not exist, and the OS keyring entry (service connector-auth, account /r:s:x) does not exist either"
        );
        let unreachable = KeyringLookup::Unreachable("the collection is locked".into());
        assert_eq!(
            unreachable.to_string(),
            "the OS keyring could not be reached to look for its entry (it is locked)"
        );
        let unusable = StoreError::File(CredentialsError::NotObject(Origin::EnvJson));
        assert!(!unusable.is_missing());
        assert!(
            !StoreError::Keyring(KeyringError::Unreachable { reason: "x".into() }).is_missing()
        );
    }

    #[test]
    fn a_file_named_by_a_flag_is_read_without_asking_the_keyring() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.json");
        let entry = KeyringEntry {
            account: "/nowhere:s:x".into(),
            legacy: None,
        };
        let err = read_or_keyring(&Origin::Flag(path.clone()), &entry, |_| None).unwrap_err();
        assert!(
            matches!(err, StoreError::File(CredentialsError::Missing(_))),
            "{err}"
        );
        std::fs::write(&path, "{\"a\":\"1\"}").unwrap();
        let (c, origin) = read_or_keyring(&Origin::Flag(path.clone()), &entry, |_| None).unwrap();
        assert_eq!(c.get("a").map(Secret::expose), Some("1"));
        assert_eq!(origin, Origin::Flag(path));
    }
}
