//! The accessible alternative: a short arithmetic question in words, in the reader's
//! language, answered in digits (any digit system).

use rand::Rng;

use crate::domain::lang::Lang;

const AR_NUMBERS: [&str; 21] = [
    "صفر",
    "واحد",
    "اثنان",
    "ثلاثة",
    "أربعة",
    "خمسة",
    "ستة",
    "سبعة",
    "ثمانية",
    "تسعة",
    "عشرة",
    "أحد عشر",
    "اثنا عشر",
    "ثلاثة عشر",
    "أربعة عشر",
    "خمسة عشر",
    "ستة عشر",
    "سبعة عشر",
    "ثمانية عشر",
    "تسعة عشر",
    "عشرون",
];

const EN_NUMBERS: [&str; 21] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
];

/// A question and its answer (digits).
pub fn question(lang: Lang) -> (String, String) {
    let mut rng = rand::rng();
    let a = rng.random_range(2..=12usize);
    let b = rng.random_range(2..=8usize);
    let (question, answer) = match (rng.random_range(0..3u8), lang) {
        (0, Lang::Ar) => (
            format!(
                "ما حاصل جمع {} و{}؟ اكتب الجواب بالأرقام.",
                AR_NUMBERS[a], AR_NUMBERS[b]
            ),
            a + b,
        ),
        (0, Lang::En) => (
            format!(
                "What is {} plus {}? Answer in digits.",
                EN_NUMBERS[a], EN_NUMBERS[b]
            ),
            a + b,
        ),
        (1, Lang::Ar) => (
            format!(
                "كم يبقى إذا طرحنا {} من {}؟ اكتب الجواب بالأرقام.",
                AR_NUMBERS[b],
                AR_NUMBERS[a + b]
            ),
            a,
        ),
        (1, Lang::En) => (
            format!(
                "What is {} minus {}? Answer in digits.",
                EN_NUMBERS[a + b],
                EN_NUMBERS[b]
            ),
            a,
        ),
        (_, Lang::Ar) => (
            format!("ما العدد الذي يلي {}؟ اكتب الجواب بالأرقام.", AR_NUMBERS[a]),
            a + 1,
        ),
        (_, Lang::En) => (
            format!(
                "Which number comes after {}? Answer in digits.",
                EN_NUMBERS[a]
            ),
            a + 1,
        ),
    };
    (question, answer.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn questions_are_in_the_readers_language_with_a_numeric_answer() {
        for _ in 0..50 {
            let (q, a) = question(Lang::Ar);
            assert!(q.contains("بالأرقام"), "{q}");
            assert!(a.parse::<u32>().is_ok_and(|n| n <= 20));
            let (q, a) = question(Lang::En);
            assert!(q.contains("digits"), "{q}");
            assert!(a.parse::<u32>().is_ok());
        }
    }
}
