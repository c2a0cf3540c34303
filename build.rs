//! Build script: the version string `--version` prints, with the git commit
//! the binary was built from when it can be known, e.g. `0.1.0 (abc1234)`.
//!
//! The commit comes from `git rev-parse` when the crate is the top of a git
//! checkout (a clone, a worktree, the checkout `cargo install --git` makes),
//! else from `.cargo_vcs_info.json` (a packaged crate), else it is left out.
//! Only the files that move when HEAD moves are watched, so the script stays
//! cheap to rerun.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let version = std::env::var("CARGO_PKG_VERSION").expect("set by cargo");
    println!("cargo::rerun-if-changed=build.rs");

    let commit = from_git(&manifest_dir).or_else(|| from_vcs_info(&manifest_dir));
    let long = match commit {
        Some(commit) => format!("{version} ({commit})"),
        None => version,
    };
    println!("cargo::rustc-env=CONNECTOR_AUTH_VERSION={long}");
}

/// `git rev-parse --short HEAD`, when `dir` is the top of a git work tree
/// (not a crate unpacked somewhere inside another repository).
fn from_git(dir: &Path) -> Option<String> {
    let top = git(dir, &["rev-parse", "--show-toplevel"])?;
    if !same_dir(Path::new(&top), dir) {
        return None;
    }
    // HEAD and the branch it points to live in different folders in a
    // worktree; `--git-path` resolves both. A missing path would make cargo
    // rerun this script on every build, so only existing ones are watched: a
    // branch known only from packed-refs is watched through its folder, where
    // its next commit writes it.
    let path = |name: &str| git(dir, &["rev-parse", "--git-path", name]).map(|p| dir.join(p));
    let mut watched = vec![path("HEAD")?];
    if let Some(reference) = git(dir, &["symbolic-ref", "-q", "HEAD"]).and_then(|r| path(&r)) {
        if !reference.is_file() {
            watched.extend(reference.parent().map(Path::to_path_buf));
        }
        watched.push(reference);
    }
    watched.extend(path("packed-refs"));
    for path in watched.into_iter().filter(|p| p.exists()) {
        println!("cargo::rerun-if-changed={}", path.display());
    }
    git(dir, &["rev-parse", "--short=7", "HEAD"])
}

/// The commit `cargo package` records in a packaged crate.
fn from_vcs_info(dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(dir.join(".cargo_vcs_info.json")).ok()?;
    let start = text.find("\"sha1\"")? + "\"sha1\"".len();
    let rest = text[start..].trim_start().strip_prefix(':')?.trim_start();
    let sha: String = rest
        .strip_prefix('"')?
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect();
    (sha.len() >= 7).then(|| sha[..7].to_string())
}

/// Runs git in `dir`; `None` when git is missing or fails.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .ok()?;
    let text = String::from_utf8(output.stdout).ok()?.trim().to_string();
    (output.status.success() && !text.is_empty()).then_some(text)
}

fn same_dir(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
