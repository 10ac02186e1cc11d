//! One paragraph at a given width → its lines: measuring with the bundled fonts (per-character
//! fallback, runs split by font, punctuation compressed as `typeset` decides), greedy line filling with kinsoku push-out (see `breaking`),
//! indents, alignment / justification, fill-in blanks, and the exact line pitch.

use super::breaking::{break_opportunities, kinsoku_allows};
use super::{Item, Mark, PlacedGlyph, TextRun};
use crate::fonts::{fonts, FALLBACK};
use crate::model::{Align, FontRole, Inline, Paragraph, BLANK_CHAR, BLANK_ROLE};

/// Tolerance for "fits in the line", in points.
const EPS: f32 = 0.01;
/// The ideographic em box of the bundled CJK fonts runs from −0.12 em to +0.88 em around the
/// baseline (their OS/2 typo metrics). Centring that box in the line pitch puts text where
/// Word's "exactly" line spacing with a character grid shows it.
const EM_TOP: f32 = 0.88;

/// Letter-spacing above this fraction of an em makes a line's runs copy as whole words (poppler
/// splits CJK words at gaps of 0.4 em).
const LETTER_SPACED: f32 = 0.25;

/// One laid-out line: items with x absolute and y relative to the line's top.
#[derive(Debug, Clone, PartialEq)]
pub struct LineBox {
    pub items: Vec<Item>,
    pub height: f32,
    /// Where the line begins in the paragraph's content, counted in atoms: one per character
    /// set, per space and per hard break (other control characters are not set), one per
    /// character of a blank's width. Cutting a paragraph between lines cuts its content here.
    pub start: usize,
}

/// Distance from a line's top to its baseline for text of `size` on an exact `pitch`.
pub fn baseline_in_line(pitch: f32, size: f32) -> f32 {
    pitch / 2.0 + size * (EM_TOP - 0.5)
}

/// The line pitch actually used (a zero or negative pitch in a style means "single").
fn effective_pitch(pitch: f32, size: f32) -> f32 {
    if pitch > 0.0 {
        pitch
    } else {
        size * 1.3
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum AtomKind {
    Glyph,
    Space,
    HardBreak,
}

/// One measured unit of a paragraph: a character, a blank, or a hard break.
#[derive(Debug, Clone, Copy)]
struct Atom {
    ch: char,
    kind: AtomKind,
    font: FontRole,
    glyph: u16,
    /// Natural width in points (without character spacing).
    width: f32,
}

/// Measure `content` into atoms (one per char) and the parallel text for line breaking.
fn build_atoms(content: &[Inline], role: FontRole, size: f32, atoms: &mut Vec<Atom>, text: &mut String) {
    let set = fonts();
    for inline in content {
        match inline {
            Inline::Blank { width } => {
                // See model::Inline::Blank: a run of ＿ in the Song font, so no extracted line
                // seems to start with the punctuation that follows a blank.
                let hit = set.lookup(BLANK_ROLE, BLANK_CHAR);
                for _ in 0..(width.round() as usize).max(1) {
                    atoms.push(match hit {
                        Some(h) => Atom {
                            ch: BLANK_CHAR,
                            kind: AtomKind::Glyph,
                            font: h.font,
                            glyph: h.glyph,
                            width: h.advance_em * size,
                        },
                        None => Atom { ch: BLANK_CHAR, kind: AtomKind::Glyph, font: FALLBACK, glyph: 0, width: size },
                    });
                    text.push(BLANK_CHAR);
                }
            }
            Inline::Text { text: s, role: over } => {
                let role = over.unwrap_or(role);
                for ch in s.chars() {
                    let (ch, kind) = match ch {
                        '\n' => ('\n', AtomKind::HardBreak),
                        '\t' | ' ' | '\u{a0}' => (' ', AtomKind::Space),
                        // The last guard of `crate::text`'s rule: what draws nothing is not drawn.
                        c if crate::text::is_hidden(c) => continue,
                        c => (c, AtomKind::Glyph),
                    };
                    let atom = if kind == AtomKind::HardBreak {
                        Atom { ch, kind, font: role, glyph: 0, width: 0.0 }
                    } else {
                        match set.lookup(role, ch) {
                            Some(hit) => {
                                Atom { ch, kind, font: hit.font, glyph: hit.glyph, width: hit.advance_em * size }
                            }
                            // No bundled font has it: the stand-in mark, as the .docx writes it
                            // (crate::text::drawable); the fallback's .notdef if even that is missing.
                            None => match set.lookup(role, crate::text::STAND_IN) {
                                Some(hit) => Atom {
                                    ch: crate::text::STAND_IN,
                                    kind,
                                    font: hit.font,
                                    glyph: hit.glyph,
                                    width: hit.advance_em * size,
                                },
                                None => Atom { ch, kind, font: FALLBACK, glyph: 0, width: size },
                            },
                        }
                    };
                    text.push(atom.ch);
                    atoms.push(atom);
                }
            }
        }
    }
    // Consecutive punctuation is compressed (clreq §3.1.6), by the rule the .docx writes too.
    let chars: Vec<char> = text.chars().collect();
    let squeezes = crate::typeset::compression(&chars, |k| atoms[k].font);
    for (atom, squeeze) in atoms.iter_mut().zip(squeezes) {
        atom.width -= squeeze * size;
    }
}

/// A line as a range of atoms.
#[derive(Debug, Clone, Copy)]
struct Span {
    start: usize,
    end: usize,
    /// Ended by a hard break (or is the paragraph's last line): not justified.
    no_justify: bool,
}

/// Greedy line filling. `avail(line_no)` = width available to that line.
fn break_lines(atoms: &[Atom], allowed: &[bool], spacing: f32, avail: impl Fn(usize) -> f32) -> Vec<Span> {
    let n = atoms.len();
    let mut spans = Vec::new();
    let mut start = 0;
    loop {
        let room = avail(spans.len());
        let mut w = 0.0f32; // width of atoms[start..i] including the spacing after each
        let mut i = start;
        let mut end = n;
        let mut hard = false;
        while i < n {
            let a = &atoms[i];
            match a.kind {
                AtomKind::HardBreak => {
                    end = i;
                    hard = true;
                    break;
                }
                AtomKind::Space => {} // spaces may hang past the edge
                _ => {
                    if i > start && w + a.width > room + EPS {
                        end = overflow_break(atoms, allowed, start, i);
                        break;
                    }
                }
            }
            w += a.width + spacing;
            i += 1;
        }
        let last = end == n;
        spans.push(Span { start, end, no_justify: hard || last });
        if hard {
            start = end + 1;
        } else if last {
            break;
        } else {
            start = end;
        }
    }
    spans
}

/// Atom `i` does not fit on the line starting at `start`: where does the next line begin?
/// The last break opportunity (push-out), else — text longer than a line — the last place
/// kinsoku allows, else right before `i`.
fn overflow_break(atoms: &[Atom], allowed: &[bool], start: usize, i: usize) -> usize {
    ((start + 1)..=i)
        .rev()
        .find(|&k| allowed[k])
        .or_else(|| ((start + 1)..=i).rev().find(|&k| kinsoku_allows(atoms[k - 1].ch, atoms[k].ch)))
        .unwrap_or(i)
}

/// Index one past the last non-space atom of `span`.
fn content_end(atoms: &[Atom], span: Span) -> usize {
    let mut e = span.end;
    while e > span.start && atoms[e - 1].kind == AtomKind::Space {
        e -= 1;
    }
    e
}

/// Width of atoms[start..end] with spacing between them (not after the last).
fn natural_width(atoms: &[Atom], start: usize, end: usize, spacing: f32) -> f32 {
    if end <= start {
        return 0.0;
    }
    atoms[start..end].iter().map(|a| a.width + spacing).sum::<f32>() - spacing
}

/// Emit the items of atoms[span] starting at `x`, baseline `baseline`: text runs split by
/// font. `extra` is added after every atom before
/// `content_end - 1` (justification).
#[allow(clippy::too_many_arguments)]
fn emit(
    atoms: &[Atom],
    span: Span,
    content_end: usize,
    mut x: f32,
    baseline: f32,
    size: f32,
    spacing: f32,
    extra: f32,
    out: &mut Vec<Item>,
) {
    let from = out.len();
    let mut run: Option<TextRun> = None;
    for (k, a) in atoms.iter().enumerate().take(span.end).skip(span.start) {
        let advance = if k + 1 == content_end {
            a.width
        } else if k + 1 < content_end {
            a.width + spacing + extra
        } else {
            a.width + spacing
        };
        match a.kind {
            AtomKind::Glyph | AtomKind::Space => {
                if run.as_ref().is_some_and(|r| r.font != a.font) {
                    out.push(Item::Text(run.take().expect("checked")));
                }
                // Decoration until the block it belongs to claims it (`structure::mark_runs`).
                let mark = Mark::DECORATION;
                let r =
                    run.get_or_insert_with(|| TextRun { font: a.font, size, x, baseline, glyphs: Vec::new(), mark });
                let glyph = if a.kind == AtomKind::Space {
                    fonts().lookup(a.font, ' ').map_or(0, |h| h.glyph)
                } else {
                    a.glyph
                };
                r.glyphs.push(PlacedGlyph { glyph, advance, text: a.ch.to_string() });
            }
            AtomKind::HardBreak => {}
        }
        x += advance;
    }
    if let Some(r) = run {
        out.push(Item::Text(r));
    }
    // Letter-spaced text (回执): a viewer reads gaps this wide as word breaks, so each run
    // becomes one cluster whose first glyph carries the whole run's text.
    if spacing > LETTER_SPACED * size {
        for item in out[from..].iter_mut() {
            let Item::Text(r) = item else { continue };
            let text: String = r.glyphs.iter_mut().map(|g| std::mem::take(&mut g.text)).collect();
            if let Some(first) = r.glyphs.first_mut() {
                first.text = text;
            }
        }
    }
}

/// Lay out a paragraph in the column `x0 .. x0 + width`. Always at least one line (an empty
/// paragraph is an empty line, as in Word).
pub fn layout_paragraph(p: &Paragraph, x0: f32, width: f32) -> Vec<LineBox> {
    let st = &p.style;
    let size = st.size;
    let pitch = effective_pitch(st.line_pitch, size);
    let baseline = baseline_in_line(pitch, size);
    let mut atoms = Vec::new();
    let mut text = String::new();
    build_atoms(&p.content, st.role, size, &mut atoms, &mut text);
    let mut allowed = Vec::new();
    break_opportunities(&text, &mut allowed);

    let left = |line: usize| {
        let chars = st.left_indent + if line == 0 { st.first_indent } else { 0.0 };
        chars * size
    };
    let right = st.right_indent * size;
    let avail = |line: usize| width - left(line) - right;
    let spans = break_lines(&atoms, &allowed, st.char_spacing, avail);

    spans
        .iter()
        .enumerate()
        .map(|(no, &span)| {
            let ce = content_end(&atoms, span);
            let natural = natural_width(&atoms, span.start, ce, st.char_spacing);
            let room = avail(no);
            let slack = room - natural;
            let gaps = ce.saturating_sub(span.start + 1);
            let (offset, extra) = match st.align {
                Align::Justify if !span.no_justify && gaps > 0 && slack > 0.0 => (0.0, slack / gaps as f32),
                Align::Center => ((slack / 2.0).max(0.0), 0.0),
                Align::Right => (slack.max(0.0), 0.0),
                _ => (0.0, 0.0),
            };
            let mut items = Vec::new();
            emit(&atoms, span, ce, x0 + left(no) + offset, baseline, size, st.char_spacing, extra, &mut items);
            LineBox { items, height: pitch, start: span.start }
        })
        .collect()
}

/// A single line of text set naturally (no breaking) from `x` on `baseline`, e.g. page
/// numbers and the ✂ of the cut line. Returns the items and the width.
pub fn text_line(text: &str, role: FontRole, size: f32, x: f32, baseline: f32) -> (Vec<Item>, f32) {
    let mut atoms = Vec::new();
    let mut buf = String::new();
    build_atoms(&[Inline::Text { text: text.to_string(), role: None }], role, size, &mut atoms, &mut buf);
    atoms.retain(|a| a.kind != AtomKind::HardBreak);
    let span = Span { start: 0, end: atoms.len(), no_justify: true };
    let ce = content_end(&atoms, span);
    let mut items = Vec::new();
    emit(&atoms, span, ce, x, baseline, size, 0.0, 0.0, &mut items);
    (items, natural_width(&atoms, 0, ce, 0.0))
}

#[cfg(test)]
mod tests {
    use super::super::breaking::{forbidden_at_line_end, forbidden_at_line_start};
    use super::*;
    use crate::model::ParaStyle;

    const WIDTH: f32 = 156.0 * crate::model::MM;

    fn line_texts(lines: &[LineBox]) -> Vec<String> {
        lines
            .iter()
            .map(|l| {
                l.items
                    .iter()
                    .filter_map(|i| match i {
                        Item::Text(r) => Some(r.glyphs.iter().map(|g| g.text.as_str()).collect::<String>()),
                        _ => None,
                    })
                    .collect()
            })
            .collect()
    }

    /// (start x, end x) of a line's text (runs and blanks).
    fn extent(l: &LineBox) -> (f32, f32) {
        let mut lo = f32::MAX;
        let mut hi = f32::MIN;
        for i in &l.items {
            match i {
                Item::Text(r) => {
                    lo = lo.min(r.x);
                    hi = hi.max(r.x + r.glyphs.iter().map(|g| g.advance).sum::<f32>());
                }
                Item::Line { x1, x2, .. } => {
                    lo = lo.min(*x1);
                    hi = hi.max(*x2);
                }
                _ => {}
            }
        }
        (lo, hi)
    }

    #[test]
    fn a_full_body_line_holds_28_characters() {
        let mut st = ParaStyle::body();
        st.first_indent = 0.0;
        let p = Paragraph::new(st, "为".repeat(60));
        let lines = layout_paragraph(&p, 0.0, WIDTH);
        let counts: Vec<usize> = line_texts(&lines).iter().map(|s| s.chars().count()).collect();
        assert_eq!(counts, vec![28, 28, 4]);
    }

    #[test]
    fn first_line_is_indented_two_characters() {
        let p = Paragraph::new(ParaStyle::body(), "为".repeat(40));
        let lines = layout_paragraph(&p, 100.0, WIDTH);
        assert!((extent(&lines[0]).0 - 132.0).abs() < 0.01);
        assert!((extent(&lines[1]).0 - 100.0).abs() < 0.01);
        assert_eq!(line_texts(&lines)[0].chars().count(), 26);
    }

    #[test]
    fn hanging_indent_starts_first_line_left_of_the_rest() {
        let mut st = ParaStyle::body();
        st.left_indent = 3.0;
        st.first_indent = -3.0;
        let p = Paragraph::new(st, "附件：1. ".to_string() + &"甲".repeat(40));
        let lines = layout_paragraph(&p, 0.0, WIDTH);
        assert!(extent(&lines[0]).0.abs() < 0.01);
        assert!((extent(&lines[1]).0 - 48.0).abs() < 0.01);
    }

    #[test]
    fn kinsoku_holds_at_every_position() {
        // Punctuation at every offset: each comma/period/quote lands at a line edge somewhere.
        let mut text = String::new();
        for k in 0..40 {
            text.push_str(&"事".repeat(k % 7 + 1));
            text.push_str(["，", "。", "”", "“", "（", "）", "、", "——", "……"][k % 9]);
        }
        text.push('事');
        for indent in [0.0, 1.0, 2.0] {
            let mut st = ParaStyle::body();
            st.first_indent = indent;
            let lines = line_texts(&layout_paragraph(&Paragraph::new(st, text.clone()), 0.0, WIDTH));
            assert!(lines.len() > 5);
            for (i, l) in lines.iter().enumerate() {
                let first = l.chars().next().unwrap();
                let last = l.chars().last().unwrap();
                assert!(!forbidden_at_line_start(first), "line {i} starts with {first}: {l}");
                assert!(!forbidden_at_line_end(last), "line {i} ends with {last}: {l}");
            }
            assert_eq!(lines.concat(), text, "no character lost or duplicated");
        }
    }

    #[test]
    fn justified_lines_end_exactly_at_the_right_edge() {
        let text = "该工作为公司年度重点工作，涉及2026年第三季度新产品上市，联系电话13800138000，电子邮箱abc@example.com，需多部门协同推进。为确保该工作按计划完成，需贵部门在相关环节给予专业支持与配合。";
        let p = Paragraph::new(ParaStyle::body(), text);
        let lines = layout_paragraph(&p, 80.0, WIDTH);
        assert!(lines.len() >= 3);
        for l in &lines[..lines.len() - 1] {
            let (_, hi) = extent(l);
            assert!((hi - (80.0 + WIDTH)).abs() < 0.01, "line ends at {hi}");
        }
        let (_, hi) = extent(lines.last().unwrap());
        assert!(hi < 80.0 + WIDTH - 1.0, "last line is not stretched");
        let joined = line_texts(&lines).concat();
        assert!(joined.contains("13800138000") && joined.contains("abc@example.com"), "{joined}");
    }

    #[test]
    fn latin_runs_longer_than_a_line_break_anywhere() {
        let mut st = ParaStyle::body();
        st.first_indent = 0.0;
        let url = "https://example.com/".to_string() + &"a".repeat(120);
        let p = Paragraph::new(st, format!("见{url}。"));
        let lines = line_texts(&layout_paragraph(&p, 0.0, WIDTH));
        assert!(lines.len() >= 2);
        assert_eq!(lines.concat(), format!("见{url}。"));
        assert!(!lines[1].starts_with('。') && !lines.last().unwrap().starts_with('。'));
    }

    #[test]
    fn hard_breaks_and_empty_paragraphs() {
        let p = Paragraph::new(ParaStyle::body(), "甲\n\n乙");
        assert_eq!(line_texts(&layout_paragraph(&p, 0.0, WIDTH)), vec!["甲", "", "乙"]);
        let p = Paragraph::new(ParaStyle::body(), "");
        assert_eq!(layout_paragraph(&p, 0.0, WIDTH).len(), 1);
    }

    #[test]
    fn fallback_glyphs_go_in_their_own_run_and_missing_ones_become_the_stand_in() {
        let p = Paragraph::new(ParaStyle::body(), "剪✂开\u{20000}了");
        let lines = layout_paragraph(&p, 0.0, WIDTH);
        let fonts: Vec<(FontRole, String)> = lines[0]
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Text(r) => Some((r.font, r.glyphs.iter().map(|g| g.text.as_str()).collect())),
                _ => None,
            })
            .collect();
        assert_eq!(
            fonts,
            vec![
                (FontRole::FangSong, "剪".into()),
                (FontRole::Song, "✂".into()),
                // No font has U+20000: the stand-in 〓, which the body font has, as the .docx shows.
                (FontRole::FangSong, "开〓了".into()),
            ]
        );
    }

    #[test]
    fn blanks_are_runs_of_low_lines_in_song() {
        let mut st = ParaStyle::body();
        st.first_indent = 0.0;
        st.char_spacing = 0.0;
        let p = Paragraph {
            style: st,
            content: vec![Inline::text("指定"), Inline::Blank { width: 4.0 }, Inline::text("为")],
        };
        let lines = layout_paragraph(&p, 0.0, WIDTH);
        let runs: Vec<&TextRun> =
            lines[0].items.iter().filter_map(|i| if let Item::Text(r) = i { Some(r) } else { None }).collect();
        let blank = runs.iter().find(|r| r.text() == "＿＿＿＿").expect("blank drawn as four ＿");
        assert_eq!(blank.font, FontRole::Song, "Song's ＿ joins into one line");
        assert!((blank.x - 32.0).abs() < 0.01 && (blank.width() - 64.0).abs() < 0.5, "{} {}", blank.x, blank.width());
        let after = runs.last().unwrap();
        assert_eq!(after.text(), "为");
        assert!((after.x - 96.0).abs() < 0.5, "{}", after.x);
    }

    #[test]
    fn centred_and_right_aligned_lines() {
        let mut st = ParaStyle::body();
        st.first_indent = 0.0;
        st.char_spacing = 0.0;
        st.align = Align::Center;
        let l = &layout_paragraph(&Paragraph::new(st, "回执"), 0.0, 100.0)[0];
        assert!((extent(l).0 - 34.0).abs() < 0.01);
        st.align = Align::Right;
        st.right_indent = 1.0;
        let l = &layout_paragraph(&Paragraph::new(st, "回执"), 0.0, 100.0)[0];
        assert!((extent(l).1 - 84.0).abs() < 0.01);
    }
}
