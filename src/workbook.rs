//! `informe.xlsx`: the run's records as a workbook analysts open in Excel (output stage).
//!
//! Sheets Acciones, Cifras, Periodos, Dependencias, Alertas and Entradas (every input, its
//! status and reason in Spanish; and, after `compile --against`, Informe publicado), written row by row from the run's
//! `actions.jsonl` and `flags.jsonl` with `rust_xlsxwriter` in constant-memory mode: numbers are
//! numbers, dates are dates (at their precision), the header row is bold, frozen and filtered,
//! and every row names its source (file, page, line).

use std::io::{BufRead, Write};
use std::path::Path;

use rayon::prelude::*;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet, XlsxError};
use serde::Deserialize;

use crate::audit::Flag;
use crate::error::OutputError;
use crate::extract::agencies::Form;
use crate::extract::{AgencyMention, Figure, Period, Provenance};
use crate::output::{RunSummary, Status};

/// Deflate level of the workbook's zip container (1 fastest .. 9 smallest; the library's
/// default is 6). The workbook is written alone at the end of every run: on the 2021 report,
/// level 1 takes 19 M instructions off its 57 M (the whole run 3-4 % faster) for a file of 94 KB
/// instead of 64 KB.
const ZIP_LEVEL: u8 = 1;

/// Lines of a JSON Lines file read at a time by [`each_chunk`] (parsed on all cores; memory stays
/// bounded however long the file).
const CHUNK_LINES: usize = 512;

/// The records of a JSON Lines file, a chunk of up to [`CHUNK_LINES`] at a time, in order, each
/// chunk parsed on all cores; lines that do not parse are skipped.
fn each_chunk<T: serde::de::DeserializeOwned + Send>(
    path: &Path,
    mut f: impl FnMut(&[T]) -> Result<(), XlsxError>,
) -> Result<(), XlsxError> {
    let Ok(file) = std::fs::File::open(path) else {
        return Ok(());
    };
    let mut lines = std::io::BufReader::new(file).lines().map_while(Result::ok);
    loop {
        let chunk: Vec<String> = lines.by_ref().take(CHUNK_LINES).collect();
        if chunk.is_empty() {
            return Ok(());
        }
        let records: Vec<T> = chunk
            .par_iter()
            .filter_map(|line| serde_json::from_str(line).ok())
            .collect();
        f(&records)?;
    }
}

/// A date at its precision: `2020-06-01`, `2020-06`, `2020` → the date and its display format.
fn date(iso: &str) -> Option<(ExcelDateTime, &'static str)> {
    let parts: Vec<&str> = iso.split('-').collect();
    let y: u16 = parts.first()?.parse().ok()?;
    let m: u8 = parts.get(1).map_or(Some(1), |m| m.parse().ok())?;
    let d: u8 = parts.get(2).map_or(Some(1), |d| d.parse().ok())?;
    let fmt = match parts.len() {
        1 => "yyyy",
        2 => "yyyy-mm",
        _ => "yyyy-mm-dd",
    };
    ExcelDateTime::from_ymd(y, m, d).ok().map(|dt| (dt, fmt))
}

/// An input's status in Spanish.
fn status_es(status: &Status) -> &'static str {
    match status {
        Status::Ok => "leída",
        Status::Review => "revisar",
        Status::Failed => "fallida",
        Status::Skipped => "omitida",
    }
}

/// How an agency is named, in Spanish.
fn form_es(form: &Form) -> &'static str {
    match form {
        Form::Acronym => "siglas",
        Form::Name => "nombre",
        Form::Variant => "variante",
    }
}

/// A period's printed precision in Spanish.
fn precision_es(code: &str) -> &str {
    match code {
        "day" => "día",
        "month" => "mes",
        "year" => "año",
        other => other,
    }
}

struct Sheet<'a> {
    ws: &'a mut Worksheet,
    row: u32,
    cols: u16,
}

impl<'a> Sheet<'a> {
    fn new(
        ws: &'a mut Worksheet,
        name: &str,
        headers: &[(&str, f64)],
        bold: &Format,
    ) -> Result<Sheet<'a>, XlsxError> {
        ws.set_name(name)?;
        for (c, (h, width)) in headers.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *h, bold)?;
            ws.set_column_width(c as u16, *width)?;
        }
        ws.set_freeze_panes(1, 0)?;
        Ok(Sheet {
            ws,
            row: 0,
            cols: headers.len() as u16,
        })
    }
    fn next(&mut self) -> u32 {
        self.row += 1;
        self.row
    }
    fn text(&mut self, col: u16, s: &str) -> Result<(), XlsxError> {
        // Excel cells hold at most 32,767 characters (a text of at most 32,000 bytes has fewer).
        const MAX_CHARS: usize = 32_000;
        if s.len() <= MAX_CHARS {
            if !s.is_empty() {
                self.ws.write_string(self.row, col, s)?;
            }
        } else {
            let s: String = s.chars().take(MAX_CHARS).collect();
            self.ws.write_string(self.row, col, s)?;
        }
        Ok(())
    }
    fn num(&mut self, col: u16, v: f64) -> Result<(), XlsxError> {
        self.ws.write_number(self.row, col, v)?;
        Ok(())
    }
    /// A period's end or start: the cell holds the full date (`full`: the last day of an end,
    /// the first of a start, so that filters on dates are right), shown at the precision printed
    /// (`printed`: `2021-06` shows as 2021-06 and holds 2021-06-30).
    fn period_date(
        &mut self,
        col: u16,
        full: Option<&str>,
        printed: Option<&str>,
    ) -> Result<(), XlsxError> {
        let (Some((dt, _)), Some((_, fmt))) = (full.and_then(date), printed.and_then(date)) else {
            return self.date(col, printed);
        };
        self.date_cell(col, &dt, fmt)
    }
    fn date(&mut self, col: u16, iso: Option<&str>) -> Result<(), XlsxError> {
        match iso.and_then(date) {
            Some((dt, fmt)) => self.date_cell(col, &dt, fmt),
            None => Ok(()),
        }
    }
    fn date_cell(&mut self, col: u16, dt: &ExcelDateTime, fmt: &str) -> Result<(), XlsxError> {
        self.ws.write_datetime_with_format(
            self.row,
            col,
            dt,
            &Format::new().set_num_format(fmt),
        )?;
        Ok(())
    }
    fn source(
        &mut self,
        col: u16,
        file: &str,
        page: Option<u32>,
        line: u32,
    ) -> Result<(), XlsxError> {
        self.text(col, file)?;
        if let Some(p) = page {
            self.num(col + 1, f64::from(p))?;
        }
        self.num(col + 2, f64::from(line))
    }
    fn finish(self) -> Result<(), XlsxError> {
        self.ws.autofilter(0, 0, self.row.max(1), self.cols - 1)?;
        Ok(())
    }
}

/// What the sheets of actions read of an action record (the rest of each line is skipped).
#[derive(Deserialize)]
struct ActionRow {
    id: String,
    objective: u32,
    objective_title: String,
    submitter: Option<String>,
    lead_agency: Option<String>,
    text: String,
    figures: Vec<Figure>,
    periods: Vec<Period>,
    agencies: Vec<AgencyMention>,
    provenance: Provenance,
}

/// The action's row of the sheet Acciones.
fn action_row(s: &mut Sheet, a: &ActionRow) -> Result<(), XlsxError> {
    s.next();
    s.text(0, &a.id)?;
    s.num(1, f64::from(a.objective))?;
    s.text(2, &a.objective_title)?;
    s.text(3, a.submitter.as_deref().unwrap_or(""))?;
    s.text(4, a.lead_agency.as_deref().unwrap_or(""))?;
    s.text(5, &a.text)?;
    s.num(6, a.figures.len() as f64)?;
    s.num(7, a.periods.len() as f64)?;
    s.source(8, &a.provenance.file, a.provenance.page, a.provenance.line)
}

/// The action's figures, a row each, in the sheet Cifras.
fn figure_rows(s: &mut Sheet, a: &ActionRow) -> Result<(), XlsxError> {
    for f in &a.figures {
        s.next();
        let p = f.period.and_then(|i| a.periods.get(i));
        s.text(0, &a.id)?;
        s.num(1, f64::from(a.objective))?;
        s.num(2, f.value)?;
        s.ws.write_boolean(s.row, 3, f.percent)?;
        s.text(4, f.unit.as_deref().unwrap_or(""))?;
        s.text(5, &f.raw)?;
        s.text(6, f.qualifier.as_deref().unwrap_or(""))?;
        let notes: Vec<&str> = f.notes.iter().map(|n| n.label_es()).collect();
        s.text(7, &notes.join(", "))?;
        s.period_date(
            8,
            p.and_then(|p| p.start_date.as_deref()),
            p.and_then(|p| p.start.as_deref()),
        )?;
        s.period_date(
            9,
            p.and_then(|p| p.end_date.as_deref()),
            p.and_then(|p| p.end.as_deref()),
        )?;
        s.source(10, &f.provenance.file, f.provenance.page, f.provenance.line)?;
    }
    Ok(())
}

/// The action's periods, a row each, in the sheet Periodos.
fn period_rows(s: &mut Sheet, a: &ActionRow) -> Result<(), XlsxError> {
    for p in &a.periods {
        s.next();
        s.text(0, &a.id)?;
        s.num(1, f64::from(a.objective))?;
        s.text(2, &p.raw)?;
        s.period_date(3, p.start_date.as_deref(), p.start.as_deref())?;
        s.period_date(4, p.end_date.as_deref(), p.end.as_deref())?;
        s.text(5, precision_es(&p.precision))?;
        let notes: Vec<&str> = p.notes.iter().map(|n| n.label_es()).collect();
        s.text(6, &notes.join(", "))?;
        s.source(7, &p.provenance.file, p.provenance.page, p.provenance.line)?;
    }
    Ok(())
}

/// The action's agency mentions, a row each, in the sheet Dependencias.
fn agency_rows(s: &mut Sheet, a: &ActionRow) -> Result<(), XlsxError> {
    for m in &a.agencies {
        s.next();
        s.text(0, &a.id)?;
        s.num(1, f64::from(a.objective))?;
        s.text(2, &m.acronym)?;
        s.text(3, &m.raw)?;
        s.text(4, form_es(&m.form))?;
        s.source(5, &m.provenance.file, m.provenance.page, m.provenance.line)?;
    }
    Ok(())
}

/// A flag's row of the sheet Alertas.
fn flag_row(s: &mut Sheet, f: &Flag) -> Result<(), XlsxError> {
    s.next();
    s.text(0, f.severity.label_es())?;
    s.text(1, &crate::audit::kind_label_es(&f.kind))?;
    // The machine code in its own column, last.
    s.text(9, &f.kind)?;
    if let Some(o) = f.objective {
        s.num(2, f64::from(o))?;
    }
    s.text(3, &f.message)?;
    s.text(4, &f.evidence)?;
    s.text(5, f.action.as_deref().unwrap_or(""))?;
    if let Some(p) = &f.provenance {
        s.source(6, &p.file, p.page, p.line)?;
    }
    Ok(())
}

/// Writes `informe.xlsx` into `out` from the run's `actions.jsonl` and `flags.jsonl`.
pub fn write_workbook(out: &Path, run: &RunSummary) -> Result<(), OutputError> {
    let actions = out.join("actions.jsonl");
    let flags = out.join("flags.jsonl");
    let target = out.join("informe.xlsx");
    let tmp = out.join(".informe.xlsx.tmp");
    let result = (|| -> Result<(), XlsxError> {
        let mut wb = Workbook::new();
        // A sheet's rows wait in an unnamed temporary file: in `out`, as everything informe
        // writes, not in the system's temporary folder.
        wb.set_tempdir(out)?;
        wb.set_zip_compression_level(ZIP_LEVEL);
        let bold = Format::new().set_bold();
        // The four sheets of actions, written from one reading of `actions.jsonl`.
        for _ in 0..4 {
            wb.add_worksheet_with_constant_memory()?;
        }
        let four: &mut [Worksheet; 4] = (&mut wb.worksheets_mut()[..4])
            .try_into()
            .map_err(|_| XlsxError::ParameterError("four sheets were just added".into()))?;
        let [acciones, cifras, periodos, dependencias] = four;
        let mut acciones = Sheet::new(
            acciones,
            "Acciones",
            &[
                ("id", 30.0),
                ("objetivo", 9.0),
                ("título del objetivo", 40.0),
                ("dependencia que reporta", 14.0),
                ("dependencia responsable", 14.0),
                ("texto", 80.0),
                ("cifras", 8.0),
                ("periodos", 9.0),
                ("archivo", 30.0),
                ("página", 8.0),
                ("línea", 8.0),
            ],
            &bold,
        )?;
        let mut cifras = Sheet::new(
            cifras,
            "Cifras",
            &[
                ("acción", 30.0),
                ("objetivo", 9.0),
                ("valor", 14.0),
                ("porcentaje", 11.0),
                ("unidad", 18.0),
                ("texto", 16.0),
                ("calificador", 12.0),
                ("notas", 18.0),
                ("inicio del periodo", 14.0),
                ("fin del periodo", 14.0),
                ("archivo", 30.0),
                ("página", 8.0),
                ("línea", 8.0),
            ],
            &bold,
        )?;
        let mut periodos = Sheet::new(
            periodos,
            "Periodos",
            &[
                ("acción", 30.0),
                ("objetivo", 9.0),
                ("texto", 40.0),
                ("inicio", 12.0),
                ("fin", 12.0),
                ("precisión", 10.0),
                ("notas", 16.0),
                ("archivo", 30.0),
                ("página", 8.0),
                ("línea", 8.0),
            ],
            &bold,
        )?;
        let mut dependencias = Sheet::new(
            dependencias,
            "Dependencias",
            &[
                ("acción", 30.0),
                ("objetivo", 9.0),
                ("siglas", 12.0),
                ("texto", 40.0),
                ("forma", 10.0),
                ("archivo", 30.0),
                ("página", 8.0),
                ("línea", 8.0),
            ],
            &bold,
        )?;
        // Two sheets on each side, each sheet's rows in the file's order.
        each_chunk(&actions, |rows: &[ActionRow]| {
            let (left, right) = rayon::join(
                || {
                    rows.iter().try_for_each(|a| {
                        action_row(&mut acciones, a)?;
                        agency_rows(&mut dependencias, a)
                    })
                },
                || {
                    rows.iter().try_for_each(|a| {
                        figure_rows(&mut cifras, a)?;
                        period_rows(&mut periodos, a)
                    })
                },
            );
            left.and(right)
        })?;
        for s in [acciones, cifras, periodos, dependencias] {
            s.finish()?;
        }
        {
            let ws = wb.add_worksheet_with_constant_memory()?;
            let mut s = Sheet::new(
                ws,
                "Alertas",
                &[
                    ("gravedad", 12.0),
                    ("tipo", 36.0),
                    ("objetivo", 9.0),
                    ("mensaje", 80.0),
                    ("evidencia", 40.0),
                    ("acción", 30.0),
                    ("archivo", 30.0),
                    ("página", 8.0),
                    ("línea", 8.0),
                    ("código", 24.0),
                ],
                &bold,
            )?;
            each_chunk(&flags, |flags: &[Flag]| {
                flags.iter().try_for_each(|f| flag_row(&mut s, f))
            })?;
            s.finish()?;
        }
        {
            // Every input of the run: how it went, and why, in Spanish.
            let ws = wb.add_worksheet_with_constant_memory()?;
            let mut s = Sheet::new(
                ws,
                "Entradas",
                &[
                    ("archivo", 40.0),
                    ("estado", 10.0),
                    ("motivo", 80.0),
                    ("acciones", 9.0),
                    ("cifras", 8.0),
                    ("páginas", 8.0),
                    ("dependencia que reporta", 14.0),
                    ("código", 18.0),
                ],
                &bold,
            )?;
            let unreadable = |e: OutputError| XlsxError::ParameterError(e.to_string());
            run.inputs.try_each(unreadable, |i| {
                s.next();
                s.text(0, &i.file)?;
                s.text(1, status_es(&i.status))?;
                s.text(
                    2,
                    i.error_es.as_deref().or(i.error.as_deref()).unwrap_or(""),
                )?;
                s.num(3, i.actions as f64)?;
                s.num(4, i.figures as f64)?;
                if let Some(p) = i.pages {
                    s.num(5, p as f64)?;
                }
                s.text(6, i.submitter.as_deref().unwrap_or(""))?;
                s.text(7, i.reason.as_deref().unwrap_or(""))
            })?;
            s.finish()?;
        }
        let comparison = crate::output::read_comparison(out);
        if !comparison.is_empty() {
            // `informe compile --against`: the published report's counts, row by row.
            let ws = wb.add_worksheet_with_constant_memory()?;
            let mut s = Sheet::new(
                ws,
                "Informe publicado",
                &[
                    ("qué se cuenta", 36.0),
                    ("informe publicado", 12.0),
                    ("entregas", 10.0),
                    ("coincide", 9.0),
                    ("archivo del informe", 30.0),
                    ("página", 8.0),
                    ("línea del informe", 10.0),
                ],
                &bold,
            )?;
            for row in &comparison {
                s.next();
                s.text(0, &row.what)?;
                s.num(1, row.published as f64)?;
                s.num(2, row.submissions as f64)?;
                s.text(
                    3,
                    if row.published == row.submissions {
                        "sí"
                    } else {
                        "no"
                    },
                )?;
                s.source(4, &row.report_file, None, row.report_line)?;
            }
            s.finish()?;
        }
        // Buffered: the zip writer puts each entry's header and data in many small writes.
        let mut file = std::io::BufWriter::with_capacity(1 << 16, std::fs::File::create(&tmp)?);
        wb.save_to_writer(&mut file)?;
        file.flush()?;
        Ok(())
    })();
    result.map_err(|e| OutputError::write(&target, std::io::Error::other(e.to_string())))?;
    std::fs::rename(&tmp, &target).map_err(|source| OutputError::write(&target, source))
}
