//! A worksheet's cells as read: only the rows that hold a non-empty cell, each with only its
//! non-empty cells, at their absolute 0-based positions. A sheet is never held as the full
//! rectangle from its first to its last cell, so a stray value in XFD1048576 costs one cell,
//! not seventeen billion; and what is kept is bounded by [`MAX_CELLS`] and [`MAX_TEXT_BYTES`].

use calamine::{Data, Range};

/// Most non-empty cells read from one sheet. A workbook of requests has a few thousand; a
/// sheet with more is refused (with its name) rather than read into memory.
pub const MAX_CELLS: usize = 1_000_000;

/// Most text (UTF-8 bytes, summed over its cells) read from one sheet: 128 MB. Bounds what
/// many cells sharing one long shared string can cost once each holds its own copy.
pub const MAX_TEXT_BYTES: usize = 128 * 1024 * 1024;

/// Excel's grid: 1,048,576 rows × 16,384 columns (XFD). A cell placed outside it can only
/// come from a damaged or crafted file.
pub const SHEET_ROWS: u32 = 1_048_576;
pub const SHEET_COLS: u32 = 16_384;

/// Which limit a sheet passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overflow {
    Cells,
    Text,
    /// A cell outside Excel's grid.
    Position,
}

/// The non-empty cells of one sheet, by row.
#[derive(Debug, Default)]
pub struct Grid {
    rows: Vec<GridRow>,
}

/// One row with at least one non-empty cell.
#[derive(Debug)]
pub struct GridRow {
    /// 0-based sheet row.
    pub row0: u32,
    /// (0-based sheet column, value), by column.
    cells: Vec<(u32, Data)>,
}

static EMPTY: Data = Data::Empty;

impl GridRow {
    /// The cell in sheet column `col0` (empty when there is none).
    pub fn get(&self, col0: u32) -> &Data {
        match self.cells.binary_search_by_key(&col0, |(c, _)| *c) {
            Ok(i) => &self.cells[i].1,
            Err(_) => &EMPTY,
        }
    }

    /// The row's non-empty cells with their 0-based columns, left to right.
    pub fn cells(&self) -> impl Iterator<Item = (u32, &Data)> {
        self.cells.iter().map(|(c, d)| (*c, d))
    }
}

impl Grid {
    /// Rows holding a non-empty cell, top to bottom.
    pub fn rows(&self) -> std::slice::Iter<'_, GridRow> {
        self.rows.iter()
    }

    /// A calamine range (of a format read whole by calamine: .xls, .ods) as a grid.
    pub fn from_range(range: &Range<Data>) -> Result<Grid, Overflow> {
        let (row_start, col_start) = range.start().unwrap_or((0, 0));
        let mut b = GridBuilder::default();
        for (r, c, data) in range.used_cells() {
            b.push(row_start + r as u32, col_start + c as u32, data.clone())?;
        }
        Ok(b.finish())
    }
}

/// Collects cells in any order, checking each limit as it goes.
#[derive(Default)]
pub struct GridBuilder {
    cells: Vec<(u32, u32, Data)>,
    text: usize,
}

impl GridBuilder {
    pub fn push(&mut self, row0: u32, col0: u32, data: Data) -> Result<(), Overflow> {
        if matches!(data, Data::Empty) {
            return Ok(());
        }
        if row0 >= SHEET_ROWS || col0 >= SHEET_COLS {
            return Err(Overflow::Position);
        }
        if self.cells.len() >= MAX_CELLS {
            return Err(Overflow::Cells);
        }
        self.text += match &data {
            Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.len(),
            _ => 0,
        };
        if self.text > MAX_TEXT_BYTES {
            return Err(Overflow::Text);
        }
        self.cells.push((row0, col0, data));
        Ok(())
    }

    /// The grid, rows and cells in order; a cell written twice keeps its last value.
    pub fn finish(mut self) -> Grid {
        // Stable sort: of two cells at one place, the later one in the file wins.
        self.cells.sort_by_key(|(r, c, _)| (*r, *c));
        let mut rows: Vec<GridRow> = Vec::new();
        for (r, c, data) in self.cells {
            match rows.last_mut() {
                Some(row) if row.row0 == r => match row.cells.last_mut() {
                    Some(last) if last.0 == c => last.1 = data,
                    _ => row.cells.push((c, data)),
                },
                _ => rows.push(GridRow { row0: r, cells: vec![(c, data)] }),
            }
        }
        Grid { rows }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn far_cells_cost_one_cell_each_and_limits_hold() {
        let mut b = GridBuilder::default();
        b.push(SHEET_ROWS - 1, SHEET_COLS - 1, Data::String("far".into())).unwrap();
        b.push(0, 2, Data::Int(1)).unwrap();
        b.push(0, 0, Data::String("a".into())).unwrap();
        b.push(0, 2, Data::Int(2)).unwrap();
        b.push(5, 5, Data::Empty).unwrap();
        assert_eq!(b.push(SHEET_ROWS, 0, Data::Int(1)), Err(Overflow::Position));
        let g = b.finish();
        let rows: Vec<_> = g.rows().collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].row0, 0);
        assert_eq!(rows[0].cells().map(|(c, _)| c).collect::<Vec<_>>(), [0, 2]);
        assert_eq!(rows[0].get(2), &Data::Int(2));
        assert_eq!(rows[0].get(1), &Data::Empty);
        assert_eq!(rows[1].get(SHEET_COLS - 1), &Data::String("far".into()));

        let mut b = GridBuilder::default();
        let long = "x".repeat(MAX_TEXT_BYTES / 2 + 1);
        b.push(0, 0, Data::String(long.clone())).unwrap();
        assert_eq!(b.push(1, 0, Data::String(long)), Err(Overflow::Text));
    }
}
