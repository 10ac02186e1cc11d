//! word/document.xml: the block flow (paragraphs, tables, rules, cut lines, seals,
//! keep-together groups, page breaks) and the section properties; and the paragraph and run
//! properties, which styles.xml (`stylesheet`) writes with the same functions.
//!
//! Every paragraph names its style (`w:pStyle`, see `stylesheet`) and states directly only
//! what differs from that style's definition (a seal line's computed indent, keep-with-next
//! from a keep-together group, the room for a stamp); every run states only what differs from
//! its paragraph's style (a blank in the Song face, a role override). So the properties Word
//! resolves are exactly those of the model, and changing a style changes its paragraphs.
//!
//! Every `w:pPr`, `w:rPr`, `w:tblPr`, `w:tcPr` and `w:sectPr` child is written in the order
//! ECMA-376 Part 1 (wml.xsd) prescribes; the functions below follow that order top to bottom.

use super::seal::{anchor_run, SealMedia};
use super::stylesheet::{self, Sheet};
use super::{eighth_points, font_face, half_points, twips, FooterPart, Geometry};
use crate::model::{
    Align, Block, Borders, Cell, Document, FontRole, Inline, ParaStyle, Paragraph, SealBlock, StyleName, Table, VAlign,
    BLANK_CHAR, BLANK_ROLE,
};
use crate::package::xml::Xml;

pub const NS_W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
pub const NS_R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// The scissors on the cut line.
pub(super) const SCISSORS: &str = "✂";
/// Size of the cut line's dashes and scissors.
pub(super) const CUT_LINE_SIZE: f32 = 12.0;
/// Exact height of the invisible paragraphs placed between two tables (Word would merge them)
/// and after a final table; tiny so they do not move anything (the PDF has no gap there).
pub(super) const SPACER_HEIGHT: f32 = 0.1;

/// Paragraph properties that come from where the paragraph sits, not from its style.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Placement {
    keep_next: bool,
    keep_lines: bool,
    page_break_before: bool,
    /// Added to the style's space before (the seal's room for the stamp), points.
    extra_space_before: f32,
}

/// Placement inside a keep-together group: `chain` says whether this paragraph must also
/// stay with what follows it.
fn kept(chain: Option<bool>) -> Placement {
    Placement { keep_next: chain == Some(true), keep_lines: chain.is_some(), ..Placement::default() }
}

/// A tab stop: `w:val` (center/right), position in twips, leader (hyphen, dot, none).
pub(super) struct TabStop {
    kind: &'static str,
    pos: i64,
    leader: &'static str,
}

/// Everything that goes into one `w:pPr`.
pub(super) struct ParaProps<'a> {
    pub style: &'a ParaStyle,
    /// The definition of the named style `style` comes from (`w:pStyle`): only what differs
    /// from it is written.
    pub def: &'a ParaStyle,
    pub placement: Placement,
    /// A bottom border of this width in points (rules).
    pub bottom_border: Option<f32>,
    pub tabs: &'a [TabStop],
}

/// Run formatting: what goes into one `w:rPr`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct RunProps {
    pub role: FontRole,
    pub size: f32,
    pub char_spacing: f32,
    pub bold: bool,
}

impl RunProps {
    pub fn of(style: &ParaStyle) -> Self {
        RunProps { role: style.role, size: style.size, char_spacing: style.char_spacing, bold: style.bold }
    }
}

/// Writes the body; holds the state that crosses blocks.
struct BodyWriter<'a> {
    x: Xml,
    geometry: &'a Geometry,
    /// The named styles (their definitions, to write each paragraph's differences).
    sheet: Sheet,
    /// A page break was asked for and not yet placed on a paragraph.
    pending_page_break: bool,
    /// The last thing written is a table (the next table needs a spacer paragraph first).
    after_table: bool,
    /// Seal pictures placed so far (their parts and relationships go into the package).
    media: SealMedia,
    /// Left page margin and type-area width in points (to place seal pictures).
    margin_left: f32,
    text_width: f32,
}

/// The complete word/document.xml.
pub fn document_xml(doc: &Document, geometry: &Geometry, footers: &[FooterPart]) -> (String, SealMedia) {
    let mut w = BodyWriter {
        x: Xml::new(),
        geometry,
        sheet: Sheet::of(doc),
        pending_page_break: false,
        after_table: false,
        media: SealMedia::default(),
        margin_left: doc.page.margin_left,
        text_width: doc.page.text_width(),
    };
    w.x.open("w:document", &[("xmlns:w", &NS_W), ("xmlns:r", &NS_R)]).open("w:body", &[]);
    w.blocks(&doc.blocks, None);
    if w.after_table {
        // Word needs a paragraph between the last table and the section properties.
        w.spacer(false);
    }
    w.section_properties(footers);
    w.x.close("w:body").close("w:document");
    (w.x.finish(), w.media)
}

impl BodyWriter<'_> {
    /// `chain`: `None` outside keep-together groups; inside one, whether the last paragraph of
    /// `blocks` must keep with what follows (true when the enclosing group goes on after it).
    fn blocks(&mut self, blocks: &[Block], chain: Option<bool>) {
        for (i, block) in blocks.iter().enumerate() {
            let more_in_group = i + 1 < blocks.len();
            let child_chain = chain.map(|c| c || more_in_group);
            match block {
                Block::Paragraph(p) => self.paragraph(p, kept(child_chain)),
                Block::Table(t) => self.table(t, child_chain),
                Block::Rule { height, thickness } => self.rule(*height, *thickness, kept(child_chain)),
                Block::CutLine { height } => self.cut_line(*height, kept(child_chain)),
                Block::Seal(seal) => self.seal(seal, child_chain),
                Block::KeepTogether(inner) => self.blocks(inner, Some(child_chain.unwrap_or(false))),
                Block::PageBreak => self.pending_page_break = true,
            }
        }
    }

    /// Fold a pending page break into the placement of the paragraph about to be written.
    fn take_page_break(&mut self, mut placement: Placement) -> Placement {
        placement.page_break_before |= std::mem::take(&mut self.pending_page_break);
        placement
    }

    /// A body paragraph (not in a table cell).
    fn paragraph(&mut self, p: &Paragraph, placement: Placement) {
        let placement = self.take_page_break(placement);
        self.after_table = false;
        write_paragraph(&mut self.x, &self.sheet, p, placement);
    }

    /// The signature lines, kept together (keepNext on all but the last, keepLines on all),
    /// with the room for the stamp as space before the first line; an electronic seal is
    /// anchored in the last line, behind the text.
    fn seal(&mut self, seal: &SealBlock, chain: Option<bool>) {
        let n = seal.lines.len();
        for (i, line) in seal.lines.iter().enumerate() {
            let placement = Placement {
                keep_next: i + 1 < n || chain == Some(true),
                keep_lines: true,
                page_break_before: false,
                extra_space_before: if i == 0 { seal.space_above } else { 0.0 },
            };
            match &seal.image {
                Some(image) if i + 1 == n => {
                    let placement = self.take_page_break(placement);
                    self.after_table = false;
                    let (media, margin_left, text_width) = (&mut self.media, self.margin_left, self.text_width);
                    write_paragraph_with(&mut self.x, &self.sheet, line, placement, |x| {
                        anchor_run(x, media, seal, image, margin_left, text_width)
                    });
                }
                _ => self.paragraph(line, placement),
            }
        }
    }

    /// A rule: an empty paragraph `height` tall whose bottom border (drawn under its first
    /// half) is the line, so the line sits at the vertical middle.
    fn rule(&mut self, height: f32, thickness: f32, placement: Placement) {
        let half = height / 2.0;
        let def = *self.sheet.definition(&stylesheet::RULE);
        let style = ParaStyle { line_pitch: half, space_after: height - half, ..def };
        let placement = self.take_page_break(placement);
        self.after_table = false;
        let props = ParaProps { style: &style, def: &def, placement, bottom_border: Some(thickness), tabs: &[] };
        self.x.open("w:p", &[]);
        paragraph_properties(&mut self.x, &props);
        self.x.close("w:p");
    }

    /// The tear-off line: dashes (tab leaders) from the left edge of the type area to a centred
    /// ✂ and on to the right edge.
    fn cut_line(&mut self, height: f32, placement: Placement) {
        let width = self.geometry.text_width();
        let tabs = [
            TabStop { kind: "center", pos: width / 2, leader: "hyphen" },
            TabStop { kind: "right", pos: width, leader: "hyphen" },
        ];
        let def = *self.sheet.definition(&stylesheet::CUT_LINE);
        let style = ParaStyle { line_pitch: height, ..def };
        let placement = self.take_page_break(placement);
        self.after_table = false;
        let props = ParaProps { style: &style, def: &def, placement, bottom_border: None, tabs: &tabs };
        let (rpr, base) = (RunProps::of(&style), RunProps::of(&def));
        self.x.open("w:p", &[]);
        paragraph_properties(&mut self.x, &props);
        run(&mut self.x, &rpr, &base, "\t");
        run(&mut self.x, &rpr, &base, SCISSORS);
        run(&mut self.x, &rpr, &base, "\t");
        self.x.close("w:p");
    }

    /// An invisible paragraph of SPACER_HEIGHT, optionally carrying a page break.
    fn spacer(&mut self, page_break_before: bool) {
        let def = self.sheet.definition(&stylesheet::SPACER);
        let placement = Placement { page_break_before, ..Placement::default() };
        self.x.open("w:p", &[]);
        paragraph_properties(&mut self.x, &ParaProps { style: def, def, placement, bottom_border: None, tabs: &[] });
        self.x.close("w:p");
        self.after_table = false;
    }

    /// A table. Inside a keep-together group (`chain` is Some) no row may split and every row
    /// keeps with the next (the last one only if the group goes on); elsewhere a row keeps
    /// with the next when the model says so (`Row::keep_with_next`).
    fn table(&mut self, t: &Table, chain: Option<bool>) {
        if self.after_table || self.pending_page_break {
            // Word merges adjacent tables, and ignores pageBreakBefore inside a table.
            let page_break = std::mem::take(&mut self.pending_page_break);
            self.spacer(page_break);
        }
        let (x, sheet) = (&mut self.x, &self.sheet);
        x.open("w:tbl", &[]);
        table_properties(x, t);
        x.open("w:tblGrid", &[]);
        for &col in &t.columns {
            x.empty("w:gridCol", &[("w:w", &twips(col))]);
        }
        x.close("w:tblGrid");
        let rows = grid_rows(t);
        let n = rows.len();
        for (i, slots) in rows.iter().enumerate() {
            let row = &t.rows[i];
            let keep_row = chain.map(|c| c || i + 1 < n);
            // Word keeps a row on the page of the next row (or of the paragraph after the
            // table) when the row's paragraphs say keepNext, as the layout keeps it.
            let placement = Placement { keep_next: keep_row == Some(true) || row.keep_with_next, ..kept(keep_row) };
            x.open("w:tr", &[]);
            x.open("w:trPr", &[]);
            if !row.can_split || chain.is_some() {
                x.empty("w:cantSplit", &[]);
            }
            if row.min_height > 0.0 {
                x.empty("w:trHeight", &[("w:val", &twips(row.min_height)), ("w:hRule", &"atLeast")]);
            }
            if i < t.header_rows {
                x.empty("w:tblHeader", &[]);
            }
            x.close("w:trPr");
            for slot in slots {
                table_cell(x, sheet, t, slot, placement);
            }
            x.close("w:tr");
        }
        x.close("w:tbl");
        self.after_table = true;
    }

    fn section_properties(&mut self, footers: &[FooterPart]) {
        let g = self.geometry;
        let x = &mut self.x;
        x.open("w:sectPr", &[]);
        for f in footers {
            x.empty("w:footerReference", &[("w:type", &f.kind.reference_type()), ("r:id", &f.rel_id)]);
        }
        if g.landscape {
            x.empty("w:pgSz", &[("w:w", &g.width), ("w:h", &g.height), ("w:orient", &"landscape")]);
        } else {
            x.empty("w:pgSz", &[("w:w", &g.width), ("w:h", &g.height)]);
        }
        x.empty(
            "w:pgMar",
            &[
                ("w:top", &g.top),
                ("w:right", &g.right),
                ("w:bottom", &g.bottom),
                ("w:left", &g.left),
                ("w:header", &g.header),
                ("w:footer", &g.footer),
                ("w:gutter", &0),
            ],
        );
        x.empty("w:cols", &[("w:space", &425)]);
        x.close("w:sectPr");
    }
}

/// Does the body need a spacer paragraph — between two tables, before a table that starts a
/// page, or after a final table? (What `BodyWriter::table` and `document_xml` decide while
/// writing, found beforehand so that styles.xml defines the spacer's style only if used.)
pub(super) fn needs_spacer(blocks: &[Block]) -> bool {
    fn walk(blocks: &[Block], after_table: &mut bool, page_break: &mut bool) -> bool {
        for block in blocks {
            match block {
                Block::Table(_) if *after_table || *page_break => return true,
                Block::Table(_) => *after_table = true,
                Block::PageBreak => *page_break = true,
                Block::KeepTogether(inner) => {
                    if walk(inner, after_table, page_break) {
                        return true;
                    }
                }
                Block::Seal(seal) if seal.lines.is_empty() => {}
                Block::Paragraph(_) | Block::Rule { .. } | Block::CutLine { .. } | Block::Seal(_) => {
                    (*after_table, *page_break) = (false, false);
                }
            }
        }
        false
    }
    let (mut after_table, mut page_break) = (false, false);
    walk(blocks, &mut after_table, &mut page_break) || after_table
}

/// A style for paragraphs that only draw (rules, cut lines, spacers) or hold a page number:
/// no indent, left-aligned, `size` for the paragraph mark.
pub(super) fn mark_style(name: StyleName, role: FontRole, size: f32) -> ParaStyle {
    ParaStyle {
        name,
        role,
        size,
        line_pitch: size,
        char_spacing: 0.0,
        align: Align::Left,
        first_indent: 0.0,
        ..ParaStyle::body()
    }
}

/// One `w:p` with its runs. A paragraph with no content still gets its properties (and
/// so its exact height).
fn write_paragraph(x: &mut Xml, sheet: &Sheet, p: &Paragraph, placement: Placement) {
    write_paragraph_with(x, sheet, p, placement, |_| {});
}

/// A paragraph whose first run is written by `first_run` (an anchored picture).
fn write_paragraph_with(
    x: &mut Xml,
    sheet: &Sheet,
    p: &Paragraph,
    placement: Placement,
    first_run: impl FnOnce(&mut Xml),
) {
    let def = sheet.definition(&p.style.name);
    x.open("w:p", &[]);
    paragraph_properties(x, &ParaProps { style: &p.style, def, placement, bottom_border: None, tabs: &[] });
    first_run(x);
    typeset_runs(x, p, &RunProps::of(def));
    x.close("w:p");
}

/// The runs of a paragraph's content, with the spacing after each character stated
/// explicitly as `typeset::spacing_after` decides it (punctuation compression, no
/// letter-spacing after the last character): characters whose spacing differs from their
/// neighbours' get runs of their own, so Word, WPS and LibreOffice set the widths the PDF
/// shows without compressing anything themselves (settings: `doNotCompress`).
fn typeset_runs(x: &mut Xml, p: &Paragraph, base: &RunProps) {
    // Each inline as (run formatting, its characters); blanks print as ＿ in the Song font,
    // as in the PDF (model::Inline::Blank).
    let pieces: Vec<(RunProps, Vec<char>)> = p
        .content
        .iter()
        .map(|inline| match inline {
            Inline::Text { text, role } => {
                (RunProps { role: role.unwrap_or(p.style.role), ..RunProps::of(&p.style) }, text.chars().collect())
            }
            Inline::Blank { width } => {
                let n = width.round().max(1.0) as usize;
                (RunProps { role: BLANK_ROLE, ..RunProps::of(&p.style) }, vec![BLANK_CHAR; n])
            }
        })
        .collect();
    let all: Vec<char> = pieces.iter().flat_map(|(_, c)| c.iter().copied()).collect();
    let roles: Vec<FontRole> = pieces.iter().flat_map(|(r, c)| std::iter::repeat_n(r.role, c.len())).collect();
    let trim_end = matches!(p.style.align, Align::Center | Align::Right);
    let spacing = crate::typeset::spacing_after(&all, |k| roles[k], p.style.char_spacing, p.style.size, trim_end);
    let mut at = 0;
    for (rpr, chars) in &pieces {
        let mut start = 0;
        while start < chars.len() {
            let value = spacing[at + start];
            let mut end = start + 1;
            while end < chars.len() && twips(spacing[at + end]) == twips(value) {
                end += 1;
            }
            let text: String = chars[start..end].iter().collect();
            run(x, &RunProps { char_spacing: value, ..*rpr }, base, &text);
            start = end;
        }
        at += chars.len();
    }
}

/// A paragraph's properties in the units WordprocessingML states them: what a style and a
/// paragraph are compared by, so that a paragraph writes exactly what its style does not give.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct ParaValues {
    keep_next: bool,
    keep_lines: bool,
    page_break_before: bool,
    /// `w:spacing` before, after, line (twips; the line is exact).
    spacing: (i64, i64, i64),
    ind: Indent,
    jc: &'static str,
    pub run: RunProps,
}

impl ParaValues {
    pub fn of(style: &ParaStyle, placement: Placement) -> Self {
        ParaValues {
            keep_next: placement.keep_next || style.keep_with_next,
            keep_lines: placement.keep_lines,
            page_break_before: placement.page_break_before,
            spacing: (
                twips(style.space_before + placement.extra_space_before).max(0),
                twips(style.space_after).max(0),
                twips(style.line_pitch).max(1),
            ),
            ind: Indent::of(style),
            jc: match style.align {
                Align::Justify => "both",
                Align::Left => "left",
                Align::Center => "center",
                Align::Right => "right",
            },
            run: RunProps::of(style),
        }
    }
}

/// `w:ind`: indents in characters as `*Chars` (hundredths of a character, what Word and WPS
/// use) and as twips (chars × size, for renderers that ignore `*Chars`, e.g. LibreOffice 7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Indent {
    left_chars: i64,
    left: i64,
    right_chars: i64,
    right: i64,
    /// First-line indent; negative: hanging.
    first_chars: i64,
    first: i64,
}

impl Indent {
    fn of(style: &ParaStyle) -> Self {
        let chars = |n: f32| (n * 100.0).round() as i64;
        let length = |n: f32| twips(n * style.size);
        let first = length(style.first_indent.abs());
        Indent {
            left_chars: chars(style.left_indent),
            left: length(style.left_indent),
            right_chars: chars(style.right_indent),
            right: length(style.right_indent),
            first_chars: chars(style.first_indent),
            first: if style.first_indent < 0.0 { -first } else { first },
        }
    }
}

/// An on/off property (`w:keepNext` …) that differs from what the style gives: on, or
/// `w:val="0"` to turn the style's off.
fn toggle(x: &mut Xml, tag: &str, on: bool) {
    if on {
        x.empty(tag, &[]);
    } else {
        x.empty(tag, &[("w:val", &0)]);
    }
}

/// `w:pPr`, children in CT_PPrBase order: pStyle, keepNext, keepLines, pageBreakBefore,
/// pBdr, tabs, spacing, ind, jc, rPr (paragraph mark) — each only where the paragraph differs
/// from its style's definition.
pub(super) fn paragraph_properties(x: &mut Xml, props: &ParaProps) {
    let own = ParaValues::of(props.style, props.placement);
    let base = ParaValues::of(props.def, Placement::default());
    x.open("w:pPr", &[]);
    x.empty("w:pStyle", &[("w:val", &stylesheet::style_id(&props.def.name))]);
    paragraph_values(x, &own, Some(&base), props.bottom_border, props.tabs);
    run_properties(x, &own.run, Some(&base.run));
    x.close("w:pPr");
}

/// The CT_PPrBase children from keepNext to jc of `own`: those that differ from `base`, or
/// with no base (the root style) all that differ from Word's defaults.
pub(super) fn paragraph_values(
    x: &mut Xml,
    own: &ParaValues,
    base: Option<&ParaValues>,
    bottom_border: Option<f32>,
    tabs: &[TabStop],
) {
    let off =
        ParaValues { keep_next: false, keep_lines: false, page_break_before: false, ind: Indent::default(), ..*own };
    // With no base, spacing, jc and the run are always stated (they differ from Word's own
    // defaults); the rest only when on.
    let differs = |f: &dyn Fn(&ParaValues) -> bool| match base {
        Some(b) => f(b),
        None => f(&off),
    };
    if differs(&|b| b.keep_next != own.keep_next) {
        toggle(x, "w:keepNext", own.keep_next);
    }
    if differs(&|b| b.keep_lines != own.keep_lines) {
        toggle(x, "w:keepLines", own.keep_lines);
    }
    if differs(&|b| b.page_break_before != own.page_break_before) {
        toggle(x, "w:pageBreakBefore", own.page_break_before);
    }
    if let Some(width) = bottom_border {
        x.open("w:pBdr", &[]);
        x.empty(
            "w:bottom",
            &[("w:val", &"single"), ("w:sz", &eighth_points(width)), ("w:space", &0), ("w:color", &"auto")],
        );
        x.close("w:pBdr");
    }
    if !tabs.is_empty() {
        x.open("w:tabs", &[]);
        for tab in tabs {
            x.empty("w:tab", &[("w:val", &tab.kind), ("w:leader", &tab.leader), ("w:pos", &tab.pos)]);
        }
        x.close("w:tabs");
    }
    if base.is_none_or(|b| b.spacing != own.spacing) {
        let (before, after, line) = own.spacing;
        x.empty(
            "w:spacing",
            &[("w:before", &before), ("w:after", &after), ("w:line", &line), ("w:lineRule", &"exact")],
        );
    }
    if differs(&|b| b.ind != own.ind) {
        indentation(x, &own.ind);
    }
    if base.is_none_or(|b| b.jc != own.jc) {
        x.empty("w:jc", &[("w:val", &own.jc)]);
    }
}

/// `w:ind`, every attribute (so nothing is left to the style's: Word and LibreOffice merge an
/// indent attribute by attribute). A hanging indent is written as such; a first-line indent
/// of zero as `firstLineChars="0"`, which cancels a style's two-character indent.
fn indentation(x: &mut Xml, ind: &Indent) {
    let (first_name, first_chars_name) = if ind.first < 0 || ind.first_chars < 0 {
        ("w:hanging", "w:hangingChars")
    } else {
        ("w:firstLine", "w:firstLineChars")
    };
    // Attribute order as in CT_Ind (any order is valid; this is Word's).
    x.empty(
        "w:ind",
        &[
            ("w:leftChars", &ind.left_chars),
            ("w:left", &ind.left),
            ("w:rightChars", &ind.right_chars),
            ("w:right", &ind.right),
            (first_chars_name, &ind.first_chars.abs()),
            (first_name, &ind.first.abs()),
        ],
    );
}

/// `w:rFonts`: one face for every script, with the East Asian hint.
pub(super) fn run_fonts(x: &mut Xml, role: FontRole) {
    let name = font_face(role).name;
    x.empty(
        "w:rFonts",
        &[("w:ascii", &name), ("w:hAnsi", &name), ("w:eastAsia", &name), ("w:cs", &name), ("w:hint", &"eastAsia")],
    );
}

/// `w:rPr` in EG_RPrBase order: rFonts, b, bCs, spacing, sz, szCs — each only where `rpr`
/// differs from `base` (the style's); with no base (the root style) all but what is off.
/// Nothing at all when nothing differs.
pub(super) fn run_properties(x: &mut Xml, rpr: &RunProps, base: Option<&RunProps>) {
    let font = base.is_none_or(|b| b.role != rpr.role);
    let bold = match base {
        Some(b) => b.bold != rpr.bold,
        None => rpr.bold,
    };
    let spacing = twips(rpr.char_spacing);
    let spacing_differs = match base {
        Some(b) => twips(b.char_spacing) != spacing,
        None => spacing != 0,
    };
    let size = base.is_none_or(|b| half_points(b.size) != half_points(rpr.size));
    if !(font || bold || spacing_differs || size) {
        return;
    }
    x.open("w:rPr", &[]);
    if font {
        run_fonts(x, rpr.role);
    }
    if bold {
        toggle(x, "w:b", rpr.bold);
        toggle(x, "w:bCs", rpr.bold);
    }
    if spacing_differs {
        x.empty("w:spacing", &[("w:val", &spacing)]);
    }
    if size {
        x.empty("w:sz", &[("w:val", &half_points(rpr.size))]);
        x.empty("w:szCs", &[("w:val", &half_points(rpr.size))]);
    }
    x.close("w:rPr");
}

/// One `w:r` formatted `rpr` in a paragraph whose style gives `base`: `'\n'` becomes `w:br`,
/// `'\t'` `w:tab`; `'\r'` and characters XML cannot hold are dropped.
pub(super) fn run(x: &mut Xml, rpr: &RunProps, base: &RunProps, text: &str) {
    x.open("w:r", &[]);
    run_properties(x, rpr, Some(base));
    let mut piece = String::new();
    for c in text.chars() {
        match c {
            '\n' | '\t' => {
                text_element(x, &piece);
                piece.clear();
                x.empty(if c == '\n' { "w:br" } else { "w:tab" }, &[]);
            }
            '\r' => {}
            c => piece.push(c),
        }
    }
    text_element(x, &piece);
    x.close("w:r");
}

/// A field (`PAGE`, `NUMPAGES`): begin, instruction, separate, a placeholder result, end —
/// each its own run with the same formatting.
pub(super) fn field(x: &mut Xml, rpr: &RunProps, base: &RunProps, instruction: &str, placeholder: &str) {
    let field_char = |x: &mut Xml, kind: &str| {
        x.open("w:r", &[]);
        run_properties(x, rpr, Some(base));
        x.empty("w:fldChar", &[("w:fldCharType", &kind)]);
        x.close("w:r");
    };
    field_char(x, "begin");
    x.open("w:r", &[]);
    run_properties(x, rpr, Some(base));
    x.text_element("w:instrText", &[("xml:space", &"preserve")], &format!(" {instruction} "));
    x.close("w:r");
    field_char(x, "separate");
    run(x, rpr, base, placeholder);
    field_char(x, "end");
}

/// `w:t`, preserving leading/trailing spaces; nothing for empty text.
fn text_element(x: &mut Xml, text: &str) {
    let text = crate::package::xml::clean_xml_text(text);
    if text.is_empty() {
        return;
    }
    let edges_blank = text.starts_with(char::is_whitespace) || text.ends_with(char::is_whitespace);
    if edges_blank {
        x.text_element("w:t", &[("xml:space", &"preserve")], &text);
    } else {
        x.text_element("w:t", &[], &text);
    }
}

/// `w:tblPr` in CT_TblPrBase order: tblW, tblBorders, tblLayout, tblCellMar.
fn table_properties(x: &mut Xml, t: &Table) {
    let width: i64 = t.columns.iter().map(|&c| twips(c)).sum();
    x.open("w:tblPr", &[]);
    x.empty("w:tblW", &[("w:w", &width), ("w:type", &"dxa")]);
    table_borders(x, &t.borders);
    x.empty("w:tblLayout", &[("w:type", &"fixed")]);
    x.open("w:tblCellMar", &[]);
    // The PDF draws borders on the grid lines, taking no room; Word and LibreOffice add each
    // row's horizontal border to its height. Taking half the inner border off the top and
    // bottom padding keeps the rows as tall as the PDF's (measured in LibreOffice 7.4: a
    // 0.5 pt grid otherwise adds 0.5 pt per row, enough to push a signature row over a page).
    let border = t.borders.inner.unwrap_or(0.0);
    let (pad_x, pad_y) = (twips(t.pad_x), twips((t.pad_y - border / 2.0).max(0.0)));
    for (side, pad) in [("w:top", pad_y), ("w:left", pad_x), ("w:bottom", pad_y), ("w:right", pad_x)] {
        x.empty(side, &[("w:w", &pad), ("w:type", &"dxa")]);
    }
    x.close("w:tblCellMar");
    x.close("w:tblPr");
}

/// `w:tblBorders`: the outer frame and the inner grid; a missing width is no line.
fn table_borders(x: &mut Xml, borders: &Borders) {
    x.open("w:tblBorders", &[]);
    let sides = [
        ("w:top", borders.outer),
        ("w:left", borders.outer),
        ("w:bottom", borders.outer),
        ("w:right", borders.outer),
        ("w:insideH", borders.inner),
        ("w:insideV", borders.inner),
    ];
    for (side, width) in sides {
        match width {
            Some(w) => x.empty(
                side,
                &[("w:val", &"single"), ("w:sz", &eighth_points(w)), ("w:space", &0), ("w:color", &"auto")],
            ),
            None => x.empty(side, &[("w:val", &"nil")]),
        };
    }
    x.close("w:tblBorders");
}

/// A cell as placed on the grid: the model's cell, or the continuation of a cell from a row
/// above that spans down (`vMerge` continue).
#[derive(Debug, Clone, Copy)]
struct Slot<'a> {
    cell: &'a Cell,
    /// First grid column.
    col: usize,
    continuation: bool,
}

/// Place every row's cells on the grid: a cell takes `col_span` columns starting at the first
/// column not covered by a `row_span` from above; covered columns get continuation slots.
fn grid_rows(t: &Table) -> Vec<Vec<Slot<'_>>> {
    let ncols = t.columns.len();
    // covering[col] = (rows still to cover, the spanning cell) for a cell starting at col.
    let mut covering: Vec<Option<(usize, &Cell)>> = vec![None; ncols];
    let mut rows = Vec::with_capacity(t.rows.len());
    for row in &t.rows {
        let mut slots = Vec::new();
        let mut cells = row.cells.iter();
        let mut col = 0;
        loop {
            if col < ncols {
                if let Some((left, cell)) = covering[col] {
                    slots.push(Slot { cell, col, continuation: true });
                    covering[col] = if left > 1 { Some((left - 1, cell)) } else { None };
                    col += cell.col_span.max(1);
                    continue;
                }
            }
            let Some(cell) = cells.next() else { break };
            slots.push(Slot { cell, col, continuation: false });
            if cell.row_span > 1 && col < ncols {
                covering[col] = Some((cell.row_span - 1, cell));
            }
            col += cell.col_span.max(1);
        }
        rows.push(slots);
    }
    rows
}

/// One `w:tc`: tcPr (tcW, gridSpan, vMerge, shd, vAlign) and at least one paragraph.
fn table_cell(x: &mut Xml, sheet: &Sheet, t: &Table, slot: &Slot, placement: Placement) {
    let cell = slot.cell;
    let span = cell.col_span.max(1);
    let end = (slot.col + span).min(t.columns.len());
    let width: i64 = t.columns.get(slot.col..end).unwrap_or(&[]).iter().map(|&c| twips(c)).sum();
    x.open("w:tc", &[]);
    x.open("w:tcPr", &[]);
    x.empty("w:tcW", &[("w:w", &width), ("w:type", &"dxa")]);
    if span > 1 {
        x.empty("w:gridSpan", &[("w:val", &span)]);
    }
    if slot.continuation {
        x.empty("w:vMerge", &[]);
    } else if cell.row_span > 1 {
        x.empty("w:vMerge", &[("w:val", &"restart")]);
    }
    if let Some(gray) = cell.shade {
        x.empty("w:shd", &[("w:val", &"clear"), ("w:color", &"auto"), ("w:fill", &gray_hex(gray))]);
    }
    let valign = match cell.valign {
        VAlign::Top => "top",
        VAlign::Center => "center",
        VAlign::Bottom => "bottom",
    };
    x.empty("w:vAlign", &[("w:val", &valign)]);
    x.close("w:tcPr");
    // A continuation holds one empty paragraph in the spanning cell's style.
    let empty;
    let paragraphs: &[Paragraph] = if slot.continuation || cell.paragraphs.is_empty() {
        let style = cell.paragraphs.first().map(|p| p.style).unwrap_or_else(ParaStyle::body);
        empty = [Paragraph { style, content: Vec::new() }];
        &empty
    } else {
        &cell.paragraphs
    };
    for p in paragraphs {
        write_paragraph(x, sheet, p, placement);
    }
    x.close("w:tc");
}

/// A grey level as a `w:shd` fill: 0.9 → "E6E6E6".
fn gray_hex(gray: f32) -> String {
    let v = (gray.clamp(0.0, 1.0) * 255.0).round() as u8;
    format!("{v:02X}{v:02X}{v:02X}")
}
