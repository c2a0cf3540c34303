//! Step 2 as an operation: load the source's usable spec, find where the
//! credentials go and what is stored there, build the check on Save, then
//! ask in the browser or the terminal and say how it ended (exit 0 saved,
//! 1 cancelled).

use std::time::Duration;

use crate::cli::{CollectArgs, Mode};
use crate::collect::page::Pages;
use crate::collect::server::Run;
use crate::collect::{self, BrowserSettings, Form, Outcome, Stop, Verifier, terminal};
use crate::credentials::{Credentials, git_exposure};
use crate::error::{Error, Exit};
use crate::report::{Event, Printer, shown};
use crate::spec::{self, Spec};
use crate::store::{Held, Store, StoreError};
use crate::workspace::{SourceName, SourcePaths, Workspace};

use super::check_on_save;

/// What a collect asks for and where it saves.
pub struct Prepared {
    pub source: String,
    pub spec: Spec,
    pub output: Store,
    /// `output` as shown to people.
    pub shown_output: String,
    pub stored: Option<Credentials>,
    pub warnings: Vec<String>,
    /// What Save checks, in words (no secret), when a check runs on Save.
    pub check_shown: Option<String>,
}

/// `collect <source>`: the check on Save runs whenever a complete auth
/// check exists or can be derived without a TODO. `stop` ends a browser
/// form early, as declined (the MCP server fires it).
pub fn run(
    workspace: &Workspace,
    source: &SourceName,
    settings: &CollectArgs,
    stop: Option<Stop>,
    printer: &mut Printer,
) -> Result<Exit, Error> {
    let paths = workspace.source(source)?;
    let prepared = prepare(workspace, &paths, settings, printer)?;
    let mut prepared = prepared;
    let verifier = check_on_save::verifier(&paths, &prepared.spec);
    prepared.check_shown = verifier
        .as_ref()
        .and_then(|_| check_on_save::sends(&paths, &prepared.spec));
    let shown_spec = prepared.check_shown.as_ref().map(|_| prepared.spec.clone());
    let outcome = ask(prepared, settings, stop, verifier, printer)?;
    let exit = ended(&outcome, printer)?;
    if exit == Exit::Done {
        keep_shown_check(&paths, shown_spec.as_ref());
    }
    Ok(exit)
}

/// After a Save that ran the check the form showed (`spec` given), that
/// check is no longer fresh: it is written as the source's auth check (when
/// there is none yet) for validate to send and the person to keep.
pub fn keep_shown_check(paths: &SourcePaths, spec: Option<&Spec>) {
    if let Some(spec) = spec
        && !paths.auth_check.is_file()
        && let Err(why) = crate::check::file::derive_and_write(paths, spec, None)
    {
        crate::report::eprint(&format!("note: {why}"));
    }
}

/// Where `--store` and `--output` say the credentials go.
pub fn output(
    workspace: &Workspace,
    paths: &SourcePaths,
    settings: &CollectArgs,
) -> Result<Store, Error> {
    Store::for_source(workspace, paths, settings.store, settings.output.as_deref())
        .map_err(Error::Usage)
}

/// Loads the spec, and reads what the store holds (to pre-fill the form)
/// with the warnings to show first. A keyring that cannot be reached
/// stops here (exit 2), with nothing written.
pub fn prepare(
    workspace: &Workspace,
    paths: &SourcePaths,
    settings: &CollectArgs,
    printer: &mut Printer,
) -> Result<Prepared, Error> {
    let spec = spec::load_usable(paths, printer.color())?;
    let output = output(workspace, paths, settings)?;
    let stored = match output.held().map_err(StoreError::Keyring)? {
        Held::Readable(mut c) => {
            if settings.reauthorize {
                c.remove("refresh_token");
            }
            Some(c)
        }
        Held::Nothing => None,
        Held::Unreadable(why) => {
            printer.event(&Event::Warning(&format!("{why}; it will be replaced")))?;
            None
        }
    };
    let mut warnings = Vec::new();
    let shown_output = match &output {
        Store::File(path) => {
            let shown_path = shown(path);
            warnings.extend(git_exposure(path).warning(&shown_path));
            shown_path
        }
        Store::Keyring(entry) => {
            if !entry.persistent().map_err(StoreError::Keyring)? {
                warnings.push(
                    "the Secret Service has no default keyring (a login keyring unlocked with a password): the entry goes to its session keyring, which lasts only until the keyring daemon stops".to_string(),
                );
            }
            if paths.credentials.is_file() {
                warnings.push(format!(
                    "{} also holds credentials for {}, and is read before the keyring entry (validate, exec); remove it to use the keyring",
                    shown(&paths.credentials),
                    paths.name
                ));
            }
            entry.to_string()
        }
    };
    Ok(Prepared {
        source: paths.name.to_string(),
        spec,
        output,
        shown_output,
        stored,
        warnings,
        check_shown: None,
    })
}

/// Asks for the values in the browser or the terminal and saves them.
pub fn ask(
    prepared: Prepared,
    settings: &CollectArgs,
    stop: Option<Stop>,
    verifier: Option<Verifier>,
    printer: &mut Printer,
) -> Result<Outcome, Error> {
    for warning in &prepared.warnings {
        printer.event(&Event::Warning(warning))?;
    }
    let form = Form::new(&prepared.spec, &prepared.source);
    match settings.mode {
        Mode::Browser => browser(prepared, form, settings, stop, verifier, printer),
        Mode::Cli => {
            if let Some(line) = &prepared.check_shown {
                printer.event(&Event::Note(&format!("Save checks {line}")))?;
            }
            let terminal = terminal::Settings {
                port: settings.port,
                open: !settings.no_open && !settings.no_browser && display_available(),
                timeout: settings.timeout.map(Duration::from_secs),
                paste: settings.no_browser,
                device: settings.device,
                reauthorize: settings.reauthorize,
            };
            terminal::collect(
                &form,
                prepared.stored.as_ref(),
                &prepared.output,
                &terminal,
                verifier.as_ref(),
                printer,
            )
        }
    }
}

/// Serves the form until it is saved, cancelled or timed out.
fn browser(
    prepared: Prepared,
    form: Form,
    settings: &CollectArgs,
    stop: Option<Stop>,
    verifier: Option<Verifier>,
    printer: &mut Printer,
) -> Result<Outcome, Error> {
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
        stop,
    };
    let Prepared {
        output,
        shown_output,
        stored,
        warnings,
        check_shown,
        ..
    } = prepared;
    collect::browser(&browser, printer, |port| {
        let pages = Pages::new().map_err(|e| Error::Internal(e.to_string()))?;
        Run::new(form, pages, port, output, shown_output, stored, warnings)
            .map(|run| run.with_verifier(verifier).with_check_shown(check_shown))
            .map_err(|e| Error::Internal(format!("no randomness from the OS: {e}")))
    })
}

/// Says how the collect ended, as its exit code.
pub fn ended(outcome: &Outcome, printer: &mut Printer) -> Result<Exit, Error> {
    match outcome {
        Outcome::Saved(Store::File(path)) => {
            printer.event(&Event::Saved { path: &shown(path) })?;
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

/// Whether a browser window can be shown here.
fn display_available() -> bool {
    if cfg!(any(target_os = "macos", target_os = "windows")) {
        return true;
    }
    ["DISPLAY", "WAYLAND_DISPLAY", "BROWSER"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|x| !x.is_empty()))
}
