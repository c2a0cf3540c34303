//! `collect`: load the source's spec, then ask for its credentials in the
//! browser or the terminal and save them; exit 0 saved, 1 cancelled.

use std::time::Duration;

use crate::cli::{Mode, SourceCollectArgs, StoreKind};
use crate::collect::page::Pages;
use crate::collect::server::{Run, Verifier};
use crate::collect::{self, BrowserSettings, Form, Outcome, terminal};
use crate::credentials::{Credentials, Origin, git_exposure};
use crate::diagnostic::Severity;
use crate::error::{Error, Exit};
use crate::report::{Event, Printer, eprint};
use crate::source::Source;
use crate::spec::{self, Spec};
use crate::store::{KeyringEntry, KeyringError, Store, StoreError};
use crate::workspace::{SourcePaths, Workspace};

use super::shown;

pub fn run(
    workspace: &Workspace,
    args: &SourceCollectArgs,
    printer: &mut Printer,
) -> Result<Exit, Error> {
    run_checked(workspace, args, printer, None)
}

/// `collect`, with the auth check run on Save when `verifier` is given
/// (under `authenticate`).
pub fn run_checked(
    workspace: &Workspace,
    args: &SourceCollectArgs,
    printer: &mut Printer,
    verifier: Option<Verifier>,
) -> Result<Exit, Error> {
    let paths = workspace.source(&args.source)?;
    let spec = usable_spec(&paths, printer.color())?;
    let settings = &args.collect;
    let output = store(workspace, args, &paths)?;
    let mut warnings = Vec::new();
    let (shown_path, stored) = match &output {
        Store::File(path) => {
            let shown_path = shown(path);
            warnings.extend(git_exposure(path).warning(&shown_path));
            (shown_path, stored_in_file(path, printer)?)
        }
        Store::Keyring(entry) => {
            // Asked before anything is shown: a keyring that cannot be
            // reached stops here (exit 2), with nothing written.
            let stored = match entry.get() {
                Ok(found) => found,
                Err(err @ KeyringError::Unreadable(_)) => {
                    printer.event(&Event::Warning(&format!("{err}; it will be replaced")))?;
                    None
                }
                Err(err) => return Err(StoreError::Keyring(err).into()),
            };
            if !entry.persistent().map_err(StoreError::Keyring)? {
                warnings.push(
                    "the Secret Service has no default keyring (a login keyring unlocked with a password): the entry goes to its session keyring, which lasts only until the keyring daemon stops".to_string(),
                );
            }
            if paths.credentials.is_file() {
                warnings.push(format!(
                    "{} also holds credentials for {}, and is read before the keyring entry (validate, exec); remove it to use the keyring",
                    shown(&paths.credentials),
                    args.source
                ));
            }
            (entry.to_string(), stored)
        }
    };
    let stored = stored.map(|mut c| {
        if settings.reauthorize {
            c.remove("refresh_token");
        }
        c
    });
    for warning in &warnings {
        printer.event(&Event::Warning(warning))?;
    }
    let form = Form::new(&spec, args.source.as_str());
    let outcome = match settings.mode {
        Mode::Browser => {
            let open = !settings.no_open && display_available();
            if !settings.no_open && !open {
                printer.event(&Event::Note(
                    "no display found; open the URL below in a browser",
                ))?;
            }
            let browser = BrowserSettings {
                port: settings.port,
                open,
                timeout: settings.timeout.map(Duration::from_secs),
                stop: settings.stop.clone(),
            };
            collect::browser(&browser, printer, |port| {
                let pages = Pages::new().map_err(|e| Error::Internal(e.to_string()))?;
                Run::new(
                    form,
                    pages,
                    port,
                    output.clone(),
                    shown_path.clone(),
                    stored,
                    warnings,
                )
                .map(|run| {
                    run.with_verifier(verifier)
                        .with_audience(settings.audience.clone())
                })
                .map_err(|e| Error::Internal(format!("no randomness from the OS: {e}")))
            })?
        }
        Mode::Cli => {
            let terminal = terminal::Settings {
                port: settings.port,
                open: !settings.no_open && !settings.no_browser && display_available(),
                timeout: settings.timeout.map(Duration::from_secs),
                paste: settings.no_browser,
                device: settings.device,
                reauthorize: settings.reauthorize,
            };
            terminal::collect(&form, stored.as_ref(), &output, &terminal, printer)?
        }
    };
    match outcome {
        Outcome::Saved(Store::File(path)) => {
            printer.event(&Event::Saved {
                path: &shown(&path),
            })?;
            Ok(Exit::Done)
        }
        Outcome::Saved(Store::Keyring(entry)) => {
            printer.event(&Event::SavedToKeyring {
                service: entry.service(),
                account: entry.account(),
            })?;
            Ok(Exit::Done)
        }
        Outcome::Cancelled(cancel) => {
            printer.event(&Event::Cancelled {
                reason: &cancel.to_string(),
            })?;
            Ok(Exit::Negative)
        }
    }
}

/// Where `--store` and `--output` say the credentials go.
pub fn store(
    workspace: &Workspace,
    args: &SourceCollectArgs,
    paths: &SourcePaths,
) -> Result<Store, Error> {
    match (args.collect.store, &args.collect.output) {
        (StoreKind::File, output) => Ok(Store::File(
            output.clone().unwrap_or_else(|| paths.credentials.clone()),
        )),
        (StoreKind::Keyring, None) => Ok(Store::Keyring(KeyringEntry::new(
            workspace.root(),
            args.source.as_str(),
        ))),
        (StoreKind::Keyring, Some(_)) => Err(Error::Usage(
            "--output names a file, and --store keyring writes none: give one or the other".into(),
        )),
    }
}

/// The credentials already in `path`, to pre-fill the form; a file that
/// cannot be read is warned about and will be replaced.
fn stored_in_file(
    path: &std::path::Path,
    printer: &mut Printer,
) -> Result<Option<Credentials>, Error> {
    if !path.is_file() {
        return Ok(None);
    }
    match Origin::Flag(path.to_path_buf()).read(|_| None) {
        Ok(c) => Ok(Some(c)),
        Err(err) => {
            printer.event(&Event::Warning(&format!("{err}; it will be replaced")))?;
            Ok(None)
        }
    }
}

/// The source's spec, when it exists and has no errors; errors are shown.
pub fn usable_spec(paths: &SourcePaths, color: bool) -> Result<Spec, Error> {
    let source_name = paths.name.to_string();
    if !paths.spec.is_file() {
        return Err(Error::NoSpec {
            source_name,
            path: paths.spec.clone(),
        });
    }
    let loaded = spec::load(&paths.spec)?;
    let mut findings = loaded.findings.clone();
    if let Some(s) = &loaded.spec {
        findings.extend(spec::lint(s));
    }
    let shown_source = Source::new(shown(&paths.spec), loaded.source.text().to_string());
    let errors: Vec<_> = findings
        .iter()
        .filter(|f| f.severity() == Severity::Error)
        .collect();
    match (&loaded.spec, errors.is_empty()) {
        (Some(s), true) => Ok(s.clone()),
        _ => {
            for finding in errors {
                eprint(finding.render(&shown_source, color).trim_end());
            }
            Err(Error::InvalidSpec {
                source_name,
                path: paths.spec.clone(),
            })
        }
    }
}

/// Whether a browser window can be shown here.
fn display_available() -> bool {
    if cfg!(any(target_os = "macos", target_os = "windows")) {
        return true;
    }
    ["DISPLAY", "WAYLAND_DISPLAY", "BROWSER"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|x| !x.is_empty()))
}
