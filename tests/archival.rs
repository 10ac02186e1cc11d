//! PDF/A (issue 12): `--pdf-standard a-2b|a-2a|a-3b` makes every PDF of the sample through
//! krilla's validator (a file it refuses is not written), and each says what it is — the XMP's
//! `pdfaid:part` and `pdfaid:conformance`, an output intent — read back with qpdf; a character
//! no bundled font has is an error naming its cell, and its row is not made, in PDF/A.

mod common;

use common::*;
use std::path::{Path, PathBuf};

fn generate(dir: &Path, workbook: &Path, extra: &[&str]) -> std::process::Output {
    let _ = std::fs::remove_dir_all(dir);
    let mut args = vec!["generate", workbook.to_str().unwrap(), "-o", dir.to_str().unwrap(), "--format", "pdf"];
    args.extend_from_slice(extra);
    gongwen(&args)
}

fn temp(tag: &str) -> PathBuf {
    std::env::temp_dir().join(format!("gongwen-archival-{tag}-{}", std::process::id()))
}

/// The XMP packet of a PDF (PDF/A keeps it uncompressed, so it is read as it is in the file).
fn xmp(pdf: &Path) -> String {
    let bytes = std::fs::read(pdf).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    let start = text.find("<x:xmpmeta").unwrap_or_else(|| panic!("no XMP in {}", pdf.display()));
    let end = text[start..].find("</x:xmpmeta>").unwrap() + start;
    text[start..end].to_string()
}

fn xmp_value(xmp: &str, key: &str) -> Option<String> {
    let open = format!("<{key}>");
    let start = xmp.find(&open)? + open.len();
    Some(xmp[start..start + xmp[start..].find('<')?].to_string())
}

#[test]
fn every_sample_document_is_made_in_each_standard_and_says_which() {
    if !have("qpdf") {
        return;
    }
    for (standard, part, conformance) in [("a-2b", "2", "B"), ("a-2a", "2", "A"), ("a-3b", "3", "B")] {
        let dir = temp(standard);
        let o = generate(&dir, &sample(), &["--pdf-standard", standard]);
        assert!(o.status.success(), "{standard}: {}", stderr(&o));
        let manifest = std::fs::read_to_string(dir.join("manifest.csv")).unwrap();
        // The only documents not made are the task lists of requests with no tasks, as in
        // any run: every document passes the validator.
        let not_made: Vec<&str> = manifest.lines().filter(|l| l.contains("未生成")).collect();
        assert!(not_made.iter().all(|l| l.contains("在任务拆分表中没有内容")), "{standard}:\n{manifest}");
        let pdfs = files_with_ext(&dir, "pdf");
        assert!(pdfs.len() >= 30, "{standard}: {} PDFs", pdfs.len());
        for pdf in &pdfs {
            let x = xmp(pdf);
            let name = pdf.display();
            assert_eq!(xmp_value(&x, "pdfaid:part").as_deref(), Some(part), "{name}");
            assert_eq!(xmp_value(&x, "pdfaid:conformance").as_deref(), Some(conformance), "{name}");
            let check = std::process::Command::new("qpdf").arg("--check").arg(pdf).output().unwrap();
            assert_eq!(check.status.code(), Some(0), "{name}: {}", String::from_utf8_lossy(&check.stdout));
        }
        // An output intent (sRGB, GTS_PDFA1), as PDF/A requires: on the catalog, read by qpdf.
        let json =
            std::process::Command::new("qpdf").args(["--json", "--json-key=qpdf"]).arg(&pdfs[0]).output().unwrap();
        let json = String::from_utf8_lossy(&json.stdout);
        assert!(json.contains("\"/OutputIntents\"") && json.contains("\"/GTS_PDFA1\""), "{standard}: no output intent");
        if standard == "a-2b" {
            // The same run makes the same bytes (the XMP's IDs are hashes of the content).
            let again = temp("a-2b-again");
            assert!(generate(&again, &sample(), &["--pdf-standard", standard]).status.success());
            for pdf in &pdfs {
                let twin = again.join(pdf.file_name().unwrap());
                assert!(std::fs::read(pdf).unwrap() == std::fs::read(&twin).unwrap(), "{}", pdf.display());
            }
            let _ = std::fs::remove_dir_all(&again);
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
    // A plain PDF does not claim to be PDF/A.
    let dir = temp("plain");
    assert!(generate(&dir, &sample(), &["--forms", "letter"]).status.success());
    let pdf = &files_with_ext(&dir, "pdf")[0];
    assert_eq!(xmp_value(&xmp(pdf), "pdfaid:part"), None);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Two requests, the first with 𠀀 (U+20000, in no bundled font) in its 核心目标 (F2).
fn workbook_with_a_rare_character(dir: &Path) -> PathBuf {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet().set_name("协作需求").unwrap();
    write_row(ws, 0, &REQUIRED_HEADERS.map(String::from));
    let mut rare = required_values("协作函〔2026〕1号", "财务部");
    rare[5] = "流程梳理\u{20000}".into();
    write_row(ws, 1, &rare);
    write_row(ws, 2, &required_values("协作函〔2026〕2号", "财务部"));
    std::fs::create_dir_all(dir).unwrap();
    let path = dir.join("生僻字.xlsx");
    book.save(&path).unwrap();
    path
}

#[test]
fn a_character_no_font_has_is_an_error_naming_its_cell_in_pdf_a_and_a_stand_in_otherwise() {
    let work = temp("rare");
    let book = workbook_with_a_rare_character(&work);
    let out = work.join("out");
    let o = generate(&out, &book, &["--forms", "letter", "--pdf-standard", "a-2b"]);
    // Exit 1: a row had errors; the other row's letter is made; nothing of the first row.
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains(
            "错误：协作需求!F2 核心目标：“\u{20000}”（U+20000）在内置字体中没有字形；PDF/A 存档文件不能用“〓”代替原字"
        ),
        "{err}"
    );
    let pdfs = files_with_ext(&out, "pdf");
    let names: Vec<String> = pdfs.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert_eq!(names, vec!["协作函〔2026〕2号_财务部_工作联系函.pdf"]);
    let manifest = std::fs::read_to_string(out.join("manifest.csv")).unwrap();
    assert!(
        manifest.lines().any(|l| l.contains("协作需求!A2") && l.contains("未生成") && l.contains("U+20000")),
        "{manifest}"
    );

    // Without PDF/A the character is printed as 〓 with a warning, and both letters are made.
    let plain = work.join("plain");
    let o = generate(&plain, &book, &["--forms", "letter"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("警告：协作需求!F2"), "{}", stderr(&o));
    assert_eq!(files_with_ext(&plain, "pdf").len(), 2);
    let _ = std::fs::remove_dir_all(&work);
}

#[test]
fn an_unknown_standard_stops_before_anything_is_written() {
    let dir = temp("unknown");
    let o = generate(&dir, &sample(), &["--pdf-standard", "a-1b"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--pdf-standard：没有“a-1b”这种标准；可用：a-2b、a-2a、a-3b"), "{}", stderr(&o));
    assert!(!dir.exists() || files_with_ext(&dir, "pdf").is_empty());
}

#[test]
fn checkdocs_passes_the_pdf_a_files() {
    let Some(tool) = checkdocs_tool() else { return };
    let dir = temp("checkdocs");
    let o = generate(&dir, &sample(), &["--pdf-standard", "a-2a", "--forms", "letter,application,tasks"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let run = std::process::Command::new(&tool).arg("--allow-landscape").arg(&dir).output().unwrap();
    let report = format!("{}{}", String::from_utf8_lossy(&run.stdout), String::from_utf8_lossy(&run.stderr));
    assert!(run.status.success(), "checkdocs failed:\n{report}");
    assert!(report.contains(", 0 failed"), "{report}");
    let _ = std::fs::remove_dir_all(&dir);
}
