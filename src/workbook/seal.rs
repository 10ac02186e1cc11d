//! Electronic seal images: a `印章` cell (a PNG path relative to the workbook) or a
//! `--seal 部门=FILE.png` option, checked and loaded once per file. A path that leaves the
//! workbook's folder, a missing file or a file that is not a PNG is a problem for that seal
//! only (the documents are still made, with the seal area left clear).

use crate::model::SealImage;
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// Loads each seal file once; paths in cells are confined to the workbook's folder.
pub struct SealLoader {
    base: PathBuf,
    width_mm: f32,
    loaded: HashMap<PathBuf, Result<SealImage, String>>,
}

impl SealLoader {
    /// `base`: the workbook's folder; `width_mm`: printed seal width.
    pub fn new(base: &Path, width_mm: f32) -> SealLoader {
        SealLoader { base: base.to_path_buf(), width_mm, loaded: HashMap::new() }
    }

    /// A seal named in a cell: relative to the workbook's folder and never outside it.
    pub fn from_cell(&mut self, text: &str) -> Result<SealImage, String> {
        let rel = Path::new(text.trim());
        let escapes = rel.is_absolute()
            || rel.components().any(|c| matches!(c, Component::ParentDir | Component::Prefix(_) | Component::RootDir));
        if escapes {
            return Err(format!(
                "印章：“{text}”不在工作簿所在文件夹内；请把图片放在工作簿旁边，填写相对路径，如 印章/行政部.png"
            ));
        }
        let path = self.base.join(rel);
        // A symbolic link inside the folder may still point outside it.
        if let (Ok(real), Ok(base)) = (path.canonicalize(), self.base.canonicalize()) {
            if !real.starts_with(&base) {
                return Err(format!("印章：“{text}”指向工作簿所在文件夹之外，已忽略"));
            }
        }
        self.load(&path, text)
    }

    /// A seal given on the command line (any path the user names).
    pub fn from_path(&mut self, path: &Path) -> Result<SealImage, String> {
        self.load(path, &path.display().to_string())
    }

    fn load(&mut self, path: &Path, shown: &str) -> Result<SealImage, String> {
        let width_mm = self.width_mm;
        self.loaded.entry(path.to_path_buf()).or_insert_with(|| read_png(path, shown, width_mm)).clone()
    }
}

/// Read a PNG file and its pixel size (from the IHDR chunk).
fn read_png(path: &Path, shown: &str, width_mm: f32) -> Result<SealImage, String> {
    let bytes = std::fs::read(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => format!("印章：找不到图片“{shown}”"),
        _ => format!("印章：无法读取“{shown}”（{}）", crate::oserror::reason(&e)),
    })?;
    // Decode it whole now: a damaged file is this cell's problem, not a failed PDF later.
    let not_png = || format!("印章：“{shown}”不是有效的 PNG 图片；请另存为 PNG（透明背景最好）");
    let mut reader = png::Decoder::new(std::io::Cursor::new(&bytes)).read_info().map_err(|_| not_png())?;
    let mut buf = vec![0; reader.output_buffer_size().ok_or_else(not_png)?];
    let info = reader.next_frame(&mut buf).map_err(|_| not_png())?;
    if info.width == 0 || info.height == 0 {
        return Err(format!("印章：“{shown}”是空图片"));
    }
    Ok(SealImage { png: Arc::new(bytes), width_px: info.width, height_px: info.height, width_mm })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A valid 2×1 PNG of red pixels (made with Python's zlib).
    pub const TINY_PNG: &[u8] = &[
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00,
        0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x7b, 0x40, 0xe8, 0xdd, 0x00, 0x00, 0x00,
        0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0x00, 0x44, 0x00, 0x08, 0xfe, 0x01, 0xff,
        0xc6, 0x9e, 0x79, 0xf7, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
    ];

    #[test]
    fn cells_may_not_leave_the_workbook_folder() {
        let dir = tempfile::tempdir().unwrap();
        let inner = dir.path().join("book");
        std::fs::create_dir_all(inner.join("印章")).unwrap();
        std::fs::write(inner.join("印章/行政部.png"), TINY_PNG).unwrap();
        std::fs::write(dir.path().join("outside.png"), TINY_PNG).unwrap();
        let mut l = SealLoader::new(&inner, 42.0);
        let ok = l.from_cell("印章/行政部.png").unwrap();
        assert_eq!((ok.width_px, ok.height_px), (2, 1));
        assert!(l.from_cell("../outside.png").unwrap_err().contains("不在工作簿所在文件夹内"));
        assert!(l.from_cell(dir.path().join("outside.png").to_str().unwrap()).is_err());
        assert!(l.from_cell("印章/没有.png").unwrap_err().contains("找不到"));
        std::fs::write(inner.join("seal.jpg"), b"\xff\xd8\xff\xe0 not a png").unwrap();
        assert!(l.from_cell("seal.jpg").unwrap_err().contains("不是有效的 PNG"));
        // A PNG header with damaged data is caught too.
        let mut broken = TINY_PNG.to_vec();
        broken[45] ^= 0xff;
        std::fs::write(inner.join("broken.png"), broken).unwrap();
        assert!(l.from_cell("broken.png").unwrap_err().contains("不是有效的 PNG"));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path().join("outside.png"), inner.join("link.png")).unwrap();
            assert!(l.from_cell("link.png").unwrap_err().contains("之外"));
        }
    }
}
