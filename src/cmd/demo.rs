//! `demo`: the whole flow against a sandbox source on loopback, in a
//! throw-away workspace holding only the sandbox's API doc, so that Step 1
//! drafts the spec, Step 2 collects in the browser and Step 3 validates.

use crate::cli::{CollectArgs, DemoArgs, Mode};
use crate::error::{Error, Exit};
use crate::ops::authenticate::{self, AuthenticateOptions};
use crate::report::{Printer, Tone};
use crate::sandbox::{self, Sandbox, Variant};
use crate::workspace::{SOURCES_PREFIX, Workspace};

pub fn run(args: &DemoArgs, printer: &mut Printer) -> Result<Exit, Error> {
    let variant = if args.oauth {
        Variant::OAuth
    } else {
        Variant::ApiKey
    };
    let sandbox = Sandbox::start(variant).map_err(Error::Output)?;
    let dir = tempfile::Builder::new()
        .prefix("connector-auth-demo-")
        .tempdir()
        .map_err(Error::Output)?;
    let folder = dir.path().join(SOURCES_PREFIX).join("sandbox");
    std::fs::create_dir_all(&folder).map_err(Error::Output)?;
    std::fs::write(
        dir.path().join("pyproject.toml"),
        "[project]\nname = \"demo\"\n",
    )
    .map_err(Error::Output)?;
    std::fs::write(folder.join("sandbox_api_doc.md"), sandbox.api_doc(variant))
        .map_err(Error::Output)?;

    let values: Vec<(&str, &str)> = match variant {
        Variant::ApiKey => vec![("api_key", sandbox::API_KEY)],
        Variant::OAuth => vec![
            ("client_id", sandbox::CLIENT_ID),
            ("client_secret", sandbox::CLIENT_SECRET),
        ],
    };
    if printer.is_json() {
        printer.json(&serde_json::json!({
            "event": "demo",
            "sandbox": sandbox.url(""),
            "workspace": dir.path().display().to_string(),
            "values": values.iter().map(|(k, v)| (k.to_string(), serde_json::Value::from(*v))).collect::<serde_json::Map<_, _>>(),
            "oauth": variant == Variant::OAuth,
        }))?;
    } else {
        let mut intro = format!(
            "{}\n  a sandbox API (and its sign-in server) on {}\n  a throw-away workspace in {}\n  with only the sandbox's API doc: Step 1 drafts the spec from it.\n\n{}, enter these sandbox values (they are not secrets):\n",
            printer.paint("connector-auth demo", Tone::Strong),
            sandbox.url(""),
            dir.path().display(),
            if args.no_open {
                "Open the URL printed below in a browser"
            } else {
                "When the form opens"
            }
        );
        for (k, v) in &values {
            intro.push_str(&format!("  {k:<14} {v}\n"));
        }
        if variant == Variant::OAuth {
            intro.push_str("then click Authorize, Allow in the sandbox's window, and Save.\n");
        } else {
            intro.push_str("then click Save.\n");
        }
        printer.text(&intro)?;
    }
    let workspace = Workspace::discover(Some(dir.path()), None, None, dir.path())?;
    let authenticate = AuthenticateOptions {
        source: "sandbox"
            .parse()
            .map_err(|e: crate::workspace::BadSourceName| Error::Internal(e.to_string()))?,
        collect: CollectArgs {
            mode: Mode::Browser,
            port: args.port,
            no_open: args.no_open,
            json: args.json.clone(),
            ..CollectArgs::default()
        },
        reuse: false,
        recollect: true,
        // The workspace is gone when the demo ends: a stop names the demo.
        resume_with: (!args.keep).then(|| {
            if args.oauth {
                "connector-auth demo --oauth".to_string()
            } else {
                "connector-auth demo".to_string()
            }
        }),
        stop: None,
    };
    let exit = authenticate::run(&workspace, authenticate, printer);
    if args.keep {
        let kept = dir.keep();
        let text = format!("the demo workspace is kept in {}", kept.display());
        if printer.is_json() {
            printer.event(&crate::report::Event::Note(&text))?;
        } else {
            printer.line(&text)?;
        }
    }
    drop(sandbox);
    exit
}
