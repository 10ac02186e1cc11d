//! Print bundles (`generate --bundle`): one file per form kind, `打印合集_<表单>.pdf` (and
//! `.ofd`), holding every document of that kind made in the run, in a stable order (编号 with
//! its numbers compared as numbers, then 收函部门), each starting on an odd page so duplex
//! printing never puts two documents on one sheet, with a bookmark per document, opening with
//! the bookmarks panel shown; and packets (`--packet`), one such file per request.
//!
//! This module decides everything the writers then draw: which documents, in what order, and
//! where each one's pages fall ([`place`]: the blank sheet of an empty document, the blank back
//! page after an odd page count, the page its bookmark points at). It lays the documents out a
//! few at a time (never the whole bundle at once) and gives each placed document to every
//! writer asked for — `pdf::write_bundle` and `ofd::BundleWriter` — in one pass, so a bundle
//! wanted as PDF and OFD is laid out once and both files have the same pages and bookmarks.
//! The files are named by the run's name book like every other file.

use crate::forms::Form;
use crate::generate::{not_made, quiet_panics, Format, Job, Options};
use crate::layout::{Laid, Page};
use crate::model::{Document, RenderError};
use crate::oserror::reason_writing;
use crate::output::record::MADE;
use crate::output::{folder_wide, ManifestEntry, NameBook, OutDir};
use rayon::prelude::*;
use std::cmp::Ordering;

/// The manifest's 表单 column for bundle files, and their file names' prefix.
pub const BUNDLE_FORM: &str = "打印合集";

/// Author of a bundle whose documents come from more than one 发函部门.
const MIXED_AUTHOR: &str = "gongwen";

/// The formats bundles and packets are written in for a run of `formats`: those of them drawn
/// from laid-out pages (PDF, OFD), in that order; PDF when there are none (a .docx-only run
/// still gets its print bundle as a PDF).
pub fn formats(formats: &[Format]) -> Vec<Format> {
    let laid_out: Vec<Format> = Format::ALL.into_iter().filter(|f| f.laid_out() && formats.contains(f)).collect();
    if laid_out.is_empty() {
        vec![Format::Pdf]
    } else {
        laid_out
    }
}

/// One bundle to write: a form's documents, and the files (one per format) it goes to.
pub struct Bundle<'a> {
    pub form: &'a Form,
    /// Named by the run's one name book, after the documents: a document whose name comes
    /// out as a bundle's never has its file overwritten.
    pub files: Vec<(Format, String)>,
}

impl Bundle<'_> {
    /// Its manifest lines before it is written (no status yet).
    pub(crate) fn lines(&self) -> Vec<ManifestEntry> {
        let base = ManifestEntry { form: BUNDLE_FORM.into(), ..Default::default() };
        with_files(&self.files, &base)
    }
}

/// `base` once per file, with the file's name and format.
fn with_files(files: &[(Format, String)], base: &ManifestEntry) -> Vec<ManifestEntry> {
    files.iter().map(|(f, file)| ManifestEntry { file: file.clone(), format: f.ext().into(), ..base.clone() }).collect()
}

/// The bundles of the forms `kinds` (those with documents, in the order they first appear),
/// one file per format of [`formats`]`(asked)`, each named by `book`.
pub fn plan<'a>(kinds: &[&'a Form], asked: &[Format], book: &mut NameBook) -> Vec<Bundle<'a>> {
    let formats = formats(asked);
    kinds
        .iter()
        .map(|form| {
            let stem = format!("{BUNDLE_FORM}_{}", form.name);
            Bundle { form, files: formats.iter().map(|&f| (f, book.claim(&stem, f.ext()))).collect() }
        })
        .collect()
}

/// A bundle's manifest line and, if its write failed for the whole folder, that failure.
pub struct Written {
    pub line: ManifestEntry,
    pub fatal: Option<(String, std::io::Error)>,
}

/// Write `bundles` of the documents of `jobs` into `out`; returns their manifest lines (a
/// bundle whose writer fails or panics is a 未生成 line). Documents are laid out in parallel
/// chunks on the current rayon pool and drawn in order, so memory holds a chunk's layouts, not
/// a bundle's. A bundle interrupted by the run's stop is not written (and has no line); its
/// PDF is of the run's standard (`--pdf-standard`).
pub fn write_bundles(bundles: &[Bundle], jobs: &[Job], out: &OutDir, options: &Options) -> Vec<Written> {
    bundles
        .par_iter()
        .flat_map_iter(|bundle| {
            let members: Vec<&Job> = jobs.iter().filter(|j| std::ptr::eq(j.form, bundle.form)).collect();
            write_one(bundle, members, out, options)
        })
        .collect()
}

/// The bundle of one form's documents, in each of its formats.
fn write_one(bundle: &Bundle, mut members: Vec<&Job>, out: &OutDir, options: &Options) -> Vec<Written> {
    let form = bundle.form;
    members.sort_by(|a, b| bundle_order(a, b));
    let base = ManifestEntry {
        form: BUNDLE_FORM.into(),
        note: format!("{} {} 份", form.name, members.len()),
        ..Default::default()
    };
    let title = format!("{BUNDLE_FORM}_{}", form.name);
    let bookmark = |job: &Job| format!("{} {}", job.request.id, job.to_dept);
    write_parts(&bundle.files, &title, base, &members, bookmark, out, options)
}

/// 表单 of a request's packet (`generate --packet`) in the manifest, and its file names' ending.
pub const PACKET_FORM: &str = "审批合订";

/// One request's packet: every document made for it, in the order they were made (the forms'
/// order: letters, application form, task list …), one file per format of [`formats`] to
/// attach to its approval.
pub struct Packet {
    /// Named by the run's name book, right after the request's documents.
    pub files: Vec<(Format, String)>,
    /// Its documents: indexes into the window's jobs.
    pub jobs: std::ops::Range<usize>,
}

impl Packet {
    /// Its manifest lines before it is written (no status yet).
    pub(crate) fn lines(&self, jobs: &[Job]) -> Vec<ManifestEntry> {
        with_files(&self.files, &self.base(jobs))
    }

    /// What its manifest lines say besides the file.
    fn base(&self, jobs: &[Job]) -> ManifestEntry {
        let first = &jobs[self.jobs.start];
        ManifestEntry {
            form: PACKET_FORM.into(),
            source: first.place.clone(),
            id: first.request.id.clone(),
            to_dept: first.request.to_depts.join("、"),
            ..Default::default()
        }
    }

    /// Lay out its documents and write the packet; a bookmark per document (`工作联系函 研发中心`).
    pub(crate) fn write(&self, jobs: &[Job], out: &OutDir, options: &Options) -> Vec<Written> {
        let members: Vec<&Job> = jobs[self.jobs.clone()].iter().collect();
        let mut kinds: Vec<(&str, usize)> = Vec::new();
        for job in &members {
            match kinds.iter_mut().find(|(name, _)| *name == job.form.name) {
                Some(k) => k.1 += 1,
                None => kinds.push((&job.form.name, 1)),
            }
        }
        let note = kinds.iter().map(|(name, n)| format!("{name} {n} 份")).collect::<Vec<_>>().join("、");
        let base = ManifestEntry { note, ..self.base(jobs) };
        let title = format!("{}_{PACKET_FORM}", members[0].request.id);
        // A letter per receiving department is told by it; a form per request by its name.
        let bookmark = |job: &Job| match job.form.per {
            crate::forms::Per::Receiver => format!("{} {}", job.form.name, job.to_dept),
            crate::forms::Per::Row => job.form.name.clone(),
        };
        write_parts(&self.files, &title, base, &members, bookmark, out, options)
    }
}

/// One document of a bundle or packet, laid out, with its bookmark.
pub struct BundlePart {
    /// Its bookmark in the bundle's outline, e.g. `协作函〔2026〕3号 采购中心`.
    pub bookmark: String,
    pub doc: Document,
    pub laid: Laid,
}

/// A document placed in a bundle: the pages every writer draws for it, in order — its own; one
/// blank sheet of its page size if it has none; then, after an odd count, a blank back page the
/// size of its last — and the index in the bundle of the first, where its bookmark points.
pub struct Placed {
    pub bookmark: String,
    /// Index of its first page in the bundle (0 for the first document).
    pub first: usize,
    pub pages: Vec<Page>,
    /// Its reading structure ([`Laid::structure`]), for the writers that tag.
    pub structure: Vec<crate::layout::Node>,
}

/// Place `parts` one after another, each from an odd page (see [`Placed`]), one at a time as
/// they are asked for: the one plan of a bundle's pages that every writer draws. A document
/// with a number that is not finite (a layout bug) is an error: its pages cannot be drawn.
pub fn place(parts: impl IntoIterator<Item = BundlePart>) -> impl Iterator<Item = Result<Placed, RenderError>> {
    let mut next = 0;
    parts.into_iter().map(move |part| {
        part.laid.drawable()?;
        let mut pages = part.laid.pages;
        if pages.is_empty() {
            pages.push(Page { width: part.doc.page.width, height: part.doc.page.height, items: Vec::new() });
        }
        if pages.len() % 2 == 1 {
            let last = pages.last().expect("at least one page");
            pages.push(Page { width: last.width, height: last.height, items: Vec::new() });
        }
        let first = next;
        next += pages.len();
        Ok(Placed { bookmark: part.bookmark, first, pages, structure: part.laid.structure })
    })
}

/// Draw `parts` as a bundle in every one of `formats` in one pass: each document is placed
/// once ([`place`]) and given to the OFD writer as the PDF writer takes it, then dropped. One
/// result per format, in the order of `formats`: the bytes and the page count.
fn draw(
    title: &str,
    author: &str,
    date: Option<chrono::NaiveDate>,
    formats: &[Format],
    standard: crate::pdf::Standard,
    parts: impl Iterator<Item = BundlePart>,
) -> Vec<Result<(Vec<u8>, usize), RenderError>> {
    let mut ofd = formats.contains(&Format::Ofd).then(crate::ofd::BundleWriter::new);
    // A document that cannot be placed fails every format; the OFD writer's own failure, the OFD.
    let (mut unplaced, mut ofd_failed) = (None, None);
    let placed = place(parts).inspect(|placed| match placed {
        Err(e) => {
            unplaced.get_or_insert_with(|| e.clone());
        }
        Ok(placed) => {
            if let (Some(writer), None) = (ofd.as_mut(), &ofd_failed) {
                ofd_failed = writer.add(placed).err();
            }
        }
    });
    let mut pdf = if formats.contains(&Format::Pdf) {
        Some(crate::pdf::write_bundle(title, author, date, standard, placed))
    } else {
        // No PDF: the documents are drawn into the OFD only, until one cannot be placed.
        placed.take_while(Result::is_ok).for_each(drop);
        None
    };
    let mut ofd = ofd.map(|writer| match (unplaced.clone(), ofd_failed) {
        (Some(e), _) | (None, Some(e)) => Err(e),
        (None, None) => writer.finish(title, author, date),
    });
    formats
        .iter()
        .map(|f| match f {
            Format::Pdf => pdf.take().expect("drawn when asked for"),
            Format::Ofd => ofd.take().expect("drawn when asked for"),
            Format::Docx => unreachable!("bundles are drawn from laid-out pages"),
        })
        .collect()
}

/// Lay out `members` a few at a time on the current rayon pool, draw them into one file per
/// format of `files` (each document from an odd page, bookmarked by `bookmark`) and write
/// them; `base` is what their manifest lines say besides the file. Nothing when interrupted by
/// `stop` (nothing is written).
fn write_parts(
    files: &[(Format, String)],
    title: &str,
    base: ManifestEntry,
    members: &[&Job],
    bookmark: impl Fn(&Job) -> String + Sync,
    out: &OutDir,
    options: &Options,
) -> Vec<Written> {
    let stop = options.stop;
    let first_sender = members.first().map(|j| j.request.from_dept.as_str()).unwrap_or_default();
    let author = if members.iter().all(|j| j.request.from_dept == first_sender) && !first_sender.is_empty() {
        first_sender
    } else {
        MIXED_AUTHOR
    };
    let date = members.iter().map(|j| j.request.date).max();
    let chunk = 2 * rayon::current_num_threads();
    let parts = members
        .chunks(chunk)
        .take_while(|_| !stop.requested())
        .flat_map(|chunk| chunk.par_iter().map(|job| quiet_panics(|| lay_out(job, bookmark(job)))).collect::<Vec<_>>());
    // A document that cannot be laid out fails the bundle (its pages would be missing).
    let formats: Vec<Format> = files.iter().map(|(f, _)| *f).collect();
    let drawn = quiet_panics(|| {
        let mut broken = false;
        let parts = parts.map_while(|p| {
            broken |= p.is_none();
            p
        });
        let written = draw(title, author, date, &formats, options.writing.pdf, parts);
        (written, broken)
    });
    if stop.requested() {
        return Vec::new();
    }
    const BROKEN: &str = "合集中有文件生成时程序出错（程序内部错误，请报告给维护者）";
    let lines = with_files(files, &base);
    let drawn: Vec<Result<(Vec<u8>, usize), String>> = match drawn {
        Some((written, false)) => written.into_iter().map(|w| w.map_err(|e| e.to_string())).collect(),
        Some((written, true)) => {
            written.into_iter().map(|w| w.map_err(|e| e.to_string()).and_then(|_| Err(BROKEN.into()))).collect()
        }
        None => files.iter().map(|_| Err(BROKEN.into())).collect(),
    };
    let mut written = Vec::new();
    for ((line, drawn), (_, file)) in lines.into_iter().zip(drawn).zip(files) {
        let (bytes, pages) = match drawn {
            Ok(drawn) => drawn,
            Err(reason) => {
                written.push(Written { line: not_made(line, reason), fatal: None });
                continue;
            }
        };
        let line = match out.write(file, &bytes) {
            Ok(sha256) => ManifestEntry { pages: Some(pages), sha256, status: MADE.into(), ..line },
            Err(error) if folder_wide(&error) => {
                written.push(Written {
                    line: not_made(line, reason_writing(&error)),
                    fatal: Some((file.to_string(), error)),
                });
                continue;
            }
            Err(error) => not_made(line, format!("无法写入此文件：{}", reason_writing(&error))),
        };
        written.push(Written { line, fatal: None });
    }
    written
}

/// One document, built and laid out, with its bookmark.
fn lay_out(job: &Job, bookmark: String) -> BundlePart {
    // Settled as for the single files, so the bundle pages as they do.
    let doc = crate::layout::settle(&job.form.build_from(&job.source()));
    let laid = crate::layout::layout(&doc);
    BundlePart { bookmark, doc, laid }
}

/// 编号 (numbers inside compared as numbers: 2号 before 10号), then 收函部门, then row: the
/// order a clerk files the letters in, each request's copies together.
fn bundle_order(a: &Job, b: &Job) -> Ordering {
    natural_cmp(&a.request.id, &b.request.id)
        .then_with(|| natural_cmp(&a.to_dept, &b.to_dept))
        .then_with(|| a.request.row.cmp(&b.request.row))
}

/// Compare two strings with runs of ASCII digits compared by value: `协作函〔2026〕2号` sorts
/// before `协作函〔2026〕10号`.
fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut a, mut b) = (a, b);
    loop {
        match (a.chars().next(), b.chars().next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let (da, ra) = split_digits(a);
                let (db, rb) = split_digits(b);
                let (ta, tb) = (da.trim_start_matches('0'), db.trim_start_matches('0'));
                let by_value = ta.len().cmp(&tb.len()).then_with(|| ta.cmp(tb)).then_with(|| da.len().cmp(&db.len()));
                if by_value != Ordering::Equal {
                    return by_value;
                }
                (a, b) = (ra, rb);
            }
            (Some(x), Some(y)) => {
                if x != y {
                    return x.cmp(&y);
                }
                (a, b) = (&a[x.len_utf8()..], &b[y.len_utf8()..]);
            }
        }
    }
}

/// The leading run of ASCII digits of `s`, and the rest.
fn split_digits(s: &str) -> (&str, &str) {
    s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()))
}

#[cfg(test)]
mod tests {
    use super::{natural_cmp, place, BundlePart};
    use crate::layout::{Item, Laid, Page};
    use crate::model::{Document, PageNumbers, PageSetup};
    use std::cmp::Ordering::*;

    fn part(name: &str, sizes: &[(f32, f32)]) -> BundlePart {
        let doc = Document {
            title: name.into(),
            author: String::new(),
            date: None,
            page: PageSetup::a4_official(),
            page_numbers: PageNumbers::None,
            blocks: Vec::new(),
            styles: Vec::new(),
        };
        let pages = sizes.iter().map(|&(width, height)| Page { width, height, items: Vec::new() }).collect();
        BundlePart { bookmark: name.into(), doc, laid: Laid { pages, seals: Vec::new(), structure: Vec::new() } }
    }

    /// The one plan both writers draw: every document from an odd page (its first page's index
    /// even), a blank back page the size of its last after an odd count, an empty document one
    /// blank sheet of its page size (and its back page); a document with a NaN is an error.
    #[test]
    fn documents_are_placed_each_from_an_odd_page() {
        let a4 = PageSetup::a4_official();
        let (portrait, landscape) = ((a4.width, a4.height), (a4.height, a4.width));
        let parts = [
            part("三页", &[portrait, portrait, portrait]),
            part("空", &[]),
            part("两页", &[portrait, landscape]),
            part("横", &[landscape]),
        ];
        let placed: Vec<_> = place(parts).map(Result::unwrap).collect();
        let plan: Vec<(&str, usize, usize)> =
            placed.iter().map(|p| (p.bookmark.as_str(), p.first, p.pages.len())).collect();
        assert_eq!(plan, [("三页", 0, 4), ("空", 4, 2), ("两页", 6, 2), ("横", 8, 2)]);
        let size = |p: &Page| (p.width, p.height);
        assert_eq!(size(&placed[0].pages[3]), portrait);
        assert!(placed[1].pages.iter().all(|p| size(p) == portrait && p.items.is_empty()));
        assert_eq!(size(&placed[3].pages[1]), landscape, "the back page is the size of the page before it");

        let mut broken = part("坏", &[portrait]);
        let nan = Item::Line { x1: f32::NAN, y1: 0.0, x2: 1.0, y2: 1.0, width: 1.0, gray: 0.0, dash: None };
        broken.laid.pages[0].items.push(nan);
        let placed: Vec<_> = place([part("好", &[portrait]), broken]).collect();
        assert!(placed[0].is_ok() && placed[1].as_ref().is_err_and(|e| e.0.contains("无效的数值")));
    }

    #[test]
    fn numbers_in_ids_sort_by_value() {
        assert_eq!(natural_cmp("协作函〔2026〕2号", "协作函〔2026〕10号"), Less);
        assert_eq!(natural_cmp("协作函〔2026〕10号", "协作函〔2026〕9号"), Greater);
        assert_eq!(natural_cmp("协作函〔2025〕12号", "协作函〔2026〕1号"), Less);
        assert_eq!(natural_cmp("协作函〔2026〕3号", "协作函〔2026〕3号"), Equal);
        assert_eq!(natural_cmp("函3", "函03"), Less, "equal values: the shorter spelling first, never Equal");
        assert_eq!(natural_cmp("甲2", "乙1"), "甲".cmp("乙"));
        assert_eq!(natural_cmp("A", "A1"), Less);
    }
}
