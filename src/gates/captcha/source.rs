//! Where challenge images come from. The service renders them with the `captcha` crate;
//! tests hand the app a source whose answers they know, through the library API only
//! (nothing in the config, the environment or HTTP can select it).

use captcha::Captcha;
use captcha::filters::{Dots, Grid, Noise, Wave};
use serde::{Deserialize, Serialize};

/// One rendered challenge: its answer and its PNG.
#[derive(Clone, Debug)]
pub struct Rendered {
    pub answer: String,
    pub png: Vec<u8>,
}

/// Makes challenges. `render` is CPU work (milliseconds): it is called off the async
/// executor, one at a time per call.
pub trait CaptchaSource: Send + Sync + 'static {
    fn render(&self) -> Option<Rendered>;
}

/// Which characters a challenge uses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Charset {
    /// Digits 2–9: typed on any keyboard, Arabic-Indic digits accepted.
    #[default]
    Digits,
    /// Capital letters and digits without look-alikes (no 0/O, 1/I/L, 2/Z, 5/S, 8/B, 6/G, Q).
    Mixed,
}

impl Charset {
    pub fn chars(self) -> &'static [char] {
        match self {
            Charset::Digits => &['2', '3', '4', '5', '6', '7', '8', '9'],
            Charset::Mixed => &[
                'A', 'C', 'D', 'E', 'F', 'H', 'J', 'K', 'M', 'N', 'P', 'R', 'T', 'U', 'V', 'W',
                'X', 'Y', '3', '4', '7', '9',
            ],
        }
    }
}

/// How hard the picture is to read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Difficulty {
    Easy,
    #[default]
    Medium,
    Hard,
}

/// Renders with the `captcha` crate.
pub struct CrateRenderer {
    pub charset: Charset,
    pub length: u32,
    pub difficulty: Difficulty,
}

/// Width of one character's cell, and the white space between cells, in pixels.
const CELL: u32 = 46;
const GAP: u32 = 6;
const HEIGHT: u32 = 90;

impl CaptchaSource for CrateRenderer {
    /// Each character is drawn and blurred on its own, then the cells are laid side by
    /// side with white space between them: drawn together, the crate's glyphs touched and
    /// read as one shape («99489» with the nines merged).
    fn render(&self) -> Option<Rendered> {
        let (noise, grid, dots) = match self.difficulty {
            Difficulty::Easy => (0.1, 10, 2),
            Difficulty::Medium => (0.25, 8, 3),
            Difficulty::Hard => (0.45, 5, 4),
        };
        let mut answer = String::new();
        let mut cells = Vec::with_capacity(self.length as usize);
        for _ in 0..self.length {
            // `Captcha` is not Send: it lives and dies inside this call.
            let mut c = Captcha::new();
            c.set_chars(self.charset.chars()).add_chars(1);
            c.apply_filter(Noise::new(noise))
                .apply_filter(Grid::new(grid, grid))
                .apply_filter(Wave::new(2.0, 14.0).horizontal())
                .view(CELL, HEIGHT)
                .apply_filter(Dots::new(dots).max_radius(4).min_radius(2));
            answer.push_str(&c.chars_as_string());
            let bitmap = lodepng::decode24(&c.as_png()?).ok()?;
            cells.push(bitmap);
        }
        let (width, pixels) = side_by_side(&cells);
        let png = lodepng::encode24(&pixels, width as usize, HEIGHT as usize).ok()?;
        Some(Rendered { answer, png })
    }
}

/// The cells (each `CELL`×`HEIGHT`, or smaller) on one white row, `GAP` apart: (width,
/// pixels row by row).
fn side_by_side(cells: &[lodepng::Bitmap<lodepng::RGB<u8>>]) -> (u32, Vec<lodepng::RGB<u8>>) {
    let n = cells.len() as u32;
    let width = n * CELL + (n + 1) * GAP;
    let white = lodepng::RGB::new(255, 255, 255);
    let mut pixels = vec![white; (width * HEIGHT) as usize];
    for (i, cell) in cells.iter().enumerate() {
        let left = GAP + i as u32 * (CELL + GAP);
        for y in 0..cell.height.min(HEIGHT as usize) {
            for x in 0..cell.width.min(CELL as usize) {
                pixels[y * width as usize + left as usize + x] = cell.buffer[y * cell.width + x];
            }
        }
    }
    (width, pixels)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_are_drawn_apart_with_white_between_them() {
        let black = lodepng::RGB::new(0, 0, 0);
        let cell = lodepng::Bitmap {
            buffer: vec![black; (CELL * HEIGHT) as usize],
            width: CELL as usize,
            height: HEIGHT as usize,
        };
        let (width, pixels) = side_by_side(&[cell.clone(), cell.clone(), cell]);
        assert_eq!(width, 3 * CELL + 4 * GAP);
        let column_is_white = |x: u32| {
            (0..HEIGHT)
                .all(|y| pixels[(y * width + x) as usize] == lodepng::RGB::new(255, 255, 255))
        };
        for gap in 0..4 {
            let x = gap * (CELL + GAP);
            assert!((x..x + GAP).all(column_is_white), "gap {gap} is white");
        }
        assert!(!column_is_white(GAP + 1), "a cell is drawn");
    }

    #[test]
    fn a_rendered_challenge_is_a_png_with_its_answer() {
        let rendered = CrateRenderer {
            charset: Charset::Digits,
            length: 5,
            difficulty: Difficulty::Medium,
        }
        .render()
        .expect("renders");
        assert_eq!(rendered.answer.chars().count(), 5);
        let image = lodepng::decode24(&rendered.png).unwrap();
        assert_eq!(
            (image.width, image.height),
            ((5 * CELL + 6 * GAP) as usize, HEIGHT as usize)
        );
    }
}
