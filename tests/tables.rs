//! The table forms on the sample workbook: 协作需求申请表 for every request, 协作任务拆分清单
//! for every request with tasks (header row on every page, tasks in dependency order), and
//! task problems blocking only that request's list.

mod common;
use common::*;
use rust_xlsxwriter::Workbook;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// 编号 of the sample's requests, and whether each has tasks.
const REQUESTS: &[(&str, bool)] = &[
    ("协作函〔2026〕1号", true),
    ("协作函〔2026〕2号", true),
    ("协作函〔2026〕3号", true),
    ("协作函〔2026〕4号", false),
    ("协作函〔2026〕5号", false),
    ("协作函〔2026〕6号", true),
];

/// The sample's documents, generated once for all tests in this file.
fn out() -> &'static Path {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    OUT.get_or_init(|| generate_sample("tables", "application,tasks"))
}

fn path(id: &str, form: &str, ext: &str) -> PathBuf {
    out().join(format!("{id}_{form}.{ext}"))
}

#[test]
fn every_request_has_an_application_and_every_request_with_tasks_a_list() {
    for (id, has_tasks) in REQUESTS {
        for ext in ["docx", "pdf"] {
            assert!(path(id, "协作需求申请表", ext).is_file(), "{id} application .{ext}");
            assert_eq!(path(id, "协作任务拆分清单", ext).is_file(), *has_tasks, "{id} task list .{ext}");
        }
    }
    let manifest = std::fs::read_to_string(out().join("manifest.csv")).unwrap();
    for (id, has_tasks) in REQUESTS.iter().filter(|(_, t)| !t) {
        let line = manifest
            .lines()
            .find(|l| l.contains(id) && l.contains("协作任务拆分清单"))
            .unwrap_or_else(|| panic!("{id} {has_tasks}"));
        assert!(line.contains("未生成") && line.contains("该需求在任务拆分表中没有内容"), "{line}");
    }
}

#[test]
fn application_pdf_has_the_request_fields() {
    if !have("pdftotext") {
        return;
    }
    let text = squeezed(&pdftotext(&path("协作函〔2026〕3号", "协作需求申请表", "pdf")));
    for want in [
        "协作需求申请表",
        "供应商管理流程优化",
        "行政部",
        "采购中心",
        "现有供应商准入、评价与退出流程分散在多个部门",
        "数据准确完整，按附件模板格式填写",
        "接收方确认",
        "职责边界",
        "资源可行性",
        "时间合理性",
        "□同意承接",
        "□无法承接",
        "接收部门负责人（签字/盖章）",
        "最终截止：2026年3月22日",
    ] {
        assert!(text.contains(want), "{want:?} not in {text}");
    }
    // Two receiving departments are both named.
    let text = squeezed(&pdftotext(&path("协作函〔2026〕2号", "协作需求申请表", "pdf")));
    assert!(text.contains("人力资源部、行政部"), "{text}");
}

#[test]
fn task_list_runs_over_pages_with_the_header_on_each() {
    if !have("pdftotext") || !have("pdfinfo") {
        return;
    }
    let pdf = path("协作函〔2026〕3号", "协作任务拆分清单", "pdf");
    let pages = pdf_pages(&pdf);
    assert!(pages >= 2, "40 tasks should need several pages, got {pages}");
    for page in 1..=pages {
        let o = std::process::Command::new("pdftotext")
            .args(["-f", &page.to_string(), "-l", &page.to_string(), "-enc", "UTF-8"])
            .arg(&pdf)
            .arg("-")
            .output()
            .unwrap();
        let text = squeezed(&String::from_utf8_lossy(&o.stdout));
        for h in ["序号", "任务名称", "承办部门", "前置任务", "起止日期"] {
            assert!(text.contains(h), "page {page} lacks header {h}: {text}");
        }
    }
}

/// The PDF's text with its layout kept (table rows stay rows), whitespace removed.
fn layout_text(pdf: &Path) -> String {
    let o =
        std::process::Command::new("pdftotext").args(["-layout", "-enc", "UTF-8"]).arg(pdf).arg("-").output().unwrap();
    squeezed(&String::from_utf8_lossy(&o.stdout))
}

#[test]
fn tasks_are_listed_in_dependency_order() {
    if !have("pdftotext") {
        return;
    }
    // Request 1: 序号 2 (产品培训会) depends on 1 and 3, so the list reads 1, 3, 2.
    let text = layout_text(&path("协作函〔2026〕1号", "协作任务拆分清单", "pdf"));
    let at = |s: &str| text.find(s).unwrap_or_else(|| panic!("{s} missing from {text}"));
    assert!(at("整理技术参数") < at("提炼核心卖点") && at("提炼核心卖点") < at("产品培训会"), "{text}");
    assert!(text.contains("1、3"), "前置任务 shown by 序号");
    // Request 3: task i depends on i−1 (and every fifth also on i−4), so the order is 1..40.
    let text = layout_text(&path("协作函〔2026〕3号", "协作任务拆分清单", "pdf"));
    let mut at = 0;
    for i in 1..=40 {
        let name = format!("（第{i}项）");
        let found = text[at..].find(&name).unwrap_or_else(|| panic!("task {i} missing or out of order"));
        at += found + name.len();
    }
    for dept in ["采购中心", "行政部", "财务部", "信息技术部", "法务部"] {
        assert!(text.contains(dept));
    }
    assert!(text.contains("3月10日—3月14日"), "date ranges print as 3月10日—3月14日");
}

#[test]
fn libreoffice_agrees_on_pages_and_repeats_the_header() {
    if !have("soffice") || !have("pdfinfo") || !have("pdftotext") {
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let mut docx = Vec::new();
    for (id, has_tasks) in REQUESTS {
        docx.push(path(id, "协作需求申请表", "docx"));
        if *has_tasks {
            docx.push(path(id, "协作任务拆分清单", "docx"));
        }
    }
    let rendered = libreoffice_pdfs(&docx, work.path());
    for (d, lo) in docx.iter().zip(&rendered) {
        let ours = pdf_pages(&d.with_extension("pdf"));
        assert_eq!(ours, pdf_pages(lo), "{}: page counts differ", d.display());
    }
    let list = rendered.iter().find(|p| p.to_string_lossy().contains("3号_协作任务拆分清单")).unwrap();
    for page in 1..=pdf_pages(list) {
        let o = std::process::Command::new("pdftotext")
            .args(["-f", &page.to_string(), "-l", &page.to_string()])
            .arg(list)
            .arg("-")
            .output()
            .unwrap();
        let text = squeezed(&String::from_utf8_lossy(&o.stdout));
        assert!(text.contains("序号") && text.contains("任务名称"), "LibreOffice page {page} lacks the header row");
    }
}

#[test]
fn task_errors_block_only_that_requests_list() {
    let dir = tempfile::tempdir().unwrap();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("协作需求").unwrap();
    let headers = common::REQUIRED_HEADERS;
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, id) in ["甲1号", "乙2号"].iter().enumerate() {
        let row = [
            *id,
            "行政部",
            "采购中心",
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
    let ws = wb.add_worksheet().set_name("任务拆分").unwrap();
    for (c, h) in ["编号", "序号", "任务名称", "承办部门", "前置任务", "完成日期"].iter().enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let tasks = [
        ["甲1号", "1", "调研", "采购中心", "", "2026-03-10"],
        ["甲1号", "2", "设计", "行政部", "1", "2026-03-20"],
        ["乙2号", "1", "调研", "采购中心", "2", "2026-03-10"],
        ["乙2号", "2", "设计", "行政部", "1", "2026-03-20"],
        ["丙3号", "1", "无主任务", "行政部", "", "2026-03-20"],
    ];
    for (r, t) in tasks.iter().enumerate() {
        for (c, v) in t.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r as u32 + 1, c as u16, *v).unwrap();
            }
        }
    }
    let path = dir.path().join("tasks.xlsx");
    wb.save(&path).unwrap();
    let out = dir.path().join("out");
    let o = gongwen(&["generate", path.to_str().unwrap(), "-o", out.to_str().unwrap(), "--format", "pdf"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("任务拆分!E4") || err.contains("任务拆分!E5"), "the cycle is reported at its cell: {err}");
    assert!(err.contains("任务拆分!A6"), "the unknown 编号 is reported: {err}");
    assert!(out.join("甲1号_协作任务拆分清单.pdf").is_file());
    assert!(!out.join("乙2号_协作任务拆分清单.pdf").exists(), "a cyclic list is not made");
    assert!(out.join("乙2号_采购中心_工作联系函.pdf").is_file(), "its letter still is");
    assert!(out.join("乙2号_协作需求申请表.pdf").is_file(), "and its application form");
    let manifest = std::fs::read_to_string(out.join("manifest.csv")).unwrap();
    assert!(
        manifest.lines().any(|l| l.contains("乙2号") && l.contains("协作任务拆分清单") && l.contains("未生成")),
        "{manifest}"
    );
}

/// 1 → 一, 12 → 十二, 70 → 七十: sentence numbers in Chinese, so the probe measures our
/// pagination and not LibreOffice's extra space between Chinese and Arabic digits (which it
/// adds whatever the .docx says; see forms/README.md).
fn hanzi(n: usize) -> String {
    const D: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => D[n].to_string(),
        10..=19 => format!("十{}", D[n % 10]),
        _ => format!("{}十{}", D[n / 10], D[n % 10]),
    }
}

/// A workbook with one request whose 协作背景 is longer than a page.
fn long_cell_workbook(dir: &Path) -> PathBuf {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("协作需求").unwrap();
    let headers = [common::REQUIRED_HEADERS.as_slice(), &["协作背景"]].concat();
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let background: String =
        (1..=70).map(|i| format!("第{}条背景说明：现有流程分散在多个部门，审批环节多、周期长。", hanzi(i))).collect();
    let row = [
        "长1号",
        "行政部",
        "采购中心",
        "2026-03-05",
        "流程优化",
        "目标",
        "2026-05-07",
        "内容",
        "标准",
        "2026-03-22",
        "杨磊",
        "13800000003",
        &background,
    ];
    for (c, v) in row.iter().enumerate() {
        ws.write_string(1, c as u16, *v).unwrap();
    }
    let path = dir.join("long.xlsx");
    wb.save(&path).unwrap();
    path
}

#[test]
fn a_cell_taller_than_a_page_splits_between_lines_in_both_writers() {
    if !have("pdftotext") || !have("pdfinfo") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let wb = long_cell_workbook(dir.path());
    let out = dir.path().join("out");
    let o = gongwen(&["generate", wb.to_str().unwrap(), "-o", out.to_str().unwrap(), "--forms", "application"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let pdf = out.join("长1号_协作需求申请表.pdf");
    let pages = pdf_pages(&pdf);
    assert!(pages >= 2, "the long background runs over pages: {pages}");
    // Every sentence is there, whole and in order: no line was lost or cut at a page break.
    // (The row's label, centred in the row, is read out where it stands, and so is its
    // （续） on the next page: leave them out.)
    let text = without_page_numbers(&squeezed(&pdftotext(&pdf))).replace("协作背景", "").replace("（续）", "");
    let mut at = 0;
    for i in 1..=70 {
        let s = format!("第{}条背景说明：现有流程分散在多个部门，审批环节多、周期长。", hanzi(i));
        at += text[at..].find(&s).unwrap_or_else(|| panic!("sentence {i} missing or out of order")) + s.len();
    }
    // The signature cells still come after it.
    assert!(text[at..].contains("接收部门负责人（签字/盖章）"));
    if !have("soffice") {
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let lo = libreoffice_pdfs(&[pdf.with_extension("docx")], work.path());
    let lo_text = squeezed(&pdftotext(&lo[0]));
    assert!(lo_text.contains("第一条背景说明"));
    assert!(lo_text.contains("第七十条背景说明") && lo_text.contains("接收部门负责人"));
    assert_eq!(pdf_pages(&lo[0]), pages, "LibreOffice splits the row over as many pages");
}

/// The text of each page of a PDF, one `pdftotext -layout` line per entry, spaces removed,
/// page numbers and blank lines left out.
fn page_lines(pdf: &Path) -> Vec<Vec<String>> {
    let o =
        std::process::Command::new("pdftotext").args(["-layout", "-enc", "UTF-8"]).arg(pdf).arg("-").output().unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    let mut pages: Vec<Vec<String>> = text
        .split('\u{c}')
        .map(|p| {
            p.lines().map(squeezed).filter(|l| !l.is_empty() && without_page_numbers(l).len() == l.len()).collect()
        })
        .collect();
    while pages.last().is_some_and(|p| p.is_empty()) {
        pages.pop();
    }
    pages
}

static REQUEST_HEADERS: std::sync::LazyLock<Vec<&str>> =
    std::sync::LazyLock::new(|| [common::REQUIRED_HEADERS.as_slice(), &["协作背景"]].concat());

/// A workbook of requests `背景N号` whose 协作背景 holds N sentences, for each N given, and
/// requests `任务N号` with N tasks each, for each task count given.
fn probe_workbook(dir: &Path, backgrounds: &[usize], task_counts: &[usize]) -> PathBuf {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("协作需求").unwrap();
    for (c, h) in REQUEST_HEADERS.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let mut r = 1;
    let mut request = |ws: &mut rust_xlsxwriter::Worksheet, id: &str, background: &str| {
        let row = [
            id,
            "行政部",
            "采购中心",
            "2026-03-05",
            "流程优化",
            "目标",
            "2026-05-07",
            "内容",
            "标准",
            "2026-03-22",
            "杨磊",
            "13800000003",
            background,
        ];
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r, c as u16, *v).unwrap();
        }
        r += 1;
    };
    for n in backgrounds {
        let text: String = (1..=*n)
            .map(|i| format!("第{}条背景说明：现有流程分散在多个部门，审批环节多、周期长。", hanzi(i)))
            .collect();
        request(ws, &format!("背景{n}号"), &text);
    }
    for n in task_counts {
        request(ws, &format!("任务{n}号"), "背景");
    }
    let ws = wb.add_worksheet().set_name("任务拆分").unwrap();
    for (c, h) in ["编号", "序号", "任务名称", "承办部门", "任务描述", "前置任务", "完成日期"].iter().enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let mut r = 1;
    for n in task_counts {
        for i in 1..=*n {
            let before = if i > 1 { (i - 1).to_string() } else { String::new() };
            let row = [
                format!("任务{n}号"),
                i.to_string(),
                format!("流程梳理（第{i}项）"),
                "采购中心".to_string(),
                format!("完成第{i}项工作内容，形成书面成果并提交对接人审核；交付物须经承办部门负责人签字确认。"),
                before,
                "2026-04-20".to_string(),
            ];
            write_row(ws, r, &row);
            r += 1;
        }
    }
    let path = dir.join("probe.xlsx");
    wb.save(&path).unwrap();
    path
}

#[test]
fn the_sample_application_forms_are_one_page_each() {
    if !have("pdfinfo") {
        return;
    }
    for (id, _) in REQUESTS {
        assert_eq!(pdf_pages(&path(id, "协作需求申请表", "pdf")), 1, "{id}");
    }
}

/// Application forms whose 协作背景 grows a sentence at a time, in our PDF and in
/// LibreOffice's render of the .docx: the signature row never starts a page, a row continued
/// on the next page begins it with its label and "（续）", and both page the same.
#[test]
fn growing_application_forms_keep_the_signature_with_the_row_before_and_mark_continuations() {
    if !have("pdftotext") || !have("pdfinfo") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let lengths: Vec<usize> = (4..=40).step_by(3).chain([70]).collect();
    let wb = probe_workbook(dir.path(), &lengths, &[]);
    let out = dir.path().join("out");
    let o = gongwen(&["generate", wb.to_str().unwrap(), "-o", out.to_str().unwrap(), "--forms", "application"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let pdfs: Vec<PathBuf> = lengths.iter().map(|n| out.join(format!("背景{n}号_协作需求申请表.pdf"))).collect();
    let (mut two_pages, mut continued) = (0, 0);
    for (n, pdf) in lengths.iter().zip(&pdfs) {
        let pages = page_lines(pdf);
        two_pages += usize::from(pages.len() > 1);
        for (k, page) in pages.iter().enumerate() {
            let first = &page[0];
            assert!(!first.starts_with("发起部门负责人"), "{n} sentences: the signature row starts page {}", k + 1);
            if k > 0 && page.iter().any(|l| l.contains("背景说明")) {
                // The background goes on here: the page opens with its label, marked （续）
                // (on the label's second line: 协作背景（续） is wider than its column).
                let opening = page[..2.min(page.len())].concat();
                assert!(
                    first.starts_with("协作背景") && opening.contains("（续）"),
                    "{n} sentences, page {}: {opening}",
                    k + 1
                );
                continued += 1;
            }
            if page.iter().any(|l| l.starts_with("发起部门负责人")) {
                assert!(
                    page.iter().any(|l| l.starts_with("确认意见")),
                    "{n} sentences: 确认意见 went with the signatures"
                );
            }
        }
        // Every sentence once, none cut by a page break.
        let text = without_page_numbers(&squeezed(&pdftotext(pdf))).replace("协作背景", "").replace("（续）", "");
        let mut at = 0;
        for i in 1..=*n {
            let s = format!("第{}条背景说明：现有流程分散在多个部门，审批环节多、周期长。", hanzi(i));
            at += text[at..].find(&s).unwrap_or_else(|| panic!("{n} sentences: sentence {i} missing or out of order"))
                + s.len();
        }
    }
    println!("application forms: {}, {two_pages} on two pages or more, {continued} continued rows", pdfs.len());
    assert!(two_pages >= 3 && continued >= 3, "the probe reaches past one page: {two_pages} / {continued}");
    if !have("soffice") {
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let docx: Vec<PathBuf> = pdfs.iter().map(|p| p.with_extension("docx")).collect();
    let lo = libreoffice_pdfs(&docx, work.path());
    for (ours, theirs) in pdfs.iter().zip(&lo) {
        let (a, b) = (page_lines(ours), page_lines(theirs));
        assert_eq!(a.len(), b.len(), "{}: page counts differ", ours.display());
        for (k, (pa, pb)) in a.iter().zip(&b).enumerate() {
            let start = |p: &Vec<String>| p.concat().chars().take(8).collect::<String>();
            assert_eq!(start(pa), start(pb), "{} page {}", ours.display(), k + 1);
        }
    }
}

/// Task lists of 1 to 45 tasks: the last page always holds task rows with the signatures,
/// and LibreOffice pages each list as our PDF does.
#[test]
fn no_task_list_ends_with_a_page_of_signatures_alone() {
    if !have("pdftotext") || !have("pdfinfo") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let counts: Vec<usize> = (1..=45).collect();
    let wb = probe_workbook(dir.path(), &[], &counts);
    let out = dir.path().join("out");
    let o = gongwen(&["generate", wb.to_str().unwrap(), "-o", out.to_str().unwrap(), "--forms", "tasks"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let pdfs: Vec<PathBuf> = counts.iter().map(|n| out.join(format!("任务{n}号_协作任务拆分清单.pdf"))).collect();
    let mut moved = 0;
    for (n, pdf) in counts.iter().zip(&pdfs) {
        let pages = page_lines(pdf);
        let last = pages.last().unwrap();
        assert!(last.iter().any(|l| l.contains("负责人（签字）")), "{n} tasks: signatures on the last page");
        let date = last.iter().position(|l| l.starts_with("日期：")).expect("a 日期 blank under the table");
        assert!(
            last[..date].iter().any(|l| l.contains(&format!("（第{n}项）"))),
            "{n} tasks: the last task row is on the signatures' page"
        );
        moved += usize::from(pages.len() > 1 && last.iter().filter(|l| l.contains("（第")).count() == 1);
    }
    println!("task lists: {} lengths, {moved} whose last row moved to the signatures' page", counts.len());
    if !have("soffice") {
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let docx: Vec<PathBuf> = pdfs.iter().map(|p| p.with_extension("docx")).collect();
    let lo = libreoffice_pdfs(&docx, work.path());
    let mut equal = 0;
    for ((n, ours), theirs) in counts.iter().zip(&pdfs).zip(&lo) {
        let (a, b) = (page_lines(ours), page_lines(theirs));
        assert_eq!(a.len(), b.len(), "{n} tasks: page counts differ");
        // Which tasks each page holds, by their numbers (（第N项）).
        let tasks = |p: &Vec<String>| -> Vec<String> {
            p.iter()
                .filter_map(|l| l.find("（第").map(|i| l[i..].chars().take_while(|c| *c != '）').collect()))
                .collect()
        };
        let same = a.iter().zip(&b).all(|(pa, pb)| tasks(pa) == tasks(pb));
        assert!(same, "{n} tasks: LibreOffice puts the tasks on other pages");
        equal += 1;
    }
    println!("task lists: LibreOffice pages {equal} of {} as our PDF", counts.len());
}

#[test]
fn task_list_cells_are_xiaosi_and_the_info_line_fits_its_text() {
    if !have("pdftotext") {
        return;
    }
    let pdf = path("协作函〔2026〕3号", "协作任务拆分清单", "pdf");
    let o = std::process::Command::new("pdftotext")
        .args(["-bbox-layout", "-f", "1", "-l", "1"])
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    let xml = String::from_utf8_lossy(&o.stdout);
    // Word boxes: (height, text). Cells of the table are 小四, 12 pt.
    let words: Vec<(f32, String)> = xml
        .lines()
        .filter(|l| l.trim_start().starts_with("<word"))
        .map(|l| {
            let attr = |k: &str| -> f32 {
                let i = l.find(&format!("{k}=\"")).unwrap() + k.len() + 2;
                l[i..].split('"').next().unwrap().parse().unwrap()
            };
            let text = l.split('>').nth(1).unwrap().split('<').next().unwrap().to_string();
            (attr("yMax") - attr("yMin"), text)
        })
        .collect();
    for want in ["需求调研（第1项）", "采购中心", "3月10日—3月14日", "序号", "任务描述及交付标准"]
    {
        let (h, _) = words.iter().find(|(_, t)| t == want).unwrap_or_else(|| panic!("{want} not a word on page 1"));
        assert!((h - 12.0).abs() < 0.1, "{want} is {h} pt high, not 12");
    }
    // The info line reads on one line each: 协作主题, 编号 and 编制日期 are not wrapped.
    let text = layout_text(&pdf);
    assert!(text.contains("协作主题：供应商管理流程优化编号：协作函〔2026〕3号编制日期：2026年3月8日"), "{text}");
}
