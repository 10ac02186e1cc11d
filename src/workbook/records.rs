//! Sheets read generically: every declared sheet besides 协作需求 and 任务拆分 (沟通记录,
//! 流程记录, or one a form file declares). Each row is checked cell by cell like any other
//! (kinds, required columns, the same messages with their cells) and must name, in the sheet's
//! key column, the 编号 of a row of 协作需求. A row with an error is not used, and the
//! documents made from its request's rows of this sheet are not made either (never a record
//! silently missing from a document): the request is *blocked* for this sheet, with why.

use super::columns::Sheet;
use super::problem::Severity;
use super::sheet::{Header, Problems, RowValues};
use super::validate::{ChildIndex, Requests, SheetName};
use super::Keep;
use crate::request::{Extra, SheetRow};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The rows of one generically read sheet.
#[derive(Debug, Clone)]
pub struct RecordSheet {
    /// The declared name (`沟通记录`), which forms use.
    pub name: &'static str,
    /// The name as written in the workbook, for references (`沟通记录!A5`).
    pub written: String,
    /// The key column's 0-based sheet column.
    pub key_col0: u32,
    /// Usable rows, in sheet order.
    pub records: Vec<SheetRow>,
    /// Request 编号 → why its rows of this sheet are not used (errors in them).
    pub blocked: BTreeMap<String, String>,
    /// Every column the sheet has, declared or its own (for forms' placeholders).
    pub headers: Arc<[Box<str>]>,
    /// Why the whole sheet cannot be used (a required column missing), if so.
    pub unusable: Option<String>,
}

impl RecordSheet {
    /// A declared sheet the workbook has but no form can read (a required column missing).
    pub fn unusable(name: &'static str, written: &str, why: String) -> RecordSheet {
        RecordSheet {
            name,
            written: written.to_string(),
            key_col0: 0,
            records: Vec::new(),
            blocked: BTreeMap::new(),
            headers: Arc::new([]),
            unusable: Some(why),
        }
    }

    /// The sheet without its rows: what a window of requests starts from (`feed`).
    pub fn without_records(&self) -> RecordSheet {
        RecordSheet {
            name: self.name,
            written: self.written.clone(),
            key_col0: self.key_col0,
            records: Vec::new(),
            blocked: self.blocked.clone(),
            headers: self.headers.clone(),
            unusable: self.unusable.clone(),
        }
    }

    /// Why the rows of the request with 编号 `key` cannot be used, if they cannot: the sheet
    /// lacks a required column, or one of those rows has an error.
    pub fn blocked_for(&self, key: &str) -> Option<&str> {
        self.unusable.as_deref().or(self.blocked.get(key).map(String::as_str))
    }

    /// The rows belonging to the request with 编号 `key`, in sheet order.
    pub fn of<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a SheetRow> + 'a {
        self.records.iter().filter(move |r| r.key == key)
    }
}

/// A generic sheet's rows as they are read: each must name a request; a row with an error
/// blocks its request's rows of the sheet.
pub struct Records<'a> {
    sheet: SheetName<'a>,
    spec: &'static Sheet<()>,
    keep: Keep,
    /// The key column: its index in the declaration and its 0-based sheet column.
    key: usize,
    key_col0: u32,
    headers: Arc<[Box<str>]>,
    /// (row, request 编号) of the rows with no error, and the rows themselves with [`Keep::Rows`].
    good: Vec<(u32, String)>,
    records: Vec<SheetRow>,
    blocked: BTreeMap<String, Vec<String>>,
}

impl<'a> Records<'a> {
    pub fn new(sheet: SheetName<'a>, spec: &'static Sheet<()>, header: &Header, keep: Keep) -> Records<'a> {
        let key = spec.columns.iter().position(|c| Some(c.header) == spec.key).expect("the key is a declared column");
        Records {
            sheet,
            spec,
            keep,
            key,
            key_col0: header.col_of[key].expect("the key column is required, so present"),
            headers: headers(spec, header),
            good: Vec::new(),
            records: Vec::new(),
            blocked: BTreeMap::new(),
        }
    }

    /// Check one row as it is read.
    pub fn take(&mut self, mut row: RowValues, requests: &Requests, problems: &mut Problems) {
        let Some(id) = row.take_text(self.key) else { return };
        if !requests.first_row_of.contains_key(&id) {
            let message = format!(
                "{}：“{id}”在协作需求中不存在，请填写协作需求表中已有的编号",
                self.spec.columns[self.key].header
            );
            problems.at(self.sheet.no, self.sheet.name, Severity::Error, row.row0, self.key_col0, message);
            return;
        }
        if !row.errors.is_empty() {
            let list = self.blocked.entry(id).or_default();
            for (col0, message) in &row.errors {
                list.push(format!("{}!{} {message}", self.sheet.name, super::cells::cell_ref(row.row0, *col0)));
            }
            return;
        }
        let row0 = row.row0;
        if self.keep == Keep::Rows {
            self.records.push(record(row, self.spec, self.key, &id, &self.headers));
        }
        self.good.push((row0, id));
    }

    /// The sheet once every row is read, and which rows are used.
    pub fn finish(self, requests: &Requests) -> (RecordSheet, ChildIndex) {
        let blocked: BTreeMap<String, String> = self
            .blocked
            .into_iter()
            .filter(|(id, _)| requests.valid_row0(id).is_some())
            .map(|(id, errors)| (id, super::validate::blocked_reason(&errors)))
            .collect();
        let usable = |id: &str| requests.valid_row0(id).filter(|_| !blocked.contains_key(id));
        let mut index = ChildIndex::default();
        for (row0, id) in &self.good {
            if let Some(request_row0) = usable(id) {
                index.add(*row0, request_row0);
            }
        }
        index.sort();
        let mut records = self.records;
        records.retain(|r| usable(&r.key).is_some());
        let sheet = RecordSheet {
            name: self.spec.name,
            written: self.sheet.name.to_string(),
            key_col0: self.key_col0,
            records,
            blocked,
            headers: self.headers,
            unusable: None,
        };
        (sheet, index)
    }
}

/// Every column a generic sheet has, declared or its own (for forms' placeholders).
pub fn headers(spec: &Sheet<()>, header: &Header) -> Arc<[Box<str>]> {
    spec.columns.iter().map(|c| Box::<str>::from(c.header)).chain(header.extra_headers.iter().cloned()).collect()
}

/// A row with no error made a [`SheetRow`] of its request `id`: each column's printed value.
fn record(mut row: RowValues, spec: &Sheet<()>, key: usize, id: &str, headers: &Arc<[Box<str>]>) -> SheetRow {
    let mut values: Vec<Box<str>> = row
        .values
        .iter()
        .zip(spec.columns)
        .enumerate()
        .map(|(i, (v, c))| match (i == key, v) {
            (true, _) => id.into(),
            (false, Some(v)) => v.printed(c.kind).into_boxed_str(),
            (false, None) => "".into(),
        })
        .collect();
    values.append(&mut row.extra);
    SheetRow {
        row: row.row0 + 1,
        key: id.to_string(),
        values: Extra { headers: headers.clone(), values: values.into() },
    }
}

/// A used row of a generic sheet read again (`feed`): the [`SheetRow`] it was when checked.
/// `headers` are the sheet's [`headers`].
pub fn reread(mut row: RowValues, spec: &'static Sheet<()>, headers: &Arc<[Box<str>]>) -> Option<SheetRow> {
    let key = spec.columns.iter().position(|c| Some(c.header) == spec.key)?;
    let id = row.take_text(key)?;
    Some(record(row, spec, key, &id, headers))
}
