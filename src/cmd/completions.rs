//! `completions`: a shell completion script on stdout.
//!
//! A command (see docs/architecture.md): it calls operations and base modules, never another command.

use clap::CommandFactory;
use clap_complete::{Shell as Target, generate};

use crate::cli::{Cli, Shell};
use crate::error::{Error, Exit};

pub fn run(shell: Shell) -> Result<Exit, Error> {
    let target = match shell {
        Shell::Bash => Target::Bash,
        Shell::Zsh => Target::Zsh,
        Shell::Fish => Target::Fish,
    };
    generate(
        target,
        &mut Cli::command(),
        "connector-auth",
        &mut std::io::stdout(),
    );
    Ok(Exit::Done)
}
