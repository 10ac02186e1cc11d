//! The one list of the workbook's sheets and columns (FORMS.md §1): for each column its
//! Chinese header, English alias, whether it is required, and what kind of value it holds.
//!
//! Each sheet's columns are listed in the order of its field enum ([`ReqField`],
//! [`TaskField`]), so a row's values can be kept in an array indexed by `field as usize`.

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
}

/// A sheet: its Chinese name, English alias and columns.
#[derive(Debug)]
pub struct Sheet<F: 'static> {
    pub name: &'static str,
    pub alias: &'static str,
    pub columns: &'static [Column<F>],
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

/// The values 工作性质 is expected to take.
pub const WORK_KINDS: &[&str] = &["年度重点工作", "阶段性核心任务", "日常运营重点任务"];
/// The values 紧急程度 is expected to take.
pub const URGENCIES: &[&str] = &["一般", "紧急", "特急"];

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

const fn col<F>(field: F, header: &'static str, alias: &'static str, required: bool, kind: Kind) -> Column<F> {
    Column { field, header, alias, required, kind }
}

const REQ: bool = true;
const OPT: bool = false;

pub static REQUESTS: Sheet<ReqField> = Sheet {
    name: "协作需求",
    alias: "requests",
    columns: &[
        col(ReqField::Id, "编号", "id", REQ, Kind::Text),
        col(ReqField::FromDept, "发函部门", "from_dept", REQ, Kind::Text),
        col(ReqField::ToDept, "收函部门", "to_dept", REQ, Kind::DeptList),
        col(ReqField::Date, "发函日期", "date", REQ, Kind::Date),
        col(ReqField::WorkName, "工作名称", "work_name", REQ, Kind::Text),
        col(ReqField::WorkKind, "工作性质", "work_kind", OPT, Kind::Choice(WORK_KINDS)),
        col(ReqField::Objective, "核心目标", "objective", REQ, Kind::Text),
        col(ReqField::PlannedFinish, "计划完成日期", "planned_finish", REQ, Kind::Date),
        col(ReqField::ExpectedEffect, "预期成效", "expected_effect", OPT, Kind::Text),
        col(ReqField::CollabContent, "协作内容", "collab_content", REQ, Kind::Text),
        col(ReqField::DeliveryCriteria, "交付标准", "delivery_criteria", REQ, Kind::Text),
        col(ReqField::DueDate, "完成时限", "due_date", REQ, Kind::Date),
        col(ReqField::Contact, "对接人", "contact", REQ, Kind::Text),
        col(ReqField::Phone, "联系电话", "phone", REQ, Kind::Phone),
        col(ReqField::Email, "电子邮箱", "email", OPT, Kind::Email),
        col(ReqField::ConsultBy, "协商截止日期", "consult_by", OPT, Kind::Date),
        col(ReqField::Annex, "附件", "annex", OPT, Kind::AnnexList),
        col(ReqField::Background, "协作背景", "background", OPT, Kind::Text),
        col(ReqField::Goal, "协作目标", "goal", OPT, Kind::Text),
        col(ReqField::Resources, "所需资源", "resources", OPT, Kind::Text),
        col(ReqField::Milestones, "期望时间节点", "milestones", OPT, Kind::Text),
        col(ReqField::Requester, "发起人", "requester", OPT, Kind::Text),
        col(ReqField::Urgency, "紧急程度", "urgency", OPT, Kind::Choice(URGENCIES)),
        col(ReqField::Seal, "印章", "seal", OPT, Kind::Text),
    ],
};

pub static TASKS: Sheet<TaskField> = Sheet {
    name: "任务拆分",
    alias: "tasks",
    columns: &[
        col(TaskField::Id, "编号", "id", REQ, Kind::Text),
        col(TaskField::Seq, "序号", "seq", REQ, Kind::Seq),
        col(TaskField::Name, "任务名称", "task", REQ, Kind::Text),
        col(TaskField::OwnerDept, "承办部门", "owner_dept", REQ, Kind::Text),
        col(TaskField::Owner, "承办人", "owner", OPT, Kind::Text),
        col(TaskField::Description, "任务描述", "description", OPT, Kind::Text),
        col(TaskField::DependsOn, "前置任务", "depends_on", OPT, Kind::SeqList),
        col(TaskField::Start, "开始日期", "start", OPT, Kind::Date),
        col(TaskField::Finish, "完成日期", "finish", REQ, Kind::Date),
        col(TaskField::Remark, "备注", "remark", OPT, Kind::Text),
    ],
};

#[cfg(test)]
mod tests {
    use super::*;

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
