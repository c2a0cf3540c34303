//! Everything the tool prints goes through a [`Printer`]: human text with
//! colour decided once (terminal, `NO_COLOR`, `TERM=dumb`, `--color`), or one
//! JSON object per line for programs.

use std::io::{IsTerminal, Write};

use anstyle::{AnsiColor, Style};

/// When to colour output (`--color`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorWhen {
    /// Colour when stdout is a terminal, `NO_COLOR` is unset and `TERM` is not `dumb`.
    #[default]
    Auto,
    Always,
    Never,
}

impl ColorWhen {
    /// Decides once whether stdout gets colour.
    pub fn enabled(self) -> bool {
        match self {
            ColorWhen::Always => true,
            ColorWhen::Never => false,
            ColorWhen::Auto => {
                std::io::stdout().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
            }
        }
    }
}

/// A text style, applied only when colour is on.
#[derive(Debug, Clone, Copy)]
pub enum Tone {
    Strong,
    Good,
    Warn,
    Bad,
    Faint,
}

impl Tone {
    fn style(self) -> Style {
        match self {
            Tone::Strong => Style::new().bold(),
            Tone::Good => AnsiColor::Green.on_default(),
            Tone::Warn => AnsiColor::Yellow.on_default(),
            Tone::Bad => AnsiColor::Red.on_default().bold(),
            Tone::Faint => Style::new().dimmed(),
        }
    }
}

/// Writes a command's output to stdout, for people or (with `--json`) programs.
pub struct Printer {
    color: bool,
    json: bool,
    out: Out,
}

/// Where a printer's output goes.
enum Out {
    Stdout(std::io::Stdout),
    /// Kept for a caller in this process (the MCP server, whose stdout
    /// carries only the protocol).
    Capture(Capture),
}

/// One piece of output a capturing printer kept.
#[derive(Debug, Clone, PartialEq)]
pub enum Captured {
    /// A JSON object (an event, a verdict, a finding).
    Json(serde_json::Value),
    /// Text written as is (a printed draft, a line for people).
    Text(String),
}

/// What a capturing printer keeps, and who hears of it as it happens.
struct Capture {
    kept: std::sync::Arc<std::sync::Mutex<Vec<Captured>>>,
    live: Option<tokio::sync::mpsc::UnboundedSender<serde_json::Value>>,
}

/// The output of a capturing printer, readable while and after it runs.
#[derive(Clone, Default)]
pub struct CaptureHandle {
    kept: std::sync::Arc<std::sync::Mutex<Vec<Captured>>>,
}

impl CaptureHandle {
    /// Everything kept so far, in order.
    pub fn take(&self) -> Vec<Captured> {
        std::mem::take(&mut *self.kept.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

impl Printer {
    pub fn new(color: ColorWhen, json: bool) -> Printer {
        Printer {
            color: !json && color.enabled(),
            json,
            out: Out::Stdout(std::io::stdout()),
        }
    }

    /// A `--json` printer that keeps its output instead of writing it;
    /// each JSON object is also sent to `live` the moment it is printed.
    pub fn capture(
        live: Option<tokio::sync::mpsc::UnboundedSender<serde_json::Value>>,
    ) -> (Printer, CaptureHandle) {
        let handle = CaptureHandle::default();
        let printer = Printer {
            color: false,
            json: true,
            out: Out::Capture(Capture {
                kept: handle.kept.clone(),
                live,
            }),
        };
        (printer, handle)
    }

    fn keep(&mut self, item: Captured) -> bool {
        match &mut self.out {
            Out::Stdout(_) => false,
            Out::Capture(capture) => {
                if let (Captured::Json(value), Some(live)) = (&item, &capture.live) {
                    let _ = live.send(value.clone());
                }
                capture
                    .kept
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(item);
                true
            }
        }
    }

    /// True when the output goes to a program in this process (the MCP
    /// server) rather than to a person's terminal: no person watches it
    /// as it is printed.
    pub fn is_captured(&self) -> bool {
        matches!(self.out, Out::Capture(_))
    }

    pub fn is_json(&self) -> bool {
        self.json
    }

    pub fn color(&self) -> bool {
        self.color
    }

    /// `text` in `tone` when colour is on.
    pub fn paint(&self, text: &str, tone: Tone) -> String {
        if self.color {
            let style = tone.style();
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_string()
        }
    }

    /// Writes text as is (it carries its own line breaks) and flushes.
    pub fn text(&mut self, text: &str) -> std::io::Result<()> {
        let Out::Stdout(out) = &self.out else {
            self.keep(Captured::Text(text.to_string()));
            return Ok(());
        };
        let mut out = out.lock();
        out.write_all(text.as_bytes())?;
        out.flush()
    }

    /// Writes one line and flushes, so a reader of a pipe sees it at once.
    pub fn line(&mut self, text: &str) -> std::io::Result<()> {
        let Out::Stdout(out) = &self.out else {
            self.keep(Captured::Text(format!("{text}\n")));
            return Ok(());
        };
        let mut out = out.lock();
        writeln!(out, "{text}")?;
        out.flush()
    }

    /// Writes one JSON object on its own line and flushes.
    pub fn json(&mut self, value: &serde_json::Value) -> std::io::Result<()> {
        if self.keep(Captured::Json(value.clone())) {
            return Ok(());
        }
        self.line(&value.to_string())
    }

    /// Writes rows as aligned columns under a bold header.
    pub fn table(&mut self, header: &[&str], rows: &[Vec<String>]) -> std::io::Result<()> {
        let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
        for row in rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let pad = |cells: Vec<&str>| -> String {
            let last = cells.len().saturating_sub(1);
            cells
                .iter()
                .zip(&widths)
                .enumerate()
                .map(|(i, (c, w))| {
                    if i == last {
                        c.to_string()
                    } else {
                        format!("{c}{}", " ".repeat(w - c.chars().count()))
                    }
                })
                .collect::<Vec<_>>()
                .join("  ")
        };
        let head = pad(header.to_vec());
        let mut text = self.paint(&head, Tone::Strong);
        text.push('\n');
        for row in rows {
            text.push_str(&pad(row.iter().map(String::as_str).collect()));
            text.push('\n');
        }
        self.text(&text)
    }
}

/// Something that happened during a long-running command, for the person
/// (a line on stdout or stderr) or for a program (`--json`: one object per line).
#[derive(Debug, Clone, Copy)]
pub enum Event<'a> {
    /// The form is served at `url`: the line agents wait for.
    Listening {
        url: &'a str,
        port: u16,
    },
    /// The default port was busy.
    PortMoved {
        requested: u16,
        port: u16,
        /// Set when a u2m flow's registered redirect URI no longer matches.
        redirect_uri: Option<&'a str>,
    },
    Note(&'a str),
    Warning(&'a str),
    /// The person should open this authorization URL.
    Authorize {
        url: &'a str,
    },
    /// The person should enter `user_code` at `uri` on any device.
    Device {
        uri: &'a str,
        user_code: &'a str,
    },
    Saved {
        path: &'a str,
    },
    /// Saved in the OS keyring (`--store keyring`): no file.
    SavedToKeyring {
        service: &'a str,
        account: &'a str,
    },
    Cancelled {
        reason: &'a str,
    },
    /// A step of `authenticate` starts.
    Step {
        number: u8,
        name: &'a str,
    },
    /// `authenticate` stopped at a step; `resume` is the command to go on.
    Stopped {
        step: u8,
        reason: &'a str,
        resume: &'a str,
    },
    /// `authenticate` finished every step.
    Authenticated {
        source: &'a str,
    },
}

impl Event<'_> {
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::json;
        match *self {
            Event::Listening { url, port } => {
                json!({"event": "listening", "url": url, "port": port})
            }
            Event::PortMoved {
                requested,
                port,
                redirect_uri,
            } => json!({
                "event": "port_moved", "requested": requested, "port": port, "redirect_uri": redirect_uri,
            }),
            Event::Note(message) => json!({"event": "note", "message": message}),
            Event::Authorize { url } => json!({"event": "authorize", "url": url}),
            Event::Device { uri, user_code } => {
                json!({"event": "device", "verification_uri": uri, "user_code": user_code})
            }
            Event::Warning(message) => json!({"event": "warning", "message": message}),
            Event::Saved { path } => json!({"event": "saved", "path": path}),
            Event::SavedToKeyring { service, account } => json!({
                "event": "saved", "store": "keyring", "service": service, "account": account,
            }),
            Event::Cancelled { reason } => json!({"event": "cancelled", "reason": reason}),
            Event::Step { number, name } => json!({"event": "step", "step": number, "name": name}),
            Event::Stopped {
                step,
                reason,
                resume,
            } => {
                json!({"event": "stopped", "step": step, "reason": reason, "resume": resume})
            }
            Event::Authenticated { source } => json!({"event": "authenticated", "source": source}),
        }
    }
}

impl Printer {
    /// Reports an event: JSON on stdout, or a line for people (results on
    /// stdout, notes and warnings on stderr). Flushed at once either way.
    pub fn event(&mut self, event: &Event) -> std::io::Result<()> {
        if self.json {
            return self.json(&event.to_json());
        }
        match *event {
            Event::Listening { url, .. } => self.line(&format!("→ {url}")),
            Event::PortMoved {
                requested,
                port,
                redirect_uri,
            } => {
                eprint(&format!(
                    "warning: port {requested} is busy; listening on {port} instead"
                ));
                if let Some(uri) = redirect_uri {
                    eprint(&format!(
                        "warning: the OAuth redirect URI is now {uri}: register it with the provider's app, \
                         or stop the program on port {requested} and run collect again"
                    ));
                }
                Ok(())
            }
            Event::Note(message) => {
                eprint(&format!("note: {message}"));
                Ok(())
            }
            Event::Authorize { url } => {
                eprint(&format!("Open this address to authorize:\n  {url}"));
                Ok(())
            }
            Event::Device { uri, user_code } => {
                eprint(&format!(
                    "On any device, open {uri} and enter the code {user_code}"
                ));
                Ok(())
            }
            Event::Warning(message) => {
                eprint(&format!("warning: {message}"));
                Ok(())
            }
            Event::Saved { path } => {
                let mark = self.paint("✓", Tone::Good);
                self.line(&format!("{mark} saved credentials to {path}"))
            }
            Event::SavedToKeyring { service, account } => {
                let mark = self.paint("✓", Tone::Good);
                self.line(&format!(
                    "{mark} saved credentials to the OS keyring (service {service}, account {account}); no file written"
                ))
            }
            Event::Cancelled { reason } => {
                eprint(&format!("cancelled: {reason}; nothing was written"));
                Ok(())
            }
            Event::Step { number, name } => {
                let title = self.paint(&format!("Step {number}/3 · {name}"), Tone::Strong);
                self.line(&format!("\n{title}"))
            }
            Event::Stopped {
                step,
                reason,
                resume,
            } => {
                let stop = self.paint(&format!("stopped at step {step}"), Tone::Bad);
                eprint(&format!("{stop}: {reason}\nto go on: {resume}"));
                Ok(())
            }
            Event::Authenticated { source } => {
                let mark = self.paint("✓", Tone::Good);
                self.line(&format!(
                    "\n{mark} {source} is set up: a spec, saved credentials and an auth check that passes"
                ))
            }
        }
    }

    /// A spinner on stderr while waiting; hidden when stderr is not a
    /// terminal or output is JSON.
    pub fn spinner(&self, message: &str) -> indicatif::ProgressBar {
        if self.json || !std::io::stderr().is_terminal() {
            return indicatif::ProgressBar::hidden();
        }
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_message(message.to_string());
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        bar
    }
}

/// `path` relative to the current folder when it lies below it, for shorter messages.
pub fn shown(path: &std::path::Path) -> String {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(|p| p.display().to_string()))
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| path.display().to_string())
}

/// `n word` with an `s` when `n` is not one.
pub fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// Writes a message to stderr (warnings, errors, progress), never to stdout.
/// On a thread that [`keep_messages`] set up, the message is also kept.
pub fn eprint(text: &str) {
    MESSAGES.with(|m| {
        if let Some(kept) = m.borrow_mut().as_mut() {
            kept.push(text.to_string());
        }
    });
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{text}");
}

thread_local! {
    static MESSAGES: std::cell::RefCell<Option<Vec<String>>> = const { std::cell::RefCell::new(None) };
}

/// From now on, this thread's [`eprint`] messages are also kept, until
/// [`kept_messages`] hands them over.
pub fn keep_messages() {
    MESSAGES.with(|m| *m.borrow_mut() = Some(Vec::new()));
}

/// The messages kept on this thread since [`keep_messages`]; keeping stops.
pub fn kept_messages() -> Vec<String> {
    MESSAGES.with(|m| m.borrow_mut().take().unwrap_or_default())
}

/// Text a server sent, made safe to print on a terminal: control
/// characters (ESC, CR, backspace, C1 controls, DEL) and bidirectional
/// overrides are dropped, line breaks and tabs become spaces. A server can
/// then neither redraw a line (`ESC[2K`, `\r`) nor reorder what it shows.
pub fn printable(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            '\n' | '\t' => Some(' '),
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' => None,
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect()
}

#[cfg(test)]
mod printable_tests {
    use super::printable;

    #[test]
    fn no_control_character_survives() {
        let hostile =
            "denied\x1b[2K\x1b[1G\r✓ api: ok — HTTP 200\u{9b}31m\x07\x08\u{202e}gnp.exe\x7f";
        let shown = printable(hostile);
        assert!(!shown.chars().any(|c| c.is_control()), "{shown:?}");
        assert_eq!(shown, "denied[2K[1G✓ api: ok — HTTP 20031mgnp.exe");
        assert_eq!(printable("a\nb\tc"), "a b c");
    }
}

#[cfg(test)]
mod capture_tests {
    use super::{Captured, Event, Printer, eprint, keep_messages, kept_messages};

    #[test]
    fn a_capturing_printer_keeps_everything_and_reports_objects_live() {
        let (live, mut heard) = tokio::sync::mpsc::unbounded_channel();
        let (mut printer, output) = Printer::capture(Some(live));
        assert!(printer.is_json() && !printer.color());
        printer
            .event(&Event::Listening {
                url: "http://localhost:9876",
                port: 9876,
            })
            .expect("event");
        printer.text("a draft\n").expect("text");
        printer.line("a line").expect("line");
        assert_eq!(heard.try_recv().expect("live")["event"], "listening");
        assert!(heard.try_recv().is_err(), "text is not an event");
        let kept = output.take();
        assert_eq!(kept.len(), 3);
        assert!(matches!(&kept[0], Captured::Json(v) if v["port"] == 9876));
        assert_eq!(kept[1], Captured::Text("a draft\n".into()));
        assert_eq!(kept[2], Captured::Text("a line\n".into()));
    }

    #[test]
    fn messages_are_kept_only_while_asked_and_only_on_this_thread() {
        eprint("before");
        keep_messages();
        eprint("kept");
        std::thread::spawn(|| eprint("another thread"))
            .join()
            .expect("thread");
        assert_eq!(kept_messages(), ["kept"]);
        eprint("after");
        assert!(kept_messages().is_empty());
    }
}
