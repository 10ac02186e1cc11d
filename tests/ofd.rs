//! `--format ofd`: every .ofd of the sample (with a seal) — each document, and the print
//! bundles and packets of `--bundle --packet` — is a GB/T 33190 package as the standard
//! structures it — checked here element by element, a bundle's `Outlines` included — and
//! third-party readers nobody on this project wrote read it as our PDF reads:
//! - `ofdkit` (PyPI, 0.2.0; its own parser) gives, page by page, the same text as `pdftotext`
//!   of our PDF of the same document, and the same title, author and creation date;
//! - `ofd2img` (PyPI, 0.1.2; draws the .ofd's objects with reportlab, using the fonts embedded
//!   in the package) draws every page where poppler draws our PDF's page.
//!
//! A bundle's or packet's .ofd has the PDF bundle's pages (blank back pages included) and its
//! bookmarks: each `OutlineElem`'s title and target page equal the PDF outline's as qpdf reads
//! it (`qpdf --json`). Neither reader reads `Outlines` (ofdkit 0.2.0 has no outline API, ofd2img
//! ignores them), so the outline is read from `Document.xml` here; the page each entry goes to
//! is found by its `PageID` in ofdkit's list of pages.
//!
//! What the readers cannot do, measured on the sample (not failures of ours; the test allows
//! for them and says why where it does): ofd2img strokes every path and fills none, so cell
//! shading is drawn as a light 0.25 mm outline instead of a grey area; it draws dashed lines
//! solid and ignores line caps. `easyofd` (PyPI 20260427, from which ofd2img was forked)
//! parses the package but its renderer sets every text in a font named 宋体 and draws no text
//! at all where none is installed under that name, so it is not used here.
//!
//! The readers are Python packages: `.ci/run` installs them with pip; where they are missing
//! the checks that need them skip (`common::skip`). `GONGWEN_OFD_PYTHON` names another Python
//! (a virtualenv's) to run them with.

mod common;
#[path = "common/ofd.rs"]
mod ofd_check;
use common::image::{covered, Image};
use common::xml::Node;
use common::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The sample's documents as .pdf and .ofd, with 行政部's seal (so there is an ImageObject), and
/// its print bundles and packets in both formats, generated once for this file.
fn outputs() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| generate("ofd"))
}

fn generate(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gongwen-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let seal = dir.join("行政部.png");
    std::fs::write(&seal, RED_PNG).unwrap();
    let out = dir.join("out");
    let o = gongwen(&[
        "generate",
        sample().to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--format",
        "pdf,ofd",
        "--seal",
        &format!("行政部={}", seal.display()),
        "--bundle",
        "--packet",
    ]);
    assert!(o.status.success(), "generate failed: {}", stderr(&o));
    out
}

fn ofds() -> Vec<PathBuf> {
    let files = files_with_ext(outputs(), "ofd");
    assert_eq!(files.len(), 30 + 5 + 6, "one .ofd per document of the sample, per form's bundle, per request's packet");
    files
}

/// The parts of an .ofd file, by name.
fn parts(ofd: &Path) -> BTreeMap<String, Vec<u8>> {
    ofd_check::parts(&std::fs::read(ofd).unwrap())
}

/// Is this file a print bundle or a packet (many documents, an outline, blank back pages)?
fn is_bundle(file: &Path) -> bool {
    let name = file.file_stem().unwrap().to_string_lossy();
    name.starts_with("打印合集_") || name.ends_with("_审批合订")
}

/// Every .ofd of the sample has the standard's structure ([`ofd_check::check`]); the same
/// workbook generated again gives the same bytes.
#[test]
fn every_ofd_has_the_standards_structure() {
    let mut objects = 0;
    for ofd in ofds() {
        let name = ofd.file_name().unwrap().to_string_lossy().into_owned();
        objects += ofd_check::check(&name, &parts(&ofd), is_bundle(&ofd));
    }
    assert!(objects > 1000, "{objects} objects checked");

    // The seal is in the letters 行政部 sent.
    let sealed = outputs().join("协作函〔2026〕3号_采购中心_工作联系函.ofd");
    assert!(parts(&sealed).keys().any(|k| k.ends_with(".png")), "the seal is an image resource");

    // Deterministic: the same workbook again gives the same bytes.
    let again = generate("ofd-again");
    for ofd in ofds() {
        let other = again.join(ofd.file_name().unwrap());
        assert!(std::fs::read(&ofd).unwrap() == std::fs::read(&other).unwrap(), "{} differs", ofd.display());
    }
    let _ = std::fs::remove_dir_all(again.parent().unwrap());
}

/// The Python that runs the readers, if it has `modules`; else the check skips.
fn python_with(modules: &str, what: &str) -> Option<String> {
    let python = std::env::var("GONGWEN_OFD_PYTHON").unwrap_or_else(|_| "python3".into());
    let ok =
        Command::new(&python).args(["-c", &format!("import {modules}")]).output().is_ok_and(|o| o.status.success());
    if !ok {
        skip(what, &format!("{python} cannot import {modules} (pip install ofdkit==0.2.0 ofd2img==0.1.2)"));
        return None;
    }
    Some(python)
}

fn run_python(python: &str, script: &str, args: &[&Path]) -> String {
    let o = Command::new(python).arg("-c").arg(script).args(args).output().expect("run python");
    assert!(o.status.success(), "reader failed: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

/// ofdkit: for each file, its DocInfo, each page's text runs in the order the page holds
/// them (whitespace dropped) and the pages' IDs in page order, as JSON.
const OFDKIT: &str = r#"
import json, re, sys, ofdkit
out = []
for path in sys.argv[1:]:
    with ofdkit.open(path) as d:
        i = d.info
        out.append({"title": i.title, "author": i.author, "date": i.creation_date,
                    "pages": [re.sub(r"\s", "", "".join(r.text for r in p.runs)) for p in d.pages],
                    "ids": [p.id for p in d.pages]})
print(json.dumps(out, ensure_ascii=False))
"#;

/// ofdkit's reading ([`OFDKIT`]) of each of `files`, in order.
fn ofdkit(python: &str, files: &[PathBuf]) -> Vec<serde_json::Value> {
    let paths: Vec<&Path> = files.iter().map(|p| p.as_path()).collect();
    serde_json::from_str(&run_python(python, OFDKIT, &paths)).unwrap()
}

/// Every .ofd read by ofdkit has our PDF's pages and text: page by page, the text of its runs
/// in the order the page holds them equals `pdftotext -raw` of the PDF (the content stream's
/// order — both files draw the laid-out items in the same order), whitespace ignored. (Each
/// tool's own reading order is a heuristic of its own: on the sample they differ in table cells
/// and on lines with wide gaps, so that is not what is compared.) Title, author (发函部门) and
/// creation date are the PDF's. A bundle's or packet's pages are the PDF bundle's, its blank
/// back pages blank in both.
#[test]
fn ofdkit_reads_our_pdfs_text_and_metadata_from_every_ofd() {
    let Some(python) = python_with("ofdkit", "reading the .ofd files with ofdkit") else { return };
    if !have("pdftotext") {
        return;
    }
    let files = ofds();
    let read = ofdkit(&python, &files);
    let mut pages = 0;
    for (ofd, got) in files.iter().zip(&read) {
        let name = ofd.file_name().unwrap().to_string_lossy();
        let pdf = ofd.with_extension("pdf");
        let o = Command::new("pdftotext").args(["-raw", "-enc", "UTF-8"]).arg(&pdf).arg("-").output().unwrap();
        let raw = String::from_utf8(o.stdout).unwrap();
        let want: Vec<String> = raw.split('\u{c}').map(squeezed).collect();
        let got_pages: Vec<String> =
            got["pages"].as_array().unwrap().iter().map(|p| p.as_str().unwrap().into()).collect();
        assert_eq!(got_pages.len(), pdf_pages(&pdf), "{name}: page count");
        for (i, text) in got_pages.iter().enumerate() {
            assert_eq!(text, &want[i], "{name} p.{}", i + 1);
            assert!(!text.is_empty() || is_bundle(ofd), "{name} p.{}", i + 1);
        }
        pages += got_pages.len();
        let o = Command::new("pdfinfo").args(["-isodates"]).arg(&pdf).output().unwrap();
        let info = String::from_utf8(o.stdout).unwrap();
        let field = |f: &str| {
            info.lines()
                .find_map(|l| l.strip_prefix(&format!("{f}:")).map(|v| v.trim().to_string()))
                .unwrap_or_default()
        };
        assert_eq!(got["title"].as_str().unwrap_or(""), field("Title"), "{name}");
        assert_eq!(got["author"].as_str().unwrap_or(""), field("Author"), "{name}");
        assert_eq!(got["date"].as_str().unwrap(), &field("CreationDate")[..10], "{name}");
    }
    eprintln!("ofdkit: {} files, {pages} pages, text equal to pdftotext's on every page", files.len());
}

/// Every bundle and packet .ofd has its PDF's pages and bookmarks: as many pages, and one
/// outline entry per bookmark, in order, with the bookmark's title, going to the page the
/// bookmark goes to. The PDF's outline is qpdf's reading (`qpdf --json`, see
/// `common::outline`); the .ofd's is read from its `Document.xml` (no reader here reads OFD
/// outlines) and each entry's `PageID` is looked up in ofdkit's list of the pages' IDs.
#[test]
fn bundles_and_packets_have_their_pdfs_pages_and_bookmarks() {
    let Some(python) = python_with("ofdkit", "reading the bundles' pages with ofdkit") else { return };
    if !have("qpdf") || !have("pdfinfo") {
        return;
    }
    let files: Vec<PathBuf> = ofds().into_iter().filter(|f| is_bundle(f)).collect();
    assert_eq!(files.len(), 5 + 6, "a bundle per form, a packet per request");
    let read = ofdkit(&python, &files);
    let mut entries = 0;
    for (ofd, got) in files.iter().zip(&read) {
        let name = ofd.file_name().unwrap().to_string_lossy();
        let pdf = ofd.with_extension("pdf");
        let ids: Vec<&str> = got["ids"].as_array().unwrap().iter().map(|id| id.as_str().unwrap()).collect();
        assert_eq!(ids.len(), pdf_pages(&pdf), "{name}: the PDF's page count");
        let document = Node::parse(&parts(ofd)["Doc_0/Document.xml"]);
        let ours: Vec<(String, usize)> = document
            .child("ofd:Outlines")
            .all("ofd:OutlineElem")
            .iter()
            .map(|entry| {
                let page = entry.all("ofd:Dest")[0].attr("PageID");
                let index = ids.iter().position(|id| *id == page).unwrap_or_else(|| panic!("{name}: no page {page}"));
                (entry.attr("Title").to_string(), index + 1)
            })
            .collect();
        let bookmarks = outline(&pdf);
        assert!(!bookmarks.is_empty(), "{name}: the PDF has bookmarks");
        assert_eq!(ours, bookmarks, "{name}: the outline is the PDF's bookmarks");
        entries += ours.len();
    }
    eprintln!("{} bundles and packets: page counts and {entries} outline entries equal to the PDFs'", files.len());
}

/// How much darker than white the page's marks are in all (Σ 255 − grey over the pixels
/// darker than 192): [`Image::darkness`] without the light shading, which ofd2img does not fill.
fn marks_darkness(image: &Image) -> u64 {
    image.rgb.iter().map(|&[r, g, b]| (r as u64 + g as u64 + b as u64) / 3).filter(|&g| g < 192).map(|g| 255 - g).sum()
}

/// ofd2img: each file drawn (ofd2img → PDF → PyMuPDF pixmap) at the pixel size `pdftoppm -r 60`
/// gives our PDF's pages, as PNGs `<stem>-<page>.png` in the folder given first; beside each,
/// PyMuPDF's drawing of our PDF's page at 60 dpi (`<stem>-<page>.mupdf.png`).
const OFD2IMG: &str = r#"
import os, sys, fitz, logging
from loguru import logger
logger.remove()
logging.disable(logging.CRITICAL)
from ofd2img import OFD
out, pairs = sys.argv[1], sys.argv[2:]
for ofd_path, pdf_path in zip(pairs[::2], pairs[1::2]):
    stem = os.path.splitext(os.path.basename(ofd_path))[0]
    ours = fitz.open(pdf_path)
    o = OFD(); o.read(ofd_path, fmt="path")
    drawn = fitz.open(stream=o.to_pdf(), filetype="pdf")
    # ofd2img draws with reportlab, which saves no last page with nothing drawn on it: a
    # bundle's blank back page at the end is missing from its drawing (it is in the .ofd).
    last = ours[-1]
    blank = not last.get_text().strip() and not last.get_drawings() and not last.get_images()
    assert len(drawn) == len(ours) or (blank and len(drawn) == len(ours) - 1), (ofd_path, len(drawn), len(ours))
    for i, page in enumerate(drawn):
        scale = ours[i].rect.width * 60 / 72 / page.rect.width
        page.get_pixmap(matrix=fitz.Matrix(scale, scale), alpha=False).save(f"{out}/{stem}-{i + 1}.png")
        ours[i].get_pixmap(matrix=fitz.Matrix(60 / 72, 60 / 72), alpha=False).save(f"{out}/{stem}-{i + 1}.mupdf.png")
"#;

/// Every page of every .ofd drawn by ofd2img agrees with poppler's drawing of our PDF: the
/// same page count (but for a blank last page, which ofd2img leaves out: see [`OFD2IMG`]; the
/// .ofd has it, as `bundles_and_packets_have_their_pdfs_pages_and_bookmarks` checks), the same
/// size (±1 px), and, as tests/raster.rs measures our own
/// rasterizer, ≥ 93 % of each one's ink within 1 px of a mark of the other (a glyph, rule or
/// seal missing or a pixel off fails it: the same page 2 px lower is checked not to pass). The
/// bar is a little under raster.rs's 95 % because ofd2img draws dashed cut lines solid (ink
/// poppler leaves white between the dashes) and outlines the shaded cells instead of filling
/// them; measured on the sample the worst page is at 97.8 %.
///
/// The weight of the marks ([`marks_darkness`]) is compared with PyMuPDF's drawing of our PDF,
/// not poppler's: ofd2img's output reaches pixels through PyMuPDF, and at 60 dpi PyMuPDF draws
/// the 10.5–12 pt text of the tables about 25 % lighter than poppler does (the same PDF, drawn
/// by both: 0.76), which says nothing about the .ofd. Against the same rasterizer the sample's
/// pages are at 0.96–1.04 (the 1.04: the solid cut line); the bar is 0.9–1.1, so a missing
/// table grid, a line of text or a bold face shows.
#[test]
fn ofd2img_draws_every_page_where_poppler_draws_our_pdf() {
    let Some(python) = python_with("ofd2img, fitz", "drawing the .ofd files with ofd2img") else { return };
    if !have("pdftoppm") {
        return;
    }
    let files = ofds();
    let dir = tempfile::tempdir().unwrap();
    let drawn = dir.path().join("ofd2img");
    std::fs::create_dir_all(&drawn).unwrap();
    let pdfs: Vec<PathBuf> = files.iter().map(|f| f.with_extension("pdf")).collect();
    let mut args: Vec<&Path> = vec![drawn.as_path()];
    for (ofd, pdf) in files.iter().zip(&pdfs) {
        args.push(ofd);
        args.push(pdf);
    }
    run_python(&python, OFD2IMG, &args);
    let (mut figures, mut blanks) = (Vec::new(), 0);
    for (ofd, pdf) in files.iter().zip(&pdfs) {
        let name = ofd.file_stem().unwrap().to_string_lossy().into_owned();
        let root = dir.path().join("poppler");
        let o = Command::new("pdftoppm").args(["-r", "60", "-png"]).arg(pdf).arg(&root).output().unwrap();
        assert!(o.status.success());
        let count = pdf_pages(pdf);
        for page in 1..=count {
            let width = if count >= 10 { 2 } else { 1 };
            let poppler = Image::read(&dir.path().join(format!("poppler-{page:0width$}.png")));
            let theirs = drawn.join(format!("{name}-{page}.png"));
            if !theirs.exists() && page == count && is_bundle(ofd) {
                assert_eq!(marks_darkness(&poppler), 0, "{name} p.{page}: left out by ofd2img, but not blank");
                continue;
            }
            let theirs = Image::read(&theirs);
            if marks_darkness(&poppler) == 0 {
                // A blank back page: blank in both (there is no ink to compare).
                assert_eq!(marks_darkness(&theirs), 0, "{name} p.{page}: blank in the PDF, not in the .ofd");
                blanks += 1;
                continue;
            }
            assert!(
                theirs.width.abs_diff(poppler.width) <= 1 && theirs.height.abs_diff(poppler.height) <= 1,
                "{name} p.{page}: ofd2img {}×{}, poppler {}×{}",
                theirs.width,
                theirs.height,
                poppler.width,
                poppler.height
            );
            let (a, b) = (covered(&theirs, &poppler, 1), covered(&poppler, &theirs, 1));
            let mupdf = Image::read(&drawn.join(format!("{name}-{page}.mupdf.png")));
            let ratio = marks_darkness(&theirs) as f64 / marks_darkness(&mupdf) as f64;
            eprintln!(
                "{name} p.{page}: ink within 1 px of a mark of the other: ofd2img {:.1} %, poppler {:.1} %; marks darkness / PyMuPDF's of the PDF {ratio:.2}",
                a * 100.0,
                b * 100.0
            );
            figures.push((a, b, ratio, format!("{name} p.{page}")));
            if page == 1 {
                let moved = covered(&theirs.shifted_down(2), &poppler, 1);
                assert!(moved < 0.9, "{name} p.1: moved 2 px down, still {moved:.3}");
            }
        }
    }
    let worst = figures.iter().map(|f| f.0.min(f.1)).fold(1.0, f64::min);
    let (low, high) = figures.iter().fold((f64::MAX, 0.0_f64), |(l, h), f| (l.min(f.2), h.max(f.2)));
    eprintln!(
        "ofd2img: {} pages drawn and {blanks} blank back pages; worst ink agreement {:.1} %, darkness ratios {low:.2}–{high:.2}",
        figures.len(),
        worst * 100.0
    );
    for (a, b, ratio, page) in &figures {
        assert!(*a >= 0.93 && *b >= 0.93, "{page}: {a:.3} / {b:.3}");
        assert!((0.9..=1.1).contains(ratio), "{page}: darkness ratio {ratio:.2}");
    }
}
