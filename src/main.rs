//! The `connector-auth` binary: everything happens in the library.

fn main() -> std::process::ExitCode {
    connector_auth::run(std::env::args_os())
}
