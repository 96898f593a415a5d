//! The command line in Spanish, for `LANG=es*`: clap renders its help and its errors in
//! English, and [`translate`] replaces each English text of them, clap's own and informe's
//! (every subcommand's description and every option's help, tested to be complete), by its
//! Spanish one.

/// English text → Spanish text. Longer texts are replaced first, so a text that holds another
/// is translated whole.
const TEXTS: &[(&str, &str)] = &[
    // informe's descriptions of itself and of its subcommands.
    ("Turns government progress reports into auditable records", "Convierte los informes de avance de gobierno en registros auditables"),
    ("Extract actions per objective from report files (PDF or text exports) into JSONL and CSV", "Extrae las acciones de cada objetivo de archivos de informe (PDF, Word o texto exportado) a JSONL y CSV"),
    ("Combine the output folders of shards (or runs) into one data set, with the cross-file audit", "Une las carpetas de salida de fragmentos (o corridas) en un solo conjunto de datos, con la auditoría entre archivos"),
    ("Compile the cycle's summary tables (resumen.md/.csv/.svg) and compendium (compendio.docx/.md) from a run's output folder", "Compila los cuadros de resumen del ciclo (resumen.md/.csv/.svg) y el compendio (compendio.docx/.md) a partir de la carpeta de salida de una corrida"),
    ("Extract and audit one report; print the flags grouped by severity", "Extrae y audita un informe; imprime las alertas agrupadas por gravedad"),
    ("Print the text informe reads from a file (for a PDF: in reading order, pages separated by form feeds, with each page's problems on stderr)", "Imprime el texto que informe lee de un archivo (de un PDF: en orden de lectura, páginas separadas por saltos de página, con los problemas de cada página en stderr)"),
    ("Load a rules profile, compile every pattern and run every example", "Carga un perfil de reglas, compila cada patrón y prueba cada ejemplo"),
    ("The built-in rules profile", "El perfil de reglas integrado"),
    ("Write the built-in `gcm` profile into DIR (a new or empty folder), to edit and pass back with --rules DIR", "Escribe el perfil integrado `gcm` en DIR (una carpeta nueva o vacía), para editarlo y usarlo con --rules DIR"),
    // Their arguments.
    ("Files or folders (folders are walked recursively for .txt, .pdf and .docx files)", "Archivos o carpetas (en las carpetas se buscan, también en subcarpetas, archivos .txt, .pdf y .docx)"),
    ("Rules profile folder (default: the gcm profile built into informe)", "Carpeta del perfil de reglas (por omisión: el perfil gcm integrado en informe)"),
    ("Output folder: one subfolder per input, plus run.json", "Carpeta de salida: una subcarpeta por entrada, más run.json"),
    ("Reporting window for the audit, START..END (overrides audit.toml)", "Periodo de reporte para la auditoría, INICIO..FIN (en lugar del de audit.toml)"),
    ("Print only failures and the closing line; no progress", "Imprime solo las fallas y la línea final; sin progreso"),
    ("Inputs processed at once (default: all cores)", "Entradas procesadas a la vez (por omisión: todos los núcleos)"),
    ("Seconds a worker may spend on one input before it is stopped (more than 0; decimals allowed)", "Segundos que un proceso de trabajo puede dedicar a una entrada antes de detenerlo (más de 0; se admiten decimales)"),
    ("Memory (address space) a worker may add to the run's, e.g. 2G, 512M (at least 64M)", "Memoria (espacio de direcciones) que un proceso de trabajo puede sumar a la de la ejecución, p. ej. 2G, 512M (al menos 64M)"),
    ("Skip inputs already done in --out with the same content, rules and tool version", "Omite las entradas ya procesadas en --out con el mismo contenido, reglas y versión"),
    ("Process only shard K of N (0 ≤ K < N), chosen by content hash; merge shards with `informe merge`", "Procesa solo el fragmento K de N (0 ≤ K < N), elegido por el hash del contenido; los fragmentos se unen con `informe merge`"),
    ("Process inputs in this process instead of worker processes (faster, not isolated)", "Procesa las entradas en este proceso en lugar de procesos de trabajo (más rápido, sin aislamiento)"),
    ("Run-level outputs to write, comma-separated: jsonl, csv, xlsx, html", "Salidas de la corrida que se escriben, separadas por comas: jsonl, csv, xlsx, html"),
    ("Output folders of `informe extract --shard K/N`", "Carpetas de salida de `informe extract --shard K/N`"),
    ("Folder for the merged data set", "Carpeta del conjunto de datos unido"),
    ("Print only the last line of the summary (and failures), as `extract --quiet`", "Imprime solo la última línea del resumen (y las fallas), como `extract --quiet`"),
    ("The output folder of `informe extract` (or `informe merge`)", "La carpeta de salida de `informe extract` (o de `informe merge`)"),
    ("A published report to compare with what the submissions contain", "Un informe publicado para comparar con lo que contienen las entregas"),
    ("The report file", "El archivo del informe"),
    ("Reporting window, START..END (overrides audit.toml), e.g. 2020-06-01..2021-06-30", "Periodo de reporte, INICIO..FIN (en lugar del de audit.toml), p. ej. 2020-06-01..2021-06-30"),
    ("Output format", "Formato de salida"),
    ("Replace rule files DIR already holds", "Reemplaza los archivos de reglas que DIR ya tenga"),
    // The library's own messages about a value given (`--period`).
    ("expected START..END, e.g.", "se esperaba INICIO..FIN, p. ej."),
    ("dates must be YYYY-MM-DD", "las fechas van como AAAA-MM-DD"),
    ("the window ends before it starts", "el periodo termina antes de empezar"),
    // The text after the help.
    ("Examples:", "Ejemplos:"),
    ("(then: informe extract report.pdf --rules my-rules)", "(luego: informe extract report.pdf --rules my-rules)"),
    ("Exit codes:", "Códigos de salida:"),
    ("every input was processed", "se procesaron todas las entradas"),
    ("some inputs failed (the others were processed; see <out>/run.json)", "algunas entradas fallaron (las demás se procesaron; vea <out>/run.json)"),
    ("usage error, nothing to do, unusable rules, or outputs that cannot be written", "error de uso, nada que hacer, reglas inutilizables o salidas que no se pueden escribir"),
    // clap's own texts.
    ("Print this message or the help of the given subcommand(s)", "Muestra este mensaje o la ayuda del subcomando indicado"),
    ("Print help", "Muestra la ayuda"),
    ("Print version", "Muestra la versión"),
    ("Usage:", "Uso:"),
    ("Commands:", "Comandos:"),
    ("Arguments:", "Argumentos:"),
    ("Options:", "Opciones:"),
    ("[OPTIONS]", "[OPCIONES]"),
    ("<COMMAND>", "<COMANDO>"),
    ("[default: ", "[por omisión: "),
    ("[possible values: ", "[valores posibles: "),
    ("error: unexpected argument", "error: argumento inesperado"),
    ("error: unrecognized subcommand", "error: subcomando desconocido"),
    ("error: the following required arguments were not provided:", "error: faltan estos argumentos obligatorios:"),
    ("error: invalid value", "error: valor no válido"),
    ("error: a value is required for", "error: falta el valor de"),
    ("but none was supplied", "y no se dio ninguno"),
    ("error: the argument", "error: el argumento"),
    ("cannot be used multiple times", "no se puede usar más de una vez"),
    ("cannot be used with", "no se puede usar con"),
    ("' found", "'"),
    ("' for '", "' para '"),
    ("tip: a similar argument exists:", "sugerencia: existe un argumento parecido:"),
    ("tip: a similar subcommand exists:", "sugerencia: existe un subcomando parecido:"),
    ("tip: some similar subcommands exist:", "sugerencia: existen subcomandos parecidos:"),
    ("tip: to pass", "sugerencia: para pasar"),
    ("as a value, use", "como valor, use"),
    ("For more information, try '--help'.", "Para más información, pruebe '--help'."),
    ("For more information, try 'help'.", "Para más información, pruebe 'help'."),
    ("requires a subcommand but one was not provided", "necesita un subcomando y no se dio ninguno"),
    ("subcommands:", "subcomandos:"),
    ("invalid digit found in string", "no es un número"),
    ("is not in 1..", "no está en 1.."),
];

/// `text` with every English text of [`TEXTS`] replaced by its Spanish one.
pub fn translate(text: &str) -> String {
    let mut order: Vec<&(&str, &str)> = TEXTS.iter().collect();
    order.sort_by_key(|(en, _)| std::cmp::Reverse(en.len()));
    let mut out = text.to_string();
    for (en, es) in order {
        if out.contains(en) {
            out = out.replace(en, es);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::{translate, TEXTS};

    /// Every description and help text of the command line, with where it is.
    fn texts_of(cmd: &clap::Command, path: &str, out: &mut Vec<(String, String)>) {
        if let Some(about) = cmd.get_about() {
            out.push((path.to_string(), about.to_string()));
        }
        for a in cmd.get_arguments() {
            if let Some(help) = a.get_help() {
                out.push((format!("{path} {}", a.get_id()), help.to_string()));
            }
        }
        for sub in cmd.get_subcommands() {
            texts_of(sub, &format!("{path} {}", sub.get_name()), out);
        }
    }

    #[test]
    fn every_help_text_of_the_command_line_has_its_spanish() {
        let mut texts = Vec::new();
        texts_of(&crate::Cli::command(), "informe", &mut texts);
        assert!(texts.len() > 30, "{}", texts.len());
        for (place, text) in texts {
            assert!(
                TEXTS.iter().any(|(en, _)| *en == text),
                "{place}: no Spanish for {text:?} in src/cmd/es.rs"
            );
        }
    }

    #[test]
    fn the_rendered_help_of_every_subcommand_is_spanish() {
        let mut cmd = crate::Cli::command();
        cmd.build();
        let mut pending = vec![cmd];
        while let Some(mut c) = pending.pop() {
            let help = translate(&c.render_help().to_string());
            for english in [
                "Usage",
                "Options",
                "Print",
                "Arguments",
                "default:",
                "Examples",
            ] {
                assert!(!help.contains(english), "{english:?} left in:\n{help}");
            }
            assert!(help.contains("Uso:"), "{help}");
            pending.extend(c.get_subcommands().cloned());
        }
    }

    #[test]
    fn a_text_that_holds_another_is_translated_whole() {
        assert_eq!(translate("Print help"), "Muestra la ayuda");
        assert_eq!(
            translate("  help  Print this message or the help of the given subcommand(s)"),
            "  help  Muestra este mensaje o la ayuda del subcomando indicado"
        );
    }
}
