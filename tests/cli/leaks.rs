//! Tests that notice a leak. Properties: for any secret and any way a
//! server may send it back (raw, JSON-escaped, HTML entities, percent and
//! form encoding, base64 in four alphabets at every offset of a larger
//! block, a Basic header, RFC 6749's URL-encoded client pair, split by
//! control or bidi characters), the scrubbed text holds nothing that
//! decodes back to it; nothing a server sends reaches the terminal with a
//! control character. And no file the tool writes goes through a symlink
//! at its target: one test per write site.

use std::sync::{Arc, Mutex};

use base64::Engine;
use base64::alphabet;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use connector_auth::redact::Redactor;
use connector_auth::report::printable;
use proptest::prelude::*;

use crate::support::{Repo, validate};

/// Secrets as people and providers make them: printable ASCII with the
/// characters every encoding changes, spaces, non-ASCII, astral characters.
fn secret() -> impl Strategy<Value = String> {
    "[A-Za-z0-9~/+=&<>\"\\\\%' .:;_é日😀-]{4,24}"
}

/// How each character of a secret is written in one echo.
fn choices() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 24..=24)
}

/// The secret as a JSON string body, each character literal or escaped.
fn json_escaped(secret: &str, choice: &[u8]) -> String {
    let mut out = String::new();
    for (i, c) in secret.chars().enumerate() {
        let pick = choice[i % choice.len()] % 3;
        match (c, pick) {
            ('"', _) => out.push_str("\\\""),
            ('\\', _) => out.push_str("\\\\"),
            ('/', 1) => out.push_str("\\/"),
            (c, 2) => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            (c, _) => out.push(c),
        }
    }
    out
}

/// The secret in HTML, each character literal, decimal, hex or named.
fn html_escaped(secret: &str, choice: &[u8]) -> String {
    let mut out = String::new();
    for (i, c) in secret.chars().enumerate() {
        let pick = choice[i % choice.len()] % 3;
        match (c, pick) {
            ('&', 0) => out.push_str("&amp;"),
            ('<', 0) => out.push_str("&lt;"),
            ('>', 0) => out.push_str("&gt;"),
            ('"', 0) => out.push_str("&quot;"),
            ('&' | '<' | '>' | '"', _) | (_, 1) => out.push_str(&format!("&#{};", c as u32)),
            (c, 2) => out.push_str(&format!("&#x{:X};", c as u32)),
            (c, _) => out.push(c),
        }
    }
    out
}

/// The secret percent- or form-encoded, each character literal or `%XX`.
fn percent_encoded(secret: &str, choice: &[u8]) -> String {
    let mut out = String::new();
    for (i, c) in secret.chars().enumerate() {
        let pick = choice[i % choice.len()] % 3;
        let plain = c.is_ascii_alphanumeric() || "-._~".contains(c);
        match (c, pick) {
            (' ', 0) => out.push('+'),
            (c, 0 | 1) if plain => out.push(c),
            (c, _) => {
                let mut bytes = [0u8; 4];
                for b in c.encode_utf8(&mut bytes).bytes() {
                    if pick == 2 {
                        out.push_str(&format!("%{b:02x}"));
                    } else {
                        out.push_str(&format!("%{b:02X}"));
                    }
                }
            }
        }
    }
    out
}

/// Whether any base64 run of `text`, read from any of its first four
/// characters in either alphabet, decodes to bytes holding `secret`.
fn base64_holds(text: &str, secret: &[u8]) -> bool {
    let lenient = GeneralPurposeConfig::new()
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent);
    let engine = GeneralPurpose::new(&alphabet::STANDARD, lenient);
    let runs = text.split(|c: char| !(c.is_ascii_alphanumeric() || "+/-_".contains(c)));
    runs.filter(|run| run.len() >= 4).any(|run| {
        let run: String = run
            .chars()
            .map(|c| match c {
                '-' => '+',
                '_' => '/',
                c => c,
            })
            .collect();
        (0..4).any(|skip| {
            let part = &run[skip.min(run.len())..];
            let usable = part.len() - part.len() % 4;
            [usable, usable + 2, usable + 3]
                .into_iter()
                .filter(|&n| n <= part.len())
                .filter_map(|n| engine.decode(&part[..n]).ok())
                .any(|bytes| bytes.windows(secret.len()).any(|w| w == secret))
        })
    })
}

/// Decodes JSON string escapes, HTML entities and percent/form encoding,
/// as a reader of the scrubbed text could.
fn decoded_views(text: &str) -> Vec<String> {
    let json = serde_json::from_str::<String>(&format!("\"{text}\"")).unwrap_or_default();
    let form: String = url::form_urlencoded::parse(text.as_bytes())
        .map(|(k, v)| format!("{k}{v}"))
        .collect();
    let percent = percent_decode(text);
    vec![text.to_string(), json, form, percent, html_decode(text)]
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = text.get(i + 1..i + 3)
            && let Ok(b) = u8::from_str_radix(hex, 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn html_decode(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let end = tail.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let body = &tail[1..e];
            let c = match body {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => body.strip_prefix('#').and_then(|n| {
                    match n.strip_prefix(['x', 'X']) {
                        Some(h) => u32::from_str_radix(h, 16).ok(),
                        None => n.parse().ok(),
                    }
                    .and_then(char::from_u32)
                }),
            };
            c.map(|c| (c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &tail[len..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Fails when any reading of `clean` gives `secret` back.
fn assert_gone(clean: &str, secret: &str, how: &str) -> Result<(), TestCaseError> {
    for view in decoded_views(clean) {
        prop_assert!(
            !view.contains(secret),
            "{how}: {secret:?} readable in {clean:?}"
        );
    }
    prop_assert!(
        !base64_holds(clean, secret.as_bytes()),
        "{how}: {secret:?} decodes from {clean:?}"
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn no_escaped_echo_of_a_secret_survives(secret in secret(), choice in choices(), noise in "[a-z ]{0,12}") {
        let mut r = Redactor::new();
        r.add(&secret);
        for (how, echoed) in [
            ("raw", secret.clone()),
            ("json", json_escaped(&secret, &choice)),
            ("html", html_escaped(&secret, &choice)),
            ("percent", percent_encoded(&secret, &choice)),
        ] {
            let clean = r.scrub(&format!("{noise}<{echoed}>{noise}"));
            assert_gone(&clean, &secret, how)?;
        }
    }

    #[test]
    fn no_base64_of_a_secret_survives_at_any_offset(
        secret in secret(),
        prefix in proptest::collection::vec(any::<u8>(), 0..8),
        suffix in proptest::collection::vec(any::<u8>(), 0..8),
    ) {
        let mut r = Redactor::new();
        r.add(&secret);
        let mut block = prefix.clone();
        block.extend_from_slice(secret.as_bytes());
        block.extend_from_slice(&suffix);
        for engine in [&STANDARD, &STANDARD_NO_PAD, &URL_SAFE, &URL_SAFE_NO_PAD] {
            let encoded = engine.encode(&block);
            for shown in [encoded.clone(), encoded.replace('/', "\\/")] {
                let clean = r.scrub(&format!("{{\"blob\":\"{shown}\"}}"));
                let clean = clean.replace("\\/", "/");
                prop_assert!(
                    !base64_holds(&clean, secret.as_bytes()),
                    "{secret:?} decodes from {clean:?}"
                );
            }
        }
    }

    #[test]
    fn no_basic_header_of_a_secret_survives(secret in secret(), user in "[a-z@. ~+/]{1,12}") {
        let mut r = Redactor::new();
        r.add(&secret);
        r.add_basic(&user, &secret);
        r.add_client_basic(&user, &secret);
        let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        for pair in [format!("{user}:{secret}"), format!("{}:{}", enc(&user), enc(&secret))] {
            for engine in [&STANDARD, &URL_SAFE_NO_PAD] {
                let header = engine.encode(&pair);
                let clean = r.scrub(&format!("Authorization: Basic {header}"));
                prop_assert!(!clean.contains(&header), "{clean}");
                prop_assert!(!base64_holds(&clean, secret.as_bytes()), "{clean}");
                prop_assert!(!base64_holds(&clean, enc(&secret).as_bytes()) || enc(&secret).len() < 4, "{clean}");
            }
        }
    }

    #[test]
    fn a_secret_split_by_control_or_bidi_characters_is_not_shown(
        secret in secret(),
        at in 1usize..4,
        splitter in prop_oneof![
            Just('\u{0}'), Just('\u{1b}'), Just('\r'), Just('\u{7f}'), Just('\u{9b}'),
            Just('\u{202e}'), Just('\u{2066}'), Just('\u{200f}'),
        ],
    ) {
        let mut r = Redactor::new();
        r.add(&secret);
        let chars: Vec<char> = secret.chars().collect();
        let at = at.min(chars.len() - 1);
        let split: String = chars[..at].iter().chain([splitter].iter()).chain(chars[at..].iter()).collect();
        // What a person is shown: control characters dropped first, then scrubbed.
        let shown = r.scrub(&printable(&format!("echo {split} end")));
        prop_assert!(!shown.contains(&secret), "{shown:?}");
        prop_assert!(!shown.chars().any(|c| c.is_control()), "{shown:?}");
    }

    #[test]
    fn nothing_printable_lets_a_control_character_through(text in "\\PC{0,40}|[\\x00-\\x1f\\x7f-\\u{9f}\\u{202a}-\\u{202e}\\u{2066}-\\u{2069}a-z]{0,40}") {
        let shown = printable(&text);
        prop_assert!(!shown.chars().any(|c| c.is_control()), "{shown:?}");
        prop_assert!(
            !shown.chars().any(|c| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')),
            "{shown:?}"
        );
        let kept: String = text.chars().filter(|c| !c.is_control() && !matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')).collect();
        let shown_letters: String = shown.chars().filter(|c| *c != ' ').collect();
        let kept_letters: String = kept.chars().filter(|c| *c != ' ').collect();
        prop_assert_eq!(shown_letters, kept_letters);
    }
}

/// An API whose every answer is 401 with the body set for the current case.
struct Echo {
    port: u16,
    body: Arc<Mutex<String>>,
}

impl Echo {
    fn start() -> Echo {
        let body = Arc::new(Mutex::new(String::new()));
        let shared = body.clone();
        let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).expect("bind");
        let port = listener.local_addr().expect("addr").port();
        listener.set_nonblocking(true).expect("nonblocking");
        std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async move {
                let app = axum::Router::new().fallback(move || {
                    let shared = shared.clone();
                    async move {
                        let text = shared.lock().map(|b| b.clone()).unwrap_or_default();
                        (
                            axum::http::StatusCode::UNAUTHORIZED,
                            [("content-type", "application/json")],
                            text,
                        )
                    }
                });
                let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
                    return;
                };
                let _ = axum::serve(listener, app).await;
            });
        });
        Echo { port, body }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// The callers of `printable`: an API's error body, in human and
    /// `--json` output, never carries a control character to the terminal
    /// nor the key it echoes.
    #[test]
    fn what_an_api_sends_back_reaches_the_terminal_clean(
        junk in "[\\x00-\\x1f\\x7f\\u{9b}\\u{202e}a-z \"]{0,30}",
        at in 1usize..12,
    ) {
        static API: std::sync::OnceLock<Echo> = std::sync::OnceLock::new();
        let api = API.get_or_init(Echo::start);
        let key = "lk-4f9a2c7e1b3d5a8c";
        let split = format!("{}\u{202e}{}", &key[..at], &key[at..]);
        let body = serde_json::json!({"error": format!("{junk} bad key {split} {junk}")}).to_string();
        if let Ok(mut b) = api.body.lock() {
            *b = body;
        }
        let repo = Repo::new();
        repo.spec(
            "echo",
            "display_name: Echo\nconnection:\n  parameters:\n    - {name: api_key, required: true, secret: true}\nexternal_options_allowlist: \"\"\n",
        )
        .check(
            "echo",
            &format!(
                "checks:\n  - request:\n      url: \"http://127.0.0.1:{}/me\"\n      auth:\n        header: {{name: X-Api-Key, value: \"{{api_key}}\"}}\n",
                api.port
            ),
        )
        .credentials("echo", &serde_json::json!({"api_key": key}).to_string());
        let human = validate(&repo, &["echo"]);
        prop_assert_eq!(human.code, Some(1), "{}", human.all());
        for c in human.all().chars() {
            prop_assert!(c == '\n' || !c.is_control(), "{c:?} in {:?}", human.all());
            prop_assert!(!matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'), "{:?}", human.all());
        }
        prop_assert!(!human.all().contains(key), "{}", human.all());
        let json = validate(&repo, &["echo", "--json"]);
        for line in json.stdout.lines() {
            let value: serde_json::Value = serde_json::from_str(line).map_err(|e| TestCaseError::fail(format!("{e}: {line}")))?;
            let text = value.to_string();
            let decoded = serde_json::from_str::<serde_json::Value>(&text).map(|v| format!("{v:#}")).unwrap_or_default();
            prop_assert!(!text.contains(key) && !decoded.contains(key), "{line}");
            for s in strings(&value) {
                prop_assert!(!s.chars().any(|c| c.is_control()), "{s:?}");
            }
        }
    }
}

/// Every string inside a JSON value.
fn strings(value: &serde_json::Value) -> Vec<String> {
    match value {
        serde_json::Value::String(s) => vec![s.clone()],
        serde_json::Value::Array(a) => a.iter().flat_map(strings).collect(),
        serde_json::Value::Object(o) => o.values().flat_map(strings).collect(),
        _ => Vec::new(),
    }
}

// A symlink at each place the tool writes: replaced, never followed. ------

const KEYED_SPEC: &str = "display_name: Keyed\nconnection:\n  parameters:\n    - {name: api_key, required: true, secret: true}\nexternal_options_allowlist: \"\"\n";

const KEYED_DOC: &str = "# Keyed API\n\n## Authorization\n\n- **Chosen method**: API key\n- **Auth placement**: header `X-Api-Key: <api_key>`\n- **Base URL**: `https://api.keyed.example/v1`\n\nRequired connection parameters: `api_key`.\n\nExample:\n\n```\ncurl -H \"X-Api-Key: <api_key>\" https://api.keyed.example/v1/me\n```\n";

/// A link at `link` to a file outside the workspace: dangling, or holding
/// text nobody may change.
fn plant_link(link: &std::path::Path, outside: &std::path::Path, existing: bool) {
    if existing {
        std::fs::write(outside, "do not touch\n").expect("victim");
    }
    if let Some(parent) = link.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    let _ = std::fs::remove_file(link);
    std::os::unix::fs::symlink(outside, link).expect("symlink");
}

/// The file behind a link is as it was (absent, or untouched).
fn assert_outside_unchanged(outside: &std::path::Path, existing: bool, what: &str) {
    if existing {
        assert_eq!(
            std::fs::read_to_string(outside).expect("victim"),
            "do not touch\n",
            "{what}: the link's target was written"
        );
    } else {
        assert!(
            !outside.exists(),
            "{what}: the dangling link's target was created"
        );
    }
}

fn assert_regular(path: &std::path::Path, what: &str) {
    let meta = std::fs::symlink_metadata(path).expect("written");
    assert!(meta.file_type().is_file(), "{what}: not a regular file");
}

#[test]
fn a_symlinked_credentials_file_is_replaced_never_followed() {
    for existing in [false, true] {
        for output in [None, Some("out/creds.json")] {
            let repo = Repo::new();
            let outside_dir = tempfile::tempdir().expect("outside");
            let outside = outside_dir.path().join("victim.json");
            repo.spec("keyed", KEYED_SPEC);
            let target = match output {
                Some(rel) => repo.root().join(rel),
                None => repo.root().join(format!(
                    "{}/keyed/configs/dev_config.json",
                    crate::support::TESTS
                )),
            };
            plant_link(&target, &outside, existing);
            let mut args = vec!["collect", "keyed", "--mode", "cli"];
            if let Some(rel) = output {
                args.extend(["-o", rel]);
            }
            let run = repo
                .cmd()
                .args(&args)
                .write_stdin("typed-key-5150\n")
                .output()
                .expect("run");
            let what = format!("collect {args:?} (existing target: {existing})");
            assert_outside_unchanged(&outside, existing, &what);
            if !existing {
                assert_eq!(
                    run.status.code(),
                    Some(0),
                    "{what}: {}",
                    String::from_utf8_lossy(&run.stderr)
                );
                assert_regular(&target, &what);
                let saved = std::fs::read_to_string(&target).expect("saved");
                assert!(saved.contains("typed-key-5150"), "{what}: {saved}");
            }
        }
    }
}

#[test]
fn a_symlinked_spec_is_replaced_never_followed_when_drafting() {
    for (existing, args) in [
        (false, vec!["spec", "keyed"]),
        (true, vec!["spec", "keyed", "--force"]),
    ] {
        let repo = Repo::new();
        let outside_dir = tempfile::tempdir().expect("outside");
        let outside = outside_dir.path().join("victim.yaml");
        repo.api_doc("keyed", KEYED_DOC);
        let spec = repo.root().join(format!(
            "{}/keyed/connector_spec.yaml",
            crate::support::SOURCES
        ));
        plant_link(&spec, &outside, existing);
        let run = repo.run(&args);
        let what = format!("{args:?}");
        assert_outside_unchanged(&outside, existing, &what);
        assert_eq!(run.code, Some(0), "{what}: {}", run.all());
        assert_regular(&spec, &what);
        assert!(
            std::fs::read_to_string(&spec)
                .expect("spec")
                .contains("api_key"),
            "{what}"
        );
    }
}

#[test]
fn a_symlinked_auth_check_is_replaced_never_followed_when_derived() {
    let repo = Repo::new();
    let outside_dir = tempfile::tempdir().expect("outside");
    let outside = outside_dir.path().join("victim.yaml");
    repo.spec("keyed", KEYED_SPEC)
        .api_doc("keyed", KEYED_DOC)
        .credentials("keyed", r#"{"api_key": "typed-key-5150"}"#);
    let check = repo
        .root()
        .join(format!("{}/keyed/auth_check.yaml", crate::support::TESTS));
    plant_link(&check, &outside, false);
    let run = validate(&repo, &["keyed", "--dry-run"]);
    assert_outside_unchanged(&outside, false, "validate --dry-run");
    assert_regular(&check, "validate --dry-run");
    assert!(run.all().contains("X-Api-Key"), "{}", run.all());
}
