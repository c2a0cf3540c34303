//! Part of the base module `spec`: a source's spec as the steps use it —
//! read, linted, and usable only when lint finds no errors in it. The one
//! place that loads, lints and counts errors for the commands.

use std::path::PathBuf;

use super::{Loaded, Spec, lint, load};
use crate::diagnostic::Severity;
use crate::exit::Exit;
use crate::report::{eprint, shown};
use crate::source::{ReadError, Source};
use crate::workspace::SourcePaths;

/// Why a source has no spec the steps can use.
#[derive(Debug, thiserror::Error)]
pub enum Unusable {
    #[error("no spec for `{source_name}` at {}; `connector-auth spec {source_name}` drafts one", path.display())]
    Missing { source_name: String, path: PathBuf },
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error("{} has errors (above); fix them first (`connector-auth lint {source_name}` shows them again)", path.display())]
    Invalid { source_name: String, path: PathBuf },
}

impl Unusable {
    /// An unusable spec is the input's fault.
    pub fn exit(&self) -> Exit {
        Exit::Input
    }
}

impl Loaded {
    /// The findings of loading plus what [`lint`] finds in the spec.
    pub fn linted(mut self) -> Loaded {
        if let Some(spec) = &self.spec {
            self.findings.extend(lint(spec));
        }
        self
    }

    /// How many findings have `severity`.
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity() == severity)
            .count()
    }

    /// The text as read, named by its path as shown to people.
    pub fn shown_source(&self, path: &std::path::Path) -> Source {
        Source::new(shown(path), self.source.text().to_string())
    }
}

/// The source's spec, when it exists and lint finds no errors in it. The
/// errors are printed on stderr (in colour with `color`).
pub fn load_usable(paths: &SourcePaths, color: bool) -> Result<Spec, Unusable> {
    let source_name = paths.name.to_string();
    if !paths.spec.is_file() {
        return Err(Unusable::Missing {
            source_name,
            path: paths.spec.clone(),
        });
    }
    let loaded = load(&paths.spec)?.linted();
    if let Some(spec) = loaded.usable() {
        return Ok(spec.clone());
    }
    let source = loaded.shown_source(&paths.spec);
    for finding in &loaded.findings {
        if finding.severity() == Severity::Error {
            eprint(finding.render(&source, color).trim_end());
        }
    }
    Err(Unusable::Invalid {
        source_name,
        path: paths.spec.clone(),
    })
}
