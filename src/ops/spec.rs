//! Step 1 as an operation (`spec`): keep an existing connector_spec.yaml;
//! otherwise draft it from the source's OpenAPI description or API doc,
//! write it through [`spec::write_draft`] (or print it), and explain where
//! each parameter came from and what to review.
//!
//! An operation (see docs/architecture.md): it may import the steps, the readers and base modules.

use crate::apidoc::ApiDoc;
use crate::draft::{self, Draft};
use crate::error::{Error, Exit};
use crate::report::{Event, Printer, eprint, shown};
use crate::source::Source;
use crate::spec::{self, WrittenDraft};
use crate::workspace::{SourceName, SourcePaths, Workspace};

use super::spec_openapi;

/// What `spec` is asked to do.
pub struct SpecOptions<'a> {
    /// Redraft even when a spec exists (keeping a `.bak`).
    pub force: bool,
    /// Print the draft on stdout and write nothing.
    pub print: bool,
    /// An OpenAPI description to draft from (a path or an https URL).
    pub openapi: Option<&'a str>,
}

/// `spec <source>`.
pub fn run(
    workspace: &Workspace,
    source: &SourceName,
    options: &SpecOptions,
    printer: &mut Printer,
) -> Result<Exit, Error> {
    // With an explicit description the source folder need not exist yet.
    let paths = match options.openapi {
        Some(_) => workspace.paths(source),
        None => workspace.source(source)?,
    };
    if paths.spec.is_file() && !options.force && !options.print {
        printer.event(&Event::Kept {
            path: &shown(&paths.spec),
            source: source.as_str(),
        })?;
        return Ok(Exit::Done);
    }
    if let Some(location) = options.openapi {
        return spec_openapi::step_one(&paths, location, options.print, printer);
    }
    step_one(&paths, options.print, printer)
}

/// Drafts, lints and writes (or prints) the spec of a source without one.
/// An OpenAPI description in the source folder is preferred to the API doc.
pub fn step_one(paths: &SourcePaths, print: bool, printer: &mut Printer) -> Result<Exit, Error> {
    if let Some(description) = paths.openapi() {
        let location = description.to_string_lossy().into_owned();
        return spec_openapi::step_one(paths, &location, print, printer);
    }
    let name = paths.name.as_str();
    let Some(doc_path) = paths.api_doc.clone() else {
        return Err(Error::Usage(format!(
            "no API doc for `{name}`: expected {}, or a single *_api_doc.md in {}",
            shown(&paths.folder.join(format!("{name}_api_doc.md"))),
            shown(&paths.folder)
        )));
    };
    let source = Source::read(&doc_path)?;
    let doc = ApiDoc::parse(source.text());
    let doc_name = doc_path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "the API doc".into());
    let drafted = match draft::draft(&doc, name) {
        Ok(d) => d,
        Err(e) => {
            eprint(&format!("{}: {e}; nothing was written", shown(&doc_path)));
            eprint(
                "write the spec by hand, or add an Authorization section to the API doc and run `connector-auth spec` again",
            );
            return Ok(Exit::Negative);
        }
    };
    let header = [
        format!("connector_spec.yaml for {}", drafted.spec.title(name)),
        format!("Drafted by connector-auth from {doc_name}. Review the parameters, their"),
        "descriptions and required/secret flags before relying on it.".to_string(),
    ];
    let written =
        spec::write_draft(&paths.spec, &drafted.spec, &header, print).map_err(Error::Output)?;
    if print {
        printer.text(&written.text)?;
    }
    explain(&drafted, &doc_name, &written, print, paths, printer)?;
    Ok(written.report(&paths.spec, print, printer)?)
}

/// Where each drafted parameter came from, and what to review.
fn explain(
    drafted: &Draft,
    doc_name: &str,
    written: &WrittenDraft,
    print: bool,
    paths: &SourcePaths,
    printer: &mut Printer,
) -> Result<(), Error> {
    let parameters: Vec<serde_json::Value> = drafted
        .notes
        .iter()
        .map(|n| serde_json::json!({"name": n.parameter, "line": n.line, "why": n.why}))
        .collect();
    let fields = serde_json::json!({"parameters": parameters, "review": drafted.review});
    let mut lines = parameter_lines(drafted);
    // What rests on weak evidence leads (the draft puts it first).
    lines.push_str("review:\n");
    for r in &drafted.review {
        lines.push_str(&format!("  - {r}\n"));
    }
    lines.push_str("  - the descriptions are the doc's own sentences: check they tell a person where to find each value\n");
    Ok(written.explain(&paths.spec, doc_name, &lines, fields, print, printer)?)
}

/// One line per drafted parameter (with its method) and OAuth flow.
fn parameter_lines(drafted: &Draft) -> String {
    let spec = &drafted.spec;
    let all = spec.parameters.iter().map(|p| (None, p)).chain(
        spec.auth_methods
            .iter()
            .flat_map(|m| m.parameters.iter().map(move |p| (Some(m.name.as_str()), p))),
    );
    let mut text = String::new();
    for (method, p) in all {
        let note = drafted.notes.iter().find(|n| n.parameter == p.name);
        let flags = match (p.required, p.secret) {
            (true, true) => "required, secret",
            (true, false) => "required",
            (false, true) => "optional, secret",
            (false, false) => "optional",
        };
        text.push_str(&format!(
            "  {:<22} {:<17} {}\n",
            method
                .map(|m| format!("{m}.{}", p.name))
                .unwrap_or_else(|| p.name.clone()),
            flags,
            note.map(|n| format!("line {}: {}", n.line, n.why))
                .unwrap_or_default(),
        ));
    }
    let oauths = spec
        .oauth
        .iter()
        .chain(spec.auth_methods.iter().filter_map(|m| m.oauth.as_ref()));
    for o in oauths {
        text.push_str(&format!("  oauth: {} flow", o.flow().as_str()));
        if let Some(t) = &o.token_url {
            text.push_str(&format!(", token URL {}", t.value));
        }
        text.push('\n');
    }
    text
}
