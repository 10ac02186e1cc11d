//! The manifest as the record of what is in the output folder, across runs and interruptions.
//!
//! A run reads the manifest the run before it left (the only record of which files in the
//! folder gongwen wrote, and with what SHA-256), and rewrites `manifest.csv` — whole, through a
//! temporary file and a rename — at checkpoints: before the first file is written, before each
//! batch, and once at the end, also when the run is interrupted or a write fails. Each version
//! lists this run's lines so far, the batch being written (状态 写入中: those files are
//! complete, but may still be the earlier run's version), and the earlier run's files still
//! in the folder (上次生成 while this run may still remake them, 过期 when it never will). So
//! whenever the process stops — even killed — the manifest in the folder describes the files in
//! it, and never gives a file a SHA-256 it does not have.
//!
//! The earlier run's files this run does not make again are stale: listed (过期), and with
//! `--clean` removed — only those the earlier manifest names, only when their content still has
//! the recorded SHA-256 (a file someone changed is kept, and no longer listed as gongwen's).

use super::{ManifestEntry, OutDir, LOCK_NAME, MANIFEST_HEADER, MANIFEST_NAME, TMP_PREFIX};
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

/// 状态 of a file this run wrote.
pub const MADE: &str = "已生成";
/// 状态 of a document or row this run could not make (the reason in 说明).
pub const NOT_MADE: &str = "未生成";
/// 状态 of the files being written when the manifest was last rewritten: seen only when the
/// run was killed in the middle of a batch.
pub const WRITING: &str = "写入中";
/// 状态 of an earlier run's file that this run will make again but had not yet.
pub const EARLIER: &str = "上次生成";
/// 状态 of an earlier run's file that this run does not make: stale.
pub const STALE: &str = "过期";

/// A manifest larger than this is not read back (no run of ours writes one near it; a larger
/// file is not ours to trust).
const MAX_EARLIER_MANIFEST: u64 = 64 << 20;

/// This run's manifest lines and the earlier run's files, written out at checkpoints.
///
/// This run's lines are not held: each is written as it comes to a temporary file in the
/// output folder (deleted when the record is dropped, swept by the next run if the process is
/// killed), which every checkpoint copies. What the run needs of them afterwards — files made
/// per form and format, the files not made — is counted as they come.
pub struct Record {
    earlier: Vec<ManifestEntry>,
    /// The earlier run's files this run will make (names this run plans are not kept: only
    /// the earlier files are ever looked up).
    planned: HashSet<String>,
    /// The earlier run's files this run has made.
    written: HashSet<String>,
    /// The earlier run's file names.
    known: HashSet<String>,
    /// The earlier run's files of requests this run does not touch (a run of some rows only):
    /// listed as they were, never stale.
    untouched: Vec<ManifestEntry>,
    /// This run's lines so far, as CSV; `None` until the first, or after a write failed.
    lines: Option<std::io::BufWriter<tempfile::NamedTempFile>>,
    /// Why writing them failed, when it did: the next checkpoint returns it.
    failure: Option<std::io::Error>,
    /// Files made per (form, format).
    counts: Vec<(String, String, usize)>,
    /// The lines of documents' files not made.
    failed: Vec<ManifestEntry>,
}

/// What became of the earlier run's files that this run does not make (see [`Record::settle`]).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Stale {
    /// Still in the folder, unchanged since written, listed as 过期.
    pub kept: Vec<String>,
    /// Removed (`--clean`).
    pub removed: Vec<String>,
    /// Changed since the earlier run wrote them: neither removed nor listed any more.
    pub changed: Vec<String>,
    /// Being written when the earlier run was killed (写入中, no SHA-256 recorded): complete
    /// and gongwen's, but whether someone changed them since cannot be told, so never removed.
    pub unverified: Vec<String>,
}

impl Record {
    /// A record for a run that will write the files `planned` into `out`.
    pub fn new<'a>(out: &OutDir, planned: impl IntoIterator<Item = &'a str>) -> Record {
        let earlier = out.earlier().to_vec();
        let known: HashSet<String> = earlier.iter().map(|l| l.file.clone()).collect();
        let planned = planned.into_iter().filter(|f| known.contains(*f)).map(str::to_string).collect();
        Record {
            earlier,
            planned,
            written: HashSet::new(),
            known,
            untouched: Vec::new(),
            lines: None,
            failure: None,
            counts: Vec::new(),
            failed: Vec::new(),
        }
    }

    /// Add one of this run's lines.
    pub fn push(&mut self, out: &OutDir, line: ManifestEntry) {
        let is_file = !line.format.is_empty();
        if line.status == MADE && is_file {
            match self.counts.iter_mut().find(|(f, fm, _)| *f == line.form && *fm == line.format) {
                Some(c) => c.2 += 1,
                None => self.counts.push((line.form.clone(), line.format.clone(), 1)),
            }
        }
        if line.status == MADE && !line.file.is_empty() && self.known.contains(&line.file) {
            self.written.insert(line.file.clone());
        }
        if line.status == NOT_MADE && is_file {
            self.failed.push(line.clone());
        }
        if self.failure.is_some() {
            return;
        }
        let written = match self.lines.as_mut() {
            Some(lines) => line.csv().and_then(|bytes| lines.write_all(&bytes)),
            None => out.temp_file().and_then(|file| {
                let mut lines = std::io::BufWriter::new(file);
                lines.write_all(&line.csv()?)?;
                self.lines = Some(lines);
                Ok(())
            }),
        };
        if let Err(e) = written {
            self.failure = Some(e);
            self.lines = None;
        }
    }

    /// This run makes only the requests with 编号 in `ids` (`--rows`, `--id`): the earlier run's
    /// files of other requests are left as they are, listed as they were.
    pub fn only_for(&mut self, ids: &HashSet<&str>) {
        let (untouched, earlier) = std::mem::take(&mut self.earlier)
            .into_iter()
            .partition(|l| !l.id.is_empty() && !ids.contains(l.id.as_str()));
        self.untouched = untouched;
        self.earlier = earlier;
    }

    /// Files made, per (form, format), in the order first made.
    pub fn counts(&self) -> &[(String, String, usize)] {
        &self.counts
    }

    /// The lines of documents' files this run could not make.
    pub fn failed(&self) -> &[ManifestEntry] {
        &self.failed
    }

    /// Rewrite `manifest.csv`: this run's lines, then `writing` (the files about to be written,
    /// as 写入中), then the earlier run's files not yet replaced. Returns the manifest's path.
    pub fn checkpoint(&mut self, out: &OutDir, writing: &[ManifestEntry]) -> std::io::Result<PathBuf> {
        if let Some(e) = &self.failure {
            return Err(std::io::Error::new(e.kind(), e.to_string()));
        }
        let mut manifest = super::Manifest::create(out)?;
        if let Some(lines) = self.lines.as_mut() {
            lines.flush()?;
            manifest.push_written(&mut lines.get_ref().reopen()?)?;
        }
        let mut busy: HashSet<&str> = HashSet::new();
        for line in writing {
            busy.insert(&line.file);
            manifest.push(&ManifestEntry {
                status: WRITING.into(),
                sha256: String::new(),
                pages: None,
                note: "运行停止时正在写入：此文件若在，是完整的，但可能仍是上次生成的版本".into(),
                ..line.clone()
            })?;
        }
        for line in &self.untouched {
            if !self.written.contains(&line.file) && !busy.contains(line.file.as_str()) {
                manifest.push(line)?;
            }
        }
        for line in &self.earlier {
            if self.written.contains(&line.file) || busy.contains(line.file.as_str()) {
                continue;
            }
            let (status, note) = match (self.planned.contains(&line.file), line.sha256.is_empty()) {
                (true, _) => (EARLIER, "上次运行生成，本次尚未重新生成"),
                (false, false) => (STALE, "上次运行生成，本次不再生成，可能已过时（加 --clean 删除）"),
                (false, true) => (STALE, "上次运行被终止时正在写入（未记录 SHA-256），本次不再生成，可能已过时"),
            };
            manifest.push(&ManifestEntry { status: status.into(), note: note.into(), ..line.clone() })?;
        }
        manifest.finish()
    }

    /// At the end of a run that made everything it could: check the earlier run's files this
    /// run did not make against their recorded SHA-256, and with `clean` remove those that
    /// match. A changed file is never removed, and is no longer listed; one without a recorded
    /// SHA-256 (写入中 when the earlier run was killed) is kept and listed.
    pub fn settle(&mut self, out: &OutDir, clean: bool) -> Stale {
        let mut stale = Stale::default();
        let mut keep = Vec::new();
        for line in std::mem::take(&mut self.earlier) {
            if self.written.contains(&line.file) || self.planned.contains(&line.file) {
                keep.push(line);
                continue;
            }
            let path = out.path().join(&line.file);
            if line.sha256.is_empty() {
                if std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
                    stale.unverified.push(line.file.clone());
                    keep.push(line);
                }
                continue;
            }
            match unchanged(&path, &line.sha256) {
                Some(true) if clean => match std::fs::remove_file(&path) {
                    Ok(()) => stale.removed.push(line.file.clone()),
                    Err(_) => {
                        stale.kept.push(line.file.clone());
                        keep.push(line);
                    }
                },
                Some(true) => {
                    stale.kept.push(line.file.clone());
                    keep.push(line);
                }
                Some(false) => stale.changed.push(line.file.clone()),
                // Gone meanwhile: nothing to list.
                None => {}
            }
        }
        self.earlier = keep;
        stale
    }
}

/// Whether the regular file at `path` still has the SHA-256 `sha256` (hex); `None` when it is
/// no longer a regular file. A link is never followed.
fn unchanged(path: &Path, sha256: &str) -> Option<bool> {
    if !std::fs::symlink_metadata(path).ok()?.is_file() {
        return None;
    }
    if sha256.len() != 64 {
        return Some(false);
    }
    let mut file = std::fs::File::open(path).ok()?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut file, &mut hasher).ok()?;
    let digest: String = hasher.finalize().iter().map(|b| format!("{b:02x}")).collect();
    Some(digest.eq_ignore_ascii_case(sha256))
}

/// The lines of the manifest in `root` that name a file gongwen wrote which is still there as
/// a regular file (one line per file). A missing, unreadable, oversized or foreign manifest
/// gives none: then there is no record of an earlier run.
pub(super) fn read_earlier(root: &Path) -> Vec<ManifestEntry> {
    let path = root.join(MANIFEST_NAME);
    let Ok(meta) = std::fs::symlink_metadata(&path) else { return Vec::new() };
    if !meta.is_file() || meta.len() > MAX_EARLIER_MANIFEST {
        return Vec::new();
    }
    let Ok(bytes) = std::fs::read(&path) else { return Vec::new() };
    let text = String::from_utf8_lossy(&bytes);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut csv = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    match csv.headers() {
        Ok(h) if h.iter().eq(MANIFEST_HEADER) => {}
        _ => return Vec::new(),
    }
    let mut seen = HashSet::new();
    let mut lines = Vec::new();
    for record in csv.records().map_while(Result::ok) {
        let cell = |i: usize| record.get(i).unwrap_or_default().to_string();
        let status = cell(8);
        if ![MADE, WRITING, EARLIER, STALE].contains(&status.as_str()) {
            continue;
        }
        let Some(file) = our_file(root, &cell(0)) else { continue };
        if !seen.insert(file.clone()) {
            continue;
        }
        lines.push(ManifestEntry {
            file,
            form: cell(1),
            format: cell(2),
            source: cell(3),
            id: cell(4),
            to_dept: cell(5),
            pages: cell(6).parse().ok(),
            sha256: cell(7),
            status,
            note: cell(9),
        });
    }
    lines
}

/// The name in a manifest's 文件 cell, if it names a regular file directly in `root` that a
/// run could have written: never a path, a link, the manifest, the lock or a temporary file.
/// A cell written with a leading `'` (a spreadsheet's mark for "text, not a formula") is
/// also tried without it.
fn our_file(root: &Path, cell: &str) -> Option<String> {
    let candidates = [Some(cell), cell.strip_prefix('\'')];
    candidates.into_iter().flatten().find_map(|name| {
        let plain = !name.is_empty()
            && !name.contains(['/', '\\', '\0'])
            && name != "."
            && name != ".."
            && name != MANIFEST_NAME
            && name != LOCK_NAME
            && !name.starts_with(TMP_PREFIX);
        let regular = plain && std::fs::symlink_metadata(root.join(name)).is_ok_and(|m| m.is_file());
        regular.then(|| name.to_string())
    })
}
