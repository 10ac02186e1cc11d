//! Pagination: the document's blocks become a flat list of unbreakable units (paragraph
//! lines, table slices, rules, seal space…), each saying whether a page may end before it
//! (widow/orphan control, keep-with-next, keep-together, table headers). Pages are filled
//! greedily; when a unit does not fit, the page ends at the last place it may end. Then the
//! units are drawn at their places, table headers repeated, page numbers added.

use super::paragraph::{layout_paragraph, text_line};
use super::structure::{mark_runs, paragraph_leaf, Furniture, Group, Leaf, Leaves, Mark, Node, SEAL_ALT};
use super::table::{lay_out_table, render_segment, LaidTable, Slice};
use super::{Item, Laid, Page, SealPlace};
use crate::model::{Block, Document, FontRole, PageNumbers, Paragraph, SealImage, MM, SEAL_RAISE};

const EPS: f32 = 0.01;
/// Page numbers: 四号; their dashes 7 mm below the type area (`typeset::page_number_baseline`).
const PAGE_NO_SIZE: f32 = 14.0;
/// The em box of the bundled CJK fonts: top above / bottom below the baseline, in em.
const EM_TOP: f32 = 0.88;
const EM_BOTTOM: f32 = 0.12;
/// The ✂ on the cut line.
const SCISSORS_SIZE: f32 = 14.0;

enum Content {
    /// Items with y relative to the unit's top.
    Items(Vec<Item>),
    /// A slice of table number `.0`.
    Slice(usize, Slice),
    PageBreak,
}

struct Unit {
    height: f32,
    space_before: f32,
    space_after: f32,
    /// May a page end right before this unit?
    break_before: bool,
    /// Index of the seal block this unit belongs to.
    seal: Option<usize>,
    content: Content,
}

impl Unit {
    fn items(height: f32, items: Vec<Item>) -> Unit {
        Unit {
            height,
            space_before: 0.0,
            space_after: 0.0,
            break_before: true,
            seal: None,
            content: Content::Items(items),
        }
    }
}

/// Everything the flattening needs to know and collects besides the units.
struct Flow<'a> {
    doc: &'a Document,
    units: Vec<Unit>,
    tables: Vec<LaidTable>,
    /// Per seal block: its diameter and image, and the image's leaf in the structure.
    seals: Vec<(f32, Option<(SealImage, u32)>)>,
    /// The previous block asked to stay with the next one.
    keep_prev: bool,
    /// The reading structure so far (of the section being filled), and its leaf numbers.
    structure: Vec<Node>,
    leaves: Leaves,
}

impl<'a> Flow<'a> {
    fn new(doc: &'a Document) -> Self {
        Flow {
            doc,
            units: Vec::new(),
            tables: Vec::new(),
            seals: Vec::new(),
            keep_prev: false,
            structure: Vec::new(),
            leaves: Leaves::default(),
        }
    }

    /// Add a table's reading structure: a table that goes on from the one before it
    /// ([`crate::model::Table::continues`]) adds its rows to that table's body.
    fn read_table(&mut self, t: &crate::model::Table, mut nodes: Vec<Node>) {
        let before = self.structure.iter_mut().rev().find_map(|n| match n {
            Node::Group { group: Group::Table, children } => Some(children),
            _ => None,
        });
        if let (true, Some(before), [Node::Group { group: Group::Table, children }]) =
            (t.continues, before, &mut nodes[..])
        {
            for part in children.drain(..) {
                match (before.last_mut(), part) {
                    (
                        Some(Node::Group { group: Group::Body, children: rows }),
                        Node::Group { group: Group::Body, children: more },
                    ) => rows.extend(more),
                    (_, part) => before.push(part),
                }
            }
            return;
        }
        self.structure.append(&mut nodes);
    }

    fn left(&self) -> f32 {
        self.doc.page.margin_left
    }

    fn width(&self) -> f32 {
        self.doc.page.text_width()
    }

    fn paragraph(&mut self, p: &Paragraph, seal: Option<usize>) {
        let id = self.leaves.next();
        self.structure.push(Node::Leaf { leaf: paragraph_leaf(&p.style.name), id });
        let lines = layout_paragraph(p, self.left(), self.width());
        let n = lines.len();
        for (k, mut line) in lines.into_iter().enumerate() {
            mark_runs(&mut line.items, Mark::Content(id));
            self.units.push(Unit {
                height: line.height,
                space_before: if k == 0 { p.style.space_before } else { 0.0 },
                space_after: if k + 1 == n { p.style.space_after } else { 0.0 },
                // widow/orphan control: at least two lines on each side of a break
                break_before: k == 0 || (k >= 2 && n - k >= 2),
                seal,
                content: Content::Items(line.items),
            });
        }
    }

    fn blocks(&mut self, blocks: &[Block]) {
        for b in blocks {
            let first = self.units.len();
            // Read before the block: a keep-together group sets it from its own blocks.
            let kept = self.keep_prev;
            self.block(b);
            if kept {
                if let Some(u) = self.units.get_mut(first) {
                    u.break_before = false;
                }
            }
            // A keep-together group passes on the keep of its last block; a table, that of
            // its last row.
            if !matches!(b, Block::KeepTogether(_)) {
                self.keep_prev = match b {
                    Block::Paragraph(p) => p.style.keep_with_next,
                    Block::Table(t) => t.rows.last().is_some_and(|r| r.keep_with_next),
                    _ => false,
                };
            }
        }
    }

    fn block(&mut self, b: &Block) {
        let (left, right) = (self.left(), self.left() + self.width());
        match b {
            Block::Paragraph(p) => self.paragraph(p, None),
            Block::Table(t) => {
                let mut laid = lay_out_table(t, left, self.doc.page.text_height(), &mut self.leaves);
                self.read_table(t, std::mem::take(&mut laid.structure));
                let id = self.tables.len();
                for s in &laid.slices {
                    let mut u = Unit::items(s.height, Vec::new());
                    u.break_before = s.break_before;
                    u.content = Content::Slice(id, s.clone());
                    self.units.push(u);
                }
                self.tables.push(laid);
            }
            Block::Rule { height, thickness } => {
                let y = height / 2.0;
                let rule = Item::Line { x1: left, y1: y, x2: right, y2: y, width: *thickness, gray: 0.0, dash: None };
                self.units.push(Unit::items(*height, vec![rule]));
            }
            Block::CutLine { height } => self.units.push(Unit::items(*height, cut_line(left, right, *height))),
            Block::Seal(s) => {
                let id = self.seals.len();
                // The seal is read first, as it is seen first: over the name and the date.
                let image = s.image.clone().map(|image| {
                    let leaf = self.leaves.next();
                    self.structure.push(Node::Leaf { leaf: Leaf::Figure(SEAL_ALT), id: leaf });
                    (image, leaf)
                });
                self.seals.push((s.diameter_mm * MM, image));
                let first = self.units.len();
                self.units.push(Unit::items(s.space_above, Vec::new()));
                for p in &s.lines {
                    self.paragraph(p, Some(id));
                }
                for u in &mut self.units[first + 1..] {
                    u.break_before = false;
                }
            }
            Block::KeepTogether(inner) => {
                let first = self.units.len();
                // A group that begins with the cut line is the part torn off (the reply slip):
                // a section of its own in the reading structure.
                let torn_off = matches!(inner.first(), Some(Block::CutLine { .. }));
                let outside = if torn_off { Some(std::mem::take(&mut self.structure)) } else { None };
                self.blocks(inner);
                if let Some(outside) = outside {
                    let children = std::mem::replace(&mut self.structure, outside);
                    self.structure.push(Node::Group { group: Group::Section, children });
                }
                let group = &mut self.units[first..];
                let height: f32 = group.iter().map(|u| u.space_before + u.height + u.space_after).sum();
                if height <= self.doc.page.text_height() + EPS {
                    for u in group.iter_mut().skip(1) {
                        u.break_before = false;
                    }
                }
            }
            Block::PageBreak => {
                let mut u = Unit::items(0.0, Vec::new());
                u.content = Content::PageBreak;
                self.units.push(u);
            }
        }
    }
}

/// The dashed tear-off line with a ✂ in the middle, `height` tall; y relative to its top.
fn cut_line(left: f32, right: f32, height: f32) -> Vec<Item> {
    let mid_y = height / 2.0;
    let mid_x = (left + right) / 2.0;
    let baseline = mid_y + SCISSORS_SIZE * (EM_TOP - 0.5);
    let (_, w) = text_line("✂", FontRole::Song, SCISSORS_SIZE, 0.0, 0.0);
    let (mut items, _) = text_line("✂", FontRole::Song, SCISSORS_SIZE, mid_x - w / 2.0, baseline);
    let gap = w / 2.0 + SCISSORS_SIZE * 0.4;
    let dash =
        |x1: f32, x2: f32| Item::Line { x1, y1: mid_y, x2, y2: mid_y, width: 0.5, gray: 0.0, dash: Some((3.0, 2.0)) };
    items.push(dash(left, mid_x - gap));
    items.push(dash(mid_x + gap, right));
    items
}

/// One page's plan: which units sit where (y relative to the type area's top), and which
/// table's header is repeated at its top.
struct PagePlan {
    header: Option<usize>,
    placed: Vec<(usize, f32)>,
}

fn repeated_header(units: &[Unit], tables: &[LaidTable], i: usize) -> Option<usize> {
    match units.get(i).map(|u| &u.content) {
        Some(Content::Slice(t, s)) if !s.header && tables[*t].header_height() > 0.0 => Some(*t),
        _ => None,
    }
}

/// Fill pages greedily; back up to the last allowed break when a unit does not fit.
fn paginate(units: &[Unit], tables: &[LaidTable], page_h: f32) -> Vec<PagePlan> {
    let mut pages = Vec::new();
    let mut i = 0;
    let mut soft = false; // the current page began because the previous one was full
    while i < units.len() {
        let page_start = i;
        let header = repeated_header(units, tables, i);
        let mut y = header.map_or(0.0, |t| tables[t].header_height());
        let mut placed = Vec::new();
        let mut pending_after = 0.0;
        let mut next_soft = false;
        while i < units.len() {
            let u = &units[i];
            if let Content::PageBreak = u.content {
                i += 1;
                if placed.is_empty() && soft {
                    continue; // the page just began: the break is already done
                }
                break;
            }
            let first = placed.is_empty();
            // Space before is dropped at the top of a page the text ran onto (as Word does).
            let top = if first && soft {
                y
            } else if first {
                y + u.space_before
            } else {
                y + pending_after + u.space_before
            };
            if first || top + u.height <= page_h + EPS {
                placed.push((i, top));
                y = top + u.height;
                pending_after = u.space_after;
                i += 1;
                continue;
            }
            i = ((page_start + 1)..=i).rev().find(|&k| units[k].break_before).unwrap_or(i);
            next_soft = true;
            break;
        }
        // Units placed beyond the backed-up break go to the next page.
        placed.retain(|&(k, _)| k < i);
        pages.push(PagePlan { header, placed });
        soft = next_soft;
    }
    if pages.is_empty() {
        pages.push(PagePlan { header: None, placed: Vec::new() });
    }
    pages
}

/// Where a band of table rows landed (see [`band_places`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct BandPlace {
    /// The table, counted in document order (keep-together groups entered).
    pub table: usize,
    /// Its rows `band.0 .. band.1`.
    pub band: (usize, usize),
    /// Page of its first slice and that slice's top, from the top of the type area.
    pub first_page: usize,
    pub top: f32,
    /// Page of its last slice.
    pub last_page: usize,
}

/// Every table band with the pages it landed on, in document order: what `settle` reads
/// to find the rows that break across pages.
pub(super) fn band_places(doc: &Document) -> Vec<BandPlace> {
    let mut flow = Flow::new(doc);
    flow.blocks(&doc.blocks);
    let plans = paginate(&flow.units, &flow.tables, doc.page.text_height());
    let mut out: Vec<BandPlace> = Vec::new();
    for (n, plan) in plans.iter().enumerate() {
        for &(k, y) in &plan.placed {
            let Content::Slice(table, s) = &flow.units[k].content else { continue };
            match out.iter_mut().rev().find(|b| b.table == *table && b.band == s.band) {
                Some(b) => b.last_page = n,
                None => out.push(BandPlace { table: *table, band: s.band, first_page: n, top: y, last_page: n }),
            }
        }
    }
    out
}

/// Lay out the whole document.
pub fn layout_document(doc: &Document) -> Laid {
    let mut flow = Flow::new(doc);
    flow.blocks(&doc.blocks);
    let Flow { units, tables, seals: seal_specs, structure, .. } = flow;
    let setup = doc.page;
    let plans = paginate(&units, &tables, setup.text_height());
    let top = setup.margin_top;

    let mut pages = Vec::with_capacity(plans.len());
    let mut seal_boxes: Vec<Option<(usize, [f32; 4])>> = vec![None; seal_specs.len()];
    for (n, plan) in plans.iter().enumerate() {
        let mut items = Vec::new();
        let mut segment: Option<(usize, Vec<(f32, &Slice)>)> = None;
        let flush = |segment: &mut Option<(usize, Vec<(f32, &Slice)>)>, items: &mut Vec<Item>| {
            if let Some((t, placed)) = segment.take() {
                render_segment(&tables[t], &placed, items);
            }
        };
        if let Some(t) = plan.header {
            let mut y = top;
            let mut placed = Vec::new();
            for s in &tables[t].repeat {
                placed.push((y, s));
                y += s.height;
            }
            segment = Some((t, placed));
        }
        for &(k, y) in &plan.placed {
            let u = &units[k];
            let y = top + y;
            match &u.content {
                Content::Slice(t, s) => match &mut segment {
                    Some((cur, placed)) if cur == t => placed.push((y, s)),
                    _ => {
                        flush(&mut segment, &mut items);
                        segment = Some((*t, vec![(y, s)]));
                    }
                },
                Content::Items(its) => {
                    flush(&mut segment, &mut items);
                    let from = items.len();
                    items.extend(its.iter().cloned().map(|i| i.shifted(0.0, y)));
                    if let Some(s) = u.seal {
                        grow_text_box(&mut seal_boxes[s], n, &items[from..]);
                    }
                }
                Content::PageBreak => {}
            }
        }
        flush(&mut segment, &mut items);
        pages.push(Page { width: setup.width, height: setup.height, items });
    }

    let total = pages.len();
    for (n, page) in pages.iter_mut().enumerate() {
        page_number(doc, n + 1, total, &mut page.items);
    }
    let mut seals = Vec::new();
    for (b, (diameter, image)) in seal_boxes.iter().zip(seal_specs) {
        let Some((page, [x0, y0, x1, y1])) = *b else { continue };
        let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0 - SEAL_RAISE * diameter);
        if let Some((image, leaf)) = image {
            let (w, h) = image.size();
            let mark = Mark::Content(leaf);
            pages[page].items.insert(0, Item::Image { x: cx - w / 2.0, y: cy - h / 2.0, w, h, image, mark });
        }
        seals.push(SealPlace { page, cx, cy, diameter });
    }
    Laid { pages, seals, structure }
}

/// Grow a seal's bounding box (on the page where it starts) by the em boxes of text items.
fn grow_text_box(b: &mut Option<(usize, [f32; 4])>, page: usize, items: &[Item]) {
    for i in items {
        let Item::Text(r) = i else { continue };
        let bx = [r.x, r.baseline - EM_TOP * r.size, r.x + r.width(), r.baseline + EM_BOTTOM * r.size];
        match b {
            Some((p, cur)) if *p == page => {
                *cur = [cur[0].min(bx[0]), cur[1].min(bx[1]), cur[2].max(bx[2]), cur[3].max(bx[3])];
            }
            Some(_) => {}
            None => *b = Some((page, bx)),
        }
    }
}

/// Add page `n` of `total`'s number below the type area.
fn page_number(doc: &Document, n: usize, total: usize, items: &mut Vec<Item>) {
    let setup = &doc.page;
    let text = match doc.page_numbers {
        PageNumbers::None => return,
        PageNumbers::Dash => format!("— {n} —"),
        PageNumbers::OfTotal => format!("第 {n} 页 共 {total} 页"),
    };
    let left = setup.margin_left;
    let right = setup.margin_left + setup.text_width();
    let baseline =
        setup.margin_top + setup.text_height() + crate::typeset::page_number_baseline(FontRole::Song, PAGE_NO_SIZE);
    let (_, w) = text_line(&text, FontRole::Song, PAGE_NO_SIZE, 0.0, 0.0);
    let x = match doc.page_numbers {
        PageNumbers::Dash if n % 2 == 1 => right - PAGE_NO_SIZE - w,
        PageNumbers::Dash => left + PAGE_NO_SIZE,
        _ => (left + right - w) / 2.0,
    };
    let (mut number, _) = text_line(&text, FontRole::Song, PAGE_NO_SIZE, x, baseline);
    mark_runs(&mut number, Mark::Artifact(Furniture::PageNumber));
    items.extend(number);
}

#[cfg(test)]
pub(crate) mod tests {
    use super::super::{layout, lines_text, TextRun};
    use super::*;
    use crate::model::{Align, Inline, PageSetup, ParaStyle, SealBlock};

    pub fn doc(blocks: Vec<Block>) -> Document {
        Document {
            title: "t".into(),
            author: "a".into(),
            date: None,
            page: PageSetup::a4_official(),
            page_numbers: PageNumbers::Dash,
            blocks,
            styles: Vec::new(),
        }
    }

    /// A body paragraph of exactly `lines` full lines (no indent).
    pub fn body_lines(lines: usize, ch: char) -> Block {
        let mut st = ParaStyle::body();
        st.first_indent = 0.0;
        Block::Paragraph(Paragraph::new(st, ch.to_string().repeat(28 * lines)))
    }

    pub fn runs(page: &Page) -> impl Iterator<Item = &TextRun> {
        page.items.iter().filter_map(|i| if let Item::Text(r) = i { Some(r) } else { None })
    }

    /// Every text run except the page number lies inside the type area (em boxes).
    pub fn assert_inside_type_area(d: &Document, laid: &Laid) {
        let s = d.page;
        let (l, r) = (s.margin_left, s.margin_left + s.text_width());
        let (t, b) = (s.margin_top, s.margin_top + s.text_height());
        for (n, p) in laid.pages.iter().enumerate() {
            for run in runs(p).filter(|r| r.baseline < b + 5.0) {
                let txt = run.text();
                assert!(run.x >= l - 0.01 && run.x + run.width() <= r + 0.01, "p{n} {txt} x {}", run.x);
                assert!(run.baseline - EM_TOP * run.size >= t - 0.01, "p{n} {txt} above the type area");
                assert!(run.baseline + EM_BOTTOM * run.size <= b + 0.01, "p{n} {txt} below the type area");
            }
        }
    }

    /// Body lines of a page (page number excluded).
    fn body(p: &Page) -> Vec<String> {
        let mut l = lines_text(p);
        l.retain(|s| !s.starts_with('—'));
        l
    }

    #[test]
    fn sixty_lines_span_three_pages_on_the_official_pitch() {
        let d = doc(vec![body_lines(60, '文')]);
        let laid = layout(&d);
        assert_eq!(laid.pages.len(), 3);
        let counts: Vec<usize> = laid.pages.iter().map(|p| body(p).len()).collect();
        assert_eq!(counts, vec![22, 22, 16]);
        assert_inside_type_area(&d, &laid);
        for p in &laid.pages {
            let mut bl: Vec<f32> = runs(p).filter(|r| r.size == 16.0).map(|r| r.baseline).collect();
            bl.dedup();
            for w in bl.windows(2) {
                assert!((w[1] - w[0] - 28.95).abs() < 0.01, "pitch {}", w[1] - w[0]);
            }
        }
    }

    #[test]
    fn no_single_line_of_a_paragraph_alone_on_a_page() {
        // 23 lines: 22 would fit, but the last would be a widow → 21 + 2.
        let laid = layout(&doc(vec![body_lines(23, '文')]));
        assert_eq!(laid.pages.iter().map(|p| body(p).len()).collect::<Vec<_>>(), vec![21, 2]);
        // 21 lines then a 5-line paragraph: its first line would be an orphan → it moves.
        let laid = layout(&doc(vec![body_lines(21, '文'), body_lines(5, '字')]));
        assert_eq!(laid.pages.iter().map(|p| body(p).len()).collect::<Vec<_>>(), vec![21, 5]);
    }

    #[test]
    fn a_heading_never_ends_a_page() {
        let mut h = ParaStyle::body();
        h.role = FontRole::Hei;
        h.keep_with_next = true;
        for before in [21, 20] {
            let d = doc(vec![
                body_lines(before, '文'),
                Block::Paragraph(Paragraph::new(h, "一、协作背景及目的")),
                body_lines(5, '字'),
            ]);
            let laid = layout(&d);
            assert_eq!(laid.pages.len(), 2);
            assert_eq!(body(&laid.pages[0]).len(), before, "with {before} lines before");
            assert_eq!(body(&laid.pages[1])[0], "一、协作背景及目的");
        }
    }

    fn slip() -> Block {
        let mut st = ParaStyle::body();
        st.size = 14.0;
        st.line_pitch = 24.0;
        let mut title = st;
        title.align = Align::Center;
        Block::KeepTogether(vec![
            Block::CutLine { height: 28.95 },
            Block::Paragraph(Paragraph::new(title, "回  执")),
            Block::Paragraph(Paragraph::new(st, "（由收函部门填写）")),
            Block::Paragraph(Paragraph {
                style: st,
                content: vec![
                    Inline::text("□ 我部门同意按上述要求配合，指定"),
                    Inline::Blank { width: 4.0 },
                    Inline::text("为对接人。"),
                ],
            }),
            Block::Paragraph(Paragraph::new(st, "回复日期：    年  月  日")),
        ])
    }

    #[test]
    fn a_reply_slip_that_does_not_fit_moves_whole() {
        let d = doc(vec![body_lines(19, '文'), slip()]);
        let laid = layout(&d);
        assert_eq!(laid.pages.len(), 2);
        let p1 = &laid.pages[0];
        assert_eq!(body(p1).len(), 19);
        assert!(!p1.items.iter().any(|i| matches!(i, Item::Line { dash: Some(_), .. })), "cut line left behind");
        let p2 = body(&laid.pages[1]);
        assert_eq!(p2[0], "✂");
        assert!(p2.iter().any(|l| l.contains("回复日期")));
        assert_inside_type_area(&d, &laid);
        // With room, it stays.
        let laid = layout(&doc(vec![body_lines(10, '文'), slip()]));
        assert_eq!(laid.pages.len(), 1);
    }

    #[test]
    fn seal_place_is_the_centre_of_the_signature_lines() {
        let mut st = ParaStyle::body();
        st.align = Align::Right;
        st.first_indent = 0.0;
        st.right_indent = 4.0;
        let seal = SealBlock {
            space_above: 2.0 * 28.95,
            lines: vec![Paragraph::new(st, "行政部（盖章）"), Paragraph::new(st, "2026年3月5日")],
            diameter_mm: 42.0,
            image: None,
        };
        // 19 lines + 2 blank + 2 signature lines = 23 > 22: the whole seal moves.
        let d = doc(vec![body_lines(19, '文'), Block::Seal(seal)]);
        let laid = layout(&d);
        assert_eq!(laid.seals.len(), 1);
        let s = laid.seals[0];
        assert_eq!(s.page, 1);
        assert!((s.diameter - 42.0 * MM).abs() < 0.01);
        let right = d.page.margin_left + d.page.text_width() - 4.0 * 16.0;
        let top = d.page.margin_top + 2.0 * 28.95;
        let lines: Vec<String> = body(&laid.pages[1]);
        assert_eq!(lines, vec!["行政部（盖章）", "2026年3月5日"]);
        // centre: a little above the middle of the two lines, inside the text horizontally
        let raised = top + 28.95 - crate::model::SEAL_RAISE * 42.0 * MM;
        assert!((s.cy - raised).abs() < 2.0, "cy {}", s.cy);
        assert!(s.cx < right && s.cx > right - 7.0 * 16.0, "cx {}", s.cx);
    }

    #[test]
    fn page_numbers_odd_right_even_left() {
        let d = doc(vec![body_lines(60, '文')]);
        let laid = layout(&d);
        let s = d.page;
        let right = s.margin_left + s.text_width();
        let bottom = s.margin_top + s.text_height();
        for (n, p) in laid.pages.iter().enumerate() {
            let num = runs(p).find(|r| r.text().starts_with('—')).expect("page number");
            assert_eq!(num.text(), format!("— {} —", n + 1));
            assert_eq!((num.font, num.size), (FontRole::Song, 14.0));
            // The dash's ink, not the em box, lies 7 mm below the type area.
            let dash = crate::typeset::dash_height(FontRole::Song, 14.0);
            assert!((num.baseline - dash - (bottom + 7.0 * MM)).abs() < 0.01);
            if n % 2 == 0 {
                assert!((num.x + num.width() - (right - 14.0)).abs() < 0.01);
            } else {
                assert!((num.x - (s.margin_left + 14.0)).abs() < 0.01);
            }
        }
        let mut d = d;
        d.page_numbers = PageNumbers::OfTotal;
        let laid = layout(&d);
        let num = runs(&laid.pages[1]).find(|r| r.text().starts_with('第')).unwrap();
        assert_eq!(num.text(), "第 2 页 共 3 页");
        let mid = s.margin_left + s.text_width() / 2.0;
        assert!((num.x + num.width() / 2.0 - mid).abs() < 0.01);
    }

    #[test]
    fn page_breaks_rules_and_cut_lines() {
        let d = doc(vec![
            body_lines(1, '甲'),
            Block::Rule { height: 10.0, thickness: 1.0 },
            Block::PageBreak,
            body_lines(1, '乙'),
            Block::CutLine { height: 20.0 },
        ]);
        let laid = layout(&d);
        assert_eq!(laid.pages.len(), 2);
        let top = d.page.margin_top;
        let rule = laid.pages[0].items.iter().find_map(|i| match i {
            Item::Line { y1, width, x1, x2, .. } => Some((*y1, *width, *x2 - *x1)),
            _ => None,
        });
        let (y, w, len) = rule.unwrap();
        assert!((y - (top + 28.95 + 5.0)).abs() < 0.01 && w == 1.0 && (len - d.page.text_width()).abs() < 0.01);
        let dashes = laid.pages[1].items.iter().filter(|i| matches!(i, Item::Line { dash: Some(_), .. })).count();
        assert_eq!(dashes, 2);
        assert!(body(&laid.pages[1]).contains(&"✂".to_string()));
    }

    #[test]
    fn an_empty_document_has_one_page() {
        let laid = layout(&doc(vec![]));
        assert_eq!(laid.pages.len(), 1);
    }
}
