//! Page images read back for comparison (tests/raster.rs: our rasterizer against poppler;
//! tests/ofd.rs: a third-party OFD reader against poppler): a decoded PNG and the measure
//! both use — how much of one image's ink has a mark of the other nearby.

use std::path::Path;

/// A decoded image: width, height, and one grey value per pixel (the mean of R, G, B) with
/// the RGB triples kept for colour checks.
pub struct Image {
    pub width: usize,
    pub height: usize,
    pub rgb: Vec<[u8; 3]>,
}

impl Image {
    pub fn read(path: &Path) -> Image {
        let mut decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
        decoder.set_transformations(png::Transformations::normalize_to_color8());
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let frame = reader.next_frame(&mut buf).unwrap();
        let channels = frame.color_type.samples();
        let rgb = buf[..frame.buffer_size()]
            .chunks_exact(channels)
            .map(|p| if channels >= 3 { [p[0], p[1], p[2]] } else { [p[0]; 3] })
            .collect();
        Image { width: frame.width as usize, height: frame.height as usize, rgb }
    }

    pub fn gray(&self, x: usize, y: usize) -> u8 {
        let [r, g, b] = self.rgb[y * self.width + x];
        ((r as u16 + g as u16 + b as u16) / 3) as u8
    }

    /// Is (x, y) ink: darker than mid-grey (text, rules, borders; not the light fills).
    pub fn ink(&self, x: usize, y: usize) -> bool {
        x < self.width && y < self.height && self.gray(x, y) < 128
    }

    /// Is (x, y) marked at all: clearly off the white paper (with the 0.85 grey of the fills).
    /// A stroke thinner than a pixel is mid-grey in one renderer and a shade either side of it
    /// in the other, so ink is looked for as ink in one image and marks in the other.
    pub fn marked(&self, x: usize, y: usize) -> bool {
        x < self.width && y < self.height && self.gray(x, y) < 192
    }

    pub fn ink_count(&self) -> usize {
        (0..self.height).flat_map(|y| (0..self.width).map(move |x| (x, y))).filter(|&(x, y)| self.ink(x, y)).count()
    }

    /// How much darker than white the page is in all (Σ 255 − grey): the weight of its ink,
    /// not hostage to a grey level either side of a threshold.
    pub fn darkness(&self) -> u64 {
        (0..self.height)
            .flat_map(|y| (0..self.width).map(move |x| (x, y)))
            .map(|(x, y)| 255 - self.gray(x, y) as u64)
            .sum()
    }

    /// The same picture moved `dy` pixels down (white paper comes in at the top).
    pub fn shifted_down(&self, dy: usize) -> Image {
        let white = std::iter::repeat_n([255; 3], dy * self.width);
        let rgb = white.chain(self.rgb[..(self.height - dy) * self.width].iter().copied()).collect();
        Image { width: self.width, height: self.height, rgb }
    }

    /// Bounding box of the clearly red pixels (the seal), if any.
    pub fn red_box(&self) -> Option<(usize, usize, usize, usize)> {
        let mut b: Option<(usize, usize, usize, usize)> = None;
        for y in 0..self.height {
            for x in 0..self.width {
                let [r, g, bl] = self.rgb[y * self.width + x];
                if r > 200 && g < 80 && bl < 80 {
                    b = Some(b.map_or((x, y, x, y), |(x0, y0, x1, y1)| (x0.min(x), y0.min(y), x1.max(x), y1.max(y))));
                }
            }
        }
        b
    }
}

/// The share of `a`'s ink pixels that have a mark of `b` within `reach` pixels.
pub fn covered(a: &Image, b: &Image, reach: usize) -> f64 {
    let (mut ink, mut near) = (0usize, 0usize);
    for y in 0..a.height {
        for x in 0..a.width {
            if !a.ink(x, y) {
                continue;
            }
            ink += 1;
            let around = (y.saturating_sub(reach)..=y + reach)
                .any(|yy| (x.saturating_sub(reach)..=x + reach).any(|xx| b.marked(xx, yy)));
            near += usize::from(around);
        }
    }
    if ink == 0 {
        return 0.0;
    }
    near as f64 / ink as f64
}
