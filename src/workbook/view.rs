//! A workbook's cells as a person sees them — the workbench's grid: each sheet's rows from
//! the first, every cell's text as `check` reads it (a date cell as a date, a number as
//! Excel shows it), read through the same bounded reader as the checks. The problems are
//! put on these cells by the page, by their cell references.

use super::cells::raw_text;
use super::source::Source;
use super::Fatal;

/// Rows shown of one sheet; a sheet of requests has far fewer, and a grid longer than this
/// is of no use on a screen (the page says the rest are not shown).
pub const MAX_ROWS: usize = 2000;
/// Columns shown of one sheet.
pub const MAX_COLUMNS: u32 = 64;

/// One sheet's cells: `rows` are (1-based sheet row, each cell's text by 0-based column up
/// to the row's last non-empty cell).
#[derive(Debug)]
pub struct SheetView {
    pub name: String,
    pub rows: Vec<(u32, Vec<String>)>,
    /// Rows with content past [`MAX_ROWS`].
    pub more_rows: usize,
}

/// The cells of every sheet of a workbook sent as `bytes` (named `name` in messages).
pub fn sheets(name: &str, bytes: Vec<u8>) -> Result<Vec<SheetView>, Fatal> {
    let mut book = Source::from_upload(name, bytes)?;
    loop {
        let mut views = Vec::new();
        for sheet in book.sheet_names() {
            let mut view = SheetView { name: sheet.clone(), rows: Vec::new(), more_rows: 0 };
            let mut rows = book.rows(&sheet)?;
            for row in rows.by_ref() {
                if view.rows.len() == MAX_ROWS {
                    view.more_rows += 1;
                    continue;
                }
                let mut texts: Vec<String> = Vec::new();
                for (col0, data) in row.cells().filter(|(c, _)| *c < MAX_COLUMNS) {
                    let text = match raw_text(data) {
                        Ok(t) => t.unwrap_or_default(),
                        Err(code) => code,
                    };
                    texts.resize(col0 as usize, String::new());
                    texts.push(text);
                }
                view.rows.push((row.row0 + 1, texts));
            }
            rows.finish()?;
            views.push(view);
        }
        // Rows written out of order: read again, each sheet whole and sorted.
        if !book.read_again_whole() {
            return Ok(views);
        }
    }
}
