//! Runs forms/README.md's "Guide: writing a new form" as a reader would: builds the workbook
//! its tables describe, saves its form file (the ```toml file=… block) where the guide says,
//! runs its commands (the ```sh block) against the real binary in an empty folder, and checks
//! that the folder holds exactly the files its ```text files block lists, that the documents
//! say what the workbook holds, and what the manifest says of each request. A guide whose
//! commands fail, or whose promised output is not what comes out, fails this test.

mod common;
use common::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The section of the README the test runs.
const SECTION: &str = "## Guide: writing a new form";

/// A sheet the guide describes: its headers and rows, as written in the Markdown table.
struct Table {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn cell<'a>(&'a self, row: &'a [String], header: &str) -> &'a str {
        let i = self.headers.iter().position(|h| h == header).unwrap_or_else(|| panic!("no column {header}"));
        row.get(i).map_or("", String::as_str)
    }
}

/// What the guide says: its sheets (`工作表“名称”：` then a table), and its fenced blocks,
/// each with its info string (`toml file=…`, `sh`, `text files`).
struct Guide {
    sheets: BTreeMap<String, Table>,
    blocks: Vec<(String, String)>,
}

fn guide() -> Guide {
    let readme = std::fs::read_to_string(repo().join("forms/README.md")).expect("forms/README.md");
    let start = readme.find(SECTION).unwrap_or_else(|| panic!("forms/README.md has no section “{SECTION}”"));
    let rest = &readme[start + SECTION.len()..];
    let section = &rest[..rest.find("\n## ").unwrap_or(rest.len())];
    let mut sheets = BTreeMap::new();
    let mut blocks = Vec::new();
    let mut lines = section.lines().peekable();
    while let Some(line) = lines.next() {
        if let Some(info) = line.strip_prefix("```") {
            let mut body = String::new();
            for l in lines.by_ref() {
                if l.starts_with("```") {
                    break;
                }
                body.push_str(l);
                body.push('\n');
            }
            blocks.push((info.trim().to_string(), body));
        } else if let Some(name) = line.strip_prefix("工作表“").and_then(|l| l.split_once('”')).map(|(n, _)| n) {
            while lines.peek().is_some_and(|l| l.trim().is_empty()) {
                lines.next();
            }
            let mut table: Vec<Vec<String>> = Vec::new();
            while let Some(l) = lines.next_if(|l| l.starts_with('|')) {
                let cells: Vec<String> = l.trim().trim_matches('|').split('|').map(|c| c.trim().to_string()).collect();
                if !cells.iter().all(|c| c.chars().all(|ch| ch == '-' || ch == ':')) {
                    table.push(cells);
                }
            }
            assert!(table.len() >= 2, "the guide's sheet {name} has no rows");
            let headers = table.remove(0);
            sheets.insert(name.to_string(), Table { headers, rows: table });
        }
    }
    Guide { sheets, blocks }
}

/// The workbook the guide describes. 协作需求 shows only some of its columns; the required
/// others are "filled in as usual", here with [`required_values`].
fn workbook(path: &Path, sheets: &BTreeMap<String, Table>) {
    let requests = sheets.get("协作需求").expect("the guide describes 协作需求");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet().set_name("协作需求").unwrap();
    let mut headers: Vec<String> = REQUIRED_HEADERS.map(String::from).to_vec();
    headers.extend(requests.headers.iter().filter(|h| !REQUIRED_HEADERS.contains(&h.as_str())).cloned());
    write_row(ws, 0, &headers);
    for (r, row) in requests.rows.iter().enumerate() {
        let mut values = required_values("", "");
        values.resize(headers.len(), String::new());
        for (h, v) in requests.headers.iter().zip(row) {
            let i = headers.iter().position(|x| x == h).unwrap();
            values[i] = v.clone();
        }
        write_row(ws, r as u32 + 1, &values);
    }
    for (name, table) in sheets.iter().filter(|(n, _)| *n != "协作需求") {
        let ws = wb.add_worksheet().set_name(name).unwrap();
        write_row(ws, 0, &table.headers);
        for (r, row) in table.rows.iter().enumerate() {
            write_row(ws, r as u32 + 1, row);
        }
    }
    wb.save(path).unwrap();
}

/// Run one of the guide's `gongwen` command lines in `dir`, killed if it has not finished
/// within two minutes (a hang fails the test rather than stalling it).
fn run_gongwen(dir: &Path, line: &str) {
    let args: Vec<&str> = line.split_whitespace().skip(1).collect();
    let mut child = Command::new(env!("CARGO_BIN_EXE_gongwen"))
        .args(&args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run gongwen");
    let err = child.stderr.take().unwrap();
    let drain = std::thread::spawn(move || std::io::read_to_string(err).unwrap_or_default());
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the guide's `{line}` did not finish within two minutes: killed");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let err = drain.join().unwrap();
    assert!(status.success(), "the guide's `{line}` failed ({status}):\n{err}");
    assert!(!err.contains("错误：") && !err.contains("警告："), "the guide's `{line}` reported problems:\n{err}");
}

/// 2026-04-10 as the documents print it: 2026年4月10日.
fn printed_date(iso: &str) -> String {
    let parts: Vec<u32> = iso.split('-').map(|p| p.parse().unwrap()).collect();
    format!("{}年{}月{}日", parts[0], parts[1], parts[2])
}

#[test]
fn the_guide_to_writing_a_form_runs_as_written() {
    let Guide { sheets, blocks } = guide();
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    workbook(&dir.join("工作簿.xlsx"), &sheets);

    // The form files, saved once the guide has made their folder.
    let forms: Vec<(PathBuf, &str)> = blocks
        .iter()
        .filter_map(|(info, body)| {
            let file = info.strip_prefix("toml")?.trim().strip_prefix("file=")?;
            Some((dir.join(file), body.as_str()))
        })
        .collect();
    assert!(!forms.is_empty(), "the guide has no ```toml file=… block");
    let commands: Vec<&str> = blocks
        .iter()
        .filter(|(info, _)| info == "sh")
        .flat_map(|(_, body)| body.lines())
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    assert!(commands.iter().any(|c| c.starts_with("gongwen generate")), "the guide runs no gongwen generate");
    let mut saved = false;
    for line in commands {
        if let Some(folder) = line.strip_prefix("mkdir ") {
            std::fs::create_dir(dir.join(folder.trim())).unwrap_or_else(|e| panic!("`{line}`: {e}"));
        } else if line.starts_with("gongwen ") {
            if !saved {
                for (path, text) in &forms {
                    assert!(
                        path.parent().unwrap().is_dir(),
                        "the guide saves {} before making its folder",
                        path.display()
                    );
                    std::fs::write(path, text).unwrap();
                }
                saved = true;
            }
            run_gongwen(dir, line);
        } else {
            panic!("the guide runs `{line}`, which this test does not know how to run");
        }
    }

    // Exactly the files the guide lists.
    let listed: Vec<&str> = blocks
        .iter()
        .filter(|(info, _)| info == "text files")
        .flat_map(|(_, body)| body.lines())
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    assert!(!listed.is_empty(), "the guide lists no output (```text files)");
    let out = dir.join(Path::new(listed[0]).parent().unwrap());
    let mut made: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        // Hidden entries (the run's lock file) are not what a user sees in the folder.
        .filter(|n| !n.to_string_lossy().starts_with('.'))
        .map(|n| out.strip_prefix(dir).unwrap().join(n).to_string_lossy().into_owned())
        .collect();
    made.sort();
    let mut want: Vec<String> = listed.iter().map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!(made, want, "the output folder is not what the guide lists");

    // Each document says what the workbook holds for its request: its 工作名称, and its
    // follow-ups' 督办事项, 落实情况 and dates. A request without follow-ups is listed in the
    // manifest as not made, and why.
    let requests = &sheets["协作需求"];
    let records = sheets.get("督办记录").expect("the guide describes 督办记录");
    let manifest = std::fs::read_to_string(out.join("manifest.csv")).unwrap();
    for (r, request) in requests.rows.iter().enumerate() {
        let id = requests.cell(request, "编号");
        let source = format!("协作需求!A{}", r + 2);
        let mine: Vec<&Vec<String>> = records.rows.iter().filter(|row| records.cell(row, "编号") == id).collect();
        let documents: Vec<&str> = listed.iter().copied().filter(|f| f.contains(&format!("/{id}_"))).collect();
        if mine.is_empty() {
            assert!(documents.is_empty(), "{id} has no follow-ups, yet {documents:?}");
            let line = manifest.lines().find(|l| l.contains(&format!(",{id},"))).expect("listed in the manifest");
            assert!(line.contains("未生成") && line.contains(&source) && line.contains("没有内容"), "{line}");
            continue;
        }
        let mut expected = vec!["工作督办单".to_string(), requests.cell(request, "工作名称").to_string()];
        for row in &mine {
            expected.push(records.cell(row, "督办事项").to_string());
            expected.push(printed_date(records.cell(row, "督办日期")));
            expected.extend(Some(records.cell(row, "落实情况")).filter(|s| !s.is_empty()).map(String::from));
        }
        assert!(expected.iter().any(|e| e == "已于4月14日报送"), "the undeclared column is in the guide: {expected:?}");
        for ext in ["docx", "pdf"] {
            let file = documents.iter().find(|f| f.ends_with(ext)).unwrap_or_else(|| panic!("{id}: no .{ext} listed"));
            let name = Path::new(file).file_name().unwrap().to_string_lossy().into_owned();
            let line =
                manifest.lines().find(|l| l.starts_with(&name)).unwrap_or_else(|| panic!("{name} in\n{manifest}"));
            assert!(line.contains(&format!(",{source},")) && line.contains(",已生成,"), "{line}");
            let text = match ext {
                "docx" => docx_text(&dir.join(file)),
                _ if have("pdftotext") => squeezed(&pdftotext(&dir.join(file))),
                _ => {
                    skip("督办单 PDF 文字", "需要 pdftotext（poppler-utils）");
                    continue;
                }
            };
            for e in &expected {
                assert!(text.contains(e.as_str()), "{e} not in {file}: {text}");
            }
        }
    }
}
