//! Compile: the cycle's summary tables and compendium from a run's data (`informe compile`).
//!
//! From a run folder (`actions.jsonl`, `challenges.jsonl`) it writes:
//! - `resumen.md`, `resumen.csv`, `resumen.svg`: actions per objective (in order and sorted), the
//!   objectives with most and fewest actions written the way the report writes ties ("3 C/U"),
//!   the objectives with none, the participating agencies with their actions, and the challenges
//!   by category with the statements that match none;
//! - `compendio.md`, `compendio.docx`: every action, by objective and then by agency, with its
//!   figures, periods and source;
//! - with `--against REPORT`, `compile_flags.jsonl`: each difference between what the published
//!   report declares and what the submissions contain, naming both sources.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

use crate::audit::{Flag, Severity};
use crate::error::{CompileError, OutputError};
use crate::extract::challenges::ChallengeRecord;
use crate::extract::{ActionRecord, Provenance};
use crate::output::write_atomic;
use crate::textkey::fold_key;
use crate::Rules;

/// The computed tables.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Summary {
    /// (objective, title, actions), objectives in order.
    pub per_objective: Vec<(u32, String, usize)>,
    /// Groups of tied objectives with most actions, most first: (objectives, count).
    pub most: Vec<(Vec<u32>, usize)>,
    /// Groups of tied objectives with fewest actions, fewest first.
    pub fewest: Vec<(Vec<u32>, usize)>,
    pub none: Vec<u32>,
    /// (acronym, name, actions), most actions first.
    pub agencies: Vec<(String, String, usize)>,
    /// Actions of inputs whose agency was not found (not counted as a participant).
    pub unattributed: usize,
    /// (category id, name, statements).
    pub challenges: Vec<(String, String, usize)>,
    /// Statements that match no category.
    pub unmatched: Vec<String>,
    pub total_actions: usize,
}

/// Groups of tied counts, in the order given, until at least `n` objectives are covered.
fn ties(sorted: &[(u32, usize)], n: usize) -> Vec<(Vec<u32>, usize)> {
    let mut groups: Vec<(Vec<u32>, usize)> = Vec::new();
    for &(o, c) in sorted {
        let covered: usize = groups.iter().map(|g| g.0.len()).sum();
        match groups.last_mut() {
            Some(g) if g.1 == c => g.0.push(o),
            _ if covered >= n => break,
            _ => groups.push((vec![o], c)),
        }
    }
    groups
}

/// How the report writes a group's count: "27", or "3 C/U" (cada uno) for ties.
pub fn count_label(group: &(Vec<u32>, usize)) -> String {
    if group.0.len() > 1 {
        format!("{} C/U", group.1)
    } else {
        group.1.to_string()
    }
}

/// Computes the tables from a run's actions and challenges.
pub fn summarize(
    actions: &[ActionRecord],
    challenges: &[ChallengeRecord],
    rules: &Rules,
) -> Summary {
    let mut counts: BTreeMap<u32, usize> = BTreeMap::new();
    let mut agencies: BTreeMap<String, usize> = BTreeMap::new();
    let mut unattributed = 0;
    for a in actions {
        *counts.entry(a.objective).or_insert(0) += 1;
        match &a.submitter {
            Some(who) => *agencies.entry(who.clone()).or_insert(0) += 1,
            None => unattributed += 1,
        }
    }
    let per_objective: Vec<(u32, String, usize)> = rules
        .objectives
        .objectives
        .iter()
        .map(|o| {
            (
                o.number,
                o.es.clone(),
                counts.get(&o.number).copied().unwrap_or(0),
            )
        })
        .collect();
    let mut desc: Vec<(u32, usize)> = per_objective.iter().map(|(n, _, c)| (*n, *c)).collect();
    desc.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut asc = desc.clone();
    asc.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
    let mut agencies: Vec<(String, String, usize)> = agencies
        .into_iter()
        .map(|(acr, n)| {
            let name = rules
                .extract
                .agencies
                .get(&acr)
                .and_then(|a| a.names.first().cloned())
                .unwrap_or_default();
            (acr, name, n)
        })
        .collect();
    agencies.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
    let mut cat_counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut unmatched = Vec::new();
    for c in challenges {
        if c.categories.is_empty() {
            unmatched.push(c.text.clone());
        }
        for id in &c.categories {
            *cat_counts.entry(id.clone()).or_insert(0) += 1;
        }
    }
    let challenges = rules
        .extract
        .challenges
        .categories
        .iter()
        .map(|c| {
            (
                c.id.clone(),
                c.name.clone(),
                cat_counts.get(&c.id).copied().unwrap_or(0),
            )
        })
        .collect();
    Summary {
        none: per_objective
            .iter()
            .filter(|p| p.2 == 0)
            .map(|p| p.0)
            .collect(),
        most: ties(&desc, 5),
        fewest: ties(&asc, 5),
        per_objective,
        agencies,
        unattributed,
        challenges,
        unmatched,
        total_actions: actions.len(),
    }
}

impl Summary {
    /// The objectives sorted by actions, most first; ties in objective order.
    pub fn sorted(&self) -> Vec<&(u32, String, usize)> {
        let mut v: Vec<_> = self.per_objective.iter().collect();
        v.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
        v
    }
}

fn markdown(s: &Summary, rules: &Rules) -> String {
    let title = |n: u32| {
        rules
            .objectives
            .resolve(n)
            .map_or(String::new(), |o| o.es.clone())
    };
    let mut md = String::from("# Resumen del ciclo\n\n");
    let _ = writeln!(md, "Total de programas y acciones: {}\n", s.total_actions);
    md.push_str("## Programas y acciones por objetivo\n\n| Objetivo | Título | Acciones |\n|---:|---|---:|\n");
    for (n, t, c) in &s.per_objective {
        let _ = writeln!(md, "| {n} | {t} | {c} |");
    }
    md.push_str("\n## Objetivos ordenados por número de acciones\n\n| Objetivo | Título | Acciones |\n|---:|---|---:|\n");
    for (n, t, c) in s.sorted() {
        let _ = writeln!(md, "| {n} | {t} | {c} |");
    }
    let group_table = |md: &mut String, name: &str, groups: &[(Vec<u32>, usize)]| {
        let _ = writeln!(md, "\n## {name}\n\n| Objetivo | Número de programas, acciones y buenas prácticas |\n|---|---:|");
        for g in groups {
            let objs: Vec<String> = g.0.iter().map(|n| format!("{n}. {}", title(*n))).collect();
            let _ = writeln!(md, "| {} | {} |", objs.join("<br>"), count_label(g));
        }
    };
    group_table(&mut md, "Objetivos con más programas y/o acciones", &s.most);
    group_table(
        &mut md,
        "Objetivos con menos programas y/o acciones",
        &s.fewest,
    );
    md.push_str("\n## Objetivos sin acciones\n\n");
    if s.none.is_empty() {
        md.push_str("Todos los objetivos tienen acciones.\n");
    }
    for n in &s.none {
        let _ = writeln!(md, "- {n}. {}", title(*n));
    }
    let _ = writeln!(md, "\n## Dependencias participantes ({})\n\n| Siglas | Dependencia | Acciones |\n|---|---|---:|", s.agencies.len());
    for (a, name, n) in &s.agencies {
        let _ = writeln!(md, "| {a} | {name} | {n} |");
    }
    if s.unattributed > 0 {
        let _ = writeln!(
            md,
            "\nAcciones de entregas sin dependencia identificada (revisar): {}",
            s.unattributed
        );
    }
    md.push_str("\n## Retos por categoría\n\n| Categoría | Número de retos |\n|---|---:|\n");
    for (_, name, n) in &s.challenges {
        let _ = writeln!(md, "| {name} | {n} |");
    }
    let _ = writeln!(
        md,
        "\nUn reto puede corresponder a una o más categorías.\n\n### Retos sin categoría ({})\n",
        s.unmatched.len()
    );
    for u in &s.unmatched {
        let _ = writeln!(md, "- {u}");
    }
    md.push_str("\n![Acciones por objetivo](resumen.svg)\n");
    md
}

/// Writes a row of `resumen.csv`, each cell through [`crate::output::csv_text`] (the counts
/// never start with a formula character, so they are written as they are).
fn write_text_record<const N: usize>(
    w: &mut csv::Writer<Vec<u8>>,
    cells: [&str; N],
) -> Result<(), csv::Error> {
    w.write_record(
        cells
            .map(crate::output::csv_text)
            .iter()
            .map(|c| c.as_ref()),
    )
}

fn csv(s: &Summary) -> Result<Vec<u8>, csv::Error> {
    // A BOM first so that Excel reads the accents right.
    let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    write_text_record(&mut w, ["tabla", "clave", "nombre", "valor"])?;
    for (n, t, c) in &s.per_objective {
        write_text_record(&mut w, ["objetivo", &n.to_string(), t, &c.to_string()])?;
    }
    for (n, t, c) in s.sorted() {
        write_text_record(
            &mut w,
            ["objetivo_ordenado", &n.to_string(), t, &c.to_string()],
        )?;
    }
    for (label, groups) in [("mas_acciones", &s.most), ("menos_acciones", &s.fewest)] {
        for g in groups.iter() {
            let objs: Vec<String> = g.0.iter().map(u32::to_string).collect();
            write_text_record(
                &mut w,
                [label, &objs.join(" "), &count_label(g), &g.1.to_string()],
            )?;
        }
    }
    for n in &s.none {
        write_text_record(&mut w, ["sin_acciones", &n.to_string(), "", "0"])?;
    }
    for (a, name, n) in &s.agencies {
        write_text_record(&mut w, ["dependencia", a, name, &n.to_string()])?;
    }
    if s.unattributed > 0 {
        write_text_record(
            &mut w,
            [
                "dependencia_sin_identificar",
                "",
                "",
                &s.unattributed.to_string(),
            ],
        )?;
    }
    for (id, name, n) in &s.challenges {
        write_text_record(&mut w, ["reto", id, name, &n.to_string()])?;
    }
    for u in &s.unmatched {
        write_text_record(&mut w, ["reto_sin_categoria", "", u, "1"])?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// The chart of actions per objective (the report's annex 1).
pub fn svg(s: &Summary) -> String {
    let max = s
        .per_objective
        .iter()
        .map(|p| p.2)
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"{}\" role=\"img\" aria-label=\"Acciones por objetivo\">\n",
        s.per_objective.len() * 20 + 10
    );
    for (k, (n, _, c)) in s.per_objective.iter().enumerate() {
        let y = 5 + k * 20;
        let _ = writeln!(
            out,
            "<text x=\"0\" y=\"{}\" font-size=\"12\">Obj. {n}</text><rect x=\"60\" y=\"{y}\" width=\"{:.1}\" height=\"14\" fill=\"{}\"/><text x=\"{:.1}\" y=\"{}\" font-size=\"12\">{c}</text>",
            y + 11,
            500.0 * *c as f64 / max,
            if *c == 0 { "#b00020" } else { "#3b7dd8" },
            66.0 + 500.0 * *c as f64 / max,
            y + 11
        );
    }
    out.push_str("</svg>\n");
    out
}

/// The compendium: objective → agency → actions with figures, periods and source.
fn compendium(actions: &[ActionRecord], rules: &Rules) -> Vec<(u8, String)> {
    // (level, text): level 1 and 2 are headings, 0 a paragraph, 3 a list item.
    let mut out = vec![(1, "Compendio General".to_string())];
    for o in &rules.objectives.objectives {
        let mine: Vec<&ActionRecord> = actions.iter().filter(|a| a.objective == o.number).collect();
        out.push((1, format!("Objetivo {}. {}", o.number, o.es)));
        if mine.is_empty() {
            out.push((
                0,
                "No se registraron actividades correspondientes a este objetivo.".to_string(),
            ));
            continue;
        }
        let mut by_agency: BTreeMap<String, Vec<&ActionRecord>> = BTreeMap::new();
        for a in mine {
            by_agency
                .entry(
                    a.submitter
                        .clone()
                        .unwrap_or_else(|| "Dependencia no identificada".to_string()),
                )
                .or_default()
                .push(a);
        }
        for (agency, list) in by_agency {
            out.push((2, agency));
            for a in list {
                out.push((3, a.text.replace('\n', " ")));
                for s in &a.sub_items {
                    out.push((3, format!("    {}", s.text)));
                }
                let figs: Vec<String> = a
                    .figures
                    .iter()
                    .map(|f| {
                        format!(
                            "{}{}",
                            f.raw,
                            f.unit_raw
                                .as_deref()
                                .map_or(String::new(), |u| format!(" {u}"))
                        )
                    })
                    .collect();
                let periods: Vec<&str> = a.periods.iter().map(|p| p.raw.as_str()).collect();
                let p = &a.provenance;
                out.push((
                    0,
                    format!(
                        "Cifras: {}. Periodos: {}. Fuente: {}{}, línea {}.",
                        if figs.is_empty() {
                            "—".to_string()
                        } else {
                            figs.join("; ")
                        },
                        if periods.is_empty() {
                            "—".to_string()
                        } else {
                            periods.join("; ")
                        },
                        p.file,
                        p.page.map_or(String::new(), |n| format!(", página {n}")),
                        p.line
                    ),
                ));
            }
        }
    }
    out
}

fn compendium_md(items: &[(u8, String)]) -> String {
    let mut blocks: Vec<String> = Vec::new();
    for (level, text) in items {
        match level {
            1 => blocks.push(format!("# {text}")),
            2 => blocks.push(format!("## {text}")),
            _ => blocks.push(if *level == 3 {
                format!("- {text}")
            } else {
                text.clone()
            }),
        }
    }
    let mut md = blocks.join("\n\n");
    md.push('\n');
    md
}

/// The compendium as a Word document (`docx-rs`): Heading 1 per objective, Heading 2 per agency,
/// a bulleted list item per action followed by its figures, periods and source.
fn compendium_docx(items: &[(u8, String)]) -> Result<Vec<u8>, std::io::Error> {
    use docx_rs::{
        AbstractNumbering, Docx, IndentLevel, Level, LevelJc, LevelText, NumberFormat, Numbering,
        NumberingId, Paragraph, Run, SpecialIndentType, Start, Style, StyleType,
    };
    let heading = |id: &str, name: &str, size: usize, level: usize| {
        Style::new(id, StyleType::Paragraph)
            .name(name)
            .based_on("Normal")
            .bold()
            .size(size)
            .outline_lvl(level)
    };
    let mut doc = Docx::new()
        .add_style(heading("Heading1", "heading 1", 32, 0))
        .add_style(heading("Heading2", "heading 2", 26, 1))
        .add_style(Style::new("ListParagraph", StyleType::Paragraph).name("List Paragraph"))
        .add_abstract_numbering(
            AbstractNumbering::new(2).add_level(
                Level::new(
                    0,
                    Start::new(1),
                    NumberFormat::new("bullet"),
                    LevelText::new("•"),
                    LevelJc::new("left"),
                )
                .indent(
                    Some(720),
                    Some(SpecialIndentType::Hanging(360)),
                    None,
                    None,
                ),
            ),
        )
        .add_numbering(Numbering::new(2, 2));
    for (level, text) in items {
        let p = Paragraph::new().add_run(Run::new().add_text(text));
        doc = doc.add_paragraph(match level {
            1 => p.style("Heading1"),
            2 => p.style("Heading2"),
            3 => p
                .style("ListParagraph")
                .numbering(NumberingId::new(2), IndentLevel::new(0)),
            _ => p,
        });
    }
    let mut buf = std::io::Cursor::new(Vec::new());
    doc.build().pack(&mut buf).map_err(std::io::Error::other)?;
    schema_ordered(&buf.into_inner())
}

/// The package with the empty run properties docx-rs writes first in every paragraph's
/// properties (`<w:pPr><w:rPr />…`) taken out: the OOXML schema wants `w:rPr` last in `w:pPr`
/// (LibreOffice tolerates it, Word may not); empty, it says nothing.
fn schema_ordered(docx: &[u8]) -> Result<Vec<u8>, std::io::Error> {
    use std::io::{Read, Write};
    let mut input =
        zip::ZipArchive::new(std::io::Cursor::new(docx)).map_err(std::io::Error::other)?;
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    for i in 0..input.len() {
        let mut entry = input.by_index(i).map_err(std::io::Error::other)?;
        let name = entry.name().map_err(std::io::Error::other)?.to_string();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes)?;
        if name == "word/document.xml" {
            let xml = String::from_utf8(bytes).map_err(std::io::Error::other)?;
            bytes = xml
                .replace("<w:pPr><w:rPr /></w:pPr>", "")
                .replace("<w:pPr><w:rPr />", "<w:pPr>")
                .into_bytes();
        }
        out.start_file(name, options)
            .map_err(std::io::Error::other)?;
        out.write_all(&bytes)?;
    }
    Ok(out.finish().map_err(std::io::Error::other)?.into_inner())
}

/// Rewrites the run's review page and workbook (where the run has them) so that they show the
/// comparison with the published report.
fn show_comparison(run_dir: &Path, rules: &Rules) -> Result<(), OutputError> {
    let run_json = run_dir.join("run.json");
    if run_dir.join("informe.xlsx").exists() || run_dir.join("review.html").exists() {
        let bytes = std::fs::read(&run_json).map_err(|e| OutputError::read(&run_json, e))?;
        let run: crate::output::RunSummary = serde_json::from_slice(&bytes)
            .map_err(|e| OutputError::read(&run_json, std::io::Error::other(e)))?;
        if run_dir.join("informe.xlsx").exists() {
            crate::workbook::write_workbook(run_dir, &run)?;
        }
        if run_dir.join("review.html").exists() {
            crate::review::write_review(run_dir, &run, rules)?;
        }
    }
    Ok(())
}

/// What a published report declares: per objective, total, participants, per challenge category.
fn declared(report: &crate::Extracted, rules: &Rules) -> Vec<(String, u64, Provenance, String)> {
    let mut out = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for d in crate::audit::declared_counts(report, &rules.audit) {
        let key = match d.objective {
            Some(n) => format!("objetivo {n}"),
            None => "total de programas y acciones".to_string(),
        };
        if seen.insert(key.clone()) {
            out.push((key, d.count, d.provenance, d.evidence));
        }
    }
    // Challenges per category, from the report's table of challenge counts.
    for t in report
        .tables
        .iter()
        .filter(|t| t.kind == "challenge_counts")
    {
        let mut name = String::new();
        let (mut first_line, mut first_start) = (0, 0);
        for l in t.lines.iter().skip(1) {
            let text = l.text.trim();
            let (words, number) = match text.rsplit_once(' ') {
                Some((w, n)) if n.chars().all(|c| c.is_ascii_digit()) => (w, Some(n)),
                _ if text.chars().all(|c| c.is_ascii_digit()) => ("", Some(text)),
                _ => (text, None),
            };
            if name.is_empty() {
                (first_line, first_start) = (l.line, l.span[0]);
            }
            if !words.is_empty() {
                name.push(' ');
                name.push_str(words);
            }
            if let Some(n) = number.and_then(|n| n.parse::<u64>().ok()) {
                let folded: Vec<String> = fold_key(&name).split(' ').map(str::to_string).collect();
                let best = rules.extract.challenges.categories.iter().max_by_key(|c| {
                    let cat = fold_key(&c.name);
                    folded
                        .iter()
                        .filter(|w| w.len() > 3 && cat.contains(w.as_str()))
                        .count()
                });
                if let Some(c) = best {
                    out.push((
                        format!("reto {}", c.id),
                        n,
                        Provenance {
                            file: report.source.file.clone(),
                            page: t.place.page,
                            line: first_line,
                            line_end: l.line,
                            span: [first_start, l.span[1]],
                            bbox: None,
                        },
                        name.trim().to_string(),
                    ));
                }
                name.clear();
            }
        }
    }
    out
}

/// What a comparison key counts, in Spanish for people: a challenge category by its name
/// (`reto capacidad_institucional` → `retos de «Capacidades institucionales: …»`).
fn comparison_label(key: &str, rules: &Rules) -> String {
    let category = key.strip_prefix("reto ").and_then(|id| {
        let categories = &rules.extract.challenges.categories;
        categories.iter().find(|c| c.id == id)
    });
    match category {
        Some(c) => format!("retos de «{}»", c.name),
        None => key.to_string(),
    }
}

/// Runs `informe compile`: writes the tables and the compendium into `run_dir`; with `against`,
/// also the differences with the published report as flags. Returns the summary and the flags.
pub fn compile(
    run_dir: &Path,
    rules: &Rules,
    against: Option<&Path>,
) -> Result<(Summary, Vec<Flag>), CompileError> {
    let actions_path = run_dir.join("actions.jsonl");
    if !actions_path.is_file() {
        return Err(CompileError::NotARun(run_dir.to_path_buf()));
    }
    let actions: Vec<ActionRecord> = crate::output::read_jsonl(&actions_path)?;
    // Runs made before challenges were extracted have no challenges.jsonl: none to count.
    let challenges_path = run_dir.join("challenges.jsonl");
    let challenges: Vec<ChallengeRecord> = match crate::output::read_jsonl(&challenges_path) {
        Err(OutputError::Read { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
            Vec::new()
        }
        read => read?,
    };
    let s = summarize(&actions, &challenges, rules);
    write_atomic(&run_dir.join("resumen.md"), markdown(&s, rules).as_bytes())?;
    let table = csv(&s)
        .map_err(|e| OutputError::write(&run_dir.join("resumen.csv"), std::io::Error::other(e)))?;
    write_atomic(&run_dir.join("resumen.csv"), &table)?;
    write_atomic(&run_dir.join("resumen.svg"), svg(&s).as_bytes())?;
    let items = compendium(&actions, rules);
    write_atomic(
        &run_dir.join("compendio.md"),
        compendium_md(&items).as_bytes(),
    )?;
    let docx = compendium_docx(&items)
        .map_err(|source| OutputError::write(&run_dir.join("compendio.docx"), source))?;
    write_atomic(&run_dir.join("compendio.docx"), &docx)?;
    let mut flags = Vec::new();
    if let Some(report_path) = against {
        let report = crate::pipeline::process_file(report_path, rules).map_err(|e| {
            CompileError::Report {
                path: report_path.to_path_buf(),
                message: e.to_string(),
            }
        })?;
        let have = |key: &str| -> Option<u64> {
            if let Some(n) = key
                .strip_prefix("objetivo ")
                .and_then(|n| n.parse::<u32>().ok())
            {
                return s
                    .per_objective
                    .iter()
                    .find(|p| p.0 == n)
                    .map(|p| p.2 as u64);
            }
            if key == "total de programas y acciones" {
                return Some(s.total_actions as u64);
            }
            key.strip_prefix("reto ")
                .and_then(|id| s.challenges.iter().find(|c| c.0 == id))
                .map(|c| c.2 as u64)
        };
        let mut rows = Vec::new();
        let mut decl = declared(&report, rules);
        // Participating agencies, as the report states them.
        for (n, evidence, prov) in crate::audit::stated_participants(&report, &rules.audit) {
            decl.push(("dependencias participantes".to_string(), n, prov, evidence));
        }
        for (key, n, prov, evidence) in decl {
            let ours = if key == "dependencias participantes" {
                Some(s.agencies.len() as u64)
            } else {
                have(&key)
            };
            let Some(ours) = ours else { continue };
            let what = comparison_label(&key, rules);
            rows.push(crate::output::ComparisonRow {
                what: what.clone(),
                published: n,
                submissions: ours,
                report_file: prov.file.clone(),
                report_line: prov.line,
            });
            if ours != n {
                flags.push(Flag {
                    kind: "published_vs_submissions".into(),
                    severity: Severity::Warning,
                    objective: key.strip_prefix("objetivo ").and_then(|n| n.parse().ok()),
                    message: format!(
                        "El informe publicado ({}, línea {}) declara {n} para {what}; las entregas de la corrida ({}) contienen {ours}.",
                        prov.file,
                        prov.line,
                        run_dir.display()
                    ),
                    evidence,
                    provenance: Some(prov),
                    action: None,
                    related: vec![run_dir.join("actions.jsonl").display().to_string()],
                    spans: Vec::new(),
                });
            }
        }
        write_atomic(
            &run_dir.join("compile_flags.jsonl"),
            &crate::output::jsonl(&flags),
        )?;
        let comparison = run_dir.join(crate::output::COMPARISON_FILE);
        let json = serde_json::to_vec_pretty(&rows)
            .map_err(|e| OutputError::write(&comparison, e.into()))?;
        write_atomic(&comparison, &json)?;
        show_comparison(run_dir, rules)?;
    }
    Ok((s, flags))
}
