//! Reading the column declaration, `forms/columns.toml`, into the [`Sheet`] tables of
//! `columns`: parsed once, and checked as it is parsed, each problem said in Chinese with
//! the file and line, as the form files are (`forms::checks`).
//!
//! 协作需求 and 任务拆分 are read by role, a [`ReqField`] or [`TaskField`] (the rules that need
//! them: unique 编号, one letter per 收函部门, 前置任务 …): the bridge from a declared column to
//! its role is the column's header ([`Field::HEADERS`]), and their role columns come first, in
//! the order of the roles, because a row's values are kept in an array indexed by
//! `field as usize`; the columns after them are the sheet's own (`extra`). Every other sheet
//! is read generically (`records`): its columns, and its `key` column naming the request.
//! A form file's `[[sheet]]`s are read here too ([`form_sheets`]).

use super::columns::{Column, Kind, ReqField, Sheet, TaskField};
use crate::forms::checks::{out_of_range, toml_message, Num, MAX_FILE_BYTES};
use crate::forms::{line_of, FormError};
use serde::Deserialize;
use toml::Spanned;

/// Columns of one sheet.
pub const MAX_COLUMNS: usize = 100;
/// Values of one `choice` column.
pub const MAX_VALUES: usize = 50;
/// Characters of a `choice` column's values joined by commas: Excel's limit for the list of
/// a dropdown, which `gongwen template` writes from them.
pub const MAX_VALUES_CHARS: usize = 255;
/// Characters of a sheet name (Excel's own limit), a header or an alias.
pub const MAX_NAME_CHARS: usize = 31;

/// The roles of one sheet's columns, as the code reads them.
pub trait Field: Copy + Eq + std::fmt::Debug + 'static {
    /// The sheet's name in the declaration.
    const SHEET: &'static str;
    /// Every role in order, with the header of the column it reads.
    const HEADERS: &'static [(Self, &'static str)];
}

impl Field for ReqField {
    const SHEET: &'static str = "协作需求";
    const HEADERS: &'static [(Self, &'static str)] = &[
        (ReqField::Id, "编号"),
        (ReqField::FromDept, "发函部门"),
        (ReqField::ToDept, "收函部门"),
        (ReqField::Date, "发函日期"),
        (ReqField::WorkName, "工作名称"),
        (ReqField::WorkKind, "工作性质"),
        (ReqField::Objective, "核心目标"),
        (ReqField::PlannedFinish, "计划完成日期"),
        (ReqField::ExpectedEffect, "预期成效"),
        (ReqField::CollabContent, "协作内容"),
        (ReqField::DeliveryCriteria, "交付标准"),
        (ReqField::DueDate, "完成时限"),
        (ReqField::Contact, "对接人"),
        (ReqField::Phone, "联系电话"),
        (ReqField::Email, "电子邮箱"),
        (ReqField::ConsultBy, "协商截止日期"),
        (ReqField::Annex, "附件"),
        (ReqField::Background, "协作背景"),
        (ReqField::Goal, "协作目标"),
        (ReqField::Resources, "所需资源"),
        (ReqField::Milestones, "期望时间节点"),
        (ReqField::Requester, "发起人"),
        (ReqField::Urgency, "紧急程度"),
        (ReqField::Seal, "印章"),
    ];
}

impl Field for TaskField {
    const SHEET: &'static str = "任务拆分";
    const HEADERS: &'static [(Self, &'static str)] = &[
        (TaskField::Id, "编号"),
        (TaskField::Seq, "序号"),
        (TaskField::Name, "任务名称"),
        (TaskField::OwnerDept, "承办部门"),
        (TaskField::Owner, "承办人"),
        (TaskField::Description, "任务描述"),
        (TaskField::DependsOn, "前置任务"),
        (TaskField::Start, "开始日期"),
        (TaskField::Finish, "完成日期"),
        (TaskField::Remark, "备注"),
    ];
}

/// The declared sheets: the two read by role, and any others.
#[derive(Debug, Clone)]
pub struct Schema {
    pub requests: Sheet<ReqField>,
    pub tasks: Sheet<TaskField>,
    pub others: Vec<Sheet<()>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    sheet: Vec<SheetDef>,
}

/// A `[[sheet]]` as written, in `columns.toml` or a form file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SheetDef {
    name: Spanned<String>,
    alias: Spanned<String>,
    /// For a sheet read generically: the column holding its request's 编号.
    key: Option<Spanned<String>>,
    /// What the sheet is for, for the template's instructions.
    note: Option<Spanned<String>>,
    columns: Vec<ColumnDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ColumnDef {
    header: Spanned<String>,
    alias: Spanned<String>,
    kind: Spanned<String>,
    #[serde(default)]
    required: bool,
    values: Option<Spanned<Vec<Spanned<String>>>>,
    /// What goes in the column, for the template's header note.
    note: Option<Spanned<String>>,
    /// Width in the template, in Excel's character units.
    width: Option<Spanned<Num>>,
    /// The template's example cells, one per example row.
    examples: Option<Spanned<Vec<String>>>,
}

/// The kinds a column may have; `choice` also takes `values`.
const KINDS: &[(&str, Kind)] = &[
    ("text", Kind::Text),
    ("date", Kind::Date),
    ("dept-list", Kind::DeptList),
    ("annex-list", Kind::AnnexList),
    ("email", Kind::Email),
    ("phone", Kind::Phone),
    ("choice", Kind::Choice(&[])),
    ("seq", Kind::Seq),
    ("seq-list", Kind::SeqList),
];

/// A kind's name as `columns.toml` writes it (`date`, `dept-list` …).
pub fn kind_name(kind: Kind) -> &'static str {
    let same = |k: &Kind| std::mem::discriminant(k) == std::mem::discriminant(&kind);
    KINDS.iter().find(|(_, k)| same(k)).map_or("text", |(name, _)| name)
}

/// Parse and check a column declaration. `file` names it in error messages.
pub fn parse(file: &str, src: &str) -> Result<Schema, FormError> {
    let p = Parser { file, src };
    if src.len() as u64 > MAX_FILE_BYTES {
        return Err(p.at(1, format!("文件过大（列定义文件最多 {MAX_FILE_BYTES} 字节）")));
    }
    let parsed: File = toml::from_str(src).map_err(|e| FormError {
        file: file.to_string(),
        line: e.span().map(|s| line_of(src, s.start)).unwrap_or(1),
        message: format!("格式错误：{}", toml_message(e.message())),
    })?;
    for (i, s) in parsed.sheet.iter().enumerate() {
        let earlier = &parsed.sheet[..i];
        if earlier.iter().any(|e| e.name.get_ref() == s.name.get_ref()) {
            return Err(p.err(&s.name, format!("工作表“{}”写了两次：请删去一个", s.name.get_ref())));
        }
        if earlier.iter().any(|e| e.alias.get_ref().eq_ignore_ascii_case(s.alias.get_ref())) {
            return Err(p.err(&s.alias, format!("别名“{}”已用于另一个工作表：请换一个", s.alias.get_ref())));
        }
    }
    let others = parsed
        .sheet
        .iter()
        .filter(|s| ![ReqField::SHEET, TaskField::SHEET].contains(&s.name.get_ref().as_str()))
        .map(|s| p.generic(s))
        .collect::<Result<_, _>>()?;
    Ok(Schema { requests: p.sheet(&parsed)?, tasks: p.sheet(&parsed)?, others })
}

/// The `[[sheet]]`s of a form file: sheets only that form reads, each new (not one of
/// `known`, the sheets already declared) and read generically.
pub fn form_sheets(file: &str, src: &str, defs: &[SheetDef], known: &[&str]) -> Result<Vec<Sheet<()>>, FormError> {
    let p = Parser { file, src };
    let mut out: Vec<Sheet<()>> = Vec::new();
    for d in defs {
        let name = d.name.get_ref();
        if known.contains(&name.as_str()) || out.iter().any(|s| s.name == name) {
            let message = format!("工作表“{name}”已有定义：表单文件中的 [[sheet]] 只能定义新的工作表，请换一个名称");
            return Err(p.err(&d.name, message));
        }
        out.push(p.generic(d)?);
    }
    Ok(out)
}

struct Parser<'a> {
    file: &'a str,
    src: &'a str,
}

impl Parser<'_> {
    fn at(&self, line: usize, message: String) -> FormError {
        FormError { file: self.file.to_string(), line, message }
    }

    fn err<T>(&self, at: &Spanned<T>, message: String) -> FormError {
        self.at(line_of(self.src, at.span().start), message)
    }

    /// The sheet of the roles `F`, checked.
    fn sheet<F: Field>(&self, file: &File) -> Result<Sheet<F>, FormError> {
        let Some(def) = file.sheet.iter().find(|s| s.name.get_ref() == F::SHEET) else {
            return Err(self.at(1, format!("缺少工作表“{}”：请补上它的 [[sheet]]", F::SHEET)));
        };
        self.name(&def.name, "工作表名（name）")?;
        self.alias(&def.alias)?;
        if let Some(key) = &def.key {
            return Err(self.err(key, format!("“{}”表由 gongwen 按列的用途读取，不用写 key：请删去", F::SHEET)));
        }
        let all = self.all_columns(def)?;
        let mut columns: Vec<Column<F>> = Vec::with_capacity(F::HEADERS.len());
        let mut extra: Vec<Column<()>> = Vec::new();
        for (i, (c, column)) in def.columns.iter().zip(all).enumerate() {
            // The bridge: the role this header is read as, in its place; the columns after the
            // roles are the sheet's own.
            let Some(&(field, expected)) = F::HEADERS.get(i) else {
                extra.push(column);
                continue;
            };
            if expected != column.header {
                let message = format!(
                    "列的顺序不对：“{}”表的第 {} 列应为“{expected}”（gongwen 按用途读取的列在前，另加的列写在它们之后）",
                    F::SHEET,
                    i + 1
                );
                return Err(self.err(&c.header, message));
            }
            let Column { header, alias, required, kind, note, width, examples, .. } = column;
            columns.push(Column { field, header, alias, required, kind, note, width, examples });
        }
        if let Some(missing) = F::HEADERS.get(columns.len()..).filter(|m| !m.is_empty()) {
            let names: Vec<String> = missing.iter().map(|(_, h)| format!("“{h}”")).collect();
            let message = format!("“{}”表缺少列{}：请按顺序补上", F::SHEET, names.join("、"));
            return Err(self.err(&def.name, message));
        }
        Ok(Sheet {
            name: leak(def.name.get_ref()),
            alias: leak(def.alias.get_ref()),
            note: self.note(&def.note)?,
            columns: columns.leak(),
            extra: extra.leak(),
            key: None,
        })
    }

    /// A sheet read generically: its columns, and its `key` naming one of them (the 编号 of
    /// the request each row belongs to, so always required).
    fn generic(&self, def: &SheetDef) -> Result<Sheet<()>, FormError> {
        self.name(&def.name, "工作表名（name）")?;
        self.alias(&def.alias)?;
        if [ReqField::SHEET, TaskField::SHEET].iter().any(|s| def.alias.get_ref().eq_ignore_ascii_case(s)) {
            return Err(self.err(&def.alias, format!("别名“{}”与已有工作表重复：请换一个", def.alias.get_ref())));
        }
        let mut columns = self.all_columns(def)?;
        let Some(key) = &def.key else {
            let message =
                format!("工作表“{}”须用 key 指明哪一列是所属协作需求的编号，如 key = \"编号\"", def.name.get_ref());
            return Err(self.err(&def.name, message));
        };
        let Some(k) = columns.iter_mut().find(|c| c.header == key.get_ref()) else {
            return Err(self.err(key, format!("key 应为本表的一列，这里是“{}”", key.get_ref())));
        };
        if !matches!(k.kind, Kind::Text) {
            return Err(self.err(key, format!("key 列“{}”应为 text 类型", k.header)));
        }
        k.required = true;
        Ok(Sheet {
            name: leak(def.name.get_ref()),
            alias: leak(def.alias.get_ref()),
            note: self.note(&def.note)?,
            key: Some(k.header),
            columns: columns.leak(),
            extra: &[],
        })
    }

    /// Every column of a sheet, checked: at most [`MAX_COLUMNS`], no header or alias twice.
    fn all_columns(&self, def: &SheetDef) -> Result<Vec<Column<()>>, FormError> {
        if def.columns.len() > MAX_COLUMNS {
            let message = format!("一个工作表最多 {MAX_COLUMNS} 列，这里有 {} 列", def.columns.len());
            return Err(self.err(&def.name, message));
        }
        if def.columns.is_empty() {
            return Err(self.err(&def.name, format!("工作表“{}”没有列：请在 columns 中列出", def.name.get_ref())));
        }
        let mut columns: Vec<Column<()>> = Vec::with_capacity(def.columns.len());
        for c in &def.columns {
            let column = self.column(c)?;
            if columns.iter().any(|e| e.header == column.header) {
                return Err(self.err(&c.header, format!("列“{}”写了两次：请删去一个", column.header)));
            }
            if let Some(e) = columns.iter().find(|e| e.alias.eq_ignore_ascii_case(column.alias)) {
                let message = format!("别名“{}”已用于列“{}”：请换一个", column.alias, e.header);
                return Err(self.err(&c.alias, message));
            }
            columns.push(column);
        }
        Ok(columns)
    }

    /// One column, checked, with no role yet.
    fn column(&self, c: &ColumnDef) -> Result<Column<()>, FormError> {
        self.name(&c.header, "列名（header）")?;
        self.alias(&c.alias)?;
        let Some(&(_, kind)) = KINDS.iter().find(|(k, _)| k == c.kind.get_ref()) else {
            let keys: Vec<&str> = KINDS.iter().map(|(k, _)| *k).collect();
            let message = format!("未知的列类型“{}”（可用：{}）", c.kind.get_ref(), keys.join("、"));
            return Err(self.err(&c.kind, message));
        };
        let kind = match (kind, &c.values) {
            (Kind::Choice(_), Some(values)) => Kind::Choice(self.values(values)?),
            (Kind::Choice(_), None) => {
                return Err(self.err(&c.kind, "choice 类型的列须列出可选值：values = [\"…\", \"…\"]".into()))
            }
            (_, Some(values)) => {
                let message = format!("只有 choice 类型的列才有 values，这一列是 {}：请删去 values", c.kind.get_ref());
                return Err(self.err(values, message));
            }
            (kind, None) => kind,
        };
        let width = match &c.width {
            None => 0.0,
            Some(w) => match out_of_range("width（列宽）", w.get_ref().0, 4.0, 100.0, false) {
                Some(message) => return Err(self.err(w, message)),
                None => w.get_ref().0,
            },
        };
        let examples: Vec<&'static str> = match &c.examples {
            None => Vec::new(),
            Some(list) if list.get_ref().len() > 5 => {
                return Err(self.err(list, "examples 最多 5 项（模板中的示例行）".into()))
            }
            Some(list) => list.get_ref().iter().map(|e| leak(e)).collect(),
        };
        Ok(Column {
            field: (),
            header: leak(c.header.get_ref()),
            alias: leak(c.alias.get_ref()),
            required: c.required,
            kind,
            note: self.note(&c.note)?,
            width,
            examples: examples.leak(),
        })
    }

    /// A note for people (the template's): one line, at most 200 characters.
    fn note(&self, note: &Option<Spanned<String>>) -> Result<&'static str, FormError> {
        match note {
            None => Ok(""),
            Some(n) if n.get_ref().chars().count() > 200 || n.get_ref().contains('\n') => {
                Err(self.err(n, "note 应为一行、最多 200 个字".into()))
            }
            Some(n) => Ok(leak(n.get_ref().trim())),
        }
    }

    /// A `choice` column's values: 1 to [`MAX_VALUES`], each a name, none twice, and short
    /// enough together for an Excel dropdown (whose list is comma-separated).
    fn values(&self, values: &Spanned<Vec<Spanned<String>>>) -> Result<&'static [&'static str], FormError> {
        let n = values.get_ref().len();
        if n == 0 || n > MAX_VALUES {
            return Err(self.err(values, format!("values 应有 1 到 {MAX_VALUES} 项，这里有 {n} 项")));
        }
        let mut out: Vec<&'static str> = Vec::with_capacity(n);
        for v in values.get_ref() {
            let text = v.get_ref();
            if text.trim().is_empty() || text.trim() != text || text.contains(['\n', '\r']) {
                return Err(self.err(v, "可选值不能为空，前后不能有空格，也不能换行".into()));
            }
            if text.contains([',', '，']) {
                return Err(self.err(v, format!("可选值“{text}”中不能有逗号（Excel 的下拉列表用逗号分隔各项）")));
            }
            if out.contains(&text.as_str()) {
                return Err(self.err(v, format!("可选值“{text}”写了两次：请删去一个")));
            }
            out.push(leak(text));
        }
        let chars = out.iter().map(|v| v.chars().count()).sum::<usize>() + n - 1;
        if chars > MAX_VALUES_CHARS {
            let message = format!(
                "可选值连同分隔的逗号共 {chars} 个字符，Excel 的下拉列表最多 {MAX_VALUES_CHARS} 个：请缩短或减少可选值"
            );
            return Err(self.err(values, message));
        }
        Ok(out.leak())
    }

    /// A sheet name or header: not empty, no spaces around it, no line break, at most
    /// [`MAX_NAME_CHARS`] characters.
    fn name(&self, s: &Spanned<String>, what: &str) -> Result<(), FormError> {
        let text = s.get_ref();
        if text.trim().is_empty() || text.trim() != text || text.contains(['\n', '\r']) {
            return Err(self.err(s, format!("{what}不能为空，前后不能有空格，也不能换行")));
        }
        let n = text.chars().count();
        if n > MAX_NAME_CHARS {
            return Err(self.err(s, format!("{what}最多 {MAX_NAME_CHARS} 个字符，“{text}”有 {n} 个")));
        }
        Ok(())
    }

    /// An English alias: ASCII letters, digits and `_`, beginning with a letter.
    fn alias(&self, s: &Spanned<String>) -> Result<(), FormError> {
        let text = s.get_ref();
        let mut chars = text.chars();
        let ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
            && text.len() <= MAX_NAME_CHARS;
        if !ok {
            let message = format!(
                "别名（alias）应为英文字母、数字和 _，以字母开头，最多 {MAX_NAME_CHARS} 个字符，如 \"work_name\"；这里是“{text}”"
            );
            return Err(self.err(s, message));
        }
        Ok(())
    }
}

/// Text kept for the life of the program: the declaration is read once, and its tables are
/// `'static` like the Rust tables they replaced.
fn leak(s: &str) -> &'static str {
    Box::leak(s.to_owned().into_boxed_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    const BUILT_IN: &str = include_str!("../../forms/columns.toml");

    /// The error of the built-in file with `from` replaced by `to` (which must be in it).
    fn error_after(from: &str, to: &str) -> FormError {
        assert!(BUILT_IN.contains(from), "{from}");
        parse("forms/columns.toml", &BUILT_IN.replacen(from, to, 1)).expect_err(to)
    }

    /// The 1-based line of the built-in file on which `text` first appears.
    fn line_with(text: &str) -> usize {
        line_of(BUILT_IN, BUILT_IN.find(text).expect(text))
    }

    #[test]
    fn the_built_in_file_parses() {
        let s = parse("forms/columns.toml", BUILT_IN).unwrap();
        assert_eq!(s.requests.columns.len(), ReqField::HEADERS.len());
        assert_eq!(s.tasks.columns.len(), TaskField::HEADERS.len());
        for (c, (field, header)) in s.requests.columns.iter().zip(ReqField::HEADERS) {
            assert_eq!((c.field, c.header), (*field, *header));
        }
        for (c, (field, header)) in s.tasks.columns.iter().zip(TaskField::HEADERS) {
            assert_eq!((c.field, c.header), (*field, *header));
        }
    }

    #[test]
    fn mistakes_are_said_in_chinese_with_their_line() {
        let phone = r#"{ header = "联系电话", alias = "phone", kind = "phone", required = true }"#;
        for (to, want) in [
            (
                r#"{ header = "联系电话", alias = "phone", kind = "fone", required = true }"#,
                "未知的列类型“fone”（可用：text、date",
            ),
            (
                r#"{ header = "联系电话", alias = "phone", kind = "phone", required = "yes" }"#,
                "值的类型不对：这里应为true 或 false",
            ),
            (r#"{ header = "联系电话", alias = "phone", kind = "phone", requird = true }"#, "未知的键“requird”"),
            (r#"{ header = "联系电话", kind = "phone" }"#, "缺少必需的键 alias"),
            (r#"{ header = "联系电话", alias = "phone", kind = "choice" }"#, "choice 类型的列须列出可选值"),
            (
                r#"{ header = "联系电话", alias = "phone", kind = "phone", values = ["a"] }"#,
                "只有 choice 类型的列才有 values",
            ),
            (
                r#"{ header = "联系电话", alias = "phone", kind = "choice", values = [] }"#,
                "values 应有 1 到 50 项，这里有 0 项",
            ),
            (r#"{ header = "联系电话", alias = "phone", kind = "choice", values = ["a", "a"] }"#, "可选值“a”写了两次"),
            (r#"{ header = "联系电话", alias = "phone", kind = "choice", values = ["a,b"] }"#, "不能有逗号"),
            (r#"{ header = "联系电话", alias = "phone", kind = "choice", values = [" a"] }"#, "前后不能有空格"),
            (r#"{ header = " 联系电话", alias = "phone", kind = "phone" }"#, "列名（header）不能为空，前后不能有空格"),
            (r#"{ header = "联系电话", alias = "电话", kind = "phone" }"#, "别名（alias）应为英文字母"),
            (r#"{ header = "联系电话", alias = "Contact", kind = "phone" }"#, "别名“Contact”已用于列“对接人”"),
            (r#"{ header = "对接人", alias = "phone", kind = "phone" }"#, "列“对接人”写了两次"),
            (
                r#"{ header = "手机", alias = "phone", kind = "phone" }"#,
                "列的顺序不对：“协作需求”表的第 14 列应为“联系电话”（gongwen 按用途读取的列在前，另加的列写在它们之后）",
            ),
        ] {
            let e = error_after(phone, to);
            assert_eq!((e.file.as_str(), e.line), ("forms/columns.toml", line_with(phone)), "{to}: {e}");
            assert!(e.message.contains(want), "{to}: {e}");
            assert!(!e.message.contains("expected"), "{e}");
        }
        let long: Vec<String> = (0..30).map(|i| format!("\"选项{i:02}号甲乙丙丁戊己\"")).collect();
        let e = error_after(r#"values = ["一般", "紧急", "特急"]"#, &format!("values = [{}]", long.join(", ")));
        assert!(e.message.contains("Excel 的下拉列表最多 255 个"), "{e}");
        assert_eq!(e.line, line_with("紧急程度"));
    }

    #[test]
    fn sheets_and_order_are_checked() {
        let seq = r#"{ header = "序号", alias = "seq", kind = "seq", required = true },"#;
        let e = error_after(seq, &format!("{seq} {{ header = \"编号\", alias = \"id2\", kind = \"text\" }},"));
        assert!(e.message.contains("列“编号”写了两次"), "{e}");
        // Two lines swapped: the first out of place is named.
        let (a, b) = (
            r#"{ header = "承办人", alias = "owner", kind = "text" },"#,
            r#"{ header = "任务描述", alias = "description", kind = "text" },"#,
        );
        let src = BUILT_IN.replacen(a, "@", 1).replacen(b, a, 1).replacen('@', b, 1);
        let e = parse("c.toml", &src).unwrap_err();
        assert_eq!(e.line, line_of(&src, src.find("任务描述").unwrap()), "{e}");
        assert!(e.message.contains("列的顺序不对：“任务拆分”表的第 5 列应为“承办人”"), "{e}");
        // A column left out.
        let remark = "\n  { header = \"备注\", alias = \"remark\", kind = \"text\" },";
        let e = error_after(remark, "");
        assert!(e.message.contains("“任务拆分”表缺少列“备注”"), "{e}");
        assert_eq!(e.line, line_with("name = \"任务拆分\""));
        // Sheets.
        let e = error_after("name = \"任务拆分\"", "name = \"任务\"");
        assert!(e.message.contains("工作表“任务”须用 key 指明哪一列是所属协作需求的编号"), "{e}");
        let e = error_after("alias = \"tasks\"", "alias = \"Requests\"");
        assert!(e.message.contains("别名“Requests”已用于另一个工作表"), "{e}");
        let e = parse("c.toml", "").unwrap_err();
        assert_eq!(e.to_string(), "错误：c.toml:1：格式错误：缺少必需的键 sheet：请补上“sheet = …”");
        let only_tasks = &BUILT_IN[BUILT_IN.rfind("[[sheet]]").unwrap()..];
        let e = parse("c.toml", only_tasks).unwrap_err();
        assert_eq!(e.message, "缺少工作表“协作需求”：请补上它的 [[sheet]]");
        let e =
            parse("c.toml", "[[sheet]]\nname = \"协作需求\"\nalias = \"requests\"\ncolumns = [\n{ header = \"编号\" ")
                .unwrap_err();
        assert_eq!(e.line, 5, "{e}");
        assert!(e.message.contains("TOML 语法错误"), "{e}");
    }
}
