//! Reading one worksheet against its column table: find the header row, map header cells to
//! columns (Chinese header or English alias), then turn every non-blank row into typed
//! [`Value`]s per column, reporting each cell problem with its reference. Sheet-specific rules
//! (unique 编号, task dependencies) live in `validate`.

use super::cells::{self, DateError};
use super::columns::{Kind, Sheet};
use super::grid::GridRow;
use super::problem::{Fatal, Problem, Severity};
use super::source::RowStream;
use calamine::Data;
use chrono::{Datelike, NaiveDate};

/// A value read from one cell, shaped by its column's [`Kind`].
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    Date(NaiveDate),
    List(Vec<String>),
    Seq(u32),
    Seqs(Vec<u32>),
}

/// How many problems of each severity are listed one by one; past it they are only counted
/// (a workbook of a million bad cells would otherwise print, and hold, a million lines). The
/// first ones found are kept, which is nearly the first ones in the sheet: rows are read top
/// to bottom, and the workbook rules only add to rows already read.
pub const MAX_LISTED: usize = 1000;

/// Problems collected while reading, kept with a sort key so they can be listed in
/// sheet / row / column order however they were found; beyond [`MAX_LISTED`] of a severity
/// only counted.
#[derive(Debug, Default)]
pub struct Problems {
    found: Vec<((u8, u32, u32), Problem)>,
    listed: [usize; 2],
    unlisted: Unlisted,
}

/// Problems found but not listed one by one (see [`MAX_LISTED`]).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Unlisted {
    pub errors: usize,
    pub warnings: usize,
}

impl Problems {
    /// Record a problem in a cell (0-based row and column) of the sheet with order `sheet_no`.
    pub fn at(&mut self, sheet_no: u8, sheet: &str, severity: Severity, row0: u32, col0: u32, message: String) {
        if self.full(severity) {
            return;
        }
        let cell = Some(cells::cell_ref(row0, col0));
        self.found.push(((sheet_no, row0, col0), Problem { severity, sheet: sheet.to_string(), cell, message }));
    }

    /// Record a problem with a whole sheet (listed before its cell problems).
    pub fn sheet_level(&mut self, sheet_no: u8, sheet: &str, severity: Severity, message: String) {
        if self.full(severity) {
            return;
        }
        self.found.push(((sheet_no, 0, 0), Problem { severity, sheet: sheet.to_string(), cell: None, message }));
    }

    /// Count one more problem of `severity`: `true` when it is past the listing limit (and so
    /// only counted).
    fn full(&mut self, severity: Severity) -> bool {
        let i = severity as usize;
        if self.listed[i] < MAX_LISTED {
            self.listed[i] += 1;
            return false;
        }
        match severity {
            Severity::Error => self.unlisted.errors += 1,
            Severity::Warning => self.unlisted.warnings += 1,
        }
        true
    }

    pub fn extend(&mut self, other: Problems) {
        for ((sheet_no, row0, col0), p) in other.found {
            if !self.full(p.severity) {
                self.found.push(((sheet_no, row0, col0), p));
            }
        }
        self.unlisted.errors += other.unlisted.errors;
        self.unlisted.warnings += other.unlisted.warnings;
    }

    /// All listed problems in sheet, row, column order (stable: same-cell problems keep their
    /// order), and how many more there were.
    pub fn into_sorted(mut self) -> (Vec<Problem>, Unlisted) {
        self.found.sort_by_key(|(key, _)| *key);
        (self.found.into_iter().map(|(_, p)| p).collect(), self.unlisted)
    }
}

/// One worksheet being read: its name as written, its place in the problem order. Its rows
/// (only the non-empty cells, at their sheet positions: see `grid`) are read once, top to
/// bottom, and not kept.
pub struct SheetReader<'a, F: 'static> {
    pub spec: &'static Sheet<F>,
    pub name: &'a str,
    pub sheet_no: u8,
    /// What a character no bundled font has does.
    pub glyphs: super::Glyphs,
}

/// The header row: where it is and which sheet column holds each table column.
#[derive(Debug)]
pub struct Header {
    pub row0: u32,
    /// Absolute 0-based sheet column of each table column (indexed like the column table).
    pub col_of: Vec<Option<u32>>,
    /// Header cells that could name more than one column: (text, the columns it may mean).
    pub near_misses: Vec<(String, Vec<usize>)>,
    /// The sheet's other columns: those declared in `extra` (present or not), then every
    /// other named column of the header row, read as text, in sheet order.
    pub extra: Vec<ExtraColumn>,
    /// Their headers, shared by every row's [`Extra`](crate::request::Extra).
    pub extra_headers: std::sync::Arc<[Box<str>]>,
}

/// A column of the sheet that no role reads.
#[derive(Debug)]
pub struct ExtraColumn {
    pub header: String,
    pub alias: &'static str,
    pub kind: Kind,
    pub required: bool,
    /// Where it is in the sheet; `None` for a declared column the sheet lacks.
    pub col0: Option<u32>,
}

impl Header {
    /// Does the header row name any column of the table at all?
    pub fn recognises_any(&self) -> bool {
        self.col_of.iter().any(Option::is_some)
    }
}

/// One data row read into values, indexed like the column table.
#[derive(Debug)]
pub struct RowValues {
    pub row0: u32,
    pub values: Vec<Option<Value>>,
    /// The other columns' printed values, indexed like [`Header::extra`] (empty when blank).
    pub extra: Vec<Box<str>>,
    /// Errors found in this row's cells: (0-based column, message without the cell reference).
    pub errors: Vec<(u32, String)>,
}

impl Value {
    /// The value as a form prints it: dates the official way, lists joined (annex titles one
    /// per line, anything else with `、`).
    pub fn printed(&self, kind: Kind) -> String {
        match self {
            Value::Text(s) => s.clone(),
            Value::Date(d) => crate::request::format_date(*d),
            Value::List(v) if kind == Kind::AnnexList => v.join("\n"),
            Value::List(v) => v.join("、"),
            Value::Seq(n) => n.to_string(),
            Value::Seqs(v) => v.iter().map(u32::to_string).collect::<Vec<_>>().join("、"),
        }
    }
}

impl RowValues {
    /// The row's other columns, by header, for its [`Request`](crate::request::Request),
    /// [`Task`](crate::request::Task) or [`Record`](crate::request::Record).
    pub fn take_extra(&mut self, header: &Header) -> crate::request::Extra {
        crate::request::Extra {
            headers: header.extra_headers.clone(),
            values: std::mem::take(&mut self.extra).into_boxed_slice(),
        }
    }

    pub fn text(&self, field: usize) -> Option<&str> {
        match &self.values[field] {
            Some(Value::Text(s)) => Some(s),
            _ => None,
        }
    }
    pub fn take_text(&mut self, field: usize) -> Option<String> {
        match self.values[field].take() {
            Some(Value::Text(s)) => Some(s),
            _ => None,
        }
    }
    pub fn date(&self, field: usize) -> Option<NaiveDate> {
        match &self.values[field] {
            Some(Value::Date(d)) => Some(*d),
            _ => None,
        }
    }
    pub fn take_list(&mut self, field: usize) -> Vec<String> {
        match self.values[field].take() {
            Some(Value::List(v)) => v,
            _ => Vec::new(),
        }
    }
    pub fn seq(&self, field: usize) -> Option<u32> {
        match &self.values[field] {
            Some(Value::Seq(n)) => Some(*n),
            _ => None,
        }
    }
    pub fn seqs(&self, field: usize) -> &[u32] {
        match &self.values[field] {
            Some(Value::Seqs(v)) => v,
            _ => &[],
        }
    }
}

/// Header text as matched: trimmed of ASCII and full-width spaces, a trailing required-mark
/// `*`/`＊` dropped, and only the first line kept (a header may carry a hint on a second line).
fn header_key(raw: &str) -> String {
    let first_line = raw.trim().lines().next().unwrap_or("");
    first_line.trim().trim_end_matches(['*', '＊']).trim().to_string()
}

fn is_blank(cell: &Data) -> bool {
    match cell {
        Data::Empty => true,
        Data::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

fn is_blank_row(row: &GridRow) -> bool {
    row.cells().all(|(_, c)| is_blank(c))
}

const DATE_HINT: &str = "可写作 2026-03-05 或 2026年3月5日";

impl<'a, F: Copy> SheetReader<'a, F> {
    /// What one data row of this sheet is, for messages about whole rows.
    fn item(&self) -> &'static str {
        if self.sheet_no == 0 {
            "协作需求"
        } else {
            "任务"
        }
    }

    /// Find the header row and map its cells to columns. The header row is the first
    /// non-blank row, except that a title row above it (a row naming no column, such as a
    /// merged `协作需求登记表`) is passed over: among the first few non-blank rows, the first
    /// that names a known column wins. Unknown and repeated columns are warnings.
    /// `None` when the sheet has no non-blank row. The rows looked at below the header are
    /// put back for [`SheetReader::row`].
    pub fn header(&self, sheet: &mut RowStream, problems: &mut Problems) -> Option<Header> {
        const TITLE_ROWS: usize = 5;
        let names_a_column = |row: &GridRow| {
            row.cells().any(|(_, c)| match cells::raw_text(c) {
                Ok(Some(t)) => {
                    let key = header_key(&t);
                    self.spec.column_for_header(&key).is_some() || self.spec.near_columns(&key).len() == 1
                }
                _ => false,
            })
        };
        let mut ahead: Vec<GridRow> = sheet.by_ref().filter(|r| !is_blank_row(r)).take(TITLE_ROWS).collect();
        let at = ahead.iter().position(names_a_column).unwrap_or(0);
        sheet.put_back(ahead.split_off((at + 1).min(ahead.len())));
        let header_row = ahead.pop()?;
        let row0 = header_row.row0;
        let mut col_of: Vec<Option<u32>> = vec![None; self.spec.columns.len()];
        let warn = |problems: &mut Problems, col0: u32, msg: String| {
            problems.at(self.sheet_no, self.name, Severity::Warning, row0, col0, msg)
        };
        let mut extra: Vec<ExtraColumn> = self
            .spec
            .extra
            .iter()
            .map(|c| ExtraColumn {
                header: c.header.into(),
                alias: c.alias,
                kind: c.kind,
                required: c.required,
                col0: None,
            })
            .collect();
        // Exact names first, so a near name never takes a column that is also there exactly.
        let mut unknown: Vec<(u32, String)> = Vec::new();
        for (col0, cell) in header_row.cells() {
            let Ok(Some(raw)) = cells::raw_text(cell) else { continue };
            let key = header_key(&raw);
            if key.is_empty() {
                continue;
            }
            if let Some(e) = extra.iter_mut().find(|e| e.header == key || e.alias.eq_ignore_ascii_case(&key)) {
                match e.col0 {
                    None => e.col0 = Some(col0),
                    Some(first) => warn(
                        problems,
                        col0,
                        format!("列“{key}”重复（第一次在 {}），此列已忽略；请删除或改名", cells::cell_ref(row0, first)),
                    ),
                }
                continue;
            }
            match self.spec.column_for_header(&key) {
                Some(c) if col_of[c].is_none() => col_of[c] = Some(col0),
                Some(c) => warn(
                    problems,
                    col0,
                    format!(
                        "列“{key}”重复（第一次在 {}），此列已忽略；请删除或改名",
                        cells::cell_ref(row0, col_of[c].expect("seen"))
                    ),
                ),
                None => unknown.push((col0, key)),
            }
        }
        let mut near_misses = Vec::new();
        for (col0, key) in unknown {
            let near: Vec<usize> = self.spec.near_columns(&key).into_iter().filter(|&c| col_of[c].is_none()).collect();
            let names = |cols: &[usize]| -> String {
                let quoted: Vec<String> = cols.iter().map(|&c| format!("“{}”", self.spec.columns[c].header)).collect();
                quoted.join("或")
            };
            match near.as_slice() {
                [c] => {
                    let header = self.spec.columns[*c].header;
                    col_of[*c] = Some(col0);
                    warn(problems, col0, format!("列“{key}”按“{header}”读取；请把表头改为“{header}”"));
                }
                // A column of the office's own: read as text, for forms that print it.
                [] => match extra.iter().find(|e| e.header == key) {
                    Some(e) => warn(
                        problems,
                        col0,
                        format!(
                            "列“{key}”重复（第一次在 {}），此列已忽略；请删除或改名",
                            cells::cell_ref(row0, e.col0.unwrap_or(col0))
                        ),
                    ),
                    None => extra.push(ExtraColumn {
                        header: key,
                        alias: "",
                        kind: Kind::Text,
                        required: false,
                        col0: Some(col0),
                    }),
                },
                several => {
                    warn(
                        problems,
                        col0,
                        format!("列“{key}”不是规定的列名，已忽略；是不是{}？请把表头改为其中一个", names(several)),
                    );
                    near_misses.push((key, several.to_vec()));
                }
            }
        }
        let extra_headers = extra.iter().map(|e| e.header.clone().into_boxed_str()).collect();
        Some(Header { row0, col_of, near_misses, extra, extra_headers })
    }

    /// Every required column must be in the header row; all missing ones are named at once.
    pub fn require_columns(&self, header: &Header) -> Result<(), Fatal> {
        let missing: Vec<(&'static str, &'static str)> = self
            .spec
            .columns
            .iter()
            .zip(&header.col_of)
            .filter(|(c, at)| c.required && at.is_none())
            .map(|(c, _)| (c.header, c.alias))
            .chain(
                self.spec
                    .extra
                    .iter()
                    .zip(&header.extra)
                    .filter(|(c, e)| c.required && e.col0.is_none())
                    .map(|(c, _)| (c.header, c.alias)),
            )
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        // A header that could have been one of the missing columns is named with it.
        let hints = header
            .near_misses
            .iter()
            .filter_map(|(key, cols)| {
                let wanted: Vec<&str> = cols
                    .iter()
                    .map(|&c| self.spec.columns[c].header)
                    .filter(|h| missing.iter().any(|(m, _)| m == h))
                    .collect();
                (!wanted.is_empty()).then(|| format!("表头“{key}”是不是“{}”？", wanted.join("”或“")))
            })
            .collect();
        Err(Fatal::MissingColumns {
            sheet: self.name.to_string(),
            columns: missing,
            header_row: header.row0 + 1,
            hints,
        })
    }

    /// One row of the sheet read into values, its problems reported; `None` for the header
    /// and the rows above it, a blank row and a 合计 row.
    pub fn row(&self, cells: &GridRow, header: &Header, problems: &mut Problems) -> Option<RowValues> {
        if cells.row0 <= header.row0 || is_blank_row(cells) {
            return None;
        }
        let row0 = cells.row0;
        let cell_of = |field: usize| header.col_of[field].map(|col0| (col0, cells.get(col0)));
        // The row's own first cell, for problems with the whole row.
        let first_col0 = header.col_of.iter().flatten().copied().min().unwrap_or(0);
        if let Some((col0, word)) = total_row(cells) {
            let message = format!("第 {} 行是“{word}”行，不是{}，已跳过；如不需要请删除此行", row0 + 1, self.item());
            problems.at(self.sheet_no, self.name, Severity::Warning, row0, col0, message);
            return None;
        }
        // Most required cells empty: one line for the row, not one per empty cell.
        let required: Vec<usize> = (0..self.spec.columns.len()).filter(|&f| self.spec.columns[f].required).collect();
        let empty: Vec<&str> = required
            .iter()
            .filter(|&&f| cell_of(f).is_none_or(|(_, c)| is_blank(c)))
            .map(|&f| self.spec.columns[f].header)
            .collect();
        let mostly_empty = empty.len() >= 3 && empty.len() * 2 > required.len();
        let mut row = RowValues {
            row0,
            values: vec![None; self.spec.columns.len()],
            extra: Vec::with_capacity(header.extra.len()),
            errors: Vec::new(),
        };
        if mostly_empty {
            const SHOWN: usize = 3;
            let more = if empty.len() > SHOWN { " 等" } else { "" };
            let message = format!(
                "第 {} 行大部分必填项是空的（缺少{}{more}共 {} 项），不能生成；请补全或删除此行",
                row0 + 1,
                empty.iter().take(SHOWN).map(|h| format!("“{h}”")).collect::<String>(),
                empty.len()
            );
            problems.at(self.sheet_no, self.name, Severity::Error, row0, first_col0, message.clone());
            row.errors.push((first_col0, message));
        }
        for (field, column) in self.spec.columns.iter().enumerate() {
            let Some((col0, cell)) = cell_of(field) else { continue };
            let mut cell_errors = Vec::new();
            let mut report = |severity, message: String| {
                if severity == Severity::Error {
                    cell_errors.push(message.clone());
                }
                // A mostly empty row has had its one line.
                if !mostly_empty {
                    problems.at(self.sheet_no, self.name, severity, row0, col0, message);
                }
            };
            let value = read_cell(column.header, column.kind, cell, self.glyphs, &mut report);
            let failed = !cell_errors.is_empty();
            if !mostly_empty {
                row.errors.extend(cell_errors.into_iter().map(|m| (col0, m)));
            }
            if value.is_none() && column.required && !failed && !mostly_empty {
                let message = format!("{}：必填，不能为空", column.header);
                row.errors.push((col0, message.clone()));
                problems.at(self.sheet_no, self.name, Severity::Error, row0, col0, message);
            }
            row.values[field] = value;
        }
        for e in &header.extra {
            let Some(col0) = e.col0 else {
                row.extra.push("".into());
                continue;
            };
            let mut failed = false;
            let mut report = |severity, message: String| {
                if severity == Severity::Error {
                    failed = true;
                    row.errors.push((col0, message.clone()));
                }
                if !mostly_empty {
                    problems.at(self.sheet_no, self.name, severity, row0, col0, message);
                }
            };
            let value = read_cell(&e.header, e.kind, cells.get(col0), self.glyphs, &mut report);
            if value.is_none() && e.required && !failed && !mostly_empty {
                let message = format!("{}：必填，不能为空", e.header);
                row.errors.push((col0, message.clone()));
                problems.at(self.sheet_no, self.name, Severity::Error, row0, col0, message);
            }
            row.extra.push(value.map_or_else(String::new, |v| v.printed(e.kind)).into_boxed_str());
        }
        Some(row)
    }
}

/// Words that mark a row of sums under a table, not a data row.
const TOTAL_WORDS: &[&str] = &["合计", "总计", "小计", "共计", "总合计", "合计数"];

/// Is this a 合计 / 总计 / 小计 row? Its column and word, when one of its text cells is such a
/// word alone (spaces and a colon allowed: `合 计：`).
fn total_row(row: &GridRow) -> Option<(u32, &'static str)> {
    row.cells().find_map(|(col0, c)| {
        let Data::String(s) = c else { return None };
        let word: String = s.chars().filter(|c| !c.is_whitespace() && !matches!(c, ':' | '：')).collect();
        TOTAL_WORDS.iter().find(|w| **w == word).map(|w| (col0, *w))
    })
}

/// Read one cell by its column's kind. Problems go to `report` (severity, message naming
/// the column); `None` for a blank cell or one with an error.
fn read_cell(
    h: &str,
    kind: Kind,
    cell: &Data,
    glyphs: super::Glyphs,
    report: &mut impl FnMut(Severity, String),
) -> Option<Value> {
    match kind {
        Kind::Date => match cells::cell_date(cell) {
            Ok(None) => None,
            Ok(Some(d)) => {
                if let Some(serial) = d.serial {
                    if !(1990..=2100).contains(&d.date.year()) {
                        report(
                            Severity::Warning,
                            format!(
                                "{h}：数字 {} 被当作 Excel 日期序号，得到 {}，请确认（{DATE_HINT}）",
                                cells::number_text(serial),
                                crate::request::format_date(d.date)
                            ),
                        );
                    }
                }
                Some(Value::Date(d.date))
            }
            Err(DateError::Invalid(shown)) => {
                report(Severity::Error, format!("{h}：“{shown}”不是有效日期（{DATE_HINT}）"));
                None
            }
            Err(DateError::TimeOnly(shown)) => {
                report(Severity::Error, format!("{h}：“{shown}”只有时间、没有日期（{DATE_HINT}）"));
                None
            }
            Err(DateError::NoYear(shown, m, d)) => {
                let year = chrono::Local::now().year();
                report(Severity::Error, format!("{h}：“{shown}”缺少年份，请写完整日期，如 {year}年{m}月{d}日"));
                None
            }
            Err(DateError::ShortYear(shown, date)) => {
                let full = crate::request::format_date(date);
                report(Severity::Error, format!("{h}：“{shown}”的年份只有两位，请写完整的四位年份，如 {full}"));
                None
            }
        },
        Kind::Seq => match cells::cell_seq(cell) {
            Ok(n) => n.map(Value::Seq),
            Err(shown) => {
                report(Severity::Error, format!("{h}：“{shown}”不是正整数，序号应写作 1、2、3…"));
                None
            }
        },
        Kind::SeqList => match cells::cell_seq_list(cell) {
            Ok(v) if v.is_empty() => None,
            Ok(v) => Some(Value::Seqs(v)),
            Err(item) => {
                report(Severity::Error, format!("{h}：“{item}”不是任务序号，多个序号用“、”分隔（如 1、2）"));
                None
            }
        },
        Kind::Text | Kind::Choice(_) | Kind::Email | Kind::Phone | Kind::DeptList | Kind::AnnexList => {
            let text = read_text(h, cell, glyphs, report)?;
            match kind {
                Kind::Choice(allowed) => {
                    if !allowed.contains(&text.as_str()) {
                        report(
                            Severity::Warning,
                            format!("{h}：“{text}”不是常用值（{}），仍按原文打印", allowed.join(" / ")),
                        );
                    }
                    Some(Value::Text(text))
                }
                Kind::Email => match cells::email_problem(&text) {
                    None => Some(Value::Text(text)),
                    Some(why) => {
                        report(
                            Severity::Error,
                            format!("{h}：“{text}”不是有效的电子邮箱地址：{why}；应如 zhangsan@example.com"),
                        );
                        None
                    }
                },
                Kind::Phone => {
                    // Only a number cell can have lost a 0: text keeps what was typed.
                    if matches!(cell, Data::Int(_) | Data::Float(_)) {
                        if let Some(likely) = cells::lost_leading_zero(&text) {
                            report(
                                Severity::Warning,
                                format!(
                                    "{h}：{text} 是以数字填写的，开头的 0 可能已丢失（是不是 {likely}？）；\
                                     请把单元格设为文本格式后重新填写完整号码"
                                ),
                            );
                        }
                    }
                    Some(Value::Text(text))
                }
                Kind::DeptList => {
                    let (depts, repeats) = cells::split_depts(&text);
                    for name in repeats {
                        report(Severity::Warning, format!("{h}：“{name}”重复填写，只发一份"));
                    }
                    (!depts.is_empty()).then_some(Value::List(depts))
                }
                Kind::AnnexList => {
                    let titles = cells::split_annex(&text);
                    (!titles.is_empty()).then_some(Value::List(titles))
                }
                _ => Some(Value::Text(text)),
            }
        }
    }
}

/// A cell as cleaned text: formula errors are errors, removed control characters are warnings,
/// characters no bundled font can draw warnings (printed as the stand-in) or, refused by
/// `glyphs`, errors. `None` when blank (or refused).
fn read_text(h: &str, cell: &Data, glyphs: super::Glyphs, report: &mut impl FnMut(Severity, String)) -> Option<String> {
    let raw = match cells::raw_text(cell) {
        Ok(raw) => raw?,
        Err(code) => {
            report(Severity::Error, format!("{h}：公式出错（{code}），请改正公式或直接填写内容"));
            return None;
        }
    };
    let (text, removed_controls) = cells::clean_text(&raw);
    // Printable ASCII is in every bundled font (tested below), so only other text is looked up.
    if removed_controls {
        report(Severity::Warning, format!("{h}：含有不可见的字符（控制字符、零宽字符等），已删除"));
    }
    if text.is_empty() {
        return None;
    }
    // One warning per cell however many characters it lacks (a sheet of them is one line a cell).
    let missing = if text.is_ascii() { Vec::new() } else { crate::fonts::fonts().missing_chars(&text) };
    if let Some(first) = missing.first() {
        let more = if missing.len() > 1 { format!("等 {} 个字符", missing.len()) } else { String::new() };
        if glyphs == super::Glyphs::Refuse {
            report(
                Severity::Error,
                format!(
                    "{h}：“{first}”（U+{:04X}）{more}在内置字体中没有字形；PDF/A 存档文件不能用“{}”代替原字，此行不生成。请改用常用字，或不生成 PDF/A",
                    *first as u32,
                    crate::text::STAND_IN
                ),
            );
            return None;
        }
        report(
            Severity::Warning,
            format!(
                "{h}：“{first}”（U+{:04X}）{more}在内置字体中没有字形，文档中已用“{}”代替；请改用常用字",
                *first as u32,
                crate::text::STAND_IN
            ),
        );
        return Some(crate::text::drawable(&text).into_owned());
    }
    Some(text)
}

#[cfg(test)]
mod tests {
    #[test]
    fn printable_ascii_needs_no_glyph_lookup() {
        let ascii: String = (' '..='~').collect();
        assert!(crate::fonts::fonts().missing_chars(&ascii).is_empty());
    }
}
