//! Audit: checks over the extracted records, the report's own tables and its conclusions, each
//! finding a [`Flag`] for a reviewer. Checks, severities and parameters are in `audit.toml`;
//! flags never stop a run.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::catalog::Catalog;
use crate::error::RulesError;
use crate::extract::agencies::Lexicon;
use crate::extract::figures::{FigureNote, FigureRules};
use crate::extract::{ActionRecord, ExtractRules, Extracted, Figure, Provenance};
use crate::patterns::{compile, compile_with_groups, read_toml, Pattern, PatternSpec};
use crate::segment::rules::TableKind;
use crate::segment::Lines;
use crate::textkey::fold_key;

mod near;
mod relations;
mod restated;
mod window;

pub use window::{
    cover_year_window, outside_window_flags, stated_window, window_for, CoverYear, StatedWindow,
    Window, WindowSource,
};

/// How serious a finding is.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    /// In Spanish, for people.
    pub fn label_es(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "advertencia",
            Severity::Info => "información",
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// One finding for review.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Flag {
    /// The check that found it (a stable id: `breakdown_sum`, `unknown_agency`…).
    pub kind: String,
    pub severity: Severity,
    pub objective: Option<u32>,
    /// For the reviewer, in Spanish.
    pub message: String,
    /// The source text the finding is about.
    pub evidence: String,
    pub provenance: Option<Provenance>,
    /// The action it concerns, if any.
    pub action: Option<String>,
    /// Other actions or places involved (the other near-duplicate, the other statement).
    pub related: Vec<String>,
    /// Each figure or statement the flag relates, with its role (`total`, `part`, `percent`,
    /// `first`, `second`) and its own place: a relation's total and parts may be lines apart.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub spans: Vec<FlagSpan>,
}

/// One of the places a flag relates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FlagSpan {
    pub role: String,
    pub text: String,
    pub provenance: Provenance,
}

impl FlagSpan {
    pub(super) fn of(role: &str, f: &Figure) -> FlagSpan {
        FlagSpan {
            role: role.to_string(),
            text: f.raw.clone(),
            provenance: f.provenance.clone(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AuditFile {
    window: Window,
    window_statement: PatternSpec,
    window_statement_prefixes: Vec<String>,
    window_preamble: PatternSpec,
    window_cover_year: CoverYearSpec,
    checks: BTreeMap<String, CheckSpec>,
    declared: DeclaredSpec,
}

/// `[window_cover_year]` of audit.toml, as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CoverYearSpec {
    line: PatternSpec,
    max_line: u32,
    start: String,
    end: String,
}

#[derive(Debug, Clone, Deserialize)]
struct CheckSpec {
    enabled: bool,
    severity: Severity,
    #[serde(flatten)]
    params: BTreeMap<String, toml::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DeclaredSpec {
    table_row: PatternSpec,
    table_count: PatternSpec,
    objective_ref: PatternSpec,
    count_phrase: PatternSpec,
    same_count: PatternSpec,
    total: PatternSpec,
    participants: Vec<PatternSpec>,
}

/// Every check informe knows: the keys of `[checks]` in audit.toml and the `kind` of the flags
/// each raises. A typo in the rules is an error at load, not a check silently switched off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CheckId {
    BreakdownSum,
    SubsetExceedsTotal,
    ShareMismatch,
    PercentSum,
    CountExceedsDeclared,
    CountDeclaredNone,
    CountFewerThanDeclared,
    CountDisagreement,
    TotalPrograms,
    TitleMismatch,
    PeriodOutsideWindow,
    MalformedPeriod,
    IrregularNumber,
    UnknownAgency,
    NearDuplicate,
    ParticipantsCount,
    QuantityDisagreement,
    ReadingUnassignedText,
    ReadingStrayBullets,
    ReadingHeadingOrder,
    ReadingMissingHeadings,
    ReadingNoActions,
    ReadingSuspectHeadings,
    ReadingMergedLines,
    ReadingItemsAfterLead,
    ReadingGarbledText,
}

impl CheckId {
    pub const ALL: [CheckId; 26] = [
        CheckId::BreakdownSum,
        CheckId::SubsetExceedsTotal,
        CheckId::ShareMismatch,
        CheckId::PercentSum,
        CheckId::CountExceedsDeclared,
        CheckId::CountDeclaredNone,
        CheckId::CountFewerThanDeclared,
        CheckId::CountDisagreement,
        CheckId::TotalPrograms,
        CheckId::TitleMismatch,
        CheckId::PeriodOutsideWindow,
        CheckId::MalformedPeriod,
        CheckId::IrregularNumber,
        CheckId::UnknownAgency,
        CheckId::NearDuplicate,
        CheckId::ParticipantsCount,
        CheckId::QuantityDisagreement,
        CheckId::ReadingUnassignedText,
        CheckId::ReadingStrayBullets,
        CheckId::ReadingHeadingOrder,
        CheckId::ReadingMissingHeadings,
        CheckId::ReadingNoActions,
        CheckId::ReadingSuspectHeadings,
        CheckId::ReadingMergedLines,
        CheckId::ReadingItemsAfterLead,
        CheckId::ReadingGarbledText,
    ];

    /// The id as written in audit.toml and in flags.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckId::BreakdownSum => "breakdown_sum",
            CheckId::SubsetExceedsTotal => "subset_exceeds_total",
            CheckId::ShareMismatch => "share_mismatch",
            CheckId::PercentSum => "percent_sum",
            CheckId::CountExceedsDeclared => "count_exceeds_declared",
            CheckId::CountDeclaredNone => "count_declared_none",
            CheckId::CountFewerThanDeclared => "count_fewer_than_declared",
            CheckId::CountDisagreement => "count_disagreement",
            CheckId::TotalPrograms => "total_programs",
            CheckId::TitleMismatch => "title_mismatch",
            CheckId::PeriodOutsideWindow => "period_outside_window",
            CheckId::MalformedPeriod => "malformed_period",
            CheckId::IrregularNumber => "irregular_number",
            CheckId::UnknownAgency => "unknown_agency",
            CheckId::NearDuplicate => "near_duplicate",
            CheckId::ParticipantsCount => "participants_count",
            CheckId::QuantityDisagreement => "quantity_disagreement",
            CheckId::ReadingUnassignedText => "reading_unassigned_text",
            CheckId::ReadingStrayBullets => "reading_stray_bullets",
            CheckId::ReadingHeadingOrder => "reading_heading_order",
            CheckId::ReadingMissingHeadings => "reading_missing_headings",
            CheckId::ReadingNoActions => "reading_no_actions",
            CheckId::ReadingSuspectHeadings => "reading_suspect_headings",
            CheckId::ReadingMergedLines => "reading_merged_lines",
            CheckId::ReadingItemsAfterLead => "reading_items_after_lead",
            CheckId::ReadingGarbledText => "reading_garbled_text",
        }
    }

    /// What the check finds, in Spanish, as review.html and the workbook show it (the id stays
    /// the machine code).
    pub fn label_es(self) -> &'static str {
        match self {
            CheckId::BreakdownSum => "Partes que no suman el total",
            CheckId::SubsetExceedsTotal => "Subconjunto mayor que su total",
            CheckId::ShareMismatch => "Porcentaje que no corresponde",
            CheckId::PercentSum => "Porcentajes que no suman 100",
            CheckId::CountExceedsDeclared => "Más acciones que las declaradas",
            CheckId::CountDeclaredNone => "Acciones donde se declaran ninguna",
            CheckId::CountFewerThanDeclared => "Menos acciones que las declaradas",
            CheckId::CountDisagreement => "Conteo declarado dos veces con valores distintos",
            CheckId::TotalPrograms => "Total de programas declarado",
            CheckId::TitleMismatch => "Título de objetivo distinto del catálogo",
            CheckId::PeriodOutsideWindow => "Periodo fuera del periodo del informe",
            CheckId::MalformedPeriod => "Periodo mal escrito",
            CheckId::IrregularNumber => "Cifra mal escrita",
            CheckId::UnknownAgency => "Dependencia desconocida",
            CheckId::NearDuplicate => "Acción casi duplicada",
            CheckId::ParticipantsCount => "Número de participantes",
            CheckId::QuantityDisagreement => "Misma cantidad con dos valores",
            CheckId::ReadingUnassignedText => "Lectura: texto sin acción",
            CheckId::ReadingStrayBullets => "Lectura: viñetas fuera de objetivo",
            CheckId::ReadingHeadingOrder => "Lectura: objetivos fuera de orden",
            CheckId::ReadingMissingHeadings => "Lectura: faltan objetivos",
            CheckId::ReadingNoActions => "Lectura: sin acciones",
            CheckId::ReadingSuspectHeadings => "Lectura: encabezados dudosos",
            CheckId::ReadingMergedLines => "Lectura: líneas fundidas",
            CheckId::ReadingItemsAfterLead => "Lectura: incisos tras una introducción",
            CheckId::ReadingGarbledText => "Lectura: palabras con caracteres ilegibles",
        }
    }

    /// The parameters the check takes besides `enabled` and `severity`.
    pub fn params(self) -> &'static [&'static str] {
        match self {
            CheckId::BreakdownSum => &["tolerance"],
            CheckId::ShareMismatch => &["extra_points", "fraction_units"],
            CheckId::PercentSum => &["extra_points"],
            CheckId::TotalPrograms => &["fewer_severity"],
            CheckId::PeriodOutsideWindow => &["include_context_periods"],
            CheckId::NearDuplicate => &["threshold", "max_compared"],
            CheckId::QuantityDisagreement => &["min_subject_words"],
            CheckId::ReadingUnassignedText | CheckId::ReadingGarbledText => {
                &["max_share", "min_lines"]
            }
            CheckId::ReadingHeadingOrder => &["max_out_of_order"],
            CheckId::ReadingMissingHeadings => &["min_headings"],
            _ => &[],
        }
    }

    pub fn parse(id: &str) -> Option<CheckId> {
        CheckId::ALL.into_iter().find(|c| c.as_str() == id)
    }

    /// Whether the check is about how well the input was read, not about what it says: an input
    /// it flags (warning or error) is `review`, not `ok`.
    pub fn is_reading(self) -> bool {
        matches!(
            self,
            CheckId::ReadingUnassignedText
                | CheckId::ReadingStrayBullets
                | CheckId::ReadingHeadingOrder
                | CheckId::ReadingMissingHeadings
                | CheckId::ReadingNoActions
                | CheckId::ReadingSuspectHeadings
                | CheckId::ReadingMergedLines
                | CheckId::ReadingItemsAfterLead
                | CheckId::ReadingGarbledText
        )
    }

    /// The flag `kind` this check writes.
    pub fn kind(self) -> String {
        self.as_str().to_string()
    }
}

/// A check as configured.
#[derive(Debug, Clone)]
pub struct Check {
    pub enabled: bool,
    pub severity: Severity,
    params: BTreeMap<String, toml::Value>,
}

impl Check {
    /// The `threshold` parameter, where the check has one.
    pub fn threshold(&self) -> Option<f64> {
        self.params
            .get("threshold")
            .map(|_| self.float("threshold", 0.5))
    }

    fn float(&self, key: &str, default: f64) -> f64 {
        match self.params.get(key) {
            Some(toml::Value::Float(f)) => *f,
            Some(toml::Value::Integer(i)) => *i as f64,
            _ => default,
        }
    }
    fn boolean(&self, key: &str, default: bool) -> bool {
        match self.params.get(key) {
            Some(toml::Value::Boolean(b)) => *b,
            _ => default,
        }
    }
    fn severity_param(&self, key: &str, default: Severity) -> Severity {
        match self.params.get(key).and_then(|v| v.as_str()) {
            Some("error") => Severity::Error,
            Some("warning") => Severity::Warning,
            Some("info") => Severity::Info,
            _ => default,
        }
    }
}

/// The compiled audit rules: audit.toml, and the extraction rules and catalog the checks reuse
/// (to read counts in running text and compare printed titles).
#[derive(Debug, Clone)]
pub struct AuditRules {
    /// What `audit.toml` itself compiles to.
    pub own: OwnAuditRules,
    pub objectives: Catalog,
    pub figures: FigureRules,
    pub agencies: Lexicon,
    pub periods: crate::extract::periods::PeriodRules,
}

/// What `audit.toml` alone compiles to: it needs no other rule file, so it compiles beside
/// the extraction rules ([`AuditRules::with`] joins them).
#[derive(Debug, Clone)]
pub struct OwnAuditRules {
    pub window: Window,
    pub checks: BTreeMap<CheckId, Check>,
    /// A document's statement of its reporting window (`window_statement`, group `period`).
    pub window_statement: Pattern,
    /// Words put before the stated period to read it with the period forms ("del").
    pub window_statement_prefixes: Vec<String>,
    /// A preamble sentence about the report that names a period (group `period`).
    pub window_preamble: Pattern,
    /// A title line naming the report's year, when the document states no window.
    pub window_cover_year: CoverYear,
    table_row: Pattern,
    table_count: Pattern,
    objective_ref: Pattern,
    count_phrase: Pattern,
    same_count: Pattern,
    total: Pattern,
    participants: Vec<Pattern>,
}

impl OwnAuditRules {
    /// Reads and compiles `audit.toml` (its path).
    pub fn load(path: &Path) -> Result<OwnAuditRules, RulesError> {
        let f: AuditFile = read_toml(path)?;
        Window::parse(&format!("{}..{}", f.window.start, f.window.end))
            .map_err(|e| RulesError::new(path, "window", &e))?;
        let mut checks = BTreeMap::new();
        for (id, spec) in f.checks {
            let Some(check) = CheckId::parse(&id) else {
                let known: Vec<&str> = CheckId::ALL.iter().map(|c| c.as_str()).collect();
                return Err(RulesError::new(
                    path,
                    &format!("checks.{id}"),
                    &format!("unknown check; known checks: {}", known.join(", ")),
                ));
            };
            let allowed = check.params();
            for key in spec.params.keys() {
                if !allowed.contains(&key.as_str()) {
                    return Err(RulesError::new(
                        path,
                        &format!("checks.{id}.{key}"),
                        &format!(
                            "unknown parameter (this check takes: enabled, severity{}{})",
                            if allowed.is_empty() { "" } else { ", " },
                            allowed.join(", ")
                        ),
                    ));
                }
            }
            checks.insert(
                check,
                Check {
                    enabled: spec.enabled,
                    severity: spec.severity,
                    params: spec.params,
                },
            );
        }
        let cy = f.window_cover_year;
        let window_cover_year = CoverYear {
            line: compile_with_groups(path, "window_cover_year.line", cy.line, &["year"])?,
            max_line: cy.max_line,
            start: cy.start,
            end: cy.end,
        };
        window_cover_year
            .window(2000)
            .map_err(|e| RulesError::new(path, "window_cover_year", &e))?;
        let d = f.declared;
        let mut participants = Vec::new();
        for (i, p) in d.participants.into_iter().enumerate() {
            let key = format!("declared.participants[{i}]");
            participants.push(compile_with_groups(path, &key, p, &["count"])?);
        }
        Ok(OwnAuditRules {
            window: f.window,
            checks,
            window_statement: compile_with_groups(
                path,
                "window_statement",
                f.window_statement,
                &["period"],
            )?,
            window_statement_prefixes: f.window_statement_prefixes,
            window_preamble: compile_with_groups(
                path,
                "window_preamble",
                f.window_preamble,
                &["period"],
            )?,
            window_cover_year,
            table_row: compile_with_groups(
                path,
                "declared.table_row",
                d.table_row,
                &["number", "title"],
            )?,
            table_count: compile_with_groups(
                path,
                "declared.table_count",
                d.table_count,
                &["count"],
            )?,
            objective_ref: compile(path, "declared.objective_ref", d.objective_ref)?,
            count_phrase: compile_with_groups(
                path,
                "declared.count_phrase",
                d.count_phrase,
                &["count"],
            )?,
            same_count: compile(path, "declared.same_count", d.same_count)?,
            total: compile_with_groups(path, "declared.total", d.total, &["count"])?,
            participants,
        })
    }
}

impl AuditRules {
    /// Loads `audit.toml` (its path); `extract` gives the lexicons and catalog the checks reuse.
    pub fn load(path: &Path, extract: &ExtractRules) -> Result<AuditRules, RulesError> {
        Ok(AuditRules::with(OwnAuditRules::load(path)?, extract))
    }

    /// The audit's own rules joined with the extraction rules its checks reuse.
    pub fn with(own: OwnAuditRules, extract: &ExtractRules) -> AuditRules {
        AuditRules {
            own,
            objectives: extract.objectives.clone(),
            figures: extract.figures.clone(),
            agencies: extract.agencies.clone(),
            periods: extract.periods.clone(),
        }
    }

    /// The check's configuration when it is enabled.
    pub fn check(&self, id: CheckId) -> Option<&Check> {
        self.own.checks.get(&id).filter(|c| c.enabled)
    }
}

/// A count the report states.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Declared {
    /// Objective number, or `None` for the total of programmes.
    pub objective: Option<u32>,
    pub count: u64,
    /// `table` or `text`.
    pub source: String,
    /// The row's title, for table rows.
    pub title: Option<String>,
    pub evidence: String,
    pub provenance: Provenance,
}

/// A flag kind in Spanish, for people: a check's label, the comparison with a published
/// report, else the kind itself.
pub fn kind_label_es(kind: &str) -> String {
    match CheckId::parse(kind) {
        Some(c) => c.label_es().to_string(),
        None if kind == "published_vs_submissions" => {
            "Informe publicado distinto de las entregas".to_string()
        }
        None => kind.to_string(),
    }
}

/// Runs every enabled check. The reporting window is `window` (the command line's `--period`),
/// else the one the document states, else the rules'.
/// `rules` is the audit's rules, or anything holding them (a whole profile).
pub fn audit(ex: &Extracted, rules: &impl AsRef<AuditRules>, window: Option<&Window>) -> Vec<Flag> {
    let a = rules.as_ref();
    let (window, source) = window_for(ex, a, window);
    audit_in(ex, a, &window, source)
}

/// Runs every enabled check with the reporting window already chosen ([`window_for`]).
pub fn audit_in(
    ex: &Extracted,
    a: &AuditRules,
    window: &Window,
    source: WindowSource,
) -> Vec<Flag> {
    let source = source.flag_suffix();
    // No check reads another's flags: the near duplicates, a third of the audit, are sought
    // beside the other checks, and the flags are put together in the checks' order.
    let (mut near, mut before, mut after) = (Vec::new(), Vec::new(), Vec::new());
    rayon::join(
        || near::near_duplicates(ex, a, &mut near),
        || {
            let flags = &mut before;
            let declared = declared_counts(ex, a);
            for action in &ex.actions {
                relations::relation_checks(action, a, flags);
                window::period_checks(action, a, (window, &source), flags);
                number_checks(action, a, flags);
                agency_checks(action, a, flags);
            }
            count_checks(ex, a, &declared, flags);
            title_checks(ex, a, &declared, flags);
            let flags = &mut after;
            restated::restated_quantities(ex, a, flags);
            participants_check(ex, a, flags);
            reading_checks(ex, a, flags);
        },
    );
    let mut flags = before;
    flags.append(&mut near);
    flags.append(&mut after);
    sort_flags(&mut flags);
    flags
}

/// The order flags are written in: by severity, then by place in the file (stable).
pub fn sort_flags(flags: &mut [Flag]) {
    flags.sort_by(|x, y| {
        (x.severity, x.provenance.as_ref().map(|p| p.span[0]))
            .cmp(&(y.severity, y.provenance.as_ref().map(|p| p.span[0])))
    });
}

pub(super) fn fmt_num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        let s = format!("{}", v as i64);
        // Thousands with commas, as the reports write them.
        let mut out = String::new();
        for (i, c) in s.chars().enumerate() {
            if i > 0 && (s.len() - i) % 3 == 0 && c.is_ascii_digit() {
                out.push(',');
            }
            out.push(c);
        }
        out
    } else {
        format!("{v}")
    }
}

pub(super) fn span_over(figs: &[&Figure]) -> Provenance {
    let first = figs
        .iter()
        .min_by_key(|f| f.provenance.span[0])
        .map(|f| &f.provenance);
    let last = figs
        .iter()
        .max_by_key(|f| f.provenance.span[1])
        .map(|f| &f.provenance);
    match (first, last) {
        (Some(a), Some(b)) => Provenance {
            file: a.file.clone(),
            page: a.page,
            line: a.line,
            line_end: b.line_end,
            span: [a.span[0], b.span[1]],
            bbox: figs
                .iter()
                .filter_map(|f| f.provenance.bbox)
                .filter(|x| a.bbox.is_some_and(|first| first.page == x.page))
                .reduce(|x, y| crate::geometry::BBox {
                    page: x.page,
                    x0: x.x0.min(y.x0),
                    y0: x.y0.min(y.y0),
                    x1: x.x1.max(y.x1),
                    y1: x.y1.max(y.y1),
                }),
        },
        _ => Provenance {
            file: String::new(),
            page: None,
            line: 0,
            line_end: 0,
            span: [0, 0],
            bbox: None,
        },
    }
}

fn number_checks(action: &ActionRecord, a: &AuditRules, flags: &mut Vec<Flag>) {
    let Some(c) = a.check(CheckId::IrregularNumber) else {
        return;
    };
    for f in &action.figures {
        let mut problems = Vec::new();
        if f.notes.contains(&FigureNote::IrregularSeparator) {
            problems.push("tiene un espacio tras el separador de miles".to_string());
        }
        if f.notes.contains(&FigureNote::Decimal) && f.unit.is_some() {
            problems.push(format!(
                "es una cantidad fraccionaria de {} (algo que se cuenta en unidades)",
                f.unit_raw.as_deref().unwrap_or("unidades")
            ));
        }
        if f.provenance.line_end > f.provenance.line {
            problems.push("está partida en dos líneas".to_string());
        }
        for problem in problems {
            flags.push(Flag {
                kind: CheckId::IrregularNumber.kind(),
                severity: c.severity,
                objective: Some(action.objective),
                message: format!("La cifra «{}» {problem}.", f.raw),
                evidence: f.raw.clone(),
                provenance: Some(f.provenance.clone()),
                action: Some(action.id.clone()),
                related: Vec::new(),
                spans: Vec::new(),
            });
        }
    }
}

fn agency_checks(action: &ActionRecord, a: &AuditRules, flags: &mut Vec<Flag>) {
    let Some(c) = a.check(CheckId::UnknownAgency) else {
        return;
    };
    for u in &action.unknown_agencies {
        let message = match &u.closest {
            Some(k) => format!(
                "«{}» no está en el catálogo de dependencias; ¿quiso decir {k}?",
                u.raw
            ),
            None => format!("«{}» no está en el catálogo de dependencias.", u.raw),
        };
        flags.push(Flag {
            kind: CheckId::UnknownAgency.kind(),
            severity: c.severity,
            objective: Some(action.objective),
            message,
            evidence: u.raw.clone(),
            provenance: Some(u.provenance.clone()),
            action: Some(action.id.clone()),
            related: Vec::new(),
            spans: Vec::new(),
        });
    }
}

/// Number words the count phrases use.
fn count_word(w: &str) -> Option<u64> {
    let w = w.to_lowercase();
    if let Ok(n) = w.parse() {
        return Some(n);
    }
    Some(match w.as_str() {
        "ninguna" | "ninguno" | "cero" => 0,
        "una" | "uno" | "un" => 1,
        "dos" => 2,
        "tres" => 3,
        "cuatro" => 4,
        "cinco" => 5,
        "seis" => 6,
        "siete" => 7,
        "ocho" => 8,
        "nueve" => 9,
        "diez" => 10,
        _ => return None,
    })
}

/// The counts the report declares: its summary tables and the statements of its running text.
pub fn declared_counts(ex: &Extracted, a: &AuditRules) -> Vec<Declared> {
    let file = ex.source.file.as_str();
    let mut out = Vec::new();
    for t in ex
        .tables
        .iter()
        .filter(|t| t.kind == TableKind::ObjectiveCounts.as_str())
    {
        // Rows waiting for their count: (objective, title, first line index).
        let mut pending: Vec<(u32, String, usize)> = Vec::new();
        let mut in_row = false;
        for (i, l) in t.lines.iter().enumerate() {
            if let Some(c) = a.own.table_row.captures(&l.text) {
                let n = c["number"].parse().unwrap_or(0);
                pending.push((n, c["title"].trim().to_string(), i));
                in_row = true;
            } else if let Some(c) = a.own.table_count.captures(&l.text) {
                let count: u64 = c["count"].parse().unwrap_or(0);
                let each = c.name("each").is_some();
                let rows: Vec<(u32, String, usize)> = if each {
                    std::mem::take(&mut pending)
                } else {
                    pending.pop().into_iter().collect()
                };
                for (n, title, first) in rows {
                    let first_line = &t.lines[first];
                    out.push(Declared {
                        objective: Some(n),
                        count,
                        source: "table".into(),
                        title: Some(title.trim_end_matches('.').to_string()),
                        evidence: format!("{} … {}", first_line.text, l.text),
                        provenance: Provenance {
                            file: file.to_string(),
                            page: t.place.page,
                            line: first_line.line,
                            line_end: l.line,
                            span: [first_line.span[0], l.span[1]],
                            bbox: None,
                        },
                    });
                }
                in_row = false;
            } else if in_row {
                if let Some(last) = pending.last_mut() {
                    last.1.push(' ');
                    last.1.push_str(l.text.trim());
                }
            }
        }
    }
    for p in &ex.paragraphs {
        let prov = Provenance::of_place(file, &p.place);
        // Objective references and count phrases, in text order.
        enum Tok {
            Ref(u32),
            Count(u64),
            Same,
        }
        let mut toks: Vec<(usize, Tok)> = Vec::new();
        for c in a.own.objective_ref.captures_iter(&p.text) {
            let n = c
                .name("number")
                .or_else(|| c.name("listed"))
                .and_then(|m| m.as_str().parse().ok());
            if let (Some(n), Some(m)) = (n, c.get(0)) {
                toks.push((m.start(), Tok::Ref(n)));
            }
        }
        for c in a.own.count_phrase.captures_iter(&p.text) {
            if let (Some(n), Some(m)) = (count_word(&c["count"]), c.get(0)) {
                toks.push((m.start(), Tok::Count(n)));
            }
        }
        for m in a.own.same_count.find_iter(&p.text) {
            toks.push((m.start(), Tok::Same));
        }
        toks.sort_by_key(|(pos, _)| *pos);
        let mut pending: Vec<(u32, usize)> = Vec::new();
        let mut last_count: Option<u64> = None;
        for (pos, tok) in toks {
            let count = match tok {
                Tok::Ref(n) => {
                    pending.push((n, pos));
                    continue;
                }
                Tok::Count(n) => n,
                Tok::Same => match last_count {
                    Some(n) => n,
                    None => continue,
                },
            };
            last_count = Some(count);
            for (n, at) in pending.drain(..) {
                let end = (pos + 40).min(p.text.len());
                let end = (end..=p.text.len())
                    .find(|&e| p.text.is_char_boundary(e))
                    .unwrap_or(p.text.len());
                out.push(Declared {
                    objective: Some(n),
                    count,
                    source: "text".into(),
                    title: None,
                    evidence: p.text[at..end].to_string(),
                    provenance: prov.clone(),
                });
            }
        }
        for c in a.own.total.captures_iter(&p.text) {
            if let (Ok(n), Some(m)) = (c["count"].parse::<u64>(), c.get(0)) {
                out.push(Declared {
                    objective: None,
                    count: n,
                    source: "text".into(),
                    title: None,
                    evidence: m.as_str().to_string(),
                    provenance: prov.clone(),
                });
            }
        }
    }
    out
}

fn count_checks(ex: &Extracted, a: &AuditRules, declared: &[Declared], flags: &mut Vec<Flag>) {
    let listed: BTreeMap<u32, usize> = ex
        .objectives
        .iter()
        .map(|o| (o.number, o.actions))
        .collect();
    let mut by_objective: BTreeMap<Option<u32>, Vec<&Declared>> = BTreeMap::new();
    for d in declared {
        by_objective.entry(d.objective).or_default().push(d);
    }
    for (objective, decls) in &by_objective {
        let n_listed = match objective {
            Some(n) => listed.get(n).copied().unwrap_or(0) as u64,
            None => ex.actions.len() as u64,
        };
        let what = match objective {
            Some(n) => format!("el objetivo {n}"),
            None => "el total de programas y acciones".to_string(),
        };
        // Stated twice with different values.
        let values: BTreeSet<u64> = decls.iter().map(|d| d.count).collect();
        if values.len() > 1 {
            if let Some(c) = a.check(CheckId::CountDisagreement) {
                flags.push(Flag {
                    kind: CheckId::CountDisagreement.kind(),
                    severity: c.severity,
                    objective: *objective,
                    message: format!(
                        "El informe declara cifras distintas para {what}: {}.",
                        decls
                            .iter()
                            .map(|d| format!(
                                "{} (línea {}, {})",
                                d.count, d.provenance.line, d.source
                            ))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    evidence: decls
                        .iter()
                        .map(|d| d.evidence.as_str())
                        .collect::<Vec<_>>()
                        .join(" | "),
                    provenance: decls.first().map(|d| d.provenance.clone()),
                    action: None,
                    related: decls
                        .iter()
                        .skip(1)
                        .map(|d| format!("línea {}", d.provenance.line))
                        .collect(),
                    spans: Vec::new(),
                });
            }
        }
        // Each distinct declared value against what is listed.
        for value in values {
            let first = decls.iter().find(|d| d.count == value);
            let sources: Vec<String> = decls
                .iter()
                .filter(|d| d.count == value)
                .map(|d| format!("línea {} ({})", d.provenance.line, d.source))
                .collect();
            let (id, severity, message) = if objective.is_none() {
                let Some(c) = a.check(CheckId::TotalPrograms) else {
                    continue;
                };
                if n_listed > value {
                    ("total_programs", c.severity, format!(
                        "El informe declara {value} programas y acciones en total, pero lista {n_listed}."
                    ))
                } else if n_listed < value {
                    ("total_programs", c.severity_param("fewer_severity", Severity::Info), format!(
                        "El informe declara {value} programas y acciones en total y lista {n_listed} (un informe ejecutivo presenta una selección)."
                    ))
                } else {
                    continue;
                }
            } else if value == 0 && n_listed > 0 {
                let Some(c) = a.check(CheckId::CountDeclaredNone) else {
                    continue;
                };
                (
                    "count_declared_none",
                    c.severity,
                    format!(
                        "El informe declara que {what} no tiene acciones, pero lista {n_listed}."
                    ),
                )
            } else if n_listed > value {
                let Some(c) = a.check(CheckId::CountExceedsDeclared) else {
                    continue;
                };
                (
                    "count_exceeds_declared",
                    c.severity,
                    format!(
                        "Se listan {n_listed} acciones en {what}, más que las {value} declaradas."
                    ),
                )
            } else if n_listed < value {
                let Some(c) = a.check(CheckId::CountFewerThanDeclared) else {
                    continue;
                };
                ("count_fewer_than_declared", c.severity, format!(
                    "Se listan {n_listed} acciones en {what}; el informe declara {value} (un informe ejecutivo presenta una selección)."
                ))
            } else {
                continue;
            };
            flags.push(Flag {
                kind: id.into(),
                severity,
                objective: *objective,
                message,
                evidence: first.map_or(String::new(), |d| d.evidence.clone()),
                provenance: first.map(|d| d.provenance.clone()),
                action: None,
                related: sources,
                spans: Vec::new(),
            });
        }
    }
}

/// The words of `a` not in `b` and of `b` not in `a`, counting repeats ("de mutuo de").
fn word_diff(a: &str, b: &str) -> (Vec<String>, Vec<String>) {
    let words = |s: &str| -> Vec<String> { fold_key(s).split(' ').map(str::to_string).collect() };
    let minus = |x: &[String], y: &[String]| {
        let mut rest: Vec<String> = y.to_vec();
        x.iter()
            .filter(|w| match rest.iter().position(|r| r == *w) {
                Some(i) => {
                    rest.remove(i);
                    false
                }
                None => true,
            })
            .cloned()
            .collect::<Vec<_>>()
    };
    let (wa, wb) = (words(a), words(b));
    (minus(&wa, &wb), minus(&wb, &wa))
}

fn title_checks(ex: &Extracted, a: &AuditRules, declared: &[Declared], flags: &mut Vec<Flag>) {
    let Some(c) = a.check(CheckId::TitleMismatch) else {
        return;
    };
    let mut compare = |n: u32, printed: &str, where_: &str, prov: Provenance| {
        let Some(o) = a.objectives.resolve(n) else {
            return;
        };
        if a.objectives.same_title(n, printed) {
            return;
        }
        let (extra, missing) = word_diff(printed, &o.es);
        let mut diff = Vec::new();
        if !missing.is_empty() {
            diff.push(format!("faltan «{}»", missing.join(" ")));
        }
        if !extra.is_empty() {
            diff.push(format!("sobran «{}»", extra.join(" ")));
        }
        if diff.is_empty() {
            diff.push("el orden de las palabras cambia".to_string());
        }
        flags.push(Flag {
            kind: CheckId::TitleMismatch.kind(),
            severity: c.severity,
            objective: Some(n),
            message: format!(
                "El título del objetivo {n} en {where_} difiere del catálogo oficial ({}): «{printed}» frente a «{}».",
                diff.join("; "),
                o.es
            ),
            evidence: printed.to_string(),
            provenance: Some(prov),
            action: None,
            related: Vec::new(),
            spans: Vec::new(),
        });
    };
    for o in &ex.objectives {
        if let (Some(t), Some(p)) = (&o.printed_title, &o.heading) {
            compare(o.number, t, "el encabezado", p.clone());
        }
    }
    for d in declared.iter().filter(|d| d.source == "table") {
        if let (Some(n), Some(t)) = (d.objective, &d.title) {
            compare(n, t, "la tabla de resumen", d.provenance.clone());
        }
    }
}

/// The numbers of participating agencies the report states ("participaron 36 dependencias"), with
/// the evidence and where. A footnote marker glued to the number is taken off ("361 actores" is
/// 36 plus the call to footnote 1).
pub fn stated_participants(ex: &Extracted, a: &AuditRules) -> Vec<(u64, String, Provenance)> {
    // Footnotes whose marker appears nowhere as a glued word: their marker may be glued to a
    // number ("361 actores" is 36 plus footnote 1).
    let mut marked: BTreeSet<u32> = ex
        .actions
        .iter()
        .flat_map(|x| x.footnote_refs.iter().map(|r| r.number))
        .collect();
    let all_numbers: Vec<u32> = ex.footnotes.iter().map(|f| f.number).collect();
    let texts = ex.paragraphs.iter().map(|p| p.text.as_str()).chain(
        ex.tables
            .iter()
            .flat_map(|t| t.lines.iter().map(|l| l.text.as_str())),
    );
    for t in texts {
        for m in a.figures.footnote_marks(t, &all_numbers) {
            marked.insert(m.number);
        }
    }
    let file = ex.source.file.as_str();
    let mut stated: Vec<(u64, String, Provenance)> = Vec::new();
    for p in &ex.paragraphs {
        for pat in &a.own.participants {
            for cap in pat.captures_iter(&p.text) {
                let Some(m) = cap.name("count") else { continue };
                let mut digits = m.as_str().to_string();
                let mut note = String::new();
                // A footnote without a marker of its own, on the same page below this line.
                if let Some(f) = ex.footnotes.iter().find(|f| {
                    !marked.contains(&f.number)
                        && f.place.line > p.place.line
                        && digits.ends_with(&f.number.to_string())
                        && digits.len() > f.number.to_string().len()
                        && ex
                            .footnotes
                            .iter()
                            .filter(|g| g.number < f.number)
                            .all(|g| g.place.line < p.place.line)
                }) {
                    digits.truncate(digits.len() - f.number.to_string().len());
                    note = format!(" (con la llamada a la nota {} pegada)", f.number);
                }
                if let Ok(n) = digits.parse::<u64>() {
                    stated.push((
                        n,
                        format!("{}{note}", cap.get(0).map_or("", |g| g.as_str())),
                        Provenance::of_place(file, &p.place),
                    ));
                }
            }
        }
    }
    stated
}

fn participants_check(ex: &Extracted, a: &AuditRules, flags: &mut Vec<Flag>) {
    let Some(c) = a.check(CheckId::ParticipantsCount) else {
        return;
    };
    // Rows of the annex: lines that end with a known acronym.
    let Some(annex) = ex
        .tables
        .iter()
        .find(|t| t.kind == TableKind::ParticipatingAgencies.as_str())
    else {
        return;
    };
    let rows = annex
        .lines
        .iter()
        .filter(|l| {
            let text = l.text.trim();
            a.agencies.find(text).last().is_some_and(|m| {
                m.form == crate::extract::agencies::Form::Acronym && m.end == text.len()
            })
        })
        .count() as u64;
    let stated = stated_participants(ex, a);
    for (n, evidence, prov) in stated {
        if n != rows {
            flags.push(Flag {
                kind: CheckId::ParticipantsCount.kind(),
                severity: c.severity,
                objective: None,
                message: format!(
                    "El informe dice que participaron {n} dependencias, pero el anexo de participantes lista {rows}."
                ),
                evidence,
                provenance: Some(prov),
                action: None,
                related: vec![format!("anexo, líneas {}–{}", annex.place.line, annex.place.line_end)],
                spans: Vec::new(),
            });
        }
    }
}

/// Whether an input's flags say its reading is not sure (a reading check, warning or error).
pub fn needs_review(flags: &[Flag]) -> Option<&Flag> {
    flags.iter().find(|f| {
        f.severity != Severity::Info && CheckId::parse(&f.kind).is_some_and(CheckId::is_reading)
    })
}

/// How well the input was read: lines under objectives that belong to no action, bullets that
/// fell outside every objective, headings out of order or missing, lines whose shape betrays a
/// misreading, bullets and no actions.
fn reading_checks(ex: &Extracted, a: &AuditRules, flags: &mut Vec<Flag>) {
    let r = &ex.reading;
    let file = ex.source.file.as_str();
    let mut raise = |id: CheckId, message: String, lines: Option<&Lines>| {
        let Some(c) = a.check(id) else { return };
        let first = lines.and_then(|l| l.sample.first().copied());
        flags.push(Flag {
            kind: id.kind(),
            severity: c.severity,
            objective: None,
            message,
            evidence: lines.map_or(String::new(), Lines::sample_text),
            provenance: first.map(|line| Provenance {
                file: file.to_string(),
                page: None,
                line,
                line_end: line,
                span: [0, 0],
                bbox: None,
            }),
            action: None,
            related: Vec::new(),
            spans: Vec::new(),
        });
    };
    // Whether `lines` are at least the check's `min_lines` and over its `max_share` of the lines
    // under objectives.
    let too_many = |c: &Check, lines: &Lines, default_max_share: f64| {
        let max = c.float("max_share", default_max_share);
        let min_lines = c.float("min_lines", 3.0) as usize;
        lines.count >= min_lines && lines.count as f64 > max * r.body_lines as f64
    };
    if let Some(c) = a.check(CheckId::ReadingUnassignedText) {
        let n = r.unassigned.count;
        if too_many(c, &r.unassigned, 0.02) {
            raise(
                CheckId::ReadingUnassignedText,
                format!(
                    "{n} de {} líneas bajo los objetivos no pertenecen a ninguna acción ({:.1} %); revise las líneas {}.",
                    r.body_lines,
                    100.0 * n as f64 / r.body_lines.max(1) as f64,
                    r.unassigned.sample_text()
                ),
                Some(&r.unassigned),
            );
        }
    }
    if let Some(c) = a.check(CheckId::ReadingGarbledText) {
        let n = r.garbled.count;
        if too_many(c, &r.garbled, 0.01) {
            raise(
                CheckId::ReadingGarbledText,
                format!(
                    "{n} de {} líneas bajo los objetivos tienen palabras con caracteres que no son letras (como «Migraci—n» por «Migración»): el archivo parece estar en una codificación que no se reconoció; guárdelo como UTF-8 o revise las líneas {}.",
                    r.body_lines,
                    r.garbled.sample_text()
                ),
                Some(&r.garbled),
            );
        }
    }
    let sampled: [(CheckId, &Lines, &str); 4] = [
        (
            CheckId::ReadingStrayBullets,
            &r.stray_bullets,
            "viñetas quedaron fuera de todo objetivo (¿un encabezado no reconocido?)",
        ),
        (
            CheckId::ReadingSuspectHeadings,
            &r.suspect_headings,
            "líneas con forma de encabezado no se reconocieron como objetivo: las viñetas que siguen quedaron en el objetivo anterior",
        ),
        (
            CheckId::ReadingMergedLines,
            &r.merged_lines,
            "líneas de viñeta llevan otra viñeta a media línea (¿dos columnas leídas como una?)",
        ),
        (
            CheckId::ReadingItemsAfterLead,
            &r.after_lead,
            "viñetas siguen a una línea de la acción anterior que termina en dos puntos y se leyeron como acciones propias (¿son incisos de esa acción?)",
        ),
    ];
    for (id, lines, what) in sampled {
        if lines.count > 0 {
            let message = format!("{} {what}; líneas {}.", lines.count, lines.sample_text());
            raise(id, message, Some(lines));
        }
    }
    if let Some(c) = a.check(CheckId::ReadingHeadingOrder) {
        let max = c.float("max_out_of_order", 1.0) as usize;
        let out = r.headings_out_of_order();
        if out > max {
            let order: Vec<String> = r.heading_order.iter().map(u32::to_string).collect();
            raise(
                CheckId::ReadingHeadingOrder,
                format!(
                    "{out} encabezados de objetivo aparecen fuera de orden ({}).",
                    order.join(" ")
                ),
                None,
            );
        }
    }
    if let Some(c) = a.check(CheckId::ReadingMissingHeadings) {
        let min = c.float("min_headings", 12.0) as usize;
        let mut found: Vec<u32> = r.heading_order.clone();
        found.sort_unstable();
        found.dedup();
        if found.len() >= min {
            let (lo, hi) = (found[0], found[found.len() - 1]);
            let missing: Vec<String> = (lo..=hi)
                .filter(|n| !found.contains(n) && a.objectives.resolve(*n).is_some())
                .map(|n| n.to_string())
                .collect();
            if !missing.is_empty() {
                raise(
                    CheckId::ReadingMissingHeadings,
                    format!(
                        "El documento tiene encabezados de {} objetivos pero no se encontró el de {}: sus acciones pueden haber quedado en el objetivo anterior.",
                        found.len(),
                        missing.join(", ")
                    ),
                    None,
                );
            }
        }
    }
    let no_activities = ex.objectives.iter().any(|o| o.no_activities.is_some());
    if ex.actions.is_empty() && !no_activities {
        raise(
            CheckId::ReadingNoActions,
            format!(
                "Se encontraron {} encabezados de objetivo pero ninguna acción ni línea de «sin actividades».",
                r.heading_order.len()
            ),
            None,
        );
    }
}

impl AsRef<AuditRules> for AuditRules {
    fn as_ref(&self) -> &AuditRules {
        self
    }
}
