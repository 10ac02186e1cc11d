//! A minimal XML text builder for the package parts: elements, attributes and text, escaped
//! with `quick_xml::escape`. Nothing is reordered or pretty-printed, so what the part writers
//! emit is exactly what ends up in the file (element order matters to Word).

use quick_xml::escape::escape;
use std::fmt::{Display, Write};

/// One attribute: name and any displayable value (numbers, `&str`, `String`).
pub type Attr<'a> = (&'a str, &'a dyn Display);

/// An XML document being built.
pub struct Xml {
    buf: String,
}

impl Xml {
    /// A new part, starting with the standalone XML declaration Word writes.
    pub fn new() -> Self {
        Xml { buf: String::from("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n") }
    }

    fn start_tag(&mut self, tag: &str, attrs: &[Attr]) {
        self.buf.push('<');
        self.buf.push_str(tag);
        for (name, value) in attrs {
            let value = value.to_string();
            // `write!` into a String cannot fail.
            let _ = write!(self.buf, " {}=\"{}\"", name, escape(clean_xml_text(&value).as_str()));
        }
    }

    /// `<tag attrs>`; close it with [`Xml::close`].
    pub fn open(&mut self, tag: &str, attrs: &[Attr]) -> &mut Self {
        self.start_tag(tag, attrs);
        self.buf.push('>');
        self
    }

    /// `<tag attrs/>`.
    pub fn empty(&mut self, tag: &str, attrs: &[Attr]) -> &mut Self {
        self.start_tag(tag, attrs);
        self.buf.push_str("/>");
        self
    }

    /// `</tag>`.
    pub fn close(&mut self, tag: &str) -> &mut Self {
        self.buf.push_str("</");
        self.buf.push_str(tag);
        self.buf.push('>');
        self
    }

    /// Escaped character data (characters XML 1.0 cannot hold are dropped).
    pub fn text(&mut self, text: &str) -> &mut Self {
        self.buf.push_str(&escape(clean_xml_text(text).as_str()));
        self
    }

    /// `<tag attrs>text</tag>`.
    pub fn text_element(&mut self, tag: &str, attrs: &[Attr], text: &str) -> &mut Self {
        self.open(tag, attrs).text(text).close(tag)
    }

    pub fn finish(self) -> String {
        self.buf
    }
}

/// Is `c` allowed by the XML 1.0 `Char` production? (Rust `char`s are never surrogates.)
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// `text` without the characters XML 1.0 cannot hold (control characters, U+FFFE, U+FFFF).
pub fn clean_xml_text(text: &str) -> String {
    text.chars().filter(|&c| is_xml_char(c)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_strips() {
        let mut x = Xml::new();
        x.text_element("w:t", &[("a", &"x\u{1}<\"")], "a&b\u{0}\u{b}c\u{FFFF}");
        let s = x.finish();
        assert!(s.ends_with("<w:t a=\"x&lt;&quot;\">a&amp;bc</w:t>"), "{s}");
    }
}
