//! `authenticate <source>`: the three steps in order ([`crate::ops::authenticate`]).

use crate::cli::AuthenticateArgs;
use crate::error::{Error, Exit};
use crate::ops::authenticate::{self, AuthenticateOptions};
use crate::report::Printer;
use crate::workspace::Workspace;

pub fn run(
    workspace: &Workspace,
    args: &AuthenticateArgs,
    printer: &mut Printer,
) -> Result<Exit, Error> {
    let options = AuthenticateOptions {
        source: args.source.clone(),
        collect: args.collect.clone(),
        reuse: args.reuse,
        recollect: args.recollect,
        resume_with: None,
        stop: None,
    };
    authenticate::run(workspace, options, printer)
}
