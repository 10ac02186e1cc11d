//! The page rasterizer: draws one laid-out page ([`Laid`], from `layout`) as an image — the
//! previews and the README's pictures — with tiny-skia. It draws exactly what `pdf` writes,
//! from the same items: glyph outlines of the bundled fonts (the glyph ids the PDF embeds),
//! lines with the ends [`LineEnds::of`] gives, fills, the seal image; the grey of both is
//! [`gray_level`]. Like `pdf` it does no layout, and it knows nothing of letters or workbooks.
//!
//! Units: the layout's points (1/72 inch, origin top-left, y down) are scaled by `dpi / 72`;
//! an image is `ceil(points × dpi / 72)` pixels a side, as poppler's `pdftoppm` makes it.

use crate::fonts::fonts;
use crate::layout::{Item, Laid, LineEnds, Page, TextRun};
use crate::model::{gray_level, Gray, RenderError, SealImage};
use tiny_skia::{
    Color, FillRule, FilterQuality, LineCap, Paint, PathBuilder, Pixmap, PixmapPaint, Rect, Stroke, StrokeDash,
    Transform,
};

/// The resolutions a page may be drawn at, in dots per inch: below 20 nothing is legible,
/// above 600 an A4 page is over 30 million pixels for no visible gain.
pub const DPI_RANGE: std::ops::RangeInclusive<f32> = 20.0..=600.0;

/// Most pixels one image may have (an A3 page at 600 dpi is ~70 million): past this a page
/// of a large custom size is refused rather than allocating gigabytes.
pub const MAX_PIXELS: u64 = 80_000_000;

/// Page `page` (1 = the first, as printed) of `laid` as a PNG at `dpi`: 8-bit RGB on white,
/// with the resolution recorded (pHYs) so it prints at its size. An error says in Chinese
/// what was wrong with the request (no such page, a resolution out of [`DPI_RANGE`]).
pub fn page_png(laid: &Laid, page: usize, dpi: f32) -> Result<Vec<u8>, RenderError> {
    let pixmap = page_pixmap(laid, page, dpi)?;
    encode_png(&pixmap, dpi)
}

/// Page `page` (1-based) of `laid` drawn at `dpi`, opaque (white paper under everything).
pub fn page_pixmap(laid: &Laid, page: usize, dpi: f32) -> Result<Pixmap, RenderError> {
    if !DPI_RANGE.contains(&dpi) {
        return Err(RenderError(format!(
            "分辨率 {dpi} dpi 超出范围：应在 {}–{} dpi 之间（屏幕预览用 60–150）",
            DPI_RANGE.start(),
            DPI_RANGE.end()
        )));
    }
    let count = laid.pages.len();
    let Some(p) = page.checked_sub(1).and_then(|i| laid.pages.get(i)) else {
        return Err(RenderError(match page {
            0 => format!("没有第 0 页：页码从 1 开始（此文件共 {count} 页）"),
            _ => format!("没有第 {page} 页：此文件共 {count} 页"),
        }));
    };
    laid.drawable()?;
    let scale = dpi / 72.0;
    let (w, h) = (pixels(p.width, scale), pixels(p.height, scale));
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(RenderError(format!(
            "第 {page} 页在 {dpi} dpi 下有 {w}×{h} 像素，超过上限（{} 万像素）；请降低分辨率",
            MAX_PIXELS / 10_000
        )));
    }
    let mut pixmap = Pixmap::new(w, h)
        .ok_or_else(|| RenderError(format!("第 {page} 页的尺寸无法绘制（程序内部错误，请报告给维护者）")))?;
    pixmap.fill(Color::WHITE);
    draw_page(&mut pixmap, p, Transform::from_scale(scale, scale));
    Ok(pixmap)
}

/// Pixels for `points` at `scale` pixels per point: rounded up, so the last partial pixel of
/// the paper is shown (what pdftoppm does), and at least one.
fn pixels(points: f32, scale: f32) -> u32 {
    // Both factors are bounded (a drawable page, a dpi in range); the cast saturates anyway.
    ((points * scale) - 1e-3).ceil().max(1.0) as u32
}

/// Draw the items of `page` in their order (fills and the seal first, as the layout lists
/// them, then text and lines over them), `to_pixels` mapping points to pixels.
fn draw_page(pixmap: &mut Pixmap, page: &Page, to_pixels: Transform) {
    for item in &page.items {
        match item {
            Item::Text(run) => draw_run(pixmap, run, to_pixels),
            Item::Line { x1, y1, x2, y2, width, gray, dash } => {
                draw_line(pixmap, (*x1, *y1), (*x2, *y2), *width, *gray, *dash, to_pixels)
            }
            Item::Fill { x, y, w, h, gray } => draw_fill(pixmap, *x, *y, *w, *h, *gray, to_pixels),
            Item::Image { x, y, w, h, image } => draw_image(pixmap, *x, *y, *w, *h, image, to_pixels),
        }
    }
}

/// A solid paint of grey `gray`, anti-aliased.
fn paint(gray: Gray) -> Paint<'static> {
    let level = gray_level(gray);
    let mut paint = Paint::default();
    paint.set_color_rgba8(level, level, level, 255);
    paint.anti_alias = true;
    paint
}

/// A glyph outline from ttf-parser (font units, y up) into a tiny-skia path.
struct Outline(PathBuilder);

impl ttf_parser::OutlineBuilder for Outline {
    fn move_to(&mut self, x: f32, y: f32) {
        self.0.move_to(x, y);
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.0.line_to(x, y);
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        self.0.quad_to(x1, y1, x, y);
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        self.0.cubic_to(x1, y1, x2, y2, x, y);
    }
    fn close(&mut self) {
        self.0.close();
    }
}

/// One run of glyphs, black, as the PDF paints text: each glyph's outline in the run's font
/// at the run's size, its origin on the baseline, the next one `advance` points further.
fn draw_run(pixmap: &mut Pixmap, run: &TextRun, to_pixels: Transform) {
    if run.glyphs.is_empty() || run.size <= 0.0 {
        return;
    }
    let face = fonts().face(run.font);
    let em = run.size / face.units_per_em;
    let black = paint(0.0);
    let mut pen = run.x;
    for g in &run.glyphs {
        let mut outline = Outline(PathBuilder::new());
        // A glyph with no outline (a space) draws nothing; .notdef draws its box, as in the PDF.
        if face.face.outline_glyph(ttf_parser::GlyphId(g.glyph), &mut outline).is_some() {
            if let Some(path) = outline.0.finish() {
                // Font units, y up → points on the page, y down → pixels.
                let place = Transform::from_row(em, 0.0, 0.0, -em, pen, run.baseline).post_concat(to_pixels);
                pixmap.fill_path(&path, &black, FillRule::Winding, place, None);
            }
        }
        pen += g.advance;
    }
}

/// A straight line of `width` points in grey `gray`, dashed when `dash` = (on, off) lengths.
fn draw_line(
    pixmap: &mut Pixmap,
    from: (f32, f32),
    to: (f32, f32),
    width: f32,
    gray: Gray,
    dash: Option<(f32, f32)>,
    to_pixels: Transform,
) {
    if width <= 0.0 {
        return;
    }
    let mut pb = PathBuilder::new();
    pb.move_to(from.0, from.1);
    pb.line_to(to.0, to.1);
    let Some(path) = pb.finish() else { return };
    let stroke = Stroke {
        width,
        line_cap: match LineEnds::of(dash) {
            LineEnds::Square => LineCap::Square,
            LineEnds::Butt => LineCap::Butt,
        },
        dash: dash.and_then(|(on, off)| StrokeDash::new(vec![on, off], 0.0)),
        ..Stroke::default()
    };
    pixmap.stroke_path(&path, &paint(gray), &stroke, to_pixels, None);
}

/// A filled rectangle (cell shading).
fn draw_fill(pixmap: &mut Pixmap, x: f32, y: f32, w: f32, h: f32, gray: Gray, to_pixels: Transform) {
    let Some(rect) = Rect::from_xywh(x, y, w, h) else { return };
    pixmap.fill_path(&PathBuilder::from_rect(rect), &paint(gray), FillRule::Winding, to_pixels, None);
}

/// An electronic seal's PNG, stretched to `w` × `h` points at (`x`, `y`), its transparency
/// kept. A PNG that cannot be decoded is left out (the seal area stays clear), as in the PDF.
fn draw_image(pixmap: &mut Pixmap, x: f32, y: f32, w: f32, h: f32, image: &SealImage, to_pixels: Transform) {
    let Ok(seal) = Pixmap::decode_png(&image.png) else { return };
    if w <= 0.0 || h <= 0.0 {
        return;
    }
    let fit = Transform::from_row(w / seal.width() as f32, 0.0, 0.0, h / seal.height() as f32, x, y);
    let smooth = PixmapPaint { quality: FilterQuality::Bicubic, ..PixmapPaint::default() };
    pixmap.draw_pixmap(0, 0, seal.as_ref(), &smooth, fit.post_concat(to_pixels), None);
}

/// An opaque pixmap as an 8-bit RGB PNG, its resolution recorded as `dpi`.
fn encode_png(pixmap: &Pixmap, dpi: f32) -> Result<Vec<u8>, RenderError> {
    // Opaque everywhere (white paper first), so premultiplied RGBA is plain RGB.
    let rgb: Vec<u8> = pixmap.data().chunks_exact(4).flat_map(|px| [px[0], px[1], px[2]]).collect();
    let mut out = Vec::new();
    let failed = |_| RenderError("无法把页面编码为 PNG 图片（程序内部错误，请报告给维护者）".into());
    {
        let mut encoder = png::Encoder::new(&mut out, pixmap.width(), pixmap.height());
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let per_metre = (dpi / 0.0254).round() as u32;
        encoder.set_pixel_dims(Some(png::PixelDimensions { xppu: per_metre, yppu: per_metre, unit: png::Unit::Meter }));
        let mut writer = encoder.write_header().map_err(failed)?;
        writer.write_image_data(&rgb).map_err(failed)?;
        writer.finish().map_err(failed)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::PlacedGlyph;
    use crate::model::{FontRole, PageSetup};

    /// A page of `items` of `w` × `h` points.
    fn one_page(w: f32, h: f32, items: Vec<Item>) -> Laid {
        Laid { pages: vec![Page { width: w, height: h, items }], seals: Vec::new() }
    }

    /// The grey value (red channel) of pixel (x, y).
    fn at(p: &Pixmap, x: u32, y: u32) -> u8 {
        p.pixel(x, y).expect("inside").demultiply().red()
    }

    fn glyph_run(ch: char, size: f32, x: f32, baseline: f32) -> Item {
        let hit = fonts().lookup(FontRole::Hei, ch).expect("Hei has it");
        Item::Text(TextRun {
            font: hit.font,
            size,
            x,
            baseline,
            glyphs: vec![PlacedGlyph { glyph: hit.glyph, advance: hit.advance_em * size, text: ch.to_string() }],
        })
    }

    /// 一 in the sans font at 72 pt, 72 dpi (one pixel per point): a thick horizontal bar
    /// half way up the em box, black in the middle, white above, below and beside the em box.
    #[test]
    fn a_glyph_draws_black_where_its_outline_is() {
        let (x, baseline, size) = (20.0, 100.0, 72.0);
        let laid = one_page(120.0, 120.0, vec![glyph_run('一', size, x, baseline)]);
        let p = page_pixmap(&laid, 1, 72.0).unwrap();
        // The bar of 一 sits about 0.38 em above the baseline, across most of the em.
        let bar_y = (0..120).find(|&y| at(&p, 56, y) < 64).expect("a dark row in the middle column");
        assert!((baseline - size * 0.55..baseline - size * 0.25).contains(&(bar_y as f32)), "bar at y {bar_y}");
        for x in [30, 56, 80] {
            assert!(at(&p, x, bar_y + 2) < 64, "bar is dark at x {x}");
        }
        assert!(at(&p, 56, 30) > 250 && at(&p, 56, 95) > 250, "white above and below the bar");
        assert!(at(&p, 10, bar_y + 2) > 250 && at(&p, 100, bar_y + 2) > 250, "white beside the em box");
    }

    /// 丨 (a vertical stroke) lands at its advance: two of them a given distance apart have
    /// their dark columns that far apart.
    #[test]
    fn glyphs_advance_by_their_placed_advances() {
        let hit = fonts().lookup(FontRole::Hei, '丨').unwrap();
        let g = |advance| PlacedGlyph { glyph: hit.glyph, advance, text: "丨".into() };
        let run = TextRun { font: hit.font, size: 40.0, x: 10.0, baseline: 60.0, glyphs: vec![g(70.0), g(40.0)] };
        let laid = one_page(160.0, 80.0, vec![Item::Text(run)]);
        let p = page_pixmap(&laid, 1, 72.0).unwrap();
        let dark: Vec<u32> = (0..160).filter(|&x| at(&p, x, 40) < 128).collect();
        let first = dark[0];
        let second = *dark.iter().find(|&&x| x > first + 20).expect("a second stroke");
        assert!((second as i32 - first as i32 - 70).abs() <= 1, "strokes at {first} and {second}");
    }

    /// Lines, dashes and fills where placed, in their grey; the seal's pixels in its colour.
    #[test]
    fn lines_fills_and_images_land_where_placed() {
        let mut png = Vec::new();
        {
            let mut e = png::Encoder::new(&mut png, 2, 2);
            e.set_color(png::ColorType::Rgba);
            let mut w = e.write_header().unwrap();
            w.write_image_data(&[200, 0, 0, 255].repeat(4)).unwrap();
        }
        let seal = SealImage { png: std::sync::Arc::new(png), width_px: 2, height_px: 2, width_mm: 10.0 };
        let items = vec![
            Item::Fill { x: 10.0, y: 10.0, w: 30.0, h: 20.0, gray: 0.85 },
            Item::Image { x: 60.0, y: 10.0, w: 20.0, h: 20.0, image: seal },
            Item::Line { x1: 10.0, y1: 50.0, x2: 90.0, y2: 50.0, width: 2.0, gray: 0.0, dash: None },
            Item::Line { x1: 10.0, y1: 70.0, x2: 90.0, y2: 70.0, width: 2.0, gray: 0.0, dash: Some((4.0, 4.0)) },
        ];
        let p = page_pixmap(&one_page(100.0, 100.0, items), 1, 72.0).unwrap();
        assert_eq!(at(&p, 25, 20), gray_level(0.85));
        assert!(at(&p, 5, 20) == 255 && at(&p, 45, 20) == 255);
        let red = p.pixel(70, 20).unwrap().demultiply();
        assert!(red.red() > 150 && red.green() < 40, "seal pixel {red:?}");
        assert!(at(&p, 50, 50) < 16 && at(&p, 50, 45) == 255, "solid line, 2 pt thick");
        // Square ends: the solid line reaches a point past x 10; butt ends: the dash does not.
        assert!(at(&p, 9, 50) < 128 && at(&p, 9, 70) > 200);
        let dashes = (10..90).filter(|&x| at(&p, x, 70) < 128 && at(&p, x - 1, 70) >= 128).count();
        assert!((9..=10).contains(&dashes), "{dashes} dashes");
    }

    #[test]
    fn a4_at_60_dpi_is_the_size_pdftoppm_makes() {
        let a4 = PageSetup::a4_official();
        let p = page_pixmap(&one_page(a4.width, a4.height, Vec::new()), 1, 60.0).unwrap();
        assert_eq!((p.width(), p.height()), (497, 702));
        let png = page_png(&one_page(a4.width, a4.height, Vec::new()), 1, 60.0).unwrap();
        let info = png::Decoder::new(std::io::Cursor::new(png)).read_info().unwrap().info().clone();
        assert_eq!((info.width, info.height, info.color_type), (497, 702, png::ColorType::Rgb));
    }

    #[test]
    fn a_page_or_resolution_out_of_range_is_refused_in_chinese() {
        let laid = one_page(100.0, 100.0, Vec::new());
        assert_eq!(page_png(&laid, 2, 60.0).unwrap_err().0, "没有第 2 页：此文件共 1 页");
        assert!(page_png(&laid, 0, 60.0).unwrap_err().0.starts_with("没有第 0 页：页码从 1 开始"));
        for dpi in [0.0, 19.9, 601.0, f32::NAN, f32::INFINITY] {
            assert!(page_png(&laid, 1, dpi).unwrap_err().0.contains("超出范围"), "{dpi}");
        }
        let huge = one_page(14_400.0, 14_400.0, Vec::new());
        assert!(page_png(&huge, 1, 600.0).unwrap_err().0.contains("请降低分辨率"));
        let broken = one_page(100.0, f32::NAN, Vec::new());
        assert!(page_png(&broken, 1, 60.0).unwrap_err().0.contains("无效的数值"));
    }
}
