//! Faults while writing, and reruns: what a user finds in the output folder after a writer
//! fails or panics, a pipe closes, the folder is read-only, a file, full or holds links, the
//! run is interrupted (SIGINT) or killed (SIGKILL), two runs meet in one folder, or a run goes
//! into a folder holding an earlier run's files. Every test runs the real binary under a
//! timeout, and checks the exit status, the message and the folder afterwards: files complete
//! (each listed SHA-256 matches the file), no temporary file left, a manifest that lists
//! exactly the files in the folder.

mod common;
use common::*;
use rust_xlsxwriter::Workbook;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::REQUIRED_HEADERS as HEADERS;

/// A requests sheet with one row per 编号 (receivers `to`), written to `dir/name`.
fn workbook(dir: &Path, name: &str, ids: &[String], to: &str) -> PathBuf {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("协作需求").unwrap();
    for (c, h) in HEADERS.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, id) in ids.iter().enumerate() {
        let row = [
            id.as_str(),
            "市场部",
            to,
            "2026-03-05",
            "流程优化",
            "目标",
            "2026-05-07",
            "内容",
            "标准",
            "2026-03-22",
            "杨磊",
            "13800000003",
        ];
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32 + 1, c as u16, *v).unwrap();
        }
    }
    let path = dir.join(name);
    wb.save(&path).unwrap();
    path
}

fn ids(n: usize) -> Vec<String> {
    (1..=n).map(|i| format!("协作函〔2026〕{i}号")).collect()
}

/// Most a test's run may take before it is killed and the test fails (not a speed test: a
/// hang must end the test, not the suite).
const TIMEOUT: Duration = Duration::from_secs(120);

fn command(args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_gongwen"));
    c.args(args).stdin(Stdio::null());
    c
}

/// Wait for `child`, killing it after `TIMEOUT` (then the test fails).
fn finish(mut child: Child) -> Output {
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if start.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("gongwen did not finish within {TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Run `gongwen args` (with `env`) to the end, under the timeout.
fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = command(args);
    c.envs(env.iter().copied()).stdout(Stdio::piped()).stderr(Stdio::piped());
    finish(c.spawn().unwrap())
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The manifest's lines: file name (or, for a line without a file, `#<n>`) → (状态, SHA-256,
/// 说明).
fn manifest(out: &Path) -> BTreeMap<String, (String, String, String)> {
    let text = std::fs::read_to_string(out.join("manifest.csv")).expect("a manifest.csv");
    let text = text.strip_prefix('\u{feff}').expect("manifest starts with a BOM");
    let mut csv = csv::Reader::from_reader(text.as_bytes());
    let mut lines = BTreeMap::new();
    for (n, r) in csv.records().enumerate() {
        let r = r.unwrap();
        let key = if r[0].is_empty() { format!("#{n}") } else { r[0].to_string() };
        let old = lines.insert(key.clone(), (r[8].to_string(), r[7].to_string(), r[9].to_string()));
        assert!(old.is_none(), "{key} listed twice");
    }
    lines
}

fn sha256(path: &Path) -> String {
    Sha256::digest(std::fs::read(path).unwrap()).iter().map(|b| format!("{b:02x}")).collect()
}

/// The names in `out` (all entries, hidden ones too).
fn names(out: &Path) -> Vec<String> {
    let mut v: Vec<String> =
        std::fs::read_dir(out).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    v.sort();
    v
}

/// Is this file complete? A PDF ends with its `%%EOF` marker, a .docx is a zip whose
/// directory reads.
fn complete(path: &Path) -> bool {
    let bytes = std::fs::read(path).unwrap();
    match path.extension().and_then(|e| e.to_str()) {
        Some("pdf") => bytes.starts_with(b"%PDF-") && bytes.trim_ascii_end().ends_with(b"%%EOF"),
        Some("docx") => zip::ZipArchive::new(std::io::Cursor::new(bytes)).is_ok_and(|z| z.len() > 3),
        _ => true,
    }
}

/// The folder is what its manifest says: every file in it (but the manifest and the lock) is
/// listed, every listed file is there, complete, with the SHA-256 listed (a 写入中 line, left
/// by a killed run, has none: its file, if there, need only be complete); no temporary file
/// is left.
/// Returns the manifest.
fn folder_is_true(out: &Path) -> BTreeMap<String, (String, String, String)> {
    folder_is_true_but_tmp(out, false)
}

/// [`folder_is_true`], but for a folder whose run was killed outright: the temporary files it
/// was writing at that moment (`.gongwen-*.tmp`, never a final name) may be there; the next
/// run sweeps them.
fn folder_is_true_after_kill(out: &Path) -> BTreeMap<String, (String, String, String)> {
    folder_is_true_but_tmp(out, true)
}

fn folder_is_true_but_tmp(out: &Path, tmp_allowed: bool) -> BTreeMap<String, (String, String, String)> {
    let lines = manifest(out);
    for name in names(out) {
        if tmp_allowed && name.starts_with(".gongwen-") && name.ends_with(".tmp") {
            continue;
        }
        assert!(!name.ends_with(".tmp"), "temporary file {name} left in {}", out.display());
        if name == "manifest.csv" || name == ".gongwen.lock" {
            continue;
        }
        let path = out.join(&name);
        let (status, sha, _) =
            lines.get(&name).unwrap_or_else(|| panic!("{name} is in the folder, not in the manifest"));
        assert!(complete(&path), "{name} is incomplete");
        match status.as_str() {
            "已生成" => assert_eq!(&sha256(&path), sha, "{name}: SHA-256 in the manifest is wrong"),
            // An earlier run's file: its SHA-256, unless that run was killed while writing it.
            "上次生成" | "过期" if sha.is_empty() => {}
            "上次生成" | "过期" => assert_eq!(&sha256(&path), sha, "{name}: SHA-256 in the manifest is wrong"),
            "写入中" => assert!(sha.is_empty(), "{name}"),
            other => panic!("{name}: status {other}"),
        }
    }
    for (name, (status, _, _)) in &lines {
        // A 写入中 file may not have been started when the run was killed.
        if !name.starts_with('#') && status != "写入中" {
            assert!(out.join(name).is_file(), "{name} ({status}) is listed but not in the folder");
        }
    }
    lines
}

fn has_english_tail(text: &str) -> bool {
    ["error", "Error", "panicked", "os error", "No such", "denied", "thread '"].iter().any(|w| text.contains(w))
}

/// A writer that fails, and one that panics, cost only their document: a 未生成 line with a
/// Chinese reason, a message naming the file, exit 1; every other document is made.
#[test]
fn a_failing_or_panicking_writer_costs_only_its_document() {
    let dir = tempfile::tempdir().unwrap();
    let wb = workbook(dir.path(), "w.xlsx", &ids(3), "采购中心");
    for (var, why) in [("GONGWEN_FAIL_DOCUMENT", "PDF 写入器出错"), ("GONGWEN_PANIC_DOCUMENT", "程序出错")] {
        let out = dir.path().join(var);
        let o = run(&["generate", s(&wb), "-o", s(&out), "--forms", "letter"], &[(var, "协作函〔2026〕2号")]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{var}: {err}");
        let pdf = "协作函〔2026〕2号_采购中心_工作联系函.pdf";
        assert!(err.contains(&format!("错误：未生成 {pdf}：")) && err.contains(why), "{var}: {err}");
        assert!(!has_english_tail(&err), "{var}: English in {err}");
        let lines = folder_is_true(&out);
        let failed: Vec<_> = lines.values().filter(|l| l.0 == "未生成").collect();
        assert_eq!(failed.len(), if var == "GONGWEN_FAIL_DOCUMENT" { 1 } else { 2 }, "{lines:?}");
        assert!(failed.iter().all(|l| l.2.contains(why)), "{failed:?}");
        assert!(!out.join(pdf).exists());
        for id in ["协作函〔2026〕1号", "协作函〔2026〕3号"] {
            for ext in ["pdf", "docx"] {
                assert_eq!(lines[&format!("{id}_采购中心_工作联系函.{ext}")].0, "已生成");
            }
        }
        // The .docx of the failing request is made when only its PDF writer fails.
        let docx_made = out.join("协作函〔2026〕2号_采购中心_工作联系函.docx").exists();
        assert_eq!(docx_made, var == "GONGWEN_FAIL_DOCUMENT");
    }
}

/// A workbook of 2,000 requests (one letter each), built once per test process.
fn big_workbook() -> PathBuf {
    static WB: std::sync::OnceLock<(tempfile::TempDir, PathBuf)> = std::sync::OnceLock::new();
    WB.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let wb = workbook(dir.path(), "big.xlsx", &ids(2000), "采购中心");
        (dir, wb)
    })
    .1
    .clone()
}

/// Start `gongwen generate` of the big workbook into `out` and wait until `files` files are in
/// place (not counting the manifest and the lock); the child, still running.
fn start_big_run(out: &Path, files: usize) -> Child {
    let wb = big_workbook();
    let mut child = command(&["generate", s(&wb), "-o", s(out), "--forms", "letter", "--jobs", "2"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        let made = std::fs::read_dir(out).map_or(0, |d| {
            d.filter(|e| e.as_ref().is_ok_and(|e| !e.file_name().to_string_lossy().starts_with(['.', 'm']))).count()
        });
        if made >= files {
            return child;
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the run ended ({status}) before {files} files were made");
        }
        if start.elapsed() > TIMEOUT {
            let _ = child.kill();
            panic!("no {files} files within {TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn signal(child: &Child, sig: i32) {
    // SAFETY: kill(2) on our own child's pid.
    assert_eq!(unsafe { libc::kill(child.id() as i32, sig) }, 0);
}

/// SIGINT in the middle of a 2,000-request run: the run stops handing out documents, those
/// being written finish, no temporary file is left, the manifest lists exactly what is in the
/// folder with true SHA-256s, and it says so (错误：已中断, exit 130). A second run into the
/// folder while the first still runs is refused (the lock), touching nothing.
#[test]
fn sigint_stops_with_complete_files_and_a_true_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let child = start_big_run(&out, 40);
    let small = workbook(dir.path(), "small.xlsx", &ids(2), "财务部");
    let second = run(&["generate", s(&small), "-o", s(&out)], &[]);
    let err = stderr(&second);
    assert_eq!(second.status.code(), Some(2), "{err}");
    assert!(err.starts_with(&format!("错误：另一个 gongwen 正在向输出文件夹 {} 写入文件", out.display())), "{err}");
    signal(&child, libc::SIGINT);
    let o = finish(child);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(130), "{err}");
    assert!(err.contains("错误：已中断：已生成 ") && err.contains("manifest.csv"), "{err}");
    assert!(!has_english_tail(&err), "{err}");
    let lines = folder_is_true(&out);
    let made = lines.values().filter(|l| l.0 == "已生成").count();
    assert!((40..4000).contains(&made), "{made} files made");
    assert!(lines.values().all(|l| l.0 == "已生成"), "only made files are listed: {lines:?}");
    assert!(!names(&out).iter().any(|n| n.contains("财务部")), "the refused run wrote nothing");
}

/// SIGKILL in the middle of a run: every file under a final name is complete and listed (the
/// manifest of the last checkpoint); the next run into the folder is not blocked by the dead
/// run's lock, sweeps the temporary files it left (only `.gongwen-*.tmp`), lists the killed
/// run's files it does not make again as stale and, with --clean, removes them.
#[test]
fn sigkill_leaves_complete_files_and_the_next_run_sweeps_and_cleans() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    // Past the first checkpoints: some files are listed as made (with SHA-256), the batch
    // in flight as 写入中.
    let mut child = start_big_run(&out, 400);
    child.kill().unwrap();
    let _ = child.wait();
    let killed = folder_is_true_after_kill(&out);
    assert!(killed.values().filter(|l| l.0 == "已生成").count() >= 128, "{killed:?}");
    // What a kill between creating and renaming a temporary file leaves, and files that only
    // look alike, which the sweep must keep.
    std::fs::write(out.join(".gongwen-Ab12Cd.tmp"), b"%PDF-1.7 half").unwrap();
    std::fs::write(out.join("notes.tmp"), b"mine").unwrap();
    std::fs::write(out.join(".gongwen-notes.txt"), b"mine").unwrap();
    let small = workbook(dir.path(), "small.xlsx", &ids(2), "财务部");
    let o = run(&["generate", s(&small), "-o", s(&out), "--forms", "letter", "--clean"], &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.contains("个上次运行中断时留下的临时文件（.gongwen-*.tmp），已删除"), "{err}");
    assert!(err.contains("警告：输出文件夹") && err.contains("中已有上次生成的文件"), "{err}");
    assert!(!out.join(".gongwen-Ab12Cd.tmp").exists());
    assert!(out.join("notes.tmp").exists() && out.join(".gongwen-notes.txt").exists());
    std::fs::remove_file(out.join("notes.tmp")).unwrap();
    std::fs::remove_file(out.join(".gongwen-notes.txt")).unwrap();
    let lines = folder_is_true(&out);
    let removed = killed.iter().filter(|(_, l)| l.0 == "已生成").count();
    assert!(
        err.contains(&format!("已删除输出文件夹 {} 中上次生成、本次不再生成的 {removed} 个文件", out.display())),
        "{err}"
    );
    // What is left of the killed run is what it was writing when killed: kept (it cannot be
    // told unchanged), listed as stale.
    for (name, l) in &killed {
        let now = lines.get(name);
        if l.0 == "已生成" {
            assert!(now.is_none() && !out.join(name).exists(), "{name} should be removed");
        } else if out.join(name).exists() {
            assert_eq!(now.unwrap().0, "过期", "{name}");
        }
    }
    for id in ids(2) {
        assert_eq!(lines[&format!("{id}_财务部_工作联系函.pdf")].0, "已生成");
    }
}

/// Hold the output folder's lock as another run would.
fn hold_lock(out: &Path) -> std::fs::File {
    std::fs::create_dir_all(out).unwrap();
    let lock =
        std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(out.join(".gongwen.lock")).unwrap();
    lock.try_lock().unwrap();
    lock
}

/// A run into a folder another run holds is refused with a message and writes nothing; a lock
/// file left behind (a killed run's) blocks nothing once its process is gone.
#[test]
fn a_second_run_into_a_busy_folder_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let wb = workbook(dir.path(), "w.xlsx", &ids(2), "采购中心");
    let out = dir.path().join("out");
    let lock = hold_lock(&out);
    let o = run(&["generate", s(&wb), "-o", s(&out)], &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert_eq!(
        err.lines().next().unwrap(),
        format!(
            "错误：另一个 gongwen 正在向输出文件夹 {} 写入文件；请等它结束后再运行，或用 -o 换一个文件夹",
            out.display()
        )
    );
    assert_eq!(names(&out), [".gongwen.lock"]);
    drop(lock);
    let o = run(&["generate", s(&wb), "-o", s(&out)], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let lines = folder_is_true(&out);
    // Two requests × (letter, application form, process record) × two formats.
    assert_eq!(lines.values().filter(|l| l.0 == "已生成").count(), 2 * 3 * 2, "{lines:?}");
}

/// stderr (or stdout and stderr) closed while the run goes on — `gongwen … 2>&1 | head -1` —
/// does not stop it: it ends as it would have, files and manifest complete.
#[test]
fn a_closed_pipe_ends_the_run_quietly_with_its_files_complete() {
    let dir = tempfile::tempdir().unwrap();
    let wb = workbook(dir.path(), "w.xlsx", &ids(4), "采购中心、财务部");
    let out = dir.path().join("out");
    // A first run, so the second has warnings to print (earlier files, stale ones).
    let o = run(&["generate", s(&wb), "-o", s(&out), "--forms", "letter,application"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let wb2 = workbook(dir.path(), "w2.xlsx", &ids(3), "采购中心");
    let mut child = command(&["generate", s(&wb2), "-o", s(&out), "--forms", "letter", "--jobs", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stderr.take());
    drop(child.stdout.take());
    let o = finish(child);
    assert_eq!(o.status.code(), Some(0));
    let lines = folder_is_true(&out);
    assert_eq!(lines.values().filter(|l| l.0 == "已生成").count(), 6);
    assert_eq!(lines.values().filter(|l| l.0 == "过期").count(), 4 * 3 * 2 - 6);
    // The shell's way: only the first line is read.
    let out2 = dir.path().join("out2");
    let script = format!(
        "'{}' generate '{}' -o '{}' --forms letter --jobs 100000 2>&1 | head -1; exit ${{PIPESTATUS[0]}}",
        env!("CARGO_BIN_EXE_gongwen"),
        s(&wb2),
        s(&out2)
    );
    let o = finish(
        Command::new("bash").args(["-c", &script]).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let first = String::from_utf8_lossy(&o.stdout);
    assert_eq!(first.trim(), "警告：--jobs 100000 超出范围，按 64 个线程运行（1–64）");
    assert_eq!(folder_is_true(&out2).len(), 6);
}

/// An output path that is a file: exit 2, the path named, the file untouched.
#[test]
fn an_output_path_that_is_a_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let wb = workbook(dir.path(), "w.xlsx", &ids(1), "采购中心");
    let file = dir.path().join("out.pdf");
    std::fs::write(&file, b"mine").unwrap();
    for out in [file.clone(), file.join("sub")] {
        let o = run(&["generate", s(&wb), "-o", s(&out)], &[]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{err}");
        let first = err.lines().next().unwrap();
        assert!(
            first.starts_with("错误：输出路径 ") && first.contains(s(&out)) && first.contains("不是文件夹"),
            "{err}"
        );
        assert!(!has_english_tail(&err), "{err}");
        assert_eq!(std::fs::read(&file).unwrap(), b"mine");
    }
}

/// Links in the output folder named like its files — a document, the manifest, the lock, a
/// temporary file — are never followed: what they point to is untouched (and never created),
/// the links are replaced by the run's own files.
#[test]
fn links_in_the_output_folder_are_never_followed() {
    let dir = tempfile::tempdir().unwrap();
    let wb = workbook(dir.path(), "w.xlsx", &ids(1), "采购中心");
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let outside = dir.path().join("outside");
    std::fs::create_dir(&outside).unwrap();
    let keep = outside.join("keep.txt");
    std::fs::write(&keep, b"precious").unwrap();
    let links = [
        "协作函〔2026〕1号_采购中心_工作联系函.pdf",
        "协作函〔2026〕1号_采购中心_工作联系函.docx",
        "manifest.csv",
        ".gongwen-planted.tmp",
    ];
    for name in links {
        std::os::unix::fs::symlink(&keep, out.join(name)).unwrap();
    }
    std::os::unix::fs::symlink(outside.join("created-by-lock"), out.join(".gongwen.lock")).unwrap();
    let o = run(&["generate", s(&wb), "-o", s(&out), "--forms", "letter"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(std::fs::read(&keep).unwrap(), b"precious");
    assert_eq!(names(&outside), ["keep.txt"], "nothing is created through a link");
    for name in links.iter().chain(&[".gongwen.lock"]) {
        let meta = std::fs::symlink_metadata(out.join(name));
        assert!(meta.is_err() || !meta.unwrap().file_type().is_symlink(), "{name} is still a link");
    }
    let lines = folder_is_true(&out);
    assert_eq!(lines.len(), 2);
}

/// A rerun into a folder holding an earlier run's files says so; the files this run does not
/// make again are listed as stale (过期, in the manifest and the message); `--clean` removes
/// those — and only those: a stale file someone changed since, and files gongwen never wrote,
/// stay.
#[test]
fn reruns_list_stale_files_and_clean_removes_only_unchanged_ones() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let three = workbook(dir.path(), "three.xlsx", &ids(3), "采购中心、财务部");
    let o = run(&["generate", s(&three), "-o", s(&out), "--forms", "letter", "--format", "pdf"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!stderr(&o).contains("警告"), "a fresh folder has nothing to warn about: {}", stderr(&o));
    std::fs::write(out.join("my notes.pdf"), b"mine").unwrap();
    // Request 3 and the 财务部 letters go.
    let two = workbook(dir.path(), "two.xlsx", &ids(2), "采购中心");
    let o = run(&["generate", s(&two), "-o", s(&out), "--forms", "letter", "--format", "pdf"], &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    let folder = out.display();
    assert!(err.contains(&format!("警告：输出文件夹 {folder} 中已有上次生成的文件 6 个")), "{err}");
    let stale = [
        "协作函〔2026〕1号_财务部_工作联系函.pdf",
        "协作函〔2026〕2号_财务部_工作联系函.pdf",
        "协作函〔2026〕3号_财务部_工作联系函.pdf",
        "协作函〔2026〕3号_采购中心_工作联系函.pdf",
    ];
    assert!(
        err.contains(&format!("警告：输出文件夹 {folder} 中有 4 个上次生成、本次不再生成的文件，可能已过时：")),
        "{err}"
    );
    let lines = manifest(&out);
    for name in stale {
        assert!(err.contains(name), "{name} not named: {err}");
        assert_eq!(lines[name].0, "过期", "{name}");
        assert!(out.join(name).exists());
    }
    assert!(!lines.contains_key("my notes.pdf"));
    // Someone edits one stale letter; --clean removes the other three, keeps it and says so.
    std::fs::write(out.join(stale[0]), b"edited").unwrap();
    let o = run(&["generate", s(&two), "-o", s(&out), "--forms", "letter", "--format", "pdf", "--clean"], &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.contains(&format!("已删除输出文件夹 {folder} 中上次生成、本次不再生成的 3 个文件")), "{err}");
    assert!(
        err.contains(&format!("警告：输出文件夹 {folder} 中上次生成的 1 个文件本次不再生成，且生成后被改动过"))
            && err.contains(stale[0]),
        "{err}"
    );
    assert_eq!(std::fs::read(out.join(stale[0])).unwrap(), b"edited");
    assert_eq!(std::fs::read(out.join("my notes.pdf")).unwrap(), b"mine");
    for name in &stale[1..] {
        assert!(!out.join(name).exists(), "{name}");
    }
    std::fs::remove_file(out.join(stale[0])).unwrap();
    std::fs::remove_file(out.join("my notes.pdf")).unwrap();
    let lines = folder_is_true(&out);
    assert_eq!(lines.len(), 2);
    assert!(lines.values().all(|l| l.0 == "已生成"));
}

/// Print bundles are named by the run's one name book: a document whose name comes out as a
/// bundle's keeps its file, and the bundle gets the next name.
#[test]
fn a_bundle_never_overwrites_a_document_of_the_same_name() {
    let dir = tempfile::tempdir().unwrap();
    let wb = workbook(dir.path(), "w.xlsx", &["打印合集".to_string(), "协作函〔2026〕2号".to_string()], "采购中心");
    let out = dir.path().join("out");
    let o = run(&["generate", s(&wb), "-o", s(&out), "--forms", "application", "--format", "pdf", "--bundle"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let lines = folder_is_true(&out);
    let doc = &lines["打印合集_协作需求申请表.pdf"];
    let bundle = &lines["打印合集_协作需求申请表_2.pdf"];
    assert_eq!((doc.0.as_str(), bundle.0.as_str()), ("已生成", "已生成"));
    assert_ne!(doc.1, bundle.1);
    assert_eq!(lines.len(), 3);
}

/// A tmpfs mounted for a test (`mount -o <options>`), unmounted when dropped; `None` (with
/// the reason printed, a failure under GONGWEN_REQUIRE_TOOLS) where this process may not mount
/// — root is needed, as file permissions do not stop root.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(at: &Path, options: &str) -> Option<Tmpfs> {
        std::fs::create_dir_all(at).unwrap();
        let o = Command::new("mount").args(["-t", "tmpfs", "-o", options, "tmpfs"]).arg(at).output();
        match o {
            Ok(o) if o.status.success() => Some(Tmpfs(at.to_path_buf())),
            other => {
                let why = match other {
                    Ok(o) => String::from_utf8_lossy(&o.stderr).trim().to_string(),
                    Err(e) => e.to_string(),
                };
                if std::env::var_os("GONGWEN_REQUIRE_TOOLS").is_some() {
                    panic!("a tmpfs mount is required (GONGWEN_REQUIRE_TOOLS is set) but failed: {why}");
                }
                eprintln!("SKIP: cannot mount a tmpfs (needs root): {why}");
                None
            }
        }
    }

    fn remount(&self, options: &str) {
        let o = Command::new("mount").args(["-o", &format!("remount,{options}")]).arg(&self.0).output().unwrap();
        assert!(o.status.success(), "remount: {}", String::from_utf8_lossy(&o.stderr));
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

/// A read-only output folder — empty, or holding an earlier run's files — is refused before
/// anything is written: exit 2, the folder named, the reason in Chinese, the earlier files and
/// their manifest untouched.
#[test]
fn a_read_only_output_folder_is_refused_and_left_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let wb = workbook(dir.path(), "w.xlsx", &ids(2), "采购中心");
    let Some(mount) = Tmpfs::mount(&dir.path().join("ro"), "size=4m") else { return };
    let earlier = mount.0.join("earlier");
    let o = run(&["generate", s(&wb), "-o", s(&earlier), "--forms", "letter"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let before: Vec<(String, String)> =
        names(&earlier).into_iter().map(|n| (sha256(&earlier.join(&n)), n)).map(|(h, n)| (n, h)).collect();
    mount.remount("ro");
    for out in [earlier.clone(), mount.0.join("new"), mount.0.join("new/deeper")] {
        let o = run(&["generate", s(&wb), "-o", s(&out), "--forms", "letter"], &[]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert_eq!(
            err.lines().next().unwrap(),
            format!("错误：无法使用输出文件夹 {}：磁盘是只读的；请用 -o 换一个文件夹", out.display()),
        );
    }
    let after: Vec<(String, String)> =
        names(&earlier).into_iter().map(|n| (n.clone(), sha256(&earlier.join(&n)))).collect();
    assert_eq!(before, after);
    folder_is_true(&earlier);
}

/// A disk that fills up in the middle of a run: the run stops (exit 2) saying the disk is
/// full, how many files were written and what to do; no temporary file is left, every file
/// under a final name is complete and the manifest describes the folder.
#[test]
fn a_full_disk_stops_the_run_with_complete_files_and_a_true_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let wb = workbook(dir.path(), "w.xlsx", &ids(40), "采购中心");
    let Some(mount) = Tmpfs::mount(&dir.path().join("full"), "size=1m") else { return };
    let out = mount.0.join("out");
    let o = run(&["generate", s(&wb), "-o", s(&out), "--forms", "letter"], &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    let last = err.lines().last().unwrap();
    assert!(last.starts_with(&format!("错误：无法写入 {}", out.display())), "{err}");
    assert!(last.contains("：磁盘已满。运行已停止：已写完的 ") && last.contains("请腾出磁盘空间后重新运行"), "{err}");
    assert!(!has_english_tail(&err), "{err}");
    let lines = folder_is_true(&out);
    let made = lines.values().filter(|l| l.0 == "已生成").count();
    assert!(made > 0 && made < 80, "{made} of 80 made on a 1 MB disk");
    assert!(last.contains(&format!("已写完的 {made} 个文件")), "{err}");
}
