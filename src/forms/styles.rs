//! The named paragraph styles a form file may use (`style = "..."`): the typography of the
//! forms in one place — sizes, fonts, line pitch, indents (FORMS.md §5).

use crate::model::{Align, FontRole, ParaStyle};

/// Official line pitch for 三号 body text: 225 mm / 22 lines.
pub const PITCH: f32 = 28.95;
/// Line pitch of the task list's 小四 cells.
const TASK_PITCH: f32 = 17.0;
/// Line pitch of the lines under a table (日期, signatures).
const SIGN_PITCH: f32 = 28.0;

/// Every style name and what it is for (printed by error messages and the README).
pub const STYLE_NAMES: &[(&str, &str)] = &[
    ("body", "正文：三号仿宋，首行缩进两字，两端对齐"),
    ("flush", "正文，不缩进（主送机关“收函部门：”）"),
    ("heading", "一级标题“一、”：三号黑体，缩进两字，与下段同页"),
    ("heading2", "二级标题“（一）”：三号楷体，缩进两字，与下段同页"),
    ("title", "文件标题：二号小标宋，居中"),
    ("field", "版头栏目（发函部门：…）：三号仿宋，左对齐"),
    ("signature", "署名与日期：三号仿宋，右空四字"),
    ("slip-title", "回执标题：小二小标宋，居中"),
    ("slip-note", "回执说明：四号仿宋"),
    ("slip-item", "回执选项：四号仿宋，□ 悬挂缩进"),
    ("slip-sign", "回执落款：四号仿宋，居中偏右"),
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

/// The style called `name`, or `None` if there is no such style.
pub fn style(name: &str) -> Option<ParaStyle> {
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
        "slip-title" => ParaStyle {
            space_before: 6.0,
            space_after: 6.0,
            ..small(FontRole::Title, 18.0, 30.0, Align::Center)
        },
        "slip-note" => small(FontRole::FangSong, 14.0, 24.0, Align::Left),
        "slip-item" => ParaStyle {
            first_indent: -1.5,
            left_indent: 1.5,
            // Left-aligned: a line ending before a long write-in blank must not be stretched.
            ..small(FontRole::FangSong, 14.0, 26.0, Align::Left)
        },
        "slip-sign" => ParaStyle { left_indent: 16.0, ..small(FontRole::FangSong, 14.0, 26.0, Align::Left) },
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
        "sign-date" => ParaStyle { space_before: SIGN_PITCH, ..small(FontRole::FangSong, 14.0, SIGN_PITCH, Align::Left) },
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
    fn body_is_official() {
        let b = style("body").unwrap();
        assert_eq!((b.size, b.line_pitch, b.first_indent), (16.0, 28.95, 2.0));
        assert_eq!(b.role, FontRole::FangSong);
    }
}
