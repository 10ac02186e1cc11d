//! The output folder: complete-or-absent writes (temporary file, then
//! rename) that never leave the folder, and `manifest.csv` (FORMS.md §6).

use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};

// Names are made in `crate::names` (the one name book); re-exported here, where the
// writers look for them.
pub use crate::names::{safe_file_name, NameBook, MAX_NAME_BYTES};

/// The output folder.
pub struct OutDir {
    root: PathBuf,
}

impl OutDir {
    /// Create the folder (and its parents) if needed.
    pub fn create(root: &Path) -> std::io::Result<OutDir> {
        std::fs::create_dir_all(root)?;
        Ok(OutDir { root: root.to_path_buf() })
    }

    pub fn path(&self) -> &Path {
        &self.root
    }

    /// Write `bytes` as `name` inside the folder: first to a temporary file in the same
    /// folder, then renamed, so the file is complete or absent. Returns the SHA-256 (hex).
    pub fn write(&self, name: &str, bytes: &[u8]) -> std::io::Result<String> {
        assert!(!name.contains(['/', '\\']) && name != ".." && name != ".", "unsafe file name {name:?}");
        let mut tmp = tempfile::Builder::new().prefix(".gongwen-").suffix(".tmp").tempfile_in(&self.root)?;
        // No fsync per file: the rename already makes each file appear complete or not at
        // all, and syncing thousands of small files costs more than making them.
        tmp.write_all(bytes)?;
        publish(tmp, &self.root.join(name))?;
        Ok(sha256_hex(bytes))
    }
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

/// `manifest.csv` (UTF-8 with BOM so Excel opens it right), written line by line as
/// documents are made — nothing of the run is held in memory for it — to a temporary file
/// that becomes `manifest.csv` only when complete.
pub struct Manifest {
    csv: csv::Writer<std::io::BufWriter<tempfile::NamedTempFile>>,
    path: PathBuf,
}

impl Manifest {
    pub fn create(out: &OutDir) -> std::io::Result<Manifest> {
        let mut tmp = tempfile::Builder::new().prefix(".gongwen-").suffix(".tmp").tempfile_in(&out.root)?;
        tmp.write_all("\u{feff}".as_bytes())?;
        let mut csv = csv::Writer::from_writer(std::io::BufWriter::new(tmp));
        csv.write_record(MANIFEST_HEADER)?;
        Ok(Manifest { csv, path: out.root.join(MANIFEST_NAME) })
    }

    pub fn push(&mut self, e: &ManifestEntry) -> std::io::Result<()> {
        let pages = e.pages.map(|p| p.to_string()).unwrap_or_default();
        let cells = [&e.file, &e.form, &e.format, &e.source, &e.id, &e.to_dept, &pages, &e.sha256, &e.status, &e.note];
        self.csv.write_record(cells.map(|c| inert_cell(c).into_owned()))?;
        Ok(())
    }

    /// Flush and put the manifest in place; returns its path.
    pub fn finish(self) -> std::io::Result<PathBuf> {
        let tmp = self.csv.into_inner().map_err(|e| e.into_error())?.into_inner().map_err(|e| e.into_error())?;
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
