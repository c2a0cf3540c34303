//! Step 3 as an operation (`validate`): for each source, read its
//! credentials and auth check (derived and written when missing), send the
//! check — sources concurrently, a few at a time — and report one verdict
//! per source.

use std::sync::Arc;
use std::time::Duration;

use crate::check::AuthCheck;
use crate::check::file::load_or_derive;
use crate::check::probe::{self, DEFAULT_TIMEOUT, Outcome, Request, Verdict};
use crate::cli::ValidateArgs;
use crate::credentials::{Credentials, Origin};
use crate::error::{Error, Exit};
use crate::openapi;
use crate::report::{Printer, Tone, eprint, shown};
use crate::secret::Secret;
use crate::spec::{self, Spec};
use crate::store::{self, KeyringEntry};
use crate::workspace::{SourceName, SourcePaths, Workspace};

/// A source ready to be sent, or already decided.
enum Prepared {
    Ready(Box<Ready>),
    Decided(Outcome),
}

struct Ready {
    spec: Spec,
    file: AuthCheck,
    credentials: Credentials,
    origin: Origin,
    /// The source's keyring entry: where a rotated refresh token goes when
    /// the credentials came from it.
    keyring: KeyringEntry,
    check: usize,
    /// The auth check was derived by this run: it was never sent before.
    fresh: bool,
}

impl Ready {
    /// The chosen check of this source, ready to send or preview.
    fn request<'a>(&'a self, http: &'a reqwest::Client, timeout: Duration) -> Request<'a> {
        Request {
            http,
            file: &self.file,
            check: &self.file.checks[self.check],
            spec: &self.spec,
            credentials: &self.credentials,
            timeout,
        }
    }
}

/// `validate`; with `from_keyring`, the credentials are read from each
/// source's OS keyring entry only (what `authenticate --store keyring` has
/// just saved), not found by the usual precedence.
pub fn run(
    workspace: &Workspace,
    args: &ValidateArgs,
    printer: &mut Printer,
    from_keyring: bool,
) -> Result<Exit, Error> {
    let names: Vec<SourceName> = if args.all {
        workspace
            .sources()?
            .into_iter()
            .filter(|n| workspace.paths(n).spec.is_file())
            .collect()
    } else {
        args.sources.clone()
    };
    if names.is_empty() {
        return Err(Error::Usage("no sources with a spec to validate".into()));
    }
    let timeout = args
        .timeout
        .map_or(DEFAULT_TIMEOUT, |t| Duration::from_secs(t.max(1)));
    let mut prepared = Vec::new();
    for name in &names {
        // With an explicit description the source folder need not exist yet.
        let paths = match &args.openapi {
            Some(_) => workspace.paths(name),
            None => workspace.source(name)?,
        };
        let keyring = KeyringEntry::for_source(workspace, name.as_str());
        prepared.push((
            name.clone(),
            prepare(&paths, &keyring, from_keyring, args, printer.color()),
        ));
    }
    if args.dry_run {
        return dry_run(&prepared, timeout, printer);
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(Error::Output)?;
    let http = Arc::new(probe::http_client(timeout).map_err(Error::Internal)?);
    for (name, prep) in &mut prepared {
        show_fresh(name, prep, &http, timeout, printer);
    }
    let outcomes = runtime.block_on(send_all(prepared, timeout, usize::from(args.jobs), http));
    report(&outcomes, printer)?;
    Ok(combined_exit(
        outcomes.iter().map(|(_, o)| o.verdict.exit()),
    ))
}

/// A freshly derived check is shown before it is first sent: the URL and
/// where the credential goes, secrets masked. At a terminal it is said,
/// then sent; with no person watching (the MCP server) it is not sent: the
/// answer shows it, and the next `validate` sends it.
fn show_fresh(
    name: &SourceName,
    prep: &mut Prepared,
    http: &reqwest::Client,
    timeout: Duration,
    printer: &Printer,
) {
    let Prepared::Ready(ready) = prep else {
        return;
    };
    if !ready.fresh {
        return;
    }
    let sends = match ready.request(http, timeout).preview() {
        Ok(preview) => would_send(&preview),
        Err(why) => {
            *prep = decided(Verdict::BadCheck, why);
            return;
        }
    };
    if printer.is_captured() {
        *prep = decided(
            Verdict::BadCheck,
            format!(
                "a new auth check was derived and not sent yet: it sends {sends}. Show this to the person; once they confirm it, call validate again to send it"
            ),
        );
    } else {
        eprint(&format!("{name}: the derived check sends {sends}"));
    }
}

/// A request in words, secrets masked: `GET https://… with Authorization: Bearer ***`.
fn would_send(preview: &probe::Preview) -> String {
    let mut text = format!("{} {}", preview.method, preview.url);
    if !preview.headers.is_empty() {
        let headers: Vec<String> = preview
            .headers
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect();
        text.push_str(&format!(" with {}", headers.join(", ")));
    }
    text
}

/// The exit code of several verdicts: an input problem first, then a
/// rejection, then a missing verdict.
pub fn combined_exit(exits: impl Iterator<Item = Exit>) -> Exit {
    let exits: Vec<Exit> = exits.collect();
    [Exit::Input, Exit::Negative, Exit::NoVerdict]
        .into_iter()
        .find(|e| exits.contains(e))
        .unwrap_or(Exit::Done)
}

fn decided(verdict: Verdict, reason: impl Into<String>) -> Prepared {
    Prepared::Decided(Outcome::new(verdict, reason))
}

fn prepare(
    paths: &SourcePaths,
    keyring: &KeyringEntry,
    from_keyring: bool,
    args: &ValidateArgs,
    color: bool,
) -> Prepared {
    let name = paths.name.as_str();
    let openapi = args.openapi.as_deref();
    let fresh = !paths.auth_check.is_file();
    let spec = match spec_for(paths, openapi, color) {
        Ok(spec) => spec,
        Err(e) => return decided(Verdict::BadCheck, e),
    };
    // One source: its check is derived (and written, to fill in) even
    // before there are credentials. `--all` derives nothing for a source
    // without them.
    let early = if args.all {
        None
    } else {
        match load_or_derive(paths, &spec, openapi, color) {
            Ok(file) => Some(file),
            Err(why) => return decided(Verdict::BadCheck, why),
        }
    };
    let env = |k: &str| std::env::var(k).ok();
    let read = if from_keyring {
        store::read_keyring(keyring)
    } else {
        let origin = Origin::locate(
            args.config.as_deref(),
            args.config_dir.as_deref(),
            name,
            &paths.credentials,
            env,
        );
        store::read_or_keyring(&origin, keyring, env)
    };
    let (credentials, origin) = match read {
        Ok(found) => found,
        // `--all` runs the sources that have credentials; nothing is
        // derived or written for the others.
        Err(e) if e.is_missing() && args.all => {
            return decided(
                Verdict::Skipped,
                format!("no credentials yet (`connector-auth collect {name}` saves them)"),
            );
        }
        Err(e) if e.is_missing() => {
            return decided(
                Verdict::MissingCredentials,
                format!("{e} (`connector-auth collect {name}` saves them)"),
            );
        }
        // There, but unusable (malformed JSON, not a flat object, too large):
        // the file is at fault, not missing.
        Err(e) => return decided(Verdict::BadValue, e.to_string()),
    };
    let file = match early.map_or_else(|| load_or_derive(paths, &spec, openapi, color), Ok) {
        Ok(file) => file,
        Err(why) => return decided(Verdict::BadCheck, why),
    };
    if let (Some(reason), true) = (&file.no_http, file.checks.is_empty()) {
        return decided(Verdict::Skipped, format!("no HTTP check: {reason}"));
    }
    match probe::choose(&file, &spec, &credentials) {
        Ok(chosen) => {
            let index = file
                .checks
                .iter()
                .position(|c| std::ptr::eq(c, chosen))
                .unwrap_or(0);
            Prepared::Ready(Box::new(Ready {
                spec,
                file,
                credentials,
                origin,
                keyring: keyring.clone(),
                check: index,
                fresh,
            }))
        }
        Err(missing) => decided(
            Verdict::MissingCredentials,
            format!(
                "the credentials lack {} (from {origin})",
                missing
                    .iter()
                    .map(|m| format!("`{m}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ),
    }
}

/// The spec of a source; with none yet and an OpenAPI description at hand
/// (given, or in the source folder), the spec drafted from it (not written).
fn spec_for(paths: &SourcePaths, openapi: Option<&str>, color: bool) -> Result<Spec, String> {
    let location = openapi
        .map(str::to_string)
        .or_else(|| paths.openapi().map(|p| p.to_string_lossy().into_owned()));
    match location {
        Some(location) if !paths.spec.is_file() => {
            let (_, description) = openapi::read(&location).map_err(|e| e.to_string())?;
            openapi::draft::draft(&description, paths.name.as_str())
                .map(|d| d.spec)
                .map_err(|e| format!("{location}: {e}"))
        }
        _ => spec::load_usable(paths, color).map_err(|e| e.to_string()),
    }
}

async fn send_all(
    prepared: Vec<(SourceName, Prepared)>,
    timeout: Duration,
    jobs: usize,
    http: Arc<reqwest::Client>,
) -> Vec<(SourceName, Outcome)> {
    let permits = Arc::new(tokio::sync::Semaphore::new(jobs));
    let mut tasks = tokio::task::JoinSet::new();
    let mut results: Vec<(SourceName, Option<Outcome>)> = Vec::new();
    for (index, (name, prep)) in prepared.into_iter().enumerate() {
        match prep {
            Prepared::Decided(outcome) => results.push((name, Some(outcome))),
            Prepared::Ready(ready) => {
                results.push((name, None));
                let permits = permits.clone();
                let http = http.clone();
                tasks.spawn(async move {
                    let _permit = permits.acquire().await;
                    let mut outcome = ready.request(&http, timeout).send().await;
                    if let Some(new) = outcome.rotated_refresh_token.take() {
                        outcome.warnings.push(save_rotated(&ready, new));
                    }
                    (index, outcome)
                });
            }
        }
    }
    while let Some(done) = tasks.join_next().await {
        if let Ok((index, outcome)) = done
            && let Some(slot) = results.get_mut(index)
        {
            slot.1 = Some(outcome);
        }
    }
    results
        .into_iter()
        .map(|(name, outcome)| {
            let outcome = outcome.unwrap_or_else(|| {
                Outcome::new(Verdict::BadCheck, "the check stopped unexpectedly")
            });
            (name, outcome)
        })
        .collect()
}

/// Saves a rotated refresh token where the spent one came from.
fn save_rotated(ready: &Ready, new: Secret) -> String {
    let (origin, credentials) = (&ready.origin, &ready.credentials);
    if let Origin::Keyring(_) = origin {
        let entry = &ready.keyring;
        let mut updated = credentials.clone();
        updated.insert("refresh_token", new);
        return match entry.set(&updated) {
            Ok(()) => {
                format!("the provider rotated the refresh token; the new one was saved to {entry}")
            }
            Err(e) => format!(
                "the provider rotated the refresh token, and saving the new one failed: {e}"
            ),
        };
    }
    let Some(path) = origin.path() else {
        return format!(
            "the provider rotated the refresh token: the one in {origin} is now spent; run `connector-auth collect <source> --reauthorize` to get a fresh one"
        );
    };
    let mut updated = credentials.clone();
    updated.insert("refresh_token", new);
    match crate::credentials::write(path, &updated) {
        Ok(()) => format!(
            "the provider rotated the refresh token; the new one was saved to {}",
            shown(path)
        ),
        Err(e) => {
            format!("the provider rotated the refresh token, and saving the new one failed: {e}")
        }
    }
}

fn report(outcomes: &[(SourceName, Outcome)], printer: &mut Printer) -> Result<(), Error> {
    if printer.is_json() {
        for (name, o) in outcomes {
            printer.json(&serde_json::json!({
                "source": name.as_str(),
                "auth_method": o.auth_method,
                "outcome": o.verdict,
                "status": o.status,
                "reason": o.reason,
                "identity": o.identity,
                "warnings": o.warnings,
                "elapsed_ms": o.elapsed.as_millis() as u64,
            }))?;
        }
        return Ok(());
    }
    let tone = |v: Verdict| match v.exit() {
        Exit::Done if v == Verdict::Skipped => Tone::Faint,
        Exit::Done => Tone::Good,
        Exit::NoVerdict => Tone::Warn,
        _ => Tone::Bad,
    };
    if let [(name, o)] = outcomes {
        let mark = printer.paint(
            match o.verdict {
                Verdict::Ok => "✓",
                Verdict::Skipped => "–",
                _ => "✗",
            },
            tone(o.verdict),
        );
        let verdict = printer.paint(o.verdict.as_str(), tone(o.verdict));
        let method = o
            .auth_method
            .as_deref()
            .map(|m| format!(" ({m})"))
            .unwrap_or_default();
        printer.line(&format!(
            "{mark} {name}{method}: {verdict} — {} [{} ms]",
            o.reason,
            o.elapsed.as_millis()
        ))?;
    } else {
        let rows: Vec<Vec<String>> = outcomes
            .iter()
            .map(|(name, o)| {
                vec![
                    name.to_string(),
                    o.auth_method.clone().unwrap_or_else(|| "-".into()),
                    o.verdict.as_str().to_string(),
                    o.status
                        .map(|s| s.to_string())
                        .unwrap_or_else(|| "-".into()),
                    format!("{} ms", o.elapsed.as_millis()),
                    o.reason.clone(),
                ]
            })
            .collect();
        printer.table(
            &["SOURCE", "METHOD", "OUTCOME", "STATUS", "TIME", "REASON"],
            &rows,
        )?;
    }
    for (name, o) in outcomes {
        for w in &o.warnings {
            eprint(&format!("warning: {name}: {w}"));
        }
    }
    Ok(())
}

fn dry_run(
    prepared: &[(SourceName, Prepared)],
    timeout: Duration,
    printer: &mut Printer,
) -> Result<Exit, Error> {
    let http = probe::http_client(timeout).map_err(Error::Internal)?;
    let mut exits = Vec::new();
    for (name, prep) in prepared {
        let preview = match prep {
            Prepared::Decided(o) => Err(o.clone()),
            Prepared::Ready(ready) => ready
                .request(&http, timeout)
                .preview()
                .map_err(|why| Outcome::new(Verdict::BadCheck, why)),
        };
        match preview {
            Ok(p) => {
                exits.push(Exit::Done);
                if printer.is_json() {
                    printer.json(&serde_json::json!({
                        "source": name.as_str(),
                        "dry_run": true,
                        "auth_method": p.auth_method,
                        "method": p.method,
                        "url": p.url,
                        "headers": p.headers.iter().map(|(k, v)| serde_json::json!({"name": k, "value": v})).collect::<Vec<_>>(),
                    }))?;
                } else {
                    let mut text = format!(
                        "{name}: would send (nothing sent)\n  {} {}\n",
                        p.method, p.url
                    );
                    for (k, v) in &p.headers {
                        text.push_str(&format!("  {k}: {v}\n"));
                    }
                    printer.text(&text)?;
                }
            }
            Err(o) => {
                exits.push(o.verdict.exit());
                if printer.is_json() {
                    printer.json(&serde_json::json!({
                        "source": name.as_str(), "dry_run": true, "outcome": o.verdict, "reason": o.reason,
                    }))?;
                } else {
                    printer.line(&format!("{name}: {} — {}", o.verdict.as_str(), o.reason))?;
                }
            }
        }
    }
    Ok(combined_exit(exits.into_iter()))
}
