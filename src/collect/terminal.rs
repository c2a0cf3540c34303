//! Collect in the terminal: prompts on stderr (hidden input for secrets,
//! the auth method as a choice, required values first, re-asked when empty
//! or mistyped), or answers read line by line when stdin is not a terminal.
//!
//! Part of Step 2, `collect` (see docs/architecture.md): it imports no other step.

use std::io::{BufRead, IsTerminal, Write};

use dialoguer::theme::{ColorfulTheme, SimpleTheme, Theme};
use dialoguer::{Input, Password, Select};

use std::time::Duration;

use super::flow::{self, Resolved};
use super::form::{Field, Form, humanise, normalise};
use super::save::{self, Saved};
use super::verifier::{OAuthEdits, Verifier};
use super::{Cancel, Collected};
use crate::credentials::Credentials;
use crate::error::Error;
use crate::oauth::{self, OAuthError};
use crate::report::{Event, Printer};
use crate::secret::Secret;
use crate::spec::{AuthMethod, Flow};
use crate::store::Store;

/// How the terminal collect runs its OAuth step.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub port: Option<u16>,
    pub open: bool,
    pub timeout: Option<Duration>,
    /// Paste the redirected address back instead of a loopback callback.
    pub paste: bool,
    /// The device authorization grant.
    pub device: bool,
    /// Run the authorization even when a refresh token is stored.
    pub reauthorize: bool,
}

/// Where answers come from.
enum Answers {
    /// A person at a terminal.
    Tty(Box<dyn Theme>),
    /// Lines piped on stdin.
    Lines(std::io::StdinLock<'static>),
}

/// Asks every value, then saves the credentials to `output` through the
/// one save path (the check on Save first, with `verifier`).
pub fn collect(
    form: &Form,
    stored: Option<&Credentials>,
    output: &Store,
    settings: &Settings,
    verifier: Option<&Verifier>,
    printer: &mut Printer,
) -> Result<Collected, Error> {
    let mut answers = if std::io::stdin().is_terminal() && std::io::stderr().is_terminal() {
        restore_terminal_on_interrupt(printer.is_json());
        let theme: Box<dyn Theme> = if printer.color() {
            Box::new(ColorfulTheme::default())
        } else {
            Box::new(SimpleTheme)
        };
        Answers::Tty(theme)
    } else {
        Answers::Lines(std::io::stdin().lock())
    };
    say(&format!(
        "Credentials for {} (saved to {})",
        form.title, output
    ));
    let method = match choose_method(form, stored, &mut answers)? {
        Ok(m) => m,
        Err(cancel) => return Ok(Collected::Cancelled(cancel)),
    };
    let mut values: Vec<(String, String)> = Vec::new();
    for (field, required) in form.fields_for(method) {
        if field.from_flow || field.selector {
            continue;
        }
        match ask(field, required, stored, &mut answers)? {
            Ok(Some(value)) => values.push((field.parameter.name.clone(), value)),
            Ok(None) => {}
            Err(cancel) => return Ok(Collected::Cancelled(cancel)),
        }
    }
    let mut from_flow = Credentials::new();
    if let Some(oauth) = form.oauth(method) {
        let resolve = || flow::resolve(form, method, &values, stored).map_err(Error::Usage);
        match oauth.flow() {
            Flow::M2m => {
                if let Err(err) = runtime()?.block_on(resolve()?.check_client_credentials()) {
                    say(&format!("The client-credentials grant failed: {err}"));
                    if !confirm(&mut answers, "Save anyway, without a working token? [y/N]")? {
                        return Err(err.into());
                    }
                }
            }
            Flow::U2m | Flow::U2mPerUser => {
                let kept = stored.is_some_and(|s| s.contains("refresh_token"));
                let moved = kept && client_changed(&values, stored);
                if moved {
                    say(
                        "A refresh token is stored, but it was issued to the earlier client ID: the client ID changed, so the authorization runs again for the new client.",
                    );
                }
                if kept && !moved && !settings.reauthorize {
                    say(
                        "Keeping the stored refresh token (--reauthorize runs the authorization again).",
                    );
                } else {
                    match authorize(&resolve()?, settings, printer, &mut answers)? {
                        Ok(token) => from_flow.insert("refresh_token", token),
                        Err(cancel) => return Ok(Collected::Cancelled(cancel)),
                    }
                }
            }
        }
    }
    let credentials = form
        .check(method, &values, stored, &from_flow)
        .map_err(|problems| {
            let text: Vec<String> = problems
                .iter()
                .map(|p| {
                    format!(
                        "{} {}",
                        p.field.as_deref().map(humanise).unwrap_or_default(),
                        p.message
                    )
                })
                .collect();
            Error::Usage(text.join("; "))
        })?;
    save_checked(output, verifier, credentials, &mut answers)
}

/// Whether the client ID answered differs from the stored one, so the
/// stored refresh token (issued to the earlier client) cannot be kept.
fn client_changed(values: &[(String, String)], stored: Option<&Credentials>) -> bool {
    let before = stored.and_then(|s| s.get("client_id"));
    let now = values.iter().rev().find(|(n, _)| n == "client_id");
    match (before, now) {
        (Some(before), Some((_, now))) => before.expose().trim() != now.trim(),
        _ => false,
    }
}

/// Saves through the one save path; credentials the check on Save did not
/// accept are written only when the person says so.
fn save_checked(
    output: &Store,
    verifier: Option<&Verifier>,
    credentials: Credentials,
    answers: &mut Answers,
) -> Result<Collected, Error> {
    let runtime = runtime()?;
    let edits = OAuthEdits::default();
    let saved = runtime.block_on(save::save(
        output,
        verifier,
        credentials.clone(),
        &edits,
        false,
    ))?;
    if let Saved::Refused(result) = saved {
        say(&result.sentence);
        if !confirm(answers, "Save these credentials anyway? [y/N]")? {
            return Ok(Collected::Cancelled(Cancel::NotAccepted));
        }
        runtime.block_on(save::save(output, verifier, credentials, &edits, true))?;
    }
    Ok(Collected::Saved(output.clone()))
}

fn runtime() -> Result<tokio::runtime::Runtime, Error> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(Error::Output)
}

/// Asks a yes/no question whose answer defaults to no.
fn confirm(answers: &mut Answers, prompt: &str) -> Result<bool, Error> {
    let answer = match answers {
        Answers::Tty(theme) => dialoguer::Confirm::with_theme(theme.as_ref())
            .with_prompt(prompt)
            .default(false)
            .interact()
            .map_err(prompt_error)?,
        Answers::Lines(lines) => {
            say(prompt);
            read_line(lines)?.is_some_and(|l| matches!(l.trim(), "y" | "Y" | "yes" | "YES"))
        }
    };
    Ok(answer)
}

/// Runs the authorization-code flow (loopback callback or paste-back) or
/// the device grant, and returns the refresh token it obtained.
fn authorize(
    resolved: &Resolved,
    settings: &Settings,
    printer: &mut Printer,
    answers: &mut Answers,
) -> Result<Result<Secret, Cancel>, Error> {
    let runtime = runtime()?;
    if settings.device {
        return runtime
            .block_on(device(resolved, settings, printer))
            .map(Ok);
    }
    if settings.paste {
        let port = settings.port.unwrap_or(super::server::DEFAULT_PORT);
        let redirect = format!("http://localhost:{port}/oauth/callback");
        let (authorization, pending) = resolved.authorize(&redirect).map_err(Error::Usage)?;
        printer.event(&Event::Authorize {
            url: &authorization.url,
        })?;
        say(&format!(
            "After you approve, the browser is sent to {redirect}?code=… (it may show an error page: nothing listens there). Copy that whole address and paste it here:"
        ));
        let pasted = match answers {
            Answers::Tty(theme) => Some(
                Input::<String>::with_theme(theme.as_ref())
                    .with_prompt("Redirected address")
                    .interact_text()
                    .map_err(prompt_error)?,
            ),
            Answers::Lines(lines) => read_line(lines)?,
        };
        let Some(pasted) = pasted else {
            return Ok(Err(Cancel::InputEnded("the redirected address".into())));
        };
        let query = pasted
            .trim()
            .split_once('?')
            .map_or(pasted.trim(), |(_, q)| q);
        let query = query.split('#').next().unwrap_or(query);
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap_or_default();
        return runtime.block_on(answer(&pending, &pairs)).map(Ok);
    }
    runtime.block_on(loopback(resolved, settings, printer))
}

/// Checks a provider's answer against the authorization and exchanges its code.
async fn answer(pending: &flow::Pending, pairs: &[(String, String)]) -> Result<Secret, Error> {
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    if !get("state").is_some_and(|s| flow::same(s, pending.state.expose())) {
        return Err(OAuthError::StateMismatch.into());
    }
    if let Some(error) = get("error") {
        return Err(OAuthError::Provider {
            error: error.to_string(),
            description: get("error_description").map(str::to_string),
            hint: None,
        }
        .into());
    }
    let code = get("code").ok_or(OAuthError::StateMismatch)?;
    Ok(flow::finish(pending, code).await?)
}

/// Waits for the provider's redirect on a loopback callback.
async fn loopback(
    resolved: &Resolved,
    settings: &Settings,
    printer: &mut Printer,
) -> Result<Result<Secret, Cancel>, Error> {
    let mut interrupts = super::Interrupts::listen();
    let listening = super::server::bind(settings.port)?;
    let port = listening.port;
    let redirect = format!("http://localhost:{port}/oauth/callback");
    if let Some(requested) = listening.moved_from {
        printer.event(&Event::PortMoved {
            requested,
            port,
            redirect_uri: Some(&redirect),
        })?;
    }
    let (authorization, pending) = resolved.authorize(&redirect).map_err(Error::Usage)?;
    let pages = super::page::Pages::new().map_err(|e| Error::Internal(e.to_string()))?;
    let (app, mut rx) = super::server::callback_app(port, pages);
    let (stop, _) = tokio::sync::watch::channel(false);
    for listener in listening.listeners {
        tokio::spawn(crate::loopback::serve(
            listener,
            app.clone(),
            stop.subscribe(),
        ));
    }
    printer.event(&Event::Authorize {
        url: &authorization.url,
    })?;
    if !printer.is_json() {
        crate::report::eprint(&format!(
            "The provider sends you back to {redirect}: it must be registered as a redirect URI of the app."
        ));
    }
    if settings.open {
        let url = authorization.url.clone();
        let _ = tokio::task::spawn_blocking(move || webbrowser::open(&url)).await;
    }
    let spinner = printer.spinner("waiting for the authorization in the browser (Ctrl+C cancels)");
    let wait = async {
        loop {
            let Some(pairs) = rx.recv().await else {
                return Err(Error::Internal("the callback server stopped".into()));
            };
            match answer(&pending, &pairs).await {
                Err(Error::OAuth(OAuthError::StateMismatch)) => {
                    say(
                        "warning: ignored a callback that does not belong to this authorization (state mismatch)",
                    );
                }
                other => return other,
            }
        }
    };
    let outcome = tokio::select! {
        result = wait => result.map(Ok),
        () = interrupts.recv() => Ok(Err(Cancel::Interrupted)),
        () = super::sleep_or_forever(settings.timeout) => Ok(Err(Cancel::TimedOut(settings.timeout.unwrap_or_default()))),
    };
    spinner.finish_and_clear();
    let _ = stop.send(true);
    outcome
}

/// The device grant: show a code, poll until approved.
async fn device(
    resolved: &Resolved,
    settings: &Settings,
    printer: &mut Printer,
) -> Result<Secret, Error> {
    let url = resolved.device_url.as_deref().ok_or_else(|| {
        Error::Usage("--device needs `device_authorization_url` in the spec's oauth block".into())
    })?;
    let timeout = flow::token_timeout();
    let http = oauth::http_client(timeout)?;
    let redactor = resolved.redactor();
    let start = oauth::device_start(&http, &resolved.app, url, &resolved.scopes, &redactor).await?;
    let shown = start
        .verification_uri_complete
        .as_deref()
        .unwrap_or(&start.verification_uri);
    printer.event(&Event::Device {
        uri: shown,
        user_code: &start.user_code,
    })?;
    let wait = settings.timeout.unwrap_or(Duration::from_secs(600));
    let grant = oauth::device_finish(&http, &resolved.app, &start, wait, &redactor).await?;
    grant.refresh_token.ok_or_else(|| {
        OAuthError::NoRefreshToken(
            "ask for the `offline_access` scope (or the provider's equivalent)".into(),
        )
        .into()
    })
}

fn say(text: &str) {
    let _ = writeln!(std::io::stderr(), "{text}");
}

fn choose_method<'f>(
    form: &'f Form,
    stored: Option<&Credentials>,
    answers: &mut Answers,
) -> Result<Result<Option<&'f AuthMethod>, Cancel>, Error> {
    if form.methods.is_empty() {
        return Ok(Ok(None));
    }
    let items: Vec<String> = form
        .methods
        .iter()
        .map(|m| match &m.description {
            Some(d) => format!("{} — {d}", form.method_label(&m.name)),
            None => form.method_label(&m.name),
        })
        .collect();
    let default = stored
        .and_then(|s| form.stored_method(s))
        .and_then(|m| form.methods.iter().position(|x| x.name == m.name))
        .unwrap_or(0);
    match answers {
        Answers::Tty(theme) => {
            let picked = Select::with_theme(theme.as_ref())
                .with_prompt("Authentication method")
                .items(&items)
                .default(default)
                .interact_opt()
                .map_err(prompt_error)?;
            Ok(picked
                .map(|i| form.methods.get(i))
                .ok_or(Cancel::Interrupted))
        }
        Answers::Lines(lines) => loop {
            say("Authentication method:");
            for (i, item) in items.iter().enumerate() {
                say(&format!("  {}) {item}", i + 1));
            }
            say(&format!("Choose 1-{} or a name:", items.len()));
            let Some(line) = read_line(lines)? else {
                return Ok(Err(Cancel::InputEnded("authentication method".into())));
            };
            let line = line.trim();
            let by_number = line
                .parse::<usize>()
                .ok()
                .and_then(|n| n.checked_sub(1))
                .and_then(|i| form.methods.get(i));
            match by_number.or_else(|| form.methods.iter().find(|m| m.name == line)) {
                Some(m) => return Ok(Ok(Some(m))),
                None => say(&format!("  ✗ `{line}` is not one of the choices")),
            }
        },
    }
}

/// One value: `Ok(None)` for an optional value left empty (or a secret
/// kept from the stored file, which `Form::check` fills in).
fn ask(
    field: &Field,
    required: bool,
    stored: Option<&Credentials>,
    answers: &mut Answers,
) -> Result<Result<Option<String>, Cancel>, Error> {
    let p = &field.parameter;
    let stored_value = stored.and_then(|s| s.get(&p.name));
    let keep_secret = p.secret && stored_value.is_some();
    let mut prompt = format!(
        "{} ({}{})",
        field.label(),
        if required { "required" } else { "optional" },
        if p.secret { ", hidden" } else { "" }
    );
    if keep_secret {
        prompt.push_str(" [empty keeps the stored value]");
    }
    if let Some(d) = &p.description {
        say(&format!("  {d}"));
    }
    // At a terminal the prompt itself refuses a value it cannot take, so no
    // ✔ is shown before an error.
    let may_be_empty = keep_secret || !required || stored_value.is_some();
    let check = |raw: &String| -> Result<(), String> {
        let value = field.clean(raw);
        if value.is_empty() {
            return if may_be_empty {
                Ok(())
            } else {
                Err(format!("{} is required", field.label()))
            };
        }
        if let Some(why) = field.wrong_shape(&value) {
            return Err(format!("{} {why}", field.label()));
        }
        normalise(p.kind, &value)
            .map(|_| ())
            .map_err(|why| format!("{} {why}", field.label()))
    };
    loop {
        let raw = match answers {
            Answers::Tty(theme) if p.secret => Password::with_theme(theme.as_ref())
                .with_prompt(&prompt)
                .allow_empty_password(true)
                .validate_with(|v: &String| check(v))
                .interact()
                .map(Some)
                .map_err(prompt_error)?,
            Answers::Tty(theme) => {
                let mut input = Input::<String>::with_theme(theme.as_ref())
                    .with_prompt(&prompt)
                    .allow_empty(true)
                    .validate_with(|v: &String| check(v));
                if let Some(v) = stored_value.filter(|_| !p.secret) {
                    input = input.default(v.expose().to_string());
                } else if let Some(d) = &p.default {
                    input = input
                        .with_initial_text(String::new())
                        .default(d.clone())
                        .show_default(true);
                }
                Some(input.interact_text().map_err(prompt_error)?)
            }
            Answers::Lines(lines) => {
                say(&format!("{prompt}:"));
                read_line(lines)?
            }
        };
        let Some(raw) = raw else {
            if required && stored_value.is_none() {
                return Ok(Err(Cancel::InputEnded(p.name.clone())));
            }
            return Ok(Ok(None));
        };
        let value = raw.trim();
        if value.is_empty() {
            if keep_secret || !required {
                return Ok(Ok(None));
            }
            if let Some(v) = stored_value {
                return Ok(Ok(Some(v.expose().to_string())));
            }
            say(&format!("  ✗ {} is required", field.label()));
            continue;
        }
        if let Some(why) = field.wrong_shape(value) {
            say(&format!("  ✗ {} {why}", field.label()));
            continue;
        }
        match normalise(p.kind, value) {
            Ok(v) => return Ok(Ok(Some(v))),
            Err(why) => say(&format!("  ✗ {} {why}", field.label())),
        }
    }
}

/// A line without its line break; `None` at end of input.
fn read_line(lines: &mut std::io::StdinLock<'static>) -> Result<Option<String>, Error> {
    let mut line = String::new();
    match lines.read_line(&mut line) {
        Ok(0) => Ok(None),
        Ok(_) => Ok(Some(line.trim_end_matches(['\r', '\n']).to_string())),
        Err(e) => Err(Error::Output(e)),
    }
}

fn prompt_error(err: dialoguer::Error) -> Error {
    let dialoguer::Error::IO(io) = err;
    Error::Output(io)
}

/// Ctrl+C while a hidden prompt has echo off would leave the terminal
/// silent: restore its settings, say nothing was written, and exit 1.
fn restore_terminal_on_interrupt(json: bool) {
    #[cfg(unix)]
    let saved = rustix::termios::tcgetattr(std::io::stdin()).ok();
    std::thread::spawn(move || {
        let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        else {
            return;
        };
        runtime.block_on(async { super::Interrupts::listen().recv().await });
        #[cfg(unix)]
        if let Some(saved) = &saved {
            let _ = rustix::termios::tcsetattr(
                std::io::stdin(),
                rustix::termios::OptionalActions::Now,
                saved,
            );
        }
        let _ = console::Term::stderr().show_cursor();
        if json {
            let event = Event::Cancelled {
                reason: &Cancel::Interrupted.to_string(),
            };
            println!("{}", event.to_json());
        } else {
            say("\ncancelled: interrupted; nothing was written");
        }
        std::process::exit(1);
    });
}
