//! A table of the methods and the parameters each needs ("| auth_type |
//! params |", one row per method): every row is one method, and the
//! backticked names in its parameters cell are that method's parameters.
//!
//! Part of Step 1, `draft` (see docs/architecture.md): it imports no other step.

use super::condition::SELECTOR_NAMES;
use super::markup::{backticked_raw, cells, identifier};
use crate::apidoc::{DocLine, snake};

/// Why a parameter named in a method's row is listed.
pub const METHOD_ROW: &str = "named in its method's row of the doc's table of methods";

/// A parameter a method's row names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MethodRow {
    pub method: String,
    pub name: String,
    /// Marked "(secret)" in the row.
    pub secret: bool,
    pub line: usize,
}

/// Reads `rows` (the table's body) when `header` makes it a table of two
/// methods or more.
pub fn read(header: &[String], rows: &[&DocLine]) -> Option<Vec<MethodRow>> {
    let first = header.first()?;
    let first = snake(first.trim());
    let method_column = SELECTOR_NAMES.contains(&first.as_str())
        || [
            "method",
            "auth_method",
            "authentication",
            "auth",
            "auth_type",
        ]
        .contains(&first.as_str());
    let params_at = header.iter().position(|h| {
        let h = h.trim();
        [
            "params",
            "parameters",
            "parameters needed",
            "fields",
            "credentials",
            "settings",
            "needs",
            "requires",
            "required parameters",
            "required fields",
        ]
        .contains(&h)
    })?;
    if !method_column || params_at == 0 {
        return None;
    }
    let mut methods = Vec::new();
    let mut found = Vec::new();
    for row in rows {
        let cells = cells(&row.text);
        let (Some(method), Some(params)) = (cells.first(), cells.get(params_at)) else {
            continue;
        };
        let method = snake(method.trim_matches(['`', '*', ' ']));
        if method.is_empty() {
            continue;
        }
        // `GET`, `POST`: a table of HTTP methods, not of auth methods.
        if ["get", "post", "put", "patch", "delete", "head"].contains(&method.as_str()) {
            return None;
        }
        for raw in backticked_raw(params) {
            let Some(name) = identifier(&raw) else {
                continue;
            };
            let marked = params
                .split(&format!("`{raw}`"))
                .nth(1)
                .is_some_and(|after| after.trim_start().starts_with("(secret"));
            found.push(MethodRow {
                method: method.clone(),
                name: crate::apidoc::camel_to_snake(&name),
                secret: marked,
                line: row.number,
            });
        }
        methods.push(method);
    }
    methods.dedup();
    (methods.len() >= 2 && !found.is_empty()).then_some(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apidoc::ApiDoc;

    fn read_table(text: &str) -> Option<Vec<MethodRow>> {
        let doc = ApiDoc::parse(text);
        let rows: Vec<&DocLine> = doc
            .lines
            .iter()
            .filter(|l| l.text.starts_with('|'))
            .collect();
        let header: Vec<String> = cells(&rows[0].text)
            .iter()
            .map(|c| c.to_lowercase().replace(['*', '`'], ""))
            .collect();
        read(&header, &rows[2..])
    }

    #[test]
    fn each_row_is_a_method_with_its_parameters() {
        let rows = read_table(
            "| auth_type | params |\n|---|---|\n| `pat` | `personal_access_token` (secret) |\n| oauth | `client_id`, `client_secret` (secret) |\n",
        )
        .unwrap_or_default();
        let rows: Vec<(&str, &str, bool)> = rows
            .iter()
            .map(|r| (r.name.as_str(), r.method.as_str(), r.secret))
            .collect();
        assert_eq!(
            rows,
            [
                ("personal_access_token", "pat", true),
                ("client_id", "oauth", false),
                ("client_secret", "oauth", true),
            ]
        );
    }

    #[test]
    fn tables_of_one_method_of_http_methods_or_of_modes_are_not_read() {
        let one = "| auth_type | params |\n|---|---|\n| pat | `token` |\n";
        assert_eq!(read_table(one), None);
        let http = "| method | params |\n|---|---|\n| GET | `limit` |\n| POST | `body` |\n";
        assert_eq!(read_table(http), None);
        let modes =
            "| Mode | Needs |\n|---|---|\n| cdc | `log_bin` |\n| cursor | `cursor_column` |\n";
        assert_eq!(read_table(modes), None);
    }
}
