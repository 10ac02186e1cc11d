//! What the zip-packaged writers share (the .docx, the .ofd): the XML builder ([`xml`]), the
//! font subsets they carry ([`subset`]) and the zip itself ([`zip_parts`]), so both packages
//! are packed, escaped and subset the same way.

pub mod subset;
pub mod xml;

use std::io::{Cursor, Write};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

/// Parts smaller than this many bytes are stored, not deflated.
pub(crate) const STORE_BELOW: usize = 1024;

/// Pack the parts (name, content) in the given order, timestamp 1980-01-01 00:00: small parts and
/// images stored, the rest deflated. Deterministic: the same parts give the same bytes.
pub fn zip_parts(parts: &[(String, Vec<u8>)]) -> zip::result::ZipResult<Vec<u8>> {
    let options = SimpleFileOptions::DEFAULT.last_modified_time(DateTime::DEFAULT).unix_permissions(0o644);
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, content) in parts {
        // Deflate what is worth it. Setting up a compressor costs more than a small part
        // would save (measured: half of the DOCX time went to that), and PNGs are compressed.
        let method = if content.len() < STORE_BELOW || name.ends_with(".png") {
            CompressionMethod::Stored
        } else {
            CompressionMethod::Deflated
        };
        zip.start_file(name.as_str(), options.compression_method(method))?;
        zip.write_all(content)?;
    }
    Ok(zip.finish()?.into_inner())
}
