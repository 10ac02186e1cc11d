//! Rows hidden in Excel — by a filter (`自动筛选`) or by hand — in a sheet of an .xlsx file.
//! calamine reads a hidden row's cells like any other but does not say it is hidden, and a
//! clerk who filtered the list down to "this week" may not expect the hidden rows to be made
//! too. They are made; the reader says so. This reads only what it needs from the file's zip
//! parts (the workbook's sheet list, its relationships, the `<row hidden="1">` marks), as a
//! stream and within fixed limits, so a hostile file costs no more than reading it already did.
//! Anything unexpected means "no hidden rows known": this is a warning, never a reason to fail.

use quick_xml::events::Event;
use std::collections::BTreeSet;
use std::io::{BufReader, Read, Seek};

/// Bytes of a part's XML read at most (after decompression): a sheet bigger than this has its
/// first rows checked only.
const MAX_PART_BYTES: u64 = 256 << 20;
/// Hidden rows remembered at most.
const MAX_ROWS: usize = 100_000;

/// The hidden rows of one sheet.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct HiddenRows {
    /// 0-based rows marked hidden.
    pub rows: BTreeSet<u32>,
    /// The sheet has an Excel filter (so the rows are most likely hidden by it).
    pub filtered: bool,
}

/// The hidden rows of sheet `sheet` of an .xlsx file's bytes (the ones `source` holds: the
/// file is not opened again); empty for whatever cannot be read.
pub fn hidden_rows(xlsx: &[u8], sheet: &str) -> HiddenRows {
    read(std::io::Cursor::new(xlsx), sheet).unwrap_or_default()
}

fn read(file: impl Read + Seek, sheet: &str) -> Option<HiddenRows> {
    let mut zip = zip::ZipArchive::new(file).ok()?;
    // xl/workbook.xml: sheet name → relationship id; its .rels: id → part.
    let mut rel_id = None;
    scan(&mut zip, "xl/workbook.xml", |name, attrs| {
        if name == "sheet" && attr(attrs, "name").as_deref() == Some(sheet) {
            rel_id = attr(attrs, "id");
        }
        rel_id.is_none()
    })?;
    let rel_id = rel_id?;
    let mut target = None;
    scan(&mut zip, "xl/_rels/workbook.xml.rels", |name, attrs| {
        if name == "Relationship" && attr(attrs, "Id").as_deref() == Some(rel_id.as_str()) {
            target = attr(attrs, "Target");
        }
        target.is_none()
    })?;
    let target = target?;
    let part = match target.strip_prefix('/') {
        Some(absolute) => absolute.to_string(),
        None => format!("xl/{target}"),
    };
    let mut hidden = HiddenRows::default();
    scan(&mut zip, &part, |name, attrs| {
        match name {
            "row" if matches!(attr(attrs, "hidden").as_deref(), Some("1" | "true")) => {
                if let Some(r) = attr(attrs, "r").and_then(|r| r.parse::<u32>().ok()).filter(|&r| r >= 1) {
                    hidden.rows.insert(r - 1);
                }
            }
            "autoFilter" => hidden.filtered = true,
            _ => {}
        }
        hidden.rows.len() < MAX_ROWS
    })?;
    Some(hidden)
}

/// Attributes of one element: (local name, unescaped value).
type Attrs = Vec<(String, String)>;

fn attr(attrs: &Attrs, key: &str) -> Option<String> {
    attrs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
}

/// Stream the elements of zip part `name` to `visit` (local name, attributes) until it returns
/// false, the part ends, or [`MAX_PART_BYTES`] have been read. `None` if the part is missing.
fn scan<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    name: &str,
    mut visit: impl FnMut(&str, &Attrs) -> bool,
) -> Option<()> {
    let part = zip.by_name(name).ok()?;
    let mut reader = quick_xml::Reader::from_reader(BufReader::new(part.take(MAX_PART_BYTES)));
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) => {
                let attrs: Attrs = e
                    .attributes()
                    .flatten()
                    .map(|a| {
                        let value = a
                            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                            .map(|v| v.into_owned())
                            .unwrap_or_default();
                        (a.key.local_name().as_ref().to_string(), value)
                    })
                    .collect();
                if !visit(e.local_name().as_ref(), &attrs) {
                    return Some(());
                }
            }
            Ok(Event::Eof) | Err(_) => return Some(()),
            Ok(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_hidden_by_a_filter_are_found() {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet().set_name("协作需求").unwrap();
        for r in 0..6u32 {
            ws.write_string(r, 0, format!("行{r}")).unwrap();
        }
        ws.autofilter(0, 0, 5, 0).unwrap();
        ws.set_row_hidden(2).unwrap();
        ws.set_row_hidden(4).unwrap();
        wb.add_worksheet().set_name("任务拆分").unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        let hidden = hidden_rows(&bytes, "协作需求");
        assert_eq!(hidden.rows.into_iter().collect::<Vec<_>>(), [2, 4]);
        assert!(hidden.filtered);
        assert_eq!(hidden_rows(&bytes, "任务拆分"), HiddenRows::default());
        assert_eq!(hidden_rows(&bytes, "没有这个表"), HiddenRows::default());
        assert_eq!(hidden_rows(b"not a zip", "协作需求"), HiddenRows::default());
    }
}
