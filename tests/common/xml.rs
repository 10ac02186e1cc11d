//! An XML part read back as a tree, for the tests that look inside the packages we write
//! (the template's .xlsx parts, the .ofd parts): each element with its qualified name,
//! attributes, own text (entities resolved) and children. The tests add the lookups they need
//! as their own `impl Node` blocks.

use quick_xml::events::{BytesStart, Event};
use std::collections::BTreeMap;

/// An element: its name (with prefix), attributes, own text and children.
#[derive(Debug, Default)]
pub struct Node {
    pub name: String,
    pub attrs: BTreeMap<String, String>,
    pub text: String,
    pub children: Vec<Node>,
}

impl Node {
    /// The root element of `xml`; panics on XML that is not well-formed.
    pub fn parse(xml: &[u8]) -> Node {
        let mut reader = quick_xml::Reader::from_reader(xml);
        let mut stack: Vec<Node> = vec![Node::default()];
        let start = |e: &BytesStart| Node {
            name: e.name().as_ref().to_string(),
            attrs: e
                .attributes()
                .map(|a| {
                    let a = a.unwrap();
                    let value = a.normalized_value(quick_xml::XmlVersion::Implicit1_0).unwrap().into_owned();
                    (a.key.as_ref().to_string(), value)
                })
                .collect(),
            ..Node::default()
        };
        let mut buf = Vec::new();
        loop {
            match reader.read_event_into(&mut buf).expect("well-formed XML") {
                Event::Start(e) => stack.push(start(&e)),
                Event::Empty(e) => {
                    let node = start(&e);
                    stack.last_mut().unwrap().children.push(node);
                }
                Event::End(_) => {
                    let node = stack.pop().unwrap();
                    stack.last_mut().unwrap().children.push(node);
                }
                Event::Text(t) => stack.last_mut().unwrap().text.push_str(&t.xml10_content()),
                Event::GeneralRef(r) => {
                    let c = match r.xml10_content().as_ref() {
                        "amp" => '&',
                        "lt" => '<',
                        "gt" => '>',
                        "quot" => '"',
                        "apos" => '\'',
                        other => panic!("entity {other:?}"),
                    };
                    stack.last_mut().unwrap().text.push(c);
                }
                Event::Eof => break,
                _ => {}
            }
            buf.clear();
        }
        let mut root = stack.pop().unwrap();
        assert!(stack.is_empty(), "unbalanced XML");
        assert_eq!(root.children.len(), 1, "one root element");
        root.children.pop().unwrap()
    }
}
