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
    let mut zip = Zip::new();
    for (name, content) in parts {
        zip.add(name, content)?;
    }
    zip.finish()
}

/// A zip package written a part at a time, as [`zip_parts`] packs it: a writer that makes its
/// parts one by one (an OFD bundle's pages) keeps them compressed here instead of holding them
/// all until the end.
pub(crate) struct Zip {
    writer: ZipWriter<Cursor<Vec<u8>>>,
}

impl Zip {
    pub(crate) fn new() -> Zip {
        Zip { writer: ZipWriter::new(Cursor::new(Vec::new())) }
    }

    /// Add one part (small parts and PNGs stored, the rest deflated).
    pub(crate) fn add(&mut self, name: &str, content: &[u8]) -> zip::result::ZipResult<()> {
        let options = SimpleFileOptions::DEFAULT.last_modified_time(DateTime::DEFAULT).unix_permissions(0o644);
        // Deflate what is worth it. Setting up a compressor costs more than a small part
        // would save (measured: half of the DOCX time went to that), and PNGs are compressed.
        let method = if content.len() < STORE_BELOW || name.ends_with(".png") {
            CompressionMethod::Stored
        } else {
            CompressionMethod::Deflated
        };
        self.writer.start_file(name, options.compression_method(method))?;
        self.writer.write_all(content)?;
        Ok(())
    }

    /// The package's bytes.
    pub(crate) fn finish(self) -> zip::result::ZipResult<Vec<u8>> {
        Ok(self.writer.finish()?.into_inner())
    }
}
