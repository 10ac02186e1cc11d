//! Names and text a hostile or clumsy workbook puts into the output folder: a 编号 too long for
//! a file name, device names, names that differ only in case, formulas in the manifest, and
//! invisible or spoofing characters in the documents. Every run has a kill timeout: a hang
//! fails the test instead of stalling the suite.

mod common;
use common::*;
use rust_xlsxwriter::Workbook;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Longer than any of these runs needs by far; a run still going then is hung.
const LIMIT: Duration = Duration::from_secs(60);

use common::LETTER_HEADERS as HEADERS;

/// A complete request row with this 编号, 收函部门 and 工作名称.
fn row(id: &str, to: &str, work: &str) -> Vec<String> {
    [
        id,
        "行政部",
        to,
        "2026-03-05",
        work,
        "日常运营重点任务",
        "流程梳理",
        "2026-05-07",
        "效率提升20%",
        "提供业务数据",
        "数据准确完整",
        "2026-03-22",
        "杨磊",
        "13800000003",
        "a@example.com",
        "2026-03-15",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// A workbook `dir/requests.xlsx` with a 协作需求 sheet holding `rows`.
fn workbook(dir: &Path, rows: &[Vec<String>]) -> PathBuf {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("协作需求").unwrap();
    for (c, h) in HEADERS.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, cells) in rows.iter().enumerate() {
        write_row(ws, r as u32 + 1, cells);
    }
    let path = dir.join("requests.xlsx");
    wb.save(&path).unwrap();
    path
}

/// Names of the files in `dir` (the manifest and documents; no temporary files may be left).
/// The names in `dir`, but the lock file every run keeps there.
fn file_names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n != gongwen::output::LOCK_NAME)
        .collect();
    v.sort();
    v
}

/// manifest.csv read back as a spreadsheet would: header, then records.
fn manifest(dir: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(dir.join("manifest.csv")).unwrap();
    let text = text.strip_prefix('\u{feff}').expect("manifest starts with a BOM");
    let mut r = csv::ReaderBuilder::new().has_headers(false).from_reader(text.as_bytes());
    r.records().map(|rec| rec.unwrap().iter().map(str::to_string).collect()).collect()
}

/// Issue 9's hang: a 200-character 编号 with two receivers used to make `generate` loop for
/// ever (the `_2` suffix was cut off again by the shortening). Now it finishes, with distinct
/// names within the limit, each keeping its receiver.
#[test]
fn a_200_character_id_with_two_receivers_finishes_with_distinct_short_names() {
    let dir = tempfile::tempdir().unwrap();
    let id = format!("协作函〔2026〕{}号", "长".repeat(190));
    assert_eq!(id.chars().count(), 200);
    let wb = workbook(dir.path(), &[row(&id, "采购中心、财务部", "供应商管理流程优化")]);
    let out = dir.path().join("out");
    let (o, took) = gongwen_within(LIMIT, &["generate", wb.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let _ = std::io::Write::write_fmt(
        &mut std::io::stderr(),
        format_args!("200-character 编号, two receivers: generate took {took:?}\n"),
    );
    let names = file_names(&out);
    let docs: Vec<&String> = names.iter().filter(|n| *n != "manifest.csv").collect();
    // Two letters (one per receiver), an application form and a process record, each as .docx and PDF.
    assert_eq!(docs.len(), 8, "{names:?}");
    let folded: HashSet<String> = docs.iter().map(|n| n.to_lowercase()).collect();
    assert_eq!(folded.len(), docs.len(), "names clash: {docs:?}");
    for n in &docs {
        assert!(n.len() <= 200, "{n} is {} bytes", n.len());
        assert!(n.len() < id.len(), "{n} was not shortened");
        assert!(n.starts_with("协作函〔2026〕长长"), "{n}");
        assert!(n.contains('…'), "{n}: the middle is cut out");
    }
    for (to, form) in [("采购中心", "工作联系函"), ("财务部", "工作联系函")] {
        for ext in ["pdf", "docx"] {
            let tail = format!("_{to}_{form}.{ext}");
            assert!(docs.iter().any(|n| n.ends_with(&tail)), "no name ends with {tail}: {docs:?}");
        }
    }
    // The manifest lists exactly the files in the folder.
    let listed: HashSet<String> =
        manifest(&out).into_iter().skip(1).map(|r| r[0].clone()).filter(|f| !f.is_empty()).collect();
    assert_eq!(listed, docs.iter().map(|s| s.to_string()).collect::<HashSet<_>>());
}

/// Many requests whose long 编号 differ only after the point where names are cut: each still
/// gets its own files (numbered), and the run ends.
#[test]
fn long_ids_that_differ_only_at_the_end_get_numbered_names() {
    let dir = tempfile::tempdir().unwrap();
    let rows: Vec<Vec<String>> =
        (1..=12).map(|i| row(&format!("{}{i}号", "长".repeat(150)), "采购中心", "流程优化")).collect();
    let wb = workbook(dir.path(), &rows);
    let out = dir.path().join("out");
    let (o, _) = gongwen_within(
        LIMIT,
        &["generate", wb.to_str().unwrap(), "-o", out.to_str().unwrap(), "--forms", "letter", "--format", "pdf"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let docs: Vec<String> = file_names(&out).into_iter().filter(|n| n.ends_with(".pdf")).collect();
    assert_eq!(docs.len(), 12, "{docs:?}");
    assert!(docs.iter().all(|n| n.len() <= 200));
    assert_eq!(docs.iter().map(|n| n.to_lowercase()).collect::<HashSet<_>>().len(), 12);
}

/// Device names, names differing only in case, dots and blanks Windows strips, formulas and
/// option-like starts: every document gets a name of its own that Windows can open and a
/// shell cannot mistake for an option.
#[test]
fn device_names_and_case_twins_get_safe_distinct_names() {
    let dir = tempfile::tempdir().unwrap();
    let ids = ["CON", "con.tar", " nul", "COM¹", "LPT1 . .", "a", "A", "-rf", "=1+1", "@x", "x.", "x"];
    let rows: Vec<Vec<String>> = ids.iter().map(|id| row(id, "采购中心", "流程优化")).collect();
    let wb = workbook(dir.path(), &rows);
    let out = dir.path().join("out");
    let (o, _) = gongwen_within(
        LIMIT,
        &["generate", wb.to_str().unwrap(), "-o", out.to_str().unwrap(), "--forms", "application", "--format", "pdf"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let docs: Vec<String> = file_names(&out).into_iter().filter(|n| n.ends_with(".pdf")).collect();
    assert_eq!(docs.len(), ids.len(), "{docs:?}");
    assert_eq!(docs.iter().map(|n| n.to_lowercase()).collect::<HashSet<_>>().len(), ids.len(), "{docs:?}");
    for n in &docs {
        let head = n.split('.').next().unwrap().trim_end_matches([' ', '.']).to_uppercase();
        let device = ["CON", "PRN", "AUX", "NUL", "COM1", "COM¹", "LPT1"].contains(&head.as_str());
        assert!(!device, "{n} is a Windows device");
        assert!(!n.starts_with(['-', '=', '+', '@', ' ', '.']), "{n}");
    }
    // Windows reads a device name in the part before the first dot: `CON_…` is a plain name,
    // `con.tar_…` and `LPT1 . ._…` are devices (bare device stems: the unit tests in names.rs).
    for want in [
        "CON_协作需求申请表.pdf",
        "_con.tar_协作需求申请表.pdf",
        "_LPT1 . ._协作需求申请表.pdf",
        "_-rf_协作需求申请表.pdf",
        "_=1+1_协作需求申请表.pdf",
        "A_协作需求申请表_2.pdf",
    ] {
        assert!(docs.iter().any(|n| n == want), "no {want} in {docs:?}");
    }
}

/// Cells a spreadsheet would run as formulas (OWASP CSV injection) reach manifest.csv
/// neutralised with a leading `'`, and the file column still names the real files.
#[test]
fn manifest_cells_never_run_as_formulas() {
    let dir = tempfile::tempdir().unwrap();
    let hostile_id = "=HYPERLINK(\"http://evil.example\",\"点我\")";
    let rows = vec![row(hostile_id, "+采购中心、-财务部、@人事部", "流程优化")];
    let wb = workbook(dir.path(), &rows);
    let out = dir.path().join("out");
    let (o, _) = gongwen_within(
        LIMIT,
        &["generate", wb.to_str().unwrap(), "-o", out.to_str().unwrap(), "--forms", "letter", "--format", "pdf"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let records = manifest(&out);
    assert!(records.len() >= 4, "{records:?}");
    for rec in &records {
        for cell in rec {
            assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "{cell:?} in {rec:?}");
        }
    }
    let ids: Vec<&str> = records.iter().skip(1).map(|r| r[4].as_str()).collect();
    assert!(ids.iter().all(|id| *id == format!("'{hostile_id}")), "{ids:?}");
    let depts: HashSet<&str> = records.iter().skip(1).map(|r| r[5].as_str()).collect();
    assert_eq!(depts, HashSet::from(["'+采购中心", "'-财务部", "'@人事部"]));
    let on_disk: HashSet<String> = file_names(&out).into_iter().filter(|n| n != "manifest.csv").collect();
    let listed: HashSet<String> = records.iter().skip(1).map(|r| r[0].clone()).collect();
    assert_eq!(listed, on_disk);
}

/// Generate the letters of `wb` into `out` (killed past [`LIMIT`]); the run must succeed.
fn letters_within_limit(wb: &Path, out: &Path) -> std::process::Output {
    let (o, _) =
        gongwen_within(LIMIT, &["generate", wb.to_str().unwrap(), "-o", out.to_str().unwrap(), "--forms", "letter"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    o
}

/// `word/document.xml` of the one .docx in `out`.
fn only_document_xml(out: &Path) -> String {
    let docx = files_with_ext(out, "docx");
    assert_eq!(docx.len(), 1, "{docx:?}");
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&docx[0]).unwrap()).unwrap();
    let mut body = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut body).unwrap();
    body
}

/// Invisible and spoofing characters in a cell (a right-to-left override, zero-width space,
/// C1 control, BOM, non-character) reach neither the .docx nor the PDF, and the cell is named
/// in a warning.
#[test]
fn invisible_characters_never_reach_a_document() {
    let dir = tempfile::tempdir().unwrap();
    let work = "付款\u{202E}007\u{202C}元\u{200B}整\u{85}\u{9F}\u{FEFF}\u{FDD0}";
    let wb = workbook(dir.path(), &[row("协作函〔2026〕1号", "采购中心", work)]);
    let out = dir.path().join("out");
    let o = letters_within_limit(&wb, &out);
    assert!(stderr(&o).contains("警告：") && stderr(&o).contains("E2"), "{}", stderr(&o));
    let hidden = ['\u{202E}', '\u{202C}', '\u{200B}', '\u{85}', '\u{9F}', '\u{FEFF}', '\u{FDD0}'];
    let body = only_document_xml(&out);
    assert!(body.contains("付款007元整"), "the cleaned text is in the .docx");
    assert!(!body.contains(hidden), "a hidden character reached the .docx");
    if have("pdftotext") {
        let pdf = files_with_ext(&out, "pdf");
        let text = squeezed(&pdftotext(&pdf[0]));
        assert!(text.contains("付款007元整"), "{text}");
        assert!(!text.contains(hidden), "a hidden character reached the PDF");
    }
}

/// A character no bundled font has (here from CJK Extension B) is drawn as 〓 in both files —
/// not an empty box in the PDF and a substitute font in Word — and the cell's warning says so.
#[test]
fn characters_no_font_draws_become_the_same_stand_in_in_both_files() {
    let dir = tempfile::tempdir().unwrap();
    let work = "采购\u{20000}\u{2A6D6}合同";
    let wb = workbook(dir.path(), &[row("协作函〔2026〕1号", "采购中心", work)]);
    let out = dir.path().join("out");
    let o = letters_within_limit(&wb, &out);
    assert!(
        stderr(&o).contains("E2 工作名称：“\u{20000}”（U+20000）等 2 个字符在内置字体中没有字形，文档中已用“〓”代替"),
        "{}",
        stderr(&o)
    );
    let body = only_document_xml(&out);
    assert!(body.contains("采购〓〓合同"), "the .docx has the stand-in");
    assert!(!body.contains(['\u{20000}', '\u{2A6D6}']));
    if have("pdftotext") {
        let text = squeezed(&pdftotext(&files_with_ext(&out, "pdf")[0]));
        assert!(text.contains("采购〓〓合同"), "the PDF has the stand-in: {text}");
    }
}
