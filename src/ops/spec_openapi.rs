//! Step 1 from an OpenAPI description, as an operation: draft the
//! connection section from its security schemes and servers, write it
//! through [`crate::spec::write_draft`] (or print it), and say which JSON
//! pointer each drafted value came from.

use crate::error::{Error, Exit};
use crate::openapi::{self, draft::OpenApiDraft};
use crate::report::{Printer, eprint};
use crate::spec::{self, WrittenDraft};
use crate::workspace::SourcePaths;

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
    let written =
        spec::write_draft(&paths.spec, &drafted.spec, &header, print).map_err(Error::Output)?;
    if print {
        printer.text(&written.text)?;
    }
    explain(&drafted, location, print, &written, paths, printer)?;
    Ok(written.report(&paths.spec, print, printer)?)
}

/// Where each drafted value came from, and what to review.
fn explain(
    drafted: &OpenApiDraft,
    location: &str,
    print: bool,
    written: &WrittenDraft,
    paths: &SourcePaths,
    printer: &mut Printer,
) -> Result<(), Error> {
    let values: Vec<serde_json::Value> = drafted
        .notes
        .iter()
        .map(|n| serde_json::json!({"name": n.parameter, "pointer": n.pointer, "why": n.why}))
        .collect();
    let fields =
        serde_json::json!({"from": location, "parameters": values, "review": drafted.review});
    let mut lines = String::new();
    for n in &drafted.notes {
        lines.push_str(&format!(
            "  {:<24} {}  ({})\n",
            n.parameter, n.pointer, n.why
        ));
    }
    if !drafted.review.is_empty() {
        lines.push_str("review:\n");
        for r in &drafted.review {
            lines.push_str(&format!("  - {r}\n"));
        }
    }
    Ok(written.explain(&paths.spec, location, &lines, fields, print, printer)?)
}
