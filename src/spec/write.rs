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
            atomic::backup(path, &backup)?;
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
    /// Says what was drafted from `from`: a heading, then `lines` (on
    /// stderr when the draft itself went to stdout); with `--json`, the
    /// `drafted` event made of `fields` (its `parameters`, `review`, …).
    pub fn explain(
        &self,
        path: &Path,
        from: &str,
        lines: &str,
        fields: serde_json::Value,
        print: bool,
        printer: &mut Printer,
    ) -> std::io::Result<()> {
        if printer.is_json() {
            let mut event = serde_json::json!({
                "event": "drafted",
                "path": shown(path),
                "written": self.written,
            });
            if let (Some(event), serde_json::Value::Object(fields)) =
                (event.as_object_mut(), fields)
            {
                event.extend(fields);
            }
            return printer.json(&event);
        }
        let heading = if self.written {
            format!("drafted {} from {from}:\n", shown(path))
        } else {
            format!("drafted from {from} (not written):\n")
        };
        let text = format!("{heading}{lines}");
        if print {
            eprint(text.trim_end());
            Ok(())
        } else {
            printer.text(&text)
        }
    }

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
