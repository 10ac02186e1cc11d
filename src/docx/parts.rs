//! Every package part except word/document.xml: styles, settings, font table, footers,
//! relationships, content types and the document properties — and the fixed order in which
//! they go into the zip.

use super::seal::SealMedia;
use super::body::{self, paragraph_properties, run, ParaProps, Placement, RunProps, NS_R, NS_W};
use super::stylesheet::{self, Sheet};
use super::xml::Xml;
use super::{
    font_face, half_points, FooterKind, FooterPart, DEFAULT_ROLE, FONT_FACES, PAGE_NUMBER_ROLE,
};
use crate::model::{Align, Block, Document, FontRole, Inline, PageNumbers, ParaStyle};

const NS_CONTENT_TYPES: &str = "http://schemas.openxmlformats.org/package/2006/content-types";
const NS_PACKAGE_RELS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
const REL_TYPE: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/";
const REL_CORE: &str =
    "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties";
const CT_WORD: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.";

/// word/document.xml's relationships: rId1–3 are these parts, footers follow from rId4.
const DOCUMENT_PARTS: [(&str, &str); 3] = [
    ("styles", "styles.xml"),
    ("settings", "settings.xml"),
    ("fontTable", "fontTable.xml"),
];
pub(super) const FIRST_FREE_REL_ID: usize = DOCUMENT_PARTS.len() + 1;

/// All parts of the package, (zip entry name, content), in the order they are zipped.
pub(super) fn package(
    doc: &Document,
    footers: &[FooterPart],
    media: &SealMedia,
    document: String,
) -> Vec<(String, Vec<u8>)> {
    let mut parts = vec![
        ("[Content_Types].xml".to_string(), content_types(footers, media)),
        ("_rels/.rels".to_string(), package_rels()),
        ("docProps/core.xml".to_string(), core_properties(doc)),
        ("docProps/app.xml".to_string(), app_properties()),
        ("word/document.xml".to_string(), document),
        (
            "word/_rels/document.xml.rels".to_string(),
            document_rels(footers, media),
        ),
        ("word/styles.xml".to_string(), styles(doc)),
        ("word/settings.xml".to_string(), settings(doc.page_numbers)),
        (
            "word/fontTable.xml".to_string(),
            font_table(&roles_used(doc)),
        ),
    ];
    for f in footers {
        parts.push((format!("word/{}", f.file), footer(f.kind)));
    }
    let mut parts: Vec<(String, Vec<u8>)> = parts.into_iter().map(|(name, xml)| (name, xml.into_bytes())).collect();
    for m in &media.parts {
        parts.push((format!("word/{}", m.file), m.image.png.as_ref().clone()));
    }
    parts
}

fn content_types(footers: &[FooterPart], media: &SealMedia) -> String {
    let mut x = Xml::new();
    x.open("Types", &[("xmlns", &NS_CONTENT_TYPES)]);
    x.empty(
        "Default",
        &[
            ("Extension", &"rels"),
            (
                "ContentType",
                &"application/vnd.openxmlformats-package.relationships+xml",
            ),
        ],
    );
    x.empty(
        "Default",
        &[("Extension", &"xml"), ("ContentType", &"application/xml")],
    );
    if !media.parts.is_empty() {
        x.empty("Default", &[("Extension", &"png"), ("ContentType", &"image/png")]);
    }
    let mut overrides = vec![
        (
            "/word/document.xml".to_string(),
            format!("{CT_WORD}document.main+xml"),
        ),
        (
            "/word/styles.xml".to_string(),
            format!("{CT_WORD}styles+xml"),
        ),
        (
            "/word/settings.xml".to_string(),
            format!("{CT_WORD}settings+xml"),
        ),
        (
            "/word/fontTable.xml".to_string(),
            format!("{CT_WORD}fontTable+xml"),
        ),
        (
            "/docProps/core.xml".to_string(),
            "application/vnd.openxmlformats-package.core-properties+xml".to_string(),
        ),
        (
            "/docProps/app.xml".to_string(),
            "application/vnd.openxmlformats-officedocument.extended-properties+xml".to_string(),
        ),
    ];
    for f in footers {
        overrides.push((format!("/word/{}", f.file), format!("{CT_WORD}footer+xml")));
    }
    for (part, content_type) in &overrides {
        x.empty(
            "Override",
            &[("PartName", part), ("ContentType", content_type)],
        );
    }
    x.close("Types");
    x.finish()
}

/// A relationships part from (id, type URI, target).
fn relationships(rels: &[(String, String, String)]) -> String {
    let mut x = Xml::new();
    x.open("Relationships", &[("xmlns", &NS_PACKAGE_RELS)]);
    for (id, kind, target) in rels {
        x.empty(
            "Relationship",
            &[("Id", id), ("Type", kind), ("Target", target)],
        );
    }
    x.close("Relationships");
    x.finish()
}

fn package_rels() -> String {
    relationships(&[
        (
            "rId1".into(),
            format!("{REL_TYPE}officeDocument"),
            "word/document.xml".into(),
        ),
        ("rId2".into(), REL_CORE.into(), "docProps/core.xml".into()),
        (
            "rId3".into(),
            format!("{REL_TYPE}extended-properties"),
            "docProps/app.xml".into(),
        ),
    ])
}

fn document_rels(footers: &[FooterPart], media: &SealMedia) -> String {
    let mut rels: Vec<(String, String, String)> = DOCUMENT_PARTS
        .iter()
        .enumerate()
        .map(|(i, (kind, target))| {
            (
                format!("rId{}", i + 1),
                format!("{REL_TYPE}{kind}"),
                target.to_string(),
            )
        })
        .collect();
    for f in footers {
        rels.push((
            f.rel_id.clone(),
            format!("{REL_TYPE}footer"),
            f.file.clone(),
        ));
    }
    for m in &media.parts {
        rels.push((m.rel_id.clone(), format!("{REL_TYPE}image"), m.file.clone()));
    }
    relationships(&rels)
}

/// dc:title, dc:creator and the dates — from the document's own date (midnight UTC), never
/// the clock, so the same input gives the same bytes.
fn core_properties(doc: &Document) -> String {
    let date = doc
        .date
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_else(|| "2000-01-01".to_string());
    let timestamp = format!("{date}T00:00:00Z");
    let mut x = Xml::new();
    x.open(
        "cp:coreProperties",
        &[
            (
                "xmlns:cp",
                &"http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
            ),
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
            (
                "xmlns",
                &"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
            ),
            (
                "xmlns:vt",
                &"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes",
            ),
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
    x.empty(
        "w:lang",
        &[
            ("w:val", &"en-US"),
            ("w:eastAsia", &"zh-CN"),
            ("w:bidi", &"ar-SA"),
        ],
    );
    x.close("w:rPr").close("w:rPrDefault");
    x.open("w:pPrDefault", &[]).open("w:pPr", &[]);
    // The PDF layout has no widow/orphan control and no hanging punctuation; it puts no extra
    // space between Chinese and Latin/digits and does not snap to a character grid.
    for off in [
        "w:widowControl",
        "w:overflowPunct",
        "w:autoSpaceDE",
        "w:autoSpaceDN",
        "w:adjustRightInd",
        "w:snapToGrid",
    ] {
        x.empty(off, &[("w:val", &0)]);
    }
    x.empty("w:spacing", &[("w:before", &0), ("w:after", &0)]);
    x.close("w:pPr").close("w:pPrDefault");
    x.close("w:docDefaults");

    stylesheet::write_paragraph_styles(&mut x, &Sheet::of(doc));

    x.open(
        "w:style",
        &[
            ("w:type", &"character"),
            ("w:default", &1),
            ("w:styleId", &"DefaultParagraphFont"),
        ],
    );
    x.empty("w:name", &[("w:val", &"Default Paragraph Font")]);
    x.empty("w:uiPriority", &[("w:val", &1)]);
    x.empty("w:semiHidden", &[]).empty("w:unhideWhenUsed", &[]);
    x.close("w:style");

    x.open(
        "w:style",
        &[
            ("w:type", &"table"),
            ("w:default", &1),
            ("w:styleId", &"TableNormal"),
        ],
    );
    x.empty("w:name", &[("w:val", &"Normal Table")]);
    x.empty("w:uiPriority", &[("w:val", &99)]);
    x.empty("w:semiHidden", &[]).empty("w:unhideWhenUsed", &[]);
    x.open("w:tblPr", &[]);
    x.empty("w:tblInd", &[("w:w", &0), ("w:type", &"dxa")]);
    x.open("w:tblCellMar", &[]);
    for (side, w) in [
        ("w:top", 0),
        ("w:left", 108),
        ("w:bottom", 0),
        ("w:right", 108),
    ] {
        x.empty(side, &[("w:w", &w), ("w:type", &"dxa")]);
    }
    x.close("w:tblCellMar").close("w:tblPr");
    x.close("w:style");
    x.close("w:styles");
    x.finish()
}

/// settings.xml: separate even-page footers for `— N —` numbers, no punctuation compression
/// (the PDF sets every CJK character a full em), Word 2013+ layout (compatibility mode 15).
fn settings(numbers: PageNumbers) -> String {
    let mut x = Xml::new();
    x.open("w:settings", &[("xmlns:w", &NS_W)]);
    x.empty("w:zoom", &[("w:percent", &100)]);
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
        &[
            ("w:name", &"compatibilityMode"),
            ("w:uri", &"http://schemas.microsoft.com/office/word"),
            ("w:val", &15),
        ],
    );
    x.close("w:compat");
    x.empty(
        "w:themeFontLang",
        &[("w:val", &"en-US"), ("w:eastAsia", &"zh-CN")],
    );
    x.empty("w:decimalSymbol", &[("w:val", &".")]);
    x.empty("w:listSeparator", &[("w:val", &",")]);
    x.close("w:settings");
    x.finish()
}

/// The roles whose faces the package names, in FONT_FACES order: the default (body) font,
/// every paragraph and run role, 宋体 for cut lines and page numbers.
fn roles_used(doc: &Document) -> Vec<FontRole> {
    fn walk(blocks: &[Block], used: &mut Vec<FontRole>) {
        let paragraph = |p: &crate::model::Paragraph, used: &mut Vec<FontRole>| {
            used.push(p.style.role);
            for inline in &p.content {
                if let Inline::Text {
                    role: Some(role), ..
                } = inline
                {
                    used.push(*role);
                }
            }
        };
        for block in blocks {
            match block {
                Block::Paragraph(p) => paragraph(p, used),
                Block::Table(t) => t
                    .rows
                    .iter()
                    .flat_map(|r| &r.cells)
                    .flat_map(|c| &c.paragraphs)
                    .for_each(|p| paragraph(p, used)),
                Block::Seal(s) => s.lines.iter().for_each(|p| paragraph(p, used)),
                Block::CutLine { .. } => used.push(FontRole::Song),
                Block::KeepTogether(inner) => walk(inner, used),
                Block::Rule { .. } | Block::PageBreak => {}
            }
        }
    }
    let mut used = vec![DEFAULT_ROLE];
    if doc.page_numbers != PageNumbers::None {
        used.push(PAGE_NUMBER_ROLE);
    }
    walk(&doc.blocks, &mut used);
    FONT_FACES
        .iter()
        .map(|(role, _)| *role)
        .filter(|role| used.contains(role))
        .collect()
}

/// fontTable.xml: each face used, with its English name and the GB2312 character set (0x86).
fn font_table(roles: &[FontRole]) -> String {
    let mut x = Xml::new();
    x.open("w:fonts", &[("xmlns:w", &NS_W)]);
    for &role in roles {
        let face = font_face(role);
        x.open("w:font", &[("w:name", &face.name)]);
        x.empty("w:altName", &[("w:val", &face.alt_name)]);
        x.empty("w:charset", &[("w:val", &"86")]);
        x.empty("w:family", &[("w:val", &face.family)]);
        x.empty("w:pitch", &[("w:val", &face.pitch)]);
        x.close("w:font");
    }
    x.close("w:fonts");
    x.finish()
}

/// A piece of footer text: literal text or a field.
enum FooterPiece {
    Text(&'static str),
    Field(&'static str),
}

/// One footer part: a single 14 pt 宋体 line holding the page number.
fn footer(kind: FooterKind) -> String {
    use FooterPiece::{Field, Text};
    let (align, left_indent, right_indent, pieces): (Align, f32, f32, &[FooterPiece]) = match kind {
        // GB/T 9704 §7.5: odd pages at the right, even at the left, one character in.
        FooterKind::DashOdd => (
            Align::Right,
            0.0,
            1.0,
            &[Text("— "), Field("PAGE"), Text(" —")],
        ),
        FooterKind::DashEven => (
            Align::Left,
            1.0,
            0.0,
            &[Text("— "), Field("PAGE"), Text(" —")],
        ),
        FooterKind::OfTotal => (
            Align::Center,
            0.0,
            0.0,
            &[
                Text("第 "),
                Field("PAGE"),
                Text(" 页 共 "),
                Field("NUMPAGES"),
                Text(" 页"),
            ],
        ),
    };
    let def = stylesheet::footer_style();
    let style = ParaStyle {
        align,
        left_indent,
        right_indent,
        ..def
    };
    let (rpr, base) = (RunProps::of(&style), RunProps::of(&def));
    let mut x = Xml::new();
    x.open("w:ftr", &[("xmlns:w", &NS_W), ("xmlns:r", &NS_R)]);
    x.open("w:p", &[]);
    paragraph_properties(
        &mut x,
        &ParaProps {
            style: &style,
            def: &def,
            placement: Placement::default(),
            bottom_border: None,
            tabs: &[],
        },
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
