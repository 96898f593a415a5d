//! Errors of the library. Each one says which file it is about and, where it helps, what to do.

use std::path::{Path, PathBuf};

use thiserror::Error;

/// A rule file that cannot be used: the file, the offending key, and why.
#[derive(Debug, Error)]
#[error("{}: {}{message}", path.display(), if key.is_empty() { String::new() } else { format!("{key}: ") })]
pub struct RulesError {
    pub path: PathBuf,
    pub key: String,
    pub message: String,
}

impl RulesError {
    pub fn new(path: &Path, key: &str, message: &str) -> RulesError {
        RulesError {
            path: path.to_path_buf(),
            key: key.to_string(),
            message: message.to_string(),
        }
    }
}

/// An input file that cannot be read as a report. The run goes on with the other inputs.
#[derive(Debug, Error)]
pub enum InputError {
    #[error("{path}: cannot read: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: the file is empty")]
    Empty { path: String },
    #[error("{path}: holds no text (only blank lines)")]
    NoText { path: String },
    #[error(
        "{path}: looks binary, not text ({reason}); informe reads PDF, Word (.docx) and text files"
    )]
    Binary { path: String, reason: String },
    #[error("{path}: the PDF needs a password (only files with an empty user password can be read); ask the sender for an unprotected copy")]
    PdfPassword { path: String },
    #[error("{path}: no text layer on pages {} (a scanned document?); run OCR on it first", pages.iter().map(|p| p.to_string()).collect::<Vec<_>>().join(", "))]
    PdfNoText { path: String, pages: Vec<u32> },
    #[error("{path}: pages {} draw text, but none could be read from them ({}); the file is damaged or uses what the PDF readers do not support", pages.iter().map(|p| p.to_string()).collect::<Vec<_>>().join(", "), if problems.is_empty() { "no reader found any" } else { problems.as_str() })]
    PdfTextUnread {
        path: String,
        pages: Vec<u32>,
        problems: String,
    },
    #[error("{path}: cannot read the Word document: {reason}")]
    Docx { path: String, reason: String },
    #[error("{path}: cannot read the PDF: {reason}")]
    PdfUnreadable { path: String, reason: String },
    /// The input is over one of the limits that keep a run's memory bounded.
    #[error("{path}: {what} exceeds the limit of {limit} (informe's {name}); not read")]
    TooLarge {
        path: String,
        /// What is too large ("the file is 200 MiB").
        what: String,
        /// The limit, with its unit ("128 MiB").
        limit: String,
        /// The limit's name in the README's table of limits.
        name: &'static str,
    },
    #[error("{path}: no objective headings found (checked {lines} lines against the objectives catalog, {rules}); is this a report of this family?")]
    NoObjectives {
        path: String,
        lines: usize,
        rules: String,
    },
}

impl InputError {
    /// A short machine-readable kind, written in the run's list of failures.
    pub fn kind(&self) -> &'static str {
        match self {
            InputError::Io { .. } => "io",
            InputError::Empty { .. } => "empty",
            InputError::NoText { .. } => "no_text",
            InputError::Binary { .. } => "binary",
            InputError::PdfPassword { .. } => "pdf_password",
            InputError::PdfNoText { .. } => "pdf_no_text",
            InputError::PdfTextUnread { .. } => "pdf_text_unread",
            InputError::PdfUnreadable { .. } => "pdf_unreadable",
            InputError::Docx { .. } => "docx_unreadable",
            InputError::NoObjectives { .. } => "no_objectives",
            InputError::TooLarge { .. } => "too_large",
        }
    }

    /// The message in Spanish, for analysts (review.html, the workbook, the terminal under a
    /// Spanish locale). What a library reported in English is kept as a technical detail.
    pub fn es(&self) -> String {
        let pages_list = |pages: &[u32]| {
            pages
                .iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        };
        match self {
            InputError::Io { path, source } => {
                format!("{path}: no se puede leer: {}", crate::locale::io_error_es(source))
            }
            InputError::Empty { path } => format!("{path}: el archivo está vacío"),
            InputError::NoText { path } => {
                format!("{path}: no contiene texto (solo líneas en blanco)")
            }
            InputError::Binary { path, reason } => format!(
                "{path}: parece un archivo binario, no de texto (detalle técnico: {reason}); informe lee archivos PDF, Word (.docx) y de texto"
            ),
            InputError::PdfPassword { path } => format!(
                "{path}: el PDF pide contraseña (solo se leen los que tienen contraseña de usuario vacía); pida al remitente una copia sin protección"
            ),
            InputError::PdfNoText { path, pages } => format!(
                "{path}: no hay capa de texto en las páginas {} (¿un documento escaneado?); aplíquele OCR primero",
                pages_list(pages)
            ),
            InputError::PdfTextUnread {
                path,
                pages,
                problems,
            } => format!(
                "{path}: las páginas {} dibujan texto, pero no se pudo leer nada de ellas ({}); el archivo está dañado o usa lo que los lectores de PDF no admiten",
                pages_list(pages),
                if problems.is_empty() {
                    "ningún lector encontró texto".to_string()
                } else {
                    format!("detalle técnico: {problems}")
                }
            ),
            InputError::Docx { path, reason } => format!(
                "{path}: no se puede leer el documento de Word (detalle técnico: {reason})"
            ),
            InputError::PdfUnreadable { path, reason } => match reason.as_str() {
                PDF_NO_PAGES => format!("{path}: no se puede leer el PDF: no tiene páginas"),
                PDF_UNOPENABLE => format!(
                    "{path}: no se puede leer el PDF: ningún lector lo puede abrir (está dañado o no es un PDF)"
                ),
                _ => format!("{path}: no se puede leer el PDF (detalle técnico: {reason})"),
            },
            InputError::TooLarge {
                path, limit, name, ..
            } => format!(
                "{path}: {} supera el límite de {limit} ({name} de informe); no se leyó",
                limit_subject_es(name)
            ),
            InputError::NoObjectives { path, lines, rules } => format!(
                "{path}: no se encontraron encabezados de objetivo (se revisaron {lines} líneas contra el catálogo de objetivos, {rules}); ¿es un informe de esta familia?"
            ),
        }
    }
}

/// The reason of a PDF without pages ([`InputError::PdfUnreadable`]).
pub const PDF_NO_PAGES: &str = "the document has no pages";
/// The reason of a PDF that no reader opens ([`InputError::PdfUnreadable`]).
pub const PDF_UNOPENABLE: &str = "neither pdf-extract nor lopdf can open it (damaged or not a PDF)";

/// What a limit of `limits.rs` bounds, in Spanish, by the limit's name.
fn limit_subject_es(name: &str) -> &'static str {
    match name {
        "MAX_INPUT_FILE_BYTES" => "el tamaño del archivo",
        "MAX_TEXT_BYTES" => "el tamaño de su texto",
        "MAX_TEXT_LINES" => "el número de líneas de su texto",
        "MAX_DOCX_PART_BYTES" => "una parte del documento de Word",
        "MAX_PDF_STREAM_BYTES" => "un flujo del PDF, descomprimido,",
        _ => "el archivo",
    }
}

/// Writing outputs, or reading back the files of a run (its manifest, its per-input files),
/// failed: the run cannot go on.
#[derive(Debug, Error)]
pub enum OutputError {
    /// Disk full, permissions, …
    #[error("{path}: cannot write output: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A file of a run that is missing or cannot be read. (The reason is the error's source,
    /// printed after it in a chain such as `{:#}`.)
    #[error("{path}: cannot read")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A line of a JSONL file of a run that does not parse (lines and columns count from 1).
    /// Another run holds the output folder's lock.
    #[error("{}: another informe run (process {holder}) is writing into this folder; wait for it to end (a lock left by a run that died is taken over by the next run)", path.display())]
    Locked { path: PathBuf, holder: String },
    #[error("{path}: line {line}, column {column}: not a valid record: {reason}")]
    Jsonl {
        path: PathBuf,
        line: usize,
        column: usize,
        reason: String,
    },
}

impl OutputError {
    /// A failure to write `path`.
    pub fn write(path: &Path, source: std::io::Error) -> OutputError {
        OutputError::Write {
            path: path.to_path_buf(),
            source,
        }
    }

    /// A failure to read `path`.
    pub fn read(path: &Path, source: std::io::Error) -> OutputError {
        OutputError::Read {
            path: path.to_path_buf(),
            source,
        }
    }

    /// The message in Spanish, for the terminal under a Spanish locale.
    pub fn es(&self) -> String {
        match self {
            OutputError::Write { path, source } => format!(
                "{}: no se puede escribir la salida: {}",
                path.display(),
                crate::locale::io_error_es(source)
            ),
            OutputError::Read { path, source } => format!(
                "{}: no se puede leer: {}",
                path.display(),
                crate::locale::io_error_es(source)
            ),
            OutputError::Locked { path, holder } => format!(
                "{}: otra corrida de informe (proceso {holder}) está escribiendo en esta carpeta; espere a que termine (el candado que deja una corrida que murió lo toma la siguiente)",
                path.display()
            ),
            OutputError::Jsonl {
                path,
                line,
                column,
                reason,
            } => format!(
                "{}: línea {line}, columna {column}: no es un registro válido (detalle técnico: {reason})",
                path.display()
            ),
        }
    }

    /// Line `line` of the JSONL file `path` did not parse as a record.
    pub fn jsonl(path: &Path, line: usize, e: &serde_json::Error) -> OutputError {
        // serde_json places the error within the one line it was given ("… at line 1 column
        // 7"): keep the column, report the line in the file.
        let message = e.to_string();
        let reason = match message.rsplit_once(" at line ") {
            Some((reason, _)) => reason.to_string(),
            None => message,
        };
        OutputError::Jsonl {
            path: path.to_path_buf(),
            line,
            column: e.column(),
            reason,
        }
    }
}

/// `informe compile` failed.
#[derive(Debug, Error)]
pub enum CompileError {
    #[error("{0}: not a run folder (no actions.jsonl); run `informe extract INPUTS --out FOLDER` first, then compile FOLDER")]
    NotARun(PathBuf),
    #[error("{path}: cannot read the published report: {message}")]
    Report { path: PathBuf, message: String },
    #[error(transparent)]
    Output(#[from] OutputError),
}

impl CompileError {
    /// The message in Spanish, for the terminal under a Spanish locale.
    pub fn es(&self) -> String {
        match self {
            CompileError::NotARun(path) => format!(
                "{}: no es la carpeta de una corrida (no tiene actions.jsonl); ejecute primero `informe extract ENTRADAS --out CARPETA` y luego compile CARPETA",
                path.display()
            ),
            CompileError::Report { path, message } => format!(
                "{}: no se puede leer el informe publicado (detalle técnico: {message})",
                path.display()
            ),
            CompileError::Output(e) => e.es(),
        }
    }
}
