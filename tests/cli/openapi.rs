//! Step 1 and Step 3 from an OpenAPI description (tests/fixtures/openapi):
//! the drafted spec lints clean, keeps the scheme's names and auth kinds,
//! prints the JSON pointer of every value; the derived check sends the key
//! under the header or query name exactly as declared.

use std::io::{Read, Write};
use std::net::TcpListener;

use crate::support::{Repo, Run, SOURCES, fixtures};

fn fixture(name: &str) -> String {
    fixtures()
        .join("openapi")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

/// `spec x --openapi FIXTURE --print`, asserting the draft lints clean.
fn drafted(repo: &Repo, name: &str) -> Run {
    let run = repo.run(&["spec", "x", "--openapi", &fixture(name), "--print"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    repo.file("drafted.yaml", &run.stdout);
    let lint = repo.run(&["lint", "drafted.yaml"]);
    assert_eq!(lint.code, Some(0), "{}\n{}", run.stdout, lint.stderr);
    run
}

/// The check derived by `validate x --dry-run --openapi FIXTURE`.
fn derived(repo: &Repo, name: &str) -> String {
    repo.run(&["validate", "x", "--dry-run", "--openapi", &fixture(name)]);
    repo.check_text("x")
}

#[test]
fn header_key_server_variables_and_refs() {
    let repo = Repo::new();
    let run = drafted(&repo, "header_key.yaml");
    assert!(run.stdout.contains("display_name: Acme Helpdesk"));
    assert!(run.stdout.contains("- name: acme_key"), "{}", run.stdout);
    assert!(run.stdout.contains("- name: subdomain"));
    assert!(run.stdout.contains("Default: `demo`"));
    assert!(run.stdout.contains("One of: v1, v2"));
    assert!(!run.stdout.contains("auth_methods"));
    assert!(
        run.stderr.contains("#/components/x-schemes/key"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("#/servers/0/variables/subdomain"));
    let check = derived(&repo, "header_key.yaml");
    assert!(
        check.contains(r#"url: "https://{subdomain}.acme.example/api/{version}/users/me""#),
        "{check}"
    );
    assert!(
        check.contains(r#"header: {name: "X-Acme-Key", value: "{acme_key}"}"#),
        "{check}"
    );
}

#[test]
fn several_schemes_globally_required_first() {
    let repo = Repo::new();
    let run = drafted(&repo, "several.json");
    let bearer = run.stdout.find("name: bearer_auth").expect("bearer method");
    let query = run.stdout.find("name: query_key").expect("query method");
    let basic = run.stdout.find("name: basic_auth").expect("basic method");
    assert!(bearer < query && query < basic, "{}", run.stdout);
    assert!(!run.stdout.contains("hmac"));
    assert!(run.stderr.contains("not offered: `hmac`"), "{}", run.stderr);
    let check = derived(&repo, "several.json");
    assert!(check.contains(r#"bearer: "{token}""#));
    assert!(check.contains(r#"query: {name: "api_key", value: "{api_key}"}"#));
    assert!(check.contains(r#"url: "{base_url}/whoami""#), "{check}");
    assert!(check.contains(r#"base_url: "https://api.several.example/v1""#));
}

#[test]
fn oauth_client_credentials_and_authorization_code() {
    let repo = Repo::new();
    let run = drafted(&repo, "oauth.json");
    assert!(run.stdout.contains("flow: m2m"));
    assert!(
        run.stdout
            .contains("token_url: https://api.flows.example/oauth/token"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("scopes: \"reports.read\""),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("flow: u2m"));
    assert!(run.stdout.contains("pkce: true"));
    assert!(run.stderr.contains("all 2 are requested"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("external references were not fetched: other.yaml")
    );
    assert!(
        run.stderr
            .contains("#/components/securitySchemes/machine/flows/clientCredentials/tokenUrl")
    );
    // The cyclic and the external $ref leave their operations out.
    let check = derived(&repo, "oauth.json");
    assert!(check.contains(r#"url: "{base_url}/reports""#), "{check}");
    assert!(check.contains("oauth: {}"));
}

#[test]
fn swagger_two() {
    let repo = Repo::new();
    let run = drafted(&repo, "swagger2.json");
    assert!(
        run.stdout
            .contains("default: https://shop.legacy.example/api"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("authorization_url: https://shop.legacy.example/oauth/authorize")
    );
    assert!(run.stderr.contains("#/securityDefinitions/token"));
    let check = derived(&repo, "swagger2.json");
    assert!(
        check.contains(r#"header: {name: "Authorization", value: "{api_key}"}"#),
        "{check}"
    );
    assert!(check.contains(r#"url: "{base_url}/shop""#));
}

#[test]
fn keys_one_requirement_sends_together() {
    let repo = Repo::new();
    let run = drafted(&repo, "together.json");
    assert!(!run.stdout.contains("auth_methods"), "{}", run.stdout);
    assert!(run.stdout.contains("- name: app_secret_token"));
    assert!(run.stdout.contains("- name: grant_token"));
    assert!(run.stdout.contains("- name: account_id"));
    let check = derived(&repo, "together.json");
    assert!(
        check.contains(r#"header: {name: "X-AppSecretToken", value: "{app_secret_token}"}"#),
        "{check}"
    );
    assert!(
        check.contains(r#"url: "{base_url}/self?grant_token={grant_token}""#),
        "{check}"
    );
    assert!(
        check.contains(r#""X-Account-Id": "{account_id}""#),
        "{check}"
    );
}

#[test]
fn implicit_flow_is_not_offered_and_says_so() {
    let repo = Repo::new();
    let run = drafted(&repo, "implicit.json");
    assert!(run.stdout.contains("- name: token_url"));
    assert!(run.stdout.contains("scopes: \"read_inbox\""));
    assert!(
        run.stderr.contains("only the implicit flow"),
        "{}",
        run.stderr
    );
}

#[test]
fn not_openapi_is_an_input_error() {
    let repo = Repo::new();
    let run = repo.run(&[
        "spec",
        "x",
        "--openapi",
        &fixture("not_openapi.json"),
        "--print",
    ]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr
            .contains("is not an OpenAPI or Swagger description"),
        "{}",
        run.stderr
    );
    let missing = repo.run(&["spec", "x", "--openapi", "nowhere.json", "--print"]);
    assert_eq!(missing.code, Some(2));
}

#[test]
fn a_description_in_the_source_folder_is_preferred() {
    let repo = Repo::new();
    let text = std::fs::read_to_string(fixture("several.json")).expect("fixture");
    repo.file(&format!("{SOURCES}/x/openapi.json"), &text);
    repo.api_doc(
        "x",
        "# X\n\n## Authorization\n\nSend `Authorization: Bearer {token}`.\n",
    );
    let run = repo.run(&["spec", "x"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let spec =
        std::fs::read_to_string(repo.root().join(format!("{SOURCES}/x/connector_spec.yaml")))
            .expect("spec written");
    assert!(spec.contains("name: query_key"), "{spec}");
    assert_eq!(repo.run(&["lint", "x"]).code, Some(0));
    repo.run(&["validate", "x", "--dry-run"]);
    let check = repo.check_text("x");
    assert!(
        check.contains(r#"query: {name: "api_key", value: "{api_key}"}"#),
        "{check}"
    );
}

#[test]
fn fetched_over_loopback_http_only() {
    let body = std::fs::read_to_string(fixture("swagger2.json")).expect("fixture");
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let server = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().expect("accept");
        let mut buf = [0u8; 4096];
        let _ = stream.read(&mut buf);
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        stream.write_all(head.as_bytes()).expect("write");
        stream.write_all(body.as_bytes()).expect("write");
    });
    let repo = Repo::new();
    let url = format!("http://127.0.0.1:{port}/openapi.json");
    let run = repo.run(&["spec", "x", "--openapi", &url, "--print"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.contains("display_name: Legacy Shop"));
    server.join().expect("server");
    let plain = repo.run(&[
        "spec",
        "x",
        "--openapi",
        "http://example.com/openapi.json",
        "--print",
    ]);
    assert_eq!(plain.code, Some(2));
    assert!(plain.stderr.contains("only https"), "{}", plain.stderr);
}

#[test]
fn hostile_input_does_not_panic() {
    let repo = Repo::new();
    let deep = format!(
        "{{\"openapi\":\"3.0.0\",\"x\":{}{}}}",
        "[".repeat(5000),
        "]".repeat(5000)
    );
    let cases = [
        ("deep.json", deep),
        ("refs.json", r##"{"openapi":"3.0.0","components":{"securitySchemes":{"a":{"$ref":"#/components/securitySchemes/b"},"b":{"$ref":"#/components/securitySchemes/a"}}},"paths":{"/x":{"$ref":"#/paths/~1x"}}}"##.to_string()),
        ("odd.json", r#"{"swagger":2.0,"securityDefinitions":{"k":{"type":"apiKey"},"o":{"type":"oauth2","flows":[]}},"servers":7,"paths":[]}"#.to_string()),
        ("yaml.yaml", "openapi: 3.1.0\ncomponents: {securitySchemes: {k: {type: apiKey, in: query, name: key}}}\nservers: [{url: '{a}{b}'}]\n".to_string()),
    ];
    for (name, text) in cases {
        repo.file(name, &text);
        let run = repo.run(&["spec", "x", "--openapi", name, "--print"]);
        assert!(matches!(run.code, Some(0..=2)), "{name}: {}", run.stderr);
    }
}
