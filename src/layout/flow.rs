//! Pagination (stub).
use super::Laid;
use crate::model::Document;
pub fn layout_document(_doc: &Document) -> Laid { Laid { pages: vec![], seals: vec![] } }
