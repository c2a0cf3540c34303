//! `spec`: Step 1. Keep an existing connector_spec.yaml; otherwise draft it
//! from the API doc, lint the draft, write it (or print it), and explain
//! where each parameter came from and what to review.

use crate::apidoc::ApiDoc;
use crate::atomic;
use crate::cli::SpecArgs;
use crate::diagnostic::Severity;
use crate::draft;
use crate::error::{Error, Exit};
use crate::report::{Printer, Tone, eprint};
use crate::source::Source;
use crate::spec;
use crate::workspace::{SourcePaths, Workspace};

use super::shown;

pub fn run(workspace: &Workspace, args: &SpecArgs, printer: &mut Printer) -> Result<Exit, Error> {
    // With an explicit description the source folder need not exist yet.
    let paths = match &args.openapi {
        Some(_) => workspace.paths(&args.source),
        None => workspace.source(&args.source)?,
    };
    if paths.spec.is_file() && !args.force && !args.print {
        if printer.is_json() {
            printer.json(&serde_json::json!({"event": "kept", "path": shown(&paths.spec)}))?;
            return Ok(Exit::Done);
        }
        printer.line(&format!(
            "kept {}: it exists (--force redrafts it, keeping a .bak; `connector-auth lint {}` checks it)",
            shown(&paths.spec),
            args.source
        ))?;
        return Ok(Exit::Done);
    }
    if let Some(location) = &args.openapi {
        return super::spec_openapi::step_one(&paths, location, args.print, printer);
    }
    step_one(&paths, args.print, printer)
}

/// Drafts, lints and writes (or prints) the spec of a source without one.
/// An OpenAPI description in the source folder is preferred to the API doc.
pub fn step_one(paths: &SourcePaths, print: bool, printer: &mut Printer) -> Result<Exit, Error> {
    if let Some(description) = paths.openapi() {
        let location = description.to_string_lossy().into_owned();
        return super::spec_openapi::step_one(paths, &location, print, printer);
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
    let (text, findings, errors) = render_checked(&drafted.spec, &header, paths);
    if print {
        printer.text(&text)?;
    } else {
        if paths.spec.is_file() {
            let backup = paths.spec.with_extension("yaml.bak");
            atomic::backup(&paths.spec, &backup).map_err(Error::Output)?;
            eprint(&format!(
                "note: the previous spec is kept as {}",
                shown(&backup)
            ));
        }
        atomic::write(&paths.spec, text.as_bytes(), atomic::Access::Shared)
            .map_err(Error::Output)?;
    }
    let mut explanation = if print {
        format!("drafted from {doc_name} (not written):\n")
    } else {
        format!("drafted {} from {doc_name}:\n", shown(&paths.spec))
    };
    let all = drafted.spec.parameters.iter().map(|p| (None, p)).chain(
        drafted
            .spec
            .auth_methods
            .iter()
            .flat_map(|m| m.parameters.iter().map(move |p| (Some(m.name.as_str()), p))),
    );
    for (method, p) in all {
        let note = drafted.notes.iter().find(|n| n.parameter == p.name);
        let flags = match (p.required, p.secret) {
            (true, true) => "required, secret",
            (true, false) => "required",
            (false, true) => "optional, secret",
            (false, false) => "optional",
        };
        explanation.push_str(&format!(
            "  {:<22} {:<17} {}{}\n",
            method
                .map(|m| format!("{m}.{}", p.name))
                .unwrap_or_else(|| p.name.clone()),
            flags,
            note.map(|n| format!("line {}: {}", n.line, n.why))
                .unwrap_or_default(),
            ""
        ));
    }
    let oauths = drafted.spec.oauth.iter().chain(
        drafted
            .spec
            .auth_methods
            .iter()
            .filter_map(|m| m.oauth.as_ref()),
    );
    for o in oauths {
        explanation.push_str(&format!("  oauth: {} flow", o.flow().as_str()));
        if let Some(t) = &o.token_url {
            explanation.push_str(&format!(", token URL {}", t.value));
        }
        explanation.push('\n');
    }
    explanation.push_str("review:\n  - the descriptions are the doc's own sentences: check they tell a person where to find each value\n");
    for r in &drafted.review {
        explanation.push_str(&format!("  - {r}\n"));
    }
    if printer.is_json() {
        let parameters: Vec<serde_json::Value> = drafted
            .notes
            .iter()
            .map(|n| serde_json::json!({"name": n.parameter, "line": n.line, "why": n.why}))
            .collect();
        printer.json(&serde_json::json!({
            "event": "drafted",
            "path": shown(&paths.spec),
            "written": !print,
            "parameters": parameters,
            "review": drafted.review,
        }))?;
    } else if print {
        eprint(explanation.trim_end());
    } else {
        printer.text(&explanation)?;
    }
    let shown_draft = Draft {
        text,
        findings,
        errors,
    };
    report_findings(paths, shown_draft, print, printer, "to fix by hand (above)")
}

/// A rendered draft and what `lint` found in it.
pub(super) struct Draft {
    pub text: String,
    pub findings: Vec<crate::diagnostic::Finding>,
    pub errors: usize,
}

/// Shows a draft's lint findings (only errors with `--print`) and its
/// verdict: errors are exit 1, with `after` saying what happened.
pub(super) fn report_findings(
    paths: &SourcePaths,
    draft: Draft,
    print: bool,
    printer: &mut Printer,
    after: &str,
) -> Result<Exit, Error> {
    let source = Source::new(shown(&paths.spec), draft.text);
    for finding in &draft.findings {
        if finding.severity() == Severity::Error || !print {
            eprint(finding.render(&source, printer.color()).trim_end());
        }
    }
    if draft.errors > 0 {
        let line = printer.paint(
            &format!("the draft has {} error(s) {after}", draft.errors),
            Tone::Bad,
        );
        eprint(&line);
        return Ok(Exit::Negative);
    }
    Ok(Exit::Done)
}

/// A drafted spec rendered with its header comment, what `lint` finds in
/// the rendered text, and how many of those are errors (a draft with errors
/// is not written).
pub(super) fn render_checked(
    drafted: &spec::Spec,
    header: &[String],
    paths: &SourcePaths,
) -> (String, Vec<crate::diagnostic::Finding>, usize) {
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let text = spec::render(drafted, &header);
    let loaded = spec::load_str(Source::new(shown(&paths.spec), text.clone()));
    let mut findings = loaded.findings.clone();
    if let Some(s) = &loaded.spec {
        findings.extend(spec::lint(s));
    }
    let errors = findings
        .iter()
        .filter(|f| f.severity() == Severity::Error)
        .count();
    (text, findings, errors)
}
