//! Tables: the cell grid (col_span / row_span), cell content laid out with the paragraph code
//! at cell width, row heights, and the cutting of rows into page-breakable slices (between
//! text lines, never through one). `render_segment` draws the part of a table that landed on
//! one page: shading first, then text, then the grid — frame closed at the bottom of the page
//! and re-opened at the top of the next.

use super::paragraph::{layout_paragraph, LineBox};
use super::structure::{mark_runs, paragraph_leaf, Furniture, Group, Leaves, Mark, Node, Scope};
use super::Item;
use crate::model::{Borders, Cell, Gray, Inline, ParaStyle, Paragraph, Row, Table, VAlign, CONTINUED};

const EPS: f32 = 0.01;

/// The part of one cell inside one slice; y relative to the slice top.
#[derive(Debug, Clone, PartialEq)]
pub struct Frag {
    /// Identifies the cell within its table (fragments of one cell on one page merge).
    pub key: usize,
    pub x0: f32,
    pub x1: f32,
    pub y0: f32,
    pub y1: f32,
    pub shade: Option<Gray>,
}

/// A horizontal strip of a table that is never broken across pages.
#[derive(Debug, Clone, PartialEq)]
pub struct Slice {
    pub height: f32,
    /// The rows `band.0 .. band.1` this slice is part of (a row-spanning cell makes a band of
    /// several rows; most bands are one row).
    pub band: (usize, usize),
    /// May a page end right before this slice?
    pub break_before: bool,
    /// Part of the header rows (repeated at the top of continuation pages).
    pub header: bool,
    pub frags: Vec<Frag>,
    /// Cell text, y relative to the slice top.
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LaidTable {
    pub slices: Vec<Slice>,
    /// The header slices as drawn again at the top of a continuation page: the same, their
    /// text marked [`Furniture::Repeated`] (read once, where the table starts).
    pub repeat: Vec<Slice>,
    pub x0: f32,
    pub x1: f32,
    pub borders: Borders,
    /// What the table is in the reading structure (see [`table_structure`]).
    pub structure: Vec<Node>,
}

impl LaidTable {
    pub fn header_slices(&self) -> impl Iterator<Item = &Slice> {
        self.slices.iter().take_while(|s| s.header)
    }

    pub fn header_height(&self) -> f32 {
        self.header_slices().map(|s| s.height).sum()
    }
}

/// A cell placed in the grid with its laid-out lines (line tops relative to the cell's top,
/// before vertical alignment).
struct GridCell {
    key: usize,
    row: usize,
    rows: usize,
    x0: f32,
    x1: f32,
    shade: Option<Gray>,
    valign: VAlign,
    lines: Vec<(f32, LineBox)>,
    content_h: f32,
    /// Grid columns spanned; a label cell ([`Cell::label`]).
    cols: usize,
    label: bool,
    /// The structure leaves of its paragraphs, in order.
    leaves: Vec<(super::Leaf, u32)>,
}

/// Place every cell on the grid and lay out its paragraphs, numbering them as leaves of the
/// reading structure from `leaves` on.
fn grid_cells(t: &Table, x0: f32, leaves: &mut Leaves) -> Vec<GridCell> {
    let ncols = t.columns.len();
    let col_x: Vec<f32> = std::iter::once(x0)
        .chain(t.columns.iter().scan(x0, |x, w| {
            *x += w;
            Some(*x)
        }))
        .collect();
    let nrows = t.rows.len();
    let mut busy_until = vec![0usize; ncols]; // first row where the column is free again
    let mut cells = Vec::new();
    for (r, row) in t.rows.iter().enumerate() {
        let mut col = 0;
        for cell in &row.cells {
            while col < ncols && busy_until[col] > r {
                col += 1;
            }
            if col >= ncols {
                break; // more cells than columns: ignore the excess rather than panic
            }
            let span = cell.col_span.max(1).min(ncols - col);
            let rows = cell.row_span.max(1).min(nrows - r);
            for b in &mut busy_until[col..col + span] {
                *b = r + rows;
            }
            let (cx0, cx1) = (col_x[col], col_x[col + span]);
            let inner_w = (cx1 - cx0 - 2.0 * t.pad_x).max(1.0);
            let mut y = t.pad_y;
            let mut lines = Vec::new();
            let mut ids = Vec::new();
            for p in &cell.paragraphs {
                let id = leaves.next();
                ids.push((paragraph_leaf(&p.style.name), id));
                y += p.style.space_before;
                for mut line in layout_paragraph(p, cx0 + t.pad_x, inner_w) {
                    mark_runs(&mut line.items, Mark::Content(id));
                    let h = line.height;
                    lines.push((y, line));
                    y += h;
                }
                y += p.style.space_after;
            }
            cells.push(GridCell {
                key: cells.len(),
                row: r,
                rows,
                x0: cx0,
                x1: cx1,
                shade: cell.shade,
                valign: cell.valign,
                lines,
                content_h: y + t.pad_y,
                cols: span,
                label: cell.label,
                leaves: ids,
            });
            col += span;
        }
    }
    cells
}

/// Row heights: the tallest single-row cell or the minimum; a row-spanning cell's extra need
/// goes to the last row it covers.
fn row_heights(t: &Table, cells: &[GridCell]) -> Vec<f32> {
    let mut h: Vec<f32> = t.rows.iter().map(|r| r.min_height.max(0.0)).collect();
    for c in cells.iter().filter(|c| c.rows == 1) {
        h[c.row] = h[c.row].max(c.content_h);
    }
    for c in cells.iter().filter(|c| c.rows > 1) {
        let covered: f32 = h[c.row..c.row + c.rows].iter().sum();
        if c.content_h > covered {
            h[c.row + c.rows - 1] += c.content_h - covered;
        }
    }
    h
}

/// Lay out a table at `x0`. `page_h` is the height of the type area: rows (with the
/// repeated header) taller than that may split even when they say they may not.
pub fn lay_out_table(t: &Table, x0: f32, page_h: f32, leaves: &mut Leaves) -> LaidTable {
    let cells = grid_cells(t, x0, leaves);
    let heights = row_heights(t, &cells);
    let mut row_top = vec![0.0f32];
    for h in &heights {
        row_top.push(row_top.last().copied().unwrap_or(0.0) + h);
    }
    let nrows = t.rows.len();
    let header_rows = t.header_rows.min(nrows);

    // Bands: runs of rows that no row-spanning cell crosses the edge of.
    let mut bands = Vec::new();
    let mut r0 = 0;
    while r0 < nrows {
        let mut r1 = r0 + 1;
        let mut k = r0;
        while k < r1 {
            for c in cells.iter().filter(|c| c.row == k) {
                r1 = r1.max(c.row + c.rows);
            }
            k += 1;
        }
        bands.push((r0, r1));
        r0 = r1;
    }

    let header_h: f32 = bands.iter().filter(|b| b.1 <= header_rows).map(|b| row_top[b.1] - row_top[b.0]).sum();
    let body_room = page_h - header_h;
    let mut slices = Vec::new();
    let mut first_body = true;
    for &(r0, r1) in &bands {
        let header = r1 <= header_rows;
        let top = row_top[r0];
        let band_h = row_top[r1] - top;
        let band_cells: Vec<&GridCell> = cells.iter().filter(|c| c.row >= r0 && c.row < r1).collect();
        // Vertical offset of each cell's content (valign) and its line boxes, band-relative.
        // A band taller than a page sets every cell from the top, so a label such as 协作背景
        // starts the row on its first page instead of landing mid-way on a later one.
        let too_tall = band_h > body_room + EPS;
        let placed: Vec<(f32, f32, f32)> = band_cells
            .iter()
            .map(|c| {
                let y0 = row_top[c.row] - top;
                let y1 = row_top[c.row + c.rows] - top;
                let free = (y1 - y0 - c.content_h).max(0.0);
                let off = match (too_tall, c.valign) {
                    (true, _) | (false, VAlign::Top) => 0.0,
                    (false, VAlign::Center) => free / 2.0,
                    (false, VAlign::Bottom) => free,
                };
                (y0, y1, y0 + off)
            })
            .collect();
        let cuts = if header {
            vec![0.0, band_h]
        } else {
            band_cuts(t, r0, &band_cells, &placed, &row_top[r0..=r1], too_tall)
        };
        for (j, w) in cuts.windows(2).enumerate() {
            let (a, b) = (w[0], w[1]);
            let mut slice = Slice {
                height: b - a,
                band: (r0, r1),
                break_before: if header {
                    false
                } else if j == 0 {
                    // Not right under the header, nor away from a row that keeps with this one.
                    let kept = r0 > 0 && t.rows[r0 - 1].keep_with_next;
                    (!std::mem::replace(&mut first_body, false) || header_rows == 0) && !kept
                } else {
                    true
                },
                header,
                frags: Vec::new(),
                items: Vec::new(),
            };
            // The copied header of a table that goes on from another is not read again.
            let repeated = header && t.continues;
            for (c, &(y0, y1, content_top)) in band_cells.iter().zip(&placed) {
                if y1 <= a + EPS || y0 >= b - EPS {
                    continue;
                }
                slice.frags.push(Frag {
                    key: c.key,
                    x0: c.x0,
                    x1: c.x1,
                    y0: y0.max(a) - a,
                    y1: y1.min(b) - a,
                    shade: c.shade,
                });
                for (ly, line) in &c.lines {
                    let lt = content_top + ly;
                    if lt + EPS >= a && lt + EPS < b {
                        let from = slice.items.len();
                        slice.items.extend(line.items.iter().cloned().map(|i| i.shifted(0.0, lt - a)));
                        if repeated {
                            mark_runs(&mut slice.items[from..], Mark::Artifact(Furniture::Repeated));
                        }
                    }
                }
            }
            slices.push(slice);
        }
    }
    // The table's very first slice may always follow a page break (the flow decides keeps).
    if let Some(s) = slices.first_mut() {
        s.break_before = true;
    }
    let x1 = x0 + t.columns.iter().sum::<f32>();
    let repeat = slices
        .iter()
        .take_while(|s| s.header)
        .map(|s| {
            let mut again = s.clone();
            mark_runs(&mut again.items, Mark::Artifact(Furniture::Repeated));
            again
        })
        .collect();
    let structure = table_structure(t, &cells);
    LaidTable { slices, repeat, x0, x1, borders: t.borders, structure }
}

/// The reading structure of a table. A table with borders is a table: its header rows a
/// head whose cells are column headers, its label cells (协作背景) row headers, the rest data
/// cells, each with its spans. A table with no lines at all only places text side by side
/// (the letter's header block 发函部门：… 函件编号：…): its paragraphs are read as paragraphs,
/// row by row. A table that goes on from another ([`Table::continues`]) is only a body: its
/// header rows are copies, drawn and not read; the flow joins the body to the other table.
fn table_structure(t: &Table, cells: &[GridCell]) -> Vec<Node> {
    let leaf = |&(leaf, id): &(super::Leaf, u32)| Node::Leaf { leaf, id };
    if t.borders.outer.is_none() && t.borders.inner.is_none() {
        return cells.iter().flat_map(|c| c.leaves.iter().map(leaf)).collect();
    }
    let header_rows = t.header_rows.min(t.rows.len());
    let row = |r: usize| {
        let children = cells
            .iter()
            .filter(|c| c.row == r)
            .map(|c| {
                let header = if r < header_rows {
                    Some(Scope::Column)
                } else if c.label {
                    Some(Scope::Row)
                } else {
                    None
                };
                let group = Group::Cell { header, rows: c.rows as u32, cols: c.cols as u32 };
                Node::Group { group, children: c.leaves.iter().map(leaf).collect() }
            })
            .collect();
        Node::Group { group: Group::Row, children }
    };
    let mut parts = Vec::new();
    if header_rows > 0 && !t.continues {
        parts.push(Node::Group { group: Group::Head, children: (0..header_rows).map(row).collect() });
    }
    if header_rows < t.rows.len() {
        parts.push(Node::Group { group: Group::Body, children: (header_rows..t.rows.len()).map(row).collect() });
    }
    vec![Node::Group { group: Group::Table, children: parts }]
}

/// Where a body band may be cut between pages (band-relative y, including 0 and the band's
/// height): row boundaries and line bottoms that cut through no cell's text line, inside rows
/// that may split (any row, when the band is taller than a page).
fn band_cuts(
    t: &Table,
    r0: usize,
    cells: &[&GridCell],
    placed: &[(f32, f32, f32)],
    row_top: &[f32],
    too_tall: bool,
) -> Vec<f32> {
    let top = row_top[0];
    let band_h = row_top[row_top.len() - 1] - top;
    let row_of = |y: f32| row_top.windows(2).position(|w| y < w[1] - top - EPS).unwrap_or(0) + r0;
    let mut cand: Vec<f32> = row_top[1..row_top.len() - 1].iter().map(|y| y - top).collect();
    for (c, &(_, _, content_top)) in cells.iter().zip(placed) {
        cand.extend(c.lines.iter().map(|(ly, l)| content_top + ly + l.height));
    }
    cand.sort_by(f32::total_cmp);
    cand.dedup_by(|a, b| (*a - *b).abs() < EPS);
    let mut cuts = vec![0.0];
    for y in cand {
        if y <= EPS || y >= band_h - EPS {
            continue;
        }
        let straddles = cells
            .iter()
            .zip(placed)
            .any(|(c, &(_, _, ct))| c.lines.iter().any(|(ly, l)| ct + ly < y - EPS && ct + ly + l.height > y + EPS));
        if straddles {
            continue;
        }
        let at_row_edge = row_top.iter().any(|rt| (rt - top - y).abs() < EPS);
        let ok = too_tall
            || if at_row_edge {
                let r = row_of(y + 2.0 * EPS);
                t.rows[r - 1].can_split && t.rows[r].can_split
            } else {
                t.rows[row_of(y)].can_split
            };
        if ok {
            cuts.push(y);
        }
    }
    cuts.push(band_h);
    cuts
}

/// Could this table's rows need settling on a page `page_h` tall: a row that may split or
/// shrink, or one taller than a page under the header?
pub fn needs_settling(t: &Table, page_h: f32) -> bool {
    if t.rows.iter().any(|r| r.can_split || r.shrink_to.is_some()) {
        return true;
    }
    let cells = grid_cells(t, 0.0, &mut Leaves::default());
    let heights = row_heights(t, &cells);
    let header: f32 = heights.iter().take(t.header_rows).sum();
    heights.iter().any(|h| *h > page_h - header)
}

/// The rest of a cut row (`rest`, a row of `t`'s columns) cut again, page by page, while it
/// is taller than `room` (a page under the repeated header): such a piece is cut wherever it
/// lands, and it lands at the top of a page. Cutting it here, on a table of that one row,
/// costs one layout of what is left per page; found one cut per layout of the whole document
/// it cost minutes for a cell of Excel's 32 767 characters.
pub fn cut_to_pages(t: &Table, rest: Row, room: f32) -> Vec<Row> {
    let mut out = Vec::new();
    let mut rest = rest;
    // Every cut moves at least one line of the row's text: no more cuts than it has lines
    // (a guard besides, should a cut ever fail to move on).
    let mut budget: Option<usize> = None;
    loop {
        let single = Table {
            columns: t.columns.clone(),
            rows: vec![rest],
            header_rows: 0,
            borders: t.borders,
            pad_x: t.pad_x,
            pad_y: t.pad_y,
            continues: false,
        };
        let cells = grid_cells(&single, 0.0, &mut Leaves::default());
        let left = budget.get_or_insert_with(|| cells.iter().map(|c| c.lines.len()).sum::<usize>() + 1);
        *left = left.saturating_sub(1);
        let tall = *left > 0 && row_heights(&single, &cells)[0] > room + EPS;
        let cut = if tall { split_row(&single, 0, room, true) } else { None };
        let row = single.rows.into_iter().next().expect("one row");
        match cut {
            Some((first, more)) => {
                out.push(first);
                rest = more;
            }
            None => {
                out.push(row);
                return out;
            }
        }
    }
}

/// Fewer lines than this of a cell are never left alone on either side of a split row (as
/// widow/orphan control keeps two lines of a paragraph), unless the row is taller than a page.
const MIN_SPLIT_LINES: usize = 2;

/// Cut row `r` of `t` (a row that no row-spanning cell crosses) into two rows: the first,
/// padded like any row, at most `room` tall; the second holding the rest of every value
/// cell's text, its labels repeated with [`CONTINUED`]. Both may not split. `None` when the
/// cut would leave fewer than [`MIN_SPLIT_LINES`] lines of a cell on a side (the row then
/// moves whole) — with `must` (the row is taller than a page) one line is enough.
pub fn split_row(t: &Table, r: usize, room: f32, must: bool) -> Option<(Row, Row)> {
    let row = t.rows.get(r)?;
    let min_lines = if must { 1 } else { MIN_SPLIT_LINES };
    let cells: Vec<GridCell> = grid_cells(t, 0.0, &mut Leaves::default()).into_iter().filter(|c| c.row == r).collect();
    if cells.len() != row.cells.len() || cells.iter().any(|c| c.rows != 1) {
        return None;
    }
    let values: Vec<&GridCell> = row.cells.iter().zip(&cells).filter(|(m, _)| !m.label).map(|(_, c)| c).collect();
    // Labels stay whole on the first part: it is at least as tall as they are.
    let labels_h = row.cells.iter().zip(&cells).filter(|(m, _)| m.label).map(|(_, c)| c.content_h).fold(0.0, f32::max);
    let straddles =
        |y: f32| values.iter().any(|c| c.lines.iter().any(|(ly, l)| *ly < y - EPS && ly + l.height > y + EPS));
    let counts = |y: f32, c: &GridCell| {
        let a = c.lines.iter().filter(|(ly, l)| ly + l.height <= y + EPS).count();
        (a, c.lines.len() - a)
    };
    let mut cand: Vec<f32> = values.iter().flat_map(|c| c.lines.iter().map(|(ly, l)| ly + l.height)).collect();
    cand.sort_by(f32::total_cmp);
    let cut = cand.into_iter().rev().find(|&y| {
        // Cheap test first: the other tests walk every line, and most candidates of a long
        // cell lie below the page.
        if (y + t.pad_y).max(labels_h) > room + EPS {
            return false;
        }
        let enough = values.iter().all(|c| {
            let (a, b) = counts(y, c);
            (a == 0 || a >= min_lines.min(c.lines.len())) && (b == 0 || b >= min_lines.min(c.lines.len()))
        });
        let some = values.iter().any(|c| counts(y, c).0 > 0) && values.iter().any(|c| counts(y, c).1 > 0);
        enough && some && !straddles(y)
    })?;
    let mut first =
        Row { cells: Vec::new(), min_height: 0.0, can_split: false, keep_with_next: false, shrink_to: None };
    let mut rest = Row {
        cells: Vec::new(),
        min_height: (row.min_height - (cut + t.pad_y)).max(0.0),
        can_split: false,
        keep_with_next: row.keep_with_next,
        shrink_to: None,
    };
    for (cell, grid) in row.cells.iter().zip(&cells) {
        if cell.label {
            first.cells.push(cell.clone());
            // At the top of the continuation, where the eye looks for what goes on.
            let mut again = Cell { valign: VAlign::Top, ..cell.clone() };
            if let Some(p) = again.paragraphs.last_mut() {
                p.content.push(Inline::text(CONTINUED));
            }
            rest.cells.push(again);
            continue;
        }
        let (a, b) = split_cell(cell, grid, t, cut);
        first.cells.push(a);
        rest.cells.push(b);
    }
    Some((first, rest))
}

/// A value cell's paragraphs cut at `cut` (cell-relative y): those above, those below, and
/// the paragraph the cut falls in split between its lines.
fn split_cell(cell: &Cell, grid: &GridCell, t: &Table, cut: f32) -> (Cell, Cell) {
    let inner_w = (grid.x1 - grid.x0 - 2.0 * t.pad_x).max(1.0);
    let (mut above, mut below) = (Vec::new(), Vec::new());
    let mut y = t.pad_y;
    for p in &cell.paragraphs {
        y += p.style.space_before;
        let lines = layout_paragraph(p, 0.0, inner_w);
        let kept = lines.iter().scan(y, |ly, l| {
            let bottom = *ly + l.height;
            *ly = bottom;
            Some(bottom)
        });
        let n_above = kept.filter(|b| *b <= cut + EPS).count();
        y += lines.iter().map(|l| l.height).sum::<f32>() + p.style.space_after;
        if n_above == lines.len() {
            above.push(p.clone());
        } else if n_above == 0 {
            below.push(p.clone());
        } else {
            let (a, b) = split_content(&p.content, lines[n_above].start);
            above.push(Paragraph { style: ParaStyle { space_after: 0.0, ..p.style }, content: a });
            // The rest continues a paragraph: no first-line indent, no space before.
            below.push(Paragraph { style: ParaStyle { space_before: 0.0, first_indent: 0.0, ..p.style }, content: b });
        }
    }
    let empty = |c: &Cell| Paragraph {
        style: c.paragraphs.first().map_or_else(ParaStyle::body, |p| p.style),
        content: Vec::new(),
    };
    if above.is_empty() {
        above.push(empty(cell));
    }
    if below.is_empty() {
        below.push(empty(cell));
    }
    (Cell { paragraphs: above, ..cell.clone() }, Cell { paragraphs: below, ..cell.clone() })
}

/// Split inline content after its first `atoms` atoms (as the paragraph layout counts them,
/// [`LineBox::start`]: every character but control characters other than hard breaks and
/// tabs; one per character of a blank's width). The hard break that ended the first part's
/// last line is dropped. Counting hard breaks matters: a cell of empty lines (`\r\n\r\n…`)
/// sets no glyph, and cut by glyphs it never moved on, cutting the same row for ever.
fn split_content(content: &[Inline], atoms: usize) -> (Vec<Inline>, Vec<Inline>) {
    let (mut a, mut b) = (Vec::new(), Vec::new());
    let mut left = atoms;
    for inline in content {
        if left == 0 {
            b.push(inline.clone());
            continue;
        }
        match inline {
            Inline::Blank { width } => {
                let n = (width.round() as usize).max(1);
                if n <= left {
                    left -= n;
                    a.push(inline.clone());
                } else {
                    a.push(Inline::Blank { width: left as f32 });
                    b.push(Inline::Blank { width: (n - left) as f32 });
                    left = 0;
                }
            }
            Inline::Text { text, role } => {
                let mut at = text.len();
                for (k, ch) in text.char_indices() {
                    if left == 0 {
                        at = k;
                        break;
                    }
                    if ch == '\n' || ch == '\t' || !ch.is_control() {
                        left -= 1;
                    }
                }
                a.push(Inline::Text { text: text[..at].to_string(), role: *role });
                if at < text.len() {
                    b.push(Inline::Text { text: text[at..].to_string(), role: *role });
                }
            }
        }
    }
    if let Some(Inline::Text { text, .. }) = a.last_mut() {
        if let Some(kept) = text.strip_suffix('\n') {
            *text = kept.to_string();
        }
    }
    (a, b)
}

/// Draw the slices of one table that landed on one page (`placed`: each slice with its
/// absolute top), appending shading, text and borders to `out`.
pub fn render_segment(t: &LaidTable, placed: &[(f32, &Slice)], out: &mut Vec<Item>) {
    let Some(seg_top) = placed.first().map(|p| p.0) else { return };
    let seg_bottom = placed.last().map_or(seg_top, |(y, s)| y + s.height);
    // Merge each cell's fragments on this page into one box.
    let mut boxes: Vec<Frag> = Vec::new();
    for (y, s) in placed {
        for f in &s.frags {
            let (y0, y1) = (y + f.y0, y + f.y1);
            match boxes.iter_mut().find(|b| b.key == f.key) {
                Some(b) => {
                    b.y0 = b.y0.min(y0);
                    b.y1 = b.y1.max(y1);
                }
                None => boxes.push(Frag { y0, y1, ..f.clone() }),
            }
        }
    }
    for b in &boxes {
        if let Some(gray) = b.shade {
            out.push(Item::Fill { x: b.x0, y: b.y0, w: b.x1 - b.x0, h: b.y1 - b.y0, gray });
        }
    }
    for (y, s) in placed {
        out.extend(s.items.iter().cloned().map(|i| i.shifted(0.0, *y)));
    }
    let line =
        |x1: f32, y1: f32, x2: f32, y2: f32, width: f32| Item::Line { x1, y1, x2, y2, width, gray: 0.0, dash: None };
    if let Some(w) = t.borders.inner {
        for b in &boxes {
            if b.y0 > seg_top + EPS {
                out.push(line(b.x0, b.y0, b.x1, b.y0, w));
            }
            if b.x0 > t.x0 + EPS {
                out.push(line(b.x0, b.y0, b.x0, b.y1, w));
            }
        }
    }
    if let Some(w) = t.borders.outer {
        let h = w / 2.0; // square the frame's corners
        out.push(line(t.x0 - h, seg_top, t.x1 + h, seg_top, w));
        out.push(line(t.x0 - h, seg_bottom, t.x1 + h, seg_bottom, w));
        out.push(line(t.x0, seg_top, t.x0, seg_bottom, w));
        out.push(line(t.x1, seg_top, t.x1, seg_bottom, w));
    }
}

#[cfg(test)]
mod tests {
    use super::super::flow::tests::{assert_inside_type_area, body_lines, doc, runs};
    use super::super::{layout, lines_text, Laid, Page};
    use super::*;
    use crate::model::{Align, Block, Cell, PageSetup, ParaStyle, Paragraph, Row};

    fn cell_style() -> ParaStyle {
        let mut st = ParaStyle::body();
        st.size = 12.0;
        st.line_pitch = 20.0;
        st.char_spacing = 0.0;
        st.first_indent = 0.0;
        st.align = Align::Left;
        st
    }

    fn cell(text: &str) -> Cell {
        Cell::new(vec![Paragraph::new(cell_style(), text)])
    }

    fn row(cells: Vec<Cell>) -> Row {
        Row { can_split: true, ..Row::new(cells) }
    }

    fn table(columns: Vec<f32>, rows: Vec<Row>, header_rows: usize) -> Block {
        Block::Table(Table {
            columns,
            rows,
            header_rows,
            borders: Borders { outer: Some(1.0), inner: Some(0.5) },
            pad_x: 4.0,
            pad_y: 2.0,
            continues: false,
        })
    }

    fn lines_of(p: &Page) -> Vec<(f32, f32, f32, f32, f32)> {
        p.items
            .iter()
            .filter_map(|i| match i {
                Item::Line { x1, y1, x2, y2, width, .. } => Some((*x1, *y1, *x2, *y2, *width)),
                _ => None,
            })
            .collect()
    }

    fn body(p: &Page) -> Vec<String> {
        lines_text(p).into_iter().filter(|s| !s.starts_with('—')).collect()
    }

    #[test]
    fn merged_cells_have_no_inner_lines_through_them() {
        let mut tall = cell("标签");
        tall.row_span = 2;
        tall.shade = Some(0.9);
        let mut wide = cell("协作主题横跨四列");
        wide.col_span = 4;
        let d = doc(vec![table(
            vec![100.0; 4],
            vec![
                row(vec![wide]),
                row(vec![tall, cell("乙"), cell("丙"), cell("丁")]),
                row(vec![cell("戊"), cell("己"), cell("庚")]),
            ],
            0,
        )]);
        let laid = layout(&d);
        let p = &laid.pages[0];
        // the merged label sits centred between rows 1 and 2
        assert_eq!(body(p), vec!["协作主题横跨四列", "乙丙丁", "标签", "戊己庚"]);
        let x0 = d.page.margin_left;
        let top = d.page.margin_top;
        let row_h = 20.0 + 4.0;
        let lines = lines_of(p);
        // no vertical grid line inside the first (merged) row
        assert!(!lines
            .iter()
            .any(|&(x1, y1, x2, _, _)| x1 == x2 && x1 > x0 + 1.0 && x1 < x0 + 399.0 && y1 < top + row_h - 0.1));
        // no horizontal line between rows 1 and 2 across the row-spanning cell
        let y12 = top + 2.0 * row_h;
        assert!(!lines.iter().any(|&(x1, y1, _, y2, _)| y1 == y2 && (y1 - y12).abs() < 0.01 && x1 < x0 + 100.0));
        // but there is one across the other columns
        assert!(lines
            .iter()
            .any(|&(x1, y1, _, y2, _)| y1 == y2 && (y1 - y12).abs() < 0.01 && (x1 - (x0 + 100.0)).abs() < 0.01));
        // the shaded merged cell is filled over both rows, before any text
        let fill = p.items.iter().position(|i| matches!(i, Item::Fill { h, .. } if (*h - 2.0 * row_h).abs() < 0.01));
        let first_text = p.items.iter().position(|i| matches!(i, Item::Text(_)));
        assert!(fill.unwrap() < first_text.unwrap());
        // the merged cell's text is vertically centred over its two rows
        let label = runs(p).find(|r| r.text() == "标签").unwrap();
        let centre = top + row_h + row_h; // middle of rows 1..3
        assert!((label.baseline - 12.0 * 0.38 - centre).abs() < 0.5, "baseline {}", label.baseline);
    }

    fn long_table(rows: usize) -> Block {
        let header = row(vec![cell("序号"), cell("任务名称")]);
        let mut all = vec![header];
        all.extend((1..=rows).map(|k| row(vec![cell(&k.to_string()), cell(&format!("任务{k}"))])));
        table(vec![60.0, 382.0], all, 1)
    }

    /// Each page has a closed frame: outer lines at the table's top and bottom on that page.
    fn assert_frame_closed(laid: &Laid) {
        for p in &laid.pages {
            let outer: Vec<_> = lines_of(p).into_iter().filter(|l| l.4 == 1.0 && l.1 == l.3).collect();
            assert_eq!(outer.len(), 2, "top and bottom frame on every page");
            let texts: Vec<f32> = runs(p).filter(|r| r.size == 12.0).map(|r| r.baseline).collect();
            let (lo, hi) = (outer[0].1.min(outer[1].1), outer[0].1.max(outer[1].1));
            assert!(texts.iter().all(|&b| b > lo && b < hi), "text inside the frame");
        }
    }

    #[test]
    fn header_rows_repeat_on_every_page() {
        let d = doc(vec![long_table(80)]);
        let laid = layout(&d);
        assert!(laid.pages.len() >= 3);
        for p in &laid.pages {
            assert_eq!(body(p)[0], "序号任务名称");
        }
        let all: Vec<String> = laid.pages.iter().flat_map(body).filter(|l| l != "序号任务名称").collect();
        assert_eq!(all.len(), 80, "every row once");
        assert_eq!(all[79], "80任务80");
        assert_inside_type_area(&d, &laid);
        assert_frame_closed(&laid);
    }

    #[test]
    fn an_unsplittable_row_taller_than_the_rest_of_the_page_moves() {
        let mut tall = row(vec![cell("确认意见"), cell("□同意承接")]);
        tall.min_height = 150.0;
        tall.can_split = false;
        let d =
            doc(vec![body_lines(17, '文'), table(vec![60.0, 382.0], vec![row(vec![cell("甲"), cell("乙")]), tall], 0)]);
        let laid = layout(&d);
        assert_eq!(laid.pages.len(), 2);
        assert_eq!(body(&laid.pages[0]).last().unwrap(), "甲乙");
        assert_eq!(body(&laid.pages[1]), vec!["确认意见□同意承接"]);
        assert_frame_closed(&laid);
    }

    #[test]
    fn a_cell_taller_than_a_page_splits_between_lines_under_the_header() {
        let text: String = (1..=60).map(|k| format!("第{k}行\n")).collect();
        let mut huge = row(vec![cell("描述"), cell(text.trim_end())]);
        huge.can_split = false;
        let d = doc(vec![table(vec![60.0, 382.0], vec![row(vec![cell("项目"), cell("内容")]), huge], 1)]);
        let laid = layout(&d);
        assert!(laid.pages.len() >= 2);
        let mut seen = Vec::new();
        for p in &laid.pages {
            let b = body(p);
            assert_eq!(b[0], "项目内容");
            seen.extend(b.into_iter().skip(1));
        }
        // A row taller than a page starts with its label, not mid-way on a later page.
        assert_eq!(seen[0], "描述第1行");
        seen[0] = "第1行".into();
        let want: Vec<String> = (1..=60).map(|k| format!("第{k}行")).collect();
        assert_eq!(seen, want, "every line once, in order, none cut");
        assert_inside_type_area(&d, &laid);
        assert_frame_closed(&laid);
    }

    #[test]
    fn a_row_over_the_page_is_settled_into_two_rows_its_label_continued() {
        let text: String = (1..=20).map(|k| format!("第{k}行\n")).collect();
        let mut label = cell("描述");
        label.label = true;
        let long = row(vec![label, cell(text.trim_end())]);
        let d = doc(vec![
            body_lines(18, '文'),
            table(vec![100.0, 342.0], vec![row(vec![cell("项目"), cell("内容")]), long], 0),
        ]);
        let settled = crate::layout::settle(&d);
        let Block::Table(t) = &settled.blocks[1] else { panic!() };
        assert_eq!(t.rows.len(), 3, "the long row became two");
        assert!(t.rows.iter().all(|r| !r.can_split));
        assert_eq!(t.rows[2].cells[0].paragraphs[0].plain_text(), "描述（续）");
        let laid = layout(&settled);
        assert_eq!(laid.pages.len(), 2);
        let p2 = body(&laid.pages[1]);
        // Lines 1–3 stay on page 1: the 4th would fit there, but a cut keeps a line to spare
        // (settle::CUT_SAFETY) for word processors that set the text a little wider.
        assert_eq!(p2[0], "描述（续）第4行", "page 2 opens with the label continued");
        // Every line once, in order, across the two pages.
        let seen: Vec<String> = laid.pages.iter().flat_map(body).filter(|l| l.contains('行')).collect();
        let seen: Vec<String> = seen.iter().map(|l| l.replace("描述（续）", "").replace("描述", "")).collect();
        let want: Vec<String> = (1..=20).map(|k| format!("第{k}行")).collect();
        assert_eq!(seen, want);
        // Settling again changes nothing.
        assert_eq!(crate::layout::settle(&settled), settled);
        assert_frame_closed(&laid);
    }

    #[test]
    fn write_in_rows_shrink_before_a_row_moves_and_only_as_far_as_needed() {
        let write_in =
            |h: f32| Row { min_height: h, shrink_to: Some(30.0), ..row(vec![cell("职责边界"), cell("")]) };
        let mut sign = row(vec![cell("签字"), cell("日期")]);
        sign.min_height = 100.0;
        sign.can_split = false;
        let make = |before: usize| {
            doc(vec![
                body_lines(before, '文'),
                table(vec![60.0, 382.0], vec![write_in(60.0), write_in(60.0), write_in(60.0), sign.clone()], 0),
            ])
        };
        // 14 lines + 3 × 60 + 100 does not fit; 3 × 45 does.
        let d = make(14);
        assert_eq!(layout(&d).pages.len(), 2);
        let settled = crate::layout::settle(&d);
        assert_eq!(layout(&settled).pages.len(), 1);
        let Block::Table(t) = &settled.blocks[1] else { panic!() };
        let h = t.rows[0].min_height;
        assert!(h > 30.0 && h < 60.0, "shrunk as far as needed: {h}");
        assert!(t.rows.iter().all(|r| r.shrink_to.is_none()));
        // With room, nothing shrinks; with too little even at the least, nothing shrinks either.
        let Block::Table(t) = &crate::layout::settle(&make(8)).blocks[1] else { panic!() };
        assert_eq!(t.rows[0].min_height, 60.0);
        let Block::Table(t) = &crate::layout::settle(&make(19)).blocks[1] else { panic!() };
        assert_eq!(t.rows[0].min_height, 60.0);
    }

    #[test]
    fn landscape_pages_use_their_own_type_area() {
        let mut d = doc(vec![long_table(40)]);
        d.page = PageSetup::a4_landscape_official();
        if let Block::Table(t) = &mut d.blocks[0] {
            t.columns = vec![60.0, d.page.text_width() - 60.0];
        }
        let laid = layout(&d);
        assert!(laid.pages.len() >= 2);
        assert!(laid.pages.iter().all(|p| p.width > p.height));
        assert_inside_type_area(&d, &laid);
    }
}
