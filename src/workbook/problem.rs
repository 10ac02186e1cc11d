//! What the workbook reader reports: [`Problem`]s found in cells (errors and warnings, each
//! with its place, `协作需求!D7`) and [`Fatal`] conditions that stop the run before any row
//! is read (no file, no sheet, a required column missing).

use std::fmt;
use std::path::PathBuf;

/// How bad a [`Problem`] is: an error keeps its row (or task list) from being generated,
/// a warning is printed and the row is generated anyway.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

/// One thing wrong in the workbook, with its place and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub severity: Severity,
    /// Sheet name as written in the workbook, e.g. `协作需求`.
    pub sheet: String,
    /// Cell reference like `D7`, `AA12`; `None` for a problem with the whole sheet.
    pub cell: Option<String>,
    /// What is wrong and how to fix it, naming the column: `发函日期：“2026-02-30”不是有效日期…`.
    pub message: String,
}

impl Problem {
    /// The 1-based row of its cell, when it is about a cell.
    pub fn row(&self) -> Option<u32> {
        self.cell.as_deref()?.trim_start_matches(|c: char| c.is_ascii_alphabetic()).parse().ok()
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// `错误：协作需求!D7 发函日期：…` for errors, `警告：协作需求!J5 协作内容：…` for warnings.
impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.severity {
            Severity::Error => "错误：",
            Severity::Warning => "警告：",
        })?;
        match &self.cell {
            Some(cell) => write!(f, "{}!{} {}", self.sheet, cell, self.message),
            None => write!(f, "{} {}", self.sheet, self.message),
        }
    }
}

/// A condition under which nothing can be generated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Fatal {
    #[error("无法读取工作簿 {}：文件不存在", .path.display())]
    FileMissing { path: PathBuf },
    #[error("无法读取工作簿 {}：不支持的文件类型“{ext}”，请另存为 .xlsx、.xls 或 .ods", .path.display())]
    Unsupported { path: PathBuf, ext: String },
    #[error("无法读取工作簿 {}：{reason}", .path.display())]
    Unreadable { path: PathBuf, reason: String },
    /// A folder was named instead of a workbook: the workbooks in it, by name.
    #[error("{} 是文件夹，不是工作簿；{}", .path.display(), folder_hint(.path, .workbooks))]
    Folder { path: PathBuf, workbooks: Vec<String> },
    /// The workbook has no sheet that can be the requests sheet.
    #[error("工作簿 {} 中没有“{sheet}”工作表（英文名 {alias}）；现有工作表：{}。请把填写协作需求的工作表改名为“{sheet}”", .path.display(), .found.join("、"))]
    MissingSheet { path: PathBuf, sheet: &'static str, alias: &'static str, found: Vec<String> },
    /// The sheet has no header row at all; `hint` says how it was chosen when that matters.
    #[error("{sheet} 工作表是空的：第一行非空行应是表头（如“编号”“发函部门”…）{}", .hint)]
    EmptySheet { sheet: String, hint: String },
    /// Required columns absent from the header row: (Chinese header, English alias), the
    /// header row (1-based), and headers that may have been meant for them.
    #[error("{sheet} 工作表缺少必填列{}；{}请在表头（第 {header_row} 行）补上这些列", missing_list(.columns), .hints.join(""))]
    MissingColumns { sheet: String, columns: Vec<(&'static str, &'static str)>, header_row: u32, hints: Vec<String> },
}

fn folder_hint(dir: &std::path::Path, workbooks: &[String]) -> String {
    match workbooks {
        [] => "其中没有工作簿（.xlsx、.xls、.ods）；请给出工作簿文件的路径".into(),
        [one] => format!("请给出其中的工作簿，如 {}", dir.join(one).display()),
        // A long list is cut: the first ten name the kind of file wanted well enough.
        many => format!(
            "其中有 {} 个工作簿：{}{}；请给出要用的那一个",
            many.len(),
            many.iter().take(10).map(|n| format!("“{n}”")).collect::<Vec<_>>().join("、"),
            if many.len() > 10 { " 等" } else { "" }
        ),
    }
}

fn missing_list(columns: &[(&'static str, &'static str)]) -> String {
    columns.iter().map(|(header, alias)| format!("“{header}”（英文名 {alias}）")).collect::<Vec<_>>().join("、")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_print_with_their_place() {
        let p = Problem {
            severity: Severity::Error,
            sheet: "协作需求".into(),
            cell: Some("D7".into()),
            message: "发函日期：必填，不能为空".into(),
        };
        assert_eq!(p.to_string(), "错误：协作需求!D7 发函日期：必填，不能为空");
        let w = Problem { severity: Severity::Warning, cell: None, ..p };
        assert_eq!(w.to_string(), "警告：协作需求 发函日期：必填，不能为空");
    }

    #[test]
    fn fatal_messages_are_chinese() {
        let f = Fatal::FileMissing { path: "x.xlsx".into() };
        assert_eq!(f.to_string(), "无法读取工作簿 x.xlsx：文件不存在");
        let f = Fatal::MissingColumns {
            sheet: "协作需求".into(),
            columns: vec![("发函日期", "date")],
            header_row: 1,
            hints: vec!["表头“日期”是不是“发函日期”？".into()],
        };
        assert_eq!(
            f.to_string(),
            "协作需求 工作表缺少必填列“发函日期”（英文名 date）；表头“日期”是不是“发函日期”？请在表头（第 1 行）补上这些列"
        );
    }
}
