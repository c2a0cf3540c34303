//! `exec`: run a command with a source's credentials in
//! `CONNECTOR_TEST_CONFIG_JSON`, for its lifetime only. Nothing is written
//! to disk; standard streams are inherited, signals forwarded (unix), and
//! the command's exit code returned (128 + N when signal N ended it).

use std::process::{Command, ExitStatus};

use crate::cli::ExecArgs;
use crate::credentials::{ENV_JSON, Origin};
use crate::error::{Error, Exit};
use crate::store::{self, KeyringEntry};
use crate::workspace::Workspace;

/// What a shell answers when the command cannot be found, or not run.
const NOT_FOUND: u8 = 127;
const NOT_RUNNABLE: u8 = 126;

pub fn run(workspace: &Workspace, args: &ExecArgs) -> Result<Exit, Error> {
    let name = args.source.as_str();
    let paths = workspace.paths(&args.source);
    let origin = Origin::locate(
        args.config.as_deref(),
        args.config_dir.as_deref(),
        name,
        &paths.credentials,
        |k| std::env::var(k).ok(),
    );
    let keyring = KeyringEntry::for_source(workspace, name);
    let (credentials, _) = store::read_or_keyring(&origin, &keyring, |k| std::env::var(k).ok())?;
    let Some((program, rest)) = args.command.split_first() else {
        return Err(Error::Usage("no command to run after `--`".into()));
    };
    let mut command = Command::new(program);
    command
        .args(rest)
        .env(ENV_JSON, credentials.to_compact_json());
    match forward::run(command) {
        Ok(status) => Ok(Exit::Child(exit_code(status))),
        Err(err) => {
            let (code, why) = match err.kind() {
                std::io::ErrorKind::NotFound => (NOT_FOUND, "not found".to_string()),
                std::io::ErrorKind::PermissionDenied => {
                    (NOT_RUNNABLE, "permission denied".to_string())
                }
                _ => (NOT_RUNNABLE, err.to_string()),
            };
            crate::report::eprint(&format!(
                "error: cannot run `{}`: {why}",
                program.to_string_lossy()
            ));
            Ok(Exit::Child(code))
        }
    }
}

/// The child's exit code, or 128 + the signal that ended it (unix).
fn exit_code(status: ExitStatus) -> u8 {
    if let Some(code) = status.code() {
        return u8::try_from(code & 0xff).unwrap_or(1);
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return u8::try_from(128 + signal).unwrap_or(u8::MAX);
        }
    }
    1
}

#[cfg(unix)]
mod forward {
    //! Runs the child while this process takes SIGINT, SIGTERM, SIGHUP and
    //! SIGQUIT and passes them on. A SIGINT or SIGQUIT typed at the terminal
    //! already reaches the child (same foreground process group), so those
    //! two are passed on only when they came another way (`kill`).

    use std::io::IsTerminal;
    use std::process::{Command, ExitStatus};

    use rustix::process::{Pid, Signal, kill_process};
    use tokio::signal::unix::{SignalKind, signal};

    pub fn run(mut command: Command) -> std::io::Result<ExitStatus> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        runtime.block_on(async move {
            // Listening before the child starts: no signal is lost between.
            let mut int = signal(SignalKind::interrupt())?;
            let mut term = signal(SignalKind::terminate())?;
            let mut hup = signal(SignalKind::hangup())?;
            let mut quit = signal(SignalKind::quit())?;
            let mut child = command.spawn()?;
            let pid = Pid::from_raw(i32::try_from(child.id()).unwrap_or(0));
            let mut waiter = tokio::task::spawn_blocking(move || child.wait());
            let pass = |sig: Signal| {
                if let Some(pid) = pid {
                    let _ = kill_process(pid, sig);
                }
            };
            loop {
                tokio::select! {
                    done = &mut waiter => {
                        return done.map_err(std::io::Error::other)?;
                    }
                    _ = int.recv() => if !from_terminal() { pass(Signal::INT) },
                    _ = quit.recv() => if !from_terminal() { pass(Signal::QUIT) },
                    _ = term.recv() => pass(Signal::TERM),
                    _ = hup.recv() => pass(Signal::HUP),
                }
            }
        })
    }

    /// Whether this process is in the foreground of its terminal, where
    /// Ctrl+C and Ctrl+\ are sent to the child as well.
    fn from_terminal() -> bool {
        let stdin = std::io::stdin();
        stdin.is_terminal()
            && rustix::termios::tcgetpgrp(&stdin)
                .is_ok_and(|group| group == rustix::process::getpgrp())
    }
}

#[cfg(not(unix))]
mod forward {
    //! Elsewhere the console sends Ctrl+C to the whole group: just wait.

    use std::process::{Command, ExitStatus};

    pub fn run(mut command: Command) -> std::io::Result<ExitStatus> {
        command.spawn()?.wait()
    }
}
