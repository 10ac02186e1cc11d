//! The PDF side's layout engine: turns a [`Document`] into positioned pages — CJK line
//! breaking with kinsoku, justification, indents, tables over pages, keep-together groups,
//! page numbers. The result ([`Page`], [`Item`]) is what `pdf` writes; this module knows
//! nothing of PDF bytes, and `pdf` knows nothing of line breaking. [`settle`] takes, once,
//! the page-dependent table decisions both writers must share (row shrink and row splits)
//! and writes them into the model before either writer runs.
//!
//! Coordinates: points, origin at the top-left corner of the page, y growing downwards.

use crate::model::{Document, FontRole, Gray, RenderError, SealImage};

mod breaking;
mod flow;
mod paragraph;
mod settle;
mod structure;
mod table;

pub use breaking::{forbidden_at_line_end, forbidden_at_line_start};
pub use settle::settle;
pub use structure::{Furniture, Group, Leaf, Mark, Node, Scope};

/// One glyph placed on a line.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedGlyph {
    /// Glyph id in the run's font.
    pub glyph: u16,
    /// Horizontal distance from this glyph's origin to the next one's, in points (includes
    /// character spacing and justification).
    pub advance: f32,
    /// The text this glyph stands for (for ToUnicode: search and copy). Empty: the glyph
    /// continues the previous glyph's cluster, whose text covers both (a letter-spaced word
    /// such as 回执 is one cluster, so its wide gaps do not copy as spaces).
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
    /// What the run is in the reading structure ([`Laid::structure`]): part of a paragraph,
    /// or page furniture no one reads (a page number, the ✂).
    pub mark: Mark,
}

/// Something drawn on a page.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Text(TextRun),
    /// A straight line; `dash` = (on, off) lengths for a dashed line.
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
        gray: Gray,
        dash: Option<(f32, f32)>,
    },
    /// A filled rectangle (cell shading), drawn before the text and lines over it.
    Fill {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        gray: Gray,
    },
    /// An electronic seal, `w` × `h` with its top-left corner at (`x`, `y`); placed first on
    /// its page so the signature text is drawn over it. `mark`: its figure in the structure.
    Image {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        image: SealImage,
        mark: Mark,
    },
}

/// How the ends of an [`Item::Line`] are drawn, the same by every renderer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineEnds {
    /// Extended by half the width: table borders meeting at a corner close it.
    Square,
    /// Cut at the end point: each dash of a dashed line is exactly its `on` length.
    Butt,
}

impl LineEnds {
    /// Solid lines get square ends, dashed lines butt ends.
    pub fn of(dash: Option<(f32, f32)>) -> LineEnds {
        if dash.is_some() {
            LineEnds::Butt
        } else {
            LineEnds::Square
        }
    }
}

/// A laid-out page.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub width: f32,
    pub height: f32,
    pub items: Vec<Item>,
}

/// Where a seal block landed: page index (0-based) and the seal's centre — slightly above the
/// middle of its signature lines (GB/T 9704 §7.3.5, [`crate::model::SEAL_RAISE`]).
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
    /// The reading structure, in reading order: headings, paragraphs, tables with their header
    /// cells, the reply slip as a section. Its leaves are numbered; each text run and seal
    /// image says by its [`Mark`] which leaf it belongs to. Decided here, once, so that every
    /// writer that tags its output (the PDF's structure tree) tags the same document.
    pub structure: Vec<Node>,
}

impl Laid {
    /// May these pages be drawn? Refuses pages with a number that is not finite (see
    /// [`Laid::is_finite`]) and pages of no size — a layout bug — before a renderer is given
    /// them: the PDF writer and the page rasterizer say the same thing.
    pub fn drawable(&self) -> Result<(), RenderError> {
        if !self.is_finite() || self.pages.iter().any(|p| p.width <= 0.0 || p.height <= 0.0) {
            return Err(RenderError("版面计算出现无效的数值，无法写出此文件（程序内部错误，请报告给维护者）".into()));
        }
        Ok(())
    }

    /// Is every number on every page a finite one? A writer checks this before drawing, so a
    /// NaN or an infinity from a layout bug never reaches a PDF content stream (where `NaN` is
    /// not a number at all and a reader may reject the page): the document fails instead.
    pub fn is_finite(&self) -> bool {
        self.pages.iter().all(Page::is_finite)
            && self.seals.iter().all(|s| [s.cx, s.cy, s.diameter].iter().all(|n| n.is_finite()))
    }
}

impl Page {
    /// Is every number of this page (size, positions, sizes, advances, greys) finite?
    pub fn is_finite(&self) -> bool {
        let finite = |nums: &[f32]| nums.iter().all(|n| n.is_finite());
        finite(&[self.width, self.height])
            && self.items.iter().all(|item| match item {
                Item::Text(t) => finite(&[t.size, t.x, t.baseline]) && t.glyphs.iter().all(|g| g.advance.is_finite()),
                Item::Line { x1, y1, x2, y2, width, gray, dash } => {
                    finite(&[*x1, *y1, *x2, *y2, *width, *gray]) && dash.is_none_or(|(a, b)| finite(&[a, b]))
                }
                Item::Fill { x, y, w, h, gray } => finite(&[*x, *y, *w, *h, *gray]),
                Item::Image { x, y, w, h, .. } => finite(&[*x, *y, *w, *h]),
            })
    }
}

impl Item {
    /// The same item moved by (dx, dy).
    pub fn shifted(mut self, dx: f32, dy: f32) -> Item {
        match &mut self {
            Item::Text(r) => {
                r.x += dx;
                r.baseline += dy;
            }
            Item::Line { x1, y1, x2, y2, .. } => {
                *x1 += dx;
                *x2 += dx;
                *y1 += dy;
                *y2 += dy;
            }
            Item::Fill { x, y, .. } | Item::Image { x, y, .. } => {
                *x += dx;
                *y += dy;
            }
        }
        self
    }
}

impl TextRun {
    /// Sum of the glyph advances: where the run ends, relative to `x`.
    pub fn width(&self) -> f32 {
        self.glyphs.iter().map(|g| g.advance).sum()
    }

    /// The run's text (for tests and debugging).
    pub fn text(&self) -> String {
        self.glyphs.iter().map(|g| g.text.as_str()).collect()
    }
}

/// Lay out a document into pages. Never panics on content; always at least one page.
pub fn layout(doc: &Document) -> Laid {
    flow::layout_document(doc)
}

/// Debug helper: the text of each visual line of a page, top to bottom, joining the runs
/// that share a baseline (left to right).
pub fn lines_text(page: &Page) -> Vec<String> {
    let mut runs: Vec<&TextRun> =
        page.items.iter().filter_map(|i| if let Item::Text(r) = i { Some(r) } else { None }).collect();
    runs.sort_by(|a, b| a.baseline.total_cmp(&b.baseline).then(a.x.total_cmp(&b.x)));
    let mut out: Vec<(f32, String)> = Vec::new();
    for r in runs {
        match out.last_mut() {
            Some((b, s)) if (*b - r.baseline).abs() < 0.5 => s.push_str(&r.text()),
            _ => out.push((r.baseline, r.text())),
        }
    }
    out.into_iter().map(|(_, s)| s).collect()
}
