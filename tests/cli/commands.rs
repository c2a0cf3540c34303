//! The command tree: help, version, completions, unbuilt commands, bad names.

use crate::support::bin;

#[test]
fn help_explains_each_command_with_examples() {
    let output = bin().arg("--help").output().expect("run");
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8_lossy(&output.stdout);
    for command in [
        "authenticate",
        "spec",
        "lint",
        "collect",
        "validate",
        "sources",
        "demo",
    ] {
        assert!(text.contains(command), "{command} missing from --help");
    }
    assert!(text.contains("Examples:"));
    assert!(text.contains("Exit codes"));
    for command in ["lint", "collect", "validate", "spec", "sources", "demo"] {
        let output = bin().args([command, "--help"]).output().expect("run");
        assert_eq!(output.status.code(), Some(0));
        assert!(
            String::from_utf8_lossy(&output.stdout).contains("Examples:"),
            "{command} --help has no examples"
        );
    }
}

#[test]
fn version_is_printed() {
    let output = bin().arg("--version").output().expect("run");
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        format!("connector-auth {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn completions_are_generated_for_each_shell() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef"),
        ("fish", "complete -c"),
    ] {
        let output = bin().args(["completions", shell]).output().expect("run");
        assert_eq!(output.status.code(), Some(0), "{shell}");
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(text.contains(marker), "{shell}: {text}");
        assert!(text.contains("connector-auth"));
    }
}

#[test]
fn unknown_commands_and_flags_are_usage_errors() {
    assert_eq!(
        bin().arg("frobnicate").output().expect("run").status.code(),
        Some(2)
    );
    assert_eq!(
        bin()
            .args(["lint", "--nope"])
            .output()
            .expect("run")
            .status
            .code(),
        Some(2)
    );
    assert_eq!(bin().output().expect("run").status.code(), Some(2));
}

#[test]
fn path_like_source_names_are_refused_by_every_command() {
    for command in ["collect", "validate", "spec", "authenticate"] {
        for bad in ["../etc", "Zendesk", ""] {
            let output = bin().args([command, bad]).output().expect("run");
            assert_eq!(output.status.code(), Some(2), "{command} {bad:?}");
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(
                stderr.contains("is not a source name"),
                "{command} {bad:?}: {stderr}"
            );
        }
    }
}
