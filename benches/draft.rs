//! Bench: drafting every fixture doc (tests/fixtures/drafts, with the 1 MB
//! one generated as the test does, and both parts of the corpus,
//! tests/fixtures/corpus and tests/fixtures/corpus-heldback),
//! parse + draft, in one pass; prints the median and fastest of 11 passes.
//! Target: < 50 ms per pass. Second round (side by side on a shared
//! 2-core machine): ~180 -> ~165 ms median, 17.5G -> 15.8G instructions a
//! run (cachegrind); parse (pulldown-cmark, two Strings a line), the cue
//! fill and the per-line word lists remain most of it.
//!
//! Run: `cargo bench --bench draft` (`DRAFT_BENCH_DETAIL=1`: the slowest
//! docs, parse and draft apart; `DRAFT_ONLY=huge`: that doc alone, 20 times
//! a pass, to profile it).

use std::path::Path;
use std::time::{Duration, Instant};

use connector_auth::apidoc::ApiDoc;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/drafts");
    let mut docs: Vec<(String, String)> = std::fs::read_dir(&dir)
        .expect("drafts")
        .filter_map(|e| {
            let path = e.ok()?.path();
            let name = path.file_name()?.to_str()?.strip_suffix(".md")?.to_string();
            Some((name, std::fs::read_to_string(&path).ok()?))
        })
        .collect();
    // Both parts of the corpus: the tuned docs and the held-back ones
    // (timed only, never read for rules).
    for part in ["tests/fixtures/corpus", "tests/fixtures/corpus-heldback"] {
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join(part);
        let Ok(folders) = std::fs::read_dir(&corpus) else {
            continue;
        };
        for folder in folders.filter_map(|e| e.ok()) {
            let name = folder.file_name().to_string_lossy().into_owned();
            let doc = folder.path().join(format!("{name}_api_doc.md"));
            if let Ok(text) = std::fs::read_to_string(doc) {
                docs.push((name, text));
            }
        }
    }
    for (name, text) in docs.iter_mut().filter(|(n, _)| n == "huge") {
        let mut i = 0;
        while text.len() < 1024 * 1024 {
            text.push_str(&format!(
                "\n### Object {i}\n\nThe `object_{i}` endpoint lists records. `GET /v1/objects/{i}?page={{page}}` returns up to 100 rows.\n\n| Field | Type | Description |\n|---|---|---|\n| id | string | Identifier |\n"
            ));
            i += 1;
        }
        let _ = name;
    }
    if let Ok(only) = std::env::var("DRAFT_ONLY") {
        docs.retain(|(n, _)| *n == only);
        docs = docs.iter().cloned().cycle().take(20).collect();
    }
    let bytes: usize = docs.iter().map(|(_, t)| t.len()).sum();
    let mut times: Vec<Duration> = (0..11)
        .map(|_| {
            let start = Instant::now();
            let mut drafted = 0;
            for (name, text) in &docs {
                let doc = ApiDoc::parse(text);
                if connector_auth::draft::draft(&doc, name).is_ok() {
                    drafted += 1;
                }
            }
            // A few docs give no auth facts (one fixture on purpose).
            assert!(
                drafted * 20 >= docs.len() * 19 || std::env::var_os("DRAFT_ONLY").is_some(),
                "{drafted} of {}",
                docs.len()
            );
            start.elapsed()
        })
        .collect();
    times.sort();
    // DRAFT_BENCH_DETAIL=1: the slowest docs, parse and draft apart.
    if std::env::var_os("DRAFT_BENCH_DETAIL").is_some() {
        let mut each: Vec<(Duration, Duration, &str)> = docs
            .iter()
            .map(|(name, text)| {
                let start = Instant::now();
                let doc = ApiDoc::parse(text);
                let parsed = start.elapsed();
                let _ = connector_auth::draft::draft(&doc, name);
                (parsed, start.elapsed() - parsed, name.as_str())
            })
            .collect();
        each.sort_by_key(|(p, d, _)| std::cmp::Reverse(*p + *d));
        for (parse, draft, name) in each.iter().take(5) {
            println!(
                "  {name}: parse {:.1} ms, draft {:.1} ms",
                parse.as_secs_f64() * 1000.0,
                draft.as_secs_f64() * 1000.0
            );
        }
    }
    println!(
        "draft, {} docs ({:.1} MB): median {:.1} ms, fastest {:.1} ms per pass (target < 50 ms)",
        docs.len(),
        bytes as f64 / 1_048_576.0,
        times[5].as_secs_f64() * 1000.0,
        times[0].as_secs_f64() * 1000.0
    );
}
