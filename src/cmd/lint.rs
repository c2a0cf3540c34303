//! `lint`: load each spec, run every check, print the findings as snippets
//! (or JSON lines) and end with 0 (clean or warnings), 1 (errors) or 2
//! (a spec that cannot be read).

use std::path::PathBuf;

use crate::cli::LintArgs;
use crate::diagnostic::{Finding, Severity};
use crate::error::{Error, Exit};
use crate::report::{Printer, Tone, eprint, plural};
use crate::spec;
use crate::workspace::{SourceName, Workspace};

use super::shown;

/// What one argument of `lint` names.
enum Target {
    Source(SourceName),
    File(PathBuf),
}

impl Target {
    fn parse(arg: &str) -> Result<Target, Error> {
        let path = std::path::Path::new(arg);
        let looks_like_file = arg.contains(['/', '\\'])
            || arg.ends_with(".yaml")
            || arg.ends_with(".yml")
            || path.is_file();
        if looks_like_file {
            return Ok(Target::File(path.to_path_buf()));
        }
        arg.parse().map(Target::Source).map_err(|err| {
            Error::Usage(format!(
                "{err}; to lint a file, give its path (e.g. ./{arg}.yaml)"
            ))
        })
    }
}

pub fn run(workspace: &Workspace, args: &LintArgs, printer: &mut Printer) -> Result<Exit, Error> {
    let targets = args
        .targets
        .iter()
        .map(|a| Target::parse(a))
        .collect::<Result<Vec<_>, _>>()?;
    let mut files = Vec::new();
    if targets.is_empty() {
        let sources = workspace.sources()?;
        if sources.is_empty() {
            return Err(Error::Usage(format!(
                "no sources found under {}; give spec files to lint, or --root / --sources-dir",
                shown(workspace.sources_dir())
            )));
        }
        let mut without = Vec::new();
        for name in sources {
            let paths = workspace.paths(&name);
            if paths.spec.is_file() {
                files.push(paths.spec);
            } else {
                without.push(name.to_string());
            }
        }
        if !without.is_empty() && !printer.is_json() {
            eprint(&format!(
                "note: no spec yet for {} (`connector-auth spec <source>` drafts one)",
                without.join(", ")
            ));
        }
    }
    for target in targets {
        match target {
            Target::File(path) => files.push(path),
            Target::Source(name) => {
                let paths = workspace.source(&name)?;
                files.push(paths.spec);
            }
        }
    }

    let mut exit = Exit::Done;
    let (mut errors, mut warnings, mut checked) = (0, 0, 0);
    for path in files {
        let loaded = match spec::load(&path) {
            Ok(loaded) => loaded,
            Err(err) => {
                eprint(&format!("error: {err}"));
                exit = exit.max(Exit::Input);
                continue;
            }
        };
        checked += 1;
        let loaded = loaded.linted();
        let source = loaded.shown_source(&path);
        let mut findings: Vec<Finding> = loaded.findings;
        findings.sort_by_key(|f| (f.span.line, f.span.column));
        for finding in &findings {
            match finding.severity() {
                Severity::Error => errors += 1,
                Severity::Warning => warnings += 1,
            }
            if printer.is_json() {
                printer.json(&finding.to_json(&source))?;
            } else {
                printer.text(&finding.render(&source, printer.color()))?;
            }
        }
    }
    if errors > 0 {
        exit = exit.max(Exit::Negative);
    }
    if !printer.is_json() && checked > 0 {
        let summary = format!(
            "{}: {}, {}",
            plural(checked, "spec"),
            plural(errors, "error"),
            plural(warnings, "warning")
        );
        let tone = match (errors, warnings) {
            (0, 0) => Tone::Good,
            (0, _) => Tone::Warn,
            _ => Tone::Bad,
        };
        let line = printer.paint(&summary, tone);
        printer.line(&line)?;
    }
    Ok(exit)
}
