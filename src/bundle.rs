//! Print bundles (`generate --bundle`): one PDF per form kind, `打印合集_<表单>.pdf`, holding
//! every document of that kind made in the run, in a stable order (编号 with its numbers
//! compared as numbers, then 收函部门), each starting on an odd page so duplex printing never
//! puts two documents on one sheet, with a bookmark per document, opening with the bookmarks
//! panel shown. Drawing and padding are `pdf::write_bundle`; this module chooses and orders the
//! documents, lays them out a few at a time (never the whole bundle at once) and writes the
//! files, named by the run's name book like every other file.

use crate::forms::Form;
use crate::generate::{not_made, quiet_panics, Job, Stop};
use crate::oserror::reason_writing;
use crate::output::record::MADE;
use crate::output::{folder_wide, ManifestEntry, NameBook, OutDir};
use crate::pdf::{write_bundle, BundlePart};
use rayon::prelude::*;
use std::cmp::Ordering;

/// The manifest's 表单 column for bundle files, and their file names' prefix.
pub const BUNDLE_FORM: &str = "打印合集";

/// Author of a bundle whose documents come from more than one 发函部门.
const MIXED_AUTHOR: &str = "gongwen";

/// One bundle to write: a form's documents, and the file it goes to.
pub struct Bundle<'a> {
    pub form: &'a Form,
    /// Named by the run's one name book, after the documents: a document whose name comes
    /// out as a bundle's never has its file overwritten.
    pub file: String,
}

impl Bundle<'_> {
    /// Its manifest line before it is written (no status yet).
    pub(crate) fn line(&self) -> ManifestEntry {
        ManifestEntry { file: self.file.clone(), form: BUNDLE_FORM.into(), format: "pdf".into(), ..Default::default() }
    }
}

/// The bundles of the forms `kinds` (those with documents, in the order they first appear),
/// each named by `book`.
pub fn plan<'a>(kinds: &[&'a Form], book: &mut NameBook) -> Vec<Bundle<'a>> {
    kinds.iter().map(|form| Bundle { form, file: book.claim(&format!("{BUNDLE_FORM}_{}", form.name), "pdf") }).collect()
}

/// A bundle's manifest line and, if its write failed for the whole folder, that failure.
pub struct Written {
    pub line: ManifestEntry,
    pub fatal: Option<(String, std::io::Error)>,
}

/// Write `bundles` of the documents of `jobs` into `out`; returns their manifest lines (a
/// bundle whose writer fails or panics is a 未生成 line). Documents are laid out in parallel
/// chunks on the current rayon pool and drawn in order, so memory holds a chunk's layouts, not
/// a bundle's. A bundle interrupted by `stop` is not written (and has no line).
pub fn write_bundles(bundles: &[Bundle], jobs: &[Job], out: &OutDir, stop: &Stop) -> Vec<Written> {
    bundles
        .par_iter()
        .filter_map(|bundle| {
            let members: Vec<&Job> = jobs.iter().filter(|j| std::ptr::eq(j.form, bundle.form)).collect();
            write_one(bundle, members, out, stop)
        })
        .collect()
}

/// The bundle of one form's documents.
fn write_one(bundle: &Bundle, mut members: Vec<&Job>, out: &OutDir, stop: &Stop) -> Option<Written> {
    let form = bundle.form;
    members.sort_by(|a, b| bundle_order(a, b));
    let line = ManifestEntry { note: format!("{} {} 份", form.name, members.len()), ..bundle.line() };
    let title = format!("{BUNDLE_FORM}_{}", form.name);
    write_parts(&bundle.file, &title, line, &members, |job| format!("{} {}", job.request.id, job.to_dept), out, stop)
}

/// 表单 of a request's packet (`generate --packet`) in the manifest, and its file names' ending.
pub const PACKET_FORM: &str = "审批合订";

/// One request's packet: every document made for it, in the order they were made (the forms'
/// order: letters, application form, task list …), one PDF to attach to its approval.
pub struct Packet {
    /// Named by the run's name book, right after the request's documents.
    pub file: String,
    /// Its documents: indexes into the window's jobs.
    pub jobs: std::ops::Range<usize>,
}

impl Packet {
    /// Its manifest line before it is written (no status yet).
    pub(crate) fn line(&self, jobs: &[Job]) -> ManifestEntry {
        let first = &jobs[self.jobs.start];
        ManifestEntry {
            file: self.file.clone(),
            form: PACKET_FORM.into(),
            format: "pdf".into(),
            source: first.place.clone(),
            id: first.request.id.clone(),
            to_dept: first.request.to_depts.join("、"),
            ..Default::default()
        }
    }

    /// Lay out its documents and write the packet; a bookmark per document (`工作联系函 研发中心`).
    pub(crate) fn write(&self, jobs: &[Job], out: &OutDir, stop: &Stop) -> Option<Written> {
        let members: Vec<&Job> = jobs[self.jobs.clone()].iter().collect();
        let mut kinds: Vec<(&str, usize)> = Vec::new();
        for job in &members {
            match kinds.iter_mut().find(|(name, _)| *name == job.form.name) {
                Some(k) => k.1 += 1,
                None => kinds.push((&job.form.name, 1)),
            }
        }
        let note = kinds.iter().map(|(name, n)| format!("{name} {n} 份")).collect::<Vec<_>>().join("、");
        let line = ManifestEntry { note, ..self.line(jobs) };
        let title = format!("{}_{PACKET_FORM}", members[0].request.id);
        // A letter per receiving department is told by it; a form per request by its name.
        let bookmark = |job: &Job| match job.form.per {
            crate::forms::Per::Receiver => format!("{} {}", job.form.name, job.to_dept),
            crate::forms::Per::Row => job.form.name.clone(),
        };
        write_parts(&self.file, &title, line, &members, bookmark, out, stop)
    }
}

/// Lay out `members` a few at a time on the current rayon pool, draw them into one PDF (each
/// from an odd page, bookmarked by `bookmark`) and write it as `file`; `line` is its manifest
/// line. `None` when interrupted by `stop` (nothing is written).
fn write_parts(
    file: &str,
    title: &str,
    line: ManifestEntry,
    members: &[&Job],
    bookmark: impl Fn(&Job) -> String + Sync,
    out: &OutDir,
    stop: &Stop,
) -> Option<Written> {
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
    let drawn = quiet_panics(|| {
        let mut broken = false;
        let parts = parts.map_while(|p| {
            broken |= p.is_none();
            p
        });
        let written = write_bundle(title, author, date, crate::pdf::Standard::Plain, parts);
        (written, broken)
    });
    if stop.requested() {
        return None;
    }
    const BROKEN: &str = "合集中有文件生成时程序出错（程序内部错误，请报告给维护者）";
    let (bytes, pages) = match drawn {
        Some((Ok(written), false)) => written,
        Some((Err(e), _)) => return Some(Written { line: not_made(line, e.to_string()), fatal: None }),
        Some((Ok(_), true)) | None => return Some(Written { line: not_made(line, BROKEN.into()), fatal: None }),
    };
    let line = match out.write(file, &bytes) {
        Ok(sha256) => ManifestEntry { pages: Some(pages), sha256, status: MADE.into(), ..line },
        Err(error) if folder_wide(&error) => {
            return Some(Written {
                line: not_made(line, reason_writing(&error)),
                fatal: Some((file.to_string(), error)),
            })
        }
        Err(error) => not_made(line, format!("无法写入此文件：{}", reason_writing(&error))),
    };
    Some(Written { line, fatal: None })
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
    use super::natural_cmp;
    use std::cmp::Ordering::*;

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
