//! A run reads the workbook's rows again a window of requests at a time (`workbook::feed`):
//! every request still gets exactly its own child rows, wherever they are in their sheet —
//! here the tasks are listed in the reverse order of their requests, across more requests than
//! one window holds — and what the check rejected or blocked stays out.

mod common;
use common::*;

/// Requests in the workbook: more than the first windows (64) and the planning window (256).
const N: usize = 300;

fn id(i: usize) -> String {
    format!("协作函〔2026〕{i}号")
}

/// The workbook: N requests (request 7 with a bad date: rejected), two tasks each listed from
/// the last request to the first (request 11's second task names a missing 前置任务: its list
/// is blocked).
fn workbook(dir: &std::path::Path) -> std::path::PathBuf {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet().set_name("协作需求").unwrap();
    write_row(ws, 0, &REQUIRED_HEADERS.map(String::from));
    for i in 1..=N {
        let mut row = required_values(&id(i), "财务部");
        if i == 7 {
            row[3] = "2026-02-30".into();
        }
        write_row(ws, i as u32, &row);
    }
    let ws = book.add_worksheet().set_name("任务拆分").unwrap();
    write_row(ws, 0, &["编号", "序号", "任务名称", "承办部门", "前置任务", "完成日期"].map(String::from));
    let mut r = 1;
    for i in (1..=N).rev() {
        for seq in 1..=2 {
            let deps = match (i, seq) {
                (11, 2) => "9".to_string(),
                (_, 2) => "1".to_string(),
                _ => String::new(),
            };
            let row =
                [id(i), seq.to_string(), format!("任务甲{i}乙{seq}丙"), "财务部".into(), deps, "2026-04-01".into()];
            write_row(ws, r, &row);
            r += 1;
        }
    }
    let path = dir.join("reverse.xlsx");
    book.save(&path).unwrap();
    path
}

#[test]
fn each_request_gets_its_own_tasks_however_the_sheet_orders_them() {
    let dir = tempfile::tempdir().unwrap();
    let wb = workbook(dir.path());
    let out = dir.path().join("out");
    let o = gongwen(&[
        "generate",
        wb.to_str().unwrap(),
        "--forms",
        "tasks",
        "--format",
        "docx",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "a rejected row makes the run exit 1: {}", stderr(&o));
    let lists = files_with_ext(&out, "docx");
    assert_eq!(lists.len(), N - 2, "every request but the rejected and the blocked one");
    for i in (1..=N).filter(|i| ![7, 11].contains(i)) {
        let path = out.join(format!("{}_协作任务拆分清单.docx", id(i)));
        let text = docx_text(&path);
        let names: Vec<&str> = text.match_indices("任务甲").map(|(at, _)| &text[at..]).collect();
        assert_eq!(names.len(), 2, "{}: two tasks", id(i));
        for seq in 1..=2 {
            assert!(text.contains(&format!("任务甲{i}乙{seq}丙")), "{} lacks its task {seq}", id(i));
        }
    }
    let manifest = std::fs::read_to_string(out.join("manifest.csv")).unwrap();
    let line = |i: usize| {
        manifest
            .lines()
            .find(|l| l.contains(&format!(",{},", id(i))))
            .unwrap_or_else(|| panic!("no line for {}", id(i)))
    };
    assert!(line(7).contains("未生成") && line(7).contains("发函日期"), "{}", line(7));
    assert!(line(11).contains("未生成") && line(11).contains("任务拆分!E"), "{}", line(11));
    assert!(line(N).contains(&format!("协作需求!A{}", N + 1)), "{}", line(N));

    let o = gongwen(&["check", wb.to_str().unwrap()]);
    assert!(stdout(&o).contains(&format!("{} 行需求无法生成", 1)), "{}", stdout(&o));
}
