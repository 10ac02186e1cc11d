//! The output folder: complete-or-absent writes (temporary file, then
//! rename) that never leave the folder, and `manifest.csv` (FORMS.md §6).

use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};

pub mod record;
pub use record::Record;

// Names are made in `crate::names` (the one name book); re-exported here, where the
// writers look for them.
pub use crate::names::{safe_file_name, NameBook, MAX_NAME_BYTES};

/// The output folder of one run: created if needed, locked for the run (a second run into it
/// is refused, see [`OpenError::Busy`]), swept of the temporary files a killed run left, and
/// read for the manifest of the run before ([`OutDir::earlier`]).
pub struct OutDir {
    root: PathBuf,
    /// Held (locked) for the life of the run; the OS drops the lock when the process ends,
    /// however it ends, so a killed run never blocks the next.
    _lock: std::fs::File,
    swept: usize,
    earlier: Vec<ManifestEntry>,
}

/// The lock file every run holds in the output folder. It stays there between runs (removing
/// it would let a third run lock a fresh file while a second still waits on the old one).
pub const LOCK_NAME: &str = ".gongwen.lock";
/// Temporary files are `.gongwen-<random>.tmp` in the output folder itself (a rename is atomic
/// only within one file system); the next run deletes any a killed run left.
const TMP_PREFIX: &str = ".gongwen-";
const TMP_SUFFIX: &str = ".tmp";

/// Why the output folder cannot be used; the message is the user's (Chinese, with the path).
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("输出路径 {0} 是一个文件，不是文件夹；请用 -o 指定一个文件夹")]
    NotAFolder(PathBuf),
    #[error("另一个 gongwen 正在向输出文件夹 {0} 写入文件；请等它结束后再运行，或用 -o 换一个文件夹")]
    Busy(PathBuf),
    #[error("无法使用输出文件夹 {path}：{}；请用 -o 换一个文件夹", crate::oserror::reason_writing(.error))]
    Io { path: PathBuf, error: std::io::Error },
}

impl OutDir {
    /// Create the folder (and its parents) if needed, take its lock, delete the temporary
    /// files a killed run left (only `.gongwen-*.tmp`, only in this folder) and read the
    /// earlier run's manifest.
    pub fn open(root: &Path) -> Result<OutDir, OpenError> {
        let io = |error| OpenError::Io { path: root.to_path_buf(), error };
        if std::fs::metadata(root).is_ok_and(|m| !m.is_dir()) {
            return Err(OpenError::NotAFolder(root.to_path_buf()));
        }
        std::fs::create_dir_all(root).map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists | std::io::ErrorKind::NotADirectory => {
                OpenError::NotAFolder(root.to_path_buf())
            }
            _ => io(e),
        })?;
        let lock = open_lock(&root.join(LOCK_NAME)).map_err(io)?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => return Err(OpenError::Busy(root.to_path_buf())),
            Err(std::fs::TryLockError::Error(e)) => return Err(io(e)),
        }
        let swept = sweep(root).map_err(io)?;
        let earlier = crate::output::record::read_earlier(root);
        Ok(OutDir { root: root.to_path_buf(), _lock: lock, swept, earlier })
    }

    /// An [`OutDir::open`] for tests and tools that do not care why it failed.
    pub fn create(root: &Path) -> std::io::Result<OutDir> {
        OutDir::open(root).map_err(|e| std::io::Error::other(e.to_string()))
    }

    pub fn path(&self) -> &Path {
        &self.root
    }

    /// How many temporary files of a killed run were deleted when the folder was opened.
    pub fn swept(&self) -> usize {
        self.swept
    }

    /// The files the earlier run's manifest lists that are still in the folder (as regular
    /// files), each with its line; empty for a fresh folder.
    pub fn earlier(&self) -> &[ManifestEntry] {
        &self.earlier
    }

    /// What a user should know about the folder before the run: the earlier run's files in it,
    /// the temporary files a killed run left (deleted). Chinese, one line each.
    pub fn notices(&self) -> Vec<String> {
        let mut notices = Vec::new();
        if self.swept > 0 {
            notices.push(format!(
                "警告：输出文件夹 {} 中有 {} 个上次运行中断时留下的临时文件（.gongwen-*.tmp），已删除",
                self.root.display(),
                self.swept
            ));
        }
        if !self.earlier.is_empty() {
            notices.push(format!(
                "警告：输出文件夹 {} 中已有上次生成的文件 {} 个（见其中的 {MANIFEST_NAME}）：同名的文件将被替换，本次不再生成的文件会在结束时列出",
                self.root.display(),
                self.earlier.len()
            ));
        }
        notices
    }

    /// Write `bytes` as `name` inside the folder: first to a temporary file in the same
    /// folder, then renamed, so the file is complete or absent. Returns the SHA-256 (hex).
    /// The rename replaces whatever has the name — a symbolic link is replaced, never
    /// followed — and a failed write leaves no temporary file behind.
    pub fn write(&self, name: &str, bytes: &[u8]) -> std::io::Result<String> {
        assert!(!name.contains(['/', '\\']) && name != ".." && name != ".", "unsafe file name {name:?}");
        let mut tmp = self.temp_file()?;
        // No fsync per file: the rename already makes each file appear complete or not at
        // all, and syncing thousands of small files costs more than making them.
        tmp.write_all(bytes)?;
        publish(tmp, &self.root.join(name))?;
        Ok(sha256_hex(bytes))
    }

    fn temp_file(&self) -> std::io::Result<tempfile::NamedTempFile> {
        tempfile::Builder::new().prefix(TMP_PREFIX).suffix(TMP_SUFFIX).tempfile_in(&self.root)
    }
}

/// Open (creating) the lock file without following a symbolic link: a link planted under its
/// name is removed (the link, not what it points to) and a plain file made in its place.
fn open_lock(path: &Path) -> std::io::Result<std::fs::File> {
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        std::fs::remove_file(path)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW);
    }
    options.open(path)
}

/// Delete the temporary files (`.gongwen-*.tmp`) a killed run left in `root`; nothing else,
/// nothing in subfolders. Called with the folder's lock held, so no live run owns them.
fn sweep(root: &Path) -> std::io::Result<usize> {
    let mut swept = 0;
    for entry in std::fs::read_dir(root)? {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        // The entry's own type: a link is removed as a link, never followed.
        let kind = entry.file_type()?;
        if name.starts_with(TMP_PREFIX) && name.ends_with(TMP_SUFFIX) && (kind.is_file() || kind.is_symlink()) {
            std::fs::remove_file(entry.path())?;
            swept += 1;
        }
    }
    Ok(swept)
}

/// Whether a write error is the folder's (full, read-only, gone …), so every further file would
/// fail the same way, rather than one file's (a folder already has its name …).
pub fn folder_wide(e: &std::io::Error) -> bool {
    use std::io::ErrorKind as K;
    matches!(
        e.kind(),
        K::StorageFull | K::QuotaExceeded | K::ReadOnlyFilesystem | K::PermissionDenied | K::NotFound | K::FileTooLarge
    )
}

/// Give a finished temporary file ordinary permissions (temporary files are private, 0600)
/// and rename it to `path`: the file appears complete or not at all.
fn publish(tmp: tempfile::NamedTempFile, path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file().set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// One line of the manifest.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ManifestEntry {
    /// File name in the output folder; empty for a row that was not generated.
    pub file: String,
    /// Form name (工作联系函 …).
    pub form: String,
    /// `docx` / `pdf`; empty for a row that was not generated.
    pub format: String,
    /// Sheet and row, e.g. `协作需求!7`.
    pub source: String,
    pub id: String,
    pub to_dept: String,
    pub pages: Option<usize>,
    pub sha256: String,
    /// `已生成` or `未生成`.
    pub status: String,
    /// Why it was not generated.
    pub note: String,
}

pub const MANIFEST_NAME: &str = "manifest.csv";
const MANIFEST_HEADER: [&str; 10] =
    ["文件", "表单", "格式", "来源行", "编号", "收函部门", "页数", "SHA-256", "状态", "说明"];

/// `cell` as a spreadsheet will show it and never run it: a cell starting with `=`, `+`, `-`,
/// `@`, a tab or a line break would be taken by Excel or LibreOffice for a formula (OWASP "CSV
/// injection": `=HYPERLINK(…)` in a 编号 becomes a live link), so it gets a leading `'`. File
/// names never start so (`names` guards them), so the 文件 column is always the true name.
fn inert_cell(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r', '\n']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// `manifest.csv` (UTF-8 with BOM so Excel opens it right), written line by line to a
/// temporary file that becomes `manifest.csv` only when complete.
pub struct Manifest {
    out: std::io::BufWriter<tempfile::NamedTempFile>,
    path: PathBuf,
}

/// One manifest line as CSV (its cells made inert), ending in a line break.
fn csv_line<'a>(cells: impl IntoIterator<Item = &'a str>) -> std::io::Result<Vec<u8>> {
    let mut csv = csv::Writer::from_writer(Vec::new());
    csv.write_record(cells.into_iter().map(|c| inert_cell(c).into_owned()))?;
    csv.into_inner().map_err(|e| e.into_error())
}

impl ManifestEntry {
    /// The line as written to the manifest.
    pub(crate) fn csv(&self) -> std::io::Result<Vec<u8>> {
        let pages = self.pages.map(|p| p.to_string()).unwrap_or_default();
        csv_line([
            &*self.file,
            &self.form,
            &self.format,
            &self.source,
            &self.id,
            &self.to_dept,
            &pages,
            &self.sha256,
            &self.status,
            &self.note,
        ])
    }
}

impl Manifest {
    pub fn create(out: &OutDir) -> std::io::Result<Manifest> {
        let mut manifest =
            Manifest { out: std::io::BufWriter::new(out.temp_file()?), path: out.root.join(MANIFEST_NAME) };
        manifest.out.write_all("\u{feff}".as_bytes())?;
        manifest.out.write_all(&csv_line(MANIFEST_HEADER)?)?;
        Ok(manifest)
    }

    pub fn push(&mut self, e: &ManifestEntry) -> std::io::Result<()> {
        self.out.write_all(&e.csv()?)
    }

    /// Lines already written as CSV ([`ManifestEntry::csv`]), copied as they are.
    pub fn push_written(&mut self, lines: &mut impl std::io::Read) -> std::io::Result<()> {
        std::io::copy(lines, &mut self.out).map(|_| ())
    }

    /// Flush and put the manifest in place; returns its path.
    pub fn finish(self) -> std::io::Result<PathBuf> {
        let tmp = self.out.into_inner().map_err(|e| e.into_error())?;
        publish(tmp, &self.path)?;
        Ok(self.path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_are_complete_and_manifest_has_bom() {
        let dir = tempfile::tempdir().unwrap();
        let out = OutDir::create(&dir.path().join("o")).unwrap();
        let sha = out.write("x.pdf", b"abc").unwrap();
        assert_eq!(sha, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        let e = ManifestEntry {
            file: "x.pdf".into(),
            form: "工作联系函".into(),
            format: "pdf".into(),
            source: "协作需求!2".into(),
            id: "协作函〔2026〕1号".into(),
            to_dept: "财务部".into(),
            pages: Some(2),
            sha256: sha,
            status: "已生成".into(),
            note: String::new(),
        };
        let mut m = Manifest::create(&out).unwrap();
        m.push(&e).unwrap();
        let path = m.finish().unwrap();
        let text = std::fs::read_to_string(path).unwrap();
        assert!(text.starts_with('\u{feff}'));
        assert!(text.contains("x.pdf,工作联系函,pdf,协作需求!2,协作函〔2026〕1号,财务部,2,ba78"));
        let leftovers: Vec<_> = std::fs::read_dir(out.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
    }

    /// Read back as a spreadsheet reads it, no cell of the manifest starts a formula.
    #[test]
    fn manifest_cells_are_never_formulas() {
        let dir = tempfile::tempdir().unwrap();
        let out = OutDir::create(dir.path()).unwrap();
        let mut m = Manifest::create(&out).unwrap();
        let hostile = ["=1+1", "+86 10", "-2", "@SUM(A1)", "\tx", "\r=1", "\n=1", "=HYPERLINK(\"http://x\",\"y\")"];
        for h in hostile {
            let e = ManifestEntry {
                id: h.into(),
                to_dept: h.into(),
                note: h.into(),
                source: h.into(),
                status: "未生成".into(),
                ..Default::default()
            };
            m.push(&e).unwrap();
        }
        m.push(&ManifestEntry { id: "协作函〔2026〕1号".into(), note: "a=b-c".into(), ..Default::default() }).unwrap();
        let text = std::fs::read_to_string(m.finish().unwrap()).unwrap();
        let mut r =
            csv::ReaderBuilder::new().has_headers(true).from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
        assert_eq!(rows.len(), hostile.len() + 1);
        for (row, h) in rows.iter().zip(hostile) {
            for col in [3, 4, 5, 9] {
                assert_eq!(&row[col], format!("'{h}"), "{row:?}");
            }
        }
        assert_eq!(&rows[hostile.len()][4], "协作函〔2026〕1号");
        assert_eq!(&rows[hostile.len()][9], "a=b-c");
    }
}
