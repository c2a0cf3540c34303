//! The house stays built (docs/architecture.md): `src/` is read as text and
//! the test fails on an import circle (a `mod.rs` and its own children
//! aside), an import between the steps (`draft`, `collect`, `check`), a
//! reader (`apidoc`, `openapi`) importing a step, or a function over 100
//! lines. Imports are the code's own `crate::`, `super::` and `self::`
//! paths, `use` groups included; `#[cfg(test)]` modules are left out.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A module by its path from the crate root (`["collect", "server"]`).
type ModPath = Vec<String>;

const STEPS: &[&str] = &["draft", "collect", "check"];
const READERS: &[&str] = &["apidoc", "openapi"];
const MAX_LINES: usize = 100;
/// Long drafting functions being reshaped by the drafting work, by module
/// and name. Each must still be long (else it leaves this list); no other
/// function may be.
const BEING_RESHAPED: &[(&str, &str)] = &[
    ("draft", "draft"),
    ("draft/oauth", "recognise"),
    ("draft/listed", "table"),
    ("draft/listed", "bullets"),
    ("draft/listed", "sentences"),
];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// Every module of the crate and its text.
fn modules() -> BTreeMap<ModPath, String> {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    files
        .into_iter()
        .map(|file| {
            let rel = file.strip_prefix(src()).expect("below src");
            let mut path: ModPath = rel
                .with_extension("")
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if matches!(
                path.last().map(String::as_str),
                Some("mod" | "lib" | "main")
            ) {
                path.pop();
            }
            let text = std::fs::read_to_string(&file).expect("read module");
            (path, text)
        })
        .collect()
}

fn ident_len(text: &str) -> usize {
    text.find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(text.len())
}

/// The full paths named at the start of `text`, right after `crate::` and
/// the like: `a::b::C`, or every leaf of `{a::B, c::{d, e}}`. Returns how
/// many bytes were read.
fn paths(text: &str, prefix: &[String], out: &mut Vec<ModPath>) -> usize {
    let mut path = prefix.to_vec();
    let mut at = 0;
    loop {
        if text[at..].starts_with('{') {
            at += 1;
            loop {
                let rest = &text[at..];
                at += rest.len()
                    - rest
                        .trim_start_matches(|c: char| c.is_whitespace() || c == ',')
                        .len();
                if at >= text.len() || text[at..].starts_with('}') {
                    return (at + 1).min(text.len());
                }
                let n = paths(&text[at..], &path, out);
                if n == 0 {
                    return at;
                }
                at += n;
            }
        }
        let n = ident_len(&text[at..]);
        if n == 0 {
            out.push(path);
            return at;
        }
        path.push(text[at..at + n].to_string());
        at += n;
        if text[at..].starts_with("::") {
            at += 2;
        } else {
            out.push(path);
            return at;
        }
    }
}

/// The modules `module` imports (not itself).
fn imports(module: &ModPath, text: &str, all: &BTreeMap<ModPath, String>) -> BTreeSet<ModPath> {
    let text = text.split("#[cfg(test)]").next().unwrap_or(text);
    let mut found = Vec::new();
    for (i, _) in text.match_indices("::") {
        let before = &text[..i];
        let word_start = before
            .rfind(|c: char| !(c.is_alphanumeric() || c == '_'))
            .map_or(0, |p| p + 1);
        let base: ModPath = match &before[word_start..] {
            "crate" => Vec::new(),
            "self" => module.clone(),
            "super" => module[..module.len().saturating_sub(1)].to_vec(),
            _ => continue,
        };
        // `super::super::x` is read at the first `super`.
        if before[..word_start].ends_with("::") {
            continue;
        }
        let mut rest = &text[i + 2..];
        let mut base = base;
        while let Some(r) = rest.strip_prefix("super::") {
            base.pop();
            rest = r;
        }
        paths(rest, &base, &mut found);
    }
    found
        .into_iter()
        .filter_map(|path| {
            (1..=path.len())
                .rev()
                .map(|n| path[..n].to_vec())
                .find(|p| all.contains_key(p))
        })
        .filter(|target| target != module)
        .collect()
}

/// The import graph, without a module's edges into its own children.
fn graph() -> BTreeMap<ModPath, BTreeSet<ModPath>> {
    let all = modules();
    all.iter()
        .map(|(module, text)| {
            let targets = imports(module, text, &all)
                .into_iter()
                .filter(|t| !t.starts_with(module))
                .collect();
            (module.clone(), targets)
        })
        .collect()
}

fn name(module: &ModPath) -> String {
    if module.is_empty() {
        "lib".into()
    } else {
        module.join("/")
    }
}

/// The strongly connected components with more than one module (Tarjan).
fn circles(graph: &BTreeMap<ModPath, BTreeSet<ModPath>>) -> Vec<Vec<String>> {
    struct Walk<'g> {
        graph: &'g BTreeMap<ModPath, BTreeSet<ModPath>>,
        index: BTreeMap<&'g ModPath, (usize, usize)>,
        stack: Vec<&'g ModPath>,
        next: usize,
        found: Vec<Vec<String>>,
    }
    impl<'g> Walk<'g> {
        fn visit(&mut self, v: &'g ModPath) {
            self.index.insert(v, (self.next, self.next));
            self.next += 1;
            self.stack.push(v);
            for w in self.graph.get(v).into_iter().flatten() {
                let low = match self.index.get(w) {
                    None => {
                        self.visit(w);
                        self.index[w].1
                    }
                    Some(&(index, _)) if self.stack.contains(&w) => index,
                    Some(_) => continue,
                };
                let entry = self.index.get_mut(v).expect("visited");
                entry.1 = entry.1.min(low);
            }
            let (index, low) = self.index[v];
            if index == low {
                let mut component = Vec::new();
                while let Some(w) = self.stack.pop() {
                    component.push(name(w));
                    if w == v {
                        break;
                    }
                }
                if component.len() > 1 {
                    component.sort();
                    self.found.push(component);
                }
            }
        }
    }
    let mut walk = Walk {
        graph,
        index: BTreeMap::new(),
        stack: Vec::new(),
        next: 0,
        found: Vec::new(),
    };
    for v in graph.keys() {
        if !walk.index.contains_key(v) {
            walk.visit(v);
        }
    }
    walk.found
}

fn top(module: &ModPath) -> &str {
    module.first().map_or("", String::as_str)
}

/// Functions longer than [`MAX_LINES`] (lines, name), from the `fn` line
/// to the brace that closes it at the same indent.
fn long_functions(text: &str) -> Vec<(usize, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut long = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let code = line.trim_start();
        let head = [
            "pub(crate) ",
            "pub(super) ",
            "pub ",
            "async ",
            "const ",
            "unsafe ",
        ]
        .iter()
        .fold(code, |c, p| c.strip_prefix(p).unwrap_or(c));
        let head = head.strip_prefix("async ").unwrap_or(head);
        if !head.starts_with("fn ") {
            continue;
        }
        let indent = line.len() - code.len();
        let Some(open) = (i..lines.len()).find(|&j| {
            let l = lines[j].trim_end();
            l.ends_with('{') || l.ends_with(';')
        }) else {
            continue;
        };
        if lines[open].trim_end().ends_with(';') {
            continue;
        }
        let close = (open + 1..lines.len())
            .find(|&k| {
                let l = lines[k];
                l.len() - l.trim_start().len() == indent && l.trim_start().starts_with('}')
            })
            .unwrap_or(lines.len());
        let n = close - i + 1;
        if n > MAX_LINES {
            let name = &head["fn ".len()..];
            long.push((n, name[..ident_len(name)].to_string()));
        }
    }
    long
}

#[test]
fn no_module_imports_in_a_circle() {
    let circles = circles(&graph());
    assert!(circles.is_empty(), "import circles: {circles:?}");
}

#[test]
fn steps_import_no_other_step_and_readers_no_step() {
    let mut wrong = Vec::new();
    for (module, targets) in graph() {
        for target in &targets {
            let (from, to) = (top(&module), top(target));
            let step_to_step = STEPS.contains(&from) && STEPS.contains(&to) && from != to;
            let reader_to_step = READERS.contains(&from) && STEPS.contains(&to);
            if step_to_step || reader_to_step {
                wrong.push(format!("{} -> {}", name(&module), name(target)));
            }
        }
    }
    assert!(wrong.is_empty(), "imports against the house: {wrong:?}");
}

#[test]
fn no_function_is_longer_than_a_hundred_lines() {
    let mut long = Vec::new();
    let mut reshaped: Vec<&(&str, &str)> = BEING_RESHAPED.iter().collect();
    for (module, text) in modules() {
        let module = name(&module);
        for (n, function) in long_functions(&text) {
            match reshaped
                .iter()
                .position(|(m, f)| *m == module && *f == function)
            {
                Some(i) => drop(reshaped.remove(i)),
                None => long.push(format!("{module}::{function} ({n} lines)")),
            }
        }
    }
    assert!(
        long.is_empty(),
        "functions over {MAX_LINES} lines: {long:#?}"
    );
    assert!(
        reshaped.is_empty(),
        "no longer over {MAX_LINES} lines, take them off BEING_RESHAPED: {reshaped:?}"
    );
}

#[test]
fn the_reading_finds_what_it_looks_for() {
    // The test must be able to fail: a circle, a step import and a long
    // function written here are found.
    let all: BTreeMap<ModPath, String> = [
        (
            vec!["a".to_string()],
            "use crate::{b::{X, Z}, check::{self, probe::Y as W}};".to_string(),
        ),
        (vec!["b".to_string()], "use super::a::Y;".to_string()),
        (vec!["check".to_string()], String::new()),
        (
            vec!["check".to_string(), "probe".to_string()],
            String::new(),
        ),
    ]
    .into_iter()
    .collect();
    let graph: BTreeMap<ModPath, BTreeSet<ModPath>> = all
        .iter()
        .map(|(m, t)| (m.clone(), imports(m, t, &all)))
        .collect();
    assert_eq!(
        circles(&graph),
        vec![vec!["a".to_string(), "b".to_string()]]
    );
    let from_a = &graph[&vec!["a".to_string()]];
    assert!(from_a.contains(&vec!["check".to_string()]), "{from_a:?}");
    assert!(
        from_a.contains(&vec!["check".to_string(), "probe".to_string()]),
        "{from_a:?}"
    );
    let body = |n: usize| "    x();\n".repeat(n);
    let text = format!(
        "pub fn fits() {{\n{}}}\n\n    async fn long() {{\n{}    }}\n",
        body(MAX_LINES - 2),
        body(MAX_LINES - 1)
    );
    assert_eq!(
        long_functions(&text),
        vec![(MAX_LINES + 1, "long".to_string())]
    );
}
