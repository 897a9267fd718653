//! Labelled texts turned into what the learners read: the hashed features of each text's
//! key (the same pass the filter makes at check time), a label, a weight and the corpus
//! the text came from (for leave-one-corpus-out evaluation).

use crate::filter::features;
use crate::filter::models::{Family, MIN_ARABIC_LETTERS, MIN_LETTERS, letters};
use crate::filter::normalize::text_key;

/// One labelled text as given: its text, whether it belongs to the family, the corpus it
/// came from and its weight (1 unless a caller weighs some texts more).
#[derive(Clone, Debug)]
pub struct Labelled {
    pub text: String,
    pub positive: bool,
    pub corpus: String,
    pub weight: f32,
}

/// One text as the learners read it.
#[derive(Clone, Debug)]
pub struct Example {
    pub buckets: Vec<u32>,
    pub positive: bool,
    /// Index into the corpus names of the [`Examples`] it belongs to.
    pub corpus: u16,
    pub weight: f32,
    /// Index of the text in the slice the examples were made from.
    pub index: usize,
}

impl Example {
    /// 1/√n: the value of each feature occurrence (as in [`crate::filter::models`]).
    pub fn scale(&self) -> f32 {
        1.0 / (self.buckets.len().max(1) as f32).sqrt()
    }
}

/// The examples of one family, with the names of their corpora.
#[derive(Clone, Debug, Default)]
pub struct Examples {
    pub corpora: Vec<String>,
    pub items: Vec<Example>,
}

impl Examples {
    /// The texts the model of `family` will be asked about at check time (the same
    /// letter counts as [`crate::filter::models::Models::probabilities`]), as examples.
    pub fn of(family: Family, texts: &[Labelled]) -> Examples {
        let mut examples = Examples::default();
        for (index, labelled) in texts.iter().enumerate() {
            let key = text_key(&labelled.text);
            let (letters, arabic) = letters(key.compact().0);
            let asked =
                letters >= MIN_LETTERS && (family == Family::Spam || arabic >= MIN_ARABIC_LETTERS);
            if !asked {
                continue;
            }
            let corpus = match examples.corpora.iter().position(|c| *c == labelled.corpus) {
                Some(i) => i,
                None => {
                    examples.corpora.push(labelled.corpus.clone());
                    examples.corpora.len() - 1
                }
            };
            let mut buckets = Vec::new();
            features::extract(&key, &mut buckets);
            examples.items.push(Example {
                buckets,
                positive: labelled.positive,
                corpus: corpus as u16,
                weight: labelled.weight,
                index,
            });
        }
        examples
    }

    pub fn positives(&self) -> usize {
        self.items.iter().filter(|e| e.positive).count()
    }
}
