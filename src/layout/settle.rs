//! Settling a document's tables before anything is written: the page-dependent decisions
//! about rows that both writers must show alike are taken here, once, and written into the
//! model — how far handwriting rows shrink (`Row::shrink_to`) and where a row that runs over
//! a page is cut (into two rows, the second repeating its labels with "（续）"). The PDF
//! layout and the DOCX writer then render the settled document; Word and LibreOffice, which
//! cannot repeat a label nor shrink a row, only have to keep rows whole (`cantSplit`).

use super::flow::{band_places, BandPlace};
use super::table::{cut_to_pages, lay_out_table, needs_settling, split_row};
use crate::model::{Block, Document, Table};

/// Room kept free at the foot of a page where a decision here depends on what fits, so a
/// word processor whose rows come out a little taller (LibreOffice rounds to twips and adds
/// border widths its own way) still breaks the page where our layout does. Points.
const SAFETY: f32 = 3.0;
/// Where a row is cut, the first part ends this much higher still: a whole line of a table
/// cell (小四 on its 18 pt pitch). LibreOffice 7.4 sets a line holding digits next to Chinese
/// (it adds its own space there) or compressed punctuation (it ignores the explicit spacing)
/// a little wider than we do, so the first part of a cut row can wrap one line more there
/// (measured over the parity probe: 10 of 60 growing application forms); with a line to
/// spare it still ends the page where our layout ends it. Points.
const CUT_SAFETY: f32 = 18.0;
/// Steps of the search for the shrink that just keeps the document on its fewest pages.
const SHRINK_STEPS: usize = 12;

/// The document with its tables settled for its page: shrinkable rows at the height that
/// keeps the document on the fewest pages (full height when shrinking saves no page), and
/// every row that would break across pages cut into two rows that do not. After this no row
/// may split and none has room to shrink; laying the result out again changes nothing.
pub fn settle(doc: &Document) -> Document {
    let mut d = doc.clone();
    let keeps_after = tables(&d.blocks).iter().any(|t| t.rows.last().is_some_and(|r| r.keep_with_next));
    if !keeps_after && !tables(&d.blocks).iter().any(|t| needs_settling(t, doc.page.text_height())) {
        return d; // nothing can break, shrink or chain: spare the layouts (every letter)
    }
    let page = d.page;
    d.page.margin_bottom += SAFETY;
    if tables(&d.blocks).iter().any(|t| t.rows.iter().any(|r| r.shrink_to.is_some())) {
        let pages_at = |t: f32| {
            let mut x = shrunk(&d, t);
            split_rows_with_slack(&mut x);
            super::layout(&x).pages.len()
        };
        // A document on one page at full height cannot do better: skip the search (the
        // usual application form; each try lays the document out at least twice).
        let full = pages_at(1.0);
        let least = if full == 1 { 1 } else { pages_at(0.0) };
        let mut t = 1.0;
        if least < full {
            // The largest shrink factor that still gives the fewest pages.
            let (mut lo, mut hi) = (0.0f32, 1.0f32);
            for _ in 0..SHRINK_STEPS {
                let mid = (lo + hi) / 2.0;
                if pages_at(mid) == least {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            t = lo;
        }
        d = shrunk(&d, t);
    }
    split_rows_with_slack(&mut d);
    d.page = page;
    for t in tables_mut(&mut d.blocks) {
        for r in &mut t.rows {
            r.shrink_to = None;
        }
    }
    detach_last_page_rows(&mut d);
    d
}

/// A table whose last row keeps with the block after it (the task list's date and
/// signatures) and runs over pages: the rows on its last page become a table of their own
/// (under a copy of the header rows), kept together with what follows. Our layout needs only
/// the last row's keep; a word processor needs the rows it must move to open a table that
/// keeps with the next paragraph — LibreOffice 7.4 moves no row for a keep on the last row
/// alone, nor for a chain of keeps that starts mid-page (measured). The pages stay as laid
/// out: the rows moved are those that already share the last page with the signatures.
fn detach_last_page_rows(d: &mut Document) {
    let places = band_places(d);
    let mut n = 0;
    d.blocks = std::mem::take(&mut d.blocks).into_iter().flat_map(|b| detach(b, &places, &mut n)).collect();
}

/// One block, its table (number `n` in document order) cut as [`detach_last_page_rows`] says.
fn detach(b: Block, places: &[BandPlace], n: &mut usize) -> Vec<Block> {
    match b {
        Block::Table(t) => {
            let id = *n;
            *n += 1;
            let mine = || places.iter().filter(|p| p.table == id);
            let keeps = t.rows.last().is_some_and(|r| r.keep_with_next);
            let last = mine().map(|p| p.last_page).max();
            let Some(last) = last.filter(|_| keeps) else { return vec![Block::Table(t)] };
            let k = mine().filter(|p| p.first_page == last && p.band.0 >= t.header_rows).map(|p| p.band.0).min();
            match k {
                Some(k) if k > t.header_rows => {
                    let mut tail = t.clone();
                    tail.rows = t.rows[..t.header_rows].iter().cloned().chain(t.rows[k..].iter().cloned()).collect();
                    tail.continues = true;
                    let mut head = t;
                    head.rows.truncate(k);
                    vec![Block::Table(head), Block::KeepTogether(vec![Block::Table(tail)])]
                }
                _ => vec![Block::Table(t)],
            }
        }
        Block::KeepTogether(inner) => {
            // Tables inside a group already move whole; only count them.
            *n += tables(&inner).len();
            vec![Block::KeepTogether(inner)]
        }
        other => vec![other],
    }
}

/// The document with every shrinkable row at `t` of the way from its least to its full height.
fn shrunk(doc: &Document, t: f32) -> Document {
    let mut d = doc.clone();
    for table in tables_mut(&mut d.blocks) {
        for r in &mut table.rows {
            if let Some(least) = r.shrink_to {
                let least = least.min(r.min_height);
                r.min_height = least + t * (r.min_height - least);
                r.shrink_to = Some(least);
            }
        }
    }
    d
}

/// [`split_rows`] on a page [`CUT_SAFETY`] shorter; the page as it was afterwards.
fn split_rows_with_slack(d: &mut Document) {
    let margin = d.page.margin_bottom;
    d.page.margin_bottom += (CUT_SAFETY - SAFETY).max(0.0);
    split_rows(d);
    d.page.margin_bottom = margin;
}

/// Cut, one after the other from the top, the rows that break across pages; rows that may
/// break but would leave too little on a side are marked unbreakable and move whole. Every
/// row of a one-row band is unbreakable afterwards, as it now fits where it landed.
fn split_rows(d: &mut Document) {
    let page_h = d.page.text_height();
    let mut stuck: Vec<(usize, usize)> = Vec::new();
    // Each pass cuts one row or pins one: bounded by the rows there are (and then some).
    for _ in 0..10_000 {
        let places = band_places(d);
        let Some(p) = places
            .into_iter()
            .find(|p| p.last_page > p.first_page && p.band.1 == p.band.0 + 1 && !stuck.contains(&(p.table, p.band.0)))
        else {
            break;
        };
        let mut all = tables_mut(&mut d.blocks);
        let t = &mut *all[p.table];
        let r = p.band.0;
        let must = !t.rows[r].can_split;
        match split_row(t, r, page_h - p.top, must) {
            Some((first, rest)) => {
                t.rows[r] = first;
                let header: f32 = if t.header_rows == 0 {
                    0.0
                } else {
                    let head = Table {
                        columns: t.columns.clone(),
                        rows: t.rows[..t.header_rows.min(r)].to_vec(),
                        header_rows: t.header_rows,
                        borders: t.borders,
                        pad_x: t.pad_x,
                        pad_y: t.pad_y,
                        continues: false,
                    };
                    lay_out_table(&head, 0.0, page_h, &mut super::structure::Leaves::default()).header_height()
                };
                for (k, piece) in cut_to_pages(t, rest, page_h - header).into_iter().enumerate() {
                    t.rows.insert(r + 1 + k, piece);
                }
            }
            None if !must => t.rows[r].can_split = false,
            None => stuck.push((p.table, r)),
        }
    }
    for t in tables_mut(&mut d.blocks) {
        if t.rows.iter().all(|r| r.cells.iter().all(|c| c.row_span <= 1)) {
            for r in &mut t.rows {
                r.can_split = false;
            }
        }
    }
}

/// The tables of a block list in document order (keep-together groups entered), as the
/// layout counts them.
fn tables(blocks: &[Block]) -> Vec<&Table> {
    let mut out = Vec::new();
    for b in blocks {
        match b {
            Block::Table(t) => out.push(t),
            Block::KeepTogether(inner) => out.extend(tables(inner)),
            _ => {}
        }
    }
    out
}

fn tables_mut(blocks: &mut [Block]) -> Vec<&mut Table> {
    let mut out = Vec::new();
    for b in blocks {
        match b {
            Block::Table(t) => out.push(t),
            Block::KeepTogether(inner) => out.extend(tables_mut(inner)),
            _ => {}
        }
    }
    out
}
