//! `lint` on the fixture corpus and on a repository: rules, lines, exit codes.

use crate::support::{Repo, assert_no_panic, bin, fixtures, good_specs, json_lines};

/// (file, rule expected, its line, exit code)
const BROKEN: &[(&str, &str, usize, i32)] = &[
    ("syntax_error.yaml", "yaml-syntax", 4, 1),
    ("tab_indent.yaml", "yaml-syntax", 4, 1),
    ("parameters_not_list.yaml", "not-a-list", 4, 1),
    ("auth_methods_not_list.yaml", "not-a-list", 4, 1),
    ("parameter_without_name.yaml", "missing-name", 6, 1),
    ("duplicate_names.yaml", "duplicate-name", 7, 1),
    ("duplicate_method_shared.yaml", "duplicate-name", 11, 1),
    ("duplicate_key.yaml", "duplicate-key", 6, 1),
    ("unknown_type.yaml", "unknown-type", 5, 1),
    ("bad_flow.yaml", "bad-flow", 7, 1),
    ("oauth_no_token_url.yaml", "no-token-url", 9, 1),
    (
        "u2m_no_authorization_url.yaml",
        "no-authorization-url",
        6,
        1,
    ),
    ("unknown_placeholder.yaml", "unknown-placeholder", 10, 1),
    ("required_not_bool.yaml", "bad-value", 5, 1),
    ("empty.yaml", "empty-spec", 1, 1),
    ("no_connection.yaml", "missing-connection", 1, 1),
    ("top_level_list.yaml", "not-a-mapping", 1, 1),
    ("two_documents.yaml", "multiple-documents", 4, 1),
    ("deep_nesting.yaml", "too-deep", 2, 1),
    ("alias_bomb.yaml", "too-large", 6, 1),
    ("non_utf8.yaml", "encoding", 1, 1),
    (
        "refresh_token_required.yaml",
        "refresh-token-parameter",
        7,
        0,
    ),
    ("not_secret.yaml", "not-secret", 4, 0),
];

#[test]
fn every_broken_spec_reports_its_rule_line_and_exit_code() {
    let dir = fixtures().join("specs/broken");
    for (file, rule, line, code) in BROKEN {
        let output = bin()
            .arg("lint")
            .arg(dir.join(file))
            .arg("--json")
            .output()
            .expect("run");
        assert_no_panic(&output.stderr);
        assert_eq!(output.status.code(), Some(*code), "{file}: exit code");
        let findings = json_lines(&output.stdout);
        assert!(
            findings
                .iter()
                .any(|f| f["rule"] == *rule && f["line"] == *line),
            "{file}: expected {rule} on line {line}, got {findings:#?}"
        );
        let errors = findings.iter().filter(|f| f["severity"] == "error").count();
        assert_eq!(errors > 0, *code == 1, "{file}: errors vs exit code");
    }
}

#[test]
fn the_corpus_covers_every_error_rule_and_every_broken_file() {
    let on_disk = std::fs::read_dir(fixtures().join("specs/broken"))
        .expect("corpus")
        .count();
    assert_eq!(on_disk, BROKEN.len(), "a broken fixture has no expectation");
    use connector_auth::diagnostic::{Rule, Severity};
    let spec_errors = Rule::ALL
        .iter()
        .filter(|r| r.severity() == Severity::Error && !r.code().starts_with("check-"));
    for rule in spec_errors {
        let covered =
            BROKEN.iter().any(|(_, code, _, _)| *code == rule.code()) || rule.code() == "too-large";
        assert!(covered, "no broken fixture for {}", rule.code());
    }
}

#[test]
fn a_five_megabyte_spec_is_refused_without_reading_it_all() {
    let repo = Repo::new();
    let mut text = String::from("display_name: Huge\nconnection:\n  parameters:\n");
    while text.len() < 5 * 1024 * 1024 {
        text.push_str("    - name: p\n      description: padding padding padding padding\n");
    }
    repo.file("huge.yaml", &text);
    let output = repo
        .cmd()
        .args(["lint", "huge.yaml", "--json"])
        .output()
        .expect("run");
    assert_no_panic(&output.stderr);
    assert_eq!(output.status.code(), Some(1));
    let findings = json_lines(&output.stdout);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["rule"], "too-large");
    assert_eq!(findings[0]["line"], 1);
}

#[test]
fn good_fixtures_lint_without_errors() {
    for path in good_specs() {
        let output = bin().arg("lint").arg(&path).output().expect("run");
        assert_no_panic(&output.stderr);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}: {}",
            path.display(),
            String::from_utf8_lossy(&output.stdout)
        );
    }
}

#[test]
fn human_output_shows_the_offending_line() {
    let repo = Repo::new();
    repo.spec(
        "acme",
        "display_name: Acme\nconnection:\n  parameters:\n    - name: page_size\n      type: int\n      description: Page size.\nexternal_options_allowlist: \"\"\n",
    );
    let output = repo.cmd().args(["lint", "acme"]).output().expect("run");
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8_lossy(&output.stdout).replace('\\', "/");
    insta::assert_snapshot!(text, @r###"
    error[unknown-type]: parameter `page_size` has unknown type `int`
      ┌─ src/databricks/labs/community_connector/sources/acme/connector_spec.yaml:5:13
      │
    5 │       type: int
      │             ^^^ not a known type
      │
      = help: use one of: string, integer, boolean, number

    1 spec: 1 error, 0 warnings
    "###);
}

#[test]
fn lint_without_arguments_checks_every_source() {
    let repo = Repo::new();
    repo.spec("good", &crate::support::fixture_spec("flat.yaml"))
        .spec("bad", "connection:\n  parameters: nope\n")
        .api_doc("nospec", "# No spec yet\n");
    let output = repo.cmd().args(["lint", "--json"]).output().expect("run");
    assert_eq!(output.status.code(), Some(1));
    let findings = json_lines(&output.stdout);
    assert!(
        findings
            .iter()
            .all(|f| f["file"].as_str().is_some_and(|p| p.contains("/bad/")))
    );
    assert!(findings.iter().any(|f| f["rule"] == "not-a-list"));
    let human = repo.cmd().arg("lint").output().expect("run");
    let stderr = String::from_utf8_lossy(&human.stderr);
    assert!(stderr.contains("no spec yet for nospec"), "{stderr}");
    assert!(String::from_utf8_lossy(&human.stdout).contains("2 specs: "));
}

#[test]
fn warnings_alone_exit_zero() {
    let repo = Repo::new();
    repo.spec("acme", "connection:\n  parameters:\n    - name: api_key\n");
    let output = repo
        .cmd()
        .args(["lint", "acme", "--json"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0));
    let rules: Vec<_> = json_lines(&output.stdout)
        .iter()
        .map(|f| f["rule"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(
        rules,
        [
            "missing-display-name",
            "missing-allowlist",
            "missing-description",
            "not-secret"
        ]
    );
}

#[test]
fn unknown_source_lists_the_known_ones() {
    let repo = Repo::new();
    repo.spec(
        "zendesk",
        &crate::support::fixture_spec("methods_shared.yaml"),
    )
    .spec("github", &crate::support::fixture_spec("flat.yaml"));
    let output = repo.cmd().args(["lint", "jira"]).output().expect("run");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("unknown source `jira`"), "{stderr}");
    assert!(stderr.contains("known: github, zendesk"), "{stderr}");
}

#[test]
fn bad_source_names_are_refused_before_any_path_is_built() {
    let repo = Repo::new();
    for (arg, why) in [
        ("Zendesk", "uppercase"),
        ("", "empty"),
        ("zen desk", "characters other than"),
    ] {
        let output = repo.cmd().args(["lint", arg]).output().expect("run");
        assert_eq!(output.status.code(), Some(2), "{arg:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("is not a source name"), "{arg:?}: {stderr}");
        assert!(stderr.contains(why), "{arg:?}: {stderr}");
    }
}

#[test]
fn a_missing_file_is_an_input_error() {
    let repo = Repo::new();
    let output = repo
        .cmd()
        .args(["lint", "./nope.yaml"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot read ./nope.yaml"));
}

#[test]
fn an_empty_repository_is_an_input_error() {
    let repo = Repo::new();
    let output = repo.cmd().arg("lint").output().expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no sources found"));
}
