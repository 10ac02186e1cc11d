//! The workbook's sheets and columns (FORMS.md §1): for each column its Chinese header,
//! English alias, whether it is required, and what kind of value it holds. They are declared
//! as data, in `forms/columns.toml` (built in, read by `schema`); everything else reads
//! [`REQUESTS`] and [`TASKS`].
//!
//! Each sheet's columns are declared in the order of its field enum ([`ReqField`],
//! [`TaskField`]), so a row's values can be kept in an array indexed by `field as usize`.

use super::schema::{self, Schema};
use std::sync::LazyLock;

/// What a column holds, which decides how its cells are read and checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Free text.
    Text,
    /// A date: date cell, Excel serial number, or text such as `2026-03-05` / `2026年3月5日`.
    Date,
    /// Department names separated by `、` `，` `,` `；` `;` or line breaks.
    DeptList,
    /// Annex titles, one per line or separated by `；`.
    AnnexList,
    /// An e-mail address.
    Email,
    /// A phone number, kept as written (a number cell may have lost its leading 0).
    Phone,
    /// Free text expected to be one of these values (anything else is a warning).
    Choice(&'static [&'static str]),
    /// A positive whole number (任务 序号).
    Seq,
    /// 序号 list separated by `、` `,` `，`.
    SeqList,
}

/// One column of a sheet.
#[derive(Debug, Clone, Copy)]
pub struct Column<F: 'static> {
    pub field: F,
    pub header: &'static str,
    pub alias: &'static str,
    pub required: bool,
    pub kind: Kind,
    /// For a column declared as data: what goes in it (the template's header note), its
    /// width in the template (0: as its kind suggests) and the template's example cells.
    pub note: &'static str,
    pub width: f64,
    pub examples: &'static [&'static str],
}

/// A sheet: its Chinese name, English alias and columns. A sheet the code reads by role
/// ([`ReqField`], [`TaskField`]) has its role columns in `columns` and any others declared
/// for it in `extra`; any other sheet ([`Sheet<()>`]) has all its columns in `columns` and
/// names its `key`, the column holding the 编号 of the request each row belongs to.
#[derive(Debug, Clone, Copy)]
pub struct Sheet<F: 'static> {
    pub name: &'static str,
    pub alias: &'static str,
    /// What the sheet is for (the template's instructions), for a sheet declared as data.
    pub note: &'static str,
    pub columns: &'static [Column<F>],
    pub extra: &'static [Column<()>],
    pub key: Option<&'static str>,
}

impl<F> Sheet<F> {
    /// The column whose header (after trimming) is `header` or whose alias matches it, ignoring case.
    pub fn column_for_header(&self, header: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.header == header || c.alias.eq_ignore_ascii_case(header))
    }

    /// The columns a header that is not exactly right may mean (see [`header_words`]): the one
    /// column it names once notes, brackets, spaces and case are set aside (`收函部门（可多个）`,
    /// `Phone`), else those it is part of or holds (`电话` → 联系电话), those one or two
    /// keystrokes away (`工作明称` → 工作名称), and the usual other words ([`SYNONYMS`]).
    /// Empty when nothing is near.
    pub fn near_columns(&self, header: &str) -> Vec<usize> {
        let key = header_words(header);
        if key.chars().count() < 2 {
            return Vec::new();
        }
        let plain = |s: &str| s.replace(['_', '-'], "").to_lowercase();
        let exact: Vec<usize> = (0..self.columns.len())
            .filter(|&i| {
                let c = &self.columns[i];
                header_words(c.header) == key || plain(c.alias) == plain(&key)
            })
            .collect();
        if !exact.is_empty() {
            return exact;
        }
        let len = key.chars().count();
        let mut near: Vec<usize> = Vec::new();
        for (i, c) in self.columns.iter().enumerate() {
            let contains = c.header.contains(key.as_str()) || key.contains(c.header);
            let typo = len >= 3 && strsim::levenshtein(&key, c.header) <= if len >= 6 { 2 } else { 1 };
            let alias_typo = len >= 4 && strsim::levenshtein(&plain(&key), &plain(c.alias)) <= 1;
            let synonym = SYNONYMS.iter().any(|(word, header)| *header == c.header && plain(word) == plain(&key));
            if contains || typo || alias_typo || synonym {
                near.push(i);
            }
        }
        near
    }

    /// Is `name` (trimmed) this sheet's Chinese name or English alias?
    pub fn is_named(&self, name: &str) -> bool {
        let name = name.trim();
        name == self.name || name.eq_ignore_ascii_case(self.alias)
    }
}

/// Other words people put in a header for a column: (word, the column's header).
pub const SYNONYMS: &[(&str, &str)] = &[
    ("联系人", "对接人"),
    ("手机", "联系电话"),
    ("手机号", "联系电话"),
    ("邮箱", "电子邮箱"),
    ("email", "电子邮箱"),
    ("函号", "编号"),
    ("文号", "编号"),
    ("截止日期", "完成时限"),
    ("主送部门", "收函部门"),
    ("主送", "收函部门"),
];

/// A header as its words: notes in brackets (`（可多个）`, `(必填)`, `【选填】`), spaces of
/// any width, a required-mark `*` and a trailing colon removed; full-width letters and digits
/// made ASCII and lower-case. `收函部门（可多个）` → `收函部门`, `Ｐｈｏｎｅ：` → `phone`.
pub fn header_words(raw: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for ch in raw.chars() {
        match ch {
            '(' | '（' | '[' | '【' | '〔' | '［' => depth += 1,
            ')' | '）' | ']' | '】' | '〕' | '］' => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            c if c.is_whitespace() || matches!(c, '*' | '＊' | ':' | '：') => {}
            c @ '！'..='～' => out.extend(char::from_u32(c as u32 - 0xFEE0).map(|a| a.to_ascii_lowercase())),
            c => out.push(c.to_ascii_lowercase()),
        }
    }
    out
}

/// Fields of the 协作需求 sheet, in column-table order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReqField {
    Id,
    FromDept,
    ToDept,
    Date,
    WorkName,
    WorkKind,
    Objective,
    PlannedFinish,
    ExpectedEffect,
    CollabContent,
    DeliveryCriteria,
    DueDate,
    Contact,
    Phone,
    Email,
    ConsultBy,
    Annex,
    Background,
    Goal,
    Resources,
    Milestones,
    Requester,
    Urgency,
    Seal,
}

/// Fields of the 任务拆分 sheet, in column-table order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskField {
    Id,
    Seq,
    Name,
    OwnerDept,
    Owner,
    Description,
    DependsOn,
    Start,
    Finish,
    Remark,
}

/// The declaration built into the program.
const BUILT_IN: &str = include_str!("../../forms/columns.toml");

/// Both sheets, read from the built-in declaration the first time either is used. The file is
/// checked by the tests below, so a mistake in it never reaches a user as a panic.
static SCHEMA: LazyLock<Schema> =
    LazyLock::new(|| schema::parse("forms/columns.toml", BUILT_IN).unwrap_or_else(|e| panic!("内置的列定义有误：{e}")));

/// The 协作需求 sheet.
pub static REQUESTS: LazyLock<Sheet<ReqField>> = LazyLock::new(|| SCHEMA.requests);
/// The 任务拆分 sheet.
pub static TASKS: LazyLock<Sheet<TaskField>> = LazyLock::new(|| SCHEMA.tasks);
/// The other sheets declared in `forms/columns.toml` (沟通记录, 流程记录), read generically.
pub fn declared_sheets() -> &'static [Sheet<()>] {
    &SCHEMA.others
}

#[cfg(test)]
mod tests {
    use super::*;

    use Kind::*;

    /// Today's columns (FORMS.md §1, the README's table, and 印章): header, alias, required, kind.
    const TODAYS_REQUESTS: &[(&str, &str, bool, Kind)] = &[
        ("编号", "id", true, Text),
        ("发函部门", "from_dept", true, Text),
        ("收函部门", "to_dept", true, DeptList),
        ("发函日期", "date", true, Date),
        ("工作名称", "work_name", true, Text),
        ("工作性质", "work_kind", false, Choice(&["年度重点工作", "阶段性核心任务", "日常运营重点任务"])),
        ("核心目标", "objective", true, Text),
        ("计划完成日期", "planned_finish", true, Date),
        ("预期成效", "expected_effect", false, Text),
        ("协作内容", "collab_content", true, Text),
        ("交付标准", "delivery_criteria", true, Text),
        ("完成时限", "due_date", true, Date),
        ("对接人", "contact", true, Text),
        ("联系电话", "phone", true, Phone),
        ("电子邮箱", "email", false, Email),
        ("协商截止日期", "consult_by", false, Date),
        ("附件", "annex", false, AnnexList),
        ("协作背景", "background", false, Text),
        ("协作目标", "goal", false, Text),
        ("所需资源", "resources", false, Text),
        ("期望时间节点", "milestones", false, Text),
        ("发起人", "requester", false, Text),
        ("紧急程度", "urgency", false, Choice(&["一般", "紧急", "特急"])),
        ("印章", "seal", false, Text),
    ];
    const TODAYS_TASKS: &[(&str, &str, bool, Kind)] = &[
        ("编号", "id", true, Text),
        ("序号", "seq", true, Seq),
        ("任务名称", "task", true, Text),
        ("承办部门", "owner_dept", true, Text),
        ("承办人", "owner", false, Text),
        ("任务描述", "description", false, Text),
        ("前置任务", "depends_on", false, SeqList),
        ("开始日期", "start", false, Date),
        ("完成日期", "finish", true, Date),
        ("备注", "remark", false, Text),
    ];

    fn declared<F>(sheet: &Sheet<F>) -> Vec<(&str, &str, bool, Kind)> {
        sheet.columns.iter().map(|c| (c.header, c.alias, c.required, c.kind)).collect()
    }

    #[test]
    fn the_built_in_file_declares_todays_columns() {
        assert_eq!((REQUESTS.name, REQUESTS.alias), ("协作需求", "requests"));
        assert_eq!((TASKS.name, TASKS.alias), ("任务拆分", "tasks"));
        assert_eq!(declared(&REQUESTS), TODAYS_REQUESTS);
        assert_eq!(declared(&TASKS), TODAYS_TASKS);
    }

    #[test]
    fn tables_are_in_field_order() {
        for (i, c) in REQUESTS.columns.iter().enumerate() {
            assert_eq!(c.field as usize, i, "{}", c.header);
        }
        for (i, c) in TASKS.columns.iter().enumerate() {
            assert_eq!(c.field as usize, i, "{}", c.header);
        }
    }

    #[test]
    fn request_headers_match_the_printed_field_names() {
        // Every column is a form placeholder, except 印章: an image, not text.
        let headers: Vec<&str> =
            REQUESTS.columns.iter().filter(|c| c.field != ReqField::Seal).map(|c| c.header).collect();
        assert_eq!(headers, crate::request::Request::FIELD_NAMES);
    }

    #[test]
    fn near_headers_find_their_column() {
        let near = |h: &str| -> Vec<&str> {
            REQUESTS.near_columns(h).into_iter().map(|i| REQUESTS.columns[i].header).collect()
        };
        assert_eq!(near("收函部门（可多个）"), ["收函部门"]);
        assert_eq!(near(" 联系 电话 *"), ["联系电话"]);
        assert_eq!(near("Ｐｈｏｎｅ"), ["联系电话"]);
        assert_eq!(near("from-dept"), ["发函部门"]);
        assert_eq!(near("电话"), ["联系电话"]);
        assert_eq!(near("工作明称"), ["工作名称"]);
        assert_eq!(near("联系人"), ["对接人"]);
        assert_eq!(near("日期"), ["发函日期", "计划完成日期", "协商截止日期"]);
        assert!(near("备注").is_empty());
        assert!(near("电").is_empty(), "one character is too little to guess from");
    }

    #[test]
    fn aliases_match_case_insensitively() {
        assert_eq!(REQUESTS.column_for_header("From_Dept"), Some(ReqField::FromDept as usize));
        assert_eq!(TASKS.column_for_header("完成日期"), Some(TaskField::Finish as usize));
        assert_eq!(TASKS.column_for_header("完成"), None);
        assert!(TASKS.is_named(" Tasks "));
    }
}
