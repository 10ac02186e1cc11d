//! An office's own form, as data only: a form file in `--forms-dir` that declares a sheet of
//! its own, reads columns nobody declared (extra columns of the workbook), prints a child
//! table from another sheet, and is made from every row of its source sheet. What a user would
//! check: the text of both outputs, the manifest's source rows, and a bad date in the new
//! sheet reported at its cell, with the rest still made.

mod common;
use common::*;
use std::path::Path;

/// The office's form: one 会议纪要 per row of its sheet 会议记录, with the meeting's attendees
/// (sheet 参会人员) as a table.
const MEETING: &str = r#"
[form]
name = "会议纪要"
aliases = ["纪要"]
source = "会议记录"
per = "row"
children = { sheet = "参会人员" }
file_name = "{编号}_{会议日期}_会议纪要"
title = "{议题}会议纪要"

[[sheet]]
name = "会议记录"
alias = "meetings"
key = "编号"
columns = [
  { header = "编号", alias = "id", kind = "text" },
  { header = "会议日期", alias = "held_on", kind = "date", required = true },
  { header = "议题", alias = "topic", kind = "text", required = true },
]

[[sheet]]
name = "参会人员"
alias = "attendees"
key = "编号"
columns = [
  { header = "编号", alias = "id", kind = "text" },
  { header = "姓名", alias = "name", kind = "text", required = true },
  { header = "部门", alias = "dept", kind = "text" },
]

[[block]]
type = "text"
style = "table-title"
text = "会议纪要"

[[block]]
type = "text"
style = "flush"
text = "议题：{议题}；会议日期：{会议日期}；主持人：{主持人}；项目代号：{项目代号}"

[[block]]
type = "row-table"
columns = [15, 60, 80]
header = ["序号", "姓名", "部门"]
cells = ["{行号}", "{姓名}", "{部门}"]
"#;

/// 协作需求 with an extra column 项目代号 nobody declared; 会议记录 with an extra column 主持人,
/// its row 3 a bad date; 参会人员 for 函1.
fn workbook(path: &Path) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet().set_name("协作需求").unwrap();
    let mut headers: Vec<String> = REQUIRED_HEADERS.map(String::from).to_vec();
    headers.push("项目代号".into());
    write_row(ws, 0, &headers);
    for (r, (id, code)) in [("函1", "XM-0815"), ("函2", "XM-0816")].into_iter().enumerate() {
        let mut row = required_values(id, "采购中心");
        row.push(code.into());
        write_row(ws, r as u32 + 1, &row);
    }
    let ws = wb.add_worksheet().set_name("会议记录").unwrap();
    let rows = [
        ["编号", "会议日期", "议题", "主持人"],
        ["函1", "2026-03-06", "启动会", "王主任"],
        ["函2", "2026-13-45", "对接会", "李科长"],
        ["函1", "2026-03-20", "中期推进会", ""],
        ["函1", "2026-04-02", "验收会", "王主任"],
    ];
    for (r, row) in rows.iter().enumerate() {
        write_row(ws, r as u32, &row.map(String::from));
    }
    let ws = wb.add_worksheet().set_name("参会人员").unwrap();
    for (r, row) in
        [["编号", "姓名", "部门"], ["函1", "张三", "行政部"], ["函1", "李四", "采购中心"]].iter().enumerate()
    {
        write_row(ws, r as u32, &row.map(String::from));
    }
    wb.save(path).unwrap();
}

#[test]
fn an_own_form_with_its_own_sheets_and_columns() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("会议.xlsx");
    workbook(&book);
    let forms = dir.path().join("表单");
    std::fs::create_dir(&forms).unwrap();
    std::fs::write(forms.join("meeting.toml"), MEETING).unwrap();
    let out = dir.path().join("out");
    let o = gongwen(&[
        "generate",
        book.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--forms-dir",
        forms.to_str().unwrap(),
        "--forms",
        "纪要",
    ]);
    let err = stderr(&o);
    // The bad date: at its cell, in Chinese, and the run still makes the good rows (exit 1).
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("错误：会议记录!B3 会议日期：“2026-13-45”不是有效日期（可写作 2026-03-05 或 2026年3月5日）"),
        "{err}"
    );

    let manifest = std::fs::read_to_string(out.join("manifest.csv")).unwrap();
    let line_of = |place: &str, ext: &str| -> &str {
        manifest
            .lines()
            .find(|l| l.contains(&format!(",{place},")) && l.contains(&format!(",{ext},")))
            .unwrap_or_else(|| panic!("{place} {ext} not in\n{manifest}"))
    };
    for (place, date) in
        [("会议记录!A2", "2026年3月6日"), ("会议记录!A4", "2026年3月20日"), ("会议记录!A5", "2026年4月2日")]
    {
        for ext in ["pdf", "docx"] {
            let line = line_of(place, ext);
            let file = format!("函1_{date}_会议纪要.{ext}");
            assert!(line.starts_with(&file) && line.contains(",会议纪要,") && line.contains(",已生成,"), "{line}");
            assert!(out.join(&file).is_file(), "{file}");
        }
    }
    // 函2's only meeting has the bad date: its 会议纪要 is not made, and the manifest says why.
    let blocked = manifest.lines().find(|l| l.contains(",函2,")).expect("函2 listed");
    assert!(blocked.contains("未生成") && blocked.contains("会议记录!B3"), "{blocked}");
    assert_eq!(files_with_ext(&out, "pdf").len(), 3);

    // What the documents say: the row's columns (declared and not), the request's own extra
    // column, and the attendees' table.
    let want = [
        "会议纪要",
        "议题：中期推进会",
        "会议日期：2026年3月20日",
        "项目代号：XM-0815",
        "张三",
        "行政部",
        "李四",
        "采购中心",
    ];
    let docx = out.join("函1_2026年3月20日_会议纪要.docx");
    let xml = docx_text(&docx);
    for w in want {
        assert!(xml.contains(w), "{w} not in the .docx: {xml}");
    }
    assert!(docx_text(&out.join("函1_2026年4月2日_会议纪要.docx")).contains("主持人：王主任"));
    if !have("pdftotext") {
        return skip("会议纪要 PDF 文字", "需要 pdftotext（poppler-utils）");
    }
    let text = squeezed(&pdftotext(&out.join("函1_2026年3月20日_会议纪要.pdf")));
    for w in want {
        assert!(text.contains(w), "{w} not in the PDF: {text}");
    }
    // An empty extra cell prints as nothing.
    assert!(text.contains("主持人：；项目代号"), "{text}");
}

#[test]
fn a_column_neither_declared_nor_in_the_workbook_stops_the_run_at_its_form_line() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("会议.xlsx");
    workbook(&book);
    let forms = dir.path().join("表单");
    std::fs::create_dir(&forms).unwrap();
    let form = MEETING.replace("项目代号：{项目代号}", "会议地点：{会议地点}");
    std::fs::write(forms.join("meeting.toml"), &form).unwrap();
    let out = dir.path().join("out");
    let o = gongwen(&[
        "generate",
        book.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--forms-dir",
        forms.to_str().unwrap(),
        "--forms",
        "会议纪要,application",
        "--format",
        "pdf",
    ]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    let line = form.lines().position(|l| l.contains("{会议地点}")).unwrap() + 1;
    let file = forms.join("meeting.toml");
    assert!(
        err.contains(&format!(
            "错误：{}:{line}：表单“会议纪要”用到“{{会议地点}}”，但工作表“会议记录”中没有这一列；请在工作表的表头加上“会议地点”列，或改正表单中的名称",
            file.display()
        )),
        "{err}"
    );
    assert!(!out.exists(), "nothing is written");
}

#[test]
fn a_form_asked_for_whose_sheet_is_missing_is_said_not_made_empty() {
    let dir = tempfile::tempdir().unwrap();
    // The sample has no 会议记录 sheet.
    let forms = dir.path().join("表单");
    std::fs::create_dir(&forms).unwrap();
    std::fs::write(forms.join("meeting.toml"), MEETING.replace("项目代号：{项目代号}", "工作名称：{工作名称}"))
        .unwrap();
    let sample = sample();
    let out = dir.path().join("out");
    let args = ["generate", sample.to_str().unwrap(), "-o", out.to_str().unwrap(), "--forms-dir"];
    let o = gongwen(&[&args[..], &[forms.to_str().unwrap(), "--forms", "会议纪要,申请表", "--format", "pdf"]].concat());
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("错误：工作簿中没有“会议记录”工作表，不能生成会议纪要；请加上这个工作表（gongwen template 写出的模板中有），或不选这个表单"),
        "{err}"
    );
    assert_eq!(files_with_ext(&out, "pdf").len(), 6, "the application forms are made");
    // Without --forms the form is simply not in the run: nothing to say.
    let out = dir.path().join("out2");
    let args = ["generate", sample.to_str().unwrap(), "-o", out.to_str().unwrap(), "--forms-dir"];
    let o = gongwen(&[&args[..], &[forms.to_str().unwrap(), "--format", "pdf"]].concat());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!stderr(&o).contains("会议记录"), "{}", stderr(&o));
    assert!(files_with_ext(&out, "pdf").iter().all(|p| !p.to_string_lossy().contains("会议纪要")));
}
