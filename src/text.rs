//! Which characters may reach a file: one rule, read where text enters (workbook cells in
//! `workbook::cells::clean_text`) and again by every writer as a last guard (`docx::xml` for
//! the .docx, the layout's glyph mapping for the PDF, `names` for file names), so text from a
//! form file or any other way in is held to the same rule.
//!
//! Left out everywhere ([`is_hidden`]): control characters (C0 except tab and line feed, DEL,
//! C1), Unicode non-characters (U+FDD0–FDEF, U+xFFFE/xFFFF — XML 1.0 forbids U+FFFE/FFFF),
//! and the default-ignorable characters — zero-width spaces and joiners, the BOM, soft hyphen,
//! variation selectors, tag characters and the bidirectional controls (U+202A–202E,
//! U+2066–2069, U+200E/200F, U+061C). Those draw nothing, so in a document they can only hide
//! or reorder what a reader sees (a right-to-left override makes `exe.pdf` show as `fdp.exe`);
//! gongwen's documents are Chinese and left-to-right and have no use for them. Rust strings
//! cannot hold lone surrogates, so U+D800–DFFF never arrives.
//!
//! Replaced everywhere ([`drawable`]): a character no bundled font has becomes [`STAND_IN`].

/// What a character no bundled font can draw becomes: 〓 (U+3013 GETA MARK), the mark Chinese
/// and Japanese typesetting has long used for a character the type case lacks. Both writers
/// draw it from the bundled fonts, so the PDF and the .docx show the same mark, where they
/// would otherwise show an empty box in one and a substitute font in the other.
pub const STAND_IN: char = '〓';

/// `text` with every character no bundled font draws replaced by [`STAND_IN`] ([`is_hidden`]
/// characters, which callers drop, are left alone). Borrowed when nothing changes, which is nearly always.
pub fn drawable(text: &str) -> std::borrow::Cow<'_, str> {
    let fonts = crate::fonts::fonts();
    // Hidden characters are not drawn at all (callers drop them), so they need no stand-in.
    let draws = |c: char| c.is_ascii() || is_hidden(c) || fonts.covers(c);
    if text.chars().all(draws) {
        return std::borrow::Cow::Borrowed(text);
    }
    text.chars().map(|c| if draws(c) { c } else { STAND_IN }).collect::<String>().into()
}

/// Is `c` a character that must not reach a document or a file name? (Tab and line feed are
/// controls too: callers that keep them test for them first.)
pub fn is_hidden(c: char) -> bool {
    c.is_control() || is_noncharacter(c) || is_default_ignorable(c)
}

/// Unicode non-characters: U+FDD0–FDEF and the last two code points of every plane.
pub fn is_noncharacter(c: char) -> bool {
    let u = c as u32;
    (0xFDD0..=0xFDEF).contains(&u) || u & 0xFFFE == 0xFFFE
}

/// Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties.txt, Unicode 15): characters
/// a renderer draws as nothing when it cannot handle them.
pub fn is_default_ignorable(c: char) -> bool {
    matches!(
        c as u32,
        0x00AD
            | 0x034F
            | 0x061C
            | 0x115F..=0x1160
            | 0x17B4..=0x17B5
            | 0x180B..=0x180F
            | 0x200B..=0x200F
            | 0x202A..=0x202E
            | 0x2060..=0x206F
            | 0x3164
            | 0xFE00..=0xFE0F
            | 0xFEFF
            | 0xFFA0
            | 0xFFF0..=0xFFF8
            | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A
            | 0xE0000..=0xE0FFF
    )
}

/// Text cleaned for the documents: every kind of line break (CR LF, CR, NEL, U+2028/2029,
/// vertical tab, form feed) becomes `\n`; [`is_hidden`] characters other than tab and line
/// feed are removed; surrounding whitespace (ASCII and full-width) is trimmed. The flag says
/// whether anything was removed.
pub fn clean(raw: &str) -> (String, bool) {
    let needs_work = raw.chars().any(|c| c != '\t' && c != '\n' && is_hidden(c) || is_line_break(c));
    if !needs_work {
        return (raw.trim().to_string(), false);
    }
    let unified = raw.replace("\r\n", "\n");
    let mut removed = false;
    let kept: String = unified
        .chars()
        .filter_map(|c| {
            if is_line_break(c) {
                Some('\n')
            } else if c != '\t' && c != '\n' && is_hidden(c) {
                removed = true;
                None
            } else {
                Some(c)
            }
        })
        .collect();
    (kept.trim().to_string(), removed)
}

/// Line breaks other than `\n` that text may carry.
fn is_line_break(c: char) -> bool {
    matches!(c, '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// Is `c` allowed by the XML 1.0 `Char` production? (Rust `char`s are never surrogates.)
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_characters_are_the_invisible_ones() {
        for c in [
            '\0',
            '\u{1}',
            '\u{1F}',
            '\u{7F}',
            '\u{80}',
            '\u{85}',
            '\u{9F}',
            '\u{AD}',
            '\u{200B}',
            '\u{200D}',
            '\u{200E}',
            '\u{202A}',
            '\u{202E}',
            '\u{2066}',
            '\u{2069}',
            '\u{2060}',
            '\u{FEFF}',
            '\u{FE0F}',
            '\u{FFFE}',
            '\u{FFFF}',
            '\u{FDD0}',
            '\u{1FFFE}',
            '\u{10FFFF}',
            '\u{E0041}',
        ] {
            assert!(is_hidden(c), "U+{:04X}", c as u32);
        }
        for c in ['a', '甲', '〓', '　', ' ', '€', '\u{E000}', '\u{FFFD}', '😀', '\u{20000}'] {
            assert!(!is_hidden(c), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn every_character_kept_in_a_document_is_xml() {
        for u in 0..=0x10FFFF_u32 {
            let Some(c) = char::from_u32(u) else { continue };
            if !is_hidden(c) || c == '\t' || c == '\n' {
                assert!(is_xml_char(c) || c == '\r', "U+{u:04X}");
            }
        }
    }

    #[test]
    fn text_is_cleaned_for_the_documents() {
        assert_eq!(clean("  甲\r\n乙\u{3000}"), ("甲\n乙".to_string(), false));
        assert_eq!(clean("a\u{1}b\u{FFFF}\tc\rd"), ("ab\tc\nd".to_string(), true));
        assert_eq!(clean("a\u{2028}b\u{85}c\u{0B}d"), ("a\nb\nc\nd".to_string(), false));
        assert_eq!(clean("付款\u{202E}007\u{202C}元\u{200B}"), ("付款007元".to_string(), true));
        assert_eq!(clean("\u{FEFF}编号"), ("编号".to_string(), true));
    }
}
