//! Bulk runs through the binary: malformed inputs beside good ones, Word input, resume after a
//! kill, and shards merged into one data set.

use crate::common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use assert_cmd::cargo::CommandCargoExt;

fn informe() -> Command {
    Command::cargo_bin("informe").unwrap()
}

fn manifest(dir: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(dir.join("manifest.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn name(v: &serde_json::Value) -> String {
    Path::new(v["file"].as_str().unwrap())
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

#[test]
fn malformed_inputs_fail_alone_and_every_input_is_in_the_manifest() {
    let work = tempfile::tempdir().unwrap();
    let inputs = work.path().join("in");
    let bad = common::make_malformed(&inputs);
    let out = work.path().join("out");
    let result = informe()
        .args([
            "extract",
            "--jobs",
            "2",
            "--timeout",
            "60",
            "--max-memory",
            "700M",
            "--quiet",
        ])
        .arg(&inputs)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(
        result.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let m = manifest(&out);
    let by_name: BTreeMap<String, &serde_json::Value> = m.iter().map(|v| (name(v), v)).collect();
    assert_eq!(by_name.len(), m.len(), "an input listed twice");
    assert_eq!(m.len(), 10, "{by_name:?}");
    for good in ["informe-2021.txt", "sre-2022.pdf", "inm-2022.docx"] {
        assert_eq!(by_name[good]["status"], "ok", "{good}: {}", by_name[good]);
    }
    assert_eq!(by_name["informe-2021.txt"]["actions"], 102);
    assert_eq!(by_name["sre-2022.pdf"]["pages"], 2);
    assert_eq!(by_name["sre-2022.pdf"]["submitter"], "SRE");
    assert_eq!(by_name["inm-2022.docx"]["format"], "docx");
    assert_eq!(by_name["inm-2022.docx"]["actions"], 2);
    assert_eq!(by_name["inm-2022.docx"]["submitter"], "INM");
    for (file, reason) in bad {
        let v = by_name[file];
        assert_eq!(v["status"], "failed", "{file}: {v}");
        let error = v["error"].as_str().unwrap();
        assert!(
            error.contains(file),
            "{file}: the error names the file: {error}"
        );
        if !reason.is_empty() {
            assert_eq!(v["reason"], reason, "{file}: {v}");
        }
        assert!(
            v["sha256"].as_str().is_some_and(|h| h.len() == 64),
            "{file}: {v}"
        );
    }
    // The consolidated actions name their file and submitter.
    let actions = std::fs::read_to_string(out.join("actions.jsonl")).unwrap();
    assert_eq!(actions.lines().count(), 102 + 5 + 2);
    assert!(actions.lines().any(|l| l.contains("\"submitter\":\"INM\"")));
    assert!(out.join("objectives.csv").exists() && out.join("figures.csv").exists());
}

fn copies(dir: &Path, n: usize) {
    std::fs::create_dir_all(dir).unwrap();
    let pdf = std::fs::read("fixtures/pdf/informe-2021-sidebox.pdf").unwrap();
    let txt = std::fs::read("fixtures/informe-ejecutivo-2021.txt").unwrap();
    for i in 0..n {
        // Distinct contents: a trailing comment (PDF) or line (text) numbers each copy.
        let mut p = pdf.clone();
        p.extend_from_slice(format!("\n% copy {i}\n").as_bytes());
        std::fs::write(dir.join(format!("r{i:02}.pdf")), p).unwrap();
        let mut t = txt.clone();
        t.extend_from_slice(format!("\nCopia {i}\n").as_bytes());
        std::fs::write(dir.join(format!("t{i:02}.txt")), t).unwrap();
    }
}

fn sorted_lines(p: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_to_string(p)
        .unwrap()
        .lines()
        .map(|l| {
            // Output folders differ between runs; compare records, not paths of folders.
            l.to_string()
        })
        .collect();
    v.sort();
    v
}

#[test]
fn a_killed_run_resumes_to_the_same_outputs() {
    let work = tempfile::tempdir().unwrap();
    let inputs = work.path().join("in");
    copies(&inputs, 6);
    // The uninterrupted run.
    let full = work.path().join("full");
    informe()
        .args(["extract", "--jobs", "1", "--quiet"])
        .arg(&inputs)
        .arg("--out")
        .arg(&full)
        .status()
        .unwrap();
    // A run killed once some inputs are done.
    let part = work.path().join("part");
    let mut child = informe()
        .args(["extract", "--jobs", "1", "--quiet"])
        .arg(&inputs)
        .arg("--out")
        .arg(&part)
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    loop {
        let done = std::fs::read_to_string(part.join("manifest.jsonl"))
            .map(|s| s.lines().count())
            .unwrap_or(0);
        if done >= 3 || start.elapsed().as_secs() > 120 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let before: Vec<serde_json::Value> = manifest(&part);
    assert!(
        before.len() >= 3 && before.len() < 12,
        "killed midway: {} done",
        before.len()
    );
    // Resume: what was done is reused, the rest is processed.
    let status = informe()
        .args(["extract", "--jobs", "1", "--quiet", "--resume"])
        .arg(&inputs)
        .arg("--out")
        .arg(&part)
        .status()
        .unwrap();
    assert!(status.success());
    let after = manifest(&part);
    assert_eq!(after.len(), 12);
    for b in &before {
        let a = after.iter().find(|a| a["file"] == b["file"]).unwrap();
        assert_eq!(
            a["duration_ms"], b["duration_ms"],
            "{} was redone",
            b["file"]
        );
    }
    assert_eq!(
        sorted_lines(&part.join("actions.jsonl")),
        sorted_lines(&full.join("actions.jsonl"))
    );
    assert_eq!(
        sorted_lines(&part.join("flags.jsonl")),
        sorted_lines(&full.join("flags.jsonl"))
    );
    assert_eq!(
        sorted_lines(&part.join("figures.csv")),
        sorted_lines(&full.join("figures.csv"))
    );
}

#[test]
fn shards_merge_into_the_whole_run() {
    let work = tempfile::tempdir().unwrap();
    let inputs = work.path().join("in");
    copies(&inputs, 3);
    let whole = work.path().join("whole");
    extract_in_process(&inputs, &whole);
    let mut shard_dirs = Vec::new();
    let mut counted = 0;
    for k in 0..3 {
        let d = work.path().join(format!("shard{k}"));
        let status = informe()
            .args(["extract", "--quiet", "--shard", &format!("{k}/3")])
            .arg(&inputs)
            .arg("--out")
            .arg(&d)
            .status()
            .unwrap();
        assert!(status.success());
        counted += manifest(&d).len();
        shard_dirs.push(d);
    }
    assert_eq!(counted, 6, "each input in exactly one shard");
    let merged = work.path().join("merged");
    let status = informe()
        .arg("merge")
        .args(&shard_dirs)
        .arg("--out")
        .arg(&merged)
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(manifest(&merged).len(), 6);
    assert_eq!(
        sorted_lines(&merged.join("actions.jsonl")),
        sorted_lines(&whole.join("actions.jsonl"))
    );
    // Cross-file audit: the same actions submitted in several files are flagged on the merged set.
    let flags = std::fs::read_to_string(merged.join("flags.jsonl")).unwrap();
    assert!(flags.contains("la misma acción reportada dos veces"));
    assert_eq!(
        sorted_lines(&merged.join("flags.jsonl")),
        sorted_lines(&whole.join("flags.jsonl"))
    );
    let objectives = std::fs::read_to_string(merged.join("objectives.csv")).unwrap();
    assert!(
        objectives
            .contains("\n7,\"Abordar y reducir las vulnerabilidades en la migración\",72,6\n"),
        "{objectives}"
    );
}

#[test]
fn a_worker_past_its_time_limit_is_stopped_and_its_input_failed() {
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("out");
    let result = informe()
        .args([
            "extract",
            "--quiet",
            "--timeout",
            "0.001",
            "fixtures/pdf/informe-2021-sidebox.pdf",
        ])
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(result.status.code(), Some(1));
    let m = manifest(&out);
    assert_eq!(m.len(), 1);
    assert_eq!(m[0]["reason"], "timeout", "{}", m[0]);
    assert!(m[0]["error"]
        .as_str()
        .unwrap()
        .contains("informe-2021-sidebox.pdf: no result after 0.001 s"));
}

/// A run of two inputs (a PDF and a text report) in this process, into `work/run`.
fn small_run(work: &Path) -> std::path::PathBuf {
    let inputs = work.join("in");
    copies(&inputs, 1);
    let run = work.join("run");
    extract_in_process(&inputs, &run);
    run
}

/// `informe extract --quiet --in-process INPUTS --out OUT`, which must succeed.
fn extract_in_process(inputs: &Path, out: &Path) {
    let status = informe()
        .args(["extract", "--quiet", "--in-process"])
        .arg(inputs)
        .arg("--out")
        .arg(out)
        .status()
        .unwrap();
    assert!(status.success());
}

/// Replaces line `n` (from 1) of the file `path` with `with`.
fn spoil_line(path: &Path, n: usize, with: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    assert!(
        lines.len() >= n,
        "{} has {} lines",
        path.display(),
        lines.len()
    );
    lines[n - 1] = with;
    std::fs::write(path, lines.join("\n") + "\n").unwrap();
}

#[test]
fn merge_reports_a_corrupt_manifest_line_with_its_file_and_line() {
    let work = tempfile::tempdir().unwrap();
    let run = small_run(work.path());
    let manifest = run.join("manifest.jsonl");
    spoil_line(&manifest, 2, "{\"file\": \"t00.txt\", \"status\": ");
    let merged = work.path().join("merged");
    let result = informe()
        .arg("merge")
        .arg(&run)
        .arg("--out")
        .arg(&merged)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("{}: line 2, column ", manifest.display())),
        "{stderr}"
    );
    assert!(!merged.join("run.json").exists(), "nothing merged");
}

#[test]
fn merge_reports_a_corrupt_action_line_of_an_input_with_its_file_and_line() {
    let work = tempfile::tempdir().unwrap();
    let run = small_run(work.path());
    let first = manifest(&run)
        .into_iter()
        .find(|o| o["status"] == "ok")
        .unwrap();
    let actions = Path::new(first["output"].as_str().unwrap()).join("actions.jsonl");
    spoil_line(&actions, 3, "{\"id\": 3,");
    let result = informe()
        .arg("merge")
        .arg(&run)
        .arg("--out")
        .arg(work.path().join("merged"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("{}: line 3, column ", actions.display())),
        "{stderr}"
    );
}

#[test]
fn merge_of_a_folder_without_a_manifest_names_the_missing_file() {
    let work = tempfile::tempdir().unwrap();
    let not_a_run = work.path().join("empty");
    std::fs::create_dir_all(&not_a_run).unwrap();
    let result = informe()
        .arg("merge")
        .arg(&not_a_run)
        .arg("--out")
        .arg(work.path().join("merged"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "{}: cannot read: ",
            not_a_run.join("manifest.jsonl").display()
        )),
        "{stderr}"
    );
}

#[test]
fn compile_reports_a_corrupt_action_line_with_its_file_and_line() {
    let work = tempfile::tempdir().unwrap();
    let run = small_run(work.path());
    let actions = run.join("actions.jsonl");
    spoil_line(&actions, 5, "not json");
    let result = informe().arg("compile").arg(&run).output().unwrap();
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("{}: line 5, column ", actions.display())),
        "{stderr}"
    );
}

#[test]
fn resume_redoes_the_input_whose_manifest_line_was_cut_short_and_stops_at_a_corrupt_one() {
    let work = tempfile::tempdir().unwrap();
    let run = small_run(work.path());
    let inputs = work.path().join("in");
    let path = run.join("manifest.jsonl");
    let whole = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = whole.lines().collect();
    assert_eq!(lines.len(), 2);
    let before: Vec<serde_json::Value> = manifest(&run);
    let resume = || {
        informe()
            .args(["extract", "--quiet", "--in-process", "--resume"])
            .arg(&inputs)
            .arg("--out")
            .arg(&run)
            .output()
            .unwrap()
    };
    // Killed while appending the second line: the first input is reused, the second redone.
    std::fs::write(
        &path,
        format!("{}\n{}", lines[0], &lines[1][..lines[1].len() / 2]),
    )
    .unwrap();
    let result = resume();
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let after = manifest(&run);
    assert_eq!(after.len(), 2);
    let same = |i: usize| after[i]["duration_ms"] == before[i]["duration_ms"];
    assert!(same(0), "the first input was redone");
    assert_eq!(after[1]["file"], before[1]["file"]);
    assert_eq!(after[1]["actions"], before[1]["actions"]);
    // A corrupt line that is not the last: an error naming it, not a silent redo.
    spoil_line(&path, 1, "{\"file\": 1}");
    let result = resume();
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("{}: line 1, column ", path.display())),
        "{stderr}"
    );
}

/// A submission for `agency` stating `statement` in its title lines, with one action whose
/// period is `period`.
fn submission(agency: &str, statement: &str, period: &str) -> String {
    format!(
        "{agency}\n{statement}\n\nObjetivo 7. Abordar y reducir las vulnerabilidades en la migración\n\
         • Se atendieron 1,204 personas migrantes {period}.\n"
    )
}

/// Issue 13: in a bulk run, an input that states no reporting window is checked against the
/// window most inputs state (here 4 of the 7), not the profile's (June 2020–June 2021), and its manifest line says
/// so; a period outside that window is still flagged, naming where the window came from.
#[test]
fn an_input_without_a_window_takes_the_one_most_inputs_state() {
    let work = tempfile::tempdir().unwrap();
    let inputs = work.path().join("in");
    std::fs::create_dir_all(&inputs).unwrap();
    let stated = "Periodo de reporte: 1 de julio de 2021 al 30 de junio de 2022";
    for agency in ["SEP", "CNDH", "IMSS", "SNDIF"] {
        let text = submission(agency, stated, "de agosto de 2021 a mayo de 2022");
        std::fs::write(inputs.join(format!("{agency}.txt")), text).unwrap();
    }
    // The other cycle, stated by one input only.
    let other = submission(
        "SRE",
        "Periodo de reporte: 1 de julio de 2020 al 30 de junio de 2021",
        "de agosto de 2020 a mayo de 2021",
    );
    std::fs::write(inputs.join("SRE.txt"), other).unwrap();
    let silent = submission(
        "COMAR",
        "Acciones del Pacto Mundial",
        "de octubre de 2021 a marzo de 2022",
    );
    std::fs::write(inputs.join("COMAR.txt"), silent).unwrap();
    let outside = submission(
        "STPS",
        "Acciones del Pacto Mundial",
        "de enero a diciembre de 2020",
    );
    std::fs::write(inputs.join("STPS.txt"), outside).unwrap();
    let out = work.path().join("out");
    let result = informe()
        .args(["extract", "--quiet", "--out"])
        .arg(&out)
        .arg(&inputs)
        .output()
        .unwrap();
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let by_name: BTreeMap<String, serde_json::Value> =
        manifest(&out).into_iter().map(|v| (name(&v), v)).collect();
    for agency in ["SEP", "CNDH", "IMSS", "SNDIF"] {
        let o = &by_name[&format!("{agency}.txt")];
        assert_eq!(o["window"], "2021-07-01..2022-06-30", "{o}");
        // The statement is in the paragraph of title lines that starts at line 1.
        assert_eq!(o["window_source"], "document line 1", "{o}");
    }
    assert_eq!(by_name["SRE.txt"]["window"], "2020-07-01..2021-06-30");
    for file in ["COMAR.txt", "STPS.txt"] {
        let o = &by_name[file];
        assert_eq!(o["window"], "2021-07-01..2022-06-30", "{o}");
        assert_eq!(o["window_source"], "majority of 4 inputs", "{o}");
    }
    let flags = std::fs::read_to_string(out.join("flags.jsonl")).unwrap();
    let window_flags: Vec<&str> = flags
        .lines()
        .filter(|l| l.contains("period_outside_window"))
        .collect();
    assert_eq!(window_flags.len(), 1, "{flags}");
    assert!(window_flags[0].contains("STPS.txt"), "{}", window_flags[0]);
    assert!(
        window_flags[0].contains("el que declaran 4 entradas del lote"),
        "{}",
        window_flags[0]
    );
    let comar = by_name["COMAR.txt"]["flags"].to_string();
    assert!(!comar.contains("period_outside_window"), "{comar}");
}

/// Issue 14: with one long-lived worker, an input that kills it (the inflate bomb runs out of
/// memory) fails alone; the inputs after it are read by a fresh worker.
#[test]
fn a_worker_that_dies_is_replaced_and_the_next_inputs_are_read() {
    let work = tempfile::tempdir().unwrap();
    let inputs = work.path().join("in");
    common::make_malformed(&inputs);
    let out = work.path().join("out");
    let result = informe()
        .args(["extract", "--jobs", "1", "--max-memory", "400M", "--quiet"])
        .arg(&inputs)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(result.status.code(), Some(1));
    let by_name: BTreeMap<String, serde_json::Value> =
        manifest(&out).into_iter().map(|v| (name(&v), v)).collect();
    let bomb = &by_name["inflate-bomb.pdf"];
    assert_eq!(bomb["status"], "failed", "{bomb}");
    for good in ["informe-2021.txt", "sre-2022.pdf", "inm-2022.docx"] {
        assert_eq!(by_name[good]["status"], "ok", "{good}: {}", by_name[good]);
    }
}

/// Issue 14: workers die with their run: after the parent is killed (SIGKILL, no clean-up),
/// no worker of it is left running.
#[cfg(target_os = "linux")]
#[test]
fn no_worker_outlives_a_killed_run() {
    let work = tempfile::tempdir().unwrap();
    let inputs = work.path().join("in");
    copies(&inputs, 12);
    let mut run = informe()
        .args(["extract", "--jobs", "2", "--quiet"])
        .arg(&inputs)
        .arg("--out")
        .arg(work.path().join("out"))
        .spawn()
        .unwrap();
    // The run's processes: its child (the zygote that forks the workers) and the workers, the
    // zygote's children.
    let children = |pid: &str| -> Vec<String> {
        let out = std::process::Command::new("pgrep")
            .arg("-P")
            .arg(pid)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_string)
            .collect()
    };
    let descendants = || -> Vec<String> {
        let zygotes = children(&run.id().to_string());
        let workers = zygotes.iter().flat_map(|z| children(z));
        zygotes.clone().into_iter().chain(workers).collect()
    };
    let started = std::time::Instant::now();
    let mut workers = descendants();
    while workers.len() < 2 && started.elapsed() < std::time::Duration::from_secs(20) {
        std::thread::sleep(std::time::Duration::from_millis(5));
        workers = descendants();
    }
    assert!(
        workers.len() >= 2,
        "no worker was seen running: {workers:?}"
    );
    run.kill().unwrap();
    run.wait().unwrap();
    // A worker is gone, or a zombie waiting for whoever adopted it to reap it.
    let running = |pid: &String| {
        std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
            stat.rsplit(") ")
                .next()
                .is_some_and(|s| !s.starts_with('Z'))
        })
    };
    let killed = std::time::Instant::now();
    while workers.iter().any(running) && killed.elapsed() < std::time::Duration::from_secs(5) {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let left: Vec<&String> = workers.iter().filter(|p| running(p)).collect();
    assert!(left.is_empty(), "workers outlived their run: {left:?}");
}

/// A run started with its stdin closed (as from some schedulers) gives its files and pipes low
/// descriptor numbers, the ones a worker's stdin, stdout and stderr are moved to; each worker must
/// still find its own pipes and answer.
#[cfg(unix)]
#[test]
fn a_run_started_with_stdin_closed_reads_every_input_with_workers() {
    use std::os::unix::process::CommandExt;
    let work = tempfile::tempdir().unwrap();
    let inputs = work.path().join("in");
    copies(&inputs, 2);
    let out = work.path().join("out");
    let mut cmd = informe();
    cmd.args(["extract", "--jobs", "2", "--quiet"])
        .arg(&inputs)
        .arg("--out")
        .arg(&out);
    // SAFETY: close(0) in the child before exec; no allocation, no lock.
    unsafe {
        cmd.pre_exec(|| {
            libc::close(0);
            Ok(())
        });
    }
    let result = cmd.output().unwrap();
    assert_eq!(
        result.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let m = manifest(&out);
    assert_eq!(m.len(), 4);
    for v in &m {
        assert_eq!(v["status"], "ok", "{v}");
    }
}

/// The same submission sent twice, in two files: each action of the later file is flagged once
/// as a near copy of its twin in the earlier one, naming both files, in the order of the
/// flagged actions' ids; an action is never flagged against its own file.
#[test]
fn an_action_sent_in_two_files_is_flagged_once_against_the_other_file() {
    let work = tempfile::tempdir().unwrap();
    let inputs = work.path().join("in");
    std::fs::create_dir_all(&inputs).unwrap();
    // A Word export in its code page: a line of ASCII added to the copy keeps it one.
    let text = std::fs::read("fixtures/submission-word-export.txt").unwrap();
    std::fs::write(inputs.join("a.txt"), &text).unwrap();
    std::fs::write(
        inputs.join("b.txt"),
        [&text[..], b"\r\nCopia 2\r\n"].concat(),
    )
    .unwrap();
    let out = work.path().join("out");
    extract_in_process(&inputs, &out);
    let b_actions: Vec<serde_json::Value> = std::fs::read_to_string(out.join("b/actions.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(b_actions.len() >= 3, "{}", b_actions.len());
    let flags: Vec<serde_json::Value> = std::fs::read_to_string(out.join("flags.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|f| f["kind"] == "near_duplicate" && f["provenance"].is_null())
        .collect();
    let flagged: Vec<&str> = flags
        .iter()
        .map(|f| f["action"].as_str().unwrap())
        .collect();
    let mut expected: Vec<&str> = b_actions
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    expected.sort();
    assert_eq!(flagged, expected);
    for f in &flags {
        let action = f["action"].as_str().unwrap();
        let twin = format!("a{}", &action[1..]);
        assert_eq!(f["related"], serde_json::json!([twin]), "{f}");
        let message = f["message"].as_str().unwrap();
        assert!(
            message.contains("b.txt") && message.contains("a.txt"),
            "{message}"
        );
        assert!(message.contains("~100 %"), "{message}");
    }
}
