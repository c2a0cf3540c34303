//! Sample values the doc gives for a parameter ("e.g. `acme.eu.auth0.com`",
//! `CTP_PROJECT_KEY=northwind-prod` in a config example), and where they
//! stand in an example URL: there the parameter's placeholder goes, so a
//! derived check asks for the person's value instead of the doc's sample.

use crate::apidoc::ApiDoc;
use crate::spec::Parameter;

/// A sample value and the parameter it stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sample {
    pub value: String,
    pub name: String,
}

/// The sample values of the non-secret parameters: from their
/// descriptions, and from the doc's config examples (`KEY=value`,
/// `key: value`) whose key is the parameter's name, prefixed or not.
pub fn samples(scope: &[&Parameter], doc: &ApiDoc) -> Vec<Sample> {
    let mut found = Vec::new();
    for p in scope.iter().filter(|p| !p.secret && p.default.is_none()) {
        let described = p.description.as_deref().map(described).unwrap_or_default();
        for value in described.into_iter().chain(configured(&p.name, doc)) {
            if plausible(&value) && !found.iter().any(|s: &Sample| s.value == value) {
                found.push(Sample {
                    value,
                    name: p.name.clone(),
                });
            }
        }
    }
    found
}

/// `url` with each sample value that fills a whole host label run or a
/// whole path segment replaced by its parameter's placeholder.
pub fn placed(url: &str, samples: &[Sample]) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (host, path) = rest.find('/').map_or((rest, ""), |i| rest.split_at(i));
    let mut host = host.to_string();
    let mut path = path.to_string();
    for s in samples {
        let placeholder = format!("{{{}}}", s.name);
        if host.contains(&placeholder) || path.contains(&placeholder) {
            continue;
        }
        let labelled = format!(".{host}.");
        let needle = format!(".{}.", s.value);
        if let Some(at) = labelled.find(&needle) {
            let replaced = format!(
                "{}.{placeholder}.{}",
                &labelled[..at],
                &labelled[at + needle.len()..]
            );
            host = replaced.trim_matches('.').to_string();
            continue;
        }
        let segments: Vec<&str> = path.split('/').collect();
        if segments.contains(&s.value.as_str()) {
            path = segments
                .iter()
                .map(|seg| {
                    if *seg == s.value {
                        placeholder.as_str()
                    } else {
                        seg
                    }
                })
                .collect::<Vec<_>>()
                .join("/");
        }
    }
    format!("{scheme}://{host}{path}")
}

/// "e.g. `europe-west1.gcp`, `us-central1.gcp`", "for example acme-prod":
/// the values after the cue, up to the end of the sentence.
fn described(description: &str) -> Vec<String> {
    let lower = description.to_ascii_lowercase();
    let mut values = Vec::new();
    for cue in ["e.g.", "for example", "such as", "example:"] {
        let Some(at) = lower.find(cue) else {
            continue;
        };
        let after = &description[at + cue.len()..];
        let sentence = after.split(". ").next().unwrap_or(after);
        for word in sentence.split([',', ' ', '(', ')', ';']) {
            let w = word.trim_matches(|c: char| matches!(c, '`' | '"' | '\'' | ':' | '.'));
            if !w.is_empty() && w != "or" {
                values.push(w.to_string());
            }
        }
    }
    values
}

/// `NAME=value`, `PREFIX_NAME=value`, `name: value` in the doc's code lines.
fn configured(name: &str, doc: &ApiDoc) -> Vec<String> {
    let upper = name.to_ascii_uppercase();
    doc.lines
        .iter()
        .filter(|l| l.code)
        .filter_map(|l| {
            let t = l.text.trim().trim_start_matches("export ");
            let (key, value) = t.split_once('=').or_else(|| t.split_once(": "))?;
            let key = key.trim().trim_matches('"');
            let keyed = key == name
                || key == upper
                || key.ends_with(&format!("_{upper}"))
                || key.ends_with(&format!("_{name}"));
            keyed.then(|| value.trim().trim_matches(['"', '\'', ',']).to_string())
        })
        .collect()
}

/// A value that can only be a sample of this parameter: long enough, one
/// word, no placeholder, not a label every API has.
fn plausible(value: &str) -> bool {
    value.len() >= 4
        && !value.contains(['{', '<', ' ', '/', '$'])
        && !value.contains("://")
        && ![
            "api", "www", "app", "rest", "data", "https", "http", "json", "true", "false", "none",
            "null", "your",
        ]
        .contains(&value.to_ascii_lowercase().as_str())
        && !value.to_ascii_lowercase().starts_with("your")
        && value.chars().any(|c| c.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(value: &str, name: &str) -> Sample {
        Sample {
            value: value.into(),
            name: name.into(),
        }
    }

    #[test]
    fn a_sample_host_label_run_or_path_segment_becomes_the_placeholder() {
        let samples = [
            sample("europe-west1.gcp", "region"),
            sample("northwind-prod", "project_key"),
        ];
        assert_eq!(
            placed(
                "https://api.europe-west1.gcp.commercetools.com/northwind-prod",
                &samples
            ),
            "https://api.{region}.commercetools.com/{project_key}"
        );
        // Part of a label or a segment is not the value.
        assert_eq!(
            placed(
                "https://api.europe-west1.gcpx.example.com/northwind-production",
                &samples
            ),
            "https://api.europe-west1.gcpx.example.com/northwind-production"
        );
    }

    #[test]
    fn descriptions_and_config_lines_give_samples() {
        assert_eq!(
            described("Hosting region, e.g. `europe-west1.gcp`, `us-east-2.aws`."),
            ["europe-west1.gcp", "us-east-2.aws"]
        );
        let doc = ApiDoc::parse("```\nCTP_PROJECT_KEY=northwind-prod\nregion: eu\n```\n");
        assert_eq!(configured("project_key", &doc), ["northwind-prod"]);
        assert!(!plausible("api") && !plausible("your-domain") && !plausible("{x}"));
    }
}
