//! `gongwen template`: the blank input workbook. It must pass `gongwen check` and generate the
//! example's documents; its XML must carry the dropdowns, header notes, frozen header row and
//! date / text formats built from the reader's column list; LibreOffice must open it.

mod common;

use common::xml::Node;
use common::{gongwen, have, stderr, stdout};
use gongwen::workbook::columns::{Kind, Sheet, REQUESTS, TASKS};
use gongwen::workbook::template::{write_template, DATE_FORMAT, LAST_ROW};
use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

/// `gongwen template -o DIR/模板.xlsx`, asserting it succeeds.
fn template_via_cli(dir: &Path) -> PathBuf {
    let path = dir.join("协作需求模板.xlsx");
    let o = gongwen(&["template", "-o", path.to_str().unwrap()]);
    assert!(o.status.success(), "gongwen template failed: {}", stderr(&o));
    assert!(path.is_file());
    path
}

#[test]
fn the_template_checks_clean() {
    let dir = tempfile::tempdir().unwrap();
    let path = template_via_cli(dir.path());
    let o = gongwen(&["check", path.to_str().unwrap()]);
    let err = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    // The one warning: the example row is still in.
    assert!(err.contains("1 条协作需求、2 条任务；警告 1 条"), "{err}");
    assert!(err.starts_with("警告：协作需求!A2 第 2 行是模板自带的示例"), "{err}");
}

#[test]
fn the_template_example_generates_every_form() {
    let dir = tempfile::tempdir().unwrap();
    let path = template_via_cli(dir.path());
    let out = dir.path().join("out");
    let o = gongwen(&["generate", path.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let wb = gongwen::workbook::read_workbook(&path).unwrap();
    let request = &wb.requests[0];
    let id = &request.id;
    for ext in ["docx", "pdf"] {
        for dept in &request.to_depts {
            let letter = out.join(format!("{id}_{dept}_工作联系函.{ext}"));
            assert!(letter.is_file(), "{}", letter.display());
        }
        for form in ["协作需求申请表", "协作任务拆分清单"] {
            let file = out.join(format!("{id}_{form}.{ext}"));
            assert!(file.is_file(), "{}", file.display());
        }
    }
}

#[test]
fn an_existing_workbook_is_not_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("已填写.xlsx");
    std::fs::write(&path, b"filled in").unwrap();
    let o = gongwen(&["template", "-o", path.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("文件已存在"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&path).unwrap(), b"filled in");
}

// ---- the XML parts ----

impl Node {
    fn attr(&self, key: &str) -> Option<&str> {
        self.attrs.get(key).map(String::as_str)
    }

    /// Every descendant named `name`, in document order.
    fn all<'a>(&'a self, name: &str, found: &mut Vec<&'a Node>) {
        for c in &self.children {
            if c.name == name {
                found.push(c);
            }
            c.all(name, found);
        }
    }

    fn find_all(&self, name: &str) -> Vec<&Node> {
        let mut found = Vec::new();
        self.all(name, &mut found);
        found
    }

    /// The text of this node and all its descendants.
    fn deep_text(&self) -> String {
        let mut s = self.text.clone();
        for c in &self.children {
            s += &c.deep_text();
        }
        s
    }
}

/// The template's parts by name, parsed.
struct Parts(HashMap<String, Node>);

impl Parts {
    fn of_template() -> (tempfile::TempDir, Parts) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("模板.xlsx");
        write_template(&path).unwrap();
        let mut zip = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).expect("an .xlsx is a zip");
        let mut parts = HashMap::new();
        for i in 0..zip.len() {
            let mut f = zip.by_index(i).unwrap();
            let name = f.name().unwrap().into_owned();
            if name.ends_with(".xml") || name.ends_with(".rels") {
                let mut s = String::new();
                f.read_to_string(&mut s).unwrap();
                parts.insert(name, Node::parse(s.as_bytes()));
            }
        }
        (dir, Parts(parts))
    }

    fn get(&self, name: &str) -> &Node {
        self.0.get(name).unwrap_or_else(|| panic!("no part {name}"))
    }

    /// Number format code of cell style `s` (styles.xml cellXfs index).
    fn format_code(&self, s: usize) -> String {
        let styles = self.get("xl/styles.xml");
        let xfs = &styles.find_all("cellXfs")[0].children;
        let id: u32 = xfs[s].attr("numFmtId").unwrap().parse().unwrap();
        if id == 49 {
            return "@".to_string(); // built in
        }
        styles
            .find_all("numFmt")
            .iter()
            .find(|f| f.attr("numFmtId") == Some(&id.to_string()))
            .map(|f| f.attr("formatCode").unwrap().to_string())
            .unwrap_or_else(|| format!("built-in {id}"))
    }

    /// Style index of the whole column (1-based `col`) from the sheet's `<cols>`.
    fn column_style(&self, sheet: &Node, col: usize) -> usize {
        let c = sheet
            .find_all("col")
            .into_iter()
            .find(|c| {
                let min: usize = c.attr("min").unwrap().parse().unwrap();
                let max: usize = c.attr("max").unwrap().parse().unwrap();
                (min..=max).contains(&col)
            })
            .unwrap_or_else(|| panic!("no <col> for column {col}"));
        c.attr("style").map_or(0, |s| s.parse().unwrap())
    }
}

/// Column letters of a 0-based index.
fn letters(col: usize) -> String {
    let (mut n, mut s) = (col + 1, Vec::new());
    while n > 0 {
        s.push(b'A' + ((n - 1) % 26) as u8);
        n = (n - 1) / 26;
    }
    s.reverse();
    String::from_utf8(s).unwrap()
}

fn cell<'a>(sheet: &'a Node, reference: &str) -> &'a Node {
    sheet.find_all("c").into_iter().find(|c| c.attr("r") == Some(reference)).unwrap_or_else(|| panic!("no {reference}"))
}

#[test]
fn choice_columns_have_dropdowns_with_the_allowed_values() {
    let (_dir, parts) = Parts::of_template();
    let sheet = parts.get("xl/worksheets/sheet1.xml");
    let lists: HashMap<String, String> = sheet
        .find_all("dataValidation")
        .into_iter()
        .filter(|v| v.attr("type") == Some("list"))
        .map(|v| (v.attr("sqref").unwrap().to_string(), v.find_all("formula1")[0].text.clone()))
        .collect();
    let mut choices = 0;
    for (i, (header, _, kind)) in all_columns(&REQUESTS).into_iter().enumerate() {
        if let Kind::Choice(values) = kind {
            choices += 1;
            let range = format!("{0}2:{0}{LAST_ROW}", letters(i));
            assert_eq!(lists.get(&range), Some(&format!("\"{}\"", values.join(","))), "{header} at {range}");
        }
    }
    assert_eq!(choices, 3, "工作性质, 紧急程度 and 验收结果");
    assert_eq!(lists.len(), choices);
    assert!(parts.get("xl/worksheets/sheet2.xml").find_all("dataValidation").is_empty());
    // The sheets declared as data have theirs: 沟通记录's 记录类型.
    let records = parts.get("xl/worksheets/sheet3.xml").find_all("dataValidation");
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].find_all("formula1")[0].text, "\"会议共识,待办事项,进度更新\"");
}

/// A sheet's columns as the template writes them: those read by role, then the others.
fn all_columns<F>(sheet: &Sheet<F>) -> Vec<(&'static str, bool, Kind)> {
    let roles = sheet.columns.iter().map(|c| (c.header, c.required, c.kind));
    roles.chain(sheet.extra.iter().map(|c| (c.header, c.required, c.kind))).collect()
}

/// Every header cell has a note saying whether it is required and naming the column.
fn assert_notes<F>(parts: &Parts, comments: &str, sheet: &Sheet<F>) {
    let notes: HashMap<String, String> = parts
        .get(comments)
        .find_all("comment")
        .into_iter()
        .map(|c| (c.attr("ref").unwrap().to_string(), c.deep_text()))
        .collect();
    let columns = all_columns(sheet);
    assert_eq!(notes.len(), columns.len(), "{comments}");
    for (i, (header, required, kind)) in columns.into_iter().enumerate() {
        let note = notes.get(&format!("{}1", letters(i))).unwrap_or_else(|| panic!("no note on {header}"));
        let expected = format!("{}。{header}：", if required { "必填" } else { "选填" });
        assert!(note.starts_with(&expected), "{header}: {note}");
        if kind == Kind::Date {
            assert!(note.contains("2026-03-05 或 2026年3月5日"), "{note}");
        }
        if let Kind::Choice(values) = kind {
            assert!(values.iter().all(|v| note.contains(v)), "{note}");
        }
    }
}

#[test]
fn every_header_has_a_note() {
    let (_dir, parts) = Parts::of_template();
    assert_notes(&parts, "xl/comments1.xml", &REQUESTS);
    assert_notes(&parts, "xl/comments2.xml", &TASKS);
    for (i, sheet) in gongwen::workbook::columns::declared_sheets().iter().enumerate() {
        assert_notes(&parts, &format!("xl/comments{}.xml", i + 3), sheet);
    }
}

#[test]
fn header_rows_are_frozen_and_read_as_the_reader_expects() {
    let (_dir, parts) = Parts::of_template();
    let shared: Vec<String> = parts.get("xl/sharedStrings.xml").find_all("si").iter().map(|s| s.deep_text()).collect();
    for (part, headers) in [
        ("xl/worksheets/sheet1.xml", all_columns(&REQUESTS).into_iter().map(|c| (c.0, c.1)).collect::<Vec<_>>()),
        ("xl/worksheets/sheet2.xml", all_columns(&TASKS).into_iter().map(|c| (c.0, c.1)).collect()),
    ] {
        let sheet = parts.get(part);
        let pane = &sheet.find_all("pane")[0];
        assert_eq!(pane.attr("state"), Some("frozen"), "{part}");
        assert_eq!(pane.attr("ySplit"), Some("1"), "{part}");
        let mut header_styles = HashMap::new();
        for (i, (header, required)) in headers.into_iter().enumerate() {
            let c = cell(sheet, &format!("{}1", letters(i)));
            let text = &shared[c.find_all("v")[0].text.parse::<usize>().unwrap()];
            assert_eq!(text, header);
            header_styles.insert(required, c.attr("s").unwrap().to_string());
        }
        // Required and optional headers look different.
        assert_eq!(header_styles.len(), 2, "{part}");
        assert_ne!(header_styles[&true], header_styles[&false]);
    }
}

#[test]
fn date_columns_are_dates_and_phone_and_id_are_text() {
    let (_dir, parts) = Parts::of_template();
    for (part, columns) in [
        ("xl/worksheets/sheet1.xml", all_columns(&REQUESTS).into_iter().map(|c| (c.0, c.2)).collect::<Vec<_>>()),
        ("xl/worksheets/sheet2.xml", all_columns(&TASKS).into_iter().map(|c| (c.0, c.2)).collect()),
    ] {
        let sheet = parts.get(part);
        for (i, (header, kind)) in columns.into_iter().enumerate() {
            let code = parts.format_code(parts.column_style(sheet, i + 1));
            if kind == Kind::Date {
                assert_eq!(code, DATE_FORMAT, "{part} {header}");
                // The example row holds a real date cell (a serial number), not text.
                let example = cell(sheet, &format!("{}2", letters(i)));
                assert_eq!(example.attr("t"), None, "{header} example is a number cell");
                let serial: f64 = example.find_all("v")[0].text.parse().unwrap();
                assert!((46023.0..46388.0).contains(&serial), "{header}: {serial} is a date in 2026");
                assert_eq!(parts.format_code(example.attr("s").unwrap().parse().unwrap()), DATE_FORMAT);
            }
            if ["编号", "联系电话"].contains(&header) {
                assert_eq!(code, "@", "{part} {header} is text");
            }
        }
    }
}

#[test]
fn the_output_is_reproducible() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.xlsx"), dir.path().join("b.xlsx"));
    write_template(&a).unwrap();
    write_template(&b).unwrap();
    assert!(std::fs::read(&a).unwrap() == std::fs::read(&b).unwrap());
}

#[test]
fn libreoffice_opens_the_template_and_its_ods_still_checks_clean() {
    if !have("soffice") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("模板.xlsx");
    write_template(&path).unwrap();
    let profile = format!("file://{}", dir.path().join("lo-profile").display());
    let o = Command::new("soffice")
        .arg(format!("-env:UserInstallation={profile}"))
        .args(["--headless", "--convert-to", "ods", "--outdir"])
        .arg(dir.path())
        .arg(&path)
        .output()
        .expect("soffice");
    let ods = dir.path().join("模板.ods");
    assert!(
        o.status.success() && ods.is_file(),
        "soffice could not convert the template (is LibreOffice Calc installed, e.g. libreoffice-calc-nogui?): {}",
        String::from_utf8_lossy(&o.stderr)
    );
    // What LibreOffice understood — header names, date cells, text phone — reads back clean.
    let wb = gongwen::workbook::read_workbook(&ods).unwrap();
    // Nothing but the reminder that the example row is still in.
    assert_eq!(wb.problems.len(), 1, "{:#?}", wb.problems);
    assert!(wb.problems[0].message.contains("模板自带的示例"), "{:#?}", wb.problems);
    assert_eq!((wb.requests.len(), wb.tasks.len()), (1, 2));
    assert_eq!(wb.requests[0].phone, "13800138000");
}
