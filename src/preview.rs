//! `gongwen preview`: one document's pages as PNG images, without poppler — for a look before
//! a batch and for the README's pictures (samples/make-pictures.sh). It takes the way
//! `generate` does — the forms loaded, the workbook read and checked, the rows read again with
//! their seals and child rows (`generate::visit_documents`), the document built, settled and
//! laid out — and hands the pages to `raster` instead of `pdf`. Nothing else is written.
//!
//! Exit status: 0 the images were written; 1 the chosen row has problems (they are listed);
//! 2 cannot run (bad option, no such row, page or form, unreadable workbook, unwritable file).

use super::cannot_run;
use gongwen::forms::{Form, Per, REQUESTS_SHEET};
use gongwen::generate::{self, Job};
use gongwen::model::Document;
use gongwen::oserror::reason_writing;
use gongwen::output::ManifestEntry;
use gongwen::{layout, raster, workbook};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// What `gongwen preview` was asked (src/cli.rs describes each option).
pub struct Args {
    pub workbook: PathBuf,
    pub form: String,
    pub id: Option<String>,
    pub row: Option<u32>,
    pub to: Option<String>,
    pub page: Option<usize>,
    pub dpi: f32,
    pub out: PathBuf,
    pub forms_dir: Option<PathBuf>,
    /// `--seal 部门=FILE.png`, printed at the default size, as `generate` prints them.
    pub seals: Vec<String>,
}

/// The document found for the options: what it is, and its pages to draw.
struct Found {
    /// `协作函〔2026〕3号 采购中心 工作联系函`, for the closing line.
    what: String,
    doc: Document,
    /// The receiving departments of the same request's other documents of this form.
    others: Vec<String>,
}

pub fn run(args: Args) -> ExitCode {
    // Refused before the workbook is read: nothing else depends on them.
    if let Err(e) = raster::check_dpi(args.dpi) {
        return cannot_run(format!("--dpi {}：{e}", args.dpi));
    }
    if args.out.is_dir() {
        return cannot_run(format!("-o {}：这是文件夹；-o 应写图片文件名，如 -o 预览.png", args.out.display()));
    }
    // `-o 预览` means 预览.png: a picture without its extension opens in nothing.
    let out = match args.out.extension() {
        Some(_) => args.out.clone(),
        None => args.out.with_extension("png"),
    };
    let all_forms = match gongwen::forms::load(args.forms_dir.as_deref()) {
        Ok(f) => f,
        Err(errs) => {
            for e in &errs {
                eprintln!("{e}");
            }
            return ExitCode::from(2);
        }
    };
    let form: Form = match super::cli::chosen_forms(std::slice::from_ref(&args.form), &all_forms) {
        Ok(keys) if keys.len() == 1 => all_forms.into_iter().find(|f| f.key == keys[0]).expect("chosen from these"),
        Ok(_) => return cannot_run(format!("--form {}：一次只能预览一种表单，如 --form 工作联系函", args.form)),
        Err(msg) => return cannot_run(msg.replacen("--forms", "--form", 1)),
    };
    let mut wb = match workbook::read_workbook_with(&args.workbook, &form.sheets, workbook::Keep::Index) {
        Ok(wb) => wb,
        Err(e) => return cannot_run(e),
    };
    if let Err(msg) = super::apply_seals(&mut wb, &args.seals, workbook::DEFAULT_SEAL_MM) {
        return cannot_run(msg);
    }
    if !wb.has_sheet(form.source) {
        return cannot_run(format!(
            "工作簿中没有“{}”工作表，不能预览{}；请加上这个工作表（gongwen template 写出的模板中有）",
            form.source, form.name
        ));
    }
    let missing = form.missing_columns(&wb);
    if !missing.is_empty() {
        for e in &missing {
            eprintln!("{e}");
        }
        return ExitCode::from(2);
    }
    // A chosen request row that cannot be made: its own problems, as `check` words them.
    let rejected = wb.rejected.iter().find(|r| match (&args.id, args.row) {
        (Some(id), _) => r.id.as_deref() == Some(id.as_str()),
        (None, Some(row)) => form.source == REQUESTS_SHEET && r.row == row,
        (None, None) => false,
    });
    if let Some(r) = rejected {
        eprintln!(
            "错误：{}第 {} 行{}有错误，不能预览：{}；请改正后再预览（gongwen check 列出全部问题）",
            wb.request_sheet,
            r.row,
            r.id.as_deref().map(|id| format!("（{id}）")).unwrap_or_default(),
            r.reasons.join("；")
        );
        return ExitCode::from(1);
    }
    let found = match find(&wb, &form, &args) {
        Ok(found) => found,
        Err(code) => return code,
    };
    if !found.others.is_empty() && args.to.is_none() {
        eprintln!("此需求的{}还有给 {} 的，预览的是第一份；用 --to 收函部门 选择", form.name, found.others.join("、"));
    }
    let laid = layout::layout(&found.doc);
    let pages: Vec<usize> = match args.page {
        Some(page) => vec![page],
        None => (1..=laid.pages.len()).collect(),
    };
    let mut written = Vec::new();
    for &page in &pages {
        let png = match raster::page_png(&laid, page, args.dpi) {
            Ok(png) => png,
            Err(e) => return cannot_run(format!("{}：{e}", found.what)),
        };
        let path = if args.page.is_some() { out.clone() } else { numbered(&out, page) };
        if let Err(e) = write_whole(&path, &png) {
            return cannot_run(e);
        }
        written.push(path.display().to_string());
    }
    eprintln!("已写出 {}（{}，共 {} 页，{} dpi）", written.join("、"), found.what, laid.pages.len(), args.dpi);
    ExitCode::SUCCESS
}

/// The document the options choose: the first the run would make that matches `--id`,
/// `--row` and `--to`. `Err` has said why there is none (exit 1 when the row's own data keeps
/// it from being made, 2 when no such row or department exists).
fn find(wb: &workbook::Workbook, form: &Form, args: &Args) -> Result<Found, ExitCode> {
    let of_request = |job: &Job| match (&args.id, args.row) {
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
        let chosen = args.to.as_deref().is_none_or(|to| job.to_dept == to);
        match &mut found {
            Some(f) => f.others.push(job.to_dept.clone()),
            None if chosen => {
                let doc = layout::settle(&form.build_from(&job.source()));
                // A form made once per request names no one receiver.
                let to = match form.per {
                    Per::Receiver => format!(" {}", job.to_dept),
                    Per::Row => String::new(),
                };
                found = Some(Found { what: format!("{}{to} {}", job.request.id, form.name), doc, others: Vec::new() });
            }
            None => depts.push(job.to_dept.clone()),
        }
        true
    };
    let mut not_made: Vec<ManifestEntry> = Vec::new();
    let read = generate::visit_documents(wb, std::slice::from_ref(form), &mut visit, &mut |line| not_made.push(line));
    if let Err(e) = read {
        return Err(cannot_run(e));
    }
    if let Some(found) = found {
        return Ok(found);
    }
    // Why nothing was found, in the words a clerk can act on.
    let wanted = |id: &str| args.id.as_deref().is_none_or(|want| want == id);
    if let Some(line) = not_made.iter().find(|l| wanted(&l.id) && args.row.is_none()) {
        eprintln!("错误：{}（{}）：{}", line.id, line.source, line.note);
        return Err(ExitCode::from(1));
    }
    Err(cannot_run(match (&args.id, args.row, &request_seen, &args.to) {
        (_, _, Some(id), Some(to)) => {
            format!("{id} 的{}中没有给“{to}”的一份；收函部门有：{}", form.name, depts.join("、"))
        }
        (Some(id), _, None, _) if wb.valid.iter().any(|(_, v)| **v == **id) => {
            format!("{id} 没有{}可预览（{}表中没有它的行）", form.name, form.source)
        }
        (Some(id), _, None, _) => format!("工作簿中没有编号为“{id}”的协作需求；请检查 --id（编号要与表中完全一致）"),
        (None, Some(row), None, _) => format!(
            "{}表第 {row} 行没有可预览的{}：该行不是一条能生成的数据（gongwen check 列出问题）",
            form.source, form.name
        ),
        _ => format!("工作簿中没有能生成{}的数据（gongwen check 列出问题）", form.name),
    }))
}

/// `预览.png` → `预览-3.png` for page 3 (`预览` → `预览-3`): each page's own file.
fn numbered(out: &Path, page: usize) -> PathBuf {
    let stem = out.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let name = match out.extension() {
        Some(ext) => format!("{stem}-{page}.{}", ext.to_string_lossy()),
        None => format!("{stem}-{page}"),
    };
    out.with_file_name(name)
}

/// Write `bytes` to `path` whole or not at all: into a temporary file beside it, renamed over
/// it when complete (an image viewer open on the old preview never sees half a file).
fn write_whole(path: &Path, bytes: &[u8]) -> Result<(), String> {
    use std::io::Write;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if path.is_dir() {
        return Err(format!("{} 是文件夹；-o 应写图片文件名，如 -o 预览.png", path.display()));
    }
    if !dir.is_dir() {
        return Err(format!("无法写入 {}：文件夹 {} 不存在", path.display(), dir.display()));
    }
    let failed = |e: std::io::Error| format!("无法写入 {}：{}", path.display(), reason_writing(&e));
    let mut tmp =
        tempfile::Builder::new().prefix(".gongwen-preview-").suffix(".tmp").tempfile_in(dir).map_err(failed)?;
    tmp.write_all(bytes).map_err(failed)?;
    tmp.persist(path).map_err(|e| failed(e.error))?;
    Ok(())
}
