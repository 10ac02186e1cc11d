//! Electronic seals: `--seal 部门=FILE.png` and the 印章 column put the image over the
//! sender's name and date — in the PDF under the text, in the .docx as a picture anchored
//! behind the text; a bad seal is a cell-referenced warning that skips only that seal.

mod common;
use common::*;
use std::io::Read;

const MM: f32 = 72.0 / 25.4;

fn docx_part(docx: &std::path::Path, name: &str) -> Option<Vec<u8>> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(docx).unwrap()).unwrap();
    let mut f = zip.by_name(name).ok()?;
    let mut v = Vec::new();
    f.read_to_end(&mut v).unwrap();
    Some(v)
}

#[test]
fn seal_sits_over_the_signature_in_both_formats() {
    let dir = tempfile::tempdir().unwrap();
    let seal = dir.path().join("行政部.png");
    std::fs::write(&seal, RED_PNG).unwrap();
    let out = dir.path().join("out");
    let o = gongwen(&[
        "generate",
        sample().to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--forms",
        "letter",
        "--seal",
        &format!("行政部={}", seal.display()),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let pdf = out.join("协作函〔2026〕3号_采购中心_工作联系函.pdf");
    let docx = pdf.with_extension("docx");

    // DOCX: the PNG is a part, anchored behind the text in the date's paragraph.
    // (The image is embedded as re-encoded by the reader, at the seal's own pixel size here.)
    let part = docx_part(&docx, "word/media/seal1.png").expect("the seal's part");
    assert!(part.starts_with(b"\x89PNG") && part[16..24] == RED_PNG[16..24], "a PNG of the seal's size");
    let xml = String::from_utf8(docx_part(&docx, "word/document.xml").unwrap()).unwrap();
    let anchor = xml.find("<wp:anchor").expect("an anchored picture");
    assert!(xml[anchor..].starts_with("<wp:anchor") && xml[anchor..anchor + 400].contains("behindDoc=\"1\""));
    let para_start = xml[..anchor].rfind("<w:p>").or_else(|| xml[..anchor].rfind("<w:p ")).unwrap();
    let para_end = anchor + xml[anchor..].find("</w:p>").unwrap();
    // (The paragraph's text, its runs joined: the last character is a run of its own.)
    let mut para_text = String::new();
    for piece in xml[para_start..para_end].split('<') {
        if let Some((tag, text)) = piece.split_once('>') {
            if tag.starts_with("w:t") {
                para_text.push_str(text);
            }
        }
    }
    assert!(para_text.contains("2026年3月8日"), "anchored in the date's paragraph: {para_text}");
    let rels = String::from_utf8(docx_part(&docx, "word/_rels/document.xml.rels").unwrap()).unwrap();
    assert!(rels.contains("media/seal1.png"));
    // Other senders have no seal.
    let other = out.join("协作函〔2026〕1号_研发中心_工作联系函.docx");
    assert!(docx_part(&other, "word/media/seal1.png").is_none());

    if !have("pdftotext") || !have("pdftoppm") {
        return;
    }
    // PDF: the red image is centred on the name and date, a little above their middle.
    assert_seal_over_signature(&pdf, "our PDF");
    // The text is drawn over the image: the name is still extractable and on top; the
    // electronic seal stands for the stamp, so "（盖章）" is not printed under it.
    let text = squeezed(&pdftotext(&pdf));
    assert!(text.contains("行政部2026年3月8日"), "{text}");
    assert!(!text.contains("行政部（盖章）"), "{text}");
    // Letters of other senders still ask for a hand stamp.
    let other = out.join("协作函〔2026〕1号_研发中心_工作联系函.pdf");
    assert!(squeezed(&pdftotext(&other)).contains("市场营销部（盖章）"));
    // No other letter carries it.
    let other = out.join("协作函〔2026〕1号_研发中心_工作联系函.pdf");
    assert!((1..=pdf_pages(&other)).all(|p| red_box(&other, p).is_none()));
    // DOCX: LibreOffice draws the anchored picture at the same place over the signature.
    if !have("soffice") {
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let rendered = libreoffice_pdfs(&[docx], work.path());
    assert_seal_over_signature(&rendered[0], "the .docx rendered by LibreOffice");
}

/// The red seal on the signature page of `pdf` is 42 mm wide, centred horizontally on the
/// sender's name and date, and its centre a little above their middle.
fn assert_seal_over_signature(pdf: &std::path::Path, what: &str) {
    let pages = pdf_pages(pdf);
    let page = (1..=pages)
        .find(|&p| !word_boxes(pdf, p, "行政部").is_empty() && red_box(pdf, p).is_some())
        .unwrap_or_else(|| panic!("{what}: no signature page"));
    let name = *word_boxes(pdf, page, "行政部").last().unwrap();
    // LibreOffice may space the date as “2026 年 3 月 8 日”: take the words on the next line.
    let date_bottom =
        word_boxes(pdf, page, "日").into_iter().map(|b| b.3).filter(|&y| y > name.3).fold(f32::MAX, f32::min);
    let (tx, ty) = ((name.0 + name.2) / 2.0, (name.1 + date_bottom) / 2.0);
    let (x0, y0, x1, y1) = red_box(pdf, page).unwrap_or_else(|| panic!("{what}: no seal on the signature page"));
    let (sx, sy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
    assert!(((x1 - x0) - 42.0 * MM).abs() < 2.0, "{what}: 42 mm wide, got {}", (x1 - x0) / MM);
    assert!((sx - tx).abs() < 3.0 * MM, "{what}: centred horizontally on the signature: {sx} vs {tx}");
    assert!(sy < ty && ty - sy < 8.0 * MM, "{what}: centre slightly above the lines' middle: {sy} vs {ty}");
}

#[test]
fn a_seal_for_a_department_that_sends_nothing_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let seal = dir.path().join("seal.png");
    std::fs::write(&seal, RED_PNG).unwrap();
    let out = dir.path().join("out");
    let o = gongwen(&[
        "generate",
        sample().to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--forms",
        "letter",
        "--format",
        "docx",
        "--seal",
        &format!("财务处={}", seal.display()),
        "--seal",
        &format!("行政部={}", seal.display()),
    ]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    let line = err.lines().find(|l| l.contains("财务处")).unwrap_or_else(|| panic!("no warning for 财务处: {err}"));
    assert!(line.starts_with("警告："), "{line}");
    // It names the departments that do send letters in this run.
    for sender in ["市场营销部", "财务部", "行政部", "人力资源部", "安全环保部"] {
        assert!(line.contains(sender), "{sender} not named: {line}");
    }
    assert!(!err.lines().any(|l| l.contains("--seal 行政部")), "行政部 sends letters: {err}");
}

#[test]
fn bad_seal_cells_are_warnings_that_skip_only_the_seal() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("good.png"), RED_PNG).unwrap();
    std::fs::write(dir.path().join("fake.png"), b"GIF89a not a png").unwrap();
    std::fs::write(dir.path().parent().unwrap().join("gongwen-outside-seal.png"), RED_PNG).ok();
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet().set_name("协作需求").unwrap();
    let headers = [common::REQUIRED_HEADERS.as_slice(), &["印章"]].concat();
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let seals = ["good.png", "../gongwen-outside-seal.png", "missing.png", "fake.png"];
    for (r, seal) in seals.iter().enumerate() {
        let id = format!("函{}号", r + 1);
        let row = [
            id.as_str(),
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
            seal,
        ];
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32 + 1, c as u16, *v).unwrap();
        }
    }
    let path = dir.path().join("seals.xlsx");
    wb.save(&path).unwrap();
    let out = dir.path().join("out");
    let o = gongwen(&[
        "generate",
        path.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--forms",
        "letter",
        "--format",
        "docx",
    ]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "warnings only: {err}");
    for (cell, what) in
        [("协作需求!M3", "不在工作簿所在文件夹内"), ("协作需求!M4", "找不到"), ("协作需求!M5", "不是有效的 PNG")]
    {
        let line = err.lines().find(|l| l.contains(cell)).unwrap_or_else(|| panic!("{cell} not reported: {err}"));
        assert!(line.contains(what), "{line}");
    }
    assert!(!err.contains("协作需求!M2"), "the good seal is fine: {err}");
    for n in 1..=4 {
        let docx = out.join(format!("函{n}号_采购中心_工作联系函.docx"));
        assert!(docx.is_file(), "every letter is still made");
        assert_eq!(docx_part(&docx, "word/media/seal1.png").is_some(), n == 1, "only the good seal is used ({n})");
    }
}
