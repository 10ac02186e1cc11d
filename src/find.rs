//! Finding one document of a workbook — the one `gongwen preview` draws and the workbench's
//! preview shows: the request chosen by its row or 编号, the receiving department by name, the
//! document built and settled as a run would make it. Both callers read this, so a row with
//! errors, a department the request does not write to or a row that is not there are said in
//! the same words everywhere.

use crate::forms::{Form, Per, REQUESTS_SHEET};
use crate::generate::{self, Job};
use crate::layout;
use crate::model::Document;
use crate::output::ManifestEntry;
use crate::workbook::Workbook;

/// Which document is wanted: the request by 编号 (`id`) or by its row on the form's sheet
/// (`row`, as Excel numbers it), the receiving department (`to`; `None`: the first).
#[derive(Debug, Clone, Default)]
pub struct Wanted {
    pub id: Option<String>,
    pub row: Option<u32>,
    pub to: Option<String>,
}

/// The document found: what it is, the document settled, and the request's other receiving
/// departments for this form.
pub struct Found {
    /// `协作函〔2026〕3号 采购中心 工作联系函`.
    pub what: String,
    /// Its receiving department (the request's first, for a form made once per request).
    pub to: String,
    pub doc: Document,
    pub others: Vec<String>,
}

/// Why no document was found.
#[derive(Debug)]
pub struct NotFound {
    /// The chosen row's own data keeps it from being made (the command line's exit 1), rather
    /// than nothing being there to choose (exit 2).
    pub row_has_errors: bool,
    /// What to tell the user, without the 错误： prefix.
    pub message: String,
}

impl NotFound {
    fn errors(message: String) -> NotFound {
        NotFound { row_has_errors: true, message }
    }
    fn absent(message: String) -> NotFound {
        NotFound { row_has_errors: false, message }
    }
}

/// The document of `form` that `wanted` chooses: the first a run would make that matches it.
/// `wb` is read and checked (its rows are read again here, with their seals and child rows).
pub fn document(wb: &Workbook, form: &Form, wanted: &Wanted) -> Result<Found, NotFound> {
    // A chosen request row that cannot be made: its own problems, as `check` words them.
    let rejected = wb.rejected.iter().find(|r| match (&wanted.id, wanted.row) {
        (Some(id), _) => r.id.as_deref() == Some(id.as_str()),
        (None, Some(row)) => form.source == REQUESTS_SHEET && r.row == row,
        (None, None) => false,
    });
    if let Some(r) = rejected {
        return Err(NotFound::errors(format!(
            "{}第 {} 行{}有错误，不能预览：{}；请改正后再预览（gongwen check 列出全部问题）",
            wb.request_sheet,
            r.row,
            r.id.as_deref().map(|id| format!("（{id}）")).unwrap_or_default(),
            r.reasons.join("；")
        )));
    }
    let of_request = |job: &Job| match (&wanted.id, wanted.row) {
        (Some(id), _) => job.request.id == *id,
        (None, Some(row)) => job.row.map_or(job.request.row, |r| r.row) == row,
        (None, None) => true,
    };
    let mut found: Option<Found> = None;
    let mut depts: Vec<String> = Vec::new();
    let mut request_seen: Option<String> = None;
    let mut visit = |job: &Job| {
        if !of_request(job) {
            // A request's documents come together: once past the chosen one's, stop.
            return request_seen.is_none();
        }
        match &request_seen {
            Some(seen) if *seen != job.request.id => return false,
            Some(_) => {}
            None => request_seen = Some(job.request.id.clone()),
        }
        let chosen = wanted.to.as_deref().is_none_or(|to| job.to_dept == to);
        match &mut found {
            Some(f) => f.others.push(job.to_dept.clone()),
            None if chosen => {
                let doc = layout::settle(&form.build_from(&job.source()));
                // A form made once per request names no one receiver.
                let to = match form.per {
                    Per::Receiver => format!(" {}", job.to_dept),
                    Per::Row => String::new(),
                };
                let what = format!("{}{to} {}", job.request.id, form.name);
                found = Some(Found { what, to: job.to_dept.clone(), doc, others: Vec::new() });
            }
            None => depts.push(job.to_dept.clone()),
        }
        true
    };
    let mut not_made: Vec<ManifestEntry> = Vec::new();
    generate::visit_documents(wb, std::slice::from_ref(form), &mut visit, &mut |line| not_made.push(line))
        .map_err(|e| NotFound::absent(e.to_string().trim_start_matches("错误：").to_string()))?;
    if let Some(found) = found {
        return Ok(found);
    }
    // Why nothing was found, in the words a clerk can act on.
    let wanted_id = |id: &str| wanted.id.as_deref().is_none_or(|want| want == id);
    if let Some(line) = not_made.iter().find(|l| wanted_id(&l.id) && wanted.row.is_none()) {
        return Err(NotFound::errors(format!("{}（{}）：{}", line.id, line.source, line.note)));
    }
    Err(NotFound::absent(match (&wanted.id, wanted.row, &request_seen, &wanted.to) {
        (_, _, Some(id), Some(to)) => {
            format!("{id} 的{}中没有给“{to}”的一份；收函部门有：{}", form.name, depts.join("、"))
        }
        (Some(id), _, None, _) if wb.valid.iter().any(|(_, v)| **v == **id) => {
            format!("{id} 没有{}可预览（{}表中没有它的行）", form.name, form.source)
        }
        (Some(id), _, None, _) => format!("工作簿中没有编号为“{id}”的协作需求；请检查编号（要与表中完全一致）"),
        (None, Some(row), None, _) => format!(
            "{}表第 {row} 行没有可预览的{}：该行不是一条能生成的数据（gongwen check 列出问题）",
            form.source, form.name
        ),
        _ => format!("工作簿中没有能生成{}的数据（gongwen check 列出问题）", form.name),
    }))
}
