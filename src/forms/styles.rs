//! The named paragraph styles a form file may use (`style = "..."`): the typography of the
//! forms in one place — sizes, fonts, line pitch, indents (FORMS.md §5).

use crate::model::{Align, FontRole, ParaStyle, StyleName};

/// Official line pitch for 三号 body text: 225 mm / 22 lines.
pub const PITCH: f32 = 28.95;
/// Line pitch of the task list's 小四 cells.
const TASK_PITCH: f32 = 17.0;
/// Line pitch of the lines under a table (日期, signatures).
const SIGN_PITCH: f32 = 28.0;

/// The reply slip (FORMS.md §2) is set tighter than the letter so that it can share the
/// signature's page: 四号 (14 pt) on a 20 pt pitch (about 1.4 lines, room enough to write on
/// its blanks by hand), its title 三号 letter-spaced.
const SLIP_SIZE: f32 = 14.0;
const SLIP_PITCH: f32 = 20.0;

/// Height of the ✂ cut line: its dashes run at the middle, the 14 pt scissors fill it. Small,
/// so that little space is lost between the seal's circle and the slip.
pub const CUT_LINE_HEIGHT: f32 = 14.0;

/// Every style name and what it is for (printed by error messages and the README).
pub const STYLE_NAMES: &[(&str, &str)] = &[
    ("body", "正文：三号仿宋，首行缩进两字，两端对齐"),
    ("flush", "正文，不缩进（主送机关“收函部门：”）"),
    ("heading", "一级标题“一、”：三号黑体，缩进两字，与下段同页"),
    ("heading2", "二级标题“（一）”：三号楷体，缩进两字，与下段同页"),
    ("title", "文件标题：二号小标宋，居中"),
    ("field", "版头栏目（发函部门：…）：三号仿宋，左对齐"),
    ("signature", "署名与日期：三号仿宋，右空四字"),
    ("slip-title", "回执标题：三号小标宋，居中，字距一字"),
    ("slip-note", "回执说明：四号仿宋，行距 20 磅"),
    ("slip-item", "回执选项：四号仿宋，行距 20 磅，□ 悬挂缩进"),
    ("slip-sign", "回执落款：四号仿宋，行距 20 磅，居中偏右"),
    ("table-title", "表格标题：二号小标宋，居中"),
    ("table-meta", "表格上方的编号、日期行：小四仿宋"),
    ("cell", "表格内容：小四仿宋，左对齐"),
    ("cell-center", "表格内容：小四仿宋，居中"),
    ("label", "表格标签：小四黑体，居中"),
    ("task-cell", "任务清单内容：小四仿宋，左对齐"),
    ("task-cell-center", "任务清单内容：小四仿宋，居中（序号、前置任务、日期）"),
    ("task-label", "任务清单表头：小四黑体，居中"),
    ("sign-date", "表格下方的日期栏：四号仿宋，与表格空一行"),
    ("sign-line", "表格下方签字行：四号仿宋"),
];

/// How each style is named where an office worker sees and changes it (the style list of Word
/// or WPS; see `docx::stylesheet` for how these become Word styles). Names are those of a
/// letter typed by hand: 正文 and 标题 are the word processor's own (Word shows its Normal and
/// Title styles under these names), the others say what the paragraph is. Every style is a
/// variant of 正文, directly or through a sibling of its kind (居中 of 表格文字, 回执选项 of
/// 回执说明, 表格标题 of 标题), so changing 正文's face changes the whole letter; headings
/// carry their outline level (一级标题 shows in the navigation pane) and are followed by 正文.
const NAMES: &[StyleName] = &[
    StyleName::BODY,
    named("flush", "正文不缩进", Some("body"), None, None, false),
    named("heading", "一级标题", Some("body"), Some("body"), Some(0), true),
    named("heading2", "二级标题", Some("body"), Some("body"), Some(1), true),
    named("title", "标题", Some("body"), Some("body"), None, true),
    named("field", "版头栏目", Some("body"), None, None, false),
    named("signature", "署名", Some("body"), Some("body"), None, true),
    named("slip-title", "回执标题", Some("title"), Some("slip-note"), None, false),
    named("slip-note", "回执说明", Some("body"), Some("slip-item"), None, false),
    named("slip-item", "回执选项", Some("slip-note"), None, None, false),
    named("slip-sign", "回执落款", Some("slip-note"), None, None, false),
    named("table-title", "表格标题", Some("title"), Some("table-meta"), None, true),
    named("table-meta", "表格信息", Some("body"), None, None, false),
    named("cell", "表格文字", Some("body"), None, None, true),
    named("cell-center", "表格文字居中", Some("cell"), None, None, false),
    named("label", "表格标签", Some("cell"), None, None, true),
    named("task-cell", "清单文字", Some("cell"), None, None, false),
    named("task-cell-center", "清单文字居中", Some("task-cell"), None, None, false),
    named("task-label", "清单表头", Some("task-cell"), None, None, false),
    named("sign-line", "签字行", Some("body"), None, None, false),
    named("sign-date", "签字日期", Some("body"), Some("sign-line"), None, false),
];

const fn named(
    key: &'static str,
    label: &'static str,
    based_on: Option<&'static str>,
    next: Option<&'static str>,
    outline_level: Option<u8>,
    main: bool,
) -> StyleName {
    StyleName { key, label, based_on, next, outline_level, main }
}

/// The style called `name`, or `None` if there is no such style.
pub fn style(name: &str) -> Option<ParaStyle> {
    let id = match NAMES.iter().find(|n| n.key == name) {
        Some(id) => *id,
        // A style not yet given a name in NAMES (a test insists on one) still works, shown
        // under its key and based on 正文.
        None => {
            let (key, _) = STYLE_NAMES.iter().find(|(key, _)| *key == name)?;
            named(key, key, Some("body"), None, None, false)
        }
    };
    properties(name).map(|p| ParaStyle { name: id, ..p })
}

/// Every style, in the order of [`STYLE_NAMES`]: a document's style sheet.
pub fn sheet() -> Vec<ParaStyle> {
    STYLE_NAMES.iter().filter_map(|(name, _)| style(name)).collect()
}

/// The properties of the style called `name`.
fn properties(name: &str) -> Option<ParaStyle> {
    let body = ParaStyle::body();
    let small = |role: FontRole, size: f32, pitch: f32, align: Align| ParaStyle {
        role,
        size,
        line_pitch: pitch,
        char_spacing: 0.0,
        align,
        first_indent: 0.0,
        ..body
    };
    Some(match name {
        "body" => body,
        "flush" => ParaStyle { first_indent: 0.0, ..body },
        "heading" => ParaStyle { role: FontRole::Hei, keep_with_next: true, ..body },
        "heading2" => ParaStyle { role: FontRole::Kai, keep_with_next: true, ..body },
        "title" => ParaStyle {
            role: FontRole::Title,
            size: 22.0,
            line_pitch: 40.0,
            char_spacing: 0.0,
            align: Align::Center,
            first_indent: 0.0,
            space_after: 2.0 * PITCH - 40.0,
            keep_with_next: true,
            ..body
        },
        "field" => ParaStyle { align: Align::Left, first_indent: 0.0, ..body },
        "signature" => ParaStyle { align: Align::Right, first_indent: 0.0, right_indent: 4.0, ..body },
        // 回执: the space between the two characters is letter-spacing (one character), so the
        // title copies and searches as 回执.
        "slip-title" => ParaStyle { char_spacing: 16.0, ..small(FontRole::Title, 16.0, 26.0, Align::Center) },
        "slip-note" => small(FontRole::FangSong, SLIP_SIZE, SLIP_PITCH, Align::Left),
        "slip-item" => ParaStyle {
            first_indent: -1.5,
            left_indent: 1.5,
            // Left-aligned: a line ending before a long write-in blank must not be stretched.
            ..small(FontRole::FangSong, SLIP_SIZE, SLIP_PITCH, Align::Left)
        },
        "slip-sign" => ParaStyle { left_indent: 16.0, ..small(FontRole::FangSong, SLIP_SIZE, SLIP_PITCH, Align::Left) },
        "table-title" => ParaStyle { space_after: 8.0, ..small(FontRole::Title, 22.0, 32.0, Align::Center) },
        "table-meta" => small(FontRole::FangSong, 12.0, 20.0, Align::Left),
        "cell" => small(FontRole::FangSong, 12.0, 18.0, Align::Left),
        "cell-center" => small(FontRole::FangSong, 12.0, 18.0, Align::Center),
        "label" => small(FontRole::Hei, 12.0, 18.0, Align::Center),
        // 小四 as in every form table (FORMS.md §5), a little tighter than the application
        // form's 18 pt pitch: the list runs to many rows on a landscape page.
        "task-cell" => small(FontRole::FangSong, 12.0, TASK_PITCH, Align::Left),
        "task-cell-center" => small(FontRole::FangSong, 12.0, TASK_PITCH, Align::Center),
        "task-label" => small(FontRole::Hei, 12.0, TASK_PITCH, Align::Center),
        "sign-date" => {
            ParaStyle { space_before: SIGN_PITCH, ..small(FontRole::FangSong, 14.0, SIGN_PITCH, Align::Left) }
        }
        "sign-line" => small(FontRole::FangSong, 14.0, SIGN_PITCH, Align::Left),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_style_exists() {
        for (name, _) in STYLE_NAMES {
            assert!(style(name).is_some(), "{name}");
        }
        assert!(style("nope").is_none());
    }

    #[test]
    fn every_style_is_named_once_and_based_on_a_style() {
        let sheet = sheet();
        assert_eq!(sheet.len(), STYLE_NAMES.len());
        for (key, _) in STYLE_NAMES {
            assert!(NAMES.iter().any(|n| n.key == *key), "give style {key} a name in NAMES");
        }
        assert_eq!(NAMES.len(), STYLE_NAMES.len());
        for s in &sheet {
            assert_eq!(sheet.iter().filter(|o| o.name.label == s.name.label).count(), 1, "{}", s.name.label);
            for key in s.name.based_on.iter().chain(&s.name.next) {
                assert!(style(key).is_some(), "{}: {key}", s.name.key);
            }
        }
        // Every chain ends at 正文.
        for s in &sheet {
            let mut at = s.name;
            for _ in 0..NAMES.len() {
                let Some(base) = at.based_on else { break };
                at = style(base).unwrap().name;
            }
            assert_eq!(at.key, "body", "{}", s.name.key);
        }
        assert_eq!(style("heading").unwrap().name.outline_level, Some(0));
    }

    #[test]
    fn body_is_official() {
        let b = style("body").unwrap();
        assert_eq!((b.size, b.line_pitch, b.first_indent), (16.0, 28.95, 2.0));
        assert_eq!(b.role, FontRole::FangSong);
    }
}
