//! gongwen: rows of an Excel workbook in, Chinese official-style documents out (DOCX + PDF).
//!
//! Flow: `workbook` reads and validates the rows into `request` values; `forms` turns one
//! request into a format-neutral `model::Document` using the form definitions in `forms/`;
//! `docx` renders that document, `pdf` and `ofd` (GB/T 33190) write the pages its `layout`
//! engine lays out, `raster` draws the same laid-out pages as images; `package` holds what
//! the zipped writers share (XML, zip, font subsets); `names` makes every file name (one name
//! book per run), `output` writes and lists the files; `text` decides which characters may
//! reach a file; `generate` runs a whole batch in parallel and `bundle` makes the print
//! bundles; `fonts` holds the bundled faces; `typeset` the
//! Chinese typesetting rules (punctuation compression) both writers apply; `serve` the web
//! workbench and HTTP API over the same functions. The command line is `src/main.rs`.

pub mod bundle;
pub mod docx;
pub mod find;
pub mod fonts;
pub mod forms;
pub mod generate;
pub mod layout;
pub mod model;
pub mod names;
pub mod ofd;
pub mod oserror;
pub mod output;
pub(crate) mod package;
pub mod pdf;
pub mod raster;
pub mod request;
pub mod serve;
pub mod text;
pub mod typeset;
pub mod workbook;

/// The tests' one skip rule (tests/common/skip.rs), shared with the unit tests.
#[cfg(test)]
#[path = "../tests/common/skip.rs"]
mod test_skip;
