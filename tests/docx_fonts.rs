//! Fonts inside the .docx (issue 8, item 6): every .docx of the sample carries obfuscated
//! subsets of the bundled faces it uses (ECMA-376 Part 1 §17.8.1), each a TrueType font whose
//! cmap covers every character the document sets in it; `--no-embed-fonts` leaves them out;
//! LibreOffice on a machine with no CJK font at all draws the sample with the embedded faces
//! on as many pages as our PDFs; checkdocs accepts the packages.

mod common;
use common::*;
use quick_xml::events::Event;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The sample, all forms, .docx and .pdf, with fonts embedded (the default): made once.
fn embedded() -> &'static Path {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    OUT.get_or_init(|| generate_sample("docx-fonts", "letter,application,tasks,communication,process"))
}

/// The sample's .docx made with `--no-embed-fonts`.
fn bare() -> &'static Path {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    OUT.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("gongwen-docx-bare-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let o = gongwen(&[
            "generate",
            sample().to_str().unwrap(),
            "-o",
            dir.to_str().unwrap(),
            "--format",
            "docx",
            "--no-embed-fonts",
        ]);
        assert!(o.status.success(), "generate failed: {}", stderr(&o));
        dir
    })
}

/// The parts of a .docx: name → bytes.
fn parts(docx: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(docx).unwrap()).expect("a .docx is a zip");
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut bytes = Vec::new();
            f.read_to_end(&mut bytes).unwrap();
            (f.name().unwrap().to_string(), bytes)
        })
        .collect()
}

fn text(parts: &BTreeMap<String, Vec<u8>>, name: &str) -> String {
    String::from_utf8(parts.get(name).unwrap_or_else(|| panic!("part {name}")).clone()).unwrap()
}

/// An element as quick-xml reads it: name and attributes.
fn element(e: &quick_xml::events::BytesStart) -> (String, HashMap<String, String>) {
    let name = e.name().as_ref().to_string();
    let attrs = e
        .attributes()
        .map(|a| {
            let a = a.unwrap();
            (a.key.as_ref().to_string(), a.normalized_value(quick_xml::XmlVersion::Implicit1_0).unwrap().into_owned())
        })
        .collect();
    (name, attrs)
}

/// Every element of an XML part, in document order, with its attributes (no text).
fn elements(xml: &str) -> Vec<(String, HashMap<String, String>)> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = Vec::new();
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) | Event::Empty(e) => out.push(element(&e)),
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

/// The east-Asian font of each paragraph style (following basedOn), the default paragraph
/// style's id and the docDefaults font: how a run without its own rFonts gets its face.
struct Styles {
    font: HashMap<String, String>,
    based_on: HashMap<String, String>,
    default_style: Option<String>,
    default_font: Option<String>,
}

impl Styles {
    fn read(xml: &str) -> Styles {
        let mut s = Styles { font: HashMap::new(), based_on: HashMap::new(), default_style: None, default_font: None };
        let mut current: Option<String> = None;
        let mut in_defaults = false;
        for (name, a) in elements(xml) {
            match name.as_str() {
                "w:docDefaults" => in_defaults = true,
                "w:style" => {
                    in_defaults = false;
                    current = a.get("w:styleId").cloned();
                    if a.get("w:type").map(String::as_str) == Some("paragraph")
                        && a.get("w:default").map(String::as_str) == Some("1")
                    {
                        s.default_style = current.clone();
                    }
                }
                "w:basedOn" => {
                    if let Some(id) = &current {
                        s.based_on.insert(id.clone(), a["w:val"].clone());
                    }
                }
                "w:rFonts" => {
                    if let Some(f) = a.get("w:eastAsia") {
                        if in_defaults {
                            s.default_font = Some(f.clone());
                        } else if let Some(id) = &current {
                            s.font.insert(id.clone(), f.clone());
                        }
                    }
                }
                _ => {}
            }
        }
        s
    }

    fn font_of(&self, style: Option<&str>) -> Option<String> {
        let mut id = style.map(str::to_string).or_else(|| self.default_style.clone());
        for _ in 0..16 {
            let Some(i) = id else { break };
            if let Some(f) = self.font.get(&i) {
                return Some(f.clone());
            }
            id = self.based_on.get(&i).cloned();
        }
        self.default_font.clone()
    }
}

/// (face name, text) of every run of a story part (document, footer), the face resolved from
/// the run's rFonts, else its paragraph's style, else the document defaults.
fn runs(xml: &str, styles: &Styles) -> Vec<(String, String)> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = Vec::new();
    let (mut p_style, mut r_font, mut in_run, mut in_text, mut in_rpr) =
        (None::<String>, None::<String>, false, false, false);
    let mut run_text = String::new();
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) | Event::Empty(e) => {
                let (name, a) = element(&e);
                match name.as_str() {
                    "w:p" => p_style = None,
                    "w:pStyle" => p_style = a.get("w:val").cloned(),
                    "w:r" => {
                        in_run = true;
                        r_font = None;
                        run_text.clear();
                    }
                    "w:rPr" if in_run => in_rpr = true,
                    "w:rFonts" if in_run && in_rpr => r_font = a.get("w:eastAsia").cloned(),
                    "w:t" => in_text = true,
                    _ => {}
                }
            }
            Event::End(e) => match e.name().as_ref() {
                "w:rPr" => in_rpr = false,
                "w:t" => in_text = false,
                "w:r" => {
                    in_run = false;
                    let face =
                        r_font.clone().or_else(|| styles.font_of(p_style.as_deref())).expect("every run has a face");
                    out.push((face, run_text.clone()));
                }
                _ => {}
            },
            Event::Text(t) if in_text => run_text.push_str(&t.xml10_content()),
            Event::GeneralRef(r) if in_text => {
                let name = r.as_ref().to_string();
                run_text.push_str(match name.as_str() {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    _ => "'",
                });
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

/// The embedded fonts of a package, de-obfuscated with their keys: w:font name → (font
/// bytes, slots). Asserts on the way that every reference resolves to a part of the
/// obfuscated-font content type.
fn embedded_fonts(p: &BTreeMap<String, Vec<u8>>) -> BTreeMap<String, (Vec<u8>, Vec<String>)> {
    let types = text(p, "[Content_Types].xml");
    assert!(
        types.contains(
            r#"<Default Extension="odttf" ContentType="application/vnd.openxmlformats-officedocument.obfuscatedFont"/>"#
        ),
        "{types}"
    );
    let rels: HashMap<String, String> = elements(&text(p, "word/_rels/fontTable.xml.rels"))
        .into_iter()
        .filter(|(n, _)| n == "Relationship")
        .map(|(_, a)| {
            assert!(a["Type"].ends_with("/officeDocument/2006/relationships/font"), "{a:?}");
            (a["Id"].clone(), a["Target"].clone())
        })
        .collect();
    let mut out: BTreeMap<String, (Vec<u8>, Vec<String>)> = BTreeMap::new();
    let mut font = String::new();
    for (name, a) in elements(&text(p, "word/fontTable.xml")) {
        if name == "w:font" {
            font = a["w:name"].clone();
        }
        if !name.starts_with("w:embed") {
            continue;
        }
        let target = rels.get(&a["r:id"]).unwrap_or_else(|| panic!("{} resolves", a["r:id"]));
        let data = p.get(&format!("word/{target}")).unwrap_or_else(|| panic!("word/{target} exists"));
        assert!(target.ends_with(".odttf"));
        assert_eq!(a.get("w:subsetted").map(String::as_str), Some("1"));
        let hex: String = a["w:fontKey"].chars().filter(char::is_ascii_hexdigit).collect();
        assert_eq!(hex.len(), 32, "{}", a["w:fontKey"]);
        let key: Vec<u8> = (0..16).map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap()).collect();
        let mut bytes = data.clone();
        for (i, b) in bytes.iter_mut().take(32).enumerate() {
            *b ^= key[15 - i % 16];
        }
        let entry = out.entry(font.clone()).or_insert_with(|| (bytes.clone(), Vec::new()));
        assert_eq!(entry.0, bytes);
        entry.1.push(name);
    }
    out
}

fn family_name(face: &ttf_parser::Face) -> Option<String> {
    face.names()
        .into_iter()
        .find(|n| n.name_id == ttf_parser::name_id::FAMILY && n.is_unicode())
        .and_then(|n| n.to_string())
}

#[test]
fn every_docx_carries_subsets_covering_its_runs() {
    let docs = files_with_ext(embedded(), "docx");
    assert_eq!(docs.len(), 30, "the sample gives 30 .docx");
    let bundled = gongwen::fonts::fonts();
    let mut sizes = Vec::new();
    for docx in &docs {
        let p = parts(docx);
        let fonts = embedded_fonts(&p);
        let faces: BTreeMap<&str, ttf_parser::Face> = fonts
            .iter()
            .map(|(name, (bytes, _))| {
                let face = ttf_parser::Face::parse(bytes, 0)
                    .unwrap_or_else(|e| panic!("{}: {name} is no TrueType font: {e}", docx.display()));
                for table in [b"cmap", b"name", b"OS/2", b"hhea", b"hmtx", b"glyf", b"loca", b"post", b"maxp", b"head"]
                {
                    assert!(
                        face.raw_face().table(ttf_parser::Tag::from_bytes(table)).is_some(),
                        "{name} lacks {table:?}"
                    );
                }
                // Installable (0) or editable (8) embedding: what Word and LibreOffice require.
                let fs_type = face.tables().os2.unwrap().permissions();
                assert!(
                    matches!(
                        fs_type,
                        None | Some(ttf_parser::Permissions::Installable) | Some(ttf_parser::Permissions::Editable)
                    ),
                    "{name}: {fs_type:?}"
                );
                assert_eq!(
                    family_name(&face).as_deref(),
                    Some(name.as_str()),
                    "the subset installs under the name the .docx uses"
                );
                (name.as_str(), face)
            })
            .collect();
        // Every face the font table lists is embedded; the bold-only title face in both slots.
        let listed: BTreeSet<String> = elements(&text(&p, "word/fontTable.xml"))
            .into_iter()
            .filter(|(n, _)| n == "w:font")
            .map(|(_, a)| a["w:name"].clone())
            .collect();
        assert_eq!(listed, fonts.keys().cloned().collect::<BTreeSet<_>>(), "{}", docx.display());
        for (name, (_, slots)) in &fonts {
            let want: &[&str] = if name.starts_with("Gongwen Title ") {
                &["w:embedRegular", "w:embedBold"]
            } else {
                &["w:embedRegular"]
            };
            assert_eq!(slots, want, "{name}");
        }
        let song = faces.iter().find(|(n, _)| n.starts_with("Gongwen Song ")).map(|(_, f)| f);
        let styles = Styles::read(&text(&p, "word/styles.xml"));
        let mut glyphs: BTreeMap<&str, BTreeSet<char>> = BTreeMap::new();
        for part in p.keys().filter(|n| n.as_str() == "word/document.xml" || n.starts_with("word/footer")) {
            for (face_name, run_text) in runs(&text(&p, part), &styles) {
                let face =
                    faces.get(face_name.as_str()).unwrap_or_else(|| panic!("{part}: run face {face_name} is embedded"));
                for c in run_text.chars() {
                    // A character the face lacks is drawn from the fallback (Song), as in the PDF.
                    let covered = face.glyph_index(c).is_some() || song.is_some_and(|s| s.glyph_index(c).is_some());
                    let exists = bundled.lookup(gongwen::model::FontRole::Song, c).is_some();
                    assert!(covered || !exists, "{}: {c} ({face_name}) is in no embedded subset", docx.display());
                    glyphs.entry(faces.get_key_value(face_name.as_str()).unwrap().0).or_default().insert(c);
                }
            }
        }
        // "Exactly the characters used": no subset maps much more than its runs draw (the
        // space, footer digits and fallbacks of other faces are the only extras).
        for (name, face) in &faces {
            let mapped = face
                .tables()
                .cmap
                .unwrap()
                .subtables
                .into_iter()
                .filter(|s| s.is_unicode())
                .map(|s| {
                    let mut n = 0;
                    s.codepoints(|_| n += 1);
                    n
                })
                .max()
                .unwrap_or(0);
            let used = glyphs.get(name).map_or(0, BTreeSet::len);
            assert!(mapped <= used + 16, "{}: {name} maps {mapped} characters, its runs use {used}", docx.display());
        }
        let settings = text(&p, "word/settings.xml");
        assert!(settings.contains("<w:embedTrueTypeFonts/><w:saveSubsetFonts/>"), "{settings}");
        sizes.push((std::fs::metadata(docx).unwrap().len(), docx.file_name().unwrap().to_string_lossy().into_owned()));
    }
    sizes.sort();
    println!("sample .docx sizes with embedded fonts (bytes): {sizes:?}");
}

#[test]
fn no_embed_fonts_leaves_the_fonts_out() {
    let docs = files_with_ext(bare(), "docx");
    assert_eq!(docs.len(), 30, "8 letters, 6 application forms, 4 task lists, 6 + 6 record forms");
    for docx in &docs {
        let p = parts(docx);
        assert!(
            p.keys().all(|n| !n.starts_with("word/fonts/") && n != "word/_rels/fontTable.xml.rels"),
            "{:?}",
            p.keys()
        );
        assert!(!text(&p, "[Content_Types].xml").contains("obfuscatedFont"));
        let table = text(&p, "word/fontTable.xml");
        assert!(!table.contains("w:embed"), "{table}");
        let settings = text(&p, "word/settings.xml");
        assert!(!settings.contains("embedTrueTypeFonts") && !settings.contains("saveSubsetFonts"));
        // The faces keep their own names (what fonts/fontconfig and an installed copy provide).
        let names: BTreeSet<String> =
            elements(&table).into_iter().filter(|(n, _)| n == "w:font").map(|(_, a)| a["w:name"].clone()).collect();
        assert!(
            names.iter().all(|n| ["Gongwen Title", "Gongwen FangSong", "Gongwen Hei", "Gongwen Kai", "Gongwen Song"]
                .contains(&n.as_str())),
            "{names:?}"
        );
        let size = std::fs::metadata(docx).unwrap().len();
        let with = std::fs::metadata(embedded().join(docx.file_name().unwrap())).unwrap().len();
        assert!(size < with, "{}: {size} bytes without fonts, {with} with", docx.display());
    }
}

/// A fontconfig that sees exactly one font file, a non-CJK one (LibreOffice will not start with
/// none), in `work`. Returns the config file.
fn no_cjk_fontconfig(work: &Path) -> PathBuf {
    let list = |args: &[&str]| -> Vec<String> {
        let o = Command::new("fc-list").args(args).output().expect("fc-list");
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .map(|l| l.trim().trim_end_matches(':').to_string())
            .filter(|l| !l.is_empty())
            .collect()
    };
    let cjk: BTreeSet<String> = list(&[":lang=zh", "file"]).into_iter().collect();
    let latin = list(&[":lang=en", "file"])
        .into_iter()
        .filter(|f| !cjk.contains(f) && (f.ends_with(".ttf") || f.ends_with(".otf")) && !f.contains("/fonts/Gongwen"))
        .min()
        .expect("a non-CJK TrueType/OpenType font is installed");
    let dir = work.join("one-font");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(&latin, dir.join(Path::new(&latin).file_name().unwrap())).unwrap();
    let conf = work.join("no-cjk.conf");
    std::fs::write(
        &conf,
        format!(
            r#"<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>
<dir>{}</dir><cachedir>{}</cachedir></fontconfig>"#,
            dir.display(),
            work.join("fc-cache").display()
        ),
    )
    .unwrap();
    let seen = |args: &[&str]| {
        let o = Command::new("fc-list").env("FONTCONFIG_FILE", &conf).args(args).output().unwrap();
        String::from_utf8_lossy(&o.stdout).lines().filter(|l| !l.trim().is_empty()).count()
    };
    assert_eq!(seen(&[]), 1, "the config sees one font ({latin})");
    assert_eq!(seen(&[":lang=zh"]), 0, "the config sees no CJK font");
    conf
}

/// The PostScript names a .docx's embedded subsets carry ("GongwenFangSong5D36E0-Regular").
fn embedded_ps_names(docx: &Path) -> BTreeSet<String> {
    embedded_fonts(&parts(docx))
        .values()
        .map(|(bytes, _)| {
            let face = ttf_parser::Face::parse(bytes, 0).unwrap();
            face.names()
                .into_iter()
                .find(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME && n.is_unicode())
                .and_then(|n| n.to_string())
                .unwrap()
        })
        .collect()
}

#[test]
fn libreoffice_without_any_cjk_font_draws_the_embedded_faces_on_our_page_count() {
    if !have("soffice") || !have("pdffonts") || !have("pdfinfo") || !have("fc-list") {
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let conf = no_cjk_fontconfig(work.path());
    let docs = files_with_ext(embedded(), "docx");
    let rendered = libreoffice_render(&docs, &conf, work.path(), "lo");
    let mut same_pages = 0;
    for (docx, lo) in docs.iter().zip(&rendered) {
        let name = docx.file_stem().unwrap().to_string_lossy().into_owned();
        // pdffonts names subsets "ABCDEF+PostScriptName".
        let used: BTreeSet<String> = pdffonts(lo)
            .into_iter()
            .map(|(n, ..)| n.split_once('+').map_or(n.clone(), |(_, n)| n.to_string()))
            .collect();
        let gongwen: BTreeSet<String> = used.iter().filter(|n| n.starts_with("Gongwen")).cloned().collect();
        // This document's own subsets — not another document's of the same session — and
        // nothing drawn from the one non-CJK font but what our faces lack.
        let own = embedded_ps_names(docx);
        assert!(!gongwen.is_empty(), "{name}: LibreOffice used no embedded face: {used:?}");
        assert!(gongwen.is_subset(&own), "{name}: LibreOffice drew with {gongwen:?}, the .docx embeds {own:?}");
        assert!(
            own.iter().filter(|n| !n.starts_with("GongwenKai")).all(|n| gongwen.contains(n)),
            "{name}: {own:?} vs {gongwen:?}"
        );
        let ours = pdf_pages(&embedded().join(format!("{name}.pdf")));
        let theirs = pdf_pages(lo);
        assert_eq!(ours, theirs, "{name}: our PDF has {ours} pages, LibreOffice (embedded fonts only) {theirs}");
        same_pages += 1;
    }
    println!(
        "LibreOffice with no CJK font but the embedded ones: {same_pages}/{} documents on our page count",
        docs.len()
    );

    // The same render without embedded fonts has no Gongwen face at all: the test above can fail.
    let bare_doc = files_with_ext(bare(), "docx").into_iter().next().unwrap();
    let lo = libreoffice_render(&[bare_doc], &conf, work.path(), "lo-bare");
    let used = pdffonts(&lo[0]);
    assert!(used.iter().all(|(n, ..)| !n.contains("Gongwen")), "{used:?}");
}

#[test]
fn checkdocs_accepts_the_packages_with_embedded_fonts() {
    let Some(tool) = checkdocs_tool() else { return };
    let o = Command::new("python3").arg(&tool).arg(embedded()).args(["-q", "--allow-landscape"]).output().unwrap();
    let report = format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    assert!(o.status.success(), "checkdocs:\n{report}");
    assert!(report.contains("60 passed, 0 failed"), "{report}");
}
