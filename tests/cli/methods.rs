//! Each auth method's check sends the credential the way the connector
//! does: a service-account key file signs a JWT exchanged at the key's
//! `token_uri` (RFC 7523) against a loopback token endpoint that verifies
//! the signature with the public key; an OAuth token under a non-Bearer
//! scheme; and never the key file itself as a token.

use std::sync::{Arc, Mutex};

use ring::signature::{self, KeyPair, RsaKeyPair, UnparsedPublicKey};

use crate::support::{Repo, assert_hidden, fixtures, json_lines, source, validate};

/// The access token the loopback token endpoint grants.
const ISSUED: &str = "jwt-granted-token-8842";
const SCOPE: &str = "https://scopes.example.test/read";
const APP_SECRET: &str = "app-secret-5521";

fn test_key(name: &str) -> String {
    std::fs::read_to_string(fixtures().join("jwt").join(name)).expect("test-only key fixture")
}

/// The DER public key of a PKCS#8 PEM private key.
fn public_key(pem: &str) -> Vec<u8> {
    use base64::Engine;
    let body: String = pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect::<String>();
    let der = base64::engine::general_purpose::STANDARD
        .decode(body)
        .expect("pem");
    let pair = RsaKeyPair::from_pkcs8(&der).expect("pkcs8");
    pair.public_key().as_ref().to_vec()
}

/// A token endpoint and an API on loopback. `/token` grants [`ISSUED`] only
/// for a JWT bearer assertion whose RS256 signature verifies with the
/// trusted public key and whose issuer, audience and scope are right;
/// `/v1/projects` answers 200 only to that token. `seen` records every
/// request line and Authorization header.
struct TokenServer {
    port: u16,
    seen: Arc<Mutex<Vec<String>>>,
}

impl TokenServer {
    fn start(trusted: Vec<u8>, account: &str) -> TokenServer {
        use axum::http::{HeaderMap, StatusCode};
        use axum::response::IntoResponse;
        use axum::routing::{get, post};
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        let log2 = seen.clone();
        let account = account.to_string();
        let port = crate::support::serve_port(move |port| {
            let audience = format!("http://127.0.0.1:{port}/token");

            axum::Router::new()
            .route(
                "/token",
                post(move |body: String| {
                    let verdict = verify(&body, &trusted, &account, &audience);
                    if let Ok(mut l) = log.lock() {
                        l.push(format!("POST /token {body}"));
                    }
                    async move {
                        match verdict {
                            Ok(()) => (
                                StatusCode::OK,
                                format!(r#"{{"access_token":"{ISSUED}","token_type":"Bearer","expires_in":3600}}"#),
                            )
                                .into_response(),
                            Err(why) => (
                                StatusCode::BAD_REQUEST,
                                format!(r#"{{"error":"invalid_grant","error_description":"{why}"}}"#),
                            )
                                .into_response(),
                        }
                    }
                }),
            )
            .route(
                "/v1/projects",
                get(move |headers: HeaderMap| {
                    let auth = headers
                        .get("authorization")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("-")
                        .to_string();
                    if let Ok(mut l) = log2.lock() {
                        l.push(format!("GET /v1/projects {auth}"));
                    }
                    async move {
                        if auth == format!("Bearer {ISSUED}") {
                            (StatusCode::OK, r#"{"projects":[{"id":"p-1"}]}"#)
                                .into_response()
                        } else {
                            (StatusCode::UNAUTHORIZED, "{}").into_response()
                        }
                    }
                }),
            )
        });
        TokenServer { port, seen }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn seen(&self) -> Vec<String> {
        self.seen.lock().map(|l| l.clone()).unwrap_or_default()
    }
}

/// The token endpoint's judgement of a JWT bearer grant request.
fn verify(body: &str, trusted: &[u8], account: &str, audience: &str) -> Result<(), String> {
    let form: Vec<(String, String)> =
        serde_urlencoded::from_str(body).map_err(|e| e.to_string())?;
    let get = |k: &str| {
        form.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    // The client-credentials grant of an app whose token endpoint is a
    // parameter of its method.
    if get("grant_type") == "client_credentials" && !get("client_assertion").is_empty() {
        if get("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
        {
            return Err("wrong client_assertion_type".into());
        }
        let claims = verified_claims(&get("client_assertion"), trusted)?;
        let client = get("client_id");
        return (claims["iss"] == client.as_str()
            && claims["sub"] == client.as_str()
            && claims["aud"] == audience
            && claims["jti"].as_str().is_some_and(|j| j.len() >= 16)
            && get("scope") == "system/read")
            .then_some(())
            .ok_or_else(|| format!("wrong claims {claims}"));
    }
    if get("grant_type") == "client_credentials" {
        return (get("client_id") == "app-1"
            && get("client_secret") == APP_SECRET
            && get("scope") == "system/read")
            .then_some(())
            .ok_or_else(|| "unknown client".to_string());
    }
    if get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer" {
        return Err("wrong grant_type".into());
    }
    let claims = verified_claims(&get("assertion"), trusted)?;
    if claims["iss"] != account || claims["aud"] != audience || claims["scope"] != SCOPE {
        return Err(format!("wrong claims {claims}"));
    }
    let (iat, exp) = (claims["iat"].as_u64(), claims["exp"].as_u64());
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    match (iat, exp) {
        (Some(iat), Some(exp)) if iat <= now + 60 && exp > now && exp - iat <= 3600 => Ok(()),
        _ => Err("bad iat/exp".into()),
    }
}

/// The claims of an RS256 JWT whose signature verifies with `trusted`.
fn verified_claims(assertion: &str, trusted: &[u8]) -> Result<serde_json::Value, String> {
    use base64::Engine;
    let (signed, signature) = assertion.rsplit_once('.').ok_or("not a JWT")?;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let signature = b64
        .decode(signature)
        .map_err(|_| "signature not base64url")?;
    UnparsedPublicKey::new(&signature::RSA_PKCS1_2048_8192_SHA256, trusted)
        .verify(signed.as_bytes(), &signature)
        .map_err(|_| "bad signature")?;
    let (header, claims) = signed.split_once('.').ok_or("not a JWT")?;
    let json = |part: &str| -> Result<serde_json::Value, String> {
        let bytes = b64.decode(part).map_err(|e| e.to_string())?;
        serde_json::from_slice(&bytes).map_err(|e| e.to_string())
    };
    let (header, claims) = (json(header)?, json(claims)?);
    if header["alg"] != "RS256" {
        return Err("alg must be RS256".into());
    }
    Ok(claims)
}

const KEY_SPEC: &str = "connection:\n  parameters:\n    - {name: project_id, required: true}\n    - {name: credentials_json, required: true, secret: true, description: The service account key file (JSON).}\n";

/// A key file as downloaded: pretty-printed, newlines in the private key.
fn key_file(pem: &str, token_uri: &str) -> String {
    serde_json::to_string_pretty(&serde_json::json!({
        "type": "service_account",
        "project_id": "demo-project",
        "private_key_id": "kid-0001",
        "private_key": pem,
        "client_email": "reader@demo-project.example.test",
        "client_id": "1234567890",
        "token_uri": token_uri,
    }))
    .expect("json")
}

fn jwt_source(repo: &Repo, server: &TokenServer, pem: &str) -> String {
    let key = key_file(pem, &server.url("/token"));
    let credentials = serde_json::json!({"project_id": "demo-project", "credentials_json": key});
    source(
        repo,
        "warehouse",
        KEY_SPEC,
        &format!(
            "checks:\n  - request:\n      url: \"{}\"\n      auth:\n        jwt: {{key: \"{{credentials_json}}\", scope: \"{SCOPE}\"}}\n    expect:\n      status: [200]\n",
            server.url("/v1/projects")
        ),
        Some(&credentials.to_string()),
    );
    key
}

#[test]
fn a_pretty_printed_key_file_signs_a_jwt_the_token_endpoint_verifies() {
    let pem = test_key("test-only-rsa-key.pem");
    let server = TokenServer::start(public_key(&pem), "reader@demo-project.example.test");
    let repo = Repo::new();
    let key = jwt_source(&repo, &server, &pem);
    assert!(key.contains('\n'), "the key file is pretty-printed");
    let run = validate(&repo, &["warehouse", "--json"]);
    let lines = json_lines(run.stdout.as_bytes());
    assert_eq!(
        run.code,
        Some(0),
        "{}\n{}\n{:?}",
        run.stdout,
        run.stderr,
        server.seen()
    );
    assert_eq!(lines[0]["outcome"], "ok", "{}", run.stdout);
    let seen = server.seen();
    assert!(seen[0].starts_with("POST /token"), "{seen:?}");
    assert_eq!(seen[1], format!("GET /v1/projects Bearer {ISSUED}"));
    // The key never travels: not as a token, not in the grant.
    assert!(seen.iter().all(|s| !s.contains("PRIVATE")), "{seen:?}");
    for line in pem.lines().filter(|l| !l.starts_with("-----")) {
        assert_hidden(&run, line, None);
    }
    assert_hidden(&run, ISSUED, None);
}

#[test]
fn a_key_the_endpoint_does_not_trust_is_invalid_credentials() {
    let trusted = public_key(&test_key("test-only-rsa-key.pem"));
    let server = TokenServer::start(trusted, "reader@demo-project.example.test");
    let repo = Repo::new();
    let other = test_key("test-only-other-rsa-key.pem");
    jwt_source(&repo, &server, &other);
    let run = validate(&repo, &["warehouse", "--json"]);
    let lines = json_lines(run.stdout.as_bytes());
    assert_eq!(run.code, Some(1), "{}\n{}", run.stdout, run.stderr);
    assert_eq!(lines[0]["outcome"], "invalid_credentials");
    let reason = lines[0]["reason"].as_str().unwrap_or_default();
    assert!(reason.contains("invalid_grant"), "{reason}");
    assert!(reason.contains("bad signature"), "{reason}");
    assert_eq!(server.seen().len(), 1, "no API call without a token");
}

#[test]
fn a_dry_run_shows_the_grant_and_never_the_key() {
    let pem = test_key("test-only-rsa-key.pem");
    let server = TokenServer::start(public_key(&pem), "reader@demo-project.example.test");
    let repo = Repo::new();
    jwt_source(&repo, &server, &pem);
    let run = validate(&repo, &["warehouse", "--dry-run"]);
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    crate::support::assert_contains(&run.stdout, "JWT signed with the key");
    assert!(!run.all().contains("PRIVATE KEY"), "{}", run.all());
    assert!(server.seen().is_empty(), "a dry run sends nothing");
}

#[test]
fn a_key_file_that_is_not_one_is_a_bad_value_and_nothing_is_sent() {
    let pem = test_key("test-only-rsa-key.pem");
    let server = TokenServer::start(public_key(&pem), "reader@demo-project.example.test");
    let repo = Repo::new();
    jwt_source(&repo, &server, &pem);
    repo.credentials(
        "warehouse",
        r#"{"project_id": "demo-project", "credentials_json": "{\"client_email\": \"a@b.test\"}"}"#,
    );
    let run = validate(&repo, &["warehouse", "--json"]);
    let lines = json_lines(run.stdout.as_bytes());
    assert_eq!(run.code, Some(2), "{}\n{}", run.stdout, run.stderr);
    assert_eq!(lines[0]["outcome"], "bad_value");
    assert!(server.seen().is_empty());
}

const TWO_METHODS: &str = "connection:\n  auth_methods:\n    - name: api_key\n      parameters:\n        - {name: api_key, required: true, secret: true}\n    - name: service_account\n      parameters:\n        - {name: credentials_json, required: true, secret: true, description: The service account key file (JSON).}\n";

#[test]
fn credentials_for_a_method_without_a_check_are_an_input_error_naming_it() {
    let repo = Repo::new();
    source(
        &repo,
        "ledger",
        TWO_METHODS,
        "checks:\n  - auth_method: api_key\n    request:\n      url: https://api.ledger.example/v1/me\n      auth:\n        header: {name: X-Ledger-Key, value: \"{api_key}\"}\nno_http_check: the key file is checked by the connector itself\n",
        Some(r#"{"credentials_json": "{\"client_email\": \"a@b.test\"}"}"#),
    );
    let run = validate(&repo, &["ledger", "--json"]);
    let lines = json_lines(run.stdout.as_bytes());
    assert_eq!(run.code, Some(2), "{}\n{}", run.stdout, run.stderr);
    assert_eq!(lines[0]["outcome"], "bad_check");
    let reason = lines[0]["reason"].as_str().unwrap_or_default();
    assert!(reason.contains("auth method `service_account`"), "{reason}");
    assert!(reason.contains("it checks `api_key`"), "{reason}");
}

#[test]
fn a_method_holding_its_token_endpoint_gets_the_client_credentials_grant() {
    let pem = test_key("test-only-rsa-key.pem");
    let server = TokenServer::start(public_key(&pem), "nobody");
    let repo = Repo::new();
    repo.spec(
        "records",
        "connection:\n  auth_methods:\n    - name: client_secret\n      description: OAuth2 client credentials with a shared secret.\n      parameters:\n        - {name: token_url, required: true}\n        - {name: client_id, required: true}\n        - {name: client_secret, required: true}\n        - {name: scope}\n",
    )
    .api_doc(
        "records",
        &format!("## Auth\n\n**Base URL**: `{}`\n\nExchange the client's id and secret at the token URL, then\n\n`GET /v1/projects`\n", server.url("")),
    )
    .credentials(
        "records",
        &serde_json::json!({"token_url": server.url("/token"), "client_id": "app-1", "client_secret": APP_SECRET, "scope": "system/read"}).to_string(),
    );
    let run = validate(&repo, &["records", "--json"]);
    let lines = json_lines(run.stdout.as_bytes());
    assert_eq!(
        run.code,
        Some(0),
        "{}\n{}\n{:?}",
        run.stdout,
        run.stderr,
        server.seen()
    );
    assert_eq!(lines[0]["outcome"], "ok");
    let seen = server.seen();
    assert!(
        seen[0].contains("grant_type=client_credentials"),
        "{seen:?}"
    );
    assert_eq!(seen[1], format!("GET /v1/projects Bearer {ISSUED}"));
    assert_hidden(&run, APP_SECRET, None);
}

#[test]
fn a_clients_private_key_signs_its_assertion_and_is_never_sent() {
    let pem = test_key("test-only-rsa-key.pem");
    let server = TokenServer::start(public_key(&pem), "nobody");
    let repo = Repo::new();
    repo.spec(
        "records",
        "connection:\n  auth_methods:\n    - name: signed_assertion\n      description: Backend services sign in with a registered RSA key.\n      parameters:\n        - {name: token_url, required: true}\n        - {name: client_id, required: true}\n        - {name: private_key_pem, required: true}\n        - {name: scope, required: true}\n",
    )
    .api_doc(
        "records",
        &format!("## Auth\n\n**Base URL**: `{}`\n\nThe client signs a JWT with its key for a token, then\n\n`GET /v1/projects`\n", server.url("")),
    )
    .credentials(
        "records",
        &serde_json::json!({"token_url": server.url("/token"), "client_id": "app-2", "private_key_pem": pem, "scope": "system/read"}).to_string(),
    );
    let run = validate(&repo, &["records", "--json"]);
    let lines = json_lines(run.stdout.as_bytes());
    assert_eq!(
        run.code,
        Some(0),
        "{}\n{}\n{:?}",
        run.stdout,
        run.stderr,
        server.seen()
    );
    assert_eq!(lines[0]["outcome"], "ok");
    let seen = server.seen();
    assert!(seen[0].contains("client_assertion="), "{seen:?}");
    assert!(seen.iter().all(|s| !s.contains("PRIVATE")), "{seen:?}");
    assert_eq!(seen[1], format!("GET /v1/projects Bearer {ISSUED}"));
    for line in pem.lines().filter(|l| !l.starts_with("-----")) {
        assert_hidden(&run, line, None);
    }
    // A key the server does not trust is refused at the token endpoint.
    let other = test_key("test-only-other-rsa-key.pem");
    repo.credentials(
        "records",
        &serde_json::json!({"token_url": server.url("/token"), "client_id": "app-2", "private_key_pem": other, "scope": "system/read"}).to_string(),
    );
    let run = validate(&repo, &["records", "--json"]);
    assert_eq!(run.code, Some(1), "{}\n{}", run.stdout, run.stderr);
}
