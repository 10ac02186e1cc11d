//! Tests of the DOCX writer: build documents by hand, write them, read the package back
//! (zip + quick-xml) and check what Word/WPS/LibreOffice would see.

use super::write_docx;
use crate::model::*;
use crate::test_skip::skip;
use quick_xml::events::Event;
use std::collections::BTreeMap;
use std::io::{Cursor, Read};

// ---------- building test documents ----------

fn styled(role: FontRole, size: f32, align: Align, first_indent: f32) -> ParaStyle {
    ParaStyle { role, size, align, first_indent, ..ParaStyle::body() }
}

fn para(style: ParaStyle, text: &str) -> Paragraph {
    Paragraph::new(style, text)
}

fn cell(text: &str) -> Cell {
    Cell::new(vec![para(styled(FontRole::FangSong, 12.0, Align::Left, 0.0), text)])
}

const LONG: &str = "为顺利推进2026年第三季度新产品上市（以下简称“该工作”）的实施，确保各项任务高效协同、按期完成，现就该工作中需贵部门协作配合的事项函告如下：该工作为公司年度重点工作，涉及渠道、物流与售后多个环节，需多部门协同推进，请贵部门在相关环节给予专业支持与配合。";

/// The named style `key` of the forms, as a letter uses it.
fn named(key: &str) -> ParaStyle {
    crate::forms::styles::style(key).unwrap()
}

/// A letter-like document set in the forms' named styles (with their style sheet): title,
/// borderless header table, rule, body, headings, seal, cut line and a keep-together reply
/// slip with blanks; `— N —` page numbers.
fn letter() -> Document {
    let title = named("title");
    let header_style = named("field");
    let header = Table {
        columns: vec![221.0, 221.0],
        rows: vec![
            Row {
                cells: vec![
                    Cell::new(vec![para(header_style, "发函部门：市场部")]),
                    Cell::new(vec![para(header_style, "发函日期：2026年3月5日")]),
                ],
                min_height: 0.0,
                can_split: true,
                keep_with_next: false,
                shrink_to: None,
            },
            Row {
                cells: vec![
                    Cell::new(vec![para(header_style, "函件编号：协作函〔2026〕12号")]),
                    Cell::new(vec![para(header_style, "收函部门：财务部")]),
                ],
                min_height: 0.0,
                can_split: true,
                keep_with_next: false,
                shrink_to: None,
            },
        ],
        header_rows: 0,
        borders: Borders::NONE,
        pad_x: 0.0,
        pad_y: 0.0,
        continues: false,
    };
    let body = named("body");
    let heading = named("heading");
    let seal_style = named("signature");
    let slip = named("slip-item");
    let mut blocks = vec![
        Block::Paragraph(para(title, "市场部工作联系函")),
        Block::Table(header),
        Block::Rule { height: 14.0, thickness: 1.0 },
        Block::Paragraph(para(named("flush"), "财务部：")),
        Block::Paragraph(para(body, LONG)),
        Block::Paragraph(para(heading, "一、协作背景及目的")),
        Block::Paragraph(para(named("heading2"), "（一）工作目标")),
    ];
    for _ in 0..6 {
        blocks.push(Block::Paragraph(para(body, LONG)));
    }
    blocks.push(Block::Paragraph(para(body, "该工作的顺利开展离不开贵部门的支持与配合，望予协助。特此函告。")));
    blocks.push(Block::Seal(SealBlock {
        space_above: 57.9,
        lines: vec![
            // The name centred over the date: a right indent computed for it.
            para(ParaStyle { right_indent: 5.5, keep_with_next: true, ..seal_style }, "市场部（盖章）"),
            para(seal_style, "2026年3月5日"),
        ],
        diameter_mm: 42.0,
        image: None,
    }));
    blocks.push(Block::CutLine { height: 28.95 });
    blocks.push(Block::KeepTogether(vec![
        Block::Paragraph(para(named("slip-title"), "回  执")),
        Block::Paragraph(Paragraph {
            style: named("slip-note"),
            content: vec![
                Inline::text("（由收函部门"),
                Inline::Text { text: "填写".into(), role: Some(FontRole::Hei) },
                Inline::text("）"),
            ],
        }),
        Block::Paragraph(Paragraph {
            style: slip,
            content: vec![
                Inline::text("□ 我部门同意按上述要求配合，指定"),
                Inline::Blank { width: 4.0 },
                Inline::text("为对接人，联系电话："),
                Inline::Blank { width: 6.0 },
                Inline::text("。"),
            ],
        }),
        Block::Paragraph(para(named("slip-sign"), "回复日期：    年  月  日")),
    ]));
    Document {
        title: "市场部工作联系函".into(),
        author: "市场部".into(),
        date: chrono::NaiveDate::from_ymd_opt(2026, 3, 5),
        page: PageSetup::a4_official(),
        page_numbers: PageNumbers::Dash,
        blocks,
        styles: crate::forms::styles::sheet(),
    }
}

/// A landscape table document: header row, a cell spanning three columns, a cell spanning
/// two rows, shaded labels, a row that may not split; `第 N 页 共 M 页` numbers.
fn table_doc() -> Document {
    let label = |text: &str| Cell { shade: Some(0.9), ..cell(text) };
    let header = Row {
        cells: ["序号", "任务名称", "承办部门", "备注"].iter().map(|t| label(t)).collect(),
        min_height: 30.0,
        can_split: false,
        keep_with_next: false,
        shrink_to: None,
    };
    let mut rows = vec![header];
    rows.push(Row {
        cells: vec![label("协作主题"), Cell { col_span: 3, ..cell("2026年第三季度新产品上市") }],
        min_height: 20.0,
        can_split: true,
        keep_with_next: false,
        shrink_to: None,
    });
    rows.push(Row {
        cells: vec![Cell { row_span: 2, ..label("确认意见") }, cell("□同意承接"), cell("甲"), cell("乙")],
        min_height: 20.0,
        can_split: false,
        keep_with_next: false,
        shrink_to: None,
    });
    // The second row of the merge lists no cell in column 0.
    rows.push(Row {
        cells: vec![cell("□无法承接"), cell("丙"), cell("丁")],
        min_height: 20.0,
        can_split: true,
        keep_with_next: false,
        shrink_to: None,
    });
    for i in 1..=30 {
        rows.push(Row {
            cells: vec![cell(&i.to_string()), cell(&format!("任务{i}")), cell("财务部"), cell(LONG)],
            min_height: 0.0,
            can_split: true,
            keep_with_next: false,
            shrink_to: None,
        });
    }
    Document {
        title: "协作任务拆分清单".into(),
        author: "市场部".into(),
        date: None,
        page: PageSetup::a4_landscape_official(),
        page_numbers: PageNumbers::OfTotal,
        blocks: vec![
            Block::Paragraph(para(styled(FontRole::Title, 22.0, Align::Center, 0.0), "协作任务拆分清单")),
            Block::Table(Table {
                columns: vec![60.0, 150.0, 150.0, 277.8],
                rows,
                header_rows: 1,
                borders: Borders { outer: Some(1.0), inner: Some(0.5) },
                pad_x: 4.0,
                pad_y: 2.0,
                continues: false,
            }),
            Block::Table(Table {
                columns: vec![318.9, 318.9],
                rows: vec![Row {
                    cells: vec![cell("负责人（签字）："), cell("协作成员确认（签字）：")],
                    min_height: 0.0,
                    can_split: true,
                    keep_with_next: false,
                    shrink_to: None,
                }],
                header_rows: 0,
                borders: Borders::NONE,
                pad_x: 0.0,
                pad_y: 0.0,
                continues: false,
            }),
        ],
        styles: Vec::new(),
    }
}

// ---------- reading the package back ----------

/// An XML element: qualified name, attributes, children, own text.
#[derive(Debug, Default)]
struct Node {
    name: String,
    attrs: Vec<(String, String)>,
    children: Vec<Node>,
    text: String,
}

impl Node {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    /// This node and all below it, depth first.
    fn all(&self) -> Vec<&Node> {
        let mut out = vec![self];
        for c in &self.children {
            out.extend(c.all());
        }
        out
    }

    fn find_all(&self, name: &str) -> Vec<&Node> {
        self.all().into_iter().filter(|n| n.name == name).collect()
    }

    /// Concatenated `w:t` text below this node.
    fn text_of(&self) -> String {
        self.find_all("w:t").iter().map(|t| t.text.as_str()).collect()
    }
}

fn parse(xml: &str) -> Node {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut stack = vec![Node::default()];
    let node_of = |e: &quick_xml::events::BytesStart| Node {
        name: e.name().as_ref().to_string(),
        attrs: e
            .attributes()
            .map(|a| {
                let a = a.unwrap();
                let value = a.normalized_value(quick_xml::XmlVersion::Implicit1_0).unwrap().into_owned();
                (a.key.as_ref().to_string(), value)
            })
            .collect(),
        ..Node::default()
    };
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) => stack.push(node_of(&e)),
            Event::Empty(e) => stack.last_mut().unwrap().children.push(node_of(&e)),
            Event::End(_) => {
                let done = stack.pop().unwrap();
                stack.last_mut().unwrap().children.push(done);
            }
            Event::Text(t) => stack.last_mut().unwrap().text.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => {
                let name = r.xml10_content();
                let c = match name.as_ref() {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    "apos" => "'",
                    other => panic!("unexpected entity {other}"),
                };
                stack.last_mut().unwrap().text.push_str(c);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(stack.len(), 1, "unbalanced XML");
    stack.pop().unwrap().children.pop().expect("a root element")
}

/// The package: entry name → content (binary parts — fonts, images — as lossy text; their
/// bytes in `binary`), plus the entries' zip metadata.
struct Package {
    parts: BTreeMap<String, String>,
    binary: BTreeMap<String, Vec<u8>>,
    order: Vec<String>,
}

impl Package {
    fn read(bytes: &[u8]) -> Package {
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip");
        let mut parts = BTreeMap::new();
        let mut binary = BTreeMap::new();
        let mut order = Vec::new();
        for i in 0..zip.len() {
            let mut f = zip.by_index(i).unwrap();
            let name = f.name().unwrap().to_string();
            // The body is always big enough to deflate; parts under 1 KB are stored.
            let want = if f.size() >= crate::package::STORE_BELOW as u64 {
                zip::CompressionMethod::Deflated
            } else {
                zip::CompressionMethod::Stored
            };
            assert_eq!(f.compression(), want, "{name}: {} bytes", f.size());
            let t = f.last_modified().unwrap();
            assert_eq!((t.year(), t.month(), t.day()), (1980, 1, 1), "{name} has the fixed timestamp");
            let mut bytes = Vec::new();
            f.read_to_end(&mut bytes).unwrap();
            order.push(name.clone());
            if name.ends_with(".xml") || name.ends_with(".rels") {
                parts.insert(name, String::from_utf8(bytes).expect("XML parts are UTF-8"));
            } else {
                parts.insert(name.clone(), String::from_utf8_lossy(&bytes).into_owned());
                binary.insert(name, bytes);
            }
        }
        Package { parts, binary, order }
    }

    fn xml(&self, name: &str) -> Node {
        parse(self.parts.get(name).unwrap_or_else(|| panic!("part {name} exists")))
    }
}

/// Properties as Word resolves them: element name → its attributes (`w:val="on"` for an on/off
/// element written bare).
type Props = BTreeMap<String, BTreeMap<String, String>>;

/// Merge the children of property nodes, later ones replacing earlier ones element by element
/// (this writer always writes an element whole), leaving out `w:pStyle` and a pPr's `w:rPr`.
fn merge<'a>(layers: impl IntoIterator<Item = &'a Node>) -> Props {
    let mut props = Props::new();
    for layer in layers {
        for c in layer.children.iter().filter(|c| c.name != "w:pStyle" && c.name != "w:rPr") {
            let mut attrs: BTreeMap<String, String> = c.attrs.iter().cloned().collect();
            if attrs.is_empty() {
                attrs.insert("w:val".into(), "on".into());
            }
            props.insert(c.name.clone(), attrs);
        }
    }
    props
}

/// `name@attr` of resolved properties.
fn prop<'a>(props: &'a Props, name: &str, attr: &str) -> Option<&'a str> {
    props.get(name).and_then(|a| a.get(attr)).map(String::as_str)
}

/// Is the on/off property `name` on?
fn is_on(props: &Props, name: &str) -> bool {
    matches!(prop(props, name, "w:val"), Some("on" | "1" | "true"))
}

/// The paragraph style `id` of styles.xml and the styles it is based on, the root first.
fn style_chain<'a>(styles: &'a Node, id: &str) -> Vec<&'a Node> {
    let mut chain = Vec::new();
    let mut at = Some(id.to_string());
    while let Some(id) = at {
        let style = styles
            .find_all("w:style")
            .into_iter()
            .find(|s| s.attr("w:type") == Some("paragraph") && s.attr("w:styleId") == Some(id.as_str()))
            .unwrap_or_else(|| panic!("style {id} is defined"));
        assert!(chain.len() < 20, "basedOn loop at {id}");
        chain.insert(0, style);
        at = style.child("w:basedOn").and_then(|b| b.attr("w:val")).map(str::to_string);
    }
    chain
}

/// The style id a paragraph names.
fn style_of(p: &Node) -> &str {
    p.child("w:pPr")
        .and_then(|ppr| ppr.child("w:pStyle"))
        .and_then(|s| s.attr("w:val"))
        .expect("a paragraph names its style")
}

/// What Word resolves for paragraph `p`: (its paragraph properties, those of each run) from
/// the document defaults, its style's chain and its own properties.
fn resolve(styles: &Node, p: &Node) -> (Props, Vec<(String, Props)>) {
    let defaults = styles.child("w:docDefaults").unwrap();
    let chain = style_chain(styles, style_of(p));
    let ppr_layers = std::iter::once(defaults.find_all("w:pPr")[0])
        .chain(chain.iter().filter_map(|s| s.child("w:pPr")))
        .chain(p.child("w:pPr"));
    let ppr = merge(ppr_layers);
    let runs = p
        .children
        .iter()
        .filter(|r| r.name == "w:r")
        .map(|r| {
            let layers = std::iter::once(defaults.find_all("w:rPr")[0])
                .chain(chain.iter().filter_map(|s| s.child("w:rPr")))
                .chain(r.child("w:rPr"));
            (r.text_of(), merge(layers))
        })
        .collect();
    (ppr, runs)
}

/// EG_RPrBase order (wml.xsd) of the run properties this writer may emit, and a few around them.
const RPR_ORDER: &[&str] = &[
    "w:rStyle",
    "w:rFonts",
    "w:b",
    "w:bCs",
    "w:i",
    "w:iCs",
    "w:color",
    "w:spacing",
    "w:w",
    "w:kern",
    "w:position",
    "w:sz",
    "w:szCs",
    "w:highlight",
    "w:u",
    "w:lang",
];
/// CT_PPrBase order of the paragraph properties this writer may emit.
const PPR_ORDER: &[&str] = &[
    "w:pStyle",
    "w:keepNext",
    "w:keepLines",
    "w:pageBreakBefore",
    "w:widowControl",
    "w:pBdr",
    "w:tabs",
    "w:overflowPunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:jc",
    "w:outlineLvl",
    "w:rPr",
];

fn assert_ordered(node: &Node, order: &[&str]) {
    let positions: Vec<usize> = node
        .children
        .iter()
        .map(|c| {
            order.iter().position(|o| *o == c.name).unwrap_or_else(|| panic!("unexpected {} in {}", c.name, node.name))
        })
        .collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "{} children out of order: {:?}",
        node.name,
        node.children.iter().map(|c| c.name.as_str()).collect::<Vec<_>>()
    );
}

// ---------- tests ----------

#[test]
fn every_part_exists_has_a_content_type_and_is_linked() {
    for doc in [letter(), table_doc()] {
        let pkg = Package::read(&write_docx(&doc).unwrap());
        assert_eq!(pkg.order[0], "[Content_Types].xml");
        let types = pkg.xml("[Content_Types].xml");
        let overrides: Vec<&str> = types.find_all("Override").iter().map(|o| o.attr("PartName").unwrap()).collect();
        let defaults: Vec<&str> = types.find_all("Default").iter().map(|o| o.attr("Extension").unwrap()).collect();
        let mut targeted = Vec::new();
        assert!(pkg.parts.contains_key("word/_rels/fontTable.xml.rels"), "fonts are embedded");
        for (rels_name, base) in
            [("_rels/.rels", ""), ("word/_rels/document.xml.rels", "word/"), ("word/_rels/fontTable.xml.rels", "word/")]
        {
            for rel in pkg.xml(rels_name).find_all("Relationship") {
                let target = format!("{base}{}", rel.attr("Target").unwrap());
                assert!(pkg.parts.contains_key(&target), "{rels_name} → {target} exists");
                targeted.push(target);
            }
        }
        for name in pkg.parts.keys().filter(|n| !n.ends_with(".rels") && *n != "[Content_Types].xml") {
            assert!(targeted.contains(name), "{name} is linked");
            let extension = name.rsplit('.').next().unwrap();
            assert!(
                overrides.contains(&format!("/{name}").as_str())
                    || (extension != "xml" && defaults.contains(&extension)),
                "{name} has a content type"
            );
        }
        // Every r:id in the document resolves in its .rels.
        let rel_ids: Vec<String> = pkg
            .xml("word/_rels/document.xml.rels")
            .find_all("Relationship")
            .iter()
            .map(|r| r.attr("Id").unwrap().to_string())
            .collect();
        for n in pkg.xml("word/document.xml").all() {
            if let Some(id) = n.attr("r:id") {
                assert!(rel_ids.iter().any(|r| r == id), "r:id {id} resolves");
            }
        }
    }
}

#[test]
fn text_and_document_properties_are_there() {
    let doc = letter();
    let pkg = Package::read(&write_docx(&doc).unwrap());
    let text = pkg.xml("word/document.xml").text_of();
    for needle in [
        "市场部工作联系函",
        "函件编号：协作函〔2026〕12号",
        LONG,
        "一、协作背景及目的",
        "市场部（盖章）",
        "✂",
        "回  执",
    ] {
        assert!(text.contains(needle), "document text has {needle}");
    }
    let core = pkg.xml("docProps/core.xml");
    assert_eq!(core.child("dc:title").unwrap().text, "市场部工作联系函");
    assert_eq!(core.child("dc:creator").unwrap().text, "市场部");
    assert_eq!(core.child("dcterms:created").unwrap().text, "2026-03-05T00:00:00Z");
    let undated = Package::read(&write_docx(&table_doc()).unwrap());
    assert_eq!(undated.xml("docProps/core.xml").child("dcterms:modified").unwrap().text, "2000-01-01T00:00:00Z");
}

#[test]
fn fonts_are_named_by_role_and_listed_in_the_font_table() {
    let pkg = Package::read(&write_docx(&letter()).unwrap());
    let document = pkg.xml("word/document.xml");
    let mut named = std::collections::BTreeSet::new();
    for name in ["word/document.xml", "word/styles.xml", "word/footer1.xml", "word/footer2.xml"] {
        for f in pkg.xml(name).find_all("w:rFonts") {
            let east_asia = f.attr("w:eastAsia").unwrap();
            for a in ["w:ascii", "w:hAnsi", "w:cs"] {
                assert_eq!(f.attr(a), Some(east_asia), "one face for every script");
            }
            assert_eq!(f.attr("w:hint"), Some("eastAsia"));
            named.insert(east_asia.to_string());
        }
    }
    // The title run is Gongwen Title, the headings Gongwen Hei and Gongwen Kai, the body
    // Gongwen FangSong, a run set apart Gongwen Hei, the page number Gongwen Song — as Word
    // resolves them through the styles; never another foundry's trademark. With embedding, the
    // name carries the subset's tag ("Gongwen Title 1A2B3C").
    let styles = pkg.xml("word/styles.xml");
    let face_of = |name: &str| name.rsplit_once(' ').map_or(name.to_string(), |(face, _)| face.to_string());
    let run_font = |root: &Node, needle: &str| {
        let p = root.find_all("w:p").into_iter().find(|p| p.text_of().contains(needle)).unwrap();
        let (_, runs) = resolve(&styles, p);
        let (_, run) = runs.iter().find(|(text, _)| text.contains(needle)).unwrap();
        face_of(prop(run, "w:rFonts", "w:eastAsia").unwrap())
    };
    // (A centred line's last character is a run of its own: no letter-spacing after it.)
    assert_eq!(run_font(&document, "市场部工作联系"), "Gongwen Title");
    assert_eq!(run_font(&document, "一、协作背景"), "Gongwen Hei");
    assert_eq!(run_font(&document, "（一）工作目标"), "Gongwen Kai");
    assert_eq!(run_font(&document, "为顺利推进"), "Gongwen FangSong");
    assert_eq!(run_font(&document, "（由收函部门"), "Gongwen FangSong");
    assert_eq!(run_font(&document, "填写"), "Gongwen Hei");
    assert_eq!(run_font(&pkg.xml("word/footer1.xml"), "—"), "Gongwen Song");
    let bare = Package::read(&super::write_docx_with(&letter(), &super::DocxOptions { embed_fonts: false }).unwrap());
    let bare_styles = bare.xml("word/styles.xml");
    let fonts_named: Vec<String> =
        bare_styles.find_all("w:rFonts").iter().filter_map(|f| f.attr("w:eastAsia").map(str::to_string)).collect();
    assert!(
        fonts_named.iter().any(|f| f == "Gongwen FangSong"),
        "without embedding, the faces' own names: {fonts_named:?}"
    );
    let table = pkg.xml("word/fontTable.xml");
    let listed: std::collections::BTreeSet<String> =
        table.find_all("w:font").iter().map(|f| f.attr("w:name").unwrap().to_string()).collect();
    assert_eq!(listed, named, "fontTable lists exactly the fonts used");
    // A machine without the faces looks for the installed face of the same style.
    for (name, alt) in [
        ("Gongwen Title", "方正小标宋简体"),
        ("Gongwen FangSong", "仿宋"),
        ("Gongwen Hei", "黑体"),
        ("Gongwen Song", "宋体"),
    ] {
        let font = table
            .find_all("w:font")
            .into_iter()
            .find(|f| f.attr("w:name").unwrap().starts_with(&format!("{name} ")))
            .unwrap_or_else(|| panic!("{name} listed"));
        assert_eq!(font.child("w:altName").unwrap().attr("w:val"), Some(alt));
        assert_eq!(font.child("w:charset").unwrap().attr("w:val"), Some("86"));
        assert_eq!(font.child("w:panose1").unwrap().attr("w:val").unwrap().len(), 20);
        // The signature claims CJK Unified Ideographs (usb1 bit 27) and code page 936.
        let sig = font.child("w:sig").unwrap();
        let usb1 = u32::from_str_radix(sig.attr("w:usb1").unwrap(), 16).unwrap();
        let csb0 = u32::from_str_radix(sig.attr("w:csb0").unwrap(), 16).unwrap();
        assert!(usb1 & (1 << 27) != 0 && csb0 & (1 << 18) != 0, "{name}: {usb1:08X} {csb0:08X}");
    }
    // The table document uses no 黑体 or 楷体, so they are not listed.
    let other = Package::read(&write_docx(&table_doc()).unwrap()).xml("word/fontTable.xml");
    assert!(other.find_all("w:font").iter().all(|f| !f.attr("w:name").unwrap().starts_with("Gongwen Hei")
        && !f.attr("w:name").unwrap().starts_with("Gongwen Kai")));
}

#[test]
fn properties_are_in_schema_order() {
    for doc in [letter(), table_doc()] {
        let pkg = Package::read(&write_docx(&doc).unwrap());
        for name in pkg.parts.keys().filter(|n| n.starts_with("word/") && n.ends_with(".xml")) {
            let root = pkg.xml(name);
            for rpr in root.find_all("w:rPr") {
                assert_ordered(rpr, RPR_ORDER);
            }
            for ppr in root.find_all("w:pPr") {
                assert_ordered(ppr, PPR_ORDER);
            }
        }
    }
}

#[test]
fn body_text_resolves_to_the_official_size_spacing_pitch_and_indent() {
    let pkg = Package::read(&write_docx(&letter()).unwrap());
    let document = pkg.xml("word/document.xml");
    let styles = pkg.xml("word/styles.xml");
    let body = document.find_all("w:p").into_iter().find(|p| p.text_of() == LONG).unwrap();
    let (ppr, runs) = resolve(&styles, body);
    assert_eq!(
        (prop(&ppr, "w:spacing", "w:line"), prop(&ppr, "w:spacing", "w:lineRule")),
        (Some("579"), Some("exact"))
    );
    assert_eq!(
        (prop(&ppr, "w:ind", "w:firstLineChars"), prop(&ppr, "w:ind", "w:firstLine")),
        (Some("200"), Some("640"))
    );
    assert_eq!(prop(&ppr, "w:jc", "w:val"), Some("both"));
    let (_, rpr) = &runs[0];
    assert_eq!(prop(rpr, "w:spacing", "w:val"), Some("-5"));
    assert_eq!(prop(rpr, "w:sz", "w:val"), Some("32"));
    let heading = document.find_all("w:p").into_iter().find(|p| p.text_of() == "一、协作背景及目的").unwrap();
    assert!(is_on(&resolve(&styles, heading).0, "w:keepNext"));
}

#[test]
fn blanks_are_runs_of_low_lines_in_song() {
    let pkg = Package::read(&write_docx(&letter()).unwrap());
    let blanks: Vec<(String, String)> = pkg
        .xml("word/document.xml")
        .find_all("w:r")
        .into_iter()
        .filter(|r| r.text_of().starts_with('＿'))
        .map(|r| {
            let font = r
                .child("w:rPr")
                .and_then(|p| p.child("w:rFonts"))
                .and_then(|f| f.attr("w:eastAsia"))
                .unwrap_or_default();
            (r.text_of(), font.to_string())
        })
        .collect();
    let blanks: Vec<(String, String)> =
        blanks.into_iter().map(|(text, font)| (text, font.rsplit_once(' ').unwrap().0.to_string())).collect();
    assert_eq!(
        blanks,
        vec![("＿".repeat(4), "Gongwen Song".to_string()), ("＿".repeat(6), "Gongwen Song".to_string())]
    );
}

#[test]
fn seal_slip_and_cut_line_are_laid_out() {
    let pkg = Package::read(&write_docx(&letter()).unwrap());
    let document = pkg.xml("word/document.xml");
    let paragraphs = document.child("w:body").unwrap().find_all("w:p");
    let ppr_of = |text: &str| paragraphs.iter().find(|p| p.text_of() == text).unwrap().child("w:pPr").unwrap();
    // Seal: room for the stamp before the name; name kept with the date, both kept whole.
    let name = ppr_of("市场部（盖章）");
    assert_eq!(name.child("w:spacing").unwrap().attr("w:before"), Some("1158"));
    assert!(name.child("w:keepNext").is_some() && name.child("w:keepLines").is_some());
    let date = ppr_of("2026年3月5日");
    assert!(date.child("w:keepNext").is_none() && date.child("w:keepLines").is_some());
    // Reply slip: every paragraph but the last keeps with the next.
    for text in ["回  执", "（由收函部门填写）"] {
        assert!(ppr_of(text).child("w:keepNext").is_some(), "{text} keeps with next");
    }
    let last = ppr_of("回复日期：    年  月  日");
    assert!(last.child("w:keepNext").is_none() && last.child("w:keepLines").is_some());
    // Cut line: hyphen-leader tabs to the centre and the right edge of the 156 mm type area.
    let cut = ppr_of("✂");
    let tabs = cut.child("w:tabs").unwrap().find_all("w:tab");
    let stops: Vec<(&str, &str, &str)> = tabs
        .iter()
        .map(|t| (t.attr("w:val").unwrap(), t.attr("w:pos").unwrap(), t.attr("w:leader").unwrap()))
        .collect();
    assert_eq!(stops, vec![("center", "4422", "hyphen"), ("right", "8845", "hyphen")]);
    // Rule: a bottom border of 1 pt (8 eighths).
    let rule = paragraphs.iter().find(|p| p.find_all("w:bottom").len() == 1).expect("a rule paragraph");
    assert_eq!(rule.find_all("w:bottom")[0].attr("w:sz"), Some("8"));
}

#[test]
fn letter_page_is_a4_portrait_with_dash_page_numbers() {
    let pkg = Package::read(&write_docx(&letter()).unwrap());
    let document = pkg.xml("word/document.xml");
    let sect = document.find_all("w:sectPr").pop().unwrap();
    let size = sect.child("w:pgSz").unwrap();
    assert_eq!((size.attr("w:w"), size.attr("w:h"), size.attr("w:orient")), (Some("11906"), Some("16838"), None));
    let mar = sect.child("w:pgMar").unwrap();
    let m: Vec<&str> = ["w:top", "w:right", "w:bottom", "w:left", "w:footer", "w:gutter"]
        .iter()
        .map(|a| mar.attr(a).unwrap())
        .collect();
    // w:footer: the page number's dash (not its em box) lies 7 mm below the type area — the
    // footer line's bottom edge 73.9 pt above the sheet's edge (typeset::page_number_baseline).
    assert_eq!(m, vec!["2098", "1474", "1984", "1587", "1479", "0"]);
    let refs: Vec<&str> = sect.find_all("w:footerReference").iter().map(|r| r.attr("w:type").unwrap()).collect();
    assert_eq!(refs, vec!["default", "even"]);
    assert!(pkg.xml("word/settings.xml").child("w:evenAndOddHeaders").is_some());
    let styles = pkg.xml("word/styles.xml");
    let odd = pkg.xml("word/footer1.xml");
    assert_eq!(odd.text_of(), "— 1 —");
    let (ppr, _) = resolve(&styles, odd.find_all("w:p")[0]);
    assert_eq!(prop(&ppr, "w:jc", "w:val"), Some("right"));
    assert_eq!(prop(&ppr, "w:ind", "w:rightChars"), Some("100"));
    assert!(odd.find_all("w:instrText")[0].text.contains("PAGE"));
    let kinds: Vec<&str> = odd.find_all("w:fldChar").iter().map(|f| f.attr("w:fldCharType").unwrap()).collect();
    assert_eq!(kinds, vec!["begin", "separate", "end"]);
    let even = pkg.xml("word/footer2.xml");
    let (ppr, _) = resolve(&styles, even.find_all("w:p")[0]);
    assert_eq!(prop(&ppr, "w:jc", "w:val"), Some("left"));
    assert_eq!(prop(&ppr, "w:ind", "w:leftChars"), Some("100"));
}

#[test]
fn table_doc_is_landscape_with_merges_header_rows_and_shading() {
    let pkg = Package::read(&write_docx(&table_doc()).unwrap());
    let document = pkg.xml("word/document.xml");
    let sect = document.find_all("w:sectPr").pop().unwrap();
    let size = sect.child("w:pgSz").unwrap();
    assert_eq!(
        (size.attr("w:w"), size.attr("w:h"), size.attr("w:orient")),
        (Some("16838"), Some("11906"), Some("landscape"))
    );
    let refs: Vec<&str> = sect.find_all("w:footerReference").iter().map(|r| r.attr("w:type").unwrap()).collect();
    assert_eq!(refs, vec!["default"]);
    assert!(pkg.xml("word/settings.xml").child("w:evenAndOddHeaders").is_none());
    assert_eq!(pkg.xml("word/footer1.xml").text_of(), "第 1 页 共 1 页");

    let body = document.child("w:body").unwrap();
    let tables: Vec<&Node> = body.children.iter().filter(|n| n.name == "w:tbl").collect();
    assert_eq!(tables.len(), 2);
    // The two tables are separated by a paragraph (Word would merge them) and one ends the body.
    let names: Vec<&str> = body.children.iter().map(|n| n.name.as_str()).collect();
    assert_eq!(names, vec!["w:p", "w:tbl", "w:p", "w:tbl", "w:p", "w:sectPr"]);
    let rows = tables[0].find_all("w:tr");
    let grid: Vec<&str> = tables[0].find_all("w:gridCol").iter().map(|g| g.attr("w:w").unwrap()).collect();
    assert_eq!(grid, vec!["1200", "3000", "3000", "5556"]);
    // Row 0: header, cannot split, min height.
    let tr0 = rows[0].child("w:trPr").unwrap();
    assert!(tr0.child("w:tblHeader").is_some() && tr0.child("w:cantSplit").is_some());
    assert_eq!(tr0.child("w:trHeight").unwrap().attr("w:val"), Some("600"));
    assert!(rows[1].child("w:trPr").unwrap().child("w:tblHeader").is_none());
    assert!(rows[1].child("w:trPr").unwrap().child("w:cantSplit").is_none());
    // Shading on the label cells.
    let shd = rows[0].find_all("w:shd");
    assert_eq!(shd.len(), 4);
    assert_eq!(shd[0].attr("w:fill"), Some("E6E6E6"));
    // Row 1: label + a cell spanning three columns with the sum of their widths.
    let cells1 = rows[1].find_all("w:tc");
    assert_eq!(cells1.len(), 2);
    let tcpr = cells1[1].child("w:tcPr").unwrap();
    assert_eq!(tcpr.child("w:gridSpan").unwrap().attr("w:val"), Some("3"));
    assert_eq!(tcpr.child("w:tcW").unwrap().attr("w:w"), Some("11556"));
    // Rows 2–3: the row-spanning label restarts a vertical merge, row 3 continues it in column 0.
    let cells2 = rows[2].find_all("w:tc");
    let cells3 = rows[3].find_all("w:tc");
    assert_eq!((cells2.len(), cells3.len()), (4, 4));
    assert_eq!(cells2[0].child("w:tcPr").unwrap().child("w:vMerge").unwrap().attr("w:val"), Some("restart"));
    let cont = cells3[0].child("w:tcPr").unwrap().child("w:vMerge").unwrap();
    assert_eq!(cont.attr("w:val"), None);
    assert_eq!(cells3[0].find_all("w:p").len(), 1, "a continuation cell holds one paragraph");
    assert_eq!(cells3[1].text_of(), "□无法承接");
    // Borders: outer 1 pt, inner 0.5 pt; the signature table has none.
    let borders = tables[0].find_all("w:tblBorders")[0];
    assert_eq!(borders.child("w:top").unwrap().attr("w:sz"), Some("8"));
    assert_eq!(borders.child("w:insideH").unwrap().attr("w:sz"), Some("4"));
    assert_eq!(tables[1].find_all("w:tblBorders")[0].child("w:insideV").unwrap().attr("w:val"), Some("nil"));
    assert_eq!(tables[0].find_all("w:tblLayout")[0].attr("w:type"), Some("fixed"));
    // Cell padding: 4 pt sideways; 2 pt less half the 0.5 pt grid line up and down, so rows
    // are as tall as in the PDF, where borders take no room.
    let mar = tables[0].find_all("w:tblCellMar")[0];
    let pads: Vec<&str> =
        ["w:top", "w:left", "w:bottom", "w:right"].iter().map(|s| mar.child(s).unwrap().attr("w:w").unwrap()).collect();
    assert_eq!(pads, vec!["35", "80", "35", "80"]);
    // Every cell has at least one paragraph.
    for tc in document.find_all("w:tc") {
        assert!(tc.child("w:p").is_some());
    }
}

#[test]
fn keep_together_tables_cannot_split_and_keep_rows_with_the_next() {
    let mut doc = table_doc();
    let small = Table {
        columns: vec![200.0, 200.0],
        rows: (0..3)
            .map(|i| Row {
                cells: vec![cell(&format!("左{i}")), cell(&format!("右{i}"))],
                min_height: 0.0,
                can_split: true,
                keep_with_next: false,
                shrink_to: None,
            })
            .collect(),
        header_rows: 0,
        borders: Borders { outer: Some(1.0), inner: Some(0.5) },
        pad_x: 2.0,
        pad_y: 2.0,
        continues: false,
    };
    doc.blocks =
        vec![Block::KeepTogether(vec![Block::Paragraph(para(ParaStyle::body(), "前言")), Block::Table(small)])];
    let document = Package::read(&write_docx(&doc).unwrap()).xml("word/document.xml");
    let rows = document.find_all("w:tr");
    for (i, row) in rows.iter().enumerate() {
        assert!(row.child("w:trPr").unwrap().child("w:cantSplit").is_some());
        for p in row.find_all("w:pPr") {
            assert_eq!(p.child("w:keepNext").is_some(), i + 1 < rows.len(), "row {i} keeps with next");
        }
    }
    let intro = document.find_all("w:p").into_iter().find(|p| p.text_of() == "前言").unwrap();
    assert!(intro.child("w:pPr").unwrap().child("w:keepNext").is_some());
}

#[test]
fn page_break_goes_on_the_next_paragraph() {
    let mut doc = letter();
    doc.blocks = vec![
        Block::Paragraph(para(ParaStyle::body(), "第一页")),
        Block::PageBreak,
        Block::Paragraph(para(ParaStyle::body(), "第二页")),
    ];
    let document = Package::read(&write_docx(&doc).unwrap()).xml("word/document.xml");
    let ps = document.find_all("w:p");
    assert_eq!(ps.len(), 2);
    assert!(ps[0].child("w:pPr").unwrap().child("w:pageBreakBefore").is_none());
    assert!(ps[1].child("w:pPr").unwrap().child("w:pageBreakBefore").is_some());
}

#[test]
fn output_is_deterministic() {
    assert_eq!(write_docx(&letter()).unwrap(), write_docx(&letter()).unwrap());
    assert_eq!(write_docx(&table_doc()).unwrap(), write_docx(&table_doc()).unwrap());
}

#[test]
fn control_characters_are_stripped_and_breaks_kept() {
    let mut doc = letter();
    doc.title = "标题\u{1}".into();
    doc.blocks = vec![Block::Paragraph(para(ParaStyle::body(), "甲\u{0}乙\u{b}丙\u{FFFF}丁\n戊 "))];
    let bytes = write_docx(&doc).unwrap();
    let pkg = Package::read(&bytes);
    for (name, content) in pkg.parts.iter().filter(|(name, _)| !pkg.binary.contains_key(*name)) {
        assert!(content.chars().all(crate::text::is_xml_char), "{name} holds only XML characters");
        assert!(!content.contains("&#"), "{name} has no character references");
    }
    let document = pkg.xml("word/document.xml");
    assert_eq!(document.text_of(), "甲乙丙丁戊 ");
    let run = document.find_all("w:r").into_iter().find(|r| r.text_of().starts_with('甲')).unwrap();
    let kinds: Vec<&str> = run.children.iter().map(|c| c.name.as_str()).collect();
    // Set in 正文, the run states no properties of its own.
    assert_eq!(kinds, vec!["w:t", "w:br", "w:t"]);
    assert_eq!(run.find_all("w:t")[1].attr("xml:space"), Some("preserve"));
    assert_eq!(pkg.xml("docProps/core.xml").child("dc:title").unwrap().text, "标题");
}

// ---------- named styles ----------

/// The paragraph styles of styles.xml.
fn paragraph_styles(styles: &Node) -> Vec<&Node> {
    styles.find_all("w:style").into_iter().filter(|s| s.attr("w:type") == Some("paragraph")).collect()
}

/// The paragraph style whose styleId is `id`.
fn style_named<'a>(styles: &'a Node, id: &str) -> &'a Node {
    paragraph_styles(styles).into_iter().find(|s| s.attr("w:styleId") == Some(id)).unwrap()
}

/// `w:val` of a style's child element.
fn val<'a>(node: &'a Node, child: &str) -> Option<&'a str> {
    node.child(child).and_then(|c| c.attr("w:val"))
}

/// The XML paragraph holding exactly `text`.
fn paragraph_with<'a>(root: &'a Node, text: &str) -> &'a Node {
    root.find_all("w:p").into_iter().find(|p| p.text_of() == text).unwrap_or_else(|| panic!("a paragraph {text}"))
}

#[test]
fn every_paragraph_names_a_style_that_styles_xml_defines() {
    for doc in [letter(), table_doc()] {
        let pkg = Package::read(&write_docx(&doc).unwrap());
        let styles = pkg.xml("word/styles.xml");
        let defined = paragraph_styles(&styles);
        let ids: Vec<&str> = defined.iter().map(|s| s.attr("w:styleId").unwrap()).collect();
        let names: Vec<&str> = defined.iter().map(|s| val(s, "w:name").unwrap()).collect();
        for (i, id) in ids.iter().enumerate() {
            assert!(id.is_ascii() && !id.is_empty(), "styleId {id} is ASCII");
            assert!(!ids[..i].contains(id) && !names[..i].contains(&names[i]), "{id} {} defined once", names[i]);
        }
        let defaults: Vec<&str> =
            defined.iter().filter(|s| s.attr("w:default") == Some("1")).map(|s| s.attr("w:styleId").unwrap()).collect();
        assert_eq!(defaults, vec!["Normal"], "正文 is the default paragraph style");
        for s in &defined {
            for link in ["w:basedOn", "w:next"] {
                if let Some(target) = val(s, link) {
                    assert!(ids.contains(&target), "{link} {target} is defined");
                }
            }
            style_chain(&styles, s.attr("w:styleId").unwrap());
        }
        let mut used = std::collections::BTreeSet::new();
        for (name, _) in pkg.parts.iter().filter(|(n, _)| *n == "word/document.xml" || n.starts_with("word/footer")) {
            for p in pkg.xml(name).find_all("w:p") {
                let id = style_of(p);
                assert!(ids.contains(&id), "{name}: pStyle {id} is defined");
                used.insert(id.to_string());
            }
        }
        // Every style defined is used, or is the base of one used.
        for id in &ids {
            let base_of_used =
                used.iter().any(|u| style_chain(&styles, u).iter().any(|s| s.attr("w:styleId") == Some(id)));
            assert!(base_of_used, "{id} is used");
        }
    }
}

#[test]
fn body_paragraphs_state_no_formatting_of_their_own() {
    let doc = letter();
    let pkg = Package::read(&write_docx(&doc).unwrap());
    let document = pkg.xml("word/document.xml");
    let styles = pkg.xml("word/styles.xml");
    let body_texts: Vec<String> = doc
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Paragraph(p) if p.style.name.key == "body" => Some(p.plain_text()),
            _ => None,
        })
        .collect();
    assert!(body_texts.len() >= 8);
    for text in &body_texts {
        let p = paragraph_with(&document, text);
        assert_eq!(style_of(p), "Normal", "{text}");
        // Only where the paragraph stands in the flow (keep with the next, break before).
        for c in &p.child("w:pPr").unwrap().children {
            assert!(
                matches!(c.name.as_str(), "w:pStyle" | "w:keepNext" | "w:keepLines" | "w:pageBreakBefore"),
                "{text}: {}",
                c.name
            );
        }
        // A run states nothing of its own but the explicit punctuation compression
        // (typeset::spacing_after: ”） set tighter), which is the character's, not the style's.
        for r in p.find_all("w:r") {
            if let Some(rpr) = r.child("w:rPr") {
                let names: Vec<&str> = rpr.children.iter().map(|c| c.name.as_str()).collect();
                assert_eq!(names, ["w:spacing"], "{text}: a run with its own properties");
            }
        }
    }
    // 正文 is Word's Normal and holds the body's face, size, spacing, pitch and indent: who
    // changes 正文 changes these paragraphs.
    let normal = style_named(&styles, "Normal");
    assert_eq!(val(normal, "w:name"), Some("Normal"));
    let rpr = normal.child("w:rPr").unwrap();
    let face = rpr.child("w:rFonts").unwrap().attr("w:eastAsia").unwrap();
    assert_eq!(face.rsplit_once(' ').map_or(face, |(f, _)| f), "Gongwen FangSong");
    assert_eq!((val(rpr, "w:sz"), val(rpr, "w:spacing")), (Some("32"), Some("-5")));
    let ppr = normal.child("w:pPr").unwrap();
    assert_eq!(ppr.child("w:spacing").unwrap().attr("w:line"), Some("579"));
    assert_eq!(ppr.child("w:ind").unwrap().attr("w:firstLineChars"), Some("200"));
    // The styles based on it state only what they change: the headings their face, the
    // signature its alignment and indent, so a new size for 正文 reaches them too.
    let heading = style_named(&styles, style_of(paragraph_with(&document, "一、协作背景及目的")));
    let heading_rpr: Vec<&str> = heading.child("w:rPr").unwrap().children.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(heading_rpr, vec!["w:rFonts"]);
    let signature = style_named(&styles, style_of(paragraph_with(&document, "2026年3月5日")));
    assert!(signature.child("w:rPr").is_none());
    // The seal's name states the indent that centres it over the date, the date nothing.
    let name_ppr = paragraph_with(&document, "市场部（盖章）").child("w:pPr").unwrap();
    assert_eq!(name_ppr.child("w:ind").unwrap().attr("w:rightChars"), Some("550"));
    assert!(paragraph_with(&document, "2026年3月5日").child("w:pPr").unwrap().child("w:ind").is_none());
    // A blank states its face only; a run set apart, its own.
    let slip = paragraph_with(&document, "（由收函部门填写）");
    let run_props: Vec<Vec<&str>> = slip
        .find_all("w:r")
        .iter()
        .map(|r| r.child("w:rPr").map_or(vec![], |p| p.children.iter().map(|c| c.name.as_str()).collect()))
        .collect();
    assert_eq!(run_props, vec![vec![], vec!["w:rFonts"], vec![]]);
}

#[test]
fn styles_carry_the_names_a_chinese_word_shows() {
    let pkg = Package::read(&write_docx(&letter()).unwrap());
    let document = pkg.xml("word/document.xml");
    let styles = pkg.xml("word/styles.xml");
    let style_for = |text: &str| style_named(&styles, style_of(paragraph_with(&document, text)));
    // Headings: 一级标题 and 二级标题, based on 正文 and followed by it, in the navigation
    // pane (outline levels 0 and 1) and the style gallery.
    for (text, name, level) in [("一、协作背景及目的", "一级标题", "0"), ("（一）工作目标", "二级标题", "1")]
    {
        let s = style_for(text);
        assert_eq!(val(s, "w:name"), Some(name));
        assert_eq!(s.attr("w:customStyle"), Some("1"));
        assert_eq!((val(s, "w:basedOn"), val(s, "w:next")), (Some("Normal"), Some("Normal")));
        assert!(s.child("w:qFormat").is_some());
        assert_eq!(val(s.child("w:pPr").unwrap(), "w:outlineLvl"), Some(level));
        assert!(is_on(&resolve(&styles, paragraph_with(&document, text)).0, "w:keepNext"));
    }
    // The title is Word's own Title (标题 in a Chinese Word), not a custom style.
    let title = style_for("市场部工作联系函");
    assert_eq!(
        (title.attr("w:styleId"), val(title, "w:name"), title.attr("w:customStyle")),
        (Some("Title"), Some("Title"), None)
    );
    // The others under their Chinese names, chained sensibly.
    let named_as = |text: &str| {
        let s = style_for(text);
        (val(s, "w:name").unwrap().to_string(), val(s, "w:basedOn").map(str::to_string))
    };
    assert_eq!(named_as("2026年3月5日"), ("署名".to_string(), Some("Normal".to_string())));
    assert_eq!(named_as("财务部："), ("正文不缩进".to_string(), Some("Normal".to_string())));
    assert_eq!(named_as("回  执"), ("回执标题".to_string(), Some("Title".to_string())));
    assert_eq!(named_as("发函部门：市场部").0, "版头栏目");
    // The page number is in Word's footer style (页脚).
    let footer = pkg.xml("word/footer1.xml");
    let footer_style = style_named(&styles, style_of(footer.find_all("w:p")[0]));
    assert_eq!((footer_style.attr("w:styleId"), val(footer_style, "w:name")), (Some("Footer"), Some("footer")));
}

/// Every paragraph with text in `doc`, in order, with the space the flow adds before it (the
/// room for a stamp).
fn model_paragraphs(doc: &Document) -> Vec<(&Paragraph, f32)> {
    fn walk<'a>(blocks: &'a [Block], out: &mut Vec<(&'a Paragraph, f32)>) {
        for b in blocks {
            match b {
                Block::Paragraph(p) => out.push((p, 0.0)),
                Block::Table(t) => {
                    for p in t.rows.iter().flat_map(|r| &r.cells).flat_map(|c| &c.paragraphs) {
                        out.push((p, 0.0));
                    }
                }
                Block::Seal(s) => {
                    for (i, p) in s.lines.iter().enumerate() {
                        out.push((p, if i == 0 { s.space_above } else { 0.0 }));
                    }
                }
                Block::KeepTogether(inner) => walk(inner, out),
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    walk(&doc.blocks, &mut out);
    out
}

/// A paragraph's text as the .docx holds it (blanks as low lines, no breaks).
fn docx_text(p: &Paragraph) -> String {
    p.content
        .iter()
        .map(|i| match i {
            Inline::Text { text, .. } => text.chars().filter(|c| !matches!(c, '\n' | '\r' | '\t')).collect(),
            Inline::Blank { width } => BLANK_CHAR.to_string().repeat(width.round().max(1.0) as usize),
        })
        .collect()
}

#[test]
fn what_word_resolves_is_the_models_formatting() {
    use super::{font_face, half_points, twips};
    for doc in [letter(), table_doc()] {
        let pkg = Package::read(&write_docx(&doc).unwrap());
        let document = pkg.xml("word/document.xml");
        let styles = pkg.xml("word/styles.xml");
        let mut xml_paragraphs = document.find_all("w:p");
        let mut checked = 0;
        for (p, extra_before) in model_paragraphs(&doc) {
            let text = docx_text(p);
            if text.is_empty() {
                continue;
            }
            let at = xml_paragraphs.iter().position(|x| x.text_of() == text).unwrap_or_else(|| panic!("{text}"));
            let x = xml_paragraphs.remove(at);
            let (ppr, runs) = resolve(&styles, x);
            let st = &p.style;
            let get = |name: &str, attr: &str| prop(&ppr, name, attr).map(str::to_string);
            let want = |n: i64| Some(n.to_string());
            assert_eq!(get("w:spacing", "w:line"), want(twips(st.line_pitch)), "{text}");
            assert_eq!(get("w:spacing", "w:lineRule").as_deref(), Some("exact"), "{text}");
            assert_eq!(get("w:spacing", "w:before"), want(twips(st.space_before + extra_before)), "{text}");
            assert_eq!(get("w:spacing", "w:after"), want(twips(st.space_after)), "{text}");
            let jc = match st.align {
                Align::Justify => "both",
                Align::Left => "left",
                Align::Center => "center",
                Align::Right => "right",
            };
            assert_eq!(get("w:jc", "w:val").as_deref(), Some(jc), "{text}");
            let chars = |n: f32| want((n * 100.0).round() as i64);
            let length = |n: f32| want(twips(n * st.size));
            let or_zero = |v: Option<String>| v.or_else(|| want(0));
            assert_eq!(or_zero(get("w:ind", "w:leftChars")), chars(st.left_indent), "{text}");
            assert_eq!(or_zero(get("w:ind", "w:left")), length(st.left_indent), "{text}");
            assert_eq!(or_zero(get("w:ind", "w:rightChars")), chars(st.right_indent), "{text}");
            assert_eq!(or_zero(get("w:ind", "w:right")), length(st.right_indent), "{text}");
            let (first_chars, first) = if st.first_indent < 0.0 {
                ("w:hangingChars", "w:hanging")
            } else {
                ("w:firstLineChars", "w:firstLine")
            };
            assert_eq!(or_zero(get("w:ind", first_chars)), chars(st.first_indent.abs()), "{text}");
            assert_eq!(or_zero(get("w:ind", first)), length(st.first_indent.abs()), "{text}");
            if st.keep_with_next {
                assert!(is_on(&ppr, "w:keepNext"), "{text}");
            }
            // Runs, in order: each character in the style's face unless overridden (a blank in
            // Song), with the spacing after it that typeset decides (compression, nothing after
            // the last character of a centred or right-aligned line).
            let mut chars: Vec<char> = Vec::new();
            let mut roles: Vec<FontRole> = Vec::new();
            for i in &p.content {
                let (role, text): (FontRole, String) = match i {
                    Inline::Text { role, text } => (role.unwrap_or(st.role), text.clone()),
                    Inline::Blank { width } => {
                        (BLANK_ROLE, BLANK_CHAR.to_string().repeat(width.round().max(1.0) as usize))
                    }
                };
                for c in text.chars() {
                    chars.push(c);
                    roles.push(role);
                }
            }
            let trim_end = matches!(st.align, Align::Center | Align::Right);
            let spacing_after = crate::typeset::spacing_after(&chars, |k| roles[k], st.char_spacing, st.size, trim_end);
            let mut at = 0;
            for (run_text, rpr) in runs.iter() {
                let face = font_face(roles[at]).name;
                let face_of = |name: &str| name.rsplit_once(' ').map_or(name.to_string(), |(f, _)| f.to_string());
                let named = prop(rpr, "w:rFonts", "w:eastAsia").map(face_of);
                assert!(
                    named.as_deref() == Some(face) || named.as_deref().map(face_of).as_deref() == Some(face),
                    "{run_text}: {named:?} vs {face}"
                );
                assert_eq!(prop(rpr, "w:sz", "w:val").map(str::to_string), want(half_points(st.size)), "{run_text}");
                assert_eq!(prop(rpr, "w:szCs", "w:val").map(str::to_string), want(half_points(st.size)), "{run_text}");
                let spacing = prop(rpr, "w:spacing", "w:val").unwrap_or("0");
                assert_eq!(spacing, twips(spacing_after[at]).to_string(), "{run_text}");
                assert_eq!(is_on(rpr, "w:b"), st.bold, "{run_text}");
                at += run_text.chars().filter(|c| *c != '\n').count();
            }
            assert_eq!(at, chars.iter().filter(|c| **c != '\n').count(), "{text}: every character in a run");
            checked += 1;
        }
        assert!(checked >= 15, "{checked} paragraphs checked");
    }
}

/// Validate the test documents with the shared checkdocs tool (ECMA-376 schemas, rpr order,
/// python-docx). Skipped, with a message, where python3 or checkdocs is not installed; set
/// GONGWEN_CHECKDOCS to its path to run it elsewhere. With GONGWEN_DOCX_DUMP=DIR the test
/// documents are also written to DIR (to render them with LibreOffice by hand).
#[test]
fn checkdocs_passes() {
    if let Ok(dump) = std::env::var("GONGWEN_DOCX_DUMP") {
        std::fs::create_dir_all(&dump).unwrap();
        std::fs::write(format!("{dump}/letter.docx"), write_docx(&letter()).unwrap()).unwrap();
        std::fs::write(format!("{dump}/table.docx"), write_docx(&table_doc()).unwrap()).unwrap();
    }
    // ../shared beside the repository (unit tests cannot use tests/common's helper).
    let tool = std::env::var("GONGWEN_CHECKDOCS")
        .unwrap_or_else(|_| format!("{}/../shared/checkdocs/checkdocs", env!("CARGO_MANIFEST_DIR")));
    if !std::path::Path::new(&tool).exists() {
        skip("checkdocs", &format!("not found at {tool} (set GONGWEN_CHECKDOCS)"));
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("letter.docx"), write_docx(&letter()).unwrap()).unwrap();
    std::fs::write(dir.path().join("table.docx"), write_docx(&table_doc()).unwrap()).unwrap();
    let out = match std::process::Command::new("python3").arg(&tool).arg(dir.path()).arg("--allow-landscape").output() {
        Ok(out) => out,
        Err(e) => {
            skip("checkdocs", &format!("cannot run python3: {e}"));
            return;
        }
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if out.status.code() == Some(2) {
        skip("checkdocs", &format!("it is missing its tools: {stdout}{stderr}"));
        return;
    }
    println!("{stdout}");
    assert!(out.status.success(), "checkdocs failed:\n{stdout}{stderr}");
    assert!(stdout.contains("2 passed, 0 failed"), "{stdout}");
}

/// The embedded font parts of a package, de-obfuscated: `w:font` name → (font bytes, the
/// fontTable slots that reference it). Checks that every reference resolves on the way.
fn embedded_fonts(pkg: &Package) -> BTreeMap<String, (Vec<u8>, Vec<String>)> {
    let rels = pkg.xml("word/_rels/fontTable.xml.rels");
    let mut out: BTreeMap<String, (Vec<u8>, Vec<String>)> = BTreeMap::new();
    for font in pkg.xml("word/fontTable.xml").find_all("w:font") {
        let name = font.attr("w:name").unwrap().to_string();
        for slot in font.children.iter().filter(|c| c.name.starts_with("w:embed")) {
            let id = slot.attr("r:id").unwrap();
            let rel = rels
                .find_all("Relationship")
                .into_iter()
                .find(|r| r.attr("Id") == Some(id))
                .unwrap_or_else(|| panic!("{id} resolves"));
            assert!(rel.attr("Type").unwrap().ends_with("/relationships/font"));
            let data = &pkg.binary[&format!("word/{}", rel.attr("Target").unwrap())];
            let hex: String = slot.attr("w:fontKey").unwrap().chars().filter(char::is_ascii_hexdigit).collect();
            assert_eq!(hex.len(), 32);
            let key: Vec<u8> = (0..16).map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap()).collect();
            let mut bytes = data.clone();
            for (i, b) in bytes.iter_mut().take(32).enumerate() {
                *b ^= key[15 - i % 16];
            }
            assert_eq!(slot.attr("w:subsetted"), Some("1"));
            let entry = out.entry(name.clone()).or_insert_with(|| (bytes.clone(), Vec::new()));
            assert_eq!(entry.0, bytes, "{name}: every slot holds the same font");
            entry.1.push(slot.name.clone());
        }
    }
    out
}

#[test]
fn embedded_subsets_cover_every_run_and_no_embed_leaves_them_out() {
    for doc in [letter(), table_doc()] {
        let pkg = Package::read(&write_docx(&doc).unwrap());
        let fonts = embedded_fonts(&pkg);
        let faces: BTreeMap<&str, ttf_parser::Face> = fonts
            .iter()
            .map(|(name, (bytes, _))| (name.as_str(), ttf_parser::Face::parse(bytes, 0).expect("a TrueType font")))
            .collect();
        // Every face the package names is embedded, under the family name inside the subset.
        for f in pkg.xml("word/fontTable.xml").find_all("w:font") {
            let name = f.attr("w:name").unwrap();
            let face = faces.get(name).unwrap_or_else(|| panic!("{name} embedded"));
            let family = face
                .names()
                .into_iter()
                .find(|n| n.name_id == ttf_parser::name_id::FAMILY && n.is_unicode())
                .and_then(|n| n.to_string());
            assert_eq!(family.as_deref(), Some(name));
        }
        // The bold-only title face sits in both the regular and the bold slot.
        if let Some((_, slots)) = fonts.get("Gongwen Title") {
            assert_eq!(slots, &["w:embedRegular", "w:embedBold"]);
        }
        // Every character of every run is in its face's subset, or — when the face lacks
        // it — in the fallback face's (Gongwen Song).
        for part in ["word/document.xml", "word/footer1.xml"] {
            let Some(_) = pkg.parts.get(part) else { continue };
            for run in pkg.xml(part).find_all("w:r") {
                let Some(name) =
                    run.child("w:rPr").and_then(|p| p.child("w:rFonts")).and_then(|f| f.attr("w:eastAsia"))
                else {
                    continue;
                };
                for c in run.text_of().chars() {
                    let covered = faces[name].glyph_index(c).is_some()
                        || faces.get("Gongwen Song").is_some_and(|s| s.glyph_index(c).is_some());
                    assert!(covered, "{part}: {c} of a {name} run is embedded");
                }
            }
        }
        let settings = pkg.xml("word/settings.xml");
        assert!(settings.child("w:embedTrueTypeFonts").is_some());
        assert!(settings.child("w:saveSubsetFonts").is_some());

        let bare = Package::read(&super::write_docx_with(&doc, &super::DocxOptions { embed_fonts: false }).unwrap());
        assert!(bare.parts.keys().all(|n| !n.contains("fonts/") && !n.contains("fontTable.xml.rels")));
        assert!(bare.xml("word/fontTable.xml").all().iter().all(|n| !n.name.starts_with("w:embed")));
        assert!(!bare.parts["[Content_Types].xml"].contains("obfuscatedFont"));
        let settings = bare.xml("word/settings.xml");
        assert!(settings.child("w:embedTrueTypeFonts").is_none() && settings.child("w:saveSubsetFonts").is_none());
        // The body is the same but for the subset tags on the face names.
        let untagged = fonts.keys().fold(pkg.parts["word/document.xml"].clone(), |xml, name| {
            let face = name.rsplit_once(' ').unwrap().0;
            xml.replace(&format!("=\"{name}\""), &format!("=\"{face}\""))
        });
        assert!(bare.parts["word/document.xml"] == untagged, "document.xml differs beyond the face names");
    }
}
