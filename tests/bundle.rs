//! `generate --bundle` on the sample workbook: one print bundle per form kind, each document
//! starting on an odd page (blank, unnumbered padding after odd-length documents), ordered by
//! 编号 (numbers by value) then 收函部门, one bookmark per document at its first page, opening
//! with the bookmarks panel shown, listed in the manifest, and valid for checkdocs.

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

const FORMS: &[&str] = &["工作联系函", "协作需求申请表", "协作任务拆分清单"];

/// Generate the sample with bundles once for all tests in this file.
fn out() -> &'static Path {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    OUT.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("gongwen-bundle-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let o = gongwen(&["generate", sample().to_str().unwrap(), "-o", dir.to_str().unwrap(), "--bundle"]);
        assert!(o.status.success(), "generate failed: {}", stderr(&o));
        dir
    })
}

fn bundle(form: &str) -> PathBuf {
    out().join(format!("打印合集_{form}.pdf"))
}

/// A manifest line: (file, form, format, 编号, 收函部门, pages).
struct Line {
    file: String,
    form: String,
    format: String,
    id: String,
    to_dept: String,
    pages: Option<usize>,
}

fn manifest() -> Vec<Line> {
    let text = std::fs::read_to_string(out().join("manifest.csv")).unwrap();
    let mut rows = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    rows.records()
        .map(|r| {
            let r = r.unwrap();
            Line {
                file: r[0].to_string(),
                form: r[1].to_string(),
                format: r[2].to_string(),
                id: r[4].to_string(),
                to_dept: r[5].to_string(),
                pages: r[6].parse().ok(),
            }
        })
        .collect()
}

/// The single PDFs of one form, from the manifest.
fn singles(form: &str) -> Vec<Line> {
    manifest().into_iter().filter(|l| l.form == form && l.format == "pdf").collect()
}

/// Whitespace-free text of one page.
fn page_text(pdf: &Path, page: usize) -> String {
    let n = page.to_string();
    let o = Command::new("pdftotext").args(["-enc", "UTF-8", "-f", &n, "-l", &n]).arg(pdf).arg("-").output().unwrap();
    assert!(o.status.success());
    squeezed(&String::from_utf8(o.stdout).unwrap())
}

/// The number in `〔2026〕12号`, for checking the order.
fn number(id: &str) -> u32 {
    let digits: String = id.rsplit('〕').next().unwrap().chars().filter(char::is_ascii_digit).collect();
    digits.parse().unwrap()
}

#[test]
fn every_form_gets_a_bundle_listed_in_the_manifest() {
    let lines = manifest();
    for form in FORMS {
        let path = bundle(form);
        assert!(path.is_file(), "missing {}", path.display());
        let line = lines.iter().find(|l| l.file == format!("打印合集_{form}.pdf")).expect("bundle in manifest");
        assert_eq!((line.form.as_str(), line.format.as_str()), ("打印合集", "pdf"));
        if have("pdfinfo") {
            assert_eq!(line.pages, Some(pdf_pages(&path)), "manifest page count of {form}");
        }
    }
}

#[test]
fn without_the_flag_there_is_no_bundle() {
    let dir = tempfile::tempdir().unwrap();
    let o = gongwen(&["generate", sample().to_str().unwrap(), "-o", dir.path().to_str().unwrap(), "--forms", "letter"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!dir.path().join("打印合集_工作联系函.pdf").exists());
}

/// Each document starts on an odd page, in 编号-then-收函部门 order, its bookmark pointing
/// there; an odd-length document is followed by a blank page; the bundle has Σ of each
/// document's page count rounded up to even pages.
#[test]
fn documents_start_on_odd_pages_in_order_with_bookmarks() {
    if !have("pdfinfo") || !have("pdftotext") || !have("qpdf") {
        return;
    }
    for form in FORMS {
        let path = bundle(form);
        let mut docs = singles(form);
        assert!(!docs.is_empty(), "{form}: the sample makes some");
        // Page counts of the single files, as the PDFs say.
        for d in &mut docs {
            d.pages = Some(pdf_pages(&out().join(&d.file)));
        }
        let marks = outline(&path);
        assert_eq!(marks.len(), docs.len(), "{form}: one bookmark per document: {marks:?}");
        let mut next_page = 1;
        let mut previous: Option<(u32, String)> = None;
        for (title, page) in &marks {
            let doc = docs
                .iter()
                .find(|d| *title == format!("{} {}", d.id, d.to_dept))
                .unwrap_or_else(|| panic!("{form}: bookmark {title:?} names no document"));
            assert_eq!(*page, next_page, "{form}: {title} starts after the previous documents");
            assert_eq!(page % 2, 1, "{form}: {title} starts on an odd page");
            let text = page_text(&path, *page);
            assert!(text.contains(&doc.id), "{form}: page {page} is not {title}: {text}");
            if *form != "协作任务拆分清单" {
                // (the task list does not print 收函部门)
                assert!(text.contains(&squeezed(&doc.to_dept)), "{form}: page {page} lacks {}: {text}", doc.to_dept);
            }
            let pages = doc.pages.unwrap();
            if pages % 2 == 1 {
                let blank = page_text(&path, page + pages);
                assert!(blank.is_empty(), "{form}: page after {title} should be blank, has {blank:?}");
            }
            let key = (number(&doc.id), doc.to_dept.clone());
            if let Some(prev) = &previous {
                assert!(*prev < key, "{form}: {title} comes after {prev:?}");
            }
            previous = Some(key);
            next_page += pages.div_ceil(2) * 2;
        }
        let total: usize = docs.iter().map(|d| d.pages.unwrap().div_ceil(2) * 2).sum();
        assert_eq!(pdf_pages(&path), total, "{form}: pages = Σ rounded up to even");
    }
}

/// The document catalog of `pdf` as qpdf resolves it (the newest revision of the object).
fn catalog(pdf: &Path) -> String {
    let show = |what: &str| {
        let o = Command::new("qpdf").arg(format!("--show-object={what}")).arg(pdf).output().expect("qpdf");
        assert!(o.status.success(), "qpdf --show-object={what}: {}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).unwrap()
    };
    let trailer = show("trailer");
    let root = trailer
        .split("/Root ")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .unwrap_or_else(|| panic!("no /Root: {trailer}"));
    show(root)
}

/// A viewer opens every bundle with its bookmarks panel shown; qpdf finds nothing wrong with
/// the file that says so.
#[test]
fn bundles_open_with_the_bookmarks_shown() {
    if !have("qpdf") {
        return;
    }
    for form in FORMS {
        let path = bundle(form);
        let catalog = catalog(&path);
        assert!(catalog.contains("/PageMode /UseOutlines"), "{form}: {catalog}");
        assert!(catalog.contains("/Outlines "), "{form}: {catalog}");
        let o = Command::new("qpdf").arg("--check").arg(&path).output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{form}: {}", String::from_utf8_lossy(&o.stdout));
    }
}

/// 编号 in the order of their numbers — 2号, 9号, 10号, where comparing characters would put
/// 10号 first — and one 编号's letters by 收函部门; whatever the order of the rows.
#[test]
fn bundle_orders_numbers_by_value_then_department() {
    if !have("qpdf") || !have("pdftotext") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet().set_name("协作需求").unwrap();
    let headers = common::REQUIRED_HEADERS;
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let rows =
        [("协作函〔2026〕10号", "财务部"), ("协作函〔2026〕2号", "财务部、行政部"), ("协作函〔2026〕9号", "采购中心")];
    for (r, (id, to)) in rows.iter().enumerate() {
        let row = [
            *id,
            "市场部",
            *to,
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
    let path = dir.path().join("order.xlsx");
    wb.save(&path).unwrap();
    let out = dir.path().join("out");
    let o =
        gongwen(&["generate", path.to_str().unwrap(), "-o", out.to_str().unwrap(), "--forms", "letter", "--bundle"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!("协作函〔2026〕10号" < "协作函〔2026〕2号", "by code point 10号 comes first");
    let path = out.join("打印合集_工作联系函.pdf");
    let marks = outline(&path);
    let titles: Vec<&str> = marks.iter().map(|(t, _)| t.as_str()).collect();
    // 行 (U+884C) before 财 (U+8D22).
    assert_eq!(
        titles,
        [
            "协作函〔2026〕2号 行政部",
            "协作函〔2026〕2号 财务部",
            "协作函〔2026〕9号 采购中心",
            "协作函〔2026〕10号 财务部"
        ]
    );
    for (title, page) in &marks {
        let (id, to) = title.split_once(' ').unwrap();
        let text = page_text(&path, *page);
        assert!(text.contains(id) && text.contains(to), "page {page} is not {title}: {text}");
    }
    assert!(catalog(&path).contains("/PageMode /UseOutlines"));
}

/// Some letter has an odd page count, so the padding is really exercised.
#[test]
fn the_sample_has_odd_length_letters() {
    if !have("pdfinfo") {
        return;
    }
    let odd = singles("工作联系函").iter().filter(|d| pdf_pages(&out().join(&d.file)) % 2 == 1).count();
    assert!(odd > 0, "no odd-length letter: the padding test would prove nothing");
}

#[test]
fn metadata_and_fonts_once() {
    if !have("pdfinfo") || !have("pdffonts") {
        return;
    }
    let path = bundle("工作联系函");
    let o = Command::new("pdfinfo").arg(&path).output().unwrap();
    let info = String::from_utf8_lossy(&o.stdout).into_owned();
    let field =
        |name: &str| info.lines().find_map(|l| l.strip_prefix(&format!("{name}:"))).unwrap_or("").trim().to_string();
    assert_eq!(field("Title"), "打印合集_工作联系函");
    // The sample's letters come from more than one 发函部门.
    assert_eq!(field("Author"), "gongwen");
    // Each font once, subset for the whole bundle — not once per letter.
    let fonts = pdffonts(&path);
    let mut names: Vec<&str> = fonts.iter().map(|f| &f.0[7..]).collect();
    let n = names.len();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), n, "a font embedded twice: {fonts:?}");
    assert!(fonts.iter().all(|f| f.2 && f.3 && f.4), "embedded, subset, ToUnicode: {fonts:?}");
    // Much smaller than the letters it holds, since the fonts are shared.
    let singles_size: u64 =
        singles("工作联系函").iter().map(|d| std::fs::metadata(out().join(&d.file)).unwrap().len()).sum();
    let bundle_size = std::fs::metadata(&path).unwrap().len();
    assert!(bundle_size * 2 < singles_size, "bundle {bundle_size} bytes vs letters {singles_size} bytes");
}

#[test]
fn qpdf_and_checkdocs_pass_on_the_bundles() {
    if !have("qpdf") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for form in FORMS {
        let path = bundle(form);
        let o = Command::new("qpdf").arg("--check").arg(&path).output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{form}: {}", String::from_utf8_lossy(&o.stdout));
        std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
    }
    let Some(tool) = checkdocs_tool() else { return };
    let o = Command::new("python3").arg(&tool).arg(dir.path()).args(["--allow-landscape", "-q"]).output().unwrap();
    let report = format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    assert!(o.status.success(), "checkdocs:\n{report}");
    assert!(report.contains("3 passed, 0 failed"), "{report}");
}

/// Bundles are byte-identical whatever the number of threads (documents are laid out in
/// parallel chunks but always drawn in the bundle's order).
#[test]
fn bundles_do_not_depend_on_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let one = dir.path().join("one");
    let o = gongwen(&["generate", sample().to_str().unwrap(), "-o", one.to_str().unwrap(), "--bundle", "--jobs", "1"]);
    assert!(o.status.success(), "{}", stderr(&o));
    for form in FORMS {
        let name = format!("打印合集_{form}.pdf");
        assert!(
            std::fs::read(one.join(&name)).unwrap() == std::fs::read(out().join(&name)).unwrap(),
            "{name} differs with --jobs 1"
        );
    }
}
