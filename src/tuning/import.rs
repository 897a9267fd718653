//! Bulk import and export of terms: plain text (one term per line, the word-list file
//! format: `#` comments, an optional ` | weight`, a trailing `*` for a prefix) and CSV
//! with a header row (`term,category,weight,action,match,language,list,shadow,enabled,note`;
//! only `term` is required, the rest default to the request's values).

use crate::filter::spec::MatchMode;
use crate::filter::{Action, Category};
use crate::store::filters::StoredTerm;

use super::entries::TermInput;

/// The columns of an exported CSV, in order.
pub const CSV_COLUMNS: &[&str] = &[
    "term", "category", "weight", "action", "match", "language", "list", "shadow", "enabled",
    "note",
];

/// One refused line.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct LineError {
    pub line: usize,
    pub message: String,
}

/// Defaults for lines that do not say.
#[derive(Clone, Debug)]
pub struct Defaults {
    pub category: Category,
    pub weight: f32,
    pub action: Option<Action>,
    pub list: Option<String>,
}

/// Lines read, with their numbers, and lines refused.
pub type Parsed = (Vec<(usize, TermInput)>, Vec<LineError>);

/// Plain text: one term per line.
pub fn parse_text(text: &str, d: &Defaults) -> Parsed {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim().trim_start_matches('\u{feff}');
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (term, weight) = match line.split_once('|') {
            Some((term, weight)) => match weight.trim().parse::<f32>() {
                Ok(w) => (term.trim(), w),
                Err(_) => {
                    errors.push(LineError {
                        line: i + 1,
                        message: format!("weight {:?} is not a number", weight.trim()),
                    });
                    continue;
                }
            },
            None => (line, d.weight),
        };
        out.push((
            i + 1,
            TermInput {
                term: term.to_string(),
                category: d.category,
                weight,
                action: d.action,
                list: d.list.clone(),
                ..Default::default()
            },
        ));
    }
    (out, errors)
}

/// CSV with a header row.
pub fn parse_csv(text: &str, d: &Defaults) -> Parsed {
    let records = split_csv(text.trim_start_matches('\u{feff}'));
    let mut records = records.into_iter();
    let Some((_, header)) = records.next() else {
        return (Vec::new(), Vec::new());
    };
    let header: Vec<String> = header.iter().map(|h| h.trim().to_lowercase()).collect();
    let mut errors = Vec::new();
    for h in &header {
        if !CSV_COLUMNS.contains(&h.as_str()) {
            errors.push(LineError {
                line: 1,
                message: format!("unknown column {h:?}"),
            });
        }
    }
    if !header.iter().any(|h| h == "term") {
        errors.push(LineError {
            line: 1,
            message: "no \"term\" column".into(),
        });
    }
    if !errors.is_empty() {
        return (Vec::new(), errors);
    }
    let mut out = Vec::new();
    for (line, fields) in records {
        if fields.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let mut input = TermInput {
            category: d.category,
            weight: d.weight,
            action: d.action,
            list: d.list.clone(),
            ..Default::default()
        };
        let mut bad = |message: String| errors.push(LineError { line, message });
        for (column, value) in header.iter().zip(fields.iter()) {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            let word = |what: &str| format!("{what} {value:?} is not valid");
            match column.as_str() {
                "term" => input.term = value.to_string(),
                "category" => match parse_word::<Category>(value) {
                    Some(c) => input.category = c,
                    None => bad(word("category")),
                },
                "weight" => match value.parse::<f32>() {
                    Ok(w) => input.weight = w,
                    Err(_) => bad(word("weight")),
                },
                "action" => match parse_word::<Action>(value) {
                    Some(a) => input.action = Some(a),
                    None => bad(word("action")),
                },
                "match" => match parse_word::<MatchMode>(value) {
                    Some(m) => input.mode = Some(m),
                    None => bad(word("match")),
                },
                "language" => match parse_word(value) {
                    Some(l) => input.language = Some(l),
                    None => bad(word("language")),
                },
                "list" => input.list = Some(value.to_string()),
                "shadow" | "enabled" => {
                    let flag = match value.to_lowercase().as_str() {
                        "true" | "1" | "yes" => Some(true),
                        "false" | "0" | "no" => Some(false),
                        _ => None,
                    };
                    match (flag, column.as_str()) {
                        (Some(f), "shadow") => input.shadow = Some(f),
                        (Some(f), _) => input.enabled = Some(f),
                        (None, _) => bad(word(column)),
                    }
                }
                _ => input.note = Some(value.to_string()),
            }
        }
        out.push((line, input));
    }
    (out, errors)
}

fn parse_word<T: serde::de::DeserializeOwned>(value: &str) -> Option<T> {
    crate::filter::model::from_word(&value.to_lowercase())
}

/// Records of a CSV text with the line each starts on. Quotes follow RFC 4180 (`""`
/// inside a quoted field is a quote; quoted fields may hold commas and newlines).
fn split_csv(text: &str) -> Vec<(usize, Vec<String>)> {
    let mut records = Vec::new();
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut line = 1;
    let mut start = 1;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            ('"', true) => quoted = false,
            ('"', false) if field.is_empty() => quoted = true,
            (',', false) => fields.push(std::mem::take(&mut field)),
            ('\r', false) => {}
            ('\n', false) => {
                fields.push(std::mem::take(&mut field));
                records.push((start, std::mem::take(&mut fields)));
                line += 1;
                start = line;
            }
            ('\n', true) => {
                line += 1;
                field.push(c);
            }
            _ => field.push(c),
        }
    }
    if !field.is_empty() || !fields.is_empty() {
        fields.push(field);
        records.push((start, fields));
    }
    records
}

/// Plain text in the word-list file format.
pub fn to_text(terms: &[StoredTerm]) -> String {
    let mut out = String::new();
    for t in terms {
        out.push_str(&t.term);
        match t.mode {
            MatchMode::Prefix => out.push('*'),
            MatchMode::Exact => out.push('='),
            _ => {}
        }
        out.push_str(&format!(" | {}\n", t.weight));
    }
    out
}

/// CSV with the [`CSV_COLUMNS`] header.
pub fn to_csv(terms: &[StoredTerm]) -> String {
    let mut out = CSV_COLUMNS.join(",");
    out.push('\n');
    for t in terms {
        let fields = [
            t.term.clone(),
            t.category.as_str().to_string(),
            t.weight.to_string(),
            crate::filter::model::to_word(&t.action),
            crate::filter::model::to_word(&t.mode),
            crate::filter::model::to_word(&t.language),
            t.list.clone(),
            t.shadow.to_string(),
            t.enabled.to_string(),
            t.note.clone().unwrap_or_default(),
        ];
        let quoted: Vec<String> = fields.iter().map(|f| quote(f)).collect();
        out.push_str(&quoted.join(","));
        out.push('\n');
    }
    out
}

fn quote(field: &str) -> String {
    // A leading = + - @ would be a formula in a spreadsheet: quote and prefix it.
    let risky = field.starts_with(['=', '+', '-', '@']);
    if field.contains([',', '"', '\n', '\r']) || risky {
        let body = field.replace('"', "\"\"");
        if risky {
            format!("\"'{body}\"")
        } else {
            format!("\"{body}\"")
        }
    } else {
        field.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defaults() -> Defaults {
        Defaults {
            category: Category::Insult,
            weight: 3.0,
            action: None,
            list: None,
        }
    }

    #[test]
    fn text_lines_take_weights_and_skip_comments() {
        let (parsed, errors) = parse_text("# header\nحمار\n\nغبي | 4.5\nscam*\n", &defaults());
        assert!(errors.is_empty());
        let terms: Vec<(usize, &str, f32)> = parsed
            .iter()
            .map(|(l, t)| (*l, t.term.as_str(), t.weight))
            .collect();
        assert_eq!(
            terms,
            [(2, "حمار", 3.0), (4, "غبي", 4.5), (5, "scam*", 3.0)]
        );
        let (good, errors) = parse_text("ok\nبايخ | كثير\n", &defaults());
        assert_eq!((good.len(), errors[0].line), (1, 2));
    }

    #[test]
    fn csv_reads_quoted_fields_and_names_bad_lines() {
        let csv = "term,category,weight,note\n\"قروض, فورية\",spam_phrase,5,\"a \"\"quoted\"\" note\"\nكلب,,,\nبلا,nonsense,x,\n";
        let (parsed, errors) = parse_csv(csv, &defaults());
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors.iter().all(|e| e.line == 4));
        assert_eq!(parsed[0].1.term, "قروض, فورية");
        assert_eq!(parsed[0].1.category, Category::SpamPhrase);
        assert_eq!(parsed[0].1.note.as_deref(), Some("a \"quoted\" note"));
        assert_eq!((parsed[1].0, parsed[1].1.category), (3, Category::Insult));
        assert!(
            !parse_csv("word\nx\n", &defaults()).1.is_empty(),
            "unknown column"
        );
    }

    #[test]
    fn exports_read_back_as_the_same_terms() {
        let term = super::super::entries::new_term(&TermInput {
            term: "=cmd|' /C calc'!A0, \"x\"".into(),
            category: Category::SpamPhrase,
            weight: 2.5,
            ..Default::default()
        })
        .unwrap();
        let csv = to_csv(std::slice::from_ref(&term));
        assert!(csv.contains("\"'=cmd"), "formula defused: {csv}");
        let (back, _) = parse_csv(&csv, &defaults());
        assert_eq!(back[0].1.term, format!("'{}", term.term));
        assert_eq!(back[0].1.weight, 2.5);
        let mut plain = term.clone();
        plain.term = "قروض فورية".into();
        plain.mode = MatchMode::Prefix;
        let text = to_text(std::slice::from_ref(&plain));
        let (back, _) = parse_text(&text, &defaults());
        assert_eq!(
            (back[0].1.term.as_str(), back[0].1.weight),
            ("قروض فورية*", 2.5)
        );
    }
}
