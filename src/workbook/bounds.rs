//! What a workbook file claims is never trusted for allocation. Before calamine reads a file,
//! the claims it would act on are checked against documented limits, by reading the file as
//! a stream (nothing is held but counters):
//!
//! - .xlsx / .ods (zip): the central directory's entry count and declared sizes, then every
//!   part is actually inflated and counted, so a part that inflates past its limit (a zip
//!   bomb, or a lying declared size) is caught; the shared-string table's `uniqueCount`
//!   (calamine reserves that many strings up front) must fit its part's size; the ODS
//!   `number-rows-repeated` / `number-columns-repeated` cells calamine expands are costed.
//! - .xls (compound file): every sector chain calamine follows must end (a looping chain
//!   makes it read forever), and the sizes it reserves from each sheet's DIMENSIONS record and
//!   the rectangle spanned by the sheet's cells are costed.
//!
//! Each check returns the Chinese reason (what is wrong, what to do) when the file is refused.

use std::io::{Cursor, Read};

const MB: u64 = 1024 * 1024;

/// Most entries in a workbook's zip (an .xlsx has a few dozen).
pub const MAX_ZIP_ENTRIES: usize = 10_000;
/// Most bytes one worksheet part (or the .ods `content.xml`) may inflate to: 256 MB.
pub const MAX_SHEET_PART: u64 = 256 * MB;
/// Most bytes the shared-string table may inflate to: 64 MB. calamine keeps every shared
/// string in memory for the whole read.
pub const MAX_SHARED_STRINGS_PART: u64 = 64 * MB;
/// Most bytes any other part (styles, workbook, relationships …) may inflate to: 16 MB.
/// calamine keeps what it reads of them (one record per cell style) in memory.
pub const MAX_OTHER_PART: u64 = 16 * MB;
/// Most bytes all parts together may inflate to: 512 MB.
pub const MAX_INFLATED: u64 = 512 * MB;
/// Most memory calamine may be led to reserve for the cells of an .ods or .xls file, as
/// costed here from what the file says: 384 MB. (An .xlsx is read cell by cell, see `grid`.)
pub const MAX_CELL_MEMORY: u64 = 384 * MB;

/// Bytes calamine holds per cell of a sheet rectangle: a `Data` (32) and, for .ods, the
/// cell's formula text (`String`, 24).
const CELL_BYTES: u64 = 56;
/// Bytes per cell calamine collects before building a rectangle (`Cell<Data>`).
const SPARSE_CELL_BYTES: u64 = 40;

fn damaged() -> String {
    "文件已损坏或不是有效的表格文件；请在 Excel 或 WPS 中打开后另存为 .xlsx 再试".into()
}

fn too_big_part(part: &str, limit: u64) -> String {
    format!(
        "文件中的“{part}”解压后超过 {} 的上限（文件可能已损坏，或是恶意构造的压缩包）；请在 Excel 中打开后另存为新的 .xlsx 再试",
        super::file::size_text(limit)
    )
}

fn too_many_cells(sheet: &str, estimate: u64) -> String {
    format!(
        "工作表“{sheet}”声明的单元格范围过大，读入约需 {} MB 内存，超过 {} MB 的上限；请删除表格右侧和下方多余的行列（或整行整列的格式）后另存为 .xlsx 再试",
        estimate / MB,
        MAX_CELL_MEMORY / MB
    )
}

/// Which kind of zip a workbook is: the limits of its parts differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZipKind {
    Xlsx,
    Ods,
}

/// The end-of-central-directory claims (entry count, directory size and place) must fit in
/// the file: the zip reader sizes its tables from them.
fn check_zip_directory(bytes: &[u8]) -> Result<(), String> {
    let len = bytes.len() as u64;
    let tail_start = bytes.len().saturating_sub(65_557);
    let Some(eocd) = bytes[tail_start..].windows(4).rposition(|w| w == b"PK\x05\x06").map(|i| tail_start + i) else {
        return Err(damaged());
    };
    let field = |at: usize, n: usize| -> u64 {
        bytes.get(at..at + n).map_or(u64::MAX, |b| b.iter().rev().fold(0u64, |v, x| (v << 8) | *x as u64))
    };
    let (entries, size, start) = (field(eocd + 10, 2), field(eocd + 12, 4), field(eocd + 16, 4));
    let fits = |entries: u64, size: u64, start: u64| {
        entries.saturating_mul(46) <= len && size <= len && start <= len && entries <= MAX_ZIP_ENTRIES as u64
    };
    // ZIP64: a locator just before the record points at the 64-bit record, whose claims win.
    if eocd >= 20 && &bytes[eocd - 20..eocd - 16] == b"PK\x06\x07" {
        let at = field(eocd - 12, 8);
        let at = usize::try_from(at).ok().filter(|at| bytes.get(*at..at + 4) == Some(b"PK\x06\x06"));
        let Some(at) = at else { return Err(damaged()) };
        if !fits(field(at + 32, 8), field(at + 40, 8), field(at + 48, 8)) {
            return Err(damaged());
        }
    }
    if entries != 0xFFFF && size != 0xFFFF_FFFF && start != 0xFFFF_FFFF && !fits(entries, size, start) {
        return Err(damaged());
    }
    Ok(())
}

/// The entry names of a zip, once its directory's claims are checked.
pub fn zip_names(bytes: &[u8]) -> Result<Vec<String>, String> {
    check_zip_directory(bytes)?;
    let zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| damaged())?;
    if zip.len() > MAX_ZIP_ENTRIES {
        return Err(damaged());
    }
    zip.file_names().map(|n| n.map(|n| n.into_owned()).map_err(|_| damaged())).collect()
}

/// Check a zip workbook part by part; see the module doc.
pub fn check_zip(bytes: &[u8], kind: ZipKind) -> Result<(), String> {
    check_zip_directory(bytes)?;
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| damaged())?;
    if zip.len() > MAX_ZIP_ENTRIES {
        return Err(damaged());
    }
    let mut total = 0u64;
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).map_err(|_| damaged())?;
        if part.encrypted() {
            return Err("文件设置了密码；请在 Excel 中取消密码后另存为 .xlsx 再试".into());
        }
        let name = part.name().map_err(|_| damaged())?.into_owned();
        let lower = name.to_ascii_lowercase();
        let limit = match kind {
            ZipKind::Xlsx if lower.starts_with("xl/worksheets/") => MAX_SHEET_PART,
            ZipKind::Xlsx if lower.ends_with("sharedstrings.xml") => MAX_SHARED_STRINGS_PART,
            ZipKind::Ods if lower == "content.xml" => MAX_SHEET_PART,
            _ => MAX_OTHER_PART,
        };
        if part.size() > limit {
            return Err(too_big_part(&name, limit));
        }
        let mut limited = (&mut part).take(limit + 1);
        let mut counted = Counted { inner: &mut limited, n: 0 };
        let mut scanned = if kind == ZipKind::Xlsx && lower.ends_with("sharedstrings.xml") {
            check_shared_strings(&mut counted)
        } else if kind == ZipKind::Ods && lower == "content.xml" {
            ods_cell_memory(&mut counted).map(drop)
        } else {
            Ok(())
        };
        if scanned.is_ok() {
            scanned = std::io::copy(&mut counted, &mut std::io::sink()).map(drop).map_err(|_| damaged());
        }
        // A part cut off at its limit (its XML then ends early) is too big, not damaged.
        if counted.n > limit {
            return Err(too_big_part(&name, limit));
        }
        scanned?;
        total += counted.n;
        if total > MAX_INFLATED {
            return Err(too_big_part("全部内容", MAX_INFLATED));
        }
    }
    Ok(())
}

/// A reader that counts what passes through it.
struct Counted<'a, R: Read> {
    inner: &'a mut R,
    n: u64,
}

impl<R: Read> Read for Counted<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let k = self.inner.read(buf)?;
        self.n += k as u64;
        Ok(k)
    }
}

/// calamine reserves `uniqueCount` strings before reading the table: a true count cannot
/// exceed the table's size in bytes divided by the smallest entry (`<si/>`, 5 bytes).
fn check_shared_strings<R: Read>(part: &mut Counted<'_, R>) -> Result<(), String> {
    use quick_xml::events::Event;
    let mut xml = quick_xml::Reader::from_reader(std::io::BufReader::new(&mut *part));
    let mut buf = Vec::new();
    let unique = loop {
        match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == "sst" => {
                let attr = e.try_get_attribute("uniqueCount").map_err(|_| damaged())?;
                break attr.map(|a| a.value.trim().to_string());
            }
            Ok(Event::Eof) => break None,
            Err(_) => return Err(damaged()),
            _ => buf.clear(),
        }
    };
    drop(xml);
    std::io::copy(part, &mut std::io::sink()).map_err(|_| damaged())?;
    if let Some(unique) = unique {
        // calamine ignores a count it cannot parse as a number.
        if let Ok(n) = unique.parse::<u64>() {
            if n > part.n / 5 + 1 {
                return Err(format!(
                    "文件声明有 {n} 个共享文字，与其实际大小不符（文件可能已损坏或是恶意构造的）；请在 Excel 中打开后另存为新的 .xlsx 再试"
                ));
            }
        }
    }
    Ok(())
}

/// ODS (calamine reads every sheet of `content.xml` when the file is opened): what the
/// repeated rows and cells would cost once expanded, as calamine expands them. A cell counts
/// as non-empty when it has a value type or any content; from each table's first to its last
/// non-empty row, every row is expanded to the table's widest row.
fn ods_cell_memory<R: Read>(part: &mut Counted<'_, R>) -> Result<u64, String> {
    use quick_xml::events::{BytesStart, Event};
    const MAX_ROWS: u64 = 1_048_576;
    const MAX_COLS: u64 = 16_384;
    let repeat = |e: &BytesStart, name: &str| -> Result<u64, String> {
        match e.try_get_attribute(name).map_err(|_| damaged())? {
            None => Ok(1),
            Some(a) => a.value.trim().parse::<u64>().map_err(|_| damaged()),
        }
    };
    let mut xml = quick_xml::Reader::from_reader(std::io::BufReader::new(part));
    let mut buf = Vec::new();
    let mut total = 0u64;
    // Per table: its name, rows seen, first / last non-empty expanded row, widest row,
    // memory of its expanded cells' text, memory calamine collects before expanding.
    let mut table = String::new();
    let (mut rows_seen, mut first, mut last, mut width, mut text, mut raw) = (0u64, None, 0u64, 0u64, 0u64, 0u64);
    // Per row: repeat, column reached, last non-empty column, its cells' cost.
    let (mut row_rep, mut col, mut row_last, mut row_cost) = (0u64, 0u64, 0u64, 0u64);
    // Per cell: repeat, non-empty, its own bytes (tag with attributes, text).
    let mut cell: Option<(u64, bool, u64)> = None;
    let cell_done = |cell: (u64, bool, u64), col: &mut u64, row_last: &mut u64, row_cost: &mut u64| {
        let (rep, non_empty, bytes) = cell;
        let rep = rep.min(MAX_COLS.saturating_sub(*col));
        if non_empty {
            *row_last = *col + rep;
            *row_cost = row_cost.saturating_add(rep.saturating_mul(bytes));
        }
        *col += rep;
    };
    loop {
        let event = xml.read_event_into(&mut buf).map_err(|_| damaged())?;
        let (start, empty) = match &event {
            Event::Start(e) => (Some(e), false),
            Event::Empty(e) => (Some(e), true),
            _ => (None, false),
        };
        if let Some(e) = start {
            match e.name().as_ref() {
                "table:table" => {
                    table = e
                        .try_get_attribute("table:name")
                        .ok()
                        .flatten()
                        .map(|a| a.value.into_owned())
                        .unwrap_or_default();
                    (rows_seen, first, last, width, text, raw) = (0, None, 0, 0, 0, 0);
                }
                "table:table-row" => {
                    row_rep = repeat(e, "table:number-rows-repeated")?.min(MAX_ROWS.saturating_sub(rows_seen));
                    (col, row_last, row_cost) = (0, 0, 0);
                }
                "table:table-cell" | "table:covered-table-cell" => {
                    let rep = repeat(e, "table:number-columns-repeated")?;
                    let typed = e.try_get_attribute("office:value-type").ok().flatten().is_some();
                    let c = (rep, typed, e.len() as u64);
                    if empty {
                        cell_done(c, &mut col, &mut row_last, &mut row_cost);
                    } else {
                        cell = Some(c);
                    }
                }
                _ => {
                    if let Some(c) = &mut cell {
                        c.1 = true;
                        c.2 += e.len() as u64;
                    }
                }
            }
        }
        let end = match &event {
            Event::End(e) => Some(e.name().as_ref().to_string()),
            Event::Empty(e) => Some(e.name().as_ref().to_string()),
            Event::Text(t) => {
                if let Some(c) = &mut cell {
                    c.2 += t.len() as u64;
                    c.1 |= !t.as_ref().trim().is_empty();
                }
                None
            }
            Event::Eof => break,
            _ => None,
        };
        match end.as_deref() {
            Some("table:table-cell" | "table:covered-table-cell") if !empty => {
                if let Some(c) = cell.take() {
                    cell_done(c, &mut col, &mut row_last, &mut row_cost);
                }
            }
            Some("table:table-row") => {
                if row_last > 0 {
                    raw = raw.saturating_add(row_last * CELL_BYTES + row_cost);
                    first.get_or_insert(rows_seen);
                    last = rows_seen + row_rep.max(1) - 1;
                    width = width.max(row_last);
                    text = text.saturating_add(row_rep.saturating_mul(row_cost));
                }
                rows_seen = (rows_seen + row_rep).min(MAX_ROWS);
            }
            Some("table:table") => {
                let rect = first.map_or(0, |f| (last - f + 1).saturating_mul(width));
                let sheet = rect.saturating_mul(CELL_BYTES).saturating_add(text).saturating_add(raw);
                total = total.saturating_add(sheet);
                if total > MAX_CELL_MEMORY {
                    return Err(too_many_cells(&table, sheet));
                }
            }
            _ => {}
        }
        buf.clear();
    }
    Ok(total)
}

/// Check an .xls (compound file) workbook; see the module doc.
pub fn check_xls(bytes: &[u8]) -> Result<(), String> {
    let cfb = Compound::parse(bytes).ok_or_else(damaged)?;
    let stream = cfb.workbook_stream().ok_or_else(damaged)?;
    biff_cell_memory(&stream)
}

const ENDOFCHAIN: u32 = 0xFFFF_FFFE;
const MAXREGSECT: u32 = 0xFFFF_FFFA;

/// The parts of a compound file calamine follows, every chain checked to end.
struct Compound<'a> {
    bytes: &'a [u8],
    sector: usize,
    fat: Vec<u32>,
    mini_fat: Vec<u32>,
    mini_stream: Vec<u8>,
    /// (name, start sector, size) of each directory entry.
    entries: Vec<(String, u32, u64)>,
}

impl<'a> Compound<'a> {
    fn u32_at(b: &[u8], at: usize) -> Option<u32> {
        Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
    }

    /// Sector `id` as calamine reads it: after the header, clipped at the end of the file.
    fn sector(&self, id: u32) -> Option<&'a [u8]> {
        let start = (id as usize).checked_add(1)?.checked_mul(self.sector)?;
        if id as usize > self.bytes.len() / self.sector {
            return None;
        }
        let end = (start + self.sector).min(self.bytes.len());
        Some(self.bytes.get(start..end).unwrap_or(&[]))
    }

    /// The sectors of the chain from `start` through `table`: `None` when it loops, leaves the
    /// table, or does not end within `limit` steps.
    fn chain(table: &[u32], start: u32, limit: usize) -> Option<Vec<u32>> {
        let mut seen = vec![false; table.len()];
        let mut ids = Vec::new();
        let mut id = start;
        while id != ENDOFCHAIN {
            if id > MAXREGSECT || ids.len() > limit || *seen.get(id as usize)? {
                return None;
            }
            seen[id as usize] = true;
            ids.push(id);
            id = table[id as usize];
        }
        Some(ids)
    }

    fn read_chain(&self, start: u32, len: u64) -> Option<Vec<u8>> {
        let mut out = Vec::new();
        for id in Self::chain(&self.fat, start, self.bytes.len() / self.sector + 1)? {
            out.extend_from_slice(self.sector(id)?);
            if out.len() as u64 >= len {
                break;
            }
        }
        out.truncate(len.min(out.len() as u64) as usize);
        Some(out)
    }

    fn parse(bytes: &'a [u8]) -> Option<Compound<'a>> {
        if bytes.len() < 512 || &bytes[..8] != b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1" {
            return None;
        }
        let sector = match u16::from_le_bytes([bytes[30], bytes[31]]) {
            9 => 512,
            12 => 4096,
            _ => return None,
        };
        let mut c = Compound {
            bytes,
            sector,
            fat: Vec::new(),
            mini_fat: Vec::new(),
            mini_stream: Vec::new(),
            entries: Vec::new(),
        };
        let n_sectors = bytes.len() / sector + 1;
        // The DIFAT: 109 entries in the header, then a chain of DIFAT sectors (each ends with
        // the next one's id), at most one per sector of the file.
        let mut difat: Vec<u32> = (0..109).filter_map(|i| Self::u32_at(bytes, 76 + 4 * i)).collect();
        let mut next = Self::u32_at(bytes, 68)?;
        let mut steps = 0;
        while next <= MAXREGSECT {
            steps += 1;
            if steps > n_sectors {
                return None;
            }
            let s = c.sector(next)?;
            let words: Vec<u32> = s.chunks_exact(4).map(|w| u32::from_le_bytes(w.try_into().unwrap())).collect();
            let (last, rest) = words.split_last()?;
            difat.extend_from_slice(rest);
            next = *last;
        }
        for id in difat.into_iter().filter(|id| *id <= MAXREGSECT) {
            let s = c.sector(id)?;
            c.fat.extend(s.chunks_exact(4).map(|w| u32::from_le_bytes(w.try_into().unwrap())));
        }
        // The directory (calamine reads its chain to the end) and the mini stream's tables.
        let dir = c.read_chain(Self::u32_at(bytes, 48)?, u64::MAX)?;
        let v4 = sector == 4096;
        for e in dir.chunks_exact(128) {
            let name_len = (u16::from_le_bytes([e[64], e[65]]) as usize).min(64);
            let units: Vec<u16> = e[..name_len].chunks_exact(2).map(|u| u16::from_le_bytes([u[0], u[1]])).collect();
            let name = String::from_utf16_lossy(&units).trim_end_matches('\0').to_string();
            let start = Self::u32_at(e, 116)?;
            let size = if v4 { u64::from_le_bytes(e[120..128].try_into().ok()?) } else { Self::u32_at(e, 120)? as u64 };
            c.entries.push((name, start, size));
        }
        let (_, root_start, root_size) = c.entries.first()?.clone();
        let mini_fat_len = Self::u32_at(bytes, 64)? as u64;
        if mini_fat_len > 0 {
            c.mini_stream = c.read_chain(root_start, root_size)?;
            let mf = c.read_chain(Self::u32_at(bytes, 60)?, mini_fat_len.saturating_mul(sector as u64))?;
            c.mini_fat = mf.chunks_exact(4).map(|w| u32::from_le_bytes(w.try_into().unwrap())).collect();
        }
        Some(c)
    }

    /// The Workbook (or BIFF5 Book) stream, as calamine finds it.
    fn workbook_stream(&self) -> Option<Vec<u8>> {
        let (_, start, size) = self
            .entries
            .iter()
            .find(|(n, ..)| n.eq_ignore_ascii_case("Workbook"))
            .or_else(|| self.entries.iter().find(|(n, ..)| n.eq_ignore_ascii_case("Book")))?;
        if *size >= 4096 {
            return self.read_chain(*start, *size);
        }
        let mut out = Vec::new();
        for id in Self::chain(&self.mini_fat, *start, self.mini_fat.len())? {
            let at = id as usize * 64;
            out.extend_from_slice(self.mini_stream.get(at..(at + 64).min(self.mini_stream.len())).unwrap_or(&[]));
            if out.len() as u64 >= *size {
                break;
            }
        }
        out.truncate((*size as usize).min(out.len()));
        Some(out)
    }

    /// Does the file hold a stream of this name (e.g. `EncryptedPackage`, `WordDocument`)?
    pub fn has(&self, name: &str) -> bool {
        self.entries.iter().any(|(n, ..)| n.eq_ignore_ascii_case(name))
    }
}

/// What a compound file holds, to tell the user what they gave.
#[derive(Debug, PartialEq, Eq)]
pub enum CompoundKind {
    Xls,
    /// An .xlsx saved with a password (Office wraps it in a compound file).
    Encrypted,
    /// A Word .doc or other Office file.
    Other,
}

pub fn compound_kind(bytes: &[u8]) -> Option<CompoundKind> {
    let c = Compound::parse(bytes)?;
    Some(if c.has("EncryptedPackage") {
        CompoundKind::Encrypted
    } else if c.has("Workbook") || c.has("Book") {
        CompoundKind::Xls
    } else {
        CompoundKind::Other
    })
}

/// BIFF records of the workbook stream: for each sheet calamine will read (a BoundSheet8
/// record's offset), what its DIMENSIONS record makes calamine reserve and the rectangle its
/// cells span, and the copies of shared strings its cells refer to (calamine holds the sheet
/// twice: once read, once handed out).
fn biff_cell_memory(stream: &[u8]) -> Result<(), String> {
    let records = |from: usize| {
        let mut at = from;
        std::iter::from_fn(move || {
            let head = stream.get(at..at + 4)?;
            let typ = u16::from_le_bytes([head[0], head[1]]);
            let len = u16::from_le_bytes([head[2], head[3]]) as usize;
            let data = stream.get(at + 4..at + 4 + len)?;
            at += 4 + len;
            Some((typ, data))
        })
    };
    let u16_at = |d: &[u8], at: usize| d.get(at..at + 2).map_or(0, |b| u16::from_le_bytes([b[0], b[1]]) as u32);
    let u32_at = |d: &[u8], at: usize| d.get(at..at + 4).map_or(0, |b| u32::from_le_bytes(b.try_into().unwrap()));
    let mut sheets = Vec::new();
    // The shared strings: calamine gives every cell that refers to one its own copy.
    let mut sst: Vec<&[u8]> = Vec::new();
    let mut in_sst = false;
    for (typ, data) in records(0) {
        in_sst &= typ == 0x003C;
        match typ {
            0x0085 => sheets.push((u32_at(data, 0) as usize, sheet_name(data))),
            0x00FC => {
                sst = vec![data.get(8..).unwrap_or(&[])];
                in_sst = true;
            }
            0x003C if in_sst => sst.push(data),
            0x000A => break,
            _ => {}
        }
    }
    let shared = shared_string_sizes(&sst);
    let mut total = 0u64;
    for (pos, name) in sheets {
        let mut reserve = 0u64;
        let mut cells = 0u64;
        let mut text = 0u64;
        let (mut r0, mut r1, mut c0, mut c1) = (u32::MAX, 0u32, u32::MAX, 0u32);
        let mut at = |r: u32, c: u32, n: u64| {
            cells += n;
            (r0, r1, c0, c1) = (r0.min(r), r1.max(r), c0.min(c), c1.max(c));
        };
        for (i, (typ, d)) in records(pos).enumerate() {
            match typ {
                0x000A if i > 0 => break,
                0x0200 => {
                    // As calamine computes it (wrapping arithmetic on u32, then saturating).
                    let (rf, rl, mut cf, cl) = match d.len() {
                        10 => (u16_at(d, 0), u16_at(d, 2), u16_at(d, 4), u16_at(d, 6)),
                        14 | 16 => (u32_at(d, 0), u32_at(d, 4), u16_at(d, 8), u16_at(d, 10)),
                        _ => continue,
                    };
                    if cf > 0xFF || cl < cf {
                        cf = 0;
                    }
                    if rl >= 1 && cl >= 1 {
                        let rows = (rl - 1).wrapping_sub(rf).wrapping_add(1) as u64;
                        let cols = (cl - 1).wrapping_sub(cf).wrapping_add(1) as u64;
                        reserve = reserve.saturating_add(rows.saturating_mul(cols));
                    }
                }
                0x00FD if d.len() >= 10 => {
                    text = text.saturating_add(shared.get(u32_at(d, 6) as usize).copied().unwrap_or(0));
                    at(u16_at(d, 0), u16_at(d, 2), 1)
                }
                0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x0006 if d.len() >= 4 => {
                    at(u16_at(d, 0), u16_at(d, 2), 1)
                }
                0x00BD if d.len() >= 6 => {
                    let last = u16_at(d, d.len() - 2);
                    at(u16_at(d, 0), u16_at(d, 2), ((d.len() - 6) / 6) as u64);
                    at(u16_at(d, 0), last, 0);
                }
                _ => {}
            }
        }
        let rect = if cells == 0 { 0 } else { (r1 - r0 + 1) as u64 * (c1.saturating_sub(c0) + 1) as u64 };
        let sheet = reserve
            .saturating_mul(SPARSE_CELL_BYTES)
            .saturating_add(cells.saturating_mul(SPARSE_CELL_BYTES))
            .saturating_add(rect.saturating_mul(2 * CELL_BYTES))
            .saturating_add(text.saturating_mul(2));
        total = total.saturating_add(sheet);
        if total > MAX_CELL_MEMORY {
            return Err(too_many_cells(name.trim_matches(char::from(0)), sheet));
        }
    }
    Ok(())
}

/// The name in a BoundSheet8 record (BIFF8: length, flags, then Latin-1 or UTF-16LE).
fn sheet_name(data: &[u8]) -> String {
    let (Some(&n), Some(&flags)) = (data.get(6), data.get(7)) else { return String::new() };
    let rest = data.get(8..).unwrap_or(&[]);
    if flags & 1 == 1 {
        let units: Vec<u16> = rest.chunks_exact(2).take(n as usize).map(|u| u16::from_le_bytes([u[0], u[1]])).collect();
        String::from_utf16_lossy(&units)
    } else {
        rest.iter().take(n as usize).map(|b| char::from(*b)).collect()
    }
}

/// Upper bound of each shared string's size in UTF-8 (3 bytes a character), from the SST
/// record and its CONTINUE records (`segments`, the SST's counts already skipped). A
/// string's characters may run on into the next segment, which then starts with a new
/// flags byte; its formatting runs and phonetic data are skipped.
fn shared_string_sizes(segments: &[&[u8]]) -> Vec<u64> {
    let mut sizes = Vec::new();
    let (mut seg, mut at) = (0usize, 0usize);
    // Read `n` bytes as a little-endian number, across segments.
    let take = |seg: &mut usize, at: &mut usize, n: usize| -> Option<u64> {
        let mut v = 0u64;
        for i in 0..n {
            while *at >= segments.get(*seg)?.len() {
                *seg += 1;
                *at = 0;
            }
            v |= (segments[*seg][*at] as u64) << (8 * i);
            *at += 1;
        }
        Some(v)
    };
    while let Some(cch) = take(&mut seg, &mut at, 2) {
        let Some(flags) = take(&mut seg, &mut at, 1) else { break };
        let runs = if flags & 8 != 0 { take(&mut seg, &mut at, 2).unwrap_or(0) } else { 0 };
        let ext = if flags & 4 != 0 { take(&mut seg, &mut at, 4).unwrap_or(0) } else { 0 };
        let (mut left, mut wide) = (cch, flags & 1 != 0);
        while left > 0 {
            let Some(s) = segments.get(seg) else { break };
            let unit = if wide { 2 } else { 1 };
            let here = ((s.len().saturating_sub(at)) / unit) as u64;
            let k = here.min(left);
            at += (k as usize) * unit;
            left -= k;
            if left > 0 {
                seg += 1;
                at = 0;
                match segments.get(seg).and_then(|s| s.first()) {
                    Some(f) => {
                        wide = f & 1 != 0;
                        at = 1;
                    }
                    None => break,
                }
            }
        }
        sizes.push(cch * 3);
        // Skip the formatting runs and phonetic data (they may cross segments too).
        let mut skip = runs * 4 + ext;
        while skip > 0 {
            let Some(s) = segments.get(seg) else { break };
            let k = (s.len().saturating_sub(at) as u64).min(skip);
            at += k as usize;
            skip -= k;
            if skip > 0 {
                seg += 1;
                at = 0;
            }
        }
    }
    sizes
}
