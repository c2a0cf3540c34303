//! Sources that are not an HTTP API with a key: databases reached by a
//! driver (host, port, database, user, password, or one connection URI)
//! and service accounts whose JSON key signs a JWT. Each gets the
//! parameters such a connection needs, named as the doc names them.
//!
//! Part of Step 1, `draft` (see docs/architecture.md): it imports no other step.

use crate::apidoc::DocLine;

/// What kind of connection the doc describes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Http,
    /// A database driver: the parameters, (name, secret, required).
    Database(Vec<(String, bool, bool)>, usize),
    /// A service account's JSON key.
    ServiceAccount(usize),
}

/// Recognises the kind of connection in the auth lines.
pub fn recognise(lines: &[&DocLine]) -> Kind {
    let prose: Vec<&&DocLine> = lines.iter().filter(|l| !l.code).collect();
    let text = prose
        .iter()
        .map(|l| l.lower.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    let driver = crate::any_word!(
        &text,
        [
            "jdbc",
            "odbc",
            "driver",
            "psycopg",
            "pyodbc",
            "pymssql",
            "connection string",
            "connection uri",
            "dsn",
            "sql server",
            "postgres",
            "mysql",
            "oracle",
            "snowflake-connector",
            "mongodb+srv",
            "mongodb://",
            "sql login",
            "database user"
        ]
    );
    let words = ["host", "port", "database", "user", "password"];
    let database_words = words.iter().filter(|w| driver && text.contains(*w)).count();
    // One connection URI carrying the credentials, named as the doc names it.
    let uri_words = text.contains("connection string")
        || text.contains("connection uri")
        || text.contains("mongodb+srv")
        || text.contains("dsn");
    if driver && uri_words && database_words < 3 {
        let named = prose.iter().find_map(|l| {
            super::markup::backticked(&l.text).into_iter().find(|n| {
                let n = n.to_ascii_lowercase();
                n.contains("uri")
                    || n.contains("connection_string")
                    || n == "dsn"
                    || n.ends_with("_dsn")
            })
        });
        let line = prose.first().map_or(1, |l| l.number);
        return Kind::Database(
            vec![(
                named.unwrap_or_else(|| "connection_string".into()),
                true,
                true,
            )],
            line,
        );
    }
    if driver && database_words >= 3 {
        let line = prose.first().map_or(1, |l| l.number);
        if text.contains("connection string")
            || text.contains("connection uri")
            || text.contains("mongodb+srv")
        {
            let uri_line = prose
                .iter()
                .find(|l| {
                    let t = &l.lower;
                    t.contains("connection string")
                        || t.contains("connection uri")
                        || t.contains("uri")
                })
                .map_or(line, |l| l.number);
            if !(text.contains("host") && text.contains("port")) {
                return Kind::Database(vec![("connection_string".into(), true, true)], uri_line);
            }
        }
        let mut params = vec![
            ("host".to_string(), false, true),
            ("port".to_string(), false, false),
            ("database".to_string(), false, true),
        ];
        let user = if text.contains("username") {
            "username"
        } else {
            "user"
        };
        params.push((user.to_string(), false, true));
        params.push(("password".to_string(), true, true));
        return Kind::Database(params, line);
    }
    let service_account = prose.iter().find(|l| {
        let t = &l.lower;
        t.contains("service account")
            && (t.contains("json") || t.contains("key file") || t.contains("private key"))
    });
    if let Some(l) = service_account {
        return Kind::ServiceAccount(l.number);
    }
    Kind::Http
}
