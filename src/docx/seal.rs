//! The electronic seal in a .docx: a PNG part (`word/media/sealN.png`) and a floating picture
//! anchored behind the text (`wp:anchor behindDoc="1"`, no wrapping), centred where the PDF
//! layout centres it — on the signature lines, slightly above their middle (GB/T 9704).

use crate::model::{Align, ParaStyle, SealBlock, SealImage, SEAL_RAISE};
use crate::package::xml::Xml;

const NS_WP: &str = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing";
const NS_A: &str = "http://schemas.openxmlformats.org/drawingml/2006/main";
const NS_PIC: &str = "http://schemas.openxmlformats.org/drawingml/2006/picture";

/// EMU per point.
const EMU: f32 = 12700.0;

/// A seal picture of the document: its part name, relationship id and image.
pub struct Media {
    pub file: String,
    pub rel_id: String,
    pub image: SealImage,
}

/// Seal pictures collected while writing the body; one part per distinct image.
#[derive(Default)]
pub struct SealMedia {
    pub parts: Vec<Media>,
    drawings: u32,
}

impl SealMedia {
    /// The relationship id of `image`, adding its part the first time.
    fn rel_id(&mut self, image: &SealImage) -> String {
        if let Some(m) = self.parts.iter().find(|m| std::sync::Arc::ptr_eq(&m.image.png, &image.png)) {
            return m.rel_id.clone();
        }
        let n = self.parts.len() + 1;
        let media = Media { file: format!("media/seal{n}.png"), rel_id: format!("rIdSeal{n}"), image: image.clone() };
        let id = media.rel_id.clone();
        self.parts.push(media);
        id
    }
}

/// Where the centre of a signature line sits, in points from the left edge of the type area.
fn line_centre(style: &ParaStyle, text: &str, text_width: f32) -> f32 {
    let em = style.size;
    let w = crate::typeset::text_width(style.role, text, style.size, style.char_spacing);
    match style.align {
        Align::Right => text_width - style.right_indent * em - w / 2.0,
        Align::Center => (text_width + (style.left_indent - style.right_indent) * em) / 2.0,
        Align::Left | Align::Justify => style.left_indent * em + w / 2.0,
    }
}

/// The run holding the seal picture, to be placed in the seal block's LAST line: positioned
/// horizontally from the page's left edge and vertically from the top of that paragraph.
pub fn anchor_run(
    x: &mut Xml,
    media: &mut SealMedia,
    seal: &SealBlock,
    image: &SealImage,
    margin_left: f32,
    text_width: f32,
) {
    let Some(last) = seal.lines.last() else { return };
    let n = seal.lines.len() as f32;
    let pitch = last.style.line_pitch;
    let first = &seal.lines[0];
    let cx = margin_left + line_centre(&first.style, &first.plain_text(), text_width);
    // Middle of the lines, relative to the top of the last line, raised a little.
    let cy = n * pitch / 2.0 - (n - 1.0) * pitch - SEAL_RAISE * seal.diameter_mm * crate::model::MM;
    let (w, h) = image.size();
    let emu = |pt: f32| ((pt * EMU).round() as i64).to_string();
    let rel_id = media.rel_id(image);
    media.drawings += 1;
    let id = media.drawings.to_string();
    let name = format!("印章 {id}");
    x.open("w:r", &[]).open("w:drawing", &[]);
    x.open(
        "wp:anchor",
        &[
            ("xmlns:wp", &NS_WP),
            ("distT", &"0"),
            ("distB", &"0"),
            ("distL", &"0"),
            ("distR", &"0"),
            ("simplePos", &"0"),
            ("relativeHeight", &"251658240"),
            ("behindDoc", &"1"),
            ("locked", &"0"),
            ("layoutInCell", &"1"),
            ("allowOverlap", &"1"),
        ],
    );
    x.empty("wp:simplePos", &[("x", &"0"), ("y", &"0")]);
    x.open("wp:positionH", &[("relativeFrom", &"page")])
        .text_element("wp:posOffset", &[], &emu(cx - w / 2.0))
        .close("wp:positionH");
    x.open("wp:positionV", &[("relativeFrom", &"paragraph")])
        .text_element("wp:posOffset", &[], &emu(cy - h / 2.0))
        .close("wp:positionV");
    x.empty("wp:extent", &[("cx", &emu(w)), ("cy", &emu(h))]);
    x.empty("wp:effectExtent", &[("l", &"0"), ("t", &"0"), ("r", &"0"), ("b", &"0")]);
    x.empty("wp:wrapNone", &[]);
    x.empty("wp:docPr", &[("id", &id), ("name", &name)]);
    x.empty("wp:cNvGraphicFramePr", &[]);
    x.open("a:graphic", &[("xmlns:a", &NS_A)]).open("a:graphicData", &[("uri", &NS_PIC)]);
    x.open("pic:pic", &[("xmlns:pic", &NS_PIC)]);
    x.open("pic:nvPicPr", &[])
        .empty("pic:cNvPr", &[("id", &id), ("name", &name)])
        .empty("pic:cNvPicPr", &[])
        .close("pic:nvPicPr");
    x.open("pic:blipFill", &[])
        .empty("a:blip", &[("r:embed", &rel_id)])
        .open("a:stretch", &[])
        .empty("a:fillRect", &[])
        .close("a:stretch")
        .close("pic:blipFill");
    x.open("pic:spPr", &[]).open("a:xfrm", &[]).empty("a:off", &[("x", &"0"), ("y", &"0")]);
    x.empty("a:ext", &[("cx", &emu(w)), ("cy", &emu(h))]).close("a:xfrm");
    x.open("a:prstGeom", &[("prst", &"rect")]).empty("a:avLst", &[]).close("a:prstGeom").close("pic:spPr");
    x.close("pic:pic").close("a:graphicData").close("a:graphic");
    x.close("wp:anchor").close("w:drawing").close("w:r");
}
