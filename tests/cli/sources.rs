//! `sources`: the table and its JSON form.

use crate::support::{Repo, TESTS, fixture_spec, json_lines};

fn repo() -> Repo {
    let repo = Repo::new();
    repo.spec("github", &fixture_spec("flat.yaml"))
        .spec("zendesk", &fixture_spec("methods_shared.yaml"))
        .spec("google_analytics", &fixture_spec("oauth_u2m.yaml"))
        .spec("broken", "connection: [\n")
        .api_doc("jira", "# Jira API\n")
        .file(&format!("{TESTS}/github/auth_check.yaml"), "checks: []\n")
        .credentials("github", "{}")
        .file(
            &format!("{TESTS}/zendesk/auth_check.yaml"),
            "# derived\nchecks:\n  - request:\n      url: \"TODO: https://api.example.com/v1/me\"\n",
        )
        .file(
            "src/databricks/labs/community_connector/sources/__pycache__/x.pyc",
            "",
        )
        .file(
            "src/databricks/labs/community_connector/sources/interface/README",
            "",
        );
    repo
}

#[test]
fn lists_every_source_with_its_state() {
    let output = repo().cmd().arg("sources").output().expect("run");
    assert_eq!(output.status.code(), Some(0));
    insta::assert_snapshot!(String::from_utf8_lossy(&output.stdout), @r###"
    SOURCE            NAME              SPEC               AUTH       API DOC  AUTH CHECK  CREDENTIALS
    broken            -                 invalid (1 error)  -          -        -           -
    github            GitHub            ok                 bearer     -        yes         file
    google_analytics  Google Analytics  ok (1 warning)     oauth:u2m  -        -           -
    jira              -                 missing            -          yes      -           -
    zendesk           Zendesk           ok                 2 methods  -        TODO        -
    "###);
}

#[test]
fn json_has_one_object_per_source() {
    let output = repo()
        .cmd()
        .args(["sources", "--json"])
        .output()
        .expect("run");
    let rows = json_lines(&output.stdout);
    assert_eq!(rows.len(), 5);
    let github = &rows[1];
    assert_eq!(github["source"], "github");
    assert_eq!(github["spec"], "ok");
    assert_eq!(github["auth"], "bearer");
    assert_eq!(github["auth_check"], true);
    assert_eq!(github["credentials"], true);
    assert_eq!(github["credentials_store"], "file");
    assert_eq!(rows[0]["credentials_store"], "none");
    assert_eq!(
        rows[3]["api_doc"]
            .as_str()
            .map(|p| p.ends_with("jira_api_doc.md")),
        Some(true)
    );
}

#[test]
fn a_missing_root_is_an_input_error() {
    let output = crate::support::bin()
        .args(["--root", "/definitely/not/here", "sources"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("does not exist"));
}

#[test]
fn root_is_found_from_a_subfolder() {
    let repo = repo();
    let output = repo
        .cmd()
        .current_dir(repo.root().join("src/databricks"))
        .args(["sources", "--json"])
        .output()
        .expect("run");
    assert_eq!(json_lines(&output.stdout).len(), 5);
}

#[test]
fn sources_dir_overrides_the_prefix() {
    let repo = Repo::new();
    repo.file(
        "connectors/acme/connector_spec.yaml",
        &fixture_spec("typed.yaml"),
    );
    let output = repo
        .cmd()
        .args(["--sources-dir", "connectors", "sources", "--json"])
        .output()
        .expect("run");
    let rows = json_lines(&output.stdout);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["source"], "acme");
    assert_eq!(rows[0]["auth"], "api_key");
}
