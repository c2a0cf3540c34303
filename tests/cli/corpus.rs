//! Drafting and derivation measured on a corpus of API docs written in the
//! styles of real ones (tests/fixtures/corpus/<name>/: the doc, the spec a
//! careful engineer would write from it, and where an HTTP check is possible
//! the check they would write). Prints the figures the real-docs targets are
//! stated in, and fails below the floors set from them.
//!
//! `CORPUS_DIR=/path cargo test --test cli corpus -- --nocapture` measures
//! another folder of the same shape (`connector_spec.yaml` is read when
//! there is no `expected_spec.yaml`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use connector_auth::apidoc::ApiDoc;
use connector_auth::check::{self, Auth};
use connector_auth::draft;
use connector_auth::source::Source;
use connector_auth::spec::Spec;

use crate::support::fixtures;

/// The figures of one corpus.
#[derive(Debug, Default)]
pub struct Figures {
    pub docs: usize,
    pub drafted: usize,
    pub exact_required: usize,
    pub true_pos: usize,
    pub drafted_names: usize,
    pub expected_names: usize,
    pub oauth_docs: usize,
    pub flow_right: usize,
    pub checks_expected: usize,
    /// Derived from the expected spec without a TODO, over every doc.
    pub derived_any: usize,
    pub checks_complete: usize,
    pub kind_and_host: usize,
    pub fillable: usize,
    pub misses: Vec<String>,
}

impl Figures {
    pub fn f1(&self) -> f64 {
        let p = self.true_pos as f64 / self.drafted_names.max(1) as f64;
        let r = self.true_pos as f64 / self.expected_names.max(1) as f64;
        2.0 * p * r / (p + r).max(f64::EPSILON)
    }

    pub fn line(&self) -> String {
        format!(
            "{} docs: drafted {}, name F1 {:.3}, exact required sets {}/{}, OAuth flows {}/{}; checks derived without a TODO {}/{}; against expected checks: complete {}/{}, right kind and host {}, fillable {}",
            self.docs,
            self.drafted,
            self.f1(),
            self.exact_required,
            self.docs,
            self.flow_right,
            self.oauth_docs,
            self.derived_any,
            self.docs,
            self.checks_complete,
            self.checks_expected,
            self.kind_and_host,
            self.fillable
        )
    }
}

/// Every parameter name of a spec (method-qualified), and which are required.
fn names(spec: &Spec) -> (BTreeSet<String>, BTreeSet<String>) {
    let mut all = BTreeSet::new();
    let mut required = BTreeSet::new();
    for p in &spec.parameters {
        all.insert(p.name.clone());
        if p.required {
            required.insert(p.name.clone());
        }
    }
    // Methods are compared by their parameter names, not by the method's own
    // name, which a doc rarely fixes.
    for m in &spec.auth_methods {
        for p in &m.parameters {
            all.insert(p.name.clone());
            if p.required && spec.auth_methods.len() == 1 {
                required.insert(p.name.clone());
            }
        }
    }
    if spec.auth_methods.len() > 1 {
        // Required in every method, or in the first (preferred) one.
        if let Some(first) = spec.auth_methods.first() {
            for p in &first.parameters {
                if p.required {
                    required.insert(p.name.clone());
                }
            }
        }
    }
    (all, required)
}

fn flow(spec: &Spec) -> Option<String> {
    spec.oauth
        .as_ref()
        .or_else(|| spec.auth_methods.iter().find_map(|m| m.oauth.as_ref()))
        .map(|o| {
            if o.flow().is_user() {
                "u2m".to_string()
            } else {
                "m2m".to_string()
            }
        })
}

fn load_spec(path: &Path) -> Option<Spec> {
    let text = std::fs::read_to_string(path).ok()?;
    connector_auth::spec::load_str(Source::new(path.to_path_buf(), text)).spec
}

fn auth_kind(auth: &Auth) -> &'static str {
    match auth {
        Auth::Basic { .. } => "basic",
        Auth::Bearer(_) => "bearer",
        Auth::Header { .. } => "header",
        Auth::Query { .. } => "query",
        Auth::OAuth { .. } => "oauth",
        Auth::Jwt { .. } | Auth::ClientAssertion { .. } => "jwt",
        Auth::None => "none",
    }
}

/// The host of a URL template (`{base_url}` standing for its default).
fn host(url: &str, defaults: &[(String, String)]) -> String {
    let mut url = url.to_string();
    for (k, v) in defaults {
        url = url.replace(&format!("{{{k}}}"), v);
    }
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(&url);
    rest.split(['/', '?', '#'])
        .next()
        .unwrap_or("")
        .to_lowercase()
}

/// Measures the corpus in `dir`.
pub fn measure(dir: &Path) -> Figures {
    let mut figures = Figures::default();
    let mut folders: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    folders.retain(|p| p.is_dir());
    folders.sort();
    for folder in folders {
        let name = folder
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_string();
        let doc_path = std::fs::read_dir(&folder).ok().and_then(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path()))
                .find(|p| p.to_string_lossy().ends_with("_api_doc.md"))
        });
        let expected_path = [
            folder.join("expected_spec.yaml"),
            folder.join("connector_spec.yaml"),
        ]
        .into_iter()
        .find(|p| p.exists());
        let (Some(doc_path), Some(expected_path)) = (doc_path, expected_path) else {
            continue;
        };
        let Some(expected) = load_spec(&expected_path) else {
            figures
                .misses
                .push(format!("{name}: the expected spec does not load"));
            continue;
        };
        let text = std::fs::read_to_string(&doc_path).unwrap_or_default();
        let doc = ApiDoc::parse(&text);
        figures.docs += 1;
        let (want_all, want_required) = names(&expected);
        figures.expected_names += want_all.len();
        let want_flow = flow(&expected);
        if want_flow.is_some() {
            figures.oauth_docs += 1;
        }
        match draft::draft(&doc, &name) {
            Ok(d) => {
                figures.drafted += 1;
                let (got_all, got_required) = names(&d.spec);
                figures.drafted_names += got_all.len();
                figures.true_pos += want_all.intersection(&got_all).count();
                if got_required == want_required {
                    figures.exact_required += 1;
                } else {
                    figures.misses.push(format!(
                        "{name}: required {want_required:?}, drafted {got_required:?} (all drafted {got_all:?})"
                    ));
                }
                if want_flow.is_some() && flow(&d.spec) == want_flow {
                    figures.flow_right += 1;
                } else if want_flow.is_some() || flow(&d.spec).is_some() {
                    figures.misses.push(format!(
                        "{name}: flow {want_flow:?}, drafted {:?}",
                        flow(&d.spec)
                    ));
                }
            }
            Err(e) => figures.misses.push(format!("{name}: no draft: {e}")),
        }
        // Derivation from the expected spec, as `validate` does from the real one.
        let doc_name = doc_path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("api_doc.md")
            .to_string();
        let derived = check::derive(&expected, Some(&doc), &doc_name);
        if derived.todos.is_empty() {
            figures.derived_any += 1;
        } else if std::env::var_os("CORPUS_DIR").is_some() {
            figures
                .misses
                .push(format!("{name}: derived TODO {:?}", derived.todos));
        }
        let expected_check = std::fs::read_to_string(folder.join("expected_check.yaml"))
            .ok()
            .and_then(|t| check::load_str(Source::new("expected_check.yaml", t), &expected).check);
        let Some(want) = expected_check else {
            continue;
        };
        figures.checks_expected += 1;
        if !derived.todos.is_empty() {
            figures
                .misses
                .push(format!("{name}: check TODO {:?}", derived.todos));
            continue;
        }
        figures.checks_complete += 1;
        let (Some(w), Some(g)) = (want.checks.first(), derived.file.checks.first()) else {
            continue;
        };
        let kind_ok = auth_kind(&w.auth) == auth_kind(&g.auth);
        let host_ok = host(&w.url, &want.defaults) == host(&g.url, &derived.file.defaults);
        if kind_ok && host_ok {
            figures.kind_and_host += 1;
        } else {
            figures.misses.push(format!(
                "{name}: check {} {} , derived {} {}",
                auth_kind(&w.auth),
                w.url,
                auth_kind(&g.auth),
                g.url
            ));
        }
        let params: BTreeSet<String> = expected
            .parameters
            .iter()
            .chain(
                expected
                    .auth_methods
                    .iter()
                    .flat_map(|m| m.parameters.iter()),
            )
            .map(|p| p.name.clone())
            .collect();
        if g.placeholders()
            .iter()
            .all(|p| params.contains(p) || derived.file.default_value(p).is_some())
        {
            figures.fillable += 1;
        }
    }
    figures
}

#[test]
fn drafting_and_derivation_quality_on_the_corpus() {
    let dir = std::env::var_os("CORPUS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| fixtures().join("corpus"));
    let figures = measure(&dir);
    println!("{}", figures.line());
    for miss in &figures.misses {
        println!("  miss: {miss}");
    }
    if std::env::var_os("CORPUS_DIR").is_some() {
        return;
    }
    assert!(figures.docs >= 52, "{} docs", figures.docs);
    // Floors a little under the figures reached: a change that loses ground
    // fails here. First runs, before the rules changed: the first 44 docs
    // F1 0.547, exact 15/44, checks complete 31/35 with the right kind and
    // host for 15; the 8 of MANIFEST-C F1 0.860, exact 33/52 over all 52.
    assert!(figures.f1() >= 0.89, "name F1 {:.3}", figures.f1());
    assert!(
        figures.exact_required >= 35,
        "exact {}",
        figures.exact_required
    );
    assert!(figures.flow_right >= 13, "flows {}", figures.flow_right);
    assert!(
        figures.checks_complete >= 40,
        "complete {}",
        figures.checks_complete
    );
    assert!(
        figures.kind_and_host >= 34,
        "kind and host {}",
        figures.kind_and_host
    );
    assert!(figures.fillable >= 39, "fillable {}", figures.fillable);
}
