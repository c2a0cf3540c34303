//! Where collected credentials are kept: the source's `dev_config.json`
//! (the ecosystem's convention, the default) or an entry in the OS keyring
//! (Secret Service on Linux, Keychain on macOS, Credential Manager on
//! Windows), holding the same JSON object and writing no file.
//!
//! Keyring entries are named, stably: service [`SERVICE`], account
//! `<workspace root>:<source>`, the root an absolute path with its symlinks
//! resolved. Saving again replaces the entry.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::credentials::{self, Credentials, CredentialsError, Origin};
use crate::secret::Secret;

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

impl Store {
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
}

impl KeyringEntry {
    /// The entry of `source` in the workspace at `root`.
    pub fn new(root: &Path, source: &str) -> KeyringEntry {
        let root = std::fs::canonicalize(root)
            .or_else(|_| std::path::absolute(root))
            .unwrap_or_else(|_| root.to_path_buf());
        KeyringEntry {
            account: format!("{}:{source}", root.display()),
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

    /// The stored credentials; `None` when there is no entry.
    pub fn get(&self) -> Result<Option<Credentials>, KeyringError> {
        let text = match self.entry()?.get_password() {
            Ok(text) => Secret::new(text),
            Err(keyring::Error::NoEntry) => return Ok(None),
            Err(e) => return Err(self.error(e)),
        };
        let origin = Origin::Keyring(self.clone());
        Credentials::from_json(text.expose(), &origin)
            .map(Some)
            .map_err(|e| KeyringError::Unreadable(Box::new(e)))
    }

    /// Stores `credentials` as their JSON object, replacing the entry.
    pub fn set(&self, credentials: &Credentials) -> Result<(), KeyringError> {
        let text = Secret::new(credentials.to_json());
        self.entry()?
            .set_password(text.expose())
            .map_err(|e| self.error(e))
    }

    /// Removes the entry; `false` when there was none.
    pub fn delete(&self) -> Result<bool, KeyringError> {
        match self.entry()?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
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

impl fmt::Display for KeyringEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the OS keyring entry (service {SERVICE}, account {})",
            self.account
        )
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_named_by_absolute_root_and_source() {
        let dir = tempfile::tempdir().unwrap();
        let entry = KeyringEntry::new(dir.path(), "zendesk");
        let root = std::fs::canonicalize(dir.path()).unwrap();
        assert_eq!(entry.service(), "connector-auth");
        assert_eq!(entry.account(), format!("{}:zendesk", root.display()));
        let dotted = dir.path().join(".");
        assert_eq!(KeyringEntry::new(&dotted, "zendesk"), entry);
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
}
