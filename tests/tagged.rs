//! Tagged PDF (issue 12): the structure tree of our PDFs, read back by poppler
//! (`pdfinfo -struct-text`, a reader nobody here wrote), says what a reader that follows the
//! structure — copy and paste, a screen reader, an archive's text extraction — gets: headings,
//! paragraphs and tables with header cells in reading order, each paragraph whole however its
//! lines broke, and no page furniture (page numbers, the ✂, a table header repeated on a later
//! page).

mod common;

use calamine::{Data, Reader};
use common::*;
use std::path::Path;
use std::sync::OnceLock;

/// One element of the structure tree as `pdfinfo -struct-text` prints it: its type (`P`,
/// `H1`, `TH` …), its attributes (`/Scope /Row`), its own text and its children.
#[derive(Debug, Default)]
struct Elem {
    tag: String,
    attrs: Vec<String>,
    text: String,
    children: Vec<Elem>,
}

impl Elem {
    /// Every element below this one, depth first, in reading order.
    fn walk<'a>(&'a self, out: &mut Vec<&'a Elem>) {
        for c in &self.children {
            out.push(c);
            c.walk(out);
        }
    }

    fn all(&self) -> Vec<&Elem> {
        let mut out = Vec::new();
        self.walk(&mut out);
        out
    }

    /// All the text inside, in order.
    fn full_text(&self) -> String {
        let mut s = self.text.clone();
        for c in &self.children {
            s.push_str(&c.full_text());
        }
        s
    }
}

/// The structure tree of `pdf`. pdfinfo indents an element two spaces deeper than its
/// parent, prints its attributes on the lines after it (starting with `/`), and its marked
/// content's text as quoted lines inside it.
fn structure(pdf: &Path) -> Elem {
    let out = std::process::Command::new("pdfinfo").arg("-struct-text").arg(pdf).output().expect("pdfinfo");
    assert!(out.status.success(), "pdfinfo -struct-text {}", pdf.display());
    let listing = String::from_utf8(out.stdout).unwrap();
    assert!(listing.starts_with("Document\n"), "no structure tree in {}:\n{listing}", pdf.display());
    // The open elements with their indents; the root (the Document line) at indent 0.
    let mut stack: Vec<(usize, Elem)> = vec![(0, Elem { tag: "Document".into(), ..Elem::default() })];
    for line in listing.lines().skip(1) {
        let indent = line.len() - line.trim_start().len();
        let line = line.trim();
        if let Some(text) = line.strip_prefix('"') {
            let text = text.strip_suffix('"').unwrap_or(text);
            stack.last_mut().unwrap().1.text.push_str(text);
            continue;
        }
        if line.starts_with('/') {
            stack.last_mut().unwrap().1.attrs.push(line.to_string());
            continue;
        }
        while stack.len() > 1 && stack.last().unwrap().0 >= indent {
            let (_, done) = stack.pop().unwrap();
            stack.last_mut().unwrap().1.children.push(done);
        }
        let tag = line.split_whitespace().next().unwrap_or("").trim_end_matches(':').to_string();
        stack.push((indent, Elem { tag, ..Elem::default() }));
    }
    while stack.len() > 1 {
        let (_, done) = stack.pop().unwrap();
        stack.last_mut().unwrap().1.children.push(done);
    }
    stack.pop().unwrap().1
}

/// The sample's letters, application forms and task lists as PDFs, made once.
fn outputs() -> Option<&'static Path> {
    static DIR: OnceLock<std::path::PathBuf> = OnceLock::new();
    if !have("pdfinfo") || !have("pdftotext") {
        return None;
    }
    Some(DIR.get_or_init(|| generate_sample("tagged", "letter,application,tasks")))
}

/// Each row of the sample's sheet `sheet` as (header → cell text).
fn sample_rows(sheet: &str) -> Vec<std::collections::HashMap<String, String>> {
    let mut book = calamine::open_workbook_auto(sample()).unwrap();
    let range = book.worksheet_range(sheet).unwrap();
    let mut rows = range.rows();
    let header: Vec<String> = rows.next().unwrap().iter().map(|c| c.to_string()).collect();
    rows.map(|r| {
        header
            .iter()
            .cloned()
            .zip(r.iter().map(|c| match c {
                Data::Empty => String::new(),
                c => c.to_string(),
            }))
            .collect()
    })
    .collect()
}

fn is_heading(e: &Elem) -> bool {
    e.tag.len() == 2 && e.tag.starts_with('H') && e.tag.as_bytes()[1].is_ascii_digit()
}

#[test]
fn a_letter_reads_as_headings_and_whole_paragraphs_and_the_reply_slip_is_a_section() {
    let Some(dir) = outputs() else { return };
    let pdf = dir.join("协作函〔2026〕1号_研发中心_工作联系函.pdf");
    let tree = structure(&pdf);
    let all = tree.all();

    // Headings in order: the title, the three numbered sections, the reply slip's 回执.
    let headings: Vec<(String, String)> =
        all.iter().filter(|e| is_heading(e)).map(|e| (e.tag.clone(), e.full_text())).collect();
    let want = [
        ("H1", "市场营销部工作联系函"),
        ("H2", "一、协作背景及目的"),
        ("H2", "二、具体协作事项及要求"),
        ("H2", "三、其他事项"),
        ("H1", "回执"),
    ];
    assert_eq!(headings, want.map(|(t, s)| (t.to_string(), s.to_string())).to_vec());

    // The reply slip is a section of its own, and everything from its title on is in it.
    let sections: Vec<&&Elem> = all.iter().filter(|e| e.tag == "Sect").collect();
    assert_eq!(sections.len(), 1, "{tree:#?}");
    let slip = sections[0];
    assert_eq!(slip.children.first().map(|e| e.full_text()), Some("回执".to_string()));
    assert!(slip.full_text().contains("回复日期"), "{slip:#?}");
    assert!(!slip.full_text().contains("✂"), "the cut line is not read: {slip:#?}");

    // 协作内容 as the workbook has it, in one paragraph although the page breaks it in two
    // lines: the paragraph's marked content joined is the sentence, with no break.
    let row = &sample_rows("协作需求")[0];
    let content = &row["协作内容"];
    let sentence = format!("1.协作内容：{content}。");
    let paragraph = all.iter().find(|e| e.tag == "P" && e.full_text().starts_with("1.协作内容")).expect("协作内容");
    assert_eq!(paragraph.full_text(), sentence);
    let text = pdftotext(&pdf);
    assert!(
        !text.lines().any(|l| l.contains(&sentence)) && squeezed(&text).contains(&sentence),
        "the sentence should break over lines on the page: {text}"
    );

    // Everything on the pages is read, once, in the order pdftotext reads it — but the page
    // numbers and the ✂, which are page furniture.
    let page_text = without_page_numbers(&squeezed(&text)).replace('✂', "");
    assert_eq!(squeezed(&tree.full_text()), page_text);
}

#[test]
fn tables_have_header_cells_and_their_header_is_read_once() {
    let Some(dir) = outputs() else { return };
    // The application form: labels are row headers, each followed by its value as written.
    let tree = structure(&dir.join("协作函〔2026〕1号_协作需求申请表.pdf"));
    let all = tree.all();
    let tables: Vec<&&Elem> = all.iter().filter(|e| e.tag == "Table").collect();
    assert_eq!(tables.len(), 1, "{tree:#?}");
    let rows: Vec<&Elem> = tables[0].all().into_iter().filter(|e| e.tag == "TR").collect();
    let request = &sample_rows("协作需求")[0];
    for label in ["协作背景", "协作目标"] {
        let row = rows.iter().find(|r| r.children.first().is_some_and(|c| c.full_text() == label)).expect(label);
        let cells: Vec<(&str, String)> = row.children.iter().map(|c| (c.tag.as_str(), c.full_text())).collect();
        assert_eq!(cells, vec![("TH", label.to_string()), ("TD", request[label].clone())], "{row:#?}");
        assert_eq!(row.children[0].attrs, vec!["/Scope /Row"]);
    }

    // The task list of 3号 runs over pages; its column headers are drawn on every page and
    // read once, as the table's head.
    let pdf = dir.join("协作函〔2026〕3号_协作任务拆分清单.pdf");
    assert!(pdf_pages(&pdf) > 1);
    let drawn = pdftotext(&pdf).matches("任务名称").count();
    assert!(drawn > 1, "the header repeats on the pages: {drawn}");
    let tree = structure(&pdf);
    let all = tree.all();
    let heads: Vec<&&Elem> = all.iter().filter(|e| e.tag == "THead").collect();
    assert_eq!(heads.len(), 1);
    let header_cells: Vec<String> = heads[0].all().iter().filter(|e| e.tag == "TH").map(|e| e.full_text()).collect();
    assert_eq!(header_cells.first().map(String::as_str), Some("序号"));
    assert!(header_cells.contains(&"任务名称".to_string()), "{header_cells:?}");
    assert!(heads[0].all().iter().filter(|e| e.tag == "TH").all(|e| e.attrs == ["/Scope /Column"]));
    assert_eq!(tree.full_text().matches("任务名称").count(), 1, "the repeated header is not read again");
    // Each task's description, as written, in a data cell of the body, in task order.
    let body = all.iter().find(|e| e.tag == "TBody").expect("TBody");
    let cells: Vec<String> = body.all().iter().filter(|e| e.tag == "TD").map(|e| e.full_text()).collect();
    let tasks: Vec<String> = sample_rows("任务拆分")
        .into_iter()
        .filter(|t| t["编号"] == "协作函〔2026〕3号")
        .map(|t| t["任务描述"].clone())
        .collect();
    assert!(tasks.len() > 3, "{tasks:?}");
    let found: Vec<&String> = cells.iter().filter(|c| tasks.contains(c)).collect();
    assert_eq!(found, tasks.iter().collect::<Vec<_>>(), "descriptions in task order");
}

#[test]
fn each_document_of_a_bundle_is_a_part() {
    let Some(_) = outputs() else { return };
    let dir = std::env::temp_dir().join(format!("gongwen-tagged-bundle-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let o = gongwen(&[
        "generate",
        sample().to_str().unwrap(),
        "-o",
        dir.to_str().unwrap(),
        "--forms",
        "letter",
        "--format",
        "pdf",
        "--bundle",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let bundle =
        files_with_ext(&dir, "pdf").into_iter().find(|p| p.to_string_lossy().contains("打印合集")).expect("bundle");
    let tree = structure(&bundle);
    let parts: Vec<&Elem> = tree.children.iter().filter(|e| e.tag == "Part").collect();
    let letters = outline(&bundle).len();
    assert_eq!(parts.len(), letters, "one part per letter");
    assert_eq!(parts.len(), tree.children.len());
    for p in parts {
        assert_eq!(p.children.first().map(|e| e.tag.as_str()), Some("H1"), "each letter starts with its title");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
