//! `collect <source>`: Step 2 ([`crate::ops::collect`]).

use crate::cli::SourceCollectArgs;
use crate::error::{Error, Exit};
use crate::ops;
use crate::report::Printer;
use crate::workspace::Workspace;

pub fn run(
    workspace: &Workspace,
    args: &SourceCollectArgs,
    printer: &mut Printer,
) -> Result<Exit, Error> {
    ops::collect::run(workspace, &args.source, &args.collect, None, printer)
}
