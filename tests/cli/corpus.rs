//! Drafting and derivation measured on a corpus of API docs written in the
//! styles of real ones (<part>/<name>/: the doc, the spec a careful
//! engineer would write from it, and the check they would write: an HTTP
//! request, or `no_http_check:` for a source no request can prove). Two
//! parts are kept apart: tests/fixtures/corpus, which the rules may be
//! tuned on, and tests/fixtures/corpus-heldback, which no rule is ever
//! tuned on (only its figures are printed, never its misses). The test
//! prints both side by side with their gap, in the figures the targets are
//! stated in, and fails below each part's floors.
//!
//! `CORPUS_DIR=/path cargo test --release --test cli corpus -- --nocapture`
//! measures another folder of the same shape instead, with its misses
//! (`connector_spec.yaml` is read when there is no `expected_spec.yaml`);
//! `HELDBACK_DIR=/path` measures another held-back folder, figures only.

use std::collections::{BTreeMap, BTreeSet};
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
    /// Docs whose drafted flow is the expected one, "none" included.
    pub flow_right_any: usize,
    /// Drafted docs with no name the expected spec lacks.
    pub no_junk: usize,
    /// Expected specs with two methods or more, and drafts that have them.
    pub multi_method: usize,
    pub multi_method_right: usize,
    pub checks_expected: usize,
    /// Derived from the expected spec without a TODO, over every doc.
    pub derived_any: usize,
    pub checks_complete: usize,
    pub kind_and_host: usize,
    pub fillable: usize,
    /// Expected checks saying `no_http_check:`, and derivations saying so.
    pub no_http_expected: usize,
    pub no_http_right: usize,
    /// Wrong flows by kind ("u2m→none"), counted without naming docs: the
    /// held-back part's are read this way only.
    pub flow_misses: BTreeMap<String, usize>,
    pub misses: Vec<String>,
}

impl Figures {
    pub fn f1(&self) -> f64 {
        let p = self.true_pos as f64 / self.drafted_names.max(1) as f64;
        let r = self.true_pos as f64 / self.expected_names.max(1) as f64;
        2.0 * p * r / (p + r).max(f64::EPSILON)
    }

    /// HTTP checks expected (the others say `no_http_check:`).
    fn http_checks(&self) -> usize {
        self.checks_expected - self.no_http_expected
    }

    /// The figures as (label, value) rows, for printing parts side by side.
    pub fn rows(&self) -> Vec<(&'static str, String)> {
        let of = |n: usize, d: usize| format!("{n}/{d}");
        vec![
            (
                "docs (drafted)",
                format!("{} ({})", self.docs, self.drafted),
            ),
            ("name F1", format!("{:.3}", self.f1())),
            ("exact required sets", of(self.exact_required, self.docs)),
            (
                "OAuth flow right, of OAuth docs",
                of(self.flow_right, self.oauth_docs),
            ),
            (
                "OAuth flow right incl. none",
                of(self.flow_right_any, self.docs),
            ),
            ("no junk parameter", of(self.no_junk, self.docs)),
            (
                "two-method docs with two methods",
                of(self.multi_method_right, self.multi_method),
            ),
            (
                "checks derived without a TODO",
                of(self.derived_any, self.docs),
            ),
            (
                "HTTP checks complete",
                of(self.checks_complete, self.http_checks()),
            ),
            (
                "  right kind and host",
                of(self.kind_and_host, self.http_checks()),
            ),
            ("  fillable", of(self.fillable, self.http_checks())),
            (
                "no_http_check where expected",
                of(self.no_http_right, self.no_http_expected),
            ),
            (
                "wrong flows (expected→drafted)",
                self.flow_misses
                    .iter()
                    .map(|(k, n)| format!("{k} {n}"))
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
        ]
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

/// The doc and the expected spec of one corpus folder.
fn case(folder: &Path) -> Option<(PathBuf, PathBuf)> {
    let doc_path = std::fs::read_dir(folder).ok().and_then(|d| {
        d.filter_map(|e| e.ok().map(|e| e.path()))
            .find(|p| p.to_string_lossy().ends_with("_api_doc.md"))
    })?;
    let expected_path = [
        folder.join("expected_spec.yaml"),
        folder.join("connector_spec.yaml"),
    ]
    .into_iter()
    .find(|p| p.exists())?;
    Some((doc_path, expected_path))
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
        let Some((doc_path, expected_path)) = case(&folder) else {
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
        measure_draft(&mut figures, &name, &doc, &expected);
        let doc_name = doc_path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("api_doc.md")
            .to_string();
        measure_check(&mut figures, &name, &folder, &doc, &doc_name, &expected);
    }
    figures
}

/// The draft of one doc against its expected spec.
fn measure_draft(figures: &mut Figures, name: &str, doc: &ApiDoc, expected: &Spec) {
    let (want_all, want_required) = names(expected);
    figures.expected_names += want_all.len();
    let want_flow = flow(expected);
    if want_flow.is_some() {
        figures.oauth_docs += 1;
    }
    let multi = expected.auth_methods.len() >= 2;
    figures.multi_method += usize::from(multi);
    let d = match draft::draft(doc, name) {
        Ok(d) => d,
        Err(e) => {
            figures.misses.push(format!("{name}: no draft: {e}"));
            return;
        }
    };
    figures.drafted += 1;
    if std::env::var("CORPUS_SHOW").is_ok_and(|s| s == name) {
        println!("{}", connector_auth::spec::render(&d.spec, &[]));
        for n in &d.notes {
            println!("# {}: line {}: {}", n.parameter, n.line, n.why);
        }
        for r in &d.review {
            println!("# review: {r}");
        }
    }
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
    let junk: Vec<&String> = got_all.difference(&want_all).collect();
    if junk.is_empty() {
        figures.no_junk += 1;
    } else {
        figures.misses.push(format!("{name}: junk {junk:?}"));
    }
    if multi {
        if d.spec.auth_methods.len() >= 2 {
            figures.multi_method_right += 1;
        } else {
            figures.misses.push(format!(
                "{name}: {} methods expected, drafted {}",
                expected.auth_methods.len(),
                d.spec.auth_methods.len()
            ));
        }
    }
    let got_flow = flow(&d.spec);
    if got_flow == want_flow {
        figures.flow_right_any += 1;
        figures.flow_right += usize::from(want_flow.is_some());
    } else {
        let kind = |f: &Option<String>| f.clone().unwrap_or_else(|| "none".to_string());
        *figures
            .flow_misses
            .entry(format!("{}→{}", kind(&want_flow), kind(&got_flow)))
            .or_default() += 1;
        figures
            .misses
            .push(format!("{name}: flow {want_flow:?}, drafted {got_flow:?}"));
    }
}

/// The check derived from the expected spec (as `validate` derives it from
/// the real one) against the expected check.
fn measure_check(
    figures: &mut Figures,
    name: &str,
    folder: &Path,
    doc: &ApiDoc,
    doc_name: &str,
    expected: &Spec,
) {
    let derived = check::derive(expected, Some(doc), doc_name);
    // `CORPUS_SHOW=<folder>` prints what was derived for one folder.
    if std::env::var("CORPUS_SHOW").is_ok_and(|s| s == name) {
        println!("{}", check::render(&derived, name, Some(doc_name)));
    }
    if derived.todos.is_empty() {
        figures.derived_any += 1;
    } else if std::env::var_os("CORPUS_DIR").is_some() {
        figures
            .misses
            .push(format!("{name}: derived TODO {:?}", derived.todos));
    }
    let expected_check = std::fs::read_to_string(folder.join("expected_check.yaml"))
        .ok()
        .and_then(|t| check::load_str(Source::new("expected_check.yaml", t), expected).check);
    let Some(want) = expected_check else {
        return;
    };
    figures.checks_expected += 1;
    if want.no_http.is_some() {
        figures.no_http_expected += 1;
        if derived.file.no_http.is_some() {
            figures.no_http_right += 1;
        } else {
            figures.misses.push(format!(
                "{name}: no_http_check expected, derived {:?}",
                derived.file.checks.first().map(|c| &c.url)
            ));
        }
        return;
    }
    if !derived.todos.is_empty() || derived.file.no_http.is_some() {
        figures.misses.push(format!(
            "{name}: check TODO {:?}, no_http {:?}",
            derived.todos, derived.file.no_http
        ));
        return;
    }
    figures.checks_complete += 1;
    let (Some(w), Some(g)) = (want.checks.first(), derived.file.checks.first()) else {
        return;
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

/// Prints parts side by side: (title, figures), the gap of the last two.
fn print_side_by_side(parts: &[(&str, &Figures)]) {
    let mut header = format!("{:<36}", "");
    for (title, _) in parts {
        header.push_str(&format!("{title:>14}"));
    }
    if parts.len() == 2 {
        header.push_str(&format!("{:>10}", "gap"));
    }
    println!("{header}");
    let rows: Vec<Vec<(&str, String)>> = parts.iter().map(|(_, f)| f.rows()).collect();
    for (i, (label, _)) in rows[0].iter().enumerate() {
        if rows.iter().any(|r| r[i].1.len() > 13) {
            // Too wide for a column: one line a part.
            for ((title, _), r) in parts.iter().zip(&rows) {
                println!("{label}, {title}: {}", r[i].1);
            }
            continue;
        }
        let mut line = format!("{label:<36}");
        for r in &rows {
            line.push_str(&format!("{:>14}", r[i].1));
        }
        if i == 1 && parts.len() == 2 {
            line.push_str(&format!("{:>10.3}", parts[0].1.f1() - parts[1].1.f1()));
        }
        println!("{line}");
    }
}

#[test]
fn drafting_and_derivation_quality_on_the_corpus() {
    if let Some(dir) = std::env::var_os("CORPUS_DIR") {
        let figures = measure(Path::new(&dir));
        print_side_by_side(&[("measured", &figures)]);
        for miss in &figures.misses {
            println!("  miss: {miss}");
        }
        return;
    }
    let tuned = measure(&fixtures().join("corpus"));
    let heldback_dir = std::env::var_os("HELDBACK_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| fixtures().join("corpus-heldback"));
    let heldback = measure(&heldback_dir);
    if heldback.docs > 0 {
        print_side_by_side(&[("tuned", &tuned), ("held back", &heldback)]);
    } else {
        print_side_by_side(&[("tuned", &tuned)]);
    }
    // The tuned part's misses only: the held-back docs stay unread.
    for miss in &tuned.misses {
        println!("  miss: {miss}");
    }
    tuned_floors(&tuned);
    if heldback.docs > 0 {
        heldback_floors(&heldback);
    }
}

/// Floors a little under the figures the tuned part reaches: a change that
/// loses ground fails here. First runs, before the rules changed: the
/// first 44 docs F1 0.547, exact 15/44; the 8 of MANIFEST-C F1 0.860; the
/// 82 docs with writers D, E and F F1 0.908, exact 51, two methods 9/22;
/// writer G's 12 and H's 8 fresh docs: exact 8/12 and 4/8; writers I, J
/// and K's 30 fresh docs: exact 22/30 (J: 6/10, two methods 0/2); writer
/// L's 10: F1 0.932, exact 6/10; writer M's 10: F1 0.739, exact 6/10,
/// two methods 0/3; writer N's 10: F1 0.947, exact 7/10; writer O's 10:
/// F1 0.649, exact 5/10, two methods 1/2; writers P and Q's 30 fresh docs
/// (P: `.env` and YAML config examples, Q: migration notes mapping old
/// names to new and portal references): P tuned F1 0.324, exact 2/10,
/// held back 0.524, 0/5; Q tuned 0.442, 3/10, held back 0.933, 4/5;
/// writers R and S's 30 fresh docs (R: template research notes and
/// engineer's notes; S: portal guides and design reviews with reviewer
/// comments): R tuned F1 0.954, exact 7/10, held back 0.986, 4/5; S tuned
/// 0.843, 2/10 (no junk 3/10), held back 0.966, 3/5. Writers T and U's
/// 24 (T: OpenAPI references edited by hand and connector READMEs; U:
/// consultants' hand-overs and scraped vendor pages): T tuned F1 0.920,
/// exact 4/8, held back 0.912, 1/4; U tuned 0.772, 3/8, held back 0.914,
/// 2/4 (10/24 exact at first sight). Writers V and W's 24 (V: template
/// research notes and engineers' notes; W: knowledge-base Q&A guides and
/// notes on a move between API versions): V tuned F1 0.972, exact 7/8,
/// held back 1.000, 2/4; W tuned 0.882, 3/8, held back 0.842, 1/4 (13/24
/// exact, flows 18/24, no junk 16/24, checks complete 15/18 at first
/// sight). Writers X and Y's 24, asked for OAuth in most HTTP docs (X:
/// template research notes and engineers' notes; Y: portal guides,
/// design reviews and connector READMEs): X tuned F1 0.969, exact 4/8,
/// held back 0.864, 2/4; Y tuned 0.940, 3/8, held back 0.978, 3/4 (12/24
/// exact, flows 16/24, no junk 15/24, checks complete 14/16 at first
/// sight). Writers Z and AB's 24 (Z asked for OAuth in nine of ten HTTP
/// docs: portal guides, design reviews, READMEs; AB: team wiki pages,
/// API references, onboarding runbooks): Z tuned F1 0.885, exact 4/8,
/// held back 0.927, 1/4; AB tuned 1.000, 5/8, held back 0.909, 2/4
/// (12/24 exact, flows 18/24, no junk 17/24, two methods 4/6, checks
/// complete 16/18, kind and host 15/18, no_http_check 5/6 at first
/// sight).
/// Reached (276 docs): F1 0.966, exact 241, flows 104/108 (270/276 with
/// none), no junk 255, two methods 58/66, checks complete 182/202 (kind
/// and host 162, fillable 179), no_http_check 69/71.
fn tuned_floors(f: &Figures) {
    assert!(f.docs >= 276, "{} docs", f.docs);
    assert!(f.f1() >= 0.95, "name F1 {:.3}", f.f1());
    assert!(f.exact_required >= 235, "exact {}", f.exact_required);
    assert!(f.flow_right >= 99, "flows {}", f.flow_right);
    assert!(
        f.flow_right_any >= 264,
        "flows with none {}",
        f.flow_right_any
    );
    assert!(f.no_junk >= 249, "no junk {}", f.no_junk);
    assert!(
        f.multi_method_right >= 56,
        "two methods {}",
        f.multi_method_right
    );
    assert!(f.checks_complete >= 177, "complete {}", f.checks_complete);
    assert!(f.kind_and_host >= 157, "kind and host {}", f.kind_and_host);
    assert!(f.fillable >= 174, "fillable {}", f.fillable);
    assert!(f.no_http_right >= 64, "no_http_check {}", f.no_http_right);
}

/// Floors a little under the figures the held-back part reaches (measured
/// only; no rule was tuned on it). Reached (141 docs): F1 0.939, exact
/// 97, flows 34/54 (114/141 with none), no junk 107, two methods 31/37,
/// checks complete 90/100 (kind and host 81), no_http_check 34/41.
/// Held-back docs at first sight: writers I, J and K's 15 exact 8/15;
/// writer L's 5 F1 0.939, exact 4/5; writer M's 5 F1 0.811, exact 3/5;
/// writer N's 5 F1 0.683, exact 3/5; writer O's 5 F1 0.710, exact 4/5;
/// writer P's 5 F1 0.524, exact 0/5; writer Q's 5 F1 0.933, exact 4/5;
/// writer R's 5 F1 0.986, exact 4/5; writer S's 5 F1 0.966, exact 3/5;
/// writer T's 4 F1 0.912, exact 1/4; writer U's 4 F1 0.914, exact 2/4;
/// writer V's 4 F1 1.000, exact 2/4; writer W's 4 F1 0.842, exact 1/4;
/// writer X's 4 F1 0.864, exact 2/4; writer Y's 4 F1 0.978, exact 3/4;
/// writer Z's 4 F1 0.927, exact 1/4; writer AB's 4 F1 0.909, exact 2/4.
fn heldback_floors(f: &Figures) {
    assert!(f.docs >= 141, "held-back docs {}", f.docs);
    assert!(f.f1() >= 0.93, "held-back name F1 {:.3}", f.f1());
    assert!(
        f.exact_required >= 92,
        "held-back exact {}",
        f.exact_required
    );
    assert!(
        f.flow_right_any >= 108,
        "held-back flows {}",
        f.flow_right_any
    );
    assert!(f.no_junk >= 102, "held-back no junk {}", f.no_junk);
    assert!(
        f.multi_method_right >= 29,
        "held-back two methods {}",
        f.multi_method_right
    );
    assert!(
        f.checks_complete >= 85,
        "held-back complete {}",
        f.checks_complete
    );
    assert!(
        f.kind_and_host >= 76,
        "held-back kind and host {}",
        f.kind_and_host
    );
    assert!(
        f.no_http_right >= 31,
        "held-back no_http_check {}",
        f.no_http_right
    );
}
