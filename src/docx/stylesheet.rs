//! The paragraph styles of word/styles.xml: one Word style per named style a document uses
//! (`model::StyleName`, set by `forms::styles`), holding that style's properties, so that
//! document.xml refers to it (`w:pStyle`) and an office worker who changes 正文 changes every
//! paragraph set in it — as in a letter typed by hand in Word.
//!
//! Names. A Chinese Word or WPS shows its built-in Normal style as 正文 and its Title style as
//! 标题, and refuses to create a style of its own under those names. So the model's 正文 is
//! written as Word's Normal (styleId and w:name "Normal") and 标题 as Word's Title: Word and WPS
//! show them under their Chinese names, "modify 正文" reaches them, and Word's default paragraph
//! style is our body text. The page-number line is Word's built-in footer (页脚). Every other
//! style is a custom style under its Chinese name (一级标题, 署名, 表格文字 …) with the styleId
//! "Gw" + its key in CamelCase (GwHeading2, GwSlipTitle): ASCII, which every tool handles, and
//! prefixed so that it is never the id of one of Word's built-in styles (Heading2 is Word's
//! 标题 2, Signature its 签名) under another name.
//!
//! Inheritance. A style is based on its model base (`StyleName::based_on`, every chain ending
//! at 正文) and states only what differs from that base's definition; a paragraph states only
//! what differs from its own style (`body`). So changing 正文's face or size carries over to
//! the headings, the signature and the tables, while what Word resolves for every paragraph
//! stays exactly the model's properties. Headings carry their outline level (`w:outlineLvl`),
//! so 一级标题 and 二级标题 appear in Word's navigation pane; the main styles are in the
//! style gallery (`w:qFormat`).

use super::body::{
    mark_style, needs_spacer, paragraph_values, run_properties, ParaValues, Placement, CUT_LINE_SIZE, SPACER_HEIGHT,
};
use super::{DEFAULT_ROLE, PAGE_NUMBER_ROLE, PAGE_NUMBER_SIZE};
use crate::model::{Block, Document, FontRole, PageNumbers, ParaStyle, StyleName};
use crate::package::xml::Xml;

/// The styles of the paragraphs the DOCX writer makes itself, for what the model draws.
const fn own_style(key: &'static str, label: &'static str) -> StyleName {
    StyleName { key, label, based_on: Some("body"), next: Some("body"), outline_level: None, main: false }
}
/// A horizontal rule (an empty paragraph with a bottom border).
pub(super) const RULE: StyleName = own_style("rule", "分隔线");
/// The tear-off line before the reply slip.
pub(super) const CUT_LINE: StyleName = own_style("cut-line", "裁剪线");
/// The thin paragraph Word needs between two tables and after a final one.
pub(super) const SPACER: StyleName = own_style("spacer", "表格间隔");
/// The page-number line (Word's built-in footer style).
pub(super) const FOOTER: StyleName = own_style("footer", "页脚");

/// The definition of one of the writer's own styles.
fn own_definition(key: &str) -> Option<ParaStyle> {
    Some(match key {
        "rule" => mark_style(RULE, DEFAULT_ROLE, 1.0),
        "cut-line" => mark_style(CUT_LINE, FontRole::Song, CUT_LINE_SIZE),
        "spacer" => ParaStyle { line_pitch: SPACER_HEIGHT, ..mark_style(SPACER, DEFAULT_ROLE, 1.0) },
        "footer" => footer_style(),
        _ => return None,
    })
}

/// The page-number line's style: 四号 宋体, left-aligned, no indent (each footer aligns its
/// own line).
pub(super) fn footer_style() -> ParaStyle {
    mark_style(FOOTER, PAGE_NUMBER_ROLE, PAGE_NUMBER_SIZE)
}

/// Word's built-in styles that a model style is, by the name a Chinese Word shows for them:
/// (label, styleId, w:name).
const BUILT_IN: [(&str, &str, &str); 3] =
    [("正文", "Normal", "Normal"), ("标题", "Title", "Title"), ("页脚", "Footer", "footer")];

/// The styleId a paragraph refers to its style by.
pub(super) fn style_id(name: &StyleName) -> String {
    if let Some((_, id, _)) = BUILT_IN.iter().find(|(label, ..)| *label == name.label) {
        return id.to_string();
    }
    let mut id = String::from("Gw");
    for word in name.key.split(|c: char| !c.is_ascii_alphanumeric()) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            id.push(first.to_ascii_uppercase());
            id.extend(chars);
        }
    }
    id
}

/// The named styles of one document: the definition of every style its paragraphs use and of
/// the styles those are based on; 正文 first.
pub(super) struct Sheet {
    styles: Vec<ParaStyle>,
}

impl Sheet {
    pub fn of(doc: &Document) -> Sheet {
        // The definition of the style called `key`: the document's own, the writer's, or
        // for 正文 the model's body style.
        let lookup = |key: &str| {
            doc.styles
                .iter()
                .find(|s| s.name.key == key)
                .copied()
                .or_else(|| own_definition(key))
                .or_else(|| (key == StyleName::BODY.key).then(ParaStyle::body))
        };
        let mut styles: Vec<ParaStyle> = Vec::new();
        let add = |style: &ParaStyle, styles: &mut Vec<ParaStyle>| {
            if !styles.iter().any(|s| s.name.key == style.name.key) {
                // A document built without a style sheet: its first paragraph in the style
                // stands for the definition.
                styles.push(lookup(style.name.key).unwrap_or(*style));
            }
        };
        add(&ParaStyle::body(), &mut styles);
        doc.for_each_block(&mut |block| match block {
            Block::Rule { .. } => add(&own_definition("rule").expect("own style"), &mut styles),
            Block::CutLine { .. } => add(&own_definition("cut-line").expect("own style"), &mut styles),
            _ => block.for_each_paragraph(&mut |p| add(&p.style, &mut styles)),
        });
        if needs_spacer(&doc.blocks) {
            add(&own_definition("spacer").expect("own style"), &mut styles);
        }
        if doc.page_numbers != PageNumbers::None {
            add(&footer_style(), &mut styles);
        }
        // The styles they are based on, and theirs.
        let mut i = 0;
        while i < styles.len() {
            if let Some(base) = styles[i].name.based_on.and_then(lookup) {
                add(&base, &mut styles);
            }
            i += 1;
        }
        // 正文 first, then in the order of the document's style sheet, the writer's last.
        let rank = |s: &ParaStyle| doc.styles.iter().position(|d| d.name.key == s.name.key).unwrap_or(usize::MAX);
        styles[1..].sort_by_key(rank);
        Sheet { styles }
    }

    fn get(&self, key: &str) -> Option<&ParaStyle> {
        self.styles.iter().find(|s| s.name.key == key)
    }

    /// The definition of the style `name`; 正文's for a style the sheet does not hold (then
    /// the paragraph refers to 正文 and states all it does differently).
    pub fn definition(&self, name: &StyleName) -> &ParaStyle {
        self.get(name.key).unwrap_or(&self.styles[0])
    }
}

/// One `w:style` per style of the sheet, children in CT_Style order: name, basedOn, next,
/// qFormat, pPr, rPr.
pub(super) fn write_paragraph_styles(x: &mut Xml, sheet: &Sheet) {
    for def in &sheet.styles {
        let name = &def.name;
        let id = style_id(name);
        let built_in = BUILT_IN.iter().find(|(label, ..)| *label == name.label);
        let is_default = name.key == StyleName::BODY.key;
        let mut attrs: Vec<(&str, &dyn std::fmt::Display)> = vec![("w:type", &"paragraph")];
        if is_default {
            attrs.push(("w:default", &1));
        }
        if built_in.is_none() {
            attrs.push(("w:customStyle", &1));
        }
        attrs.push(("w:styleId", &id));
        x.open("w:style", &attrs);
        x.empty("w:name", &[("w:val", &built_in.map_or(name.label, |b| b.2))]);
        let base = if is_default { None } else { name.based_on.and_then(|k| sheet.get(k)) };
        if let Some(base) = base {
            x.empty("w:basedOn", &[("w:val", &style_id(&base.name))]);
        }
        if let Some(next) = name.next.and_then(|k| sheet.get(k)) {
            x.empty("w:next", &[("w:val", &style_id(&next.name))]);
        }
        if name.main {
            x.empty("w:qFormat", &[]);
        }
        let own = ParaValues::of(def, Placement::default());
        let base = base.map(|b| ParaValues::of(b, Placement::default()));
        x.open("w:pPr", &[]);
        paragraph_values(x, &own, base.as_ref(), None, &[]);
        if let Some(level) = name.outline_level {
            x.empty("w:outlineLvl", &[("w:val", &level)]);
        }
        x.close("w:pPr");
        run_properties(x, &own.run, base.as_ref().map(|b| &b.run));
        x.close("w:style");
    }
}
