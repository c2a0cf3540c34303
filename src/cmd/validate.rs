//! `validate <source>...`: Step 3 ([`crate::ops::validate`]).

use crate::cli::ValidateArgs;
use crate::error::{Error, Exit};
use crate::ops;
use crate::report::Printer;
use crate::workspace::Workspace;

pub fn run(
    workspace: &Workspace,
    args: &ValidateArgs,
    printer: &mut Printer,
) -> Result<Exit, Error> {
    ops::validate::run(workspace, args, printer, false)
}
