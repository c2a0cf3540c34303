//! `mcp`: the steps as Model Context Protocol tools over stdio, on the
//! official Rust SDK. stdout carries only JSON-RPC: every command runs with
//! a printer that keeps its output for the answer; logs go to stderr.

mod answer;
mod call;
mod interactive;
mod jobs;
mod paths;
mod tools;

pub use tools::TOOLS;

use rmcp::ServiceExt;

use crate::error::{Error, Exit};
use crate::report::eprint;
use crate::workspace::Workspace;

/// Serves the tools until the client closes stdin (or a signal ends it).
/// Everything the tools print is kept for their answers; stdout is the
/// protocol's alone.
pub fn run(workspace: &Workspace) -> Result<Exit, Error> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(Error::Output)?;
    // Relative paths in the tools' arguments mean the workspace's, never
    // the folder the client happened to start the server in.
    if let Err(e) = std::env::set_current_dir(workspace.root()) {
        eprint(&format!(
            "connector-auth mcp: cannot work from {}: {e}",
            workspace.root().display()
        ));
    }
    let served = runtime.block_on(async {
        let mut interrupts = crate::collect::Interrupts::listen();
        eprint(&format!(
            "connector-auth mcp: serving the tools of {} on stdio",
            workspace.root().display()
        ));
        let server = tools::Server::new(workspace.clone());
        let service = server
            .serve(rmcp::transport::stdio())
            .await
            .map_err(|e| Error::Internal(format!("MCP session did not start: {e}")))?;
        tokio::select! {
            ended = service.waiting() => {
                if let Err(e) = ended {
                    eprint(&format!("connector-auth mcp: the session ended with an error: {e}"));
                }
            }
            () = interrupts.recv() => eprint("connector-auth mcp: interrupted"),
        }
        Ok(Exit::Done)
    });
    // A form still open (its tool answered `pending`) has no one left to
    // report to: it ends with the process, writing nothing.
    runtime.shutdown_timeout(std::time::Duration::from_secs(2));
    served
}
