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

impl CaptchaSource for CrateRenderer {
    fn render(&self) -> Option<Rendered> {
        // `Captcha` is not Send: it lives and dies inside this call.
        let mut c = Captcha::new();
        c.set_chars(self.charset.chars()).add_chars(self.length);
        let (noise, grid, dots) = match self.difficulty {
            Difficulty::Easy => (0.1, 10, 6),
            Difficulty::Medium => (0.25, 8, 10),
            Difficulty::Hard => (0.45, 5, 16),
        };
        c.apply_filter(Noise::new(noise))
            .apply_filter(Grid::new(grid, grid))
            .apply_filter(Wave::new(2.0, 14.0).horizontal())
            .view(220, 90)
            .apply_filter(Dots::new(dots).max_radius(5).min_radius(2));
        let answer = c.chars_as_string();
        let png = c.as_png()?;
        Some(Rendered { answer, png })
    }
}
