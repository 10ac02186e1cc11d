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

/// Is `dpi` a resolution pages may be drawn at ([`DPI_RANGE`])? The error says so in
/// Chinese; callers may ask before doing the work a page needs.
pub fn check_dpi(dpi: f32) -> Result<(), RenderError> {
    if DPI_RANGE.contains(&dpi) {
        return Ok(());
    }
    Err(RenderError(format!(
        "分辨率 {dpi} dpi 超出范围：应在 {}–{} dpi 之间（屏幕预览用 60–150）",
        DPI_RANGE.start(),
        DPI_RANGE.end()
    )))
}

/// Page `page` (1-based) of `laid` drawn at `dpi`, opaque (white paper under everything).
pub fn page_pixmap(laid: &Laid, page: usize, dpi: f32) -> Result<Pixmap, RenderError> {
    check_dpi(dpi)?;
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
    draw_page(&mut pixmap, p, scale);
    Ok(pixmap)
}

/// Pixels for `points` at `scale` pixels per point: rounded up, so the last partial pixel of
/// the paper is shown (what pdftoppm does), and at least one.
fn pixels(points: f32, scale: f32) -> u32 {
    // Both factors are bounded (a drawable page, a dpi in range); the cast saturates anyway.
    ((points * scale) - 1e-3).ceil().max(1.0) as u32
}

/// Draw the items of `page` in their order (fills and the seal first, as the layout lists
/// them, then text and lines over them), at `scale` pixels per point.
fn draw_page(pixmap: &mut Pixmap, page: &Page, scale: f32) {
    let to_pixels = Transform::from_scale(scale, scale);
    for item in &page.items {
        match item {
            Item::Text(run) => draw_run(pixmap, run, scale),
            Item::Line { x1, y1, x2, y2, width, gray, dash } => {
                draw_line(pixmap, (*x1, *y1), (*x2, *y2), *width, *gray, *dash, scale)
            }
            Item::Fill { x, y, w, h, gray } => draw_fill(pixmap, *x, *y, *w, *h, *gray, to_pixels),
            Item::Image { x, y, w, h, image, .. } => draw_image(pixmap, *x, *y, *w, *h, image, to_pixels),
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
///
/// The baseline is put on a whole pixel, as poppler and most viewers place glyphs: a line's
/// horizontal strokes (一, the ＿ of a blank to fill in) then fall on one pixel row rather
/// than smeared grey over two — at 60 dpi that is the difference between a crisp preview and
/// a blurred one. Horizontal positions keep their fractions (the spacing is the layout's).
fn draw_run(pixmap: &mut Pixmap, run: &TextRun, scale: f32) {
    if run.glyphs.is_empty() || run.size <= 0.0 {
        return;
    }
    let face = fonts().face(run.font);
    let em = run.size / face.units_per_em * scale;
    let baseline = (run.baseline * scale).round();
    let black = paint(0.0);
    let mut pen = run.x;
    for g in &run.glyphs {
        let mut outline = Outline(PathBuilder::new());
        // A glyph with no outline (a space) draws nothing; .notdef draws its box, as in the PDF.
        if face.face.outline_glyph(ttf_parser::GlyphId(g.glyph), &mut outline).is_some() {
            if let Some(path) = outline.0.finish() {
                // Font units, y up → pixels, y down.
                let place = Transform::from_row(em, 0.0, 0.0, -em, pen * scale, baseline);
                pixmap.fill_path(&path, &black, FillRule::Winding, place, None);
            }
        }
        pen += g.advance;
    }
}

/// A straight line of `width` points in grey `gray`, dashed when `dash` = (on, off) lengths.
///
/// Drawn in pixels, as PDF viewers draw thin lines: never thinner than one pixel (a 0.5 pt
/// table border is 0.4 px at 60 dpi, which anti-aliasing would smear into a faint grey), and a
/// horizontal or vertical line a whole number of pixels wide, its edges on pixel boundaries
/// (poppler's "stroke adjustment"), so table grids stay crisp and as dark as in the PDF.
fn draw_line(
    pixmap: &mut Pixmap,
    from: (f32, f32),
    to: (f32, f32),
    width: f32,
    gray: Gray,
    dash: Option<(f32, f32)>,
    scale: f32,
) {
    if width <= 0.0 {
        return;
    }
    let (mut a, mut b) = ((from.0 * scale, from.1 * scale), (to.0 * scale, to.1 * scale));
    let mut px = (width * scale).max(1.0);
    let snap = |centre: f32, px: f32| (centre - px / 2.0).round() + px / 2.0;
    if a.1 == b.1 {
        px = px.round();
        (a.1, b.1) = (snap(a.1, px), snap(a.1, px));
    } else if a.0 == b.0 {
        px = px.round();
        (a.0, b.0) = (snap(a.0, px), snap(a.0, px));
    }
    let mut pb = PathBuilder::new();
    pb.move_to(a.0, a.1);
    pb.line_to(b.0, b.1);
    let Some(path) = pb.finish() else { return };
    let stroke = Stroke {
        width: px,
        line_cap: match LineEnds::of(dash) {
            LineEnds::Square => LineCap::Square,
            LineEnds::Butt => LineCap::Butt,
        },
        dash: dash.and_then(|(on, off)| StrokeDash::new(vec![on * scale, off * scale], 0.0)),
        ..Stroke::default()
    };
    pixmap.stroke_path(&path, &paint(gray), &stroke, Transform::identity(), None);
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
    use crate::layout::{Mark, PlacedGlyph};
    use crate::model::{FontRole, PageSetup};

    /// A page of `items` of `w` × `h` points.
    fn one_page(w: f32, h: f32, items: Vec<Item>) -> Laid {
        Laid { pages: vec![Page { width: w, height: h, items }], seals: Vec::new(), structure: Vec::new() }
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
            mark: Mark::DECORATION,
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
        let run = TextRun {
            font: hit.font,
            size: 40.0,
            x: 10.0,
            baseline: 60.0,
            glyphs: vec![g(70.0), g(40.0)],
            mark: Mark::DECORATION,
        };
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
            Item::Image { x: 60.0, y: 10.0, w: 20.0, h: 20.0, image: seal, mark: Mark::DECORATION },
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

    /// A 0.5 pt border at 60 dpi (0.42 px) is one whole pixel of full black, not a faint smear
    /// over two rows: thin lines stay as visible as a PDF viewer shows them.
    #[test]
    fn thin_lines_are_one_dark_pixel_wide() {
        let line = |y| Item::Line { x1: 10.0, y1: y, x2: 90.0, y2: y, width: 0.5, gray: 0.0, dash: None };
        let p = page_pixmap(&one_page(100.0, 100.0, vec![line(30.0), line(50.3)]), 1, 60.0).unwrap();
        for y_pt in [30.0_f32, 50.3] {
            let column: Vec<u8> = (0..p.height()).map(|y| at(&p, 40, y)).collect();
            let dark: Vec<usize> = (0..column.len()).filter(|&y| column[y] < 255).collect();
            assert_eq!(dark.len(), 2, "two lines of one pixel row each: {dark:?}");
            let row = *dark.iter().min_by_key(|&&y| (y as f32 - y_pt * 60.0 / 72.0).abs() as u32).unwrap();
            assert_eq!(column[row], 0, "line at {y_pt} pt is full black");
        }
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

    /// Time to draw the sample's pages: `cargo test --release --lib raster::tests::bench --
    /// --ignored --nocapture` (benches/README.md quotes it).
    #[test]
    #[ignore = "benchmark: run in release with --ignored --nocapture"]
    fn bench_sample_pages() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/requests.xlsx");
        let wb = crate::workbook::read_workbook(&path).unwrap();
        let forms = crate::forms::load(None).unwrap();
        let request = wb.requests.iter().find(|r| r.id == "协作函〔2026〕3号").unwrap();
        let tasks: Vec<_> = wb.tasks_of(&request.id).collect();
        for key in ["letter", "tasks"] {
            let form = forms.iter().find(|f| f.key == key).unwrap();
            let doc = crate::layout::settle(&form.build(request, &request.to_depts[0], &tasks));
            let laid = crate::layout::layout(&doc);
            for dpi in [60.0, 150.0] {
                let n = 50;
                let t = std::time::Instant::now();
                for _ in 0..n {
                    page_pixmap(&laid, 1, dpi).unwrap();
                }
                let draw = t.elapsed().as_secs_f64() * 1000.0 / n as f64;
                let t = std::time::Instant::now();
                let mut bytes = 0;
                for _ in 0..n {
                    bytes = page_png(&laid, 1, dpi).unwrap().len();
                }
                let png = t.elapsed().as_secs_f64() * 1000.0 / n as f64;
                eprintln!("{key} page 1 at {dpi} dpi: drawn in {draw:.1} ms, as PNG in {png:.1} ms ({bytes} bytes)");
            }
        }
    }
}
