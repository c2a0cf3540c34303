//! Drafting specs from API docs, measured: 26 docs written in the style of
//! real ones (tests/fixtures/drafts/NAME.md) with the spec a careful engineer
//! would write by hand (NAME.expected.yaml; none where the doc gives no auth
//! facts). Prints the figures and fails below the targets.

use std::collections::BTreeSet;

use connector_auth::apidoc::ApiDoc;
use connector_auth::draft;
use connector_auth::source::Source;
use connector_auth::spec::Spec;

use crate::support::fixtures;

/// (method, name, required, secret) of a parameter.
type Param = (String, String, bool, bool);
/// (method, flow) of an OAuth block.
type FlowOf = (String, String);

/// Every parameter of a spec, and its flows.
fn facts(spec: &Spec) -> (BTreeSet<Param>, BTreeSet<FlowOf>) {
    let mut params = BTreeSet::new();
    let mut flows = BTreeSet::new();
    for p in &spec.parameters {
        params.insert((String::new(), p.name.clone(), p.required, p.secret));
    }
    if let Some(o) = &spec.oauth {
        flows.insert((String::new(), o.flow().as_str().to_string()));
    }
    for m in &spec.auth_methods {
        for p in &m.parameters {
            params.insert((m.name.clone(), p.name.clone(), p.required, p.secret));
        }
        if let Some(o) = &m.oauth {
            flows.insert((m.name.clone(), o.flow().as_str().to_string()));
        }
    }
    (params, flows)
}

fn doc_text(name: &str) -> String {
    let mut text =
        std::fs::read_to_string(fixtures().join("drafts").join(format!("{name}.md"))).expect("doc");
    if name == "huge" {
        let mut i = 0;
        while text.len() < 1024 * 1024 {
            text.push_str(&format!(
                "\n### Object {i}\n\nThe `object_{i}` endpoint lists records. `GET /v1/objects/{i}?page={{page}}` returns up to 100 rows with fields `id`, `name`, `created_at`.\n\n| Field | Type | Description |\n|---|---|---|\n| id | string | Identifier |\n"
            ));
            i += 1;
        }
    }
    text
}

#[test]
fn drafting_quality_over_the_fixture_set() {
    let dir = fixtures().join("drafts");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("drafts")
        .filter_map(|e| {
            e.ok()?
                .file_name()
                .to_str()?
                .strip_suffix(".md")
                .map(str::to_string)
        })
        .collect();
    names.sort();
    assert!(names.len() >= 25, "{} fixtures", names.len());
    let (mut exact, mut scored) = (0usize, 0usize);
    let (mut true_pos, mut drafted, mut expected_total) = (0usize, 0usize, 0usize);
    let (mut secret_right, mut secret_seen) = (0usize, 0usize);
    let (mut flow_right, mut issued_required) = (0usize, 0usize);
    let mut failures = Vec::new();
    for name in &names {
        let doc = ApiDoc::parse(&doc_text(name));
        let result = draft::draft(&doc, name);
        let expected_path = dir.join(format!("{name}.expected.yaml"));
        if !expected_path.exists() {
            if result.is_ok() {
                failures.push(format!(
                    "{name}: drafted a spec from a doc without auth facts"
                ));
            }
            continue;
        }
        let expected = connector_auth::spec::load_str(Source::new(
            expected_path.clone(),
            std::fs::read_to_string(&expected_path).expect("expected"),
        ))
        .spec
        .expect("expected spec loads");
        scored += 1;
        let Ok(drafted_spec) = result else {
            failures.push(format!("{name}: no draft"));
            expected_total += facts(&expected).0.len();
            continue;
        };
        let (want, want_flows) = facts(&expected);
        let (got, got_flows) = facts(&drafted_spec.spec);
        let names_of = |s: &BTreeSet<(String, String, bool, bool)>,
                        required_only: bool|
         -> BTreeSet<(String, String)> {
            s.iter()
                .filter(|p| !required_only || p.2)
                .map(|p| (p.0.clone(), p.1.clone()))
                .collect()
        };
        if names_of(&want, true) == names_of(&got, true) {
            exact += 1;
        } else {
            failures.push(format!(
                "{name}: required {:?} drafted {:?}",
                names_of(&want, true),
                names_of(&got, true)
            ));
        }
        let want_names = names_of(&want, false);
        let got_names = names_of(&got, false);
        true_pos += want_names.intersection(&got_names).count();
        drafted += got_names.len();
        expected_total += want_names.len();
        for w in &want {
            if let Some(g) = got.iter().find(|g| g.0 == w.0 && g.1 == w.1) {
                secret_seen += 1;
                if g.3 == w.3 {
                    secret_right += 1;
                } else {
                    failures.push(format!("{name}: `{}` secret {} drafted {}", w.1, w.3, g.3));
                }
            }
        }
        if want_flows == got_flows {
            flow_right += 1;
        } else {
            failures.push(format!(
                "{name}: flows {want_flows:?} drafted {got_flows:?}"
            ));
        }
        if !got_flows.is_empty() {
            issued_required += got
                .iter()
                .filter(|p| {
                    p.2 && ["access_token", "refresh_token", "id_token"].contains(&p.1.as_str())
                })
                .count();
        }
        // Every draft lints without errors except for endpoints the doc lacks.
        let rendered = connector_auth::spec::render(&drafted_spec.spec, &[]);
        let reloaded = connector_auth::spec::load_str(Source::new("draft.yaml", rendered));
        assert_eq!(
            reloaded.spec.as_ref(),
            Some(&drafted_spec.spec),
            "{name}: render → load"
        );
    }
    let precision = true_pos as f64 / drafted.max(1) as f64;
    let recall = true_pos as f64 / expected_total.max(1) as f64;
    let f1 = 2.0 * precision * recall / (precision + recall).max(f64::EPSILON);
    let exact_rate = exact as f64 / scored as f64;
    println!(
        "drafting over {scored} docs: exact required sets {exact}/{scored} ({:.0}%), name precision {precision:.3}, recall {recall:.3}, F1 {f1:.3}, secret flags {secret_right}/{secret_seen}, OAuth flows {flow_right}/{scored}, issued tokens drafted as required: {issued_required}",
        exact_rate * 100.0
    );
    for f in &failures {
        println!("  miss: {f}");
    }
    assert!(
        exact_rate >= 0.90,
        "exact required-name sets below 90%: {failures:#?}"
    );
    assert!(f1 >= 0.95, "name F1 {f1:.3} below 0.95: {failures:#?}");
    assert_eq!(issued_required, 0);
}

mod command {
    use crate::support::{Repo, SOURCES, fixtures};

    fn doc(name: &str) -> String {
        std::fs::read_to_string(fixtures().join("drafts").join(format!("{name}.md"))).expect("doc")
    }

    fn spec_path(repo: &Repo, source: &str) -> std::path::PathBuf {
        repo.root()
            .join(format!("{SOURCES}/{source}/connector_spec.yaml"))
    }

    #[test]
    fn a_missing_spec_is_drafted_written_and_explained() {
        let repo = Repo::new();
        repo.api_doc("helpdesk", &doc("basic_email_token"));
        let output = repo.cmd().args(["spec", "helpdesk"]).output().expect("run");
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            stdout.contains("api_token") && stdout.contains("required, secret"),
            "{stdout}"
        );
        assert!(
            stdout.contains("line 13: the password of `curl -u`"),
            "{stdout}"
        );
        let written = std::fs::read_to_string(spec_path(&repo, "helpdesk")).expect("spec");
        assert!(written.starts_with("# connector_spec.yaml for Helpdesk Cloud"));
        let lint = repo
            .cmd()
            .args(["lint", "helpdesk"])
            .output()
            .expect("lint");
        assert_eq!(lint.status.code(), Some(0));
    }

    #[test]
    fn an_existing_spec_is_kept_and_force_keeps_a_backup() {
        let repo = Repo::new();
        repo.api_doc("helpdesk", &doc("basic_email_token"))
            .spec("helpdesk", "# mine\nconnection:\n  parameters: []\n");
        let output = repo.cmd().args(["spec", "helpdesk"]).output().expect("run");
        assert_eq!(output.status.code(), Some(0));
        assert!(String::from_utf8_lossy(&output.stdout).contains("kept"));
        assert!(
            std::fs::read_to_string(spec_path(&repo, "helpdesk"))
                .expect("spec")
                .starts_with("# mine")
        );
        let output = repo
            .cmd()
            .args(["spec", "helpdesk", "--force"])
            .output()
            .expect("run");
        assert_eq!(output.status.code(), Some(0));
        let backup = spec_path(&repo, "helpdesk").with_extension("yaml.bak");
        assert!(
            std::fs::read_to_string(backup)
                .expect("backup")
                .starts_with("# mine")
        );
        assert!(
            std::fs::read_to_string(spec_path(&repo, "helpdesk"))
                .expect("spec")
                .contains("api_token")
        );
    }

    /// A plain two-method doc: a personal access token preferred, an
    /// OAuth app as the alternative, and a JSON response example under
    /// `GET /user`. Two methods, the OAuth block on the method holding
    /// `client_id`, and none of the response's fields as parameters.
    #[test]
    fn a_plain_two_method_doc_drafts_two_methods_and_no_response_fields() {
        let repo = Repo::new();
        repo.api_doc("codehost", &doc("plain_two_methods"));
        let output = repo.cmd().args(["spec", "codehost"]).output().expect("run");
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let path = spec_path(&repo, "codehost");
        let text = std::fs::read_to_string(&path).expect("spec");
        let spec =
            connector_auth::spec::load_str(connector_auth::source::Source::new(path, text.clone()))
                .spec
                .expect("the draft loads");
        let methods: Vec<Vec<&str>> = spec
            .auth_methods
            .iter()
            .map(|m| m.parameters.iter().map(|p| p.name.as_str()).collect())
            .collect();
        assert_eq!(
            methods,
            [
                vec!["personal_access_token"],
                vec!["client_id", "client_secret"]
            ],
            "{text}"
        );
        assert!(spec.oauth.is_none(), "{text}");
        let oauth = spec.auth_methods[1].oauth.as_ref().expect("oauth block");
        assert_eq!(
            oauth.authorization_url.as_ref().map(|u| u.value.as_str()),
            Some("https://codehost.example/login/oauth/authorize")
        );
        for field in ["login", "type", "id", "site_admin", "state", "per_page"] {
            assert!(
                !text.contains(&format!("name: {field}\n")),
                "{field}: {text}"
            );
        }
        let lint = repo
            .cmd()
            .args(["lint", "codehost"])
            .output()
            .expect("lint");
        assert_eq!(lint.status.code(), Some(0));
    }

    #[test]
    fn print_writes_nothing() {
        let repo = Repo::new();
        repo.api_doc("octohub", &doc("bearer_pat"));
        let output = repo
            .cmd()
            .args(["spec", "octohub", "--print"])
            .output()
            .expect("run");
        assert_eq!(output.status.code(), Some(0));
        assert!(String::from_utf8_lossy(&output.stdout).contains("display_name: Octohub"));
        assert!(!spec_path(&repo, "octohub").exists());
    }

    #[test]
    fn a_doc_without_auth_facts_writes_nothing_and_exits_1() {
        let repo = Repo::new();
        repo.api_doc("mystery", &doc("no_auth_facts"));
        let output = repo.cmd().args(["spec", "mystery"]).output().expect("run");
        assert_eq!(output.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&output.stderr).contains("nothing was written"));
        assert!(!spec_path(&repo, "mystery").exists());
    }

    #[test]
    fn no_api_doc_is_an_input_error() {
        let repo = Repo::new();
        repo.file(&format!("{SOURCES}/bare/bare.py"), "");
        let output = repo.cmd().args(["spec", "bare"]).output().expect("run");
        assert_eq!(output.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&output.stderr).contains("no API doc for `bare`"));
    }
}
