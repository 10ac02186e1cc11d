//! Workbooks built in the test (rust_xlsxwriter, or a hand-made .ods zip) and read back.

use super::*;
use chrono::NaiveDate;
use std::path::PathBuf;
use tempfile::TempDir;

/// A cell to write.
#[derive(Clone, Debug)]
enum C {
    S(&'static str),
    Own(String),
    N(f64),
    /// A date cell (number format yyyy-mm-dd).
    D(u16, u8, u8),
    /// A time-only cell (hh:mm).
    Time(u16, u8),
    E,
}
use C::*;

const REQ_HEADERS: [&str; 23] = [
    "编号",
    "发函部门",
    "收函部门",
    "发函日期",
    "工作名称",
    "工作性质",
    "核心目标",
    "计划完成日期",
    "预期成效",
    "协作内容",
    "交付标准",
    "完成时限",
    "对接人",
    "联系电话",
    "电子邮箱",
    "协商截止日期",
    "附件",
    "协作背景",
    "协作目标",
    "所需资源",
    "期望时间节点",
    "发起人",
    "紧急程度",
];
const TASK_HEADERS: [&str; 10] =
    ["编号", "序号", "任务名称", "承办部门", "承办人", "任务描述", "前置任务", "开始日期", "完成日期", "备注"];

fn header_row(headers: &[&'static str]) -> Vec<C> {
    headers.iter().map(|h| S(h)).collect()
}

/// A complete, valid request row for [`REQ_HEADERS`].
fn req_row(id: &str) -> Vec<C> {
    vec![
        Own(id.to_string()),
        S("市场营销部"),
        S("财务部、人力资源部"),
        S("2026-03-05"),
        S("2026年第三季度新产品上市"),
        S("年度重点工作"),
        S("完成新产品上市准备"),
        S("2026年6月30日"),
        S("流程效率提升20%"),
        S("提供预算测算"),
        S("数据准确"),
        S("2026/4/15"),
        S("张三"),
        N(13800138000.0),
        S("zhangsan@example.com"),
        S("2026.3.20"),
        S("1.预算表\n2、计划书"),
        S("背景"),
        S("目标"),
        S("资源"),
        S("4月底前完成初稿"),
        S("李四"),
        S("紧急"),
    ]
}

fn set(row: &mut [C], header: &str, cell: C) {
    let i = REQ_HEADERS.iter().position(|h| *h == header).expect("known header");
    row[i] = cell;
}

fn task_row(id: &str, seq: f64, deps: C) -> Vec<C> {
    vec![
        Own(id.into()),
        N(seq),
        Own(format!("任务{seq}")),
        S("财务部"),
        S("王五"),
        S("描述"),
        deps,
        S("2026-03-06"),
        D(2026, 3, 11),
        E,
    ]
}

struct Book {
    _dir: TempDir,
    path: PathBuf,
}

fn xlsx(sheets: &[(&str, Vec<Vec<C>>)]) -> Book {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("in.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let date_fmt = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    let time_fmt = rust_xlsxwriter::Format::new().set_num_format("hh:mm");
    for (name, rows) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match cell {
                    S(s) => ws.write_string(r, c, *s).map(|_| ()),
                    Own(s) => ws.write_string(r, c, s).map(|_| ()),
                    N(n) => ws.write_number(r, c, *n).map(|_| ()),
                    D(y, m, d) => {
                        let dt = rust_xlsxwriter::ExcelDateTime::from_ymd(*y, *m, *d).unwrap();
                        ws.write_datetime_with_format(r, c, &dt, &date_fmt).map(|_| ())
                    }
                    Time(h, m) => {
                        let dt = rust_xlsxwriter::ExcelDateTime::from_hms(*h, *m, 0).unwrap();
                        ws.write_datetime_with_format(r, c, &dt, &time_fmt).map(|_| ())
                    }
                    E => Ok(()),
                }
                .unwrap();
            }
        }
    }
    wb.save(&path).unwrap();
    Book { _dir: dir, path }
}

fn read(book: &Book) -> Workbook {
    read_workbook(&book.path).unwrap_or_else(|e| panic!("{e}"))
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn printed(wb: &Workbook) -> Vec<String> {
    wb.problems.iter().map(ToString::to_string).collect()
}

fn requests_sheet(rows: Vec<Vec<C>>) -> (&'static str, Vec<Vec<C>>) {
    let mut all = vec![header_row(&REQ_HEADERS)];
    all.extend(rows);
    ("协作需求", all)
}

fn tasks_sheet(rows: Vec<Vec<C>>) -> (&'static str, Vec<Vec<C>>) {
    let mut all = vec![header_row(&TASK_HEADERS)];
    all.extend(rows);
    ("任务拆分", all)
}

#[test]
fn a_good_workbook_reads_every_field() {
    let id = "协作函〔2026〕12号";
    let book =
        xlsx(&[requests_sheet(vec![req_row(id)]), tasks_sheet(vec![task_row(id, 1.0, E), task_row(id, 2.0, S("1"))])]);
    let wb = read(&book);
    assert!(wb.problems.is_empty(), "{:?}", printed(&wb));
    let r = &wb.requests[0];
    assert_eq!(r.row, 2);
    assert_eq!(r.id, id);
    assert_eq!(r.to_depts, ["财务部", "人力资源部"]);
    assert_eq!((r.date, r.planned_finish, r.due_date), (d(2026, 3, 5), d(2026, 6, 30), d(2026, 4, 15)));
    assert_eq!(r.consult_by, Some(d(2026, 3, 20)));
    assert_eq!(r.phone, "13800138000");
    assert_eq!(r.email.as_deref(), Some("zhangsan@example.com"));
    assert_eq!(r.annex, ["预算表", "计划书"]);
    assert_eq!(r.urgency.as_deref(), Some("紧急"));
    assert_eq!(r.field("联系电话", "财务部").unwrap(), "13800138000");

    assert_eq!(wb.tasks.len(), 2);
    let t = &wb.tasks[1];
    assert_eq!((t.row, t.seq, t.request_id.as_str(), t.name.as_str()), (3, 2, id, "任务2"));
    assert_eq!(t.depends_on, [1]);
    assert_eq!((t.start, t.finish), (Some(d(2026, 3, 6)), d(2026, 3, 11)));
    assert_eq!(t.remark, None);
    assert!(wb.rejected.is_empty() && wb.tasks_blocked.is_empty());
}

#[test]
fn every_date_form_is_read_and_numbers_in_text_columns_stay_numbers() {
    let forms = [
        D(2026, 3, 5),
        S("2026-03-05"),
        S("2026/3/5"),
        S("2026.3.5"),
        S(" 2026年3月5日 "),
        S("２０２６年３月５日"),
        N(46086.0),
    ];
    let rows = forms
        .iter()
        .enumerate()
        .map(|(i, date)| {
            let mut row = req_row(&format!("函{i}"));
            set(&mut row, "发函日期", date.clone());
            set(&mut row, "工作名称", N(46086.0)); // a number in a text column is not a date
            set(&mut row, "联系电话", N(3.5));
            row
        })
        .collect();
    let wb = read(&xlsx(&[requests_sheet(rows)]));
    assert!(wb.problems.is_empty(), "{:?}", printed(&wb));
    assert_eq!(wb.requests.len(), forms.len());
    for r in &wb.requests {
        assert_eq!(r.date, d(2026, 3, 5), "row {}", r.row);
        assert_eq!(r.work_name, "46086");
        assert_eq!(r.phone, "3.5");
    }
}

#[test]
fn a_time_only_cell_or_an_impossible_date_is_an_error() {
    let mut timed = req_row("函1");
    set(&mut timed, "发函日期", Time(14, 30));
    let mut impossible = req_row("函2");
    set(&mut impossible, "完成时限", S("2026-02-30"));
    let wb = read(&xlsx(&[requests_sheet(vec![timed, impossible])]));
    assert_eq!(
        printed(&wb),
        [
            "错误：协作需求!D2 发函日期：“14:30”只有时间、没有日期（可写作 2026-03-05 或 2026年3月5日）",
            "错误：协作需求!L3 完成时限：“2026-02-30”不是有效日期（可写作 2026-03-05 或 2026年3月5日）",
        ]
    );
    assert!(wb.requests.is_empty());
    assert_eq!(wb.rejected.len(), 2);
}

#[test]
fn headers_match_by_english_alias_with_spaces_and_blank_rows_are_skipped() {
    let mut headers = header_row(&REQ_HEADERS);
    headers[0] = S(" ID ");
    headers[1] = S("\u{3000}From_Dept\u{3000}");
    headers[3] = S("date");
    headers[4] = S("　工作名称 ");
    headers[12] = S("对接人*"); // a required-mark
    headers.push(S("内部备注")); // column X: not a known column
    let mut row = req_row("函1");
    row.push(S("随便写"));
    let blank: Vec<C> = vec![E, S("  "), E];
    let title = vec![S("协作需求登记表")];
    let book = xlsx(&[("Requests", vec![title, headers, blank.clone(), row, blank, req_row("函2")])]);
    let wb = read(&book);
    // A column of the office's own is read as text, for forms that print it: no warning.
    assert!(printed(&wb).is_empty(), "{:?}", printed(&wb));
    let rows: Vec<(u32, &str)> = wb.requests.iter().map(|r| (r.row, r.id.as_str())).collect();
    assert_eq!(rows, [(4, "函1"), (6, "函2")]);
    assert_eq!(wb.requests[0].field("内部备注", ""), Some("随便写".into()));
    assert_eq!(wb.requests[1].field("内部备注", ""), Some(String::new()));
    assert_eq!(wb.requests[0].field("没有这列", ""), None);
    assert_eq!(wb.requests[0].from_dept, "市场营销部");
    assert_eq!(wb.requests[0].contact, "张三");
}

#[test]
fn a_workbook_with_only_a_tasks_sheet_has_no_requests_sheet() {
    let err = read_workbook(&xlsx(&[tasks_sheet(vec![])]).path).unwrap_err();
    assert!(
        err.to_string().ends_with(
            "中没有“协作需求”工作表（英文名 requests）；现有工作表：任务拆分。请把填写协作需求的工作表改名为“协作需求”"
        ),
        "{err}"
    );
}

#[test]
fn receiving_departments_split_on_every_separator_and_repeats_warn() {
    let mut row = req_row("函1");
    set(&mut row, "收函部门", S("财务部，法务部;行政部\n财务部；；人力资源部,"));
    let wb = read(&xlsx(&[requests_sheet(vec![row])]));
    assert_eq!(wb.requests[0].to_depts, ["财务部", "法务部", "行政部", "人力资源部"]);
    assert_eq!(printed(&wb), ["警告：协作需求!C2 收函部门：“财务部”重复填写，只发一份"]);
}

#[test]
fn all_problems_are_reported_at_once_and_good_rows_come_through() {
    let mut bad_date = req_row("函1");
    set(&mut bad_date, "发函日期", S("2026-02-30"));
    let mut no_dept = req_row("函2");
    set(&mut no_dept, "收函部门", S(" "));
    let mut bad_mail = req_row("函3");
    set(&mut bad_mail, "电子邮箱", S("zhang san@example"));
    let mut odd_kind = req_row("函5");
    set(&mut odd_kind, "工作性质", S("临时任务"));
    let book = xlsx(&[requests_sheet(vec![bad_date, no_dept, bad_mail, req_row("函4"), req_row("函4"), odd_kind])]);
    let wb = read(&book);
    assert_eq!(
        printed(&wb),
        [
            "错误：协作需求!D2 发函日期：“2026-02-30”不是有效日期（可写作 2026-03-05 或 2026年3月5日）",
            "错误：协作需求!C3 收函部门：必填，不能为空",
            "错误：协作需求!O4 电子邮箱：“zhang san@example”不是有效的电子邮箱地址：含有空格，请删除；应如 zhangsan@example.com",
            "错误：协作需求!A6 编号：“函4”与第 5 行重复，编号必须唯一",
            "警告：协作需求!F7 工作性质：“临时任务”不是常用值（年度重点工作 / 阶段性核心任务 / 日常运营重点任务），仍按原文打印",
        ]
    );
    let good: Vec<&str> = wb.requests.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(good, ["函4", "函5"]);
    assert_eq!(wb.requests[1].work_kind.as_deref(), Some("临时任务"));
    let rejected: Vec<(u32, Option<&str>)> = wb.rejected.iter().map(|r| (r.row, r.id.as_deref())).collect();
    assert_eq!(rejected, [(2, Some("函1")), (3, Some("函2")), (4, Some("函3")), (6, Some("函4"))]);
    assert_eq!(wb.rejected[1].reasons, ["收函部门：必填，不能为空"]);
}

#[test]
fn control_characters_are_removed_and_missing_glyphs_warned() {
    let mut row = req_row("函1");
    set(&mut row, "协作内容", S("第一行\r\n第二\u{7}行"));
    set(&mut row, "核心目标", S("生僻字\u{20000}"));
    let wb = read(&xlsx(&[requests_sheet(vec![row])]));
    assert_eq!(wb.requests[0].collab_content, "第一行\n第二行");
    assert_eq!(wb.requests[0].objective, "生僻字〓", "the character no font draws is replaced, not dropped");
    assert_eq!(
        printed(&wb),
        [
            "警告：协作需求!G2 核心目标：“\u{20000}”（U+20000）在内置字体中没有字形，文档中已用“〓”代替；请改用常用字",
            "警告：协作需求!J2 协作内容：含有不可见的字符（控制字符、零宽字符等），已删除",
        ]
    );
}

#[test]
fn problems_past_the_listing_limit_are_counted_in_one_line() {
    // 1,200 rows each with a bad date and a character no font draws: 1,200 errors, 1,200 warnings.
    let rows: Vec<Vec<C>> = (0..1200)
        .map(|i| {
            let mut row = req_row(&format!("函{i}"));
            set(&mut row, "发函日期", S("2026-02-30"));
            set(&mut row, "核心目标", S("\u{20000}\u{20001}\u{20002}"));
            row
        })
        .collect();
    let wb = read(&xlsx(&[requests_sheet(rows)]));
    assert_eq!(wb.problems.iter().filter(|p| p.is_error()).count(), MAX_LISTED);
    assert_eq!(wb.problems.iter().filter(|p| !p.is_error()).count(), MAX_LISTED);
    assert_eq!((wb.error_count(), wb.warning_count()), (1200, 1200), "every problem is counted");
    assert_eq!(wb.rejected.len(), 1200, "an unlisted error still keeps its row from being made");
    let warning = printed(&wb).into_iter().find(|l| l.starts_with("警告")).unwrap();
    assert!(warning.contains("“\u{20000}”（U+20000）等 3 个字符在内置字体中没有字形"), "one warning a cell: {warning}");
    assert_eq!(
        wb.unlisted_line().unwrap(),
        "错误：另有 200 个错误、200 条警告未逐条列出（每种最多列出 1000 条）；请先改正上面列出的问题，再运行 gongwen check 查看其余"
    );
}

#[test]
fn fatal_conditions() {
    let missing = Path::new("/nonexistent/x.xlsx");
    assert_eq!(read_workbook(missing).unwrap_err().to_string(), "无法读取工作簿 /nonexistent/x.xlsx：文件不存在");

    let dir = TempDir::new().unwrap();
    let csv = dir.path().join("x.csv");
    std::fs::write(&csv, "编号\n").unwrap();
    assert!(read_workbook(&csv).unwrap_err().to_string().contains("另存为"));
    let junk = dir.path().join("junk.xlsx");
    std::fs::write(&junk, "not a zip").unwrap();
    assert!(matches!(read_workbook(&junk), Err(Fatal::Unreadable { .. })));

    let headers: Vec<C> = REQ_HEADERS.iter().filter(|h| !matches!(**h, "发函日期" | "对接人")).map(|h| S(h)).collect();
    let err = read_workbook(&xlsx(&[("协作需求", vec![headers])]).path).unwrap_err();
    assert_eq!(
        err.to_string(),
        "协作需求 工作表缺少必填列“发函日期”（英文名 date）、“对接人”（英文名 contact）；请在表头（第 1 行）补上这些列"
    );

    let err = read_workbook(&xlsx(&[("协作需求", vec![vec![], vec![E, S(" ")]])]).path).unwrap_err();
    assert_eq!(err, Fatal::EmptySheet { sheet: "协作需求".into(), hint: String::new() });

    let task_headers = vec![S("编号"), S("序号"), S("任务名称")];
    let err = read_workbook(&xlsx(&[requests_sheet(vec![]), ("tasks", vec![task_headers])]).path).unwrap_err();
    assert!(err.to_string().starts_with("tasks 工作表缺少必填列“承办部门”"), "{err}");
}

#[test]
fn sheets_are_found_by_position_and_an_unrelated_second_sheet_is_ignored() {
    let (_, req) = requests_sheet(vec![req_row("函1")]);
    let (_, tasks) = tasks_sheet(vec![task_row("函1", 1.0, E)]);
    let wb = read(&xlsx(&[("Sheet1", req.clone()), ("Sheet2", tasks)]));
    assert_eq!((wb.requests.len(), wb.tasks.len()), (1, 1));

    let notes = vec![vec![S("填写说明")], vec![S("每行一个需求")]];
    let wb = read(&xlsx(&[("Sheet1", req), ("说明", notes)]));
    assert_eq!(wb.requests.len(), 1);
    assert_eq!(
        printed(&wb),
        ["警告：说明 不是“任务拆分”工作表（没有可识别的列），已忽略；任务请填在名为“任务拆分”的工作表中"]
    );
}

#[test]
fn task_errors_are_placed_and_block_only_their_request() {
    let (a, b) = ("函A", "函B");
    let mut late_start = task_row(b, 1.0, E);
    late_start[7] = S("2026-03-20");
    let tasks = vec![
        task_row(a, 1.0, E),         // row 2: fine
        task_row(a, 3.0, S("5")),    // row 3: 3 → 5
        task_row(a, 5.0, S("1、3")), // row 4: 5 → 3, cycle
        task_row(a, 1.0, E),         // row 5: duplicate 序号 1
        task_row(a, 6.0, S("1,9")),  // row 6: 9 does not exist
        task_row("函Z", 1.0, E),     // row 7: unknown 编号
        task_row(b, 2.0, N(1.0)),    // row 8: fine
        late_start,                  // row 9: starts after it finishes
        task_row(a, 2.5, E),         // row 10: 序号 not a whole number
    ];
    let book = xlsx(&[requests_sheet(vec![req_row(a), req_row(b), req_row("函C")]), tasks_sheet(tasks)]);
    let wb = read(&book);
    assert_eq!(
        printed(&wb),
        [
            "错误：任务拆分!G3 前置任务：任务 3 → 5 → 3 形成循环依赖，请删除其中一个前置关系",
            "错误：任务拆分!B5 序号：1 与第 2 行重复，同一编号下序号必须唯一",
            "错误：任务拆分!G6 前置任务：任务 9 不存在（编号“函A”下没有序号 9），请改正或删除",
            "错误：任务拆分!A7 编号：“函Z”在协作需求中不存在，请填写协作需求表中已有的编号",
            "错误：任务拆分!H9 开始日期：2026年3月20日 晚于完成日期 2026年3月11日，请改正其中一个",
            "错误：任务拆分!B10 序号：“2.5”不是正整数，序号应写作 1、2、3…",
        ]
    );
    assert_eq!(wb.requests.len(), 3, "task errors never reject a request");
    assert_eq!(wb.tasks_blocked.keys().collect::<Vec<_>>(), [a, b]);
    assert_eq!(
        wb.tasks_blocked[a],
        "共 4 处错误：任务拆分!G3 前置任务：任务 3 → 5 → 3 形成循环依赖，请删除其中一个前置关系；\
         任务拆分!B5 序号：1 与第 2 行重复，同一编号下序号必须唯一；\
         任务拆分!G6 前置任务：任务 9 不存在（编号“函A”下没有序号 9），请改正或删除；……"
    );
    assert!(wb.tasks_blocked[b].contains("任务拆分!H9 开始日期"), "{}", wb.tasks_blocked[b]);
    assert!(wb.tasks.is_empty(), "only blocked or unknown requests had tasks: {:?}", wb.tasks);
}

#[test]
fn a_self_dependency_is_reported() {
    let book = xlsx(&[requests_sheet(vec![req_row("函A")]), tasks_sheet(vec![task_row("函A", 1.0, S("1"))])]);
    assert_eq!(printed(&read(&book)), ["错误：任务拆分!G2 前置任务：任务 1 不能以自己为前置任务，请删除“1”"]);
}

#[test]
fn tasks_of_a_rejected_request_are_not_used() {
    let mut bad = req_row("函A");
    set(&mut bad, "对接人", E);
    let book = xlsx(&[
        requests_sheet(vec![bad, req_row("函B")]),
        tasks_sheet(vec![task_row("函A", 1.0, E), task_row("函B", 1.0, E)]),
    ]);
    let wb = read(&book);
    assert_eq!(printed(&wb), ["错误：协作需求!M2 对接人：必填，不能为空"]);
    let used: Vec<&str> = wb.tasks.iter().map(|t| t.request_id.as_str()).collect();
    assert_eq!(used, ["函B"]);
    assert!(wb.tasks_blocked.is_empty());
}

/// A minimal OpenDocument spreadsheet, written by hand: dates are `DateTimeIso` there.
fn ods(rows: &[&[(&str, &str)]]) -> Book {
    use std::io::Write;
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("in.ods");
    let mut table = String::new();
    for row in rows {
        table.push_str("<table:table-row>");
        for (kind, value) in *row {
            table.push_str(&match *kind {
                "date" => format!(r#"<table:table-cell office:value-type="date" office:date-value="{value}"><text:p>{value}</text:p></table:table-cell>"#),
                "float" => format!(r#"<table:table-cell office:value-type="float" office:value="{value}"><text:p>{value}</text:p></table:table-cell>"#),
                _ => format!(r#"<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>"#),
            });
        }
        table.push_str("</table:table-row>");
    }
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="协作需求">{table}</table:table></office:spreadsheet></office:body></office:document-content>"#
    );
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, data) in [
        ("mimetype", "application/vnd.oasis.opendocument.spreadsheet"),
        ("META-INF/manifest.xml", manifest),
        ("content.xml", content.as_str()),
    ] {
        zip.start_file(name, stored).unwrap();
        zip.write_all(data.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
    Book { _dir: dir, path }
}

#[test]
fn ods_dates_and_numbers_are_read() {
    let header: Vec<(&str, &str)> = REQ_HEADERS.iter().map(|h| ("string", *h)).collect();
    let mut row: Vec<(&str, &str)> = REQ_HEADERS.iter().map(|_| ("string", "内容")).collect();
    row[2] = ("string", "财务部");
    row[3] = ("date", "2026-03-05");
    row[7] = ("date", "2026-06-30T00:00:00");
    row[11] = ("string", "2026年4月15日");
    row[13] = ("float", "13800138000");
    row[14] = ("string", "a@b.cn");
    row[15] = ("string", "");
    row[5] = ("string", "年度重点工作");
    row[22] = ("string", "一般");
    let wb = read(&ods(&[&header, &row]));
    assert!(wb.problems.is_empty(), "{:?}", printed(&wb));
    let r = &wb.requests[0];
    assert_eq!((r.date, r.planned_finish, r.due_date), (d(2026, 3, 5), d(2026, 6, 30), d(2026, 4, 15)));
    assert_eq!(r.phone, "13800138000");
    assert_eq!(r.consult_by, None);
}

/// `cargo test --release --lib workbook::tests::speed -- --ignored --nocapture`
#[test]
#[ignore]
fn speed_2000_requests_10000_tasks() {
    let requests: Vec<Vec<C>> = (0..2000).map(|i| req_row(&format!("协作函〔2026〕{i}号"))).collect();
    let tasks: Vec<Vec<C>> = (0..10_000)
        .map(|i| {
            let seq = (i % 5 + 1) as f64;
            let deps = if seq > 1.0 { Own(format!("{}", seq - 1.0)) } else { E };
            task_row(&format!("协作函〔2026〕{}号", i / 5), seq, deps)
        })
        .collect();
    let book = xlsx(&[requests_sheet(requests), tasks_sheet(tasks)]);
    let start = std::time::Instant::now();
    let wb = read(&book);
    let took = start.elapsed();
    assert!(wb.problems.is_empty(), "{:?}", &printed(&wb)[..3]);
    assert_eq!((wb.requests.len(), wb.tasks.len()), (2000, 10_000));
    eprintln!("read and checked 2000 requests + 10000 tasks in {took:?}");
}

/// A workbook sent as bytes reads as the same file does, and one sent as cells is checked by
/// the same rules; neither reads a seal file its 印章 cell names (it has no folder).
#[test]
fn uploads_and_cells_read_as_files_do_and_read_no_seal_file() {
    let mut headers = header_row(&REQ_HEADERS);
    headers.push(S("印章"));
    let mut row = req_row("协作函〔2026〕1号");
    row.push(S("seal.png"));
    let mut bad = req_row("协作函〔2026〕2号");
    set(&mut bad, "发函日期", S("2026-02-30"));
    let book = xlsx(&[("协作需求", vec![headers, row, bad])]);
    // A seal beside the file: read from the file, not from the upload.
    std::fs::write(book.path.parent().unwrap().join("seal.png"), super::seal::tests_png()).unwrap();
    let from_file = read(&book);
    assert!(from_file.problems.iter().all(|p| !p.message.starts_with("印章")), "{:?}", printed(&from_file));
    let bytes = std::fs::read(&book.path).unwrap();
    let uploaded = read_upload("上传.xlsx", bytes, &[], Keep::Rows).unwrap();
    let seal_warning = uploaded.problems.iter().find(|p| p.message.starts_with("印章")).expect("a seal warning");
    assert!(seal_warning.message.contains("上传的工作簿不能引用文件"), "{seal_warning}");
    assert_eq!(uploaded.requests.len(), 1);
    assert!(uploaded.requests[0].seal.is_none());
    let same = |wb: &Workbook| printed(wb).into_iter().filter(|p| !p.contains("印章")).collect::<Vec<_>>();
    assert_eq!(same(&uploaded), same(&from_file));

    let cells = |values: Vec<&str>| values.into_iter().map(|v| calamine::Data::String(v.into())).collect::<Vec<_>>();
    let mut values = vec!["协作函〔2026〕3号", "行政部", "财务部", "2026-02-30", "流程", "目标", "2026-05-07"];
    values.extend(["内容", "标准", "2026-03-22", "杨磊", "13800000003"]);
    let headers: Vec<&str> = ["编号", "发函部门", "收函部门", "发函日期", "工作名称", "核心目标", "计划完成日期"]
        .into_iter()
        .chain(["协作内容", "交付标准", "完成时限", "对接人", "联系电话"])
        .collect();
    let sheets = vec![("协作需求".to_string(), vec![cells(headers), cells(values)])];
    let wb = read_cells("请求", sheets, &[], Keep::Rows).unwrap();
    assert_eq!(
        printed(&wb),
        [uploaded.problems.iter().find(|p| p.is_error()).unwrap().to_string().replace("D3", "D2")]
    );
    assert!(matches!(read_upload("x", Vec::new(), &[], Keep::Rows), Err(Fatal::Unreadable { .. })));
    assert!(!claims_workbook(b"%PDF-1.7") && claims_workbook(&std::fs::read(&book.path).unwrap()));
}
