//! The JSON Schemas of the JSONL outputs (`schemas/*.schema.json`, generated from the Rust types
//! with schemars): they are current, and real outputs follow them. Run with
//! `INFORME_UPDATE_SCHEMAS=1 cargo test --test integration schemas::` to rewrite them after changing a type.
//!
//! The check is a small validator of the keywords schemars writes (`$ref`, `type`, `properties`,
//! `required`, `additionalProperties`, `patternProperties`, `items`, `enum`, `const`, `anyOf`,
//! `oneOf`, `allOf`, `minItems`, `maxItems`); a key an output has and its schema does not name is an error.

use std::path::Path;
use std::process::Command;

use assert_cmd::cargo::CommandCargoExt;
use serde_json::Value;

fn schema_path(name: &str) -> std::path::PathBuf {
    Path::new("schemas").join(format!("{name}.schema.json"))
}

#[test]
fn committed_schemas_are_generated_from_the_types() {
    let update = std::env::var_os("INFORME_UPDATE_SCHEMAS").is_some();
    let mut stale = Vec::new();
    for (name, schema) in informe::output::jsonl_schemas() {
        let text = serde_json::to_string_pretty(&schema).unwrap() + "\n";
        let path = schema_path(name);
        if update {
            std::fs::create_dir_all("schemas").unwrap();
            std::fs::write(&path, &text).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            stale.push(path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "stale schemas (rerun with INFORME_UPDATE_SCHEMAS=1): {stale:?}"
    );
}

/// The errors of `value` against `schema` (within `root`, for `$ref`), at `at`.
fn check(value: &Value, schema: &Value, root: &Value, at: &str, errors: &mut Vec<String>) {
    let Some(s) = schema.as_object() else {
        if schema == &Value::Bool(false) {
            errors.push(format!("{at}: not allowed"));
        }
        return;
    };
    if let Some(r) = s.get("$ref").and_then(Value::as_str) {
        let target = r
            .strip_prefix("#/")
            .map(|p| p.split('/').fold(root, |v, k| &v[k]))
            .unwrap_or(&Value::Null);
        check(value, target, root, at, errors);
    }
    if let Some(t) = s.get("type") {
        let types: Vec<&str> = match t {
            Value::String(x) => vec![x.as_str()],
            Value::Array(xs) => xs.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        let fits = |ty: &str| match ty {
            "null" => value.is_null(),
            "boolean" => value.is_boolean(),
            "string" => value.is_string(),
            "number" => value.is_number(),
            "integer" => value.as_f64().is_some_and(|n| n.fract() == 0.0),
            "array" => value.is_array(),
            "object" => value.is_object(),
            _ => false,
        };
        if !types.iter().any(|ty| fits(ty)) {
            errors.push(format!("{at}: {value} is not {types:?}"));
            return;
        }
    }
    if let Some(e) = s.get("enum").and_then(Value::as_array) {
        if !e.contains(value) {
            errors.push(format!("{at}: {value} not in {e:?}"));
        }
    }
    if let Some(c) = s.get("const") {
        if c != value {
            errors.push(format!("{at}: {value} is not {c}"));
        }
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(options) = s.get(key).and_then(Value::as_array) {
            let fits = options.iter().any(|o| {
                let mut e = Vec::new();
                check(value, o, root, at, &mut e);
                e.is_empty()
            });
            if !fits {
                errors.push(format!("{at}: {value} fits none of {key}"));
            }
        }
    }
    if let Some(all) = s.get("allOf").and_then(Value::as_array) {
        for o in all {
            check(value, o, root, at, errors);
        }
    }
    let object_keywords = ["properties", "additionalProperties", "patternProperties"];
    if let (Some(obj), true) = (
        value.as_object(),
        object_keywords.iter().any(|k| s.contains_key(*k)),
    ) {
        let props = s.get("properties").and_then(Value::as_object);
        for key in s
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(k) = key.as_str() {
                if !obj.contains_key(k) {
                    errors.push(format!("{at}: missing {k}"));
                }
            }
        }
        let patterns = s.get("patternProperties").and_then(Value::as_object);
        for (k, v) in obj {
            let sub = format!("{at}.{k}");
            let by_pattern = patterns.and_then(|p| {
                p.iter()
                    .find(|(re, _)| regex::Regex::new(re).is_ok_and(|r| r.is_match(k)))
                    .map(|(_, ps)| ps)
            });
            match (
                props.and_then(|p| p.get(k)).or(by_pattern),
                s.get("additionalProperties"),
            ) {
                (Some(ps), _) => check(v, ps, root, &sub, errors),
                (None, Some(ap)) if ap != &Value::Bool(false) => check(v, ap, root, &sub, errors),
                _ => errors.push(format!("{sub}: not in the schema")),
            }
        }
    }
    if let Some(items) = value.as_array() {
        if let Some(item) = s.get("items") {
            for (i, v) in items.iter().enumerate() {
                check(v, item, root, &format!("{at}[{i}]"), errors);
            }
        }
        let n = items.len() as u64;
        if s.get("minItems")
            .and_then(Value::as_u64)
            .is_some_and(|m| n < m)
            || s.get("maxItems")
                .and_then(Value::as_u64)
                .is_some_and(|m| n > m)
        {
            errors.push(format!("{at}: {n} items"));
        }
    }
}

#[test]
fn the_outputs_follow_their_schemas() {
    let work = tempfile::tempdir().unwrap();
    let run = work.path().join("run");
    // Text, PDF and .docx submissions, a compile against the published report, and the 2021
    // report (tables, footnotes, relations, flags of every kind).
    let status = Command::cargo_bin("informe")
        .unwrap()
        .args([
            "extract",
            "--quiet",
            "fixtures/compile",
            "fixtures/informe-ejecutivo-2021.txt",
        ])
        .args(["fixtures/pdf/informe-2021-sidebox.pdf", "--out"])
        .arg(&run)
        .status()
        .unwrap();
    assert!(status.success());
    let status = Command::cargo_bin("informe")
        .unwrap()
        .arg("compile")
        .arg(&run)
        .args(["--against", "fixtures/compile-published-report.txt"])
        .output()
        .unwrap();
    assert!(status.status.success());
    let mut errors = Vec::new();
    let mut seen = 0;
    for (name, schema) in informe::output::jsonl_schemas() {
        let schema = serde_json::to_value(&schema).unwrap();
        let mut files = vec![run.join(format!("{name}.jsonl"))];
        for entry in std::fs::read_dir(&run).unwrap() {
            let dir = entry.unwrap().path();
            if dir.is_dir() {
                files.push(dir.join(format!("{name}.jsonl")));
            }
        }
        for file in files.iter().filter(|f| f.exists()) {
            for (i, line) in std::fs::read_to_string(file).unwrap().lines().enumerate() {
                let value: Value = serde_json::from_str(line).unwrap();
                let at = format!("{}:{}", file.display(), i + 1);
                check(&value, &schema, &schema, &at, &mut errors);
                seen += 1;
            }
        }
    }
    assert!(seen > 300, "only {seen} records checked");
    errors.truncate(20);
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[test]
fn the_validator_rejects_what_does_not_fit() {
    let (_, schema) = informe::output::jsonl_schemas()
        .into_iter()
        .find(|(n, _)| *n == "flags")
        .unwrap();
    let schema = serde_json::to_value(&schema).unwrap();
    let good = serde_json::json!({
        "kind": "breakdown_sum", "severity": "error", "objective": 7, "message": "m",
        "evidence": "e", "provenance": null, "action": null, "related": []
    });
    let mut errors = Vec::new();
    check(&good, &schema, &schema, "good", &mut errors);
    assert!(errors.is_empty(), "{errors:?}");
    for bad in [
        serde_json::json!({"kind": 3, "severity": "error", "objective": 7, "message": "m", "evidence": "e", "provenance": null, "action": null, "related": []}),
        serde_json::json!({"kind": "k", "severity": "grave", "objective": 7, "message": "m", "evidence": "e", "provenance": null, "action": null, "related": []}),
        serde_json::json!({"kind": "k", "severity": "error", "objective": 7, "message": "m", "evidence": "e", "provenance": null, "action": null, "related": [], "colour": 1}),
        serde_json::json!({"severity": "error", "objective": 7, "message": "m", "evidence": "e", "provenance": null, "action": null, "related": []}),
    ] {
        let mut errors = Vec::new();
        check(&bad, &schema, &schema, "bad", &mut errors);
        assert!(!errors.is_empty(), "accepted {bad}");
    }
}
