//! connector-auth: set up authentication for a data-source connector in three
//! steps (spec, collect, validate). `main.rs` only calls [`run`]; every
//! concept lives in its own module, data flowing workspace → spec → report.

pub mod apidoc;
pub mod atomic;
pub mod check;
pub mod cli;
mod cmd;
pub mod collect;
pub mod complete;
pub mod credentials;
pub mod diagnostic;
pub mod draft;
pub mod error;
pub mod exit;
pub mod loopback;
pub mod oauth;
pub mod openapi;
pub mod ops;
pub mod providers;
pub mod redact;
pub mod report;
pub mod sandbox;
pub mod secret;
pub mod shape;
pub mod source;
pub mod spec;
pub mod store;
pub mod template;
pub mod words;
pub mod workspace;
pub mod yaml;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::Parser;

pub use crate::cmd::MCP_TOOLS;
use crate::error::{Error, Exit};

/// Parses `args` (program name first), runs the command, and returns the
/// documented exit code. Errors are printed to stderr here, once.
pub fn run<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    if cmd::completions::answer_if_asked(&args) {
        return Exit::Done.into();
    }
    let cli = match cli::Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return if err.use_stderr() {
                Exit::Input
            } else {
                Exit::Done
            }
            .into();
        }
    };
    match cmd::execute(cli) {
        Ok(exit) => exit.into(),
        Err(Error::Output(err)) if err.kind() == std::io::ErrorKind::BrokenPipe => {
            Exit::Done.into()
        }
        Err(err) => {
            report::eprint(&format!("error: {err}"));
            err.exit().into()
        }
    }
}
