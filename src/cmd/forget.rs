//! `forget`: remove a source's stored credentials, its default file and
//! its OS keyring entry, saying which it removed. Nothing to remove is not
//! an error; a keyring that cannot be reached is warned about.

use crate::error::{Error, Exit};
use crate::report::{Event, Printer};
use crate::store::{KeyringEntry, KeyringError};
use crate::workspace::Workspace;

use super::shown;

pub fn run(
    workspace: &Workspace,
    args: &crate::cli::ForgetArgs,
    printer: &mut Printer,
) -> Result<Exit, Error> {
    let name = args.source.as_str();
    let path = workspace.paths(&args.source).credentials;
    let mut removed = Vec::new();
    match std::fs::remove_file(&path) {
        Ok(()) => removed.push(shown(&path)),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
        Err(err) => {
            return Err(Error::Usage(format!(
                "cannot remove {}: {err}",
                shown(&path)
            )));
        }
    }
    let entry = KeyringEntry::for_source(workspace, name);
    let mut looked = true;
    match entry.delete() {
        Ok(true) => removed.push(entry.to_string()),
        Ok(false) => {}
        Err(KeyringError::Unreachable { reason }) => {
            looked = false;
            printer.event(&Event::Warning(&format!(
                "the OS keyring could not be reached ({reason}); {entry} was not looked for"
            )))?;
        }
        Err(err) => return Err(crate::store::StoreError::Keyring(err).into()),
    }
    if removed.is_empty() {
        let keyring = if looked { " and no keyring entry" } else { "" };
        printer.line(&format!(
            "nothing to remove for {name}: no {}{keyring}",
            shown(&path)
        ))?;
    }
    for what in &removed {
        printer.line(&format!("removed {what}"))?;
    }
    Ok(Exit::Done)
}
