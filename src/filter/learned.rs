//! A learned abuse signal: logistic regression over hashed letter n-grams of the text key.
//!
//! Word lists catch the words someone thought of; offensive comments also come in words
//! nobody listed (a rarer insult, a misspelling, a dialect form). This model reads the
//! 3- and 4-letter pieces of every word (with the word's edges, as in «␣كلب», «ب␣»),
//! hashed into 2^16 buckets, and gives a probability that the comment is offensive. It
//! holds a comment when that probability is past the cut-off calibrated at training
//! (the share of civil comments it may flag, in cross-validation); it never blocks alone.
//!
//! The shipped model (`wordlists/abuse_model.bin`) holds only numbers: one weight per
//! bucket, a bias and the cut-off, no text. `raqib wordlists train-model` makes it from
//! labelled JSON Lines (README, "The learned abuse signal"). The model reads Arabic: a
//! text with fewer than [`MIN_ARABIC_LETTERS`] Arabic letters gets no probability.

use super::normalize::Key;

/// Bits of the feature hash: 65,536 weights (256 KB, small enough to stay in cache).
pub const BITS: u8 = 16;

/// Texts with fewer Arabic letters than this are not scored.
pub const MIN_ARABIC_LETTERS: usize = 8;

const MAGIC: &[u8; 4] = b"RQLR";
const VERSION: u8 = 2;

/// The model embedded in the binary, when `wordlists/abuse_model.bin` holds one.
static SHIPPED: std::sync::LazyLock<Option<AbuseModel>> = std::sync::LazyLock::new(|| {
    AbuseModel::from_bytes(include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/wordlists/abuse_model.bin"
    )))
});

/// A trained model.
#[derive(Clone, Debug, PartialEq)]
pub struct AbuseModel {
    bias: f32,
    /// Probability from which a comment is flagged.
    pub threshold: f32,
    weights: Vec<f32>,
}

impl AbuseModel {
    /// The model shipped in `wordlists/`, if any.
    pub fn shipped() -> Option<&'static AbuseModel> {
        SHIPPED.as_ref()
    }

    /// The probability that the text behind `key` is offensive, or None for a text that
    /// is not (mostly) Arabic.
    pub fn probability(&self, key: &Key) -> Option<f32> {
        let bytes = key.compact().0;
        // Counted first (a loop the compiler vectorizes): an English comment costs no
        // feature hashing.
        if arabic_letters(bytes) < MIN_ARABIC_LETTERS {
            return None;
        }
        // Eight letters make pieces, so `n` is at least one.
        let mut sum = 0f32;
        let mut n = 0usize;
        for_each_feature(bytes, |bucket| {
            sum += self.weights[bucket];
            n += 1;
        });
        Some(self.probability_of(sum, 1.0 / (n as f32).sqrt()))
    }

    /// The file format: magic, version, hash bits, bias, threshold, then the weights, all
    /// little-endian.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(16 + 4 * self.weights.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&[VERSION, BITS, 0, 0]);
        out.extend_from_slice(&self.bias.to_le_bytes());
        out.extend_from_slice(&self.threshold.to_le_bytes());
        for w in &self.weights {
            out.extend_from_slice(&w.to_le_bytes());
        }
        out
    }

    /// Reads [`AbuseModel::to_bytes`]; None for anything else (an empty file: no model).
    pub fn from_bytes(bytes: &[u8]) -> Option<AbuseModel> {
        let (head, rest) = bytes.split_at_checked(16)?;
        if &head[..4] != MAGIC || head[4] != VERSION || head[5] != BITS {
            return None;
        }
        let f32_at =
            |i: usize| f32::from_le_bytes([head[i], head[i + 1], head[i + 2], head[i + 3]]);
        let weights: Vec<f32> = rest
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        let valid = weights.len() == 1 << BITS
            && weights.iter().all(|w| w.is_finite())
            && f32_at(8).is_finite()
            && (0.0..=1.0).contains(&f32_at(12));
        valid.then(|| AbuseModel {
            bias: f32_at(8),
            threshold: f32_at(12),
            weights,
        })
    }
}

/// Arabic letters in a key's one-byte form (bytes 0x80–0xFE).
fn arabic_letters(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b >= 0x80 && b != 0xFF).count()
}

/// Calls `f` with the bucket of every 3- and 4-letter piece of every word of a key in its
/// one-byte form, the word's edges included (" ab", "abc", "bc ", " abc", "abc "). One
/// pass, no allocation: the last four bytes and which of them are spaces ride in two
/// registers.
fn for_each_feature(bytes: &[u8], mut f: impl FnMut(usize)) {
    let mut pieces = Pieces {
        last: u32::from(b' '),
        spaces: 1,
        seen: 1,
    };
    for &b in bytes {
        pieces.push(b, &mut f);
    }
    pieces.push(b' ', &mut f);
}

/// The sliding state of [`for_each_feature`].
struct Pieces {
    /// The last four bytes.
    last: u32,
    /// Which of the last four bytes are spaces (bit 0: the newest).
    spaces: u32,
    seen: usize,
}

impl Pieces {
    #[inline(always)]
    fn push(&mut self, b: u8, f: &mut impl FnMut(usize)) {
        self.last = (self.last << 8) | u32::from(b);
        self.spaces = ((self.spaces << 1) | u32::from(b == b' ')) & 0xF;
        self.seen += 1;
        // A piece lies in one word: a space only at its two ends.
        if self.seen >= 3 && self.spaces & 0b10 == 0 {
            f(bucket(self.last & 0x00FF_FFFF, 3));
        }
        if self.seen >= 4 && self.spaces & 0b110 == 0 {
            f(bucket(self.last, 4));
        }
    }
}

#[inline(always)]
fn bucket(piece: u32, n: u64) -> usize {
    let h = (u64::from(piece) | (n << 32)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (h >> (64 - u32::from(BITS))) as usize
}

fn sigmoid(z: f32) -> f32 {
    1.0 / (1.0 + (-z).exp())
}

/// One labelled training text.
#[derive(Clone, Debug)]
pub struct Labelled {
    pub text: String,
    pub abusive: bool,
    /// A civil text of the kind the service will read (news comments): the cut-off is
    /// set on these, not on every civil text trained on (tweets flag more often).
    pub calibrates: bool,
}

/// The features of one text: buckets and the value each occurrence adds (1/√n).
struct Example {
    buckets: Vec<u32>,
    scale: f32,
    abusive: bool,
    calibrates: bool,
}

impl Example {
    fn of(labelled: &Labelled) -> Option<Example> {
        let key = super::normalize::text_key(&labelled.text);
        let bytes = key.compact().0;
        // Only texts the model will be asked about at check time.
        if arabic_letters(bytes) < MIN_ARABIC_LETTERS {
            return None;
        }
        let mut buckets = Vec::new();
        for_each_feature(bytes, |b| buckets.push(b as u32));
        Some(Example {
            scale: 1.0 / (buckets.len() as f32).sqrt(),
            buckets,
            abusive: labelled.abusive,
            calibrates: labelled.calibrates,
        })
    }
}

/// Training settings.
#[derive(Clone, Copy, Debug)]
pub struct Training {
    pub epochs: usize,
    /// L2 penalty per example and epoch.
    pub l2: f32,
    pub learning_rate: f32,
    /// Cross-validation folds used to calibrate the cut-off.
    pub folds: usize,
    /// Share of civil comments the cut-off lets the model flag, in cross-validation.
    pub ham_rate: f32,
}

impl Default for Training {
    fn default() -> Self {
        Training {
            // Chosen in 5-fold cross-validation on half 1 of the development corpus: with
            // the cut-off on all civil texts, 39.9% of the offensive flagged at 3% of the
            // civil, against 31.7% with 30 epochs at 0.5; on news comments alone the
            // settings tried all gave 26–33% at 5%.
            epochs: 10,
            l2: 1e-4,
            learning_rate: 0.1,
            folds: 5,
            ham_rate: 0.05,
        }
    }
}

/// What training measured (cross-validation on the training texts).
#[derive(Clone, Copy, Debug)]
pub struct Calibration {
    /// Texts trained on (those with at least [`MIN_ARABIC_LETTERS`] Arabic letters).
    pub texts: usize,
    pub threshold: f32,
    /// Offensive texts (of the calibrating files) past the cut-off in cross-validation.
    pub abuse_flagged: f64,
    pub ham_flagged: f64,
}

/// Trains on labelled texts, calibrating the cut-off by cross-validation: it lets the
/// model flag `ham_rate` of the civil texts marked `calibrates`.
pub fn train(texts: &[Labelled], settings: Training) -> Option<(AbuseModel, Calibration)> {
    let examples: Vec<Example> = texts.iter().filter_map(Example::of).collect();
    if !examples.iter().any(|e| e.abusive) || examples.iter().all(|e| e.abusive) {
        return None;
    }
    // Held-out probabilities, fold by fold (every k-th example), for the cut-off.
    let folds = settings.folds.max(2);
    let mut held_out: Vec<(f32, &Example)> = Vec::with_capacity(examples.len());
    for fold in 0..folds {
        let train_set: Vec<&Example> = examples
            .iter()
            .enumerate()
            .filter(|(i, _)| i % folds != fold)
            .map(|(_, e)| e)
            .collect();
        let model = fit(&train_set, settings);
        for e in examples.iter().skip(fold).step_by(folds) {
            held_out.push((model.score(e), e));
        }
    }
    let mut ham: Vec<f32> = held_out
        .iter()
        .filter(|(_, e)| !e.abusive && e.calibrates)
        .map(|(p, _)| *p)
        .collect();
    if ham.is_empty() {
        return None;
    }
    ham.sort_by(f32::total_cmp);
    let cut = ((1.0 - settings.ham_rate as f64) * ham.len() as f64).ceil() as usize;
    let threshold = ham.get(cut.min(ham.len() - 1)).copied().unwrap_or(0.5);
    let rate = |abusive: bool| {
        let of: Vec<f32> = held_out
            .iter()
            .filter(|(_, e)| e.abusive == abusive && e.calibrates)
            .map(|(p, _)| *p)
            .collect();
        of.iter().filter(|&&p| p >= threshold).count() as f64 / of.len().max(1) as f64
    };
    let calibration = Calibration {
        texts: examples.len(),
        threshold,
        abuse_flagged: rate(true),
        ham_flagged: rate(false),
    };
    let all: Vec<&Example> = examples.iter().collect();
    let model = AbuseModel {
        threshold,
        ..fit(&all, settings)
    };
    Some((model, calibration))
}

impl AbuseModel {
    fn score(&self, e: &Example) -> f32 {
        let sum: f32 = e.buckets.iter().map(|&b| self.weights[b as usize]).sum();
        self.probability_of(sum, e.scale)
    }

    /// The probability for a text whose features' weights sum to `sum`, each occurrence
    /// counting `scale` (1/√n): the one formula of checking and training.
    fn probability_of(&self, sum: f32, scale: f32) -> f32 {
        sigmoid(self.bias + sum * scale)
    }
}

/// Logistic regression by AdaGrad, each class weighted to count as much as the other.
fn fit(examples: &[&Example], settings: Training) -> AbuseModel {
    let positives = examples.iter().filter(|e| e.abusive).count().max(1) as f32;
    let negatives = (examples.len() as f32 - positives).max(1.0);
    let total = examples.len() as f32;
    let class_weight = |abusive: bool| {
        if abusive {
            total / (2.0 * positives)
        } else {
            total / (2.0 * negatives)
        }
    };
    let mut model = AbuseModel {
        bias: 0.0,
        // Set by `train` from cross-validation; a fold's model is only scored.
        threshold: 0.5,
        weights: vec![0.0; 1 << BITS],
    };
    let mut squares = vec![1e-6f32; 1 << BITS];
    let mut bias_squares = 1e-6f32;
    // A fixed shuffle (xorshift) so that training is reproducible.
    let mut order: Vec<usize> = (0..examples.len()).collect();
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    for _ in 0..settings.epochs {
        for i in (1..order.len()).rev() {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            order.swap(i, (seed % (i as u64 + 1)) as usize);
        }
        for &i in &order {
            let e = examples[i];
            let target = if e.abusive { 1.0 } else { 0.0 };
            let error = (model.score(e) - target) * class_weight(e.abusive);
            for &b in &e.buckets {
                let b = b as usize;
                let g = error * e.scale + settings.l2 * model.weights[b];
                squares[b] += g * g;
                model.weights[b] -= settings.learning_rate * g / squares[b].sqrt();
            }
            bias_squares += error * error;
            model.bias -= settings.learning_rate * error / bias_squares.sqrt();
        }
    }
    model
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::normalize::text_key;

    #[test]
    fn pieces_stay_inside_words() {
        let key = text_key("كلب ab");
        let mut n = 0;
        for_each_feature(key.compact().0, |_| n += 1);
        // «␣كلب␣»: 3-grams ␣كل كلب لب␣, 4-grams ␣كلب كلب␣; "␣ab␣": 3-grams ␣ab ab␣, 4-gram ␣ab␣.
        assert_eq!(n, 3 + 2 + 2 + 1);
    }

    #[test]
    fn a_model_survives_its_file_and_a_bad_file_is_no_model() {
        let model = AbuseModel {
            bias: -1.25,
            threshold: 0.6,
            weights: (0..1 << BITS).map(|i| (i % 7) as f32 * 0.01).collect(),
        };
        assert_eq!(
            AbuseModel::from_bytes(&model.to_bytes()),
            Some(model.clone())
        );
        assert_eq!(AbuseModel::from_bytes(b""), None);
        let mut truncated = model.to_bytes();
        truncated.pop();
        assert_eq!(AbuseModel::from_bytes(&truncated), None);
    }

    #[test]
    fn training_learns_words_it_was_shown_and_leaves_other_text_alone() {
        // Our own sentences: civil comments about a match, and the same kind of comment
        // with one of three insults.
        let civil = [
            "المباراة كانت جميلة والمدرب اختار التشكيلة المناسبة",
            "الحكم كان عادلا في قراراته طوال المباراة",
            "نتمنى التوفيق للمنتخب في البطولة القادمة",
            "اداء اللاعبين تحسن كثيرا في الشوط الثاني",
            "الجمهور كان رائعا والملعب امتلا عن اخره",
            "شكرا للمراسل على التغطية الممتازة للمباراة",
        ];
        let insults = ["صعلوك", "رعاع", "حثالة"];
        let mut texts = Vec::new();
        for round in 0..6 {
            for (i, c) in civil.iter().enumerate() {
                let insult = insults[(i + round) % insults.len()];
                for (text, abusive) in [(c.to_string(), false), (format!("{c} يا {insult}"), true)]
                {
                    texts.push(Labelled {
                        text,
                        abusive,
                        calibrates: true,
                    });
                }
            }
        }
        let training = Training {
            ham_rate: 0.1,
            epochs: 50,
            learning_rate: 0.5,
            ..Training::default()
        };
        let (model, calibration) = train(&texts, training).expect("a model");
        assert!(calibration.abuse_flagged > 0.8, "{calibration:?}");
        let p = |text: &str| model.probability(&text_key(text)).unwrap();
        // An unseen sentence: the insult, not the rest, makes the difference.
        let (insult, civil) = (
            p("المدرب اختار تشكيلة جيدة يا حثالة"),
            p("المدرب اختار تشكيلة جيدة يا جماعة"),
        );
        assert!(insult > 0.99 && insult > civil + 0.05, "{insult} {civil}");
        assert_eq!(
            model.probability(&text_key("hello there, nice match")),
            None
        );
    }
}
