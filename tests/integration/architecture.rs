//! The layout of `src/` as a rule: modules form layers, and a module uses only the layers below
//! it. The pipeline's stages come in order (ingest → normalize → segment → extract → audit), each
//! owning its rules type; bottom modules (errors, patterns, text keys, geometry, the catalog) use no
//! stage; `profile` wires the stages' rules; outputs, compile and bulk runs sit on top, and the
//! binary's `cmd/` on top of all. So there is no import cycle, and a stage can be read, built in
//! the mind and tested alone.
//!
//! The check reads the `crate::…` paths of every source file (its test module aside, which may
//! use anything) and fails naming the file and the path that goes up a layer.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Modules from the bottom up; a module may use only modules listed before it.
const LAYERS: &[&str] = &[
    // Bottom: no stage.
    "testing",
    "locale",
    "error",
    "builtin",
    "textkey",
    "hash",
    "gate",
    "garble",
    "patterns",
    "geometry",
    "catalog",
    // The stages, in pipeline order.
    "ingest",
    "normalize",
    "segment",
    "extract",
    "audit",
    // Reading a rules folder; running the stages on one input.
    "profile",
    "pipeline",
    // Outputs and runs.
    "output",
    "review",
    "workbook",
    "compile",
    "bulk",
    // The terminal's summary and progress of a run.
    "report",
];

/// Names the crate root re-exports, and the module they come from.
const ROOT_NAMES: &[(&str, &str)] = &[
    ("InputError", "error"),
    ("OutputError", "error"),
    ("RulesError", "error"),
    ("Rules", "profile"),
    ("Extracted", "extract"),
    ("process_file", "pipeline"),
    ("process_bytes", "pipeline"),
    // `informe::rules` is the root's façade over every stage's rule types.
    ("rules", "profile"),
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top module a source file belongs to (`src/extract/figures.rs` → `extract`).
fn module_of(path: &Path) -> String {
    let rel = path.strip_prefix("src").unwrap();
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

/// The code of a file without its `#[cfg(test)]` module and without comments.
fn code_of(text: &str) -> String {
    let code = match text.find("#[cfg(test)]") {
        Some(at) => &text[..at],
        None => text,
    };
    code.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The top modules a piece of code names through `crate::`, with the path as written.
fn crate_paths(code: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let after = &rest[at + "crate::".len()..];
        if let Some(group) = after.strip_prefix('{') {
            // `crate::{a::b, c}`: each item's first segment (nested braces kept whole).
            let mut depth = 1;
            let end = group
                .char_indices()
                .find(|&(_, c)| {
                    match c {
                        '{' => depth += 1,
                        '}' => depth -= 1,
                        _ => {}
                    }
                    depth == 0
                })
                .map_or(group.len(), |(i, _)| i);
            let mut depth = 0;
            let mut item = String::new();
            for c in group[..end].chars().chain([',']) {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        let head = item.trim().split("::").next().unwrap_or("").to_string();
                        if !head.is_empty() {
                            out.push((head, format!("crate::{{{}}}", item.trim())));
                        }
                        item.clear();
                        continue;
                    }
                    _ => {}
                }
                item.push(c);
            }
        } else {
            let head: String = after
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let path: String = after
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            out.push((head, format!("crate::{path}")));
        }
        rest = after;
    }
    out
}

fn rank(module: &str) -> Option<usize> {
    LAYERS.iter().position(|m| *m == module)
}

#[test]
fn every_module_uses_only_the_layers_below_it() {
    let mut files = Vec::new();
    rust_files(Path::new("src"), &mut files);
    files.sort();
    let mut problems = Vec::new();
    let mut edges: BTreeMap<(String, String), usize> = BTreeMap::new();
    for file in &files {
        let module = module_of(file);
        if module == "main" || module == "cmd" || module == "lib" {
            continue; // the binary's edge and the crate root sit above every layer
        }
        let Some(own) = rank(&module) else {
            problems.push(format!(
                "{}: module `{module}` is not in LAYERS (tests/integration/architecture.rs): place it in a layer",
                file.display()
            ));
            continue;
        };
        let text = std::fs::read_to_string(file).unwrap();
        for (head, path) in crate_paths(&code_of(&text)) {
            let target = ROOT_NAMES
                .iter()
                .find(|(name, _)| *name == head)
                .map_or(head.as_str(), |(_, m)| *m);
            if target == module {
                continue;
            }
            *edges
                .entry((module.clone(), target.to_string()))
                .or_default() += 1;
            match rank(target) {
                Some(r) if r < own => {}
                Some(_) => problems.push(format!(
                    "{}: `{module}` uses `{path}`, a layer at or above its own",
                    file.display()
                )),
                None => problems.push(format!(
                    "{}: `{path}` names `{target}`, which is not a module in LAYERS",
                    file.display()
                )),
            }
        }
    }
    assert!(
        problems.is_empty(),
        "layering broken:\n{}",
        problems.join("\n")
    );
    // The check saw the pipeline's real edges (it would pass vacuously on a parse failure).
    for (from, to) in [
        ("normalize", "ingest"),
        ("segment", "normalize"),
        ("extract", "segment"),
        ("audit", "extract"),
    ] {
        assert!(
            edges.contains_key(&(from.to_string(), to.to_string())),
            "expected `{from}` to use `{to}`; edges seen: {:?}",
            edges.keys().collect::<Vec<_>>()
        );
    }
}

#[test]
fn the_path_reader_sees_grouped_and_nested_uses() {
    let code = "use crate::{error::RulesError, patterns::{compile, Pattern}};\nlet x = crate::ingest::pdf::read(1);";
    let heads: Vec<String> = crate_paths(code).into_iter().map(|(h, _)| h).collect();
    assert_eq!(heads, ["error", "patterns", "ingest"]);
    assert_eq!(
        code_of("use crate::a;\n// crate::b\n#[cfg(test)]\nmod tests { use crate::c; }"),
        "use crate::a;"
    );
}
