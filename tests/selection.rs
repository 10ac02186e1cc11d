//! Making only some requests (`--rows 3,5-9`, `--id 编号`) and one PDF per request to attach
//! to its approval (`--packet`): exactly the chosen rows are made, a chosen row with errors is
//! named with them, something chosen that is not there stops the run before anything is
//! written; a packet holds the request's documents in the forms' order, each from an odd page
//! with a bookmark, and passes checkdocs.

mod common;
use common::*;
use std::collections::BTreeSet;
use std::path::Path;

/// The 编号 column of every line of the manifest in `out` with 状态 `status`.
fn ids_with(out: &Path, status: &str) -> BTreeSet<String> {
    let text = std::fs::read_to_string(out.join("manifest.csv")).unwrap();
    let mut csv = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    csv.records().map(Result::unwrap).filter(|r| &r[8] == status).map(|r| r[4].to_string()).collect()
}

fn set(ids: &[&str]) -> BTreeSet<String> {
    ids.iter().map(|s| s.to_string()).collect()
}

#[test]
fn rows_and_ids_make_exactly_the_chosen_requests() {
    let dir = tempfile::tempdir().unwrap();
    let sample = sample();
    let out = dir.path().join("rows");
    // The sample's rows 2 and 4 are 协作函〔2026〕1号 and 3号.
    let o = gongwen(&[
        "generate",
        sample.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--rows",
        "2，4",
        "--forms",
        "letter,application",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(ids_with(&out, "已生成"), set(&["协作函〔2026〕1号", "协作函〔2026〕3号"]));

    let out = dir.path().join("ids");
    let o = gongwen(&[
        "generate",
        sample.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--id",
        "协作函〔2026〕2号",
        "--rows",
        "5-6",
        "--forms",
        "application",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(ids_with(&out, "已生成"), set(&["协作函〔2026〕2号", "协作函〔2026〕4号", "协作函〔2026〕5号"]));
}

#[test]
fn something_chosen_that_is_not_there_stops_before_writing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let sample = sample();
    for args in [
        &["--rows", "99"][..],
        &["--id", "协作函〔2026〕77号"],
        &["--rows", "1"],
        &["--rows", "5-3"],
        &["--rows", "甲"],
    ] {
        let mut all = vec!["generate", sample.to_str().unwrap(), "-o", out.to_str().unwrap()];
        all.extend_from_slice(args);
        let o = gongwen(&all);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(err.starts_with("错误：") && err.contains(args[1]), "{args:?}: {err}");
        assert!(!out.exists(), "{args:?}: nothing may be written");
    }
}

#[test]
fn a_chosen_row_with_errors_is_named_and_the_others_are_made() {
    let dir = tempfile::tempdir().unwrap();
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet().set_name("协作需求").unwrap();
    write_row(ws, 0, &REQUIRED_HEADERS.map(String::from));
    for (r, id) in ["协作函〔2026〕1号", "协作函〔2026〕2号", "协作函〔2026〕3号"].iter().enumerate()
    {
        let mut row = required_values(id, "财务部");
        if r > 0 {
            row[3] = "2026-02-30".into();
        }
        write_row(ws, r as u32 + 1, &row);
    }
    let wb = dir.path().join("wb.xlsx");
    book.save(&wb).unwrap();
    let out = dir.path().join("out");
    let o =
        gongwen(&["generate", wb.to_str().unwrap(), "-o", out.to_str().unwrap(), "--rows", "2-3", "--forms", "letter"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("错误：所选的第 3 行（协作函〔2026〕2号）有错误，未生成：发函日期"), "{err}");
    assert!(err.contains("协作需求!D3"), "the chosen row's problem is listed: {err}");
    assert!(!err.contains("协作需求!D4"), "the other row's is not: {err}");
    assert!(err.contains("另有 1 个问题在未选中的行中"), "but counted: {err}");
    assert_eq!(ids_with(&out, "已生成"), set(&["协作函〔2026〕1号"]));
    assert_eq!(ids_with(&out, "未生成"), set(&["协作函〔2026〕2号"]));
}

#[test]
fn a_packet_holds_a_requests_documents_each_from_an_odd_page() {
    if !have("qpdf") || !have("pdfinfo") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o =
        gongwen(&["generate", sample().to_str().unwrap(), "-o", out.to_str().unwrap(), "--format", "pdf", "--packet"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(out.join("manifest.csv")).unwrap();
    let mut csv = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let lines: Vec<csv::StringRecord> = csv.records().map(Result::unwrap).collect();
    let made: BTreeSet<String> =
        lines.iter().filter(|l| &l[8] == "已生成" && &l[1] != "审批合订").map(|l| l[4].to_string()).collect();
    let packets: Vec<&csv::StringRecord> = lines.iter().filter(|l| &l[1] == "审批合订").collect();
    assert_eq!(packets.iter().map(|l| l[4].to_string()).collect::<BTreeSet<_>>(), made, "one packet per request made");
    for packet in packets {
        let id = &packet[4];
        let path = out.join(&packet[0]);
        assert_eq!(packet[0].to_string(), format!("{id}_审批合订.pdf"));
        // Its documents, in the order they were made (the manifest's), with their page counts.
        let docs: Vec<(String, String, usize)> = lines
            .iter()
            .filter(|l| &l[4] == id && &l[1] != "审批合订" && &l[8] == "已生成")
            .map(|l| (l[1].to_string(), l[5].to_string(), l[6].parse().unwrap()))
            .collect();
        let marks = outline(&path);
        assert_eq!(marks.len(), docs.len(), "{id}: a bookmark per document: {marks:?}");
        let mut page = 1;
        for ((title, at), (form, to_dept, pages)) in marks.iter().zip(&docs) {
            assert_eq!(*at, page, "{id}: {form} starts on page {page}");
            assert!(at % 2 == 1, "{id}: {form} starts on an odd page");
            assert!(title.starts_with(form.as_str()), "{id}: bookmark {title} for {form}");
            if form == "工作联系函" {
                assert_eq!(title, &format!("{form} {to_dept}"), "a letter's bookmark names its receiver");
            }
            page += pages + pages % 2;
        }
        assert_eq!(pdf_pages(&path), page - 1, "{id}: whole sheets (a blank back after an odd document)");
        assert_eq!(packet[6].parse::<usize>().unwrap(), pdf_pages(&path), "manifest page count");
    }
    if let Some(tool) = checkdocs_tool() {
        let only = dir.path().join("packets");
        std::fs::create_dir(&only).unwrap();
        for f in std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().path()) {
            if f.to_string_lossy().ends_with("_审批合订.pdf") {
                std::fs::copy(&f, only.join(f.file_name().unwrap())).unwrap();
            }
        }
        let o = std::process::Command::new("python3")
            .arg(tool)
            .arg(&only)
            .args(["-q", "--allow-landscape"])
            .output()
            .unwrap();
        assert!(o.status.success(), "checkdocs: {}{}", stdout(&o), stderr(&o));
    }
}

#[test]
fn remaking_one_row_leaves_the_others_files_as_they_were() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let (sample, out_s) = (sample(), out.to_str().unwrap().to_string());
    let o = gongwen(&["generate", sample.to_str().unwrap(), "-o", &out_s, "--forms", "letter", "--format", "pdf"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let before = std::fs::read_to_string(out.join("manifest.csv")).unwrap();
    let files = files_with_ext(&out, "pdf").len();
    let o = gongwen(&[
        "generate",
        sample.to_str().unwrap(),
        "-o",
        &out_s,
        "--forms",
        "letter",
        "--format",
        "pdf",
        "--rows",
        "2",
        "--clean",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("过时") && !stderr(&o).contains("已删除"), "{}", stderr(&o));
    assert_eq!(files_with_ext(&out, "pdf").len(), files, "--clean removed nothing");
    let after = std::fs::read_to_string(out.join("manifest.csv")).unwrap();
    let lines = |text: &str| text.lines().skip(1).map(str::to_string).collect::<BTreeSet<_>>();
    // The other requests' lines are as they were; row 2's letter was made again (same bytes).
    assert_eq!(lines(&before), lines(&after));
}
