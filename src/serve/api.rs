//! The workbook endpoints and the forms list: `POST /api/check` (a workbook's problems, each
//! on its cell, as `gongwen check` lists them), `POST /api/generate` (a workbook made into a
//! zip of its documents and manifest, as `gongwen generate` makes the folder) and
//! `GET /api/forms` (the forms and the columns they read).

use super::guard::{self, ApiError};
use super::upload::{self, Upload};
use super::Shared;
use crate::forms::{choice, Form, Per};
use crate::generate::{self, Format};
use crate::output::OutDir;
use crate::workbook::columns::{self, Column, Sheet};
use crate::workbook::{self, Fatal, Keep, Workbook};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use std::io::{Seek, Write};

/// A workbook that cannot be read: 415 when it is not a workbook at all (a picture, a PDF, a
/// text file), 422 when it is one that cannot be used (damaged, over the bounds, a sheet or
/// column missing). The message is the command line's.
pub(super) fn unreadable(fatal: Fatal, claims_workbook: bool) -> ApiError {
    let status = match &fatal {
        Fatal::Unreadable { .. } | Fatal::Unsupported { .. } if !claims_workbook => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    ApiError::new(status, fatal.to_string())
}

/// Read an uploaded workbook with the sheets `forms` declare, as the command line reads a file.
fn read(upload: Upload, forms: &[Form], how: impl Into<workbook::Reading>) -> Result<Workbook, ApiError> {
    let claims = workbook::claims_workbook(&upload.bytes);
    let sheets: Vec<_> = forms.iter().flat_map(|f| f.sheets.iter().copied()).collect();
    workbook::read_upload(&upload.name, upload.bytes, &sheets, how).map_err(|f| unreadable(f, claims))
}

/// What `gongwen check` says of a workbook, as JSON.
fn report(name: &str, wb: &Workbook) -> Value {
    let problems: Vec<Value> = wb
        .problems
        .iter()
        .map(|p| {
            json!({
                "severity": if p.is_error() { "error" } else { "warning" },
                "sheet": p.sheet,
                "cell": p.cell,
                "message": p.message,
                "text": p.to_string(),
            })
        })
        .collect();
    let rejected: Vec<Value> =
        wb.rejected.iter().map(|r| json!({"row": r.row, "id": r.id, "reasons": r.reasons})).collect();
    json!({
        "workbook": name,
        "ok": wb.error_count() == 0,
        "summary": wb.summary(),
        "requests": wb.valid.len(),
        "tasks": wb.task_count,
        "errors": wb.error_count(),
        "warnings": wb.warning_count(),
        "problems": problems,
        "unlisted": wb.unlisted_line(),
        "rejected": rejected,
    })
}

/// `POST /api/check`: the workbook's problems, each with its sheet and cell.
/// With `cells=true`, also every sheet's cells as text (`sheets`), for the workbench's grid.
pub async fn check(State(state): State<Shared>, request: Request) -> Result<Json<Value>, ApiError> {
    let upload = upload::workbook(&state, request).await?;
    if let Some((name, _)) = upload.fields.iter().find(|(n, _)| n != "cells") {
        return Err(ApiError::bad_request(format!(
            "/api/check 没有参数“{name}”；只需发送工作簿（可加 cells=true 取回各单元格）"
        )));
    }
    let cells = flag(&upload, "cells")?;
    let all = state.forms.clone();
    guard::job(&state, move |_| {
        let name = upload.name.clone();
        let bytes = if cells { Some(upload.bytes.clone()) } else { None };
        // The workbench is shown what a generation of every form would say.
        let wb = read(upload, if cells { &all } else { &[] }, Keep::Index)?;
        let mut report = report(&name, &wb);
        if let Some(bytes) = bytes {
            let sheets = workbook::view::sheets(&name, bytes).map_err(|f| unreadable(f, true))?;
            report["sheets"] = sheets
                .into_iter()
                .map(|s| {
                    let rows: Vec<Value> =
                        s.rows.into_iter().map(|(row, cells)| json!({"row": row, "cells": cells})).collect();
                    json!({"name": s.name, "rows": rows, "more_rows": s.more_rows})
                })
                .collect();
            report["request_sheet"] = Value::from(wb.request_sheet.clone());
            report["senders"] = Value::from(wb.senders.clone());
            report["valid"] = wb.valid.iter().map(|(row0, id)| json!({"row": row0 + 1, "id": &**id})).collect();
            // The forms a run without --forms would make of this workbook.
            report["forms"] =
                choice::for_workbook(all, false, &wb).forms.iter().map(|f| Value::from(f.key.clone())).collect();
        }
        Ok(Json(report))
    })
    .await
}

/// A yes/no option (`bundle=true`); absent is no.
pub(super) fn flag(upload: &Upload, name: &str) -> Result<bool, ApiError> {
    match upload.values(name).last().map(|v| v.trim().to_ascii_lowercase()) {
        None => Ok(false),
        Some(v) if ["", "1", "true", "yes", "on", "是"].contains(&v.as_str()) => Ok(true),
        Some(v) if ["0", "false", "no", "off", "否"].contains(&v.as_str()) => Ok(false),
        Some(v) => Err(ApiError::bad_request(format!("{name} 的值“{v}”不对：应为 true 或 false"))),
    }
}

/// What a generation was asked for.
pub(super) struct Asked {
    /// The forms named (`None`: every form the workbook can make, as the command line's default).
    forms: Option<Vec<String>>,
    formats: Vec<Format>,
    bundle: bool,
    packet: bool,
    /// How the writers write (`pdf_standard=a-2b`: PDF/A).
    writing: generate::Writing,
    /// The rows chosen (`rows=3,5-9`), as ranges of sheet rows; with `ids`, none: every row.
    rows: Vec<(u32, u32)>,
    ids: Vec<String>,
}

/// The options of `/api/generate`: `forms`, `formats`, `bundle`, `packet`, `rows`, `id`,
/// `pdf_standard` (each as the command line's `--forms`, `--format`, `--bundle`, `--packet`,
/// `--rows`, `--id`, `--pdf-standard`).
pub(super) fn asked(upload: &Upload, all: &[Form]) -> Result<Asked, ApiError> {
    const OPTIONS: [&str; 10] =
        ["forms", "form", "formats", "format", "bundle", "packet", "rows", "id", "ids", "pdf_standard"];
    for (name, _) in &upload.fields {
        if !OPTIONS.contains(&name.as_str()) {
            return Err(ApiError::bad_request(format!(
                "没有参数“{name}”；可用：forms（表单）、formats（格式）、bundle（打印合集）、packet（每条需求一份合订本）、\
                 rows（行号，如 3,5-9）、id（编号）、pdf_standard（PDF/A：a-2b、a-2a、a-3b），印章用 seal:发函部门 字段上传"
            )));
        }
    }
    let listed = |a: &'static str, b: &'static str| -> Vec<&str> {
        choice::items(upload.values(a).chain(upload.values(b))).collect()
    };
    let names = listed("forms", "form");
    let forms = match names.is_empty() {
        true => None,
        false => Some(forms_named(&names, all)?),
    };
    let names = listed("formats", "format");
    let mut formats = Vec::new();
    for name in if names.is_empty() { vec!["docx", "pdf"] } else { names } {
        formats.push(Format::from_name(name).ok_or_else(|| {
            ApiError::unprocessable(format!(
                "没有“{name}”这种格式；可用：docx、pdf、ofd，如 formats=pdf 或 formats=docx,pdf"
            ))
        })?);
    }
    formats.sort();
    formats.dedup();
    let mut rows = Vec::new();
    for text in upload.values("rows").filter(|t| !t.trim().is_empty()) {
        rows.extend(workbook::rows_chosen(text).map_err(|e| ApiError::bad_request(format!("rows “{text}”：{e}")))?);
    }
    let ids: Vec<String> = upload
        .values("id")
        .chain(upload.values("ids"))
        .flat_map(|v| choice::items(std::iter::once(v)))
        .map(String::from)
        .collect();
    let packet = flag(upload, "packet")?;
    // A packet is drawn from laid-out pages (`bundle::formats`): a .docx-only request also gets
    // the PDFs a packet is made of.
    if packet && !formats.iter().any(|f| f.laid_out()) {
        formats.push(Format::Pdf);
    }
    let pdf = match upload.values("pdf_standard").last().map(str::trim).filter(|v| !v.is_empty()) {
        None => crate::pdf::Standard::Plain,
        Some(name) => crate::pdf::Standard::from_name(name).ok_or_else(|| {
            ApiError::bad_request(format!(
                "没有“{name}”这种 PDF 标准；可用：a-2b、a-2a、a-3b（PDF/A），如 pdf_standard=a-2b"
            ))
        })?,
    };
    let writing = generate::Writing { pdf, ..Default::default() };
    Ok(Asked { forms, formats, bundle: flag(upload, "bundle")?, packet, writing, rows, ids })
}

/// The keys of the forms `names` mean; an unknown name is 422 with the forms one can ask for.
pub(super) fn forms_named(names: &[&str], all: &[Form]) -> Result<Vec<String>, ApiError> {
    choice::pick(names.iter().copied(), all).map_err(|name| {
        ApiError::unprocessable(format!("没有“{name}”这种表单；可用：{}", choice::known(all)))
            .with("forms", Value::from(all.iter().map(|f| f.key.clone()).collect::<Vec<_>>()))
    })
}

/// `POST /api/generate`: the documents of a workbook's valid rows and the manifest, as a zip.
pub async fn generate(State(state): State<Shared>, request: Request) -> Result<Response, ApiError> {
    let upload = upload::workbook(&state, request).await?;
    let asked = asked(&upload, &state.forms)?;
    let shared = state.clone();
    let (zip, files) = guard::job(&state, move |stop| make_zip(&shared, upload, asked, stop, &generate::Quiet)).await?;
    Ok(zip_response(zip, files))
}

/// A made zip (a file at its start) as the download `公文.zip`, streamed, with how many files
/// it holds (`X-Gongwen-Files`): `/api/generate`'s answer and a followed job's download.
pub(super) fn zip_response(zip: std::fs::File, files: usize) -> Response {
    let stream = tokio_util::io::ReaderStream::new(tokio::fs::File::from_std(zip));
    let mut response = Body::from_stream(stream).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/zip"));
    headers.insert(header::CONTENT_DISPOSITION, attachment("公文.zip", "gongwen.zip"));
    headers.insert("x-gongwen-files", HeaderValue::from(files));
    response
}

/// Make the documents into a temporary folder, as `gongwen generate` makes its folder, and
/// pack them into a zip in a file that has no name on disk; the folder is removed before
/// this returns. The zip (at its start) and how many files it holds.
pub(super) fn make_zip(
    state: &super::State,
    mut upload: Upload,
    asked: Asked,
    stop: &generate::Stop,
    progress: &(dyn generate::Progress + Sync),
) -> Result<(std::fs::File, usize), ApiError> {
    let chosen: Vec<Form> = match &asked.forms {
        Some(keys) => state.forms.iter().filter(|f| keys.contains(&f.key)).cloned().collect(),
        None => state.forms.clone(),
    };
    let name = upload.name.clone();
    let seals = std::mem::take(&mut upload.seals);
    let how = workbook::Reading { keep: Keep::Index, glyphs: asked.writing.glyphs(&asked.formats) };
    let mut wb = read(upload, &chosen, how)?;
    apply_seals(&mut wb, seals)?;
    if !asked.rows.is_empty() || !asked.ids.is_empty() {
        let missing = wb.choose(&asked.rows, &asked.ids);
        if !missing.is_empty() {
            return Err(ApiError::unprocessable(missing.join("；")).with("check", report(&name, &wb)));
        }
    }
    let choice = choice::for_workbook(chosen, asked.forms.is_some(), &wb);
    if !choice.missing.is_empty() {
        let lines: Vec<String> = choice.missing.iter().map(|e| e.to_string()).collect();
        return Err(ApiError::unprocessable(lines.join("；")));
    }
    if choice.forms.is_empty() || wb.valid.is_empty() {
        let why = match choice.said.first() {
            Some(said) if choice.forms.is_empty() => said.trim_start_matches("错误：").to_string(),
            _ => format!("工作簿中没有可以生成的需求：{}", wb.summary()),
        };
        return Err(ApiError::unprocessable(why).with("check", report(&name, &wb)));
    }
    let failed = |e: std::io::Error| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!(
                "服务器无法写入临时文件（{}）；请联系管理员检查服务器的磁盘空间",
                crate::oserror::reason_writing(&e)
            ),
        )
    };
    let folder = tempfile::Builder::new().prefix("gongwen-serve-").tempdir().map_err(failed)?;
    let out = OutDir::open(&folder.path().join("out")).map_err(|_| failed(std::io::Error::other("output folder")))?;
    let options = generate::Options {
        formats: &asked.formats,
        jobs: state.threads,
        bundle: asked.bundle,
        packet: asked.packet,
        writing: asked.writing,
        clean: false,
        stop,
    };
    match generate::run(&wb, &choice.forms, &out, &options, progress) {
        Ok(report) if report.interrupted => return Err(ApiError::internal()),
        Ok(_) => {}
        Err(generate::RunError::Write(e)) => return Err(failed(e.error)),
        Err(generate::RunError::Reread(_)) => return Err(ApiError::internal()),
    }
    let mut names: Vec<String> = std::fs::read_dir(out.path())
        .map_err(failed)?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    let mut zip = zip::ZipWriter::new(tempfile::tempfile().map_err(failed)?);
    // Files dated as made (a zip's default is 1980), in local time as the zip format wants.
    let now = chrono::Local::now().naive_local();
    let made = {
        use chrono::{Datelike, Timelike};
        zip::DateTime::from_date_and_time(
            now.year().clamp(1980, 2107) as u16,
            now.month() as u8,
            now.day() as u8,
            now.hour() as u8,
            now.minute() as u8,
            now.second() as u8,
        )
        .unwrap_or_default()
    };
    for n in &names {
        // Documents are compressed already; the manifest is small.
        let method =
            if n.ends_with(".csv") { zip::CompressionMethod::Deflated } else { zip::CompressionMethod::Stored };
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(method)
            .large_file(true)
            .last_modified_time(made);
        zip.start_file(n.as_str(), options).map_err(|e| failed(std::io::Error::other(e)))?;
        let mut file = std::fs::File::open(out.path().join(n)).map_err(failed)?;
        std::io::copy(&mut file, &mut zip).map_err(failed)?;
    }
    let mut file = zip.finish().map_err(|e| failed(std::io::Error::other(e)))?;
    file.flush().map_err(failed)?;
    file.rewind().map_err(failed)?;
    drop(out);
    folder.close().map_err(failed)?;
    Ok((file, names.len()))
}

/// Print each department's uploaded seal (`seal:发函部门` fields) on its letters, at the
/// command line's default size. An image that is not a usable PNG is 422, naming it.
pub(super) fn apply_seals(wb: &mut Workbook, seals: Vec<(String, Vec<u8>)>) -> Result<(), ApiError> {
    if seals.is_empty() {
        return Ok(());
    }
    let loader = workbook::seal::SealLoader::without_files(workbook::DEFAULT_SEAL_MM);
    let mut by_dept = std::collections::HashMap::new();
    for (dept, bytes) in seals {
        let image = loader.from_png(&bytes, &format!("{dept} 的印章")).map_err(ApiError::unprocessable)?;
        by_dept.insert(dept, image);
    }
    wb.seal_rule = Some(std::sync::Arc::new(workbook::SealRule { by_dept, width_mm: workbook::DEFAULT_SEAL_MM }));
    Ok(())
}

/// `Content-Disposition` for a download named `name` (UTF-8, RFC 6266), `ascii` for clients
/// that read only the plain form.
pub(super) fn attachment(name: &str, ascii: &str) -> HeaderValue {
    HeaderValue::from_str(&format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{}", percent_encoded(name)))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"))
}

/// `text` as percent-encoded UTF-8 (RFC 3986's unreserved characters as they are), for a
/// header that carries Chinese: a page reads it with `decodeURIComponent`.
pub(super) fn percent_encoded(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn column<F>(c: &Column<F>) -> Value {
    let values: Vec<&str> = match c.kind {
        columns::Kind::Choice(values) => values.to_vec(),
        _ => Vec::new(),
    };
    json!({
        "header": c.header,
        "alias": c.alias,
        "kind": workbook::schema::kind_name(c.kind),
        "required": c.required,
        "values": values,
        "note": c.note,
    })
}

fn sheet<F>(s: &Sheet<F>) -> Value {
    let columns: Vec<Value> = s.columns.iter().map(column).chain(s.extra.iter().map(column)).collect();
    json!({"name": s.name, "alias": s.alias, "key": s.key, "note": s.note, "columns": columns})
}

/// `GET /api/forms`: each form (what to call it, the sheet it is made from, one per receiving
/// department or per row, the child sheet it lists) and every sheet's columns.
pub async fn forms(State(state): State<Shared>) -> Json<Value> {
    let forms: Vec<Value> = state
        .forms
        .iter()
        .map(|f| {
            json!({
                "key": f.key,
                "name": f.name,
                "aliases": f.aliases,
                "source": f.source,
                "per": match f.per { Per::Receiver => "receiver", Per::Row => "row" },
                "children": f.children.as_ref().map(|c| json!({
                    "sheet": c.sheet,
                    "empty": if c.skip_empty { "skip" } else { "blank" },
                    "optional": c.optional,
                })),
                "sheets": f.sheets.iter().map(|s| s.name).collect::<Vec<_>>(),
            })
        })
        .collect();
    let mut sheets = vec![sheet(&*columns::REQUESTS), sheet(&*columns::TASKS)];
    sheets.extend(columns::declared_sheets().iter().map(sheet));
    for f in &state.forms {
        sheets.extend(f.sheets.iter().map(|s| sheet(*s)));
    }
    Json(json!({"forms": forms, "sheets": sheets, "formats": ["docx", "pdf", "ofd"]}))
}
