//! Bench: drafting from an OpenAPI description with 10,000 security schemes
//! whose names all collapse to one method name (`key`, `key-`, `key.~`, …),
//! globally required in pairs. Each method name is found unique with a set
//! (n log n overall), where a scan per candidate was cubic: 4,000 schemes
//! took 19 s and 8,000 took 195 s. Target: `plan` well under 1 s.
//!
//! Run: `cargo bench --bench openapi_schemes`

use std::hint::black_box;

use connector_auth::openapi::{self, draft};
use criterion::{Criterion, criterion_group, criterion_main};

/// Scheme names that all read `key` in snake_case.
fn colliding_names(n: usize) -> Vec<String> {
    let marks = [
        "-", ".", "~", "!", "*", "(", ")", "$", "&", "+", ",", ";", "=", "@",
    ];
    let mut names = vec!["key".to_string()];
    let mut width = 1;
    while names.len() < n {
        let mut suffixes = vec![String::new()];
        for _ in 0..width {
            suffixes = suffixes
                .iter()
                .flat_map(|s| marks.iter().map(move |m| format!("{s}{m}")))
                .collect();
        }
        names.extend(suffixes.into_iter().map(|s| format!("key{s}")));
        width += 1;
    }
    names.truncate(n);
    names
}

/// `n` colliding schemes; with `paired`, globally required two by two.
fn description(n: usize, paired: bool) -> openapi::Description {
    let names = colliding_names(n);
    let schemes: serde_json::Map<String, serde_json::Value> = names
        .iter()
        .map(|name| {
            let scheme = serde_json::json!({"type": "apiKey", "in": "header", "name": "X-Key"});
            (name.clone(), scheme)
        })
        .collect();
    let security: Vec<serde_json::Value> = names
        .chunks(2)
        .filter(|_| paired)
        .map(|pair| {
            let alt: serde_json::Map<String, serde_json::Value> = pair
                .iter()
                .map(|n| (n.clone(), serde_json::json!([])))
                .collect();
            serde_json::Value::Object(alt)
        })
        .collect();
    let text = serde_json::json!({
        "openapi": "3.0.0",
        "info": {"title": "Many", "version": "1"},
        "servers": [{"url": "https://api.many.example"}],
        "components": {"securitySchemes": schemes},
        "security": security,
        "paths": {"/me": {"get": {"responses": {"200": {"description": "ok"}}}}},
    })
    .to_string();
    match openapi::parse(&text, "bench") {
        Ok(d) => d,
        Err(e) => panic!("the bench description does not parse: {e}"),
    }
}

fn schemes(c: &mut Criterion) {
    let alone = description(10_000, false);
    let paired = description(10_000, true);
    let mut group = c.benchmark_group("openapi_schemes");
    group.sample_size(10);
    group.bench_function("plan 10,000 colliding schemes", |b| {
        b.iter(|| draft::plan(black_box(&alone)))
    });
    group.bench_function("draft 10,000 colliding schemes", |b| {
        b.iter(|| draft::draft(black_box(&alone), "many"))
    });
    group.bench_function("plan 10,000 colliding schemes required in pairs", |b| {
        b.iter(|| draft::plan(black_box(&paired)))
    });
    group.finish();
}

criterion_group!(benches, schemes);
criterion_main!(benches);
