//! `gongwen preview`: one document's pages as PNG images, without poppler — for a look before
//! a batch and for the README's pictures (samples/make-pictures.sh). It takes the way
//! `generate` does — the forms loaded, the workbook read and checked, the rows read again with
//! their seals and child rows (`generate::visit_documents`), the document found (`find`) and
//! laid out — and hands the pages to `raster` instead of `pdf`. Nothing else is written.
//!
//! Exit status: 0 the images were written; 1 the chosen row has problems (they are listed);
//! 2 cannot run (bad option, no such row, page or form, unreadable workbook, unwritable file).

use super::cannot_run;
use gongwen::forms::Form;
use gongwen::oserror::reason_writing;
use gongwen::{find, layout, raster, workbook};
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
    let wanted = find::Wanted { id: args.id.clone(), row: args.row, to: args.to.clone() };
    let found = match find::document(&wb, &form, &wanted) {
        Ok(found) => found,
        Err(not) if not.row_has_errors => {
            eprintln!("错误：{}", not.message);
            return ExitCode::from(1);
        }
        Err(not) => return cannot_run(not.message),
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
