//! Opening the workbook file: what the user named is diagnosed before anything is read (a
//! folder, Excel's `~$` lock file, a FIFO or device, an empty file, a CSV, a format the README
//! does not promise), the file is read whole but never past [`MAX_WORKBOOK_BYTES`], its real
//! format is taken from its content (not its extension), its claims are bounded (`bounds`),
//! and only then does calamine read it — under a guard that turns any panic of the reader
//! into a Chinese "file damaged" message. Sheets come out as [`RowStream`]s: an .xlsx sheet is
//! read cell by cell as its rows are asked for, one row held at a time, never as the
//! rectangle its cells span.
//!
//! A workbook need not be a file: [`Source::from_upload`] takes the bytes of one sent to
//! `gongwen serve` (the same checks from the content on), [`Source::from_cells`] sheets given
//! as cells (a request sent as values). Neither has a folder, so a 印章 cell of theirs reads
//! no file ([`SealLoader::without_files`]).

use super::bounds::{self, CompoundKind, ZipKind};
use super::file::{self, FileFault};
use super::grid::{Grid, GridBuilder, GridRow, Overflow, RowAssembler};
use super::problem::Fatal;
use super::seal::SealLoader;
use calamine::{Data, Ods, Reader, Xls, Xlsx, XlsxCellReader};
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Largest workbook file read: 64 MB (a workbook of requests is well under 1 MB; the
/// README promises any workbook under 10 MB is read).
pub const MAX_WORKBOOK_BYTES: u64 = 64 * 1024 * 1024;

/// The extensions read as workbooks.
pub const EXTENSIONS: &[&str] = &["xlsx", "xls", "ods"];

const RESAVE: &str = "请在 Excel 或 WPS 中打开后另存为 .xlsx 再试";

/// An opened workbook, its sheets not yet read.
pub struct Source {
    /// The file, or the name a workbook that is not a file goes by in messages.
    path: PathBuf,
    content: Content,
    /// Is it a file on this computer (so 印章 cells may name files beside it)?
    files: bool,
    book: Book,
    /// Read every sheet whole (into a [`Grid`]) instead of row by row.
    whole: bool,
    /// An .xlsx sheet read row by row had a cell above a row already handed out.
    unordered: bool,
}

/// The file's bytes are held once, shared by the reader, `hidden` (rows hidden in Excel,
/// which calamine does not report) and any [`Reopen`]: the file is never opened again.
enum Book {
    Xlsx(Box<Xlsx<Cursor<Arc<[u8]>>>>),
    Xls(Box<Xls<Cursor<Arc<[u8]>>>>),
    Ods(Box<Ods<Cursor<Arc<[u8]>>>>),
    Cells(Arc<[CellSheet]>),
}

/// A sheet given as cells: its name and its rows.
type CellSheet = (String, Vec<GridRow>);

/// What a workbook is read from: its bytes, or sheets of cells.
#[derive(Clone)]
enum Content {
    File(Arc<[u8]>, Format),
    Cells(Arc<[CellSheet]>),
}

/// What the content says the workbook is.
#[derive(Debug, Clone, Copy)]
enum Format {
    Xlsx,
    Xls,
    Ods,
}

/// A workbook read once, to open again ([`Source::copy`]).
#[derive(Clone)]
pub struct Reopen {
    path: PathBuf,
    content: Content,
    files: bool,
    whole: bool,
}

impl std::fmt::Debug for Reopen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.content {
            Content::File(bytes, _) => write!(f, "Reopen({}, {} bytes)", self.path.display(), bytes.len()),
            Content::Cells(sheets) => write!(f, "Reopen({}, {} sheets of cells)", self.path.display(), sheets.len()),
        }
    }
}

impl Reopen {
    /// What loads the seals its 印章 cells name, printed `width_mm` wide: from the
    /// workbook's folder, or from nowhere for a workbook that is not a file.
    pub fn seal_loader(&self, width_mm: f32) -> SealLoader {
        match self.files {
            true => SealLoader::new(&super::seal::workbook_folder(&self.path), width_mm),
            false => SealLoader::without_files(width_mm),
        }
    }

    /// Open the bytes with the reader of their format.
    pub fn open(&self) -> Result<Source, Fatal> {
        let refuse = |reason: String| Fatal::Unreadable { path: self.path.clone(), reason };
        let (bytes, format) = match &self.content {
            Content::File(bytes, format) => (bytes, *format),
            Content::Cells(sheets) => {
                return Ok(Source {
                    path: self.path.clone(),
                    content: self.content.clone(),
                    files: self.files,
                    book: Book::Cells(sheets.clone()),
                    whole: true,
                    unordered: false,
                })
            }
        };
        let cursor = || Cursor::new(bytes.clone());
        let book = match format {
            Format::Xlsx => {
                Book::Xlsx(Box::new(guarded(|| Xlsx::new(cursor())).ok_or_else(|| refuse(damaged()))?.map_err(
                    |e| refuse(if matches!(e, calamine::XlsxError::Password) { password() } else { damaged() }),
                )?))
            }
            Format::Ods => {
                Book::Ods(Box::new(guarded(|| Ods::new(cursor())).ok_or_else(|| refuse(damaged()))?.map_err(|e| {
                    refuse(if matches!(e, calamine::OdsError::Password) { password() } else { damaged() })
                })?))
            }
            Format::Xls => {
                Book::Xls(Box::new(guarded(|| Xls::new(cursor())).ok_or_else(|| refuse(damaged()))?.map_err(|e| {
                    refuse(if matches!(e, calamine::XlsError::Password) { password() } else { damaged() })
                })?))
            }
        };
        Ok(Source {
            path: self.path.clone(),
            content: self.content.clone(),
            files: self.files,
            book,
            whole: self.whole,
            unordered: false,
        })
    }
}

/// Run a call into the reader; a panic in it (a file it does not expect) becomes `None`,
/// without the panic's English text on the terminal.
fn guarded<T>(f: impl FnOnce() -> T) -> Option<T> {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    std::panic::set_hook(hook);
    result.ok()
}

impl Source {
    /// Diagnose, read, bound and open the workbook at `path`.
    pub fn open(path: &Path) -> Result<Source, Fatal> {
        let refuse = |reason: String| Fatal::Unreadable { path: path.to_path_buf(), reason };
        match file::check_regular(path) {
            Ok(_) => {}
            Err(FileFault::Missing) => return Err(Fatal::FileMissing { path: path.to_path_buf() }),
            Err(FileFault::Folder) => {
                return Err(Fatal::Folder { path: path.to_path_buf(), workbooks: workbooks_in(path) })
            }
            Err(fault) => return Err(refuse(format!("{}；请给出工作簿文件（.xlsx）的路径", fault.describe()))),
        }
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if let Some(rest) = name.strip_prefix("~$") {
            return Err(refuse(lock_file_reason(path, rest)));
        }
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        match ext.as_str() {
            "csv" | "tsv" | "txt" => {
                return Err(refuse(format!(
                    "这是文本文件（.{ext}），不是工作簿；请在 Excel 或 WPS 中打开后“另存为”Excel 工作簿（.xlsx）再试"
                )))
            }
            "xlsb" => return Err(refuse(format!("Excel 二进制工作簿（.xlsb）不受支持；{RESAVE}"))),
            "xlsm" | "xltm" => return Err(refuse(format!("带宏的工作簿（.{ext}）不受支持（不需要宏）；{RESAVE}"))),
            e if EXTENSIONS.contains(&e) => {}
            _ => {
                let ext = if ext.is_empty() { "无扩展名".to_string() } else { format!(".{ext}") };
                return Err(Fatal::Unsupported { path: path.to_path_buf(), ext });
            }
        }
        let bytes = file::read_limited(path, MAX_WORKBOOK_BYTES).map_err(|fault| {
            refuse(match fault {
                FileFault::Empty => EMPTY.to_string(),
                FileFault::TooLarge(limit) => too_large(limit),
                other => other.describe(),
            })
        })?;
        Source::from_bytes(path.to_path_buf(), bytes, true)
    }

    /// A workbook sent rather than named (`gongwen serve`): its bytes, and the name it goes by
    /// in messages (the file name it was sent with, never a path). Checked from its content
    /// on as a file is; a 印章 cell of it reads no file.
    pub fn from_upload(name: &str, bytes: Vec<u8>) -> Result<Source, Fatal> {
        let refuse = |reason: String| Fatal::Unreadable { path: PathBuf::from(name), reason };
        if bytes.is_empty() {
            return Err(refuse(EMPTY.to_string()));
        }
        if bytes.len() as u64 > MAX_WORKBOOK_BYTES {
            return Err(refuse(too_large(MAX_WORKBOOK_BYTES)));
        }
        Source::from_bytes(PathBuf::from(name), bytes, false)
    }

    /// Sheets given as cells (see [`Source::from_upload`] for `name`): each sheet's rows, a
    /// row's cells by 0-based column; a row or cell left empty is as in a sheet.
    pub fn from_cells(name: &str, sheets: Vec<(String, Vec<Vec<Data>>)>) -> Source {
        let sheets: Vec<CellSheet> = sheets
            .into_iter()
            .map(|(sheet, rows)| {
                let rows = rows
                    .into_iter()
                    .enumerate()
                    .map(|(row0, cells)| GridRow::new(row0 as u32, cells))
                    .filter(|row| row.cells().next().is_some())
                    .collect();
                (sheet, rows)
            })
            .collect();
        let content = Content::Cells(sheets.into());
        Reopen { path: PathBuf::from(name), content, files: false, whole: true }.open().expect("cells always open")
    }

    /// Sniff, bound and open a workbook's bytes; `files`: see [`Source::files`].
    fn from_bytes(path: PathBuf, bytes: Vec<u8>, files: bool) -> Result<Source, Fatal> {
        let refuse = |reason: String| Fatal::Unreadable { path: path.clone(), reason };
        let format = match sniff(&bytes) {
            Sniffed::Xlsx => {
                bounds::check_zip(&bytes, ZipKind::Xlsx).map_err(refuse)?;
                Format::Xlsx
            }
            Sniffed::Ods => {
                bounds::check_zip(&bytes, ZipKind::Ods).map_err(refuse)?;
                Format::Ods
            }
            Sniffed::Xls => {
                bounds::check_xls(&bytes).map_err(refuse)?;
                Format::Xls
            }
            Sniffed::Not(what) => return Err(refuse(what)),
        };
        Reopen { path, content: Content::File(bytes.into(), format), files, whole: false }.open()
    }

    /// The workbook's path (or the name it goes by, see [`Source::from_upload`]).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What loads the seals its 印章 cells name (see [`Reopen::seal_loader`]).
    pub fn seal_loader(&self, width_mm: f32) -> SealLoader {
        self.copy().seal_loader(width_mm)
    }

    /// What opening this workbook again needs: the bytes read (never the file again, which
    /// may have changed since), read the same way.
    pub fn copy(&self) -> Reopen {
        Reopen { path: self.path.clone(), content: self.content.clone(), files: self.files, whole: self.whole }
    }
    /// The sheet names, in workbook order.
    pub fn sheet_names(&self) -> Vec<String> {
        match &self.book {
            Book::Xlsx(b) => b.sheet_names(),
            Book::Xls(b) => b.sheet_names(),
            Book::Ods(b) => b.sheet_names(),
            Book::Cells(sheets) => sheets.iter().map(|(name, _)| name.clone()).collect(),
        }
    }

    /// The rows of `sheet` hidden in Excel (by hand or by a filter); none known for .xls/.ods.
    pub fn hidden_rows(&self, sheet: &str) -> super::hidden::HiddenRows {
        match (&self.book, &self.content) {
            (Book::Xlsx(_), Content::File(bytes, _)) => super::hidden::hidden_rows(bytes, sheet),
            _ => Default::default(),
        }
    }

    /// One sheet's rows, read as they are asked for. A sheet that cannot be opened is an
    /// error here; a problem further in the sheet ends its rows (see [`RowStream::finish`]).
    pub fn rows(&mut self, sheet: &str) -> Result<RowStream<'_>, Fatal> {
        let refuse = |reason: String| Fatal::Unreadable { path: self.path.clone(), reason };
        let from = if !self.whole && matches!(self.book, Book::Xlsx(..)) {
            let Book::Xlsx(b) = &mut self.book else { unreachable!("an .xlsx book") };
            let opened = guarded(|| b.worksheet_cells_reader(sheet)).and_then(Result::ok);
            Rows::Cells(Box::new(opened.ok_or_else(|| refuse(sheet_damaged(sheet)))?), RowAssembler::default())
        } else {
            Rows::Whole(whole_sheet(&mut self.book, sheet).map_err(|e| refuse(sheet_reason(sheet, e)))?.into_rows())
        };
        Ok(RowStream {
            from,
            back: Vec::new(),
            error: None,
            path: &self.path,
            sheet: sheet.to_string(),
            unordered: &mut self.unordered,
        })
    }

    /// Read the sheet through, only for the error it may hold (what the sheet's rows would
    /// have ended with).
    pub fn read_through(&mut self, sheet: &str) -> Result<(), Fatal> {
        self.rows(sheet)?.finish()
    }

    /// Was an .xlsx sheet's row order broken (cells written above rows already read)? Then
    /// whatever was read from it is void, and from now on every sheet is read whole, sorted,
    /// as calamine's ranges are: read the workbook again.
    pub fn read_again_whole(&mut self) -> bool {
        let again = std::mem::take(&mut self.unordered) && !self.whole;
        self.whole |= again;
        again
    }
}

/// Why a sheet could not be read: damaged (`None`) or past a limit.
fn sheet_reason(sheet: &str, overflow: Option<Overflow>) -> String {
    match overflow {
        Some(Overflow::Cells) => format!(
            "工作表“{sheet}”的非空单元格超过 {} 个；请删除不需要的内容，或把需求分成几个工作簿",
            super::grid::MAX_CELLS
        ),
        Some(Overflow::Text) => format!(
            "工作表“{sheet}”的文字超过 {} MB；请删除不需要的内容，或把需求分成几个工作簿",
            super::grid::MAX_TEXT_BYTES / (1024 * 1024)
        ),
        Some(Overflow::Position) => format!("工作表“{sheet}”有单元格位于 Excel 表格范围之外，文件已损坏；{RESAVE}"),
        Some(Overflow::Unordered) | None => sheet_damaged(sheet),
    }
}

/// Every non-empty cell of a sheet at once: .xls and .ods (calamine reads them only whole), and
/// an .xlsx sheet whose rows are out of order. `Err(None)` when the sheet is damaged.
fn whole_sheet(book: &mut Book, sheet: &str) -> Result<Grid, Option<Overflow>> {
    let read = guarded(|| -> Result<Grid, Option<Overflow>> {
        match book {
            Book::Xlsx(b) => {
                let mut cells = b.worksheet_cells_reader(sheet).map_err(|_| None)?;
                let mut grid = GridBuilder::default();
                while let Some(cell) = cells.next_cell().map_err(|_| None)? {
                    let (row, col) = cell.get_position();
                    grid.push(row, col, Data::from(cell.get_value().clone()))?;
                }
                Ok(grid.finish())
            }
            Book::Xls(b) => Ok(Grid::from_range(&b.worksheet_range(sheet).map_err(|_| None)?)?),
            Book::Ods(b) => Ok(Grid::from_range(&b.worksheet_range(sheet).map_err(|_| None)?)?),
            Book::Cells(sheets) => {
                let (_, rows) = sheets.iter().find(|(name, _)| name == sheet).ok_or(None)?;
                Ok(Grid::from_rows(rows.clone()))
            }
        }
    });
    read.unwrap_or(Err(None))
}

/// One sheet's rows, top to bottom, each with its non-empty cells. An .xlsx sheet is read
/// as the rows are asked for (only the row being read is held); other formats come from a
/// sheet read whole. A problem reading the sheet (damage, a limit passed) ends the rows:
/// [`RowStream::finish`] returns it, and then nothing read from the sheet counts.
pub struct RowStream<'a> {
    from: Rows<'a>,
    /// Rows handed back by the reader ([`RowStream::put_back`]), the next one last.
    back: Vec<GridRow>,
    error: Option<Fatal>,
    path: &'a Path,
    sheet: String,
    unordered: &'a mut bool,
}

enum Rows<'a> {
    Cells(Box<XlsxCellReader<'a, Cursor<Arc<[u8]>>>>, RowAssembler),
    Whole(std::vec::IntoIter<GridRow>),
    Done,
}

impl RowStream<'_> {
    /// Give rows back, to be read again next (in the order given): what a reader looked at
    /// ahead of where it is (the header search).
    pub fn put_back(&mut self, rows: Vec<GridRow>) {
        self.back.extend(rows.into_iter().rev());
    }

    /// Read what is left of the sheet, only for its error: `Err` when the sheet could not be
    /// read to its end, as when it was read whole before any row was looked at.
    pub fn finish(mut self) -> Result<(), Fatal> {
        while self.next().is_some() {}
        self.error.map_or(Ok(()), Err)
    }

    fn stop(&mut self, why: Option<Overflow>) {
        if why == Some(Overflow::Unordered) {
            *self.unordered = true;
        }
        self.from = Rows::Done;
        let reason = sheet_reason(&self.sheet, why);
        self.error = Some(Fatal::Unreadable { path: self.path.to_path_buf(), reason });
    }
}

impl Iterator for RowStream<'_> {
    type Item = GridRow;

    fn next(&mut self) -> Option<GridRow> {
        if let Some(row) = self.back.pop() {
            return Some(row);
        }
        match &mut self.from {
            Rows::Done => None,
            Rows::Whole(rows) => rows.next(),
            Rows::Cells(cells, assembler) => {
                // One guard per row, not per cell: installing it is not free.
                let read = guarded(|| -> Result<Option<GridRow>, Option<Overflow>> {
                    while let Some(cell) = cells.next_cell().map_err(|_| None)? {
                        let (row, col) = cell.get_position();
                        if let Some(done) = assembler.push(row, col, Data::from(cell.get_value().clone()))? {
                            return Ok(Some(done));
                        }
                    }
                    Ok(None)
                });
                match read {
                    Some(Ok(Some(row))) => Some(row),
                    Some(Ok(None)) => {
                        let last = assembler.finish();
                        self.from = Rows::Done;
                        last
                    }
                    Some(Err(why)) => {
                        self.stop(why);
                        None
                    }
                    None => {
                        self.stop(None);
                        None
                    }
                }
            }
        }
    }
}

/// Why an empty workbook file cannot be read.
const EMPTY: &str = "是空文件（0 字节），可能保存时出错；请重新保存工作簿后再试";

fn too_large(limit: u64) -> String {
    format!("文件超过 {} 的上限；请删除不需要的工作表、图片后另存，或把需求分成几个工作簿", file::size_text(limit))
}

/// Is the content a workbook's kind of file — an .xlsx or .ods zip, an .xls compound file —
/// even one that is damaged, locked or over the bounds? `false` for anything else (a picture,
/// a PDF, text, a Word document, a plain zip): a caller tells "not a workbook at all" from "a
/// workbook that cannot be read" (HTTP 415 and 422).
pub fn claims_workbook(bytes: &[u8]) -> bool {
    match sniff(bytes) {
        Sniffed::Xlsx | Sniffed::Xls | Sniffed::Ods => true,
        Sniffed::Not(_) if is_zip(bytes) => bounds::zip_names(bytes).is_err(),
        Sniffed::Not(_) if is_compound(bytes) => {
            matches!(bounds::compound_kind(bytes), Some(CompoundKind::Encrypted) | None)
        }
        Sniffed::Not(_) => false,
    }
}

fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")
}

fn is_compound(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")
}

fn damaged() -> String {
    format!("文件已损坏，或不是有效的 Excel 工作簿；{RESAVE}")
}

fn password() -> String {
    "工作簿设置了打开密码；请在 Excel 中取消密码（文件 → 信息 → 保护工作簿）后另存再试".into()
}

fn sheet_damaged(sheet: &str) -> String {
    format!("工作表“{sheet}”已损坏，无法读取；{RESAVE}")
}

/// Excel's lock file `~$name.xlsx` stands beside the open workbook `name.xlsx` (for a long
/// name, Excel drops the name's first characters): name the real one when it is there.
fn lock_file_reason(path: &Path, rest: &str) -> String {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let real = std::fs::read_dir(dir).ok().and_then(|entries| {
        entries.filter_map(|e| e.ok()?.file_name().into_string().ok()).find(|n| {
            !n.starts_with("~$") && (n == rest || (n.ends_with(rest) && n.chars().count() <= rest.chars().count() + 2))
        })
    });
    let use_real = match real {
        Some(n) => format!("请改用工作簿“{}”", dir.join(n).display()),
        None => "请改用同一文件夹中不带“~$”的那个工作簿".to_string(),
    };
    format!("这是 Excel 打开工作簿时生成的临时锁定文件，不是工作簿；{use_real}")
}

/// The workbooks directly in a folder, by name (lock files left out), to list in the message.
fn workbooks_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                .filter_map(|e| e.file_name().into_string().ok())
                .filter(|n| {
                    !n.starts_with("~$")
                        && Path::new(n)
                            .extension()
                            .and_then(|e| e.to_str())
                            .is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
                })
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// What a file's content says it is.
enum Sniffed {
    Xlsx,
    Xls,
    Ods,
    /// Not a workbook this program reads: what it is and what to do.
    Not(String),
}

fn sniff(bytes: &[u8]) -> Sniffed {
    let not = |what: &str| Sniffed::Not(format!("{what}；{RESAVE}"));
    if is_zip(bytes) {
        let names = match bounds::zip_names(bytes) {
            Ok(names) => names,
            Err(reason) => return Sniffed::Not(reason),
        };
        let has = |n: &str| names.iter().any(|m| m.eq_ignore_ascii_case(n));
        return if has("xl/workbook.xml") {
            Sniffed::Xlsx
        } else if has("xl/workbook.bin") {
            not("这是 Excel 二进制工作簿（.xlsb），只是扩展名不同，不受支持")
        } else if has("content.xml") && has("mimetype") {
            Sniffed::Ods
        } else if has("word/document.xml") {
            not("这是 Word 文档，不是工作簿")
        } else if names.iter().any(|n| n.starts_with("ppt/")) {
            not("这是 PowerPoint 演示文稿，不是工作簿")
        } else {
            not("这是一个压缩包（zip），不是工作簿")
        };
    }
    if is_compound(bytes) {
        return match bounds::compound_kind(bytes) {
            Some(CompoundKind::Xls) => Sniffed::Xls,
            Some(CompoundKind::Encrypted) => Sniffed::Not(password()),
            Some(CompoundKind::Other) => not("这是 Word 或其他 Office 文件，不是工作簿"),
            None => Sniffed::Not(damaged()),
        };
    }
    if bytes.starts_with(b"\x89PNG") || bytes.starts_with(b"\xFF\xD8\xFF") || bytes.starts_with(b"GIF8") {
        return not("这是一张图片，不是工作簿");
    }
    if bytes.starts_with(b"%PDF") {
        return not("这是 PDF 文件，不是工作簿");
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).to_ascii_lowercase();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    if head.starts_with('<') && (head.contains("<html") || head.contains("<table")) {
        return not("这是网页（HTML）文件，只是扩展名像工作簿（常见于从网站导出的表格）");
    }
    if head.starts_with("<?xml") && head.contains("urn:schemas-microsoft-com:office:spreadsheet") {
        return not("这是 Excel 2003 XML 表格，不受支持");
    }
    if !bytes[..bytes.len().min(4096)].contains(&0) {
        return Sniffed::Not(
            "这是文本文件（可能是 CSV），只是扩展名像工作簿；请在 Excel 或 WPS 中打开后“另存为”Excel 工作簿（.xlsx）再试"
                .into(),
        );
    }
    Sniffed::Not(damaged())
}
