//! A setting's wire name: "`amadeus_api_key` — … On the wire it is the
//! `client_id` form field", "the `api_key` setting is sent as `appid`". A
//! request or grant that uses the wire name uses the setting.
//!
//! Part of Step 1, `draft` (see docs/architecture.md): it imports no other step.

use super::markup::{backticked_raw, identifier};
use crate::apidoc::DocLine;

/// Words that say the next backticked name is how a setting goes out.
const CUES: [&str; 6] = [
    "on the wire it is",
    "on the wire it's",
    "is sent as",
    "sent as the",
    "goes out as",
    "is passed as",
];

/// (wire name, setting) for every listed `names` entry whose own line, or
/// the line that carries it on, gives its wire name.
pub fn names(lines: &[&DocLine], listed: &[(&str, usize)]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (name, line) in listed {
        let Some(i) = lines.iter().position(|l| l.number == *line) else {
            continue;
        };
        let mut text = lines[i].text.clone();
        if let Some(next) = lines.get(i + 1).filter(|n| n.number == line + 1 && !n.code) {
            text.push(' ');
            text.push_str(next.text.trim());
        }
        if let Some(wire) = wire_name(&text).filter(|w| w != name) {
            out.push((wire, name.to_string()));
        }
    }
    out
}

/// The backticked name right after a cue in `text`.
fn wire_name(text: &str) -> Option<String> {
    let lower = text.to_lowercase();
    // Every cue holds " as" or "wire": other texts set up no searcher.
    if !lower.contains(" as") && !lower.contains("wire") {
        return None;
    }
    let at = CUES
        .iter()
        .find_map(|c| lower.find(c).map(|at| at + c.len()))?;
    let rest = &text[at..];
    let tick = rest.find('`')?;
    // "On the wire it is the `client_id` form field": a few words at most.
    if rest[..tick].split_whitespace().count() > 2 {
        return None;
    }
    backticked_raw(&rest[tick..])
        .first()
        .and_then(|raw| identifier(raw))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_setting_s_wire_name_follows_its_cue() {
        assert_eq!(
            wire_name("- `acme_key` — the API Key. On the wire it is the `client_id` form field.")
                .as_deref(),
            Some("client_id")
        );
        assert_eq!(
            wire_name("The `api_key` setting is sent as `appid`.").as_deref(),
            Some("appid")
        );
        assert_eq!(wire_name("It is sent as part of a longer `x` thing."), None);
        assert_eq!(wire_name("- `acme_key` — the API Key."), None);
    }
}
