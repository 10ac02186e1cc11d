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

/// `text` without what must not reach a file: characters XML 1.0 cannot hold (control
/// characters, U+FFFE, U+FFFF) and the rest of `crate::text::is_hidden` (zero-width, bidi
/// controls, non-characters). Text is cleaned where it enters; this is the last guard, for
/// text from form files and anything else that did not pass there. A character no bundled
/// font draws becomes `crate::text::STAND_IN`, as in the PDF.
pub fn clean_xml_text(text: &str) -> String {
    crate::text::drawable(text)
        .chars()
        .filter(|&c| c == '\t' || c == '\n' || c == '\r' || !crate::text::is_hidden(c))
        .collect()
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

    #[test]
    fn hidden_and_spoofing_characters_never_reach_the_xml() {
        let mut x = Xml::new();
        x.text("付款\u{202E}007\u{202C}元\u{200B}\u{FEFF}\u{85}\u{9F}\u{7F}\u{FDD0}\u{1FFFF}\t\n");
        assert!(x.finish().ends_with("付款007元\t\n"));
    }
}
