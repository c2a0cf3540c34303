//! Part of Step 3 (`check`): the life of a source's `auth_check.yaml` —
//! load it (linted, its findings printed), derive one from the spec and the
//! API doc or an OpenAPI description, and write it. [`load_or_derive`] is
//! the one place deriving writes (validate, visibly, with a note);
//! [`for_save`] derives in memory and writes nothing.

use super::{AuthCheck, Derived, derive, from_openapi, load, load_str, render};
use crate::apidoc::ApiDoc;
use crate::atomic;
use crate::diagnostic::Severity;
use crate::openapi;
use crate::report::{eprint, shown};
use crate::source::Source;
use crate::spec::Spec;
use crate::workspace::SourcePaths;

/// The source's auth check, derived and written first when missing; its
/// findings are printed on stderr. `Err` says why it cannot be used.
pub fn load_or_derive(
    paths: &SourcePaths,
    spec: &Spec,
    openapi: Option<&str>,
    color: bool,
) -> Result<AuthCheck, String> {
    if !paths.auth_check.is_file() {
        derive_and_write(paths, spec, openapi)?;
    }
    let loaded = load(&paths.auth_check, spec).map_err(|e| e.to_string())?;
    let source = Source::new(shown(&paths.auth_check), loaded.source.text().to_string());
    let mut errors = 0;
    for finding in &loaded.findings {
        if finding.severity() == Severity::Error {
            errors += 1;
        }
        eprint(finding.render(&source, color).trim_end());
    }
    match loaded.check {
        Some(file) if errors == 0 => Ok(file),
        _ => Err(format!("{} has errors (above)", shown(&paths.auth_check))),
    }
}

/// The check to run on Save, when one can run: the source's file when it
/// exists without errors, else one derived in memory that holds no TODO.
/// Writes nothing and prints nothing.
pub fn for_save(paths: &SourcePaths, spec: &Spec) -> Option<AuthCheck> {
    let loaded = if paths.auth_check.is_file() {
        load(&paths.auth_check, spec).ok()?
    } else {
        let (derived, text) = derived(paths, spec, None).ok()?;
        if !derived.todos.is_empty() {
            return None;
        }
        load_str(Source::new(&paths.auth_check, text), spec)
    };
    let file = loaded.usable()?.clone();
    (!file.checks.is_empty()).then_some(file)
}

/// Derives the source's auth check and renders it: from an OpenAPI
/// description (`openapi`, else one in the source folder) or from the API
/// doc. Returns what was derived, its text, and where it was derived from.
fn derived(
    paths: &SourcePaths,
    spec: &Spec,
    openapi: Option<&str>,
) -> Result<(Derived, String), String> {
    let title = spec.title(paths.name.as_str());
    let location = openapi
        .map(str::to_string)
        .or_else(|| paths.openapi().map(|p| p.to_string_lossy().into_owned()));
    if let Some(location) = location {
        let (_, description) = openapi::read(&location).map_err(|e| e.to_string())?;
        let derived = from_openapi::derive(&description, spec);
        let text = render(&derived, title, Some(&location));
        return Ok((derived, text));
    }
    let doc = paths
        .api_doc
        .as_ref()
        .and_then(|p| Source::read(p).ok())
        .map(|s| ApiDoc::parse(s.text()));
    let doc_name = doc_name(paths);
    let derived = derive(
        spec,
        doc.as_ref(),
        doc_name.as_deref().unwrap_or("the API doc"),
    );
    let text = render(&derived, title, doc_name.as_deref());
    Ok((derived, text))
}

/// The API doc's file name.
fn doc_name(paths: &SourcePaths) -> Option<String> {
    paths
        .api_doc
        .as_ref()
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned())
}

/// Derives an auth check from the spec and the OpenAPI description or API
/// doc, and writes it for the person to review. TODOs in it stop
/// validation until they are filled in.
pub fn derive_and_write(
    paths: &SourcePaths,
    spec: &Spec,
    openapi: Option<&str>,
) -> Result<(), String> {
    let (derived, text) = derived(paths, spec, openapi)?;
    atomic::write(&paths.auth_check, text.as_bytes(), atomic::Access::Shared)
        .map_err(|e| format!("cannot write {}: {e}", shown(&paths.auth_check)))?;
    let location = openapi
        .map(str::to_string)
        .or_else(|| paths.openapi().map(|p| p.to_string_lossy().into_owned()));
    let from = match (location, doc_name(paths)) {
        (Some(location), _) => format!(" from {location}"),
        (None, Some(doc)) => format!(" from {doc}"),
        (None, None) => " (no API doc found)".into(),
    };
    eprint(&format!(
        "note: wrote {}, derived{from} and the spec: review it",
        shown(&paths.auth_check)
    ));
    if !derived.todos.is_empty() {
        eprint(&format!(
            "note: fill in the TODO in {}: {}",
            shown(&paths.auth_check),
            derived.todos.join("; ")
        ));
    }
    Ok(())
}
