//! Evidence besides the word lists: links, phones, hidden characters, shape, the
//! submission's circumstances (honeypot, timing) and the author's history.

mod links;
mod phones;
mod shape;

pub use links::{Link, host_and_parents, links, under};

use super::fingerprint::Duplicate;
use super::input::{Context, Input};
use super::model::{Action, Category, Field, Hit};
use super::normalize::Keys;
use super::settings::SignalWeights;

/// What the signals need that the filter compiled once.
pub struct Domains<'a> {
    pub blocked: &'a std::collections::BTreeMap<String, f32>,
    pub allowed: &'a [String],
    pub disposable: &'a std::collections::HashSet<String>,
}

fn hit(
    rule: &str,
    category: Category,
    weight: f32,
    field: Field,
    span: Option<(usize, usize)>,
    explanation: String,
) -> Hit {
    Hit {
        rule: format!("signal:{rule}"),
        category,
        weight,
        action: Default::default(),
        field,
        span,
        explanation,
        shadow: false,
    }
}

/// Signals of one text field (body or name).
pub fn text_signals(
    raw: &str,
    keys: &Keys,
    field: Field,
    w: &SignalWeights,
    domains: &Domains,
    out: &mut Vec<Hit>,
) {
    let scan = shape::Scan::of(raw);
    let mut counted_links = 0;
    let found = if scan.dotted { links(raw) } else { Vec::new() };
    for link in found {
        let blocked = host_and_parents(&link.host).find_map(|d| domains.blocked.get_key_value(d));
        if let Some((domain, weight)) = blocked {
            out.push(hit(
                "blocked_domain",
                Category::DomainBlock,
                *weight,
                field,
                Some(link.span),
                format!("link to a blocked domain ({domain})"),
            ));
        } else if domains.allowed.iter().any(|d| under(&link.host, d)) {
            out.push(hit(
                "allowed_domain",
                Category::DomainAllow,
                0.0,
                field,
                Some(link.span),
                format!("link to an allowed domain ({})", link.host),
            ));
        } else {
            counted_links += 1;
            let weight = if counted_links <= 3 { w.link } else { 0.0 };
            out.push(Hit {
                rule: format!("signal:link:{counted_links}"),
                ..hit(
                    "link",
                    Category::Link,
                    weight,
                    field,
                    Some(link.span),
                    format!("link to {}", link.host),
                )
            });
        }
    }
    if let Some(span) = links::obfuscated_link(raw, keys, scan.bracket) {
        out.push(hit(
            "obfuscated_link",
            Category::Obfuscation,
            w.obfuscated_link,
            field,
            Some(span),
            "a link spelled out to dodge link detection".into(),
        ));
    }
    if let Some(span) = scan.at_sign.then(|| links::emails(raw)).flatten() {
        out.push(hit(
            "email_in_text",
            Category::Contact,
            w.email_in_text,
            field,
            Some(span),
            "an e-mail address in the text".into(),
        ));
    }
    let words = &keys.words;
    if let Some(span) = phones::phone_number(&keys.text, words) {
        out.push(hit(
            "phone",
            Category::Phone,
            w.phone,
            field,
            Some(span),
            "a phone number".into(),
        ));
    } else if let Some(span) = phones::spelled_phone(&keys.text, words) {
        out.push(hit(
            "spelled_phone",
            Category::Phone,
            w.spelled_phone,
            field,
            Some(span),
            "a phone number spelled out in words".into(),
        ));
    }
    if let Some((span, count)) = scan
        .may_hide
        .then(|| shape::hidden_inside_words(raw))
        .flatten()
    {
        out.push(hit(
            "hidden_characters",
            Category::Obfuscation,
            w.hidden_characters,
            field,
            Some(span),
            format!("{count} invisible character(s) inside words"),
        ));
    }
    if let Some(span) = scan
        .mixed_scripts()
        .then(|| shape::mixed_script_word(raw))
        .flatten()
    {
        out.push(hit(
            "mixed_script",
            Category::Obfuscation,
            w.mixed_script,
            field,
            Some(span),
            "a word mixing alphabets (look-alike letters)".into(),
        ));
    }
    if field == Field::Body {
        if let Some(span) = shape::repeated_word(&keys.text, words) {
            out.push(hit(
                "repeated_word",
                Category::Repetition,
                w.repeated_word,
                field,
                Some(span),
                "the same word four or more times in a row".into(),
            ));
        }
        if scan.shouting() {
            out.push(hit(
                "shouting",
                Category::Repetition,
                w.shouting,
                field,
                None,
                "mostly capital letters".into(),
            ));
        }
        if scan.emoji_flood() {
            out.push(hit(
                "emoji_flood",
                Category::Repetition,
                w.emoji_flood,
                field,
                None,
                "a flood of emoji".into(),
            ));
        }
    }
}

/// Signals of the submission as a whole: email domain, honeypot, timing, history.
pub fn meta_signals(
    input: &Input,
    ctx: &Context,
    w: &SignalWeights,
    domains: &Domains,
    out: &mut Vec<Hit>,
) {
    if let Some(domain) = input
        .email
        .rsplit_once('@')
        .map(|(_, d)| d.to_ascii_lowercase())
        && host_and_parents(&domain).any(|d| domains.disposable.contains(d))
    {
        out.push(hit(
            "disposable_email",
            Category::DisposableEmail,
            w.disposable_email,
            Field::Email,
            None,
            format!("a throwaway e-mail domain ({domain})"),
        ));
    }
    if input.website.is_some_and(|v| !v.trim().is_empty()) {
        out.push(hit(
            "honeypot",
            Category::Honeypot,
            w.honeypot,
            Field::Website,
            None,
            "the hidden field humans leave empty was filled in".into(),
        ));
    }
    if let Some(ms) = ctx.elapsed_ms
        && ms < w.too_fast_ms
    {
        out.push(hit(
            "too_fast",
            Category::Timing,
            w.too_fast,
            Field::Meta,
            None,
            format!("sent {ms} ms after the form was served"),
        ));
    }
    let rep = &ctx.reputation;
    if rep.spam > 0 {
        out.push(hit(
            "known_spammer",
            Category::Reputation,
            w.known_spammer * rep.spam.min(3) as f32,
            Field::Meta,
            None,
            format!("{} earlier comment(s) by this author marked spam", rep.spam),
        ));
    } else if rep.approved >= w.trusted_after && rep.rejected == 0 {
        out.push(hit(
            "trusted_author",
            Category::Reputation,
            w.trusted_author,
            Field::Meta,
            None,
            format!("{} approved comments and none rejected", rep.approved),
        ));
    }
}

/// The near-duplicate signal.
pub fn duplicate_signal(duplicate: Option<Duplicate>, w: &SignalWeights, out: &mut Vec<Hit>) {
    match duplicate {
        Some(Duplicate::OtherAuthor) => out.push(hit(
            "duplicate",
            Category::Duplicate,
            w.duplicate_other,
            Field::Body,
            None,
            "nearly the same text as a recent comment by another author".into(),
        )),
        Some(Duplicate::SameAuthor) => out.push(hit(
            "duplicate_same_author",
            Category::Duplicate,
            w.duplicate_same,
            Field::Body,
            None,
            "nearly the same text as this author's recent comment".into(),
        )),
        None => {}
    }
}

/// What a model's probability `p` adds: its category, its points (capped below the
/// family's deciding score) and its action (deciding alone past `certain`); None below
/// the family's threshold.
pub fn model_weight(
    family: super::models::Family,
    p: f32,
    settings: &super::settings::FilterSettings,
) -> Option<(Category, f32, Action)> {
    use super::models::Family;
    let (tuning, category, cap, forced) = match family {
        Family::Abuse => (
            &settings.models.abuse,
            Category::Insult,
            settings.block * 0.5,
            Action::Hold,
        ),
        Family::Spam => (
            &settings.models.spam,
            Category::SpamPhrase,
            settings.spam - 0.5,
            Action::Spam,
        ),
    };
    let points = tuning.points_for(p);
    if points <= 0.0 {
        return None;
    }
    let action = if p >= tuning.certain {
        forced
    } else {
        Action::Score
    };
    Some((
        category,
        (points.min(cap.max(0.0)) * 100.0).round() / 100.0,
        action,
    ))
}

/// The learned models' hits: for each family whose calibrated probability is past its
/// threshold, one hit per word that pushed the model most (same rule: it counts once),
/// so the console highlights them. The points never decide alone (capped below the
/// family's deciding score) unless the probability is past `certain`.
pub fn model_hits(
    models: &super::models::Models,
    probabilities: super::models::Probabilities,
    key: &super::normalize::Key,
    settings: &super::settings::FilterSettings,
    out: &mut Vec<Hit>,
) {
    use super::models::Family;
    let families = [
        (Family::Abuse, probabilities.abuse),
        (Family::Spam, probabilities.spam),
    ];
    for (family, probability) in families {
        let (Some(p), Some(_)) = (probability, models.of(family)) else {
            continue;
        };
        let Some((category, weight, action)) = model_weight(family, p, settings) else {
            continue;
        };
        let explanation = format!(
            "worded like the {} the {} model was trained on ({:.0}% likely)",
            if family == Family::Abuse {
                "offensive comments"
            } else {
                "spam"
            },
            family.as_str(),
            p * 100.0
        );
        let offsets = key.compact().1;
        let words = models.top_words(family, key, 3);
        let spans: Vec<Option<(usize, usize)>> = if words.is_empty() {
            vec![None]
        } else {
            words
                .iter()
                .map(|&(s, e)| Some(key.raw_span(offsets[s] as usize, offsets[e] as usize)))
                .collect()
        };
        for span in spans {
            out.push(Hit {
                rule: format!("model:{}", family.as_str()),
                category,
                weight,
                action,
                field: Field::Body,
                span,
                explanation: explanation.clone(),
                shadow: false,
            });
        }
    }
}
