//! The command layer: one module per subcommand. `execute` turns the
//! parsed command line into a checked workspace and printer, then hands
//! over to the subcommand, which calls one library operation
//! ([`crate::ops`]) or step entry point and prints. Commands never call
//! each other.

mod authenticate;
mod collect;
mod completions;
mod demo;
mod exec;
mod forget;
mod lint;
mod mcp;

pub use mcp::TOOLS as MCP_TOOLS;
mod sources;
mod spec;
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

pub(crate) use crate::report::shown;
