//! `sources`: one row per source folder with the state of its auth setup
//! (spec, auth kind, API doc, auth check, and where its credentials are:
//! the file, the OS keyring, or none).

use crate::diagnostic::Severity;
use crate::error::{Error, Exit};
use crate::report::{Printer, eprint, plural};
use crate::spec;
use crate::store::{Held, KeyringEntry, KeyringError, Store};
use crate::workspace::Workspace;

use super::shown;

pub fn run(workspace: &Workspace, printer: &mut Printer) -> Result<Exit, Error> {
    let names = workspace.sources()?;
    if names.is_empty() && !printer.is_json() {
        eprint(&format!(
            "no sources under {} (use --root or --sources-dir to point elsewhere)",
            shown(workspace.sources_dir())
        ));
        return Ok(Exit::Done);
    }
    let mut rows = Vec::new();
    let mut keyring = Keyring::Reachable;
    for name in names {
        let paths = workspace.paths(&name);
        let (state, display, auth) = spec_state(&paths.spec);
        let has = |p: &std::path::Path| p.is_file();
        // A derived check still holding a TODO value is not ready to run.
        let check_todo = std::fs::read_to_string(&paths.auth_check).is_ok_and(|t| {
            t.lines()
                .any(|l| !l.trim_start().starts_with('#') && l.contains("TODO"))
        });
        let stored = if keyring.holds(&Store::File(paths.credentials.clone())) {
            "file"
        } else if keyring.holds(&Store::Keyring(KeyringEntry::for_source(
            workspace,
            name.as_str(),
        ))) {
            "keyring"
        } else {
            "none"
        };
        if printer.is_json() {
            printer.json(&serde_json::json!({
                "source": name.as_str(),
                "display_name": display,
                "spec": state,
                "auth": auth,
                "api_doc": paths.api_doc.as_deref().map(shown),
                "auth_check": has(&paths.auth_check),
                "auth_check_todo": check_todo,
                "credentials": stored != "none",
                "credentials_store": stored,
            }))?;
        } else {
            let yes = |b: bool| if b { "yes" } else { "-" }.to_string();
            rows.push(vec![
                name.to_string(),
                display.unwrap_or_else(|| "-".into()),
                state,
                auth.unwrap_or_else(|| "-".into()),
                yes(paths.api_doc.is_some()),
                if check_todo {
                    "TODO".to_string()
                } else {
                    yes(has(&paths.auth_check))
                },
                if stored == "none" { "-" } else { stored }.to_string(),
            ]);
        }
    }
    if !printer.is_json() {
        printer.table(
            &[
                "SOURCE",
                "NAME",
                "SPEC",
                "AUTH",
                "API DOC",
                "AUTH CHECK",
                "CREDENTIALS",
            ],
            &rows,
        )?;
    }
    if let Keyring::Unreachable(reason) = keyring {
        eprint(&format!(
            "note: the OS keyring could not be reached ({reason}); credentials kept there are not shown"
        ));
    }
    Ok(Exit::Done)
}

/// The spec's state (`ok`, `ok (N warnings)`, `invalid (N errors)`,
/// `missing`, `unreadable`), its display name, and its auth kind.
fn spec_state(path: &std::path::Path) -> (String, Option<String>, Option<String>) {
    if !path.is_file() {
        return ("missing".to_string(), None, None);
    }
    let Ok(loaded) = spec::load(path) else {
        return ("unreadable".to_string(), None, None);
    };
    let auth = loaded.usable().map(|s| s.auth_kind().to_string());
    let loaded = loaded.linted();
    let counts = (
        loaded.count(Severity::Error),
        loaded.count(Severity::Warning),
    );
    let state = match counts {
        (0, 0) => "ok".to_string(),
        (0, w) => format!("ok ({})", plural(w, "warning")),
        (e, _) => format!("invalid ({})", plural(e, "error")),
    };
    let display = loaded.spec.as_ref().and_then(|s| s.display_name.clone());
    (state, display, auth)
}

/// The keyring as seen so far: once it cannot be reached, it is not asked again.
enum Keyring {
    Reachable,
    Unreachable(String),
}

impl Keyring {
    /// Whether `store` holds credentials (readable or not).
    fn holds(&mut self, store: &Store) -> bool {
        if let (Keyring::Unreachable(_), Store::Keyring(_)) = (&*self, store) {
            return false;
        }
        match store.held() {
            Ok(held) => !matches!(held, Held::Nothing),
            Err(KeyringError::Unreachable { reason }) => {
                *self = Keyring::Unreachable(reason);
                false
            }
            // There, though not readable as credentials.
            Err(_) => true,
        }
    }
}
