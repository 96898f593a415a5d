//! Output: the only stage that writes files. Every write is atomic (a temporary file in the same
//! folder, then a rename), so an interrupted run never leaves a half-written file.
//!
//! Per input, in `<out>/<input stem>/`:
//! - `actions.jsonl`: one [`ActionRecord`](crate::extract::ActionRecord) per line;
//! - `actions.csv`: the same, flattened, UTF-8 with BOM so Excel shows accents right;
//! - `figures.csv`: one row per figure, with its action, unit, period and source;
//! - `objectives.jsonl`: one line per catalog objective;
//! - `elements.json`: sections, tables, paragraphs, footnotes and warnings;
//! - `flags.jsonl`, `flags.csv`: the audit's findings for review;
//! - `pages.jsonl` (PDF input): each page's extracted text and its offset in the text that PDF
//!   spans point into, the reading method and the page's problems.
//!
//! Per run, `<out>/run.json`: every input with its status (ok, failed, skipped) and reason.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::OutputError;
use crate::extract::Extracted;

/// What happened to one input.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Ok,
    /// Read, but not surely well: a reading check flagged it; the reason says why.
    Review,
    Failed,
    Skipped,
}

/// One line of the run's list of inputs.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct InputOutcome {
    pub file: String,
    /// SHA-256 of the input's bytes.
    #[serde(default)]
    pub sha256: Option<String>,
    #[serde(default)]
    pub size: u64,
    /// `pdf`, `docx`, `text`, or what ingest named it (`text/utf-8`…).
    #[serde(default)]
    pub format: Option<String>,
    /// Pages, for a PDF.
    #[serde(default)]
    pub pages: Option<usize>,
    pub status: Status,
    /// Machine-readable reason of a failure or skip (`binary`, `empty`, …).
    pub reason: Option<String>,
    /// The full error message, naming the file.
    pub error: Option<String>,
    /// The same message in Spanish, for analysts (review.html, the workbook).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_es: Option<String>,
    /// Folder holding this input's outputs.
    pub output: Option<String>,
    pub actions: usize,
    pub figures: usize,
    pub periods: usize,
    pub agencies: usize,
    /// Actions per objective number (every catalog objective, zeros included).
    pub per_objective: std::collections::BTreeMap<u32, usize>,
    /// Objectives for which the report prints a "no activities" line.
    pub no_activities: Vec<u32>,
    /// Catalog objectives with no heading in the file.
    pub missing_headings: Vec<u32>,
    /// Segmentation warnings, each naming its line.
    pub warnings: Vec<String>,
    /// The same warnings in Spanish, for analysts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings_es: Vec<String>,
    /// Audit flags counted by "severity/kind".
    pub flags: std::collections::BTreeMap<String, usize>,
    /// The agency that submitted the input, from its title lines or its file name.
    #[serde(default)]
    pub submitter: Option<String>,
    /// Actions per objective that the input itself declares (its summary tables, its text).
    #[serde(default)]
    pub declared: std::collections::BTreeMap<u32, u64>,
    /// The reporting window its periods were checked against (`START..END`), and where it came
    /// from: `document line N`, `--period` or `audit.toml`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_source: Option<String>,
    /// Time spent on the input, in milliseconds.
    #[serde(default)]
    pub duration_ms: u64,
    /// Tool version and rules fingerprint, so that `--resume` redoes what they would change.
    #[serde(default)]
    pub tool: String,
    #[serde(default)]
    pub rules: String,
}

impl InputOutcome {
    pub fn empty() -> InputOutcome {
        InputOutcome {
            file: String::new(),
            sha256: None,
            size: 0,
            format: None,
            pages: None,
            status: Status::Skipped,
            reason: None,
            error: None,
            error_es: None,
            output: None,
            actions: 0,
            figures: 0,
            periods: 0,
            agencies: 0,
            per_objective: Default::default(),
            no_activities: Vec::new(),
            missing_headings: Vec::new(),
            warnings: Vec::new(),
            warnings_es: Vec::new(),
            flags: Default::default(),
            submitter: None,
            declared: Default::default(),
            window: None,
            window_source: None,
            duration_ms: 0,
            tool: String::new(),
            rules: String::new(),
        }
    }
}

/// One count a published report declares, next to what the submissions of a run hold
/// (`informe compile --against`), as `comparacion.json` keeps them for review.html and the
/// workbook.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ComparisonRow {
    /// What is counted, in Spanish ("objetivo 7", "total de programas y acciones").
    pub what: String,
    /// The count the published report declares.
    pub published: u64,
    /// The count the submissions hold.
    pub submissions: u64,
    /// The report's file and line where it declares the count.
    pub report_file: String,
    pub report_line: u32,
}

/// The file `informe compile --against` writes its comparison rows into, in the run folder.
pub const COMPARISON_FILE: &str = "comparacion.json";

/// The comparison rows of a run folder; none when it has no comparison (or it cannot be read).
pub fn read_comparison(dir: &Path) -> Vec<ComparisonRow> {
    std::fs::read(dir.join(COMPARISON_FILE))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

/// The run: its inputs, in the order given.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RunSummary {
    pub tool: String,
    pub profile: String,
    pub out_dir: String,
    #[schemars(with = "Vec<InputOutcome>")]
    pub inputs: Inputs,
}

/// The outcomes of a run's inputs, in input order: in memory (a run read back from its
/// `run.json`, a test), or in the run's manifest, one JSON line each, read again by each use.
/// A bulk run keeps its outcomes on disk, so that its memory does not grow with its inputs
/// (parsing an outcome again takes about 2 µs).
#[derive(Debug, Clone)]
pub struct Inputs(InputsIn);

#[derive(Debug, Clone)]
enum InputsIn {
    Memory(Vec<InputOutcome>),
    /// The JSON-lines file holding exactly these outcomes, and how many it holds.
    Lines(PathBuf, usize),
}

impl Inputs {
    /// The outcomes of the JSON-lines file `path`, which holds `count` of them.
    pub fn in_lines(path: &Path, count: usize) -> Inputs {
        Inputs(InputsIn::Lines(path.to_path_buf(), count))
    }

    pub fn len(&self) -> usize {
        match &self.0 {
            InputsIn::Memory(v) => v.len(),
            InputsIn::Lines(_, count) => *count,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Calls `f` with each outcome, in input order.
    pub fn each(
        &self,
        f: impl FnMut(&InputOutcome) -> Result<(), OutputError>,
    ) -> Result<(), OutputError> {
        self.try_each(|e| e, f)
    }

    /// [`Inputs::each`] for a caller with errors of its own: `read_error` makes one of an
    /// outcome that cannot be read back.
    pub fn try_each<E>(
        &self,
        read_error: impl Fn(OutputError) -> E,
        mut f: impl FnMut(&InputOutcome) -> Result<(), E>,
    ) -> Result<(), E> {
        match &self.0 {
            InputsIn::Memory(v) => v.iter().try_for_each(f),
            InputsIn::Lines(path, _) => {
                let file = std::fs::File::open(path)
                    .map_err(|e| read_error(OutputError::read(path, e)))?;
                for outcome in jsonl_items(path, std::io::BufReader::new(file)) {
                    f(&outcome.map_err(&read_error)?)?;
                }
                Ok(())
            }
        }
    }

    /// How many outcomes `pred` holds for.
    pub fn count(&self, pred: impl Fn(&InputOutcome) -> bool) -> Result<usize, OutputError> {
        let mut n = 0;
        self.each(|o| {
            n += usize::from(pred(o));
            Ok(())
        })?;
        Ok(n)
    }

    /// Every outcome, in memory.
    pub fn to_vec(&self) -> Result<Vec<InputOutcome>, OutputError> {
        let mut all = Vec::with_capacity(self.len());
        self.each(|o| {
            all.push(o.clone());
            Ok(())
        })?;
        Ok(all)
    }
}

impl From<Vec<InputOutcome>> for Inputs {
    fn from(v: Vec<InputOutcome>) -> Inputs {
        Inputs(InputsIn::Memory(v))
    }
}

impl Serialize for Inputs {
    /// A JSON array, written as the outcomes are read.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error, SerializeSeq};
        let mut seq = serializer.serialize_seq(Some(self.len()))?;
        self.try_each(S::Error::custom, |o| seq.serialize_element(o))?;
        seq.end()
    }
}

impl<'de> Deserialize<'de> for Inputs {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Inputs, D::Error> {
        Vec::<InputOutcome>::deserialize(deserializer).map(Inputs::from)
    }
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> OutputError + '_ {
    move |source| OutputError::write(path, source)
}

/// Writes `bytes` to `path` atomically.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    write_atomic_with(path, |w| w.write_all(bytes))
}

/// Writes to `path` atomically what `write` puts, through a buffer: a file that grows with the
/// run (the run's manifest, `run.json`) goes to disk as it is made, never whole in memory.
pub fn write_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), OutputError> {
    write_atomic_or(path, |w| write(w).map_err(io_err(path)))
}

/// [`write_atomic_with`] for a writer whose steps can fail otherwise than by writing (reading
/// what it writes, say): its error is the function's.
pub fn write_atomic_or(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> Result<(), OutputError>,
) -> Result<(), OutputError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    if !dir.is_dir() {
        std::fs::create_dir_all(dir).map_err(io_err(dir))?;
    }
    let mut buffered = std::io::BufWriter::new(temp_in(dir)?);
    write(&mut buffered)?;
    let tmp = buffered
        .into_inner()
        .map_err(|e| OutputError::write(path, e.into_error()))?;
    // No fsync: the rename makes the file appear whole or not at all to a run that is killed
    // (what `--resume` relies on); a fsync per file cost most of a small input's time.
    publish(tmp, path)
}

/// A temporary file in `dir` for an output file, created readable like any other (0644 under
/// the umask; a temporary file is otherwise private to its owner).
pub fn temp_in(dir: &Path) -> Result<tempfile::NamedTempFile, OutputError> {
    let mut builder = tempfile::Builder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o644));
    }
    builder.tempfile_in(dir).map_err(io_err(dir))
}

/// Moves a finished temporary file (from [`temp_in`]) into place.
pub fn publish(tmp: tempfile::NamedTempFile, path: &Path) -> Result<(), OutputError> {
    tmp.persist(path)
        .map_err(|e| OutputError::write(path, e.error))?;
    Ok(())
}

/// The items of the JSONL file `path`, one per line (blank lines hold none). A file that is
/// missing or cannot be read is an error naming it; a line that does not parse is an error naming
/// the file and the line.
pub fn read_jsonl<T: serde::de::DeserializeOwned>(path: &Path) -> Result<Vec<T>, OutputError> {
    let file = std::fs::File::open(path).map_err(|e| OutputError::read(path, e))?;
    parse_jsonl(path, std::io::BufReader::new(file))
}

/// The items of JSONL text read from `reader`; `path` names it in errors.
pub fn parse_jsonl<T: serde::de::DeserializeOwned>(
    path: &Path,
    reader: impl std::io::BufRead,
) -> Result<Vec<T>, OutputError> {
    jsonl_items(path, reader).collect()
}

/// The items of JSONL text read from `reader`, one at a time (blank lines hold none); `path`
/// names it in errors.
pub fn jsonl_items<'a, T: serde::de::DeserializeOwned>(
    path: &'a Path,
    reader: impl std::io::BufRead + 'a,
) -> impl Iterator<Item = Result<T, OutputError>> + 'a {
    numbered_lines(path, reader).filter_map(move |line| match line {
        Ok((_, line)) if line.trim().is_empty() => None,
        Ok((n, line)) => Some(parse_line(path, n, &line)),
        Err(e) => Some(Err(e)),
    })
}

/// The lines of `reader` with their numbers (from 1); a read error names `path`.
pub fn numbered_lines<'a>(
    path: &'a Path,
    reader: impl std::io::BufRead + 'a,
) -> impl Iterator<Item = Result<(usize, String), OutputError>> + 'a {
    reader.lines().enumerate().map(move |(i, line)| {
        line.map(|l| (i + 1, l))
            .map_err(|e| OutputError::read(path, e))
    })
}

/// Line `n` of the JSONL file `path`, parsed.
pub fn parse_line<T: serde::de::DeserializeOwned>(
    path: &Path,
    n: usize,
    line: &str,
) -> Result<T, OutputError> {
    serde_json::from_str(line).map_err(|e| OutputError::jsonl(path, n, &e))
}

/// One JSON line per item.
pub fn jsonl<T: Serialize>(items: &[T]) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing to memory does not fail.
    let _ = write_jsonl(&mut out, items);
    out
}

/// Writes `items` to `w` as JSON lines (one item per line).
pub fn write_jsonl<T: Serialize>(w: &mut dyn Write, items: &[T]) -> std::io::Result<()> {
    for item in items {
        // Serializing plain data structs cannot fail.
        if let Ok(line) = serde_json::to_string(item) {
            w.write_all(line.as_bytes())?;
            w.write_all(b"\n")?;
        }
    }
    Ok(())
}

/// Characters that make a spreadsheet read a cell as a formula when they open it (OWASP's list
/// for CSV injection).
const FORMULA_STARTS: &[char] = &['=', '+', '-', '@', '\t', '\r'];

/// A text cell for CSV: prefixed with `'` when it starts with a character that would make a
/// spreadsheet read it as a formula (`=HYPERLINK(…)`), so that nothing from a document becomes
/// one. Numeric cells are written as they are (a negative number stays a number).
pub fn csv_text(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(FORMULA_STARTS) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// The CSV of actions: one row per action, sub-items joined with " | ".
pub fn actions_csv(ex: &Extracted) -> Vec<u8> {
    let mut out = "\u{FEFF}".as_bytes().to_vec();
    {
        let mut w = csv::Writer::from_writer(&mut out);
        let _ = w.write_record([
            "id",
            "file",
            "objective",
            "objective_title",
            "page",
            "line",
            "line_end",
            "span_start",
            "span_end",
            "text",
            "sub_items",
        ]);
        for a in &ex.actions {
            let p = &a.provenance;
            let subs: Vec<&str> = a.sub_items.iter().map(|s| s.text.as_str()).collect();
            let _ = w.write_record([
                &*csv_text(&a.id),
                &*csv_text(&p.file),
                &a.objective.to_string(),
                &*csv_text(&a.objective_title),
                &p.page.map_or(String::new(), |n| n.to_string()),
                &p.line.to_string(),
                &p.line_end.to_string(),
                &p.span[0].to_string(),
                &p.span[1].to_string(),
                &*csv_text(&a.text),
                &*csv_text(&subs.join(" | ")),
            ]);
        }
        let _ = w.flush();
    }
    out
}

/// The CSV of figures: one row per figure, with its action, unit, period (`period_start` and
/// `period_end` as full ISO dates, `period_precision` as printed: day, month or year) and source.
pub fn figures_csv(ex: &Extracted) -> Vec<u8> {
    let mut out = "\u{FEFF}".as_bytes().to_vec();
    {
        let mut w = csv::Writer::from_writer(&mut out);
        let _ = w.write_record([
            "action_id",
            "file",
            "objective",
            "value",
            "percent",
            "unit",
            "unit_raw",
            "qualifier",
            "raw",
            "notes",
            "period_start",
            "period_end",
            "period_precision",
            "period_raw",
            "period_from",
            "page",
            "line",
            "span_start",
            "span_end",
        ]);
        for a in &ex.actions {
            for f in &a.figures {
                let period = f.period.and_then(|i| a.periods.get(i));
                let p = &f.provenance;
                let _ = w.write_record([
                    &*csv_text(&a.id),
                    &*csv_text(&p.file),
                    &a.objective.to_string(),
                    &f.value.to_string(),
                    if f.percent { "true" } else { "false" },
                    &*csv_text(f.unit.as_deref().unwrap_or("")),
                    &*csv_text(f.unit_raw.as_deref().unwrap_or("")),
                    &*csv_text(f.qualifier.as_deref().unwrap_or("")),
                    &*csv_text(&f.raw),
                    &*csv_text(&crate::extract::figures::notes_text(&f.notes)),
                    // Full ISO dates (first day of the start, last day of the end), so that
                    // DuckDB or Excel read the columns as dates; the precision printed apart.
                    period.and_then(|p| p.start_date.as_deref()).unwrap_or(""),
                    period.and_then(|p| p.end_date.as_deref()).unwrap_or(""),
                    period.map_or("", |p| p.precision.as_str()),
                    &*csv_text(period.map_or("", |p| p.raw.as_str())),
                    &*csv_text(f.period_from.as_deref().unwrap_or("")),
                    &p.page.map_or(String::new(), |n| n.to_string()),
                    &p.line.to_string(),
                    &p.span[0].to_string(),
                    &p.span[1].to_string(),
                ]);
            }
        }
        let _ = w.flush();
    }
    out
}

#[derive(Serialize, schemars::JsonSchema)]
struct Elements<'a> {
    source: &'a crate::normalize::SourceInfo,
    profile: &'a str,
    placement: crate::segment::rules::Placement,
    sections: &'a [crate::segment::Section],
    tables: &'a [crate::segment::Table],
    paragraphs: &'a [crate::segment::Paragraph],
    footnotes: &'a [crate::segment::Footnote],
    warnings: &'a [crate::segment::Warning],
}

/// Writes one input's outputs into `dir`; returns the folder.
pub fn write_extracted(dir: &Path, ex: &Extracted) -> Result<PathBuf, OutputError> {
    std::fs::create_dir_all(dir).map_err(io_err(dir))?;
    write_atomic(&dir.join("actions.jsonl"), &jsonl(&ex.actions))?;
    write_atomic(&dir.join("actions.csv"), &actions_csv(ex))?;
    write_atomic(&dir.join("figures.csv"), &figures_csv(ex))?;
    write_atomic(&dir.join("objectives.jsonl"), &jsonl(&ex.objectives))?;
    write_atomic(&dir.join("challenges.jsonl"), &jsonl(&ex.challenges))?;
    if !ex.pages.is_empty() {
        write_atomic(&dir.join("pages.jsonl"), &jsonl(&ex.pages))?;
    }
    let elements = Elements {
        source: &ex.source,
        profile: &ex.profile,
        placement: ex.placement,
        sections: &ex.sections,
        tables: &ex.tables,
        paragraphs: &ex.paragraphs,
        footnotes: &ex.footnotes,
        warnings: &ex.warnings,
    };
    let path = dir.join("elements.json");
    let json =
        serde_json::to_vec_pretty(&elements).map_err(|e| OutputError::write(&path, e.into()))?;
    write_atomic(&path, &json)?;
    Ok(dir.to_path_buf())
}

/// The CSV of flags: one row per flag, with its source.
pub fn flags_csv(flags: &[crate::audit::Flag]) -> Vec<u8> {
    let mut out = "\u{FEFF}".as_bytes().to_vec();
    {
        let mut w = csv::Writer::from_writer(&mut out);
        let _ = w.write_record([
            "severity",
            "kind",
            "objective",
            "message",
            "evidence",
            "action",
            "related",
            "file",
            "page",
            "line",
            "line_end",
            "span_start",
            "span_end",
        ]);
        for f in flags {
            let p = f.provenance.as_ref();
            let _ = w.write_record([
                &*csv_text(f.severity.as_str()),
                &*csv_text(&f.kind),
                &f.objective.map_or(String::new(), |n| n.to_string()),
                &*csv_text(&f.message),
                &*csv_text(&f.evidence),
                &*csv_text(f.action.as_deref().unwrap_or("")),
                &*csv_text(&f.related.join(" | ")),
                &*csv_text(p.map_or("", |p| p.file.as_str())),
                &p.and_then(|p| p.page)
                    .map_or(String::new(), |n| n.to_string()),
                &p.map_or(String::new(), |p| p.line.to_string()),
                &p.map_or(String::new(), |p| p.line_end.to_string()),
                &p.map_or(String::new(), |p| p.span[0].to_string()),
                &p.map_or(String::new(), |p| p.span[1].to_string()),
            ]);
        }
        let _ = w.flush();
    }
    out
}

/// Writes `flags.jsonl` and `flags.csv` into `dir`.
pub fn write_flags(dir: &Path, flags: &[crate::audit::Flag]) -> Result<(), OutputError> {
    write_atomic(&dir.join("flags.jsonl"), &jsonl(flags))?;
    write_atomic(&dir.join("flags.csv"), &flags_csv(flags))
}

/// Writes `run.json` for the whole run.
pub fn write_run(out_dir: &Path, run: &RunSummary) -> Result<(), OutputError> {
    write_atomic_with(&out_dir.join("run.json"), |w| {
        serde_json::to_writer_pretty(w, run).map_err(std::io::Error::from)
    })
}

/// Flags counted by "severity/kind".
pub fn flag_counts(flags: &[crate::audit::Flag]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for f in flags {
        *counts
            .entry(format!("{}/{}", f.severity.as_str(), f.kind))
            .or_insert(0) += 1;
    }
    counts
}

pub fn outcome_of(ex: &Extracted, dir: &Path) -> InputOutcome {
    let per_objective: BTreeMap<u32, usize> = ex
        .objectives
        .iter()
        .map(|o| (o.number, o.actions))
        .collect();
    InputOutcome {
        file: ex.source.file.clone(),
        status: Status::Ok,
        format: Some(ex.source.format.clone()),
        pages: (!ex.pages.is_empty()).then_some(ex.pages.len()),
        submitter: ex.submitter.clone(),
        output: Some(dir.display().to_string()),
        actions: ex.actions.len(),
        figures: ex.actions.iter().map(|a| a.figures.len()).sum(),
        periods: ex.actions.iter().map(|a| a.periods.len()).sum(),
        agencies: ex.actions.iter().map(|a| a.agencies.len()).sum(),
        per_objective,
        no_activities: ex
            .objectives
            .iter()
            .filter(|o| o.no_activities.is_some())
            .map(|o| o.number)
            .collect(),
        missing_headings: ex
            .objectives
            .iter()
            .filter(|o| o.heading.is_none())
            .map(|o| o.number)
            .collect(),
        warnings: warning_lines(ex, "line", |w| &w.message),
        warnings_es: warning_lines(ex, "línea", |w| &w.message_es),
        ..InputOutcome::empty()
    }
}

/// The warnings of an input as the manifest lists them, each after its line ("line 12: …").
fn warning_lines(
    ex: &Extracted,
    line_word: &str,
    message: impl Fn(&crate::segment::Warning) -> &String,
) -> Vec<String> {
    let shown = |w: &crate::segment::Warning| match w.line {
        Some(l) => format!("{line_word} {l}: {}", message(w)),
        None => message(w).clone(),
    };
    ex.warnings.iter().map(shown).collect()
}

/// The JSON Schema of the records of each JSONL file informe writes (`<name>.jsonl`, per input
/// and per run), generated from the Rust types; `schemas/<name>.schema.json` holds them, and a
/// test checks both that they are current and that the outputs follow them.
pub fn jsonl_schemas() -> Vec<(&'static str, schemars::Schema)> {
    use schemars::schema_for;
    vec![
        ("actions", schema_for!(crate::extract::ActionRecord)),
        ("objectives", schema_for!(crate::extract::ObjectiveRecord)),
        (
            "challenges",
            schema_for!(crate::extract::challenges::ChallengeRecord),
        ),
        ("pages", schema_for!(crate::geometry::PageInfo)),
        ("flags", schema_for!(crate::audit::Flag)),
        ("compile_flags", schema_for!(crate::audit::Flag)),
        ("manifest", schema_for!(InputOutcome)),
    ]
}

#[cfg(test)]
mod tests {
    use super::{csv_text, read_jsonl, write_atomic_with};

    #[test]
    fn text_cells_a_spreadsheet_would_run_are_prefixed() {
        for cell in ["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(csv_text(cell), format!("'{cell}"));
        }
        for cell in ["", "Se realizaron", "'=quoted", " =spaced"] {
            assert_eq!(csv_text(cell), cell);
        }
    }
    use crate::error::OutputError;

    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Item {
        n: u32,
    }

    #[test]
    fn read_jsonl_reads_every_line_and_passes_blank_ones() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("items.jsonl");
        std::fs::write(&path, "{\"n\":1}\n\n{\"n\":2}\n").unwrap();
        let items: Vec<Item> = read_jsonl(&path).unwrap();
        assert_eq!(items, [Item { n: 1 }, Item { n: 2 }]);
    }

    #[test]
    fn a_line_that_does_not_parse_is_an_error_naming_the_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("items.jsonl");
        std::fs::write(&path, "{\"n\":1}\n{\"n\":2}\n{\"n\":\n{\"n\":4}\n").unwrap();
        let e = read_jsonl::<Item>(&path).unwrap_err();
        assert!(
            matches!(&e, OutputError::Jsonl { path: p, line: 3, .. } if *p == path),
            "{e:?}"
        );
        let shown = e.to_string();
        assert!(
            shown.starts_with(&format!("{}: line 3, column ", path.display())),
            "{shown}"
        );
        // The line in the file, not serde's line within the one line it was given.
        assert!(!shown.contains("at line 1"), "{shown}");
    }

    #[test]
    fn a_missing_file_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing.jsonl");
        let e = read_jsonl::<Item>(&path).unwrap_err();
        assert!(
            matches!(&e, OutputError::Read { path: p, source } if *p == path && source.kind() == std::io::ErrorKind::NotFound),
            "{e:?}"
        );
    }

    #[test]
    fn a_streamed_file_appears_whole_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.json");
        write_atomic_with(&path, |w| {
            w.write_all(b"{\"n\":")?;
            w.write_all(b"1}")
        })
        .unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "{\"n\":1}");
        // A writer that fails half-way leaves the file as it was and no temporary beside it.
        let e = write_atomic_with(&path, |w| {
            w.write_all(&[b'x'; 100_000])?;
            Err(std::io::Error::other("disk full"))
        })
        .unwrap_err();
        assert!(
            matches!(&e, OutputError::Write { path: p, .. } if *p == path),
            "{e:?}"
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "{\"n\":1}");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn outcomes_read_back_from_lines_are_those_kept_in_memory() {
        use super::{InputOutcome, Inputs};
        let outcomes: Vec<InputOutcome> = ["a.txt", "b.pdf", "c.docx"]
            .iter()
            .map(|f| InputOutcome {
                file: f.to_string(),
                actions: f.len(),
                ..InputOutcome::empty()
            })
            .collect();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("manifest.jsonl");
        std::fs::write(&path, super::jsonl(&outcomes)).unwrap();
        let (memory, lines) = (Inputs::from(outcomes), Inputs::in_lines(&path, 3));
        // The same JSON (run.json's `inputs`), pretty or not, and the same outcomes in order.
        assert_eq!(
            serde_json::to_string_pretty(&lines).unwrap(),
            serde_json::to_string_pretty(&memory).unwrap()
        );
        let files: Vec<String> = lines
            .to_vec()
            .unwrap()
            .into_iter()
            .map(|o| o.file)
            .collect();
        assert_eq!(files, ["a.txt", "b.pdf", "c.docx"]);
        assert_eq!(lines.count(|o| o.actions == 5).unwrap(), 2);
        // A line that no longer parses is an error naming the file and the line.
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, text.replacen("\"b.pdf\"", "\"b.pdf", 1)).unwrap();
        let e = lines.to_vec().unwrap_err();
        assert!(
            e.to_string()
                .starts_with(&format!("{}: line 2", path.display())),
            "{e}"
        );
        assert!(serde_json::to_string(&lines).is_err());
    }
}
