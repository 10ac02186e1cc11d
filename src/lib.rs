//! gongwen: rows of an Excel workbook in, Chinese official-style documents out (DOCX + PDF).
//!
//! Flow: `workbook` reads and validates the rows into `request` values; `forms` turns one
//! request into a format-neutral `model::Document` using the form definitions in `forms/`;
//! `docx` and `pdf` (with its `layout` engine) render that document; `output` names, writes
//! and lists the files; `generate` runs a whole batch in parallel and `bundle` makes the print
//! bundles; `fonts` holds the bundled faces; `typeset` the
//! Chinese typesetting rules (punctuation compression) both writers apply. The command line is `src/main.rs`.

pub mod bundle;
pub mod docx;
pub mod fonts;
pub mod forms;
pub mod generate;
pub mod layout;
pub mod model;
pub mod oserror;
pub mod output;
pub mod pdf;
pub mod request;
pub mod typeset;
pub mod workbook;
