//! The learned layers of the filter: one linear model per family (abuse, spam) over the
//! shared hashed features of [`super::features`], with calibrated outputs.
//!
//! A model gives a raw score `z = bias + Σ w[feature] / √n` and a probability
//! `sigmoid(a·z + b)`, with `a` and `b` fitted on held-out folds at training (Platt
//! scaling), so a threshold in the filter settings means a probability. A model that
//! fires names the words that pushed it (the features with the largest contributions,
//! mapped back to spans of the raw text), so the console highlights them like a word-list
//! hit.
//!
//! The shipped models (`wordlists/models/*.bin`) hold only numbers: a header, the
//! calibration and one weight per bucket. `raqib model build` makes them
//! (README, "The learned layers").

use super::features;
use super::normalize::Key;

const MAGIC: &[u8; 4] = b"RQLM";
const VERSION: u8 = 1;

/// Texts with fewer Arabic letters than this get no abuse probability: the abuse model
/// was trained on Arabic only.
pub const MIN_ARABIC_LETTERS: usize = 8;

/// Texts with fewer letters than this get no probability at all.
pub const MIN_LETTERS: usize = 8;

/// Which family a model judges.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Family {
    Abuse,
    Spam,
}

impl Family {
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Abuse => "abuse",
            Family::Spam => "spam",
        }
    }

    fn byte(self) -> u8 {
        match self {
            Family::Abuse => 0,
            Family::Spam => 1,
        }
    }
}

/// One trained linear model.
#[derive(Clone, Debug, PartialEq)]
pub struct LinearModel {
    pub family: Family,
    pub bias: f32,
    /// Platt scaling: probability = sigmoid(platt.0 · z + platt.1).
    pub platt: (f32, f32),
    pub weights: Vec<f32>,
}

impl LinearModel {
    /// An untrained model of `family` (every weight 0).
    pub fn zero(family: Family) -> LinearModel {
        LinearModel {
            family,
            bias: 0.0,
            platt: (1.0, 0.0),
            weights: vec![0.0; 1 << features::BITS],
        }
    }

    /// The raw score of a text's features.
    pub fn raw(&self, buckets: &[u32]) -> f32 {
        if buckets.is_empty() {
            return self.bias;
        }
        let sum: f32 = buckets.iter().map(|&b| self.weights[b as usize]).sum();
        self.bias + sum / (buckets.len() as f32).sqrt()
    }

    /// The calibrated probability of a raw score.
    pub fn calibrated(&self, raw: f32) -> f32 {
        sigmoid(self.platt.0 * raw + self.platt.1)
    }

    /// The file format: magic, version, hash bits, family, a zero byte, bias, Platt a and
    /// b, then the weights; little-endian f32.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(20 + 4 * self.weights.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&[VERSION, features::BITS, self.family.byte(), 0]);
        for v in [self.bias, self.platt.0, self.platt.1] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        for w in &self.weights {
            out.extend_from_slice(&w.to_le_bytes());
        }
        out
    }

    /// Reads [`LinearModel::to_bytes`]; None for anything else.
    pub fn from_bytes(bytes: &[u8]) -> Option<LinearModel> {
        let (head, rest) = bytes.split_at_checked(20)?;
        if &head[..4] != MAGIC || head[4] != VERSION || head[5] != features::BITS {
            return None;
        }
        let family = match head[6] {
            0 => Family::Abuse,
            1 => Family::Spam,
            _ => return None,
        };
        let f32_at =
            |i: usize| f32::from_le_bytes([head[i], head[i + 1], head[i + 2], head[i + 3]]);
        let weights: Vec<f32> = rest
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        let (bias, a, b) = (f32_at(8), f32_at(12), f32_at(16));
        let valid = weights.len() == 1 << features::BITS
            && rest.len() == 4 * weights.len()
            && weights.iter().all(|w| w.is_finite())
            && [bias, a, b].iter().all(|v| v.is_finite());
        valid.then_some(LinearModel {
            family,
            bias,
            platt: (a, b),
            weights,
        })
    }
}

/// Both families' models, read together from one feature pass.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Models {
    pub abuse: Option<LinearModel>,
    pub spam: Option<LinearModel>,
    /// Both models' weights side by side (abuse, spam) per bucket, quantized to a byte
    /// each: one feature costs one memory access for both, and the table (512 KB) stays
    /// in the core's cache, which the check's speed depends on. Built by [`Models::new`].
    paired: Vec<[i8; 2]>,
    /// The weight one step of the byte stands for, per model.
    steps: [f32; 2],
}

/// What the models say of one text.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Probabilities {
    pub abuse: Option<f32>,
    pub spam: Option<f32>,
}

static SHIPPED: std::sync::LazyLock<std::sync::Arc<Models>> = std::sync::LazyLock::new(|| {
    std::sync::Arc::new(Models::new(
        LinearModel::from_bytes(include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/wordlists/models/abuse.bin"
        ))),
        LinearModel::from_bytes(include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/wordlists/models/spam.bin"
        ))),
    ))
});

impl Models {
    pub fn new(abuse: Option<LinearModel>, spam: Option<LinearModel>) -> Models {
        let step = |m: &Option<LinearModel>| {
            let largest = m
                .as_ref()
                .map_or(0.0, |m| m.weights.iter().fold(0f32, |a, w| a.max(w.abs())));
            if largest > 0.0 { largest / 127.0 } else { 1.0 }
        };
        let steps = [step(&abuse), step(&spam)];
        let byte = |m: &Option<LinearModel>, b: usize, step: f32| {
            m.as_ref().map_or(0, |m| {
                (m.weights[b] / step).round().clamp(-127.0, 127.0) as i8
            })
        };
        let paired = if abuse.is_none() && spam.is_none() {
            Vec::new()
        } else {
            (0..1usize << features::BITS)
                .map(|b| [byte(&abuse, b, steps[0]), byte(&spam, b, steps[1])])
                .collect()
        };
        Models {
            abuse,
            spam,
            paired,
            steps,
        }
    }

    /// The models shipped in `wordlists/models/` (either may be missing).
    pub fn shipped() -> &'static Models {
        SHIPPED.as_ref()
    }

    /// The shipped models, shared (what a filter holds when the site has none of its own).
    pub fn shipped_shared() -> std::sync::Arc<Models> {
        SHIPPED.clone()
    }

    pub fn is_empty(&self) -> bool {
        self.abuse.is_none() && self.spam.is_none()
    }

    /// The probabilities of the text behind `key`, from one feature pass.
    pub fn probabilities(&self, key: &Key) -> Probabilities {
        let bytes = key.compact().0;
        let (letters, arabic) = letters(bytes);
        if self.is_empty() || letters < MIN_LETTERS {
            return Probabilities::default();
        }
        let (mut abuse, mut spam, mut n) = (0i32, 0i32, 0usize);
        features::for_each_bucket(bytes, |bucket| {
            let [a, s] = self.paired[bucket as usize];
            abuse += i32::from(a);
            spam += i32::from(s);
            n += 1;
        });
        let scale = 1.0 / (n.max(1) as f32).sqrt();
        let (abuse, spam) = (abuse as f32 * self.steps[0], spam as f32 * self.steps[1]);
        let score = |model: &Option<LinearModel>, sum: f32| {
            model.as_ref().map(|m| m.calibrated(m.bias + sum * scale))
        };
        Probabilities {
            abuse: if arabic >= MIN_ARABIC_LETTERS {
                score(&self.abuse, abuse)
            } else {
                None
            },
            spam: score(&self.spam, spam),
        }
    }

    /// The spans (in the key's one-byte form) of up to `limit` words of `key` that pushed
    /// the model of `family` most, largest first; only words that pushed up. A second
    /// pass, made only for a model that fired.
    pub fn top_words(&self, family: Family, key: &Key, limit: usize) -> Vec<(usize, usize)> {
        let i = family as usize;
        let mut words: Vec<((usize, usize), i32)> = Vec::new();
        features::for_each(key.compact().0, |bucket, span| {
            let weight = i32::from(self.paired[bucket as usize][i]);
            match words.last_mut() {
                Some((word, sum)) if *word == span => *sum += weight,
                _ => words.push((span, weight)),
            }
        });
        words.retain(|(_, sum)| *sum > 0);
        words.sort_by_key(|w| std::cmp::Reverse(w.1));
        words
            .into_iter()
            .take(limit)
            .map(|(span, _)| span)
            .collect()
    }

    /// The model of `family`.
    pub fn of(&self, family: Family) -> Option<&LinearModel> {
        match family {
            Family::Abuse => self.abuse.as_ref(),
            Family::Spam => self.spam.as_ref(),
        }
    }
}

/// Letters in a key's one-byte form, and how many of them are Arabic (bytes 0x80–0xFE):
/// what decides whether the models are asked about a text (training reads it too).
pub fn letters(bytes: &[u8]) -> (usize, usize) {
    let mut letters = 0;
    let mut arabic = 0;
    for &b in bytes {
        letters += usize::from(b.is_ascii_alphabetic() || (0x80..0xFF).contains(&b));
        arabic += usize::from((0x80..0xFF).contains(&b));
    }
    (letters, arabic)
}

pub fn sigmoid(z: f32) -> f32 {
    1.0 / (1.0 + (-z).exp())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::normalize::text_key;

    #[test]
    fn a_model_survives_its_file_and_a_bad_file_is_no_model() {
        let mut model = LinearModel::zero(Family::Spam);
        model.bias = -1.5;
        model.platt = (0.8, -0.2);
        for (i, w) in model.weights.iter_mut().enumerate() {
            *w = (i % 7) as f32 * 0.01;
        }
        assert_eq!(
            LinearModel::from_bytes(&model.to_bytes()),
            Some(model.clone())
        );
        assert_eq!(LinearModel::from_bytes(b""), None);
        let mut truncated = model.to_bytes();
        truncated.pop();
        assert_eq!(LinearModel::from_bytes(&truncated), None);
    }

    #[test]
    fn the_words_that_pushed_a_model_are_named() {
        let key = text_key("المباراة جميلة يا حثالة");
        let mut model = LinearModel::zero(Family::Abuse);
        for (bucket, _) in features::extract_with_spans(&text_key("حثالة")) {
            model.weights[bucket as usize] = 1.0;
        }
        let models = Models::new(Some(model), None);
        let words = models.top_words(Family::Abuse, &key, 4);
        // «جميله» and «المباراه» share the edge piece «ه␣»; «يا» shares nothing.
        assert_eq!(words.len(), 3, "only the words that pushed up: {words:?}");
        let offsets = key.compact().1;
        let (start, end) = words[0];
        let text = &key.as_str()[offsets[start] as usize..offsets[end] as usize];
        assert_eq!(text, "حثاله");
    }

    #[test]
    fn short_and_non_arabic_texts_get_no_abuse_probability() {
        let mut abuse = LinearModel::zero(Family::Abuse);
        abuse.bias = 2.0;
        let models = Models::new(Some(abuse), Some(LinearModel::zero(Family::Spam)));
        let english = models.probabilities(&text_key("buy cheap followers now"));
        assert_eq!(english.abuse, None);
        assert!(english.spam.is_some());
        let arabic = models.probabilities(&text_key("تعليق عربي طويل بما يكفي"));
        assert!(arabic.abuse.unwrap() > 0.8);
        assert_eq!(
            models.probabilities(&text_key("ok")),
            Probabilities::default()
        );
    }
}
