//! The PDF byte writer: turns laid-out pages ([`Laid`], from `layout`) into PDF bytes with
//! krilla. It owns the krilla font objects (built once per process, shared by every thread),
//! the drawing of glyph runs, lines and fills, and the document metadata. It does no layout:
//! every glyph arrives already chosen and positioned.
//!
//! Fonts are embedded as subsets (krilla always subsets) with a ToUnicode map built from each
//! glyph's `text`, so the text can be searched and copied. Output is deterministic: krilla
//! derives the file IDs from the content, and the creation date comes from the document's data
//! (or `SOURCE_DATE_EPOCH`), never from the clock.

use crate::bundle::Placed;
use crate::fonts::{font_bytes, role_index, ROLES};
use crate::layout::{Item, Laid, LineEnds, Page, TextRun};
use crate::model::{gray_level, Document, FontRole, Gray, RenderError, SealImage};
use krilla::color::luma;
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::image::Image;
use krilla::metadata::{DateTime, Metadata};
use krilla::page::PageSettings;
use krilla::paint::{Fill, LineCap, Stroke, StrokeDash};
use krilla::surface::Surface;
use krilla::text::{Font, GlyphId, KrillaGlyph};
use krilla::SerializeSettings;
use std::sync::OnceLock;
use tagging::Marker;

mod archival;
mod tagging;

pub use archival::Standard;

/// Written as the PDF /Creator.
const CREATOR: &str = "gongwen";
/// Main language of every document (PDF /Lang).
const LANGUAGE: &str = "zh-CN";

/// Write laid-out pages as a PDF of `standard`: tagged, fonts embedded as subsets with
/// ToUnicode, title/author metadata, deterministic bytes (no wall-clock dates: creation date
/// from `doc.date` or `SOURCE_DATE_EPOCH` or none). An error says, in Chinese, why krilla
/// refused the file (for PDF/A: what does not conform).
pub fn write_pdf(doc: &Document, laid: &Laid, standard: Standard) -> Result<Vec<u8>, RenderError> {
    laid.drawable()?;
    let mut pdf = krilla::Document::new_with(serialize_settings(standard));
    let mut tags = krilla::tagging::TagTree::new();
    for node in draw_document(&mut pdf, doc, laid) {
        tags.push(node);
    }
    pdf.set_tag_tree(tags);
    pdf.set_metadata(metadata(&doc.title, &doc.author, doc.date));
    finish(pdf, standard)
}

/// The file's bytes. A PDF/A validator's refusal says what does not conform; otherwise krilla
/// fails only on bad input it was given (e.g. a zero-sized page), which the layout engine
/// should never produce: a bug. Either is this file's failure (a 未生成 line), not the end of
/// the batch.
fn finish(pdf: krilla::Document, standard: Standard) -> Result<Vec<u8>, RenderError> {
    pdf.finish().map_err(|e| match e {
        krilla::error::KrillaError::Validation(errors) => archival::refused(standard, &errors),
        _ => krilla_failed(),
    })
}

/// Write many documents as one PDF for duplex printing, as [`crate::bundle::place`] placed
/// them: each document's pages (its blank pages included) in order, and an outline with one
/// bookmark per document pointing at its first page, shown when the file opens
/// ([`show_outlines`]). `placed` is consumed one at a time — each document's pages are drawn
/// and dropped before the next is asked for (krilla keeps only the compressed page streams and
/// the glyphs used); fonts are subset once for the whole bundle. Returns the bytes and the
/// page count.
pub fn write_bundle(
    title: &str,
    author: &str,
    date: Option<chrono::NaiveDate>,
    standard: Standard,
    placed: impl IntoIterator<Item = Result<Placed, RenderError>>,
) -> Result<(Vec<u8>, usize), RenderError> {
    let mut pdf = krilla::Document::new_with(serialize_settings(standard));
    let mut outline = krilla::outline::Outline::new();
    let mut tags = krilla::tagging::TagTree::new();
    let mut pages = 0;
    for part in placed {
        let part = part?;
        let mut marker = Marker::default();
        for page in &part.pages {
            write_page(&mut pdf, page, &mut marker);
        }
        // Each document of the bundle is a part of its structure.
        let nodes = marker.tree(&part.structure);
        tags.push(krilla::tagging::TagGroup::with_children(krilla::tagging::Tag::Part, nodes));
        let destination = krilla::destination::XyzDestination::new(part.first, Point::from_xy(0.0, 0.0));
        outline.push_child(krilla::outline::OutlineNode::new(part.bookmark, destination));
        pages = part.first + part.pages.len();
    }
    if pages == 0 {
        // A PDF needs at least one page.
        let a4 = crate::model::PageSetup::a4_official();
        write_page(&mut pdf, &Page { width: a4.width, height: a4.height, items: Vec::new() }, &mut Marker::default());
        pages = 1;
    }
    pdf.set_tag_tree(tags);
    pdf.set_outline(outline);
    pdf.set_metadata(metadata(title, author, date));
    let bytes = finish(pdf, standard)?;
    Ok((show_outlines(bytes), pages))
}

/// krilla's errors name fonts and objects in English; the manifest says what it means.
fn krilla_failed() -> RenderError {
    RenderError("PDF 写入器无法写出此文件（程序内部错误，请报告给维护者）".into())
}

/// The bundle as a viewer should open it: with the bookmarks panel shown (`/PageMode
/// /UseOutlines` in the document catalog), so a clerk sees the list of letters at once.
///
/// krilla 0.8 writes the catalog itself and has no setting for the page mode (its `Metadata`
/// sets the page layout, not the mode), so the catalog is given a second revision in an
/// incremental update (ISO 32000-1 §7.5.6) appended to krilla's file: the catalog object again
/// with the key added, a cross-reference section for that one object and a trailer pointing
/// back to krilla's. Readers take the newest revision of an object; nothing of krilla's bytes
/// changes. Should krilla's file not look as expected (a classic cross-reference table, the
/// catalog a plain object), the bundle is left as krilla wrote it.
fn show_outlines(pdf: Vec<u8>) -> Vec<u8> {
    match outlines_update(&pdf) {
        Some(update) => [pdf, update].concat(),
        None => {
            debug_assert!(false, "krilla's PDF has an unexpected structure; /PageMode not set");
            pdf
        }
    }
}

/// The incremental update that adds `/PageMode /UseOutlines` to the catalog of `pdf`.
fn outlines_update(pdf: &[u8]) -> Option<Vec<u8>> {
    let find = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).position(|w| w == needle);
    let rfind = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).rposition(|w| w == needle);
    /// The unsigned number at the start of `bytes` (after white space), and what follows it.
    fn number(bytes: &[u8]) -> Option<(usize, &[u8])> {
        let bytes = bytes.trim_ascii_start();
        let end = bytes.iter().position(|b| !b.is_ascii_digit()).unwrap_or(bytes.len());
        Some((std::str::from_utf8(&bytes[..end]).ok()?.parse().ok()?, &bytes[end..]))
    }
    // The trailer (its dictionary ends before `startxref`) and where krilla's xref starts.
    let startxref_at = rfind(pdf, b"startxref")?;
    let (xref_offset, _) = number(&pdf[startxref_at + b"startxref".len()..])?;
    let trailer_at = rfind(&pdf[..startxref_at], b"trailer")?;
    let trailer = pdf[trailer_at + b"trailer".len()..startxref_at].trim_ascii();
    if find(trailer, b"/Prev").is_some() || !trailer.ends_with(b">>") {
        return None;
    }
    let (root, rest) = number(&trailer[find(trailer, b"/Root")? + b"/Root".len()..])?;
    let (generation, _) = number(rest)?;
    // The catalog's offset, from krilla's cross-reference table (`xref`, then subsections of
    // `first count` and 20-byte entries).
    let mut at = pdf.get(xref_offset..)?.strip_prefix(b"xref")?;
    let catalog_offset = loop {
        let (first, rest) = number(at)?;
        let (count, rest) = number(rest)?;
        let entries = rest.trim_ascii_start();
        if (first..first + count).contains(&root) {
            let entry = entries.get((root - first) * 20..(root - first + 1) * 20)?;
            break number(entry)?.0;
        }
        at = entries.get(count * 20..)?;
    };
    let object = pdf.get(catalog_offset..)?;
    let header = format!("{root} {generation} obj");
    let body = object.strip_prefix(header.as_bytes())?;
    let dict = body[..find(body, b"endobj")?].trim_ascii();
    if !dict.ends_with(b">>")
        || find(dict, b"/PageMode").is_some()
        || find(dict, b"/Type/Catalog").or(find(dict, b"/Type /Catalog")).is_none()
    {
        return None;
    }
    // The update: the catalog again, its xref entry, the trailer with /Prev.
    let mut update = Vec::new();
    let mut offset = pdf.len();
    if !pdf.ends_with(b"\n") {
        update.push(b'\n');
        offset += 1;
    }
    update.extend_from_slice(format!("{header}\n").as_bytes());
    update.extend_from_slice(&dict[..dict.len() - 2]);
    update.extend_from_slice(b"/PageMode/UseOutlines>>\nendobj\n");
    let new_xref = pdf.len() + update.len();
    update.extend_from_slice(format!("xref\n{root} 1\n{offset:010} {generation:05} n\r\ntrailer\n").as_bytes());
    update.extend_from_slice(&trailer[..trailer.len() - 2]);
    update.extend_from_slice(format!("/Prev {xref_offset}>>\nstartxref\n{new_xref}\n%%EOF\n").as_bytes());
    Some(update)
}

/// krilla's defaults, spelled out: compressed streams, XMP metadata (its IDs are hashes of the
/// content, so deterministic), tagged (the layout's reading structure, see [`tagging`]), and
/// the standard's validator.
fn serialize_settings(standard: Standard) -> SerializeSettings {
    SerializeSettings {
        configuration: standard.configuration(),
        compress_content_streams: true,
        pretty: false,
        ascii_compatible: false,
        xmp_metadata: true,
        enable_tagging: true,
        ..SerializeSettings::default()
    }
}

/// The krilla font of a role. Parsed once per process; `Font` is an `Arc`, so handing out
/// clones is cheap, and the `static` proves it is `Send + Sync`.
fn krilla_font(role: FontRole) -> Font {
    static FONTS: OnceLock<Vec<Font>> = OnceLock::new();
    FONTS.get_or_init(|| {
        ROLES
            .iter()
            .map(|&role| {
                Font::new(font_bytes(role).into(), 0)
                    .unwrap_or_else(|| panic!("bundled font for {role:?} is unreadable"))
            })
            .collect()
    })[role_index(role)]
    .clone()
}

/// The pages of one document, appended to `pdf` (at least one: an empty document is one blank
/// sheet); returns the document's structure tree nodes.
fn draw_document(pdf: &mut krilla::Document, doc: &Document, laid: &Laid) -> Vec<krilla::tagging::Node> {
    let mut marker = Marker::default();
    if laid.pages.is_empty() {
        // A PDF needs at least one page; an empty document is one blank sheet.
        let blank = Page { width: doc.page.width, height: doc.page.height, items: Vec::new() };
        write_page(pdf, &blank, &mut marker);
        return Vec::new();
    }
    for page in &laid.pages {
        write_page(pdf, page, &mut marker);
    }
    marker.tree(&laid.structure)
}

fn metadata(title: &str, author: &str, date: Option<chrono::NaiveDate>) -> Metadata {
    let mut meta = Metadata::new()
        .title(title.to_string())
        .authors(if author.is_empty() { Vec::new() } else { vec![author.to_string()] })
        .creator(CREATOR.to_string())
        .language(LANGUAGE.to_string());
    let source_date_epoch = std::env::var("SOURCE_DATE_EPOCH").ok();
    if let Some(date) = creation_date(date, source_date_epoch.as_deref()) {
        meta = meta.creation_date(date);
    }
    meta
}

/// The document's own date (midnight, no zone), else `SOURCE_DATE_EPOCH` (seconds since
/// 1970, UTC; reproducible-builds convention), else none.
fn creation_date(date: Option<chrono::NaiveDate>, source_date_epoch: Option<&str>) -> Option<DateTime> {
    use chrono::{Datelike, Timelike};
    if let Some(d) = date {
        return Some(DateTime::new(d.year() as u16).month(d.month() as u8).day(d.day() as u8));
    }
    let epoch: i64 = source_date_epoch?.trim().parse().ok()?;
    let t = chrono::DateTime::from_timestamp(epoch, 0)?;
    Some(
        DateTime::new(t.year() as u16)
            .month(t.month() as u8)
            .day(t.day() as u8)
            .hour(t.hour() as u8)
            .minute(t.minute() as u8)
            .second(t.second() as u8)
            .utc_offset_hour(0)
            .utc_offset_minute(0),
    )
}

fn write_page(pdf: &mut krilla::Document, page: &Page, marker: &mut Marker) {
    // Checked by `Laid::drawable`; a blank A4 page should it ever not hold.
    let settings = PageSettings::from_wh(page.width, page.height).unwrap_or_default();
    let mut pdf_page = pdf.start_page_with(settings);
    let mut surface = pdf_page.surface();
    for item in &page.items {
        marker.enter(&mut surface, item);
        match item {
            Item::Text(run) => draw_run(&mut surface, run),
            Item::Line { x1, y1, x2, y2, width, gray, dash } => {
                draw_line(&mut surface, (*x1, *y1), (*x2, *y2), *width, *gray, *dash)
            }
            Item::Fill { x, y, w, h, gray } => draw_fill(&mut surface, *x, *y, *w, *h, *gray),
            Item::Image { x, y, w, h, image, .. } => draw_image(&mut surface, *x, *y, *w, *h, image),
        }
    }
    marker.leave(&mut surface);
    surface.finish();
    pdf_page.finish();
}

/// An electronic seal's PNG, `w` × `h` at (`x`, `y`). The workbook reader has checked the
/// file's header; a PNG krilla still cannot read is left out (the seal area stays clear).
fn draw_image(surface: &mut Surface, x: f32, y: f32, w: f32, h: f32, image: &SealImage) {
    let (Ok(img), Some(size)) = (Image::from_png(image.png.clone().into(), true), Size::from_wh(w, h)) else {
        return;
    };
    surface.push_transform(&Transform::from_translate(x, y));
    surface.draw_image(img, size);
    surface.pop();
}

/// A grey level (0 black … 1 white) as a PDF DeviceGray colour.
fn luma(gray: Gray) -> luma::Color {
    luma::Color::new(gray_level(gray))
}

/// One run of glyphs. Each glyph's `text` becomes its ToUnicode entry (krilla falls back to
/// /ActualText when one glyph stands for different texts in one document).
fn draw_run(surface: &mut Surface, run: &TextRun) {
    if run.glyphs.is_empty() || run.size <= 0.0 {
        return;
    }
    let mut text = String::new();
    let mut range = 0..0;
    let glyphs: Vec<KrillaGlyph> = run
        .glyphs
        .iter()
        .map(|g| {
            // A glyph with no text of its own belongs to the previous glyph's cluster (a
            // letter-spaced word, see layout::PlacedGlyph): krilla marks the cluster with
            // /ActualText, so it copies as the word without the gaps read as spaces.
            if !g.text.is_empty() || range.is_empty() {
                let start = text.len();
                text.push_str(&g.text);
                range = start..text.len();
            }
            // krilla wants advances in em (it multiplies by the font size).
            KrillaGlyph::new(GlyphId::new(g.glyph.into()), g.advance / run.size, 0.0, 0.0, 0.0, range.clone(), None)
        })
        .collect();
    surface.set_fill(Some(Fill::default()));
    surface.set_stroke(None);
    surface.draw_glyphs(Point::from_xy(run.x, run.baseline), &glyphs, krilla_font(run.font), &text, run.size, false);
}

/// A straight line, its ends as [`LineEnds::of`] says.
fn draw_line(
    surface: &mut Surface,
    from: (f32, f32),
    to: (f32, f32),
    width: f32,
    gray: Gray,
    dash: Option<(f32, f32)>,
) {
    if width <= 0.0 {
        return;
    }
    let mut pb = PathBuilder::new();
    pb.move_to(from.0, from.1);
    pb.line_to(to.0, to.1);
    let Some(path) = pb.finish() else { return };
    surface.set_fill(None);
    surface.set_stroke(Some(Stroke {
        paint: luma(gray).into(),
        width,
        line_cap: match LineEnds::of(dash) {
            LineEnds::Square => LineCap::Square,
            LineEnds::Butt => LineCap::Butt,
        },
        dash: dash.map(|(on, off)| StrokeDash { array: vec![on, off], offset: 0.0 }),
        ..Stroke::default()
    }));
    surface.draw_path(&path);
    surface.set_stroke(None);
}

fn draw_fill(surface: &mut Surface, x: f32, y: f32, w: f32, h: f32, gray: Gray) {
    let Some(rect) = Rect::from_xywh(x, y, w, h) else { return };
    let mut pb = PathBuilder::new();
    pb.push_rect(rect);
    let Some(path) = pb.finish() else { return };
    surface.set_stroke(None);
    surface.set_fill(Some(Fill { paint: luma(gray).into(), ..Fill::default() }));
    surface.draw_path(&path);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_not_shaped_like_krillas_is_left_alone() {
        assert!(outlines_update(b"").is_none());
        assert!(outlines_update(b"%PDF-1.7\ntrailer\n<</Root 1 0 R>>\nstartxref\n999\n%%EOF").is_none());
        // Already updated once: a trailer with /Prev is not updated again.
        assert!(outlines_update(b"xref\n0 1\ntrailer\n<</Root 1 0 R/Prev 5>>\nstartxref\n0\n%%EOF").is_none());
    }
    use crate::fonts::fonts;
    use crate::layout::{Mark, PlacedGlyph};
    use crate::model::{PageNumbers, PageSetup};
    use std::path::Path;
    use std::process::Command;

    /// Text runs for `text` set from `x` on `baseline`, one run per stretch of characters that
    /// come from the same font (what the layout engine does with fallback glyphs).
    fn runs(role: FontRole, size: f32, x: f32, baseline: f32, text: &str) -> Vec<Item> {
        let mut out: Vec<TextRun> = Vec::new();
        let mut pen = x;
        for ch in text.chars() {
            let hit = fonts().lookup(role, ch).unwrap_or_else(|| panic!("no glyph for {ch}"));
            let glyph = PlacedGlyph { glyph: hit.glyph, advance: hit.advance_em * size, text: ch.to_string() };
            match out.last_mut() {
                Some(run) if run.font == hit.font => run.glyphs.push(glyph),
                _ => out.push(TextRun {
                    font: hit.font,
                    size,
                    x: pen,
                    baseline,
                    glyphs: vec![glyph],
                    mark: Mark::DECORATION,
                }),
            }
            pen += hit.advance_em * size;
        }
        out.into_iter().map(Item::Text).collect()
    }

    fn doc(title: &str, date: Option<chrono::NaiveDate>) -> Document {
        Document {
            title: title.to_string(),
            author: "行政部".to_string(),
            date,
            page: PageSetup::a4_official(),
            page_numbers: PageNumbers::None,
            blocks: Vec::new(),
            styles: Vec::new(),
        }
    }

    const PAGE1_TITLE: &str = "工作联系函";
    const PAGE1_BODY: &str = "关于协作事项的函✂请沿此线剪下";
    const PAGE2_BODY: &str = "第二页：特此函告。";

    /// Two A4 pages: a title and a body line with a Song fallback ✂ on page 1, a solid rule,
    /// a dashed cut line and a grey fill; one line of text on page 2.
    fn sample() -> Laid {
        let a4 = PageSetup::a4_official();
        let left = a4.margin_left;
        let mut p1 = vec![Item::Fill { x: left, y: 150.0, w: 200.0, h: 30.0, gray: 0.85 }];
        p1.extend(runs(FontRole::FangSong, 22.0, left, 130.0, PAGE1_TITLE));
        p1.extend(runs(FontRole::FangSong, 16.0, left, 171.0, PAGE1_BODY));
        p1.push(Item::Line {
            x1: left,
            y1: 200.0,
            x2: left + a4.text_width(),
            y2: 200.0,
            width: 1.0,
            gray: 0.0,
            dash: None,
        });
        p1.push(Item::Line {
            x1: left,
            y1: 240.0,
            x2: left + a4.text_width(),
            y2: 240.0,
            width: 0.75,
            gray: 0.0,
            dash: Some((4.0, 3.0)),
        });
        let p2 = runs(FontRole::FangSong, 16.0, left, a4.margin_top + 16.0, PAGE2_BODY);
        Laid {
            pages: vec![
                Page { width: a4.width, height: a4.height, items: p1 },
                Page { width: a4.width, height: a4.height, items: p2 },
            ],
            seals: Vec::new(),
            structure: Vec::new(),
        }
    }

    /// Runs a poppler/qpdf tool (`{}` in `args` stands for the PDF's path); `None`, with the
    /// reason printed, when the tool is not installed (a failure under GONGWEN_REQUIRE_TOOLS,
    /// as in CI).
    fn tool(name: &str, args: &[&str], pdf: &Path) -> Option<std::process::Output> {
        let args = args.iter().map(|&a| if a == "{}" { pdf.as_os_str() } else { a.as_ref() });
        match Command::new(name).args(args).output() {
            Ok(out) => Some(out),
            Err(e) => {
                crate::test_skip::skip(&format!("{name} check"), &format!("cannot run {name}: {e}"));
                None
            }
        }
    }

    fn stdout(out: &std::process::Output) -> String {
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn write_sample(dir: &Path) -> std::path::PathBuf {
        let path = dir.join("sample.pdf");
        std::fs::write(
            &path,
            write_pdf(&doc("协作函样张", chrono::NaiveDate::from_ymd_opt(2026, 3, 5)), &sample(), Standard::Plain)
                .unwrap(),
        )
        .unwrap();
        path
    }

    #[test]
    fn a_number_that_is_not_finite_fails_the_document_instead_of_reaching_the_pdf() {
        let d = doc("协作函样张", None);
        let nan_text = |mut laid: Laid| {
            if let Item::Text(run) = &mut laid.pages[0].items[1] {
                run.x = f32::NAN;
            }
            laid
        };
        let inf_line = |mut laid: Laid| {
            laid.pages[1].items.push(Item::Line {
                x1: 0.0,
                y1: f32::INFINITY,
                x2: 1.0,
                y2: 1.0,
                width: 1.0,
                gray: 0.0,
                dash: None,
            });
            laid
        };
        let nan_dash = |mut laid: Laid| {
            if let Some(Item::Line { dash, .. }) = laid.pages[0].items.last_mut() {
                *dash = Some((f32::NAN, 3.0));
            }
            laid
        };
        for (what, laid) in [("text", nan_text(sample())), ("line", inf_line(sample())), ("dash", nan_dash(sample()))] {
            assert!(!laid.is_finite(), "{what}");
            let err = write_pdf(&d, &laid, Standard::Plain).expect_err(what);
            assert!(err.0.contains("无效的数值"), "{what}: {}", err.0);
            let part = crate::bundle::BundlePart { bookmark: what.into(), doc: d.clone(), laid };
            let placed = crate::bundle::place([part]);
            assert!(write_bundle("合集", "行政部", None, Standard::Plain, placed).is_err(), "{what} in a bundle");
        }
        assert!(sample().is_finite() && write_pdf(&d, &sample(), Standard::Plain).is_ok());
    }

    #[test]
    fn same_input_gives_identical_bytes() {
        let d = doc("协作函样张", chrono::NaiveDate::from_ymd_opt(2026, 3, 5));
        let a = write_pdf(&d, &sample(), Standard::Plain).unwrap();
        let b = write_pdf(&d, &sample(), Standard::Plain).unwrap();
        assert!(a.starts_with(b"%PDF-"));
        assert_eq!(a, b);
    }

    #[test]
    fn text_extracts_exactly_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let pdf = write_sample(dir.path());
        let Some(out) = tool("pdftotext", &["-enc", "UTF-8", "{}", "-"], &pdf) else { return };
        assert!(out.status.success(), "{out:?}");
        let text = stdout(&out);
        let pages: Vec<String> =
            text.split('\u{c}').map(|p| p.chars().filter(|c| !c.is_whitespace()).collect()).collect();
        assert_eq!(pages[0], format!("{PAGE1_TITLE}{PAGE1_BODY}"), "page 1 text: {text:?}");
        assert_eq!(pages[1], PAGE2_BODY, "page 2 text: {text:?}");
    }

    #[test]
    fn every_font_is_embedded_subset_with_tounicode() {
        let dir = tempfile::tempdir().unwrap();
        let pdf = write_sample(dir.path());
        let Some(out) = tool("pdffonts", &["{}"], &pdf) else { return };
        assert!(out.status.success(), "{out:?}");
        let listing = stdout(&out);
        // Header, ruler, then one line per font: name type encoding emb sub uni object ID.
        let fonts: Vec<&str> = listing.lines().skip(2).collect();
        assert_eq!(fonts.len(), 2, "FangSong and the Song fallback:\n{listing}");
        for line in fonts {
            let cols: Vec<&str> = line.split_whitespace().collect();
            let n = cols.len();
            assert_eq!(&cols[n - 5..n - 2], &["yes", "yes", "yes"], "emb/sub/uni in: {line}");
            assert!(cols[0].as_bytes()[6] == b'+', "subset tag in name: {line}");
        }
    }

    #[test]
    fn info_has_pages_size_title_author_date() {
        let dir = tempfile::tempdir().unwrap();
        let pdf = write_sample(dir.path());
        let Some(out) = tool("pdfinfo", &["-isodates", "{}"], &pdf) else { return };
        assert!(out.status.success(), "{out:?}");
        let info = stdout(&out);
        let field = |name: &str| {
            info.lines()
                .find_map(|l| l.strip_prefix(&format!("{name}:")).map(|v| v.trim().to_string()))
                .unwrap_or_else(|| panic!("no {name} in:\n{info}"))
        };
        assert_eq!(field("Pages"), "2");
        assert!(field("Page size").starts_with("595.276 x 841.89 pts"), "{info}");
        assert_eq!(field("Title"), "协作函样张");
        assert_eq!(field("Author"), "行政部");
        assert_eq!(field("Creator"), "gongwen");
        assert!(field("CreationDate").starts_with("2026-03-05"), "{info}");
    }

    #[test]
    fn qpdf_finds_no_problem() {
        let dir = tempfile::tempdir().unwrap();
        let pdf = write_sample(dir.path());
        let Some(out) = tool("qpdf", &["--check", "{}"], &pdf) else { return };
        assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), String::from_utf8_lossy(&out.stderr));
    }

    /// Each glyph's origin is where the layout put it: a letter-spaced run (2 em per glyph, so
    /// poppler sees every character as its own word) read back with `pdftotext -bbox`.
    #[test]
    fn glyphs_land_at_their_advances_on_the_baseline() {
        let (x, baseline, size) = (100.0_f32, 300.0_f32, 20.0_f32);
        let mut items = runs(FontRole::FangSong, size, x, baseline, "甲乙丙丁");
        let Item::Text(run) = &mut items[0] else { unreachable!() };
        run.glyphs.iter_mut().for_each(|g| g.advance = 2.0 * size);
        let a4 = PageSetup::a4_official();
        let laid = Laid {
            pages: vec![Page { width: a4.width, height: a4.height, items }],
            seals: Vec::new(),
            structure: Vec::new(),
        };
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("spaced.pdf");
        std::fs::write(&path, write_pdf(&doc("间距", None), &laid, Standard::Plain).unwrap()).unwrap();
        let Some(out) = tool("pdftotext", &["-bbox", "{}", "-"], &path) else { return };
        let html = stdout(&out);
        let attr = |line: &str, name: &str| -> f32 {
            let start = line.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
            line[start..].split('"').next().unwrap().parse().unwrap()
        };
        let words: Vec<&str> = html.lines().filter(|l| l.trim_start().starts_with("<word")).collect();
        assert_eq!(words.len(), 4, "{html}");
        for (i, w) in words.iter().enumerate() {
            let want_x = x + i as f32 * 2.0 * size;
            assert!((attr(w, "xMin") - want_x).abs() < 0.05, "glyph {i} at {w}, want x {want_x}");
            assert!((attr(w, "xMax") - attr(w, "xMin") - size).abs() < 0.05, "glyph {i} is one em wide: {w}");
            assert!(attr(w, "yMin") < baseline && baseline < attr(w, "yMax"), "baseline {baseline} inside {w}");
            assert!((attr(w, "yMax") - attr(w, "yMin") - size).abs() < 0.5, "glyph {i} one em tall: {w}");
        }
    }

    /// Glyphs the layout could not map one-to-one still give a valid PDF with the right text:
    /// a glyph with no text of its own, one glyph id used for two different texts, and the
    /// fallback's .notdef standing for a character no font has. krilla never maps .notdef in
    /// ToUnicode, so that character is drawn as a box and is absent from the extracted text
    /// (`fonts::missing_chars` reports such characters before we get here).
    #[test]
    fn odd_glyph_texts_keep_the_pdf_valid_and_searchable() {
        let a4 = PageSetup::a4_official();
        let mut items = runs(FontRole::FangSong, 16.0, 100.0, 200.0, "甲乙");
        let Item::Text(run) = &mut items[0] else { unreachable!() };
        run.glyphs[1].text.clear();
        let yi = run.glyphs[1].glyph;
        run.glyphs.push(PlacedGlyph { glyph: yi, advance: 16.0, text: "乚".to_string() });
        items.push(Item::Text(TextRun {
            font: FontRole::Song,
            size: 16.0,
            x: 100.0,
            baseline: 240.0,
            glyphs: vec![PlacedGlyph { glyph: 0, advance: 16.0, text: "\u{20000}".to_string() }],
            mark: Mark::DECORATION,
        }));
        let laid = Laid {
            pages: vec![Page { width: a4.width, height: a4.height, items }],
            seals: Vec::new(),
            structure: Vec::new(),
        };
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("odd.pdf");
        std::fs::write(&path, write_pdf(&doc("", None), &laid, Standard::Plain).unwrap()).unwrap();
        let Some(check) = tool("qpdf", &["--check", "{}"], &path) else { return };
        assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));
        let Some(out) = tool("pdftotext", &["-enc", "UTF-8", "{}", "-"], &path) else { return };
        let text: String = stdout(&out).chars().filter(|c| !c.is_whitespace()).collect();
        assert_eq!(text, "甲乚");
    }

    /// A PDF/A file may not draw .notdef: a character no font has is refused, named, and no
    /// bytes come out; a plain PDF draws it as a box.
    #[test]
    fn a_glyph_no_font_has_is_refused_in_pdf_a_with_its_character_named() {
        let a4 = PageSetup::a4_official();
        let glyphs = vec![PlacedGlyph { glyph: 0, advance: 16.0, text: "\u{20000}".to_string() }];
        let run =
            TextRun { font: FontRole::Song, size: 16.0, x: 100.0, baseline: 240.0, glyphs, mark: Mark::Content(0) };
        let page = Page { width: a4.width, height: a4.height, items: vec![Item::Text(run)] };
        let structure = vec![crate::layout::Node::Leaf { leaf: crate::layout::Leaf::Paragraph, id: 0 }];
        let laid = Laid { pages: vec![page], seals: Vec::new(), structure };
        for standard in [Standard::A2b, Standard::A2a, Standard::A3b] {
            let err = write_pdf(&doc("生僻字", None), &laid, standard).expect_err("refused");
            assert!(err.0.starts_with("“\u{20000}”在内置字体中没有字形"), "{}", err.0);
            assert!(err.0.contains(standard.label()), "{}", err.0);
        }
        assert!(write_pdf(&doc("生僻字", None), &laid, Standard::Plain).is_ok());
    }

    /// Page 1 of [`sample`] rendered at 72 dpi (one pixel per point) in grey: (width, pixels).
    fn render_sample_page1(dir: &Path) -> Option<(usize, Vec<u8>)> {
        let pdf = write_sample(dir);
        let root = dir.join("page1");
        let root_arg = root.to_str().unwrap();
        let out = tool("pdftoppm", &["-r", "72", "-gray", "-f", "1", "-l", "1", "-singlefile", "{}", root_arg], &pdf)?;
        assert!(out.status.success(), "{out:?}");
        let pgm = std::fs::read(root.with_extension("pgm")).unwrap();
        // Binary PGM: "P5\n<w> <h>\n255\n" then one byte per pixel.
        let mut fields = pgm.splitn(5, |b| b.is_ascii_whitespace());
        assert_eq!(fields.next(), Some(&b"P5"[..]));
        let width: usize = std::str::from_utf8(fields.next().unwrap()).unwrap().parse().unwrap();
        let header_len = pgm.len() - fields.nth(2).unwrap().len();
        Some((width, pgm[header_len..].to_vec()))
    }

    /// The rule, the dashed cut line and the grey fill of [`sample`] show up where placed.
    #[test]
    fn lines_and_fills_are_drawn_where_placed() {
        let dir = tempfile::tempdir().unwrap();
        let Some((width, px)) = render_sample_page1(dir.path()) else { return };
        let at = |x: usize, y: usize| px[y * width + x];
        // Darkest pixel of column x in rows y-2..=y+2 (a 1 pt line straddles two pixel rows).
        let line_at = |x: usize, y: usize| (y - 2..=y + 2).map(|y| at(x, y)).min().unwrap();
        // Dark stretches along a row, between the type area's edges.
        let dark_runs = |y: usize| {
            let dark: Vec<bool> = (70..540).map(|x| line_at(x, y) < 128).collect();
            dark.windows(2).filter(|w| w[1] && !w[0]).count() + usize::from(dark[0])
        };
        let a4 = PageSetup::a4_official();
        let (left, right) = (a4.margin_left.round() as usize, (a4.margin_left + a4.text_width()).round() as usize);

        assert_eq!(dark_runs(200), 1, "the solid rule is one unbroken line");
        assert!(line_at(left + 1, 200) < 64 && line_at(right - 1, 200) < 64, "rule spans the type area");
        assert!(line_at(left - 3, 200) > 250 && line_at(right + 3, 200) > 250, "rule stops at the margins");
        assert!(at(300, 194) > 250 && at(300, 206) > 250, "rule is thin");

        // 4 pt on, 3 pt off over the 442 pt type area: 64 dashes (the last one cut short).
        let dashes = dark_runs(240);
        assert!((62..=64).contains(&dashes), "{dashes} dashes in the cut line");

        // Fill: grey 0.85 ≈ 217 at (x 79–279, y 150–180), above the text's glyphs at its top.
        assert!((at(200, 152) as i32 - 217).abs() <= 3, "fill grey is {}", at(200, 152));
        assert!(at(300, 152) > 250 && at(200, 146) > 250, "nothing outside the fill");
    }

    #[test]
    fn creation_date_comes_from_the_data_then_source_date_epoch() {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 5);
        let midnight = DateTime::new(2026).month(3).day(5);
        assert_eq!(creation_date(day, Some("0")), Some(midnight));
        let utc = DateTime::new(2026).month(3).day(5).hour(8).minute(30).second(15);
        assert_eq!(creation_date(None, Some(" 1772699415\n")), Some(utc.utc_offset_hour(0).utc_offset_minute(0)));
        assert_eq!(creation_date(None, Some("yesterday")), None);
        assert_eq!(creation_date(None, None), None);
    }

    /// The shared fonts work from many threads at once, and every thread writes the same bytes.
    #[test]
    fn threads_share_fonts_and_write_identical_bytes() {
        let d = doc("协作函样张", None);
        let laid = sample();
        let outputs: Vec<Vec<u8>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..4).map(|_| s.spawn(|| write_pdf(&d, &laid, Standard::Plain).unwrap())).collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert!(outputs.windows(2).all(|w| w[0] == w[1]));
    }

    /// The 千字文 opening: ~400 mostly distinct characters, so a page of it needs a few
    /// hundred glyphs in the subset (more than a typical letter).
    const QIANZIWEN: &str = "天地玄黄宇宙洪荒日月盈昃辰宿列张寒来暑往秋收冬藏闰余成岁律吕调阳云腾致雨露结为霜金生丽水玉出昆冈剑号巨阙珠称夜光果珍李柰菜重芥姜海咸河淡鳞潜羽翔龙师火帝鸟官人皇始制文字乃服衣裳推位让国有虞陶唐吊民伐罪周发殷汤坐朝问道垂拱平章爱育黎首臣伏戎羌遐迩一体率宾归王鸣凤在竹白驹食场化被草木赖及万方盖此身发四大五常恭惟鞠养岂敢毁伤女慕贞洁男效才良知过必改得能莫忘罔谈彼短靡恃己长信使可覆器欲难量墨悲丝染诗赞羔羊景行维贤克念作圣德建名立形端表正空谷传声虚堂习听祸因恶积福缘善庆尺璧非宝寸阴是竞资父事君曰严与敬孝当竭力忠则尽命临深履薄夙兴温清似兰斯馨如松之盛川流不息渊澄取映容止若思言辞安定笃初诚美慎终宜令荣业所基籍甚无竟学优登仕摄职从政存以甘棠去而益咏乐殊贵贱礼别尊卑上和下睦夫唱妇随外受傅训入奉母仪诸姑伯叔犹子比儿孔怀兄弟同气连枝交友投分切磨箴规仁慈隐恻造次弗离节义廉退颠沛匪亏性静情逸心动神疲守真志满逐物意移坚持雅操好爵自縻";

    /// One A4 page of body text: 22 lines × 28 characters (616) of 三号 仿宋 on the official
    /// 28.95 pt pitch, 16 pt characters squeezed by 0.25 pt as the body style does; the text
    /// cycles through the first `distinct` characters of [`QIANZIWEN`].
    fn full_page(role: FontRole, distinct: usize) -> Laid {
        let a4 = PageSetup::a4_official();
        let chars: Vec<char> = QIANZIWEN.chars().take(distinct).cycle().take(22 * 28).collect();
        let items = chars
            .chunks(28)
            .enumerate()
            .flat_map(|(i, line)| {
                let text: String = line.iter().collect();
                let baseline = a4.margin_top + 16.0 + i as f32 * 28.95;
                runs(role, 16.0, a4.margin_left, baseline, &text)
            })
            .map(|item| match item {
                Item::Text(mut run) => {
                    run.glyphs.iter_mut().for_each(|g| g.advance -= 0.25);
                    Item::Text(run)
                }
                other => other,
            })
            .collect();
        Laid {
            pages: vec![Page { width: a4.width, height: a4.height, items }],
            seals: Vec::new(),
            structure: Vec::new(),
        }
    }

    /// Where the ignored tests leave their PDFs for a look (pdftoppm, checkdocs).
    fn samples_dir() -> std::path::PathBuf {
        let dir = std::env::temp_dir().join("gongwen-pdf-samples");
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// `cargo test --release --lib pdf::tests::bench -- --ignored --nocapture`
    #[test]
    #[ignore = "benchmark: run in release with --ignored --nocapture"]
    fn bench_full_page_pdfs() {
        let d = doc("满页测试", chrono::NaiveDate::from_ymd_opt(2026, 3, 5));
        let t0 = std::time::Instant::now();
        let _ = krilla_font(FontRole::FangSong);
        eprintln!("krilla font objects built in {:?}", t0.elapsed());
        write_sample(&samples_dir());
        // ~400 distinct characters (千字文), ~200 (a typical letter), 28 (one line's worth);
        // and the letter-like page in the Song font (CFF-born FangSong vs native glyf).
        let cases =
            [(FontRole::FangSong, 1000), (FontRole::FangSong, 200), (FontRole::FangSong, 28), (FontRole::Song, 200)];
        for (role, distinct) in cases {
            let laid = full_page(role, distinct);
            let first = write_pdf(&d, &laid, Standard::Plain).unwrap();
            std::fs::write(samples_dir().join(format!("full_page_{role:?}_{distinct}.pdf")), &first).unwrap();
            let n = 200;
            let t = std::time::Instant::now();
            for _ in 0..n {
                assert_eq!(write_pdf(&d, &laid, Standard::Plain).unwrap().len(), first.len());
            }
            let secs = t.elapsed().as_secs_f64();
            let used: std::collections::HashSet<char> = QIANZIWEN.chars().take(distinct).collect();
            eprintln!(
                "one page, 616 {role:?} chars, {} distinct: {} bytes; {n} PDFs in {secs:.2} s = {:.1} PDFs/s ({:.2} ms each)",
                used.len(),
                first.len(),
                n as f64 / secs,
                secs * 1000.0 / n as f64
            );
        }
    }
}
