//! Print bundles (`generate --bundle`): one PDF per form kind, `打印合集_<表单>.pdf`, holding
//! every document of that kind made in the run, in a stable order (编号 with its numbers
//! compared as numbers, then 收函部门), each starting on an odd page so duplex printing never
//! puts two documents on one sheet, with a bookmark per document, opening with the bookmarks
//! panel shown. Drawing and padding are `pdf::write_bundle`; this module chooses and orders the
//! documents, lays them out a few at a time (never the whole bundle at once), asks the viewer
//! to show the bookmarks, and writes the files.

use crate::forms::Form;
use crate::generate::{Job, WriteError};
use crate::output::{safe_file_name, ManifestEntry, OutDir};
use crate::pdf::{write_bundle, BundlePart};
use rayon::prelude::*;
use std::cmp::Ordering;

/// The manifest's 表单 column for bundle files, and their file names' prefix.
pub const BUNDLE_FORM: &str = "打印合集";

/// Author of a bundle whose documents come from more than one 发函部门.
const MIXED_AUTHOR: &str = "gongwen";

/// Write the print bundles for the documents of `jobs` into `out`, one per form (in the order
/// the forms first appear in `jobs`); returns their manifest lines. Documents are laid out in
/// parallel chunks on the current rayon pool and drawn in order, so memory holds a chunk's
/// layouts, not a bundle's.
pub fn write_bundles(jobs: &[Job], out: &OutDir) -> Result<Vec<ManifestEntry>, WriteError> {
    let mut forms: Vec<&Form> = Vec::new();
    for job in jobs {
        if !forms.iter().any(|f| std::ptr::eq(*f, job.form)) {
            forms.push(job.form);
        }
    }
    forms
        .par_iter()
        .map(|form| {
            let members: Vec<&Job> = jobs.iter().filter(|j| std::ptr::eq(j.form, *form)).collect();
            write_one(form, members, out)
        })
        .collect()
}

/// The bundle of one form's documents.
fn write_one(form: &Form, mut members: Vec<&Job>, out: &OutDir) -> Result<ManifestEntry, WriteError> {
    members.sort_by(|a, b| bundle_order(a, b));
    let title = format!("{BUNDLE_FORM}_{}", form.name);
    let first_sender = members.first().map(|j| j.request.from_dept.as_str()).unwrap_or_default();
    let author = if members.iter().all(|j| j.request.from_dept == first_sender) && !first_sender.is_empty() {
        first_sender
    } else {
        MIXED_AUTHOR
    };
    let date = members.iter().map(|j| j.request.date).max();
    let chunk = 2 * rayon::current_num_threads();
    let parts = members.chunks(chunk).flat_map(|chunk| chunk.par_iter().map(|job| lay_out(job)).collect::<Vec<_>>());
    let (bytes, pages) = write_bundle(&title, author, date, parts);
    let bytes = show_outlines(bytes);
    let file = safe_file_name(&title, "pdf");
    let sha256 = out.write(&file, &bytes).map_err(|error| WriteError { file: file.clone(), error })?;
    Ok(ManifestEntry {
        file,
        form: BUNDLE_FORM.into(),
        format: "pdf".into(),
        pages: Some(pages),
        sha256,
        status: "已生成".into(),
        note: format!("{} {} 份", form.name, members.len()),
        ..Default::default()
    })
}

/// One document, built and laid out, with its bookmark `编号 收函部门`.
fn lay_out(job: &Job) -> BundlePart {
    // Settled as for the single files, so the bundle pages as they do.
    let doc = crate::layout::settle(&job.form.build(job.request, &job.to_dept, &job.tasks));
    let laid = crate::layout::layout(&doc);
    BundlePart { bookmark: format!("{} {}", job.request.id, job.to_dept), doc, laid }
}

/// 编号 (numbers inside compared as numbers: 2号 before 10号), then 收函部门, then row: the
/// order a clerk files the letters in, each request's copies together.
fn bundle_order(a: &Job, b: &Job) -> Ordering {
    natural_cmp(&a.request.id, &b.request.id)
        .then_with(|| natural_cmp(&a.to_dept, &b.to_dept))
        .then_with(|| a.request.row.cmp(&b.request.row))
}

/// The bundle as a viewer should open it: with the bookmarks panel shown (`/PageMode
/// /UseOutlines` in the document catalog), so a clerk sees the list of letters at once.
///
/// krilla 0.8 writes the catalog itself and has no setting for the page mode (its `Metadata`
/// sets the page layout, not the mode), so the catalog is given a second revision in an
/// incremental update (ISO 32000-1 §7.5.6) appended to krilla's file: the catalog object again
/// with the key added, a cross-reference section for that one object and a trailer pointing
/// back to krilla's. Readers take the newest revision of an object; nothing of krilla's bytes
/// changes. Should krilla's file not look as expected (a classic cross-reference table, the
/// catalog a plain object), the bundle is left as krilla wrote it.
fn show_outlines(pdf: Vec<u8>) -> Vec<u8> {
    match outlines_update(&pdf) {
        Some(update) => [pdf, update].concat(),
        None => {
            debug_assert!(false, "krilla's PDF has an unexpected structure; /PageMode not set");
            pdf
        }
    }
}

/// The incremental update that adds `/PageMode /UseOutlines` to the catalog of `pdf`.
fn outlines_update(pdf: &[u8]) -> Option<Vec<u8>> {
    let find = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).position(|w| w == needle);
    let rfind = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).rposition(|w| w == needle);
    /// The unsigned number at the start of `bytes` (after white space), and what follows it.
    fn number(bytes: &[u8]) -> Option<(usize, &[u8])> {
        let bytes = bytes.trim_ascii_start();
        let end = bytes.iter().position(|b| !b.is_ascii_digit()).unwrap_or(bytes.len());
        Some((std::str::from_utf8(&bytes[..end]).ok()?.parse().ok()?, &bytes[end..]))
    }
    // The trailer (its dictionary ends before `startxref`) and where krilla's xref starts.
    let startxref_at = rfind(pdf, b"startxref")?;
    let (xref_offset, _) = number(&pdf[startxref_at + b"startxref".len()..])?;
    let trailer_at = rfind(&pdf[..startxref_at], b"trailer")?;
    let trailer = pdf[trailer_at + b"trailer".len()..startxref_at].trim_ascii();
    if find(trailer, b"/Prev").is_some() || !trailer.ends_with(b">>") {
        return None;
    }
    let (root, rest) = number(&trailer[find(trailer, b"/Root")? + b"/Root".len()..])?;
    let (generation, _) = number(rest)?;
    // The catalog's offset, from krilla's cross-reference table (`xref`, then subsections of
    // `first count` and 20-byte entries).
    let mut at = pdf.get(xref_offset..)?.strip_prefix(b"xref")?;
    let catalog_offset = loop {
        let (first, rest) = number(at)?;
        let (count, rest) = number(rest)?;
        let entries = rest.trim_ascii_start();
        if (first..first + count).contains(&root) {
            let entry = entries.get((root - first) * 20..(root - first + 1) * 20)?;
            break number(entry)?.0;
        }
        at = entries.get(count * 20..)?;
    };
    let object = pdf.get(catalog_offset..)?;
    let header = format!("{root} {generation} obj");
    let body = object.strip_prefix(header.as_bytes())?;
    let dict = body[..find(body, b"endobj")?].trim_ascii();
    if !dict.ends_with(b">>") || find(dict, b"/PageMode").is_some() || find(dict, b"/Type/Catalog").or(find(dict, b"/Type /Catalog")).is_none() {
        return None;
    }
    // The update: the catalog again, its xref entry, the trailer with /Prev.
    let mut update = Vec::new();
    let mut offset = pdf.len();
    if !pdf.ends_with(b"\n") {
        update.push(b'\n');
        offset += 1;
    }
    update.extend_from_slice(format!("{header}\n").as_bytes());
    update.extend_from_slice(&dict[..dict.len() - 2]);
    update.extend_from_slice(b"/PageMode/UseOutlines>>\nendobj\n");
    let new_xref = pdf.len() + update.len();
    update.extend_from_slice(format!("xref\n{root} 1\n{offset:010} {generation:05} n\r\ntrailer\n").as_bytes());
    update.extend_from_slice(&trailer[..trailer.len() - 2]);
    update.extend_from_slice(format!("/Prev {xref_offset}>>\nstartxref\n{new_xref}\n%%EOF\n").as_bytes());
    Some(update)
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
    use super::{natural_cmp, outlines_update};
    use std::cmp::Ordering::*;

    #[test]
    fn a_file_not_shaped_like_krillas_is_left_alone() {
        assert!(outlines_update(b"").is_none());
        assert!(outlines_update(b"%PDF-1.7\ntrailer\n<</Root 1 0 R>>\nstartxref\n999\n%%EOF").is_none());
        // Already updated once: a trailer with /Prev is not updated again.
        assert!(outlines_update(b"xref\n0 1\ntrailer\n<</Root 1 0 R/Prev 5>>\nstartxref\n0\n%%EOF").is_none());
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
