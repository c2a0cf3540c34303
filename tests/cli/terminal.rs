//! `collect --mode cli`: answers piped on stdin, and a person at a real
//! pseudo-terminal typing a secret that must not be echoed.

use crate::support::{Repo, fixture_spec};

fn piped(repo: &Repo, source: &str, input: &str) -> (Option<i32>, String, String) {
    let output = repo
        .cmd()
        .args(["collect", source, "--mode", "cli"])
        .write_stdin(input)
        .output()
        .expect("run");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn piped_answers_are_read_line_by_line() {
    let repo = Repo::new();
    repo.spec("github", &fixture_spec("flat.yaml"));
    let (code, stdout, stderr) = piped(&repo, "github", "ghp_piped_secret\n\n");
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(
        repo.saved("github"),
        Some(serde_json::json!({"token": "ghp_piped_secret"}))
    );
    assert!(stderr.contains("Token (required, hidden):"), "{stderr}");
    assert!(stderr.contains("Base URL (optional):"), "{stderr}");
    assert!(stdout.contains("saved credentials to"), "{stdout}");
    assert!(!stdout.contains("ghp_piped_secret") && !stderr.contains("ghp_piped_secret"));
}

#[test]
fn the_method_is_a_choice_by_number_or_name() {
    for choice in ["2", "password"] {
        let repo = Repo::new();
        repo.spec("zendesk", &fixture_spec("methods_shared.yaml"));
        let input = format!("{choice}\nacme\nagent@acme.test\npa55\n");
        let (code, _, stderr) = piped(&repo, "zendesk", &input);
        assert_eq!(code, Some(0), "{stderr}");
        assert_eq!(
            repo.saved("zendesk"),
            Some(
                serde_json::json!({"subdomain": "acme", "email": "agent@acme.test", "password": "pa55"})
            )
        );
    }
    let repo = Repo::new();
    repo.spec("zendesk", &fixture_spec("methods_shared.yaml"));
    let (code, _, stderr) = piped(&repo, "zendesk", "7\n1\nacme\na@b.c\ntok\n");
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("`7` is not one of the choices"), "{stderr}");
}

#[test]
fn an_empty_required_answer_is_asked_again() {
    let repo = Repo::new();
    repo.spec("github", &fixture_spec("flat.yaml"));
    let (code, _, stderr) = piped(&repo, "github", "\n  \nghp_second_try\n\n");
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(stderr.matches("Token is required").count(), 2, "{stderr}");
    assert_eq!(
        repo.saved("github"),
        Some(serde_json::json!({"token": "ghp_second_try"}))
    );
}

#[test]
fn mistyped_values_are_asked_again() {
    let repo = Repo::new();
    repo.spec("typed", &fixture_spec("typed.yaml"));
    let (code, _, stderr) = piped(&repo, "typed", "k\nten\n10\nmaybe\nyes\n2.5\n");
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("Page size must be a whole number"),
        "{stderr}"
    );
    assert!(
        stderr.contains("Include archived must be true or false"),
        "{stderr}"
    );
    assert_eq!(
        repo.saved("typed"),
        Some(
            serde_json::json!({"api_key": "k", "page_size": "10", "include_archived": "true", "rate_limit": "2.5"})
        )
    );
}

#[test]
fn input_ending_early_exits_1_and_writes_nothing() {
    let repo = Repo::new();
    repo.spec("zendesk", &fixture_spec("methods_shared.yaml"));
    let (code, _, stderr) = piped(&repo, "zendesk", "1\nacme\n");
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("input ended before `email` was given"),
        "{stderr}"
    );
    assert_eq!(repo.saved("zendesk"), None);
    let (code, _, _) = piped(&repo, "zendesk", "");
    assert_eq!(code, Some(1));
    assert_eq!(repo.saved("zendesk"), None);
}

#[cfg(unix)]
#[test]
fn a_secret_typed_at_a_terminal_is_not_echoed() {
    let repo = Repo::new();
    repo.spec("github", &fixture_spec("flat.yaml"));
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_connector-auth"));
    cmd.args(["collect", "github", "--mode", "cli"])
        .current_dir(repo.root())
        .env("NO_COLOR", "1")
        .env("TERM", "xterm");
    let mut session = rexpect::session::spawn_command(cmd, Some(10_000)).expect("pty");
    let mut transcript = String::new();
    transcript += &session
        .exp_string("Token (required, hidden)")
        .expect("token prompt");
    session
        .send_line("pty-typed-secret-93")
        .expect("type secret");
    transcript += &session.exp_string("Base URL").expect("base url prompt");
    session.send_line("").expect("enter");
    transcript += &session.exp_string("saved credentials to").expect("saved");
    transcript += &session.exp_eof().expect("exit");
    assert!(
        !transcript.contains("pty-typed-secret-93"),
        "the secret was echoed:\n{transcript}"
    );
    assert_eq!(
        repo.saved("github"),
        Some(serde_json::json!({"token": "pty-typed-secret-93"}))
    );
}

#[cfg(unix)]
#[test]
fn ctrl_c_at_a_hidden_prompt_exits_1_and_writes_nothing() {
    let repo = Repo::new();
    repo.spec("github", &fixture_spec("flat.yaml"));
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_connector-auth"));
    cmd.args(["collect", "github", "--mode", "cli"])
        .current_dir(repo.root())
        .env("NO_COLOR", "1")
        .env("TERM", "xterm");
    let mut session = rexpect::session::spawn_command(cmd, Some(10_000)).expect("pty");
    session
        .exp_string("Token (required, hidden)")
        .expect("token prompt");
    session.send("half-typed").expect("type");
    session.send_control('c').expect("ctrl-c");
    let rest = session.exp_eof().expect("exit");
    assert!(rest.contains("nothing was written"), "{rest}");
    assert_eq!(repo.saved("github"), None);
}

#[test]
fn a_url_typed_where_a_subdomain_goes_is_asked_again() {
    let repo = Repo::new();
    repo.spec("zendesk", &fixture_spec("methods_shared.yaml"));
    let input = "1\nhttps://acme.zendesk.com\nacme\nagent@acme.test\ntok-1234\n";
    let (code, _, stderr) = piped(&repo, "zendesk", input);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("looks like a URL") && stderr.contains("`acme`"),
        "{stderr}"
    );
    assert_eq!(
        repo.saved("zendesk").map(|v| v["subdomain"].clone()),
        Some(serde_json::json!("acme"))
    );
}

/// A source whose auth check can be derived from its API doc without a
/// TODO: plain `collect` runs it on Save.
fn checked_repo(api: &crate::apis::Nginx) -> Repo {
    let repo = Repo::new();
    repo.api_doc(
        "zendesk",
        &format!(
            "# Zendesk\n\n## Authorization\n\nBasic auth with the agent's email and an API token.\n\n```\ncurl -u <email>/token:<api_token> {}\n```\n",
            api.url("/basic/me")
        ),
    );
    repo.cmd().args(["spec", "zendesk"]).assert().success();
    repo
}

#[test]
fn collect_checks_on_save_and_asks_before_writing_rejected_credentials() {
    let api = crate::apis::Nginx::start();
    let repo = checked_repo(&api);
    let (code, stdout, stderr) = piped(&repo, "zendesk", "agent@acme.test\nwrong-secret-8080\n");
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    assert!(
        stderr.contains("✗ check on Save: invalid_credentials"),
        "{stderr}"
    );
    assert!(
        stderr.contains("Save these credentials anyway?"),
        "{stderr}"
    );
    assert!(
        repo.saved("zendesk").is_none(),
        "rejected credentials were written"
    );
    assert!(
        !stdout.contains("wrong-secret-8080") && !stderr.contains("wrong-secret-8080"),
        "{stdout}{stderr}"
    );
    // Building the check writes no file: deriving writes only under validate.
    assert!(!repo.check_path("zendesk").exists());

    let (code, _, stderr) = piped(&repo, "zendesk", "agent@acme.test\nwrong-secret-8080\ny\n");
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(
        repo.saved("zendesk").expect("saved anyway")["api_token"],
        "wrong-secret-8080"
    );

    let good = format!("agent@acme.test\n{}\n", crate::apis::BASIC_PASSWORD);
    let (code, _, stderr) = piped(&repo, "zendesk", &good);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("✓ check on Save: ok"), "{stderr}");
    assert_eq!(
        repo.saved("zendesk").expect("saved")["api_token"],
        crate::apis::BASIC_PASSWORD
    );
}
