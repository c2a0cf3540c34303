//! The command line as plain data (clap derive): commands, flags, help texts
//! and examples. Checking and acting on it happens in `cmd`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::report::ColorWhen;
use crate::workspace::SourceName;

const ABOUT: &str = "Set up authentication for a data-source connector: \
draft its spec, collect credentials, validate them.";

const LONG_ABOUT: &str = "\
Set up authentication for a data-source connector, in three steps:

  1. spec      keep the source's connector_spec.yaml, or draft it from its API doc
  2. collect   get the credentials from a person (browser form or terminal) and
               save them as JSON
  3. validate  prove the credentials work with one minimal authenticated request

`authenticate` runs all three in order; `demo` shows the whole flow against a
built-in sandbox source.";

const EXAMPLES: &str = "\
Examples:
  connector-auth demo                     try the whole flow on a sandbox source
  connector-auth sources                  list the sources of this repository
  connector-auth lint                     check every source's spec
  connector-auth authenticate zendesk     spec → collect → validate for one source

Exit codes: 0 done · 1 negative verdict (lint errors, credentials rejected,
cancelled) · 2 usage or input error · 3 no verdict (network, timeout)";

/// `--version`: the package version and, when the build knew it, the git
/// commit it was built from, e.g. `0.1.0 (abc1234)` (set by `build.rs`).
const VERSION: &str = env!("CONNECTOR_AUTH_VERSION");

/// The whole command line.
#[derive(Debug, Parser)]
#[command(
    name = "connector-auth",
    version = VERSION,
    about = ABOUT,
    long_about = LONG_ABOUT,
    after_help = EXAMPLES,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(flatten)]
    pub workspace: WorkspaceArgs,

    /// When to use colour in output
    #[arg(long, global = true, value_enum, default_value_t, value_name = "WHEN")]
    pub color: ColorWhen,

    #[command(subcommand)]
    pub command: Command,
}

/// Where the repository and its source folders are.
#[derive(Debug, Args, Clone, Default)]
pub struct WorkspaceArgs {
    /// Repository root [default: nearest folder up with pyproject.toml or .git,
    /// else the current folder]
    #[arg(long, global = true, value_name = "DIR")]
    pub root: Option<PathBuf>,

    /// Folder of the sources, relative to the root
    /// [default: src/databricks/labs/community_connector/sources]
    #[arg(long, global = true, value_name = "DIR")]
    pub sources_dir: Option<PathBuf>,

    /// Folder of the source tests, relative to the root [default: tests/unit/sources]
    #[arg(long, global = true, value_name = "DIR")]
    pub tests_dir: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run all three steps for a source: spec, collect, validate
    #[command(after_help = "Examples:\n  connector-auth authenticate zendesk\n  \
        connector-auth authenticate github --mode cli")]
    Authenticate(AuthenticateArgs),

    /// Step 1: keep the source's connector_spec.yaml, or draft it from the API doc
    #[command(after_help = "Examples:\n  connector-auth spec zendesk            \
        keep or draft the spec\n  connector-auth spec zendesk --print    \
        show a draft, write nothing\n  connector-auth spec zendesk --force    \
        redraft (the old file is kept as .bak)\n  connector-auth spec zendesk --openapi openapi.json --print\n                                         \
        draft from an OpenAPI description")]
    Spec(SpecArgs),

    /// Check specs for errors and deviations from the template
    #[command(
        long_about = "Check connector_spec.yaml files. Errors (exit 1) break the tool: \
YAML syntax, no `connection`, lists that are not lists, parameters without names, \
duplicate names, unknown types or flows, OAuth flows that cannot find their endpoints. \
Warnings (exit 0) are deviations from the template. With no argument, every source's \
spec is checked.",
        after_help = "Examples:\n  connector-auth lint                     every source\n  \
        connector-auth lint zendesk github      two sources\n  \
        connector-auth lint ./connector_spec.yaml\n  \
        connector-auth lint --json | jq .rule   one JSON object per finding"
    )]
    Lint(LintArgs),

    /// Step 2: collect credentials from a person and save them as JSON
    #[command(
        after_help = "Examples:\n  connector-auth collect zendesk             \
        browser form on http://localhost:9876\n  connector-auth collect zendesk --mode cli  \
        terminal prompts\n  connector-auth collect zendesk --no-open --json   \
        for agents: read the URL event, hand it on"
    )]
    Collect(SourceCollectArgs),

    /// Step 3: prove saved credentials work with one authenticated request
    #[command(after_help = "Examples:\n  connector-auth validate zendesk\n  \
        connector-auth validate --all --json\n  \
        connector-auth validate github --dry-run     show the request, send nothing")]
    Validate(ValidateArgs),

    /// List the sources of the repository and the state of their auth setup
    #[command(after_help = "Examples:\n  connector-auth sources\n  \
        connector-auth sources --json")]
    Sources(JsonArg),

    /// Run the whole flow against a built-in sandbox source on loopback
    #[command(after_help = "Examples:\n  connector-auth demo\n  connector-auth demo --oauth")]
    Demo(DemoArgs),

    /// Serve the steps as MCP tools over stdio, for coding agents
    #[command(
        long_about = "Serve sources, lint, spec, collect, validate and authenticate as Model \
Context Protocol tools over stdio: stdout carries only JSON-RPC, logs go to stderr. collect \
hands the person the local form through URL-mode elicitation, so credentials go from the \
browser to this process and never through the client or the model.",
        after_help = "Register it with an MCP client as the command \
`connector-auth mcp --root /path/to/repo`.\n\nExamples:\n  connector-auth mcp\n  \
        connector-auth mcp --root ~/src/connectors"
    )]
    Mcp,

    /// Run a command with a source's credentials in CONNECTOR_TEST_CONFIG_JSON
    #[command(
        long_about = "Run CMD with the source's credentials in CONNECTOR_TEST_CONFIG_JSON, the \
variable the connectors' tests read, for CMD's lifetime only: nothing is written to disk. The \
credentials are found as validate finds them (--config, --config-dir, \
$CONNECTOR_TEST_CONFIG_JSON, $CONNECTOR_TEST_CONFIG_PATH, the default file, the OS keyring). \
Standard input and output pass through, signals are forwarded, and CMD's exit code is returned \
(128 + N when a signal N ended it).",
        after_help = "Examples:\n  connector-auth exec zendesk -- pytest tests/unit/sources/zendesk\n  \
        connector-auth exec github -- sh -c 'echo \"$CONNECTOR_TEST_CONFIG_JSON\" | jq keys'"
    )]
    Exec(ExecArgs),

    /// Remove a source's stored credentials: its file and its OS keyring entry
    #[command(after_help = "Examples:\n  connector-auth forget zendesk")]
    Forget(ForgetArgs),

    /// Print a shell completion script
    #[command(after_help = "Examples:\n  connector-auth completions bash > \
        ~/.local/share/bash-completion/completions/connector-auth\n  \
        connector-auth completions zsh > ~/.zfunc/_connector-auth\n  \
        connector-auth completions fish > ~/.config/fish/completions/connector-auth.fish")]
    Completions {
        #[arg(value_enum)]
        shell: Shell,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
}

#[derive(Debug, Args, Clone, Default)]
pub struct JsonArg {
    /// Print one JSON object per line instead of text
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct SpecArgs {
    /// Source name, e.g. zendesk
    pub source: SourceName,
    /// Redraft even when a spec exists (the old file is kept as .bak)
    #[arg(long)]
    pub force: bool,
    /// Print the draft to stdout and write nothing
    #[arg(long)]
    pub print: bool,
    /// Draft from this OpenAPI 3.x / Swagger 2.0 description (a path or an
    /// https URL) [default: openapi.{json,yaml,yml} or <source>_openapi.* in
    /// the source folder, when there is one]
    #[arg(long, value_name = "PATH|URL")]
    pub openapi: Option<String>,
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Source names or spec files (a path, or a name ending in .yaml); none: every source
    #[arg(value_name = "SOURCE|FILE")]
    pub targets: Vec<String>,
    #[command(flatten)]
    pub json: JsonArg,
}

/// How collect asks for values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum Mode {
    /// A local web form opened in the browser
    #[default]
    Browser,
    /// Prompts in the terminal (answers may be piped on stdin)
    Cli,
}

pub use crate::store::StoreKind;

#[derive(Debug, Args, Clone, Default)]
pub struct CollectArgs {
    /// Browser form or terminal prompts
    #[arg(long, value_enum, default_value_t)]
    pub mode: Mode,
    /// Port of the local form; when 9876 is busy the next free one is used
    #[arg(long, value_name = "N")]
    pub port: Option<u16>,
    /// Where to save the credentials [default: the source's dev_config.json]
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// Keep the credentials in a file or in the OS keyring
    #[arg(long, value_enum, default_value_t, value_name = "WHERE")]
    pub store: StoreKind,
    /// Print the URL but do not open a browser
    #[arg(long)]
    pub no_open: bool,
    /// Give up after this many seconds (exit 1, nothing written)
    #[arg(long, value_name = "SECS")]
    pub timeout: Option<u64>,
    /// Run the OAuth authorization again even when a refresh token is stored
    #[arg(long)]
    pub reauthorize: bool,
    /// With --mode cli on a machine without a browser: open the printed URL
    /// anywhere, then paste back the address the provider sent you to
    #[arg(long, conflicts_with = "device")]
    pub no_browser: bool,
    /// With --mode cli: authorize on another device with a code (RFC 8628);
    /// needs `device_authorization_url` in the spec's oauth block
    #[arg(long)]
    pub device: bool,
    #[command(flatten)]
    pub json: JsonArg,
}

#[derive(Debug, Args, Clone)]
pub struct AuthenticateArgs {
    /// Source name, e.g. zendesk
    pub source: SourceName,
    #[command(flatten)]
    pub collect: CollectArgs,
    /// When credentials are already saved, use them without asking
    #[arg(long, conflicts_with = "recollect")]
    pub reuse: bool,
    /// When credentials are already saved, collect them again without asking
    #[arg(long)]
    pub recollect: bool,
}

#[derive(Debug, Args, Clone)]
pub struct SourceCollectArgs {
    /// Source name, e.g. zendesk
    pub source: SourceName,
    #[command(flatten)]
    pub collect: CollectArgs,
}

#[derive(Debug, Args, Clone, Default)]
pub struct ValidateArgs {
    /// Source names, e.g. zendesk github
    #[arg(required_unless_present = "all")]
    pub sources: Vec<SourceName>,
    /// Validate every source that has credentials
    #[arg(long, conflicts_with = "sources")]
    pub all: bool,
    /// Credentials file to use
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Folder of per-source credentials files (DIR/<source>.json)
    #[arg(long, value_name = "DIR")]
    pub config_dir: Option<PathBuf>,
    /// Give up on a request after this many seconds
    #[arg(long, value_name = "SECS")]
    pub timeout: Option<u64>,
    /// Derive and write the check if missing, print the request it would send, send nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Derive the check from this OpenAPI description (a path or an https
    /// URL); with no spec yet, the spec drafted from it is used, not written
    /// [default: the source folder's openapi.* or <source>_openapi.*]
    #[arg(long, value_name = "PATH|URL")]
    pub openapi: Option<String>,
    /// How many sources are validated at once
    #[arg(long, value_name = "N", default_value_t = 64, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub jobs: u16,
    #[command(flatten)]
    pub json: JsonArg,
}

#[derive(Debug, Args)]
pub struct ExecArgs {
    /// Source name, e.g. zendesk
    pub source: SourceName,
    /// Credentials file to use
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Folder of per-source credentials files (DIR/<source>.json)
    #[arg(long, value_name = "DIR")]
    pub config_dir: Option<PathBuf>,
    /// The command and its arguments, after `--`
    #[arg(last = true, required = true, value_name = "CMD")]
    pub command: Vec<std::ffi::OsString>,
}

#[derive(Debug, Args)]
pub struct ForgetArgs {
    /// Source name, e.g. zendesk
    pub source: SourceName,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Use the OAuth (authorization code) variant of the sandbox
    #[arg(long)]
    pub oauth: bool,
    /// Keep the temporary workspace instead of removing it
    #[arg(long)]
    pub keep: bool,
    /// Port of the local form
    #[arg(long, value_name = "N")]
    pub port: Option<u16>,
    /// Print the URL but do not open a browser
    #[arg(long)]
    pub no_open: bool,
    #[command(flatten)]
    pub json: JsonArg,
}
