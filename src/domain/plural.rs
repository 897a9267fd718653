//! Counted nouns in the reader's language, by the CLDR plural rules (the
//! `intl_pluralrules` crate of the Fluent project): Arabic has six forms (zero, one, two,
//! few, many, other: «ثانيتين», «3 ثوانٍ», «11 ثانية»), English two. The pages do the same
//! in the browser with `Intl.PluralRules`.

use intl_pluralrules::{PluralCategory, PluralRuleType, PluralRules};

use super::lang::Lang;

/// The forms of one noun, `{n}` standing for the number: Arabic zero, one, two, few,
/// many, other; English one, other.
pub struct Noun {
    pub ar: [&'static str; 6],
    pub en: [&'static str; 2],
}

pub const SECONDS: Noun = Noun {
    ar: [
        "{n} ثانية",
        "ثانية واحدة",
        "ثانيتين",
        "{n} ثوانٍ",
        "{n} ثانية",
        "{n} ثانية",
    ],
    en: ["{n} second", "{n} seconds"],
};

pub const MINUTES: Noun = Noun {
    ar: [
        "{n} دقيقة",
        "دقيقة واحدة",
        "دقيقتين",
        "{n} دقائق",
        "{n} دقيقة",
        "{n} دقيقة",
    ],
    en: ["{n} minute", "{n} minutes"],
};

pub const CHARACTERS: Noun = Noun {
    ar: [
        "{n} حرف",
        "حرف واحد",
        "حرفين",
        "{n} أحرف",
        "{n} حرفًا",
        "{n} حرف",
    ],
    en: ["{n} character", "{n} characters"],
};

/// `n` of `noun` in `lang`.
pub fn counted(lang: Lang, n: u64, noun: &Noun) -> String {
    let (code, forms): (&str, &[&str]) = match lang {
        Lang::Ar => ("ar", &noun.ar),
        Lang::En => ("en", &noun.en),
    };
    let category = code
        .parse::<unic_langid::LanguageIdentifier>()
        .ok()
        .and_then(|id| PluralRules::create(id, PluralRuleType::CARDINAL).ok())
        .and_then(|rules| rules.select(n).ok())
        .unwrap_or(PluralCategory::OTHER);
    let form = match (lang, category) {
        (Lang::Ar, PluralCategory::ZERO) => forms[0],
        (Lang::Ar, PluralCategory::ONE) => forms[1],
        (Lang::Ar, PluralCategory::TWO) => forms[2],
        (Lang::Ar, PluralCategory::FEW) => forms[3],
        (Lang::Ar, PluralCategory::MANY) => forms[4],
        (Lang::Ar, _) => forms[5],
        (Lang::En, PluralCategory::ONE) => forms[0],
        (Lang::En, _) => forms[1],
    };
    form.replace("{n}", &n.to_string())
}

/// "(try again in …)" for a wait of `seconds`, in minutes past a minute and a half.
pub fn wait(lang: Lang, seconds: u64) -> String {
    let length = if seconds >= 90 {
        counted(lang, seconds.div_ceil(60), &MINUTES)
    } else {
        counted(lang, seconds.max(1), &SECONDS)
    };
    match lang {
        Lang::Ar => format!("(حاول مجدداً بعد {length})"),
        Lang::En => format!("(try again in {length})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arabic_counts_take_their_six_forms() {
        let said: Vec<String> = [0, 1, 2, 3, 10, 11, 99, 100, 102]
            .iter()
            .map(|&n| counted(Lang::Ar, n, &SECONDS))
            .collect();
        assert_eq!(
            said,
            [
                "0 ثانية",
                "ثانية واحدة",
                "ثانيتين",
                "3 ثوانٍ",
                "10 ثوانٍ",
                "11 ثانية",
                "99 ثانية",
                "100 ثانية",
                "102 ثانية"
            ]
        );
        assert_eq!(counted(Lang::En, 1, &MINUTES), "1 minute");
        assert_eq!(counted(Lang::En, 7, &MINUTES), "7 minutes");
        assert_eq!(wait(Lang::Ar, 600), "(حاول مجدداً بعد 10 دقائق)");
        // The length limits of the comment form: «80 حرفًا», not «80 حرف».
        assert_eq!(counted(Lang::Ar, 80, &CHARACTERS), "80 حرفًا");
        assert_eq!(counted(Lang::Ar, 5000, &CHARACTERS), "5000 حرف");
        assert_eq!(counted(Lang::Ar, 3, &CHARACTERS), "3 أحرف");
        assert_eq!(wait(Lang::En, 30), "(try again in 30 seconds)");
    }
}
