//! The reading structure of a laid-out document: what its text *is* — headings, paragraphs,
//! tables with their header cells, the tear-off reply slip as a section, a seal as a figure —
//! in reading order, and which drawn items are page furniture no one reads (page numbers, the
//! ✂ of the cut line, a table header repeated on a later page, rules, borders, shading).
//!
//! The layout decides it once, while it places the blocks (`flow`, `table`): each leaf gets a
//! number in reading order and every text run and seal image it draws carries that number in
//! its [`Mark`]. The PDF writer turns the tree into a tagged PDF's structure tree; nothing
//! here draws or knows PDF.

use crate::model::StyleName;

/// What a drawn text run or image is in the structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// Part of the leaf numbered `n` ([`Node::Leaf`]): a paragraph, heading or figure may be
    /// drawn as many runs over many lines and pages, read as one.
    Content(u32),
    /// Not read: page furniture.
    Artifact(Furniture),
}

impl Mark {
    /// What text the layout sets is until the block it belongs to claims it: decoration.
    pub const DECORATION: Mark = Mark::Artifact(Furniture::Decoration);
}

/// Kinds of page furniture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Furniture {
    /// A page number (`— 1 —`, `第 1 页 共 3 页`).
    PageNumber,
    /// Drawn again because the page broke: a table's header rows at the top of a
    /// continuation page (read once, where the table starts).
    Repeated,
    /// Decoration: the ✂ of the cut line. Rules, borders and shading are always decoration.
    Decoration,
}

/// A node of the reading structure.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// Content: the runs (or image) marked [`Mark::Content`]`(id)`, in drawing order.
    Leaf { leaf: Leaf, id: u32 },
    /// A part made of other parts.
    Group { group: Group, children: Vec<Node> },
}

/// What a leaf is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leaf {
    Paragraph,
    /// A heading: level 1 for a title (the document's, the reply slip's), 2 for 一、, 3 for
    /// （一）.
    Heading(u8),
    /// An image, with the text that stands for it.
    Figure(&'static str),
}

/// What a group is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// A part that stands on its own: the reply slip below the cut line.
    Section,
    Table,
    /// A table's header rows.
    Head,
    /// A table's other rows.
    Body,
    Row,
    /// A cell: a header of its column (in the header rows), a header of its row (a label
    /// such as 协作背景) or a data cell (`header: None`); it spans `rows` × `cols` of the grid.
    Cell {
        header: Option<Scope>,
        rows: u32,
        cols: u32,
    },
}

/// Which cells a header cell is the header of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Column,
    Row,
}

/// The text an electronic seal is read as.
pub const SEAL_ALT: &str = "电子印章";

/// The leaf a paragraph of this style is: a title (the `title` style and those based on it:
/// the reply slip's 回执, a form's table title) is a level-1 heading, a style with outline
/// level `n` (0 for 一、) a heading of level `n + 2`, anything else a paragraph. The same
/// outline levels the .docx gives Word's navigation pane.
pub fn paragraph_leaf(name: &StyleName) -> Leaf {
    if name.key == "title" || name.based_on == Some("title") {
        Leaf::Heading(1)
    } else if let Some(level) = name.outline_level {
        Leaf::Heading(level.saturating_add(2))
    } else {
        Leaf::Paragraph
    }
}

/// Hands out leaf numbers in reading order.
#[derive(Debug, Default)]
pub struct Leaves(u32);

impl Leaves {
    pub fn next(&mut self) -> u32 {
        self.0 += 1;
        self.0 - 1
    }
}

/// Mark every text run of `items` as part of `mark`.
pub fn mark_runs(items: &mut [super::Item], mark: Mark) {
    for item in items {
        if let super::Item::Text(run) = item {
            run.mark = mark;
        }
    }
}

impl Node {
    /// Call `f` on every leaf, in reading order.
    pub fn for_each_leaf(&self, f: &mut dyn FnMut(Leaf, u32)) {
        match self {
            Node::Leaf { leaf, id } => f(*leaf, *id),
            Node::Group { children, .. } => children.iter().for_each(|c| c.for_each_leaf(f)),
        }
    }
}
