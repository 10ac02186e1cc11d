//! Reading a checked workbook's valid rows again, a window of requests at a time, each with
//! its rows of the child sheets a run needs (任务拆分, 沟通记录 …). A run that kept only which
//! rows are valid ([`Keep::Index`](super::Keep)) holds one window, never the workbook's rows:
//! its memory does not grow with them.
//!
//! The rows are read again from the bytes read the first time (never the file, which may have
//! changed since), by the same reading code; only the rows the check found usable are built,
//! and nothing is checked again. Every sheet is read once, top to bottom: a child sheet in the
//! same order as its requests (the usual case) holds nothing but the current window's rows; one
//! in another order holds its rows read ahead until their request's window.

use super::columns::{ReqField, Sheet, TaskField, REQUESTS, TASKS};
use super::grid::GridRow;
use super::problem::Fatal;
use super::records::{self, RecordSheet};
use super::seal::SealLoader;
use super::sheet::{Header, Problems, RowValues, SheetReader};
use super::source::{Reopen, RowStream, Source};
use super::validate::{self, ChildIndex};
use super::Workbook;
use crate::request::{SheetRow, Task};
use std::collections::HashMap;

/// What reading a checked workbook's rows again needs.
#[derive(Debug)]
pub struct Reread {
    pub source: Reopen,
    /// The 协作需求 sheet as written.
    pub requests: String,
    /// The 任务拆分 sheet, when its rows were read.
    pub tasks: Option<ChildSheet<TaskField>>,
    /// The other declared sheets whose rows were read.
    pub others: Vec<ChildSheet<()>>,
    /// Read again as first read.
    pub glyphs: super::Glyphs,
}

/// A child sheet: its name as written, its declaration, and which of its rows are used.
#[derive(Debug)]
pub struct ChildSheet<F: 'static> {
    pub written: String,
    pub spec: &'static Sheet<F>,
    pub index: ChildIndex,
}

/// The workbook opened again for a [`Feed`]: one reader per sheet read at once.
pub struct Sources {
    requests: Source,
    tasks: Option<Source>,
    /// Per other sheet read (indexes into [`Reread::others`]).
    others: Vec<(usize, Source)>,
}

/// A sheet being read again: its reader, its rows and its header (found again, as the check
/// found it). Problems are found again too, and dropped: the check reported them.
struct Cursor<'s, F: 'static> {
    reader: SheetReader<'s, F>,
    stream: RowStream<'s>,
    header: Header,
    dropped: Problems,
}

impl<'s, F: Copy> Cursor<'s, F> {
    fn open(
        source: &'s mut Source,
        spec: &'static Sheet<F>,
        name: &'s str,
        glyphs: super::Glyphs,
    ) -> Result<Cursor<'s, F>, Fatal> {
        let reader = SheetReader { spec, name, sheet_no: 0, glyphs };
        let mut stream = source.rows(name)?;
        let mut dropped = Problems::default();
        let header = reader.header(&mut stream, &mut dropped).ok_or_else(|| changed(name))?;
        Ok(Cursor { reader, stream, header, dropped })
    }

    /// The next row at or before `row0`, read into values, with its position; `None` past it.
    fn next_upto(&mut self, row0: u32) -> Option<GridRow> {
        let cells = self.stream.next()?;
        if cells.row0 > row0 {
            self.stream.put_back(vec![cells]);
            return None;
        }
        Some(cells)
    }

    fn values(&mut self, cells: &GridRow) -> Option<RowValues> {
        // Problems are counted but only the first of each kind listed: never many held.
        self.reader.row(cells, &self.header, &mut self.dropped)
    }
}

/// How a used row of a child sheet becomes what forms print, with the 编号 of its request.
type Build<'s, T> = Box<dyn Fn(RowValues, &Header) -> Option<(String, T)> + 's>;

/// A child sheet being read again alongside the requests: its used rows by request 编号,
/// read up to the last one the current window needs.
struct Child<'s, F: 'static, T> {
    cursor: Cursor<'s, F>,
    index: &'s ChildIndex,
    pending: HashMap<String, Vec<T>>,
    build: Build<'s, T>,
}

impl<F: Copy, T> Child<'_, F, T> {
    /// Read the sheet's rows through `row0`, keeping the used ones.
    fn advance(&mut self, row0: u32) {
        while let Some(cells) = self.cursor.next_upto(row0) {
            if !self.index.uses(cells.row0) {
                continue;
            }
            if let Some((key, item)) = self.cursor.values(&cells).and_then(|row| (self.build)(row, &self.cursor.header))
            {
                self.pending.entry(key).or_default().push(item);
            }
        }
    }

    /// The rows of the requests with `rows0` (0-based rows) and 编号 `ids`, read through the last.
    fn take(&mut self, requests: &[(u32, Box<str>)]) -> Vec<T> {
        if let Some(last) = requests.iter().filter_map(|(row0, _)| self.index.last.get(row0)).max() {
            self.advance(*last);
        }
        requests.iter().flat_map(|(_, id)| self.pending.remove(&**id).unwrap_or_default()).collect()
    }
}

/// The valid rows of a checked workbook, read again a window of requests at a time.
pub struct Feed<'s> {
    wb: &'s Workbook,
    requests: Cursor<'s, ReqField>,
    tasks: Option<Child<'s, TaskField, Task>>,
    others: Vec<(&'static str, Child<'s, (), SheetRow>)>,
    seals: SealLoader,
    /// The next valid request to read (index into [`Workbook::valid`]).
    next: usize,
}

/// The message for a sheet that does not read again as it read the first time: it cannot
/// happen with the same bytes and the same code, but is said rather than assumed.
fn changed(sheet: &str) -> Fatal {
    Fatal::Unreadable {
        path: Default::default(),
        reason: format!("工作表“{sheet}”第二次读取时与第一次不同（程序内部错误，请报告给维护者）"),
    }
}

impl Workbook {
    /// Open the workbook again to read its valid rows with their rows of the child `sheets`
    /// (declared names: 任务拆分, 沟通记录 …; a sheet the workbook lacks is left out).
    pub fn sources(&self, sheets: &[&str]) -> Result<Sources, Fatal> {
        let reread = self.reread.as_ref().ok_or_else(|| changed(&self.request_sheet))?;
        let tasks = match &reread.tasks {
            Some(_) if sheets.contains(&TASKS.name) => Some(reread.source.open()?),
            _ => None,
        };
        let mut others = Vec::new();
        for (i, sheet) in reread.others.iter().enumerate() {
            if sheets.contains(&sheet.spec.name) {
                others.push((i, reread.source.open()?));
            }
        }
        Ok(Sources { requests: reread.source.open()?, tasks, others })
    }

    /// Read the valid rows again through `sources` (see [`Workbook::sources`]).
    pub fn feed<'s>(&'s self, sources: &'s mut Sources) -> Result<Feed<'s>, Fatal> {
        let reread = self.reread.as_deref().ok_or_else(|| changed(&self.request_sheet))?;
        let requests = Cursor::open(&mut sources.requests, &REQUESTS, &reread.requests, reread.glyphs)?;
        let tasks = match (&mut sources.tasks, &reread.tasks) {
            (Some(source), Some(sheet)) => Some(Child {
                cursor: Cursor::open(source, sheet.spec, &sheet.written, reread.glyphs)?,
                index: &sheet.index,
                pending: HashMap::new(),
                build: Box::new(|mut row: RowValues, header: &Header| {
                    validate::build_task(&mut row, header).map(|t| (t.request_id.clone(), t))
                }),
            }),
            _ => None,
        };
        let mut others = Vec::new();
        for (i, source) in &mut sources.others {
            let sheet = &reread.others[*i];
            let cursor = Cursor::open(source, sheet.spec, &sheet.written, reread.glyphs)?;
            let headers = records::headers(sheet.spec, &cursor.header);
            let spec = sheet.spec;
            let build = Box::new(move |row: RowValues, _: &Header| {
                records::reread(row, spec, &headers).map(|r| (r.key.clone(), r))
            });
            others.push((spec.name, Child { cursor, index: &sheet.index, pending: HashMap::new(), build }));
        }
        let width = self.seal_rule.as_ref().map_or(super::DEFAULT_SEAL_MM, |r| r.width_mm);
        Ok(Feed { wb: self, requests, tasks, others, seals: reread.source.seal_loader(width), next: 0 })
    }
}

impl Feed<'_> {
    /// The next `n` valid requests (fewer at the end; `None` after the last) as a workbook of
    /// their own: the requests, their used rows of the child sheets, and what blocks them.
    pub fn next_window(&mut self, n: usize) -> Result<Option<Workbook>, Fatal> {
        let wb = self.wb;
        let valid = &wb.valid[self.next.min(wb.valid.len())..];
        if valid.is_empty() {
            return Ok(None);
        }
        let window = &valid[..n.clamp(1, valid.len())];
        self.next += window.len();
        let mut requests = Vec::with_capacity(window.len());
        for &(row0, _) in window {
            let cursor = &mut self.requests;
            let mut request = loop {
                let Some(cells) = cursor.next_upto(row0) else { return Err(changed(&wb.request_sheet)) };
                if cells.row0 < row0 {
                    continue;
                }
                let row = cursor.values(&cells).ok_or_else(|| changed(&wb.request_sheet))?;
                break validate::valid_request(row, &cursor.header, &mut self.seals, &mut |_, _| {});
            };
            if let Some(rule) = &wb.seal_rule {
                rule.apply(&mut request);
            }
            requests.push(request);
        }
        let tasks = self.tasks.as_mut().map(|t| t.take(window)).unwrap_or_default();
        let mut others: Vec<RecordSheet> = wb.others.iter().map(RecordSheet::without_records).collect();
        for (name, child) in &mut self.others {
            let records = child.take(window);
            if let Some(sheet) = others.iter_mut().find(|s| s.name == *name) {
                sheet.records = records;
            }
        }
        Ok(Some(Workbook {
            requests,
            tasks,
            tasks_blocked: wb.tasks_blocked.clone(),
            others,
            request_extra: wb.request_extra.clone(),
            task_extra: wb.task_extra.clone(),
            request_sheet: wb.request_sheet.clone(),
            request_key_col0: wb.request_key_col0,
            valid: window.to_vec(),
            ..Workbook::default()
        }))
    }
}
