//! The library operations the commands (and the MCP tools) run: each takes
//! plain options, sequences the steps' entry points and prints through a
//! [`crate::report::Printer`]. This is the one layer that may import every
//! step; the steps (`draft`, `collect`, `check`) never import each other,
//! and the commands in `cmd/` only parse, call one operation and exit.

pub mod authenticate;
pub mod check_on_save;
pub mod collect;
pub mod spec;
pub mod spec_openapi;
pub mod validate;
