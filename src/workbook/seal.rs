//! Electronic seal images: a `印章` cell (a PNG path relative to the workbook) or a
//! `--seal 部门=FILE.png` option, checked and loaded once per file. A path that leaves the
//! workbook's folder, a missing file, a file that is not a regular file (a FIFO, a device, a
//! folder), a file over [`MAX_SEAL_BYTES`] or not a PNG, or a PNG declaring more than
//! [`MAX_SEAL_SIDE`] pixels a side, is a problem for that seal only (the documents are still
//! made, with the seal area left clear).
//!
//! The image is decoded here once and re-encoded no larger than [`SEAL_EMBED_PX`] a side,
//! so the .docx and the PDF both embed that copy — never the file as given.

use super::file::{self, FileFault};
use crate::model::SealImage;
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// Largest seal file read: 2 MB (a seal PNG is usually well under 200 KB).
pub const MAX_SEAL_BYTES: u64 = 2 * 1024 * 1024;

/// Largest width or height a seal PNG may declare, checked before it is decoded.
pub const MAX_SEAL_SIDE: u32 = 4096;

/// Longest side, in pixels, of the seal image embedded in the documents: a 42 mm seal
/// printed at 600 dpi (and still 300 dpi at 84 mm). A larger image is scaled down to it.
pub const SEAL_EMBED_PX: u32 = 1000;

/// The folder seal paths in cells are relative to: the workbook's own folder, whether its
/// path was written `s.xlsx`, `./s.xlsx`, `../x/s.xlsx` or absolute.
pub fn workbook_folder(workbook: &Path) -> PathBuf {
    match workbook.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Loads each seal file once; paths in cells are confined to the workbook's folder, and a
/// workbook that has no folder (uploaded to `gongwen serve`, or rows given as values) reads
/// no file at all.
pub struct SealLoader {
    base: Option<PathBuf>,
    width_mm: f32,
    loaded: HashMap<PathBuf, Result<SealImage, String>>,
}

impl SealLoader {
    /// `base`: the workbook's folder ([`workbook_folder`]); `width_mm`: printed seal width.
    pub fn new(base: &Path, width_mm: f32) -> SealLoader {
        let base = if base.as_os_str().is_empty() { Path::new(".") } else { base };
        SealLoader { base: Some(base.to_path_buf()), width_mm, loaded: HashMap::new() }
    }

    /// For a workbook that is not a file on this computer: a 印章 cell naming a file is a
    /// warning, and nothing on the disk is read (a path in an uploaded workbook names the
    /// uploader's files, never the server's).
    pub fn without_files(width_mm: f32) -> SealLoader {
        SealLoader { base: None, width_mm, loaded: HashMap::new() }
    }

    /// A seal given as the bytes of a PNG (uploaded); `shown` names it in messages.
    pub fn from_png(&self, bytes: &[u8], shown: &str) -> Result<SealImage, String> {
        if bytes.len() as u64 > MAX_SEAL_BYTES {
            return Err(format!(
                "印章：“{shown}”超过 {} 的上限；印章图片通常不到 200 KB，请缩小（宽 1000 像素足够）后另存为 PNG",
                file::size_text(MAX_SEAL_BYTES)
            ));
        }
        let (width_px, height_px, png) = embeddable(bytes, shown)?;
        Ok(SealImage { png: Arc::new(png), width_px, height_px, width_mm: self.width_mm })
    }

    /// A seal named in a cell: relative to the workbook's folder and never outside it.
    pub fn from_cell(&mut self, text: &str) -> Result<SealImage, String> {
        let Some(base) = self.base.clone() else {
            return Err(format!(
                "印章：“{text}”是图片文件的路径，上传的工作簿不能引用文件，已忽略；请按发函部门另外上传印章图片"
            ));
        };
        let rel = Path::new(text.trim());
        let escapes = rel.is_absolute()
            || rel.components().any(|c| matches!(c, Component::ParentDir | Component::Prefix(_) | Component::RootDir));
        if escapes {
            return Err(format!(
                "印章：“{text}”不在工作簿所在文件夹内；请把图片放在工作簿旁边，填写相对路径，如 印章/行政部.png"
            ));
        }
        let path = base.join(rel);
        // A symbolic link inside the folder may still point outside it. Only a path that does
        // not resolve at all (missing) goes on, to be reported as missing.
        if let Ok(real) = path.canonicalize() {
            let inside = base.canonicalize().is_ok_and(|base| real.starts_with(base));
            if !inside {
                return Err(format!(
                    "印章：“{text}”指向工作簿所在文件夹之外，已忽略；请把图片本身（不是快捷方式或链接）放在工作簿旁边"
                ));
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

/// Read a seal PNG within the limits above and re-encode it for embedding.
fn read_png(path: &Path, shown: &str, width_mm: f32) -> Result<SealImage, String> {
    let bytes = file::read_limited(path, MAX_SEAL_BYTES).map_err(|fault| match fault {
        FileFault::Missing => format!("印章：找不到图片“{shown}”"),
        FileFault::Folder => format!("印章：“{shown}”是文件夹，不是图片；请填写 PNG 图片文件的路径"),
        FileFault::NotRegular(kind) => format!("印章：“{shown}”是{kind}，不是图片文件；请填写 PNG 图片文件的路径"),
        FileFault::TooLarge(limit) => format!(
            "印章：“{shown}”超过 {} 的上限；印章图片通常不到 200 KB，请缩小（宽 1000 像素足够）后另存为 PNG",
            file::size_text(limit)
        ),
        FileFault::Empty => format!("印章：“{shown}”是空文件（0 字节）；请重新导出印章图片"),
        FileFault::Io(reason) => format!("印章：无法读取“{shown}”：{reason}"),
    })?;
    let (width_px, height_px, png) = embeddable(&bytes, shown)?;
    Ok(SealImage { png: Arc::new(png), width_px, height_px, width_mm })
}

/// Decode a PNG (its declared size bounded first) and encode it again as 8-bit RGBA, no
/// larger than [`SEAL_EMBED_PX`] a side: (width, height, PNG bytes).
fn embeddable(bytes: &[u8], shown: &str) -> Result<(u32, u32, Vec<u8>), String> {
    let not_png = || format!("印章：“{shown}”不是有效的 PNG 图片；请另存为 PNG（透明背景最好）");
    // The decoder's own allocations (metadata chunks …) are bounded too.
    let mut decoder =
        png::Decoder::new_with_limits(std::io::Cursor::new(bytes), png::Limits { bytes: 16 * 1024 * 1024 });
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().map_err(|_| not_png())?;
    let (w, h) = (reader.info().width, reader.info().height);
    if w == 0 || h == 0 {
        return Err(format!("印章：“{shown}”是空图片"));
    }
    if w > MAX_SEAL_SIDE || h > MAX_SEAL_SIDE {
        return Err(format!(
            "印章：“{shown}”有 {w}×{h} 像素，超过 {MAX_SEAL_SIDE}×{MAX_SEAL_SIDE} 的上限；请缩小到宽 1000 像素左右后另存为 PNG"
        ));
    }
    let mut buf = vec![0; reader.output_buffer_size().ok_or_else(not_png)?];
    let info = reader.next_frame(&mut buf).map_err(|_| not_png())?;
    let channels = match info.color_type {
        png::ColorType::Grayscale => 1,
        png::ColorType::GrayscaleAlpha => 2,
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        png::ColorType::Indexed => return Err(not_png()),
    };
    let rgba: Vec<[u8; 4]> = buf[..info.line_size * h as usize]
        .chunks_exact(info.line_size)
        .flat_map(|line| {
            line[..w as usize * channels].chunks_exact(channels).map(|p| match p {
                [g] => [*g, *g, *g, 255],
                [g, a] => [*g, *g, *g, *a],
                [r, g, b] => [*r, *g, *b, 255],
                [r, g, b, a] => [*r, *g, *b, *a],
                _ => unreachable!("chunks of the channel count"),
            })
        })
        .collect();
    drop(buf);
    let (w2, h2, pixels) = downscale(&rgba, w, h, SEAL_EMBED_PX);
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, w2, h2);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(|_| not_png())?;
    writer.write_image_data(pixels.as_flattened()).map_err(|_| not_png())?;
    writer.finish().map_err(|_| not_png())?;
    Ok((w2, h2, out))
}

/// Scale an RGBA image so neither side exceeds `max` (area average, with colour weighted by
/// alpha so transparent pixels do not darken the seal's edge); unchanged when it fits.
fn downscale(px: &[[u8; 4]], w: u32, h: u32, max: u32) -> (u32, u32, Vec<[u8; 4]>) {
    if w <= max && h <= max {
        return (w, h, px.to_vec());
    }
    let scale = max as f64 / w.max(h) as f64;
    let w2 = ((w as f64 * scale).round() as u32).clamp(1, max);
    let h2 = ((h as f64 * scale).round() as u32).clamp(1, max);
    let mut out = Vec::with_capacity((w2 * h2) as usize);
    for y2 in 0..h2 {
        let (y0, y1) = (y2 as u64 * h as u64 / h2 as u64, ((y2 as u64 + 1) * h as u64).div_ceil(h2 as u64));
        for x2 in 0..w2 {
            let (x0, x1) = (x2 as u64 * w as u64 / w2 as u64, ((x2 as u64 + 1) * w as u64).div_ceil(w2 as u64));
            let mut sum = [0u64; 4];
            for y in y0..y1 {
                for x in x0..x1 {
                    let p = px[(y * w as u64 + x) as usize];
                    let a = p[3] as u64;
                    sum[0] += p[0] as u64 * a;
                    sum[1] += p[1] as u64 * a;
                    sum[2] += p[2] as u64 * a;
                    sum[3] += a;
                }
            }
            let n = (y1 - y0) * (x1 - x0);
            let a = sum[3];
            let c = |v: u64| (v + a / 2).checked_div(a).unwrap_or(0) as u8;
            out.push([c(sum[0]), c(sum[1]), c(sum[2]), ((a + n / 2) / n) as u8]);
        }
    }
    (w2, h2, out)
}

/// A valid seal PNG, for other modules' tests.
#[cfg(test)]
pub fn tests_png() -> &'static [u8] {
    tests::TINY_PNG
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
    fn without_a_folder_no_file_is_read_and_sent_pngs_are() {
        let mut l = SealLoader::without_files(42.0);
        assert!(l.from_cell("印章/行政部.png").unwrap_err().contains("上传的工作簿不能引用文件"));
        let seal = l.from_png(TINY_PNG, "行政部.png").unwrap();
        assert_eq!((seal.width_px, seal.height_px, seal.width_mm), (2, 1, 42.0));
        assert!(l.from_png(b"GIF89a", "x.gif").unwrap_err().contains("不是有效的 PNG"));
    }

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
