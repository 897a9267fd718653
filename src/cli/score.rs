//! `raqib score`: the server's filter run offline over JSON Lines, and the summary table
//! that tells how a word-list change does on labelled data.
//!
//! Input lines: `{"id", "text" | "body", "name"?, "email"?, "label"?}`. Output lines:
//! `{"id", "class", "score", "hits"}`. Lines are a stream in order: each earlier line is
//! near-duplicate context for the later ones, as recent comments are on the server. There
//! is no reputation offline.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{BufRead, Write};
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::cache::live_filter::LiveFilter;
use crate::filter::{Class, Context, Filter, Hit, Input};
use crate::secrets::keys::Secrets;

/// One input line.
#[derive(Debug, Deserialize)]
struct Line {
    id: serde_json::Value,
    #[serde(alias = "body")]
    text: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    label: Option<String>,
    /// Where the line came from (a corpus, a site): the summary gets a row per source.
    #[serde(default)]
    source: Option<String>,
}

/// One output line.
#[derive(Debug, Serialize)]
struct Scored<'a> {
    id: &'a serde_json::Value,
    class: Class,
    score: f32,
    hits: &'a [Hit],
}

/// Which lines to read: all, or one half (odd or even line numbers) to tune on one and
/// report on the other.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Half {
    All,
    First,
    Second,
}

impl Half {
    fn keeps(self, index: usize) -> bool {
        match self {
            Half::All => true,
            Half::First => index.is_multiple_of(2),
            Half::Second => index % 2 == 1,
        }
    }
}

/// How lines are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reading {
    pub half: Half,
    /// Each line is near-duplicate context for the later ones, as on the server; without
    /// it every line is judged alone (what an evaluator expects of a shuffled test set).
    pub context: bool,
}

impl Reading {
    pub fn all() -> Reading {
        Reading {
            half: Half::All,
            context: true,
        }
    }
}

/// Counts per label and class, overall and per source.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    counts: BTreeMap<String, BTreeMap<Class, usize>>,
    sources: BTreeMap<String, Summary>,
    pub lines: usize,
}

impl Summary {
    fn add(&mut self, label: &str, class: Class, source: Option<&str>) {
        if let Some(source) = source {
            self.sources
                .entry(source.to_string())
                .or_default()
                .add(label, class, None);
        }
        *self
            .counts
            .entry(label.to_string())
            .or_default()
            .entry(class)
            .or_default() += 1;
    }

    fn count(&self, label: &str, pred: impl Fn(Class) -> bool) -> usize {
        self.counts
            .get(label)
            .map(|by| by.iter().filter(|(c, _)| pred(**c)).map(|(_, n)| n).sum())
            .unwrap_or(0)
    }

    fn total(&self, label: &str) -> usize {
        self.count(label, |_| true)
    }

    fn ratio(part: usize, whole: usize) -> Option<f64> {
        (whole > 0).then(|| part as f64 / whole as f64)
    }

    /// Spam or block on ham.
    pub fn ham_false_positive_rate(&self) -> Option<f64> {
        Self::ratio(self.count("ham", |c| c >= Class::Spam), self.total("ham"))
    }

    /// Anything but ok on ham.
    pub fn ham_hold_rate(&self) -> Option<f64> {
        Self::ratio(self.count("ham", |c| c != Class::Ok), self.total("ham"))
    }

    /// Spam labelled spam that came out spam or block.
    pub fn spam_recall(&self) -> Option<f64> {
        Self::ratio(self.count("spam", |c| c >= Class::Spam), self.total("spam"))
    }

    /// Of everything classed spam or block, the share labelled spam; none for a set
    /// without spam labels (a zero there would say nothing about spam).
    pub fn spam_precision(&self) -> Option<f64> {
        if self.total("spam") == 0 {
            return None;
        }
        let predicted: usize = self
            .counts
            .keys()
            .map(|l| self.count(l, |c| c >= Class::Spam))
            .sum();
        Self::ratio(self.count("spam", |c| c >= Class::Spam), predicted)
    }

    /// Abuse that came out anything but ok.
    pub fn abuse_caught(&self) -> Option<f64> {
        Self::ratio(self.count("abuse", |c| c != Class::Ok), self.total("abuse"))
    }

    /// The table `raqib score --labels` prints.
    pub fn table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "| label | n | ok | hold | spam | block |");
        let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|");
        for label in self.counts.keys() {
            let n = self.total(label);
            let share = |class: Class| pct(Self::ratio(self.count(label, |c| c == class), n));
            let _ = writeln!(
                out,
                "| {label} | {n} | {} | {} | {} | {} |",
                share(Class::Ok),
                share(Class::Hold),
                share(Class::Spam),
                share(Class::Block)
            );
        }
        let _ = writeln!(out);
        let rows = [
            (
                "ham false positives (spam or block)",
                self.ham_false_positive_rate(),
            ),
            ("ham held (anything but ok)", self.ham_hold_rate()),
            ("spam precision", self.spam_precision()),
            ("spam recall (spam or block)", self.spam_recall()),
            ("abuse caught (anything but ok)", self.abuse_caught()),
        ];
        for (what, value) in rows {
            if let Some(value) = value {
                let _ = writeln!(out, "{what}: {}", pct(Some(value)));
            }
        }
        if !self.sources.is_empty() {
            let _ = writeln!(
                out,
                "\n| source | ham held | ham spam/block | abuse caught | spam caught | n |"
            );
            let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|");
            for (source, summary) in &self.sources {
                let n: usize = summary.counts.keys().map(|l| summary.total(l)).sum();
                let _ = writeln!(
                    out,
                    "| {source} | {} | {} | {} | {} | {n} |",
                    pct(summary.ham_hold_rate()),
                    pct(summary.ham_false_positive_rate()),
                    pct(summary.abuse_caught()),
                    pct(summary.spam_recall()),
                );
            }
        }
        out
    }
}

fn pct(value: Option<f64>) -> String {
    value
        .map(|v| format!("{:.1}%", v * 100.0))
        .unwrap_or_else(|| "-".into())
}

/// The comment lines of one half of `input` (blank lines skipped), or the error naming the
/// first line that is not one.
fn lines(input: impl BufRead, half: Half) -> impl Iterator<Item = Result<Line, String>> {
    input
        .lines()
        .enumerate()
        .filter_map(move |(index, line)| match line {
            Err(e) => Some(Err(format!("line {}: {e}", index + 1))),
            Ok(line) if line.trim().is_empty() || !half.keeps(index) => None,
            Ok(line) => Some(
                serde_json::from_str(&line)
                    .map_err(|e| format!("line {}: not a comment line: {e}", index + 1)),
            ),
        })
}

/// Scores every line of `input`; writes result lines to `output` when given; returns the
/// summary of labelled lines.
pub fn score(
    filter: Filter,
    input: impl BufRead,
    mut output: Option<&mut dyn Write>,
    reading: Reading,
) -> Result<Summary, String> {
    // The server's own screening path, with its near-duplicate memory.
    let screen = LiveFilter::new(filter, 0, &Secrets::from_secret(b"raqib score"));
    let alone = screen.filter();
    let mut summary = Summary::default();
    for parsed in lines(input, reading.half) {
        let parsed = parsed?;
        let input = Input {
            body: &parsed.text,
            name: &parsed.name,
            email: &parsed.email,
            website: None,
        };
        let context = Context {
            author: (!parsed.email.is_empty()).then(|| parsed.email.to_lowercase()),
            ..Context::default()
        };
        let verdict = if reading.context {
            screen.check(&input, context)
        } else {
            alone.check(&input, &context)
        };
        summary.lines += 1;
        if let Some(label) = &parsed.label {
            summary.add(label, verdict.class, parsed.source.as_deref());
        }
        if let Some(out) = output.as_deref_mut() {
            let scored = Scored {
                id: &parsed.id,
                class: verdict.class,
                score: verdict.score,
                hits: &verdict.hits,
            };
            let json = serde_json::to_string(&scored).map_err(|e| e.to_string())?;
            writeln!(out, "{json}").map_err(|e| e.to_string())?;
        }
    }
    Ok(summary)
}

/// The labelled lines of one half of `input` for training the abuse model: `abuse` lines
/// as offensive, `ham` lines as civil; spam and unlabelled lines are left out.
pub fn labelled_texts(input: impl BufRead, half: Half) -> Result<Vec<(String, bool)>, String> {
    let mut out = Vec::new();
    for parsed in lines(input, half) {
        let parsed = parsed?;
        match parsed.label.as_deref() {
            Some("abuse") => out.push((parsed.text, true)),
            Some("ham") => out.push((parsed.text, false)),
            _ => {}
        }
    }
    Ok(out)
}

/// The live filter version of the database at `url` (read only; nothing is seeded).
pub fn live_filter_of(
    config: &crate::config::Config,
    url: String,
) -> Result<crate::filter::Filter, String> {
    let config = crate::config::Config {
        database_url: url,
        ..config.clone()
    };
    let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let store = crate::store::connect(&config)
            .await
            .map_err(|e| e.to_string())?;
        let state = store
            .filter_state(None)
            .await
            .map_err(|e| e.to_string())?
            .ok_or("that database has no filter version yet (start raqib on it once)")?;
        eprintln!(
            "raqib score: filter version {} of the database",
            state.version
        );
        let filter = crate::tuning::compile_stored(store.as_ref(), state).await;
        store.close().await;
        filter
    })
}

/// `raqib score`: reads JSON Lines from `input` (stdin when absent or `-`), writes one
/// verdict per line to `output` (stdout unless `labels`), and with `labels` prints the
/// summary table.
pub fn run(
    filter: crate::filter::Filter,
    input: Option<PathBuf>,
    labels: bool,
    output: Option<PathBuf>,
    half: Option<u8>,
    context: bool,
) -> Result<(), String> {
    use std::io::{BufReader, Write};
    let reader: Box<dyn std::io::BufRead> = match input.as_deref() {
        None => Box::new(BufReader::new(std::io::stdin())),
        Some(path) if path.as_os_str() == "-" => Box::new(BufReader::new(std::io::stdin())),
        Some(path) => Box::new(BufReader::new(
            std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?,
        )),
    };
    let mut file;
    let mut stdout;
    let sink: Option<&mut dyn Write> = match (&output, labels) {
        (Some(path), _) => {
            file = std::io::BufWriter::new(
                std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))?,
            );
            Some(&mut file)
        }
        (None, false) => {
            stdout = std::io::BufWriter::new(std::io::stdout().lock());
            Some(&mut stdout)
        }
        (None, true) => None,
    };
    let half = match half {
        Some(1) => Half::First,
        Some(_) => Half::Second,
        None => Half::All,
    };
    let summary = score(filter, reader, sink, Reading { half, context })?;
    if labels {
        print!("{}", summary.table());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::Source;

    fn shipped() -> Filter {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("wordlists");
        Filter::load(&Source::Dir(dir), Default::default()).unwrap()
    }

    #[test]
    fn lines_are_scored_and_summarised() {
        let input = concat!(
            r#"{"id": 1, "text": "تحليل ممتاز للوضع الاقتصادي", "label": "ham"}"#,
            "\n",
            r#"{"id": "b", "body": "يا حمار يا كلب", "label": "abuse"}"#,
            "\n",
            r#"{"id": 3, "text": "شيخ روحاني لجلب الحبيب واتساب 0551234567", "label": "spam"}"#,
            "\n",
        );
        let mut out = Vec::new();
        let summary = score(shipped(), input.as_bytes(), Some(&mut out), Reading::all()).unwrap();
        let lines: Vec<serde_json::Value> = String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0]["class"], "ok");
        assert_eq!(lines[1]["id"], "b");
        assert_ne!(lines[1]["class"], "ok");
        assert_eq!(lines[2]["class"], "spam");
        assert_eq!(summary.spam_recall(), Some(1.0));
        assert_eq!(summary.abuse_caught(), Some(1.0));
        assert_eq!(summary.ham_false_positive_rate(), Some(0.0));
        assert!(summary.table().contains("| ham | 1 |"));
    }

    #[test]
    fn a_set_without_spam_labels_reports_no_spam_precision() {
        // A heavy insult is classed block: "spam or block" on a set with no spam label.
        let input = concat!(
            r#"{"id": 1, "text": "يا ابن الكلب يا حمار يا حقير يا زبالة يا واطي", "label": "abuse"}"#,
            "\n",
            r#"{"id": 2, "text": "تحليل ممتاز للوضع الاقتصادي", "label": "ham"}"#,
            "\n",
        );
        let summary = score(shipped(), input.as_bytes(), None, Reading::all()).unwrap();
        assert_eq!(summary.count("abuse", |c| c == Class::Block), 1);
        assert_eq!(summary.spam_precision(), None);
        assert!(!summary.table().contains("spam precision"));
        assert_eq!(summary.abuse_caught(), Some(1.0));
    }

    #[test]
    fn halves_split_the_lines() {
        let input = "{\"id\":1,\"text\":\"a b\"}\n{\"id\":2,\"text\":\"c d\"}\n{\"id\":3,\"text\":\"e f\"}\n";
        let first = score(
            shipped(),
            input.as_bytes(),
            None,
            Reading {
                half: Half::First,
                context: true,
            },
        )
        .unwrap();
        let second = score(
            shipped(),
            input.as_bytes(),
            None,
            Reading {
                half: Half::Second,
                context: true,
            },
        )
        .unwrap();
        assert_eq!((first.lines, second.lines), (2, 1));
    }

    #[test]
    fn a_bad_line_is_an_error_naming_it() {
        let err = score(shipped(), "{\"id\":1}\n".as_bytes(), None, Reading::all()).unwrap_err();
        assert!(err.starts_with("line 1:"), "{err}");
    }
}
