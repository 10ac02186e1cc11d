//! File names: the one place a name for a file of the output folder is made. [`NameBook`]
//! turns a stem made from cells (`[编号]_[收函部门]_工作联系函`) into a name that is safe on
//! Windows, macOS and Linux, short enough for all three, and distinct from every other name
//! of the run (compared as those systems compare: ignoring case and Unicode normalisation).
//!
//! Every file a run writes — documents and print bundles — gets its name from one book, so no
//! output can overwrite another.

use std::collections::{HashMap, HashSet};
use unicode_normalization::char::{canonical_combining_class, decompose_canonical};
use unicode_normalization::UnicodeNormalization;

/// Longest file name we write, extension and de-duplicating suffix included (FORMS.md §6),
/// counted in the unit the strictest system counts in:
/// - Linux (ext4, xfs, btrfs…): 255 bytes of the name as written (we write NFC);
/// - macOS: 255 UTF-8 bytes (APFS), or 255 UTF-16 units of the NFD form (HFS+). macOS hands
///   names around decomposed, and a decomposed name can be much longer than ours (a Hangul
///   syllable is 3 bytes, its three jamo 9);
/// - Windows (NTFS, exFAT, SMB shares): 255 UTF-16 units.
///
/// So a name is measured as, per character, the larger of its UTF-8 length and the UTF-8
/// length of its canonical decomposition ([`name_bytes`]); UTF-16 never needs more units than
/// UTF-8 needs bytes, so that one figure bounds all three. The limit is 200 rather than 255 to
/// leave room for what people and tools add to a name they copy (`副本`, ` (1)`, Word's
/// `~$` lock file) and for a zip archive's name rules; a whole path can still pass Windows'
/// 260-character MAX_PATH if the output folder is deep, which no name can prevent.
pub const MAX_NAME_BYTES: usize = 200;

/// A name for documents whose stem cleans to nothing (all dots, spaces or controls).
const UNNAMED: &str = "未命名";

/// Hands out distinct, safe file names. A second file whose name comes out the same (ignoring
/// case and normalisation, as Windows and macOS do) gets `_2`, `_3` … before the extension, in
/// the order names are asked for; the stem is shortened to leave room for the suffix, so the
/// suffix is never cut off and every claim ends.
///
/// Names are kept as 128-bit digests, not as text: a run of thousands of documents holds a
/// few bytes per name. Two different names with one digest (about one chance in 10^28 for
/// a million names) would only give the second a suffix it did not need.
pub struct NameBook {
    /// Digests of the folded forms ([`fold`]) of every name handed out or reserved.
    taken: HashSet<u128>,
    /// Per cleaned stem and extension (digest): the next suffix number to try, so that a
    /// thousand documents with one stem cost a thousand tries, not half a million.
    next: HashMap<u128, u64>,
}

/// The first 128 bits of the SHA-256 of `parts`, each ended by a NUL (no name holds one).
fn digest(parts: &[&str]) -> u128 {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    let bytes: [u8; 32] = hasher.finalize().into();
    u128::from_be_bytes(bytes[..16].try_into().expect("16 bytes"))
}

impl Default for NameBook {
    fn default() -> Self {
        Self::new()
    }
}

impl NameBook {
    /// An empty book, with the manifest's name already taken.
    pub fn new() -> Self {
        let mut book = NameBook { taken: HashSet::new(), next: HashMap::new() };
        book.reserve(crate::output::MANIFEST_NAME);
        book
    }

    /// Keep `name` (a file gongwen writes under a fixed name) from being handed out.
    pub fn reserve(&mut self, name: &str) {
        self.taken.insert(digest(&[&fold(name)]));
    }

    /// A safe name for `stem` + `.ext`, distinct from every name this book has handed out.
    /// `ext` is the program's own (`pdf`, `docx`): ASCII letters and digits.
    pub fn claim(&mut self, stem: &str, ext: &str) -> String {
        assert!(
            !ext.is_empty() && ext.len() <= 8 && ext.bytes().all(|b| b.is_ascii_alphanumeric()),
            "extension {ext:?} is not one of ours"
        );
        let base = clean_stem(stem);
        let key = digest(&[&base, &ext.to_ascii_lowercase()]);
        let start = self.next.get(&key).copied().unwrap_or(1);
        // Ends: names with suffixes of one digit count share one shortened stem and differ in
        // the number, so among the 9·10^(k-1) numbers of k digits at most `taken.len()` are
        // taken.
        for n in start.. {
            let name = compose(&base, n, ext);
            if self.taken.insert(digest(&[&fold(&name)])) {
                self.next.insert(key, n + 1);
                return name;
            }
        }
        unreachable!("u64 suffixes ran out")
    }
}

/// `stem` made safe but not yet shortened (see [`safe_file_name`]).
fn clean_stem(stem: &str) -> String {
    let mut s = String::with_capacity(stem.len());
    let mut blank = false;
    for c in stem.nfc() {
        let Some(c) = name_char(c) else { continue };
        // Runs of blanks (line breaks of a cell included) become one space.
        if c == ' ' {
            blank = true;
            continue;
        }
        if blank && !s.is_empty() {
            s.push(' ');
        }
        blank = false;
        s.push(c);
    }
    let s = s.trim_start_matches(|c: char| c == '.' || c.is_whitespace());
    let s = s.trim_end_matches(|c: char| c == '.' || c.is_whitespace());
    if s.is_empty() {
        return UNNAMED.to_string();
    }
    s.to_string()
}

/// What a character of a stem becomes in a file name: `None` to leave it out.
fn name_char(c: char) -> Option<char> {
    Some(match c {
        // Forbidden on Windows (and `/`, `:` on macOS): their full-width twins read the same.
        '/' => '／',
        '\\' => '＼',
        ':' => '：',
        '*' => '＊',
        '?' => '？',
        '"' => '＂',
        '<' => '＜',
        '>' => '＞',
        '|' => '｜',
        // Blanks of every kind, line breaks included, become a space.
        c if c.is_whitespace() => ' ',
        // Controls, invisible formatting (zero-width, bidi overrides that could make
        // `…\u{202E}fdp.exe` look like `…exe.pdf`) and non-characters never reach a name.
        c if crate::text::is_hidden(c) => return None,
        c => c,
    })
}

/// The name for `base` (a [`clean_stem`]) with suffix number `n` (`1`: none): guarded against
/// device and formula names, then shortened to leave room for `_n.ext`.
fn compose(base: &str, n: u64, ext: &str) -> String {
    let suffix = if n > 1 { format!("_{n}") } else { String::new() };
    let budget = MAX_NAME_BYTES - 1 - ext.len() - suffix.len();
    let stem = fit(&guard_start(base), budget);
    debug_assert!(!is_device_name(&stem) && name_bytes(&stem) <= budget, "{stem:?}");
    format!("{stem}{suffix}.{ext}")
}

/// What marks the middle cut out of a stem too long for a name.
const ELLIPSIS: char = '…';

/// `s` if it fits in `budget` ([`name_bytes`]); else its head, `…` and its tail. The tail is
/// kept because that is where the stems of one request differ (`_采购中心_工作联系函`,
/// `_财务部_工作联系函`), so a long 编号 still gives names a clerk can tell apart; it gets a
/// third of the budget. The head keeps the start of the stem, so a guard's `_` stays.
fn fit(s: &str, budget: usize) -> String {
    if name_bytes(s) <= budget {
        return s.to_string();
    }
    let tail = tail_within(s, budget / 3);
    let head = head_within(s, budget - char_bytes(ELLIPSIS) - name_bytes(tail));
    format!("{head}{ELLIPSIS}{tail}")
}

/// The longest prefix of `s` within `budget` that does not part a base character from its
/// combining marks, without trailing dots or blanks.
fn head_within(s: &str, budget: usize) -> &str {
    let mut used = 0;
    let mut cut = s.len();
    for (i, c) in s.char_indices() {
        used += char_bytes(c);
        if used > budget {
            cut = i;
            break;
        }
    }
    let mut out = &s[..cut];
    // Don't leave a letter without the accent that followed it.
    while s[out.len()..].starts_with(is_continuation) {
        let Some(last) = out.chars().next_back() else { break };
        out = &out[..out.len() - last.len_utf8()];
    }
    out.trim_end_matches(|c: char| c == '.' || c.is_whitespace())
}

/// The longest suffix of `s` within `budget` that does not start with a mark parted from its
/// letter, without leading blanks.
fn tail_within(s: &str, budget: usize) -> &str {
    let mut used = 0;
    let mut cut = 0;
    for (i, c) in s.char_indices().rev() {
        used += char_bytes(c);
        if used > budget {
            cut = i + c.len_utf8();
            break;
        }
    }
    s[cut..].trim_start_matches(|c: char| is_continuation(c) || c.is_whitespace())
}

/// A mark that belongs to the character before it.
fn is_continuation(c: char) -> bool {
    canonical_combining_class(c) != 0 || matches!(c, '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}')
}

/// `_` before a stem Windows would take for a device (`CON`, `com1` …) or one a spreadsheet
/// or a shell would take for something else: `=` `+` `-` `@` (a formula in manifest.csv when
/// opened in Excel; an option to `rm`, `cp`…). With it the manifest's 文件 column is the
/// file's true name and needs no escaping.
fn guard_start(stem: &str) -> String {
    if is_device_name(stem) || stem.starts_with(['=', '+', '-', '@']) {
        format!("_{stem}")
    } else {
        stem.to_string()
    }
}

/// Would Windows open a device for a file whose name starts with `stem`? It looks at the part
/// before the first dot with trailing spaces and dots dropped, in any case, and takes the
/// superscript digits ¹²³ as digits (`COM¹`); `CONIN$` and `CONOUT$` are devices too.
pub fn is_device_name(stem: &str) -> bool {
    let head = stem.split('.').next().unwrap_or("");
    let head = head.trim_matches(|c: char| c == ' ' || c == '.');
    let up: String = head
        .chars()
        .map(|c| match c {
            '¹' => '1',
            '²' => '2',
            '³' => '3',
            c => c.to_ascii_uppercase(),
        })
        .collect();
    match up.as_str() {
        "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$" => true,
        _ => {
            let b = up.as_bytes();
            b.len() == 4 && (up.starts_with("COM") || up.starts_with("LPT")) && b[3].is_ascii_digit()
        }
    }
}

/// Bytes one character counts for in [`MAX_NAME_BYTES`]: the larger of its UTF-8 length and
/// that of its canonical decomposition (what macOS may store).
fn char_bytes(c: char) -> usize {
    let mut nfd = 0;
    decompose_canonical(c, |d| nfd += d.len_utf8());
    nfd.max(c.len_utf8())
}

/// The size of `name` as [`MAX_NAME_BYTES`] counts it.
pub fn name_bytes(name: &str) -> usize {
    name.chars().map(char_bytes).sum()
}

/// The form two names are compared in: Windows and macOS ignore case, macOS normalisation.
fn fold(name: &str) -> String {
    name.nfc().flat_map(char::to_lowercase).nfc().collect()
}

/// `stem` + `.ext` made safe as a file name on Windows, macOS and Linux, without
/// de-duplication (use [`NameBook::claim`] for every file a run writes): characters Windows
/// forbids become their full-width twins (`/` → `／`, `:` → `：` …) so the name still reads the
/// same; blanks and line breaks become one space; controls, invisible formatting and
/// non-characters go; no leading or trailing dots or blanks; a Windows device name or a
/// leading `=` `+` `-` `@` gets a `_` prefix; at most [`MAX_NAME_BYTES`]. The result never
/// contains a path separator, so it can never leave the output folder.
pub fn safe_file_name(stem: &str, ext: &str) -> String {
    compose(&clean_stem(stem), 1, ext)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_safe_everywhere() {
        assert_eq!(
            safe_file_name("协作函〔2026〕3号_采购中心_工作联系函", "pdf"),
            "协作函〔2026〕3号_采购中心_工作联系函.pdf"
        );
        assert_eq!(safe_file_name("../../etc/passwd", "pdf"), "／..／etc／passwd.pdf");
        assert_eq!(safe_file_name("a:b*c?d\"e<f>g|h\\i", "docx"), "a：b＊c？d＂e＜f＞g｜h＼i.docx");
        assert_eq!(safe_file_name("..hidden", "pdf"), "hidden.pdf");
        assert_eq!(safe_file_name("x\u{1}y\nz", "pdf"), "xy z.pdf");
        assert_eq!(safe_file_name("a \r\n\t b", "pdf"), "a b.pdf");
        assert_eq!(safe_file_name("CON", "pdf"), "_CON.pdf");
        assert_eq!(safe_file_name("...", "pdf"), "未命名.pdf");
        assert_eq!(safe_file_name(" \u{3000}. ", "pdf"), "未命名.pdf");
        let long = "长".repeat(300);
        let n = safe_file_name(&long, "docx");
        assert!(n.len() <= MAX_NAME_BYTES && n.ends_with(".docx"), "{}", n.len());
    }

    #[test]
    fn device_names_are_caught_however_spelt() {
        for stem in [
            "con",
            "CON ",
            "Con.tar",
            " nul",
            "nul.",
            "NUL . .",
            "aux.x.y",
            "PRN",
            "COM1",
            "com0",
            "COM¹",
            "lpt²",
            "LPT³.txt",
            "LPT9",
            "CONIN$",
            "conout$",
            "CON .x",
        ] {
            let name = safe_file_name(stem, "pdf");
            assert!(name.starts_with('_'), "{stem:?} → {name}");
            assert!(!is_device_name(name.trim_end_matches(".pdf")), "{stem:?} → {name}");
        }
        for stem in ["CONSOLE", "COM10", "LPT", "NULL", "ＣＯＮ", "_CON", "con_2", "com1x"] {
            assert!(!is_device_name(stem), "{stem}");
        }
        assert!(is_device_name("con") && is_device_name("Con.tar.gz") && is_device_name("COM¹ . x"));
    }

    #[test]
    fn formula_and_option_starts_are_guarded() {
        assert_eq!(safe_file_name("=1+1", "pdf"), "_=1+1.pdf");
        assert_eq!(safe_file_name("-rf", "pdf"), "_-rf.pdf");
        assert_eq!(safe_file_name("+86", "pdf"), "_+86.pdf");
        assert_eq!(safe_file_name("@SUM(A1)", "pdf"), "_@SUM(A1).pdf");
        assert_eq!(safe_file_name("a-b=c", "pdf"), "a-b=c.pdf");
    }

    #[test]
    fn invisible_and_spoofing_characters_are_dropped() {
        assert_eq!(safe_file_name("报告\u{202E}fdp.exe", "pdf"), "报告fdp.exe.pdf");
        assert_eq!(
            safe_file_name("a\u{200B}b\u{2066}c\u{2069}\u{FEFF}\u{7F}\u{85}\u{9F}\u{FFFE}\u{FDD0}", "pdf"),
            "abc.pdf"
        );
    }

    #[test]
    fn clashing_names_get_numbered() {
        let mut book = NameBook::default();
        assert_eq!(book.claim("a/b", "pdf"), "a／b.pdf");
        assert_eq!(book.claim("a／b", "pdf"), "a／b_2.pdf");
        assert_eq!(book.claim("A／B", "pdf"), "A／B_3.pdf");
        assert_eq!(book.claim("a／b", "docx"), "a／b.docx");
        // A decomposed é is the same name to macOS as a composed one.
        assert_eq!(book.claim("caf\u{e9}", "pdf"), "café.pdf");
        assert_eq!(book.claim("cafe\u{301}", "pdf"), "café_2.pdf");
        assert_eq!(book.claim("manifest", "csv"), "manifest_2.csv");
    }

    /// The hang of issue 9: a stem long enough to be shortened, claimed again and again.
    #[test]
    fn long_stems_keep_room_for_their_suffix() {
        let mut book = NameBook::default();
        let stem = format!("{}_采购中心_工作联系函", "编".repeat(200));
        let names: Vec<String> = (0..1000).map(|_| book.claim(&stem, "pdf")).collect();
        let distinct: HashSet<&String> = names.iter().collect();
        assert_eq!(distinct.len(), 1000);
        assert!(names.iter().all(|n| name_bytes(n) <= MAX_NAME_BYTES));
        assert!(names[1].ends_with("_2.pdf") && names[999].ends_with("_1000.pdf"), "{}", names[999]);
        // The middle is cut out, the same for every copy: the start and the end are kept.
        assert!(
            names[0].starts_with(&"编".repeat(30))
                && names[0].contains("编…编")
                && names[0].ends_with("编_采购中心_工作联系函.pdf"),
            "{}",
            names[0]
        );
        assert!(names[999].ends_with("_采购中心_工作联系函_1000.pdf"), "{}", names[999]);
    }

    #[test]
    fn decomposing_scripts_are_measured_as_macos_stores_them() {
        // 한 is 3 bytes composed, 9 decomposed: 200 of them would be 1800 bytes on HFS+.
        let name = safe_file_name(&"한".repeat(200), "pdf");
        assert!(name_bytes(&name) <= MAX_NAME_BYTES);
        let nfd: String = name.nfd().collect();
        assert!(nfd.len() <= MAX_NAME_BYTES, "{}", nfd.len());
        assert!(name_bytes(&name) > MAX_NAME_BYTES - 10, "{name}");
        // A cut never parts a letter from its accents.
        let name = safe_file_name(&"e\u{301}\u{323}x\u{301}".repeat(100), "pdf");
        let (head, tail) = name.trim_end_matches(".pdf").split_once('…').unwrap();
        assert!(head.nfd().collect::<String>().ends_with('\u{301}'), "{head:?}");
        assert!(!tail.starts_with(is_continuation), "{tail:?}");
    }

    /// A small deterministic generator (xorshift), so the property test below needs no crate
    /// and gives the same cases on every run.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
        /// A character from a pool weighted towards the troublesome ones.
        fn char(&mut self) -> char {
            const NASTY: &[char] = &[
                '/',
                '\\',
                ':',
                '*',
                '?',
                '"',
                '<',
                '>',
                '|',
                '.',
                ' ',
                '\u{3000}',
                '\t',
                '\n',
                '\r',
                '\0',
                '\u{7F}',
                '\u{85}',
                '\u{202E}',
                '\u{2066}',
                '\u{200B}',
                '\u{200D}',
                '\u{FEFF}',
                '\u{FFFE}',
                '\u{FFFF}',
                '\u{FDD0}',
                '\u{301}',
                '\u{FE0F}',
                '¹',
                '²',
                '³',
                '$',
                '=',
                '+',
                '-',
                '@',
                '_',
                '2',
                'C',
                'O',
                'N',
                'u',
                'l',
                'ß',
                'İ',
                'K',
                '\u{212A}',
                'Å',
                '\u{212B}',
                '한',
                '編',
                '〔',
                '😀',
                '\u{10FFFF}',
            ];
            match self.below(4) {
                0 => NASTY[self.below(NASTY.len() as u64) as usize],
                1 => char::from_u32(0x4E00 + self.below(0x5000) as u32).unwrap(),
                2 => char::from_u32(0x20 + self.below(0x60) as u32).unwrap(),
                _ => loop {
                    if let Some(c) = char::from_u32(self.below(0x11_0000) as u32) {
                        break c;
                    }
                },
            }
        }
        fn stem(&mut self) -> String {
            let len = match self.below(4) {
                0 => self.below(6),
                1 => self.below(40),
                2 => 60 + self.below(80),
                _ => self.below(700),
            };
            (0..len).map(|_| self.char()).collect()
        }
    }

    /// Any stem, any Unicode, any length: every claim ends, and the names are distinct as
    /// Windows and macOS compare them, within the limits, free of separators, controls and
    /// invisible characters, never a device name, never hidden, never ending in a dot or blank.
    #[test]
    fn any_stem_gets_a_distinct_safe_name() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for _round in 0..60 {
            let mut book = NameBook::default();
            let mut seen: HashSet<String> = HashSet::new();
            seen.insert(fold(crate::output::MANIFEST_NAME));
            let stems: Vec<String> = (0..25).map(|_| rng.stem()).collect();
            for i in 0..200 {
                // Repeat stems often, and their case variants, to force suffixes.
                let stem = &stems[rng.below(stems.len() as u64) as usize];
                let stem = if i % 3 == 0 { stem.to_uppercase() } else { stem.clone() };
                let ext = ["pdf", "docx", "PDF"][rng.below(3) as usize];
                let name = book.claim(&stem, ext);
                assert!(seen.insert(fold(&name)), "{name:?} handed out twice");
                assert!(name_bytes(&name) <= MAX_NAME_BYTES, "{name:?}");
                let nfd: String = name.nfd().collect();
                assert!(nfd.len() <= MAX_NAME_BYTES && name.encode_utf16().count() <= MAX_NAME_BYTES, "{name:?}");
                assert!(name.ends_with(&format!(".{ext}")), "{name:?}");
                let stem_part = &name[..name.len() - ext.len() - 1];
                assert!(!stem_part.is_empty(), "{name:?}");
                assert!(!name.contains(['/', '\\', ':', '*', '?', '"', '<', '>', '|']), "{name:?}");
                assert!(!name.chars().any(|c| c.is_control() || crate::text::is_hidden(c)), "{name:?}");
                assert!(!name.starts_with(['.', ' ', '=', '+', '-', '@']), "{name:?}");
                assert!(!stem_part.ends_with(|c: char| c == '.' || c.is_whitespace()), "{name:?}");
                assert!(!is_device_name(stem_part) && !is_device_name(&name), "{name:?}");
            }
        }
    }
}
