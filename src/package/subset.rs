//! Font subsets, shared by the writers that carry their fonts as files (the .docx's
//! `word/fonts/*.odttf`, the .ofd's `FontFile`s): the subset of a bundled face holding exactly
//! the characters a document draws, made with `skera` (fontations' port of hb-subset).
//!
//! Why `skera` and not the `subsetter` crate krilla uses for the PDF: a word processor or an
//! OFD reader installs or loads the embedded font as a font, so it needs `cmap`, `name`,
//! `OS/2`, `post`, `hhea`/`hmtx` — `subsetter` drops them on purpose.
//!
//! Why every subset has its own family name ("Gongwen FangSong 5D36E0", the tag from the
//! subset's characters): see `docx::embed` — a word processor keeps the first subset it saw
//! under a name for its whole session. The same characters give the same name and bytes.

use crate::fonts::{font_bytes, role_index};
use crate::model::FontRole;
use read_fonts::collections::IntSet;
use read_fonts::types::{NameId, Tag};
use read_fonts::{FontRef, TableProvider};
use sha2::{Digest, Sha256};
use skera::{Plan, SubsetFlags};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock};

/// One subset of a role's face.
#[derive(Debug, Clone)]
pub(crate) struct Subset {
    pub role: FontRole,
    /// Its family name, "Gongwen FangSong 5D36E0": what a reader installs it as.
    pub family: String,
    /// 16 bytes hashed from the face and the characters (the .docx's obfuscation key).
    pub key: [u8; 16],
    /// The TrueType file.
    pub data: Arc<Vec<u8>>,
}

/// The subset of the role's face that maps exactly `chars` (those it has) plus .notdef, under
/// its own family name. Cached per process (see [`cached`]).
pub(crate) fn subset(role: FontRole, chars: &BTreeSet<char>) -> Result<Subset, skera::SubsetError> {
    let key = font_key(role, chars);
    let data = cached(role, chars, &key)?;
    Ok(Subset { role, family: subset_family(role, &key), key, data })
}

/// The 16 key bytes of a subset: a hash of the face and the characters, so the same
/// document always gets the same key (and the same bytes), and different subsets differ.
fn font_key(role: FontRole, chars: &BTreeSet<char>) -> [u8; 16] {
    let mut h = Sha256::new();
    h.update(b"gongwen docx font key\0");
    h.update([role_index(role) as u8]);
    for c in chars {
        h.update((*c as u32).to_be_bytes());
    }
    let digest = h.finalize();
    let mut key = [0u8; 16];
    key.copy_from_slice(&digest[..16]);
    key
}

/// The family name of the subset with this key: the face's name and a tag of six hex digits.
fn subset_family(role: FontRole, key: &[u8; 16]) -> String {
    format!("{} {}", crate::docx::font_face(role).name, subset_tag(key))
}

fn subset_tag(key: &[u8; 16]) -> String {
    key[..3].iter().map(|b| format!("{b:02X}")).collect()
}

/// Subsets made in this process that were asked for more than once, by their key (a hash of
/// role and characters, [`font_key`]): in a batch the headings' and the title's faces draw the
/// same characters in most documents, while the body text's characters differ in every
/// document. A subset is kept only when asked for a second time — the first time only its key
/// is remembered — so the body text's subsets, each used once, never fill the cache (they
/// did: at 2,000 letters the cache held 12 MB of them, half of an OFD or .docx run's memory).
/// Bounded in bytes and in keys remembered; when full it is emptied (simpler than LRU; a
/// batch refills the useful entries at once).
#[derive(Default)]
struct SubsetCache {
    /// Keys asked for once.
    seen: HashSet<[u8; 16]>,
    /// Subsets asked for again, and their bytes in all.
    kept: HashMap<[u8; 16], Arc<Vec<u8>>>,
    bytes: usize,
}
const CACHE_BYTES: usize = 16 << 20;
const SEEN_KEYS: usize = 1 << 14;

/// The subset of the role's face that maps exactly `chars` (those it has) plus .notdef,
/// renamed to [`subset_family`] of `key`; made once per process for the same characters when
/// they come back (see [`SubsetCache`]).
fn cached(role: FontRole, chars: &BTreeSet<char>, key: &[u8; 16]) -> Result<Arc<Vec<u8>>, skera::SubsetError> {
    static CACHE: OnceLock<Mutex<SubsetCache>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(hit) = cache.lock().expect("subset cache").kept.get(key) {
        return Ok(hit.clone());
    }
    let made = Arc::new(rename(&make_subset(role, chars)?, role, &subset_tag(key)));
    let mut guard = cache.lock().expect("subset cache");
    let cache = &mut *guard;
    if cache.seen.remove(key) {
        if cache.bytes + made.len() > CACHE_BYTES {
            cache.kept.clear();
            cache.bytes = 0;
        }
        cache.bytes += made.len();
        cache.kept.insert(*key, made.clone());
    } else {
        if cache.seen.len() >= SEEN_KEYS {
            cache.seen.clear();
        }
        cache.seen.insert(*key);
    }
    Ok(made)
}

fn make_subset(role: FontRole, chars: &BTreeSet<char>) -> Result<Vec<u8>, skera::SubsetError> {
    let font = FontRef::new(font_bytes(role)).expect("bundled font parses");
    let unicodes: IntSet<u32> = chars.iter().map(|&c| c as u32).collect();
    // Dropped: the layout tables (our layout — and so the PDF — sets plain advances with no
    // kerning or substitution; without them LibreOffice and Word do the same), and what
    // hb-subset drops by default that our fonts could carry.
    let drop: IntSet<Tag> = [
        b"GSUB", b"GPOS", b"GDEF", b"BASE", b"JSTF", b"DSIG", b"kern", b"morx", b"mort", b"kerx", b"LTSH", b"PCLT",
        b"EBDT", b"EBLC", b"EBSC", b"SVG ", b"vhea", b"vmtx", b"VORG",
    ]
    .into_iter()
    .map(Tag::new)
    .collect();
    // Names: family, style, unique and full name, version, PostScript name, typographic
    // family/style — what a word processor matches — and the copyright (0) and licence
    // (13, 14) records the OFL asks every copy to carry; every language.
    let mut name_ids: IntSet<NameId> = IntSet::empty();
    for id in [0u16, 1, 2, 3, 4, 5, 6, 13, 14, 16, 17] {
        name_ids.insert(NameId::new(id));
    }
    let mut languages: IntSet<u16> = IntSet::empty();
    languages.invert();
    let plan = Plan::new(
        &IntSet::empty(),
        &unicodes,
        &font,
        // The .notdef box keeps its outline: a word processor shows it for a character no
        // font has, as our PDF does.
        SubsetFlags::SUBSET_FLAGS_NOTDEF_OUTLINE | SubsetFlags::SUBSET_FLAGS_NO_HINTING,
        &drop,
        &IntSet::empty(),
        &IntSet::empty(),
        &name_ids,
        &languages,
    );
    skera::subset_font(&font, &plan)
}

/// `font` with the face's names carrying `tag`: family, full and typographic family names
/// ("Gongwen FangSong" → "Gongwen FangSong 5D36E0"), PostScript name and unique ID
/// ("GongwenFangSong-Regular" → "GongwenFangSong5D36E0-Regular"). Word installs an embedded
/// font under the family name inside it, so that must be the name the .docx uses.
fn rename(font: &[u8], role: FontRole, tag: &str) -> Vec<u8> {
    use write_fonts::tables::name::{Name as NameTable, NameRecord};
    let family = crate::docx::font_face(role).name;
    let tagged = format!("{family} {tag}");
    let ps_family: String = family.chars().filter(|c| !c.is_whitespace()).collect();
    let ps_tagged = format!("{ps_family}{tag}");
    let parsed = FontRef::new(font).expect("subset parses");
    let name = parsed.name().expect("subset has a name table");
    let records = name
        .name_record()
        .iter()
        .filter_map(|r| {
            let text = r.string(name.string_data()).ok()?.to_string();
            let text = match r.name_id().to_u16() {
                1 | 4 | 16 => text.replace(family, &tagged),
                3 | 6 => text.replace(&ps_family, &ps_tagged),
                _ => text,
            };
            Some(NameRecord::new(r.platform_id(), r.encoding_id(), r.language_id(), r.name_id(), text.into()))
        })
        .collect();
    let table = NameTable::new(records);
    write_fonts::FontBuilder::new().add_table(&table).expect("name table compiles").copy_missing_tables(parsed).build()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fonts::ROLES;

    fn chars(s: &str) -> BTreeSet<char> {
        s.chars().collect()
    }

    #[test]
    fn every_face_subsets_to_an_installable_font_with_exactly_its_characters() {
        for role in ROLES {
            let want = chars(" 工作联系函〔2026〕12号，。A");
            let made = subset(role, &want).expect("subset");
            let key = made.key;
            let face = ttf_parser::Face::parse(&made.data, 0).expect("subset parses");
            for c in &want {
                assert!(face.glyph_index(*c).is_some(), "{role:?} subset lacks {c}");
            }
            assert!(face.glyph_index('的').is_none(), "{role:?} subset has a character not asked for");
            assert!(face.number_of_glyphs() < 40, "{role:?}: {} glyphs", face.number_of_glyphs());
            let family = face
                .names()
                .into_iter()
                .find(|n| n.name_id == ttf_parser::name_id::FAMILY && n.is_unicode())
                .and_then(|n| n.to_string())
                .unwrap();
            assert_eq!(family, made.family);
            assert_eq!(family, subset_family(role, &key));
            let ps = face
                .names()
                .into_iter()
                .find(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME && n.is_unicode())
                .and_then(|n| n.to_string())
                .unwrap();
            assert!(
                ps.starts_with(&format!("Gongwen{}", subset_tag(&key))[..7]) && ps.contains(&subset_tag(&key)),
                "{ps}"
            );
            let raw = face.raw_face();
            for table in [b"cmap", b"name", b"OS/2", b"hhea", b"hmtx", b"glyf", b"loca", b"post", b"maxp", b"head"] {
                assert!(raw.table(ttf_parser::Tag::from_bytes(table)).is_some(), "{role:?} lacks {table:?}");
            }
            for table in [b"GSUB", b"GPOS"] {
                assert!(raw.table(ttf_parser::Tag::from_bytes(table)).is_none());
            }
            // Allows embedding (fsType 0 installable or 8 editable), as LibreOffice checks.
            let fs_type = face.tables().os2.unwrap().permissions();
            assert!(
                matches!(
                    fs_type,
                    None | Some(ttf_parser::Permissions::Installable) | Some(ttf_parser::Permissions::Editable)
                ),
                "{role:?}: {fs_type:?}"
            );
        }
    }

    #[test]
    fn keys_are_deterministic_and_differ_per_subset() {
        let a = font_key(FontRole::FangSong, &chars("甲乙"));
        assert_eq!(a, font_key(FontRole::FangSong, &chars("乙甲")));
        assert_ne!(a, font_key(FontRole::FangSong, &chars("甲丙")));
        assert_ne!(a, font_key(FontRole::Kai, &chars("甲乙")));
    }
}
