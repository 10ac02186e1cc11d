//! What users read when they do what users commonly do (issue 9, item 5): every line is
//! Chinese, begins with 错误： or 警告： (or is a summary), names its cell or file, says what to
//! do, and carries no English from a library or the OS; good rows are still made.

mod common;
use common::*;
use rust_xlsxwriter::Workbook;
use std::path::{Path, PathBuf};
use std::process::Output;

/// The required request columns and a few optional ones, in sheet order.
static HEADERS: std::sync::LazyLock<Vec<&str>> =
    std::sync::LazyLock::new(|| [common::REQUIRED_HEADERS.as_slice(), &["电子邮箱", "工作性质", "发起人"]].concat());

/// A cell: text, or a number (as Excel stores a phone typed without a text format).
#[derive(Clone)]
enum C {
    T(String),
    N(f64),
    E,
}

fn good_row(id: &str) -> Vec<C> {
    [
        id,
        "行政部",
        "采购中心",
        "2026-03-05",
        "供应商管理流程优化",
        "流程梳理",
        "2026-05-07",
        "提供业务数据",
        "数据准确完整",
        "2026-03-22",
        "杨磊",
        "13800000003",
        "yanglei@example.com",
        "日常运营重点任务",
        "",
    ]
    .iter()
    .map(|s| if s.is_empty() { C::E } else { C::T(s.to_string()) })
    .collect()
}

fn set(row: &mut [C], header: &str, cell: C) {
    row[HEADERS.iter().position(|h| *h == header).expect("known header")] = cell;
}

fn t(s: &str) -> C {
    C::T(s.to_string())
}

/// A workbook of named sheets, each a header row and data rows; `hidden` rows (0-based) of the
/// first sheet are hidden by an Excel filter.
/// A sheet to write: name, header row, data rows.
type SheetSpec<'a> = (&'a str, Vec<&'a str>, Vec<Vec<C>>);

fn book(dir: &Path, sheets: &[SheetSpec], hidden: &[u32]) -> PathBuf {
    let mut wb = Workbook::new();
    for (n, (name, headers, rows)) in sheets.iter().enumerate() {
        let ws = wb.add_worksheet().set_name(*name).unwrap();
        for (c, h) in headers.iter().enumerate() {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32 + 1, c as u16);
                match cell {
                    C::T(s) => ws.write_string(r, c, s).map(|_| ()),
                    C::N(v) => ws.write_number(r, c, *v).map(|_| ()),
                    C::E => Ok(()),
                }
                .unwrap();
            }
        }
        if n == 0 && !hidden.is_empty() {
            ws.autofilter(0, 0, rows.len() as u32, headers.len() as u16 - 1).unwrap();
            for r in hidden {
                ws.set_row_hidden(*r).unwrap();
            }
        }
    }
    let path = dir.join("协作需求.xlsx");
    wb.save(&path).unwrap();
    path
}

fn requests(dir: &Path, rows: Vec<Vec<C>>) -> PathBuf {
    book(dir, &[("协作需求", HEADERS.to_vec(), rows)], &[])
}

/// Every line is a problem starting with 错误：/警告：, or one of the summary lines; and no line
/// holds English: a run of three or more ASCII words, not counting commands, options, file
/// names and format names.
fn assert_chinese(text: &str) {
    const SUMMARIES: [&str; 5] = ["检查通过：", "发现 ", "完成：", "已写出 ", "修改后运行："];
    const OURS: [&str; 11] = [
        "gongwen",
        "check",
        "generate",
        "template",
        "forms",
        "export",
        "docx",
        "pdf",
        "letter",
        "application",
        "tasks",
    ];
    for line in text.lines() {
        assert!(
            line.starts_with("错误：") || line.starts_with("警告：") || SUMMARIES.iter().any(|s| line.starts_with(s)),
            "a line that is neither a problem nor a summary: {line}"
        );
        let mut run = 0;
        for token in line.split(|c: char| !c.is_ascii() || c.is_ascii_whitespace()) {
            let ours = token.is_empty()
                || token.starts_with('-')
                || token.contains(['.', '/', '\\', '=', '@'])
                || token.chars().any(|c| c.is_ascii_digit())
                || OURS.contains(&token);
            if token.is_empty() {
                continue;
            }
            if !ours && token.chars().all(|c| c.is_ascii_alphabetic() || c == '\'' || c == ',') {
                run += 1;
                assert!(run < 3, "English in: {line}");
            } else {
                run = 0;
            }
        }
    }
}

fn run(args: &[&str]) -> Output {
    let o = gongwen(args);
    assert_chinese(&stdout(&o));
    assert_chinese(&stderr(&o));
    o
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn the_english_detector_catches_english() {
    let caught = |line: &str| std::panic::catch_unwind(|| assert_chinese(line)).is_err();
    assert!(caught("错误：无法读取 x.xlsx：No such file or directory (os error 2)"));
    assert!(caught("error: unexpected argument 'b.xlsx' found"));
    assert!(caught("Usage: gongwen check <WORKBOOK>"));
    assert!(!caught("错误：一次只能检查一个工作簿；请逐个运行：gongwen check a.xlsx，然后 gongwen check b.xlsx"));
}

#[test]
fn two_workbooks_are_one_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let a = requests(dir.path(), vec![good_row("函1")]);
    let o = run(&["check", s(&a), "b.xlsx"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stdout(&o), "");
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("错误：一次只能检查一个工作簿，却给了 2 个"), "{err}");
    assert!(err.contains("然后 gongwen check b.xlsx"), "{err}");
    let o = run(&["generate", s(&a), "b.xlsx", "-o", s(&dir.path().join("out"))]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).starts_with("错误：一次只能生成一个工作簿"), "{}", stderr(&o));
    assert!(!dir.path().join("out").exists(), "nothing is made");
}

#[test]
fn help_and_usage_errors_are_chinese() {
    for args in [&["--help"][..], &["generate", "--help"], &["check", "-h"], &["help", "template"]] {
        let o = gongwen(args);
        assert_eq!(o.status.code(), Some(0), "{args:?}");
        let help = stdout(&o);
        assert!(help.contains("用法：gongwen"), "{help}");
        for english in ["Usage", "Options", "Arguments", "Print help", "[default", "[OPTIONS]"] {
            assert!(!help.contains(english), "{english:?} in {args:?}:\n{help}");
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let a = requests(dir.path(), vec![good_row("函1")]);
    for (args, want) in [
        (vec![], "错误：缺少命令"),
        (vec![s(&a)], "错误：请先写要做什么"),
        (vec!["check"], "错误：缺少工作簿：应写作 gongwen check 工作簿"),
        (vec!["generate", s(&a), "--jobs", "很多"], "错误：选项 --jobs 的值“很多”不对"),
        (vec!["generate", s(&a), "--strcit"], "错误：gongwen generate 没有选项“--strcit”。是不是 --strict？"),
        (vec!["generate", s(&a), "--forms", "公函"], "错误：--forms：没有“公函”这种表单"),
        (vec!["generate", s(&a), "--format", "odt"], "错误：--format：没有“odt”这种格式"),
        (vec!["frobnicate"], "错误：没有“frobnicate”这个命令"),
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).starts_with(want), "{args:?}: {}", stderr(&o));
        assert_eq!(stderr(&o).lines().count(), 1, "{args:?}: {}", stderr(&o));
    }
}

#[test]
fn chinese_form_names_and_any_case_format_are_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let a = requests(dir.path(), vec![good_row("函1")]);
    let out = dir.path().join("out");
    let o = run(&["generate", s(&a), "-o", s(&out), "--forms", "工作联系函、申请表", "--format", "PDF"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(out.join("函1_采购中心_工作联系函.pdf").is_file());
    assert!(out.join("函1_协作需求申请表.pdf").is_file());
    assert!(files_with_ext(&out, "docx").is_empty());
}

#[test]
fn check_writes_its_report_to_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let mut bad = good_row("函2");
    set(&mut bad, "发函日期", t("2026-02-30"));
    let a = requests(dir.path(), vec![good_row("函1"), bad]);
    let o = run(&["check", s(&a)]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stderr(&o), "", "a saved report holds everything");
    assert_eq!(
        stdout(&o),
        "错误：协作需求!D3 发函日期：“2026-02-30”不是有效日期（可写作 2026-03-05 或 2026年3月5日）\n\
         发现 1 个错误、0 条警告；1 行需求无法生成\n"
    );
}

#[test]
fn nearly_right_headers_are_read_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let mut headers = HEADERS.to_vec();
    headers[2] = "收函部门（可多个）";
    headers[11] = "电话";
    let a = book(dir.path(), &[("协作需求", headers, vec![good_row("函1")])], &[]);
    let out = dir.path().join("out");
    let o = run(&["generate", s(&a), "-o", s(&out), "--format", "pdf", "--forms", "letter"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("警告：协作需求!C1 列“收函部门（可多个）”按“收函部门”读取；请把表头改为“收函部门”"), "{err}");
    assert!(err.contains("警告：协作需求!L1 列“电话”按“联系电话”读取；请把表头改为“联系电话”"), "{err}");
    assert!(out.join("函1_采购中心_工作联系函.pdf").is_file());
}

#[test]
fn an_ambiguous_header_suggests_and_a_missing_column_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let mut headers = HEADERS.to_vec();
    headers[3] = "日期";
    let a = book(dir.path(), &[("协作需求", headers, vec![good_row("函1")])], &[]);
    let o = run(&["check", s(&a)]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.starts_with("错误：协作需求 工作表缺少必填列“发函日期”（英文名 date）；表头“日期”是不是“发函日期”？"),
        "{err}"
    );
}

#[test]
fn a_total_row_and_a_mostly_empty_row_are_one_line_each() {
    let dir = tempfile::tempdir().unwrap();
    let mut total = vec![C::E; HEADERS.len()];
    total[0] = t("合 计");
    total[13] = C::N(3.0);
    let mut sparse = vec![C::E; HEADERS.len()];
    sparse[0] = t("函9");
    sparse[14] = t("待补充");
    let a = requests(dir.path(), vec![good_row("函1"), sparse, good_row("函2"), total]);
    let out = dir.path().join("out");
    let o = run(&["generate", s(&a), "-o", s(&out), "--format", "pdf", "--forms", "letter"]);
    assert_eq!(o.status.code(), Some(1));
    let problems: Vec<String> = stderr(&o).lines().filter(|l| !l.starts_with("完成")).map(String::from).collect();
    assert_eq!(
        problems,
        [
            "错误：协作需求!A3 第 3 行大部分必填项是空的（缺少“发函部门”“收函部门”“发函日期” 等共 11 项），不能生成；请补全或删除此行",
            "警告：协作需求!A5 第 5 行是“合计”行，不是协作需求，已跳过；如不需要请删除此行",
        ]
    );
    for id in ["函1", "函2"] {
        assert!(out.join(format!("{id}_采购中心_工作联系函.pdf")).is_file(), "{id}");
    }
}

#[test]
fn incomplete_dates_and_addresses_say_what_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let mut no_year = good_row("函2");
    set(&mut no_year, "发函日期", t("3月5日"));
    let mut no_domain = good_row("函3");
    set(&mut no_domain, "电子邮箱", t("yanglei"));
    let a = requests(dir.path(), vec![good_row("函1"), no_year, no_domain]);
    let o = run(&["check", s(&a)]);
    assert_eq!(o.status.code(), Some(1));
    let report = stdout(&o);
    let year = chrono::Datelike::year(&chrono::Local::now());
    assert!(
        report.contains(&format!("错误：协作需求!D3 发函日期：“3月5日”缺少年份，请写完整日期，如 {year}年3月5日")),
        "{report}"
    );
    assert!(
        report.contains(
            "错误：协作需求!M4 电子邮箱：“yanglei”不是有效的电子邮箱地址：缺少“@”和域名；应如 zhangsan@example.com"
        ),
        "{report}"
    );
}

#[test]
fn likely_mistakes_are_warned_and_still_made() {
    let dir = tempfile::tempdir().unwrap();
    let mut phone = good_row("函1");
    set(&mut phone, "联系电话", C::N(1062345678.0));
    let mut late = good_row("函2");
    set(&mut late, "完成时限", t("2026-03-01"));
    let mut to_self = good_row("函3");
    set(&mut to_self, "收函部门", t("采购中心、行政部"));
    let mut example = good_row("示例函〔2026〕1号");
    set(&mut example, "工作名称", t("2026年第三季度新产品上市"));
    let a =
        book(dir.path(), &[("协作需求", HEADERS.to_vec(), vec![phone, late, to_self, example, good_row("函5")])], &[5]);
    let out = dir.path().join("out");
    let o = run(&["generate", s(&a), "-o", s(&out), "--format", "pdf", "--forms", "letter"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let warnings: Vec<String> = stderr(&o).lines().filter(|l| l.starts_with("警告")).map(String::from).collect();
    assert_eq!(
        warnings,
        [
            "警告：协作需求 第 6 行被 Excel 的筛选隐藏了，这些行照样生成；如不需要，请删除这些行",
            "警告：协作需求!L2 联系电话：1062345678 是以数字填写的，开头的 0 可能已丢失（是不是 010-62345678？）；请把单元格设为文本格式后重新填写完整号码",
            "警告：协作需求!J3 完成时限：2026年3月1日 早于发函日期 2026年3月5日，请确认日期是否写错",
            "警告：协作需求!C4 收函部门：包含发函部门“行政部”自己，将给本部门也发一份函；如非本意，请从收函部门中删除“行政部”",
            "警告：协作需求!A5 第 5 行是模板自带的示例（编号“示例函〔2026〕1号”），仍会生成；如不需要，请删除此行和“任务拆分”表中它的任务",
        ]
    );
    assert_eq!(files_with_ext(&out, "pdf").len(), 6, "every row is made, the hidden one too");
}

#[test]
fn a_renamed_sheet_names_the_sheets_there_are() {
    let dir = tempfile::tempdir().unwrap();
    let notes = vec![vec![t("每行一个协作需求")]];
    let a = book(
        dir.path(),
        &[("说明", vec!["填写说明"], notes), ("Sheet1", HEADERS.to_vec(), vec![good_row("函1")])],
        &[],
    );
    let o = run(&["check", s(&a)]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.starts_with("错误：说明 工作表缺少必填列“编号”"), "{err}");
    assert!(
        err.contains("工作簿中没有名为“协作需求”的工作表，按位置读取了第一个工作表“说明”（现有工作表：说明、Sheet1）；若协作需求填在别的工作表，请把它改名为“协作需求”"),
        "{err}"
    );
    // A name that holds 协作需求 is found by name wherever the sheet is.
    let a = book(
        dir.path(),
        &[("说明", vec!["填写说明"], vec![]), ("协作需求表", HEADERS.to_vec(), vec![good_row("函1")])],
        &[],
    );
    let o = run(&["check", s(&a)]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

#[test]
fn os_errors_are_named_in_chinese() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let o = run(&["forms", "export", s(&file.join("forms"))]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("路径中有一段是文件而不是文件夹"), "{}", stderr(&o));
    let o = run(&["template", "-o", s(&dir.path().join("no/such/dir/t.xlsx"))]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("所在文件夹不存在"), "{}", stderr(&o));
}

/// `check > 报告.txt` on a full disk: the cut report does not pass for a whole one — exit 2 and
/// a line on stderr; a pipe closed by `head` is still quiet (exit 0).
#[cfg(target_os = "linux")]
#[test]
fn a_check_report_that_cannot_be_written_is_said_so() {
    let full = std::fs::File::options().write(true).open("/dev/full").expect("/dev/full");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_gongwen"))
        .args(["check", s(&sample())])
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(
        stderr(&o).trim_end(),
        "错误：检查报告未能完整写出：磁盘已满；请把报告保存到别的位置后重新运行 gongwen check"
    );

    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_gongwen"))
        .args(["check", s(&sample())])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader is gone before the first line
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), "", "a closed pipe is not a problem");
}
