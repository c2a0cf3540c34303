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
    let text = String::from_utf8_lossy(&output.stdout);
    let rest = text
        .trim()
        .strip_prefix(concat!("connector-auth ", env!("CARGO_PKG_VERSION")))
        .unwrap_or_else(|| panic!("not the package version: {text}"));
    // The commit the binary was built from, when the build could know it.
    let commit = rest.strip_prefix(" (").and_then(|r| r.strip_suffix(')'));
    let is_commit = |c: &str| c.len() >= 7 && c.bytes().all(|b| b.is_ascii_hexdigit());
    assert!(
        rest.is_empty() || commit.is_some_and(is_commit),
        "unexpected version line: {text}"
    );
}

#[test]
fn completions_are_generated_for_each_shell() {
    for (shell, marker) in [
        ("bash", "complete -o nospace"),
        ("zsh", "#compdef"),
        ("fish", "complete --keep-order"),
    ] {
        let output = bin().args(["completions", shell]).output().expect("run");
        assert_eq!(output.status.code(), Some(0), "{shell}");
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(text.contains(marker), "{shell}: {text}");
        assert!(text.contains("connector-auth"));
    }
}

/// What a real bash offers for the last word of `words` (an empty last
/// word completes from nothing), with the script `completions bash` prints
/// sourced, run in `dir`.
fn bash_completes(dir: &std::path::Path, words: &[&str]) -> Vec<String> {
    let script = format!(
        r#"source <(connector-auth completions bash) || exit 9
COMP_WORDS=({words})
COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))
COMP_LINE="${{COMP_WORDS[*]}}"; COMP_POINT=${{#COMP_LINE}}; COMP_TYPE=9
_clap_complete_connector_auth connector-auth "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
printf '%s\n' "${{COMPREPLY[@]}}""#,
        words = words
            .iter()
            .map(|w| format!("'{w}'"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let binary = std::path::Path::new(env!("CARGO_BIN_EXE_connector-auth"));
    let path = format!(
        "{}:{}",
        binary.parent().expect("folder").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let output = std::process::Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &script])
        .current_dir(dir)
        .env("PATH", path)
        .env_remove("COMPLETE")
        .output()
        .expect("bash");
    assert!(
        output.status.success(),
        "bash: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn bash_completes_commands_flags_values_and_source_names() {
    let repo = crate::support::Repo::new();
    for source in ["zendesk", "zoom", "github"] {
        repo.spec(source, "connection:\n  parameters: []\n");
    }
    let at = repo.root();
    assert_eq!(bash_completes(at, &["connector-auth", "col"]), ["collect"]);
    let flags = bash_completes(at, &["connector-auth", "collect", "--"]);
    for flag in [
        "--mode",
        "--port",
        "--timeout",
        "--no-open",
        "--json",
        "--root",
    ] {
        assert!(flags.iter().any(|f| f == flag), "{flag} not in {flags:?}");
    }
    assert_eq!(
        bash_completes(at, &["connector-auth", "collect", "--mode", ""]),
        ["browser", "cli"]
    );
    assert_eq!(
        bash_completes(at, &["connector-auth", "authenticate", "z"]),
        ["zendesk", "zoom"]
    );
    assert_eq!(
        bash_completes(at, &["connector-auth", "validate", "--json", "g"]),
        ["github"]
    );
    // The workspace the line names, from anywhere.
    let elsewhere = tempfile::tempdir().expect("temp dir");
    let root = at.display().to_string();
    assert_eq!(
        bash_completes(
            elsewhere.path(),
            &["connector-auth", "--root", &root, "forget", "zo"]
        ),
        ["zoom"]
    );
    assert!(bash_completes(elsewhere.path(), &["connector-auth", "forget", "zo"]).is_empty());
}

#[test]
fn each_commands_help_lists_its_own_options_before_the_global_ones() {
    for command in [
        "authenticate",
        "collect",
        "validate",
        "spec",
        "lint",
        "sources",
        "demo",
        "exec",
        "forget",
    ] {
        for flag in ["--help", "-h"] {
            let output = bin().args([command, flag]).output().expect("run");
            let text = String::from_utf8_lossy(&output.stdout);
            let own = text
                .find("\nOptions:")
                .unwrap_or_else(|| panic!("{command}: {text}"));
            let global = text
                .find("\nGlobal options:")
                .unwrap_or_else(|| panic!("{command}: {text}"));
            assert!(own < global, "{command} {flag}: {text}");
            let globals = &text[global..];
            for name in ["--root", "--sources-dir", "--tests-dir", "--color"] {
                assert!(globals.contains(name), "{command}: {name} not global");
                assert!(
                    !text[own..global].contains(name),
                    "{command}: {name} among its own"
                );
            }
        }
    }
    let collect = bin().args(["collect", "-h"]).output().expect("run");
    let text = String::from_utf8_lossy(&collect.stdout);
    let timeout = text
        .lines()
        .skip_while(|l| !l.contains("--timeout"))
        .take(2)
        .collect::<String>();
    assert!(timeout.contains("[default: none"), "{text}");
    assert!(text.contains("[default: 9876"), "{text}");
    let validate = bin().args(["validate", "-h"]).output().expect("run");
    assert!(String::from_utf8_lossy(&validate.stdout).contains("[default: 15]"));
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
    for command in [
        "collect",
        "validate",
        "spec",
        "authenticate",
        "forget",
        "exec",
    ] {
        for bad in ["../etc", "Zendesk", ""] {
            let mut args = vec![command, bad];
            if command == "exec" {
                args.extend(["--", "true"]);
            }
            let output = bin().args(args).output().expect("run");
            assert_eq!(output.status.code(), Some(2), "{command} {bad:?}");
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(
                stderr.contains("is not a source name"),
                "{command} {bad:?}: {stderr}"
            );
        }
    }
}

#[test]
fn colour_is_decided_once_from_the_flag_the_terminal_and_no_color() {
    let repo = crate::support::Repo::new();
    repo.spec(
        "acme",
        "connection:\n  parameters:\n    - {name: page_size, type: int}\n",
    );
    let run = |args: &[&str], env: &[(&str, &str)]| {
        let mut cmd = bin();
        cmd.current_dir(repo.root()).args(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        String::from_utf8_lossy(&cmd.output().expect("run").stdout).into_owned()
    };
    let forced = run(&["--color", "always", "lint", "acme"], &[]);
    assert!(forced.contains("\u{1b}["), "--color always paints");
    let piped = run(&["lint", "acme"], &[]);
    assert!(!piped.contains("\u{1b}["), "a pipe gets no colour");
    let never = run(&["--color", "never", "lint", "acme"], &[("NO_COLOR", "")]);
    assert!(!never.contains("\u{1b}["));
    let json = run(&["--color", "always", "lint", "acme", "--json"], &[]);
    assert!(!json.contains("\u{1b}["), "JSON is never painted");
}

#[cfg(unix)]
#[test]
fn no_color_wins_at_a_terminal() {
    let repo = crate::support::Repo::new();
    repo.spec(
        "acme",
        "connection:\n  parameters:\n    - {name: page_size, type: int}\n",
    );
    for (no_color, painted) in [(None, true), (Some("1"), false)] {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_connector-auth"));
        cmd.args(["lint", "acme"])
            .current_dir(repo.root())
            .env("TERM", "xterm")
            .env_remove("NO_COLOR");
        if let Some(v) = no_color {
            cmd.env("NO_COLOR", v);
        }
        let mut session = rexpect::session::spawn_command(cmd, Some(10_000)).expect("pty");
        let text = session.exp_eof().expect("exit");
        assert_eq!(
            text.contains("\u{1b}["),
            painted,
            "NO_COLOR={no_color:?}: {text:?}"
        );
    }
}
