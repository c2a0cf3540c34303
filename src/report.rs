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
    out: std::io::Stdout,
}

impl Printer {
    pub fn new(color: ColorWhen, json: bool) -> Printer {
        Printer {
            color: !json && color.enabled(),
            json,
            out: std::io::stdout(),
        }
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
        let mut out = self.out.lock();
        out.write_all(text.as_bytes())?;
        out.flush()
    }

    /// Writes one line and flushes, so a reader of a pipe sees it at once.
    pub fn line(&mut self, text: &str) -> std::io::Result<()> {
        let mut out = self.out.lock();
        writeln!(out, "{text}")?;
        out.flush()
    }

    /// Writes one JSON object on its own line and flushes.
    pub fn json(&mut self, value: &serde_json::Value) -> std::io::Result<()> {
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

/// Writes a message to stderr (warnings, errors, progress), never to stdout.
pub fn eprint(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{text}");
}
