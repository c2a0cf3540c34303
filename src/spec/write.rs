//! Part of the base module `spec`: writing a drafted spec. One function
//! decides, for the markdown and the OpenAPI drafts alike, that a draft
//! with lint errors is not written, and keeps the previous spec as `.bak`.

use std::path::Path;

use super::{Loaded, Spec, load_str, render};
use crate::atomic;
use crate::diagnostic::Severity;
use crate::exit::Exit;
use crate::report::{Printer, Tone, eprint, shown};
use crate::source::Source;

/// A drafted spec as rendered, what lint found in the rendered text, and
/// whether it was written.
pub struct WrittenDraft {
    pub text: String,
    pub linted: Loaded,
    pub errors: usize,
    pub written: bool,
}

/// Renders `drafted` under `header`, lints the text, and writes it to
/// `path` unless `print` asks for stdout only or lint finds an error (a
/// draft must pass lint to be written).
pub fn write_draft(
    path: &Path,
    drafted: &Spec,
    header: &[String],
    print: bool,
) -> std::io::Result<WrittenDraft> {
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let text = render(drafted, &header);
    let linted = load_str(Source::new(shown(path), text.clone())).linted();
    let errors = linted.count(Severity::Error);
    let written = !print && errors == 0;
    if written {
        if path.is_file() {
            let backup = path.with_extension("yaml.bak");
            std::fs::copy(path, &backup)?;
            eprint(&format!(
                "note: the previous spec is kept as {}",
                shown(&backup)
            ));
        }
        atomic::write(path, text.as_bytes(), atomic::Access::Shared)?;
    }
    Ok(WrittenDraft {
        text,
        linted,
        errors,
        written,
    })
}

impl WrittenDraft {
    /// Shows the draft's lint findings (only errors when it was printed
    /// instead of written) and its verdict: errors are exit 1, and such a
    /// draft was not written.
    pub fn report(&self, path: &Path, print: bool, printer: &Printer) -> std::io::Result<Exit> {
        let source = self.linted.shown_source(path);
        for finding in &self.linted.findings {
            if finding.severity() == Severity::Error || !print {
                eprint(finding.render(&source, printer.color()).trim_end());
            }
        }
        if self.errors == 0 {
            return Ok(Exit::Done);
        }
        let line = printer.paint(
            &format!(
                "the draft has {} error(s) (above); nothing was written",
                self.errors
            ),
            Tone::Bad,
        );
        eprint(&line);
        Ok(Exit::Negative)
    }
}
