//! Chinese typesetting rules that both writers apply to the same text, decided here once:
//! the PDF layout (`layout::paragraph`) sets them, the .docx (`docx::body`) writes them out
//! explicitly so Word, WPS and LibreOffice need none of their own settings to agree.
//!
//! - Punctuation compression (W3C clreq §3.1.6): a full-width punctuation mark is half ink and
//!   half blank. When two stand side by side, the blank between them is halved: `”）`, `。」`,
//!   `）、` take one and a half ems, not two. [`compression`] says which characters give up
//!   half an em of advance.
//! - The page number's dashes (`— 1 —`) sit 7 mm below the type area (GB/T 9704 §7.5: the
//!   一字线 itself, not the type's em box): [`page_number_baseline`].
//! - Letter-spacing is space *between* characters: none after a paragraph's last character
//!   ([`spacing_after`]), so a letter-spaced centred line (回执) stays centred.

use crate::fonts::fonts;
use crate::model::FontRole;

/// How much a compressed mark gives up: half an em (its blank half).
pub const COMPRESS_EM: f32 = 0.5;

/// Where a full-width punctuation mark's ink sits in its em box (Simplified Chinese glyph
/// positions, GB/T 15834): opening brackets and quotes at the right (blank on the left),
/// closing ones and the pause/stop marks ，。、；： at the left (blank on the right).
/// ！？ are left out: their glyphs sit near the middle in the bundled faces, and ——, …… and ·
/// take their full width.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Opening,
    Closing,
}

fn side(c: char) -> Option<Side> {
    match c {
        '（' | '〔' | '［' | '｛' | '〈' | '《' | '「' | '『' | '【' | '〖' | '“' | '‘' => {
            Some(Side::Opening)
        }
        '）' | '〕' | '］' | '｝' | '〉' | '》' | '」' | '』' | '】' | '〗' | '”' | '’' | '，' | '。' | '、' | '；'
        | '：' => Some(Side::Closing),
        _ => None,
    }
}

/// Is `c` a mark that compression may shorten (a full-width punctuation mark with a blank half)?
pub fn is_compressible(c: char) -> bool {
    side(c).is_some()
}

/// For each character of `chars`, the part of an em taken off its advance (0 or
/// [`COMPRESS_EM`]). `role_of(k)` is the font role character `k` is set in: only marks that
/// are full-width in their face are compressed (LXGW WenKai, the 楷体 face, has proportional
/// quotes with no blank half to give up). Two adjacent marks have one blank half between them
/// removed; the reduction is always given to the FIRST of the pair, so that the glyphs
/// themselves never move relative to their own origin:
/// - closing + closing (`”）`, `。」`, `）、`) and closing + opening (`，“`, `）（`): the first
///   mark's blank right half goes;
/// - opening + opening (`（“`): the second mark's blank left half goes, which is the same as
///   the first advancing half an em less.
///
/// Opening + closing (`（）`) has no blank between the two glyphs and is left alone. A run of
/// three (`”）。`) compresses the first two.
pub fn compression(chars: &[char], role_of: impl Fn(usize) -> FontRole) -> Vec<f32> {
    let full =
        |k: usize| side(chars[k]).filter(|_| fonts().lookup(role_of(k), chars[k]).is_some_and(|h| h.advance_em > 0.9));
    (0..chars.len())
        .map(|k| match (full(k), (k + 1 < chars.len()).then(|| full(k + 1)).flatten()) {
            (Some(Side::Closing), Some(_)) | (Some(Side::Opening), Some(Side::Opening)) => COMPRESS_EM,
            _ => 0.0,
        })
        .collect()
}

/// The space after each character of a paragraph's text, in points, as the .docx must state it
/// (`w:spacing` on the run): the style's letter-spacing `spacing`, less the compression of
/// that character at `size`. With `trim_end` (a centred or right-aligned paragraph) nothing
/// after the last character: the PDF layout adds no spacing at the end of a line, Word adds it
/// after the last character, which would push such a line off by that much.
pub fn spacing_after(
    chars: &[char],
    role_of: impl Fn(usize) -> FontRole,
    spacing: f32,
    size: f32,
    trim_end: bool,
) -> Vec<f32> {
    let mut out: Vec<f32> = compression(chars, role_of).iter().map(|sq| spacing - sq * size).collect();
    if let (true, Some(last)) = (trim_end, out.last_mut()) {
        *last = 0.0;
    }
    out
}

/// Width in points of one line of `text` set in `role` at `size` with `spacing` points between
/// characters, compression included (what the layout engine gives it).
pub fn text_width(role: FontRole, text: &str, size: f32, spacing: f32) -> f32 {
    let chars: Vec<char> = text.chars().collect();
    let squeezed: f32 = compression(&chars, |_| role).iter().sum();
    fonts().text_width(role, text, size, spacing) - squeezed * size
}

/// GB/T 9704 §7.5: the page number's 一字线 (—) lies this far below the type area.
pub const PAGE_NUMBER_DASH_DROP: f32 = 7.0 * crate::model::MM;

/// Height of the middle of the ink of `—` above the baseline in `role` at `size` (the dash is a
/// thin horizontal stroke; its middle is where it "lies").
pub fn dash_height(role: FontRole, size: f32) -> f32 {
    let set = fonts();
    let Some(hit) = set.lookup(role, '—') else { return 0.3 * size };
    let face = set.face(hit.font);
    match face.face.glyph_bounding_box(ttf_parser::GlyphId(hit.glyph)) {
        Some(bb) => (bb.y_min as f32 + bb.y_max as f32) / 2.0 / face.units_per_em * size,
        None => 0.3 * size,
    }
}

/// Distance from the bottom of the type area down to the baseline of a `— N —` page number set
/// in `role` at `size`, so that its dashes lie [`PAGE_NUMBER_DASH_DROP`] below the type area.
pub fn page_number_baseline(role: FontRole, size: f32) -> f32 {
    PAGE_NUMBER_DASH_DROP + dash_height(role, size)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn squeeze(s: &str) -> Vec<f32> {
        compression(&s.chars().collect::<Vec<_>>(), |_| FontRole::FangSong)
    }

    #[test]
    fn the_first_of_two_marks_gives_up_half_an_em() {
        // ”）, 。」, ）、 : the first of each pair is compressed.
        assert_eq!(squeeze("称“该工作”）的"), vec![0.0, 0.0, 0.0, 0.0, 0.0, 0.5, 0.0, 0.0]);
        assert_eq!(squeeze("完。」"), vec![0.0, 0.5, 0.0]);
        assert_eq!(squeeze("（甲）、乙"), vec![0.0, 0.0, 0.5, 0.0, 0.0]);
        // closing + opening, opening + opening
        assert_eq!(squeeze("为：“甲"), vec![0.0, 0.5, 0.0, 0.0]);
        assert_eq!(squeeze("（“甲"), vec![0.5, 0.0, 0.0]);
        // opening + closing and lone marks are left alone; so are ！？ —— ……
        assert_eq!(squeeze("（）"), vec![0.0, 0.0]);
        assert_eq!(squeeze("甲，乙。"), vec![0.0; 4]);
        assert_eq!(squeeze("甲！”？）——……"), vec![0.0; 9]);
    }

    #[test]
    fn spacing_is_between_characters_only() {
        let song = |_| FontRole::FangSong;
        let chars: Vec<char> = "回执".chars().collect();
        assert_eq!(spacing_after(&chars, song, 16.0, 16.0, true), vec![16.0, 0.0]);
        let chars: Vec<char> = "甲”）乙".chars().collect();
        assert_eq!(spacing_after(&chars, song, -0.25, 16.0, false), vec![-0.25, -8.25, -0.25, -0.25]);
        // 楷体's quotes are proportional: nothing to compress.
        let chars: Vec<char> = "”）".chars().collect();
        assert_eq!(spacing_after(&chars, |_| FontRole::Kai, 0.0, 16.0, false), vec![0.0, 0.0]);
    }

    #[test]
    fn the_page_number_dash_is_a_stroke_near_the_middle_of_the_em() {
        let d = dash_height(FontRole::Song, 14.0);
        assert!(d > 2.0 && d < 8.0, "{d}");
        assert!((page_number_baseline(FontRole::Song, 14.0) - (7.0 * crate::model::MM + d)).abs() < 1e-3);
    }

    /// Compression assumes a full-width mark has its ink on the side `side` says: check the
    /// bundled fonts.
    #[test]
    fn compressible_marks_are_full_width_with_ink_on_their_side() {
        let marks = "（〔［｛〈《「『【〖“‘）〕］｝〉》」』】〗”’，。、；：";
        for role in [FontRole::FangSong, FontRole::Hei, FontRole::Kai, FontRole::Title, FontRole::Song] {
            let face = fonts().face(role);
            for c in marks.chars() {
                let Some(hit) = fonts().lookup(role, c) else { continue };
                if role != FontRole::Kai {
                    // The faces of body, headings and titles set these marks full width.
                    assert!((hit.advance_em - 1.0).abs() < 0.01, "{role:?} {c} advance {}", hit.advance_em);
                }
                if hit.font != role || hit.advance_em < 0.9 {
                    continue;
                }
                let Some(bb) = face.face.glyph_bounding_box(ttf_parser::GlyphId(hit.glyph)) else { continue };
                let (x0, x1) = (bb.x_min as f32 / face.units_per_em, bb.x_max as f32 / face.units_per_em);
                match side(c).unwrap() {
                    Side::Closing => assert!(x1 <= 0.62, "{role:?} {c}: ink reaches {x1} em"),
                    Side::Opening => assert!(x0 >= 0.38, "{role:?} {c}: ink starts at {x0} em"),
                }
            }
        }
    }
}
