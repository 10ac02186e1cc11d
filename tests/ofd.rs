//! `--format ofd`: every .ofd of the sample (with a seal) is a GB/T 33190 package as the
//! standard structures it — checked here element by element — and third-party readers nobody
//! on this project wrote read it as our PDF reads:
//! - `ofdkit` (PyPI, 0.2.0; its own parser) gives, page by page, the same text as `pdftotext`
//!   of our PDF of the same document, and the same title, author and creation date;
//! - `ofd2img` (PyPI, 0.1.2; draws the .ofd's objects with reportlab, using the fonts embedded
//!   in the package) draws every page where poppler draws our PDF's page.
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
use common::image::{covered, Image};
use common::xml::Node;
use common::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

const NS: &str = "http://www.ofdspec.org/2016";

/// The sample's documents as .pdf and .ofd, with 行政部's seal (so there is an ImageObject),
/// generated once for this file.
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
    ]);
    assert!(o.status.success(), "generate failed: {}", stderr(&o));
    out
}

fn ofds() -> Vec<PathBuf> {
    let files = files_with_ext(outputs(), "ofd");
    assert_eq!(files.len(), 30, "one .ofd per document of the sample");
    files
}

/// The parts of a zip, by name.
fn parts(ofd: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(ofd).unwrap()).unwrap();
    let mut out = BTreeMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        out.insert(f.name().unwrap().to_string(), bytes);
    }
    out
}

impl Node {
    fn child(&self, name: &str) -> &Node {
        self.children
            .iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("<{}> has no <{name}>: {:?}", self.name, self.children))
    }

    fn all(&self, name: &str) -> Vec<&Node> {
        let mut out = Vec::new();
        self.walk(&mut |n| {
            if n.name == name {
                out.push(n)
            }
        });
        out
    }

    fn walk<'a>(&'a self, f: &mut impl FnMut(&'a Node)) {
        f(self);
        for c in &self.children {
            c.walk(f);
        }
    }

    fn attr(&self, name: &str) -> &str {
        self.attrs.get(name).unwrap_or_else(|| panic!("<{}> has no {name}", self.name))
    }

    /// The element names of the children, in order.
    fn names(&self) -> Vec<&str> {
        self.children.iter().map(|c| c.name.as_str()).collect()
    }
}

/// Numbers of an `ST_Array` / `ST_Box`.
fn numbers(s: &str) -> Vec<f64> {
    s.split_whitespace().map(|v| v.parse().unwrap_or_else(|_| panic!("not a number: {v} in {s:?}"))).collect()
}

/// The standard's structure, part by part (GB/T 33190-2016 §7): the entry file, the
/// document root, the resource files and every page, with the required elements in schema
/// order and their attributes; every ID unique and at most MaxUnitID; every resource
/// referenced and every reference resolved; each font a TrueType subset whose cmap has every
/// character its text objects draw; DeltaX one fewer than the characters. The same workbook
/// generated again gives the same bytes.
#[test]
fn every_ofd_has_the_standards_structure() {
    let mut objects = 0;
    for ofd in ofds() {
        let name = ofd.file_name().unwrap().to_string_lossy().into_owned();
        let parts = parts(&ofd);
        let part = |path: &str| {
            Node::parse(parts.get(path).unwrap_or_else(|| panic!("{name}: no part {path}: {:?}", parts.keys())))
        };
        let in_ns = |n: &Node| {
            assert_eq!(n.attr("xmlns:ofd"), NS, "{name}: <{}>", n.name);
            n.walk(&mut |e| assert!(e.name.starts_with("ofd:"), "{name}: <{}> outside ofd:", e.name));
        };

        // OFD.xml: the entry.
        let root = part("OFD.xml");
        in_ns(&root);
        assert_eq!(root.name, "ofd:OFD");
        assert_eq!((root.attr("Version"), root.attr("DocType")), ("1.0", "OFD"));
        let body = root.child("ofd:DocBody");
        assert_eq!(body.names(), ["ofd:DocInfo", "ofd:DocRoot"]);
        let info = body.child("ofd:DocInfo");
        let order = ["ofd:DocID", "ofd:Title", "ofd:Author", "ofd:CreationDate", "ofd:Creator", "ofd:CreatorVersion"];
        assert_eq!(info.names(), order, "{name}: DocInfo in schema order");
        let doc_id = &info.child("ofd:DocID").text;
        assert!(doc_id.len() == 32 && doc_id.chars().all(|c| c.is_ascii_hexdigit()), "{name}: DocID {doc_id}");
        assert_eq!(info.child("ofd:Creator").text, "gongwen");
        let date = &info.child("ofd:CreationDate").text;
        assert!(chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").is_ok(), "{name}: CreationDate {date}");
        let doc_root = &body.child("ofd:DocRoot").text;
        assert_eq!(doc_root, "Doc_0/Document.xml");

        // Document.xml: common data and pages.
        let document = part(doc_root);
        in_ns(&document);
        assert_eq!(document.name, "ofd:Document");
        assert_eq!(document.names(), ["ofd:CommonData", "ofd:Pages"]);
        let common = document.child("ofd:CommonData");
        let with_images = parts.keys().any(|k| k.ends_with(".png"));
        let mut want = vec!["ofd:MaxUnitID", "ofd:PageArea", "ofd:PublicRes"];
        if with_images {
            want.push("ofd:DocumentRes");
        }
        assert_eq!(common.names(), want, "{name}: CommonData in schema order");
        let max_id: u32 = common.child("ofd:MaxUnitID").text.parse().unwrap();
        let area = numbers(&common.child("ofd:PageArea").child("ofd:PhysicalBox").text);
        assert!(area.len() == 4 && area[2] > 0.0 && area[3] > 0.0, "{name}: PageArea {area:?}");

        // IDs: every ID attribute of every part.
        let mut ids: Vec<u32> = Vec::new();
        let mut collect = |n: &Node| {
            n.walk(&mut |e| {
                if let Some(id) = e.attrs.get("ID") {
                    ids.push(id.parse().unwrap_or_else(|_| panic!("{name}: ID {id}")));
                }
            })
        };
        collect(&document);

        // Resources.
        let res_dir = "Doc_0/Res/";
        let public = part("Doc_0/PublicRes.xml");
        in_ns(&public);
        assert_eq!((public.name.as_str(), public.attr("BaseLoc")), ("ofd:Res", "Res"));
        collect(&public);
        let mut fonts: HashMap<String, ttf_parser::Face> = HashMap::new();
        for font in public.all("ofd:Font") {
            assert!(!font.attr("FontName").is_empty() && !font.attr("FamilyName").is_empty());
            let file = format!("{res_dir}{}", font.child("ofd:FontFile").text);
            let data = parts.get(&file).unwrap_or_else(|| panic!("{name}: font file {file} missing"));
            let face = ttf_parser::Face::parse(data, 0).unwrap_or_else(|e| panic!("{name}: {file}: {e}"));
            assert!(face.tables().glyf.is_some() && face.tables().cmap.is_some(), "{name}: {file} is TrueType");
            fonts.insert(font.attr("ID").to_string(), face);
        }
        assert!(!fonts.is_empty(), "{name}: fonts embedded");
        let mut media: BTreeSet<String> = BTreeSet::new();
        if with_images {
            assert_eq!(common.child("ofd:DocumentRes").text, "DocumentRes.xml");
            let res = part("Doc_0/DocumentRes.xml");
            in_ns(&res);
            collect(&res);
            for m in res.all("ofd:MultiMedia") {
                assert_eq!((m.attr("Type"), m.attr("Format")), ("Image", "PNG"));
                let file = format!("{res_dir}{}", m.child("ofd:MediaFile").text);
                assert!(parts[&file].starts_with(b"\x89PNG"), "{name}: {file}");
                media.insert(m.attr("ID").to_string());
            }
        }

        // Pages.
        let pages = document.child("ofd:Pages").all("ofd:Page");
        assert!(!pages.is_empty());
        let (mut fonts_used, mut media_used) = (BTreeSet::new(), BTreeSet::new());
        for page in pages {
            let content = part(&format!("Doc_0/{}", page.attr("BaseLoc")));
            in_ns(&content);
            collect(&content);
            assert_eq!(content.name, "ofd:Page");
            assert_eq!(content.names(), ["ofd:Area", "ofd:Content"], "{name}: page in schema order");
            let bx = numbers(&content.child("ofd:Area").child("ofd:PhysicalBox").text);
            assert!(bx[2] == 210.0 && bx[3] == 297.0 || bx[2] == 297.0 && bx[3] == 210.0, "{name}: A4 {bx:?}");
            let layer = content.child("ofd:Content").child("ofd:Layer");
            assert_eq!(layer.attr("Type"), "Body");
            for object in &layer.children {
                objects += 1;
                let boundary = numbers(object.attr("Boundary"));
                assert!(boundary.len() == 4 && boundary[2] >= 0.0 && boundary[3] >= 0.0, "{name}: {object:?}");
                match object.name.as_str() {
                    "ofd:TextObject" => {
                        let font = object.attr("Font");
                        fonts_used.insert(font.to_string());
                        let face = fonts.get(font).unwrap_or_else(|| panic!("{name}: Font {font} is no font"));
                        assert!(object.attr("Size").parse::<f64>().unwrap() > 0.0);
                        assert_eq!(object.names(), ["ofd:FillColor", "ofd:TextCode"], "{name}: {object:?}");
                        let code = object.child("ofd:TextCode");
                        let chars = code.text.chars().count();
                        numbers(code.attr("X"));
                        numbers(code.attr("Y"));
                        let deltas = code.attrs.get("DeltaX").map_or(0, |d| numbers(d).len());
                        assert_eq!(deltas + 1, chars, "{name}: DeltaX of {:?}", code.text);
                        for c in code.text.chars() {
                            assert!(face.glyph_index(c).is_some(), "{name}: font {font} lacks {c}");
                        }
                    }
                    "ofd:PathObject" => {
                        let stroke = object.attrs.get("Stroke").is_none_or(|s| s == "true");
                        let fill = object.attrs.get("Fill").is_some_and(|s| s == "true");
                        assert!(stroke != fill, "{name}: a rule or a fill: {object:?}");
                        let color = if stroke { "ofd:StrokeColor" } else { "ofd:FillColor" };
                        assert_eq!(object.names(), [color, "ofd:AbbreviatedData"], "{name}: {object:?}");
                        assert_eq!(numbers(object.child(color).attr("Value")).len(), 3);
                        if stroke {
                            assert!(numbers(object.attr("LineWidth"))[0] > 0.0);
                            assert!(["Square", "Butt"].contains(&object.attr("Cap")));
                        }
                        let data = &object.child("ofd:AbbreviatedData").text;
                        assert!(data.starts_with("M "), "{name}: {data}");
                        let ops: Vec<&str> = data.split_whitespace().filter(|t| t.parse::<f64>().is_err()).collect();
                        assert!(ops.iter().all(|o| ["M", "L", "C"].contains(o)), "{name}: {data}");
                    }
                    "ofd:ImageObject" => {
                        let id = object.attr("ResourceID");
                        assert!(media.contains(id), "{name}: ResourceID {id} is no image");
                        media_used.insert(id.to_string());
                        assert_eq!(numbers(object.attr("CTM")).len(), 6);
                    }
                    other => panic!("{name}: unexpected {other}"),
                }
            }
        }
        let font_ids: BTreeSet<String> = fonts.keys().cloned().collect();
        assert_eq!(fonts_used, font_ids, "{name}: every font used");
        assert_eq!(media_used, media, "{name}: every image used");
        let distinct: BTreeSet<u32> = ids.iter().copied().collect();
        assert_eq!(distinct.len(), ids.len(), "{name}: IDs unique");
        assert_eq!(ids.iter().max(), Some(&max_id), "{name}: MaxUnitID is the largest ID");
        assert!(!ids.contains(&0), "{name}: IDs are positive");
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

/// ofdkit: for each file, its DocInfo and each page's text runs in the order the page holds
/// them (whitespace dropped), as JSON.
const OFDKIT: &str = r#"
import json, re, sys, ofdkit
out = []
for path in sys.argv[1:]:
    with ofdkit.open(path) as d:
        i = d.info
        out.append({"title": i.title, "author": i.author, "date": i.creation_date,
                    "pages": [re.sub(r"\s", "", "".join(r.text for r in p.runs)) for p in d.pages]})
print(json.dumps(out, ensure_ascii=False))
"#;

/// Every .ofd read by ofdkit has our PDF's pages and text: page by page, the text of its runs
/// in the order the page holds them equals `pdftotext -raw` of the PDF (the content stream's
/// order — both files draw the laid-out items in the same order), whitespace ignored. (Each
/// tool's own reading order is a heuristic of its own: on the sample they differ in table cells
/// and on lines with wide gaps, so that is not what is compared.) Title, author (发函部门) and
/// creation date are the PDF's.
#[test]
fn ofdkit_reads_our_pdfs_text_and_metadata_from_every_ofd() {
    let Some(python) = python_with("ofdkit", "reading the .ofd files with ofdkit") else { return };
    if !have("pdftotext") {
        return;
    }
    let files = ofds();
    let paths: Vec<&Path> = files.iter().map(|p| p.as_path()).collect();
    let read: Vec<serde_json::Value> = serde_json::from_str(&run_python(&python, OFDKIT, &paths)).unwrap();
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
            assert!(!text.is_empty(), "{name} p.{}", i + 1);
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
    assert len(drawn) == len(ours), (ofd_path, len(drawn), len(ours))
    for i, page in enumerate(drawn):
        scale = ours[i].rect.width * 60 / 72 / page.rect.width
        page.get_pixmap(matrix=fitz.Matrix(scale, scale), alpha=False).save(f"{out}/{stem}-{i + 1}.png")
        ours[i].get_pixmap(matrix=fitz.Matrix(60 / 72, 60 / 72), alpha=False).save(f"{out}/{stem}-{i + 1}.mupdf.png")
"#;

/// Every page of every .ofd drawn by ofd2img agrees with poppler's drawing of our PDF: the
/// same page count, the same size (±1 px), and, as tests/raster.rs measures our own
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
    let mut figures = Vec::new();
    for (ofd, pdf) in files.iter().zip(&pdfs) {
        let name = ofd.file_stem().unwrap().to_string_lossy().into_owned();
        let root = dir.path().join("poppler");
        let o = Command::new("pdftoppm").args(["-r", "60", "-png"]).arg(pdf).arg(&root).output().unwrap();
        assert!(o.status.success());
        let count = pdf_pages(pdf);
        for page in 1..=count {
            let theirs = Image::read(&drawn.join(format!("{name}-{page}.png")));
            let width = if count >= 10 { 2 } else { 1 };
            let poppler = Image::read(&dir.path().join(format!("poppler-{page:0width$}.png")));
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
        "ofd2img: {} pages drawn; worst ink agreement {:.1} %, darkness ratios {low:.2}–{high:.2}",
        figures.len(),
        worst * 100.0
    );
    for (a, b, ratio, page) in &figures {
        assert!(*a >= 0.93 && *b >= 0.93, "{page}: {a:.3} / {b:.3}");
        assert!((0.9..=1.1).contains(ratio), "{page}: darkness ratio {ratio:.2}");
    }
}
