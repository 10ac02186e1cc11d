//! The format-neutral document model: what a form produces and what both writers render.
//!
//! A [`Document`] is a page setup plus a flat list of [`Block`]s (paragraphs, tables, rules,
//! seal blocks, cut lines and keep-together groups such as the reply slip). Nothing here knows
//! about letters (that is `forms`) or about PDF/DOCX bytes (that is `pdf` / `docx`).
//! All lengths are in PostScript points (1/72 inch) unless a name says otherwise.

/// Millimetres to points.
pub const MM: f32 = 72.0 / 25.4;

/// A whole document: one section, one page setup.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// Document title (PDF /Title, docProps/core.xml dc:title).
    pub title: String,
    /// Author (PDF /Author, dc:creator): the sending department.
    pub author: String,
    /// Creation date as `YYYY-MM-DD` taken from the data (keeps output deterministic).
    pub date: Option<chrono::NaiveDate>,
    pub page: PageSetup,
    pub page_numbers: PageNumbers,
    pub blocks: Vec<Block>,
    /// The style sheet: the definition of each named style, as the form sets it. Every
    /// paragraph names one of these (or, in a document built by hand without a sheet, a style
    /// the writers then take from its first paragraph).
    pub styles: Vec<ParaStyle>,
}

/// Paper and margins. `width`/`height` are the sheet as it lies (landscape: width > height).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PageSetup {
    pub width: f32,
    pub height: f32,
    pub margin_top: f32,
    pub margin_bottom: f32,
    pub margin_left: f32,
    pub margin_right: f32,
}

impl PageSetup {
    /// A4 portrait with the GB/T 9704 margins: 37 / 35 / 28 / 26 mm → a 156 × 225 mm type area.
    pub fn a4_official() -> Self {
        PageSetup {
            width: 210.0 * MM,
            height: 297.0 * MM,
            margin_top: 37.0 * MM,
            margin_bottom: 35.0 * MM,
            margin_left: 28.0 * MM,
            margin_right: 26.0 * MM,
        }
    }

    /// A4 landscape with the official type area turned (225 × 156 mm).
    pub fn a4_landscape_official() -> Self {
        PageSetup {
            width: 297.0 * MM,
            height: 210.0 * MM,
            margin_top: 28.0 * MM,
            margin_bottom: 26.0 * MM,
            margin_left: 37.0 * MM,
            margin_right: 35.0 * MM,
        }
    }

    pub fn is_landscape(&self) -> bool {
        self.width > self.height
    }

    /// Width of the type area.
    pub fn text_width(&self) -> f32 {
        self.width - self.margin_left - self.margin_right
    }

    /// Height of the type area.
    pub fn text_height(&self) -> f32 {
        self.height - self.margin_top - self.margin_bottom
    }
}

/// How pages are numbered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageNumbers {
    None,
    /// `— N —`, 14 pt 宋体-style, 7 mm below the type area; odd pages at the right and even
    /// pages at the left, one character in from the edge of the type area (GB/T 9704 §7.5).
    Dash,
    /// `第 N 页 共 M 页`, centred below the type area.
    OfTotal,
}

/// The typeface roles of Chinese official documents. Each maps to one bundled font (PDF) and
/// one font name a Chinese Windows/WPS machine has (DOCX); see `fonts`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FontRole {
    /// 小标宋: the title.
    Title,
    /// 仿宋: body text.
    FangSong,
    /// 黑体: 一、 headings, table labels.
    Hei,
    /// 楷体: （一） headings.
    Kai,
    /// 宋体: page numbers, symbols; also the per-character fallback.
    Song,
}

/// Horizontal alignment of a paragraph's lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Justified; the last line of a paragraph (and a line ended by a hard break) is left-aligned.
    Justify,
    Left,
    Center,
    Right,
}

/// Which named style a paragraph is set in (`forms::styles`), and how that style shows where a
/// user can change it: a word processor's style list. A paragraph's [`ParaStyle`] holds the
/// style's properties, possibly adjusted where it sits (a seal line's computed indent); the
/// definitions themselves are the document's [`Document::styles`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StyleName {
    /// The name forms use (`style = "body"`): ASCII, unique within a document.
    pub key: &'static str,
    /// The name a user sees (正文, 一级标题, 表格文字 …).
    pub label: &'static str,
    /// The style this one is a variant of (its key): what this one does not set, it takes
    /// from there, so changing 正文 changes the styles based on it.
    pub based_on: Option<&'static str>,
    /// The style of a paragraph typed after this one (its key); `None`: the same style.
    pub next: Option<&'static str>,
    /// Heading level (0 = 一级标题), for navigation panes and outlines.
    pub outline_level: Option<u8>,
    /// One of the few styles offered first (Word's style gallery).
    pub main: bool,
}

impl StyleName {
    /// 正文: the body text, the style every other style derives from.
    pub const BODY: StyleName =
        StyleName { key: "body", label: "正文", based_on: None, next: None, outline_level: None, main: true };
}

/// Paragraph formatting. Indents are in characters of the paragraph's own size (`size`), as
/// Chinese typesetting counts them ("indented two characters").
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ParaStyle {
    /// The named style these properties come from.
    pub name: StyleName,
    pub role: FontRole,
    /// Font size in points (三号 = 16, 四号 = 14, 小四 = 12, 二号 = 22).
    pub size: f32,
    /// Exact distance between baselines of consecutive lines, in points.
    pub line_pitch: f32,
    /// Extra space between characters in points (negative squeezes: −0.25 pt fits 28
    /// 三号 characters into the 156 mm type area, as Word's character grid does).
    pub char_spacing: f32,
    pub align: Align,
    /// First-line indent in characters (negative = hanging).
    pub first_indent: f32,
    /// Left indent of every line, in characters.
    pub left_indent: f32,
    /// Right indent of every line, in characters.
    pub right_indent: f32,
    /// Space before / after the paragraph in points.
    pub space_before: f32,
    pub space_after: f32,
    /// Keep on the same page as the next block (headings).
    pub keep_with_next: bool,
    pub bold: bool,
}

impl ParaStyle {
    /// 三号 仿宋 body on the 28.95 pt official line pitch, justified, indented two characters.
    pub fn body() -> Self {
        ParaStyle {
            name: StyleName::BODY,
            role: FontRole::FangSong,
            size: 16.0,
            line_pitch: 28.95,
            char_spacing: -0.25,
            align: Align::Justify,
            first_indent: 2.0,
            left_indent: 0.0,
            right_indent: 0.0,
            space_before: 0.0,
            space_after: 0.0,
            keep_with_next: false,
            bold: false,
        }
    }
}

/// A run of inline content.
#[derive(Debug, Clone, PartialEq)]
pub enum Inline {
    /// Text; `'\n'` inside it is a hard line break. `role` overrides the paragraph's font.
    Text { text: String, role: Option<FontRole> },
    /// A blank to write in by hand, `width` characters wide. Both writers print it as
    /// `width` [`BLANK_CHAR`]s in the Song font, whose glyph joins into one unbroken line, so
    /// the blank also reads as `＿＿＿` when the text is searched or copied.
    Blank { width: f32 },
}

/// The character a write-in blank is printed with: FULLWIDTH LOW LINE.
pub const BLANK_CHAR: char = '＿';

/// The font blanks are printed in (its ＿ is continuous; FangSong's is dashed).
pub const BLANK_ROLE: FontRole = FontRole::Song;

impl Inline {
    pub fn text(s: impl Into<String>) -> Self {
        Inline::Text { text: s.into(), role: None }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Paragraph {
    pub style: ParaStyle,
    pub content: Vec<Inline>,
}

impl Paragraph {
    pub fn new(style: ParaStyle, text: impl Into<String>) -> Self {
        Paragraph { style, content: vec![Inline::text(text)] }
    }

    /// The paragraph's text with blanks left out (for tests and metadata).
    pub fn plain_text(&self) -> String {
        self.content
            .iter()
            .filter_map(|i| match i {
                Inline::Text { text, .. } => Some(text.as_str()),
                Inline::Blank { .. } => None,
            })
            .collect()
    }
}

/// Grey levels: 0.0 black … 1.0 white.
pub type Gray = f32;

/// A grey level as the 8-bit value every renderer paints (0 black … 255 white), out-of-range
/// levels clamped: the PDF's DeviceGray colour and the page images' pixels agree.
pub fn gray_level(gray: Gray) -> u8 {
    (gray.clamp(0.0, 1.0) * 255.0).round() as u8
}

/// Vertical alignment of a cell's content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VAlign {
    Top,
    Center,
    Bottom,
}

/// A table cell. Cells are listed left to right; a cell spanning `col_span` grid columns
/// takes that many. A cell with `row_span` > 1 also covers the same columns of the next
/// `row_span - 1` rows, which then list no cell there (writers create the continuation
/// cells themselves, e.g. DOCX `vMerge`).
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub paragraphs: Vec<Paragraph>,
    pub col_span: usize,
    pub row_span: usize,
    /// Background fill (label cells: light grey, e.g. 0.9).
    pub shade: Option<Gray>,
    pub valign: VAlign,
    /// A label (协作背景): when its row is continued on the next page, the continuation
    /// repeats it followed by [`CONTINUED`]; a value cell continues with its remaining lines.
    pub label: bool,
}

impl Cell {
    pub fn new(paragraphs: Vec<Paragraph>) -> Self {
        Cell { paragraphs, col_span: 1, row_span: 1, shade: None, valign: VAlign::Center, label: false }
    }
}

/// Appended to a label repeated on the page a row is continued on: 协作背景（续）.
pub const CONTINUED: &str = "（续）";

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub cells: Vec<Cell>,
    /// Minimum height in points (space to write or stamp in); the row grows with its text.
    pub min_height: f32,
    /// May this row break across pages (between lines of text, never through one)?
    /// Rows that may not split move whole to the next page, unless taller than a page.
    /// [`crate::layout::settle`] turns a row that breaks into two rows that do not (the
    /// second repeating the labels with [`CONTINUED`]), so both writers show one split.
    pub can_split: bool,
    /// Stay on the page of the next row — for the last row, of the block after the table
    /// (the row before a signature row, so the signature never stands alone on a page).
    pub keep_with_next: bool,
    /// Handwriting room that may give way: `min_height` may shrink down to this (points)
    /// when that keeps the document on fewer pages. [`crate::layout::settle`] decides the
    /// height and clears this, so writers only ever see `min_height`.
    pub shrink_to: Option<f32>,
}

impl Row {
    /// A row of `cells` that grows with its text, may not split and keeps with nothing.
    pub fn new(cells: Vec<Cell>) -> Self {
        Row { cells, min_height: 0.0, can_split: false, keep_with_next: false, shrink_to: None }
    }
}

/// Table borders: the outer frame is heavier than the inner grid. `None` widths = no line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Borders {
    pub outer: Option<f32>,
    pub inner: Option<f32>,
}

impl Borders {
    pub const NONE: Borders = Borders { outer: None, inner: None };
}

#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Grid column widths in points; they add up to the table width.
    pub columns: Vec<f32>,
    pub rows: Vec<Row>,
    /// The first `header_rows` rows repeat at the top of every page the table runs onto.
    pub header_rows: usize,
    pub borders: Borders,
    /// Inner cell padding, left/right and top/bottom, in points.
    pub pad_x: f32,
    pub pad_y: f32,
    /// This table goes on from the table just before it: the rows of that table's last page,
    /// detached by [`crate::layout::settle`] to keep with what follows, under a copy of its
    /// header rows. Drawn as a table of its own, read as the rest of the other.
    pub continues: bool,
}

/// An electronic seal: a PNG image printed `width_mm` wide over a signature, under its text.
#[derive(Debug, Clone, PartialEq)]
pub struct SealImage {
    pub png: std::sync::Arc<Vec<u8>>,
    pub width_px: u32,
    pub height_px: u32,
    /// Printed width in millimetres (42 mm: the usual round 公章).
    pub width_mm: f32,
}

impl SealImage {
    /// Printed size in points (width, height), keeping the image's proportions.
    pub fn size(&self) -> (f32, f32) {
        let w = self.width_mm * MM;
        (w, w * self.height_px as f32 / self.width_px.max(1) as f32)
    }
}

/// GB/T 9704 §7.3.5: the sender's name and date sit slightly below the seal's centre. The seal
/// is centred this far (a fraction of its height) above the middle of the signature lines.
pub const SEAL_RAISE: f32 = 0.08;

/// A seal area: the signature lines (name, date) with room above for a round stamp of
/// `diameter` mm centred on them, kept together on one page.
#[derive(Debug, Clone, PartialEq)]
pub struct SealBlock {
    /// Blank space above the first line, in points (room for the upper half of the seal).
    pub space_above: f32,
    /// The signature lines, e.g. `行政部（盖章）` and `2026年3月5日`.
    pub lines: Vec<Paragraph>,
    /// Seal diameter in millimetres (42 mm is the usual round 公章).
    pub diameter_mm: f32,
    /// The electronic seal printed here, if any (else the area stays clear for a real stamp).
    pub image: Option<SealImage>,
}

/// One block of the document flow.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Paragraph(Paragraph),
    Table(Table),
    /// A horizontal rule across the type area: `height` points of vertical space, with a line
    /// `thickness` points thick at its vertical middle.
    Rule {
        height: f32,
        thickness: f32,
    },
    Seal(SealBlock),
    /// The dashed tear-off line across the type area with a ✂ in the middle, `height` points tall.
    CutLine {
        height: f32,
    },
    /// Blocks that must stay on one page (the reply slip, the closing + signature): if they do
    /// not fit in what is left of the page they move whole to the next page.
    KeepTogether(Vec<Block>),
    /// Start a new page.
    PageBreak,
}

impl Block {
    /// Call `f` on each paragraph this block draws itself, in reading order: its own, a
    /// table's cells' (row by row), a seal's lines. A keep-together group draws none itself:
    /// walk its blocks ([`Document::for_each_block`]).
    pub fn for_each_paragraph<'a>(&'a self, f: &mut dyn FnMut(&'a Paragraph)) {
        match self {
            Block::Paragraph(p) => f(p),
            Block::Table(t) => t.rows.iter().flat_map(|r| &r.cells).flat_map(|c| &c.paragraphs).for_each(f),
            Block::Seal(s) => s.lines.iter().for_each(f),
            Block::KeepTogether(_) | Block::Rule { .. } | Block::CutLine { .. } | Block::PageBreak => {}
        }
    }
}

impl Document {
    /// Call `f` on every block in reading order, the blocks of keep-together groups in place
    /// of the group (what the writers draw, whatever holds it together).
    pub fn for_each_block<'a>(&'a self, f: &mut dyn FnMut(&'a Block)) {
        fn walk<'a>(blocks: &'a [Block], f: &mut dyn FnMut(&'a Block)) {
            for b in blocks {
                match b {
                    Block::KeepTogether(inner) => walk(inner, f),
                    b => f(b),
                }
            }
        }
        walk(&self.blocks, f);
    }

    /// All text of the document in reading order (paragraphs and table cells), one
    /// paragraph per line. Used for metadata, tests and the glyph-coverage check.
    pub fn plain_text(&self) -> String {
        let mut s = String::new();
        self.for_each_block(&mut |b| {
            b.for_each_paragraph(&mut |p| {
                s.push_str(&p.plain_text());
                s.push('\n');
            })
        });
        s
    }
}

/// A writer (PDF or DOCX) could not turn a document into bytes. The reason is in Chinese and
/// says what happened, for the manifest's 说明 column; it never carries a library's English text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct RenderError(pub String);
