//! The DOCX writer: renders a [`Document`] as a complete WordprocessingML package (.docx bytes).
//!
//! Why hand-written XML and not `docx-rs`: docx-rs 0.4.22 writes run and paragraph properties
//! out of ECMA-376 order (Word silently drops out-of-order fonts), leaves parts unlinked, has no
//! `w:tblHeader` and stores its zip entries uncompressed (see shared/research/crates.md §1).
//! The parts we need are few and small, so we write them ourselves: [`xml::Xml`] (a thin
//! builder over `quick_xml::escape`) emits every element in schema order, one function per
//! part or element kind, and `zip` packs the parts deflated, in a fixed order, with fixed
//! timestamps — the same document always gives the same bytes.
//!
//! Layout: `body` writes word/document.xml (paragraphs, runs, tables, rules, cut lines, seals,
//! keep-together groups, section properties); `parts` writes every other part (styles, settings,
//! font table, footers, relationships, content types, document properties). This file holds
//! the shared pieces: the font-name table, unit conversions, the page geometry and the zip.

mod body;
mod parts;
mod seal;
mod stylesheet;
mod xml;

#[cfg(test)]
mod tests;

use crate::model::{Document, FontRole, PageNumbers, PageSetup, MM};
use std::io::{Cursor, Write};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

/// A font as a DOCX names it: `name` goes into every `w:rFonts` attribute (ascii, hAnsi,
/// eastAsia, cs — one face for everything, as the PDF uses one bundled font per role);
/// the rest describes it in word/fontTable.xml so Word/WPS can substitute sensibly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FontFace {
    /// The face name a Chinese Windows/WPS installation has.
    pub name: &'static str,
    /// Its English name (`w:altName`), which Word also matches.
    pub alt_name: &'static str,
    /// `w:family`: roman / swiss / modern / script / decorative / auto.
    pub family: &'static str,
    /// `w:pitch`: fixed / variable / default.
    pub pitch: &'static str,
}

/// Font role → the face named in the .docx. The faces are those shipped with Chinese
/// Windows (宋体, 黑体, 仿宋, 楷体) plus 方正小标宋简体, which every Chinese government/office
/// machine installs for titles (elsewhere Word falls back to 宋体, its `altName`).
/// LibreOffice maps these names to the bundled fonts via fonts/fontconfig/gongwen-fonts.conf.
pub const FONT_FACES: [(FontRole, FontFace); 5] = [
    (
        FontRole::Title,
        FontFace {
            name: "方正小标宋简体",
            alt_name: "宋体",
            family: "script",
            pitch: "variable",
        },
    ),
    (
        FontRole::FangSong,
        FontFace {
            name: "仿宋",
            alt_name: "FangSong",
            family: "modern",
            pitch: "fixed",
        },
    ),
    (
        FontRole::Hei,
        FontFace {
            name: "黑体",
            alt_name: "SimHei",
            family: "modern",
            pitch: "fixed",
        },
    ),
    (
        FontRole::Kai,
        FontFace {
            name: "楷体",
            alt_name: "KaiTi",
            family: "modern",
            pitch: "fixed",
        },
    ),
    (
        FontRole::Song,
        FontFace {
            name: "宋体",
            alt_name: "SimSun",
            family: "auto",
            pitch: "variable",
        },
    ),
];

/// The face the .docx names for `role`.
pub fn font_face(role: FontRole) -> &'static FontFace {
    &FONT_FACES
        .iter()
        .find(|(r, _)| *r == role)
        .expect("every role is in FONT_FACES")
        .1
}

/// The role of the document default (docDefaults): body text.
const DEFAULT_ROLE: FontRole = FontRole::FangSong;

/// Page numbers are 四号 (14 pt) 宋体-style (GB/T 9704 §7.5).
const PAGE_NUMBER_SIZE: f32 = 14.0;
const PAGE_NUMBER_ROLE: FontRole = FontRole::Song;
/// The page number's top edge sits this far below the type area (GB/T 9704 §7.5: 7 mm).
const PAGE_NUMBER_GAP: f32 = 7.0 * MM;

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
        // PAGE_NUMBER_SIZE; its top edge must sit PAGE_NUMBER_GAP below the type area, so its
        // bottom edge is margin_bottom − 7 mm − 14 pt above the sheet's edge (35 mm bottom
        // margin → 65.4 pt = 1307 twips).
        let footer = (page.margin_bottom - PAGE_NUMBER_GAP - PAGE_NUMBER_SIZE).max(0.0);
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

/// Render `doc` as a complete .docx package. Deterministic: same input → same bytes.
pub fn write_docx(doc: &crate::model::Document) -> Vec<u8> {
    let geometry = Geometry::new(&doc.page);
    let footers = footer_parts(doc);
    let (document, media) = body::document_xml(doc, &geometry, &footers);
    let package = parts::package(doc, &footers, &media, document);
    zip_parts(&package)
}

/// Parts smaller than this many bytes are stored, not deflated.
const STORE_BELOW: usize = 1024;

/// Pack the parts (name, content) in the given order, timestamp 1980-01-01 00:00: small parts and
/// images stored, the rest deflated.
fn zip_parts(parts: &[(String, Vec<u8>)]) -> Vec<u8> {
    let options = SimpleFileOptions::DEFAULT
        .last_modified_time(DateTime::DEFAULT)
        .unix_permissions(0o644);
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, content) in parts {
        // Deflate what is worth it. Setting up a compressor costs more than a small part
        // would save (measured: half of the DOCX time went to that), and PNGs are compressed.
        let method = if content.len() < STORE_BELOW || name.ends_with(".png") {
            CompressionMethod::Stored
        } else {
            CompressionMethod::Deflated
        };
        // Writing to a Vec cannot fail; an error here is a bug in the zip crate.
        zip.start_file(name.as_str(), options.compression_method(method))
            .expect("start zip entry in memory");
        zip.write_all(content)
            .expect("write zip entry in memory");
    }
    zip.finish().expect("finish zip in memory").into_inner()
}
