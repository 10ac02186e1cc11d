//! `gongwen preview`: the page images our rasterizer draws agree with poppler's rendering of
//! our own PDF of the same document (same size, the same ink in the same places, the seal
//! where the PDF has it), and a wrong page, resolution or row is refused in Chinese with the
//! right exit status and no image left behind.

mod common;
use common::image::{covered, Image};
use common::*;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

const ID: &str = "协作函〔2026〕3号";

/// The sample's letters, application forms and task lists as PDFs, made once for this file.
fn pdfs() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| generate_sample("raster", "工作联系函,协作需求申请表,协作任务拆分清单"))
}

/// `pdftoppm -r 60 -png` of page `page` of `pdf`, decoded.
fn poppler(pdf: &Path, page: usize, dir: &Path) -> Image {
    let root = dir.join(format!("poppler-{page}"));
    let p = page.to_string();
    let o = std::process::Command::new("pdftoppm")
        .args(["-r", "60", "-png", "-f", &p, "-l", &p, "-singlefile"])
        .arg(pdf)
        .arg(&root)
        .output()
        .expect("pdftoppm");
    assert!(o.status.success(), "pdftoppm: {}", String::from_utf8_lossy(&o.stderr));
    Image::read(&root.with_extension("png"))
}

/// `gongwen preview` of the sample, page `page`, at 60 dpi, into `dir`: the decoded image.
fn ours(form: &str, page: usize, dir: &Path, extra: &[&str]) -> Image {
    let out = dir.join(format!("ours-{page}.png"));
    let sample = sample();
    let page = page.to_string();
    let mut args =
        vec!["preview", sample.to_str().unwrap(), "--form", form, "--id", ID, "--page", &page, "--dpi", "60", "-o"];
    args.push(out.to_str().unwrap());
    args.extend_from_slice(extra);
    let (o, _) = gongwen_within(Duration::from_secs(60), &args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).starts_with("已写出 "), "{}", stderr(&o));
    Image::read(&out)
}

/// Pages of `pdf` (our PDF of `form` for [`ID`]) drawn both ways agree: the same pixel size
/// (±1), and ≥ 95 % of each one's ink within 1 px of a mark of the other (anti-aliasing
/// differs by about a pixel; a glyph or line missing or out of place by more shows), and
/// about as much ink in all.
fn agree(form: &str, pdf_name: &str, pages: &[usize]) {
    if !have("pdftoppm") {
        return;
    }
    let pdf = pdfs().join(pdf_name);
    let dir = tempfile::tempdir().unwrap();
    for &page in pages {
        let (a, b) = (ours(form, page, dir.path(), &[]), poppler(&pdf, page, dir.path()));
        assert!(
            a.width.abs_diff(b.width) <= 1 && a.height.abs_diff(b.height) <= 1,
            "{form} p.{page}: ours {}×{}, poppler {}×{}",
            a.width,
            a.height,
            b.width,
            b.height
        );
        let (ours_near, theirs_near) = (covered(&a, &b, 1), covered(&b, &a, 1));
        let (ink_a, ink_b) = (a.ink_count(), b.ink_count());
        eprintln!(
            "{form} p.{page}: ink pixels ours {ink_a} poppler {ink_b}; within 1 px of a mark of the other: ours {:.1} %, poppler's {:.1} %",
            ours_near * 100.0,
            theirs_near * 100.0
        );
        assert!(ink_a > 1000, "{form} p.{page}: a page with text has ink ({ink_a} pixels)");
        assert!(ours_near >= 0.95 && theirs_near >= 0.95, "{form} p.{page}: {ours_near:.3} / {theirs_near:.3}");
        // The measure can fail: the same page two pixels lower does not pass it.
        let moved = covered(&a.shifted_down(2), &b, 1);
        assert!(moved < 0.9, "{form} p.{page}: moved 2 px, still {moved:.3}");
        // Nor is one much heavier than the other (a whole missing table grid or bold text).
        let ratio = a.darkness() as f64 / b.darkness() as f64;
        eprintln!("{form} p.{page}: darkness ours/poppler {ratio:.2}; moved 2 px down: {:.1} %", moved * 100.0);
        assert!((0.8..=1.25).contains(&ratio), "{form} p.{page}: darkness ratio {ratio:.2}");
    }
}

#[test]
fn the_letter_drawn_by_us_matches_poppler_on_every_page() {
    agree("工作联系函", &format!("{ID}_采购中心_工作联系函.pdf"), &[1, 2, 3]);
}

#[test]
fn the_application_form_drawn_by_us_matches_poppler() {
    agree("协作需求申请表", &format!("{ID}_协作需求申请表.pdf"), &[1]);
}

#[test]
fn the_task_list_drawn_by_us_matches_poppler() {
    agree("协作任务拆分清单", &format!("{ID}_协作任务拆分清单.pdf"), &[1, 7]);
}

/// A seal given with --seal is drawn where the PDF has it: the red boxes agree within 2 px.
#[test]
fn the_seal_is_drawn_where_the_pdf_has_it() {
    if !have("pdftoppm") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let seal = dir.path().join("行政部.png");
    std::fs::write(&seal, RED_PNG).unwrap();
    let seal_arg = format!("行政部={}", seal.display());
    let out = dir.path().join("pdf");
    let o = gongwen(&[
        "generate",
        sample().to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--forms",
        "工作联系函",
        "--format",
        "pdf",
        "--seal",
        &seal_arg,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let pdf = out.join(format!("{ID}_采购中心_工作联系函.pdf"));
    let pages = pdf_pages(&pdf);
    let theirs = (1..=pages).find_map(|p| poppler(&pdf, p, dir.path()).red_box().map(|b| (p, b)));
    let (page, want) = theirs.expect("poppler shows the seal on some page");
    let got = ours("工作联系函", page, dir.path(), &["--seal", &seal_arg]).red_box().expect("our seal");
    let apart = [got.0.abs_diff(want.0), got.1.abs_diff(want.1), got.2.abs_diff(want.2), got.3.abs_diff(want.3)];
    assert!(apart.iter().all(|&d| d <= 2), "seal at {got:?} by us, {want:?} by poppler (page {page})");
}

/// Without --page every page is written, named after -o with its number; what was written is said.
#[test]
fn every_page_is_its_own_file_without_page() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("联系函.png");
    let (o, _) = gongwen_within(
        Duration::from_secs(60),
        &["preview", sample().to_str().unwrap(), "--form", "letter", "--id", ID, "-o", out.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mut names: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert_eq!(names, ["联系函-1.png", "联系函-2.png", "联系函-3.png"]);
    let err = stderr(&o);
    assert!(err.contains("联系函-3.png") && err.contains(&format!("{ID} 采购中心 工作联系函，共 3 页")), "{err}");
    let first = Image::read(&dir.path().join("联系函-1.png"));
    assert_eq!((first.width, first.height), (497, 702), "A4 at 60 dpi");
}

/// Cases a clerk gets wrong: each said in one Chinese line starting 错误：, exit 2 when the
/// preview cannot run, 1 when the chosen row's own data has an error; no image is left.
#[test]
fn wrong_page_resolution_or_row_is_refused_in_chinese() {
    let dir = tempfile::tempdir().unwrap();
    let bad_book = bad_date_workbook(dir.path());
    let out = dir.path().join("预览.png");
    let nowhere = dir.path().join("没有的文件夹").join("预览.png");
    let (folder, nowhere) = (dir.path().to_str().unwrap(), nowhere.to_str().unwrap());
    let (sample, bad, out) = (sample(), bad_book.to_str().unwrap(), out.to_str().unwrap());
    let sample = sample.to_str().unwrap();
    let cases: &[(&[&str], i32, &str)] = &[
        (
            &["preview", sample, "--form", "letter", "--id", ID, "--page", "9", "-o", out],
            2,
            "没有第 9 页：此文件共 3 页",
        ),
        (
            &["preview", sample, "--form", "letter", "--id", ID, "--page", "0", "-o", out],
            2,
            "没有第 0 页：页码从 1 开始",
        ),
        (&["preview", sample, "--form", "letter", "--dpi", "1000", "-o", out], 2, "分辨率 1000 dpi 超出范围"),
        (&["preview", sample, "--form", "letter", "--dpi", "5", "-o", out], 2, "应在 20–600 dpi 之间"),
        (&["preview", sample, "--form", "letter", "--dpi", "abc", "-o", out], 2, "选项 --dpi 的值“abc”不对"),
        (&["preview", sample, "--form", "公函", "-o", out], 2, "没有“公函”这种表单"),
        (
            &["preview", sample, "--form", "letter", "--id", "协作函〔2026〕99号", "-o", out],
            2,
            "没有编号为“协作函〔2026〕99号”",
        ),
        (&["preview", sample, "--form", "letter", "--id", ID, "--to", "财务部", "-o", out], 2, "没有给“财务部”的一份"),
        (&["preview", sample, "--form", "letter", "--id", ID, "--row", "3", "-o", out], 2, "不能同时使用"),
        (
            &["preview", bad, "--form", "letter", "--id", "协作函〔2026〕2号", "-o", out],
            1,
            "第 3 行（协作函〔2026〕2号）有错误",
        ),
        (&["preview", bad, "--form", "letter", "--row", "3", "-o", out], 1, "发函日期"),
        (&["preview", "没有这个.xlsx", "--form", "letter", "-o", out], 2, "文件不存在"),
        (&["preview", sample, "--form", "letter", "-o", folder], 2, "这是文件夹；-o 应写图片文件名"),
        (&["preview", sample, "--form", "letter", "-o", nowhere], 2, "不存在"),
    ];
    for (args, code, needle) in cases {
        let (o, _) = gongwen_within(Duration::from_secs(60), args);
        let err = stderr(&o);
        eprintln!("{args:?} → {:?}: {}", o.status.code(), err.lines().next().unwrap_or(""));
        assert_eq!(o.status.code(), Some(*code), "{args:?}: {err}");
        assert!(err.starts_with("错误：") && err.contains(needle), "{args:?}: {err}");
        assert!(!err.is_ascii() && !err.contains("error"), "{args:?}: {err}");
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n != "坏日期.xlsx")
            .collect();
        assert!(left.is_empty(), "{args:?} left {left:?}");
    }
    // The good row of the same workbook previews.
    let (o, _) = gongwen_within(
        Duration::from_secs(60),
        &["preview", bad, "--form", "letter", "--id", "协作函〔2026〕1号", "--page", "1", "-o", out],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(Path::new(out).is_file());
}
