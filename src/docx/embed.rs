//! Fonts inside the .docx: which characters each bundled face draws in a document, the
//! subset of the face holding exactly those characters, and its obfuscated part
//! (`word/fonts/fontN.odttf`, ECMA-376 Part 1 §17.8.1) — what Word's "Embed fonts in the file"
//! with "Embed only the characters used" writes. Also the facts about each face that
//! word/fontTable.xml states (panose, Unicode/code-page signature), read from the font files.
//!
//! Why subsets made with `skera` (fontations' port of hb-subset) and not the `subsetter`
//! crate krilla uses for the PDF: a word processor installs the embedded font as a font, so
//! it needs `cmap`, `name`, `OS/2`, `post`, `hhea`/`hmtx` — `subsetter` drops them on purpose.
//!
//! Why every subset has its own family name ("Gongwen FangSong 5D36E0", the tag from the
//! subset's characters): a word processor installs embedded fonts for its whole session under
//! the name the .docx gives them. LibreOffice 7.4 keeps the first document's font for every
//! later document naming the same face (it writes `<name>.ttf` into its profile once and
//! reuses it, even over an installed font), so a second letter opened in the same session —
//! or converted by the same preview server — would draw with the first letter's subset and
//! show empty boxes. Distinct subsets under distinct names cannot be confused; the same
//! characters give the same name, so identical subsets are shared.

use crate::fonts::{font_bytes, fonts, role_index, FALLBACK, ROLES};
use crate::model::{Block, Document, FontRole, Inline, Paragraph, BLANK_CHAR, BLANK_ROLE};
use crate::package::subset::subset;
use read_fonts::{FontRef, TableProvider};
use std::collections::BTreeSet;
use std::sync::OnceLock;

/// The characters each font role draws in one document (roles in [`ROLES`] order, only
/// those the package names). A character the role's face lacks is drawn from the fallback
/// face (Song) — by us in the PDF, by the word processor's font fallback in the .docx — so it
/// is counted there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct FontUse {
    pub role: FontRole,
    pub chars: BTreeSet<char>,
}

/// Text the package draws outside the model's paragraphs, per role: set by `body` and
/// `parts` (cut lines, footers), passed in so this module does not repeat their wording.
pub(super) struct ExtraText<'a> {
    pub role: FontRole,
    pub text: &'a str,
}

/// Every role the package names — the document default, the page numbers' role when
/// there are page numbers, every paragraph, run and blank role — with the characters it
/// draws. `always` are roles named even without text (the docDefaults font), `extra` text
/// drawn once in any case (footers), `cut_line` the text of each cut line.
pub(super) fn font_use(doc: &Document, always: &[FontRole], extra: &[ExtraText], cut_line: &ExtraText) -> Vec<FontUse> {
    let mut sets: [Option<BTreeSet<char>>; 5] = Default::default();
    let mut add = |role: FontRole, text: &str| {
        let set = sets[role_index(role)].get_or_insert_with(BTreeSet::new);
        // Line breaks and tabs are markup in the .docx, not glyphs.
        set.extend(text.chars().filter(|c| !c.is_control()));
    };
    for &role in always {
        add(role, "");
    }
    for e in extra {
        add(e.role, e.text);
    }
    doc.for_each_block(&mut |block| {
        if let Block::CutLine { .. } = block {
            add(cut_line.role, cut_line.text);
        }
        block.for_each_paragraph(&mut |p: &Paragraph| {
            add(p.style.role, "");
            for inline in &p.content {
                match inline {
                    Inline::Text { text, role } => add(role.unwrap_or(p.style.role), text),
                    Inline::Blank { .. } => add(BLANK_ROLE, &BLANK_CHAR.to_string()),
                }
            }
        });
    });

    // What a face lacks goes to the fallback face (which must then be embedded too).
    let set = fonts();
    let mut fallback: BTreeSet<char> = BTreeSet::new();
    for role in ROLES {
        if role == FALLBACK {
            continue;
        }
        if let Some(chars) = &mut sets[role_index(role)] {
            let face = &set.face(role).face;
            chars.retain(|&c| {
                let has = face.glyph_index(c).is_some();
                if !has {
                    fallback.insert(c);
                }
                has
            });
        }
    }
    if !fallback.is_empty() {
        sets[role_index(FALLBACK)].get_or_insert_with(BTreeSet::new).extend(fallback);
    }
    ROLES
        .iter()
        .filter_map(|&role| {
            sets[role_index(role)].take().map(|mut chars| {
                // A word processor lays out with the space of the face (empty paragraphs,
                // the space a clerk types); .notdef is always kept by the subsetter.
                chars.insert(' ');
                FontUse { role, chars }
            })
        })
        .collect()
}

/// One embedded font part.
#[derive(Debug, Clone)]
pub(super) struct EmbeddedFont {
    pub role: FontRole,
    /// The subset's family name, which the package's runs, styles and font table name.
    pub name: String,
    /// Relationship id in word/_rels/fontTable.xml.rels.
    pub rel_id: String,
    /// Part name relative to word/ (`fonts/font1.odttf`).
    pub file: String,
    /// `w:fontKey`: the GUID whose bytes obfuscate the part, `{XXXXXXXX-XXXX-…}`.
    pub key: String,
    /// The obfuscated subset.
    pub data: Vec<u8>,
}

/// The embedded parts for `uses`, in the same order. A face the subsetter cannot handle is
/// left out (the .docx then names it without carrying it, as with `--no-embed-fonts`);
/// the unit tests make sure every bundled face subsets.
pub(super) fn embed(uses: &[FontUse]) -> Vec<EmbeddedFont> {
    uses.iter()
        .filter_map(|u| subset(u.role, &u.chars).ok())
        .enumerate()
        .map(|(i, subset)| EmbeddedFont {
            role: subset.role,
            name: subset.family,
            rel_id: format!("rId{}", i + 1),
            file: format!("fonts/font{}.odttf", i + 1),
            data: obfuscate(&subset.data, &subset.key),
            key: guid_string(&subset.key),
        })
        .collect()
}

/// The key as `w:fontKey` writes it: the bytes in order as hex digits, grouped 8-4-4-4-12.
fn guid_string(key: &[u8; 16]) -> String {
    let hex: String = key.iter().map(|b| format!("{b:02X}")).collect();
    format!("{{{}-{}-{}-{}-{}}}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

/// §17.8.1: the first 32 bytes of the font are XORed with the key's 16 bytes taken from the
/// last (the GUID string's final two hex digits) to the first, twice over. Its own inverse.
fn obfuscate(font: &[u8], key: &[u8; 16]) -> Vec<u8> {
    let mut out = font.to_vec();
    for (i, byte) in out.iter_mut().take(32).enumerate() {
        *byte ^= key[15 - i % 16];
    }
    out
}

/// What word/fontTable.xml says about a face, from its OS/2 table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct FaceInfo {
    /// `w:panose1`: the 10 PANOSE bytes.
    pub panose: [u8; 10],
    /// `w:sig`: usb0–usb3 (ulUnicodeRange1–4), csb0–csb1 (ulCodePageRange1–2).
    pub usb: [u32; 4],
    pub csb: [u32; 2],
    /// The face's only style is Bold (OS/2 fsSelection BOLD, e.g. Gongwen Title).
    pub bold_only: bool,
}

/// OS/2 Unicode-range bits of the scripts a Chinese document uses, with a character to
/// test: some source fonts (FandolFang) leave them unset although they cover the block, and
/// a word processor choosing a substitute reads them.
const RANGE_PROBES: [(u32, char); 5] = [
    (0, 'A'),   // Basic Latin
    (31, '—'),  // General Punctuation
    (48, '。'), // CJK Symbols and Punctuation
    (59, '中'), // CJK Unified Ideographs
    (68, '，'), // Halfwidth and Fullwidth Forms
];

/// The face facts of `role`, read once.
pub(super) fn face_info(role: FontRole) -> FaceInfo {
    static INFO: OnceLock<Vec<FaceInfo>> = OnceLock::new();
    INFO.get_or_init(|| ROLES.iter().map(|&r| read_face_info(r)).collect())[role_index(role)]
}

fn read_face_info(role: FontRole) -> FaceInfo {
    let font = FontRef::new(font_bytes(role)).expect("bundled font parses");
    let os2 = font.os2().expect("bundled font has OS/2");
    let panose: [u8; 10] = os2.panose_10().try_into().expect("10 PANOSE bytes");
    let mut usb =
        [os2.ul_unicode_range_1(), os2.ul_unicode_range_2(), os2.ul_unicode_range_3(), os2.ul_unicode_range_4()];
    let face = &fonts().face(role).face;
    for (bit, probe) in RANGE_PROBES {
        if face.glyph_index(probe).is_some() {
            usb[(bit / 32) as usize] |= 1 << (bit % 32);
        }
    }
    let csb = [os2.ul_code_page_range_1().unwrap_or(0), os2.ul_code_page_range_2().unwrap_or(0)];
    let bold_only = os2.fs_selection().contains(read_fonts::tables::os2::SelectionFlags::BOLD);
    FaceInfo { panose, usb, csb, bold_only }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn obfuscation_follows_the_spec_and_is_its_own_inverse() {
        // §17.8.1's example key order: the font's byte 0 is XORed with the GUID's last byte.
        let key: [u8; 16] = core::array::from_fn(|i| i as u8 * 0x11);
        assert_eq!(guid_string(&key), "{00112233-4455-6677-8899-AABBCCDDEEFF}");
        let font: Vec<u8> = (0..40).map(|i| i as u8).collect();
        let ob = obfuscate(&font, &key);
        // byte i XOR key[15 - i % 16]: key[15] = 0xFF, key[0] = 0x00.
        assert_eq!(ob[0], 0xFF);
        assert_eq!(ob[15], 15);
        assert_eq!(ob[16], 16 ^ 0xFF);
        assert_eq!(ob[31], 31);
        assert_eq!(ob[1], 1 ^ 0xEE);
        assert_eq!(&ob[32..], &font[32..]);
        assert_eq!(obfuscate(&ob, &key), font);
    }

    #[test]
    fn face_info_reads_the_fonts() {
        // Noto Serif SC (Title, Song): PANOSE family "Latin text", serif.
        assert_eq!(face_info(FontRole::Song).panose[0], 2);
        for role in ROLES {
            let info = face_info(role);
            assert_ne!(info.usb[1] & (1 << (59 - 32)), 0, "{role:?} claims CJK ideographs");
            assert_ne!(info.csb[0] & (1 << 18), 0, "{role:?} claims code page 936 (GB2312)");
        }
    }
}
