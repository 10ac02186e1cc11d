//! A worksheet's cells as read: rows that hold a non-empty cell, each with only its non-empty
//! cells at their absolute 0-based positions, handed out one at a time ([`RowAssembler`] turns
//! calamine's cell stream into rows). A sheet is never held as the full rectangle from its
//! first to its last cell, so a stray value in XFD1048576 costs one cell, not seventeen
//! billion; and what is read is bounded by [`MAX_CELLS`] and [`MAX_TEXT_BYTES`]. A [`Grid`]
//! (every row at once) is only built for formats calamine reads whole (.xls, .ods) and for
//! an .xlsx sheet whose rows are out of order.

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
    /// A cell above a row already handed out (rows out of order, which Excel never writes):
    /// not a limit, but the sheet must then be read whole into a [`Grid`].
    Unordered,
}

/// The non-empty cells of one sheet, by row.
#[derive(Debug, Default)]
pub struct Grid {
    rows: Vec<GridRow>,
}

/// One row with at least one non-empty cell.
#[derive(Debug, Clone, PartialEq)]
pub struct GridRow {
    /// 0-based sheet row.
    pub row0: u32,
    /// (0-based sheet column, value), by column.
    cells: Vec<(u32, Data)>,
}

static EMPTY: Data = Data::Empty;

impl GridRow {
    /// Row `row0` of cells given by column (0-based), its empty cells left out. Cells given
    /// as values are few (one request): they are not counted against the sheet's limits.
    pub fn new(row0: u32, cells: Vec<Data>) -> GridRow {
        let cells = (0u32..).zip(cells).filter(|(_, d)| !matches!(d, Data::Empty)).collect();
        GridRow { row0, cells }
    }

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
    /// Rows already made, in order.
    pub fn from_rows(rows: Vec<GridRow>) -> Grid {
        Grid { rows }
    }

    /// The rows holding a non-empty cell, top to bottom.
    pub fn into_rows(self) -> std::vec::IntoIter<GridRow> {
        self.rows.into_iter()
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

/// What one sheet may cost, counted over every cell read (kept or not).
#[derive(Default)]
struct Limits {
    cells: usize,
    text: usize,
}

impl Limits {
    /// Count one cell; `false` for an empty one (nothing to keep).
    fn count(&mut self, row0: u32, col0: u32, data: &Data) -> Result<bool, Overflow> {
        if matches!(data, Data::Empty) {
            return Ok(false);
        }
        if row0 >= SHEET_ROWS || col0 >= SHEET_COLS {
            return Err(Overflow::Position);
        }
        if self.cells >= MAX_CELLS {
            return Err(Overflow::Cells);
        }
        self.cells += 1;
        self.text += match data {
            Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.len(),
            _ => 0,
        };
        if self.text > MAX_TEXT_BYTES {
            return Err(Overflow::Text);
        }
        Ok(true)
    }
}

/// Collects cells in any order, checking each limit as it goes.
#[derive(Default)]
pub struct GridBuilder {
    cells: Vec<(u32, u32, Data)>,
    limits: Limits,
}

impl GridBuilder {
    pub fn push(&mut self, row0: u32, col0: u32, data: Data) -> Result<(), Overflow> {
        if self.limits.count(row0, col0, &data)? {
            self.cells.push((row0, col0, data));
        }
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

/// Turns cells in file order (an .xlsx sheet's XML: row by row, top to bottom) into rows,
/// holding only the row being read. Within a row the cells may come in any order (the last
/// of two at one place wins, as in [`GridBuilder`]); a cell above that row is
/// [`Overflow::Unordered`]. The limits are those of a whole grid.
#[derive(Default)]
pub struct RowAssembler {
    current: Option<GridRow>,
    /// The current row's cells are not in column order.
    unsorted: bool,
    limits: Limits,
}

impl RowAssembler {
    /// Take the next cell; the previous row, complete, when this cell begins a new one.
    pub fn push(&mut self, row0: u32, col0: u32, data: Data) -> Result<Option<GridRow>, Overflow> {
        if !self.limits.count(row0, col0, &data)? {
            return Ok(None);
        }
        match &mut self.current {
            Some(row) if row.row0 == row0 => {
                if row.cells.last().is_some_and(|(c, _)| *c >= col0) {
                    self.unsorted = true;
                }
                row.cells.push((col0, data));
                Ok(None)
            }
            Some(row) if row.row0 > row0 => Err(Overflow::Unordered),
            _ => {
                let done = self.finish();
                self.current = Some(GridRow { row0, cells: vec![(col0, data)] });
                Ok(done)
            }
        }
    }

    /// The row being read, complete (at the end of the sheet).
    pub fn finish(&mut self) -> Option<GridRow> {
        let mut row = self.current.take()?;
        if std::mem::take(&mut self.unsorted) {
            // Stable sort, then keep the last of each column: the later cell in the file wins.
            row.cells.sort_by_key(|(c, _)| *c);
            let mut kept: Vec<(u32, Data)> = Vec::with_capacity(row.cells.len());
            for (c, data) in row.cells {
                match kept.last_mut() {
                    Some(last) if last.0 == c => last.1 = data,
                    _ => kept.push((c, data)),
                }
            }
            row.cells = kept;
        }
        row.cells.shrink_to_fit();
        Some(row)
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
        let rows: Vec<_> = b.finish().into_rows().collect();
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

    /// The stream gives the rows a grid of the same cells gives, holding one at a time.
    #[test]
    fn cells_in_file_order_become_rows_and_a_cell_above_stops_the_stream() {
        let cells = [
            (0, 0, Data::String("a".into())),
            (0, 3, Data::Int(1)),
            (0, 1, Data::Empty),
            (0, 3, Data::Int(2)),
            (0, 2, Data::Int(5)),
            (4, 1, Data::Float(0.5)),
            (9, 0, Data::Empty),
            (SHEET_ROWS - 1, SHEET_COLS - 1, Data::String("far".into())),
        ];
        let mut assembler = RowAssembler::default();
        let mut streamed = Vec::new();
        let mut grid = GridBuilder::default();
        for (r, c, data) in cells.iter().cloned() {
            streamed.extend(assembler.push(r, c, data.clone()).unwrap());
            grid.push(r, c, data).unwrap();
        }
        streamed.extend(assembler.finish());
        assert_eq!(streamed, grid.finish().into_rows().collect::<Vec<_>>());
        assert_eq!(streamed[0].get(3), &Data::Int(2), "the later of two cells at one place wins");
        assert_eq!(streamed.iter().map(|r| r.row0).collect::<Vec<_>>(), [0, 4, SHEET_ROWS - 1]);

        let mut assembler = RowAssembler::default();
        assert!(assembler.push(3, 0, Data::Int(1)).unwrap().is_none());
        assert!(assembler.push(5, 0, Data::Int(1)).unwrap().is_some());
        assert_eq!(assembler.push(4, 0, Data::Int(1)), Err(Overflow::Unordered));
        assert_eq!(assembler.push(SHEET_ROWS, 0, Data::Int(1)), Err(Overflow::Position));
    }
}
