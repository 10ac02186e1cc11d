//! Tests of the DOCX writer: build documents by hand, write them, read the package back
//! (zip + quick-xml) and check what Word/WPS/LibreOffice would see.

use super::write_docx;
use crate::model::*;
use quick_xml::events::Event;
use std::collections::BTreeMap;
use std::io::{Cursor, Read};

// ---------- building test documents ----------

fn styled(role: FontRole, size: f32, align: Align, first_indent: f32) -> ParaStyle {
    ParaStyle {
        role,
        size,
        align,
        first_indent,
        ..ParaStyle::body()
    }
}

fn para(style: ParaStyle, text: &str) -> Paragraph {
    Paragraph::new(style, text)
}

fn cell(text: &str) -> Cell {
    Cell::new(vec![para(
        styled(FontRole::FangSong, 12.0, Align::Left, 0.0),
        text,
    )])
}

const LONG: &str = "为顺利推进2026年第三季度新产品上市（以下简称“该工作”）的实施，确保各项任务高效协同、按期完成，现就该工作中需贵部门协作配合的事项函告如下：该工作为公司年度重点工作，涉及渠道、物流与售后多个环节，需多部门协同推进，请贵部门在相关环节给予专业支持与配合。";

/// A letter-like document: title, borderless header table, rule, body, heading, seal, cut
/// line and a keep-together reply slip with blanks; `— N —` page numbers.
fn letter() -> Document {
    let title = ParaStyle {
        line_pitch: 40.0,
        ..styled(FontRole::Title, 22.0, Align::Center, 0.0)
    };
    let header_style = styled(FontRole::FangSong, 16.0, Align::Left, 0.0);
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
    };
    let body = ParaStyle::body();
    let heading = ParaStyle {
        keep_with_next: true,
        ..styled(FontRole::Hei, 16.0, Align::Justify, 2.0)
    };
    let seal_style = ParaStyle {
        right_indent: 4.0,
        ..styled(FontRole::FangSong, 16.0, Align::Right, 0.0)
    };
    let slip = ParaStyle {
        size: 14.0,
        line_pitch: 24.0,
        ..body
    };
    let mut blocks = vec![
        Block::Paragraph(para(title, "市场部工作联系函")),
        Block::Table(header),
        Block::Rule {
            height: 14.0,
            thickness: 1.0,
        },
        Block::Paragraph(para(
            ParaStyle {
                first_indent: 0.0,
                ..body
            },
            "财务部：",
        )),
        Block::Paragraph(para(body, LONG)),
        Block::Paragraph(para(heading, "一、协作背景及目的")),
    ];
    for _ in 0..6 {
        blocks.push(Block::Paragraph(para(body, LONG)));
    }
    blocks.push(Block::Paragraph(para(
        body,
        "该工作的顺利开展离不开贵部门的支持与配合，望予协助。特此函告。",
    )));
    blocks.push(Block::Seal(SealBlock {
        space_above: 57.9,
        lines: vec![
            para(seal_style, "市场部（盖章）"),
            para(seal_style, "2026年3月5日"),
        ],
        diameter_mm: 42.0,
        image: None,
    }));
    blocks.push(Block::CutLine { height: 28.95 });
    blocks.push(Block::KeepTogether(vec![
        Block::Paragraph(para(
            ParaStyle {
                size: 16.0,
                ..styled(FontRole::Hei, 16.0, Align::Center, 0.0)
            },
            "回  执",
        )),
        Block::Paragraph(para(
            ParaStyle {
                first_indent: 0.0,
                ..slip
            },
            "（由收函部门填写）",
        )),
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
        Block::Paragraph(para(
            ParaStyle {
                align: Align::Right,
                first_indent: 0.0,
                right_indent: 4.0,
                ..slip
            },
            "回复日期：    年  月  日",
        )),
    ]));
    Document {
        title: "市场部工作联系函".into(),
        author: "市场部".into(),
        date: chrono::NaiveDate::from_ymd_opt(2026, 3, 5),
        page: PageSetup::a4_official(),
        page_numbers: PageNumbers::Dash,
        blocks,
    }
}

/// A landscape table document: header row, a cell spanning three columns, a cell spanning
/// two rows, shaded labels, a row that may not split; `第 N 页 共 M 页` numbers.
fn table_doc() -> Document {
    let label = |text: &str| Cell {
        shade: Some(0.9),
        ..cell(text)
    };
    let header = Row {
        cells: ["序号", "任务名称", "承办部门", "备注"]
            .iter()
            .map(|t| label(t))
            .collect(),
        min_height: 30.0,
        can_split: false,
        keep_with_next: false,
        shrink_to: None,
    };
    let mut rows = vec![header];
    rows.push(Row {
        cells: vec![
            label("协作主题"),
            Cell {
                col_span: 3,
                ..cell("2026年第三季度新产品上市")
            },
        ],
        min_height: 20.0,
        can_split: true,
        keep_with_next: false,
        shrink_to: None,
    });
    rows.push(Row {
        cells: vec![
            Cell {
                row_span: 2,
                ..label("确认意见")
            },
            cell("□同意承接"),
            cell("甲"),
            cell("乙"),
        ],
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
            cells: vec![
                cell(&i.to_string()),
                cell(&format!("任务{i}")),
                cell("财务部"),
                cell(LONG),
            ],
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
            Block::Paragraph(para(
                styled(FontRole::Title, 22.0, Align::Center, 0.0),
                "协作任务拆分清单",
            )),
            Block::Table(Table {
                columns: vec![60.0, 150.0, 150.0, 277.8],
                rows,
                header_rows: 1,
                borders: Borders {
                    outer: Some(1.0),
                    inner: Some(0.5),
                },
                pad_x: 4.0,
                pad_y: 2.0,
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
            }),
        ],
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
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
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
        self.find_all("w:t")
            .iter()
            .map(|t| t.text.as_str())
            .collect()
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
                let value = a
                    .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .unwrap()
                    .into_owned();
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

/// The package: entry name → content, plus the entries' zip metadata.
struct Package {
    parts: BTreeMap<String, String>,
    order: Vec<String>,
}

impl Package {
    fn read(bytes: &[u8]) -> Package {
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip");
        let mut parts = BTreeMap::new();
        let mut order = Vec::new();
        for i in 0..zip.len() {
            let mut f = zip.by_index(i).unwrap();
            let name = f.name().unwrap().to_string();
            // The body is always big enough to deflate; parts under 1 KB are stored.
            let want = if f.size() >= super::STORE_BELOW as u64 {
                zip::CompressionMethod::Deflated
            } else {
                zip::CompressionMethod::Stored
            };
            assert_eq!(f.compression(), want, "{name}: {} bytes", f.size());
            if name == "word/document.xml" {
                assert_eq!(want, zip::CompressionMethod::Deflated);
            }
            let t = f.last_modified().unwrap();
            assert_eq!(
                (t.year(), t.month(), t.day()),
                (1980, 1, 1),
                "{name} has the fixed timestamp"
            );
            let mut s = String::new();
            f.read_to_string(&mut s).unwrap();
            order.push(name.clone());
            parts.insert(name, s);
        }
        Package { parts, order }
    }

    fn xml(&self, name: &str) -> Node {
        parse(
            self.parts
                .get(name)
                .unwrap_or_else(|| panic!("part {name} exists")),
        )
    }
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
    "w:rPr",
];

fn assert_ordered(node: &Node, order: &[&str]) {
    let positions: Vec<usize> = node
        .children
        .iter()
        .map(|c| {
            order
                .iter()
                .position(|o| *o == c.name)
                .unwrap_or_else(|| panic!("unexpected {} in {}", c.name, node.name))
        })
        .collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "{} children out of order: {:?}",
        node.name,
        node.children
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>()
    );
}

// ---------- tests ----------

#[test]
fn every_part_exists_has_a_content_type_and_is_linked() {
    for doc in [letter(), table_doc()] {
        let pkg = Package::read(&write_docx(&doc));
        assert_eq!(pkg.order[0], "[Content_Types].xml");
        let types = pkg.xml("[Content_Types].xml");
        let overrides: Vec<&str> = types
            .find_all("Override")
            .iter()
            .map(|o| o.attr("PartName").unwrap())
            .collect();
        let mut targeted = Vec::new();
        for (rels_name, base) in [
            ("_rels/.rels", ""),
            ("word/_rels/document.xml.rels", "word/"),
        ] {
            for rel in pkg.xml(rels_name).find_all("Relationship") {
                let target = format!("{base}{}", rel.attr("Target").unwrap());
                assert!(
                    pkg.parts.contains_key(&target),
                    "{rels_name} → {target} exists"
                );
                targeted.push(target);
            }
        }
        for name in pkg
            .parts
            .keys()
            .filter(|n| !n.ends_with(".rels") && *n != "[Content_Types].xml")
        {
            assert!(targeted.contains(name), "{name} is linked");
            assert!(
                overrides.contains(&format!("/{name}").as_str()),
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
    let pkg = Package::read(&write_docx(&doc));
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
    assert_eq!(
        core.child("dcterms:created").unwrap().text,
        "2026-03-05T00:00:00Z"
    );
    let undated = Package::read(&write_docx(&table_doc()));
    assert_eq!(
        undated
            .xml("docProps/core.xml")
            .child("dcterms:modified")
            .unwrap()
            .text,
        "2000-01-01T00:00:00Z"
    );
}

#[test]
fn fonts_are_named_by_role_and_listed_in_the_font_table() {
    let pkg = Package::read(&write_docx(&letter()));
    let document = pkg.xml("word/document.xml");
    let mut named = std::collections::BTreeSet::new();
    for name in [
        "word/document.xml",
        "word/styles.xml",
        "word/footer1.xml",
        "word/footer2.xml",
    ] {
        for f in pkg.xml(name).find_all("w:rFonts") {
            let east_asia = f.attr("w:eastAsia").unwrap();
            for a in ["w:ascii", "w:hAnsi", "w:cs"] {
                assert_eq!(f.attr(a), Some(east_asia), "one face for every script");
            }
            assert_eq!(f.attr("w:hint"), Some("eastAsia"));
            named.insert(east_asia.to_string());
        }
    }
    // The title run is 方正小标宋简体, the heading 黑体, the body 仿宋, the page number 宋体.
    let run_font = |needle: &str| {
        let run = document
            .find_all("w:r")
            .into_iter()
            .find(|r| r.text_of().contains(needle))
            .unwrap();
        run.child("w:rPr")
            .unwrap()
            .child("w:rFonts")
            .unwrap()
            .attr("w:eastAsia")
            .unwrap()
            .to_string()
    };
    assert_eq!(run_font("市场部工作联系函"), "方正小标宋简体");
    assert_eq!(run_font("一、协作背景"), "黑体");
    assert_eq!(run_font("为顺利推进"), "仿宋");
    assert_eq!(
        pkg.xml("word/footer1.xml").find_all("w:rFonts")[0].attr("w:eastAsia"),
        Some("宋体")
    );
    let table = pkg.xml("word/fontTable.xml");
    let listed: std::collections::BTreeSet<String> = table
        .find_all("w:font")
        .iter()
        .map(|f| f.attr("w:name").unwrap().to_string())
        .collect();
    assert_eq!(listed, named, "fontTable lists exactly the fonts used");
    let title = table
        .find_all("w:font")
        .into_iter()
        .find(|f| f.attr("w:name") == Some("方正小标宋简体"))
        .unwrap();
    assert_eq!(
        title.child("w:altName").unwrap().attr("w:val"),
        Some("宋体")
    );
    assert_eq!(title.child("w:charset").unwrap().attr("w:val"), Some("86"));
    // The table document uses no 黑体 or 楷体, so they are not listed.
    let other = Package::read(&write_docx(&table_doc())).xml("word/fontTable.xml");
    assert!(other
        .find_all("w:font")
        .iter()
        .all(|f| !matches!(f.attr("w:name"), Some("黑体" | "楷体"))));
}

#[test]
fn properties_are_in_schema_order() {
    for doc in [letter(), table_doc()] {
        let pkg = Package::read(&write_docx(&doc));
        for name in pkg
            .parts
            .keys()
            .filter(|n| n.starts_with("word/") && n.ends_with(".xml"))
        {
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
fn body_runs_carry_size_spacing_and_paragraphs_exact_pitch_and_indents() {
    let pkg = Package::read(&write_docx(&letter()));
    let document = pkg.xml("word/document.xml");
    let body = document
        .find_all("w:p")
        .into_iter()
        .find(|p| p.text_of() == LONG)
        .unwrap();
    let ppr = body.child("w:pPr").unwrap();
    let spacing = ppr.child("w:spacing").unwrap();
    assert_eq!(
        (spacing.attr("w:line"), spacing.attr("w:lineRule")),
        (Some("579"), Some("exact"))
    );
    let ind = ppr.child("w:ind").unwrap();
    assert_eq!(
        (ind.attr("w:firstLineChars"), ind.attr("w:firstLine")),
        (Some("200"), Some("640"))
    );
    assert_eq!(ppr.child("w:jc").unwrap().attr("w:val"), Some("both"));
    let rpr = body.child("w:r").unwrap().child("w:rPr").unwrap();
    assert_eq!(rpr.child("w:spacing").unwrap().attr("w:val"), Some("-5"));
    assert_eq!(rpr.child("w:sz").unwrap().attr("w:val"), Some("32"));
    let heading = document
        .find_all("w:p")
        .into_iter()
        .find(|p| p.text_of() == "一、协作背景及目的")
        .unwrap();
    assert!(heading
        .child("w:pPr")
        .unwrap()
        .child("w:keepNext")
        .is_some());
}

#[test]
fn blanks_are_runs_of_low_lines_in_song() {
    let pkg = Package::read(&write_docx(&letter()));
    let blanks: Vec<(String, String)> = pkg
        .xml("word/document.xml")
        .find_all("w:r")
        .into_iter()
        .filter(|r| r.text_of().starts_with('＿'))
        .map(|r| {
            let font = r.child("w:rPr").and_then(|p| p.child("w:rFonts")).and_then(|f| f.attr("w:eastAsia")).unwrap_or_default();
            (r.text_of(), font.to_string())
        })
        .collect();
    assert_eq!(blanks, vec![("＿".repeat(4), "宋体".to_string()), ("＿".repeat(6), "宋体".to_string())]);
}

#[test]
fn seal_slip_and_cut_line_are_laid_out() {
    let pkg = Package::read(&write_docx(&letter()));
    let document = pkg.xml("word/document.xml");
    let paragraphs = document.child("w:body").unwrap().find_all("w:p");
    let ppr_of = |text: &str| {
        paragraphs
            .iter()
            .find(|p| p.text_of() == text)
            .unwrap()
            .child("w:pPr")
            .unwrap()
    };
    // Seal: room for the stamp before the name; name kept with the date, both kept whole.
    let name = ppr_of("市场部（盖章）");
    assert_eq!(
        name.child("w:spacing").unwrap().attr("w:before"),
        Some("1158")
    );
    assert!(name.child("w:keepNext").is_some() && name.child("w:keepLines").is_some());
    let date = ppr_of("2026年3月5日");
    assert!(date.child("w:keepNext").is_none() && date.child("w:keepLines").is_some());
    // Reply slip: every paragraph but the last keeps with the next.
    for text in ["回  执", "（由收函部门填写）"] {
        assert!(
            ppr_of(text).child("w:keepNext").is_some(),
            "{text} keeps with next"
        );
    }
    let last = ppr_of("回复日期：    年  月  日");
    assert!(last.child("w:keepNext").is_none() && last.child("w:keepLines").is_some());
    // Cut line: hyphen-leader tabs to the centre and the right edge of the 156 mm type area.
    let cut = ppr_of("✂");
    let tabs = cut.child("w:tabs").unwrap().find_all("w:tab");
    let stops: Vec<(&str, &str, &str)> = tabs
        .iter()
        .map(|t| {
            (
                t.attr("w:val").unwrap(),
                t.attr("w:pos").unwrap(),
                t.attr("w:leader").unwrap(),
            )
        })
        .collect();
    assert_eq!(
        stops,
        vec![("center", "4422", "hyphen"), ("right", "8845", "hyphen")]
    );
    // Rule: a bottom border of 1 pt (8 eighths).
    let rule = paragraphs
        .iter()
        .find(|p| p.find_all("w:bottom").len() == 1)
        .expect("a rule paragraph");
    assert_eq!(rule.find_all("w:bottom")[0].attr("w:sz"), Some("8"));
}

#[test]
fn letter_page_is_a4_portrait_with_dash_page_numbers() {
    let pkg = Package::read(&write_docx(&letter()));
    let document = pkg.xml("word/document.xml");
    let sect = document.find_all("w:sectPr").pop().unwrap();
    let size = sect.child("w:pgSz").unwrap();
    assert_eq!(
        (size.attr("w:w"), size.attr("w:h"), size.attr("w:orient")),
        (Some("11906"), Some("16838"), None)
    );
    let mar = sect.child("w:pgMar").unwrap();
    let m: Vec<&str> = [
        "w:top", "w:right", "w:bottom", "w:left", "w:footer", "w:gutter",
    ]
    .iter()
    .map(|a| mar.attr(a).unwrap())
    .collect();
    assert_eq!(m, vec!["2098", "1474", "1984", "1587", "1307", "0"]);
    let refs: Vec<&str> = sect
        .find_all("w:footerReference")
        .iter()
        .map(|r| r.attr("w:type").unwrap())
        .collect();
    assert_eq!(refs, vec!["default", "even"]);
    assert!(pkg
        .xml("word/settings.xml")
        .child("w:evenAndOddHeaders")
        .is_some());
    let odd = pkg.xml("word/footer1.xml");
    assert_eq!(odd.text_of(), "— 1 —");
    assert_eq!(odd.find_all("w:jc")[0].attr("w:val"), Some("right"));
    assert_eq!(odd.find_all("w:ind")[0].attr("w:rightChars"), Some("100"));
    assert!(odd.find_all("w:instrText")[0].text.contains("PAGE"));
    let kinds: Vec<&str> = odd
        .find_all("w:fldChar")
        .iter()
        .map(|f| f.attr("w:fldCharType").unwrap())
        .collect();
    assert_eq!(kinds, vec!["begin", "separate", "end"]);
    let even = pkg.xml("word/footer2.xml");
    assert_eq!(even.find_all("w:jc")[0].attr("w:val"), Some("left"));
    assert_eq!(even.find_all("w:ind")[0].attr("w:leftChars"), Some("100"));
}

#[test]
fn table_doc_is_landscape_with_merges_header_rows_and_shading() {
    let pkg = Package::read(&write_docx(&table_doc()));
    let document = pkg.xml("word/document.xml");
    let sect = document.find_all("w:sectPr").pop().unwrap();
    let size = sect.child("w:pgSz").unwrap();
    assert_eq!(
        (size.attr("w:w"), size.attr("w:h"), size.attr("w:orient")),
        (Some("16838"), Some("11906"), Some("landscape"))
    );
    let refs: Vec<&str> = sect
        .find_all("w:footerReference")
        .iter()
        .map(|r| r.attr("w:type").unwrap())
        .collect();
    assert_eq!(refs, vec!["default"]);
    assert!(pkg
        .xml("word/settings.xml")
        .child("w:evenAndOddHeaders")
        .is_none());
    assert_eq!(pkg.xml("word/footer1.xml").text_of(), "第 1 页 共 1 页");

    let body = document.child("w:body").unwrap();
    let tables: Vec<&Node> = body.children.iter().filter(|n| n.name == "w:tbl").collect();
    assert_eq!(tables.len(), 2);
    // The two tables are separated by a paragraph (Word would merge them) and one ends the body.
    let names: Vec<&str> = body.children.iter().map(|n| n.name.as_str()).collect();
    assert_eq!(
        names,
        vec!["w:p", "w:tbl", "w:p", "w:tbl", "w:p", "w:sectPr"]
    );
    let rows = tables[0].find_all("w:tr");
    let grid: Vec<&str> = tables[0]
        .find_all("w:gridCol")
        .iter()
        .map(|g| g.attr("w:w").unwrap())
        .collect();
    assert_eq!(grid, vec!["1200", "3000", "3000", "5556"]);
    // Row 0: header, cannot split, min height.
    let tr0 = rows[0].child("w:trPr").unwrap();
    assert!(tr0.child("w:tblHeader").is_some() && tr0.child("w:cantSplit").is_some());
    assert_eq!(tr0.child("w:trHeight").unwrap().attr("w:val"), Some("600"));
    assert!(rows[1]
        .child("w:trPr")
        .unwrap()
        .child("w:tblHeader")
        .is_none());
    assert!(rows[1]
        .child("w:trPr")
        .unwrap()
        .child("w:cantSplit")
        .is_none());
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
    assert_eq!(
        cells2[0]
            .child("w:tcPr")
            .unwrap()
            .child("w:vMerge")
            .unwrap()
            .attr("w:val"),
        Some("restart")
    );
    let cont = cells3[0]
        .child("w:tcPr")
        .unwrap()
        .child("w:vMerge")
        .unwrap();
    assert_eq!(cont.attr("w:val"), None);
    assert_eq!(
        cells3[0].find_all("w:p").len(),
        1,
        "a continuation cell holds one paragraph"
    );
    assert_eq!(cells3[1].text_of(), "□无法承接");
    // Borders: outer 1 pt, inner 0.5 pt; the signature table has none.
    let borders = tables[0].find_all("w:tblBorders")[0];
    assert_eq!(borders.child("w:top").unwrap().attr("w:sz"), Some("8"));
    assert_eq!(borders.child("w:insideH").unwrap().attr("w:sz"), Some("4"));
    assert_eq!(
        tables[1].find_all("w:tblBorders")[0]
            .child("w:insideV")
            .unwrap()
            .attr("w:val"),
        Some("nil")
    );
    assert_eq!(
        tables[0].find_all("w:tblLayout")[0].attr("w:type"),
        Some("fixed")
    );
    // Cell padding: 4 pt sideways; 2 pt less half the 0.5 pt grid line up and down, so rows
    // are as tall as in the PDF, where borders take no room.
    let mar = tables[0].find_all("w:tblCellMar")[0];
    let pads: Vec<&str> = ["w:top", "w:left", "w:bottom", "w:right"]
        .iter()
        .map(|s| mar.child(s).unwrap().attr("w:w").unwrap())
        .collect();
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
        borders: Borders {
            outer: Some(1.0),
            inner: Some(0.5),
        },
        pad_x: 2.0,
        pad_y: 2.0,
    };
    doc.blocks = vec![Block::KeepTogether(vec![
        Block::Paragraph(para(ParaStyle::body(), "前言")),
        Block::Table(small),
    ])];
    let document = Package::read(&write_docx(&doc)).xml("word/document.xml");
    let rows = document.find_all("w:tr");
    for (i, row) in rows.iter().enumerate() {
        assert!(row.child("w:trPr").unwrap().child("w:cantSplit").is_some());
        for p in row.find_all("w:pPr") {
            assert_eq!(
                p.child("w:keepNext").is_some(),
                i + 1 < rows.len(),
                "row {i} keeps with next"
            );
        }
    }
    let intro = document
        .find_all("w:p")
        .into_iter()
        .find(|p| p.text_of() == "前言")
        .unwrap();
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
    let document = Package::read(&write_docx(&doc)).xml("word/document.xml");
    let ps = document.find_all("w:p");
    assert_eq!(ps.len(), 2);
    assert!(ps[0]
        .child("w:pPr")
        .unwrap()
        .child("w:pageBreakBefore")
        .is_none());
    assert!(ps[1]
        .child("w:pPr")
        .unwrap()
        .child("w:pageBreakBefore")
        .is_some());
}

#[test]
fn output_is_deterministic() {
    assert_eq!(write_docx(&letter()), write_docx(&letter()));
    assert_eq!(write_docx(&table_doc()), write_docx(&table_doc()));
}

#[test]
fn control_characters_are_stripped_and_breaks_kept() {
    let mut doc = letter();
    doc.title = "标题\u{1}".into();
    doc.blocks = vec![Block::Paragraph(para(
        ParaStyle::body(),
        "甲\u{0}乙\u{b}丙\u{FFFF}丁\n戊 ",
    ))];
    let bytes = write_docx(&doc);
    let pkg = Package::read(&bytes);
    for (name, content) in &pkg.parts {
        assert!(
            content.chars().all(super::xml::is_xml_char),
            "{name} holds only XML characters"
        );
        assert!(
            !content.contains("&#"),
            "{name} has no character references"
        );
    }
    let document = pkg.xml("word/document.xml");
    assert_eq!(document.text_of(), "甲乙丙丁戊 ");
    let run = document
        .find_all("w:r")
        .into_iter()
        .find(|r| r.text_of().starts_with('甲'))
        .unwrap();
    let kinds: Vec<&str> = run.children.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(kinds, vec!["w:rPr", "w:t", "w:br", "w:t"]);
    assert_eq!(run.find_all("w:t")[1].attr("xml:space"), Some("preserve"));
    assert_eq!(
        pkg.xml("docProps/core.xml").child("dc:title").unwrap().text,
        "标题"
    );
}

/// Validate the test documents with the shared checkdocs tool (ECMA-376 schemas, rpr order,
/// python-docx). Skipped, with a message, where python3 or checkdocs is not installed; set
/// GONGWEN_CHECKDOCS to its path to run it elsewhere. With GONGWEN_DOCX_DUMP=DIR the test
/// documents are also written to DIR (to render them with LibreOffice by hand).
#[test]
fn checkdocs_passes() {
    if let Ok(dump) = std::env::var("GONGWEN_DOCX_DUMP") {
        std::fs::create_dir_all(&dump).unwrap();
        std::fs::write(format!("{dump}/letter.docx"), write_docx(&letter())).unwrap();
        std::fs::write(format!("{dump}/table.docx"), write_docx(&table_doc())).unwrap();
    }
    let tool = std::env::var("GONGWEN_CHECKDOCS")
        .unwrap_or_else(|_| "/work/shared/checkdocs/checkdocs".into());
    if !std::path::Path::new(&tool).exists() {
        eprintln!("skipped: checkdocs not found at {tool}");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("letter.docx"), write_docx(&letter())).unwrap();
    std::fs::write(dir.path().join("table.docx"), write_docx(&table_doc())).unwrap();
    let out = match std::process::Command::new("python3")
        .arg(&tool)
        .arg(dir.path())
        .arg("--allow-landscape")
        .output()
    {
        Ok(out) => out,
        Err(e) => {
            eprintln!("skipped: cannot run python3: {e}");
            return;
        }
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if out.status.code() == Some(2) {
        eprintln!("skipped: checkdocs is missing its tools: {stdout}{stderr}");
        return;
    }
    println!("{stdout}");
    assert!(out.status.success(), "checkdocs failed:\n{stdout}{stderr}");
    assert!(stdout.contains("2 passed, 0 failed"), "{stdout}");
}
