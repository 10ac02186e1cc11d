//! Sheets read generically: every declared sheet besides 协作需求 and 任务拆分 (沟通记录,
//! 流程记录, or one a form file declares). Each row is checked cell by cell like any other
//! (kinds, required columns, the same messages with their cells) and must name, in the sheet's
//! key column, the 编号 of a row of 协作需求. A row with an error is not used, and the
//! documents made from its request's rows of this sheet are not made either (never a record
//! silently missing from a document): the request is *blocked* for this sheet, with why.

use super::columns::Sheet;
use super::problem::Severity;
use super::sheet::{Header, Problems, RowValues};
use super::validate::SheetName;
use crate::request::{Extra, SheetRow};
use std::collections::{BTreeMap, HashMap, HashSet};
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

/// A generic sheet's rows as read, before the workbook rules.
pub struct OtherRows<'a> {
    pub sheet: SheetName<'a>,
    pub spec: &'static Sheet<()>,
    pub header: Header,
    pub rows: Vec<RowValues>,
}

/// Apply the rules to one generic sheet. `request_rows` are the 编号 of every request row
/// (valid or not) with its row; `valid` those of the requests that are made.
pub fn check(
    other: OtherRows,
    request_rows: &HashMap<String, u32>,
    valid: &HashSet<&str>,
    problems: &mut Problems,
) -> RecordSheet {
    let OtherRows { sheet, spec, header, rows } = other;
    let key = spec.columns.iter().position(|c| Some(c.header) == spec.key).expect("the key is a declared column");
    let key_col0 = header.col_of[key].expect("the key column is required, so present");
    let headers: Arc<[Box<str>]> =
        spec.columns.iter().map(|c| Box::<str>::from(c.header)).chain(header.extra_headers.iter().cloned()).collect();
    let mut blocked: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut records = Vec::new();
    for mut row in rows {
        let Some(id) = row.take_text(key) else { continue };
        if !request_rows.contains_key(&id) {
            let message =
                format!("{}：“{id}”在协作需求中不存在，请填写协作需求表中已有的编号", spec.columns[key].header);
            problems.at(sheet.no, sheet.name, Severity::Error, row.row0, key_col0, message);
            continue;
        }
        if !row.errors.is_empty() {
            let list = blocked.entry(id).or_default();
            for (col0, message) in &row.errors {
                list.push(format!("{}!{} {message}", sheet.name, super::cells::cell_ref(row.row0, *col0)));
            }
            continue;
        }
        let mut values: Vec<Box<str>> = row
            .values
            .iter()
            .zip(spec.columns)
            .enumerate()
            .map(|(i, (v, c))| match (i == key, v) {
                (true, _) => id.clone().into_boxed_str(),
                (false, Some(v)) => v.printed(c.kind).into_boxed_str(),
                (false, None) => "".into(),
            })
            .collect();
        values.append(&mut row.extra);
        records.push(SheetRow {
            row: row.row0 + 1,
            key: id,
            values: Extra { headers: headers.clone(), values: values.into() },
        });
    }
    let blocked: BTreeMap<String, String> = blocked
        .into_iter()
        .filter(|(id, _)| valid.contains(id.as_str()))
        .map(|(id, errors)| (id, super::validate::blocked_reason(&errors)))
        .collect();
    records.retain(|r| valid.contains(r.key.as_str()) && !blocked.contains_key(&r.key));
    RecordSheet {
        name: spec.name,
        written: sheet.name.to_string(),
        key_col0,
        records,
        blocked,
        headers,
        unusable: None,
    }
}
