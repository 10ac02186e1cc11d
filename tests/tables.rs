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
        let line = manifest.lines().find(|l| l.contains(id) && l.contains("协作任务拆分清单")).unwrap_or_else(|| panic!("{id} {has_tasks}"));
        assert!(line.contains("未生成") && line.contains("没有任务"), "{line}");
    }
}

#[test]
fn application_pdf_has_the_request_fields() {
    if !have("pdftotext") {
        return;
    }
    let text = squeezed(&pdftotext(&path("协作函〔2026〕3号", "协作需求申请表", "pdf")));
    for want in [
        "协作需求申请表", "供应商管理流程优化", "行政部", "采购中心", "现有供应商准入、评价与退出流程分散在多个部门",
        "数据准确完整，按附件模板格式填写", "接收方确认", "职责边界", "资源可行性", "时间合理性", "□同意承接",
        "□无法承接", "接收部门负责人（签字/盖章）", "最终截止：2026年3月22日",
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
    let o = std::process::Command::new("pdftotext").args(["-layout", "-enc", "UTF-8"]).arg(pdf).arg("-").output().unwrap();
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
    let headers = ["编号", "发函部门", "收函部门", "发函日期", "工作名称", "核心目标", "计划完成日期", "协作内容", "交付标准", "完成时限", "对接人", "联系电话"];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, id) in ["甲1号", "乙2号"].iter().enumerate() {
        let row = [*id, "行政部", "采购中心", "2026-03-05", "流程优化", "目标", "2026-05-07", "内容", "标准", "2026-03-22", "杨磊", "13800000003"];
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32 + 1, c as u16, *v).unwrap();
        }
    }
    let ws = wb.add_worksheet().set_name("任务拆分").unwrap();
    for (c, h) in ["编号", "序号", "任务名称", "承办部门", "前置任务", "完成日期"].iter().enumerate() {
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
    assert!(manifest.lines().any(|l| l.contains("乙2号") && l.contains("协作任务拆分清单") && l.contains("未生成")), "{manifest}");
}

/// A workbook with one request whose 协作背景 is longer than a page.
fn long_cell_workbook(dir: &Path) -> PathBuf {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("协作需求").unwrap();
    let headers = ["编号", "发函部门", "收函部门", "发函日期", "工作名称", "核心目标", "计划完成日期", "协作内容", "交付标准", "完成时限", "对接人", "联系电话", "协作背景"];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let background: String = (1..=70).map(|i| format!("第{i}条背景说明：现有流程分散在多个部门，审批环节多、周期长。")).collect();
    let row = ["长1号", "行政部", "采购中心", "2026-03-05", "流程优化", "目标", "2026-05-07", "内容", "标准", "2026-03-22", "杨磊", "13800000003", &background];
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
    // (The row's label, centred in the row, is read out where it stands: leave it out.)
    let text = without_page_numbers(&squeezed(&pdftotext(&pdf))).replace("协作背景", "");
    let mut at = 0;
    for i in 1..=70 {
        let s = format!("第{i}条背景说明：现有流程分散在多个部门，审批环节多、周期长。");
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
    assert!(lo_text.contains("第1条背景说明"));
    assert!(lo_text.contains("第70条背景说明") && lo_text.contains("接收部门负责人"));
    assert_eq!(pdf_pages(&lo[0]), pages, "LibreOffice splits the row over as many pages");
}
