//! `POST /api/render`: one request sent as values — a JSON object of column → value, the
//! columns named as in the workbook (Chinese headers or their English aliases), with its tasks
//! if the form lists them — made into one document, PDF or DOCX, returned as the response.
//!
//! The values are checked by the workbook's own rules, not a copy of them: they become the
//! cells of a one-row 协作需求 sheet (and a 任务拆分 sheet) read by `workbook::read_cells`, so a
//! bad date gets the message a bad date cell gets. Problems name the field, not a cell.

use super::api::{forms_named, unreadable};
use super::guard::{self, ApiError};
use super::upload;
use super::Shared;
use crate::forms::{choice, Form, Per};
use crate::generate::{self, Format};
use crate::workbook::columns::{REQUESTS, TASKS};
use crate::workbook::{self, Fatal, Keep, Workbook};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use calamine::Data;
use serde_json::{json, Value};

/// How a request to render is written, for messages.
const SHAPE: &str =
    r#"{"form":"工作联系函","format":"pdf","request":{"编号":"…","发函部门":"…",…},"tasks":[{"序号":1,…}]}"#;

/// What `/api/render` was asked for.
struct Asked {
    form: String,
    format: Format,
    to: Option<String>,
    /// (header, value) of the request, in the order sent.
    request: Vec<(String, Value)>,
    /// Each task's (header, value).
    tasks: Vec<Vec<(String, Value)>>,
}

fn bad(message: impl Into<String>) -> ApiError {
    ApiError::bad_request(message)
}

fn fields(value: &Value, what: &str) -> Result<Vec<(String, Value)>, ApiError> {
    match value {
        Value::Object(map) => Ok(map.iter().map(|(k, v)| (k.clone(), v.clone())).collect()),
        _ => Err(bad(format!("{what} 应是一个 JSON 对象（列名 → 值）；请求应写作 {SHAPE}"))),
    }
}

/// The body and query string read as an [`Asked`]; 400 for what is not written as [`SHAPE`].
fn asked(body: &[u8], query: Vec<(String, String)>) -> Result<Asked, ApiError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        bad(format!("请求内容不是有效的 JSON（第 {} 行第 {} 列附近）；请求应写作 {SHAPE}", e.line(), e.column()))
    })?;
    let Value::Object(mut body) = value else {
        return Err(bad(format!("请求内容应是一个 JSON 对象；请求应写作 {SHAPE}")));
    };
    if let Some(key) = body.keys().find(|k| !["form", "format", "to", "request", "tasks"].contains(&k.as_str())) {
        return Err(bad(format!("请求中没有“{key}”这一项；可用：form、format、to、request、tasks，如 {SHAPE}")));
    }
    let mut option = |name: &str| -> Result<Option<String>, ApiError> {
        let in_query = query.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        match body.remove(name) {
            None | Some(Value::Null) => Ok(in_query),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(bad(format!("“{name}”应是文字，如 \"{name}\": \"…\""))),
        }
    };
    if let Some((key, _)) = query.iter().find(|(k, _)| !["form", "format", "to"].contains(&k.as_str())) {
        return Err(bad(format!("网址中没有参数“{key}”；可用：form、format、to")));
    }
    let form = option("form")?.unwrap_or_else(|| "letter".into());
    let format_name = option("format")?.unwrap_or_else(|| "pdf".into());
    let format = Format::from_name(&format_name)
        .ok_or_else(|| ApiError::unprocessable(format!("没有“{format_name}”这种格式；可用：pdf、docx、ofd")))?;
    let to = option("to")?.filter(|t| !t.trim().is_empty());
    let request = fields(
        body.get("request").ok_or_else(|| bad(format!("缺少 request（这条需求的各列）；请求应写作 {SHAPE}")))?,
        "request",
    )?;
    let tasks = match body.get("tasks") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(list)) => list.iter().map(|t| fields(t, "tasks 中的每一项")).collect::<Result<_, _>>()?,
        Some(_) => return Err(bad(format!("tasks 应是一个数组，每项是一条任务；请求应写作 {SHAPE}"))),
    };
    Ok(Asked { form, format, to, request, tasks })
}

/// A sent value as the cell a workbook would hold: text, a number, a boolean, or empty; a
/// list (收函部门, 附件 …) as the text `甲、乙`.
fn cell(header: &str, value: &Value) -> Result<Data, ApiError> {
    let scalar = |v: &Value| -> Option<String> {
        match v {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    };
    Ok(match value {
        Value::Null => Data::Empty,
        Value::String(s) => Data::String(s.clone()),
        Value::Bool(b) => Data::Bool(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Data::Int(i),
            None => Data::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::Array(items) => Data::String(
            items
                .iter()
                .map(|v| scalar(v).ok_or(()))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|_| bad(format!("“{header}”的列表中只能有文字或数字")))?
                .join("、"),
        ),
        Value::Object(_) => return Err(bad(format!("“{header}”的值不能是对象；应是文字、数字或文字的列表"))),
    })
}

/// A sheet as `workbook::read_cells` takes it: its name and its rows of cells.
type CellSheet = (String, Vec<Vec<Data>>);

/// A sheet of one header row and a row per record, the headers in order of first use.
fn sheet(name: &str, records: &[Vec<(String, Value)>]) -> Result<(Vec<String>, CellSheet), ApiError> {
    let mut headers: Vec<String> = Vec::new();
    for record in records {
        for (h, _) in record {
            if !headers.contains(h) {
                headers.push(h.clone());
            }
        }
    }
    let mut rows = vec![headers.iter().map(|h| Data::String(h.clone())).collect::<Vec<_>>()];
    for record in records {
        let mut row = vec![Data::Empty; headers.len()];
        for (h, v) in record {
            let at = headers.iter().position(|x| x == h).expect("every header listed");
            row[at] = cell(h, v)?;
        }
        rows.push(row);
    }
    Ok((headers, (name.to_string(), rows)))
}

/// 0-based column of a cell reference's letters (`D7` → 3).
fn column_of(cell: &str) -> Option<usize> {
    let letters: String = cell.chars().take_while(|c| c.is_ascii_uppercase()).collect();
    if letters.is_empty() {
        return None;
    }
    Some(letters.bytes().fold(0usize, |n, b| n * 26 + (b - b'A' + 1) as usize) - 1)
}

/// 1-based row of a cell reference (`D7` → 7).
fn row_of(cell: &str) -> Option<usize> {
    cell.trim_start_matches(|c: char| c.is_ascii_uppercase()).parse().ok()
}

/// The workbook's problems told by field: `{severity, field, message}`, with `task` (0-based,
/// in the order sent) for a task's.
fn problems(wb: &Workbook, request_headers: &[String], task_headers: &[String]) -> Vec<Value> {
    wb.problems
        .iter()
        .map(|p| {
            let cell = p.cell.as_deref().unwrap_or_default();
            let is_task = p.sheet == TASKS.name;
            let headers = if is_task { task_headers } else { request_headers };
            let field = column_of(cell).and_then(|c| headers.get(c)).cloned();
            let mut v = json!({
                "severity": if p.is_error() { "error" } else { "warning" },
                "field": field,
                "message": p.message,
            });
            if let (true, Some(row)) = (is_task, row_of(cell)) {
                v["task"] = json!(row.saturating_sub(2));
            }
            v
        })
        .collect()
}

/// A failure to read the values: a required column missing is said of the fields sent.
fn fatal(fatal: Fatal) -> ApiError {
    match fatal {
        Fatal::MissingColumns { sheet, columns, .. } => {
            let what = if sheet == TASKS.name { "tasks 中的任务" } else { "request" };
            let list: Vec<String> = columns.iter().map(|(h, a)| format!("“{h}”（英文名 {a}）")).collect();
            ApiError::unprocessable(format!("{what} 缺少必填项{}；请补上后重试", list.join("、")))
        }
        Fatal::EmptySheet { .. } => ApiError::unprocessable(format!("request 中没有任何一列；请求应写作 {SHAPE}")),
        other => unreadable(other, true),
    }
}

/// `POST /api/render`: one document of one request, its bytes as the response.
pub async fn render(State(state): State<Shared>, request: Request) -> Result<Response, ApiError> {
    let query = upload::query(&request)?;
    let (_, body) = upload::body(request, state.max_upload).await?;
    if body.len() as u64 > state.max_upload {
        return Err(ApiError::too_large(state.max_upload));
    }
    let asked = asked(&body, query)?;
    let key = forms_named(&[asked.form.as_str()], &state.forms)?.remove(0);
    let form = state.forms.iter().find(|f| f.key == key).expect("a named form").clone();
    let format = asked.format;
    let (bytes, file, pages) = guard::job(&state, move |_| make(form, asked)).await?;
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(format.media_type()));
    headers.insert(header::CONTENT_DISPOSITION, super::api::attachment(&file, &format!("document.{}", format.ext())));
    if let Some(pages) = pages {
        headers.insert("x-gongwen-pages", HeaderValue::from(pages));
    }
    Ok(response)
}

/// Check the values, make the one document: (bytes, file name, pages of a PDF or OFD).
fn make(form: Form, mut asked: Asked) -> Result<(Vec<u8>, String, Option<usize>), ApiError> {
    // A task without its own 编号 belongs to the request sent with it.
    let id = asked.request.iter().find(|(h, _)| REQUESTS.column_for_header(h) == Some(0)).map(|(_, v)| v.clone());
    if let Some(id) = id {
        for task in &mut asked.tasks {
            if !task.iter().any(|(h, _)| TASKS.column_for_header(h) == Some(0)) {
                task.insert(0, (TASKS.columns[0].header.to_string(), id.clone()));
            }
        }
    }
    let (request_headers, requests) = sheet(REQUESTS.name, std::slice::from_ref(&asked.request))?;
    let mut sheets = vec![requests];
    let mut task_headers = Vec::new();
    if !asked.tasks.is_empty() {
        let (headers, tasks) = sheet(TASKS.name, &asked.tasks)?;
        task_headers = headers;
        sheets.push(tasks);
    }
    let wb = workbook::read_cells("请求", sheets, &form.sheets, Keep::Rows).map_err(fatal)?;
    let found = problems(&wb, &request_headers, &task_headers);
    let unmade = |message: String| ApiError::unprocessable(message).with("problems", Value::from(found.clone()));
    if let Some(rejected) = wb.rejected.first() {
        let n = rejected.reasons.len();
        let reasons = rejected.reasons.join("；");
        return Err(unmade(if n == 1 { reasons } else { format!("这条需求有 {n} 处错误：{reasons}") }));
    }
    let choice = choice::for_workbook(vec![form], true, &wb);
    if let Some(said) = choice.said.iter().find(|s| s.starts_with("错误：")) {
        return Err(unmade(said.clone()));
    }
    if let Some(missing) = choice.missing.first() {
        return Err(unmade(missing.to_string()));
    }
    let formats = [asked.format];
    generate::with_jobs(&wb, &choice.forms, &formats, |jobs, skipped| {
        let per_receiver = choice.forms.first().is_some_and(|f| f.per == Per::Receiver);
        let to = asked.to.as_deref().filter(|_| per_receiver);
        let chosen: Vec<_> = jobs.iter().filter(|j| to.is_none_or(|to| j.to_dept == to)).collect();
        let job = match chosen.as_slice() {
            [one] => *one,
            [] if !jobs.is_empty() => {
                let depts: Vec<&str> = jobs.iter().map(|j| j.to_dept.as_str()).collect();
                return Err(unmade(format!(
                    "收函部门中没有“{}”；这条需求的收函部门：{}",
                    to.unwrap_or_default(),
                    depts.join("、")
                )));
            }
            [] => {
                let why = skipped.first().map_or_else(|| "没有可生成的文件".to_string(), |s| s.note.clone());
                return Err(unmade(why));
            }
            many => {
                let depts: Vec<&str> = many.iter().map(|j| j.to_dept.as_str()).collect();
                return Err(unmade(format!(
                    "这条需求有 {} 个收函部门（{}），会生成 {} 份{}；请用 to 指定其中一个，如 \"to\": \"{}\"",
                    many.len(),
                    depts.join("、"),
                    many.len(),
                    many[0].form.name,
                    depts[0]
                )));
            }
        };
        let file = job.file_name(asked.format).unwrap_or("document").to_string();
        let mut rendered = generate::render(job.form, &job.source(), &formats, &Default::default());
        let (_, bytes, pages) = rendered.pop().expect("one format asked");
        let bytes = bytes.map_err(|e| unmade(e.to_string()))?;
        Ok((bytes, file, pages.filter(|_| asked.format.laid_out())))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_references_name_their_column_and_row() {
        assert_eq!(column_of("A2"), Some(0));
        assert_eq!(column_of("D7"), Some(3));
        assert_eq!(column_of("AA12"), Some(26));
        assert_eq!(row_of("AA12"), Some(12));
        assert_eq!(column_of(""), None);
    }

    #[test]
    fn values_become_the_cells_a_workbook_holds() {
        assert_eq!(cell("x", &json!("2026-03-05")).unwrap(), Data::String("2026-03-05".into()));
        assert_eq!(cell("x", &json!(13800000000u64)).unwrap(), Data::Int(13800000000));
        assert_eq!(cell("x", &json!(["办公室", "财务部"])).unwrap(), Data::String("办公室、财务部".into()));
        assert_eq!(cell("x", &Value::Null).unwrap(), Data::Empty);
        assert!(cell("收函部门", &json!({"a": 1})).unwrap_err().message.contains("不能是对象"));
    }
}
