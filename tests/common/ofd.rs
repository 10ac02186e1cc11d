//! The structure of a GB/T 33190 package as the standard gives it, checked part by part: what
//! `tests/ofd.rs` asserts of every .ofd of the sample and `tests/serve.rs` of one sent over
//! HTTP. Included by path (`#[path = "common/ofd.rs"] mod ofd_check;`) by the tests that read
//! .ofd files, not through `common`: it adds its own lookups to [`Node`], as other tests do.

use super::common::xml::Node;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Read;

/// The namespace of every OFD element.
pub const NS: &str = "http://www.ofdspec.org/2016";

/// The parts of a zip, by name.
pub fn parts(ofd: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(ofd)).expect("a zip");
    let mut out = BTreeMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        out.insert(f.name().unwrap().to_string(), bytes);
    }
    out
}

impl Node {
    pub fn child(&self, name: &str) -> &Node {
        self.children
            .iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("<{}> has no <{name}>: {:?}", self.name, self.children))
    }

    pub fn all(&self, name: &str) -> Vec<&Node> {
        let mut out = Vec::new();
        self.walk(&mut |n| {
            if n.name == name {
                out.push(n)
            }
        });
        out
    }

    pub fn walk<'a>(&'a self, f: &mut impl FnMut(&'a Node)) {
        f(self);
        for c in &self.children {
            c.walk(f);
        }
    }

    pub fn attr(&self, name: &str) -> &str {
        self.attrs.get(name).unwrap_or_else(|| panic!("<{}> has no {name}", self.name))
    }

    /// The element names of the children, in order.
    pub fn names(&self) -> Vec<&str> {
        self.children.iter().map(|c| c.name.as_str()).collect()
    }
}

/// Numbers of an `ST_Array` / `ST_Box`.
pub fn numbers(s: &str) -> Vec<f64> {
    s.split_whitespace().map(|v| v.parse().unwrap_or_else(|_| panic!("not a number: {v} in {s:?}"))).collect()
}

/// Check one package (`parts`, by name) against the standard's structure, part by part
/// (GB/T 33190-2016 §7): the entry file, the document root, the resource files and every page,
/// with the required elements in schema order and their attributes; every ID unique and at
/// most MaxUnitID; every resource referenced and every reference resolved; each font a
/// TrueType subset whose cmap has every character its text objects draw; DeltaX one fewer than
/// the characters. A `bundle`'s (print bundle's or packet's) `Document.xml` has `Outlines`
/// after `Pages` — each entry a CLICK action going to (`Goto/Dest`, XYZ) the ID of one of its
/// pages — and `VPreferences` showing them; a single document's has neither. `name` is for the
/// messages. Returns how many page objects were checked.
pub fn check(name: &str, parts: &BTreeMap<String, Vec<u8>>, bundle: bool) -> usize {
    let mut objects = 0;
    let part = |path: &str| {
        Node::parse(parts.get(path).unwrap_or_else(|| panic!("{name}: no part {path}: {:?}", parts.keys())))
    };
    let in_ns = |n: &Node| {
        assert_eq!(n.attr("xmlns:ofd"), NS, "{name}: <{}>", n.name);
        n.walk(&mut |e| assert!(e.name.starts_with("ofd:"), "{name}: <{}> outside ofd:", e.name));
    };

    // OFD.xml: the entry.
    let root = part("OFD.xml");
    in_ns(&root);
    assert_eq!(root.name, "ofd:OFD");
    assert_eq!((root.attr("Version"), root.attr("DocType")), ("1.0", "OFD"));
    let body = root.child("ofd:DocBody");
    assert_eq!(body.names(), ["ofd:DocInfo", "ofd:DocRoot"]);
    let info = body.child("ofd:DocInfo");
    let order = ["ofd:DocID", "ofd:Title", "ofd:Author", "ofd:CreationDate", "ofd:Creator", "ofd:CreatorVersion"];
    assert_eq!(info.names(), order, "{name}: DocInfo in schema order");
    let doc_id = &info.child("ofd:DocID").text;
    assert!(doc_id.len() == 32 && doc_id.chars().all(|c| c.is_ascii_hexdigit()), "{name}: DocID {doc_id}");
    assert_eq!(info.child("ofd:Creator").text, "gongwen");
    let date = &info.child("ofd:CreationDate").text;
    assert!(chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").is_ok(), "{name}: CreationDate {date}");
    let doc_root = &body.child("ofd:DocRoot").text;
    assert_eq!(doc_root, "Doc_0/Document.xml");

    // Document.xml: common data and pages.
    let document = part(doc_root);
    in_ns(&document);
    assert_eq!(document.name, "ofd:Document");
    if bundle {
        let want = ["ofd:CommonData", "ofd:Pages", "ofd:Outlines", "ofd:VPreferences"];
        assert_eq!(document.names(), want, "{name}: Document in schema order");
        let preferences = document.child("ofd:VPreferences");
        assert_eq!(preferences.names(), ["ofd:PageMode"]);
        assert_eq!(preferences.child("ofd:PageMode").text, "UseOutlines", "{name}: opens with the outline shown");
    } else {
        assert_eq!(document.names(), ["ofd:CommonData", "ofd:Pages"], "{name}");
    }
    let common = document.child("ofd:CommonData");
    let with_images = parts.keys().any(|k| k.ends_with(".png"));
    let mut want = vec!["ofd:MaxUnitID", "ofd:PageArea", "ofd:PublicRes"];
    if with_images {
        want.push("ofd:DocumentRes");
    }
    assert_eq!(common.names(), want, "{name}: CommonData in schema order");
    let max_id: u32 = common.child("ofd:MaxUnitID").text.parse().unwrap();
    let area = numbers(&common.child("ofd:PageArea").child("ofd:PhysicalBox").text);
    assert!(area.len() == 4 && area[2] > 0.0 && area[3] > 0.0, "{name}: PageArea {area:?}");

    // IDs: every ID attribute of every part.
    let mut ids: Vec<u32> = Vec::new();
    let mut collect = |n: &Node| {
        n.walk(&mut |e| {
            if let Some(id) = e.attrs.get("ID") {
                ids.push(id.parse().unwrap_or_else(|_| panic!("{name}: ID {id}")));
            }
        })
    };
    collect(&document);

    // Resources.
    let res_dir = "Doc_0/Res/";
    let public = part("Doc_0/PublicRes.xml");
    in_ns(&public);
    assert_eq!((public.name.as_str(), public.attr("BaseLoc")), ("ofd:Res", "Res"));
    collect(&public);
    let mut fonts: HashMap<String, ttf_parser::Face> = HashMap::new();
    for font in public.all("ofd:Font") {
        assert!(!font.attr("FontName").is_empty() && !font.attr("FamilyName").is_empty());
        let file = format!("{res_dir}{}", font.child("ofd:FontFile").text);
        let data = parts.get(&file).unwrap_or_else(|| panic!("{name}: font file {file} missing"));
        let face = ttf_parser::Face::parse(data, 0).unwrap_or_else(|e| panic!("{name}: {file}: {e}"));
        assert!(face.tables().glyf.is_some() && face.tables().cmap.is_some(), "{name}: {file} is TrueType");
        fonts.insert(font.attr("ID").to_string(), face);
    }
    assert!(!fonts.is_empty(), "{name}: fonts embedded");
    let mut media: BTreeSet<String> = BTreeSet::new();
    if with_images {
        assert_eq!(common.child("ofd:DocumentRes").text, "DocumentRes.xml");
        let res = part("Doc_0/DocumentRes.xml");
        in_ns(&res);
        collect(&res);
        for m in res.all("ofd:MultiMedia") {
            assert_eq!((m.attr("Type"), m.attr("Format")), ("Image", "PNG"));
            let file = format!("{res_dir}{}", m.child("ofd:MediaFile").text);
            assert!(parts[&file].starts_with(b"\x89PNG"), "{name}: {file}");
            media.insert(m.attr("ID").to_string());
        }
    }

    // Pages.
    let pages = document.child("ofd:Pages").all("ofd:Page");
    assert!(!pages.is_empty());
    // The outline: every entry goes to a page of this document.
    if bundle {
        let page_ids: BTreeSet<&str> = pages.iter().map(|p| p.attr("ID")).collect();
        let entries = &document.child("ofd:Outlines").children;
        assert!(!entries.is_empty(), "{name}: an outline entry per document");
        for entry in entries {
            assert_eq!(entry.name, "ofd:OutlineElem");
            assert!(!entry.attr("Title").is_empty());
            assert_eq!(entry.names(), ["ofd:Actions"], "{name}: {entry:?}");
            let action = entry.child("ofd:Actions").child("ofd:Action");
            assert_eq!(action.attr("Event"), "CLICK");
            assert_eq!(action.names(), ["ofd:Goto"]);
            let dest = action.child("ofd:Goto").child("ofd:Dest");
            assert_eq!(dest.attr("Type"), "XYZ");
            numbers(dest.attr("Left"));
            numbers(dest.attr("Top"));
            let page = dest.attr("PageID");
            assert!(page_ids.contains(page), "{name}: outline entry {} goes to no page ({page})", entry.attr("Title"));
        }
    }
    let (mut fonts_used, mut media_used) = (BTreeSet::new(), BTreeSet::new());
    for page in pages {
        let content = part(&format!("Doc_0/{}", page.attr("BaseLoc")));
        in_ns(&content);
        collect(&content);
        assert_eq!(content.name, "ofd:Page");
        assert_eq!(content.names(), ["ofd:Area", "ofd:Content"], "{name}: page in schema order");
        let bx = numbers(&content.child("ofd:Area").child("ofd:PhysicalBox").text);
        assert!(bx[2] == 210.0 && bx[3] == 297.0 || bx[2] == 297.0 && bx[3] == 210.0, "{name}: A4 {bx:?}");
        let layer = content.child("ofd:Content").child("ofd:Layer");
        assert_eq!(layer.attr("Type"), "Body");
        for object in &layer.children {
            objects += 1;
            let boundary = numbers(object.attr("Boundary"));
            assert!(boundary.len() == 4 && boundary[2] >= 0.0 && boundary[3] >= 0.0, "{name}: {object:?}");
            match object.name.as_str() {
                "ofd:TextObject" => {
                    let font = object.attr("Font");
                    fonts_used.insert(font.to_string());
                    let face = fonts.get(font).unwrap_or_else(|| panic!("{name}: Font {font} is no font"));
                    assert!(object.attr("Size").parse::<f64>().unwrap() > 0.0);
                    assert_eq!(object.names(), ["ofd:FillColor", "ofd:TextCode"], "{name}: {object:?}");
                    let code = object.child("ofd:TextCode");
                    let chars = code.text.chars().count();
                    numbers(code.attr("X"));
                    numbers(code.attr("Y"));
                    let deltas = code.attrs.get("DeltaX").map_or(0, |d| numbers(d).len());
                    assert_eq!(deltas + 1, chars, "{name}: DeltaX of {:?}", code.text);
                    for c in code.text.chars() {
                        assert!(face.glyph_index(c).is_some(), "{name}: font {font} lacks {c}");
                    }
                }
                "ofd:PathObject" => {
                    let stroke = object.attrs.get("Stroke").is_none_or(|s| s == "true");
                    let fill = object.attrs.get("Fill").is_some_and(|s| s == "true");
                    assert!(stroke != fill, "{name}: a rule or a fill: {object:?}");
                    let color = if stroke { "ofd:StrokeColor" } else { "ofd:FillColor" };
                    assert_eq!(object.names(), [color, "ofd:AbbreviatedData"], "{name}: {object:?}");
                    assert_eq!(numbers(object.child(color).attr("Value")).len(), 3);
                    if stroke {
                        assert!(numbers(object.attr("LineWidth"))[0] > 0.0);
                        assert!(["Square", "Butt"].contains(&object.attr("Cap")));
                    }
                    let data = &object.child("ofd:AbbreviatedData").text;
                    assert!(data.starts_with("M "), "{name}: {data}");
                    let ops: Vec<&str> = data.split_whitespace().filter(|t| t.parse::<f64>().is_err()).collect();
                    assert!(ops.iter().all(|o| ["M", "L", "C"].contains(o)), "{name}: {data}");
                }
                "ofd:ImageObject" => {
                    let id = object.attr("ResourceID");
                    assert!(media.contains(id), "{name}: ResourceID {id} is no image");
                    media_used.insert(id.to_string());
                    assert_eq!(numbers(object.attr("CTM")).len(), 6);
                }
                other => panic!("{name}: unexpected {other}"),
            }
        }
    }
    let font_ids: BTreeSet<String> = fonts.keys().cloned().collect();
    assert_eq!(fonts_used, font_ids, "{name}: every font used");
    assert_eq!(media_used, media, "{name}: every image used");
    let distinct: BTreeSet<u32> = ids.iter().copied().collect();
    assert_eq!(distinct.len(), ids.len(), "{name}: IDs unique");
    assert_eq!(ids.iter().max(), Some(&max_id), "{name}: MaxUnitID is the largest ID");
    assert!(!ids.contains(&0), "{name}: IDs are positive");
    objects
}
