//! Tagged PDF: the layout's reading structure ([`layout::Node`], each drawn item's [`Mark`])
//! as krilla's tag tree. While a page is drawn, every item is wrapped in marked content — a
//! span of its leaf (a paragraph, heading, cell paragraph, seal) or an artifact (page numbers,
//! a repeated table header, rules, borders, shading, the ✂) — by a [`Marker`]; when every page
//! is drawn, [`tree`] builds the structure tree from the layout's structure and the marked
//! content each leaf was drawn as. So a reader that follows the structure reads a paragraph
//! broken over lines and pages as one paragraph, and screen readers read in order.
//!
//! [`layout::Node`]: crate::layout::Node

use crate::layout::{Furniture, Group, Item, Leaf, Mark, Node, Scope};
use krilla::surface::Surface;
use krilla::tagging::{
    Artifact, ArtifactType, ContentTag, Identifier, Node as TagNode, SpanTag, TableHeaderScope, Tag, TagGroup,
};
use std::num::{NonZeroU16, NonZeroU32};

/// What one drawn item is wrapped in.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Wrap {
    /// Part of leaf `.0`; `.1`: an image (marked as "other" content, not a span of text).
    Leaf(u32, bool),
    Artifact(ArtifactType),
}

fn wrap_of(item: &Item) -> Wrap {
    let of_mark = |mark: Mark, image: bool| match mark {
        Mark::Content(id) => Wrap::Leaf(id, image),
        Mark::Artifact(Furniture::PageNumber) => Wrap::Artifact(ArtifactType::PageNumber),
        Mark::Artifact(Furniture::Repeated) => Wrap::Artifact(ArtifactType::PaginationOther),
        Mark::Artifact(Furniture::Decoration) => Wrap::Artifact(ArtifactType::Layout),
    };
    match item {
        Item::Text(run) => of_mark(run.mark, false),
        Item::Image { mark, .. } => of_mark(*mark, true),
        Item::Line { .. } | Item::Fill { .. } => Wrap::Artifact(ArtifactType::Layout),
    }
}

/// Wraps the items of a document's pages in marked content as they are drawn, and keeps
/// which marked content each leaf was drawn as. Items one after another with the same wrap
/// share one marked-content sequence (a line of text in one font is one run; a paragraph's
/// lines follow each other), so a page carries few of them.
#[derive(Default)]
pub struct Marker {
    open: Option<Wrap>,
    /// Per leaf number: its marked content, in drawing order.
    drawn: Vec<Vec<Identifier>>,
}

impl Marker {
    /// Before drawing `item` on `surface`.
    pub fn enter(&mut self, surface: &mut Surface, item: &Item) {
        let wrap = wrap_of(item);
        if self.open == Some(wrap) {
            return;
        }
        self.leave(surface);
        let tag = match wrap {
            Wrap::Leaf(_, false) => ContentTag::Span(SpanTag::empty()),
            Wrap::Leaf(_, true) => ContentTag::Other,
            Wrap::Artifact(kind) => ContentTag::Artifact(Artifact::with_kind(kind)),
        };
        let id = surface.start_tagged(tag);
        if let Wrap::Leaf(leaf, _) = wrap {
            let leaf = leaf as usize;
            if self.drawn.len() <= leaf {
                self.drawn.resize_with(leaf + 1, Vec::new);
            }
            self.drawn[leaf].push(id);
        }
        self.open = Some(wrap);
    }

    /// At the end of a page: close what is open.
    pub fn leave(&mut self, surface: &mut Surface) {
        if self.open.take().is_some() {
            surface.end_tagged();
        }
    }

    /// The structure tree's nodes for `structure`, every leaf holding the marked content it
    /// was drawn as. A leaf that drew nothing (an empty paragraph, a seal that was not placed)
    /// is left out, as is a group left empty — but not a table cell: an empty cell keeps its
    /// place, so the cells after it stay under their column headers.
    pub fn tree(mut self, structure: &[Node]) -> Vec<TagNode> {
        structure.iter().filter_map(|n| self.node(n)).collect()
    }

    fn node(&mut self, node: &Node) -> Option<TagNode> {
        match node {
            Node::Leaf { leaf, id } => {
                let content = std::mem::take(self.drawn.get_mut(*id as usize)?);
                if content.is_empty() {
                    return None;
                }
                let children = content.into_iter().map(TagNode::Leaf).collect();
                Some(TagGroup::with_children(leaf_tag(*leaf), children).into())
            }
            Node::Group { group, children } => {
                let children: Vec<TagNode> = children.iter().filter_map(|n| self.node(n)).collect();
                if children.is_empty() && !matches!(group, Group::Cell { .. }) {
                    return None;
                }
                Some(TagGroup::with_children(group_tag(*group), children).into())
            }
        }
    }
}

fn leaf_tag(leaf: Leaf) -> krilla::tagging::TagKind {
    match leaf {
        Leaf::Paragraph => Tag::P.into(),
        Leaf::Heading(level) => Tag::Hn(NonZeroU16::new(level.into()).unwrap_or(NonZeroU16::MIN), None).into(),
        Leaf::Figure(alt) => Tag::Figure(Some(alt.to_string())).into(),
    }
}

fn group_tag(group: Group) -> krilla::tagging::TagKind {
    let span = |n: u32| NonZeroU32::new(n).filter(|n| n.get() > 1);
    match group {
        Group::Section => Tag::Section.into(),
        Group::Table => Tag::Table.into(),
        Group::Head => Tag::THead.into(),
        Group::Body => Tag::TBody.into(),
        Group::Row => Tag::TR.into(),
        Group::Cell { header: Some(scope), rows, cols } => {
            let scope = match scope {
                Scope::Column => TableHeaderScope::Column,
                Scope::Row => TableHeaderScope::Row,
            };
            Tag::TH(scope).with_row_span(span(rows)).with_col_span(span(cols)).into()
        }
        Group::Cell { header: None, rows, cols } => Tag::TD.with_row_span(span(rows)).with_col_span(span(cols)).into(),
    }
}
