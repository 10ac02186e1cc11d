//! The PDF side's layout engine: turns a [`Document`] into positioned pages — CJK line
//! breaking with kinsoku, justification, indents, tables over pages, keep-together groups,
//! page numbers. The result ([`Page`], [`Item`]) is what `pdf` writes; this module knows
//! nothing of PDF bytes, and `pdf` knows nothing of line breaking.
//!
//! Coordinates: points, origin at the top-left corner of the page, y growing downwards.

use crate::model::{Document, FontRole, Gray};

/// One glyph placed on a line.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedGlyph {
    /// Glyph id in the run's font.
    pub glyph: u16,
    /// Horizontal distance from this glyph's origin to the next one's, in points (includes
    /// character spacing and justification).
    pub advance: f32,
    /// The text this glyph stands for (for ToUnicode: search and copy).
    pub text: String,
}

/// Glyphs of one font at one size on one baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct TextRun {
    pub font: FontRole,
    pub size: f32,
    /// Origin of the first glyph: x, and the baseline's y.
    pub x: f32,
    pub baseline: f32,
    pub glyphs: Vec<PlacedGlyph>,
}

/// Something drawn on a page.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Text(TextRun),
    /// A straight line; `dash` = (on, off) lengths for a dashed line.
    Line { x1: f32, y1: f32, x2: f32, y2: f32, width: f32, gray: Gray, dash: Option<(f32, f32)> },
    /// A filled rectangle (cell shading), drawn before the text and lines over it.
    Fill { x: f32, y: f32, w: f32, h: f32, gray: Gray },
}

/// A laid-out page.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub width: f32,
    pub height: f32,
    pub items: Vec<Item>,
}

/// Where a seal block landed: page index (0-based) and the centre of its signature lines.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SealPlace {
    pub page: usize,
    pub cx: f32,
    pub cy: f32,
    pub diameter: f32,
}

/// The whole laid-out document.
#[derive(Debug, Clone, PartialEq)]
pub struct Laid {
    pub pages: Vec<Page>,
    pub seals: Vec<SealPlace>,
}

/// Lay out a document into pages.
pub fn layout(doc: &Document) -> Laid {
    let _ = doc;
    todo!("layout engine")
}
