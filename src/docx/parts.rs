//! Every package part except word/document.xml: styles, settings, font table, footers,
//! relationships, content types and the document properties — and the fixed order in which
//! they go into the zip.

use super::body::{self, paragraph_properties, run, ParaProps, Placement, RunProps, NS_R, NS_W};
use super::embed::{self, EmbeddedFont, ExtraText, FontUse};
use super::seal::SealMedia;
use super::stylesheet::{self, Sheet};
use super::{font_face, half_points, DocxOptions, FooterKind, FooterPart, DEFAULT_ROLE, PAGE_NUMBER_ROLE};
use crate::model::{Align, Document, FontRole, PageNumbers, ParaStyle};
use crate::package::xml::Xml;

const NS_CONTENT_TYPES: &str = "http://schemas.openxmlformats.org/package/2006/content-types";
const NS_PACKAGE_RELS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
const REL_TYPE: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/";
const REL_CORE: &str = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties";
const CT_WORD: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.";
/// Content type of an embedded font part (ECMA-376 Part 1 §17.8.1, obfuscated TrueType).
const CT_OBFUSCATED_FONT: &str = "application/vnd.openxmlformats-officedocument.obfuscatedFont";

/// word/document.xml's relationships: rId1–3 are these parts, footers follow from rId4.
const DOCUMENT_PARTS: [(&str, &str); 3] =
    [("styles", "styles.xml"), ("settings", "settings.xml"), ("fontTable", "fontTable.xml")];
pub(super) const FIRST_FREE_REL_ID: usize = DOCUMENT_PARTS.len() + 1;

/// All parts of the package, (zip entry name, content), in the order they are zipped.
pub(super) fn package(
    doc: &Document,
    footers: &[FooterPart],
    media: &SealMedia,
    document: String,
    options: &DocxOptions,
) -> Vec<(String, Vec<u8>)> {
    let uses = font_use(doc, footers);
    let fonts = if options.embed_fonts { embed::embed(&uses) } else { Vec::new() };
    // Runs and styles name each embedded face by its subset's own family name (see `embed`).
    let named = |xml: String| subset_names(xml, &fonts);
    let mut parts = vec![
        ("[Content_Types].xml".to_string(), content_types(footers, media, &fonts)),
        ("_rels/.rels".to_string(), package_rels()),
        ("docProps/core.xml".to_string(), core_properties(doc)),
        ("docProps/app.xml".to_string(), app_properties()),
        ("word/document.xml".to_string(), named(document)),
        ("word/_rels/document.xml.rels".to_string(), document_rels(footers, media)),
        ("word/styles.xml".to_string(), named(styles(doc))),
        ("word/settings.xml".to_string(), settings(doc.page_numbers, !fonts.is_empty())),
        ("word/fontTable.xml".to_string(), font_table(&uses, &fonts)),
    ];
    if !fonts.is_empty() {
        parts.push(("word/_rels/fontTable.xml.rels".to_string(), font_table_rels(&fonts)));
    }
    for f in footers {
        parts.push((format!("word/{}", f.file), named(footer(f.kind))));
    }
    let mut parts: Vec<(String, Vec<u8>)> = parts.into_iter().map(|(name, xml)| (name, xml.into_bytes())).collect();
    for m in &media.parts {
        parts.push((format!("word/{}", m.file), m.image.png.as_ref().clone()));
    }
    for f in fonts {
        parts.push((format!("word/{}", f.file), f.data));
    }
    parts
}

/// `xml` with every attribute naming a bundled face (`="Gongwen FangSong"`) naming its
/// embedded subset instead (`="Gongwen FangSong 5D36E0"`). Done on the finished parts so
/// the body and style writers need not know about embedding; an attribute value is the
/// only place a face name appears quoted (text has its quotes escaped).
fn subset_names(xml: String, fonts: &[EmbeddedFont]) -> String {
    fonts
        .iter()
        .fold(xml, |xml, f| xml.replace(&format!("=\"{}\"", font_face(f.role).name), &format!("=\"{}\"", f.name)))
}

fn content_types(footers: &[FooterPart], media: &SealMedia, fonts: &[EmbeddedFont]) -> String {
    let mut x = Xml::new();
    x.open("Types", &[("xmlns", &NS_CONTENT_TYPES)]);
    x.empty(
        "Default",
        &[("Extension", &"rels"), ("ContentType", &"application/vnd.openxmlformats-package.relationships+xml")],
    );
    x.empty("Default", &[("Extension", &"xml"), ("ContentType", &"application/xml")]);
    if !media.parts.is_empty() {
        x.empty("Default", &[("Extension", &"png"), ("ContentType", &"image/png")]);
    }
    if !fonts.is_empty() {
        x.empty("Default", &[("Extension", &"odttf"), ("ContentType", &CT_OBFUSCATED_FONT)]);
    }
    let mut overrides = vec![
        ("/word/document.xml".to_string(), format!("{CT_WORD}document.main+xml")),
        ("/word/styles.xml".to_string(), format!("{CT_WORD}styles+xml")),
        ("/word/settings.xml".to_string(), format!("{CT_WORD}settings+xml")),
        ("/word/fontTable.xml".to_string(), format!("{CT_WORD}fontTable+xml")),
        ("/docProps/core.xml".to_string(), "application/vnd.openxmlformats-package.core-properties+xml".to_string()),
        (
            "/docProps/app.xml".to_string(),
            "application/vnd.openxmlformats-officedocument.extended-properties+xml".to_string(),
        ),
    ];
    for f in footers {
        overrides.push((format!("/word/{}", f.file), format!("{CT_WORD}footer+xml")));
    }
    for (part, content_type) in &overrides {
        x.empty("Override", &[("PartName", part), ("ContentType", content_type)]);
    }
    x.close("Types");
    x.finish()
}

/// A relationships part from (id, type URI, target).
fn relationships(rels: &[(String, String, String)]) -> String {
    let mut x = Xml::new();
    x.open("Relationships", &[("xmlns", &NS_PACKAGE_RELS)]);
    for (id, kind, target) in rels {
        x.empty("Relationship", &[("Id", id), ("Type", kind), ("Target", target)]);
    }
    x.close("Relationships");
    x.finish()
}

fn package_rels() -> String {
    relationships(&[
        ("rId1".into(), format!("{REL_TYPE}officeDocument"), "word/document.xml".into()),
        ("rId2".into(), REL_CORE.into(), "docProps/core.xml".into()),
        ("rId3".into(), format!("{REL_TYPE}extended-properties"), "docProps/app.xml".into()),
    ])
}

fn document_rels(footers: &[FooterPart], media: &SealMedia) -> String {
    let mut rels: Vec<(String, String, String)> = DOCUMENT_PARTS
        .iter()
        .enumerate()
        .map(|(i, (kind, target))| (format!("rId{}", i + 1), format!("{REL_TYPE}{kind}"), target.to_string()))
        .collect();
    for f in footers {
        rels.push((f.rel_id.clone(), format!("{REL_TYPE}footer"), f.file.clone()));
    }
    for m in &media.parts {
        rels.push((m.rel_id.clone(), format!("{REL_TYPE}image"), m.file.clone()));
    }
    relationships(&rels)
}

/// dc:title, dc:creator and the dates — from the document's own date (midnight UTC), never
/// the clock, so the same input gives the same bytes.
fn core_properties(doc: &Document) -> String {
    let date = doc.date.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_else(|| "2000-01-01".to_string());
    let timestamp = format!("{date}T00:00:00Z");
    let mut x = Xml::new();
    x.open(
        "cp:coreProperties",
        &[
            ("xmlns:cp", &"http://schemas.openxmlformats.org/package/2006/metadata/core-properties"),
            ("xmlns:dc", &"http://purl.org/dc/elements/1.1/"),
            ("xmlns:dcterms", &"http://purl.org/dc/terms/"),
            ("xmlns:dcmitype", &"http://purl.org/dc/dcmitype/"),
            ("xmlns:xsi", &"http://www.w3.org/2001/XMLSchema-instance"),
        ],
    );
    x.text_element("dc:title", &[], &doc.title);
    x.text_element("dc:creator", &[], &doc.author);
    x.text_element("cp:lastModifiedBy", &[], &doc.author);
    for element in ["dcterms:created", "dcterms:modified"] {
        x.text_element(element, &[("xsi:type", &"dcterms:W3CDTF")], &timestamp);
    }
    x.close("cp:coreProperties");
    x.finish()
}

fn app_properties() -> String {
    let mut x = Xml::new();
    x.open(
        "Properties",
        &[
            ("xmlns", &"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"),
            ("xmlns:vt", &"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"),
        ],
    );
    x.text_element("Application", &[], "gongwen");
    x.text_element("DocSecurity", &[], "0");
    x.close("Properties");
    x.finish()
}

/// styles.xml: document defaults (body font and size; the paragraph settings that make Word
/// and LibreOffice break lines like the PDF layout does), the paragraph styles the document
/// uses (`stylesheet`; 正文 is the default one) and the default character and table styles.
fn styles(doc: &Document) -> String {
    let mut x = Xml::new();
    x.open("w:styles", &[("xmlns:w", &NS_W)]);
    x.open("w:docDefaults", &[]);
    x.open("w:rPrDefault", &[]).open("w:rPr", &[]);
    body::run_fonts(&mut x, DEFAULT_ROLE);
    x.empty("w:sz", &[("w:val", &half_points(16.0))]);
    x.empty("w:szCs", &[("w:val", &half_points(16.0))]);
    x.empty("w:lang", &[("w:val", &"en-US"), ("w:eastAsia", &"zh-CN"), ("w:bidi", &"ar-SA")]);
    x.close("w:rPr").close("w:rPrDefault");
    x.open("w:pPrDefault", &[]).open("w:pPr", &[]);
    // Widow/orphan control as the PDF layout does it (layout/flow.rs): at least two lines of
    // a paragraph on each side of a page break — exactly what Word's (and LibreOffice's)
    // widowControl means.
    x.empty("w:widowControl", &[]);
    // The PDF layout has no hanging punctuation; it puts no extra space between Chinese and
    // Latin/digits and does not snap to a character grid.
    for off in ["w:overflowPunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:adjustRightInd", "w:snapToGrid"] {
        x.empty(off, &[("w:val", &0)]);
    }
    x.empty("w:spacing", &[("w:before", &0), ("w:after", &0)]);
    x.close("w:pPr").close("w:pPrDefault");
    x.close("w:docDefaults");

    stylesheet::write_paragraph_styles(&mut x, &Sheet::of(doc));

    x.open("w:style", &[("w:type", &"character"), ("w:default", &1), ("w:styleId", &"DefaultParagraphFont")]);
    x.empty("w:name", &[("w:val", &"Default Paragraph Font")]);
    x.empty("w:uiPriority", &[("w:val", &1)]);
    x.empty("w:semiHidden", &[]).empty("w:unhideWhenUsed", &[]);
    x.close("w:style");

    x.open("w:style", &[("w:type", &"table"), ("w:default", &1), ("w:styleId", &"TableNormal")]);
    x.empty("w:name", &[("w:val", &"Normal Table")]);
    x.empty("w:uiPriority", &[("w:val", &99)]);
    x.empty("w:semiHidden", &[]).empty("w:unhideWhenUsed", &[]);
    x.open("w:tblPr", &[]);
    x.empty("w:tblInd", &[("w:w", &0), ("w:type", &"dxa")]);
    x.open("w:tblCellMar", &[]);
    for (side, w) in [("w:top", 0), ("w:left", 108), ("w:bottom", 0), ("w:right", 108)] {
        x.empty(side, &[("w:w", &w), ("w:type", &"dxa")]);
    }
    x.close("w:tblCellMar").close("w:tblPr");
    x.close("w:style");
    x.close("w:styles");
    x.finish()
}

/// settings.xml: separate even-page footers for `— N —` numbers, no punctuation compression
/// (the PDF sets every CJK character a full em), Word 2013+ layout (compatibility mode 15);
/// with embedded fonts, Word's "Embed fonts in the file" + "Embed only the characters used"
/// (so that Word, saving the document again, keeps carrying them).
fn settings(numbers: PageNumbers, embedded_fonts: bool) -> String {
    let mut x = Xml::new();
    x.open("w:settings", &[("xmlns:w", &NS_W)]);
    x.empty("w:zoom", &[("w:percent", &100)]);
    if embedded_fonts {
        // CT_Settings order: zoom … embedTrueTypeFonts, embedSystemFonts, saveSubsetFonts …
        // defaultTabStop.
        x.empty("w:embedTrueTypeFonts", &[]);
        x.empty("w:saveSubsetFonts", &[]);
    }
    x.empty("w:defaultTabStop", &[("w:val", &420)]);
    if numbers == PageNumbers::Dash {
        x.empty("w:evenAndOddHeaders", &[]);
    }
    x.empty("w:characterSpacingControl", &[("w:val", &"doNotCompress")]);
    x.open("w:compat", &[]);
    // A line ended by a hard break is not stretched in a justified paragraph (as in the PDF).
    x.empty("w:doNotExpandShiftReturn", &[]);
    x.empty(
        "w:compatSetting",
        &[("w:name", &"compatibilityMode"), ("w:uri", &"http://schemas.microsoft.com/office/word"), ("w:val", &15)],
    );
    x.close("w:compat");
    x.empty("w:themeFontLang", &[("w:val", &"en-US"), ("w:eastAsia", &"zh-CN")]);
    x.empty("w:decimalSymbol", &[("w:val", &".")]);
    x.empty("w:listSeparator", &[("w:val", &",")]);
    x.close("w:settings");
    x.finish()
}

/// The faces the package names, with the characters each draws: the default (body) font,
/// every paragraph, run and blank role, 宋体 for cut lines and page numbers.
fn font_use(doc: &Document, footers: &[FooterPart]) -> Vec<FontUse> {
    let mut always = vec![DEFAULT_ROLE];
    if doc.page_numbers != PageNumbers::None {
        always.push(PAGE_NUMBER_ROLE);
    }
    let footer_text: Vec<String> = footers.iter().map(|f| footer_text(f.kind)).collect();
    let extra: Vec<ExtraText> = footer_text.iter().map(|text| ExtraText { role: PAGE_NUMBER_ROLE, text }).collect();
    // body::cut_line: the scissors, and hyphen tab leaders, in 宋体.
    let cut_line = format!("{}-", body::SCISSORS);
    let cut_line = ExtraText { role: FontRole::Song, text: &cut_line };
    embed::font_use(doc, &always, &extra, &cut_line)
}

/// fontTable.xml: each face used, with the installed face to look for instead (`altName`),
/// its PANOSE, GB2312 character set (0x86), family, pitch and Unicode / code-page signature
/// (read from the font), and the embedded subset if there is one. A face whose only style is
/// Bold (Gongwen Title) is referenced from both `embedRegular` — the slot of the regular-weight
/// runs that use it — and `embedBold`, the slot of its own style, so that a reader looking
/// in either finds it.
fn font_table(uses: &[FontUse], fonts: &[EmbeddedFont]) -> String {
    let mut x = Xml::new();
    x.open("w:fonts", &[("xmlns:w", &NS_W), ("xmlns:r", &NS_R)]);
    for u in uses {
        let face = font_face(u.role);
        let info = embed::face_info(u.role);
        let hex = |v: u32| format!("{v:08X}");
        let embedded = fonts.iter().find(|f| f.role == u.role);
        let name = embedded.map_or(face.name, |f| f.name.as_str());
        x.open("w:font", &[("w:name", &name)]);
        x.empty("w:altName", &[("w:val", &face.alt_name)]);
        let panose: String = info.panose.iter().map(|b| format!("{b:02X}")).collect();
        x.empty("w:panose1", &[("w:val", &panose)]);
        x.empty("w:charset", &[("w:val", &"86")]);
        x.empty("w:family", &[("w:val", &face.family)]);
        x.empty("w:pitch", &[("w:val", &face.pitch)]);
        x.empty(
            "w:sig",
            &[
                ("w:usb0", &hex(info.usb[0])),
                ("w:usb1", &hex(info.usb[1])),
                ("w:usb2", &hex(info.usb[2])),
                ("w:usb3", &hex(info.usb[3])),
                ("w:csb0", &hex(info.csb[0])),
                ("w:csb1", &hex(info.csb[1])),
            ],
        );
        if let Some(f) = embedded {
            let slots: &[&str] = if info.bold_only { &["w:embedRegular", "w:embedBold"] } else { &["w:embedRegular"] };
            for slot in slots {
                x.empty(slot, &[("r:id", &f.rel_id), ("w:fontKey", &f.key), ("w:subsetted", &1)]);
            }
        }
        x.close("w:font");
    }
    x.close("w:fonts");
    x.finish()
}

/// word/_rels/fontTable.xml.rels: the embedded font parts.
fn font_table_rels(fonts: &[EmbeddedFont]) -> String {
    let rels: Vec<(String, String, String)> =
        fonts.iter().map(|f| (f.rel_id.clone(), format!("{REL_TYPE}font"), f.file.clone())).collect();
    relationships(&rels)
}

/// A piece of footer text: literal text or a field.
enum FooterPiece {
    Text(&'static str),
    Field(&'static str),
}

/// The text and fields of a footer's line.
fn footer_pieces(kind: FooterKind) -> &'static [FooterPiece] {
    use FooterPiece::{Field, Text};
    match kind {
        FooterKind::DashOdd | FooterKind::DashEven => &[Text("— "), Field("PAGE"), Text(" —")],
        FooterKind::OfTotal => &[Text("第 "), Field("PAGE"), Text(" 页 共 "), Field("NUMPAGES"), Text(" 页")],
    }
}

/// Every character a footer can show: its text and the digits its fields produce.
fn footer_text(kind: FooterKind) -> String {
    footer_pieces(kind)
        .iter()
        .map(|piece| match piece {
            FooterPiece::Text(text) => text,
            FooterPiece::Field(_) => "0123456789",
        })
        .collect()
}

/// One footer part: a single 14 pt 宋体 line holding the page number.
fn footer(kind: FooterKind) -> String {
    use FooterPiece::{Field, Text};
    let pieces = footer_pieces(kind);
    let (align, left_indent, right_indent) = match kind {
        // GB/T 9704 §7.5: odd pages at the right, even at the left, one character in.
        FooterKind::DashOdd => (Align::Right, 0.0, 1.0),
        FooterKind::DashEven => (Align::Left, 1.0, 0.0),
        FooterKind::OfTotal => (Align::Center, 0.0, 0.0),
    };
    let def = stylesheet::footer_style();
    let style = ParaStyle { align, left_indent, right_indent, ..def };
    let (rpr, base) = (RunProps::of(&style), RunProps::of(&def));
    let mut x = Xml::new();
    x.open("w:ftr", &[("xmlns:w", &NS_W), ("xmlns:r", &NS_R)]);
    x.open("w:p", &[]);
    paragraph_properties(
        &mut x,
        &ParaProps { style: &style, def: &def, placement: Placement::default(), bottom_border: None, tabs: &[] },
    );
    for piece in pieces {
        match piece {
            Text(text) => run(&mut x, &rpr, &base, text),
            Field(instruction) => body::field(&mut x, &rpr, &base, instruction, "1"),
        }
    }
    x.close("w:p");
    x.close("w:ftr");
    x.finish()
}
