//! The tools, their arguments and their descriptions (written for a model:
//! when to call each, what it needs, what its outcomes mean). Each tool runs
//! the command of the same name and answers with its `--json` objects.

use std::path::PathBuf;

use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{
    CallToolResult, Implementation, ProtocolVersion, ServerCapabilities, ServerConfig,
};
use rmcp::service::RequestContext;
use rmcp::{RoleServer, ServerHandler, schemars, tool, tool_handler, tool_router};
use serde::Deserialize;

use super::answer::{self, Answer};
use super::call;
use super::interactive::{self, Interactive};
use super::jobs::{DEFAULT_COLLECT_TIMEOUT, Job, Jobs};
use super::paths;
use crate::cli::{CollectArgs, JsonArg, LintArgs, Mode, SourceCollectArgs, SpecArgs, ValidateArgs};
use crate::ops::authenticate::AuthenticateOptions;
use crate::workspace::{SourceName, Workspace};

/// The tools this server offers, in the order a session uses them: the one
/// list the server is checked against, and that the tests hold the README
/// and the agent skill to.
pub const TOOLS: &[&str] = &[
    "sources",
    "lint",
    "spec",
    "collect",
    "validate",
    "authenticate",
    "collect_status",
];

const SOURCES: &str = "List the sources (connectors) of the repository and where each stands: \
spec (`ok`, `ok (N warnings)`, `invalid (N errors)`, `missing`), auth kind, API doc, auth check \
(`auth_check_todo` true: it needs filling in before validate), and whether credentials are saved. \
Call it first to learn the source names and which step each source needs next. Needs nothing.";

const LINT: &str = "Check a source's connector_spec.yaml. Errors (exit_code 1) are what stops \
collect and validate: fix them in the file first. Warnings (exit_code 0) are deviations from the \
template the tool copes with. Each finding has file, line, column, rule, message and help. Omit \
`source` to check every source.";

const SPEC: &str = "Step 1: make sure the source has a connector_spec.yaml. An existing spec is \
kept (outcome `kept`); when it is missing, one is drafted from the source's API doc \
(`<source>_api_doc.md`) and written (outcome `drafted`, with each parameter and the doc line it \
came from, and points to `review`). `force: true` redrafts (the old file is kept as .bak); \
`print: true` returns the draft in `draft` and writes nothing. exit_code 1 (`not_drafted`): the \
doc gave no auth facts, write the spec by hand; exit_code 2: no API doc or unknown source. Tell \
the person what was drafted and ask them to review it.";

const COLLECT: &str = "Step 2: collect the source's credentials from the person, in a local \
browser form (with the OAuth flows the spec declares), and save them as a 0600 JSON file. Needs a \
spec without errors. The credentials never pass through you: when your client supports URL-mode \
elicitation, it is asked to send the person to the form, and this call answers once the form is \
saved (status `saved`, with `path` and the parameter *names*), declined or cancelled (status \
`cancelled`), or timed out (`timeout` seconds, default 600). Without URL elicitation the call \
answers at once with status `pending`, the `url` and `instructions`: give the person the link, \
then poll collect_status. Never ask the person to type a secret into the chat. `reauthorize: \
true` runs the OAuth authorization again even when a refresh token is stored.";

const VALIDATE: &str = "Step 3: prove the saved credentials work with one minimal read-only \
authenticated request (the auth check, derived from the spec and API doc and written when \
missing). One result per source: `outcome` `ok` (with `identity`); `invalid_credentials`, \
`forbidden`, `not_found`, `unexpected_response` (exit_code 1: fix the value named in `reason`, \
collect again); `missing_credentials`, `bad_check`, `bad_value` (exit_code 2: collect first, or \
fill in the TODO of the auth check); `rate_limited`, `server_error`, `unreachable`, `timeout` \
(exit_code 3: no verdict, try later; the credentials were not judged). Report the reason as \
given; do not redo collect unless the credentials were rejected. A check derived by this call \
is not sent: the answer (`bad_check`) shows the request it would send; show it to the person and \
call validate again once they confirm. `dry_run: true` shows the request with secrets masked and \
sends nothing.";

const AUTHENTICATE: &str = "All three steps in order for a source: keep or draft the spec, \
collect the credentials through the form (as collect does; on Save the auth check runs and the \
form stays open until it passes or the person saves anyway), then validate. Answers with every \
step's events; `stopped` names the step that stopped and how to go on, `authenticated: true` \
means done. With credentials already saved they are reused unless `recollect: true`.";

const COLLECT_STATUS: &str = "Where the last collect (or authenticate) of a source in this \
session stands: `pending` (the form is open at `url`: wait, and call again in a few seconds), \
`saved` (with `path` and parameter names), `cancelled` (with `reason`), or `none` (no collect \
was started). Use it when collect answered `pending` because the client has no URL elicitation.";

const INSTRUCTIONS: &str = "connector-auth sets up a connector's authentication in three steps: \
spec (draft connector_spec.yaml from the API doc), collect (the person types the credentials \
into a local browser form; they never pass through the assistant), validate (one authenticated \
request proves them). Start with `sources`; `authenticate` runs all three steps.";

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
pub struct NoArgs {}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
pub struct LintParams {
    /// Source name (e.g. `zendesk`) or a spec file path inside the workspace (relative to its root); omit to check every source.
    pub source: Option<String>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
pub struct SpecParams {
    /// Source name, e.g. `zendesk`.
    pub source: String,
    /// Redraft even when a spec exists (the old file is kept as .bak).
    #[serde(default)]
    pub force: bool,
    /// Return the draft in `draft` and write nothing.
    #[serde(default)]
    pub print: bool,
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
pub struct CollectParams {
    /// Source name, e.g. `zendesk`.
    pub source: String,
    /// Only `browser` works here (the terminal belongs to the protocol).
    pub mode: Option<String>,
    /// Port of the local form (default 9876, the next free one when busy; 0: any free port).
    pub port: Option<u16>,
    /// Where to save the credentials, inside the workspace (relative to its root; an existing file must be a credentials JSON object). Default: the source's dev_config.json.
    pub output: Option<String>,
    /// Seconds the form stays open before giving up (default 600).
    pub timeout: Option<u64>,
    /// Run the OAuth authorization again even when a refresh token is stored.
    #[serde(default)]
    pub reauthorize: bool,
    /// Also open the form in a browser on this machine.
    #[serde(default)]
    pub open: bool,
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
pub struct AuthenticateParams {
    /// Source name, e.g. `zendesk`.
    pub source: String,
    /// Only `browser` works here (the terminal belongs to the protocol).
    pub mode: Option<String>,
    /// Port of the local form (default 9876, the next free one when busy; 0: any free port).
    pub port: Option<u16>,
    /// Where to save the credentials, inside the workspace (relative to its root; an existing file must be a credentials JSON object). Default: the source's dev_config.json.
    pub output: Option<String>,
    /// Seconds the form stays open before giving up (default 600).
    pub timeout: Option<u64>,
    /// Run the OAuth authorization again even when a refresh token is stored.
    #[serde(default)]
    pub reauthorize: bool,
    /// Also open the form in a browser on this machine.
    #[serde(default)]
    pub open: bool,
    /// Collect again even when credentials are saved.
    #[serde(default)]
    pub recollect: bool,
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
pub struct ValidateParams {
    /// Source name, e.g. `zendesk`.
    pub source: Option<String>,
    /// Several source names at once.
    pub sources: Option<Vec<String>>,
    /// Every source that has credentials (the others are listed as skipped).
    #[serde(default)]
    pub all: bool,
    /// Credentials file to use instead of the default, inside the workspace (relative to its root).
    pub config: Option<String>,
    /// Folder of per-source credentials files (DIR/<source>.json), inside the workspace.
    pub config_dir: Option<String>,
    /// Seconds before a request gives up (default 15).
    pub timeout: Option<u64>,
    /// Show the request it would send (secrets masked), send nothing.
    #[serde(default)]
    pub dry_run: bool,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
pub struct StatusParams {
    /// Source name, e.g. `zendesk`.
    pub source: String,
}

/// The MCP server: the workspace it serves and the collects in flight.
#[derive(Clone)]
pub struct Server {
    pub workspace: Workspace,
    pub jobs: Jobs,
}

fn source_name(name: &str) -> Result<SourceName, Answer> {
    name.parse::<SourceName>()
        .map_err(|e| Answer::refused(e.to_string()))
}

fn browser_only(mode: Option<&str>) -> Result<(), Answer> {
    match mode {
        None | Some("browser") => Ok(()),
        Some("cli") => Err(Answer::refused(
            "mode `cli` prompts on the terminal, which this server's protocol uses; use the browser form (the default)",
        )),
        Some(other) => Err(Answer::refused(format!(
            "unknown mode `{other}`: only `browser` works here"
        ))),
    }
}

impl CollectParams {
    fn args(&self) -> CollectArgs {
        CollectArgs {
            mode: Mode::Browser,
            port: self.port,
            output: self.output.as_ref().map(PathBuf::from),
            no_open: !self.open,
            timeout: Some(self.timeout.unwrap_or(DEFAULT_COLLECT_TIMEOUT)),
            reauthorize: self.reauthorize,
            json: JsonArg { json: true },
            ..CollectArgs::default()
        }
    }
}

impl Server {
    /// A model's `output`: inside the workspace, and new or a credentials
    /// file already (see [`paths::credentials_target`]).
    fn output(&self, output: Option<&str>) -> Result<Option<PathBuf>, Answer> {
        output
            .map(|o| paths::credentials_target(&self.workspace, o))
            .transpose()
            .map_err(Answer::refused)
    }
}

#[tool_router]
impl Server {
    pub fn new(workspace: Workspace) -> Server {
        Server {
            workspace,
            jobs: Jobs::default(),
        }
    }

    #[tool(description = SOURCES, annotations(read_only_hint = true))]
    async fn sources(&self, Parameters(_): Parameters<NoArgs>) -> CallToolResult {
        let workspace = self.workspace.clone();
        let finished =
            call::run(move |printer| super::super::sources::run(&workspace, printer)).await;
        let root = self.workspace.root().display().to_string();
        answer::sources(&finished, &root).into_result()
    }

    #[tool(description = LINT, annotations(read_only_hint = true))]
    async fn lint(&self, Parameters(params): Parameters<LintParams>) -> CallToolResult {
        // A source name, or a spec file inside the workspace.
        let target = match params.source {
            Some(name) if name.parse::<SourceName>().is_ok() => Some(name),
            Some(path) => match paths::readable(&self.workspace, &path) {
                Ok(file) => Some(file.to_string_lossy().into_owned()),
                Err(why) => return Answer::refused(why).into_result(),
            },
            None => None,
        };
        let workspace = self.workspace.clone();
        let args = LintArgs {
            targets: target.into_iter().collect(),
            json: JsonArg { json: true },
        };
        let finished =
            call::run(move |printer| super::super::lint::run(&workspace, &args, printer)).await;
        answer::lint(&finished).into_result()
    }

    #[tool(description = SPEC)]
    async fn spec(&self, Parameters(params): Parameters<SpecParams>) -> CallToolResult {
        let source = match source_name(&params.source) {
            Ok(s) => s,
            Err(refused) => return refused.into_result(),
        };
        let workspace = self.workspace.clone();
        let args = SpecArgs {
            source,
            force: params.force,
            print: params.print,
            openapi: None,
        };
        let finished =
            call::run(move |printer| super::super::spec::run(&workspace, &args, printer)).await;
        answer::spec(&finished).into_result()
    }

    #[tool(description = VALIDATE)]
    async fn validate(&self, Parameters(params): Parameters<ValidateParams>) -> CallToolResult {
        let mut names = Vec::new();
        for name in params.source.iter().chain(params.sources.iter().flatten()) {
            match source_name(name) {
                Ok(s) => names.push(s),
                Err(refused) => return refused.into_result(),
            }
        }
        if names.is_empty() && !params.all {
            return Answer::refused("name a `source` (or `sources`), or set `all: true`")
                .into_result();
        }
        let config = match params
            .config
            .as_deref()
            .map(|c| paths::readable(&self.workspace, c))
        {
            Some(Err(why)) => return Answer::refused(why).into_result(),
            found => found.and_then(Result::ok),
        };
        let config_dir = match params
            .config_dir
            .as_deref()
            .map(|d| paths::credentials_dir(&self.workspace, d))
        {
            Some(Err(why)) => return Answer::refused(why).into_result(),
            found => found.and_then(Result::ok),
        };
        let workspace = self.workspace.clone();
        let args = ValidateArgs {
            sources: names,
            all: params.all,
            config,
            config_dir,
            timeout: params.timeout,
            dry_run: params.dry_run,
            jobs: 64,
            openapi: None,
            json: JsonArg { json: true },
        };
        let finished =
            call::run(move |printer| super::super::validate::run(&workspace, &args, printer)).await;
        answer::validate(&finished).into_result()
    }

    #[tool(description = COLLECT)]
    async fn collect(
        &self,
        Parameters(params): Parameters<CollectParams>,
        context: RequestContext<RoleServer>,
    ) -> CallToolResult {
        let source = match source_name(&params.source)
            .and_then(|s| browser_only(params.mode.as_deref()).map(|()| s))
        {
            Ok(s) => s,
            Err(refused) => return refused.into_result(),
        };
        let output = match self.output(params.output.as_deref()) {
            Ok(output) => output,
            Err(refused) => return refused.into_result(),
        };
        let mut collect = params.args();
        collect.output = output;
        let args = SourceCollectArgs { source, collect };
        interactive::run(
            &self.workspace,
            &self.jobs,
            Interactive::Collect(args),
            context,
        )
        .await
        .into_result()
    }

    #[tool(description = AUTHENTICATE)]
    async fn authenticate(
        &self,
        Parameters(params): Parameters<AuthenticateParams>,
        context: RequestContext<RoleServer>,
    ) -> CallToolResult {
        let source = match source_name(&params.source)
            .and_then(|s| browser_only(params.mode.as_deref()).map(|()| s))
        {
            Ok(s) => s,
            Err(refused) => return refused.into_result(),
        };
        let collect = CollectParams {
            source: params.source.clone(),
            mode: None,
            port: params.port,
            output: params.output.clone(),
            timeout: params.timeout,
            reauthorize: params.reauthorize,
            open: params.open,
        };
        let output = match self.output(params.output.as_deref()) {
            Ok(output) => output,
            Err(refused) => return refused.into_result(),
        };
        let mut collect = collect.args();
        collect.output = output;
        let options = AuthenticateOptions {
            source,
            collect,
            reuse: !params.recollect,
            recollect: params.recollect,
            resume_with: None,
            stop: None,
        };
        interactive::run(
            &self.workspace,
            &self.jobs,
            Interactive::Authenticate(options),
            context,
        )
        .await
        .into_result()
    }

    #[tool(description = COLLECT_STATUS, annotations(read_only_hint = true))]
    async fn collect_status(&self, Parameters(params): Parameters<StatusParams>) -> CallToolResult {
        if let Err(refused) = source_name(&params.source) {
            return refused.into_result();
        }
        let source = params.source.as_str();
        match self.jobs.get(source) {
            Some(Job::Done(value)) => Answer {
                line: format!(
                    "collect for {source}: {}",
                    value["status"].as_str().unwrap_or("done")
                ),
                value,
                failed: false,
            },
            Some(Job::Pending { url }) => Answer {
                value: serde_json::json!({"source": source, "status": "pending", "url": url}),
                line: format!(
                    "collect for {source}: pending — the form is open{}",
                    url.map(|u| format!(" at {u}")).unwrap_or_default()
                ),
                failed: false,
            },
            None => Answer {
                value: serde_json::json!({"source": source, "status": "none"}),
                line: format!("no collect was started for {source} in this session"),
                failed: false,
            },
        }
        .into_result()
    }
}

#[tool_handler]
impl ServerHandler for Server {
    fn get_info(&self) -> ServerConfig {
        let mut info = ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_instructions(INSTRUCTIONS);
        info.server_info = Implementation::new("connector-auth", env!("CARGO_PKG_VERSION"));
        info.protocol_version = ProtocolVersion::V_2025_11_25;
        info
    }

    /// Up to 2025-11-25: URL elicitation is a request from server to
    /// client, which later revisions no longer allow.
    fn supported_protocol_versions(&self) -> std::borrow::Cow<'static, [ProtocolVersion]> {
        std::borrow::Cow::Borrowed(ProtocolVersion::known_up_to(&ProtocolVersion::V_2025_11_25))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_server_offers_exactly_the_listed_tools() {
        let mut offered: Vec<String> = Server::tool_router()
            .list_all()
            .into_iter()
            .map(|tool| tool.name.to_string())
            .collect();
        offered.sort();
        let mut listed: Vec<&str> = TOOLS.to_vec();
        listed.sort_unstable();
        assert_eq!(offered, listed);
    }
}
