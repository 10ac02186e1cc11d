//! What users see when the workbook is wrong: every bad cell reported with its reference, exit
//! statuses 0/1/2, good rows still produced, `--strict` writes nothing, and nothing is ever
//! written outside the output folder.

mod common;
use common::*;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use std::path::{Path, PathBuf};

use common::LETTER_HEADERS as HEADERS;

fn good_row(id: &str) -> Vec<String> {
    [
        id,
        "行政部",
        "采购中心",
        "2026-03-05",
        "供应商管理流程优化",
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

/// Write a requests sheet with the given rows (strings) into `dir/name`.
fn workbook(dir: &Path, name: &str, headers: &[&str], rows: &[Vec<String>]) -> PathBuf {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("协作需求").unwrap();
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r as u32 + 1, c as u16, v).unwrap();
            }
        }
    }
    let path = dir.join(name);
    wb.save(&path).unwrap();
    path
}

/// Rows 2 and 6 are good; row 3 has an impossible date (D3), row 4 a missing 工作名称 (E4),
/// row 5 a bad e-mail (O5), row 6 is good, row 7 repeats row 2's 编号 (A7).
fn bad_workbook(dir: &Path) -> PathBuf {
    let mut rows = vec![good_row("协作函〔2026〕1号")];
    let mut r = good_row("协作函〔2026〕2号");
    r[3] = "2026-02-30".into();
    rows.push(r);
    let mut r = good_row("协作函〔2026〕3号");
    r[4] = String::new();
    rows.push(r);
    let mut r = good_row("协作函〔2026〕4号");
    r[14] = "not-an-address".into();
    rows.push(r);
    rows.push(good_row("协作函〔2026〕5号"));
    rows.push(good_row("协作函〔2026〕1号"));
    workbook(dir, "bad.xlsx", &HEADERS, &rows)
}

#[test]
fn check_reports_every_bad_cell_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let wb = bad_workbook(dir.path());
    let o = gongwen(&["check", wb.to_str().unwrap()]);
    // The report is on stdout, so it can be saved; nothing else is said.
    let err = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert_eq!(stderr(&o), "");
    for want in ["协作需求!D3", "2026-02-30", "协作需求!E4", "工作名称", "协作需求!O5", "not-an-address", "协作需求!A7"]
    {
        assert!(err.contains(want), "{want:?} missing from:\n{err}");
    }
    // `check` writes nothing.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn generate_writes_the_good_rows_and_lists_the_bad_ones() {
    let dir = tempfile::tempdir().unwrap();
    let wb = bad_workbook(dir.path());
    let out = dir.path().join("out");
    let o = gongwen(&["generate", wb.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    for id in ["协作函〔2026〕1号", "协作函〔2026〕5号"] {
        for ext in ["pdf", "docx"] {
            assert!(out.join(format!("{id}_采购中心_工作联系函.{ext}")).is_file(), "{id}.{ext}");
        }
    }
    for id in ["协作函〔2026〕2号", "协作函〔2026〕3号", "协作函〔2026〕4号"] {
        assert!(!out.join(format!("{id}_采购中心_工作联系函.pdf")).exists(), "{id} should not be made");
    }
    let manifest = std::fs::read_to_string(out.join("manifest.csv")).unwrap();
    for row in ["协作需求!A3", "协作需求!A4", "协作需求!A5", "协作需求!A7"] {
        let line = manifest
            .lines()
            .find(|l| l.contains(&format!(",{row},")))
            .unwrap_or_else(|| panic!("{row} not in manifest:\n{manifest}"));
        assert!(line.contains("未生成"), "{line}");
    }
    assert_eq!(files_with_ext(&out, "tmp").len(), 0, "no temporary files left");
}

#[test]
fn strict_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let wb = bad_workbook(dir.path());
    let out = dir.path().join("out");
    let o = gongwen(&["generate", wb.to_str().unwrap(), "-o", out.to_str().unwrap(), "--strict"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!out.exists() || std::fs::read_dir(&out).unwrap().count() == 0);
}

#[test]
fn cannot_run_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let o = gongwen(&["check", dir.path().join("missing.xlsx").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    // A required column missing.
    let headers: Vec<&str> = HEADERS.iter().copied().filter(|h| *h != "发函日期").collect();
    let mut row = good_row("协作函〔2026〕1号");
    row.remove(3);
    let wb = workbook(dir.path(), "nocol.xlsx", &headers, &[row]);
    let o = gongwen(&["check", wb.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("发函日期"), "{}", stderr(&o));
    // Bad arguments.
    let o = gongwen(&["generate", wb.to_str().unwrap(), "--format", "odt"]);
    assert_eq!(o.status.code(), Some(2));
    let o = gongwen(&["generate"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn a_hostile_id_stays_inside_the_output_folder() {
    let dir = tempfile::tempdir().unwrap();
    let mut row = good_row("../../escape");
    row[2] = "..\\..\\x:y".into();
    let wb = workbook(dir.path(), "evil.xlsx", &HEADERS, &[row]);
    let out = dir.path().join("a/b/out");
    let o = gongwen(&[
        "generate",
        wb.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--format",
        "pdf",
        "--forms",
        "letter",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let made = files_with_ext(&out, "pdf");
    assert_eq!(made.len(), 1, "{made:?}");
    // Nothing appeared beside or above the output folder.
    assert_eq!(std::fs::read_dir(dir.path().join("a/b")).unwrap().count(), 1);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
}

#[test]
fn dates_and_numbers_from_real_cells() {
    // A date cell, a serial number in a date column, and a phone typed as a number.
    let dir = tempfile::tempdir().unwrap();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("requests").unwrap();
    let aliases = [
        "id",
        "from_dept",
        "to_dept",
        "date",
        "work_name",
        "objective",
        "planned_finish",
        "collab_content",
        "delivery_criteria",
        "due_date",
        "contact",
        "phone",
    ];
    for (c, h) in aliases.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let date = Format::new().set_num_format("yyyy-mm-dd");
    ws.write_string(1, 0, "协作函〔2026〕8号").unwrap();
    ws.write_string(1, 1, "行政部").unwrap();
    ws.write_string(1, 2, "采购中心、财务部").unwrap();
    ws.write_datetime_with_format(1, 3, ExcelDateTime::from_ymd(2026, 3, 5).unwrap(), &date).unwrap();
    ws.write_string(1, 4, "流程优化").unwrap();
    ws.write_string(1, 5, "目标").unwrap();
    ws.write_number(1, 6, 46149.0).unwrap(); // 2026-05-07 as a bare serial
    ws.write_string(1, 7, "内容").unwrap();
    ws.write_string(1, 8, "标准").unwrap();
    ws.write_string(1, 9, "2026年3月22日").unwrap();
    ws.write_string(1, 10, "杨磊").unwrap();
    ws.write_number(1, 11, 13800138000.0).unwrap();
    let path = dir.path().join("cells.xlsx");
    wb.save(&path).unwrap();
    let out = dir.path().join("out");
    let o = gongwen(&[
        "generate",
        path.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--format",
        "pdf",
        "--forms",
        "letter",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let pdfs = files_with_ext(&out, "pdf");
    assert_eq!(pdfs.len(), 2, "one letter per receiving department: {pdfs:?}");
    if !have("pdftotext") {
        return;
    }
    let text = squeezed(&pdftotext(&out.join("协作函〔2026〕8号_财务部_工作联系函.pdf")));
    for want in ["2026年3月5日", "2026年5月7日", "2026年3月22日", "13800138000"] {
        assert!(text.contains(want), "{want} not in {text}");
    }
    assert!(!text.contains("13800138000.0") && !text.contains("1.38"));
}

#[test]
fn usage_errors_say_what_to_do_in_chinese() {
    let o = gongwen(&["generate"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).starts_with("错误：缺少工作簿：应写作 gongwen generate"), "{}", stderr(&o));
    let o = gongwen(&["frobnicate"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).starts_with("错误：没有“frobnicate”这个命令"), "{}", stderr(&o));
    assert_eq!(gongwen(&["--help"]).status.code(), Some(0));
}
