//! `spec <source>`: Step 1 ([`crate::ops::spec`]).

use crate::cli::SpecArgs;
use crate::error::{Error, Exit};
use crate::ops::spec::{self, SpecOptions};
use crate::report::Printer;
use crate::workspace::Workspace;

pub fn run(workspace: &Workspace, args: &SpecArgs, printer: &mut Printer) -> Result<Exit, Error> {
    let options = SpecOptions {
        force: args.force,
        print: args.print,
        openapi: args.openapi.as_deref(),
    };
    spec::run(workspace, &args.source, &options, printer)
}
