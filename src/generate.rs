//! The generation run: from a read workbook and the chosen forms to files in the output
//! folder, in parallel, one document at a time per thread (nothing is held for the whole
//! batch but the manifest lines), the manifest rewritten at checkpoints (`output::record`).
//!
//! A run never ends half-way through a file: a document whose writer fails or panics becomes a
//! 未生成 line and the others are made; Ctrl-C (or SIGTERM) stops handing out documents, lets
//! those being written finish and leaves the manifest describing the folder; a write that
//! fails for the whole folder (disk full, read-only) stops the run the same way.

use crate::bundle::{Packet, PACKET_FORM};
use crate::docx::DocxOptions;
use crate::forms::{Form, Per, Source, REQUESTS_SHEET};
use crate::model::RenderError;
use crate::oserror::reason_writing;
use crate::output::record::{Stale, MADE, NOT_MADE};
use crate::output::{folder_wide, ManifestEntry, NameBook, OutDir, Record, MANIFEST_NAME};
use crate::request::{Fields, Request, SheetRow, Task};
use crate::workbook::{Fatal, Workbook};
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    Docx,
    Pdf,
    /// GB/T 33190 版式文档, from the same laid-out pages as the PDF.
    Ofd,
}

impl Format {
    pub fn ext(self) -> &'static str {
        match self {
            Format::Docx => "docx",
            Format::Pdf => "pdf",
            Format::Ofd => "ofd",
        }
    }

    /// The format a user means by `name`: `docx` / `pdf` / `ofd` in any case, with or without
    /// the dot (`.PDF`); `word` is docx.
    pub fn from_name(name: &str) -> Option<Format> {
        match name.trim().trim_start_matches('.').to_ascii_lowercase().as_str() {
            "docx" | "word" => Some(Format::Docx),
            "pdf" => Some(Format::Pdf),
            "ofd" => Some(Format::Ofd),
            _ => None,
        }
    }

    /// The media type of a file of this format.
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Format::Pdf => "application/pdf",
            Format::Ofd => "application/ofd",
        }
    }

    /// Is this format written from `layout`'s pages (and so has a page count)?
    pub fn laid_out(self) -> bool {
        matches!(self, Format::Pdf | Format::Ofd)
    }

    /// Every format, in the order the formats list (`--help`, the API's `formats`) names them.
    pub const ALL: [Format; 3] = [Format::Docx, Format::Pdf, Format::Ofd];
}

/// Told how the run goes (a progress bar on a terminal; nothing otherwise).
pub trait Progress {
    fn start(&self, _documents: usize) {}
    fn done(&self) {}
}

/// No progress reporting.
pub struct Quiet;
impl Progress for Quiet {}

/// Most worker threads a run uses, whatever `--jobs` asks: more only add memory (each holds a
/// document's layout and bytes) and cannot speed up a machine with fewer cores.
pub const MAX_JOBS: usize = 64;

/// The thread count for `--jobs` (`None`: one per core), within 1..=[`MAX_JOBS`].
pub fn thread_count(asked: Option<usize>) -> usize {
    asked.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())).clamp(1, MAX_JOBS)
}

/// Asks a run to stop: set by Ctrl-C / SIGTERM ([`Stop::on_signals`]). A run that sees it hands
/// out no more documents, lets those being written finish, writes the manifest and returns a
/// report with `interrupted` set.
#[derive(Clone, Default)]
pub struct Stop(Arc<AtomicBool>);

impl Stop {
    /// A stop that only [`Stop::request`] sets.
    pub fn new() -> Stop {
        Stop::default()
    }

    /// A stop set by the first SIGINT or SIGTERM. A second one ends the process at once
    /// (status 130): a user pressing Ctrl-C again does not want to wait; the temporary files
    /// that leaves are deleted by the next run into the folder.
    pub fn on_signals() -> Stop {
        let stop = Stop::new();
        for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
            // The shutdown is registered first so it only fires once the flag is already set.
            // Should registering fail, the signal keeps its default action: the process ends,
            // no file under its final name is incomplete, and the next run sweeps the rest.
            let _ = signal_hook::flag::register_conditional_shutdown(signal, 130, Arc::clone(&stop.0));
            let _ = signal_hook::flag::register(signal, Arc::clone(&stop.0));
        }
        stop
    }

    pub fn request(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn requested(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// How a run is made.
#[derive(Clone, Copy)]
pub struct Options<'a> {
    pub formats: &'a [Format],
    /// Worker threads (see [`thread_count`]).
    pub jobs: usize,
    /// Also write the print bundles of `bundle::write_bundles`.
    pub bundle: bool,
    /// Also write one file per request holding all its documents (`bundle::Packet`), in the
    /// bundles' formats (`bundle::formats`).
    pub packet: bool,
    /// How the writers write: the .docx's fonts, the PDF's standard.
    pub writing: Writing,
    /// Remove the earlier run's files this run does not make (`--clean`, see `output::record`).
    pub clean: bool,
    pub stop: &'a Stop,
}

/// How each writer writes, beyond the format: the .docx with its fonts embedded or not
/// (`--no-embed-fonts`), the PDF plain or PDF/A (`--pdf-standard`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Writing {
    pub docx: DocxOptions,
    pub pdf: crate::pdf::Standard,
}

impl Writing {
    /// How the workbook is read for a run making `formats`: a PDF/A file may not print 〓 for
    /// a character no font has, so making PDF/A such a cell is an error; else a stand-in.
    pub fn glyphs(&self, formats: &[Format]) -> crate::workbook::Glyphs {
        match self.pdf.is_archival() && formats.contains(&Format::Pdf) {
            true => crate::workbook::Glyphs::Refuse,
            false => crate::workbook::Glyphs::StandIn,
        }
    }
}

/// One document to make: a form applied to a row of its source sheet (and one receiving
/// department), with the child rows it prints.
pub struct Job<'a> {
    pub form: &'a Form,
    pub request: &'a Request,
    /// The source row when the form's source is not 协作需求.
    pub row: Option<&'a SheetRow>,
    pub to_dept: String,
    pub children: Vec<&'a (dyn Fields + Sync)>,
    /// Where the row is, for the manifest: `协作需求!A7`, `沟通记录!A5`.
    pub place: String,
    /// File names per format, decided up front so they are unique and independent of threads.
    names: Vec<(Format, String)>,
}

impl Job<'_> {
    /// What the form builds the document from.
    pub fn source(&self) -> Source<'_> {
        Source { request: self.request, row: self.row, to_dept: &self.to_dept, children: self.children.clone() }
    }
}

/// What a run produced.
pub struct Report {
    pub manifest: PathBuf,
    /// Files written per (form name, format).
    pub counts: Vec<(String, Format, usize)>,
    /// The 未生成 lines of files whose writer failed or that could not be written (说明 has
    /// the file name and the reason).
    pub failed: Vec<ManifestEntry>,
    /// Stopped by [`Stop`] before every document was made.
    pub interrupted: bool,
    /// The earlier run's files this run does not make (empty when interrupted: not decided).
    pub stale: Stale,
}

impl Report {
    /// Files written in all.
    pub fn files(&self) -> usize {
        self.counts.iter().map(|c| c.2).sum()
    }

    /// What a user should know after the run besides the counts — files not made, the earlier
    /// run's files left or removed, an interruption — Chinese, one line each. `folder` is the
    /// output folder as the user named it.
    pub fn notices(&self, folder: &std::path::Path) -> Vec<String> {
        let folder = folder.display();
        let mut notices: Vec<String> =
            self.failed.iter().map(|e| format!("错误：未生成 {}（{} {}）", e.note, e.source, e.id)).collect();
        let stale = &self.stale;
        if !stale.kept.is_empty() {
            notices.push(format!(
                "警告：输出文件夹 {folder} 中有 {} 个上次生成、本次不再生成的文件，可能已过时：{}；清单中标为“过期”，加 --clean 可删除它们",
                stale.kept.len(),
                some(&stale.kept)
            ));
        }
        if !stale.removed.is_empty() {
            notices.push(format!(
                "已删除输出文件夹 {folder} 中上次生成、本次不再生成的 {} 个文件：{}",
                stale.removed.len(),
                some(&stale.removed)
            ));
        }
        if !stale.changed.is_empty() {
            notices.push(format!(
                "警告：输出文件夹 {folder} 中上次生成的 {} 个文件本次不再生成，且生成后被改动过，gongwen 不会删除它们，也不再在清单中列出：{}；请自行确认是否还需要",
                stale.changed.len(),
                some(&stale.changed)
            ));
        }
        if !stale.unverified.is_empty() {
            notices.push(format!(
                "警告：输出文件夹 {folder} 中有 {} 个文件是上次运行被强行终止时正在写入的，本次不再生成；无法确认它们之后未被改动，未删除：{}",
                stale.unverified.len(),
                some(&stale.unverified)
            ));
        }
        if self.interrupted {
            notices.push(format!(
                "错误：已中断：已生成 {} 个文件，其余未生成；清单 {} 列出了文件夹中的文件。重新运行可生成全部文件",
                self.files(),
                self.manifest.display()
            ));
        }
        notices
    }
}

/// The first few of `names`, joined for a message.
fn some(names: &[String]) -> String {
    const SHOWN: usize = 10;
    let mut text = names.iter().take(SHOWN).map(String::as_str).collect::<Vec<_>>().join("、");
    if names.len() > SHOWN {
        text.push_str(&format!(" 等 {} 个", names.len()));
    }
    text
}

/// A write that failed for the whole output folder (disk full, read-only, gone): the run
/// stopped there. The files already written are complete and the manifest lists them.
#[derive(Debug)]
pub struct WriteError {
    pub folder: PathBuf,
    pub file: String,
    pub error: std::io::Error,
    /// Files written before it.
    pub made: usize,
    /// What the manifest in the folder says afterwards.
    pub manifest: ManifestState,
}

/// The manifest in the output folder after a write failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ManifestState {
    /// Brought up to date: it lists the files in the folder.
    Current,
    /// The last checkpoint's, still true: its 写入中 files are complete or absent.
    Checkpoint,
    /// None could be written (the disk was full from the start).
    Absent,
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use std::io::ErrorKind as K;
        let what = match self.error.kind() {
            K::StorageFull | K::QuotaExceeded => "请腾出磁盘空间后重新运行",
            K::ReadOnlyFilesystem | K::PermissionDenied => "请用 -o 换一个可以写入的文件夹",
            _ => "请检查输出文件夹后重新运行",
        };
        let manifest = match self.manifest {
            ManifestState::Current => format!("清单 {MANIFEST_NAME} 列出了文件夹中的文件"),
            ManifestState::Checkpoint => format!(
                "清单 {MANIFEST_NAME} 未能更新，其中标为“写入中”的文件若在文件夹中则是完整的，但可能是上次生成的版本"
            ),
            ManifestState::Absent => format!("未能写出清单 {MANIFEST_NAME}"),
        };
        write!(
            f,
            "无法写入 {}：{}。运行已停止：已写完的 {} 个文件完整可用，{manifest}；{what}",
            self.folder.join(&self.file).display(),
            reason_writing(&self.error),
            self.made,
        )
    }
}

impl std::error::Error for WriteError {}

/// Why a run stopped before its end.
#[derive(Debug)]
pub enum RunError {
    /// A write failed for the whole output folder.
    Write(WriteError),
    /// The workbook's rows did not read again as they read the first time (a bug: the same
    /// bytes are read by the same code).
    Reread(Fatal),
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::Write(e) => e.fmt(f),
            RunError::Reread(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for RunError {}

impl From<Fatal> for RunError {
    fn from(e: Fatal) -> RunError {
        RunError::Reread(e)
    }
}

/// Documents made in the next batch when `done` are made: the manifest is rewritten before
/// each batch (see `output::record`), so after a kill at most one batch's files are listed as
/// 写入中 (with no SHA-256). Batches grow with the run — an eighth of what is done — so the
/// rewrites add up to a few times the final manifest, not its square.
fn batch_size(done: usize) -> usize {
    (done / 8).max(64)
}

/// Documents made between two [`release_free_memory`] calls.
const RELEASE_EVERY: usize = 256;

/// Give back to the system the memory a batch freed. glibc keeps what is freed in each
/// thread's arena, and the large buffers of many sizes that writing documents uses (the .docx
/// font subsets above all) leave it fragmented: without this, 2,000 letters as .docx peaked
/// at 115 MB against 35 MB for 200; with it, near the figure of one batch.
fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only hands free pages of the allocator's arenas back to the kernel.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// The 说明 of a document whose making panicked (a bug): the panic's own text is English and
/// means nothing to a clerk.
const PANICKED: &str = "生成此文件时程序出错（程序内部错误，请把这一行报告给维护者），其余文件照常生成";

/// One format of a rendered document: its bytes or why its writer failed, and the page count
/// as laid out for the PDF.
pub type Rendered = (Format, Result<Vec<u8>, RenderError>, Option<usize>);

/// Render one document in the given formats: the bytes of each (or why its writer failed),
/// and the page count as laid out for the PDF (none in a DOCX-only run), each written as
/// `writing` says.
pub fn render(form: &Form, source: &Source, formats: &[Format], writing: &Writing) -> Vec<Rendered> {
    #[cfg(feature = "fault-injection")]
    fault::maybe_panic(source.request);
    // Settled once for both writers: where table rows shrink or split depends on the page.
    let doc = crate::layout::settle(&form.build_from(source));
    // Only the PDF and the OFD need the layout (once for both); a DOCX-only run leaves page
    // counts to the word processor.
    let laid = formats.iter().any(|f| f.laid_out()).then(|| crate::layout::layout(&doc));
    let pages = laid.as_ref().map(|l| l.pages.len());
    formats
        .iter()
        .map(|&f| {
            let bytes = match (f, &laid) {
                (Format::Docx, _) => crate::docx::write_docx_with(&doc, &writing.docx),
                (Format::Pdf, Some(laid)) => crate::pdf::write_pdf(&doc, laid, writing.pdf),
                (Format::Ofd, Some(laid)) => crate::ofd::write_ofd(&doc, laid),
                (Format::Pdf | Format::Ofd, None) => unreachable!("laid out whenever a PDF or OFD is asked for"),
            };
            #[cfg(feature = "fault-injection")]
            let bytes = fault::maybe_fail(source.request, f).map_or(bytes, Err);
            (f, bytes, pages)
        })
        .collect()
}

/// Test hooks (feature `fault-injection`, which only the tests' build of the binary has):
/// `GONGWEN_FAIL_DOCUMENT=<编号>` makes that request's PDF writer fail,
/// `GONGWEN_PANIC_DOCUMENT=<编号>` makes rendering its documents panic.
#[cfg(feature = "fault-injection")]
mod fault {
    use super::{Format, RenderError, Request};

    fn named(var: &str, request: &Request) -> bool {
        std::env::var(var).is_ok_and(|id| id == request.id)
    }

    pub fn maybe_fail(request: &Request, format: Format) -> Option<RenderError> {
        (format == Format::Pdf && named("GONGWEN_FAIL_DOCUMENT", request))
            .then(|| RenderError("PDF 写入器出错（测试注入的故障）".into()))
    }

    pub fn maybe_panic(request: &Request) {
        if named("GONGWEN_PANIC_DOCUMENT", request) {
            panic!("injected panic for {}", request.id);
        }
    }
}

/// Run `f` on the run's thread pool, or here when the system gave it no threads.
fn on<T: Send>(pool: Option<&rayon::ThreadPool>, f: impl FnOnce() -> T + Send) -> T {
    match pool {
        Some(pool) => pool.install(f),
        None => f(),
    }
}

/// Record the lines of the files written besides the documents (packets, bundles); `true`
/// when a write failed for the whole folder (the first such failure is kept in `fatal`).
fn record_written(
    record: &mut Record,
    out: &OutDir,
    made: Vec<crate::bundle::Written>,
    fatal: &mut Option<(String, std::io::Error)>,
) -> bool {
    let mut failed = false;
    for made in made {
        record.push(out, made.line);
        if let Some(f) = made.fatal {
            failed = true;
            fatal.get_or_insert(f);
        }
    }
    failed
}

/// A row's place for the manifest: the sheet as written and its key cell, `协作需求!A7`.
fn place(sheet: &str, col0: u32, row: u32) -> String {
    format!("{sheet}!{}", crate::workbook::cells::cell_ref(row - 1, col0))
}

/// The documents of `forms` for the requests of `window` (a workbook, or a window of one read
/// again: see `workbook::feed`), in order: request by request, each form in turn, so a
/// request's documents are together. Each file is named by `book`. Requests whose child rows
/// cannot be used, or that have none for a form that skips such requests, add a line to
/// `skipped` instead.
fn jobs_of<'a>(
    window: &'a Workbook,
    rows: &Rows<'a>,
    forms: &'a [Form],
    options: &Options,
    book: &mut NameBook,
    skipped: &mut Vec<ManifestEntry>,
) -> (Vec<Job<'a>>, Vec<Packet>) {
    let formats = options.formats;
    let mut work = Vec::new();
    let mut packets = Vec::new();
    for request in &window.requests {
        let first = work.len();
        let request_place = place(&window.request_sheet, window.request_key_col0, request.row);
        for form in forms {
            let not_made = |place: &str, note: String| ManifestEntry {
                form: form.name.clone(),
                source: place.to_string(),
                id: request.id.clone(),
                status: NOT_MADE.into(),
                note,
                ..Default::default()
            };
            // The source rows: the request itself, or its rows of the form's source sheet.
            let sources: Vec<(Option<&SheetRow>, String)> = if form.source == REQUESTS_SHEET {
                vec![(None, request_place.clone())]
            } else {
                let Some(sheet) = window.other(form.source) else { continue };
                if let Some(why) = sheet.blocked_for(&request.id) {
                    skipped.push(not_made(&request_place, format!("{}有误，未生成：{why}", form.source)));
                    continue;
                }
                sheet.of(&request.id).map(|r| (Some(r), place(&sheet.written, sheet.key_col0, r.row))).collect()
            };
            let children: Vec<&(dyn Fields + Sync)> = match &form.children {
                None => Vec::new(),
                Some(c) => match rows.children(window, c.sheet, &request.id) {
                    Err(why) => {
                        skipped.push(not_made(&request_place, format!("{}有误，未生成：{why}", c.sheet)));
                        continue;
                    }
                    Ok(list) if list.is_empty() && c.skip_empty => {
                        let note = format!("该需求在{}表中没有内容，不生成{}", c.sheet, form.name);
                        skipped.push(not_made(&request_place, note));
                        continue;
                    }
                    Ok(list) => list,
                },
            };
            for (row, place) in sources {
                let depts: Vec<String> = match form.per {
                    Per::Receiver => request.to_depts.clone(),
                    Per::Row => vec![request.to_depts.join("、")],
                };
                for to_dept in depts {
                    let mut job = Job {
                        form,
                        request,
                        row,
                        to_dept,
                        children: children.clone(),
                        place: place.clone(),
                        names: Vec::new(),
                    };
                    let stem = form.file_stem(&job.source());
                    job.names = formats.iter().map(|&f| (f, book.claim(&stem, f.ext()))).collect();
                    work.push(job);
                }
            }
        }
        // The packet is named right after its documents: the same order in every reading.
        if options.packet && work.len() > first {
            let stem = format!("{}_{PACKET_FORM}", request.id);
            let files = crate::bundle::formats(formats).into_iter().map(|f| (f, book.claim(&stem, f.ext()))).collect();
            packets.push(Packet { files, jobs: first..work.len() });
        }
    }
    (work, packets)
}

/// Every document a run of `forms` would make of the valid rows of `wb`, in the run's order,
/// each given to `visit` until it returns `false` — the rows read again a window at a time as
/// a run reads them (seals applied, child rows attached), so a preview shows exactly what
/// `generate` writes. A request a form makes nothing of is given to `skipped` as the manifest
/// line saying why. Nothing is written.
pub fn visit_documents(
    wb: &Workbook,
    forms: &[Form],
    visit: &mut dyn FnMut(&Job) -> bool,
    skipped: &mut dyn FnMut(ManifestEntry),
) -> Result<(), Fatal> {
    let mut sources = wb.sources(&sheets_of(forms))?;
    let mut feed = wb.feed(&mut sources)?;
    while let Some(window) = feed.next_window(PLAN_WINDOW)? {
        let rows = Rows::of(&window);
        let mut not_made = Vec::new();
        // No files: no formats, no packets.
        let stop = Stop::new();
        let options = Options::planning(&[], &stop);
        let (jobs, _) = jobs_of(&window, &rows, forms, &options, &mut NameBook::default(), &mut not_made);
        not_made.into_iter().for_each(&mut *skipped);
        if !jobs.iter().all(&mut *visit) {
            break;
        }
    }
    Ok(())
}

/// The sheets whose rows `forms` print besides 协作需求: their source and child sheets.
fn sheets_of(forms: &[Form]) -> Vec<&'static str> {
    forms.iter().flat_map(|f| std::iter::once(f.source).chain(f.children.as_ref().map(|c| c.sheet))).collect()
}

/// Requests read at a time when the file names are planned.
const PLAN_WINDOW: usize = 256;

/// Make every document of `forms` for the valid rows of `wb` into `out`. Rows that were
/// rejected are listed in the manifest with their reasons. `progress` is told how many
/// documents there are, then called once per document made (from any thread).
///
/// The rows are read again from the workbook a window of requests at a time (see
/// `workbook::feed`): twice, once to name every file up front and once to make them, so
/// the run holds one window's rows, never the workbook's. Print bundles order their documents
/// by 编号, so `--bundle` reads every row into one window at its end.
///
/// `Err` for a write that fails for the whole folder (see [`WriteError`]); a document whose
/// writer fails is a 未生成 line and in [`Report::failed`].
pub fn run(
    wb: &Workbook,
    forms: &[Form],
    out: &OutDir,
    options: &Options,
    progress: &(dyn Progress + Sync),
) -> Result<Report, RunError> {
    let sheets = sheets_of(forms);
    // Every file of the run — documents, then bundles — is named by this one book, up front,
    // so no file overwrites another and the names do not depend on threads.
    let mut book = NameBook::default();
    let mut planned: Vec<String> = Vec::new();
    let mut skipped: Vec<ManifestEntry> = Vec::new();
    let mut documents = 0;
    // The forms with documents, in the order they first appear (by index into `forms`).
    let mut kinds: Vec<usize> = Vec::new();
    {
        let mut sources = wb.sources(&sheets)?;
        let mut feed = wb.feed(&mut sources)?;
        while let Some(window) = feed.next_window(PLAN_WINDOW)? {
            let rows = Rows::of(&window);
            let (jobs, packets) = jobs_of(&window, &rows, forms, options, &mut book, &mut skipped);
            planned.extend(packets.into_iter().flat_map(|p| p.files).map(|(_, file)| file));
            for job in jobs {
                documents += 1;
                let kind = forms.iter().position(|f| std::ptr::eq(f, job.form)).expect("one of the forms");
                if !kinds.contains(&kind) {
                    kinds.push(kind);
                }
                planned.extend(job.names.into_iter().map(|(_, name)| name));
            }
        }
    }
    let kinds: Vec<&Form> = kinds.into_iter().map(|i| &forms[i]).collect();
    let bundles = if options.bundle { crate::bundle::plan(&kinds, options.formats, &mut book) } else { Vec::new() };
    drop(book);
    let mut record = Record::new(
        out,
        planned.iter().map(String::as_str).chain(bundles.iter().flat_map(|b| &b.files).map(|(_, file)| file.as_str())),
    );
    drop(planned);
    if wb.chosen_only {
        let ids: std::collections::HashSet<&str> =
            wb.valid.iter().map(|(_, id)| &**id).chain(wb.rejected.iter().filter_map(|r| r.id.as_deref())).collect();
        record.only_for(&ids);
    }

    progress.start(documents);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(options.jobs.clamp(1, MAX_JOBS)).build();
    // Without threads (the system refused them) the documents are made one by one, here.
    let pool = pool.ok();
    let halt = AtomicBool::new(false);
    let stopped = || options.stop.requested() || halt.load(Ordering::SeqCst);
    let mut fatal: Option<(String, std::io::Error)> = None;
    let mut reread: Option<Fatal> = None;
    // The same rows in the same order, named by a book of their own: the same names.
    let mut names = NameBook::default();
    let mut sources = wb.sources(&sheets)?;
    let mut feed = wb.feed(&mut sources)?;
    let mut done = 0;
    let mut requests_done = 0;
    'windows: while !stopped() {
        // A window of requests grows with those done, like a batch, but never past an eighth
        // of them: the rows held stay a small part of the run.
        let window = match feed.next_window(batch_size(requests_done)) {
            Ok(Some(window)) => window,
            Ok(None) => break,
            Err(e) => {
                reread = Some(e);
                break;
            }
        };
        requests_done += window.requests.len();
        let rows = Rows::of(&window);
        let (work, packets) = jobs_of(&window, &rows, forms, options, &mut names, &mut Vec::new());
        let mut rest: &[Job] = &work;
        while !rest.is_empty() {
            if stopped() {
                break 'windows;
            }
            let (batch, after) = rest.split_at(batch_size(done).min(rest.len()));
            rest = after;
            done += batch.len();
            let writing: Vec<ManifestEntry> = batch.iter().flat_map(|job| job.lines()).collect();
            if let Err(e) = record.checkpoint(out, &writing) {
                fatal = Some((MANIFEST_NAME.into(), e));
                break 'windows;
            }
            let make = |job: &Job| (!stopped()).then(|| make(job, out, progress, &options.writing));
            // Made a few at a time, the memory they freed given back after each: a batch is
            // only for the manifest, and grows with the run.
            for part in batch.chunks(RELEASE_EVERY) {
                let made: Vec<Option<Made>> = match &pool {
                    Some(pool) => pool.install(|| part.par_iter().map(make).collect()),
                    None => part.iter().map(make).collect(),
                };
                for made in made.into_iter().flatten() {
                    for line in made.lines {
                        record.push(out, line);
                    }
                    if let Some(f) = made.fatal {
                        halt.store(true, Ordering::SeqCst);
                        fatal.get_or_insert(f);
                    }
                }
                release_free_memory();
            }
        }
        if !packets.is_empty() && !stopped() {
            let writing: Vec<ManifestEntry> = packets.iter().flat_map(|p| p.lines(&work)).collect();
            if let Err(e) = record.checkpoint(out, &writing) {
                fatal = Some((MANIFEST_NAME.into(), e));
                break 'windows;
            }
            let made = on(pool.as_ref(), || {
                packets.par_iter().flat_map_iter(|p| p.write(&work, out, options)).collect::<Vec<_>>()
            });
            if record_written(&mut record, out, made, &mut fatal) {
                halt.store(true, Ordering::SeqCst);
            }
            release_free_memory();
        }
    }
    drop(feed);
    drop(sources);
    if !bundles.is_empty() && !stopped() && reread.is_none() {
        let writing: Vec<ManifestEntry> = bundles.iter().flat_map(|b| b.lines()).collect();
        match record.checkpoint(out, &writing) {
            Err(e) => fatal = Some((MANIFEST_NAME.into(), e)),
            Ok(_) => {
                // Every row at once: a bundle orders its documents by 编号, not by row.
                let mut sources = wb.sources(&sheets)?;
                let all = wb.feed(&mut sources)?.next_window(usize::MAX)?.unwrap_or_default();
                let rows = Rows::of(&all);
                let bundled = Options { packet: false, ..*options };
                let (work, _) = jobs_of(&all, &rows, forms, &bundled, &mut NameBook::default(), &mut Vec::new());
                let made = on(pool.as_ref(), || crate::bundle::write_bundles(&bundles, &work, out, options));
                record_written(&mut record, out, made, &mut fatal);
            }
        }
    }
    for e in skipped {
        record.push(out, e);
    }
    for r in &wb.rejected {
        record.push(
            out,
            ManifestEntry {
                source: place(&wb.request_sheet, wb.request_key_col0, r.row),
                id: r.id.clone().unwrap_or_default(),
                status: NOT_MADE.into(),
                note: r.reasons.join("；"),
                ..Default::default()
            },
        );
    }
    let interrupted = options.stop.requested();
    let stale = if fatal.is_none() && !interrupted { record.settle(out, options.clean) } else { Stale::default() };
    let manifest = record.checkpoint(out, &[]);
    let counts: Vec<(String, Format, usize)> = record
        .counts()
        .iter()
        .map(|(form, format, n)| (form.clone(), Format::from_name(format).unwrap_or(Format::Docx), *n))
        .collect();
    // A document's file (it has a format) that was not made; rejected rows are the
    // workbook's problems, reported as such.
    let failed = record.failed().to_vec();
    let made = counts.iter().map(|c| c.2).sum();
    let state = |written: bool| match written {
        true => ManifestState::Current,
        false if out.path().join(MANIFEST_NAME).is_file() => ManifestState::Checkpoint,
        false => ManifestState::Absent,
    };
    match (fatal, manifest) {
        (Some((file, error)), manifest) => Err(RunError::Write(WriteError {
            folder: out.path().to_path_buf(),
            file,
            error,
            made,
            manifest: state(manifest.is_ok()),
        })),
        (None, Err(error)) => Err(RunError::Write(WriteError {
            folder: out.path().to_path_buf(),
            file: MANIFEST_NAME.into(),
            error,
            made,
            manifest: state(false),
        })),
        (None, Ok(_)) if reread.is_some() => Err(RunError::Reread(reread.expect("checked"))),
        (None, Ok(manifest)) => Ok(Report { manifest, counts, failed, interrupted, stale }),
    }
}

/// The documents `forms` make of the requests of `wb` — a workbook read with its rows kept
/// ([`Keep::Rows`](crate::workbook::Keep)) — as a run would make them, without writing any
/// file: `with` gets each job (form, request, receiving department, child rows; file names for
/// `formats`, as a run names them) in a run's order, and the manifest lines of the documents
/// not made (child rows with errors …). For making documents in memory (`gongwen serve`).
pub fn with_jobs<T>(
    wb: &Workbook,
    forms: &[Form],
    formats: &[Format],
    with: impl FnOnce(&[Job], &[ManifestEntry]) -> T,
) -> T {
    let rows = Rows::of(wb);
    let mut skipped = Vec::new();
    let stop = Stop::new();
    let options = Options::planning(formats, &stop);
    let (jobs, _) = jobs_of(wb, &rows, forms, &options, &mut NameBook::default(), &mut skipped);
    with(&jobs, &skipped)
}

impl<'a> Options<'a> {
    /// A run that only plans `formats`' files (one thread, no bundles or packets).
    fn planning(formats: &'a [Format], stop: &'a Stop) -> Options<'a> {
        Options { formats, jobs: 1, bundle: false, packet: false, writing: Writing::default(), clean: false, stop }
    }
}

impl Job<'_> {
    /// The name its file of `format` has in a run (when the job was planned with that format).
    pub fn file_name(&self, format: Format) -> Option<&str> {
        self.names.iter().find(|(f, _)| *f == format).map(|(_, name)| name.as_str())
    }
}

/// The child rows of each request, by sheet: the tasks in the order the list prints them
/// (each after its 前置任务), other sheets' rows in sheet order.
struct Rows<'a> {
    tasks: HashMap<&'a str, Vec<&'a Task>>,
}

impl<'a> Rows<'a> {
    fn of(wb: &'a Workbook) -> Rows<'a> {
        let mut tasks: HashMap<&str, Vec<&Task>> = HashMap::new();
        for t in &wb.tasks {
            tasks.entry(t.request_id.as_str()).or_default().push(t);
        }
        for list in tasks.values_mut() {
            *list = crate::request::order_tasks(list);
        }
        Rows { tasks }
    }

    /// The rows of `sheet` belonging to request `id`, or why they cannot be used.
    fn children(&self, wb: &'a Workbook, sheet: &str, id: &'a str) -> Result<Vec<&'a (dyn Fields + Sync)>, &'a str> {
        if sheet == crate::workbook::columns::TASKS.name {
            if let Some(why) = wb.tasks_blocked.get(id) {
                return Err(why);
            }
            let list = self.tasks.get(id).map(Vec::as_slice).unwrap_or_default();
            return Ok(list.iter().map(|t| *t as &(dyn Fields + Sync)).collect());
        }
        let Some(other) = wb.other(sheet) else { return Ok(Vec::new()) };
        if let Some(why) = other.blocked_for(id) {
            return Err(why);
        }
        Ok(other.of(id).map(|r| r as &(dyn Fields + Sync)).collect())
    }
}

/// One job's manifest lines and, if a write failed for the whole folder, that failure (the
/// run stops after it).
pub(crate) struct Made {
    pub lines: Vec<ManifestEntry>,
    pub fatal: Option<(String, std::io::Error)>,
}

impl Job<'_> {
    /// Its manifest lines before it is made (file, form, source …; no status yet).
    fn lines(&self) -> impl Iterator<Item = ManifestEntry> + '_ {
        self.names.iter().map(|(format, name)| ManifestEntry {
            file: name.clone(),
            form: self.form.name.clone(),
            format: format.ext().into(),
            source: self.place.clone(),
            id: self.request.id.clone(),
            to_dept: self.to_dept.clone(),
            ..Default::default()
        })
    }
}

/// Make one job's files and their manifest lines. A writer that fails or panics makes that
/// file a 未生成 line; so does a file that cannot be written for a reason of its own; a write
/// that fails for the whole folder is returned as fatal.
fn make(job: &Job, out: &OutDir, progress: &(dyn Progress + Sync), writing: &Writing) -> Made {
    let formats: Vec<Format> = job.names.iter().map(|(f, _)| *f).collect();
    let rendered = quiet_panics(|| render(job.form, &job.source(), &formats, writing));
    let mut made = Made { lines: Vec::new(), fatal: None };
    for (i, line) in job.lines().enumerate() {
        let result = match &rendered {
            Some(r) => r[i].1.as_ref().map(|bytes| (bytes, r[i].2)).map_err(|e| e.to_string()),
            None => Err(PANICKED.to_string()),
        };
        let line = match result {
            Ok((bytes, pages)) => match out.write(&line.file, bytes) {
                Ok(sha256) => ManifestEntry { pages, sha256, status: MADE.into(), ..line },
                Err(error) if folder_wide(&error) => {
                    made.fatal = Some((line.file, error));
                    break;
                }
                Err(error) => not_made(line, format!("无法写入此文件：{}", reason_writing(&error))),
            },
            Err(reason) => not_made(line, reason),
        };
        made.lines.push(line);
    }
    progress.done();
    made
}

/// The line of a file that was not made: 文件 empty (no such file is in the folder — or, if
/// one is, it is the earlier run's, listed as such), the name kept in 说明.
pub(crate) fn not_made(line: ManifestEntry, reason: String) -> ManifestEntry {
    ManifestEntry { note: format!("{}：{reason}", line.file), file: String::new(), status: NOT_MADE.into(), ..line }
}

/// Run `f`, turning a panic into `None`. The panic message (English, for developers) is not
/// printed: the manifest line says what happened.
pub(crate) fn quiet_panics<T>(f: impl FnOnce() -> T) -> Option<T> {
    thread_local! {
        static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(|q| q.get()) {
                default(info);
            }
        }));
    });
    let was = QUIET.with(|q| q.replace(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    QUIET.with(|q| q.set(was));
    result.ok()
}
