//! Deriving auth checks from API docs written in the style of real ones
//! (tests/fixtures/apidocs/<source>/: the doc and its spec), snapshotted.

use connector_auth::apidoc::ApiDoc;
use connector_auth::check;
use connector_auth::source::Source;

use crate::support::fixtures;

/// (fixture, whether everything can be derived)
const DOCS: &[(&str, bool)] = &[
    ("airtable", true),
    ("datadog", true),
    ("dynamics", true),
    ("freshdesk", true),
    ("github", true),
    ("google_analytics", true),
    ("hubspot", true),
    ("jira", true),
    ("mailchimp", true),
    ("nowhere", false),
    ("openweather", true),
    ("shopify", true),
    ("stripe", true),
    ("zendesk", true),
];

fn derived(name: &str) -> (String, check::Derived, connector_auth::spec::Spec) {
    let dir = fixtures().join("apidocs").join(name);
    let spec_text = std::fs::read_to_string(dir.join("connector_spec.yaml")).expect("spec");
    let spec = connector_auth::spec::load_str(Source::new("connector_spec.yaml", spec_text))
        .spec
        .expect("spec loads");
    let doc_name = format!("{name}_api_doc.md");
    let doc = ApiDoc::parse(&std::fs::read_to_string(dir.join(&doc_name)).expect("doc"));
    let derived = check::derive(&spec, Some(&doc), &doc_name);
    let text = check::render(&derived, spec.title(name), Some(&doc_name));
    (text, derived, spec)
}

#[test]
fn every_fixture_doc_has_an_expectation() {
    let on_disk = std::fs::read_dir(fixtures().join("apidocs"))
        .expect("apidocs")
        .count();
    assert_eq!(on_disk, DOCS.len());
    assert!(DOCS.len() >= 12);
}

#[test]
fn derived_checks_match_their_snapshots_and_lint_clean() {
    for (name, complete) in DOCS {
        let (text, derived, spec) = derived(name);
        insta::assert_snapshot!(format!("derived_{name}"), text);
        assert_eq!(
            derived.todos.is_empty(),
            *complete,
            "{name}: {:?}",
            derived.todos
        );
        let loaded = check::load_str(Source::new("auth_check.yaml", text.clone()), &spec);
        let errors: Vec<_> = loaded
            .findings
            .iter()
            .filter(|f| f.severity() == connector_auth::diagnostic::Severity::Error)
            .map(|f| f.rule.code())
            .collect();
        if *complete {
            assert!(errors.is_empty(), "{name}: {errors:?}\n{text}");
            assert_eq!(
                loaded.check.as_ref(),
                Some(&derived.file),
                "{name}: render → load changed the check"
            );
        } else {
            assert!(errors.contains(&"check-todo"), "{name}: {errors:?}");
        }
    }
}
