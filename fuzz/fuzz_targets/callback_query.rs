//! The OAuth callback's query (or a pasted redirect address), parsed as
//! collect parses it, and URL templates filled with hostile values.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let query = text.split_once('?').map_or(text, |(_, q)| q);
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap_or_default();
        for (_, v) in &pairs {
            if let Ok(url) =
                connector_auth::template::fill_url("https://{h}.example.com/a/{v}", |_| {
                    Some(v.clone())
                })
            {
                let parsed = url::Url::parse(&url).expect("a filled URL parses");
                assert!(parsed.query().is_none() && parsed.fragment().is_none());
            }
        }
    }
});
