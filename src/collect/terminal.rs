//! Collect in the terminal: prompts on stderr (hidden input for secrets,
//! the auth method as a choice, required values first, re-asked when empty
//! or mistyped), or answers read line by line when stdin is not a terminal.

use std::io::{BufRead, IsTerminal, Write};

use dialoguer::theme::{ColorfulTheme, SimpleTheme, Theme};
use dialoguer::{Input, Password, Select};

use super::form::{Field, Form, humanise, normalise};
use super::{Cancel, Outcome};
use crate::credentials::{self, Credentials};
use crate::error::Error;
use crate::spec::AuthMethod;

/// Where answers come from.
enum Answers {
    /// A person at a terminal.
    Tty(Box<dyn Theme>),
    /// Lines piped on stdin.
    Lines(std::io::StdinLock<'static>),
}

/// Asks every value, then writes the credentials to `output`.
pub fn collect(
    form: &Form,
    stored: Option<&Credentials>,
    output: &std::path::Path,
    color: bool,
    json: bool,
) -> Result<Outcome, Error> {
    let mut answers = if std::io::stdin().is_terminal() && std::io::stderr().is_terminal() {
        restore_terminal_on_interrupt(json);
        let theme: Box<dyn Theme> = if color {
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
        form.title,
        output.display()
    ));
    let method = match choose_method(form, stored, &mut answers)? {
        Ok(m) => m,
        Err(cancel) => return Ok(Outcome::Cancelled(cancel)),
    };
    let mut values: Vec<(String, String)> = Vec::new();
    for (field, required) in form.fields_for(method) {
        if field.from_flow {
            continue;
        }
        match ask(field, required, stored, &mut answers)? {
            Ok(Some(value)) => values.push((field.parameter.name.clone(), value)),
            Ok(None) => {}
            Err(cancel) => return Ok(Outcome::Cancelled(cancel)),
        }
    }
    let credentials = form
        .check(method, &values, stored, &Credentials::new())
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
    credentials::write(output, &credentials)?;
    Ok(Outcome::Saved(output.to_path_buf()))
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
            Some(d) => format!("{} — {d}", humanise(&m.name)),
            None => humanise(&m.name),
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
    loop {
        let raw = match answers {
            Answers::Tty(theme) if p.secret => Password::with_theme(theme.as_ref())
                .with_prompt(&prompt)
                .allow_empty_password(true)
                .interact()
                .map(Some)
                .map_err(prompt_error)?,
            Answers::Tty(theme) => {
                let mut input = Input::<String>::with_theme(theme.as_ref())
                    .with_prompt(&prompt)
                    .allow_empty(true);
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
        runtime.block_on(super::interrupted());
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
            println!(
                "{}",
                serde_json::json!({"event": "cancelled", "reason": "interrupted"})
            );
        } else {
            say("\ncancelled: interrupted; nothing was written");
        }
        std::process::exit(1);
    });
}
