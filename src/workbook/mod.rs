//! The input workbook (FORMS.md §1): open an .xlsx/.xls/.ods file, find the 协作需求 and
//! 任务拆分 sheets, read every row and check it, and hand back the valid [`Request`]s and
//! [`Task`]s together with every problem found, each with its cell (`协作需求!D7`).
//!
//! Parts: `columns` (the one list of sheets and columns, declared in `forms/columns.toml`
//! and read by `schema`), `cells` (cell → value), `sheet` (header row and per-cell
//! reading), `validate` (workbook-wide rules), `problem` (what is reported); opening the file safely: `source` (diagnosis, format,
//! reading under a guard), `file` (only regular files, bounded reads), `bounds` (what a
//! file claims, checked before the reader allocates for it), `grid` (a sheet's non-empty
//! cells as rows, one at a time, never the rectangle they span).
//!
//! Memory: `check` of any workbook under [`source::MAX_WORKBOOK_BYTES`] stays under 1 GB
//! (measured peaks are in tests/hostile_input.rs): the file is held once, its parts are
//! inflated as streams within `bounds`' limits, an .xlsx sheet is read row by row, and each
//! sheet reads at most [`grid::MAX_CELLS`] cells and [`grid::MAX_TEXT_BYTES`] of text. Each
//! row is checked as it is read (`validate`, `records`); with [`Keep::Index`] only which rows
//! are valid is kept, and `feed` reads them again, a window of requests at a time, for
//! generation — so a run's memory does not grow with the workbook's rows.

mod bounds;
// Public for tests/fuzz.rs only: the cell parsers are fuzzed directly.
#[doc(hidden)]
pub mod cells;
pub mod columns;
mod feed;
mod file;
mod grid;
mod hidden;
mod problem;
pub mod records;
pub(crate) mod schema;
pub mod seal;
mod sheet;
mod source;
pub mod template;
mod validate;
pub mod view;

pub use file::size_text;
pub use problem::{Fatal, Problem, Severity};
pub use records::RecordSheet;
pub use sheet::{Unlisted, MAX_LISTED};
pub use source::claims_workbook;

use crate::request::{Request, Task};
use columns::{REQUESTS, TASKS};
use sheet::{Problems, SheetReader};
use std::collections::BTreeMap;
use std::path::Path;
use validate::SheetName;

/// Everything read from the workbook.
#[derive(Debug, Clone, Default)]
pub struct Workbook {
    /// Valid request rows, in sheet order (read with [`Keep::Rows`]; empty with
    /// [`Keep::Index`], where [`Workbook::valid`] says which they are).
    pub requests: Vec<Request>,
    /// Valid task rows whose request is valid and whose task list is not blocked, in sheet
    /// order (read with [`Keep::Rows`]).
    pub tasks: Vec<Task>,
    /// Request rows not generated, with why.
    pub rejected: Vec<Rejected>,
    /// Request 编号 → why its task list is blocked (errors in its task rows). The request's
    /// letter and application form are still made; its tasks are not in [`Workbook::tasks`].
    pub tasks_blocked: BTreeMap<String, String>,
    /// Every error and warning, in sheet / row / column order, up to [`MAX_LISTED`] of
    /// each severity.
    pub problems: Vec<Problem>,
    /// The problems found past that limit: counted, not listed.
    pub unlisted: Unlisted,
    /// The other declared sheets found in the workbook (沟通记录 …), read generically.
    pub others: Vec<RecordSheet>,
    /// The columns of 协作需求 and 任务拆分 beyond their roles, as the sheets have them.
    pub request_extra: std::sync::Arc<[Box<str>]>,
    pub task_extra: std::sync::Arc<[Box<str>]>,
    /// The name of the 协作需求 sheet as written, and the 0-based column of its 编号.
    pub request_sheet: String,
    pub request_key_col0: u32,
    /// Every valid request row: its 0-based row and 编号, in sheet order (kept however the
    /// workbook was read, see [`Keep`]).
    pub valid: Vec<(u32, Box<str>)>,
    /// How many task rows are used.
    pub task_count: usize,
    /// The 发函部门 of the valid requests, each once, in order of appearance.
    pub senders: Vec<String>,
    /// Seals given by department (`--seal 部门=FILE.png`) for requests without their own, and
    /// the printed seal width; applied to every request, held or read again.
    pub seal_rule: Option<std::sync::Arc<SealRule>>,
    /// Only some requests were chosen ([`Workbook::choose`]): the others are not made.
    pub chosen_only: bool,
    /// What reading the valid rows again needs (see [`Workbook::feed`]).
    reread: Option<std::sync::Arc<feed::Reread>>,
}

/// How much of the checked rows a read keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// Every valid row, in [`Workbook::requests`], [`Workbook::tasks`] and each
    /// [`RecordSheet`]'s records.
    Rows,
    /// Only which rows are valid: the memory of a run does not grow with the workbook's rows.
    /// Generation reads them again, a few requests at a time ([`Workbook::feed`]).
    Index,
}

/// How a workbook is read: how much it keeps, and what a character no bundled font has does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reading {
    pub keep: Keep,
    pub glyphs: Glyphs,
}

impl From<Keep> for Reading {
    /// Keeping as `keep` says, a character no font has replaced by the stand-in.
    fn from(keep: Keep) -> Reading {
        Reading { keep, glyphs: Glyphs::StandIn }
    }
}

/// What becomes of a character in a cell that no bundled font can draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Glyphs {
    /// Printed as the stand-in 〓 ([`crate::text::STAND_IN`]), with a warning naming the cell.
    #[default]
    StandIn,
    /// An error naming the cell: its row is not made (a task row: the task list). For PDF/A,
    /// which may not show a character in place of another.
    Refuse,
}

/// `--seal 部门=FILE.png`: seals by sending department, and the printed seal width.
#[derive(Debug, Default)]
pub struct SealRule {
    pub by_dept: std::collections::HashMap<String, crate::model::SealImage>,
    pub width_mm: f32,
}

impl SealRule {
    /// Give `request` its department's seal when it has none of its own, at the rule's width.
    pub fn apply(&self, request: &mut Request) {
        if request.seal.is_none() {
            request.seal = self.by_dept.get(&request.from_dept).cloned();
        }
        if let Some(seal) = &mut request.seal {
            seal.width_mm = self.width_mm;
        }
    }
}

/// A request row that is not generated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    /// 1-based sheet row.
    pub row: u32,
    /// Its 编号, when the cell could be read.
    pub id: Option<String>,
    /// Each error of the row, naming the column: `发函日期：“2026-02-30”不是有效日期（…）`.
    pub reasons: Vec<String>,
}

impl Workbook {
    /// Can forms read the sheet declared as `name`? 协作需求 always (a workbook has it or is
    /// refused), 任务拆分 always (none means no tasks), any other when the workbook has it.
    pub fn has_sheet(&self, name: &str) -> bool {
        name == REQUESTS.name || name == TASKS.name || self.other(name).is_some()
    }

    /// The generically read sheet declared as `name`, when the workbook has it.
    pub fn other(&self, name: &str) -> Option<&RecordSheet> {
        self.others.iter().find(|s| s.name == name)
    }

    /// The tasks of one request, in sheet order.
    pub fn tasks_of<'a>(&'a self, request_id: &'a str) -> impl Iterator<Item = &'a Task> + 'a {
        self.tasks.iter().filter(move |t| t.request_id == request_id)
    }

    /// Keep only the requests chosen by sheet row (`rows`: inclusive ranges of 1-based rows)
    /// or by 编号 (`ids`), valid or not: the others are neither made nor reported as rejected.
    /// Returns what was asked for but is not there, one line each (a single row that is not a
    /// request row, an 编号 no row has), naming no option (`--rows`, the server's `rows`).
    pub fn choose(&mut self, rows: &[(u32, u32)], ids: &[String]) -> Vec<String> {
        let by_row = |row: u32| rows.iter().any(|&(a, b)| (a..=b).contains(&row));
        let by_id = |id: Option<&str>| id.is_some_and(|id| ids.iter().any(|i| i.trim() == id));
        let mut missing = Vec::new();
        for &(a, _) in rows.iter().filter(|(a, b)| a == b) {
            let there = self.valid.iter().any(|(r, _)| r + 1 == a) || self.rejected.iter().any(|r| r.row == a);
            if !there {
                missing.push(format!(
                    "“{}”工作表的第 {a} 行不是需求行（表头、空行或没有这一行）；请写需求所在的行号",
                    self.request_sheet
                ));
            }
        }
        for id in ids.iter().map(|i| i.trim()).filter(|i| !i.is_empty()) {
            let there =
                self.valid.iter().any(|(_, v)| &**v == id) || self.rejected.iter().any(|r| r.id.as_deref() == Some(id));
            if !there {
                missing.push(format!("“{}”工作表中没有编号为“{id}”的需求；编号要与表中完全一致", self.request_sheet));
            }
        }
        self.valid.retain(|(row0, id)| by_row(row0 + 1) || by_id(Some(id)));
        self.rejected.retain(|r| by_row(r.row) || by_id(r.id.as_deref()));
        self.requests.retain(|r| by_row(r.row) || by_id(Some(&r.id)));
        self.chosen_only = true;
        missing
    }

    /// Every error found, listed or not.
    pub fn error_count(&self) -> usize {
        self.problems.iter().filter(|p| p.is_error()).count() + self.unlisted.errors
    }

    /// Every warning found, listed or not.
    pub fn warning_count(&self) -> usize {
        self.problems.iter().filter(|p| !p.is_error()).count() + self.unlisted.warnings
    }

    /// `gongwen check`'s closing line: `检查通过：N 条协作需求、M 条任务；警告 W 条`, or
    /// `发现 E 个错误、W 条警告；R 行需求无法生成`.
    pub fn summary(&self) -> String {
        let (errors, warnings) = (self.error_count(), self.warning_count());
        match errors {
            0 => format!("检查通过：{} 条协作需求、{} 条任务；警告 {warnings} 条", self.valid.len(), self.task_count),
            n => format!("发现 {n} 个错误、{warnings} 条警告；{} 行需求无法生成", self.rejected.len()),
        }
    }

    /// The line that says problems were found but not listed, when some were: it starts with
    /// 错误： when errors were among them.
    pub fn unlisted_line(&self) -> Option<String> {
        let Unlisted { errors, warnings } = self.unlisted;
        let what = match (errors, warnings) {
            (0, 0) => return None,
            (e, 0) => format!("错误：另有 {e} 个错误"),
            (0, w) => format!("警告：另有 {w} 条警告"),
            (e, w) => format!("错误：另有 {e} 个错误、{w} 条警告"),
        };
        Some(format!(
            "{what}未逐条列出（每种最多列出 {} 条）；请先改正上面列出的问题，再运行 gongwen check 查看其余",
            MAX_LISTED
        ))
    }
}

/// Rows as people write them, `3,5-9` (commas, `，` or `、` between items; `-`, `–` or `~`
/// in a range), as inclusive ranges of 1-based sheet rows for [`Workbook::choose`], or why
/// they cannot be read (without naming the option: `--rows` and the server's `rows` both use it).
pub fn rows_chosen(text: &str) -> Result<Vec<(u32, u32)>, String> {
    let bad = |item: &str| format!("“{item}”不是行号或行号范围；请写 Excel 的行号，如 3,5-9");
    let mut ranges = Vec::new();
    for item in text.split([',', '，', '、']).map(str::trim).filter(|i| !i.is_empty()) {
        let (a, b) = match item.split_once(['-', '–', '~', '～']) {
            Some((a, b)) => (a.trim(), b.trim()),
            None => (item, item),
        };
        let (Ok(a), Ok(b)) = (a.parse::<u32>(), b.parse::<u32>()) else { return Err(bad(item)) };
        if a == 0 || b < a {
            return Err(bad(item));
        }
        ranges.push((a, b));
    }
    if ranges.is_empty() {
        return Err(bad(text));
    }
    Ok(ranges)
}

/// Read and check the workbook at `path`, keeping its valid rows. `Err` only when nothing
/// can be generated; every problem in the rows is in [`Workbook::problems`].
pub fn read_workbook(path: &Path) -> Result<Workbook, Fatal> {
    read_workbook_with(path, &[], Keep::Rows)
}

/// [`read_workbook`], reading also the sheets the forms in use declare (`[[sheet]]` in a form
/// file) beside those of `forms/columns.toml`, and keeping as much as `keep` says.
pub fn read_workbook_with(
    path: &Path,
    form_sheets: &[&'static columns::Sheet<()>],
    how: impl Into<Reading>,
) -> Result<Workbook, Fatal> {
    read_source(source::Source::open(path)?, form_sheets, how.into())
}

/// [`read_workbook_with`] for a workbook sent rather than named (`gongwen serve`): its bytes,
/// and the name it goes by in messages (the name it was sent with; never a path). A 印章 cell
/// of it reads no file.
pub fn read_upload(
    name: &str,
    bytes: Vec<u8>,
    form_sheets: &[&'static columns::Sheet<()>],
    how: impl Into<Reading>,
) -> Result<Workbook, Fatal> {
    read_source(source::Source::from_upload(name, bytes)?, form_sheets, how.into())
}

/// [`read_workbook_with`] for sheets given as cells — rows sent as values (`gongwen serve`'s
/// `/api/render`) are checked by the same rules as a workbook's: each sheet's name and its
/// rows, the first its header, a row's cells by column.
pub fn read_cells(
    name: &str,
    sheets: Vec<(String, Vec<Vec<calamine::Data>>)>,
    form_sheets: &[&'static columns::Sheet<()>],
    how: impl Into<Reading>,
) -> Result<Workbook, Fatal> {
    read_source(source::Source::from_cells(name, sheets), form_sheets, how.into())
}

fn read_source(
    mut book: source::Source,
    form_sheets: &[&'static columns::Sheet<()>],
    how: Reading,
) -> Result<Workbook, Fatal> {
    let path = book.path().to_path_buf();
    let path = path.as_path();
    let names = book.sheet_names();
    let specs: Vec<&'static columns::Sheet<()>> =
        columns::declared_sheets().iter().chain(form_sheets.iter().copied()).collect();
    // A sheet named like one of the other declared sheets is never taken by position.
    let others: Vec<&String> =
        names.iter().filter(|n| specs.iter().any(|s| s.is_named(n) || names_the_sheet(n, s.name, s.alias))).collect();
    let (req_name, task_name) = find_sheets(&names, &others).ok_or_else(|| Fatal::MissingSheet {
        path: path.to_path_buf(),
        sheet: REQUESTS.name,
        alias: REQUESTS.alias,
        found: names.clone(),
    })?;
    let req_by_name = names_the_sheet(&req_name, REQUESTS.name, REQUESTS.alias);
    // The other declared sheets the workbook has, by name (exactly, or containing it).
    let taken = |n: &String| *n == req_name || task_name.as_ref().is_some_and(|(t, _)| t == n);
    let mut other_sheets: Vec<(String, &'static columns::Sheet<()>)> = Vec::new();
    for spec in specs {
        let found = names
            .iter()
            .find(|n| !taken(n) && spec.is_named(n))
            .or_else(|| names.iter().find(|n| !taken(n) && names_the_sheet(n, spec.name, spec.alias)));
        if let Some(name) = found {
            if !other_sheets.iter().any(|(n, _)| n == name) {
                other_sheets.push((name.clone(), spec));
            }
        }
    }
    let req_hidden = book.hidden_rows(&req_name);
    let task_hidden = task_name.as_ref().map(|(name, _)| book.hidden_rows(name)).unwrap_or_default();
    let task_sheet = task_name.as_ref().map(|(n, by_name)| (n.as_str(), *by_name));
    let mut seals = book.seal_loader(DEFAULT_SEAL_MM);
    let mut result = check(&mut book, &req_name, task_sheet, &other_sheets, &mut seals, how);
    // Rows out of order (never written by Excel) void what was read row by row: read again whole.
    if book.read_again_whole() {
        let mut seals = book.seal_loader(DEFAULT_SEAL_MM);
        result = check(&mut book, &req_name, task_sheet, &other_sheets, &mut seals, how);
    }
    drop(book);
    // A requests sheet taken by position that does not fit: say which sheets there are and
    // which one was tried, since the likely cause is a renamed or moved sheet.
    let result = result.map(|mut wb| {
        let mut sheets = vec![(req_name.as_str(), req_hidden, {
            let mut rows: Vec<u32> = wb.valid.iter().map(|(row0, _)| row0 + 1).collect();
            rows.extend(wb.rejected.iter().map(|r| r.row));
            rows
        })];
        if let Some((name, _)) = &task_name {
            let tasks = wb.reread.as_ref().and_then(|r| r.tasks.as_ref());
            sheets.push((
                name.as_str(),
                task_hidden,
                tasks.map(|t| t.index.rows.iter().map(|r| r + 1).collect()).unwrap_or_default(),
            ));
        }
        for (sheet, hidden, rows) in sheets {
            warn_hidden_rows(&mut wb, sheet, &hidden, rows);
        }
        wb
    });
    result.map_err(|fatal| match fatal {
        Fatal::MissingColumns { sheet, columns, header_row, mut hints } if !req_by_name && sheet == req_name => {
            hints.insert(0, taken_by_position(&req_name, &names));
            Fatal::MissingColumns { sheet, columns, header_row, hints }
        }
        Fatal::EmptySheet { sheet, .. } if !req_by_name && sheet == req_name => {
            Fatal::EmptySheet { hint: format!("；{}", taken_by_position(&req_name, &names)), sheet }
        }
        other => other,
    })
}

/// Rows hidden in Excel are made like any other, but the clerk who hid them (most often with
/// a filter) may not expect that: one warning per sheet naming them, before its other problems.
/// `rows` are the 1-based data rows read from the sheet.
fn warn_hidden_rows(wb: &mut Workbook, sheet: &str, hidden: &hidden::HiddenRows, mut rows: Vec<u32>) {
    rows.retain(|r| hidden.rows.contains(&(r - 1)));
    if rows.is_empty() {
        return;
    }
    rows.sort_unstable();
    const SHOWN: usize = 10;
    let mut list: Vec<String> = rows.iter().take(SHOWN).map(u32::to_string).collect();
    if rows.len() > SHOWN {
        list.push(format!("…（共 {} 行）", rows.len()));
    }
    let how = if hidden.filtered { "被 Excel 的筛选隐藏了" } else { "在 Excel 中被隐藏了" };
    let message = format!("第 {} 行{how}，这些行照样生成；如不需要，请删除这些行", list.join("、"));
    let at = wb.problems.iter().position(|p| p.sheet == sheet).unwrap_or(wb.problems.len());
    wb.problems.insert(at, Problem { severity: Severity::Warning, sheet: sheet.to_string(), cell: None, message });
}

/// Does the sheet name mean `name` / `alias`: exactly (trimmed, any case), or containing it
/// (`协作需求表`, `协作需求（2026）`, `Requests 2026`)?
fn names_the_sheet(sheet: &str, name: &str, alias: &str) -> bool {
    let lower = sheet.trim().to_lowercase();
    lower.contains(name) || lower.contains(alias)
}

/// Why a requests sheet was chosen by position, and what to do, for a fatal message.
fn taken_by_position(sheet: &str, names: &[String]) -> String {
    format!(
        "工作簿中没有名为“{}”的工作表，按位置读取了第一个工作表“{sheet}”（现有工作表：{}）；\
         若协作需求填在别的工作表，请把它改名为“{0}”。",
        REQUESTS.name,
        names.join("、")
    )
}

/// Printed width of an electronic seal unless told otherwise (the usual round 公章).
pub const DEFAULT_SEAL_MM: f32 = 42.0;

/// The requests sheet and, if any, the tasks sheet with whether it was found by name.
/// By name (Chinese or English, trimmed), else by position: first = requests, second = tasks.
fn find_sheets(names: &[String], others: &[&String]) -> Option<(String, Option<(String, bool)>)> {
    let is_tasks = |n: &&String| TASKS.is_named(n) || names_the_sheet(n, TASKS.name, TASKS.alias);
    let other = |n: &&String| others.contains(n);
    let requests = names
        .iter()
        .find(|n| REQUESTS.is_named(n))
        .or_else(|| names.iter().find(|n| names_the_sheet(n, REQUESTS.name, REQUESTS.alias) && !is_tasks(n)))
        .or_else(|| names.iter().find(|n| !is_tasks(n) && !other(n)))?
        .clone();
    let tasks = match names
        .iter()
        .find(|n| TASKS.is_named(n))
        .or_else(|| names.iter().find(|n| is_tasks(n) && **n != requests))
    {
        Some(n) => Some((n.clone(), true)),
        None => names.iter().take(2).find(|n| **n != requests && !other(n)).map(|n| (n.clone(), false)),
    };
    Some((requests, tasks))
}

/// Read every sheet's rows and apply every check. A sheet's rows are checked as they are
/// read, one at a time; with [`Keep::Index`] only which rows are used is kept. An error
/// reading a sheet (damage, a limit) is the result whatever else was found, as when each
/// sheet was read whole before any check.
fn check(
    book: &mut source::Source,
    req_name: &str,
    task_sheet: Option<(&str, bool)>,
    other_sheets: &[(String, &'static columns::Sheet<()>)],
    seals: &mut seal::SealLoader,
    how: Reading,
) -> Result<Workbook, Fatal> {
    let Reading { keep, glyphs } = how;
    let mut problems = Problems::default();
    let reqs = SheetReader { spec: &REQUESTS, name: req_name, sheet_no: 0, glyphs };
    let mut req_stream = book.rows(req_name)?;
    let header = reqs.header(&mut req_stream, &mut problems);
    let header_fault = match &header {
        None => Some(Fatal::EmptySheet { sheet: req_name.to_string(), hint: String::new() }),
        Some(header) => reqs.require_columns(header).err(),
    };
    if let Some(fault) = header_fault {
        req_stream.finish()?;
        if let Some((name, _)) = task_sheet {
            book.read_through(name)?;
        }
        return Err(fault);
    }
    let req_header = header.expect("no fault: a header");
    let mut requests = validate::Requests::new(SheetName { name: req_name, no: 0 }, &req_header, keep);
    for cells in req_stream.by_ref() {
        if let Some(row) = reqs.row(&cells, &req_header, &mut problems) {
            requests.take(row, &mut problems, seals);
        }
    }
    req_stream.finish()?;
    if requests.read == 0 {
        problems.sheet_level(0, req_name, Severity::Warning, "没有数据行：表头下面每行填写一个协作需求".into());
    }

    let mut wb = Workbook::default();
    let mut task_read = None;
    if let Some((name, by_name)) = task_sheet {
        let tasks = SheetReader { spec: &TASKS, name, sheet_no: 1, glyphs };
        let mut stream = book.rows(name)?;
        let mut header_problems = Problems::default();
        match tasks.header(&mut stream, &mut header_problems) {
            None => {} // an empty tasks sheet: no tasks
            // A sheet taken only by position must look like a tasks sheet before it is held to it.
            Some(header) if !by_name && !header.recognises_any() => problems.sheet_level(
                1,
                name,
                Severity::Warning,
                format!("不是“{0}”工作表（没有可识别的列），已忽略；任务请填在名为“{0}”的工作表中", TASKS.name),
            ),
            Some(header) => {
                if let Err(fault) = tasks.require_columns(&header) {
                    stream.finish()?;
                    return Err(fault);
                }
                problems.extend(header_problems);
                let mut checked = validate::Tasks::new(SheetName { name, no: 1 }, &header, keep);
                for cells in stream.by_ref() {
                    if let Some(row) = tasks.row(&cells, &header, &mut problems) {
                        checked.take(row, &requests, &mut problems);
                    }
                }
                let result = checked.finish(&requests, &mut problems);
                wb.tasks = result.tasks;
                wb.tasks_blocked = result.blocked;
                wb.task_extra = header.extra_headers.clone();
                task_read = Some((name.to_string(), result.index));
            }
        }
        stream.finish()?;
    }

    // The other sheets: a missing column or an empty sheet is a problem of that sheet only.
    let mut others_read = Vec::new();
    for (i, (name, spec)) in other_sheets.iter().enumerate() {
        let no = 2 + i.min(200) as u8;
        let reader = SheetReader { spec, name, sheet_no: no, glyphs };
        let mut stream = book.rows(name)?;
        let Some(header) = reader.header(&mut stream, &mut problems) else {
            stream.finish()?;
            continue;
        };
        if let Err(fatal) = reader.require_columns(&header) {
            stream.finish()?;
            let message = format!("{fatal}；在此之前，用到此表的表单不生成");
            problems.sheet_level(no, name, Severity::Error, message.clone());
            wb.others.push(RecordSheet::unusable(spec.name, name, message));
            continue;
        }
        let mut checked = records::Records::new(SheetName { name, no }, spec, &header, keep);
        for cells in stream.by_ref() {
            if let Some(row) = reader.row(&cells, &header, &mut problems) {
                checked.take(row, &requests, &mut problems);
            }
        }
        stream.finish()?;
        let (sheet, index) = checked.finish(&requests);
        wb.others.push(sheet);
        others_read.push(feed::ChildSheet { written: name.clone(), spec, index });
    }

    (wb.problems, wb.unlisted) = problems.into_sorted();
    wb.requests = requests.built;
    wb.requests.shrink_to_fit();
    wb.tasks.shrink_to_fit();
    wb.rejected = requests.rejected;
    wb.valid = requests.valid;
    wb.senders = requests.senders;
    wb.request_extra = req_header.extra_headers.clone();
    wb.request_sheet = req_name.to_string();
    wb.request_key_col0 = req_header.col_of[columns::ReqField::Id as usize].unwrap_or(0);
    wb.task_count = task_read.as_ref().map_or(0, |(_, index)| index.rows.len());
    wb.reread = Some(std::sync::Arc::new(feed::Reread {
        source: book.copy(),
        requests: req_name.to_string(),
        tasks: task_read.map(|(written, index)| feed::ChildSheet { written, spec: &TASKS, index }),
        others: others_read,
        glyphs,
    }));
    Ok(wb)
}

#[cfg(test)]
mod tests;
