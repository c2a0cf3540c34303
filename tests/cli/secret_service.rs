//! A real Secret Service for the keyring tests: a private D-Bus session bus
//! (`dbus-daemon`) and Debian's `gnome-keyring-daemon` on it, its login
//! keyring created and unlocked with a known password, in a temp folder.
//! Both are stopped on drop. `.ci/run` installs them; a missing one fails
//! the test, it never skips it.

use std::io::{BufRead, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The password of the test keyring. Given none at all, gnome-keyring
/// creates no login keyring: there is no default collection, only the
/// in-memory session one ([`SecretService::without_login_keyring`]).
const UNLOCK_PASSWORD: &str = "connector-auth-test";

pub struct SecretService {
    bus: Child,
    keyring: Child,
    dir: tempfile::TempDir,
    pub address: String,
}

fn require(binary: &str) {
    assert!(
        Path::new(binary).exists(),
        "{binary} is missing: install Debian's dbus and gnome-keyring (bash .ci/run does)"
    );
}

impl SecretService {
    /// gnome-keyring with its login keyring (the default collection)
    /// created and unlocked.
    pub fn start() -> SecretService {
        SecretService::start_unlocking(UNLOCK_PASSWORD)
    }

    /// gnome-keyring given an empty password, as `echo -n "" |
    /// gnome-keyring-daemon --unlock` does: no default collection.
    pub fn without_login_keyring() -> SecretService {
        SecretService::start_unlocking("")
    }

    fn start_unlocking(password: &str) -> SecretService {
        require("/usr/bin/dbus-daemon");
        require("/usr/bin/dbus-send");
        require("/usr/bin/gnome-keyring-daemon");
        let dir = tempfile::tempdir().expect("keyring dir");
        for sub in ["data", "runtime", "config"] {
            let path = dir.path().join(sub);
            std::fs::create_dir(&path).expect("mkdir");
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o700))
                    .expect("chmod");
            }
        }
        let mut bus = Command::new("/usr/bin/dbus-daemon")
            .args(["--session", "--nofork", "--nopidfile", "--print-address=1"])
            // Services it starts (the unlock prompter) must find no display:
            // a prompt is then dismissed at once instead of waiting.
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-daemon");
        let mut address = String::new();
        std::io::BufReader::new(bus.stdout.take().expect("stdout"))
            .read_line(&mut address)
            .expect("bus address");
        let address = address.trim().to_string();
        assert!(!address.is_empty(), "dbus-daemon printed no address");
        let mut keyring = Command::new("/usr/bin/gnome-keyring-daemon")
            .args(["--foreground", "--unlock", "--components=secrets"])
            .envs(env_for(dir.path(), &address))
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("gnome-keyring-daemon");
        {
            let mut stdin = keyring.stdin.take().expect("stdin");
            stdin
                .write_all(password.as_bytes())
                .expect("unlock password");
        }
        let service = SecretService {
            bus,
            keyring,
            dir,
            address,
        };
        service.wait_for_name("org.freedesktop.secrets");
        service
    }

    /// The environment a command needs to reach this Secret Service.
    pub fn env(&self) -> Vec<(String, String)> {
        env_for(self.dir.path(), &self.address)
    }

    /// Locks the login keyring, as a screen lock or `Lock` does.
    pub fn lock(&self) {
        let out = Command::new("/usr/bin/dbus-send")
            .args([
                "--session",
                "--print-reply",
                "--dest=org.freedesktop.secrets",
                "/org/freedesktop/secrets",
                "org.freedesktop.Secret.Service.Lock",
                "array:objpath:/org/freedesktop/secrets/collection/login",
            ])
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .output()
            .expect("dbus-send");
        assert!(out.status.success(), "Lock failed: {out:?}");
    }

    fn wait_for_name(&self, name: &str) {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let out = Command::new("/usr/bin/dbus-send")
                .args([
                    "--session",
                    "--print-reply",
                    "--dest=org.freedesktop.DBus",
                    "/org/freedesktop/DBus",
                    "org.freedesktop.DBus.NameHasOwner",
                    &format!("string:{name}"),
                ])
                .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
                .output()
                .expect("dbus-send");
            if String::from_utf8_lossy(&out.stdout).contains("boolean true") {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "gnome-keyring-daemon did not register {name} on the test bus"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

fn env_for(dir: &Path, address: &str) -> Vec<(String, String)> {
    let at = |sub: &str| dir.join(sub).display().to_string();
    vec![
        ("DBUS_SESSION_BUS_ADDRESS".into(), address.to_string()),
        ("XDG_DATA_HOME".into(), at("data")),
        ("XDG_RUNTIME_DIR".into(), at("runtime")),
        ("XDG_CONFIG_HOME".into(), at("config")),
    ]
}

impl Drop for SecretService {
    fn drop(&mut self) {
        let _ = self.keyring.kill();
        let _ = self.keyring.wait();
        let _ = self.bus.kill();
        let _ = self.bus.wait();
    }
}
