//! `spec` from an OpenAPI description: draft the connection section from
//! its security schemes and servers, lint the draft, write it (or print
//! it), and say which JSON pointer each drafted value came from.

use crate::atomic;
use crate::error::{Error, Exit};
use crate::openapi::{self, draft::OpenApiDraft};
use crate::report::{Printer, eprint};
use crate::workspace::SourcePaths;

use super::shown;

/// Drafts, lints and writes (or prints) the spec from the description at `location`.
pub fn step_one(
    paths: &SourcePaths,
    location: &str,
    print: bool,
    printer: &mut Printer,
) -> Result<Exit, Error> {
    let name = paths.name.as_str();
    let (_, description) = openapi::read(location)?;
    let drafted = match openapi::draft::draft(&description, name) {
        Ok(d) => d,
        Err(e) => {
            eprint(&format!("{location}: {e}; nothing was written"));
            return Ok(Exit::Negative);
        }
    };
    let header = [
        format!("connector_spec.yaml for {}", drafted.spec.title(name)),
        "Drafted by connector-auth from the OpenAPI description. Review the".to_string(),
        "parameters, their descriptions and required/secret flags.".to_string(),
    ];
    let (text, findings, errors) = super::spec::render_checked(&drafted.spec, &header, paths);
    if print {
        printer.text(&text)?;
    } else if errors == 0 {
        write(paths, &text)?;
    }
    explain(&drafted, location, print, paths, printer)?;
    let draft = super::spec::Draft {
        text,
        findings,
        errors,
    };
    super::spec::report_findings(paths, draft, print, printer, "(above); nothing was written")
}

fn write(paths: &SourcePaths, text: &str) -> Result<(), Error> {
    if paths.spec.is_file() {
        let backup = paths.spec.with_extension("yaml.bak");
        atomic::backup(&paths.spec, &backup).map_err(Error::Output)?;
        eprint(&format!(
            "note: the previous spec is kept as {}",
            shown(&backup)
        ));
    }
    atomic::write(&paths.spec, text.as_bytes(), atomic::Access::Shared).map_err(Error::Output)
}

/// Where each drafted value came from, and what to review.
fn explain(
    drafted: &OpenApiDraft,
    location: &str,
    print: bool,
    paths: &SourcePaths,
    printer: &mut Printer,
) -> Result<(), Error> {
    if printer.is_json() {
        let values: Vec<serde_json::Value> = drafted
            .notes
            .iter()
            .map(|n| serde_json::json!({"name": n.parameter, "pointer": n.pointer, "why": n.why}))
            .collect();
        printer.json(&serde_json::json!({
            "event": "drafted",
            "path": shown(&paths.spec),
            "from": location,
            "written": !print,
            "parameters": values,
            "review": drafted.review,
        }))?;
        return Ok(());
    }
    let mut text = if print {
        format!("drafted from {location} (not written):\n")
    } else {
        format!("drafted {} from {location}:\n", shown(&paths.spec))
    };
    for n in &drafted.notes {
        text.push_str(&format!(
            "  {:<24} {}  ({})\n",
            n.parameter, n.pointer, n.why
        ));
    }
    if !drafted.review.is_empty() {
        text.push_str("review:\n");
        for r in &drafted.review {
            text.push_str(&format!("  - {r}\n"));
        }
    }
    if print {
        eprint(text.trim_end());
    } else {
        printer.text(&text)?;
    }
    Ok(())
}
