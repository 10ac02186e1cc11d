//! The generation run: from a read workbook and the chosen forms to files in the output
//! folder, in parallel, one document at a time per thread (nothing is held for the whole
//! batch but the manifest lines), then the manifest.

use crate::docx::DocxOptions;
use crate::forms::{Form, Per};
use crate::output::{Manifest, ManifestEntry, NameBook, OutDir};
use crate::request::{Request, Task};
use crate::workbook::Workbook;
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::PathBuf;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    Docx,
    Pdf,
}

impl Format {
    pub fn ext(self) -> &'static str {
        match self {
            Format::Docx => "docx",
            Format::Pdf => "pdf",
        }
    }
}

/// Told how the run goes (a progress bar on a terminal; nothing otherwise).
pub trait Progress {
    fn start(&self, _documents: usize) {}
    fn done(&self) {}
}

/// No progress reporting.
pub struct Quiet;
impl Progress for Quiet {}

/// One document to make: a form applied to a request (and one receiving department).
pub struct Job<'a> {
    pub form: &'a Form,
    pub request: &'a Request,
    pub to_dept: String,
    pub tasks: Vec<&'a Task>,
    /// File names per format, decided up front so they are unique and independent of threads.
    names: Vec<(Format, String)>,
}

/// What a run produced.
pub struct Report {
    pub manifest: PathBuf,
    /// Files written per (form name, format).
    pub counts: Vec<(String, Format, usize)>,
}

/// Documents made per batch: their manifest lines are written, then dropped, so memory does
/// not grow with the number of documents.
const BATCH: usize = 512;

/// A file that could not be written (disk full, permissions …).
#[derive(Debug)]
pub struct WriteError {
    pub file: String,
    pub error: std::io::Error,
}

/// Render one document in the given formats: the bytes of each, and the page count as laid
/// out for the PDF (none in a DOCX-only run). `docx` says how the .docx is written.
pub fn render(
    form: &Form,
    request: &Request,
    to_dept: &str,
    tasks: &[&Task],
    formats: &[Format],
    docx: &DocxOptions,
) -> Vec<(Format, Vec<u8>, Option<usize>)> {
    // Settled once for both writers: where table rows shrink or split depends on the page.
    let doc = crate::layout::settle(&form.build(request, to_dept, tasks));
    // Only the PDF needs the layout; a DOCX-only run leaves page counts to the word processor.
    let laid = formats.contains(&Format::Pdf).then(|| crate::layout::layout(&doc));
    let pages = laid.as_ref().map(|l| l.pages.len());
    formats
        .iter()
        .map(|&f| {
            let bytes = match (f, &laid) {
                (Format::Docx, _) => crate::docx::write_docx_with(&doc, docx),
                (Format::Pdf, Some(laid)) => crate::pdf::write_pdf(&doc, laid),
                (Format::Pdf, None) => unreachable!("laid out whenever a PDF is asked for"),
            };
            (f, bytes, pages)
        })
        .collect()
}

fn source(request: &Request) -> String {
    format!("协作需求!{}", request.row)
}

/// Make every document of `forms` for the valid rows of `wb` into `out`, `jobs` threads wide.
/// Rows that were rejected are listed in the manifest with their reasons. `progress` is told
/// how many documents there are, then called once per document made (from any thread).
/// With `bundle`, the print bundles of `bundle::write_bundles` are written too (and listed).
/// `docx`: how the .docx files are written (fonts embedded or not).
#[allow(clippy::too_many_arguments)]
pub fn run(
    wb: &Workbook,
    forms: &[Form],
    formats: &[Format],
    out: &OutDir,
    jobs: usize,
    progress: &(dyn Progress + Sync),
    bundle: bool,
    docx: &DocxOptions,
) -> Result<Report, WriteError> {
    let mut tasks_of: HashMap<&str, Vec<&Task>> = HashMap::new();
    for t in &wb.tasks {
        tasks_of.entry(t.request_id.as_str()).or_default().push(t);
    }
    let mut book = NameBook::default();
    let mut work: Vec<Job> = Vec::new();
    let mut skipped: Vec<ManifestEntry> = Vec::new();
    for request in &wb.requests {
        for form in forms {
            let tasks = tasks_of.get(request.id.as_str()).cloned().unwrap_or_default();
            let depts: Vec<String> = match form.per {
                Per::Receiver => request.to_depts.clone(),
                Per::Request => vec![request.to_depts.join("、")],
                Per::RequestWithTasks => {
                    let why = if let Some(why) = wb.tasks_blocked.get(&request.id) {
                        Some(format!("任务拆分有误，未生成：{why}"))
                    } else if tasks.is_empty() {
                        Some("该需求在任务拆分表中没有任务，不生成清单".to_string())
                    } else {
                        None
                    };
                    if let Some(note) = why {
                        skipped.push(ManifestEntry {
                            form: form.name.clone(),
                            source: source(request),
                            id: request.id.clone(),
                            status: "未生成".into(),
                            note,
                            ..Default::default()
                        });
                        continue;
                    }
                    vec![request.to_depts.join("、")]
                }
            };
            for to_dept in depts {
                let stem = form.file_stem(request, &to_dept);
                let names = formats.iter().map(|&f| (f, book.claim(&stem, f.ext()))).collect();
                work.push(Job { form, request, to_dept, tasks: tasks.clone(), names });
            }
        }
    }

    progress.start(work.len());
    let manifest_error = |error| WriteError { file: crate::output::MANIFEST_NAME.into(), error };
    let mut manifest = Manifest::create(out).map_err(manifest_error)?;
    let mut counts: Vec<(String, Format, usize)> = Vec::new();
    let mut record = |e: &ManifestEntry, manifest: &mut Manifest| -> Result<(), WriteError> {
        if !e.format.is_empty() {
            let format = if e.format == "pdf" { Format::Pdf } else { Format::Docx };
            match counts.iter_mut().find(|(f, fm, _)| *f == e.form && *fm == format) {
                Some(c) => c.2 += 1,
                None => counts.push((e.form.clone(), format, 1)),
            }
        }
        manifest.push(e).map_err(manifest_error)
    };
    let pool = rayon::ThreadPoolBuilder::new().num_threads(jobs.max(1)).build().expect("thread pool");
    for batch in work.chunks(BATCH) {
        let made: Vec<Result<Vec<ManifestEntry>, WriteError>> =
            pool.install(|| batch.par_iter().map(|job| make(job, out, progress, docx)).collect());
        for r in made {
            for e in r? {
                record(&e, &mut manifest)?;
            }
        }
    }
    if bundle {
        for e in pool.install(|| crate::bundle::write_bundles(&work, out))? {
            record(&e, &mut manifest)?;
        }
    }
    for e in &skipped {
        record(e, &mut manifest)?;
    }
    for r in &wb.rejected {
        let e = ManifestEntry {
            source: format!("协作需求!{}", r.row),
            id: r.id.clone().unwrap_or_default(),
            status: "未生成".into(),
            note: r.reasons.join("；"),
            ..Default::default()
        };
        record(&e, &mut manifest)?;
    }
    let manifest = manifest.finish().map_err(manifest_error)?;
    Ok(Report { manifest, counts })
}

/// Make one job's files and their manifest lines.
fn make(
    job: &Job,
    out: &OutDir,
    progress: &(dyn Progress + Sync),
    docx: &DocxOptions,
) -> Result<Vec<ManifestEntry>, WriteError> {
    let formats: Vec<Format> = job.names.iter().map(|(f, _)| *f).collect();
    let made = render(job.form, job.request, &job.to_dept, &job.tasks, &formats, docx)
        .into_iter()
        .zip(&job.names)
        .map(|((format, bytes, pages), (_, name))| {
            let sha256 = out.write(name, &bytes).map_err(|error| WriteError { file: name.clone(), error })?;
            Ok(ManifestEntry {
                file: name.clone(),
                form: job.form.name.clone(),
                format: format.ext().into(),
                source: source(job.request),
                id: job.request.id.clone(),
                to_dept: job.to_dept.clone(),
                pages,
                sha256,
                status: "已生成".into(),
                note: String::new(),
            })
        })
        .collect();
    progress.done();
    made
}
