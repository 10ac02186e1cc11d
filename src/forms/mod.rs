//! Forms as data: the form files in `forms/` (built into the binary, overridable from a
//! folder) and how one form turns a validated request into a format-neutral
//! [`Document`]. The wording lives in the `.toml` files; the typography in [`styles`]; the
//! template language in [`template`]. The format is documented in `forms/README.md`.

pub mod checks;
pub mod choice;
mod folder;
pub mod styles;
pub mod template;

use crate::model::{
    Align, Block, Borders, Cell, Document, Gray, Inline, PageNumbers, PageSetup, ParaStyle, Paragraph, Row, SealBlock,
    SealImage, Table, VAlign, MM, SEAL_RAISE,
};
use crate::request::{Fields, Request, SheetRow, Task};
use crate::workbook::columns::{Kind, Sheet, REQUESTS, TASKS};
use checks::{out_of_range, Num};
pub use folder::load;
use serde::Deserialize;
use std::cell::RefCell;
use std::collections::BTreeMap;
use template::Template;
use toml::Spanned;

// The built-in forms: every `forms/*.toml` but columns.toml (see src/build.rs).
include!(concat!(env!("OUT_DIR"), "/built_in_forms.rs"));

/// How many documents a form makes from a row of its source sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Per {
    /// One per row (`per = "row"`; the application form).
    Row,
    /// One per receiving department of the row's request (`per = "receiver"`; the letter).
    Receiver,
}

/// The sheet whose rows are joined to each source row by the request's 编号 (the task list's
/// 任务拆分), printed by the form's `row-table` blocks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Children {
    /// The sheet's declared name.
    pub sheet: &'static str,
    /// No document for a row that has no child rows (`empty = "skip"`); otherwise the form
    /// is made with its tables empty (`"blank"`, the default).
    pub skip_empty: bool,
    /// The form is in the default run even when the workbook lacks the sheet (its tables
    /// then show their default rows).
    pub optional: bool,
}

/// The sheet every form reads unless it says otherwise.
pub const REQUESTS_SHEET: &str = "协作需求";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FormFile {
    form: Header,
    #[serde(default)]
    block: Vec<BlockDef>,
    /// Sheets only this form reads.
    #[serde(default)]
    sheet: Vec<crate::workbook::schema::SheetDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ChildrenDef {
    sheet: Spanned<String>,
    empty: Option<Spanned<String>>,
    optional: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    name: Spanned<String>,
    /// Other names `--forms` takes (`联系函`).
    #[serde(default)]
    aliases: Vec<String>,
    /// Where it comes in a run (manifest, bundles, `--forms` lists): smaller first.
    order: Option<Spanned<Num>>,
    source: Option<Spanned<String>>,
    per: Spanned<String>,
    children: Option<ChildrenDef>,
    file_name: Spanned<String>,
    title: Spanned<String>,
    #[serde(default = "default_page")]
    page: Spanned<String>,
    #[serde(default = "default_numbers")]
    page_numbers: Spanned<String>,
}

fn default_page() -> Spanned<String> {
    Spanned::new(0..0, "a4".into())
}
fn default_numbers() -> Spanned<String> {
    Spanned::new(0..0, "dash".into())
}

/// One `[[block]]` of a form file, as written. Which keys apply depends on `type`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BlockDef {
    #[serde(rename = "type")]
    kind: Spanned<String>,
    text: Option<Spanned<String>>,
    style: Option<Spanned<String>>,
    keep: Option<String>,
    cells: Option<Vec<Spanned<String>>>,
    lines: Option<Vec<Spanned<String>>>,
    label: Option<Spanned<String>>,
    field: Option<Spanned<String>>,
    /// fields: cells per row (default 2).
    per_row: Option<Spanned<Num>>,
    /// fields: right-align the last cell of each row (default false).
    right_last: Option<bool>,
    /// table / task-table: column widths in millimetres.
    columns: Option<Vec<Spanned<Num>>>,
    /// table / task-table: `grid` (default) or `none`.
    borders: Option<Spanned<String>>,
    /// table: its rows.
    row: Option<Vec<Spanned<RowDef>>>,
    /// row-table: the header row's labels (repeated on every page).
    header: Option<Vec<Spanned<String>>>,
    /// row-table: only the child rows whose column has this value (or one of these values):
    /// `{ 记录类型 = "进度更新" }`, `{ 记录类型 = ["会议共识", "待办事项"] }`.
    #[serde(rename = "where")]
    filter: Option<Spanned<BTreeMap<String, OneOrMore>>>,
    /// row-table: the table's own rows, each a set of values by name (templates).
    defaults: Option<Spanned<Vec<DefaultRow>>>,
    /// row-table: the child column that matches a child row to the default row it fills.
    #[serde(rename = "match")]
    match_on: Option<Spanned<String>>,
    /// row-table: empty rows printed when there is no row (room to write by hand).
    blank_rows: Option<Spanned<Num>>,
    /// seal: `sender` prints the sending department's electronic seal here, when it has one.
    stamp: Option<Spanned<String>>,
    /// seal: text added to the first line when no electronic seal is printed there
    /// (`（盖章）`: a hand stamp goes here).
    unstamped: Option<Spanned<String>>,
    /// Stay on the page of what comes before (a paragraph, or a table's last row).
    keep_with_previous: Option<bool>,
}

/// A default row of a row-table as written: values (templates) by name.
type DefaultRow = BTreeMap<String, Spanned<String>>;

/// A value, or a list of values any of which will do.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum OneOrMore {
    One(String),
    More(Vec<String>),
}

/// A `[[block.row]]` of a table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RowDef {
    cells: Vec<Spanned<CellDef>>,
    /// Minimum height in millimetres (room to write or stamp).
    min_height: Option<Spanned<Num>>,
    /// May the row break across pages between its lines (default: no)?
    split: Option<bool>,
    /// Millimetres `min_height` may shrink to when that keeps the form on fewer pages.
    shrink_to: Option<Spanned<Num>>,
    /// Never begin a page with this row: the row before goes with it (default: no).
    keep_with_previous: Option<bool>,
}

/// A cell: `label` (a shaded label cell) or `text` (a value cell), optional `span` (grid
/// columns), `rows` (rows merged downwards), `style`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CellDef {
    label: Option<Spanned<String>>,
    text: Option<Spanned<String>>,
    span: Option<Spanned<Num>>,
    rows: Option<Spanned<Num>>,
    style: Option<Spanned<String>>,
    /// `center` (default) or `top`.
    valign: Option<Spanned<String>>,
}

/// A checked, parsed form definition.
#[derive(Debug, Clone)]
pub struct Form {
    /// Its file's name without `.toml`: `letter`, `application`, `tasks`, `meeting` ….
    pub key: String,
    /// Its file as named in messages: `forms/letter.toml`, or the path in `--forms-dir`.
    pub file: String,
    /// The form's Chinese name, e.g. 工作联系函.
    pub name: String,
    /// Other names `--forms` takes.
    pub aliases: Vec<String>,
    /// Its place in a run (smaller first; 100 unless the file says).
    pub order: u32,
    /// The declared name of the sheet whose rows the form is made from.
    pub source: &'static str,
    pub per: Per,
    pub children: Option<Children>,
    /// Sheets declared by this form's file.
    pub sheets: Vec<&'static Sheet<()>>,
    /// Placeholders naming no declared column: columns the workbook itself must have.
    wanted: Vec<Wanted>,
    file_name: Template,
    title: Template,
    page: PageSetup,
    page_numbers: PageNumbers,
    /// Each block with its keep-together name and whether it keeps with what is before it.
    blocks: Vec<(Option<String>, bool, Item)>,
}

/// A block of a form, parsed.
#[derive(Debug, Clone)]
enum Item {
    Title(Template),
    Fields { style: ParaStyle, per_row: usize, right_last: bool, cells: Vec<Template> },
    Table { columns: Vec<f32>, borders: Borders, rows: Vec<RowItem> },
    RowTable(Box<RowTable>),
    Rule,
    Text { style: ParaStyle, text: Template },
    Annex { label: Template, field: String },
    Seal { style: ParaStyle, lines: Vec<Template>, sender_stamp: bool, unstamped: Option<Template> },
    CutLine,
    PageBreak,
}

/// A table of one row per child row (and per default row).
#[derive(Debug, Clone)]
struct RowTable {
    columns: Vec<f32>,
    borders: Borders,
    header: Vec<Template>,
    cells: Vec<Template>,
    /// Per cell: its value is short (a number, a date) and centres.
    centred: Vec<bool>,
    /// Child rows printed: those whose column has one of the values.
    filter: Vec<(String, Vec<String>)>,
    defaults: Vec<Vec<(String, Template)>>,
    match_on: Option<String>,
    blank_rows: usize,
}

/// A placeholder that names no declared column, and where it is.
#[derive(Debug, Clone)]
struct Wanted {
    name: String,
    line: usize,
    /// In a row-table's cells: a column of the child sheet (or of the source).
    in_rows: bool,
}

/// Height of a row-table's empty row (`blank_rows`): one line of handwriting.
const BLANK_ROW_MM: f32 = 9.0;

/// The placeholder that numbers the rows of a row-table: 1, 2, 3 ….
pub const ROW_NUMBER: &str = "行号";

#[derive(Debug, Clone)]
struct RowItem {
    cells: Vec<CellItem>,
    min_height: f32,
    can_split: bool,
    shrink_to: Option<f32>,
    keep_with_previous: bool,
}

#[derive(Debug, Clone)]
struct CellItem {
    style: ParaStyle,
    text: Template,
    span: usize,
    rows: usize,
    shade: Option<Gray>,
    valign: VAlign,
    label: bool,
}

/// Grey of shaded label cells.
const LABEL_SHADE: Gray = 0.9;
/// Table rules: the outer frame heavier than the inner grid (points).
const GRID: Borders = Borders { outer: Some(1.5), inner: Some(0.5) };
/// Cell padding (points).
const PAD_X: f32 = 5.0;
const PAD_Y: f32 = 3.0;
/// The task list's cell padding (points): narrow columns, many rows.
const TASK_PAD_X: f32 = 3.0;
const TASK_PAD_Y: f32 = 2.5;

/// A form file that cannot be used: which file, which line, what is wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct FormError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for FormError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // 错误：forms/letter.toml:12：… — the file and line as editors and compilers write them.
        match self.line {
            0 => write!(f, "错误：{}：{}", self.file, self.message),
            n => write!(f, "错误：{}:{n}：{}", self.file, self.message),
        }
    }
}

/// 1-based line of a byte offset.
pub(crate) fn line_of(src: &str, offset: usize) -> usize {
    src[..offset.min(src.len())].bytes().filter(|&b| b == b'\n').count() + 1
}

struct Parser<'a> {
    file: &'a str,
    src: &'a str,
    /// Names a template outside row-tables may use: the source row's columns and its request's.
    known_fields: Vec<&'a str>,
    /// Names a row-table's cells may use besides: the child sheet's columns.
    row_fields: Vec<&'a str>,
    /// The child sheet's date columns (they centre in a row-table).
    row_dates: Vec<&'a str>,
    /// Names of neither kind, kept to be looked for in the workbook.
    wanted: RefCell<Vec<Wanted>>,
}

impl Parser<'_> {
    fn err(&self, span: std::ops::Range<usize>, message: impl Into<String>) -> FormError {
        FormError { file: self.file.to_string(), line: line_of(self.src, span.start), message: message.into() }
    }

    fn template(&self, s: &Spanned<String>) -> Result<Template, FormError> {
        self.template_with(s, &[], false)
    }

    /// Parse a template that may also use the `extra` names (a row-table's). A name that is
    /// none of them is a column the workbook must have ([`Form::missing_columns`]), unless
    /// it is one keystroke from a known name: then it is a typo, said here with its line.
    fn template_with(&self, s: &Spanned<String>, extra: &[&str], in_rows: bool) -> Result<Template, FormError> {
        let t = Template::parse(s.get_ref()).map_err(|e| self.err(s.span(), e.message))?;
        let rows: &[&str] = if in_rows { &self.row_fields } else { &[] };
        for f in t.fields() {
            let known = |list: &[&str]| list.contains(&f);
            if known(&self.known_fields) || known(extra) || known(rows) {
                continue;
            }
            let all: Vec<&str> = self.known_fields.iter().chain(extra).chain(rows).copied().collect();
            let len = f.chars().count();
            if let Some(near) = all.iter().find(|k| len >= 2 && strsim::levenshtein(f, k) == 1) {
                return Err(self.err(
                    s.span(),
                    format!(
                        "未知的占位符“{{{f}}}”：是不是“{{{near}}}”？（可用的字段：{}；工作簿中另加的列也可以用）",
                        all.join("、")
                    ),
                ));
            }
            let line = line_of(self.src, s.span().start);
            self.wanted.borrow_mut().push(Wanted { name: f.to_string(), line, in_rows });
        }
        Ok(t)
    }

    /// A number of the file in `min..=max` (whole when `whole`), or an error at its line.
    fn num(&self, n: &Spanned<Num>, what: &str, min: f64, max: f64, whole: bool) -> Result<f64, FormError> {
        match out_of_range(what, n.get_ref().0, min, max, whole) {
            Some(message) => Err(self.err(n.span(), message)),
            None => Ok(n.get_ref().0),
        }
    }

    /// An optional count in `1..=max`; `default` when absent.
    fn count(&self, n: &Option<Spanned<Num>>, what: &str, default: usize, max: usize) -> Result<usize, FormError> {
        n.as_ref().map_or(Ok(default), |n| self.num(n, what, 1.0, max as f64, true).map(|v| v as usize))
    }

    /// A list of at most `max` items (at least one when `nonempty`), or an error at `at`.
    fn list_len(
        &self,
        n: usize,
        at: &Spanned<String>,
        what: &str,
        nonempty: bool,
        max: usize,
    ) -> Result<(), FormError> {
        let min = usize::from(nonempty);
        if n < min || n > max {
            return Err(self.err(at.span(), format!("{what}应有 {min} 到 {max} 项，这里有 {n} 项")));
        }
        Ok(())
    }

    fn columns(&self, b: &BlockDef, width: f32) -> Result<Vec<f32>, FormError> {
        let cols = self.required(&b.columns, &b.kind, "columns")?;
        self.list_len(cols.len(), &b.kind, "columns（列宽，毫米）", true, checks::MAX_COLUMNS)?;
        let mm = cols
            .iter()
            .map(|c| self.num(c, "columns 的列宽（毫米）", 1.0, checks::MAX_COLUMN_MM, false))
            .collect::<Result<Vec<f64>, _>>()?;
        // Widths are proportions of the type area, written in millimetres.
        let total: f64 = mm.iter().sum();
        Ok(mm.iter().map(|c| (c / total) as f32 * width).collect())
    }

    /// One of a fixed set of keywords; anything else is an error that lists the choices.
    fn choice<T: Copy>(&self, s: &Spanned<String>, what: &str, options: &[(&str, T)]) -> Result<T, FormError> {
        options.iter().find(|(k, _)| k == s.get_ref()).map(|&(_, v)| v).ok_or_else(|| {
            let keys: Vec<&str> = options.iter().map(|(k, _)| *k).collect();
            self.err(s.span(), format!("未知的{what}“{}”（可用：{}）", s.get_ref(), keys.join("、")))
        })
    }

    /// An optional keyword: the first option when absent.
    fn choice_or_first<T: Copy>(
        &self,
        s: &Option<Spanned<String>>,
        what: &str,
        options: &[(&str, T)],
    ) -> Result<T, FormError> {
        s.as_ref().map_or(Ok(options[0].1), |s| self.choice(s, what, options))
    }

    fn borders(&self, b: &BlockDef) -> Result<Borders, FormError> {
        self.choice_or_first(&b.borders, "边框", &[("grid", GRID), ("none", Borders::NONE)])
    }

    /// The rows of a table on a grid of `grid` columns, each cell checked to fit: its `span`
    /// within the columns left free by the cells before it and by cells merged down from
    /// rows above (`rows`), its `rows` within the table. The layout could drop a cell that
    /// does not fit; saying so here keeps the form's author from losing text unseen.
    fn rows(
        &self,
        defs: &[Spanned<RowDef>],
        kind: &Spanned<String>,
        grid: usize,
        page: &PageSetup,
    ) -> Result<Vec<RowItem>, FormError> {
        self.list_len(defs.len(), kind, "表格的行（[[block.row]]）", true, checks::MAX_ROWS)?;
        let mut busy_until = vec![0usize; grid]; // first row where each column is free again
        let mut out = Vec::new();
        for (r, def) in defs.iter().enumerate() {
            let mut col = 0;
            let mut cells = Vec::new();
            for c in &def.get_ref().cells {
                while col < grid && busy_until[col] > r {
                    col += 1;
                }
                let span = self.count(&c.get_ref().span, "span（向右合并的列数）", 1, grid)?;
                let down = self.count(&c.get_ref().rows, "rows（向下合并的行数）", 1, defs.len() - r)?;
                if col + span > grid {
                    return Err(self.err(
                        c.span(),
                        format!(
                            "这一行的单元格超出了 columns 的 {grid} 列（span 之和，加上上方单元格用 rows 向下合并占去的列）：请减少单元格或 span"
                        ),
                    ));
                }
                for b in &mut busy_until[col..col + span] {
                    *b = r + down;
                }
                col += span;
                cells.push(self.cell(c, span, down)?);
            }
            out.push(self.row(def, cells, page)?);
        }
        Ok(out)
    }

    fn cell(&self, c: &Spanned<CellDef>, span: usize, rows: usize) -> Result<CellItem, FormError> {
        let (text, label) = match (&c.get_ref().text, &c.get_ref().label) {
            (Some(t), None) => (t, false),
            (None, Some(l)) => (l, true),
            _ => return Err(self.err(c.span(), "表格单元格须有 label 或 text 之一")),
        };
        let c = c.get_ref();
        Ok(CellItem {
            style: self.style(&c.style, if label { "label" } else { "cell" })?,
            text: self.template(text)?,
            span,
            rows,
            shade: label.then_some(LABEL_SHADE),
            label,
            valign: self.choice_or_first(&c.valign, " valign", &[("center", VAlign::Center), ("top", VAlign::Top)])?,
        })
    }

    fn row(&self, def: &Spanned<RowDef>, cells: Vec<CellItem>, page: &PageSetup) -> Result<RowItem, FormError> {
        let r = def.get_ref();
        // A row may be as tall as the type area: taller could never be placed on a page.
        let page_mm = f64::from(page.text_height() / MM).round();
        let min_height = match &r.min_height {
            Some(n) => self.num(n, "min_height（毫米）", 0.0, page_mm, false)?,
            None => 0.0,
        };
        let shrink_to = match &r.shrink_to {
            Some(n) => Some(self.num(n, "shrink_to（毫米，不大于 min_height）", 0.0, min_height, false)? as f32 * MM),
            None => None,
        };
        let min_height = min_height as f32 * MM;
        Ok(RowItem {
            cells,
            min_height,
            can_split: r.split.unwrap_or(false),
            shrink_to,
            keep_with_previous: r.keep_with_previous.unwrap_or(false),
        })
    }

    /// A list of templates, at most `max`.
    fn templates(
        &self,
        list: &[Spanned<String>],
        kind: &Spanned<String>,
        what: &str,
        max: usize,
    ) -> Result<Vec<Template>, FormError> {
        self.list_len(list.len(), kind, what, false, max)?;
        list.iter().map(|t| self.template(t)).collect()
    }

    fn required<'b, T>(&self, v: &'b Option<T>, kind: &Spanned<String>, key: &str) -> Result<&'b T, FormError> {
        v.as_ref().ok_or_else(|| self.err(kind.span(), format!("“{}”块缺少必需的 {key}", kind.get_ref())))
    }

    fn style(&self, s: &Option<Spanned<String>>, default: &str) -> Result<ParaStyle, FormError> {
        match s {
            None => Ok(styles::style(default).expect("default style exists")),
            Some(s) => styles::style(s.get_ref()).ok_or_else(|| {
                let names: Vec<&str> = styles::STYLE_NAMES.iter().map(|(n, _)| *n).collect();
                self.err(s.span(), format!("未知的样式“{}”（可用：{}）", s.get_ref(), names.join("、")))
            }),
        }
    }

    /// A `row-table` (old name `task-table`): a header row, then one row per child row of
    /// the form (filtered by `where`), or per default row filled by the child row that
    /// `match`es it, then the child rows no default row took.
    fn row_table(&self, b: &BlockDef, width: f32) -> Result<Item, FormError> {
        let kind = &b.kind;
        let columns = self.columns(b, width)?;
        let header = self.templates(self.required(&b.header, kind, "header")?, kind, "header", checks::MAX_COLUMNS)?;
        let mut own: Vec<&str> = vec![ROW_NUMBER];
        let mut defaults = Vec::new();
        if let Some(list) = &b.defaults {
            if list.get_ref().len() > checks::MAX_ROWS {
                let message = format!("defaults 最多 {} 行，这里有 {} 行", checks::MAX_ROWS, list.get_ref().len());
                return Err(self.err(list.span(), message));
            }
            for row in list.get_ref() {
                own.extend(row.keys().map(String::as_str));
                let values = row
                    .iter()
                    .map(|(k, v)| Ok((k.clone(), self.template(v)?)))
                    .collect::<Result<Vec<_>, FormError>>()?;
                defaults.push(values);
            }
        }
        let cells: Vec<Template> = self
            .required(&b.cells, kind, "cells")?
            .iter()
            .map(|c| self.template_with(c, &own, true))
            .collect::<Result<_, _>>()?;
        if header.len() != columns.len() || cells.len() != columns.len() {
            return Err(self.err(kind.span(), format!("{} 的 columns、header、cells 个数须相同", kind.get_ref())));
        }
        let child_column = |name: &Spanned<String>, what: &str| -> Result<String, FormError> {
            if self.row_fields.contains(&name.get_ref().as_str()) {
                Ok(name.get_ref().clone())
            } else {
                let message = format!("{what}应为子表（[form] children 的工作表）的一列，这里是“{}”", name.get_ref());
                Err(self.err(name.span(), message))
            }
        };
        let filter = match &b.filter {
            None => Vec::new(),
            Some(f) => {
                for column in f.get_ref().keys() {
                    child_column(&Spanned::new(f.span(), column.clone()), "where 的")?;
                }
                f.get_ref()
                    .iter()
                    .map(|(k, v)| {
                        let values = match v {
                            OneOrMore::One(v) => vec![v.clone()],
                            OneOrMore::More(list) => list.clone(),
                        };
                        (k.clone(), values)
                    })
                    .collect()
            }
        };
        let match_on = match &b.match_on {
            None => None,
            Some(_) if defaults.is_empty() => return Err(self.err(kind.span(), "match 只用于有 defaults 的 row-table")),
            Some(m) => Some(child_column(m, "match ")?),
        };
        // Numbers and dates centre; text reads from the left.
        let short: Vec<&str> =
            [ROW_NUMBER, "序号", "前置任务", "起止日期"].into_iter().chain(self.row_dates.iter().copied()).collect();
        let centred =
            cells.iter().map(|t| !t.fields().is_empty() && t.fields().iter().all(|f| short.contains(f))).collect();
        Ok(Item::RowTable(Box::new(RowTable {
            borders: self.borders(b)?,
            columns,
            header,
            cells,
            centred,
            filter,
            defaults,
            match_on,
            blank_rows: match &b.blank_rows {
                None => 0,
                Some(n) => self.num(n, "blank_rows（空行数）", 0.0, checks::MAX_ROWS as f64, true)? as usize,
            },
        })))
    }

    fn block(&self, b: &BlockDef, page: &PageSetup) -> Result<Item, FormError> {
        let kind = &b.kind;
        let width = page.text_width();
        Ok(match kind.get_ref().as_str() {
            "title" => Item::Title(self.template(self.required(&b.text, kind, "text")?)?),
            "fields" => Item::Fields {
                style: self.style(&b.style, "field")?,
                per_row: self.count(&b.per_row, "per_row（每行的栏数）", 2, checks::MAX_PER_ROW)?,
                right_last: b.right_last.unwrap_or(false),
                cells: self.templates(self.required(&b.cells, kind, "cells")?, kind, "cells", checks::MAX_ITEMS)?,
            },
            "table" => {
                let columns = self.columns(b, width)?;
                let rows = self.required(&b.row, kind, "row")?;
                Item::Table {
                    borders: self.borders(b)?,
                    rows: self.rows(rows, kind, columns.len(), page)?,
                    columns,
                }
            }
            "row-table" | "task-table" => self.row_table(b, width)?,
            "rule" => Item::Rule,
            "text" => Item::Text { style: self.style(&b.style, "body")?, text: self.template(self.required(&b.text, kind, "text")?)? },
            "heading" => {
                Item::Text { style: self.style(&b.style, "heading")?, text: self.template(self.required(&b.text, kind, "text")?)? }
            }
            "annex" => {
                let field = self.required(&b.field, kind, "field")?;
                if !self.known_fields.contains(&field.get_ref().as_str()) && !REQUESTS.extra.iter().any(|c| c.header == field.get_ref()) {
                    return Err(self.err(field.span(), format!("未知的字段“{}”", field.get_ref())));
                }
                Item::Annex {
                    label: b.label.as_ref().map(|l| self.template(l)).transpose()?.unwrap_or_else(|| Template::parse("附件：").unwrap()),
                    field: field.get_ref().clone(),
                }
            }
            "seal" => Item::Seal {
                style: self.style(&b.style, "signature")?,
                lines: self.templates(self.required(&b.lines, kind, "lines")?, kind, "lines", checks::MAX_ITEMS)?,
                sender_stamp: match &b.stamp {
                    None => false,
                    Some(s) => self.choice(s, " stamp", &[("sender", true)])?,
                },
                unstamped: b.unstamped.as_ref().map(|t| self.template(t)).transpose()?,
            },
            "cut-line" => Item::CutLine,
            "page-break" => Item::PageBreak,
            other => {
                return Err(self.err(
                    kind.span(),
                    format!("未知的块类型“{other}”（可用：title、fields、rule、text、heading、annex、seal、cut-line、page-break、table、row-table）"),
                ))
            }
        })
    }
}

impl Form {
    /// Parse and check a form file. `file` names it in error messages.
    pub fn parse(key: &str, file: &str, src: &str) -> Result<Form, FormError> {
        let parsed: FormFile = toml::from_str(src).map_err(|e| FormError {
            file: file.to_string(),
            line: e.span().map(|s| line_of(src, s.start)).unwrap_or(1),
            message: format!("格式错误：{}", checks::toml_message(e.message())),
        })?;
        let h = &parsed.form;
        let at = |span: std::ops::Range<usize>, message: String| FormError {
            file: file.to_string(),
            line: line_of(src, span.start),
            message,
        };
        // The sheets it may read: those of columns.toml, and its own.
        let declared = crate::workbook::columns::declared_sheets();
        let known_sheets: Vec<&str> =
            [REQUESTS.name, TASKS.name].into_iter().chain(declared.iter().map(|s| s.name)).collect();
        let own: Vec<&'static Sheet<()>> =
            crate::workbook::schema::form_sheets(file, src, &parsed.sheet, &known_sheets)?
                .into_iter()
                .map(|s| &*Box::leak(Box::new(s)))
                .collect();
        let other = |name: &str| declared.iter().chain(own.iter().copied()).find(|s| s.name == name);
        let sheet_names = || -> String {
            let mut names: Vec<&str> = known_sheets.clone();
            names.extend(own.iter().map(|s| s.name));
            names.join("、")
        };
        let mut known_fields: Vec<&str> = Request::FIELD_NAMES.to_vec();
        known_fields.extend(REQUESTS.extra.iter().map(|c| c.header));
        let source: &'static str = match &h.source {
            None => REQUESTS.name,
            Some(s) if s.get_ref() == REQUESTS.name => REQUESTS.name,
            Some(s) => match other(s.get_ref()) {
                Some(sheet) => {
                    known_fields.extend(sheet.columns.iter().map(|c| c.header));
                    sheet.name
                }
                None => {
                    let message = format!(
                        "source 应为“{}”或另一个定义过的工作表（不能是“{}”），这里是“{}”（已定义：{}）",
                        REQUESTS.name,
                        TASKS.name,
                        s.get_ref(),
                        sheet_names()
                    );
                    return Err(at(s.span(), message));
                }
            },
        };
        let (per, mut children) = match h.per.get_ref().as_str() {
            "row" | "request" => (Per::Row, None),
            "receiver" => (Per::Receiver, None),
            // The old spelling of the task list's rule.
            "request-with-tasks" => (Per::Row, Some(Children { sheet: TASKS.name, skip_empty: true, optional: false })),
            other => {
                let message = format!("未知的 per“{other}”（可用：row（每行一份）、receiver（每个收函部门一份））");
                return Err(at(h.per.span(), message));
            }
        };
        if let Some(c) = &h.children {
            if children.is_some() {
                return Err(at(
                    c.sheet.span(),
                    "per = \"request-with-tasks\" 已指定子表为任务拆分，不能再写 children".into(),
                ));
            }
            let name = c.sheet.get_ref();
            let sheet = if name == TASKS.name { Some(TASKS.name) } else { other(name).map(|s| s.name) };
            let Some(sheet) = sheet.filter(|s| *s != source) else {
                let message =
                    format!("children 的 sheet 应为另一个定义过的工作表（已定义：{}），这里是“{name}”", sheet_names());
                return Err(at(c.sheet.span(), message));
            };
            let skip_empty = match &c.empty {
                None => false,
                Some(e) => match e.get_ref().as_str() {
                    "skip" => true,
                    "blank" => false,
                    other => {
                        return Err(at(
                            e.span(),
                            format!("未知的 empty“{other}”（可用：skip（没有子行时不生成）、blank（照常生成））"),
                        ))
                    }
                },
            };
            children = Some(Children { sheet, skip_empty, optional: c.optional.unwrap_or(false) });
        }
        let (row_fields, row_dates): (Vec<&str>, Vec<&str>) = match &children {
            None => (Vec::new(), Vec::new()),
            Some(c) if c.sheet == TASKS.name => (
                Task::FIELD_NAMES.iter().copied().chain(TASKS.extra.iter().map(|c| c.header)).collect(),
                vec!["开始日期", "完成日期"],
            ),
            Some(c) => {
                let sheet = other(c.sheet).expect("checked above");
                (
                    sheet.columns.iter().map(|c| c.header).collect(),
                    sheet.columns.iter().filter(|c| c.kind == Kind::Date).map(|c| c.header).collect(),
                )
            }
        };
        let p = Parser { file, src, known_fields, row_fields, row_dates, wanted: RefCell::new(Vec::new()) };
        let page = p.choice(
            &h.page,
            "纸张",
            &[("a4", PageSetup::a4_official()), ("a4-landscape", PageSetup::a4_landscape_official())],
        )?;
        let page_numbers = p.choice(
            &h.page_numbers,
            "页码样式",
            &[("dash", PageNumbers::Dash), ("of-total", PageNumbers::OfTotal), ("none", PageNumbers::None)],
        )?;
        if parsed.block.is_empty() {
            return Err(FormError {
                file: file.into(), line: 1, message: "表单没有任何内容块（[[block]]）".into()
            });
        }
        if parsed.block.len() > checks::MAX_BLOCKS {
            return Err(FormError {
                file: file.into(),
                line: 1,
                message: format!("内容块（[[block]]）最多 {} 个，这里有 {} 个", checks::MAX_BLOCKS, parsed.block.len()),
            });
        }
        let blocks = parsed
            .block
            .iter()
            .map(|b| Ok((b.keep.clone(), b.keep_with_previous.unwrap_or(false), p.block(b, &page)?)))
            .collect::<Result<_, FormError>>()?;
        let (file_name, title) = (p.template(&h.file_name)?, p.template(&h.title)?);
        let name = h.name.get_ref().trim();
        if name.is_empty() || name.chars().count() > 30 || name.contains(['/', '\\', '\n']) {
            return Err(at(
                h.name.span(),
                "name 应为表单的中文名称（1 到 30 个字，不含斜杠和换行），如 \"会议纪要\"".into(),
            ));
        }
        let order = match &h.order {
            None => 100,
            Some(n) => p.num(n, "order（顺序）", 0.0, 10_000.0, true)? as u32,
        };
        Ok(Form {
            key: key.to_string(),
            file: file.to_string(),
            name: name.to_string(),
            order,
            aliases: h.aliases.iter().map(|a| a.trim().to_string()).filter(|a| !a.is_empty()).collect(),
            source,
            per,
            children,
            sheets: own,
            wanted: p.wanted.into_inner(),
            file_name,
            title,
            page,
            page_numbers,
            blocks,
        })
    }

    /// The placeholders of this form that name a column `wb` does not have (they are not
    /// declared, so only the workbook can have them), one error each at the form file's line.
    pub fn missing_columns(&self, wb: &crate::workbook::Workbook) -> Vec<FormError> {
        let has = |sheet: &str, name: &str| -> bool {
            if sheet == REQUESTS.name {
                wb.request_extra.iter().any(|h| &**h == name)
            } else if sheet == TASKS.name {
                wb.task_extra.iter().any(|h| &**h == name)
            } else {
                wb.other(sheet).is_some_and(|s| s.headers.iter().any(|h| &**h == name))
            }
        };
        let mut out: Vec<FormError> = Vec::new();
        for w in &self.wanted {
            let mut sheets = vec![self.source];
            if self.source != REQUESTS.name {
                sheets.push(REQUESTS.name);
            }
            if let (true, Some(c)) = (w.in_rows, &self.children) {
                sheets.insert(0, c.sheet);
            }
            if sheets.iter().any(|s| has(s, &w.name)) {
                continue;
            }
            let message = format!(
                "表单“{}”用到“{{{}}}”，但工作表“{}”中没有这一列；请在工作表的表头加上“{}”列，或改正表单中的名称",
                self.name, w.name, sheets[0], w.name
            );
            let error = FormError { file: self.file.clone(), line: w.line, message };
            if !out.contains(&error) {
                out.push(error);
            }
        }
        out
    }

    /// The file name stem (before sanitising) for a document.
    pub fn file_stem(&self, src: &Source) -> String {
        self.file_name.render_text(&|f| src.value(f))
    }

    /// Build the document for one request (and one receiving department for letters; forms
    /// made once per request pass all departments joined with `、`), with its tasks.
    pub fn build(&self, req: &Request, to_dept: &str, tasks: &[&Task]) -> Document {
        let children: Vec<&(dyn Fields + Sync)> =
            crate::request::order_tasks(tasks).into_iter().map(|t| t as &(dyn Fields + Sync)).collect();
        self.build_from(&Source { request: req, row: None, to_dept, children })
    }

    /// Build the document for one source row.
    pub fn build_from(&self, src: &Source) -> Document {
        let value = |f: &str| src.value(f);
        let width = self.page.text_width();
        let req = src.request;
        let mut out: Vec<Block> = Vec::new();
        let mut group: Option<(String, Vec<Block>)> = None;
        for (keep, with_previous, item) in &self.blocks {
            let made = self.make(item, &value, width, src);
            if made.is_empty() {
                continue;
            }
            if *with_previous {
                let before = match &mut group {
                    Some((_, blocks)) if !blocks.is_empty() => blocks.last_mut(),
                    _ => out.last_mut(),
                };
                if let Some(b) = before {
                    keep_with_next(b);
                }
            }
            match (keep, &mut group) {
                (Some(k), Some((g, blocks))) if g == k => blocks.extend(made),
                _ => {
                    if let Some((_, blocks)) = group.take() {
                        out.push(Block::KeepTogether(blocks));
                    }
                    match keep {
                        Some(k) => group = Some((k.clone(), made)),
                        None => out.extend(made),
                    }
                }
            }
        }
        if let Some((_, blocks)) = group.take() {
            out.push(Block::KeepTogether(blocks));
        }
        Document {
            title: self.title.render_text(&value),
            author: req.from_dept.clone(),
            date: Some(req.date),
            page: self.page,
            page_numbers: self.page_numbers,
            blocks: out,
            styles: styles::sheet(),
        }
    }

    fn make(&self, item: &Item, value: &dyn Fn(&str) -> String, width: f32, src: &Source) -> Vec<Block> {
        let para = |style: ParaStyle, t: &Template| Paragraph { style, content: t.render(value) };
        match item {
            Item::Title(t) => vec![Block::Paragraph(para(styles::style("title").unwrap(), t))],
            Item::Fields { style, per_row, right_last, cells } => {
                let rows: Vec<Row> = cells
                    .chunks(*per_row)
                    .map(|group| Row {
                        min_height: style.line_pitch,
                        ..Row::new(
                            group
                                .iter()
                                .enumerate()
                                .map(|(i, t)| {
                                    let last = *right_last && i + 1 == *per_row;
                                    let style = if last { ParaStyle { align: Align::Right, ..*style } } else { *style };
                                    Cell { valign: VAlign::Top, ..Cell::new(vec![para(style, t)]) }
                                })
                                .collect(),
                        )
                    })
                    .collect();
                let columns = if *right_last {
                    content_columns(&rows, *per_row, width, style)
                } else if *per_row == 2 {
                    // The letter's header: the left a little wider (its values are longer).
                    vec![width * 0.54, width * 0.46]
                } else {
                    vec![width / *per_row as f32; *per_row]
                };
                vec![Block::Table(Table {
                    columns,
                    rows,
                    header_rows: 0,
                    borders: Borders::NONE,
                    pad_x: 0.0,
                    pad_y: 0.0,
                    continues: false,
                })]
            }
            Item::Table { columns, borders, rows: defs } => {
                let mut rows: Vec<Row> = defs
                    .iter()
                    .map(|r| Row {
                        cells: r.cells.iter().map(|c| table_cell(c, para(c.style, &c.text))).collect(),
                        min_height: r.min_height,
                        can_split: r.can_split,
                        keep_with_next: false,
                        shrink_to: r.shrink_to,
                    })
                    .collect();
                // A row that keeps with the previous one: the previous keeps with it.
                for i in 1..defs.len() {
                    if defs[i].keep_with_previous {
                        rows[i - 1].keep_with_next = true;
                    }
                }
                vec![Block::Table(Table {
                    columns: columns.clone(),
                    rows,
                    header_rows: 0,
                    borders: *borders,
                    pad_x: PAD_X,
                    pad_y: PAD_Y,
                    continues: false,
                })]
            }
            Item::RowTable(t) => vec![Block::Table(row_table(t, value, src))],
            Item::Rule => vec![Block::Rule { height: 0.5 * styles::PITCH, thickness: 1.0 }],
            Item::Text { style, text } => {
                let p = para(*style, text);
                if p.plain_text().trim().is_empty() && !p.content.iter().any(|i| matches!(i, Inline::Blank { .. })) {
                    return vec![];
                }
                vec![Block::Paragraph(p)]
            }
            Item::Annex { label, field } => annex(&label.render_text(value), &value(field)),
            Item::Seal { style, lines, sender_stamp, unstamped } => {
                let mut texts: Vec<String> = lines.iter().map(|l| l.render_text(value)).collect();
                let image = if *sender_stamp { src.request.seal.clone() } else { None };
                // GB/T 9704 §7.3.5: an electronic seal stands for the stamp; "（盖章）" only
                // asks for a hand stamp where there is none.
                if let (None, Some(mark), Some(first)) = (&image, unstamped, texts.first_mut()) {
                    first.push_str(&mark.render_text(value));
                }
                vec![Block::Seal(seal(*style, &texts, image))]
            }
            Item::CutLine => vec![Block::CutLine { height: styles::CUT_LINE_HEIGHT }],
            Item::PageBreak => vec![Block::PageBreak],
        }
    }
}

/// A table cell from its definition.
/// What one document is made from: a row of the form's source sheet (a request, or a row of
/// another sheet and the request it belongs to), the receiving department, and the child rows.
pub struct Source<'a> {
    pub request: &'a Request,
    /// The source row when the form's source is not 协作需求.
    pub row: Option<&'a SheetRow>,
    /// The receiving department (a per-receiver form), or all of them joined with `、`.
    pub to_dept: &'a str,
    /// The rows of the form's child sheet joined to this row, in the order they print.
    pub children: Vec<&'a (dyn Fields + Sync)>,
}

impl Source<'_> {
    /// A placeholder's printed value: the source row's column, else its request's.
    pub fn value(&self, name: &str) -> String {
        self.row.and_then(|r| r.field(name)).or_else(|| self.request.field(name, self.to_dept)).unwrap_or_default()
    }
}

/// A row-table, filled: the header row, then each default row (filled by the child row its
/// `match` column names), then the other child rows; `blank_rows` empty rows when none.
fn row_table(t: &RowTable, value: &dyn Fn(&str) -> String, src: &Source) -> Table {
    let label = styles::style("task-label").unwrap();
    let cell = styles::style("task-cell").unwrap();
    let center = styles::style("task-cell-center").unwrap();
    let para = |style, t: &Template, v: &dyn Fn(&str) -> String| Paragraph { style, content: t.render(v) };
    let mut rows = vec![Row::new(
        t.header
            .iter()
            .map(|h| Cell { shade: Some(LABEL_SHADE), label: true, ..Cell::new(vec![para(label, h, value)]) })
            .collect(),
    )];
    let children: Vec<&(dyn Fields + Sync)> = src
        .children
        .iter()
        .copied()
        .filter(|c| t.filter.iter().all(|(k, values)| c.field(k).is_some_and(|x| values.iter().any(|v| x.trim() == v))))
        .collect();
    let mut taken = vec![false; children.len()];
    // (the default row's values, the child row) per printed row.
    type Line<'a> = (Vec<(&'a str, String)>, Option<&'a (dyn Fields + Sync)>);
    let mut lines: Vec<Line> = Vec::new();
    for d in &t.defaults {
        let own: Vec<(&str, String)> = d.iter().map(|(k, v)| (k.as_str(), v.render_text(value))).collect();
        let child = t.match_on.as_deref().and_then(|m| {
            let want = own.iter().find(|(k, _)| *k == m).map(|(_, v)| v.trim().to_string())?;
            let i =
                (0..children.len()).find(|&i| !taken[i] && children[i].field(m).is_some_and(|x| x.trim() == want))?;
            taken[i] = true;
            Some(children[i])
        });
        lines.push((own, child));
    }
    lines.extend((0..children.len()).filter(|&i| !taken[i]).map(|i| (Vec::new(), Some(children[i]))));
    for (n, (own, child)) in lines.iter().enumerate() {
        let number = (n + 1).to_string();
        // A child row's non-empty value, else the default row's, else the source's.
        let v = |f: &str| -> String {
            if f == ROW_NUMBER {
                return number.clone();
            }
            let from_child = child.and_then(|c| c.field(f)).filter(|x| !x.is_empty());
            from_child.or_else(|| own.iter().find(|(k, _)| *k == f).map(|(_, x)| x.clone())).unwrap_or_else(|| value(f))
        };
        rows.push(Row::new(
            t.cells
                .iter()
                .zip(&t.centred)
                .map(|(c, &short)| Cell::new(vec![para(if short { center } else { cell }, c, &v)]))
                .collect(),
        ));
    }
    if lines.is_empty() {
        for _ in 0..t.blank_rows {
            let blank = Template::default();
            rows.push(Row {
                min_height: BLANK_ROW_MM * MM,
                ..Row::new(t.cells.iter().map(|_| Cell::new(vec![para(cell, &blank, value)])).collect())
            });
        }
    }
    Table {
        columns: t.columns.clone(),
        rows,
        header_rows: 1,
        borders: t.borders,
        pad_x: TASK_PAD_X,
        pad_y: TASK_PAD_Y,
        continues: false,
    }
}

fn table_cell(c: &CellItem, p: Paragraph) -> Cell {
    Cell { col_span: c.span, row_span: c.rows, shade: c.shade, valign: c.valign, label: c.label, ..Cell::new(vec![p]) }
}

/// Make `b` stay on the page of the block after it: a paragraph keeps with the next, a
/// table's last row does, a keep-together group passes it to its last block.
fn keep_with_next(b: &mut Block) {
    match b {
        Block::Paragraph(p) => p.style.keep_with_next = true,
        Block::Table(t) => {
            if let Some(r) = t.rows.last_mut() {
                r.keep_with_next = true;
            }
        }
        Block::KeepTogether(inner) => {
            if let Some(last) = inner.last_mut() {
                keep_with_next(last);
            }
        }
        Block::Rule { .. } | Block::Seal(_) | Block::CutLine { .. } | Block::PageBreak => {}
    }
}

/// Ems of room a content-sized column keeps beyond its text.
const CONTENT_SPARE: f32 = 2.0;

/// Columns of a `fields` line sized to its content (协作主题 / 编号 / 编制日期): each as wide
/// as its longest text, the room left shared out between the columns so the gaps are equal
/// (the last column, right-aligned, ends at the margin). When the texts do not fit on one
/// line, the widest column takes what the others leave and wraps.
fn content_columns(rows: &[Row], n: usize, width: f32, style: &ParaStyle) -> Vec<f32> {
    let mut natural = vec![0.0f32; n];
    for r in rows {
        for (j, c) in r.cells.iter().enumerate().take(n) {
            let text: String = c.paragraphs.iter().map(|p| p.plain_text()).collect();
            // Room to spare: a word processor may set the text wider (LibreOffice spaces
            // digits from Chinese, up to a quarter em each side), and must not wrap it.
            natural[j] = natural[j].max((text_ems(style, &text) + CONTENT_SPARE) * style.size);
        }
    }
    if n < 2 {
        return vec![width; n];
    }
    let total: f32 = natural.iter().sum();
    let gap = style.size; // at least one character between the texts
    let mut cols = natural.clone();
    if total + gap * (n - 1) as f32 <= width {
        let share = (width - total) / (n - 1) as f32;
        for c in &mut cols[..n - 1] {
            *c += share;
        }
    } else {
        let widest = (0..n).max_by(|&a, &b| natural[a].total_cmp(&natural[b])).unwrap_or(0);
        for (j, c) in cols.iter_mut().enumerate() {
            if j != widest && j + 1 < n {
                *c += gap;
            }
        }
        let others: f32 = cols.iter().enumerate().filter(|(j, _)| *j != widest).map(|(_, c)| c).sum();
        cols[widest] = width - others;
        if cols[widest] < width / (2 * n) as f32 {
            return vec![width / n as f32; n];
        }
    }
    cols
}

/// The 附件 lines: `附件：1.甲` / `2.乙` aligned under `1.` (no number when there is only
/// one annex), one line below the body, indented two characters. Empty → nothing.
fn annex(label: &str, items: &str) -> Vec<Block> {
    let items: Vec<&str> = items.lines().map(str::trim).filter(|s| !s.is_empty()).collect();
    let label_chars = label.chars().count() as f32;
    let base = styles::style("body").unwrap();
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            // "附件：1.工作方案": no space after the number (GB/T 9704 §7.3.4).
            let number = if items.len() > 1 { format!("{}.", i + 1) } else { String::new() };
            let first = i == 0;
            Block::Paragraph(Paragraph {
                style: ParaStyle {
                    left_indent: 2.0 + label_chars,
                    first_indent: if first { -label_chars } else { 0.0 },
                    space_before: if first { styles::PITCH } else { 0.0 },
                    align: Align::Left,
                    keep_with_next: i + 1 < items.len(),
                    ..base
                },
                content: vec![Inline::text(if first {
                    format!("{label}{number}{item}")
                } else {
                    format!("{number}{item}")
                })],
            })
        })
        .collect()
}

/// Width of `text` in ems of the style's size (character spacing and punctuation compression
/// included, as the layout sets it).
fn text_ems(style: &ParaStyle, text: &str) -> f32 {
    crate::typeset::text_width(style.role, text, style.size, style.char_spacing) / style.size
}

/// Split a signature line at the place nearest its middle (by width) where a line may break:
/// not inside brackets such as （盖章）, not inside a run of Latin letters or digits, kinsoku
/// respected. `None` when there is no such place.
fn split_signature_line(style: &ParaStyle, text: &str) -> Option<(String, String)> {
    use crate::layout::{forbidden_at_line_end, forbidden_at_line_start};
    let chars: Vec<char> = text.chars().collect();
    let total = text_ems(style, text);
    let mut depth = 0i32;
    let mut best: Option<(f32, usize)> = None;
    for k in 1..chars.len() {
        match chars[k - 1] {
            '（' | '(' | '〔' | '【' | '《' => depth += 1,
            '）' | ')' | '〕' | '】' | '》' => depth -= 1,
            _ => {}
        }
        let (prev, next) = (chars[k - 1], chars[k]);
        let latin = prev.is_ascii_alphanumeric() && next.is_ascii_alphanumeric();
        if depth > 0 || latin || forbidden_at_line_start(next) || forbidden_at_line_end(prev) {
            continue;
        }
        let left: String = chars[..k].iter().collect();
        let off = (text_ems(style, &left) - total / 2.0).abs();
        if best.is_none_or(|(b, _)| off < b) {
            best = Some((off, k));
        }
    }
    best.map(|(_, k)| (chars[..k].iter().collect(), chars[k..].iter().collect()))
}

/// A seal block: room for the seal, then the signature lines.
///
/// With a right-aligned style (the sender's signature, GB/T 9704 §7.3.5.1) the LAST line (the
/// date) ends `right_indent` characters (右空四字) from the right edge of the type area and
/// every line above it is centred over the date. The four characters are there so that the
/// seal, centred on the date, stays inside the type area; a name too long to be centred over
/// the date without running past the right edge of the type area is set on two (or more)
/// lines, each centred over the date, as the standard's commentary advises for long names
/// (a name that cannot be split is set flush with the right edge). The room above and below
/// keeps the whole circle, centred `SEAL_RAISE` × diameter above the middle of the lines, off
/// the body above and off the cut line below.
///
/// Other styles (the reply slip's left-aligned lines, signed and stamped by hand by whoever
/// fills the slip in) keep their own alignment and get one line of room above.
fn seal(style: ParaStyle, lines: &[String], image: Option<SealImage>) -> SealBlock {
    let diameter_mm = image.as_ref().map_or(42.0, |i| i.width_mm);
    let last = lines.len().saturating_sub(1);
    let mut placed: Vec<(String, ParaStyle)> = Vec::new();
    if style.align == Align::Right && !lines.is_empty() {
        let date_w = text_ems(&style, &lines[last]);
        // A line w ems wide centred over the date fits while its right edge stays inside.
        let room = 2.0 * style.right_indent + date_w;
        let centred = |w: f32| ParaStyle { right_indent: (style.right_indent + (date_w - w) / 2.0).max(0.0), ..style };
        for line in &lines[..last] {
            let mut queue = vec![line.clone()];
            while let Some(text) = queue.pop() {
                let w = text_ems(&style, &text);
                match (w > room + 1e-3).then(|| split_signature_line(&style, &text)).flatten() {
                    Some((a, b)) => {
                        queue.push(b);
                        queue.push(a);
                    }
                    None => placed.push((text, centred(w))),
                }
            }
        }
        placed.push((lines[last].clone(), style));
    } else {
        placed = lines.iter().map(|l| (l.clone(), style)).collect();
    }
    let n = placed.len();
    let mut paragraphs: Vec<Paragraph> = placed
        .into_iter()
        .enumerate()
        // The lines hold together; the last one does not pull the next block along.
        .map(|(i, (l, st))| Paragraph::new(ParaStyle { keep_with_next: i + 1 < n, ..st }, l))
        .collect();
    let lines_height = style.line_pitch * n as f32;
    if style.align != Align::Right {
        return SealBlock { space_above: style.line_pitch, lines: paragraphs, diameter_mm, image };
    }
    // The circle's top must clear the body above, its bottom what follows (the cut line).
    let diameter = diameter_mm * MM;
    let (radius, raise) = (diameter / 2.0, SEAL_RAISE * diameter);
    let space_above = (radius + raise - lines_height / 2.0).max(style.line_pitch);
    if let Some(last) = paragraphs.last_mut() {
        last.style.space_after = (radius - raise - lines_height / 2.0).max(0.0);
    }
    SealBlock { space_above, lines: paragraphs, diameter_mm, image }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    pub(crate) fn request() -> Request {
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        Request {
            row: 2,
            id: "协作函〔2026〕3号".into(),
            from_dept: "行政部".into(),
            to_depts: vec!["采购中心".into()],
            date: d(3, 8),
            work_name: "供应商管理流程优化".into(),
            work_kind: Some("日常运营重点任务".into()),
            objective: "完成供应商管理流程的梳理与资源整合".into(),
            planned_finish: d(5, 7),
            expected_effect: Some("流程效率提升20%".into()),
            collab_content: "请采购中心提供近两年业务数据报表".into(),
            delivery_criteria: "数据准确完整".into(),
            due_date: d(3, 22),
            contact: "杨磊".into(),
            phone: "13800000003".into(),
            email: Some("contact3@example.com".into()),
            consult_by: Some(d(3, 15)),
            annex: vec!["工作方案".into(), "任务清单".into()],
            ..Default::default()
        }
    }

    fn letter() -> Form {
        load(None).unwrap().into_iter().find(|f| f.key == "letter").unwrap()
    }

    #[test]
    fn letter_has_every_fixed_sentence_and_the_fields() {
        let doc = letter().build(&request(), "采购中心", &[]);
        let text = doc.plain_text();
        for s in [
            "行政部工作联系函",
            "采购中心：",
            "为顺利推进供应商管理流程优化（以下简称“该工作”）的实施",
            "该工作为公司日常运营重点任务，涉及完成供应商管理流程的梳理与资源整合",
            "为确保该工作于2026年5月7日前按计划完成，实现流程效率提升20%目标",
            "联系电话：13800000003，电子邮箱：contact3@example.com。",
            "请于2026年3月15日前与我部门对接人协商调整方案",
            "特此函告。",
            "附件：1.工作方案",
            "2.任务清单",
            "行政部（盖章）",
            "回执",
        ] {
            assert!(text.contains(s), "missing {s:?} in\n{text}");
        }
        assert_eq!(doc.title, "行政部工作联系函");
    }

    #[test]
    fn empty_optional_fields_drop_their_phrase() {
        let mut r = request();
        r.email = None;
        r.consult_by = None;
        r.work_kind = None;
        r.expected_effect = None;
        r.annex.clear();
        let text = letter().build(&r, "采购中心", &[]).plain_text();
        assert!(text.contains("联系电话：13800000003。贵部门"), "{text}");
        assert!(text.contains("请与我部门对接人协商调整方案"));
        assert!(text.contains("该工作涉及完成供应商"));
        assert!(text.contains("按计划完成，需贵部门"));
        for bad in ["电子邮箱", "于前", "附件", "公司，", "实现目标"] {
            assert!(!text.contains(bad), "{bad:?} left in\n{text}");
        }
    }

    #[test]
    fn reply_slip_and_closing_are_kept_together() {
        let doc = letter().build(&request(), "采购中心", &[]);
        let groups: Vec<&Vec<Block>> =
            doc.blocks.iter().filter_map(|b| if let Block::KeepTogether(g) = b { Some(g) } else { None }).collect();
        assert_eq!(groups.len(), 2);
        assert!(matches!(groups[1][0], Block::CutLine { .. }));
        assert!(groups[0].iter().any(|b| matches!(b, Block::Seal(_))));
    }

    #[test]
    fn unknown_placeholder_is_rejected_with_its_line() {
        let src = include_str!("../../forms/letter.toml").replace("{工作名称}（以下简称", "{工作明称}（以下简称");
        let err = Form::parse("letter", "letter.toml", &src).unwrap_err();
        let expected_line = src.lines().position(|l| l.contains("{工作明称}")).unwrap() + 1;
        assert_eq!(err.line, expected_line, "{err}");
        assert!(err.message.contains("工作明称"), "{err}");
    }

    #[test]
    fn syntax_errors_and_missing_parts_are_rejected() {
        let err = Form::parse("x", "x.toml", "[form\nname=1").unwrap_err();
        assert!(err.message.starts_with("格式错误"), "{err}");
        let err = Form::parse(
            "x",
            "x.toml",
            "[form]\nname = \"x\"\nper = \"request\"\nfile_name = \"a\"\ntitle = \"b\"\n\n[[block]]\ntype = \"text\"\n",
        )
        .unwrap_err();
        assert_eq!(err.line, 8, "{err}");
        assert!(err.message.contains("text"), "{err}");
    }

    #[test]
    fn unknown_keywords_name_the_choices_and_line() {
        let src = include_str!("../../forms/application.toml");
        let bad = src.replace("page = \"a4\"", "page = \"a3\"");
        let err = Form::parse("application", "a.toml", &bad).unwrap_err();
        assert!(err.message.contains("未知的纸张“a3”（可用：a4、a4-landscape）"), "{err}");
        assert_eq!(err.line, bad.lines().position(|l| l.contains("a3")).unwrap() + 1);
        let bad = src.replace("valign = \"top\"", "valign = \"middle\"");
        let err = Form::parse("application", "a.toml", &bad).unwrap_err();
        assert!(err.message.contains("未知的 valign“middle”（可用：center、top）"), "{err}");
    }

    /// Every number of a form file is checked where it is written: NaN, infinity, sign,
    /// whole-ness and bounds, with the line of the number and a Chinese message.
    #[test]
    fn bad_numbers_are_rejected_at_their_line() {
        let app = include_str!("../../forms/application.toml");
        let tasks = include_str!("../../forms/tasks.toml");
        let letter = include_str!("../../forms/letter.toml");
        for (src, from, to, says) in [
            (app, "columns = [27, 63, 24, 42]", "columns = [27, nan, 24, 42]", "不能是 nan"),
            (app, "columns = [27, 63, 24, 42]", "columns = [27, inf, 24, 42]", "不能是 inf"),
            (app, "columns = [27, 63, 24, 42]", "columns = [27, -63, 24, 42]", "这里是 -63"),
            (app, "columns = [27, 63, 24, 42]", "columns = [27, 0, 24, 42]", "这里是 0"),
            (app, "columns = [27, 63, 24, 42]", "columns = [27, 1e300, 24, 42]", "列宽"),
            (app, "columns = [27, 63, 24, 42]", "columns = [27, \"63\", 24, 42]", "应为数字"),
            (
                app,
                "{ text = \"{工作名称}\", span = 3 }",
                "{ text = \"{工作名称}\", span = 18446744073709551615 }",
                "span",
            ),
            (app, "{ text = \"{工作名称}\", span = 3 }", "{ text = \"{工作名称}\", span = -1 }", "这里是 -1"),
            (app, "{ text = \"{工作名称}\", span = 3 }", "{ text = \"{工作名称}\", span = 0 }", "这里是 0"),
            (app, "{ text = \"{工作名称}\", span = 3 }", "{ text = \"{工作名称}\", span = 2.5 }", "不能是 2.5"),
            (app, "{ text = \"{工作名称}\", span = 3 }", "{ text = \"{工作名称}\", span = nan }", "不能是 nan"),
            (
                app,
                "{ text = \"{工作名称}\", span = 3 }",
                "{ text = \"{工作名称}\", span = 4 }",
                "超出了 columns 的 4 列",
            ),
            (
                app,
                "{ label = \"协作主题\" }",
                "{ label = \"协作主题\", rows = 99 }",
                "rows（向下合并的行数）应为 1 到 14",
            ),
            (app, "min_height = 45", "min_height = inf", "不能是 inf"),
            (app, "min_height = 45", "min_height = -45", "这里是 -45"),
            (app, "min_height = 45", "min_height = 4500", "min_height（毫米）应为 0 到 225"),
            (app, "shrink_to = 13", "shrink_to = 19", "不大于 min_height"),
            (app, "shrink_to = 13", "shrink_to = nan", "不能是 nan"),
            (tasks, "per_row = 3", "per_row = 0", "这里是 0"),
            (tasks, "per_row = 3", "per_row = 1000000", "per_row（每行的栏数）应为 1 到 6"),
            (tasks, "per_row = 3", "per_row = 3.5", "不能是 3.5"),
            (tasks, "columns = [11, 42.5", "columns = [-inf, 42.5", "不能是 inf"),
            (letter, "{_14}", "{_nan}", "宽度应为 1–40"),
            (letter, "{_14}", "{_inf}", "宽度应为 1–40"),
            (letter, "{_14}", "{_-3}", "宽度应为 1–40"),
            (letter, "{_14}", "{_1e9}", "宽度应为 1–40"),
        ] {
            assert!(src.contains(from), "{from}");
            let bad = src.replacen(from, to, 1);
            let err = Form::parse("x", "forms/x.toml", &bad).unwrap_err();
            let line = bad.lines().position(|l| l.contains(to)).unwrap() + 1;
            assert_eq!(err.line, line, "{to}: {err}");
            assert!(err.message.contains(says), "{to}: {err}");
            let shown = err.to_string();
            assert!(shown.starts_with(&format!("错误：forms/x.toml:{line}：")), "{shown}");
            assert!(!shown.contains("expected") && !shown.contains("invalid"), "English left in {shown}");
        }
    }

    /// A cell merged down takes its columns in the rows below: a row that then has too many
    /// cells is the error, at the first cell that does not fit.
    #[test]
    fn cells_merged_down_leave_less_room_below() {
        let app = include_str!("../../forms/application.toml");
        let bad = app.replacen("{ label = \"协作主题\" }", "{ label = \"协作主题\", rows = 2 }", 1);
        let err = Form::parse("x", "forms/x.toml", &bad).unwrap_err();
        let line = bad.lines().position(|l| l.contains("{ label = \"发起部门\" }")).unwrap() + 1;
        assert_eq!(err.line, line, "{err}");
        assert!(err.message.contains("超出了 columns 的 4 列"), "{err}");
        // Room made below (one cell fewer) is accepted.
        let ok = bad.replacen("{ label = \"发起部门\" }, ", "", 1);
        assert!(Form::parse("x", "forms/x.toml", &ok).is_ok());
    }

    /// Counts a form could multiply are bounded: blocks, rows, columns, template length and
    /// the nesting of optional parts.
    #[test]
    fn huge_repeats_and_deep_nesting_are_rejected() {
        let head = "[form]\nname = \"x\"\nper = \"request\"\nfile_name = \"a\"\ntitle = \"b\"\n";
        let many_blocks = format!("{head}{}", "[[block]]\ntype = \"rule\"\n".repeat(checks::MAX_BLOCKS + 1));
        let err = Form::parse("x", "x.toml", &many_blocks).unwrap_err();
        assert!(err.message.contains("最多 500 个"), "{err}");
        let many_rows = format!(
            "{head}[[block]]\ntype = \"table\"\ncolumns = [1]\n{}",
            "[[block.row]]\ncells = [{ text = \"a\" }]\n".repeat(checks::MAX_ROWS + 1)
        );
        let err = Form::parse("x", "x.toml", &many_rows).unwrap_err();
        assert!(err.message.contains("应有 1 到 200 项"), "{err}");
        let cols = vec!["1"; checks::MAX_COLUMNS + 1].join(",");
        let wide = format!("{head}[[block]]\ntype = \"table\"\ncolumns = [{cols}]\n[[block.row]]\ncells = []\n");
        let err = Form::parse("x", "x.toml", &wide).unwrap_err();
        assert!(err.message.contains("应有 1 到 20 项"), "{err}");
        let deep = format!("{}x{}", "[".repeat(checks::MAX_NESTING + 1), "]".repeat(checks::MAX_NESTING + 1));
        let nested = format!("{head}[[block]]\ntype = \"text\"\ntext = \"{deep}\"\n");
        let err = Form::parse("x", "x.toml", &nested).unwrap_err();
        assert!(err.message.contains("套得太深（最多 8 层）"), "{err}");
        assert_eq!(err.line, 8);
        let ok = format!("{}x{}", "[".repeat(checks::MAX_NESTING), "]".repeat(checks::MAX_NESTING));
        assert!(Template::parse(&ok).is_ok());
        let long =
            format!("{head}[[block]]\ntype = \"text\"\ntext = \"{}\"\n", "字".repeat(checks::MAX_TEMPLATE_CHARS + 1));
        let err = Form::parse("x", "x.toml", &long).unwrap_err();
        assert!(err.message.contains("文字过长"), "{err}");
        let deep_toml = format!("{head}x = {}{}", "[".repeat(100_000), "]".repeat(100_000));
        let err = Form::parse("x", "x.toml", &deep_toml).unwrap_err();
        assert!(err.message.contains("嵌套过深"), "{err}");
    }

    #[test]
    fn signature_name_is_centred_over_the_date() {
        let seal_of = |doc: &Document| {
            doc.blocks
                .iter()
                .flat_map(|b| if let Block::KeepTogether(g) = b { g.clone() } else { vec![b.clone()] })
                .find_map(|b| if let Block::Seal(s) = b { Some(s) } else { None })
                .unwrap()
        };
        // Where a right-aligned line's centre sits, in ems from the right edge of the type area.
        let centre = |p: &Paragraph| p.style.right_indent + text_ems(&p.style, &p.plain_text()) / 2.0;
        let mut r = request();
        for (dept, lines) in [
            ("行政部", vec!["行政部（盖章）", "2026年3月8日"]),
            // Too long to centre over the date inside the type area: two lines of about equal width
            // (never inside （盖章）), each centred.
            ("集团信息技术与数字化管理中心", vec!["集团信息技术与数字", "化管理中心（盖章）", "2026年3月8日"]),
        ] {
            r.from_dept = dept.into();
            let seal = seal_of(&letter().build(&r, "采购中心", &[]));
            let texts: Vec<String> = seal.lines.iter().map(|p| p.plain_text()).collect();
            assert_eq!(texts, lines);
            let date = seal.lines.last().unwrap();
            // 右空四字: the date ends four characters from the right edge.
            assert!((date.style.right_indent - 4.0).abs() < 1e-3, "{}", date.style.right_indent);
            for name in &seal.lines[..seal.lines.len() - 1] {
                assert!((centre(name) - centre(date)).abs() < 0.01, "{} not centred over the date", name.plain_text());
                assert!(name.style.right_indent >= 0.0, "inside the type area");
            }
            assert!(seal.space_above >= 28.0);
        }
    }

    #[test]
    fn an_electronic_seal_replaces_the_stamp_mark() {
        let mut r = request();
        r.seal = Some(SealImage { png: std::sync::Arc::new(vec![]), width_px: 1, height_px: 1, width_mm: 42.0 });
        let text = letter().build(&r, "采购中心", &[]).plain_text();
        assert!(text.contains("行政部\n2026年3月8日"), "{text}");
        assert!(text.contains("收函部门（盖章）："), "the reply slip keeps its own");
    }

    #[test]
    fn laid_out_the_date_ends_four_characters_in_and_the_name_centres_over_it() {
        use crate::layout::{layout, Item};
        let mut r = request();
        for dept in ["行政部", "集团信息技术与数字化管理中心"] {
            r.from_dept = dept.into();
            let doc = letter().build(&r, "采购中心", &[]);
            let laid = layout(&doc);
            let right = doc.page.margin_left + doc.page.text_width();
            // Extent of each signature line: runs sharing a baseline, by its text.
            let line = |want: &str| -> (f32, f32) {
                let mut found = None;
                for page in &laid.pages {
                    let runs: Vec<_> =
                        page.items.iter().filter_map(|i| if let Item::Text(t) = i { Some(t) } else { None }).collect();
                    for r in &runs {
                        let same: Vec<_> = runs.iter().filter(|o| (o.baseline - r.baseline).abs() < 0.1).collect();
                        let text: String = same.iter().map(|o| o.text()).collect();
                        if text == want {
                            let x0 = same.iter().map(|o| o.x).fold(f32::MAX, f32::min);
                            let x1 = same.iter().map(|o| o.x + o.width()).fold(f32::MIN, f32::max);
                            found = Some((x0, x1));
                        }
                    }
                }
                found.unwrap_or_else(|| panic!("{want:?} not laid out"))
            };
            let date = line("2026年3月8日");
            assert!((date.1 - (right - 4.0 * 16.0)).abs() < 0.5, "{dept}: the date ends at {}", date.1);
            let seal = doc
                .blocks
                .iter()
                .flat_map(|b| if let Block::KeepTogether(g) = b { g.clone() } else { vec![b.clone()] })
                .find_map(|b| if let Block::Seal(s) = b { Some(s) } else { None })
                .unwrap();
            for name in &seal.lines[..seal.lines.len() - 1] {
                let n = line(&name.plain_text());
                assert!(
                    ((n.0 + n.1) / 2.0 - (date.0 + date.1) / 2.0).abs() < 0.5,
                    "{dept}: {n:?} not centred over {date:?}"
                );
                assert!(n.1 <= right + 0.01);
            }
            // The seal's centre (where an electronic seal goes) is over the date's centre.
            let place = laid.seals[0];
            assert!((place.cx - (date.0 + date.1) / 2.0).abs() < 0.5, "{dept}: seal centre {}", place.cx);
        }
    }
}
