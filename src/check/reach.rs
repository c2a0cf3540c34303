//! How the source is reached: by HTTP requests a check can make, or by a
//! driver, a file protocol or a signed scheme no single request proves.
//! The spec's parameter names and the API doc's own words are both heard.
//!
//! Part of Step 3, `check` (see docs/architecture.md).

use crate::apidoc::ApiDoc;
use crate::spec::Spec;

const DRIVER: &str = "a database reached by a driver, not an HTTP API: test the connection with the connector itself";
const PROTOCOL: &str = "the doc reads the source through a driver or a non-HTTP protocol, and shows no HTTP request to prove the credentials with: test the connection with the connector itself";

const SAID: &str = "the doc says no HTTP request proves these credentials: test the connection with the connector itself";

/// Why the credentials cannot be proven by one HTTP request, if they cannot.
pub fn no_http_reason(spec: &Spec, doc: Option<&ApiDoc>) -> Option<String> {
    spec_reason(spec).or_else(|| {
        let doc = doc?;
        if read_through_a_driver(doc) {
            Some(PROTOCOL.to_string())
        } else if says_no_http(doc) {
            Some(SAID.to_string())
        } else {
            None
        }
    })
}

/// "There is no HTTP test for this connector", "Not an HTTP API", "No
/// HTTP endpoint can prove the password": the doc says so in prose.
fn says_no_http(doc: &ApiDoc) -> bool {
    doc.lines.iter().filter(|l| !l.code).any(|l| {
        crate::any_word!(
            &l.lower,
            [
                "no http test",
                "no http check",
                "no http-level check",
                "no http request",
                "not an http api",
                "no http endpoint",
                "no single http request"
            ]
        )
    })
}

/// Words that name a way of reading a source other than HTTP requests.
const NOT_HTTP: &[&str] = &[
    "jdbc",
    "odbc",
    "dsn",
    "wire protocol",
    "native protocol",
    "sftp",
    "ssh",
    "kafka",
    "amqp",
    "mqtt",
    "queue manager",
    "sasl",
    "bootstrap server",
    "bootstrap servers",
    "bootstrap.servers",
    "bootstrap_servers",
    "cql",
    "thrift",
    "psycopg",
    "psycopg2",
    "pyodbc",
    "libpq",
    "sqlalchemy",
    "database driver",
    "python driver",
    "java driver",
    "driver class",
    "official driver",
    "native driver",
    "grpc",
    "remoting protocol",
    "sigv4",
    "signature version 4",
    "s3 api",
    "s3-compatible",
    "boto3",
];

/// The doc names a driver or a non-HTTP protocol on at least two lines,
/// and on more than four times as many lines as it shows HTTP requests.
pub fn read_through_a_driver(doc: &ApiDoc) -> bool {
    let lines = doc
        .lines
        .iter()
        .filter(|l| {
            let text = l.text.to_ascii_lowercase();
            NOT_HTTP.iter().any(|term| names(&text, term))
        })
        .count();
    lines >= 2 && lines > 4 * doc.examples().len()
}

/// `term` stands in `text` as a word of its own (`_` and `-` separate words).
fn names(text: &str, term: &str) -> bool {
    let word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    text.match_indices(term).any(|(at, _)| {
        !word(text[..at].chars().next_back()) && !word(text[at + term.len()..].chars().next())
    })
}

/// What the spec's parameter names say: a database or file server reached
/// by a driver, a service account's JSON key that signs a JWT, or requests
/// signed with an access key pair.
fn spec_reason(spec: &Spec) -> Option<String> {
    let names: Vec<String> = spec
        .all_parameters()
        .map(|p| p.name.to_ascii_lowercase())
        .collect();
    // `mq_host` and `mq_password` are a host and a password too.
    let has = |n: &str| {
        names
            .iter()
            .any(|x| x == n || x.strip_suffix(n).is_some_and(|p| p.ends_with('_')))
    };
    let any = |f: &dyn Fn(&str) -> bool| names.iter().any(|x| f(x));
    let uri = any(&|n| {
        n.contains("connection_uri")
            || n.contains("connection_string")
            || n == "dsn"
            || n.ends_with("_dsn")
            || n.contains("jdbc")
    });
    let driver = (has("host") || has("hostname") || has("server"))
        && (has("port") || has("database") || has("dbname"))
        && (has("password") || has("user") || has("username"));
    // A warehouse account or a file server signed into with a user and a
    // password or a private key, with no URL or token to send.
    // Here only the plain names: `workday_host` with a user and password
    // is an HTTP API's host with Basic.
    let exact = |n: &str| names.iter().any(|x| x == n);
    let login = (exact("host") || exact("hostname") || exact("account"))
        && (exact("user") || exact("username"))
        && any(&|n| n == "password" || n.contains("private_key") || n.contains("ssh_key"))
        && !any(&|n| n.contains("url") || n.contains("token") || n == "api_key");
    if uri || driver || login {
        return Some(DRIVER.into());
    }
    let service_account = any(&|n| {
        n.contains("credentials_json")
            || n.ends_with("_json")
            || n == "service_account_key"
            || n == "service_account_key_file"
    }) || (any(&|n| n.contains("private_key"))
        && any(&|n| n.contains("email") || n == "client_id"));
    if service_account {
        return Some("a service account signs a JWT for its token: no single request with the stored values proves them; test with the connector itself".into());
    }
    if any(&|n| n.ends_with("secret_access_key")) {
        return Some("requests are signed with an access key pair (AWS Signature Version 4), which auth_check.yaml cannot express: test with the connector itself".into());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_doc_that_says_no_http_request_proves_it_is_believed() {
        let doc = ApiDoc::parse(
            "# Broker\n\nCredentials are checked by logging in over SMF; there is no HTTP test for this connector.\n",
        );
        let spec = Spec::default();
        assert_eq!(no_http_reason(&spec, Some(&doc)).as_deref(), Some(SAID));
        let doc = ApiDoc::parse("# API\n\nSend `GET /v1/me` with the token.\n");
        assert_eq!(no_http_reason(&spec, Some(&doc)), None);
    }

    #[test]
    fn a_doc_about_a_driver_is_not_proven_by_http() {
        let doc = ApiDoc::parse(
            "# Orders\n\nRead through the JDBC driver (`org.postgresql.Driver`).\n\n## Connection\n\nThe DSN holds host and port; psycopg works too.\n",
        );
        assert!(read_through_a_driver(&doc));
        let spec = Spec::default();
        assert_eq!(no_http_reason(&spec, Some(&doc)).as_deref(), Some(PROTOCOL));
        assert_eq!(no_http_reason(&spec, None), None);
    }

    #[test]
    fn a_doc_about_grpc_or_signed_s3_calls_is_not_proven_by_http() {
        let doc = ApiDoc::parse(
            "# Queue

The connector talks gRPC to the proxy.

## Connection

The gRPC endpoint is `proxy:8081`.
",
        );
        assert!(read_through_a_driver(&doc));
        let doc = ApiDoc::parse(
            "# Store

An S3-compatible store: boto3 signs every call (SigV4).

## Access

The S3 API needs an access key.
",
        );
        assert!(read_through_a_driver(&doc));
    }

    #[test]
    fn prefixed_driver_settings_are_a_driver_login() {
        let spec = |params: &str| {
            crate::spec::load_str(crate::source::Source::new(
                "s.yaml",
                format!("connection:\n  parameters:\n{params}"),
            ))
            .spec
        };
        let mq = spec(
            "    - {name: mq_host}\n    - {name: mq_port}\n    - {name: mq_user}\n    - {name: mq_password, secret: true}\n",
        );
        assert_eq!(
            mq.and_then(|s| no_http_reason(&s, None)).as_deref(),
            Some(DRIVER)
        );
        // `api_host` beside a token is an HTTP API's host.
        let api = spec("    - {name: api_host}\n    - {name: api_token, secret: true}\n");
        assert_eq!(api.and_then(|s| no_http_reason(&s, None)), None);
    }

    #[test]
    fn a_doc_with_requests_is_an_http_api_even_when_it_names_a_driver() {
        let doc = ApiDoc::parse(
            "# Wiki\n\nA JDBC driver exists. An ODBC one too.\n\n```\nGET https://api.example.com/v1/me\n```\n",
        );
        assert!(!read_through_a_driver(&doc));
        let one = ApiDoc::parse("# X\n\nUse the JDBC driver.\n");
        assert!(!read_through_a_driver(&one), "one line is not enough");
    }

    #[test]
    fn terms_are_whole_words() {
        assert!(names("an ssh_private_key", "ssh"));
        assert!(names("jdbc:postgresql://h", "jdbc"));
        assert!(!names("the dsname field", "dsn"));
        assert!(!names("microssh", "ssh"));
    }
}
