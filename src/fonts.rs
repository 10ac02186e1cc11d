//! The bundled fonts: one font file per [`FontRole`], compiled into the binary, parsed once
//! per process and shared by every thread; glyph lookup with per-character fallback.
//!
//! Files (built by `fonts/build-fonts.sh`, licences in `fonts/LICENSES/`):
//! `GongwenTitle.ttf` (Noto Serif SC Bold, 小标宋 role), `GongwenFangSong.ttf` (FandolFang, 仿宋),
//! `GongwenHei.ttf` (Noto Sans SC, 黑体), `GongwenKai.ttf` (LXGW WenKai renamed, 楷体),
//! `GongwenSong.ttf` (Noto Serif SC Regular, 宋体 and the fallback for every role).

use crate::model::FontRole;
use std::sync::OnceLock;

/// Every role, in a fixed order (index = [`role_index`]).
pub const ROLES: [FontRole; 5] = [FontRole::Title, FontRole::FangSong, FontRole::Hei, FontRole::Kai, FontRole::Song];

/// The role whose font every other role falls back to, character by character.
pub const FALLBACK: FontRole = FontRole::Song;

pub fn role_index(role: FontRole) -> usize {
    match role {
        FontRole::Title => 0,
        FontRole::FangSong => 1,
        FontRole::Hei => 2,
        FontRole::Kai => 3,
        FontRole::Song => 4,
    }
}

static DATA: [&[u8]; 5] = [
    include_bytes!("../fonts/GongwenTitle.ttf"),
    include_bytes!("../fonts/GongwenFangSong.ttf"),
    include_bytes!("../fonts/GongwenHei.ttf"),
    include_bytes!("../fonts/GongwenKai.ttf"),
    include_bytes!("../fonts/GongwenSong.ttf"),
];

/// The raw bytes of a role's font file (what the PDF writer embeds, subset).
pub fn font_bytes(role: FontRole) -> &'static [u8] {
    DATA[role_index(role)]
}

/// A parsed font: metrics and character map.
pub struct FontFace {
    pub role: FontRole,
    pub face: ttf_parser::Face<'static>,
    pub units_per_em: f32,
    /// Ascender / descender in em (descender negative).
    pub ascender: f32,
    pub descender: f32,
}

/// A glyph found for a character: which font, which glyph, how wide (in em, unscaled).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GlyphHit {
    pub font: FontRole,
    pub glyph: u16,
    pub advance_em: f32,
}

/// All bundled fonts, parsed.
pub struct FontSet {
    faces: Vec<FontFace>,
    /// One bit per code point: does [`FontSet::covers`] hold? Built once from the character
    /// maps, since every cell of a workbook is asked (a cmap lookup per character was a quarter
    /// of `check`'s time).
    covered: Vec<u64>,
}

/// The process-wide font set (parsed on first use).
pub fn fonts() -> &'static FontSet {
    static SET: OnceLock<FontSet> = OnceLock::new();
    SET.get_or_init(|| {
        let faces = ROLES
            .iter()
            .map(|&role| {
                let face = ttf_parser::Face::parse(font_bytes(role), 0)
                    .unwrap_or_else(|e| panic!("bundled font for {role:?} is unreadable: {e}"));
                let upem = face.units_per_em() as f32;
                FontFace {
                    role,
                    units_per_em: upem,
                    ascender: face.ascender() as f32 / upem,
                    descender: face.descender() as f32 / upem,
                    face,
                }
            })
            .collect();
        let mut set = FontSet { faces, covered: Vec::new() };
        set.covered = set.coverage();
        set
    })
}

impl FontSet {
    pub fn face(&self, role: FontRole) -> &FontFace {
        &self.faces[role_index(role)]
    }

    /// The glyph for `ch` in the role's font, else in the fallback font; `None` when no
    /// bundled font has it (the caller reports it and draws the fallback's .notdef).
    pub fn lookup(&self, role: FontRole, ch: char) -> Option<GlyphHit> {
        self.lookup_in(role, ch).or_else(|| if role == FALLBACK { None } else { self.lookup_in(FALLBACK, ch) })
    }

    fn lookup_in(&self, role: FontRole, ch: char) -> Option<GlyphHit> {
        let f = self.face(role);
        let gid = f.face.glyph_index(ch)?;
        let adv = f.face.glyph_hor_advance(gid).unwrap_or(0) as f32 / f.units_per_em;
        Some(GlyphHit { font: role, glyph: gid.0, advance_em: adv })
    }

    /// Width in points of `text` set in `role` at `size`, with `spacing` points between
    /// characters (as the layout engine measures; a character no font has counts one em).
    pub fn text_width(&self, role: FontRole, text: &str, size: f32, spacing: f32) -> f32 {
        let n = text.chars().count();
        let glyphs: f32 = text.chars().map(|c| self.lookup(role, c).map_or(1.0, |g| g.advance_em)).sum();
        glyphs * size + spacing * n.saturating_sub(1) as f32
    }

    /// Does any bundled font have `ch`? (Line breaks and tabs count as present.) The same
    /// answer as `lookup(FangSong, ch).is_some()`, from the bitset made once.
    pub fn covers(&self, ch: char) -> bool {
        let cp = ch as usize;
        ch.is_control() || self.covered.get(cp / 64).is_some_and(|w| w >> (cp % 64) & 1 == 1)
    }

    /// The bitset behind [`FontSet::covers`]: every code point the body font or the fallback
    /// maps, each confirmed by the lookup the layout makes.
    fn coverage(&self) -> Vec<u64> {
        let mut bits = vec![0u64; (char::MAX as usize + 1).div_ceil(64)];
        for role in [FontRole::FangSong, FALLBACK] {
            let Some(cmap) = self.face(role).face.tables().cmap else { continue };
            for sub in cmap.subtables.into_iter().filter(|s| s.is_unicode()) {
                sub.codepoints(|cp| {
                    if let Some(ch) = char::from_u32(cp) {
                        if self.lookup(FontRole::FangSong, ch).is_some() {
                            bits[cp as usize / 64] |= 1 << (cp % 64);
                        }
                    }
                });
            }
        }
        bits
    }

    /// The characters of `text` that no bundled font can draw, in order, without repeats.
    pub fn missing_chars(&self, text: &str) -> Vec<char> {
        let mut out: Vec<char> = Vec::new();
        for ch in text.chars() {
            if !self.covers(ch) && !out.contains(&ch) {
                out.push(ch);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_coverage_bitset_agrees_with_the_lookup() {
        let f = fonts();
        let samples = (0u32..0x3_0000).step_by(7).chain(0x4E00..0xA000).chain([0x2_0000, 0x2_A6D6, 0x3013, 0x1_F600]);
        for cp in samples {
            let Some(ch) = char::from_u32(cp) else { continue };
            assert_eq!(f.covers(ch), ch.is_control() || f.lookup(FontRole::FangSong, ch).is_some(), "U+{cp:04X}");
        }
        assert!(f.covers('〓') && f.covers('中') && !f.covers('\u{20000}'));
    }

    #[test]
    fn every_role_draws_common_chinese_and_digits() {
        let f = fonts();
        for role in ROLES {
            for ch in "工作联系函〔2026〕12号，。".chars() {
                assert!(f.lookup(role, ch).is_some(), "{role:?} lacks {ch}");
            }
        }
    }

    #[test]
    fn missing_glyph_falls_back_to_song() {
        let f = fonts();
        // ✂ is not in FandolFang; the fallback (Noto Serif SC) has it.
        let hit = f.lookup(FontRole::FangSong, '✂').expect("fallback has ✂");
        assert_eq!(hit.font, FontRole::Song);
        // A CJK Extension B character no bundled font has.
        assert!(f.lookup(FontRole::FangSong, '\u{20000}').is_none());
        assert_eq!(f.missing_chars("甲\u{20000}乙\u{20000}"), vec!['\u{20000}']);
    }

    #[test]
    fn ideographs_are_one_em_wide() {
        let f = fonts();
        let hit = f.lookup(FontRole::FangSong, '函').unwrap();
        assert!((hit.advance_em - 1.0).abs() < 0.01, "{hit:?}");
    }
}
