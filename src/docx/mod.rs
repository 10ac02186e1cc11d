//! The DOCX writer: renders a [`Document`] as a complete WordprocessingML package (.docx bytes).
//!
//! Why hand-written XML and not `docx-rs`: docx-rs 0.4.22 writes run and paragraph properties
//! out of ECMA-376 order (Word silently drops out-of-order fonts), leaves parts unlinked, has no
//! `w:tblHeader` and stores its zip entries uncompressed (see shared/research/crates.md §1).
//! The parts we need are few and small, so we write them ourselves: [`crate::package::xml::Xml`] (a thin
//! builder over `quick_xml::escape`) emits every element in schema order, one function per
//! part or element kind, and `zip` packs the parts deflated, in a fixed order, with fixed
//! timestamps — the same document always gives the same bytes.
//!
//! Layout: `body` writes word/document.xml (paragraphs, runs, tables, rules, cut lines, seals,
//! keep-together groups, section properties); `parts` writes every other part (styles, settings,
//! font table, footers, relationships, content types, document properties). This file holds
//! the shared pieces: the font-name table, the writer's options, unit conversions, the page
//! geometry. `embed` says which subsets the package carries (`crate::package` makes them and
//! packs the zip, for the OFD writer too).

mod body;
mod embed;
mod parts;
mod seal;
mod stylesheet;

#[cfg(test)]
mod tests;

use crate::model::{Document, FontRole, PageNumbers, PageSetup, RenderError, MM};

/// A font as a DOCX names it: `name` goes into every `w:rFonts` attribute (ascii, hAnsi,
/// eastAsia, cs — one face for everything, as the PDF uses one bundled font per role);
/// the rest describes it in word/fontTable.xml so a machine without it substitutes sensibly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FontFace {
    /// The bundled face's own family name (name ID 1 of fonts/Gongwen*.ttf): what the
    /// embedded subset installs as, and what LibreOffice finds through fonts/fontconfig.
    pub name: &'static str,
    /// `w:altName`: the installed face of the same style a Chinese Windows/WPS machine has,
    /// looked up when the named face is neither installed nor embedded.
    pub alt_name: &'static str,
    /// `w:family`: roman / swiss / modern / script / decorative / auto.
    pub family: &'static str,
    /// `w:pitch`: fixed / variable / default.
    pub pitch: &'static str,
}

/// Font role → the face named in the .docx: our bundled faces under their own names (a
/// bundled face must not carry another foundry's name), each with the face a Chinese
/// Windows/WPS installation has for that role as `w:altName` (仿宋, 黑体, 楷体, 宋体; for the
/// title 方正小标宋简体, which government and office machines install — elsewhere the
/// substitution by charset and family lands on 宋体). By default the .docx also carries a
/// subset of every face it names ([`embed`]). Family and pitch describe our faces (all
/// proportional; Noto Serif/Sans, FandolFang, LXGW WenKai), not the Windows ones.
pub const FONT_FACES: [(FontRole, FontFace); 5] = [
    (
        FontRole::Title,
        FontFace { name: "Gongwen Title", alt_name: "方正小标宋简体", family: "roman", pitch: "variable" },
    ),
    (FontRole::FangSong, FontFace { name: "Gongwen FangSong", alt_name: "仿宋", family: "roman", pitch: "variable" }),
    (FontRole::Hei, FontFace { name: "Gongwen Hei", alt_name: "黑体", family: "swiss", pitch: "variable" }),
    (FontRole::Kai, FontFace { name: "Gongwen Kai", alt_name: "楷体", family: "script", pitch: "variable" }),
    (FontRole::Song, FontFace { name: "Gongwen Song", alt_name: "宋体", family: "roman", pitch: "variable" }),
];

/// The face the .docx names for `role`.
pub fn font_face(role: FontRole) -> &'static FontFace {
    &FONT_FACES.iter().find(|(r, _)| *r == role).expect("every role is in FONT_FACES").1
}

/// The role of the document default (docDefaults): body text.
const DEFAULT_ROLE: FontRole = FontRole::FangSong;

/// Page numbers are 四号 (14 pt) 宋体-style (GB/T 9704 §7.5).
const PAGE_NUMBER_SIZE: f32 = 14.0;
const PAGE_NUMBER_ROLE: FontRole = FontRole::Song;

/// The top of a line's em box above its baseline, in em (the bundled CJK fonts' typo ascender).
const EM_TOP: f32 = 0.88;

/// Points → twentieths of a point (twips), the unit of most WordprocessingML lengths.
fn twips(pt: f32) -> i64 {
    (pt * 20.0).round() as i64
}

/// Points → half-points (`w:sz`).
fn half_points(pt: f32) -> i64 {
    (pt * 2.0).round() as i64
}

/// Points → eighths of a point (border `w:sz`), within Word's 2…96 range.
fn eighth_points(pt: f32) -> i64 {
    ((pt * 8.0).round() as i64).clamp(2, 96)
}

/// The page in twips, as the section properties state it. Everything horizontal that must
/// line up with the type area (cut-line tabs) is computed from these rounded values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Geometry {
    width: i64,
    height: i64,
    top: i64,
    bottom: i64,
    left: i64,
    right: i64,
    /// `w:pgMar w:header`: unused (no headers), Word's usual 15 mm.
    header: i64,
    /// `w:pgMar w:footer`: bottom edge of the sheet → bottom of the footer line.
    footer: i64,
    landscape: bool,
}

impl Geometry {
    fn new(page: &PageSetup) -> Self {
        // The footer holds one line of PAGE_NUMBER_SIZE set with exact line height
        // PAGE_NUMBER_SIZE, whose baseline Word puts EM_TOP of the size below the line's top
        // (as for body text, layout::paragraph). The baseline must be where the PDF puts it —
        // the dashes 7 mm below the type area (typeset::page_number_baseline) — so the line's
        // bottom edge, which `w:footer` measures from the sheet's edge, follows from it.
        let baseline = crate::typeset::page_number_baseline(PAGE_NUMBER_ROLE, PAGE_NUMBER_SIZE);
        let footer = (page.margin_bottom - baseline + EM_TOP * PAGE_NUMBER_SIZE - PAGE_NUMBER_SIZE).max(0.0);
        Geometry {
            width: twips(page.width),
            height: twips(page.height),
            top: twips(page.margin_top),
            bottom: twips(page.margin_bottom),
            left: twips(page.margin_left),
            right: twips(page.margin_right),
            header: twips(15.0 * MM),
            footer: twips(footer),
            landscape: page.is_landscape(),
        }
    }

    /// Width of the type area in twips.
    fn text_width(&self) -> i64 {
        self.width - self.left - self.right
    }
}

/// Which footers the page-number style needs; `parts` writes them, `body` references them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FooterKind {
    /// `— N —` at the right (odd pages; Word's "default" footer).
    DashOdd,
    /// `— N —` at the left (even pages).
    DashEven,
    /// `第 N 页 共 M 页`, centred, every page.
    OfTotal,
}

impl FooterKind {
    fn for_numbers(numbers: PageNumbers) -> &'static [FooterKind] {
        match numbers {
            PageNumbers::None => &[],
            PageNumbers::Dash => &[FooterKind::DashOdd, FooterKind::DashEven],
            PageNumbers::OfTotal => &[FooterKind::OfTotal],
        }
    }

    /// `w:footerReference w:type`.
    fn reference_type(self) -> &'static str {
        match self {
            FooterKind::DashOdd | FooterKind::OfTotal => "default",
            FooterKind::DashEven => "even",
        }
    }
}

/// One footer part: its kind, relationship id and part name (`footer1.xml`, relative to word/).
#[derive(Debug, Clone, PartialEq, Eq)]
struct FooterPart {
    kind: FooterKind,
    rel_id: String,
    file: String,
}

/// The footers of `doc`, numbered after the fixed relationships (rId1–3, see `parts`).
fn footer_parts(doc: &Document) -> Vec<FooterPart> {
    FooterKind::for_numbers(doc.page_numbers)
        .iter()
        .enumerate()
        .map(|(i, &kind)| FooterPart {
            kind,
            rel_id: format!("rId{}", parts::FIRST_FREE_REL_ID + i),
            file: format!("footer{}.xml", i + 1),
        })
        .collect()
}

/// How the .docx is written (`gongwen generate` options that concern only the DOCX).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocxOptions {
    /// Carry subsets of the faces used (word/fonts/*.odttf), so the document shows our
    /// faces on a machine that has none of them. Off: `--no-embed-fonts`.
    pub embed_fonts: bool,
}

impl Default for DocxOptions {
    fn default() -> Self {
        DocxOptions { embed_fonts: true }
    }
}

/// Render `doc` as a complete .docx package with the default options (fonts embedded).
/// Deterministic: same input → same bytes.
pub fn write_docx(doc: &crate::model::Document) -> Result<Vec<u8>, RenderError> {
    write_docx_with(doc, &DocxOptions::default())
}

/// Render `doc` as a complete .docx package. Deterministic: same input → same bytes.
pub fn write_docx_with(doc: &crate::model::Document, options: &DocxOptions) -> Result<Vec<u8>, RenderError> {
    let geometry = Geometry::new(&doc.page);
    let footers = footer_parts(doc);
    let (document, media) = body::document_xml(doc, &geometry, &footers);
    let package = parts::package(doc, &footers, &media, document, options);
    zip_parts(&package)
}

/// Pack the parts as a zip (see [`crate::package::zip_parts`]); a failure is named as the .docx's.
fn zip_parts(parts: &[(String, Vec<u8>)]) -> Result<Vec<u8>, RenderError> {
    crate::package::zip_parts(parts).map_err(|_| RenderError("DOCX 打包失败（程序内部错误，请报告给维护者）".into()))
}
