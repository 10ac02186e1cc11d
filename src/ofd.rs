//! The OFD writer (GB/T 33190-2016, 电子文件存储与交换格式 版式文档): turns laid-out pages
//! ([`Laid`], from `layout`) into an .ofd package, as `pdf` turns them into a PDF. It does no
//! layout: every glyph arrives chosen and positioned, and what is drawn is `layout`'s rule
//! ([`Laid::drawable`], [`LineEnds`], [`gray_level`]), read here, not restated.
//!
//! The package, named for the standard's parts (§7):
//! - `OFD.xml` — the entry: one `DocBody` with its `DocInfo` (title, author = 发函部门,
//!   creation date from the row as in the PDF, creator) and `DocRoot`;
//! - `Doc_0/Document.xml` — `CommonData` (`MaxUnitID`, the default `PageArea`, the two
//!   resource files), one `Page` per laid-out page and, for a print bundle or packet
//!   ([`BundleWriter`]), `Outlines` with an entry per document and `VPreferences` showing them;
//! - `Doc_0/PublicRes.xml` — the fonts, each a subset of a bundled face holding the characters
//!   the document draws (`FontFile`, made by [`crate::package::subset`] as for the .docx);
//! - `Doc_0/DocumentRes.xml` — the seal images (`MultiMedia`, PNG), when there are any;
//! - `Doc_0/Pages/Page_N/Content.xml` — one body layer of `TextObject`s (one per glyph run:
//!   font, size, one `TextCode` with the run's text, its origin and every glyph's advance as
//!   `DeltaX`, so the text is exact and searchable), `PathObject`s (rules, borders, cut lines,
//!   shading) and `ImageObject`s (seals), in the page's drawing order.
//!
//! Units are millimetres (§7.3: the default page unit), origin top-left, y down — the layout's
//! own orientation, so only the unit changes. Every ID in the document is unique and
//! `MaxUnitID` is the largest. Deterministic: no clock, no random IDs (`DocID` is a hash of
//! the pages' content), the zip packed by [`crate::package::Zip`] with fixed timestamps. Pages
//! are packed as they are drawn and the root parts last (the standard fixes no order of the
//! zip's entries; readers find `OFD.xml` by name).

use crate::bundle::Placed;
use crate::fonts::{role_index, ROLES};
use crate::layout::{Item, Laid, LineEnds, Page, TextRun};
use crate::model::{gray_level, Document, FontRole, Gray, RenderError, SealImage, MM};
use crate::package::subset::subset;
use crate::package::xml::Xml;
use crate::package::Zip;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::fmt;

/// The namespace every OFD element is in (§7.1), with the prefix the standard's examples use.
pub const NAMESPACE: &str = "http://www.ofdspec.org/2016";
/// Written as `DocInfo/Creator`.
const CREATOR: &str = "gongwen";

/// A length in points, written in millimetres: at most three decimals (a micrometre), no
/// trailing zeros, never `-0`.
#[derive(Clone, Copy)]
struct Mm(f32);

impl fmt::Display for Mm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let thousandths = (f64::from(self.0) / f64::from(MM) * 1000.0).round() as i64;
        if thousandths < 0 {
            f.write_str("-")?;
        }
        let (whole, frac) = (thousandths.abs() / 1000, thousandths.abs() % 1000);
        if frac == 0 {
            write!(f, "{whole}")
        } else {
            let digits = format!("{frac:03}");
            write!(f, "{whole}.{}", digits.trim_end_matches('0'))
        }
    }
}

/// Lengths separated by spaces (`ST_Box`, `ST_Array`).
struct Mms<'a>(&'a [f32]);

impl fmt::Display for Mms<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, v) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{}", Mm(*v))?;
        }
        Ok(())
    }
}

/// A grey level as an RGB colour value (`CT_Color Value`, the default RGB space, 0–255).
fn color(gray: Gray) -> String {
    let v = gray_level(gray);
    format!("{v} {v} {v}")
}

/// Hands out the document's object IDs (`ST_ID`): 1, 2, 3, … in writing order.
struct Ids(u32);

impl Ids {
    fn next(&mut self) -> u32 {
        self.0 += 1;
        self.0
    }
}

/// One font resource: a subset of a role's face.
struct FontRes {
    id: u32,
    role: FontRole,
    family: String,
    file: String,
    data: std::sync::Arc<Vec<u8>>,
}

/// One image resource: a seal's PNG (the same image drawn twice is one resource).
struct ImageRes {
    id: u32,
    file: String,
    png: std::sync::Arc<Vec<u8>>,
}

/// The characters of a run, one per glyph, each with its advance: what `TextCode` and
/// `DeltaX` say. A glyph whose text is a cluster (a letter-spaced word: the first glyph
/// carries the whole word, the next ones none, see `layout::PlacedGlyph`) gives its
/// characters one to each glyph of the cluster; characters left over are set at the last
/// glyph's position (advance 0 before it), a glyph left without one adds its advance to the
/// character before it.
fn run_chars(run: &TextRun) -> Vec<(char, f32)> {
    let mut out: Vec<(char, f32)> = Vec::new();
    let mut i = 0;
    while i < run.glyphs.len() {
        let first = &run.glyphs[i];
        let mut end = i + 1;
        while end < run.glyphs.len() && run.glyphs[end].text.is_empty() {
            end += 1;
        }
        let chars: Vec<char> = first.text.chars().filter(|c| !c.is_control()).collect();
        let glyphs = &run.glyphs[i..end];
        if chars.is_empty() {
            // A glyph with no text at all: its advance moves the pen after the previous one.
            let advance: f32 = glyphs.iter().map(|g| g.advance).sum();
            match out.last_mut() {
                Some(last) => last.1 += advance,
                None => out.push((' ', advance)),
            }
        } else {
            for (k, &c) in chars.iter().enumerate() {
                let advance = if k + 1 < chars.len() {
                    if k + 1 < glyphs.len() {
                        glyphs[k].advance
                    } else {
                        0.0
                    }
                } else {
                    glyphs[k.min(glyphs.len() - 1)..].iter().map(|g| g.advance).sum()
                };
                out.push((c, advance));
            }
        }
        i = end;
    }
    out
}

/// Write laid-out pages as an .ofd package: fonts embedded as subsets, title/author/date
/// metadata, deterministic bytes. An error says, in Chinese, why the file was not written.
pub fn write_ofd(doc: &Document, laid: &Laid) -> Result<Vec<u8>, RenderError> {
    laid.drawable()?;
    let mut writer = Writer::new();
    if laid.pages.is_empty() {
        // An empty document is one blank sheet, as in the PDF.
        writer.page(&Page { width: doc.page.width, height: doc.page.height, items: Vec::new() })?;
    }
    for page in &laid.pages {
        writer.page(page)?;
    }
    writer.finish(&doc.title, &doc.author, doc.date, &[])
}

/// A print bundle or packet as one .ofd: the documents as [`crate::bundle::place`] placed
/// them, their pages in order (blank pages included), and `Outlines` in `Document.xml` with
/// one entry per document going to its first page — the PDF bundle's bookmarks — shown when
/// the file opens (`VPreferences/PageMode` `UseOutlines`). Documents are added one at a time
/// and their pages packed at once; fonts are subset once for the whole bundle.
pub struct BundleWriter {
    writer: Writer,
    /// Each document's bookmark and the index of its first page.
    outline: Vec<(String, usize)>,
}

impl BundleWriter {
    pub fn new() -> BundleWriter {
        BundleWriter { writer: Writer::new(), outline: Vec::new() }
    }

    /// Draw one placed document's pages, after those added before.
    pub fn add(&mut self, placed: &Placed) -> Result<(), RenderError> {
        debug_assert_eq!(placed.first, self.writer.page_ids.len(), "placed after the pages drawn so far");
        self.outline.push((placed.bookmark.clone(), self.writer.page_ids.len()));
        for page in &placed.pages {
            self.writer.page(page)?;
        }
        Ok(())
    }

    /// The package, with the bundle's title, author (发函部门) and date, and its page count.
    pub fn finish(
        mut self,
        title: &str,
        author: &str,
        date: Option<chrono::NaiveDate>,
    ) -> Result<(Vec<u8>, usize), RenderError> {
        if self.writer.page_ids.is_empty() {
            // An OFD has at least one page, as a PDF does.
            let a4 = crate::model::PageSetup::a4_official();
            self.writer.page(&Page { width: a4.width, height: a4.height, items: Vec::new() })?;
        }
        let pages = self.writer.page_ids.len();
        Ok((self.writer.finish(title, author, date, &self.outline)?, pages))
    }
}

impl Default for BundleWriter {
    fn default() -> Self {
        Self::new()
    }
}

/// An .ofd being written a page at a time: each page's `Content.xml` is packed into the zip as
/// soon as it is made (a bundle of thousands of pages never holds their XML), while the
/// characters each font draws and the images drawn are gathered for the resources, which
/// [`Writer::finish`] writes with the document's root parts. IDs are handed out in drawing
/// order: a font's and an image's when first drawn.
struct Writer {
    zip: Zip,
    ids: Ids,
    /// Per role: its font's ID once the role has drawn a character, and the characters.
    fonts: FontUse,
    images: Vec<ImageRes>,
    page_ids: Vec<u32>,
    /// The first page's size: the document's default `PageArea`.
    first_size: Option<(f32, f32)>,
    /// Hashes every page's content, for `DocID`.
    hash: Sha256,
}

impl Writer {
    fn new() -> Writer {
        let mut hash = Sha256::new();
        hash.update(b"gongwen ofd\0");
        Writer {
            zip: Zip::new(),
            ids: Ids(0),
            fonts: Default::default(),
            images: Vec::new(),
            page_ids: Vec::new(),
            first_size: None,
            hash,
        }
    }

    /// Draw one page (its numbers checked finite by the caller) and pack its content.
    fn page(&mut self, page: &Page) -> Result<(), RenderError> {
        let index = self.page_ids.len();
        self.page_ids.push(self.ids.next());
        self.first_size.get_or_insert((page.width, page.height));
        let content = page_xml(page, &mut self.fonts, &mut self.images, &mut self.ids);
        self.hash.update(content.as_bytes());
        self.zip.add(&format!("Doc_0/Pages/Page_{index}/Content.xml"), content.as_bytes()).map_err(|_| zip_failed())
    }

    /// The resources and the root parts, after the pages: the finished package.
    fn finish(
        mut self,
        title: &str,
        author: &str,
        date: Option<chrono::NaiveDate>,
        outline: &[(String, usize)],
    ) -> Result<Vec<u8>, RenderError> {
        let mut fonts = Vec::new();
        for role in ROLES {
            let (Some(id), chars) = &self.fonts[role_index(role)] else { continue };
            let made = subset(role, chars).map_err(|_| font_failed())?;
            // The file is named for the font (its family name without spaces, as a PostScript
            // name is): readers built on reportlab (ofd2img) register an embedded font under its
            // file's name and look it up by the `FontName` with the spaces taken out.
            let file = format!("{}.ttf", made.family.replace(' ', ""));
            fonts.push(FontRes { id: *id, role, family: made.family, file, data: made.data });
        }
        let doc_id: String = self.hash.finalize()[..16].iter().map(|b| format!("{b:02x}")).collect();
        let outline: Vec<(&str, u32)> =
            outline.iter().map(|(title, page)| (title.as_str(), self.page_ids[*page])).collect();
        let size = self.first_size.expect("at least one page");
        let document = document_xml(self.ids.0, size, &self.page_ids, &self.images, &outline);
        let mut parts: Vec<(String, &[u8])> = Vec::new();
        let ofd = ofd_xml(title, author, date, &doc_id);
        let public = public_res_xml(&fonts);
        let res = (!self.images.is_empty()).then(|| document_res_xml(&self.images));
        parts.push(("OFD.xml".into(), ofd.as_bytes()));
        parts.push(("Doc_0/Document.xml".into(), document.as_bytes()));
        parts.push(("Doc_0/PublicRes.xml".into(), public.as_bytes()));
        if let Some(res) = &res {
            parts.push(("Doc_0/DocumentRes.xml".into(), res.as_bytes()));
        }
        for font in &fonts {
            parts.push((format!("Doc_0/Res/{}", font.file), &font.data));
        }
        for image in &self.images {
            parts.push((format!("Doc_0/Res/{}", image.file), &image.png));
        }
        for (name, bytes) in parts {
            self.zip.add(&name, bytes).map_err(|_| zip_failed())?;
        }
        self.zip.finish().map_err(|_| zip_failed())
    }
}

fn zip_failed() -> RenderError {
    RenderError("OFD 打包失败（程序内部错误，请报告给维护者）".into())
}

fn font_failed() -> RenderError {
    RenderError("OFD 写入器无法为此文件制作字体子集（程序内部错误，请报告给维护者）".into())
}

/// The creation date `DocInfo` states: the document's own date, else `SOURCE_DATE_EPOCH`'s
/// day (UTC), else none — as the PDF's (`ST_Date` is a date without time).
fn creation_date(date: Option<chrono::NaiveDate>, source_date_epoch: Option<&str>) -> Option<chrono::NaiveDate> {
    if date.is_some() {
        return date;
    }
    let epoch: i64 = source_date_epoch?.trim().parse().ok()?;
    Some(chrono::DateTime::from_timestamp(epoch, 0)?.date_naive())
}

fn ofd_xml(title: &str, author: &str, date: Option<chrono::NaiveDate>, doc_id: &str) -> String {
    let mut x = Xml::new();
    x.open("ofd:OFD", &[("xmlns:ofd", &NAMESPACE), ("Version", &"1.0"), ("DocType", &"OFD")]);
    x.open("ofd:DocBody", &[]);
    x.open("ofd:DocInfo", &[]);
    x.text_element("ofd:DocID", &[], doc_id);
    if !title.is_empty() {
        x.text_element("ofd:Title", &[], title);
    }
    if !author.is_empty() {
        x.text_element("ofd:Author", &[], author);
    }
    let epoch = std::env::var("SOURCE_DATE_EPOCH").ok();
    if let Some(date) = creation_date(date, epoch.as_deref()) {
        x.text_element("ofd:CreationDate", &[], &date.format("%Y-%m-%d").to_string());
    }
    x.text_element("ofd:Creator", &[], CREATOR);
    x.text_element("ofd:CreatorVersion", &[], env!("CARGO_PKG_VERSION"));
    x.close("ofd:DocInfo");
    x.text_element("ofd:DocRoot", &[], "Doc_0/Document.xml");
    x.close("ofd:DocBody");
    x.close("ofd:OFD");
    x.finish()
}

/// `Document.xml`: the common data, the page tree and, for a bundle, the outline (§7.5: after
/// `Pages`, then `VPreferences` after where `Permissions` and `Actions` would be) — one
/// `OutlineElem` per document whose click action goes to its first page's top-left corner
/// (`Dest Type="XYZ"`, as the PDF bookmark's `XyzDestination` at 0, 0), the panel shown on opening.
fn document_xml(
    max_id: u32,
    size: (f32, f32),
    page_ids: &[u32],
    images: &[ImageRes],
    outline: &[(&str, u32)],
) -> String {
    let mut x = Xml::new();
    x.open("ofd:Document", &[("xmlns:ofd", &NAMESPACE)]);
    x.open("ofd:CommonData", &[]);
    x.text_element("ofd:MaxUnitID", &[], &max_id.to_string());
    x.open("ofd:PageArea", &[]);
    x.text_element("ofd:PhysicalBox", &[], &Mms(&[0.0, 0.0, size.0, size.1]).to_string());
    x.close("ofd:PageArea");
    x.text_element("ofd:PublicRes", &[], "PublicRes.xml");
    if !images.is_empty() {
        x.text_element("ofd:DocumentRes", &[], "DocumentRes.xml");
    }
    x.close("ofd:CommonData");
    x.open("ofd:Pages", &[]);
    for (i, id) in page_ids.iter().enumerate() {
        x.empty("ofd:Page", &[("ID", id), ("BaseLoc", &format!("Pages/Page_{i}/Content.xml"))]);
    }
    x.close("ofd:Pages");
    if !outline.is_empty() {
        x.open("ofd:Outlines", &[]);
        for (title, page) in outline {
            x.open("ofd:OutlineElem", &[("Title", title)]);
            x.open("ofd:Actions", &[]);
            x.open("ofd:Action", &[("Event", &"CLICK")]);
            x.open("ofd:Goto", &[]);
            x.empty("ofd:Dest", &[("Type", &"XYZ"), ("PageID", page), ("Left", &"0"), ("Top", &"0")]);
            x.close("ofd:Goto");
            x.close("ofd:Action");
            x.close("ofd:Actions");
            x.close("ofd:OutlineElem");
        }
        x.close("ofd:Outlines");
        x.open("ofd:VPreferences", &[]);
        x.text_element("ofd:PageMode", &[], "UseOutlines");
        x.close("ofd:VPreferences");
    }
    x.close("ofd:Document");
    x.finish()
}

fn public_res_xml(fonts: &[FontRes]) -> String {
    let mut x = Xml::new();
    x.open("ofd:Res", &[("xmlns:ofd", &NAMESPACE), ("BaseLoc", &"Res")]);
    if !fonts.is_empty() {
        x.open("ofd:Fonts", &[]);
        for f in fonts {
            let family = crate::docx::font_face(f.role).name;
            let serif = !matches!(f.role, FontRole::Hei);
            x.open("ofd:Font", &[("ID", &f.id), ("FontName", &f.family), ("FamilyName", &family), ("Serif", &serif)]);
            x.text_element("ofd:FontFile", &[], &f.file);
            x.close("ofd:Font");
        }
        x.close("ofd:Fonts");
    }
    x.close("ofd:Res");
    x.finish()
}

fn document_res_xml(images: &[ImageRes]) -> String {
    let mut x = Xml::new();
    x.open("ofd:Res", &[("xmlns:ofd", &NAMESPACE), ("BaseLoc", &"Res")]);
    x.open("ofd:MultiMedias", &[]);
    for img in images {
        x.open("ofd:MultiMedia", &[("ID", &img.id), ("Type", &"Image"), ("Format", &"PNG")]);
        x.text_element("ofd:MediaFile", &[], &img.file);
        x.close("ofd:MultiMedia");
    }
    x.close("ofd:MultiMedias");
    x.close("ofd:Res");
    x.finish()
}

/// Per role ([`role_index`]): its font's ID, once given, and the characters it draws.
type FontUse = [(Option<u32>, BTreeSet<char>); 5];

/// One page's `Content.xml`: its size and one body layer with every item, in drawing order.
fn page_xml(page: &Page, fonts: &mut FontUse, images: &mut Vec<ImageRes>, ids: &mut Ids) -> String {
    let mut x = Xml::new();
    x.open("ofd:Page", &[("xmlns:ofd", &NAMESPACE)]);
    x.open("ofd:Area", &[]);
    x.text_element("ofd:PhysicalBox", &[], &Mms(&[0.0, 0.0, page.width, page.height]).to_string());
    x.close("ofd:Area");
    x.open("ofd:Content", &[]);
    x.open("ofd:Layer", &[("ID", &ids.next()), ("Type", &"Body")]);
    for item in &page.items {
        match item {
            Item::Text(run) => text_object(&mut x, run, fonts, ids),
            Item::Line { x1, y1, x2, y2, width, gray, dash } => {
                line_object(&mut x, (*x1, *y1), (*x2, *y2), *width, *gray, *dash, ids)
            }
            Item::Fill { x: fx, y, w, h, gray } => fill_object(&mut x, *fx, *y, *w, *h, *gray, ids),
            Item::Image { x: ix, y, w, h, image, .. } => image_object(&mut x, *ix, *y, *w, *h, image, images, ids),
        }
    }
    x.close("ofd:Layer");
    x.close("ofd:Content");
    x.close("ofd:Page");
    x.finish()
}

/// One run: a `TextObject` whose boundary holds the run's em boxes (a reader may clip to it),
/// with one `TextCode` — the origin of the first glyph relative to the boundary, the text, and
/// the distance from each character to the next (`DeltaX`, one fewer than the characters).
fn text_object(x: &mut Xml, run: &TextRun, fonts: &mut FontUse, ids: &mut Ids) {
    let chars = run_chars(run);
    if chars.is_empty() || run.size <= 0.0 {
        return;
    }
    let (font, used) = &mut fonts[role_index(run.font)];
    let font = *font.get_or_insert_with(|| ids.next());
    used.extend(chars.iter().map(|c| c.0));
    let width: f32 = chars.iter().map(|c| c.1).sum::<f32>().max(run.size);
    // The em box above the baseline, and room for descenders below it.
    let (top, height) = (run.baseline - run.size, run.size * 1.5);
    let boundary = Mms(&[run.x, top, width + run.size, height]).to_string();
    x.open("ofd:TextObject", &[("ID", &ids.next()), ("Boundary", &boundary), ("Font", &font), ("Size", &Mm(run.size))]);
    x.empty("ofd:FillColor", &[("Value", &"0 0 0")]);
    let text: String = chars.iter().map(|c| c.0).collect();
    let deltas: Vec<f32> = chars[..chars.len() - 1].iter().map(|c| c.1).collect();
    let origin_y = Mm(run.size);
    if deltas.is_empty() {
        x.text_element("ofd:TextCode", &[("X", &"0"), ("Y", &origin_y)], &text);
    } else {
        x.text_element("ofd:TextCode", &[("X", &"0"), ("Y", &origin_y), ("DeltaX", &Mms(&deltas))], &text);
    }
    x.close("ofd:TextObject");
}

/// A straight line as a stroked `PathObject`, its ends as [`LineEnds::of`] says; the boundary
/// is the line's box grown by its width on every side (square ends reach half the width out).
fn line_object(
    x: &mut Xml,
    from: (f32, f32),
    to: (f32, f32),
    width: f32,
    gray: Gray,
    dash: Option<(f32, f32)>,
    ids: &mut Ids,
) {
    if width <= 0.0 {
        return;
    }
    let (left, top) = (from.0.min(to.0) - width, from.1.min(to.1) - width);
    let (w, h) = ((from.0 - to.0).abs() + 2.0 * width, (from.1 - to.1).abs() + 2.0 * width);
    let cap = match LineEnds::of(dash) {
        LineEnds::Square => "Square",
        LineEnds::Butt => "Butt",
    };
    let boundary = Mms(&[left, top, w, h]).to_string();
    let id = ids.next();
    let line_width = Mm(width);
    let mut attrs: Vec<(&str, &dyn fmt::Display)> =
        vec![("ID", &id), ("Boundary", &boundary), ("LineWidth", &line_width), ("Cap", &cap)];
    let pattern = dash.map(|(on, off)| Mms(&[on, off]).to_string());
    if let Some(p) = &pattern {
        attrs.push(("DashOffset", &"0"));
        attrs.push(("DashPattern", p));
    }
    attrs.push(("Stroke", &true));
    attrs.push(("Fill", &false));
    x.open("ofd:PathObject", &attrs);
    x.empty("ofd:StrokeColor", &[("Value", &color(gray))]);
    let path = format!("M {} {} L {} {}", Mm(from.0 - left), Mm(from.1 - top), Mm(to.0 - left), Mm(to.1 - top));
    x.text_element("ofd:AbbreviatedData", &[], &path);
    x.close("ofd:PathObject");
}

/// A filled rectangle (cell shading) as a filled, unstroked `PathObject`.
fn fill_object(x: &mut Xml, left: f32, top: f32, w: f32, h: f32, gray: Gray, ids: &mut Ids) {
    if w <= 0.0 || h <= 0.0 {
        return;
    }
    let boundary = Mms(&[left, top, w, h]).to_string();
    x.open("ofd:PathObject", &[("ID", &ids.next()), ("Boundary", &boundary), ("Stroke", &false), ("Fill", &true)]);
    x.empty("ofd:FillColor", &[("Value", &color(gray))]);
    let path = format!("M 0 0 L {w} 0 L {w} {h} L 0 {h} C", w = Mm(w), h = Mm(h));
    x.text_element("ofd:AbbreviatedData", &[], &path);
    x.close("ofd:PathObject");
}

/// A seal: an `ImageObject` whose CTM scales the image's unit square to `w` × `h` (§10.2).
#[allow(clippy::too_many_arguments)]
fn image_object(
    x: &mut Xml,
    left: f32,
    top: f32,
    w: f32,
    h: f32,
    image: &SealImage,
    images: &mut Vec<ImageRes>,
    ids: &mut Ids,
) {
    if w <= 0.0 || h <= 0.0 {
        return;
    }
    // The same image drawn again is the same resource.
    let res = match images.iter().position(|r| r.png == image.png) {
        Some(i) => &images[i],
        None => {
            let id = ids.next();
            images.push(ImageRes { id, file: format!("image_{id}.png"), png: image.png.clone() });
            images.last().expect("just added")
        }
    };
    let boundary = Mms(&[left, top, w, h]).to_string();
    let ctm = format!("{} 0 0 {} 0 0", Mm(w), Mm(h));
    x.empty("ofd:ImageObject", &[("ID", &ids.next()), ("Boundary", &boundary), ("CTM", &ctm), ("ResourceID", &res.id)]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::PlacedGlyph;

    #[test]
    fn millimetres_are_written_short_and_exact() {
        assert_eq!(Mm(0.0).to_string(), "0");
        assert_eq!(Mm(MM * 210.0).to_string(), "210");
        assert_eq!(Mm(72.0).to_string(), "25.4");
        assert_eq!(Mm(-0.0001).to_string(), "0");
        assert_eq!(Mm(-72.0).to_string(), "-25.4");
        assert_eq!(Mm(1.0).to_string(), "0.353");
    }

    #[test]
    fn a_cluster_gives_one_character_per_glyph() {
        let g = |text: &str, advance: f32| PlacedGlyph { glyph: 1, advance, text: text.into() };
        let run = TextRun {
            font: FontRole::FangSong,
            size: 16.0,
            x: 0.0,
            baseline: 0.0,
            glyphs: vec![g("回执", 48.0), g("", 16.0), g("甲", 16.0)],
            mark: crate::layout::Mark::DECORATION,
        };
        assert_eq!(run_chars(&run), vec![('回', 48.0), ('执', 16.0), ('甲', 16.0)]);
        let odd = TextRun { glyphs: vec![g("ab", 10.0), g("c", 5.0), g("", 3.0)], ..run };
        assert_eq!(run_chars(&odd), vec![('a', 0.0), ('b', 10.0), ('c', 8.0)]);
    }

    fn doc() -> Document {
        Document {
            title: "样张".into(),
            author: "行政部".into(),
            date: chrono::NaiveDate::from_ymd_opt(2026, 3, 5),
            page: crate::model::PageSetup::a4_official(),
            page_numbers: crate::model::PageNumbers::None,
            blocks: Vec::new(),
            styles: Vec::new(),
        }
    }

    fn part(ofd: &[u8], name: &str) -> String {
        use std::io::Read;
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(ofd)).unwrap();
        let mut s = String::new();
        zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
        s
    }

    /// An empty document is one blank A4 page (as in the PDF), with its metadata, and the
    /// same bytes every time.
    #[test]
    fn an_empty_document_is_one_blank_page() {
        let laid = Laid { pages: Vec::new(), seals: Vec::new(), structure: Vec::new() };
        let ofd = write_ofd(&doc(), &laid).unwrap();
        assert_eq!(ofd, write_ofd(&doc(), &laid).unwrap());
        let document = part(&ofd, "Doc_0/Document.xml");
        assert!(document.contains("<ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox>"), "{document}");
        assert_eq!(document.matches("<ofd:Page ").count(), 1);
        let entry = part(&ofd, "OFD.xml");
        for want in ["<ofd:Title>样张</ofd:Title>", "<ofd:Author>行政部</ofd:Author>", "2026-03-05"] {
            assert!(entry.contains(want), "{entry}");
        }
    }

    /// A number that is not finite never reaches the file: the document fails as the PDF does.
    #[test]
    fn pages_with_a_nan_are_refused() {
        let a4 = crate::model::PageSetup::a4_official();
        let line = Item::Line { x1: 0.0, y1: f32::NAN, x2: 1.0, y2: 1.0, width: 1.0, gray: 0.0, dash: None };
        let laid = Laid {
            pages: vec![Page { width: a4.width, height: a4.height, items: vec![line] }],
            seals: Vec::new(),
            structure: Vec::new(),
        };
        assert!(write_ofd(&doc(), &laid).unwrap_err().0.contains("无效的数值"));
    }

    /// A bundle: the placed documents' pages in order, blank back pages included, and an
    /// outline entry per document going to the ID of its first page.
    #[test]
    fn a_bundle_has_an_outline_entry_per_document_at_its_first_page() {
        let a4 = crate::model::PageSetup::a4_official();
        let page = || Page { width: a4.width, height: a4.height, items: Vec::new() };
        let parts = [("甲", 1), ("乙", 2)].map(|(name, n)| crate::bundle::BundlePart {
            bookmark: name.into(),
            doc: doc(),
            laid: Laid { pages: (0..n).map(|_| page()).collect(), seals: Vec::new(), structure: Vec::new() },
        });
        let mut writer = BundleWriter::new();
        for placed in crate::bundle::place(parts) {
            writer.add(&placed.unwrap()).unwrap();
        }
        let (ofd, pages) = writer.finish("打印合集_样张", "行政部", None).unwrap();
        assert_eq!(pages, 4);
        let document = part(&ofd, "Doc_0/Document.xml");
        let values = |attr: &str| -> Vec<String> {
            document.split(&format!(" {attr}=\"")).skip(1).map(|v| v.split('"').next().unwrap().to_string()).collect()
        };
        let ids: Vec<String> =
            document.split("<ofd:Page ID=\"").skip(1).map(|v| v.split('"').next().unwrap().to_string()).collect();
        assert_eq!(ids.len(), 4);
        assert_eq!(values("Title"), ["甲", "乙"]);
        assert_eq!(values("PageID"), [ids[0].clone(), ids[2].clone()]);
        assert!(document.contains("<ofd:PageMode>UseOutlines</ofd:PageMode>"), "{document}");
        assert!(part(&ofd, "OFD.xml").contains("<ofd:Title>打印合集_样张</ofd:Title>"));
    }

    #[test]
    fn creation_date_comes_from_the_data_then_source_date_epoch() {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 5);
        assert_eq!(creation_date(day, Some("0")), day);
        assert_eq!(creation_date(None, Some(" 1772699415\n")), day);
        assert_eq!(creation_date(None, Some("soon")), None);
    }
}
