//! One module per subcommand. `execute` turns the parsed command line into a
//! checked workspace and printer, then hands over to the subcommand.

mod authenticate;
mod collect;
pub(crate) mod completions;
mod demo;
mod exec;
mod forget;
mod lint;
mod mcp;
mod sources;
mod spec;
mod spec_openapi;
mod validate;

use crate::cli::{Cli, Command};
use crate::error::{Error, Exit};
use crate::report::Printer;
use crate::workspace::Workspace;

/// Runs one parsed command line to its exit status.
pub fn execute(cli: Cli) -> Result<Exit, Error> {
    let workspace = || {
        Workspace::from_env(
            cli.workspace.root.as_deref(),
            cli.workspace.sources_dir.as_deref(),
            cli.workspace.tests_dir.as_deref(),
        )
    };
    match &cli.command {
        Command::Lint(args) => {
            let mut printer = Printer::new(cli.color, args.json.json);
            lint::run(&workspace()?, args, &mut printer)
        }
        Command::Sources(args) => {
            let mut printer = Printer::new(cli.color, args.json);
            sources::run(&workspace()?, &mut printer)
        }
        Command::Completions { shell } => completions::run(*shell),
        Command::Authenticate(args) => {
            let mut printer = Printer::new(cli.color, args.collect.json.json);
            authenticate::run(&workspace()?, args, &mut printer)
        }
        Command::Spec(args) => {
            let mut printer = Printer::new(cli.color, false);
            spec::run(&workspace()?, args, &mut printer)
        }
        Command::Collect(args) => {
            let mut printer = Printer::new(cli.color, args.collect.json.json);
            collect::run(&workspace()?, args, &mut printer)
        }
        Command::Validate(args) => {
            let mut printer = Printer::new(cli.color, args.json.json);
            validate::run(&workspace()?, args, &mut printer)
        }
        Command::Mcp => mcp::run(&workspace()?),
        Command::Exec(args) => exec::run(&workspace()?, args),
        Command::Forget(args) => {
            let mut printer = Printer::new(cli.color, false);
            forget::run(&workspace()?, args, &mut printer)
        }
        Command::Demo(args) => {
            let mut printer = Printer::new(cli.color, args.json.json);
            demo::run(args, &mut printer)
        }
    }
}

/// `path` relative to the current folder when it lies below it, for shorter messages.
pub(crate) fn shown(path: &std::path::Path) -> String {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(|p| p.display().to_string()))
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| path.display().to_string())
}
